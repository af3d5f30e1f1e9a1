"""The breakup workflows (:mod:`orbitwatch.detection.breakup_workflow`): input resolution and the parent's set.

The numbers of the workflows are checked on the real clouds in test_fragmentation.py and
through the CLI in tests/cli/test_breakup_cmds.py; here: which catalog is "before" and
which "after", which inputs are refused (with their codes), and which element set of the
parent a reconstruction takes.  Expected epochs are read by hand from the TLE epoch fields
of ``fragmentation/parent-objects-pre-event.tle`` (COSMOS 1408, 13552: ``21317.92599714``
= 2021-11-13 22:13:26.2 UTC and ``21319.03826954`` = 2021-11-15 00:55:06.5 UTC).
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from pathlib import Path

import numpy as np
import pytest

from orbitwatch.api import breakup
from orbitwatch.catalog.model import ElementSet, ElementTable
from orbitwatch.catalog.reader import read_element_sets
from orbitwatch.errors import InputError
from orbitwatch.sources.files import read_catalog_files
from orbitwatch.times import parse_utc

FRAG = "fragmentation"


def _no_store(as_of: np.datetime64 | None, norad: Sequence[int] | None) -> ElementTable:
    raise AssertionError("the store must not be read")


def _source(catalogs: Sequence[Path] = (), *, store_given: bool = False) -> breakup.ElementSource:
    def files(paths: Sequence[Path], as_of: np.datetime64 | None) -> ElementTable:
        return read_catalog_files(list(paths), as_of=as_of)[0]

    def sets(path: Path) -> Iterator[ElementSet]:
        with path.open() as fh:
            yield from read_element_sets(fh, source=str(path))

    return breakup.ElementSource(files=files, store=_no_store, element_sets=sets, catalogs=tuple(catalogs),
                                 store_given=store_given)


def _code(exc: pytest.ExceptionInfo[InputError]) -> str:
    return exc.value.code


def test_contradictory_inputs_are_refused_before_anything_is_read(shared_data: Path) -> None:
    pre = shared_data / FRAG / "parent-objects-pre-event.tle"
    with pytest.raises(InputError) as exc:
        breakup.detect(_source(), before=[pre])
    assert _code(exc) == "INPUT_INVALID" and exc.value.field == "before"
    with pytest.raises(InputError) as exc:
        breakup.detect(_source([pre]))  # one catalog: nothing is "before"
    assert _code(exc) == "INPUT_INVALID" and exc.value.field == "catalog"
    with pytest.raises(InputError) as exc:
        breakup.detect(_source([pre, pre], store_given=True))
    assert _code(exc) == "INPUT_INVALID"
    with pytest.raises(InputError) as exc:
        breakup.detect(_source())  # the store needs the time of its "before" state
    assert _code(exc) == "INPUT_MISSING" and exc.value.field == "start"
    with pytest.raises(InputError) as exc:
        breakup.risk(_source([pre]), assets=[13552], start="2021-11-15T00:00:00Z", end="2021-11-15T01:00:00Z")
    assert exc.value.field == "cloud"


def test_the_last_catalog_is_after(shared_data: Path) -> None:
    """Early COSMOS 1408 file after the three pre-event parents: the new objects are the
    file's 105 less 13552 (in the "before" file), one cluster of launch 1982-092 whose parent
    13552 has its set from "before" (pre-event)."""
    pre = shared_data / FRAG / "parent-objects-pre-event.tle"
    early = shared_data / FRAG / "cosmos-1408-debris-early-2021-11-30.tle"
    facts_asked: list[bool] = []

    def satcat(from_store: bool) -> dict[int, breakup.ObjectFacts]:
        facts_asked.append(from_store)
        return {}

    res = breakup.detect(_source([pre, early]), satcat=satcat)
    assert facts_asked == [False]
    assert (len(res.before), len(res.after)) == (3, 105)
    (e,) = res.events
    assert (e.launch, e.pieces, e.parent_norad, e.parent_elements) == ("1982-092", 104, 13552, "pre_event")
    assert sum(res.to_dict()["counts_by_kind"].values()) == 1


def test_parent_before_takes_the_latest_earlier_set(shared_data: Path) -> None:
    path = shared_data / FRAG / "parent-objects-pre-event.tle"
    sets = list(_source().element_sets(path))
    es = breakup.parent_before(sets, 13552, parse_utc("2021-11-17T21:50:21Z"), source=str(path))
    assert abs(float((es.epoch - parse_utc("2021-11-15T00:55:06.5Z")) / np.timedelta64(1, "s"))) < 0.1
    es = breakup.parent_before(sets, 13552, parse_utc("2021-11-15T00:00:00Z"), source=str(path))
    assert abs(float((es.epoch - parse_utc("2021-11-13T22:13:26.2Z")) / np.timedelta64(1, "s"))) < 0.1
    with pytest.raises(InputError) as exc:
        breakup.parent_before(sets, 13552, parse_utc("2021-11-13T00:00:00Z"), source=str(path))
    assert _code(exc) == "INPUT_UNKNOWN_NORAD" and exc.value.record == 13552


def test_gabbard_frame_and_labels(shared_data: Path) -> None:
    early = shared_data / FRAG / "cosmos-1408-debris-early-2021-11-30.tle"
    with pytest.raises(InputError) as exc:
        breakup.gabbard(_source(), catalogs=[early], designator="1982-092", labels=["a", "b"])
    assert exc.value.field == "label"
    with pytest.raises(InputError) as exc:
        breakup.gabbard(_source(), catalogs=[early], designator="1982-092", max_period_min=100.0)
    assert exc.value.field == "max_period_min"
    res = breakup.gabbard(_source(), catalogs=[early], designator="1982-092", labels=["early"],
                          max_period_min=100.0, max_altitude_km=1500.0)
    assert res.panels[0][0] == "early: 105 objects" and res.ylim == (0.0, 1500.0)
    assert res.xlim is not None and res.xlim[1] == 100.0
    assert res.to_dict(plot=Path("g.png"))["catalogs"][0]["pieces"] == 105
