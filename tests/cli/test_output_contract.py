"""The output contract every command shares (issue 18 hardening, issue 19 operator view).

* strict JSON (RFC 8259: no NaN/Infinity) from ``print_json``/``dumps_strict`` and from a
  real ``pc --json`` of a CDM carrying a NaN; every other CLI test is checked too, by
  the fixture in ``tests/cli/conftest.py``;
* every float option of every command refuses ``nan``/``inf``/``1e400`` with
  ``INPUT_NOT_FINITE`` and exit status 3 (the option list is read from the command
  tree, so a new command is covered without editing this file);
* data text reaches the terminal literally: rich markup in names and file names is
  shown, not interpreted; ESC sequences and control characters are stripped;
* ``--version``; warnings as one line without source paths; an unexpected exception
  is one ``[INTERNAL]`` line with exit status 70, never a traceback.

Expected values are built here (the names and strings the test writes) or come from
independent sources (``importlib.metadata`` for the version, Python's ``json`` with a
refusing ``parse_constant`` for strictness).
"""

from __future__ import annotations

import importlib.metadata
import json
import math
import warnings
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import numpy as np
import pytest
import typer.main
from typer.testing import CliRunner

from orbitwatch.cli import app
from orbitwatch.cli._app import INTERNAL_EXIT, dumps_strict, print_json, safe_text
from orbitwatch.store import Store
from store._independent import text_lines

from .conftest import strict_loads

runner = CliRunner()
NOW = np.datetime64("2026-09-01T00:00:00", "us")
STATIONS = "history/celestrak-groups-2026-05-24_30/stations-history-2026-05-24_30.tle.gz"


# -- strict JSON ---------------------------------------------------------------------


def test_dumps_strict_maps_non_finite_to_null() -> None:
    data = {
        "pc": math.nan,
        "up": math.inf,
        "down": -math.inf,
        "ok": 1.5,
        "np64": np.float64("nan"),
        "np32": np.float32("inf"),
        "arr": np.array([1.0, np.nan, 2.0]),
        "ints": np.array([1, 2], dtype=np.int64),
        "nested": [{"x": (math.nan, 3)}],
        np.int64(7): "numpy key",
        "t": np.datetime64("2025-04-15T00:00:00", "us"),
    }
    parsed = strict_loads(dumps_strict(data))
    assert parsed == {
        "pc": None, "up": None, "down": None, "ok": 1.5, "np64": None, "np32": None,
        "arr": [1.0, None, 2.0], "ints": [1, 2], "nested": [{"x": [None, 3]}], "7": "numpy key",
        "t": "2025-04-15T00:00:00.000000",
    }
    with pytest.raises(ValueError):
        strict_loads(json.dumps({"pc": math.nan}))  # the parser used everywhere does refuse NaN


def test_print_json_is_strict(capsys: pytest.CaptureFixture[str]) -> None:
    print_json([math.nan, {"a": math.inf}])
    assert strict_loads(capsys.readouterr().out) == [None, {"a": None}]


def test_pc_json_of_a_cdm_with_a_nan_field_is_strict(shared_data: Path, tmp_path: Path) -> None:
    """A CDM whose object-1 CR_R is NaN (built from CCSDS example 1): ``pc --json`` stays strict JSON."""
    src = (shared_data / "cdm" / "ccsds-cdm-examples" / "CDMExample1.txt").read_text()
    first = src.index("\nCR_R ")
    end = src.index("\n", first + 1)
    nan_cdm = tmp_path / "nan.cdm"
    nan_cdm.write_text(src[:first] + "\nCR_R                          = NaN    [m**2]" + src[end:])
    result = runner.invoke(app, ["pc", str(nan_cdm), "--json"])
    rows = strict_loads(result.stdout)
    assert isinstance(rows, list) and len(rows) == 1
    pc = rows[0].get("pc")
    assert pc is None or math.isfinite(pc)


# -- finite numeric options ----------------------------------------------------------


def _float_options() -> list[tuple[list[str], str]]:
    from orbitwatch.cli._app import _takes_floats

    found: list[tuple[list[str], str]] = []

    def walk(command: Any, path: list[str]) -> None:
        for param in command.params:
            desc = getattr(param, "type_descriptor", None)
            if desc is not None and _takes_floats(desc.annotation) and param.param_type_name == "option":
                found.append((path, param.opts[0]))
        for name, sub in getattr(command, "commands", {}).items():
            walk(sub, [*path, name])

    walk(typer.main.get_command(app), [])
    return found


FLOAT_OPTIONS = _float_options()


def test_the_float_option_list_is_not_empty() -> None:
    # The README tour uses these; if the walk found none the parametrised test below would check nothing.
    assert (["pc"], "--hbr-m") in FLOAT_OPTIONS and (["screen"], "--threshold-km") in FLOAT_OPTIONS


@pytest.mark.parametrize(("path", "option"), FLOAT_OPTIONS, ids=[" ".join([*p, o]) for p, o in FLOAT_OPTIONS])
@pytest.mark.parametrize("value", ["inf", "nan", "-Infinity", "1e400"])
def test_every_float_option_refuses_non_finite(path: list[str], option: str, value: str) -> None:
    result = runner.invoke(app, [*path, option, value])
    assert result.exit_code == 3, (result.exit_code, result.output)
    assert "INPUT_NOT_FINITE" in result.stderr and option in result.stderr
    assert "Traceback" not in result.output


def test_finite_values_still_pass_the_bounds(shared_data: Path) -> None:
    cdm = shared_data / "cdm" / "ccsds-cdm-examples" / "CDMExample1.txt"
    ok = runner.invoke(app, ["pc", str(cdm), "--hbr-m", "20", "--json"])
    assert ok.exit_code == 0, ok.output
    assert strict_loads(ok.stdout)[0]["hbr_m"] == 20.0


# -- safe terminal text --------------------------------------------------------------

HOSTILE_NAMES = {
    90001: "ISS [/x]",
    90002: "[link=https://evil.example]CLICK[/link]",
    90003: "EVIL\x1b]8;;https://evil.example\x07NAME\x1b]8;;\x07\x1b[31m",
    90004: "BELL\x07\x08\rBACK\u202eRTL",
}


@pytest.fixture
def hostile_store(shared_data: Path, tmp_path: Path) -> Iterator[Path]:
    """A store whose objects carry names with rich markup, OSC 8 links, ESC and control characters."""
    from orbitwatch.catalog.reader import read_element_sets

    base = next(iter(read_element_sets(text_lines(shared_data / STATIONS), source="stations")))
    db = tmp_path / "hostile.db"
    with Store.open(db) as store:
        store.add_element_sets(
            [base.replace(norad_id=n, name=name) for n, name in HOSTILE_NAMES.items()], source="hostile", now=NOW
        )
    yield db


def test_safe_text() -> None:
    assert safe_text("ISS [/x]") == "ISS \\[/x]"
    assert safe_text("a\x1b[31mred\x1b[0m b") == "ared b"
    assert safe_text("x\x1b]8;;http://e\x07link\x1b]8;;\x07y") == "xlinky"
    assert safe_text("tab\there\nnext\r") == "tab herenext"
    assert safe_text("line 1\nline 2", newlines=True) == "line 1\nline 2"
    assert safe_text("\u202eevil\u2066") == "evil"


def test_catalog_show_displays_hostile_names_literally(hostile_store: Path) -> None:
    shown = {}
    for norad in HOSTILE_NAMES:
        result = runner.invoke(app, ["catalog", "show", str(norad), "--db", str(hostile_store)], terminal_width=200)
        assert result.exit_code == 0, result.output
        assert "\x1b" not in result.stdout and "\x07" not in result.stdout and "\u202e" not in result.stdout
        shown[norad] = result.stdout
    assert "ISS [/x]" in shown[90001]
    assert "[link=https://evil.example]CLICK[/link]" in shown[90002]
    assert "EVILNAME" in shown[90003] and "evil.example" not in shown[90003]
    assert "BELLBACKRTL" in shown[90004]
    # --json keeps the stored name exactly (JSON escapes control characters itself).
    data = strict_loads(runner.invoke(app, ["catalog", "show", "90003", "--db", str(hostile_store), "--json"]).stdout)
    assert data["object"]["name"] == HOSTILE_NAMES[90003]


def test_lenient_ingest_report_with_markup_in_a_rejected_line(shared_data: Path, tmp_path: Path) -> None:
    """The human report of a committed lenient ingest prints a reject quoting ``[/x]`` (it used to crash)."""
    lines = list(text_lines(shared_data / STATIONS))[:3]
    bad = tmp_path / "markup.tle"
    bad.write_text("".join(["ISS [/x]\n", *lines[1:3], "ISS [/x]\n", "1 [/x] garbage\n", "2 [/x] more\n"]))
    db = tmp_path / "s.db"
    result = runner.invoke(app, ["ingest", str(bad), "--db", str(db), "--lenient"], terminal_width=200)
    assert result.exit_code == 0, result.output
    assert "Traceback" not in result.output and "[/x]" in result.stdout
    stats = strict_loads(runner.invoke(app, ["catalog", "stats", "--db", str(db), "--json"]).stdout)
    assert stats["element_sets"] == 1


def test_error_handler_shows_hostile_file_names_literally(tmp_path: Path) -> None:
    shown_as = {  # the file name as typed -> as it must appear on stderr
        "no[/x]such.tle": "no[/x]such.tle",
        "[link=https:evil.example]x[/link].tle": "[link=https:evil.example]x[/link].tle",
        "esc\x1b[2Jclear\x07.tle": "escclear.tle",
    }
    for name, shown in shown_as.items():
        result = runner.invoke(app, ["ingest", f"{tmp_path}/{name}", "--db", str(tmp_path / "s.db")],
                               terminal_width=400)
        assert result.exit_code == 3 and "INPUT_FILE" in result.stderr, result.output
        assert "\x1b" not in result.stderr and "\x07" not in result.stderr
        assert f"{tmp_path}/{shown}" in result.stderr


# -- version, warnings, internal errors ----------------------------------------------


def test_version() -> None:
    result = runner.invoke(app, ["--version"])
    assert result.exit_code == 0
    assert result.stdout.strip() == f"orbitwatch {importlib.metadata.version('orbitwatch')}"


def test_warnings_are_one_line_without_source_paths(
    shared_data: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from orbitwatch.eop import EOPRangeWarning

    db = tmp_path / "s.db"
    assert runner.invoke(app, ["ingest", str(shared_data / STATIONS), "--db", str(db)]).exit_code == 0

    def stats_with_warnings(self: Store) -> dict[str, Any]:
        for _ in range(3):  # the same warning three times is shown once
            warnings.warn("outside the tables; using the nearest values", EOPRangeWarning, stacklevel=2)
        warnings.warn("something else", UserWarning, stacklevel=2)
        return original(self)

    original = Store.stats
    monkeypatch.setattr(Store, "stats", stats_with_warnings)
    with warnings.catch_warnings():
        warnings.simplefilter("always")
        result = runner.invoke(app, ["catalog", "stats", "--db", str(db), "--json"])
    assert result.exit_code == 0, result.output
    assert result.stderr.splitlines() == [
        "warning EOPRangeWarning: outside the tables; using the nearest values",
        "warning UserWarning: something else",
    ]
    assert ".py" not in result.stderr


def test_unexpected_exception_is_one_coded_line(
    tmp_path: Path, shared_data: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    db = tmp_path / "s.db"
    assert runner.invoke(app, ["ingest", str(shared_data / STATIONS), "--db", str(db)]).exit_code == 0

    def broken(self: Store) -> dict[str, Any]:
        raise ZeroDivisionError("simulated [/x] bug")

    monkeypatch.setattr(Store, "stats", broken)
    monkeypatch.delenv("ORBITWATCH_DEBUG", raising=False)
    result = runner.invoke(app, ["catalog", "stats", "--db", str(db)])
    assert result.exit_code == INTERNAL_EXIT == 70
    (line,) = result.stderr.splitlines()
    assert line.startswith("error [INTERNAL] unexpected ZeroDivisionError: simulated [/x] bug")
    assert "Traceback" not in result.output
    monkeypatch.setenv("ORBITWATCH_DEBUG", "1")
    debug = runner.invoke(app, ["catalog", "stats", "--db", str(db)])
    assert debug.exit_code == 70 and "Traceback" in debug.stderr


def test_real_eop_range_warning_is_one_line(shared_data: Path) -> None:
    """ITRF states in 2029, past the installed IERS tables (they end in 2027): one EOPRangeWarning line."""
    from orbitwatch.eop import eop_table

    assert eop_table().mjd_utc[-1] < 62283.0  # MJD of 2029-06-01: the warning is due
    result = runner.invoke(app, [
        "propagate", "25544", "--catalog", str(shared_data / STATIONS), "--start", "2029-06-01T00:00:00Z",
        "--end", "2029-06-01T00:30:00Z", "--step-s", "300", "--frame", "itrf", "--format", "csv",
    ])
    assert result.exit_code == 0, result.output
    eop = [line for line in result.stderr.splitlines() if line.startswith("warning EOPRangeWarning: ")]
    assert len(eop) == 1, result.stderr
    assert ".py" not in result.stderr and "warnings.warn" not in result.stderr
