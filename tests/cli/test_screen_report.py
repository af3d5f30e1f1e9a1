"""The operator's conjunction report and saved runs (issue 19, acceptance 3), on real runs.

A store holds CelesTrak's active payloads of 2023-08-13 and 2023-08-20.  Two real runs
screen the same 2-hour window of 2023-08-20 at 5 km with collision probability: the
first with the sets in force on 2023-08-14 (``--as-of``), the second with those of
2023-08-20, as an operator's runs a week apart would.  Checked against the runs' own
JSON records, independently of the report code: ``--sort``, ``--top``, ``--summary``
(closest approach per pair and its number of encounters), and ``screen runs list``,
``show`` and ``diff`` (every new record has no same-pair record within 10 min in the
earlier run, every gone one none in the later, closer ones lost at least 10 m).
"""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from orbitwatch.cli import app
from orbitwatch.sources.files import open_lines
from orbitwatch.store import Store
from orbitwatch.times import parse_utc

runner = CliRunner()
WINDOW = ["--start", "2023-08-20T00:00:00Z", "--duration-h", "2", "--threshold-km", "5"]
FILES = ("history/celestrak-active-2023/celestrak-active-2023-08-13.tle.gz",
         "catalog/celestrak-active-2023-08-20.tle.gz")


def _json(args: list[str]) -> object:
    res = runner.invoke(app, args)
    assert res.exit_code == 0, res.output
    return json.loads(res.stdout)


@pytest.fixture(scope="module")
def runs(shared_data: Path, tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, list[dict], list[dict]]:
    db = tmp_path_factory.mktemp("runs") / "ow.db"
    with Store.open(db) as store:
        for name in FILES:
            with open_lines(shared_data / name) as lines:
                store.ingest([(name, lines)], now=parse_utc("2026-01-01T00:00:00Z"))
    base = ["screen", "--db", str(db), *WINDOW, "--pc", "--format", "json", "--sort", "tca"]
    first = _json([*base, "--as-of", "2023-08-14T00:00:00Z"])
    second = _json(base)
    assert isinstance(first, list) and isinstance(second, list)
    assert len(first) > 5 and len(second) > 5
    return db, first, second


def _key(r: dict) -> tuple[int, int]:
    return (r["norad_1"], r["norad_2"])


def _t(r: dict) -> float:
    return float(parse_utc(r["tca_utc"]).astype("int64")) / 1e6


def test_sort_top_and_summary(runs: tuple[Path, list[dict], list[dict]]) -> None:
    db, _, rows = runs
    base = ["screen", "--db", str(db), *WINDOW, "--pc", "--format", "json"]
    by_miss = _json([*base, "--sort", "miss", "--top", "5"])
    assert by_miss == sorted(rows, key=lambda r: (r["miss_distance_km"], r["tca_utc"]))[:5]
    by_pc = _json([*base, "--sort", "pc"])
    pcs = [-1.0 if r["pc"] is None else r["pc"] for r in by_pc]
    assert pcs == sorted(pcs, reverse=True) and len(by_pc) == len(rows)
    summary = _json([*base, "--summary"])
    pairs = {_key(r) for r in rows}
    assert len(summary) == len(pairs) and sum(r["encounters"] for r in summary) == len(rows)
    for s in summary:
        mine = [r for r in rows if _key(r) == _key(s)]
        assert s["encounters"] == len(mine)
        assert s["miss_distance_km"] == min(r["miss_distance_km"] for r in mine)
    # the CSV: the report's columns, Pc to 3 significant digits or "< 1e-10"
    res = runner.invoke(app, ["screen", "--db", str(db), *WINDOW, "--pc", "--format", "csv", "--summary"])
    assert res.exit_code == 0, res.output
    table = list(csv.DictReader(io.StringIO(res.stdout)))
    assert list(table[0])[:18] == [
        "norad_1", "name_1", "norad_2", "name_2", "tca_utc", "miss_distance_km", "relative_speed_km_s", "radial_km",
        "in_track_km", "cross_track_km", "pc", "hbr_m", "hbr_source", "epoch_age_1_d", "stale_1", "epoch_age_2_d",
        "stale_2", "approach_angle_deg"]
    assert "encounters" in table[0]
    for r in table:
        assert r["pc"] == "< 1e-10" or (len(r["pc"].split("e")[0].replace(".", "").lstrip("0")) <= 3), r["pc"]
        assert r["hbr_source"] == "default" and r["name_1"] and r["name_2"]
    bad = runner.invoke(app, ["screen", "--db", str(db), *WINDOW, "--sort", "pc"])
    assert bad.exit_code == 3 and "INPUT_INVALID" in bad.output


def test_runs_list_show_and_diff(runs: tuple[Path, list[dict], list[dict]]) -> None:
    db, first, second = runs
    listed = _json(["screen", "runs", "list", "--db", str(db), "--json"])
    assert isinstance(listed, list)
    ids = [r["id"] for r in listed]
    assert [r["conjunctions"] for r in listed][:2] == [len(first), len(second)]
    shown = _json(["screen", "runs", "show", str(ids[1]), "--db", str(db), "--json", "--sort", "tca"])
    assert isinstance(shown, dict)
    assert [(_key(r), r["tca_utc"], r["miss_distance_km"], r["pc"]) for r in shown["conjunctions"]] == [
        (_key(r), r["tca_utc"], r["miss_distance_km"], r["pc"]) for r in second]

    diff = _json(["screen", "runs", "diff", str(ids[1]), "--db", str(db), "--json"])
    assert isinstance(diff, dict) and diff["before_run"] == ids[0] and diff["after_run"] == ids[1]
    counts = diff["counts"]
    assert counts["new"] + counts["closer"] + counts["riskier"] + counts["unchanged"] == len(second)
    assert len(diff["changes"]) == len(second) + counts["gone"] + counts["past"]
    assert counts["new"] + counts["gone"] > 0  # a week's newer element sets change the picture

    def near(r: dict, others: list[dict]) -> bool:
        return any(_key(o) == _key(r) and abs(_t(o) - _t(r)) <= 600 for o in others)

    for item in diff["changes"]:
        now, was = item["after"], item["before"]
        if item["change"] == "new":
            assert not near(now, first) and now in [{**r} for r in _strip(second)]
        elif item["change"] in ("gone", "past"):
            assert not near(was, second)
            inside = "2023-08-20T00:00:00" <= was["tca_utc"] <= "2023-08-20T02:00:00"
            assert inside == (item["change"] == "gone")
        elif item["change"] == "closer":
            assert now["miss_distance_km"] <= was["miss_distance_km"] - 0.010
        elif item["change"] == "riskier":
            assert now["pc"] >= 2 * max(was["pc"], 1e-10)
    text = runner.invoke(app, ["screen", "runs", "diff", str(ids[0]), str(ids[1]), "--db", str(db)])
    assert text.exit_code == 0, text.output
    assert f"run {ids[1]} against run {ids[0]}: {counts['new']} new" in text.stdout
    first_run = runner.invoke(app, ["screen", "runs", "diff", str(ids[0]), "--db", str(db)])
    assert first_run.exit_code == 3 and "INPUT_UNKNOWN_RUN" in first_run.output


def _strip(rows: list[dict]) -> list[dict]:
    """The stored record's keys of a JSON row (a run keeps the record and its Pc)."""
    keep = ("norad_1", "name_1", "norad_2", "name_2", "tca_utc", "miss_distance_km", "relative_speed_km_s",
            "radial_km", "in_track_km", "cross_track_km", "approach_angle_deg", "epoch_age_1_d", "epoch_age_2_d",
            "pc")
    return [{k: r[k] for k in keep} for r in rows]
