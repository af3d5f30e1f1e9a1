"""Sun position, GCRS->TEME rotation and eclipse timing against Skyfield (acceptance 2).

References: Skyfield 1.55 with the JPL DE421 kernel of the ``skyfield-data`` package:
``(sun - earth).at(t)`` (geometric, GCRS), ``skyfield.sgp4lib.TEME.rotation_at`` (IAU
2000A based) and ``ICRF.is_sunlit`` (point Sun, spherical Earth of radius 6378.1366 km).
Tolerances: Sun direction 0.5" in GCRS and in TEME; sunlit/eclipse transitions 1 s
(measured: a few ms).  The conical model's penumbra is checked against the
independent geometric bound: umbra and penumbra entry bracket the Sun-centre
transition, with the penumbra lasting a few seconds for LEO.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from skyfield.sgp4lib import TEME

from orbitwatch.access.passes import make_track, sunlit_windows, to_utc
from orbitwatch.access.sun import PENUMBRA, SUNLIT, UMBRA, illumination, shadow_g, sun_gcrs_km, sun_teme_km
from orbitwatch.catalog.reader import read_element_sets

from ._skyfield_ref import ephemeris, satellite, sf_time, tle_lines

STATIONS = "history/celestrak-groups-2026-05-24_30/stations-history-2026-05-24_30.tle.gz"
PAYLOADS = "catalog/spacetrack-3le-payloads-2026-06-10.tle.gz"
SKYFIELD_ERAD_KM = 6378.1366


def _angle_arcsec(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    cos = np.sum(a * b, axis=-1) / np.linalg.norm(a, axis=-1) / np.linalg.norm(b, axis=-1)
    return np.degrees(np.arccos(np.clip(cos, -1, 1))) * 3600


def test_sun_direction_matches_skyfield_de421() -> None:
    times = np.array(["2019-03-01T00:00:00", "2026-05-24T00:00:00", "2026-05-27T13:00:00",
                      "2040-06-01T06:30:00"], dtype="datetime64[us]")
    eph = ephemeris()
    t = sf_time(times)
    ref = (eph["sun"] - eph["earth"]).at(t).xyz.km.T
    assert _angle_arcsec(sun_gcrs_km(times), ref).max() < 0.5
    assert np.abs(np.linalg.norm(sun_gcrs_km(times), axis=1) / np.linalg.norm(ref, axis=1) - 1).max() < 1e-7
    ref_teme = np.einsum("ijt,tj->ti", TEME.rotation_at(t), ref)
    assert _angle_arcsec(sun_teme_km(times), ref_teme).max() < 0.5


@pytest.mark.parametrize(
    ("path", "norad", "start", "end"),
    [
        (STATIONS, 25544, "2026-05-24T00:00:00Z", "2026-05-26T00:00:00Z"),  # ISS
        (PAYLOADS, 43013, "2026-06-08T00:00:00Z", "2026-06-10T00:00:00Z"),  # NOAA 20, sun-synchronous
    ],
)
def test_eclipse_transitions_match_skyfield_is_sunlit(shared_data: Path, path: str, norad: int, start: str,
                                                      end: str) -> None:
    l1, l2 = tle_lines(shared_data / path, norad)
    elements = list(read_element_sets([l1, l2], source=str(norad)))
    track = make_track(elements, start, end, 60.0)
    lit = sunlit_windows(track, criterion="center", earth_radius_km=SKYFIELD_ERAD_KM)
    ours = np.sort(np.concatenate([lit.start_s[(lit.flags & 1) == 0], lit.end_s[(lit.flags & 2) == 0]]))
    # Reference: Skyfield's is_sunlit sampled every 10 s, transitions bisected to 1 ms.
    sat = satellite(l1, l2)
    eph = ephemeris()
    grid = np.arange(0.0, 2 * 86400.0 + 1, 10.0)
    state = sat.at(sf_time(to_utc(track.t0, grid))).is_sunlit(eph)
    k = np.nonzero(state[1:] != state[:-1])[0]
    a, b = grid[k], grid[k + 1]
    sa = state[k]
    for _ in range(14):
        mid = 0.5 * (a + b)
        sm = sat.at(sf_time(to_utc(track.t0, mid))).is_sunlit(eph)
        same = sm == sa
        a, b = np.where(same, mid, a), np.where(same, b, mid)
    ref = 0.5 * (a + b)
    assert ref.size == ours.size and ref.size >= 50  # ~30 eclipses in 2 days
    assert np.abs(ours - ref).max() < 1.0
    assert np.abs(ours - ref).max() < 0.05  # measured: a few ms


def test_conical_shadow_states_bracket_the_centre_transition(shared_data: Path) -> None:
    l1, l2 = tle_lines(shared_data / STATIONS, 25544)
    elements = list(read_element_sets([l1, l2], source="iss"))
    track = make_track(elements, "2026-05-24T00:00:00Z", "2026-05-24T06:00:00Z", 60.0)
    pen = sunlit_windows(track, criterion="penumbra")
    cen = sunlit_windows(track, criterion="center")
    umb = sunlit_windows(track, criterion="umbra")
    # Lit intervals nest: penumbra-free within centre-visible within outside-umbra.
    for inner, outer in ((pen, cen), (cen, umb)):
        assert len(inner) == len(outer)
        assert np.all(inner.start_s >= outer.start_s - 1e-3) and np.all(inner.end_s <= outer.end_s + 1e-3)
    # The penumbra of a LEO satellite lasts ~ 8-10 s (Sun's 0.53 deg at ~0.06 deg/s
    # of Earth-limb motion, stretched by the shadow-entry geometry).
    d = (cen.end_s - pen.end_s)[(cen.flags & 2) == 0]
    assert np.all((d > 2.0) & (d < 30.0))
    # States and the visible fraction at those times.
    t = np.array([pen.end_s[0] - 1.0, 0.5 * (pen.end_s[0] + umb.end_s[0]), umb.end_s[0] + 1.0])
    r = track.position_at(np.zeros(3, np.int64), t)
    state, frac = illumination(r, track.sun_at(t))
    assert list(state) == [SUNLIT, PENUMBRA, UMBRA]
    assert frac[0] == 1.0 and 0.0 < frac[1] < 1.0 and frac[2] == 0.0
    # At the centre transition about half of the disc is visible.
    tc = np.array([cen.end_s[0]])
    _, fc = illumination(track.position_at(np.zeros(1, np.int64), tc), track.sun_at(tc))
    assert abs(fc[0] - 0.5) < 0.1
    assert abs(shadow_g(track.position_at(np.zeros(1, np.int64), tc), track.sun_at(tc), "center")[0]) < 1e-6


def test_no_unclosed_kernel_warning_at_exit() -> None:
    """Issue 19: the DE421 kernel is closed at exit (``-X dev`` shows ResourceWarnings)."""
    import subprocess
    import sys

    code = ("import numpy as np\nfrom orbitwatch.access.sun import sun_gcrs_km\n"
            "sun_gcrs_km(np.array(['2025-01-01T00:00'], dtype='datetime64[us]'))\n")
    out = subprocess.run([sys.executable, "-X", "dev", "-W", "always::ResourceWarning", "-c", code],
                         capture_output=True, text=True, timeout=120, check=True)
    assert "ResourceWarning" not in out.stderr and "de421" not in out.stderr
