"""Fragmentation detection and breakup reconstruction on real debris clouds.

Public record used as reference (cited per test):

* COSMOS 1408 (1982-092A, NORAD 13552) destroyed by a Russian direct-ascent ASAT on
  2021-11-15, missile launched "between 0200 and 0500 UTC" (sat-nd.com, 15 Nov 2021,
  http://sat-nd.com/archive/display.php?id=2021111500); intercept "at an altitude
  between 465 and 490 km" (Russian statement quoted by youm7.com, 2022-06-17); orbit
  465 x 490 km, 82.6 deg (Wikipedia "Kosmos 1408" infobox).  The intercept minute, about
  02:47 UTC, is the figure of the issue (trackers' reports); the sources retrievable here
  confirm only the 02:00-05:00 window, so both are asserted.
* Fengyun 1C destroyed 2007-01-11; Iridium 33 / Cosmos 2251 collided 2009-02-10 16:56
  UTC at 789 km; Microsat-R destroyed 2019-03-27 (NASA ODPO, Orbital Debris Quarterly
  News 11(2) 2007, 13(2) 2009, 23(2) 2019).
"""

from __future__ import annotations

import gzip
import math
from pathlib import Path

import numpy as np
import pytest
from skyfield.api import EarthSatellite, load, wgs84

from orbitwatch.catalog.model import ElementSet, ElementTable
from orbitwatch.catalog.reader import read_element_sets
from orbitwatch.detection import breakup_model as bm
from orbitwatch.detection import fragmentation as fr
from orbitwatch.detection.gabbard import gabbard_points
from orbitwatch.errors import InputError
from orbitwatch.sources.files import read_catalog_files
from orbitwatch.times import jd_utc, parse_utc, seconds_between

FRAG = "fragmentation"


def _sets(path: Path) -> list[ElementSet]:
    with path.open() as fh:
        return list(read_element_sets(fh, source=str(path)))


@pytest.fixture(scope="module")
def early(shared_data: Path) -> ElementTable:
    """The 103 early fragments (2-15 days after), without COSMOS 1408 and its 1982 R/B."""
    sets = _sets(shared_data / FRAG / "cosmos-1408-debris-early-2021-11-30.tle")
    return ElementTable.from_element_sets(s for s in sets if s.norad_id not in (13552, 13553))


@pytest.fixture(scope="module")
def parent_pre(shared_data: Path) -> ElementSet:
    sets = [s for s in _sets(shared_data / FRAG / "parent-objects-pre-event.tle") if s.norad_id == 13552]
    return max(sets, key=lambda s: s.epoch)  # 2021-11-15 00:55 UTC


@pytest.fixture(scope="module")
def rec_1408(early: ElementTable, parent_pre: ElementSet) -> fr.EventReconstruction:
    return fr.reconstruct_event(early, parent_pre)


def _gc_km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    p1, p2, dl = math.radians(lat1), math.radians(lat2), math.radians(lon2 - lon1)
    c = math.sin(p1) * math.sin(p2) + math.cos(p1) * math.cos(p2) * math.cos(dl)
    return 6371.0 * math.acos(max(-1.0, min(1.0, c)))


def test_cosmos_1408_event_epoch_place_altitude(rec_1408: fr.EventReconstruction, shared_data: Path) -> None:
    """Acceptance 1.  Reference epoch 02:47 UTC (public record, given to the minute).

    Tolerances: epoch 90 s (the minute of the public time, 60 s, plus twice our own
    ~15 s uncertainty); place: the parent's sub-point at the reference minute computed
    independently with Skyfield from the same pre-event TLE, within 90 s x 7.6 km/s =
    700 km; altitude in the 465..490 km orbit band (+-10 km) and within 3 km of
    Skyfield's altitude of the parent at our epoch (frames consistency).
    """
    rec = rec_1408
    ref = parse_utc("2021-11-15T02:47:30Z")  # middle of the reported minute
    assert abs(seconds_between(ref, rec.event_epoch)) <= 90.0
    assert parse_utc("2021-11-15T02:00:00Z") < rec.event_epoch < parse_utc("2021-11-15T05:00:00Z")
    assert 1.0 <= rec.epoch_uncertainty_s <= 60.0
    lines = (shared_data / FRAG / "parent-objects-pre-event.tle").read_text().splitlines()
    ts = load.timescale(builtin=True)
    sat = EarthSatellite(lines[-2], lines[-1], "COSMOS 1408", ts)
    sp = wgs84.subpoint_of(sat.at(ts.utc(2021, 11, 15, 2, 47, 30)))
    assert _gc_km(rec.latitude_deg, rec.longitude_deg, sp.latitude.degrees, sp.longitude.degrees) < 700.0
    assert 455.0 <= rec.altitude_km <= 500.0
    t = rec.event_epoch.astype(object)
    at = sat.at(ts.utc(t.year, t.month, t.day, t.hour, t.minute, t.second + t.microsecond / 1e6))
    assert abs(wgs84.height_of(at).km - rec.altitude_km) < 3.0
    assert _gc_km(rec.latitude_deg, rec.longitude_deg, wgs84.subpoint_of(at).latitude.degrees,
                  wgs84.subpoint_of(at).longitude.degrees) < 5.0
    assert rec.fragments == 103


def test_cosmos_1408_without_parent_agrees(rec_1408: fr.EventReconstruction, early: ElementTable) -> None:
    """The same cloud without the parent (medoid reference) lands within 60 s and 50 km."""
    alone = fr.reconstruct_event(early, None, window_start="2021-11-14T00:00:00Z")
    assert abs(seconds_between(rec_1408.event_epoch, alone.event_epoch)) < 60.0
    assert abs(alone.altitude_km - rec_1408.altitude_km) < 10.0
    assert _gc_km(alone.latitude_deg, alone.longitude_deg, rec_1408.latitude_deg, rec_1408.longitude_deg) < 50.0


def test_delta_v_matches_period_changes(rec_1408: fr.EventReconstruction, early: ElementTable,
                                        parent_pre: ElementSet) -> None:
    """Independent check of the along-track delta-v from the mean motions alone (Gauss,
    near-circular): dn / n = -3 dv_t / v, so dv_t = -v dn / (3 n).  Agreement within
    20 m/s median (the along-track kick is only part of the period change for pieces
    that were also kicked radially), correlation > 0.9."""
    ok = np.isfinite(rec_1408.delta_v_m_s)
    assert ok.mean() > 0.9
    n0 = parent_pre.mean_motion_rev_per_day
    v = 7.62  # km/s circular speed at 480 km
    dvt_ref = -v * 1000.0 * (early.mean_motion_rev_per_day - n0) / (3 * n0)
    dvt = rec_1408.delta_v_ric_m_s[:, 1]
    assert np.corrcoef(dvt[ok], dvt_ref[ok])[0, 1] > 0.9
    assert np.median(np.abs(dvt[ok] - dvt_ref[ok])) < 20.0
    s = rec_1408.delta_v_stats()
    assert s["median"] <= s["p90"] <= s["max"]


@pytest.fixture(scope="module")
def full_catalogs(shared_data: Path) -> tuple[ElementTable, ElementTable]:
    d = shared_data / "catalog"
    before, _ = read_catalog_files([d / "spacetrack-3le-full-catalog-2019-12-19.tle.gz"], lenient=True)
    after, _ = read_catalog_files([d / "spacetrack-3le-full-catalog-2022-01-22.tle.gz"], lenient=True)
    return before, after


def _plain_count(shared_data: Path) -> int:
    """COSMOS 1408 DEB pieces of launch 82092 in the 2022 file and not in the 2019 file,
    counted with plain Python on the raw 3LE lines."""
    def scan(name: str) -> list[tuple[str, str]]:
        with gzip.open(shared_data / "catalog" / name, "rt") as fh:
            lines = [ln.rstrip("\r\n") for ln in fh]
        out = []
        for i, ln in enumerate(lines):
            if ln.startswith("1 ") and i > 0:
                out.append((lines[i - 1], ln))
        return out

    old = {l1[2:7] for _, l1 in scan("spacetrack-3le-full-catalog-2019-12-19.tle.gz")}
    return sum(
        1
        for name, l1 in scan("spacetrack-3le-full-catalog-2022-01-22.tle.gz")
        if "COSMOS 1408 DEB" in name and l1[9:14] == "82092" and l1[2:7] not in old
    )


def test_detects_cosmos_1408_cloud(full_catalogs: tuple[ElementTable, ElementTable], shared_data: Path) -> None:
    """Acceptance 3: the largest new cloud 2019-12 -> 2022-01 is 1982-092, parent 13552."""
    before, after = full_catalogs
    events = fr.detect_fragmentations(before, after)
    top = events[0]
    assert top.launch == "1982-092"
    assert top.parent_norad == 13552
    # 1214 by the plain count (MANIFEST says 1,215 names: one COSMOS 1408 DEB, 49619,
    # carries the designator 2020-082A in this file and is not of this launch).
    assert top.pieces == _plain_count(shared_data) == 1214
    assert top.summary.inclination_deg_median == pytest.approx(82.57, abs=0.1)
    # New launches (names without DEB) are not reported as breakups, but as new launches.
    assert "2022-002" not in {e.launch for e in events if e.kind == "fragmentation"}
    assert "2022-002" in {e.launch for e in events if e.kind == "new_launch"}
    assert top.kind == "fragmentation" and top.attribution == "debris_name"


def test_gabbard_points_independent(early: ElementTable) -> None:
    """Period 1440/n and two-body a(1 +- e) - R (a from Kepler's third law) within 15 km
    (the Brouwer mean a of SGP4 differs from the Kozai one by < 10 km in LEO)."""
    g = gabbard_points(early)
    n_rad_s = early.mean_motion_rev_per_day * 2 * math.pi / 86400.0
    a = (398600.8 / n_rad_s**2) ** (1 / 3)
    assert np.allclose(g.period_min, 1440.0 / early.mean_motion_rev_per_day)
    assert np.max(np.abs(g.apogee_km - (a * (1 + early.eccentricity) - 6378.135))) < 15.0
    assert np.max(np.abs(g.perigee_km - (a * (1 - early.eccentricity) - 6378.135))) < 15.0


def test_decay_estimate_against_later_catalog(shared_data: Path) -> None:
    """King-Hele lifetime from the 2022-01-22 cloud vs the 2022-07-15 catalogue (174 days
    later): predicted-gone vs actually-gone must agree for > 80% of pieces (measured 86%);
    the trivial guesses 'none decay' / 'all decay' score 41% / 59%."""
    cloud, _ = read_catalog_files([shared_data / FRAG / "cosmos-1408-debris-2022-01-22.tle.gz"])
    later, _ = read_catalog_files([shared_data / "catalog" / "spacetrack-3le-full-catalog-2022-07-15.tle.gz"],
                                  lenient=True)
    life = fr.decay_lifetime_days(cloud)
    gone = ~np.isin(cloud.norad_id, later.norad_id)
    ok = np.isfinite(life)
    assert ok.mean() > 0.95
    assert np.mean((life[ok] < 174.0) == gone[ok]) > 0.8


@pytest.mark.parametrize(
    ("file", "designator", "event", "tol_days"),
    [
        # Nodal re-alignment over 12.9 years: measured 2007-07-01 (171 days late).
        ("fengyun-1c-debris-2019-12-19.tle.gz", "1999-025", "2007-01-11T22:26:00Z", 365),
        # Cosmos 2251 debris over 10.9 years: measured 2009-12-05 (298 days late).
        ("iridium-33-cosmos-2251-debris-2019-12-19.tle.gz", "1993-036", "2009-02-10T16:56:00Z", 365),
        # Microsat-R, 9 months: measured 2019-05-12 (46 days late).
        ("microsat-r-debris-2019-12-19.tle", "2019-006", "2019-03-27T05:42:00Z", 90),
        # COSMOS 1408 after 2 months: measured 2021-11-24 (9 days late).
        ("cosmos-1408-debris-2022-01-22.tle.gz", "1982-092", "2021-11-15T02:47:00Z", 20),
    ],
)
def test_old_clouds_epoch_from_nodal_drift(
    shared_data: Path, file: str, designator: str, event: str, tol_days: float
) -> None:
    """Acceptance 2: years later only the nodal precession still dates the event, roughly."""
    table, _ = read_catalog_files([shared_data / FRAG / file], lenient=True)
    cloud = fr.select_launch(table, designator)
    cloud = cloud.take(np.array(["DEB" in (n or "") for n in cloud.names]))
    est = fr.nodal_drift_epoch(cloud)
    assert abs(seconds_between(parse_utc(event), est.event_epoch)) / 86400.0 < tol_days
    assert est.alignment > est.alignment_now


def test_old_collision_recovers_plane_and_altitude(shared_data: Path) -> None:
    """Iridium 33 / Cosmos 2251 ten years on: the cloud's inclination still equals the
    parent's (86.40 / 74.04 deg in the pre-event TLEs) within 0.1 deg, and the parent's
    altitude band contains 789 km (the collision altitude, ODQN 13(2))."""
    table, _ = read_catalog_files([shared_data / FRAG / "iridium-33-cosmos-2251-debris-2019-12-19.tle.gz"])
    pre = {s.norad_id: s for s in _sets(shared_data / FRAG / "parent-objects-pre-event.tle")}
    for designator, norad in (("1997-051", 24946), ("1993-036", 22675)):
        cloud = fr.select_launch(table, designator)
        s = fr.cloud_summary(cloud.take(np.array(["DEB" in (n or "") for n in cloud.names])))
        assert s.inclination_deg_median == pytest.approx(pre[norad].inclination_deg, abs=0.1)
        g = gabbard_points(ElementTable.from_element_sets([pre[norad]]))
        assert g.perigee_km[0] - 15 < 789.0 < g.apogee_km[0] + 15


def test_simulated_cosmos_1408_resembles_real_cloud(parent_pre: ElementSet, early: ElementTable) -> None:
    """Acceptance 4: NASA SBM collision of 1750 kg (Kosmos 1408 launch mass, Wikipedia)
    vs the real cloud two weeks later: the Gabbard 'X' has the same centre and band
    (median period within 1 min, median perigee within 30 km, median apogee within
    80 km, inclination 10-90% range within a factor 2)."""
    sim = bm.simulate_breakup(parent_pre, "2021-11-15T02:47:00Z", 1750.0, "collision", seed=0).elements
    gs, gr = gabbard_points(sim), gabbard_points(early)
    assert abs(np.median(gs.period_min) - np.median(gr.period_min)) < 1.0
    assert abs(np.median(gs.perigee_km) - np.median(gr.perigee_km)) < 30.0
    assert abs(np.median(gs.apogee_km) - np.median(gr.apogee_km)) < 80.0
    ws = np.subtract(*np.percentile(sim.inclination_deg, [90, 10]))
    wr = np.subtract(*np.percentile(early.inclination_deg, [90, 10]))
    assert 0.5 < ws / wr < 2.0


def test_errors_are_coded(early: ElementTable) -> None:
    with pytest.raises(InputError) as e:
        fr.reconstruct_event(early.take(np.array([0])))
    assert e.value.code == "INPUT_EMPTY"
    with pytest.raises(InputError) as e:
        fr.reconstruct_event(early, window_start="2021-12-30T00:00:00Z", window_end="2021-12-01T00:00:00Z")
    assert e.value.code == "INPUT_WINDOW"
    with pytest.raises(InputError):
        fr.select_launch(early, "not a designator")


def test_old_collision_place_in_orbit_but_not_epoch(shared_data: Path) -> None:
    """Acceptance 2, Cosmos 2251 debris ten years on with the parent's pre-event TLE:
    the crossing point is still found at the public 789 km (+-15 km) over the Taymyr
    Peninsula (latitude 70..78 N), but the revolution is not: the result is flagged
    ambiguous (the epoch lands on another orbit than 2009-02-10 16:56 UTC)."""
    table, _ = read_catalog_files([shared_data / FRAG / "iridium-33-cosmos-2251-debris-2019-12-19.tle.gz"])
    cloud = fr.select_launch(table, "1993-036")
    cloud = cloud.take(np.array(["DEB" in (n or "") for n in cloud.names]))
    pre = [s for s in _sets(shared_data / FRAG / "parent-objects-pre-event.tle") if s.norad_id == 22675][-1]
    rec = fr.reconstruct_event(cloud, pre, window_end="2009-02-12T00:00:00Z", max_fine_fragments=200)
    assert abs(rec.altitude_km - 789.0) < 15.0
    assert 70.0 < rec.latitude_deg < 78.0
    assert rec.revolution_ambiguous
    # ... and the verdict says the epoch is not established (issue 11): 10.9-year-old sets.
    assert rec.verdict == "failed" and rec.to_dict()["event_epoch_utc"] is None


def test_early_cloud_revolution_is_clear(rec_1408: fr.EventReconstruction) -> None:
    assert not rec_1408.revolution_ambiguous
    assert rec_1408.revolution_margin > 2.0


def _brute_force_minima(table: ElementTable, primary: int, start: str, hours: float, step_s: float = 10.0
                        ) -> dict[int, float]:
    """Independent reference: the sgp4 package directly, states every ``step_s``; at each
    sign change of the range rate, the straight-line closest approach from the relative
    state (error ~ a dt^2 / 8, metres).  Returns {norad: smallest miss km}."""
    from sgp4.api import SatrecArray

    from orbitwatch.propagation import satrecs

    t0 = parse_utc(start)
    n = int(hours * 3600 / step_s) + 1
    jd0, fr0 = (float(x) for x in jd_utc(t0))
    fr = fr0 + np.arange(n) * step_s / 86400.0
    jd = np.full(n, jd0)
    i = int(np.flatnonzero(table.norad_id == primary)[0])
    e, r, v = SatrecArray(satrecs(table)).sgp4(jd, fr)
    dr, dv = r - r[i][None], v - v[i][None]
    rr = np.sum(dr * dv, axis=-1)
    out: dict[int, float] = {}
    for k, j in zip(*np.nonzero((rr[:, :-1] < 0) & (rr[:, 1:] >= 0)), strict=True):
        if k == i or e[k, j] or e[k, j + 1]:
            continue
        vv = dv[k, j] / np.linalg.norm(dv[k, j])
        miss = float(np.linalg.norm(dr[k, j] - np.dot(dr[k, j], vv) * vv))
        nid = int(table.norad_id[k])
        out[nid] = min(out.get(nid, math.inf), miss)
    return out


def test_cloud_risk_counts_match_brute_force(full_catalogs: tuple[ElementTable, ElementTable]) -> None:
    """The ISS's approaches within 50 km of COSMOS 1408 pieces over 6 hours of
    2022-01-22 (2022-01-22 catalogue) are exactly those of an independent brute-force
    SGP4 search (pieces within 0.3 km of the threshold are not compared); 5 pieces."""
    _, after = full_catalogs
    cloud = fr.select_launch(after, "1982-092")
    table = after.take(np.isin(after.norad_id, np.concatenate([cloud.norad_id, [25544]])))
    risk = fr.cloud_conjunction_rates(table, cloud.norad_id, [25544], "2022-01-22T18:00:00Z",
                                      "2022-01-23T00:00:00Z", 50.0)
    got = {c.norad_2 if c.norad_1 == 25544 else c.norad_1 for c in risk.cloud_conjunctions}
    ref = _brute_force_minima(table, 25544, "2022-01-22T18:00:00Z", 6.0)
    want = {k for k, m in ref.items() if m < 49.7}
    maybe = {k for k, m in ref.items() if 49.7 <= m <= 50.3}
    assert len(want) >= 5
    assert want <= got <= want | maybe
    a = risk.assets[0]
    assert (a.norad, a.cloud_conjunctions, a.background_conjunctions) == (25544, len(risk.cloud_conjunctions), 0)
    assert a.increase_factor == math.inf
    assert a.to_dict()["cloud_per_day"] == pytest.approx(4 * len(risk.cloud_conjunctions))
