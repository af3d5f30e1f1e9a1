"""Site loading and validation (acceptance 5: bad sites give clear errors, by code).

Geodetic -> ECEF is checked against Skyfield's ``wgs84.latlon(...).itrs_xyz``
(independent WGS-84 implementation) within 1 mm.
"""

from __future__ import annotations

import math
from pathlib import Path

import numpy as np
import pytest

from orbitwatch.access.sites import (
    Site,
    SiteTable,
    load_sites,
    parse_site_arg,
    read_sites_csv,
    read_sites_geojson,
    site_ecef_km,
)
from orbitwatch.errors import InputError

from ._skyfield_ref import topos


def test_all_shared_site_files_load(shared_data: Path) -> None:
    sites = load_sites(shared_data / "ground-stations" / "ground-stations-all.csv")
    assert len(sites) == 138
    gs = {s.name: s for s in sites}
    assert gs["Socorro"].min_elevation_deg == 20.0 and gs["Socorro"].alt_m == 1510.2
    ksat = load_sites(shared_data / "ground-stations" / "ksat.geojson")
    assert len(ksat) == 36 and all(s.network == "ksat" for s in ksat)
    ssn = {s.name: s for s in load_sites(shared_data / "ground-stations" / "vallado-ssn-sensors.geojson")}
    eglin = ssn["Eglin"]
    # Eglin's field of regard: azimuth 145..215 deg, elevation >= 1 deg, range 13,210 km.
    assert eglin.max_range_km == pytest.approx(13210.0)
    assert eglin.mask_at(180.0) == pytest.approx(1.0) and eglin.mask_at(90.0) == pytest.approx(90.0)
    assert eglin.mask_at(300.0) == pytest.approx(90.0)
    table = SiteTable.from_sites(list(ssn.values()))
    names = list(ssn)
    e = names.index("Eglin")
    got = table.mask_at(np.full(5, e), np.array([144.99, 145.01, 180.0, 214.99, 215.01]))
    assert np.allclose(got, [90.0, 1.0, 1.0, 1.0, 90.0])
    assert table.mask_at([names.index("Socorro")], [10.0])[0] == 20.0


def test_geodetic_to_ecef_matches_skyfield() -> None:
    lat, lon, alt = np.array([78.23, -46.53, 0.0, 33.82]), np.array([15.41, 168.38, -90.0, -106.66]), \
        np.array([500.0, 0.0, 0.0, 1510.2])
    ours = site_ecef_km(lat, lon, alt)
    for i in range(4):
        ref = topos(lat[i], lon[i], alt[i]).itrs_xyz.km
        assert np.abs(ours[i] - ref).max() < 1e-6


@pytest.mark.parametrize(
    ("text", "code", "line", "field"),
    [
        ("name,lat_deg,lon_deg\nA,91.5,10\n", "SITE_LATITUDE", 2, "lat_deg"),
        ("name,lat_deg,lon_deg\nA,45,10\nB,-90.01,10\n", "SITE_LATITUDE", 3, "lat_deg"),
        ("name,lat_deg,lon_deg\nA,45,400\n", "SITE_LONGITUDE", 2, "lon_deg"),
        ("name,lat_deg,lon_deg\nA,forty,10\n", "SITE_FIELD", 2, "lat_deg"),
        ("name,lat_deg,lon_deg\nA,45,10,extra\n", "SITE_ROW", 2, None),
        ("name,lat_deg,lon_deg\nA,,10\n", "SITE_MISSING_FIELD", 2, "lat_deg"),
        ("name,lon_deg\nA,10\n", "SITE_HEADER", 1, "lat_deg"),
        ("name,lat_deg,lon_deg,el_min_deg\nA,45,10,95\n", "SITE_MASK", 2, "el_min_deg"),
        ("name,lat_deg,lon_deg,alt_m\nA,45,10,nan\n", "SITE_FIELD", 2, "alt_m"),
        ("name,lat_deg,lon_deg\n", "SITE_EMPTY", None, None),
        ("", "SITE_EMPTY", None, None),
    ],
)
def test_bad_csv_rows_raise_with_code_line_and_field(text: str, code: str, line: int | None,
                                                     field: str | None) -> None:
    with pytest.raises(InputError) as exc:
        read_sites_csv(text, source="bad.csv")
    assert exc.value.code == code
    assert exc.value.line == line
    assert exc.value.field == field
    assert "bad.csv" in str(exc.value)


def test_bad_geojson_raises_with_code() -> None:
    with pytest.raises(InputError) as exc:
        read_sites_geojson("{not json", source="x.geojson")
    assert exc.value.code == "SITE_JSON"
    doc = '{"type":"FeatureCollection","features":[{"type":"Feature","geometry":{"type":"Point",' \
          '"coordinates":[10, 95]},"properties":{"name":"Nowhere"}}]}'
    with pytest.raises(InputError) as exc:
        read_sites_geojson(doc, source="x.geojson")
    assert exc.value.code == "SITE_LATITUDE" and exc.value.record == "Nowhere"
    line = '{"type":"FeatureCollection","features":[{"type":"Feature","geometry":{"type":"LineString",' \
           '"coordinates":[[0,0],[1,1]]},"properties":{}}]}'
    with pytest.raises(InputError) as exc:
        read_sites_geojson(line, source="x.geojson")
    assert exc.value.code == "SITE_GEOMETRY"


def test_site_argument_and_missing_file(tmp_path: Path) -> None:
    s = parse_site_arg("78.23,15.41,500")
    assert (s.lat_deg, s.lon_deg, s.alt_m) == (78.23, 15.41, 500.0)
    for bad, code in (("78.2", "SITE_ARG"), ("100,10", "SITE_LATITUDE"), ("a,b", "SITE_FIELD")):
        with pytest.raises(InputError) as exc:
            parse_site_arg(bad)
        assert exc.value.code == code
    with pytest.raises(InputError) as exc:
        load_sites(tmp_path / "none.csv")
    assert exc.value.code == "SITE_FILE"
    with pytest.raises(InputError) as exc:
        SiteTable.from_sites([])
    assert exc.value.code == "SITE_EMPTY"


def test_azimuth_mask_interpolates_and_wraps() -> None:
    s = Site("m", 0.0, 0.0, mask_az_deg=(0.0, 90.0, 180.0, 270.0), mask_el_deg=(10.0, 20.0, 10.0, 0.0))
    assert s.mask_at(45.0) == pytest.approx(15.0)
    assert s.mask_at(315.0) == pytest.approx(5.0)  # between 270 (0 deg) and 360 (= 0 az, 10 deg)
    assert math.isnan(s.max_range_km)
