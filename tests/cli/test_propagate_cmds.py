"""``orbitwatch propagate`` (contract of issue 2) on a real catalog file.

Data: CelesTrak active 3LE of 2025-04-15 (shared/data/catalog, MANIFEST.md).
Reference for the numbers: the ``sgp4`` package used directly (``Satrec.twoline2rv`` on
the file's own lines, ``sgp4.api.jday``), independent of orbitwatch's reader, time type
and propagation wrapper; tolerance 1 mm / 1e-9 km/s (the CSV's printed precision is
1 mm and 1e-9 km/s).  Geodetic rows against Skyfield's ``wgs84.latlon`` forward
transform of the printed coordinates (round trip to 1 m, the ITRF vs Skyfield check
being in tests/frames).
"""

from __future__ import annotations

import csv
import gzip
import io
import json
from pathlib import Path

import numpy as np
import pytest
from sgp4.api import Satrec, jday
from typer.testing import CliRunner

from orbitwatch.ccsds.oem import read_oem
from orbitwatch.cli import app

runner = CliRunner()
ISS = 25544
CATALOG = "catalog/celestrak-active-2025-04-15.tle.gz"
WINDOW = ["--start", "2025-04-15T00:00:00Z", "--end", "2025-04-15T01:00:00Z", "--step-s", "600"]


@pytest.fixture(scope="module")
def catalog(shared_data: Path) -> Path:
    return shared_data / CATALOG


def _sgp4_reference(catalog: Path, norad: int, minutes: float) -> tuple[np.ndarray, np.ndarray]:
    with gzip.open(catalog, "rt", encoding="ascii") as fh:
        lines = [ln.rstrip("\n") for ln in fh]
    i = next(k for k, ln in enumerate(lines) if ln.startswith("1 ") and int(ln[2:7]) == norad)
    sat = Satrec.twoline2rv(lines[i], lines[i + 1])
    jd, fr = jday(2025, 4, 15, int(minutes // 60), int(minutes % 60), 0.0)
    e, r, v = sat.sgp4(jd, fr)
    assert e == 0
    return np.array(r), np.array(v)


def test_json_row_matches_sgp4(catalog: Path) -> None:
    res = runner.invoke(app, ["propagate", str(ISS), "--catalog", str(catalog), *WINDOW, "--format", "json"])
    assert res.exit_code == 0, res.output
    rows = json.loads(res.stdout)
    assert len(rows) == 7
    assert list(rows[0]) == ["norad", "time_utc", "x_km", "y_km", "z_km", "vx_km_s", "vy_km_s", "vz_km_s"]
    row = rows[3]
    assert row["norad"] == ISS and row["time_utc"] == "2025-04-15T00:30:00.000Z"
    r, v = _sgp4_reference(catalog, ISS, 30.0)
    np.testing.assert_allclose([row["x_km"], row["y_km"], row["z_km"]], r, rtol=0, atol=1e-6)
    np.testing.assert_allclose([row["vx_km_s"], row["vy_km_s"], row["vz_km_s"]], v, rtol=0, atol=1e-9)


def test_csv_header_and_two_objects(catalog: Path, tmp_path: Path) -> None:
    out = tmp_path / "eph.csv"
    res = runner.invoke(app, ["propagate", str(ISS), "48274", "--catalog", str(catalog), *WINDOW,
                              "--frame", "itrf", "--output", str(out)])
    assert res.exit_code == 0, res.output
    rows = list(csv.DictReader(io.StringIO(out.read_text())))
    assert list(rows[0]) == ["norad", "time_utc", "x_km", "y_km", "z_km", "vx_km_s", "vy_km_s", "vz_km_s"]
    assert [int(r["norad"]) for r in rows] == [ISS] * 7 + [48274] * 7
    radius = np.linalg.norm([[float(r[k]) for k in ("x_km", "y_km", "z_km")] for r in rows], axis=1)
    assert np.all((radius > 6600.0) & (radius < 6900.0))


def test_geodetic(catalog: Path) -> None:
    from skyfield.api import wgs84

    res = runner.invoke(app, ["propagate", str(ISS), "--catalog", str(catalog), *WINDOW, "--frame", "geodetic",
                              "--format", "json"])
    assert res.exit_code == 0, res.output
    rows = json.loads(res.stdout)
    assert list(rows[0]) == ["norad", "time_utc", "latitude_deg", "longitude_deg", "altitude_km"]
    assert all(abs(r["latitude_deg"]) <= 51.7 and 380.0 < r["altitude_km"] < 450.0 for r in rows)
    # ITRF rows of the same run, back through Skyfield's geodetic forward transform.
    res2 = runner.invoke(app, ["propagate", str(ISS), "--catalog", str(catalog), *WINDOW, "--frame", "itrf",
                               "--format", "json"])
    itrf = np.array([[r["x_km"], r["y_km"], r["z_km"]] for r in json.loads(res2.stdout)])
    lat = np.array([r["latitude_deg"] for r in rows])
    lon = np.array([r["longitude_deg"] for r in rows])
    alt = np.array([r["altitude_km"] for r in rows])
    sky = wgs84.latlon(lat, lon, elevation_m=alt * 1000.0).itrs_xyz.km.T
    assert np.abs(sky - itrf).max() < 1e-3


def test_oem(catalog: Path) -> None:
    res = runner.invoke(app, ["propagate", str(ISS), "--catalog", str(catalog), *WINDOW, "--frame", "gcrs",
                              "--format", "oem"])
    assert res.exit_code == 0, res.output
    header, segs = read_oem(res.stdout)
    assert header.originator == "ORBITWATCH"
    (seg,) = segs
    assert (seg.object_name, seg.object_id, seg.ref_frame, seg.center_name) == (
        "ISS (ZARYA)", "1998-067A", "GCRF", "EARTH")
    assert len(seg.times) == 7 and seg.times[0] == np.datetime64("2025-04-15T00:00:00", "us")


@pytest.mark.parametrize(
    ("args", "code"),
    [
        (["--start", "2025-04-15T00:00:00", "--end", "2025-04-15T01:00:00Z", "--step-s", "60"], 3),
        (["--start", "2025-04-15T01:00:00Z", "--end", "2025-04-15T00:00:00Z", "--step-s", "60"], 3),
        ([*WINDOW, "--frame", "geodetic", "--format", "oem"], 3),
    ],
)
def test_bad_input_is_one_line_and_nonzero(catalog: Path, args: list[str], code: int) -> None:
    res = runner.invoke(app, ["propagate", str(ISS), "--catalog", str(catalog), *args])
    assert res.exit_code == code
    assert "Traceback" not in res.output


def test_unknown_norad(catalog: Path) -> None:
    res = runner.invoke(app, ["propagate", "99999999", "--catalog", str(catalog), *WINDOW])
    assert res.exit_code == 3
    assert "INPUT_UNKNOWN_NORAD" in res.output
