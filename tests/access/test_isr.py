"""Dazzling exposure (issue 12 part 1) against an independent Skyfield computation.

Reference: Skyfield's SGP4 (``EarthSatellite``) and WGS-84 site (``wgs84.latlon``), both
in GCRS; the off-nadir angle is the angle at the satellite between ``-r_sat`` and
``r_site - r_sat`` (an angle, so any common frame will do).  Skyfield's angle is sampled
every 0.5 s over each window +- 30 s: the edges where it crosses the field of regard
(linear interpolation) must match ours within 1 s and its minimum (parabola through the
three smallest samples) within 0.01 deg.  Satellites: WorldView-1 (32060), GeoEye-1
(33331), Pleiades 1A (38012), three optical imagers of the UCS 2023-05-01 database, over
Mojave (ground-stations-all.csv), 2026-06-08..11, elements from the 2026-06-10 Space-Track
payload catalog.  The night-capable case is TerraSAR-X (31698, radar) over Punta Arenas
in June (austral winter): it has windows with the ground dark (Skyfield's Sun altitude
< -6 deg); an optical imager given the same orbit has none with the ground unlit.
"""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import numpy as np
import pytest

from orbitwatch.access.isr import (
    SENSOR_CLASSES,
    apply_overrides,
    dazzle_exposure,
    read_overrides,
    read_ucs,
    select_isr,
    sensor_class_for,
)
from orbitwatch.access.sites import load_sites
from orbitwatch.catalog.reader import read_element_sets
from orbitwatch.errors import InputError

from ._skyfield_ref import ephemeris, satellite, sf_time, tle_lines, topos

UCS = "satcat/ucs-satellite-database-2023-05-01.csv.gz"
PAYLOADS = "catalog/spacetrack-3le-payloads-2026-06-10.tle.gz"
IMAGERS = (32060, 33331, 38012)


@pytest.fixture(scope="module")
def ucs(shared_data: Path) -> dict[int, object]:
    return {s.norad_id: s for s in select_isr(read_ucs(shared_data / UCS), users=None)}


def _sf_off_nadir(l1: str, l2: str, site: object, times: np.ndarray) -> np.ndarray:
    sat = satellite(l1, l2)
    t = sf_time(times)
    r = sat.at(t).position.km
    s = site.at(t).position.km  # type: ignore[attr-defined]
    d = s - r
    c = -np.einsum("it,it->t", r, d) / (np.linalg.norm(r, axis=0) * np.linalg.norm(d, axis=0))
    return np.degrees(np.arccos(np.clip(c, -1, 1)))


def test_sensor_class_vocabulary() -> None:
    assert sensor_class_for("Optical Imaging") == "optical"
    assert sensor_class_for("Radar Imaging (SAR)") == "radar"
    assert sensor_class_for("Synthetic Aperture Imaging") == "radar"
    assert sensor_class_for("Infrared Imaging") == "infrared"
    assert sensor_class_for("Optical Imaging/Infrared Imaging") == "optical"
    assert sensor_class_for("Meteorology") is None
    assert sensor_class_for("Electronic Intelligence") is None
    assert SENSOR_CLASSES["radar"].night_capable and not SENSOR_CLASSES["optical"].night_capable


def test_ucs_selection_counts(shared_data: Path) -> None:
    recs = read_ucs(shared_data / UCS)
    isr = select_isr(recs)
    # Independent count straight from the records: Earth Observation, imaging words, users.
    words = ("optical", "radar", "sar", "synthetic aperture", "multispectral", "hyperspectral", "video",
             "infrared", "thermal", "stereo")
    expect = {r.norad_id for r in recs if r.purpose and "Earth Observation" in r.purpose and r.detailed_purpose
              and "imag" in r.detailed_purpose.lower() and any(w in r.detailed_purpose.lower() for w in words)
              and r.user_set & {"Military", "Government"}}
    got = {s.norad_id for s in isr}
    # "Radar Surveillance" etc. are radar without "imag": the classifier also keeps them.
    assert expect <= got
    assert all(s.users and ({"Military", "Government"} & set(s.users.split("/"))) for s in isr)
    assert 250 < len(isr) < 320  # 286 in the 2023-05-01 release
    assert len(select_isr(recs, users=None)) > len(isr)


def test_off_nadir_and_edges_vs_skyfield(shared_data: Path, ucs: dict[int, object]) -> None:
    site = next(s for s in load_sites(shared_data / "ground-stations" / "ground-stations-all.csv")
                if s.name == "Mojave")
    tles = {n: tle_lines(shared_data / PAYLOADS, n) for n in IMAGERS}
    elements = list(read_element_sets([x for n in IMAGERS for x in tles[n]], source="payloads"))
    rep = dazzle_exposure(elements, [ucs[n] for n in IMAGERS], [site], "2026-06-08T00:00:00Z",
                          "2026-06-11T00:00:00Z", min_elevation_deg=10.0)
    w = rep.windows
    assert set(int(rep.satellites[int(k)].norad_id) for k in w.sat) == set(IMAGERS)
    obs = topos(site.lat_deg, site.lon_deg, site.alt_m)
    eph = ephemeris()
    worst_edge_s, worst_deg = 0.0, 0.0
    for i in range(len(w)):
        norad = rep.satellites[int(w.sat[i])].norad_id
        fov = w.field_of_regard_deg[i]
        grid = np.arange(w.start[i] - np.timedelta64(30, "s"), w.end[i] + np.timedelta64(30, "s"),
                         np.timedelta64(500, "ms"))
        eta = _sf_off_nadir(*tles[norad], obs, grid)
        inside = eta <= fov
        assert inside.any()
        x = (grid - grid[0]).astype(np.int64) / 1e6
        edges = np.nonzero(np.diff(inside.astype(int)))[0]
        cross = [x[j] + (fov - eta[j]) / (eta[j + 1] - eta[j]) * (x[j + 1] - x[j]) for j in edges]
        assert len(cross) == 2
        ours = [(w.start[i] - grid[0]).astype(np.int64) / 1e6, (w.end[i] - grid[0]).astype(np.int64) / 1e6]
        worst_edge_s = max(worst_edge_s, *(abs(a - b) for a, b in zip(ours, cross, strict=True)))
        j = int(np.argmin(eta))
        y0, y1, y2 = eta[j - 1], eta[j], eta[j + 1]
        sf_min = y1 - (y2 - y0) ** 2 / (8 * (y2 - 2 * y1 + y0))
        worst_deg = max(worst_deg, abs(sf_min - w.off_nadir_min_deg[i]))
        # the Sun is up at the site for an optical imager (Skyfield's apparent altitude)
        t_mid = sf_time(np.array([w.min_off_nadir_time[i]]))
        sun_alt = (eph["earth"] + obs).at(t_mid).observe(eph["sun"]).apparent().altaz()[0].degrees[0]
        assert sun_alt == pytest.approx(w.sun_elevation_deg[i], abs=0.02)
        alt, _, dist = (satellite(*tles[norad]) - obs).at(t_mid).altaz()
        assert alt.degrees[0] == pytest.approx(w.elevation_deg[i], abs=3e-3)
        assert dist.km[0] == pytest.approx(w.range_km[i], abs=0.05)
    assert len(w) >= 6
    assert worst_edge_s <= 1.0
    assert worst_deg <= 0.01


def test_night_capable_class_images_at_night(shared_data: Path, ucs: dict[int, object]) -> None:
    site = next(s for s in load_sites(shared_data / "ground-stations" / "ksat.geojson") if s.name == "Punta Arenas")
    l1, l2 = tle_lines(shared_data / PAYLOADS, 31698)
    elements = list(read_element_sets([l1, l2], source="payloads"))
    radar = ucs[31698]
    assert radar.sensor_class == "radar" and radar.night_capable  # type: ignore[attr-defined]
    span = ("2026-06-04T00:00:00Z", "2026-06-11T00:00:00Z")
    rep = dazzle_exposure(elements, [radar], [site], *span)  # type: ignore[list-item]
    optical = replace(radar, sensor_class="optical", night_capable=False)  # type: ignore[type-var]
    rep_opt = dazzle_exposure(elements, [optical], [site], *span)
    eph = ephemeris()
    obs = topos(site.lat_deg, site.lon_deg, site.alt_m)

    def sun_alt(t: np.ndarray) -> np.ndarray:
        return np.asarray((eph["earth"] + obs).at(sf_time(t)).observe(eph["sun"]).apparent().altaz()[0].degrees)

    dark = sun_alt(rep.windows.min_off_nadir_time) < -6.0
    assert dark.any() and (rep.windows.flags[dark] & 16).all()  # ground_dark
    rec = rep.window_records()
    assert any("ground_dark" in r["flags"] and "night_capable_sensor" in r["flags"] for r in rec)
    assert len(rep_opt.windows) < len(rep.windows)
    for t in (rep_opt.windows.start, rep_opt.windows.end, rep_opt.windows.min_off_nadir_time):
        if len(t):
            assert (sun_alt(t) > -0.1).all()  # geometric 0 deg vs apparent: refraction-free, ~0.01 deg


def test_overrides_csv(tmp_path: Path, ucs: dict[int, object]) -> None:
    path = tmp_path / "for.csv"
    path.write_text("norad,field_of_regard_deg,class\n32060,30,\n31698,40,optical\n")
    over = read_overrides(path)
    assert over == {32060: (30.0, None), 31698: (40.0, "optical")}
    sats = apply_overrides([ucs[32060], ucs[31698]], over)  # type: ignore[list-item]
    assert sats[0].field_of_regard_deg == 30.0 and sats[0].sensor_class == "optical" and sats[0].overridden
    assert sats[1].sensor_class == "optical" and not sats[1].night_capable
    path.write_text("norad,field_of_regard_deg\n32060,95\n")
    with pytest.raises(InputError) as exc:
        read_overrides(path)
    assert exc.value.code == "ISR_OVERRIDE" and exc.value.line == 2


def test_history_uses_the_set_in_force(shared_data: Path) -> None:
    """With a history, each window's geometry comes from the set in force at its time.

    The ISS history of 2026-05-24..30 (many sets) treated as an optical imager over Mojave
    and Dundee: the reported epoch is the latest at or before the window (a plain scan of
    the file), and Skyfield with *that* TLE gives the same off-nadir minimum (0.01 deg).
    """
    import gzip

    from orbitwatch.access.isr import IsrSatellite

    path = shared_data / "history/celestrak-groups-2026-05-24_30/stations-history-2026-05-24_30.tle.gz"
    with gzip.open(path, "rt") as f:
        text = f.read().splitlines()
    pairs = [(text[i], text[i + 1]) for i, line in enumerate(text)
             if line.startswith("1 ") and int(line[2:7]) == 25544]
    elements = list(read_element_sets([x for p in pairs for x in p], source="iss-history"))
    assert len(elements) > 5
    epochs = np.array([e.epoch for e in elements], dtype="datetime64[us]")
    sites = [s for s in load_sites(shared_data / "ground-stations" / "ground-stations-all.csv")
             if s.name in ("Mojave", "Dundee")]
    iss = IsrSatellite(25544, "ISS", "optical", 45.0, False)
    rep = dazzle_exposure(elements, [iss], sites, "2026-05-25T00:00:00Z", "2026-05-30T00:00:00Z")
    w = rep.windows
    assert len(w) >= 3
    used = set()
    for i in range(len(w)):
        t = w.min_off_nadir_time[i]
        k = int(np.nonzero(epochs <= t)[0][np.argmax(epochs[epochs <= t])])
        assert w.element_epoch[i] == epochs[k].astype("datetime64[s]").astype("datetime64[us]") or \
            abs((w.element_epoch[i] - epochs[k]).astype(np.int64)) < 1_000_000
        used.add(k)
        site = sites[int(w.site[i])]
        eta = _sf_off_nadir(*pairs[k], topos(site.lat_deg, site.lon_deg, site.alt_m), np.array([t]))
        assert eta[0] == pytest.approx(w.off_nadir_min_deg[i], abs=0.01)
    assert len(used) >= 2  # several sets used over the five days
