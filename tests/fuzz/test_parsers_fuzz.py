"""Property-based fuzzing of every parser entry point (issue 18), in the normal test suite.

The targets are those of the atheris harness (``fuzz/fuzz_parsers.py``): TLE, OMM KVN /
XML / JSON / CSV and format detection through ``read_element_sets``, CDM KVN and XML, OEM.
Inputs are valid seeds (``fuzz/seeds.py``) with random edits (inserted runs of the
characters that matter to these syntaxes, deletions, duplicated and swapped lines) and
plain random text.  The property: strict reading raises only orbitwatch errors, lenient
reading raises nothing, and whatever is accepted satisfies the model's invariants.  The
number of examples is bounded (about 100 per target) to keep this file well under 60 s.
"""

from __future__ import annotations

import importlib
import sys
from collections.abc import Callable
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

FUZZ_DIR = Path(__file__).resolve().parents[2] / "fuzz"
sys.path.insert(0, str(FUZZ_DIR))
fuzz_parsers = importlib.import_module("fuzz_parsers")
fuzz_parsers._imports()

TARGETS: dict[str, Callable[[str], None]] = fuzz_parsers.TARGETS
SEEDS: dict[str, str] = fuzz_parsers.SEED_OF

_SPECIAL = "=[]<>&;{}\",:/\\\n\r\t \x00\x1b\u00b2\ufffd\ufeff.-+eE0123456789NaInfTZ!?#'"
_pieces = st.one_of(
    st.text(alphabet=_SPECIAL, max_size=12),
    st.builds(lambda c, n: c * n, st.sampled_from(_SPECIAL), st.integers(1, 3000)),
    st.sampled_from(["<!DOCTYPE x [<!ENTITY a 'b'>]>", "&a;", "]]>", "<?xml version='1.0' encoding='UTF-36'?>",
                     "COMMENT HBR = 1.2.3 [m]", "1" * 5000, "1e400", "[[[[", "{\"a\":", "NaN", "-1", "9999",
                     "\"\"\"", "META_START", "META_STOP", "OBJECT = OBJECT1", "CCSDS_OMM_VERS = 2.0"]),
)


@st.composite
def _mutated(draw: st.DrawFn, seed: str) -> str:
    text = seed
    for _ in range(draw(st.integers(1, 6))):
        op = draw(st.sampled_from(("insert", "delete", "replace", "dup_line", "swap_lines", "truncate")))
        i = draw(st.integers(0, len(text)))
        if op == "insert":
            text = text[:i] + draw(_pieces) + text[i:]
        elif op == "delete":
            text = text[:i] + text[i + draw(st.integers(1, 80)):]
        elif op == "replace":
            text = text[:i] + draw(_pieces) + text[i + draw(st.integers(1, 20)):]
        elif op == "truncate":
            text = text[:i]
        else:
            lines = text.splitlines(keepends=True)
            if len(lines) >= 2:
                a = draw(st.integers(0, len(lines) - 1))
                b = draw(st.integers(0, len(lines) - 1))
                if op == "dup_line":
                    lines.insert(b, lines[a])
                else:
                    lines[a], lines[b] = lines[b], lines[a]
                text = "".join(lines)
    return text


def _inputs(target: str) -> st.SearchStrategy[str]:
    return st.one_of(
        _mutated(SEEDS[target]),
        st.text(max_size=400),
        st.binary(max_size=400).map(lambda b: b.decode("utf-8", "replace")),
    )


@pytest.mark.parametrize("target", sorted(TARGETS))
def test_parsers_raise_only_orbitwatch_errors(target: str) -> None:
    run = TARGETS[target]
    run(SEEDS[target])  # the seed itself is valid and passes the invariants

    @settings(max_examples=100, deadline=None, database=None,
              suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
    @given(_inputs(target))
    def check(text: str) -> None:
        run(text)

    check()


def test_seeds_parse_to_what_they_hold() -> None:
    """The seeds are valid: without this the fuzzers would only exercise the first syntax check."""
    from orbitwatch.catalog.reader import read_element_sets
    from orbitwatch.ccsds.cdm import read_cdm_kvn, read_cdm_xml
    from orbitwatch.ccsds.oem import read_oem

    for fmt, n in (("tle", 2), ("omm-kvn", 1), ("omm-xml", 1), ("omm-json", 2), ("omm-csv", 2)):
        got = list(read_element_sets(SEEDS[fmt].splitlines(keepends=True), source="seed", fmt=fmt))
        assert len(got) == n and got[0].norad_id == 25544, fmt
    assert read_cdm_kvn(SEEDS["cdm-kvn"]).hbr_m == 10.0
    assert read_cdm_xml(SEEDS["cdm-xml"]).norad_id(2) == 25545
    assert read_oem(SEEDS["oem"])[1][0].times.shape == (3,)
