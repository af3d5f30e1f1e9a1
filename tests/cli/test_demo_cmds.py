"""``orbitwatch demo`` runs to completion offline, on each of its catalog sources.

The ISS position it prints is checked against Skyfield (an independent SGP4 + frame
implementation): latitude/longitude within 0.002 deg (the demo prints 3 decimals),
altitude within 0.1 km.
"""

from __future__ import annotations

import gzip
import re
from pathlib import Path

import pytest
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
