"""``orbitwatch demo`` runs to completion offline, on each of its catalog sources.

The ISS position it prints is checked against Skyfield (an independent SGP4 + frame
implementation): latitude/longitude within 0.002 deg (the demo prints 3 decimals),
altitude within 0.1 km.
"""

from __future__ import annotations

import gzip
import itertools
import re
from pathlib import Path

import pytest
from sgp4.api import Satrec, jday
from skyfield.api import EarthSatellite, load, wgs84
from typer.testing import CliRunner

from orbitwatch.cli import app


def test_demo_offline_synthetic(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("ORBITWATCH_DEMO_CATALOG", raising=False)
    result = CliRunner().invoke(app, ["demo", "--offline", "--db", str(tmp_path / "demo.db")])
    assert result.exit_code == 0, result.output
    assert "SYNTHETIC population" in result.output
    assert "Catalog statistics" in result.output


def test_demo_on_a_catalog_file_places_the_iss_like_skyfield(
    shared_data: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = shared_data / "catalog/celestrak-active-2025-04-15.tle.gz"
    monkeypatch.setenv("ORBITWATCH_DEMO_CATALOG", str(path))
    result = CliRunner().invoke(app, ["demo", "--offline", "--db", str(tmp_path / "demo.db")], terminal_width=200)
    assert result.exit_code == 0, result.output
    m = re.search(
        r"NORAD 25544\) at (\S+)Z: latitude ([-+\d.]+) deg, longitude ([-+\d.]+) deg, altitude ([\d,.]+) km",
        result.output,
    )
    assert m, result.output
    when, lat, lon, alt = m.group(1), float(m.group(2)), float(m.group(3)), float(m.group(4).replace(",", ""))
    with gzip.open(path, "rt") as f:
        lines = f.read().splitlines()
    i = next(k for k, line in enumerate(lines) if line.startswith("1 25544"))
    ts = load.timescale(builtin=True)
    sat = EarthSatellite(lines[i], lines[i + 1], "ISS", ts)
    y, mo, d = (int(x) for x in when[:10].split("-"))
    hh, mm, ss = (int(x) for x in when[11:19].split(":"))
    pos = wgs84.geographic_position_of(sat.at(ts.utc(y, mo, d, hh, mm, ss)))
    assert lat == pytest.approx(pos.latitude.degrees, abs=0.002)
    assert lon == pytest.approx(pos.longitude.degrees, abs=0.002)
    assert alt == pytest.approx(pos.elevation.km, abs=0.1)


def test_demo_lists_the_objects_it_says_failed(
    shared_data: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Issue 19: the count of failed objects comes with the objects (NORAD, time, SGP4 code, why).

    The full catalog of 2025-04-15 holds decayed and hyperbolic element sets.  Each listed
    object whose code is an SGP4 one (1-6) fails with the same code in the ``sgp4`` package
    at the listed time (code 7 is orbitwatch's own bound on implausible states).
    """
    from orbitwatch.cli import _app

    monkeypatch.setattr(_app.console, "width", 200)
    path = shared_data / "catalog/spacetrack-tle-full-catalog-2025-04-15.tle.gz"
    monkeypatch.setenv("ORBITWATCH_DEMO_CATALOG", str(path))
    result = CliRunner().invoke(app, ["demo", "--offline", "--db", str(tmp_path / "demo.db"), "--hours", "1"])
    assert result.exit_code == 0, result.output
    said = re.search(r"([\d,]+) objects failed to propagate", result.output)
    assert said, result.output
    n = int(said.group(1).replace(",", ""))
    assert n > 20
    assert f"objects that failed to propagate ({n:,}, first 20)" in result.output
    rows = re.findall(r"│ (\d+) +│[^│]*│ (\d{4}-\d\d-\d\dT[\d:]+) +│ (\d) +│ ([^│]+?) +│", result.output)
    assert len(rows) == 20, result.output
    with gzip.open(path, "rt") as f:
        lines = f.read().splitlines()
    tle = {int(a[2:7]): (a, b) for a, b in itertools.pairwise(lines)
           if a.startswith("1 ") and b.startswith("2 ") and a[2:7].strip().isdigit()}
    checked = 0
    for norad, when, code, why in rows:
        assert why.strip()
        if int(code) == 7 or int(norad) not in tle:
            continue
        sat = Satrec.twoline2rv(*tle[int(norad)])
        jd, fr = jday(int(when[:4]), int(when[5:7]), int(when[8:10]), int(when[11:13]), int(when[14:16]),
                      int(when[17:19]))
        e, _, _ = sat.sgp4(jd, fr)
        assert e == int(code), (norad, when, code, e)
        checked += 1
    assert checked >= 10
