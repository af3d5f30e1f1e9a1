"""Acceptance 1: the 2009-02-10 collision of Iridium 33 (24946) and Cosmos 2251 (22675).

Reference values: the SGP4 closest approach for these last pre-event element sets as
published with the data (orbitwatch issue 3, acceptance 1): TCA 2009-02-10 16:55:59.80
UTC, miss 0.699 km, relative speed 11.65 km/s.  Tolerances: 0.05 s, 5 m, 0.01 km/s.
The same closest approach is also computed independently here with ``sgp4`` directly
(``twoline2rv`` + scipy's bounded minimisation of the range): within 1 ms and 1 m.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
from scipy.optimize import minimize_scalar
from sgp4.api import Satrec

from conftest import sets_from_records, three_line_records
from orbitwatch.catalog.model import ElementTable
from orbitwatch.screening import screen
from orbitwatch.times import parse_utc

START = "2009-02-10T16:00:00Z"
END = "2009-02-10T18:00:00Z"


def _table(shared_data: Path) -> ElementTable:
    recs = three_line_records(shared_data / "fragmentation" / "parent-objects-pre-event.tle")
    return ElementTable.from_element_sets(sets_from_records(recs))


def _independent_tca(shared_data: Path) -> tuple[float, float]:
    recs = {int(l1[2:7]): Satrec.twoline2rv(l1, l2) for _, l1, l2 in
            three_line_records(shared_data / "fragmentation" / "parent-objects-pre-event.tle")}
    a, b = recs[24946], recs[22675]
    jd = 2454872.5  # 2009-02-10T00:00:00 UTC

    def rng(t: float) -> float:
        _, ra, _ = a.sgp4(jd, t / 86400.0)
        _, rb, _ = b.sgp4(jd, t / 86400.0)
        return float(np.linalg.norm(np.subtract(ra, rb)))

    res = minimize_scalar(rng, bounds=(16 * 3600 + 55 * 60, 16 * 3600 + 57 * 60), method="bounded",
                          options={"xatol": 1e-7})
    return float(res.x), float(res.fun)


def test_finds_the_collision(shared_data: Path) -> None:
    table = _table(shared_data)
    assert len(table) == 4  # Iridium 33, Cosmos 2251 and two Cosmos 1408 sets
    result = screen(table, START, END, 5.0)
    assert len(result.conjunctions) == 1
    c = result.conjunctions[0]
    assert {c.norad_1, c.norad_2} == {24946, 22675}
    tca = parse_utc("2009-02-10T16:55:59.80Z")
    assert abs(float((c.tca - tca).astype(np.int64)) / 1e6) <= 0.05
    assert abs(c.miss_distance_km - 0.699) <= 0.005
    assert abs(c.relative_speed_km_s - 11.65) <= 0.01
    # independent: sgp4 + scipy
    t_ref, d_ref = _independent_tca(shared_data)
    t = float((c.tca - parse_utc("2009-02-10T00:00:00Z")).astype(np.int64)) / 1e6
    assert abs(t - t_ref) <= 1e-3
    assert abs(c.miss_distance_km - d_ref) <= 1e-3
    # the RIC components make up the miss vector
    ric = np.array([c.radial_km, c.in_track_km, c.cross_track_km])
    assert abs(np.linalg.norm(ric) - c.miss_distance_km) < 1e-9
    assert 0.0 < c.approach_angle_deg < 180.0
    assert c.tca_utc == "2009-02-10T16:55:59.796Z"
    d = c.to_dict()
    assert list(d) == [
        "norad_1", "name_1", "norad_2", "name_2", "tca_utc", "miss_distance_km", "relative_speed_km_s",
        "radial_km", "in_track_km", "cross_track_km", "approach_angle_deg", "epoch_age_1_d", "epoch_age_2_d",
    ]


def test_one_vs_all_puts_the_primary_first(shared_data: Path) -> None:
    table = _table(shared_data)
    both = screen(table, START, END, 5.0).conjunctions[0]
    for primary, other in ((24946, 22675), (22675, 24946)):
        c = screen(table, START, END, 5.0, primaries=[primary]).conjunctions[0]
        assert (c.norad_1, c.norad_2) == (primary, other)
        assert c.tca == both.tca
        assert abs(c.miss_distance_km - both.miss_distance_km) < 1e-12
    iri = screen(table, START, END, 5.0, primaries=[24946]).conjunctions[0]
    cos = screen(table, START, END, 5.0, primaries=[22675]).conjunctions[0]
    # the same miss vector seen from either side: equal lengths, epoch ages swap
    assert abs(iri.epoch_age_1_d - cos.epoch_age_2_d) < 1e-12
    # Iridium's epoch 2009-02-09 18:49:39 UTC, TCA about 22.1 h later
    assert abs(iri.epoch_age_1_d - (22 + 6.3 / 60) / 24) < 0.01


def test_a_threshold_below_the_miss_finds_nothing(shared_data: Path) -> None:
    assert screen(_table(shared_data), START, END, 0.69).conjunctions == []


def test_windows_shorter_than_a_sub_step(shared_data: Path) -> None:
    table = _table(shared_data)
    inside = screen(table, "2009-02-10T16:55:55Z", "2009-02-10T16:56:05Z", 5.0).conjunctions
    assert len(inside) == 1 and inside[0].tca_utc == "2009-02-10T16:55:59.796Z"
    # TCA 0.2 s before the window: the approach is not a minimum of this window
    assert screen(table, "2009-02-10T16:56:00Z", "2009-02-10T16:56:10Z", 5.0).conjunctions == []


def test_ric_components_and_approach_angle_against_sgp4(shared_data: Path) -> None:
    """The miss vector in the primary's RIC frame and the approach angle, recomputed independently.

    Reference: ``sgp4`` (``twoline2rv``) states at orbitwatch's TCA; RIC as in Vallado,
    *Fundamentals of Astrodynamics and Applications*, 4th ed., sec. 3.3 (R along the
    primary's position, C along its angular momentum, I = C x R); approach angle = angle
    between the two velocity vectors (the record's docstring).  Tolerances: 1 m per
    component (the states are evaluated at the same instant, so only SGP4's own rounding
    and the microsecond TCA rounding, < 12 mm at 11.65 km/s, separate them), 1e-4 deg.
    """
    recs = {int(l1[2:7]): Satrec.twoline2rv(l1, l2) for _, l1, l2 in
            three_line_records(shared_data / "fragmentation" / "parent-objects-pre-event.tle")}
    table = _table(shared_data)
    seen = []
    for primary, other in ((24946, 22675), (22675, 24946)):
        c = screen(table, START, END, 5.0, primaries=[primary]).conjunctions[0]
        t_s = float((c.tca - parse_utc("2009-02-10T00:00:00Z")).astype(np.int64)) / 1e6
        _, r1, v1 = recs[primary].sgp4(2454872.5, t_s / 86400.0)
        _, r2, v2 = recs[other].sgp4(2454872.5, t_s / 86400.0)
        r1, v1, r2, v2 = (np.asarray(x) for x in (r1, v1, r2, v2))
        r_hat = r1 / np.linalg.norm(r1)
        c_hat = np.cross(r1, v1) / np.linalg.norm(np.cross(r1, v1))
        i_hat = np.cross(c_hat, r_hat)
        d = r2 - r1
        expected = [float(d @ r_hat), float(d @ i_hat), float(d @ c_hat)]
        np.testing.assert_allclose([c.radial_km, c.in_track_km, c.cross_track_km], expected, atol=1e-3)
        angle = np.degrees(np.arccos(v1 @ v2 / (np.linalg.norm(v1) * np.linalg.norm(v2))))
        assert abs(c.approach_angle_deg - angle) < 1e-4
        seen.append((c.radial_km, c.in_track_km, c.cross_track_km))
    # seen from the other side the components are those of another frame, not just negated
    assert not np.allclose(np.negative(seen[0]), seen[1], atol=1e-2)
