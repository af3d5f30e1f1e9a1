"""Acceptance 3: property tests on synthetic encounters (hypothesis).

Each example builds two SGP4 element sets that meet at a chosen time with a chosen
miss vector and relative velocity (``_screen_synthetic.meeting_elements`` solves for
the second object's mean elements with ``sgp4`` directly), screens them with
orbitwatch, and compares with the independent brute-force reference
(``_screen_bruteforce.py``: sgp4 every 10 s + scipy refinement) on the same window:
every reference minimum at or below the threshold is found (TCA within 1 ms, or the
flat-range tolerance of ``_screen_compare.py`` for slow encounters; miss within 1 m),
and nothing else is.  Minima within 1e-6 km of the threshold or 2 ms of a window edge
may go either way.
"""

from __future__ import annotations

import math

import numpy as np
from _screen_bruteforce import brute_force
from _screen_compare import compare
from _screen_synthetic import meeting_elements, satrec, state
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from orbitwatch.catalog.model import ElementSet, ElementTable
from orbitwatch.screening import screen
from orbitwatch.times import parse_utc

EPOCH = parse_utc("2025-01-01T00:00:00Z")
EPOCH_JD = 2460676.5
EPOCH_US = int(EPOCH.astype(np.int64))
MU = 398600.8
SETTINGS = settings(max_examples=25, deadline=None, derandomize=True,
                    suppress_health_check=[HealthCheck.too_slow])


def _n_rev_day(a_km: float) -> float:
    return math.sqrt(MU / a_km**3) * 86400.0 / (2.0 * math.pi)


def _element_set(norad: int, name: str, el: tuple[float, ...]) -> ElementSet:
    n, e, i, raan, argp, ma = el
    return ElementSet(norad_id=norad, epoch=EPOCH, mean_motion_rev_per_day=n, eccentricity=e,
                      inclination_deg=math.degrees(i), raan_deg=math.degrees(raan) % 360.0,
                      arg_perigee_deg=math.degrees(argp) % 360.0, mean_anomaly_deg=math.degrees(ma) % 360.0,
                      name=name)


def _perpendicular(u: np.ndarray, angle: float) -> np.ndarray:
    """A unit vector perpendicular to ``u``, at ``angle`` around it."""
    u = u / np.linalg.norm(u)
    a = np.cross(u, [0.0, 0.0, 1.0] if abs(u[2]) < 0.9 else [1.0, 0.0, 0.0])
    a /= np.linalg.norm(a)
    b = np.cross(u, a)
    return math.cos(angle) * a + math.sin(angle) * b


def _crossing(ra: np.ndarray, va: np.ndarray, speed: float) -> np.ndarray:
    """Relative velocity of an object with A's speed whose velocity is A's turned about the radial."""
    v = float(np.linalg.norm(va))
    theta = 2.0 * math.asin(min(1.0, speed / (2.0 * v)))
    k = ra / np.linalg.norm(ra)
    turned = va * math.cos(theta) + np.cross(k, va) * math.sin(theta) + k * np.dot(k, va) * (1 - math.cos(theta))
    return turned - va


def _encounter(a_el: tuple[float, ...], v_rel: np.ndarray, miss_km: float, miss_angle: float
               ) -> tuple[tuple[float, ...], tuple[float, ...]]:
    """Elements of A (given) and of B, which passes A at the epoch with ``v_rel`` and ``miss_km``."""
    ra, va = state(satrec(EPOCH_JD, *a_el), EPOCH_JD)
    miss = miss_km * _perpendicular(v_rel, miss_angle)
    b_el = meeting_elements(EPOCH_JD, ra + miss, va + v_rel)
    # element sets carry degrees: hand both tools the same doubles
    return _round_trip(a_el), _round_trip(b_el)


def _round_trip(el: tuple[float, ...]) -> tuple[float, ...]:
    n, e, i, raan, argp, ma = el
    return (n, e, *(math.radians(math.degrees(x) % 360.0) for x in (i, raan, argp, ma)))


def _check(a_el: tuple[float, ...], b_el: tuple[float, ...], start_s: float, end_s: float,
           threshold_km: float) -> list[tuple[int, int, float, float, float]]:
    """Screen A and B over EPOCH + [start_s, end_s]; compare with the reference; return what was found."""
    start = EPOCH + np.timedelta64(round(start_s * 1e6), "us")
    end = EPOCH + np.timedelta64(round(end_s * 1e6), "us")
    table = ElementTable.from_element_sets([_element_set(90001, "OBJECT A", a_el),
                                            _element_set(90002, "OBJECT B", b_el)])
    result = screen(table, start, end, threshold_km)
    assert result.failures == []
    found = [(0, 1, float((c.tca - start).astype(np.int64)) / 1e6, c.miss_distance_km, c.relative_speed_km_s)
             for c in result.conjunctions]
    ref = brute_force([satrec(EPOCH_JD, *a_el), satrec(EPOCH_JD, *b_el)],
                      EPOCH_US + round(start_s * 1e6), end_s - start_s, threshold_km)
    problems, _ = compare(found, ref, threshold_km, end_s - start_s)
    assert problems == []
    return found


def _leo_eccentric(raan: float, argp: float) -> tuple[float, ...]:
    # perigee 300 km altitude, e = 0.06: 7.95 km/s at perigee (mean anomaly 0 at the epoch)
    e = 0.06
    return (_n_rev_day(6678.135 / (1 - e)), e, math.radians(51.6), raan, argp, 0.0)


angles = st.floats(0.0, 2.0 * math.pi)


@SETTINGS
@given(raan=angles, argp=angles, tilt_deg=st.floats(0.0, 8.0), miss_km=st.floats(0.0, 7.5),
       miss_angle=angles)
def test_head_on_at_15_9_km_s(raan: float, argp: float, tilt_deg: float, miss_km: float,
                              miss_angle: float) -> None:
    a_el = _leo_eccentric(raan, argp)
    ra, va = state(satrec(EPOCH_JD, *a_el), EPOCH_JD)
    # B flies against A, its velocity turned by tilt_deg about the radial direction
    back = -va / np.linalg.norm(va)
    k = ra / np.linalg.norm(ra)
    t = math.radians(tilt_deg)
    direction = back * math.cos(t) + np.cross(k, back) * math.sin(t)
    v_rel = 15.9 * direction / np.linalg.norm(direction)
    assert abs(np.linalg.norm(v_rel) - 15.9) < 1e-9
    found = _check(*_encounter(a_el, v_rel, miss_km, miss_angle), -1800.0, 1800.0, 5.0)
    if miss_km < 4.9:
        near = [f for f in found if abs(f[2] - 1800.0) < 5.0]
        assert len(near) == 1 and abs(near[0][4] - 15.9) < 0.05


@SETTINGS
@given(v_angle_1=angles, v_angle_2=st.floats(-1.5, 1.5), miss_km=st.floats(0.05, 7.5), miss_angle=angles)
def test_co_orbital_at_1_m_s(v_angle_1: float, v_angle_2: float, miss_km: float, miss_angle: float) -> None:
    a_el = (_n_rev_day(6928.135), 0.001, math.radians(53.0), 1.0, 2.0, 0.5)
    u = np.array([math.cos(v_angle_2) * math.cos(v_angle_1), math.cos(v_angle_2) * math.sin(v_angle_1),
                  math.sin(v_angle_2)])
    _check(*_encounter(a_el, 1e-3 * u, miss_km, miss_angle), -3600.0, 3600.0, 5.0)


@SETTINGS
@given(delta_m=st.floats(-3.0, 3.0), speed=st.floats(0.2, 14.5), miss_angle=angles)
def test_grazing_the_threshold(delta_m: float, speed: float, miss_angle: float) -> None:
    a_el = (_n_rev_day(7078.135), 0.001, math.radians(98.0), 0.3, 0.0, 0.0)
    ra, va = state(satrec(EPOCH_JD, *a_el), EPOCH_JD)
    v_rel = _crossing(ra, va, speed)
    found = _check(*_encounter(a_el, v_rel, 10.0 + delta_m / 1000.0, miss_angle), -900.0, 900.0, 10.0)
    assert len(found) <= 1


@SETTINGS
@given(offset_s=st.floats(-90.0, 90.0), speed=st.floats(0.5, 14.5), at_end=st.booleans(),
       miss_km=st.floats(0.0, 4.0))
def test_encounters_at_the_window_edges(offset_s: float, speed: float, at_end: bool, miss_km: float) -> None:
    a_el = (_n_rev_day(6878.135), 0.002, math.radians(97.5), 4.0, 1.0, 0.0)
    ra, va = state(satrec(EPOCH_JD, *a_el), EPOCH_JD)
    v_rel = _crossing(ra, va, speed)
    start, end = (offset_s - 3600.0, offset_s) if at_end else (offset_s, offset_s + 3600.0)
    # the encounter is at the epoch = start - offset (or end - offset)
    found = _check(*_encounter(a_el, v_rel, miss_km, 0.7), start, end, 5.0)
    inside = start < 0.0 < end
    if miss_km < 4.9 and speed > 1.0 and min(abs(start), abs(end)) > 0.01:
        near = [f for f in found if abs(f[2] + start) < 5.0]  # the constructed encounter
        assert (len(near) == 1) == inside


@SETTINGS
@given(speed_m_s=st.floats(0.3, 5.0), v_angle=angles, miss_km=st.floats(0.1, 15.0), miss_angle=angles)
def test_geo_drift(speed_m_s: float, v_angle: float, miss_km: float, miss_angle: float) -> None:
    a_el = (1.00273791, 0.0002, math.radians(0.05), 1.2, 0.5, 3.0)
    ra, _va = state(satrec(EPOCH_JD, *a_el), EPOCH_JD)
    u = _perpendicular(ra, v_angle)  # relative drift in the local horizontal plane
    _check(*_encounter(a_el, speed_m_s / 1000.0 * u, miss_km, miss_angle), -6 * 3600.0, 6 * 3600.0, 10.0)
