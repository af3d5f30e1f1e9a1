"""``orbitwatch screen`` (contract of issue 3) on the Iridium 33 / Cosmos 2251 element sets.

Reference values: the published SGP4 closest approach of these element sets (issue 3,
acceptance 1): TCA 2009-02-10 16:55:59.80 UTC (0.05 s), miss 0.699 km (5 m), 11.65 km/s.
"""

from __future__ import annotations

import csv
import json
import re
from pathlib import Path

import numpy as np
import pytest
from typer.testing import CliRunner

from orbitwatch.cli import app
from orbitwatch.store import Store
from orbitwatch.store.metadata import OBJECT_FIELDS
from orbitwatch.store.screening_runs import list_runs, load_conjunctions
from orbitwatch.times import parse_utc

runner = CliRunner()
WINDOW = ["--start", "2009-02-10T16:00:00Z", "--end", "2009-02-10T18:00:00Z", "--threshold-km", "5"]
KEYS = ["norad_1", "name_1", "norad_2", "name_2", "tca_utc", "miss_distance_km", "relative_speed_km_s",
        "radial_km", "in_track_km", "cross_track_km", "approach_angle_deg", "epoch_age_1_d", "epoch_age_2_d",
        "stale_1", "stale_2"]
# issue 19: the report's columns, one order for the terminal table and the CSV
CSV_KEYS = ["norad_1", "name_1", "norad_2", "name_2", "tca_utc", "miss_distance_km", "relative_speed_km_s",
            "radial_km", "in_track_km", "cross_track_km", "epoch_age_1_d", "stale_1", "epoch_age_2_d", "stale_2",
            "approach_angle_deg"]
HEADINGS = ["NORAD 1", "name 1", "NORAD 2", "name 2", "TCA (UTC)", "range km", "km/s", "R km", "I km", "C km",
            "age 1 d", "stale 1", "age 2 d", "stale 2", "angle deg"]


@pytest.fixture(scope="module")
def parents(shared_data: Path) -> Path:
    return shared_data / "fragmentation" / "parent-objects-pre-event.tle"


def _check_collision(row: dict[str, object]) -> None:
    assert {row["norad_1"], row["norad_2"]} == {24946, 22675}
    tca = parse_utc(str(row["tca_utc"]))
    assert abs(float((tca - parse_utc("2009-02-10T16:55:59.80Z")).astype(np.int64)) / 1e6) <= 0.05
    assert abs(float(row["miss_distance_km"]) - 0.699) <= 0.005  # type: ignore[arg-type]
    assert abs(float(row["relative_speed_km_s"]) - 11.65) <= 0.01  # type: ignore[arg-type]


def test_json_array(parents: Path) -> None:
    res = runner.invoke(app, ["screen", "--catalog", str(parents), *WINDOW, "--format", "json"])
    assert res.exit_code == 0, res.output
    rows = json.loads(res.stdout)
    assert isinstance(rows, list) and len(rows) == 1
    assert list(rows[0]) == KEYS
    _check_collision(rows[0])


def test_csv_file_and_duration(parents: Path, tmp_path: Path) -> None:
    out = tmp_path / "conj.csv"
    args = ["screen", "--catalog", str(parents), "--start", "2009-02-10T16:00:00Z", "--duration-h", "2",
            "--threshold-km", "5", "--output", str(out)]
    res = runner.invoke(app, args)
    assert res.exit_code == 0, res.output
    rows = list(csv.DictReader(out.open()))
    assert len(rows) == 1 and list(rows[0]) == CSV_KEYS
    _check_collision({k: (int(v) if k.startswith("norad") else v) for k, v in rows[0].items()})
    # Iridium's set is 0.88 d old at TCA, Cosmos's 1.2 d: fresh, not stale (limit 14 d in LEO)
    assert rows[0]["stale_1"] == rows[0]["stale_2"] == "False"


def test_table_columns_are_the_csv_columns_in_order(parents: Path) -> None:
    res = runner.invoke(app, ["screen", "--catalog", str(parents), *WINDOW])
    assert res.exit_code == 0, res.output
    header = next(line for line in res.stdout.splitlines() if "NORAD 1" in line)
    cells = [c.strip() for c in re.split(r"\s{2,}", header) if c.strip()]
    assert cells == ["#", *HEADINGS]
    assert "IRIDIUM 33" in res.stdout and "COSMOS 2251" in res.stdout


def test_table_and_primaries(parents: Path, tmp_path: Path) -> None:
    res = runner.invoke(app, ["screen", "--catalog", str(parents), *WINDOW])
    assert res.exit_code == 0, res.output
    assert "IRIDIUM" in res.stdout and "COSMOS" in res.stdout and "0.698" in res.stdout
    prim = tmp_path / "primaries.txt"
    prim.write_text("# the Iridium\n24946\n\n")
    res = runner.invoke(app, ["screen", "--catalog", str(parents), *WINDOW, "--primaries-file", str(prim),
                              "--format", "json"])
    assert res.exit_code == 0, res.output
    assert json.loads(res.stdout)[0]["norad_1"] == 24946
    res = runner.invoke(app, ["screen", "--catalog", str(parents), *WINDOW, "--primary", "22675",
                              "--format", "json"])
    assert json.loads(res.stdout)[0]["norad_1"] == 22675


@pytest.mark.parametrize(
    ("extra", "code"),
    [
        (["--start", "2009-02-10T16:00:00Z", "--end", "2009-02-10T18:00:00Z", "--threshold-km", "0"],
         "INPUT_THRESHOLD"),
        (["--start", "2009-02-10T16:00:00Z", "--end", "2009-02-10T18:00:00Z", "--threshold-km", "5000"],
         "INPUT_THRESHOLD"),
        (["--start", "2009-02-10T16:00:00Z", "--end", "2009-02-10T16:00:00Z", "--threshold-km", "5"],
         "INPUT_WINDOW"),
        (["--start", "2009-02-10T16:00:00Z", "--duration-h", "-1", "--threshold-km", "5"], "INPUT_WINDOW"),
        (["--start", "2009-02-10T16:00:00Z", "--end", "2009-02-10T18:00:00Z", "--duration-h", "2",
          "--threshold-km", "5"], "INPUT_WINDOW"),
        (["--start", "2009-02-10T16:00:00", "--duration-h", "2", "--threshold-km", "5"], "TIME_FORMAT"),
        ([*WINDOW, "--primary", "1"], "INPUT_UNKNOWN_NORAD"),
        ([*WINDOW, "--format", "xml"], "INPUT_FORMAT"),
    ],
)
def test_bad_input_is_one_line_and_exit_3(parents: Path, extra: list[str], code: str) -> None:
    res = runner.invoke(app, ["screen", "--catalog", str(parents), *extra])
    assert res.exit_code == 3, res.output
    assert code in res.output
    assert "Traceback" not in res.output


def test_empty_catalog(tmp_path: Path) -> None:
    empty = tmp_path / "empty.tle"
    empty.write_text("")
    res = runner.invoke(app, ["screen", "--catalog", str(empty), *WINDOW])
    assert res.exit_code != 0
    assert "Traceback" not in res.output


def test_db_run_is_stored(parents: Path, tmp_path: Path) -> None:
    db = tmp_path / "ow.db"
    with Store.open(db) as store:
        store.ingest([(parents.name, parents.read_text().splitlines())], now=parse_utc("2026-01-01T00:00:00Z"))
    res = runner.invoke(app, ["screen", "--db", str(db), *WINDOW, "--format", "json"])
    assert res.exit_code == 0, res.output
    rows = json.loads(res.stdout)
    _check_collision(rows[0])
    with Store.open(db, create=False) as store:
        runs = list_runs(store)
        assert len(runs) == 1 and runs[0]["conjunctions"] == 1 and runs[0]["threshold_km"] == 5.0
        assert runs[0]["start_utc"] == "2009-02-10T16:00:00.000Z"
        stored = load_conjunctions(store, runs[0]["id"])
    # the run stores the conjunctions; the objects' metadata fields (owner_1, ...) are read back from the store
    meta = {f"{k}_{i}" for k in OBJECT_FIELDS for i in "12"}
    assert all(meta <= set(r) for r in rows)
    assert [c.to_dict() for c in stored] == [{k: v for k, v in r.items() if not k.startswith("stale") and k not in meta}
                                             for r in rows]


def test_catalog_and_db_together_is_an_error(parents: Path, tmp_path: Path) -> None:
    res = runner.invoke(app, ["screen", "--catalog", str(parents), "--db", str(tmp_path / "x.db"), *WINDOW])
    assert res.exit_code == 3, res.output
    assert "INPUT_INVALID" in res.output


def test_formation_exclusion_option(parents: Path) -> None:
    res = runner.invoke(app, ["screen", "--catalog", str(parents), *WINDOW, "--format", "json",
                              "--min-relative-speed-km-s", "12"])
    assert res.exit_code == 0, res.output
    assert json.loads(res.stdout) == []  # the 11.65 km/s collision is slower than 12 km/s
    res = runner.invoke(app, ["screen", "--catalog", str(parents), *WINDOW, "--min-relative-speed-km-s", "-1"])
    assert res.exit_code == 3 and "INPUT_INVALID" in res.output


def test_exclude_same_constellation_on_a_real_catalog(shared_data: Path) -> None:
    """``--exclude-same-constellation`` on CelesTrak's active payloads of 2025-04-15, 1 h at 5 km.

    Independent check by name: with the flag no STARLINK-STARLINK or ONEWEB-ONEWEB pair
    remains, every conjunction kept is one found without the flag (same order), and every
    one dropped is between two objects whose names begin with the same letters (a
    constellation of :data:`CONSTELLATION_PREFIXES`, e.g. YAOGAN).
    """
    cat = shared_data / "catalog" / "celestrak-active-2025-04-15.tle.gz"
    args = ["screen", "--catalog", str(cat), "--start", "2025-04-15T00:00:00Z", "--duration-h", "1",
            "--threshold-km", "5", "--format", "json"]
    full = runner.invoke(app, args)
    excl = runner.invoke(app, [*args, "--exclude-same-constellation"])
    assert full.exit_code == 0 and excl.exit_code == 0, full.output + excl.output
    rows, kept = json.loads(full.stdout), json.loads(excl.stdout)

    def same(row: dict[str, str]) -> bool:
        return any(row["name_1"].startswith(p) and row["name_2"].startswith(p) for p in ("STARLINK", "ONEWEB"))

    assert sum(map(same, rows)) > 10  # there is something to exclude
    assert not any(map(same, kept))
    assert [r for r in rows if r in kept] == kept
    for r in rows:
        if r not in kept:
            heads = [re.match(r"[A-Z]+", r[k]) for k in ("name_1", "name_2")]
            assert heads[0] and heads[1] and heads[0].group(0) == heads[1].group(0), r
    assert all(r in kept for r in rows if r["name_1"].startswith("ISS") or "DEB" in r["name_1"] + r["name_2"])
