"""RPO monitor: co-planar geometry (Kosmos 2542/2543), sustained proximity, approach after a
manoeuvre.

References: the ``sgp4`` package (independent SGP4 states, semi-major axis ``a`` and
apsis altitudes) for the geometry figures; public facts for the real GEO pair: MEV-2
docked with Intelsat 10-02 on 2021-04-12 and stays attached (Northrop Grumman press
release "MEV-2 successfully docks to Intelsat 10-02", 2021-04-12), so their published
element sets coincide.  Synthetic histories state how their expected values are derived.
"""

from __future__ import annotations

import gzip
import math
from pathlib import Path

import numpy as np
import pytest
from sgp4.api import WGS72, Satrec
from sgp4.propagation import gstime

from orbitwatch.catalog.model import ElementSet
from orbitwatch.catalog.reader import read_element_sets
from orbitwatch.detection.maneuvers import detect_maneuvers
from orbitwatch.detection.proximity import (
    ProximityConfig,
    coplanar_pairs,
    monitor_rpo,
    pair_range_series,
    time_to_phasing_days,
)
from orbitwatch.errors import InputError

KOSMOS_2542, KOSMOS_2543 = 44797, 44835
DAY_US = 86_400_000_000


@pytest.fixture(scope="module")
def catalog_2019(shared_data: Path) -> list[ElementSet]:
    path = shared_data / "catalog/spacetrack-3le-full-catalog-2019-12-19.tle.gz"
    with gzip.open(path, "rt") as fh:
        return list(read_element_sets(fh, source=path.name))


def _raw_lines(shared_data: Path, norad: int) -> tuple[str, str]:
    path = shared_data / "catalog/spacetrack-3le-full-catalog-2019-12-19.tle.gz"
    with gzip.open(path, "rt") as fh:
        lines = fh.read().splitlines()
    for k, line in enumerate(lines):
        if line.startswith("1 ") and int(line[2:7]) == norad:
            return line, lines[k + 1]
    raise AssertionError(norad)


def _normal_at(sat: Satrec, jd: float, fr: float) -> np.ndarray:
    _, r, v = sat.sgp4(jd, fr)
    h = np.cross(r, v)
    return h / np.linalg.norm(h)


def test_kosmos_2542_2543_coplanar_geometry(shared_data: Path, catalog_2019: list[ElementSet]) -> None:
    """The pair is reported co-planar; plane angle vs the angle between SGP4 ``r x v`` normals
    (orbit-averaged over one revolution of each, tolerance 0.03 deg); semi-major axes and
    apsis altitudes vs sgp4's ``a``, ``alta``, ``altp`` (tolerance 1 m); minimum range vs a
    brute-force 10 s SGP4 scan of the same window (tolerance 0.5 km)."""
    episodes = coplanar_pairs(catalog_2019, norad=[KOSMOS_2542, KOSMOS_2543])
    pair = [e for e in episodes if (e.norad_1, e.norad_2) == (KOSMOS_2542, KOSMOS_2543)]
    assert len(pair) == 1
    ep = pair[0]
    ev = ep.to_dict()["evidence"]
    s1 = Satrec.twoline2rv(*_raw_lines(shared_data, KOSMOS_2542))
    s2 = Satrec.twoline2rv(*_raw_lines(shared_data, KOSMOS_2543))
    us = int(ep.start.astype(np.int64))
    jd0, fr0 = us // DAY_US + 2440587.5, (us % DAY_US) / DAY_US
    period_day = 2 * math.pi / s1.no_kozai / 1440.0
    fr = fr0 + np.linspace(0.0, period_day, 60)
    n1 = np.mean([_normal_at(s1, jd0, f) for f in fr], axis=0)
    n2 = np.mean([_normal_at(s2, jd0, f) for f in fr], axis=0)
    ref_angle = math.degrees(math.acos(float(n1 @ n2 / np.linalg.norm(n1) / np.linalg.norm(n2))))
    assert abs(ev["plane_angle_deg"] - ref_angle) < 0.03
    assert 0.1 < ev["plane_angle_deg"] < 0.5
    re = s1.radiusearthkm
    assert abs(ev["delta_semi_major_axis_km"] - (s2.a - s1.a) * re) < 1e-3
    assert abs(ev["perigee_km"][0] - s1.altp * re) < 1e-3 and abs(ev["apogee_km"][1] - s2.alta * re) < 1e-3
    # Brute-force minimum range over the window the monitor searched.
    span = ev["min_range_search_days"]
    t = np.arange(0.0, span, 10.0 / 86400.0)
    _, r1, _ = s1.sgp4_array(np.full(t.shape, jd0), fr0 + t)
    _, r2, _ = s2.sgp4_array(np.full(t.shape, jd0), fr0 + t)
    ref_min = float(np.min(np.linalg.norm(r1 - r2, axis=1)))
    assert abs(ep.min_range_km - ref_min) < 0.5
    # Every other partner shares the plane within the limit (checked with SGP4 normals).
    for other in episodes:
        assert other.evidence["plane_angle_deg"] <= ProximityConfig().coplanar_angle_deg
        assert KOSMOS_2542 in (other.norad_1, other.norad_2) or KOSMOS_2543 in (other.norad_1, other.norad_2)


def test_time_to_phasing() -> None:
    assert time_to_phasing_days(-30.0, 10.0) == pytest.approx(3.0)
    assert time_to_phasing_days(30.0, 10.0) == pytest.approx(33.0)
    assert time_to_phasing_days(30.0, -10.0) == pytest.approx(3.0)
    assert math.isinf(time_to_phasing_days(30.0, 0.0))


def _geo_set(norad: int, epoch: np.datetime64, n: float, mean_anomaly: float) -> ElementSet:
    return ElementSet(norad_id=norad, epoch=epoch, mean_motion_rev_per_day=n, eccentricity=0.0002,
                      inclination_deg=0.05, raan_deg=80.0, arg_perigee_deg=0.0,
                      mean_anomaly_deg=mean_anomaly % 360.0, name=f"SAT {norad}")


def _satrec(e: ElementSet) -> Satrec:
    us = int(e.epoch.astype(np.int64))
    s = Satrec()
    s.sgp4init(WGS72, "i", e.norad_id, (us / DAY_US + 2440587.5) - 2433281.5, 0.0, 0.0, 0.0, e.eccentricity,
               math.radians(e.arg_perigee_deg), math.radians(e.inclination_deg), math.radians(e.mean_anomaly_deg),
               e.mean_motion_rev_per_day / (1440.0 / (2 * math.pi)), math.radians(e.raan_deg))
    return s


def _mdot_deg_day(n: float) -> float:
    s = Satrec()
    s.sgp4init(WGS72, "i", 1, 27000.0, 0.0, 0.0, 0.0, 0.0002, 0.0, math.radians(0.05), 0.0,
               n / (1440.0 / (2 * math.pi)), math.radians(80.0))
    return math.degrees(s.mdot + s.argpdot + s.nodedot) * 1440.0


def _geo_pair(offset_deg: float, drift_after_deg_day: float, burn_day: float) -> tuple[list[ElementSet], float]:
    """Object 1 station-kept; object 2 trails by ``offset_deg`` until a burn at ``burn_day`` sets a
    relative drift.  Mean anomalies follow each set's own SGP4 secular rate (sgp4 package), so
    consecutive sets are consistent; the truth range is computed independently in the tests."""
    t0 = np.datetime64("2026-07-20T00:00:00", "us")
    n0 = 1.00273791
    rate0 = _mdot_deg_day(n0)
    n_after = n0 + drift_after_deg_day / 360.0
    rate_after = _mdot_deg_day(n_after)
    sets = []
    for k in range(64):
        d = k * 0.25
        t = t0 + np.timedelta64(int(d * DAY_US), "us")
        sets.append(_geo_set(1, t, n0, 10.0 + rate0 * d))
        if d < burn_day:
            sets.append(_geo_set(2, t, n0, 10.0 - offset_deg + rate0 * d))
        else:
            m = 10.0 - offset_deg + rate0 * burn_day + rate_after * (d - burn_day)
            sets.append(_geo_set(2, t, n_after, m))
    return sets, burn_day


def test_sustained_proximity_geo_synthetic() -> None:
    """Two co-located GEO satellites 0.05 deg apart (37 km) for 16 days: one sustained episode,
    min range equal to a direct SGP4 evaluation (tolerance 0.5 km); 1 deg apart: none."""
    sets, _ = _geo_pair(0.05, 0.0, 1e9)
    rep = monitor_rpo(sets, regime="geo")
    sus = [e for e in rep.episodes if e.kind == "sustained-proximity"]
    assert len(sus) == 1 and (sus[0].norad_1, sus[0].norad_2) == (1, 2)
    assert sus[0].evidence["duration_days"] > 15.0
    # Independent: sgp4 records of each object's first set, 600 s steps over the 16 days.
    sats = [_satrec(next(s for s in sets if s.norad_id == k)) for k in (1, 2)]
    us0 = int(sets[0].epoch.astype(np.int64))
    fr = (us0 % DAY_US) / DAY_US + np.arange(0.0, 15.75, 600.0 / 86400.0)
    jd = np.full(fr.shape, us0 // DAY_US + 2440587.5)
    r = [np.asarray(s.sgp4_array(jd, fr)[1]) for s in sats]
    ref_min = float(np.min(np.linalg.norm(r[0] - r[1], axis=1)))
    assert abs(sus[0].min_range_km - ref_min) < 0.5
    assert 30.0 < sus[0].min_range_km < 45.0
    _, rng, dlon = pair_range_series(sets, 1, 2, step_s=600.0)
    assert abs(float(np.min(rng)) - ref_min) < 0.5 and np.all(np.abs(dlon) < 0.1)
    far, _ = _geo_pair(1.0, 0.0, 1e9)
    assert [e for e in monitor_rpo(far, regime="geo").episodes if e.kind != "co-planar"] == []
    assert monitor_rpo(sets, regime="leo").episodes == []


def test_approach_after_maneuver_synthetic() -> None:
    """Object 2 sits 0.6 deg (440 km) behind and burns on day 3 to drift 0.1 deg/day toward
    object 1: the burn is detected and an approach-after-manoeuvre episode follows with the
    manoeuvring object named, closing within the 100 km GEO threshold."""
    sets, burn_day = _geo_pair(0.6, 0.1, 3.0)
    man = detect_maneuvers(sets)
    assert [e.norad_id for e in man.events] == [2]
    assert abs(float((man.events[0].epoch - sets[0].epoch).astype(np.int64)) / DAY_US - burn_day) < 0.3
    rep = monitor_rpo(sets, regime="geo", maneuvers=man)
    app = [e for e in rep.episodes if e.kind == "approach-after-maneuver"]
    assert len(app) == 1
    ep = app[0]
    assert ep.evidence["maneuvering_object"] == 2 and ep.min_range_km < 100.0
    assert ep.evidence["range_at_maneuver_km"] > 400.0 and ep.evidence["closing_slope_km_day"] < 0
    assert ep.components["maneuver"] == 1.0 and 0.0 < ep.score <= 1.0
    d = ep.to_dict()
    assert set(d) == {"norad_1", "norad_2", "kind", "start_utc", "end_utc", "min_range_km", "min_range_utc",
                      "score", "evidence"}


def test_mev2_docked_to_intelsat_10_02(shared_data: Path) -> None:
    """MEV-2 (46113) docked to Intelsat 10-02 (28358): sustained proximity over the whole week of
    the 2026-05 GEO history, range under 1 km."""
    path = shared_data / "history/celestrak-groups-2026-05-24_30/geo-history-2026-05-24_30.tle.gz"
    with gzip.open(path, "rt") as fh:
        sets = [s for s in read_element_sets(fh, source=path.name)
                if 28000 < s.norad_id < 29000 or s.norad_id in (46113,)]
    rep = monitor_rpo(sets, regime="geo", norad=[46113])
    ep = [e for e in rep.episodes if (e.norad_1, e.norad_2) == (28358, 46113)]
    assert len(ep) == 1 and ep[0].kind == "sustained-proximity"
    assert ep[0].min_range_km < 1.0 and ep[0].evidence["duration_days"] > 5.0


def test_bad_regime_and_unknown_object() -> None:
    sets, _ = _geo_pair(0.05, 0.0, 1e9)
    with pytest.raises(InputError) as exc:
        monitor_rpo(sets, regime="heo")
    assert exc.value.code == "INPUT_INVALID"
    with pytest.raises(InputError) as exc2:
        pair_range_series(sets, 1, 99)
    assert exc2.value.code == "INPUT_UNKNOWN_NORAD"


def _geo_band_brute_force(path: Path, lon_lo: float, lon_hi: float) -> tuple[set[int], dict[tuple[int, int], tuple[
        float, float, float]]]:
    """Independent reference: ``sgp4`` only, every 10 min, every pair of GEO objects in a longitude band.

    Objects: mean motion 0.98-1.02 rev/day, e < 0.01, sub-satellite longitude (TEME right
    ascension minus ``sgp4.propagation.gstime``) of the first set in ``[lon_lo, lon_hi]``.
    Each object uses its latest element set at or before each time (none before its first).
    Per pair: ``(longest continuous stay in days, longest stay with gaps < 12 h merged in
    days, fraction of that merged stay within)``; "within" = range < 100 km and right
    ascension difference < 0.5 deg.
    """
    with gzip.open(path, "rt") as fh:
        lines = [ln.rstrip() for ln in fh]
    sets: dict[int, list[Satrec]] = {}
    for k, ln in enumerate(lines[:-1]):
        if ln.startswith("1 ") and lines[k + 1].startswith("2 "):
            s = Satrec.twoline2rv(ln, lines[k + 1])
            sets.setdefault(s.satnum, []).append(s)
    chosen: dict[int, list[Satrec]] = {}
    for nid, ss in sets.items():
        ss.sort(key=lambda s: s.jdsatepoch + s.jdsatepochF)
        s = ss[0]
        if not (0.98 < s.no_kozai * 1440 / (2 * math.pi) < 1.02 and s.ecco < 0.01):
            continue
        _, r, _ = s.sgp4(s.jdsatepoch, s.jdsatepochF)
        lon = (math.degrees(math.atan2(r[1], r[0]) - gstime(s.jdsatepoch + s.jdsatepochF)) + 180.0) % 360.0 - 180.0
        if lon_lo <= lon <= lon_hi:
            chosen[nid] = ss
    epochs = [s.jdsatepoch + s.jdsatepochF for ss in chosen.values() for s in ss]
    times = np.arange(math.floor(min(epochs) * 144) / 144, max(epochs) + 1 / 144, 1 / 144)
    ids = sorted(chosen)
    pos = np.full((len(ids), times.size, 3), np.nan)
    for a, nid in enumerate(ids):
        eps = np.array([s.jdsatepoch + s.jdsatepochF for s in chosen[nid]])
        which = np.searchsorted(eps, times, side="right") - 1
        for k, s in enumerate(chosen[nid]):
            m = which == k
            if m.any():
                e, r, _ = s.sgp4_array(np.floor(times[m]), times[m] - np.floor(times[m]))
                r[e != 0] = np.nan
                pos[a, m] = r
    ra = np.arctan2(pos[..., 1], pos[..., 0])
    out: dict[tuple[int, int], tuple[float, float, float]] = {}
    for a in range(len(ids)):
        rng = np.linalg.norm(pos[a + 1:] - pos[a], axis=2)
        dra = np.degrees(np.angle(np.exp(1j * (ra[a + 1:] - ra[a]))))
        within = (rng < 100.0) & (np.abs(dra) < 0.5)
        for b in np.flatnonzero(within.any(axis=1)):
            idx = np.flatnonzero(within[b])
            stays = []
            for gap in (1, 72):  # consecutive samples; gaps up to 12 h
                cuts = np.flatnonzero(np.diff(idx) > gap)
                starts = np.concatenate([[idx[0]], idx[cuts + 1]])
                ends = np.concatenate([idx[cuts], [idx[-1]]])
                k = int(np.argmax(ends - starts))
                stays.append((float(ends[k] - starts[k]) / 144, float(within[b, starts[k]:ends[k] + 1].mean())))
            out[(ids[a], ids[a + 1 + b])] = (stays[0][0], stays[1][0], stays[1][1])
    return set(chosen), out


def test_geo_sustained_proximity_complete_against_brute_force(shared_data: Path) -> None:
    """Issue 5 acceptance 2 on the 2026-05-24..30 GEO week, 70-115 deg E (a crowded band, ~110 objects).

    Reference: :func:`_geo_band_brute_force` (``sgp4`` every 10 min, all pairs).  Every pair
    continuously within 100 km and 0.5 deg for 1.2 days or more must be reported as
    sustained proximity, and every sustained-proximity episode must be a pair that the
    reference has within for at least 40 % of a stay of 0.8 day or more (gaps < 12 h
    merged).  Margins of 0.2 day and the 40 % cover the different 10-min sample phases.

    Brief daily passes too (issue 5 acceptance 2, "every pair within 0.5 deg and 100 km for more
    than a day"): every pair that the reference has within on a merged stay (gaps < 12 h) of
    one day or more must be *reported*, i.e. have a ``sustained-proximity`` or
    ``repeated-approach`` episode (both last >= ``min_duration_s`` = 1 day by construction),
    zero misses; and every such episode must be a pair the reference has within on a merged
    stay of 0.8 day or more.  Both sample on whole 10-min steps since 1970 (the reference's
    grid starts on a whole 1/144 day of JD), so a pass seen by one is seen by the other.
    Before the GEO candidates were made complete (3-h mean-element samples within 350 km and
    at least 4 sampled hits) 5 of these pairs were missed, e.g. 42662/45807 and 45807/63075.
    """
    path = shared_data / "history/celestrak-groups-2026-05-24_30/geo-history-2026-05-24_30.tle.gz"
    chosen, ref = _geo_band_brute_force(path, 70.0, 115.0)
    assert len(chosen) > 80
    with gzip.open(path, "rt") as fh:
        hist = [s for s in read_element_sets(fh, source=path.name) if s.norad_id in chosen]
    rep = monitor_rpo(hist, regime="geo")
    sustained = {(e.norad_1, e.norad_2) for e in rep.episodes if e.kind == "sustained-proximity"}
    must = {p for p, (cont, _, _) in ref.items() if cont >= 1.2}
    assert len(must) >= 20
    assert sorted(must - sustained) == []
    spurious = [p for p in sustained if not (ref.get(p, (0, 0, 0))[1] >= 0.8 and ref[p][2] >= 0.4)]
    assert spurious == []
    reported = {(e.norad_1, e.norad_2) for e in rep.episodes if e.kind in ("sustained-proximity",
                                                                          "repeated-approach")}
    daily = {p for p, (_, merged, _) in ref.items() if merged >= 1.0}
    assert len(daily - must) >= 20  # brief-pass pairs, not only the continuous ones
    assert sorted(daily - reported) == []
    assert sorted(p for p in reported if ref.get(p, (0, 0, 0))[1] < 0.8) == []


def test_episodes_do_not_depend_on_the_other_objects(shared_data: Path) -> None:
    """A pair's episodes are the same whether the history holds the whole GEO week or only a
    band of it (the coarse grid once started at the earliest epoch of the input, so adding
    objects shifted every pair's samples: 8 episodes for these objects from the whole file,
    5 from the band).  Subset: 70-115 deg E, as in the brute-force test above."""
    path = shared_data / "history/celestrak-groups-2026-05-24_30/geo-history-2026-05-24_30.tle.gz"
    chosen, _ = _geo_band_brute_force(path, 70.0, 115.0)
    with gzip.open(path, "rt") as fh:
        full = list(read_element_sets(fh, source=path.name))
    band = [s for s in full if s.norad_id in chosen]
    assert len({s.norad_id for s in band}) < len({s.norad_id for s in full}) / 3

    def key(history: list[ElementSet]) -> list[tuple[object, ...]]:
        rep = monitor_rpo(history, regime="geo", norad=[41586, 45344, 41725, 38779])
        return sorted((e.norad_1, e.norad_2, e.kind, str(e.start), str(e.end), round(e.min_range_km, 6))
                      for e in rep.episodes)

    whole = key(full)
    assert len(whole) >= 5
    assert whole == key(band)
