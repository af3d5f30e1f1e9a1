"""Acceptance 5 and the options: bad input, failing objects, exclusions, prefilter.

Expected failure times come from ``sgp4`` directly (scanned every second); the
encounters from ``_screen_synthetic`` (solved with ``sgp4``).
"""

from __future__ import annotations

import math

import numpy as np
import pytest
from _screen_synthetic import meeting_elements, satrec, state

from orbitwatch.catalog.model import ElementSet, ElementTable
from orbitwatch.errors import InputError
from orbitwatch.screening import screen
from orbitwatch.screening.prefilter import constellation_groups, mean_shells_km, shells_overlap
from orbitwatch.times import parse_utc

EPOCH = parse_utc("2025-01-01T00:00:00Z")
EPOCH_JD = 2460676.5
MU = 398600.8


def _es(norad: int, name: str, el: tuple[float, ...], bstar: float = 0.0,
        epoch: np.datetime64 = EPOCH) -> ElementSet:
    n, e, i, raan, argp, ma = el
    return ElementSet(norad_id=norad, epoch=epoch, mean_motion_rev_per_day=n, eccentricity=e,
                      inclination_deg=math.degrees(i), raan_deg=math.degrees(raan),
                      arg_perigee_deg=math.degrees(argp), mean_anomaly_deg=math.degrees(ma),
                      bstar_per_earth_radius=bstar, name=name)


def _pair(speed_km_s: float, names: tuple[str, str] = ("OBJECT A", "OBJECT B")) -> list[ElementSet]:
    """Two objects 2 km apart at EPOCH + 0, crossing at ``speed_km_s`` (cross-track)."""
    a_el = (math.sqrt(MU / 6978.135**3) * 86400 / (2 * math.pi), 0.001, math.radians(60.0), 0.5, 0.0, 0.0)
    ra, va = state(satrec(EPOCH_JD, *a_el), EPOCH_JD)
    h = np.cross(ra, va)
    v_rel = speed_km_s * h / np.linalg.norm(h)
    b_el = meeting_elements(EPOCH_JD, ra + 2.0 * ra / np.linalg.norm(ra), va + v_rel)
    return [_es(91001, names[0], a_el), _es(91002, names[1], b_el)]


def _window(h0: float, h1: float) -> tuple[np.datetime64, np.datetime64]:
    return EPOCH + np.timedelta64(round(h0 * 3600e6), "us"), EPOCH + np.timedelta64(round(h1 * 3600e6), "us")


@pytest.mark.parametrize("threshold", [0.0, -1.0, 1000.5, float("nan"), float("inf")])
def test_bad_thresholds(threshold: float) -> None:
    with pytest.raises(InputError) as exc:
        screen(ElementTable.from_element_sets(_pair(1.0)), *_window(-1, 1), threshold)
    assert exc.value.code == "INPUT_THRESHOLD"


@pytest.mark.parametrize(("h0", "h1"), [(1.0, 1.0), (1.0, 0.5)])
def test_empty_and_negative_windows(h0: float, h1: float) -> None:
    with pytest.raises(InputError) as exc:
        screen(ElementTable.from_element_sets(_pair(1.0)), *_window(h0, h1), 5.0)
    assert exc.value.code == "INPUT_WINDOW"


def test_zone_less_times_and_empty_catalogs() -> None:
    with pytest.raises(InputError) as exc:
        screen(ElementTable.from_element_sets(_pair(1.0)), "2025-01-01T00:00:00", "2025-01-01T01:00:00Z", 5.0)
    assert exc.value.code == "TIME_FORMAT"
    with pytest.raises(InputError) as exc:
        screen(ElementTable.from_element_sets([]), *_window(-1, 1), 5.0)
    assert exc.value.code == "INPUT_EMPTY_CATALOG"


def test_unknown_primaries() -> None:
    table = ElementTable.from_element_sets(_pair(1.0))
    for primaries in ([12345], [91001, 12345], []):
        with pytest.raises(InputError) as exc:
            screen(table, *_window(-1, 1), 5.0, primaries=primaries)
        assert exc.value.code == "INPUT_UNKNOWN_NORAD"


def test_failing_objects_are_reported_not_fatal() -> None:
    sets = _pair(1.0)
    # decays (SGP4 error 1 after drag) about half an hour after the epoch
    sets.append(_es(91003, "DECAYING", (16.2, 0.001, 0.9, 1.0, 0.0, 0.0), bstar=0.5))
    # already unusable at the start of the window (it fails 2 min after its epoch, a day earlier)
    sets.append(_es(91004, "GONE", (16.4, 0.001, 0.9, 1.0, 0.0, 0.0), bstar=1.0,
                    epoch=EPOCH - np.timedelta64(1, "D")))
    result = screen(ElementTable.from_element_sets(sets), *_window(-1, 1), 5.0)
    assert [(c.norad_1, c.norad_2) for c in result.conjunctions] == [(91001, 91002)]
    fails = {f.norad: f for f in result.failures}
    assert set(fails) == {91003, 91004}
    # independent: sgp4 every second from the start of the window
    dec = satrec(EPOCH_JD, 16.2, 0.001, 0.9, 1.0, 0.0, 0.0, bstar=0.5)
    first = next(t for t in range(-3600, 3600) if dec.sgp4(EPOCH_JD, t / 86400.0)[0] != 0)
    code = dec.sgp4(EPOCH_JD, first / 86400.0)[0]
    assert fails[91003].code == code
    got = float((fails[91003].first_failure - EPOCH).astype(np.int64)) / 1e6
    assert first - 1.0 <= got <= first + 1.0
    assert fails[91004].first_failure == _window(-1, 1)[0]
    assert set(fails[91003].to_dict()) == {"norad", "name", "code", "message", "first_failure_utc"}


def test_same_constellation_and_formation_exclusions() -> None:
    starlinks = ElementTable.from_element_sets(_pair(0.5, ("STARLINK-1001", "STARLINK-1002")))
    assert len(screen(starlinks, *_window(-1, 1), 5.0).conjunctions) == 1
    assert screen(starlinks, *_window(-1, 1), 5.0, exclude_same_constellation=True).conjunctions == []
    mixed = ElementTable.from_element_sets(_pair(0.5, ("STARLINK-1001", "ONEWEB-0012")))
    assert len(screen(mixed, *_window(-1, 1), 5.0, exclude_same_constellation=True).conjunctions) == 1
    slow = ElementTable.from_element_sets(_pair(0.001))
    assert len(screen(slow, *_window(-1, 1), 5.0).conjunctions) >= 1
    assert screen(slow, *_window(-1, 1), 5.0, min_relative_speed_km_s=0.01).conjunctions == []


def test_constellation_groups_skip_debris() -> None:
    names = ["STARLINK-1007", "STARLINK-30123", "ONEWEB-0012", "IRIDIUM 33 DEB", "IRIDIUM 140", None, "COSMOS 2251"]
    g = constellation_groups(names)
    assert g[0] == g[1] >= 0 and g[2] >= 0 and g[2] != g[0]
    assert g[3] == -1 and g[4] >= 0 and g[5] == -1 and g[6] == -1


def test_shell_overlap_against_pairwise_check() -> None:
    rng = np.random.default_rng(1)
    lo = rng.uniform(6500, 45000, 300)
    hi = lo + rng.uniform(0, 3000, 300)
    of = rng.random(300) < 0.1
    got = shells_overlap(lo, hi, of, 10.0)
    want = np.array([any(lo[k] <= hi[p] + 10 and hi[k] >= lo[p] - 10 for p in np.flatnonzero(of))
                     for k in range(300)])
    assert (got == want).all()


def test_mean_shells_bracket_the_sgp4_radius() -> None:
    sets = [*_pair(1.0), _es(91005, "HEO", (2.006, 0.72, 1.1, 0.3, 4.7, 0.0))]
    table = ElementTable.from_element_sets(sets)
    lo, hi = mean_shells_km(table)
    from sgp4.api import Satrec

    from orbitwatch.propagation import satrecs

    for k, sat in enumerate(satrecs(table)):
        assert isinstance(sat, Satrec)
        radii = [np.linalg.norm(sat.sgp4(EPOCH_JD, t / 1440.0)[1]) for t in range(0, 1440, 2)]
        assert lo[k] <= min(radii) and max(radii) <= hi[k]


def test_radial_acceleration_bound_holds_along_sgp4_orbits() -> None:
    """|d²|r|/dt²| from SGP4 positions (second differences every 10 s) stays below the bound."""
    from orbitwatch.propagation import satrecs
    from orbitwatch.screening.prefilter import radial_accel_bound_km_s2

    sets = [*_pair(1.0), _es(91005, "HEO", (2.006, 0.72, 1.1, 0.3, 4.7, 0.0)),
            _es(91006, "GTO", (2.3, 0.73, 0.4, 1.0, 3.0, 2.0)),
            _es(91007, "LOW", (16.0, 0.001, 0.9, 1.0, 0.0, 0.0), bstar=0.05)]
    table = ElementTable.from_element_sets(sets)
    bound = radial_accel_bound_km_s2(table)
    h = 10.0
    for k, sat in enumerate(satrecs(table)):
        t = np.arange(0.0, 86400.0, h)
        e, r, _ = sat.sgp4_array(np.full(t.size, EPOCH_JD), t / 86400.0)
        rad = np.linalg.norm(r[e == 0], axis=1)
        acc = np.abs(rad[2:] - 2 * rad[1:-1] + rad[:-2]) / h**2
        assert acc.max() <= bound[k], (k, acc.max(), bound[k])


def test_progress_reaches_its_total() -> None:
    calls: list[tuple[int, int]] = []
    screen(ElementTable.from_element_sets(_pair(1.0)), *_window(-1, 1), 5.0,
           progress=lambda done, total: calls.append((done, total)))
    assert calls and calls[-1][0] == calls[-1][1] and all(d <= t for d, t in calls)
