"""RPO pairs: classification before truncation, releases, owners, one record per pair, and the
uncertainty of every minimum range (issue 11, acceptance 3 and 5).

Public facts used as reference:

* Kosmos 2542 (2019-079A, NORAD 44797), launched 2019-11-25 from Plesetsk, released a
  sub-satellite, Kosmos 2543 (44835), on 2019-12-06 (Wikipedia "Kosmos 2542"; US Space
  Command, statement of Gen. J. Raymond on the two "inspector" satellites, 2020-02-10).
* MEV-2 (46113) docked with Intelsat 10-02 (28358) on 2021-04-12 and stays attached
  (Northrop Grumman press release, 2021-04-12).
* Owners: the staged Space-Track SATCAT (COUNTRY column), read here with the csv module.
Expected values come from the raw files (designators, NORAD ids, SATCAT rows) and the
``sgp4`` package, not from the code under test.
"""

from __future__ import annotations

import csv
import gzip
import math
from pathlib import Path

import numpy as np
import pytest
from sgp4.api import WGS72, Satrec, jday

from orbitwatch.catalog.model import ElementSet
from orbitwatch.catalog.reader import read_element_sets
from orbitwatch.catalog.satcat import iter_satcat
from orbitwatch.detection.fragmentation import ObjectFacts
from orbitwatch.detection.proximity import ProximityConfig, RPOReport, monitor_rpo
from orbitwatch.detection.rpo_pairs import name_family

CATALOG_2019 = "catalog/spacetrack-3le-full-catalog-2019-12-19.tle.gz"
GEO_OMM = "history/celestrak-active-omm-2026-07-19_08-22/active-omm-geo-history.csv.gz"
SATCAT = "satcat/spacetrack-satcat-2026-01-19.csv.gz"


def _facts(shared_data: Path, ids: set[int]) -> dict[int, ObjectFacts]:
    with gzip.open(shared_data / SATCAT, "rt", encoding="utf-8") as fh:
        return {r.norad_id: ObjectFacts.from_satcat(r) for r in iter_satcat(fh, lenient=True) if r.norad_id in ids}


def _countries(shared_data: Path) -> dict[int, str]:
    """NORAD id -> SATCAT COUNTRY, with the csv module (independent of orbitwatch's reader)."""
    with gzip.open(shared_data / SATCAT, "rt", encoding="utf-8", newline="") as fh:
        return {int(r["NORAD_CAT_ID"]): r["COUNTRY"] for r in csv.DictReader(fh) if r["COUNTRY"]}


def _raw_designators(shared_data: Path) -> dict[int, str]:
    """NORAD id -> international designator columns (10-17) of line 1, from the raw 3LE file."""
    with gzip.open(shared_data / CATALOG_2019, "rt") as fh:
        return {int(ln[2:7]): ln[9:17].strip() for ln in fh if ln.startswith("1 ")}


@pytest.fixture(scope="module")
def leo_2019(shared_data: Path) -> RPOReport:
    with gzip.open(shared_data / CATALOG_2019, "rt") as fh:
        sets = list(read_element_sets(fh, source=CATALOG_2019))
    facts = _facts(shared_data, {s.norad_id for s in sets})
    return monitor_rpo(sets, regime="leo", satcat=facts, config=ProximityConfig(max_coplanar=20))


def test_blind_leo_catalog_reports_kosmos_2543_as_a_release(leo_2019: RPOReport, shared_data: Path) -> None:
    """Acceptance 3 (LEO): the blind run of the whole 2019-12-19 catalogue (no --norad) keeps
    44797/44835 although Starlink, Flock and the ISS visitors score higher overall: it is a
    ``same_launch`` pair with a ``release`` of 44835, and the release interval holds the public
    release date 2019-12-06, starts no earlier than the launch (SATCAT 2019-11-25) and ends no
    later than the catalogue epoch.  Independent: both designators are of launch 19079 in the raw
    lines, and some object of a later launch has a NORAD id between the two (44835 was
    catalogued after the launch, not with it)."""
    rows = [p for p in leo_2019.pairs if (p.norad_1, p.norad_2) == (44797, 44835)]
    assert len(rows) == 1
    pair = rows[0]
    des = _raw_designators(shared_data)
    assert des[44797][:5] == des[44835][:5] == "19079"
    between = [d for n, d in des.items() if 44797 < n < 44835 and d[:5] > "19079" and d[:2] == "19"]
    assert between
    assert pair.classification == "same_launch"
    rel = pair.release
    assert rel is not None and rel["released_norad"] == 44835 and rel["carrier_norad"] == 44797
    lo, hi = (np.datetime64(rel["interval_utc"][k].rstrip("Z"), "s") for k in ("start", "end"))
    assert lo <= np.datetime64("2019-12-06T00:00:00", "s") and np.datetime64("2019-12-07T00:00:00", "s") <= hi
    assert lo >= np.datetime64("2019-11-25T00:00:00", "s") and hi <= np.datetime64("2019-12-20T00:00:00", "s")
    assert rel["release_epoch_utc"] is not None
    d = pair.to_dict()
    assert d["owner_1"] == d["owner_2"] == "CIS"
    assert d["min_range_uncertainty_km"] is not None and d["min_range_uncertainty_km"] > 0


def test_every_pair_once_and_every_minimum_range_has_an_uncertainty(leo_2019: RPOReport) -> None:
    """Acceptance 5 (first half): each pair is one record; every episode with a minimum range
    carries a finite positive one-sigma uncertainty; every class was ranked and kept."""
    keys = [(p.norad_1, p.norad_2) for p in leo_2019.pairs]
    assert len(keys) == len(set(keys))
    for p in leo_2019.pairs:
        for e in p.episodes:
            if math.isfinite(e.min_range_km):
                assert math.isfinite(e.min_range_sigma_km) and e.min_range_sigma_km > 0
                assert e.to_dict()["evidence"]["min_range_uncertainty_km"] is not None
    assert leo_2019.pairs_per_class["same_launch"] > 0 and leo_2019.pairs_per_class["other"] > 0


@pytest.fixture(scope="module")
def geo_history(shared_data: Path) -> list[ElementSet]:
    with gzip.open(shared_data / GEO_OMM, "rt", encoding="utf-8") as fh:
        return list(read_element_sets(fh, source=GEO_OMM))


@pytest.fixture(scope="module")
def geo_report(geo_history: list[ElementSet], shared_data: Path) -> RPOReport:
    facts = _facts(shared_data, {s.norad_id for s in geo_history})
    return monitor_rpo(geo_history, regime="geo", satcat=facts)


def test_geo_history_separates_same_owner_colocation(geo_report: RPOReport, shared_data: Path) -> None:
    """Acceptance 3 (GEO): over the five-week GEO OMM history every pair appears once; a pair is
    ``same_owner_colocation`` exactly when the SATCAT COUNTRY of both is the same (and it is not
    docked or of one launch); MEV-2 / Intelsat 10-02 is ``docked``; Luch-5X (Olymp-K 2) beside
    Intelsat 39 (CIS vs ITSO) stays in ``other``.  Same-owner pairs are a large share (the issue
    measured 35-45 % of episodes)."""
    rep = geo_report
    country = _countries(shared_data)
    keys = [(p.norad_1, p.norad_2) for p in rep.pairs]
    assert len(keys) == len(set(keys)) == len({(e.norad_1, e.norad_2) for e in rep.episodes})
    cls = {(p.norad_1, p.norad_2): p.classification for p in rep.pairs}
    for (a, b), c in cls.items():
        same = a in country and country.get(a) == country.get(b)
        if c == "same_owner_colocation":
            assert same, (a, b)
        elif c == "other":
            assert not same, (a, b)
    assert cls[(28358, 46113)] == "docked"
    assert cls[(44476, 55841)] == "other"
    share = sum(c == "same_owner_colocation" for c in cls.values()) / len(cls)
    assert share > 0.3


def _satrec(s: ElementSet) -> Satrec:
    """The element set in the ``sgp4`` package directly (sgp4init, WGS-72, improved mode)."""
    sr = Satrec()
    t = s.epoch.astype("datetime64[us]").astype(object)
    jd, fr = jday(t.year, t.month, t.day, t.hour, t.minute, t.second + t.microsecond / 1e6)
    sr.sgp4init(WGS72, "i", s.norad_id, jd + fr - 2433281.5, s.bstar_per_earth_radius, 0.0, 0.0, s.eccentricity,
                math.radians(s.arg_perigee_deg), math.radians(s.inclination_deg), math.radians(s.mean_anomaly_deg),
                s.mean_motion_rev_per_day * 2 * math.pi / 1440, math.radians(s.raan_deg))
    return sr


def test_geo_range_uncertainty_covers_the_next_element_sets(geo_report: RPOReport,
                                                            geo_history: list[ElementSet]) -> None:
    """Acceptance 5 (second half): the one-sigma range uncertainty is honest.  Independent
    check with the ``sgp4`` package: at each pair's time of minimum range, the range from the
    element sets in force and the range from the next sets of both objects (the first with a
    later epoch, i.e. what the catalogue said next) differ by less than 3 sigma for at least 90 %
    of the pairs, no sigma is zero, and the median sigma is within the GEO set-to-set
    disagreement of the issue (15-145 km).  Measured on 180 pairs: 94 % within 3 sigma, 83 %
    within 1 sigma; median sigma 15.7 km where the next sets moved the range by a median
    2.7 km (90th percentiles 111 and 45 km)."""
    by_obj: dict[int, list[ElementSet]] = {}
    for s in geo_history:
        by_obj.setdefault(s.norad_id, []).append(s)
    for v in by_obj.values():
        v.sort(key=lambda s: s.epoch)
    covered = total = 0
    sigmas: list[float] = []
    for p in geo_report.pairs:
        ep = min(p.episodes, key=lambda e: e.min_range_km)
        t = ep.min_range_time
        assert 0.0 < ep.min_range_sigma_km < math.inf, (p.norad_1, p.norad_2)
        sigmas.append(ep.min_range_sigma_km)
        sets = [by_obj[p.norad_1], by_obj[p.norad_2]]
        now = [max((s for s in ss if s.epoch <= t), key=lambda s: s.epoch, default=ss[0]) for ss in sets]
        nxt = [next((s for s in ss if s.epoch > t), None) for ss in sets]
        if nxt[0] is None or nxt[1] is None:
            continue
        tt = t.astype("datetime64[us]").astype(object)
        jd, fr = jday(tt.year, tt.month, tt.day, tt.hour, tt.minute, tt.second + tt.microsecond / 1e6)

        total += 1
        covered += abs(_range(nxt, jd, fr) - _range(now, jd, fr)) < 3.0 * ep.min_range_sigma_km  # type: ignore[arg-type]
    assert total >= 50
    assert covered / total >= 0.9, (covered, total)
    # Not a shrug either: the typical sigma is within the set-to-set disagreement the issue measured.
    assert float(np.median(sigmas)) < 145.0, np.percentile(sigmas, [10, 50, 90])


def _range(pair: list[ElementSet], jd: float, fr: float) -> float:
    r = [np.array(_satrec(s).sgp4(jd, fr)[1]) for s in pair]
    return float(np.linalg.norm(r[1] - r[0]))


def test_name_family() -> None:
    """Serial numbers are stripped, the programme name stays (the rule written in rpo_pairs)."""
    assert name_family("STARLINK-1007") == "STARLINK"
    assert name_family("IRIDIUM 106") == "IRIDIUM"
    assert name_family("INTELSAT 10-02") == "INTELSAT"
    assert name_family("") is None
