"""Exposure windows: range limits, sunlit / dark conditions, and the per-satellite summary.

References: Skyfield's topocentric ``altaz()`` (altitude and distance) and
``is_sunlit`` with DE421, and the Sun's altitude at the site from Skyfield
(``(earth + site).at(t).observe(sun).apparent()``; apparent adds ~20" of aberration,
well inside the tolerance).  At every window boundary one of the constraints must be
active: elevation = mask (0.003 deg), range = limit (50 m), sunlit transition (1 s),
solar altitude = -6 deg (0.02 deg), or the interval's start/end.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from orbitwatch.access.exposure import exposure, union_seconds
from orbitwatch.access.passes import Conditions
from orbitwatch.access.sites import load_sites
from orbitwatch.catalog.reader import read_element_sets
from orbitwatch.errors import InputError

from ._skyfield_ref import ephemeris, satellite, sf_time, tle_lines, topos

STATIONS = "history/celestrak-groups-2026-05-24_30/stations-history-2026-05-24_30.tle.gz"


def test_union_seconds_by_hand() -> None:
    # group 0: [0,10] u [5,20] u [30,40] = 30 s; group 1: [0,1] = 1 s; group 2: none.
    out = union_seconds([0, 0, 0, 1], [0.0, 5.0, 30.0, 0.0], [10.0, 20.0, 40.0, 1.0], 3)
    assert list(out) == [30.0, 1.0, 0.0]


def test_exposure_boundaries_are_active_constraints(shared_data: Path) -> None:
    l1, l2 = tle_lines(shared_data / STATIONS, 25544)
    elements = list(read_element_sets([l1, l2], source="iss"))
    sites = [s for s in load_sites(shared_data / "ground-stations" / "ground-stations-all.csv")
             if s.name in ("Dundee", "Mojave", "Chitose")]
    start, end = "2026-05-24T00:00:00Z", "2026-05-26T00:00:00Z"
    rmax = 1200.0
    rep = exposure(elements, sites, start, end, min_elevation_deg=10.0, max_range_km=rmax)
    w = rep.windows
    assert len(w) > 5
    sat = satellite(l1, l2)
    for i in range(len(w)):
        obs = topos(sites[w.site[i]].lat_deg, sites[w.site[i]].lon_deg, sites[w.site[i]].alt_m)
        alt, _, dist = (sat - obs).at(sf_time(np.array([w.rise[i], w.set[i]]))).altaz()
        for j in range(2):
            on_mask = abs(alt.degrees[j] - 10.0) < 3e-3
            on_range = abs(dist.km[j] - rmax) < 0.05
            assert on_mask or on_range
            assert alt.degrees[j] > 10.0 - 3e-3 and dist.km[j] < rmax + 0.05
        assert w.min_range_km[i] <= rmax and w.max_elevation_deg[i] >= 10.0
    s = rep.summary
    assert s.windows[0] == len(w)
    assert s.longest_s[0] == pytest.approx(w.duration_s.max())
    assert s.exposed_s[0] <= s.site_seconds[0] + 1e-6
    assert s.exposed_s_per_day[0] == pytest.approx(s.exposed_s[0] / 2.0)


def test_optical_windows_sunlit_and_site_dark(shared_data: Path) -> None:
    l1, l2 = tle_lines(shared_data / STATIONS, 25544)
    elements = list(read_element_sets([l1, l2], source="iss"))
    sites = [s for s in load_sites(shared_data / "ground-stations" / "ground-stations-all.csv")
             if s.name in ("Dundee", "Mojave")]
    start, end = "2026-05-24T00:00:00Z", "2026-05-31T00:00:00Z"
    cond = Conditions(sunlit=True, site_dark=True, dark_sun_elevation_deg=-6.0)
    rep = exposure(elements, sites, start, end, conditions=cond)
    w = rep.windows
    assert len(w) > 3  # late-May ISS evening passes over Scotland and California
    eph = ephemeris()
    sat = satellite(l1, l2)
    one_s = np.timedelta64(1, "s")
    for i in range(len(w)):
        site = sites[w.site[i]]
        obs = topos(site.lat_deg, site.lon_deg, site.alt_m)
        mid = w.rise[i] + (w.set[i] - w.rise[i]) / 2
        t_mid = sf_time(np.array([mid]))
        assert sat.at(t_mid).is_sunlit(eph)[0]
        sun_alt = (eph["earth"] + obs).at(t_mid).observe(eph["sun"]).apparent().altaz()[0].degrees[0]
        assert sun_alt < -6.0
        for t in (w.rise[i], w.set[i]):
            alt = (sat - obs).at(sf_time(np.array([t]))).altaz()[0].degrees[0]
            sun = (eph["earth"] + obs).at(sf_time(np.array([t]))).observe(eph["sun"]).apparent()
            lit = sat.at(sf_time(np.array([t - one_s, t + one_s]))).is_sunlit(eph)
            assert (abs(alt) < 3e-3 or abs(sun.altaz()[0].degrees[0] + 6.0) < 0.02 or lit[0] != lit[1])
        assert w.sunlit_fraction[i] == pytest.approx(1.0)


def test_empty_window_is_an_error(shared_data: Path) -> None:
    l1, l2 = tle_lines(shared_data / STATIONS, 25544)
    elements = list(read_element_sets([l1, l2], source="iss"))
    sites = load_sites(shared_data / "ground-stations" / "dsn.geojson")
    with pytest.raises(InputError) as exc:
        exposure(elements, sites, "2026-05-24T00:00:00Z", "2026-05-24T00:00:00Z")
    assert exc.value.code == "ACCESS_EMPTY_WINDOW"
    with pytest.raises(InputError) as exc:
        exposure(elements, sites, "2026-05-25T00:00:00Z", "2026-05-24T00:00:00Z")
    assert exc.value.code == "ACCESS_EMPTY_WINDOW"
    with pytest.raises(InputError) as exc:
        exposure([], sites, "2026-05-24T00:00:00Z", "2026-05-25T00:00:00Z")
    assert exc.value.code == "ACCESS_NO_OBJECTS"
