"""``orbitwatch maneuvers`` and ``orbitwatch rpo``: the JSON contract, plots, errors, --db.

The JSON keys are the fixed contract of issue 5.  The commands are thin shells, so the
events they print must be exactly those of the library call on the same history.
Data: shared/data (MANIFEST.md): Sentinel-6A benchmark history, the 2026-05 GEO week,
the 2019-12-19 full catalog (Kosmos 2542/2543).
"""

from __future__ import annotations

import csv
import gzip
import json
from pathlib import Path

import numpy as np
import pytest
from typer.testing import CliRunner

from orbitwatch.catalog.reader import read_element_sets
from orbitwatch.cli import app
from orbitwatch.detection.maneuvers import detect_maneuvers

runner = CliRunner()
MAN_KEYS = ["norad", "name", "epoch_utc", "epoch_uncertainty_s", "kind", "delta_v_m_s", "confidence",
            "elements_moved"]
RPO_KEYS = ["norad_1", "norad_2", "kind", "start_utc", "end_utc", "min_range_km", "min_range_utc", "score",
            "evidence"]


@pytest.fixture(scope="module")
def s6a(shared_data: Path) -> Path:
    return shared_data / "history/maneuver-benchmark/Sentinel-6A.tle.gz"


@pytest.fixture(scope="module")
def geo_week(shared_data: Path) -> Path:
    return shared_data / "history/celestrak-groups-2026-05-24_30/geo-history-2026-05-24_30.tle.gz"


def test_maneuvers_json_contract_matches_library(s6a: Path, tmp_path: Path) -> None:
    png = tmp_path / "m.png"
    result = runner.invoke(app, ["maneuvers", "--catalog", str(s6a), "--json", "--plot", str(png)])
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    with gzip.open(s6a, "rt") as fh:
        expected = detect_maneuvers(list(read_element_sets(fh, source=str(s6a)))).events
    assert len(data) == len(expected) > 0
    assert all(list(d) == [*MAN_KEYS, "owner"] and d["owner"] is None for d in data)
    # the elements that moved (issue 12 part 3): the library event's evidence, each named element
    # stepped by >= 3 of its sigmas; every detection names at least one
    assert [d["elements_moved"] for d in data] == [e.evidence["elements_moved"] for e in expected]
    assert all(d["elements_moved"] and set(d["elements_moved"]) <= {"semi_major_axis", "inclination", "raan",
               "eccentricity_vector"} for d in data)
    assert [d["epoch_utc"] for d in data] == [e.epoch_utc for e in expected]
    assert all(d["norad"] == 46984 and d["delta_v_m_s"] >= 0 and 0 <= d["confidence"] <= 1 for d in data)
    assert png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n" and png.stat().st_size > 20_000
    last = np.datetime64(data[-1]["epoch_utc"].rstrip("Z")) - np.timedelta64(60, "s")
    since = runner.invoke(app, ["maneuvers", "--catalog", str(s6a), "--json", "--since", f"{last}Z"])
    assert [d["epoch_utc"] for d in json.loads(since.stdout)] == [data[-1]["epoch_utc"]]
    table = runner.invoke(app, ["maneuvers", "--catalog", str(s6a)])
    assert table.exit_code == 0 and "noise model per regime" in table.stdout


def test_maneuvers_from_store_equals_files(s6a: Path, tmp_path: Path) -> None:
    db = tmp_path / "h.db"
    assert runner.invoke(app, ["ingest", str(s6a), "--db", str(db), "--json"]).exit_code == 0
    from_db = runner.invoke(app, ["maneuvers", "--db", str(db), "--norad", "46984", "--json"])
    from_files = runner.invoke(app, ["maneuvers", "--catalog", str(s6a), "--json"])
    assert from_db.exit_code == 0, from_db.output
    assert json.loads(from_db.stdout) == json.loads(from_files.stdout)


def test_maneuvers_errors_are_one_line(s6a: Path) -> None:
    naive = runner.invoke(app, ["maneuvers", "--catalog", str(s6a), "--since", "2021-01-01T00:00:00"])
    assert naive.exit_code == 3 and "TIME_FORMAT" in naive.output
    unknown = runner.invoke(app, ["maneuvers", "--catalog", str(s6a), "--norad", "1"])
    assert unknown.exit_code == 3 and "INPUT_UNKNOWN_NORAD" in unknown.output
    missing = runner.invoke(app, ["maneuvers", "--catalog", "/nonexistent.tle"])
    assert missing.exit_code == 3 and "INPUT_FILE" in missing.output
    assert "Traceback" not in naive.output + unknown.output + missing.output


def test_rpo_geo_json_and_plot(geo_week: Path, tmp_path: Path) -> None:
    """MEV-2 (46113) docked to Intelsat 10-02 (28358) since 2021-04-12 (Northrop Grumman)."""
    png = tmp_path / "r.png"
    result = runner.invoke(app, ["rpo", "--catalog", str(geo_week), "--norad", "46113", "--regime", "geo", "--json",
                                 "--plot", str(png)])
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert all(list(d) == [*RPO_KEYS, "owner_1", "owner_2"] for d in data)
    pair = [d for d in data if (d["norad_1"], d["norad_2"]) == (28358, 46113)]
    assert len(pair) == 1 and pair[0]["kind"] == "sustained-proximity" and pair[0]["min_range_km"] < 1.0
    assert pair[0]["evidence"]["name_2"] == "MEV-2"
    assert png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    bad = runner.invoke(app, ["rpo", "--catalog", str(geo_week), "--regime", "lunar"])
    assert bad.exit_code == 3 and "INPUT_INVALID" in bad.output


def test_rpo_kosmos_coplanar_from_cli(shared_data: Path) -> None:
    path = shared_data / "catalog/spacetrack-3le-full-catalog-2019-12-19.tle.gz"
    result = runner.invoke(app, ["rpo", "--catalog", str(path), "--norad", "44797", "--norad", "44835", "--json"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    pair = [d for d in data if (d["norad_1"], d["norad_2"]) == (44797, 44835) and d["kind"] == "co-planar"]
    assert len(pair) == 1
    ev = pair[0]["evidence"]
    for key in ("plane_angle_deg", "delta_inclination_deg", "delta_raan_deg", "delta_semi_major_axis_km",
                "phase_angle_deg", "phase_drift_deg_day", "time_to_next_approach_days"):
        assert key in ev


SATCAT_HEADER = ("OBJECT_NAME,OBJECT_ID,NORAD_CAT_ID,OBJECT_TYPE,OPS_STATUS_CODE,OWNER,LAUNCH_DATE,LAUNCH_SITE,"
                 "DECAY_DATE,PERIOD,INCLINATION,APOGEE,PERIGEE,RCS,DATA_STATUS_CODE,ORBIT_CENTER,ORBIT_TYPE")


def _ucs(shared_data: Path, ids: set[int]) -> dict[int, dict[str, str]]:
    """The staged UCS database's operator/users/purpose/COSPAR id of ``ids`` (csv module)."""
    with gzip.open(shared_data / UCS, "rt", newline="", encoding="utf-8", errors="replace") as f:
        reader = csv.reader(f)
        head = [h.strip() for h in next(reader)]
        col = {h: head.index(h) for h in ("NORAD Number", "COSPAR Number", "Operator/Owner", "Users", "Purpose")}
        return {int(r[col["NORAD Number"]]): {k: r[i].strip() for k, i in col.items()} for r in reader
                if r[col["NORAD Number"]].strip().isdigit() and int(r[col["NORAD Number"]]) in ids}


def _ucs_fields(row: dict[str, str], cospar: str, suffix: str = "") -> dict[str, object]:
    return {f"operator{suffix}": row["Operator/Owner"], f"users{suffix}": row["Users"],
            f"purpose{suffix}": row["Purpose"], f"ucs_conflict{suffix}": row["COSPAR Number"] != cospar}


UCS = "satcat/ucs-satellite-database-2023-05-01.csv.gz"
UCS_KEYS = ["operator", "users", "purpose", "ucs_conflict"]


def files_core(records: list[dict[str, object]]) -> list[dict[str, object]]:
    return [{k: v for k, v in d.items() if k in MAN_KEYS} for d in records]


def test_owner_from_store_satcat(s6a: Path, geo_week: Path, tmp_path: Path, shared_data: Path) -> None:
    """Owner comes from the store's SATCAT metadata when present, ``null`` otherwise (issue 5).

    No SATCAT file is staged (MANIFEST.md, "Known gaps"): the CSV is written here in
    CelesTrak's column layout ("SATCAT Format Documentation", CSV format of 2023 May 7)
    for MEV-2 (2020-056B, Northrop Grumman, owner code US) and Sentinel-6A (2020-086A,
    operated by EUMETSAT, code EUME); Intelsat 10-02 (28358) is deliberately left out, so
    its owner must be null.  The owner is display only: the episodes and events are the
    same as without it.  The staged UCS database is ingested too (issue 11 acceptance 4): with
    ``--db`` the records carry its operator/users/purpose and ``ucs_conflict`` (the UCS COSPAR
    id against the SATCAT's), compared with a csv-module read of the file.
    """
    satcat = tmp_path / "satcat.csv"
    satcat.write_text("\n".join([
        SATCAT_HEADER,
        "MEV-2,2020-056B,46113,PAY,+,US,2020-08-15,FRGUI,,1436.1,0.05,35790,35782,,,EA,ORB",
        "SENTINEL-6A,2020-086A,46984,PAY,+,EUME,2020-11-21,AFWTR,,112.4,66.04,1344,1330,,,EA,ORB",
    ]) + "\n")
    db = tmp_path / "o.db"
    for path in (geo_week, s6a, satcat, shared_data / UCS):
        ingest = runner.invoke(app, ["ingest", str(path), "--db", str(db), "--json"])
        assert ingest.exit_code == 0, ingest.output
    ucs = _ucs(shared_data, {46113, 46984})

    rpo = runner.invoke(app, ["rpo", "--db", str(db), "--norad", "46113", "--regime", "geo", "--json"])
    assert rpo.exit_code == 0, rpo.output
    data = json.loads(rpo.stdout)
    meta_keys = [f"{k}_{i}" for i in "12" for k in ["owner", *UCS_KEYS]]
    assert data and all(list(d) == [*RPO_KEYS, *meta_keys] for d in data)
    pair = [d for d in data if (d["norad_1"], d["norad_2"]) == (28358, 46113)]
    assert len(pair) == 1 and (pair[0]["owner_1"], pair[0]["owner_2"]) == (None, "US")
    assert {k: pair[0][k] for k in meta_keys if k.endswith("_2") and k != "owner_2"} == \
        _ucs_fields(ucs[46113], "2020-056B", "_2")
    assert pair[0]["ucs_conflict_2"] is False and pair[0]["operator_1"] == "Intelsat S.A."
    from_files = json.loads(runner.invoke(app, ["rpo", "--catalog", str(geo_week), "--catalog", str(s6a),
                                                "--norad", "46113", "--regime", "geo", "--json"]).stdout)
    assert all(d["owner_1"] is None and d["owner_2"] is None for d in from_files)
    strip = [{k: v for k, v in d.items() if k in RPO_KEYS} for d in data]
    assert strip == [{k: v for k, v in d.items() if k in RPO_KEYS} for d in from_files]
    table = runner.invoke(app, ["rpo", "--db", str(db), "--norad", "46113", "--regime", "geo"])
    assert table.exit_code == 0 and "(US)" in table.stdout

    man = runner.invoke(app, ["maneuvers", "--db", str(db), "--norad", "46984", "--json"])
    assert man.exit_code == 0, man.output
    events = json.loads(man.stdout)
    assert events and all(list(d) == [*MAN_KEYS, "owner", *UCS_KEYS] and d["owner"] == "EUME" for d in events)
    assert all({k: d[k] for k in UCS_KEYS} == _ucs_fields(ucs[46984], "2020-086A") for d in events)
    files = json.loads(runner.invoke(app, ["maneuvers", "--catalog", str(s6a), "--json"]).stdout)
    assert all(list(d) == [*MAN_KEYS, "owner"] and d["owner"] is None for d in files)
    assert [{k: v for k, v in d.items() if k in MAN_KEYS} for d in events] == files_core(files)
