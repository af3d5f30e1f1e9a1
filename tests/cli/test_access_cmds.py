"""The ``passes``, ``exposure`` and ``contacts`` commands: output contract and errors by code.

In-process with typer's CliRunner.  Expected pass times are not recomputed here (the
library is checked against Skyfield in tests/access); these tests pin the shell: JSON
keys, exit statuses, error codes, and that ``--plot`` writes a PNG.
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest
from typer.testing import CliRunner

from orbitwatch.cli import app

STATIONS = "history/celestrak-groups-2026-05-24_30/stations-history-2026-05-24_30.tle.gz"
PASS_KEYS = {"norad", "site", "rise_utc", "culmination_utc", "set_utc", "max_elevation_deg",
             "rise_azimuth_deg", "set_azimuth_deg", "sunlit_fraction"}


def _run(args: list[str]):  # type: ignore[no-untyped-def]
    return CliRunner().invoke(app, args)


def test_passes_json_contract(shared_data: Path, tmp_path: Path) -> None:
    png = tmp_path / "passes.png"
    res = _run(["passes", "--catalog", str(shared_data / STATIONS), "--norad", "25544",
                "--site", "56.4,-3.18", "--start", "2026-05-30T00:00:00Z", "--end", "2026-05-31T00:00:00Z",
                "--min-el-deg", "10", "--json", "--plot", str(png)])
    assert res.exit_code == 0, res.output
    rows = json.loads(res.stdout)
    assert len(rows) >= 3
    for r in rows:
        assert set(r) >= PASS_KEYS
        assert r["norad"] == 25544 and r["max_elevation_deg"] >= 10.0
        assert r["rise_utc"] < r["culmination_utc"] < r["set_utc"] and r["rise_utc"].endswith("Z")
        assert 0.0 <= r["sunlit_fraction"] <= 1.0
    assert png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    # Madrid, not Dundee: at 56.4 N in late May it is never nautically dark, and the check would be empty.
    # The optical windows themselves are checked against Skyfield in tests/access/test_exposure.py; here:
    # the options reach the library, and each kept part lies inside a pass of the unconstrained run.
    # Down to the horizon (0 deg, not the 10 deg default): the one dark, sunlit part that night is low.
    madrid = ["passes", "--catalog", str(shared_data / STATIONS), "--norad", "25544", "--site", "40.4,-3.7",
              "--start", "2026-05-30T00:00:00Z", "--end", "2026-05-31T00:00:00Z", "--min-el-deg", "0", "--json"]
    plain = json.loads(_run(madrid).stdout)
    dark = _run([*madrid, "--sunlit", "--site-dark", "--dark-sun-el-deg", "civil"])
    assert dark.exit_code == 0, dark.output
    kept = json.loads(dark.stdout)
    assert 1 <= len(kept) < len(plain)
    for r in kept:
        assert r["sunlit_fraction"] == 1.0
        assert any(p["rise_utc"] <= r["rise_utc"] < r["set_utc"] <= p["set_utc"] for p in plain)
    bad = _run(["passes", "--catalog", str(shared_data / STATIONS), "--norad", "25544", "--site", "56.4,-3.18",
                "--start", "2026-05-30T00:00:00Z", "--end", "2026-05-31T00:00:00Z", "--site-dark",
                "--dark-sun-el-deg", "dusk"])
    assert bad.exit_code == 3 and "INPUT_INVALID" in bad.stderr


def test_passes_errors_by_code(shared_data: Path, tmp_path: Path) -> None:
    base = ["passes", "--catalog", str(shared_data / STATIONS), "--norad", "25544"]
    win = ["--start", "2026-05-30T00:00:00Z", "--end", "2026-05-31T00:00:00Z"]
    res = _run([*base, "--site", "95,10", *win])
    assert res.exit_code == 3 and "SITE_LATITUDE" in res.stderr
    bad = tmp_path / "bad.csv"
    bad.write_text("name,lat_deg,lon_deg\nok,10,10\nbroken,north,10\n")
    res = _run([*base, "--sites", str(bad), *win])
    assert res.exit_code == 3 and "SITE_FIELD" in res.stderr and "bad.csv:3" in res.stderr
    res = _run([*base, "--site", "10,10", "--start", "2026-05-30T00:00:00Z", "--end", "2026-05-30T00:00:00Z"])
    assert res.exit_code == 3 and "ACCESS_EMPTY_WINDOW" in res.stderr
    res = _run([*base, "--site", "10,10", "--start", "2026-05-30T00:00:00", "--end", "2026-05-31T00:00:00Z"])
    assert res.exit_code == 3 and "TIME_FORMAT" in res.stderr
    res = _run([*base, *win])
    assert res.exit_code == 3 and "SITE_ARG" in res.stderr


def test_exposure_and_contacts_json(shared_data: Path, tmp_path: Path) -> None:
    cat = ["--catalog", str(shared_data / STATIONS), "--norad", "25544", "--norad", "48274"]
    win = ["--start", "2026-05-30T00:00:00Z", "--end", "2026-05-31T00:00:00Z"]
    res = _run(["exposure", *cat, "--sites", str(shared_data / "ground-stations" / "dsn.geojson"), *win,
                "--max-range-km", "1500", "--json"])
    assert res.exit_code == 0, res.output
    doc = json.loads(res.stdout)
    assert [s["norad"] for s in doc["summary"]] == [25544, 48274]
    assert all(w["min_range_km"] <= 1500.0 for w in doc["windows"])
    png = tmp_path / "contacts.png"
    res = _run(["contacts", *cat, "--stations", str(shared_data / "ground-stations" / "ksat.geojson"), *win,
                "--drop", "Svalbard", "--json", "--plot", str(png)])
    assert res.exit_code == 0, res.output
    doc = json.loads(res.stdout)
    assert doc["dropped"] == ["Svalbard"]
    assert "Svalbard" not in {s["station"] for s in doc["stations"]}
    assert abs(sum(s["contact_s"] for s in doc["stations"]) - doc["total_scheduled_contact_s"]) < 0.1
    assert png.stat().st_size > 10_000
    res = _run(["contacts", *cat, "--stations", str(shared_data / "ground-stations" / "ksat.geojson"), *win,
                "--drop", "Atlantis"])
    assert res.exit_code == 3 and "CONTACTS_UNKNOWN_STATION" in res.stderr


PAYLOADS = "catalog/spacetrack-3le-payloads-2026-06-10.tle.gz"
UCS = "satcat/ucs-satellite-database-2023-05-01.csv.gz"


def test_one_default_min_elevation_in_help() -> None:
    """Issue 19: passes, exposure and contacts share one documented default (10 deg)."""
    from orbitwatch.access.passes import DEFAULT_MIN_ELEVATION_DEG

    assert DEFAULT_MIN_ELEVATION_DEG == 10.0
    for cmd in ("passes", "exposure", "contacts"):
        res = CliRunner().invoke(app, [cmd, "--help"], env={"COLUMNS": "200", "TERM": "dumb"})
        assert res.exit_code == 0
        text = " ".join(res.stdout.split())
        assert "default 10 deg, the same for passes, exposure and contacts" in text, cmd


def test_exposure_isr_json(shared_data: Path, tmp_path: Path) -> None:
    over = tmp_path / "for.csv"
    over.write_text("norad,field_of_regard_deg\n38012,30\n")
    png = tmp_path / "dazzle.png"
    res = _run(["exposure", "--catalog", str(shared_data / PAYLOADS), "--isr", "--ucs", str(shared_data / UCS),
                "--isr-users", "all", "--norad", "32060", "--norad", "38012", "--for-csv", str(over),
                "--sites", str(shared_data / "ground-stations" / "atlas.geojson"),
                "--start", "2026-06-09T00:00:00Z", "--end", "2026-06-10T00:00:00Z", "--json", "--plot", str(png)])
    assert res.exit_code == 0, res.output
    doc = json.loads(res.stdout)
    assert doc["min_elevation_deg"] == 10.0 and doc["selection"]["selected"] > 600
    assert {s["norad"] for s in doc["summary"]} == {32060, 38012}
    assert doc["windows"]
    for w in doc["windows"]:
        assert w["off_nadir_min_deg"] <= w["field_of_regard_deg"]
        assert w["field_of_regard_deg"] == (30.0 if w["norad"] == 38012 else 45.0)
        assert w["elevation_deg"] >= 10.0 and "ground_sunlit" in w["flags"]
        assert w["start_utc"] <= w["min_off_nadir_utc"] <= w["end_utc"]
    assert png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    res = _run(["exposure", "--catalog", str(shared_data / PAYLOADS), "--isr", "--norad", "32060",
                "--sites", str(shared_data / "ground-stations" / "atlas.geojson"),
                "--start", "2026-06-09T00:00:00Z", "--end", "2026-06-10T00:00:00Z"])
    assert res.exit_code == 3 and "INPUT_INVALID" in res.stderr  # --isr needs --ucs


def test_contacts_resilience_json(shared_data: Path) -> None:
    cat = ["--catalog", str(shared_data / STATIONS), "--norad", "25544", "--norad", "48274"]
    win = ["--start", "2026-05-30T00:00:00Z", "--end", "2026-05-31T00:00:00Z"]
    res = _run(["contacts", *cat, "--stations", str(shared_data / "ground-stations" / "aws.geojson"), *win,
                "--k", "2", "--antennas", "Dubbo=2", "--json"])
    assert res.exit_code == 0, res.output
    doc = json.loads(res.stdout)["resilience"]
    n = 12
    assert doc["combinations_evaluated"] == n + n * (n - 1) // 2 == len(doc["outages"])
    assert all(o["capacity_loss_s"] >= 0 for o in doc["outages"])
    assert doc["optimal_capacity_s"] >= json.loads(res.stdout)["total_scheduled_contact_s"] - 1e-3
    assert {p["norad"] for p in doc["outages"][0]["per_satellite"]} == {25544, 48274}
    res = _run(["contacts", *cat, "--stations", str(shared_data / "ground-stations" / "aws.geojson"), *win,
                "--antennas", "Dubbo"])
    assert res.exit_code == 3 and "INPUT_INVALID" in res.stderr


def test_results_carry_the_element_set_age(shared_data: Path) -> None:
    """Issue 19: each pass / exposure window names the element set used, its age at the event and a stale flag.

    Expected from the TLE text itself: the ISS set in force on 2026-05-30 is the latest of the
    staged history with epoch <= the start (line 1, columns 19-32, read here), and the age is
    culmination minus that epoch.
    """
    import gzip

    from orbitwatch.times import parse_utc

    start = "2026-05-30T00:00:00Z"
    with gzip.open(shared_data / STATIONS, "rt") as f:
        epochs = []
        for line in f:
            if line.startswith("1 25544"):
                yy, doy = int(line[18:20]), float(line[20:32])
                jan1 = np.datetime64(f"20{yy:02d}-01-01T00:00:00", "us")
                t = jan1 + np.timedelta64(round((doy - 1) * 86400e6), "us")
                epochs.append(t)
    t0 = parse_utc(start).astype("datetime64[us]")
    in_force = max(e for e in epochs if e <= t0)
    res = _run(["passes", "--catalog", str(shared_data / STATIONS), "--norad", "25544", "--site", "56.4,-3.18",
                "--start", start, "--end", "2026-05-31T00:00:00Z", "--json"])
    assert res.exit_code == 0, res.output
    rows = json.loads(res.stdout)
    assert rows
    for r in rows:
        assert abs(parse_utc(r["element_epoch_utc"]).astype("datetime64[us]") - in_force) <= np.timedelta64(1, "ms")
        culm = parse_utc(r["culmination_utc"]).astype("datetime64[us]")
        assert r["element_age_d"] == pytest.approx(float((culm - in_force).astype(np.int64)) / 86400e6, abs=1e-3)
        assert r["element_stale"] is False
    old = _run(["passes", "--catalog", str(shared_data / STATIONS), "--norad", "25544", "--site", "56.4,-3.18",
                "--start", "2026-07-01T00:00:00Z", "--end", "2026-07-01T12:00:00Z", "--json"])
    assert old.exit_code == 0, old.output
    stale = json.loads(old.stdout)
    assert stale and all(r["element_stale"] and r["element_age_d"] > 14 for r in stale)
