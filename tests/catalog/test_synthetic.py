"""The synthetic demo population: deterministic, labelled, physically sensible.

References: a circular orbit at 400 km has a period of about 92.6 min (two-body,
15.55 rev/day); a sun-synchronous orbit at 800 km needs an inclination of 98.6 deg
(Vallado, Fundamentals of Astrodynamics and Applications, 4th ed., Example 9-7
gives 98.6 deg for 800 km circular); GEO at 35,786 km completes 1.0027 rev/day
(one sidereal day).
"""

from __future__ import annotations

import numpy as np
import pytest

from orbitwatch.catalog import infer_object_type
from orbitwatch.catalog.synthetic import (
    SYNTHETIC_NORAD_BASE,
    mean_motion_rev_per_day,
    sun_synchronous_inclination_deg,
    synthetic_population,
)
from orbitwatch.propagation import propagate
from orbitwatch.times import parse_utc, time_grid

EPOCH = parse_utc("2025-04-15T00:00:00Z")


def test_two_body_and_sun_synchronous_references() -> None:
    assert mean_motion_rev_per_day(400.0) == pytest.approx(1440.0 / 92.56, rel=2e-3)
    assert sun_synchronous_inclination_deg(800.0) == pytest.approx(98.6, abs=0.05)
    assert mean_motion_rev_per_day(35786.0) == pytest.approx(1.0027379, rel=2e-4)


def test_deterministic_labelled_and_propagates() -> None:
    a = synthetic_population(EPOCH, seed=3)
    b = synthetic_population(EPOCH, seed=3)
    assert a == b
    assert len(a) > 900
    assert all(e.name and e.name.startswith("SYNTH ") for e in a)
    assert all(e.norad_id > SYNTHETIC_NORAD_BASE for e in a)
    assert len({e.norad_id for e in a}) == len(a)
    types = {infer_object_type(e.name) for e in a}
    assert types == {"PAYLOAD", "DEBRIS"}
    eph = propagate(a, time_grid(EPOCH, EPOCH + np.timedelta64(1, "D"), 3600.0))
    assert (eph.err == 0).all()
    radius_km = np.linalg.norm(eph.r_km, axis=-1)
    assert radius_km.min() > 6378.0 + 300.0
    assert radius_km.max() < 42164.0 + 200.0
