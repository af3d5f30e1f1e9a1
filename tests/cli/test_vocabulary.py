"""One CLI vocabulary (issue 10, docs/design.md §12): new spellings equal the old ones.

For each command that changed, the new spelling and the old one (kept as a hidden alias
for one release) give identical stdout on real staged data, the old spelling being the
reference; ``--norad 25544,48274`` equals ``--norad 25544 --norad 48274`` (and so for
every option taking NORAD ids); ``--format json`` equals ``--json``; ``--duration-h H``
equals the ``--end`` H hours after ``--start``.  A bad NORAD id is a coded error naming
its option; option enums are the library's tuples.
Data: shared/data (MANIFEST.md): the 2026-05 stations history, the 2009 Iridium-Cosmos
parents, the Sentinel-6A benchmark history, the 2026-05 GEO week, the early COSMOS 1408
cloud, a CARA test CDM.
"""

from __future__ import annotations

import csv
import io
import json
import re
from pathlib import Path
from typing import Any

import pytest
import typer.main
from typer.testing import CliRunner

from orbitwatch.cli import app

runner = CliRunner()

STATIONS = "history/celestrak-groups-2026-05-24_30/stations-history-2026-05-24_30.tle.gz"
PARENTS = "fragmentation/parent-objects-pre-event.tle"
S6A = "history/maneuver-benchmark/Sentinel-6A.tle.gz"
GEO_WEEK = "history/celestrak-groups-2026-05-24_30/geo-history-2026-05-24_30.tle.gz"
COSMOS_EARLY = "fragmentation/cosmos-1408-debris-early-2021-11-30.tle"
COSMOS_JAN = "fragmentation/cosmos-1408-debris-2022-01-22.tle.gz"
HST_CDM = "cdm/cara-pc-test-cdms/000020580_conj_000002017_20230613_001923_20230608_063715.cdm"
KSAT = "ground-stations/ksat.geojson"

T0 = "2026-05-30T00:00:00Z"
T1 = "2026-05-31T00:00:00Z"


def _out(args: list[str]) -> str:
    res = runner.invoke(app, args)
    assert res.exit_code == 0, (args, res.output)
    return res.stdout


def _same(d: Path, new: list[str], old: list[str]) -> str:
    """stdout of the new spelling, asserted equal to the old one's (the reference)."""
    new_out = _out([a.replace("{d}", str(d)) for a in new])
    old_out = _out([a.replace("{d}", str(d)) for a in old])
    assert new_out == old_out, (new, old)
    return old_out


# (name, new spelling, old spelling); "{d}" is the shared data directory
CASES: list[tuple[str, list[str], list[str]]] = [
    ("passes",
     ["passes", "--catalog", "{d}/" + STATIONS, "--norad", "25544,48274", "--site", "56.4,-3.18",
      "--start", T0, "--duration-h", "24", "--format", "json"],
     ["passes", "--catalog", "{d}/" + STATIONS, "--norad", "25544", "--norad", "48274", "--site", "56.4,-3.18",
      "--start", T0, "--end", T1, "--json"]),
    ("exposure",
     ["exposure", "--catalog", "{d}/" + STATIONS, "--norad", "25544,48274", "--sites", "{d}/" + KSAT,
      "--start", T0, "--duration-h", "24", "--format", "json"],
     ["exposure", "--catalog", "{d}/" + STATIONS, "--norad", "25544", "--norad", "48274", "--sites", "{d}/" + KSAT,
      "--start", T0, "--end", T1, "--json"]),
    ("contacts",
     ["contacts", "--catalog", "{d}/" + STATIONS, "--norad", "25544,48274", "--stations", "{d}/" + KSAT,
      "--start", T0, "--duration-h", "24", "--format", "json"],
     ["contacts", "--catalog", "{d}/" + STATIONS, "--norad", "25544", "--norad", "48274", "--stations",
      "{d}/" + KSAT, "--start", T0, "--end", T1, "--json"]),
    ("propagate",
     ["propagate", "25544,48274", "--catalog", "{d}/" + STATIONS, "--start", T0, "--duration-h", "1",
      "--step-s", "600", "--json"],
     ["propagate", "25544", "48274", "--catalog", "{d}/" + STATIONS, "--start", T0, "--end",
      "2026-05-30T01:00:00Z", "--step-s", "600", "--format", "json"]),
    ("screen",
     ["screen", "--catalog", "{d}/" + PARENTS, "--primary", "24946,22675", "--start", "2009-02-10T16:00:00Z",
      "--duration-h", "2", "--threshold-km", "5", "--json"],
     ["screen", "--catalog", "{d}/" + PARENTS, "--primary", "24946", "--primary", "22675", "--start",
      "2009-02-10T16:00:00Z", "--end", "2009-02-10T18:00:00Z", "--threshold-km", "5", "--format", "json"]),
    ("maneuvers",
     ["maneuvers", "--catalog", "{d}/" + S6A, "--start", "2021-02-01T00:00:00Z", "--format", "json"],
     ["maneuvers", "--catalog", "{d}/" + S6A, "--since", "2021-02-01T00:00:00Z", "--json"]),
    ("rpo",
     ["rpo", "--catalog", "{d}/" + GEO_WEEK, "--norad", "46113,28358", "--regime", "geo", "--format", "json"],
     ["rpo", "--catalog", "{d}/" + GEO_WEEK, "--norad", "46113", "--norad", "28358", "--regime", "geo", "--json"]),
    ("pc",
     ["pc", "{d}/" + HST_CDM, "--method", "chan", "--format", "json"],
     ["pc", "{d}/" + HST_CDM, "--method", "chan", "--json"]),
    ("breakup detect",
     ["breakup", "detect", "--before", "{d}/" + COSMOS_EARLY, "--after", "{d}/" + COSMOS_EARLY,
      "--start", "2021-11-14T00:00:00Z", "--format", "json"],
     ["breakup", "detect", "--before", "{d}/" + COSMOS_EARLY, "--after", "{d}/" + COSMOS_EARLY,
      "--since", "2021-11-14T00:00:00Z", "--json"]),
    ("breakup reconstruct",
     ["breakup", "reconstruct", "--catalog", "{d}/" + COSMOS_EARLY, "--fragments-designator", "1982-092",
      "--start", "2021-11-14T00:00:00Z", "--format", "json"],
     ["breakup", "reconstruct", "--catalog", "{d}/" + COSMOS_EARLY, "--fragments-designator", "1982-092",
      "--window-start", "2021-11-14T00:00:00Z", "--json"]),
    ("breakup risk",
     ["breakup", "risk", "--catalog", "{d}/" + COSMOS_JAN, "--asset", "13552,49516", "--cloud-designator",
      "1982-092", "--start", "2022-01-22T00:00:00Z", "--duration-h", "0.5", "--threshold-km", "50",
      "--format", "json"],
     ["breakup", "risk", "--catalog", "{d}/" + COSMOS_JAN, "--asset", "13552", "--asset", "49516",
      "--cloud-designator", "1982-092", "--start", "2022-01-22T00:00:00Z", "--end", "2022-01-22T00:30:00Z",
      "--threshold-km", "50", "--json"]),
]


@pytest.mark.parametrize(("new", "old"), [c[1:] for c in CASES], ids=[c[0] for c in CASES])
def test_new_spelling_equals_old(shared_data: Path, new: list[str], old: list[str]) -> None:
    out = json.loads(_same(shared_data, new, old))
    assert out and (not isinstance(out, dict) or any(out.values()))  # something to compare


def test_passes_csv_has_the_json_keys(shared_data: Path) -> None:
    base = ["passes", "--catalog", str(shared_data / STATIONS), "--norad", "25544", "--site", "56.4,-3.18",
            "--start", T0, "--end", T1]
    rows = json.loads(_out([*base, "--json"]))
    table = list(csv.DictReader(io.StringIO(_out([*base, "--format", "csv"]))))
    assert rows and len(table) == len(rows)
    assert list(table[0]) == list(rows[0])
    assert [r["rise_utc"] for r in table] == [r["rise_utc"] for r in rows]
    assert [float(r["max_elevation_deg"]) for r in table] == pytest.approx([r["max_elevation_deg"] for r in rows])


def test_pc_csv(shared_data: Path) -> None:
    (rec,) = json.loads(_out(["pc", str(shared_data / HST_CDM), "--json"]))
    (row,) = list(csv.DictReader(io.StringIO(_out(["pc", str(shared_data / HST_CDM), "--format", "csv"]))))
    assert float(row["pc"]) == pytest.approx(rec["pc"], rel=1e-12)
    assert row["usage_violations"] == "[]" and row["covariance_remediated"] == "false"


def test_maneuvers_csv(shared_data: Path) -> None:
    events = json.loads(_out(["maneuvers", "--catalog", str(shared_data / S6A), "--json"]))
    rows = list(csv.DictReader(io.StringIO(_out(["maneuvers", "--catalog", str(shared_data / S6A),
                                                 "--format", "csv"]))))
    assert events and [r["epoch_utc"] for r in rows] == [e["epoch_utc"] for e in events]
    assert list(rows[0]) == list(events[0])
    assert rows[0]["owner"] == ""  # null is an empty cell


def test_comma_list_is_repeats_in_table_output(shared_data: Path) -> None:
    """Not only JSON: the rendered table is the same too (and --format table is the default)."""
    base = ["passes", "--catalog", str(shared_data / STATIONS), "--site", "56.4,-3.18", "--start", T0, "--end", T1]
    table = _out([*base, "--norad", "25544", "--norad", "48274"])
    assert _out([*base, "--norad", "25544,48274", "--format", "table"]) == table
    assert _out([*base, "--norad", " 25544 , 48274"]) == table


@pytest.mark.parametrize(("args", "option"), [
    (["passes", "--norad", "25544,ISS", "--site", "0,0", "--start", T0, "--end", T1], "--norad"),
    (["screen", "--primary", "-5", "--start", T0, "--duration-h", "1", "--threshold-km", "5"], "--primary"),
    (["propagate", "25544,x", "--start", T0, "--end", T1, "--step-s", "60"], "NORAD"),
    (["breakup", "risk", "--asset", "1.5", "--cloud-designator", "1982-092", "--start", T0, "--end", T1],
     "--asset"),
])
def test_bad_norad_is_a_coded_error_naming_the_option(shared_data: Path, args: list[str], option: str) -> None:
    res = runner.invoke(app, [*args, "--catalog", str(shared_data / PARENTS)])
    assert res.exit_code == 3, res.output
    assert "INPUT_NORAD" in res.stderr and option in res.stderr


def test_window_and_format_conflicts(shared_data: Path) -> None:
    base = ["passes", "--catalog", str(shared_data / STATIONS), "--norad", "25544", "--site", "0,0", "--start", T0]
    both = runner.invoke(app, [*base, "--end", T1, "--duration-h", "6"])
    assert both.exit_code == 3 and "INPUT_WINDOW" in both.stderr
    neither = runner.invoke(app, base)
    assert neither.exit_code == 3 and "INPUT_WINDOW" in neither.stderr
    clash = runner.invoke(app, [*base, "--end", T1, "--json", "--format", "csv"])
    assert clash.exit_code == 3 and "INPUT_FORMAT" in clash.stderr
    twice = runner.invoke(app, ["maneuvers", "--catalog", str(shared_data / S6A), "--start", T0, "--since", T1])
    assert twice.exit_code == 3 and "INPUT_INVALID" in twice.stderr


def _option(path: tuple[str, ...], flag: str) -> Any:
    cmd: Any = typer.main.get_command(app)
    for name in path:
        cmd = cmd.commands[name]
    (opt,) = [p for p in cmd.params if flag in getattr(p, "opts", ())]
    return opt


def _help(*path: str) -> str:
    res = runner.invoke(app, [*path, "--help"], terminal_width=400)
    assert res.exit_code == 0, res.output
    return re.sub(r"\s+", " ", re.sub(r"[│╭╮╰╯─]", " ", res.stdout))


@pytest.mark.parametrize(("path", "old"), [
    (("maneuvers",), "--since"),
    (("breakup", "detect"), "--since"),
    (("breakup", "reconstruct"), "--window-start"),
    (("breakup", "reconstruct"), "--window-end"),
    (("demo",), "--hours"),
])
def test_old_spellings_are_hidden(path: tuple[str, ...], old: str) -> None:
    text = _help(*path)
    assert old not in text
    assert ("--duration-h" if old == "--hours" else "--start") in text


def test_enums_are_the_library_tuples() -> None:
    from orbitwatch.propagation import FRAMES
    from orbitwatch.risk import METHODS

    assert _option(("pc",), "--method").metavar == "[" + "|".join(METHODS) + "]"
    assert _option(("propagate",), "--frame").metavar == "[" + "|".join(FRAMES) + "]"
    assert ", ".join(METHODS) in _option(("screen",), "--pc-method").help
    bad = runner.invoke(app, ["pc", "x.cdm", "--method", "fosterr"])
    assert bad.exit_code == 2  # a usage error, as the enum was


def test_demo_duration_h_is_hours(tmp_path: Path) -> None:
    """``demo --duration-h 0`` and ``--hours 0`` both skip the screening step."""
    for flag in ("--duration-h", "--hours"):
        out = _out(["demo", "--offline", "--db", str(tmp_path / f"d{flag}.db"), flag, "0"])
        assert "closest approaches" not in out.lower()


def test_store_commands_format_json_is_json(shared_data: Path, tmp_path: Path) -> None:
    """ingest, catalog stats|show|search, store check and export: --format json is --json, comma lists repeats."""
    db = str(tmp_path / "ow.db")
    ingested = json.loads(_out(["ingest", str(shared_data / STATIONS), "--db", db, "--format", "json"]))
    assert ingested
    for args in (["catalog", "stats"], ["catalog", "show", "25544"], ["catalog", "search", "ISS"],
                 ["store", "check"]):
        assert _out([*args, "--db", db, "--format", "json"]) == _out([*args, "--db", db, "--json"]), args
        assert _out([*args, "--db", db, "--format", "table"]) == _out([*args, "--db", db]), args
    export = ["export", "tle", "--db", db, "--as-of", T0]
    assert _out([*export, "--norad", "25544,48274"]) == _out([*export, "--norad", "25544", "--norad", "48274"])
