"""Rendezvous and proximity operations (RPO) from element-set histories, nation-neutral.

Three kinds of episode, each with its evidence and a concern score with components:

* ``co-planar`` — co-orbital shadowing: two objects whose orbit planes are within
  ``coplanar_angle_deg`` of each other (angle between the orbit normals, the RAAN of each
  carried to a common epoch with its J2 drift) and whose altitude bands
  ``[perigee, apogee]`` overlap within ``coplanar_altitude_km``.  Reported with the
  relative inclination and RAAN, plane angle, semi-major-axis difference, phase angle in
  the (common) plane and its drift, the time to the next phasing (close approach), the
  rate at which the planes drift apart, and the minimum SGP4 range over the next
  approach.  GEO pairs are excluded (the whole belt is one plane; GEO uses longitude).
* ``sustained-proximity`` — the SGP4 range stays under a threshold (LEO 50 km; MEO/HEO
  100 km; GEO 100 km *and* 0.5 deg of longitude; configurable) for at least
  ``min_duration_s`` (gaps shorter than ``merge_gap_s`` do not break an episode, so
  repeated approaches inside one orbit or a few hours count as one stay); when the pair
  is within the threshold for less than ``sustained_fraction`` of the episode (brief
  daily passes, e.g. an inclined neighbour) the episode is a ``repeated-approach``.
* ``approach-after-maneuver`` — after a detected manoeuvre of either object the daily
  minimum range falls (negative least-squares slope up to the closest day) to under
  ``approach_ratio`` of its value at the manoeuvre and under the proximity threshold
  within ``approach_window_days``, and the burn caused it: the closing slope over the
  same window before the burn was less than half as steep (a drifting object passing a
  station-kept one that happens to burn is not attributed to that burn).

Scaling: pairs are never formed for the whole catalog.  Co-planar candidates come from a
k-d tree on orbit normals (``scipy.spatial.cKDTree``); proximity candidates from k-d trees
of secular mean-element positions (:func:`orbitwatch.detection.elements.mean_position_km`)
on a coarse time grid with a generous radius, kept (outside GEO) only when their planes are
within ``prefilter_plane_deg`` and their semi-major axes within the radius (crossing orbits
meet everywhere in LEO but cannot stay close) and close at enough coarse instants.  GEO pairs
are complete instead: from SGP4 states at 1-hour sub-samples, a pair is a candidate whenever
a rigorous bound (straight-line closest approach over the half-hour either side, minus a
Gronwall bound on the gravity-gradient curvature and a perturbation pad) lets it be within
the threshold, with no minimum number of hits, so brief daily passes of an inclined
neighbour are found.  Only candidate pairs are propagated with SGP4 on a fine grid, and only
inside the coarse windows where they could be close.

Concern score (0..1), a weighted sum of components each in 0..1, stated with the episode:
proximity ``1 - min_range/threshold``, duration ``min(days/7, 1)``, manoeuvre (1 when a
detected manoeuvre of either object falls inside the episode +- 3 days), closing (approach
slope), payload (1 when both objects are payloads by name, 0.5 when one is) and, for
co-planar pairs, plane ``1 - angle/limit``, altitude and phasing (next approach within 30
days).  Owner/country are not in TLE/OMM data; they come from SATCAT metadata upstream.
Reference for the geometry: Vallado, *Fundamentals of Astrodynamics and Applications*,
4th ed., sec. 6.4-6.6 (plane change, phasing); the episode definitions follow the public
analyses of Weeden & Samson (eds.), *Global Counterspace Capabilities*, Secure World
Foundation (2024), sec. 2.1 (co-orbital ASAT and RPO indicators).
"""

from __future__ import annotations

import dataclasses
import math
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import numpy.typing as npt
from scipy.spatial import cKDTree
from sgp4.api import Satrec

from orbitwatch.catalog.model import ElementSet, ElementTable, infer_object_type
from orbitwatch.constants import (
    EARTH_ROTATION_RAD_S,
    MINUTES_PER_DAY,
    SECONDS_PER_DAY,
    WGS72_MU_KM3_S2,
    wrap_180_deg,
    wrap_360_deg,
)
from orbitwatch.detection import elements as el
from orbitwatch.detection.maneuvers import ManeuverEvent, ManeuverReport, sort_history
from orbitwatch.detection.rpo_pairs import PAIR_CLASSES, RangeSigma, RPOPair, name_family, release_epoch, same_elements
from orbitwatch.errors import InputError
from orbitwatch.propagation import satrec_from_elements
from orbitwatch.times import US_PER_DAY, US_PER_MINUTE, UTC_DTYPE, as_utc, format_utc, jd_utc

__all__ = [
    "EPISODE_KINDS",
    "PAIR_CLASSES",
    "ProximityConfig",
    "RPOEpisode",
    "RPOPair",
    "RPOReport",
    "coplanar_pairs",
    "monitor_rpo",
    "pair_range_series",
    "time_to_phasing_days",
]

FloatArray = npt.NDArray[np.float64]
Progress = Callable[[int, int], None]

EPISODE_KINDS = ("co-planar", "sustained-proximity", "repeated-approach", "approach-after-maneuver")
_US_DAY = US_PER_DAY
_DEG = math.pi / 180.0


@dataclass(frozen=True)
class ProximityConfig:
    """Thresholds of :func:`monitor_rpo` (units in the names)."""

    leo_range_km: float = 50.0
    meo_range_km: float = 100.0
    geo_range_km: float = 100.0
    geo_longitude_deg: float = 0.5
    min_duration_s: float = SECONDS_PER_DAY
    sustained_fraction: float = 0.5
    merge_gap_s: float = 3 * 3600.0
    merge_gap_geo_s: float = 12 * 3600.0
    coarse_step_s: float = 3 * 3600.0
    prefilter_factor: float = 3.0
    prefilter_margin_km: float = 50.0
    prefilter_plane_deg: float = 2.0
    geo_substep_s: float = 3600.0
    geo_accel_pad_km_s2: float = 1e-6
    fine_step_leo_s: float = 60.0
    fine_step_geo_s: float = 600.0
    coplanar_angle_deg: float = 0.5
    coplanar_altitude_km: float = 50.0
    max_coplanar: int = 200
    approach_window_days: float = 10.0
    approach_ratio: float = 0.5
    horizon_days: float = 30.0
    weights: dict[str, float] = field(
        default_factory=lambda: {
            "proximity": 0.35, "duration": 0.2, "maneuver": 0.2, "closing": 0.1, "payload": 0.15,
            "plane": 0.3, "altitude": 0.2, "phasing": 0.15,
        }
    )

    def range_km(self, reg: str) -> float:
        return {"leo": self.leo_range_km, "geo": self.geo_range_km}.get(reg, self.meo_range_km)


@dataclass(frozen=True)
class RPOEpisode:
    """One RPO episode between ``norad_1 < norad_2``; ``evidence`` holds the geometry."""

    norad_1: int
    norad_2: int
    name_1: str | None
    name_2: str | None
    kind: str
    start: np.datetime64
    end: np.datetime64
    min_range_km: float
    min_range_time: np.datetime64
    maneuvers: tuple[ManeuverEvent, ...]
    score: float
    components: dict[str, float]
    evidence: dict[str, Any]
    min_range_sigma_km: float = math.nan
    min_range_sigma_model: str = ""

    def to_dict(self) -> dict[str, Any]:
        """The CLI ``--json`` record."""
        ev = dict(self.evidence)
        ev["name_1"], ev["name_2"] = self.name_1, self.name_2
        ev["score_components"] = {k: round(v, 3) for k, v in self.components.items()}
        ev["maneuvers"] = [m.to_dict() for m in self.maneuvers]
        # One sigma of min_range_km (TLE error model; in the evidence so the record's keys stay fixed).
        ev["min_range_uncertainty_km"] = (round(self.min_range_sigma_km, 3) if math.isfinite(self.min_range_sigma_km)
                                          else None)
        ev["min_range_uncertainty_model"] = self.min_range_sigma_model or None
        return {
            "norad_1": self.norad_1,
            "norad_2": self.norad_2,
            "kind": self.kind,
            "start_utc": str(format_utc(self.start, digits=0)),
            "end_utc": str(format_utc(self.end, digits=0)),
            "min_range_km": round(self.min_range_km, 3) if math.isfinite(self.min_range_km) else None,
            "min_range_utc": str(format_utc(self.min_range_time, digits=0)),
            "score": round(self.score, 3),
            "evidence": ev,
        }


@dataclass(frozen=True)
class RPOReport:
    """Episodes (every one, or those of the kept pairs with ``top_per_class``) and the pairs,
    each reported once with its class (:data:`PAIR_CLASSES`) and its episodes."""

    episodes: list[RPOEpisode]
    candidate_pairs: int
    objects: int
    pairs: list[RPOPair] = field(default_factory=list)
    pairs_per_class: dict[str, int] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        return {
            "objects": self.objects,
            "candidate_pairs": self.candidate_pairs,
            "pairs_per_class": dict(self.pairs_per_class),
            "pairs": [p.to_dict() for p in self.pairs],
        }


def _launch(cospar: str | None) -> str | None:
    s = str(cospar or "").strip().upper()
    return s[:8] if len(s) >= 8 and s[4] == "-" else None


def _owner(facts: Mapping[int, Any] | None, nid: int) -> str | None:
    f = None if facts is None else facts.get(nid)
    return None if f is None else getattr(f, "owner", None)


def _classify(table: ElementTable, a: int, b: int, facts: Mapping[int, Any] | None, geo: bool,
              episodes: Sequence[RPOEpisode] = ()) -> tuple[str, str]:
    """The pair's class (:mod:`orbitwatch.detection.rpo_pairs`) from rows ``a``, ``b`` (latest sets)."""
    if same_elements(table, a, b):
        return "docked", "identical element sets"
    if any(e.kind == "sustained-proximity" and e.evidence.get("mean_range_km", math.inf) < 1.0 for e in episodes):
        return "docked", "sustained stay with mean range under 1 km"
    if any(e.kind == "co-planar" and e.min_range_km < 1.0
           and abs(e.evidence.get("delta_semi_major_axis_km", math.inf)) < 1.0 for e in episodes):
        return "docked", "same orbit, within 1 km (co-planar, semi-major axes within 1 km)"
    la, lb = _launch(table.cospar_ids[a]), _launch(table.cospar_ids[b])
    if la is not None and la == lb:
        return "same_launch", f"both of launch {la}"
    oa, ob = _owner(facts, int(table.norad_id[a])), _owner(facts, int(table.norad_id[b]))
    same_owner = oa is not None and oa == ob
    fa, fb = name_family(table.names[a]), name_family(table.names[b])
    family = fa is not None and fa == fb
    if geo and same_owner:
        return "same_owner_colocation", f"same owner {oa} (SATCAT)"
    if family and not geo:
        return "constellation", f"same name family {fa}"
    if same_owner:
        return "same_owner_colocation", f"same owner {oa} (SATCAT)"
    return "other", "different launch, owner and name family" if oa and ob else "different launch and name family"


def _rank_key(table: ElementTable, a: int, b: int, cls: str, score: float) -> tuple[int, float]:
    """Order within a class: a same-launch pair whose second object was catalogued later (a
    possible release) first, then by score."""
    first = 0 if cls == "same_launch" and _released_later(table, a, b) else 1
    return first, -score


def _released_later(table: ElementTable, a: int, b: int) -> bool:
    """A possible release: the lower-id object is piece A of the launch (the payload, or the
    station, that can carry another) and the other was catalogued after objects of *later*
    launches (its NORAD id is above theirs): it appeared after the launch, not with it."""
    (lo_row, lo), (hi_row, hi) = sorted(((a, int(table.norad_id[a])), (b, int(table.norad_id[b]))),
                                        key=lambda x: x[1])
    carrier = str(table.cospar_ids[lo_row] or "").strip().upper()
    la = _launch(carrier)
    if la is None or carrier[8:] != "A" or infer_object_type(table.names[lo_row]) == "ROCKET BODY":
        return False
    del hi_row
    before = (table.norad_id < hi) & (table.norad_id > lo)
    later = [c for c in table.cospar_ids[before] if (lc := _launch(c)) is not None and lc > la]
    return bool(later)


def _pairs_of(table: ElementTable, rows: Mapping[int, int], episodes: list[RPOEpisode],
              facts: Mapping[int, Any] | None, top_per_class: int | None,
              regimes: Mapping[int, str]) -> tuple[list[RPOPair], dict[str, int]]:
    """Group episodes by pair, classify each pair once, rank within each class by the best
    episode score, keep ``top_per_class`` per class (all with None)."""
    by_pair: dict[tuple[int, int], list[RPOEpisode]] = {}
    for e in episodes:
        by_pair.setdefault((e.norad_1, e.norad_2), []).append(e)
    pairs: list[RPOPair] = []
    for (n1, n2), eps in by_pair.items():
        a, b = rows[n1], rows[n2]
        geo = regimes.get(n1) == "geo" and regimes.get(n2) == "geo"
        cls, detail = _classify(table, a, b, facts, geo, eps)
        release = None
        if cls == "same_launch" and not geo and _released_later(table, a, b):
            lo_row, hi_row = (a, b) if n1 < n2 else (b, a)
            f = None if facts is None else facts.get(int(table.norad_id[lo_row]))
            launch = None if f is None else getattr(f, "launch_date", None)
            release = release_epoch(table, lo_row, hi_row, not_before=launch)
            detail += "; release: the later-catalogued object left the other"
        eps_sorted = tuple(sorted(eps, key=lambda e: (-e.score, str(e.start))))
        pairs.append(RPOPair(n1, n2, table.names[a], table.names[b], _owner(facts, n1), _owner(facts, n2), cls,
                             detail, max(e.score for e in eps), eps_sorted, release))
    pairs.sort(key=lambda p: (PAIR_CLASSES.index(p.classification), p.release is None, -p.score, p.norad_1,
                              p.norad_2))
    counts = {c: sum(p.classification == c for p in pairs) for c in PAIR_CLASSES}
    if top_per_class is not None:
        kept: list[RPOPair] = []
        for c in PAIR_CLASSES:
            kept.extend([p for p in pairs if p.classification == c][:top_per_class])
        pairs = kept
    return pairs, counts


def _with_sigma(episodes: list[RPOEpisode], sigma: RangeSigma) -> list[RPOEpisode]:
    """Each episode with the one-sigma uncertainty of its minimum range (rpo_pairs.RangeSigma)."""
    out = []
    for e in episodes:
        if math.isfinite(e.min_range_km):
            s, model = sigma.sigma_km(e.norad_1, e.norad_2, e.min_range_time)
            e = dataclasses.replace(e, min_range_sigma_km=s, min_range_sigma_model=model)
        out.append(e)
    return out


# --------------------------------------------------------------------------- helpers


def _object_slices(norad: npt.NDArray[np.int64]) -> dict[int, slice]:
    if norad.shape[0] == 0:
        return {}
    starts = np.flatnonzero(np.concatenate([[True], norad[1:] != norad[:-1]]))
    ends = np.concatenate([starts[1:], [norad.shape[0]]])
    return {int(norad[a]): slice(int(a), int(b)) for a, b in zip(starts, ends, strict=True)}


def _select_rows(table: ElementTable, sl: slice, times: npt.NDArray[np.datetime64]) -> npt.NDArray[np.int64]:
    """Row of the latest set at or before each time (the first set before the history)."""
    ep = table.epoch[sl]
    k = np.searchsorted(ep, times, side="right") - 1
    out: npt.NDArray[np.int64] = sl.start + np.clip(k, 0, sl.stop - sl.start - 1)
    return out


def _valid(table: ElementTable, sl: slice, times: npt.NDArray[np.datetime64]) -> npt.NDArray[np.bool_]:
    """Times inside the object's history (first epoch .. last epoch + max(1 day, median gap))."""
    ep = table.epoch[sl].astype(np.int64)
    gap = int(np.median(np.diff(ep))) if ep.shape[0] > 1 else 0
    end = ep[-1] + max(_US_DAY, gap)
    t = times.astype(UTC_DTYPE).astype(np.int64)
    out: npt.NDArray[np.bool_] = (t >= ep[0]) & (t <= end)
    return out


def _mean_positions(table: ElementTable, rows: npt.NDArray[np.int64], times: npt.NDArray[np.datetime64]) -> FloatArray:
    dt_min = (times.astype(UTC_DTYPE).astype(np.int64) - table.epoch[rows].astype(np.int64)) / US_PER_MINUTE
    return el.mean_position_km(
        table.mean_motion_rev_per_day[rows], table.eccentricity[rows], table.inclination_deg[rows],
        table.raan_deg[rows], table.arg_perigee_deg[rows], table.mean_anomaly_deg[rows],
        table.mean_motion_dot_rev_per_day2[rows], dt_min,
    )


class _Ephemerides:
    """SGP4 of one object's history at arbitrary times (latest set before each time)."""

    def __init__(self, table: ElementTable) -> None:
        self.table = table
        self._cache: dict[int, Satrec] = {}

    def _sat(self, row: int) -> Satrec:
        sat = self._cache.get(row)
        if sat is None:
            t = self.table
            sat = satrec_from_elements(
                int(t.norad_id[row]), t.epoch[row], float(t.mean_motion_rev_per_day[row]),
                float(t.eccentricity[row]), float(t.inclination_deg[row]), float(t.raan_deg[row]),
                float(t.arg_perigee_deg[row]), float(t.mean_anomaly_deg[row]),
                float(t.bstar_per_earth_radius[row]), float(t.mean_motion_dot_rev_per_day2[row]),
                float(t.mean_motion_ddot_rev_per_day3[row]),
            )
            self._cache[row] = sat
        return sat

    def positions(self, sl: slice, times: npt.NDArray[np.datetime64]) -> FloatArray:
        rows = _select_rows(self.table, sl, times)
        jd, fr = jd_utc(times)
        out = np.full((times.shape[0], 3), np.nan)
        for row in np.unique(rows):
            m = rows == row
            err, r, _ = self._sat(int(row)).sgp4_array(np.ascontiguousarray(jd[m]), np.ascontiguousarray(fr[m]))
            r = np.asarray(r)
            r[np.asarray(err) != 0] = np.nan
            out[m] = r
        return out


def _regime_of(table: ElementTable, sl: slice) -> str:
    return str(el.regime(table.mean_motion_rev_per_day[sl.stop - 1], table.eccentricity[sl.stop - 1]))


def _payload_component(name_1: str | None, name_2: str | None) -> float:
    p = [infer_object_type(n) == "PAYLOAD" for n in (name_1, name_2)]
    return 1.0 if all(p) else (0.5 if any(p) else 0.0)


def _score(components: dict[str, float], weights: dict[str, float]) -> float:
    total = sum(weights[k] for k in components)
    return sum(weights[k] * v for k, v in components.items()) / total if total else 0.0


def _runs(mask: npt.NDArray[np.bool_], t_us: npt.NDArray[np.int64], merge_gap_us: int) -> list[tuple[int, int]]:
    """Index ranges ``[a, b]`` of True runs, merged across False gaps shorter than merge_gap."""
    idx = np.flatnonzero(mask)
    if idx.size == 0:
        return []
    runs: list[tuple[int, int]] = []
    a = b = int(idx[0])
    for k in idx[1:]:
        k = int(k)
        if t_us[k] - t_us[b] <= merge_gap_us:
            b = k
        else:
            runs.append((a, b))
            a = b = k
    runs.append((a, b))
    return runs


_INDEX_CACHE: dict[int, tuple[ManeuverReport, dict[int, list[ManeuverEvent]]]] = {}


def _events_by_object(report: ManeuverReport) -> dict[int, list[ManeuverEvent]]:
    """The report's events grouped by object (cached per report object)."""
    hit = _INDEX_CACHE.get(id(report))
    if hit is not None and hit[0] is report:
        return hit[1]
    index: dict[int, list[ManeuverEvent]] = {}
    for e in report.events:
        index.setdefault(e.norad_id, []).append(e)
    _INDEX_CACHE.clear()
    _INDEX_CACHE[id(report)] = (report, index)
    return index


def _maneuvers_of(report: ManeuverReport | None, ids: tuple[int, int], lo_us: int, hi_us: int) -> tuple[
        ManeuverEvent, ...]:
    if report is None:
        return ()
    index = _events_by_object(report)
    out = [e for nid in ids for e in index.get(nid, ())
           if lo_us <= int(e.epoch.astype(UTC_DTYPE).astype(np.int64)) <= hi_us]
    return tuple(sorted(out, key=lambda e: (e.epoch, e.norad_id)))


# --------------------------------------------------------------------------- range series


def pair_range_series(
    history: ElementTable | Sequence[ElementSet],
    norad_1: int,
    norad_2: int,
    *,
    start: np.datetime64 | None = None,
    end: np.datetime64 | None = None,
    step_s: float = 600.0,
) -> tuple[npt.NDArray[np.datetime64], FloatArray, FloatArray]:
    """SGP4 range (km) and longitude difference (deg, for GEO) of two objects over time.

    Each object uses its latest element set at or before each time.  The default span is
    the overlap of the two histories.  Returns ``(times (T,), range_km (T,), dlon_deg (T,))``.
    """
    table = sort_history(history)
    slices = _object_slices(table.norad_id)
    for nid in (norad_1, norad_2):
        if nid not in slices:
            raise InputError(f"object {nid} is not in the history", code="INPUT_UNKNOWN_NORAD", record=nid)
    s1, s2 = slices[norad_1], slices[norad_2]
    lo = max(table.epoch[s1.start], table.epoch[s2.start]) if start is None else as_utc(start)
    hi = min(table.epoch[s1.stop - 1], table.epoch[s2.stop - 1]) if end is None else as_utc(end)
    if hi <= lo:
        hi = lo + np.timedelta64(_US_DAY, "us")
    n = int((hi - lo).astype(np.int64) // int(step_s * 1e6)) + 1
    times = lo + (np.arange(n) * int(step_s * 1e6)).astype("timedelta64[us]")
    eph = _Ephemerides(table)
    r1, r2 = eph.positions(s1, times), eph.positions(s2, times)
    rng = np.linalg.norm(r1 - r2, axis=1)
    dlon = wrap_180_deg(np.degrees(np.arctan2(r2[:, 1], r2[:, 0]) - np.arctan2(r1[:, 1], r1[:, 0])))
    return times, rng, dlon


# --------------------------------------------------------------------------- co-planar


def time_to_phasing_days(phase_deg: float, drift_deg_day: float) -> float:
    """Days until a phase angle ``phase_deg`` (object 2 minus object 1) drifting at
    ``drift_deg_day`` next passes through zero (``inf`` without drift)."""
    if abs(drift_deg_day) <= 1e-9:
        return math.inf
    if drift_deg_day > 0:
        return float(wrap_360_deg(-phase_deg)) / drift_deg_day
    return float(wrap_360_deg(phase_deg)) / -drift_deg_day



def coplanar_pairs(
    latest: ElementTable | Sequence[ElementSet],
    *,
    config: ProximityConfig | None = None,
    norad: Sequence[int] | None = None,
    maneuvers: ManeuverReport | None = None,
    satcat: Mapping[int, Any] | None = None,
) -> list[RPOEpisode]:
    """Co-planar, co-altitude (co-orbital shadowing) pairs among single element sets.

    ``latest``: one element set per object (the latest); with ``norad`` only pairs that
    involve one of those objects.  Geometry is evaluated at the latest epoch of the pair's
    two sets (RAAN, argument of perigee and mean anomaly carried by their secular rates).
    Without ``norad`` every candidate is classified first (:data:`PAIR_CLASSES`, owners from
    ``satcat``: NORAD id -> record with ``owner``) and the best ``config.max_coplanar`` of
    each class are kept, so a same-launch release is not crowded out by a constellation.
    Each minimum range carries its one-sigma uncertainty (default TLE error model: one set
    per object).
    """
    cfg = config or ProximityConfig()
    table = latest if isinstance(latest, ElementTable) else ElementTable.from_element_sets(latest)
    if len(table) < 2:
        return []
    n, e, inc = table.mean_motion_rev_per_day, table.eccentricity, table.inclination_deg
    reg = el.regime(n, e)
    apo, peri = el.apogee_perigee_altitude_km(n, e, inc)
    t_c = table.epoch.max()
    dt_min = (t_c - table.epoch).astype("timedelta64[us]").astype(np.int64) / US_PER_MINUTE
    mdot, argpdot, nodedot = el.secular_rates_rad_min(n, e, inc)
    raan_c = table.raan_deg + np.degrees(nodedot * dt_min)
    normals = el.orbit_normal(inc, raan_c)
    ok = np.isfinite(normals).all(axis=1) & (reg != "geo")
    index = np.flatnonzero(ok)
    tree = cKDTree(normals[index])
    radius = 2.0 * math.sin(math.radians(cfg.coplanar_angle_deg) / 2.0)
    pairs: set[tuple[int, int]] = set()
    if norad:
        wanted = set(int(x) for x in norad)
        for k, row in enumerate(index):
            if int(table.norad_id[row]) in wanted:
                for other in tree.query_ball_point(normals[row], radius):
                    if other != k:
                        a, b = sorted((int(row), int(index[other])))
                        pairs.add((a, b))
    else:
        for a_k, b_k in tree.query_pairs(radius):
            a, b = sorted((int(index[a_k]), int(index[b_k])))
            pairs.add((a, b))
    out: list[RPOEpisode] = []
    for a, b in sorted(pairs):
        if max(peri[a], peri[b]) - min(apo[a], apo[b]) > cfg.coplanar_altitude_km:
            continue
        if not norad and _payload_component(table.names[a], table.names[b]) < 1.0:
            continue
        if int(table.norad_id[a]) > int(table.norad_id[b]):
            a, b = b, a
        episode = _coplanar_episode(table, a, b, cfg, maneuvers, mdot, argpdot, nodedot, with_range=False)
        if episode.evidence["plane_angle_deg"] <= cfg.coplanar_angle_deg:
            out.append(episode)
    # The score is geometric; the (costly) minimum range is computed for the kept pairs only.
    out.sort(key=lambda ep: -ep.score)
    row_of = {int(t): k for k, t in enumerate(table.norad_id)}
    if norad:
        keep = out
    else:
        per: dict[str, int] = {}
        keep = []
        ranked = []
        for ep in out:
            a_, b_ = row_of[ep.norad_1], row_of[ep.norad_2]
            c, _ = _classify(table, a_, b_, satcat, False, (ep,))
            ranked.append((_rank_key(table, a_, b_, c, ep.score), c, ep))
        ranked.sort(key=lambda x: x[0])
        for _, c, ep in ranked:
            if per.get(c, 0) < cfg.max_coplanar:
                per[c] = per.get(c, 0) + 1
                keep.append(ep)
    full = [_coplanar_episode(table, row_of[ep.norad_1], row_of[ep.norad_2], cfg, maneuvers, mdot, argpdot, nodedot)
            for ep in keep]
    sigma = RangeSigma(table, {int(t): slice(k, k + 1) for k, t in enumerate(table.norad_id)})
    return _with_sigma(full, sigma)


def _coplanar_episode(  # noqa: PLR0917 - issue 10: still to refactor
    table: ElementTable, a: int, b: int, cfg: ProximityConfig, maneuvers: ManeuverReport | None,
    mdot: FloatArray, argpdot: FloatArray, nodedot: FloatArray, *, with_range: bool = True,
) -> RPOEpisode:
    t0 = max(table.epoch[a], table.epoch[b]).astype(UTC_DTYPE)
    n, e, inc = table.mean_motion_rev_per_day, table.eccentricity, table.inclination_deg
    rate_deg_day = np.degrees(np.array([mdot[a] + argpdot[a], mdot[b] + argpdot[b]])) * MINUTES_PER_DAY
    node_rate = np.degrees(np.array([nodedot[a], nodedot[b]])) * MINUTES_PER_DAY
    dt_day = np.array([(t0 - table.epoch[r]).astype(np.int64) / _US_DAY for r in (a, b)])
    raan = np.array([table.raan_deg[a], table.raan_deg[b]]) + node_rate * dt_day
    u = np.array([table.arg_perigee_deg[a] + table.mean_anomaly_deg[a],
                  table.arg_perigee_deg[b] + table.mean_anomaly_deg[b]]) + rate_deg_day * dt_day
    cos_i = math.cos(math.radians(float(inc[a])))
    lam = u + raan * cos_i  # in-plane longitude for nearly common planes
    dphase = float(wrap_180_deg(lam[1] - lam[0]))
    drift = float((rate_deg_day[1] + node_rate[1] * cos_i) - (rate_deg_day[0] + node_rate[0] * cos_i))
    t_next = time_to_phasing_days(dphase, drift)
    na, nb = el.orbit_normal(inc[a], raan[0]), el.orbit_normal(inc[b], raan[1])
    angle = math.degrees(math.acos(min(1.0, float(np.dot(na, nb)))))
    sma = el.semi_major_axis_km(n[[a, b]], e[[a, b]], inc[[a, b]])
    apo, peri = el.apogee_perigee_altitude_km(n[[a, b]], e[[a, b]], inc[[a, b]])
    plane_drift = abs(float(node_rate[1] - node_rate[0])) * math.sin(math.radians(float(inc[a])))
    # Minimum SGP4 range, 30 s steps, over the first day and over +-0.5 day around the next
    # phasing (when it falls within the horizon): where the pair is closest.
    span_day = min(t_next + 0.5, cfg.horizon_days) if math.isfinite(t_next) else 1.0
    offs_s = np.arange(0.0, SECONDS_PER_DAY + 1.0, 30.0)
    if math.isfinite(t_next) and t_next < cfg.horizon_days:
        centre = t_next * SECONDS_PER_DAY
        offs_s = np.union1d(offs_s, np.arange(max(0.0, centre - 43200.0), centre + 43200.0 + 1.0, 30.0))
    if not with_range:
        offs_s = offs_s[:1]
    times = t0 + (offs_s * 1e6).astype(np.int64).astype("timedelta64[us]")
    eph = _Ephemerides(table)
    r1 = eph.positions(slice(a, a + 1), times)
    r2 = eph.positions(slice(b, b + 1), times)
    rng = np.linalg.norm(r1 - r2, axis=1)
    kmin = int(np.nanargmin(rng)) if np.isfinite(rng).any() else 0
    min_range = float(rng[kmin]) if np.isfinite(rng).any() else math.nan
    ids = (int(table.norad_id[a]), int(table.norad_id[b]))
    t0_us = int(t0.astype(np.int64))
    mans = _maneuvers_of(maneuvers, ids, t0_us - 30 * _US_DAY, t0_us)
    components = {
        "plane": max(0.0, 1.0 - angle / cfg.coplanar_angle_deg),
        "altitude": max(0.0, 1.0 - abs(float(sma[1] - sma[0])) / max(cfg.coplanar_altitude_km, 1e-9)),
        "phasing": max(0.0, 1.0 - t_next / cfg.horizon_days) if math.isfinite(t_next) else 0.0,
        "maneuver": 1.0 if mans else 0.0,
        "payload": _payload_component(table.names[a], table.names[b]),
    }
    end = t0 + np.timedelta64(int(min(t_next, cfg.horizon_days) * _US_DAY), "us") if math.isfinite(t_next) else t0
    evidence = {
        "epoch_utc": str(format_utc(t0, digits=0)),
        "plane_angle_deg": angle,
        "delta_inclination_deg": float(inc[b] - inc[a]),
        "delta_raan_deg": float(wrap_180_deg(raan[1] - raan[0])),
        "delta_semi_major_axis_km": float(sma[1] - sma[0]),
        "perigee_km": [float(peri[0]), float(peri[1])],
        "apogee_km": [float(apo[0]), float(apo[1])],
        "phase_angle_deg": dphase,
        "phase_drift_deg_day": drift,
        "time_to_next_approach_days": t_next if math.isfinite(t_next) else None,
        "plane_drift_deg_day": plane_drift,
        "min_range_search_days": span_day,
        "min_range_search": "first day and next phasing +-0.5 day, 30 s steps",
        "plane_limit_deg": cfg.coplanar_angle_deg,
        "altitude_limit_km": cfg.coplanar_altitude_km,
    }
    return RPOEpisode(
        norad_1=ids[0], norad_2=ids[1], name_1=table.names[a], name_2=table.names[b], kind="co-planar",
        start=t0, end=end, min_range_km=min_range, min_range_time=times[kmin], maneuvers=mans,
        score=_score(components, cfg.weights), components=components, evidence=evidence,
    )


# --------------------------------------------------------------------------- proximity


def _geo_reach_factors(half_s: float, r_min_km: Any, accel_pad_km_s2: float) -> tuple[Any, Any, Any]:
    """``(cosh(kh) - 1, sinh(kh) / k - h, pad_km)`` of the GEO candidate bound over a half-width ``h``.

    The relative position ``x`` of two objects obeys ``x'' = g(r1) - g(r2) + e`` with the
    gravity gradient bounded by ``k^2 = 3 mu / r_min^3`` (the two-body gradient norm is
    ``2 mu / r^3``; 3 leaves room for J2) and ``|e| <= accel_pad`` (lunisolar/J2 differences and
    SGP4's departures from a force model).  Gronwall's comparison with ``y'' = k^2 y`` bounds
    the departure from the straight line for ``|s| <= h``:
    ``|x(s) - x0 - v0 s| <= |x0| (cosh(kh) - 1) + |v0| (sinh(kh)/k - h) + pad_km`` with
    ``pad_km = accel_pad (cosh(kh) - 1) / k^2``.
    """
    k = np.sqrt(3.0 * WGS72_MU_KM3_S2 / np.asarray(r_min_km, dtype=np.float64) ** 3)
    kh = k * half_s
    return np.cosh(kh) - 1.0, np.sinh(kh) / k - half_s, accel_pad_km_s2 * (np.cosh(kh) - 1.0) / k**2


def _geo_candidates(  # noqa: PLR0917 - issue 10: still to refactor
    table: ElementTable, eph: _Ephemerides, slices: dict[int, slice], ids: list[int], geo_k: npt.NDArray[np.int64],
    g_us: npt.NDArray[np.int64], valid_end: npt.NDArray[np.int64], cfg: ProximityConfig,
    wanted_mask: npt.NDArray[np.bool_] | None,
) -> dict[tuple[int, int], list[int]]:
    """GEO pairs (indices into ``ids``) -> coarse indices ``j`` such that the pair can be within
    the range threshold at some time within half a coarse step of ``grid[j]``: complete by
    construction (no minimum number of hits, no luck of the sample phase).

    Each coarse step is cut into sub-intervals of at most ``geo_substep_s``; at each
    sub-interval centre every object contributes the SGP4 state (position, velocity) of every
    element set in force somewhere in the sub-interval (a set switch is a jump, so each set's
    smooth trajectory is bounded separately).  A pair of states with relative ``x0, v0`` can come
    within ``D`` in the sub-interval (half-width ``h``) only if
    ``min_{|s|<=h} |x0 + v0 s| - |x0| (cosh(kh)-1) - |v0| (sinh(kh)/k - h) - pad <= D``
    (:func:`_geo_reach_factors`).  The k-d tree query uses per-state radii from the speed in
    the Earth-rotating frame ``q = |v - w x r|`` (``|v0| <= q1 + q2 + w |x0|``), a superset of
    that test, so no pair is lost before the exact test.
    """
    step_us = int(cfg.coarse_step_s * 1e6)
    n_sub = max(1, math.ceil(cfg.coarse_step_s / cfg.geo_substep_s))
    sub_us = step_us / n_sub
    half_s = sub_us / 2e6
    offs = (np.arange(n_sub) - (n_sub - 1) / 2.0) * sub_us
    centres = (g_us[:, None] + np.round(offs)[None, :].astype(np.int64)).ravel()
    half_us = math.ceil(sub_us / 2)
    jd, fr = jd_utc(centres.astype(UTC_DTYPE))
    sub_idx: list[npt.NDArray[np.int64]] = []
    owner: list[npt.NDArray[np.int64]] = []
    states: list[FloatArray] = []
    for k in geo_k.tolist():
        sl = slices[ids[k]]
        ep = table.epoch[sl].astype(UTC_DTYPE).astype(np.int64)
        inside = np.flatnonzero((centres + half_us >= ep[0]) & (centres - half_us <= valid_end[k]))
        if inside.size == 0:
            continue
        lo = np.maximum(np.searchsorted(ep, centres[inside] - half_us, side="right") - 1, 0)
        hi = np.maximum(np.searchsorted(ep, centres[inside] + half_us, side="right") - 1, 0)
        for row in range(int(lo.min()), int(hi.max()) + 1):
            m = inside[(lo <= row) & (hi >= row)]
            if m.size == 0:
                continue
            err, r, v = eph._sat(sl.start + row).sgp4_array(np.ascontiguousarray(jd[m]), np.ascontiguousarray(fr[m]))
            good = np.asarray(err) == 0
            sub_idx.append(m[good])
            owner.append(np.full(int(good.sum()), k, dtype=np.int64))
            states.append(np.concatenate([np.asarray(r)[good], np.asarray(v)[good]], axis=1))
    hits: dict[tuple[int, int], list[int]] = {}
    if not states:
        return hits
    si = np.concatenate(sub_idx)
    order = np.argsort(si, kind="stable")
    si, own, st = si[order], np.concatenate(owner)[order], np.concatenate(states)[order]
    bounds = np.flatnonzero(np.concatenate([[True], si[1:] != si[:-1], [True]]))
    # Per pair, r_min = 0.95 x the lower of the two radii (so a pair's candidates do not depend on
    # the other objects); the k-d tree query uses the lowest radius of the sample (a superset).
    r_norm = np.linalg.norm(st[:, :3], axis=1)
    w = EARTH_ROTATION_RAD_S
    spin = np.array([0.0, 0.0, w])
    for lo_b, hi_b in zip(bounds[:-1].tolist(), bounds[1:].tolist(), strict=True):
        if hi_b - lo_b < 2:
            continue
        p, v, o, rn = st[lo_b:hi_b, :3], st[lo_b:hi_b, 3:], own[lo_b:hi_b], r_norm[lo_b:hi_b]
        g1, g2, gpad = _geo_reach_factors(half_s, 0.95 * float(rn.min()), cfg.geo_accel_pad_km_s2)
        denom = 1.0 - float(g1) - (half_s + float(g2)) * w
        if denom <= 0.05:
            raise InputError(f"geo_substep_s {cfg.geo_substep_s} is too long for the GEO candidate bound",
                             code="INPUT_INVALID", field="geo_substep_s")
        radii = (cfg.geo_range_km + float(gpad) + 2.0 * (half_s + float(g2))
                 * np.linalg.norm(v - np.cross(spin, p), axis=1)) / denom
        lists = cKDTree(p).query_ball_point(p, radii)
        qa = np.repeat(np.arange(p.shape[0]), [len(x) for x in lists])
        qb = np.concatenate([np.asarray(x, dtype=np.int64) for x in lists])
        # Either state's radius may be the one that covers the pair: keep both directions,
        # ordered by owner below.
        m = o[qa] != o[qb]
        qa, qb = qa[m], qb[m]
        x0, v0 = p[qa] - p[qb], v[qa] - v[qb]
        vv = np.einsum("ij,ij->i", v0, v0)
        s_star = np.clip(-np.einsum("ij,ij->i", x0, v0) / np.maximum(vv, 1e-30), -half_s, half_s)
        dmin = np.linalg.norm(x0 + v0 * s_star[:, None], axis=1)
        c1, c2, pad = _geo_reach_factors(half_s, 0.95 * np.minimum(rn[qa], rn[qb]), cfg.geo_accel_pad_km_s2)
        ok = dmin - c1 * np.linalg.norm(x0, axis=1) - c2 * np.sqrt(vv) <= cfg.geo_range_km + pad
        oa, ob = np.minimum(o[qa[ok]], o[qb[ok]]), np.maximum(o[qa[ok]], o[qb[ok]])
        if wanted_mask is not None:
            keep = wanted_mask[oa] | wanted_mask[ob]
            oa, ob = oa[keep], ob[keep]
        j = int(si[lo_b]) // n_sub
        for a, b in set(zip(oa.tolist(), ob.tolist(), strict=True)):
            lst = hits.setdefault((a, b), [])
            if not lst or lst[-1] != j:
                lst.append(j)
    return hits


def _candidate_pairs(  # noqa: PLR0917 - issue 10: still to refactor
    table: ElementTable, slices: dict[int, slice], ids: list[int], regimes: dict[int, str],
    cfg: ProximityConfig, wanted: set[int] | None, progress: Progress | None, eph: _Ephemerides | None = None,
) -> tuple[dict[tuple[int, int], list[int]], npt.NDArray[np.datetime64], FloatArray]:
    """Pairs within the prefilter radius at some coarse time -> the coarse indices; plus the grid
    and the coarse mean positions ``(objects, T, 3)`` (NaN outside each history).

    GEO-GEO pairs come from :func:`_geo_candidates_at` (every pair that can be within the
    threshold at any time within half a step of the coarse instant); other pairs from the mean
    positions within ``range * prefilter_factor + prefilter_margin`` and similar orbits."""
    eph = eph or _Ephemerides(table)
    step_us = int(cfg.coarse_step_s * 1e6)
    # The grid is anchored to whole multiples of the step since 1970 (UTC), not to the earliest
    # epoch of the input: a pair's samples, hence its episodes, must not depend on which other
    # objects are in the history (``--norad`` on a subset vs the whole file).
    lo_us = int(min(table.epoch[s.start] for s in slices.values()).astype(UTC_DTYPE).astype(np.int64))
    lo = np.datetime64(lo_us - lo_us % step_us, "us")
    hi = max(table.epoch[s.stop - 1] for s in slices.values())
    nt = int((hi - lo).astype(np.int64) // step_us) + 2
    grid = lo + (np.arange(nt) * step_us).astype("timedelta64[us]")
    n_obj = len(ids)
    first = np.array([slices[nid].start for nid in ids], dtype=np.int64)
    last = np.array([slices[nid].stop - 1 for nid in ids], dtype=np.int64)
    ep = table.epoch.astype(UTC_DTYPE).astype(np.int64)
    gaps = np.array([int(np.median(np.diff(ep[slices[nid]]))) if slices[nid].stop - slices[nid].start > 1 else 0
                     for nid in ids], dtype=np.int64)
    valid_end = ep[last] + np.maximum(gaps, _US_DAY)
    pos = np.full((n_obj, nt, 3), np.nan)
    g_us = grid.astype(np.int64)
    radius = np.array([cfg.range_km(regimes[nid]) * cfg.prefilter_factor + cfg.prefilter_margin_km for nid in ids])
    rmax = float(radius.max()) if radius.size else 0.0
    hits: dict[tuple[int, int], list[int]] = {}
    id_arr = np.array(ids)
    wanted_mask = np.isin(id_arr, list(wanted)) if wanted is not None else None
    row_cursor = first.copy()
    # Orbit similarity for the non-GEO prefilter: crossing orbits meet everywhere in LEO but
    # only near-co-planar, co-altitude pairs can stay close for hours.
    all_a = el.semi_major_axis_km(table.mean_motion_rev_per_day, table.eccentricity, table.inclination_deg)
    all_nodedot = el.secular_rates_rad_min(table.mean_motion_rev_per_day, table.eccentricity,
                                           table.inclination_deg)[2]
    is_geo = np.array([regimes[nid] == "geo" for nid in ids])
    hits.update(_geo_candidates(table, eph, slices, ids, np.flatnonzero(is_geo), g_us, valid_end, cfg,
                                wanted_mask))
    cos_plane = math.cos(math.radians(cfg.prefilter_plane_deg))
    for j in range(nt):
        # Latest set at or before the grid time, per object (epochs are sorted within objects).
        while True:
            nxt = row_cursor + 1
            adv = (nxt <= last) & (ep[np.minimum(nxt, last)] <= g_us[j])
            if not adv.any():
                break
            row_cursor[adv] += 1
        ok = np.flatnonzero((g_us[j] >= ep[first]) & (g_us[j] <= valid_end))
        if ok.size < 2:
            continue
        rows = row_cursor[ok]
        p = _mean_positions(table, rows, np.full(ok.shape[0], grid[j]))
        pos[ok, j] = p
        tree = cKDTree(p)
        if wanted_mask is not None:
            mine = np.flatnonzero(wanted_mask[ok])
            pairs_l = [(int(a_k), int(b_k)) for a_k in mine for b_k in tree.query_ball_point(p[a_k], rmax)
                       if b_k != a_k]
            pair_arr = np.array(pairs_l, dtype=np.int64).reshape(-1, 2)
        else:
            pair_arr = tree.query_pairs(rmax, output_type="ndarray")
        if pair_arr.shape[0] == 0:
            continue
        a_i, b_i = ok[pair_arr[:, 0]], ok[pair_arr[:, 1]]
        d = np.linalg.norm(p[pair_arr[:, 0]] - p[pair_arr[:, 1]], axis=1)
        keep = d <= np.maximum(radius[a_i], radius[b_i])
        ra, rb = row_cursor[a_i], row_cursor[b_i]
        dt_a = (g_us[j] - ep[ra]) / US_PER_MINUTE
        dt_b = (g_us[j] - ep[rb]) / US_PER_MINUTE
        na = el.orbit_normal(table.inclination_deg[ra], table.raan_deg[ra] + np.degrees(all_nodedot[ra] * dt_a))
        nb = el.orbit_normal(table.inclination_deg[rb], table.raan_deg[rb] + np.degrees(all_nodedot[rb] * dt_b))
        similar = (np.sum(na * nb, axis=1) >= cos_plane) & (np.abs(all_a[ra] - all_a[rb]) <= rmax)
        keep &= similar & ~(is_geo[a_i] & is_geo[b_i])
        for a, b in zip(a_i[keep].tolist(), b_i[keep].tolist(), strict=True):
            lst = hits.setdefault((min(a, b), max(a, b)), [])
            if not lst or lst[-1] != j:
                lst.append(j)
        if progress is not None and j % 50 == 0:
            progress(j, nt)
    return hits, grid, pos


def monitor_rpo(
    history: ElementTable | Sequence[ElementSet],
    *,
    config: ProximityConfig | None = None,
    norad: Sequence[int] | None = None,
    regime: str = "all",
    maneuvers: ManeuverReport | None = None,
    progress: Progress | None = None,
    satcat: Mapping[int, Any] | None = None,
    top_per_class: int | None = None,
) -> RPOReport:
    """All RPO episodes in a (multi-object) element-set history, and the pairs, each once.

    ``norad``: only pairs involving these objects; ``regime``: ``leo``/``meo``/``geo``/``all``
    (both objects' latest sets in that regime; ``meo`` includes HEO); ``maneuvers``: a
    :func:`~orbitwatch.detection.maneuvers.detect_maneuvers` report for the same history, used
    for the approach-after-manoeuvre test and the manoeuvre score component.  ``satcat``:
    NORAD id -> a record with ``owner`` and ``launch_date`` (e.g.
    :class:`~orbitwatch.detection.fragmentation.ObjectFacts`), for the pair classes only.
    ``top_per_class``: keep the best N pairs of each class (ranked by their best episode's
    score) and only their episodes.  Every minimum range carries a one-sigma uncertainty from
    the TLE error model of each object's history (:mod:`orbitwatch.detection.rpo_pairs`).
    """
    cfg = config or ProximityConfig()
    if regime not in ("leo", "meo", "geo", "all"):
        raise InputError(f"regime must be leo, meo, geo or all, not {regime!r}", code="INPUT_INVALID",
                         field="regime")
    table = sort_history(history)
    slices = _object_slices(table.norad_id)
    regimes = {nid: _regime_of(table, sl) for nid, sl in slices.items()}

    def in_regime(nid: int) -> bool:
        r = regimes[nid]
        return regime == "all" or r == regime or (regime == "meo" and r == "heo")

    ids = [nid for nid in slices if in_regime(nid)]
    wanted = set(int(x) for x in norad) if norad else None
    episodes: list[RPOEpisode] = []
    # (a) co-planar shadowing on the latest set of each object.
    last_rows = np.array([slices[nid].stop - 1 for nid in ids], dtype=np.int64)
    if last_rows.size >= 2:
        episodes.extend(coplanar_pairs(table.take(last_rows), config=cfg, norad=norad, maneuvers=maneuvers,
                                       satcat=satcat))
    if len(ids) < 2:
        return _report(table, slices, regimes, episodes, 0, len(ids), satcat, top_per_class)
    # (b), (c) from the histories.
    eph = _Ephemerides(table)
    hits, grid, pos = _candidate_pairs(table, slices, ids, regimes, cfg, wanted, progress, eph)
    min_hits = max(2, int(0.5 * cfg.min_duration_s / cfg.coarse_step_s))
    for a, b in sorted(hits):
        n1, n2 = ids[a], ids[b]
        if n1 > n2:
            n1, n2 = n2, n1
            a, b = b, a
        s1, s2 = slices[n1], slices[n2]
        name1, name2 = table.names[s1.stop - 1], table.names[s2.stop - 1]
        reg = regimes[n1]
        thr = cfg.range_km(reg)
        geo = reg == "geo" and regimes[n2] == "geo"
        js = np.array(sorted(set(hits[(min(a, b), max(a, b))])))
        # Fine grid inside the coarse windows where the pair was close.  GEO candidates are complete
        # (every time within the threshold is within half a step of a hit), so every GEO candidate
        # is checked, brief daily passes included; elsewhere only pairs close at enough coarse
        # instants can stay within the threshold for min_duration_s.
        if geo or js.shape[0] >= min_hits:
            episodes.extend(_stays(table, eph, grid, js, s1, s2, n1, n2, name1, name2, reg, thr, geo, cfg,
                                   maneuvers))
        # (c) approach after a manoeuvre, on the coarse mean-element ranges (daily minima).
        if maneuvers is not None:
            episodes.extend(_approaches(table, grid, pos[a], pos[b], n1, n2, name1, name2, thr, cfg, maneuvers,
                                        eph, s1, s2, geo))
    return _report(table, slices, regimes, episodes, len(hits), len(ids), satcat, top_per_class)


def _report(table: ElementTable, slices: dict[int, slice], regimes: dict[int, str], episodes: list[RPOEpisode],  # noqa: PLR0917 - issue 10
            candidates: int, objects: int, satcat: Mapping[int, Any] | None,
            top_per_class: int | None) -> RPOReport:
    episodes = _with_sigma(episodes, RangeSigma(table, slices))
    rows = {nid: sl.stop - 1 for nid, sl in slices.items()}
    pairs, counts = _pairs_of(table, rows, episodes, satcat, top_per_class, regimes)
    if top_per_class is not None:
        episodes = [e for p in pairs for e in p.episodes]
    episodes.sort(key=lambda ep: (-ep.score, ep.norad_1, ep.norad_2))
    return RPOReport(episodes=episodes, candidate_pairs=candidates, objects=objects, pairs=pairs,
                     pairs_per_class=counts)


def _stays(  # noqa: PLR0917 - issue 10: still to refactor
    table: ElementTable, eph: _Ephemerides, grid: npt.NDArray[np.datetime64], js: npt.NDArray[np.int64],
    s1: slice, s2: slice, n1: int, n2: int, name1: str | None, name2: str | None, reg: str, thr: float,
    geo: bool, cfg: ProximityConfig, maneuvers: ManeuverReport | None,
) -> list[RPOEpisode]:
    """Sustained-proximity / repeated-approach episodes of one pair on the fine SGP4 grid."""
    episodes: list[RPOEpisode] = []
    step_coarse_us = int(cfg.coarse_step_s * 1e6)
    step_us = int((cfg.fine_step_geo_s if geo else cfg.fine_step_leo_s) * 1e6)
    per = step_coarse_us // step_us
    offs = np.arange(-per, per + 1) * step_us
    t_us = np.unique((grid[js].astype(np.int64)[:, None] + offs[None, :]).ravel())
    times = t_us.astype(UTC_DTYPE)
    valid = _valid(table, s1, times) & _valid(table, s2, times)
    times, t_us = times[valid], t_us[valid]
    if times.shape[0] == 0:
        return episodes
    r1, r2 = eph.positions(s1, times), eph.positions(s2, times)
    rng = np.linalg.norm(r1 - r2, axis=1)
    close = rng < thr
    dlon = None
    if geo:
        dlon = wrap_180_deg(np.degrees(np.arctan2(r2[:, 1], r2[:, 0]) - np.arctan2(r1[:, 1], r1[:, 0])))
        close &= np.abs(dlon) < cfg.geo_longitude_deg
    merge_us = int((cfg.merge_gap_geo_s if geo else cfg.merge_gap_s) * 1e6)
    for ra, rb in _runs(close, t_us, merge_us):
        dur_s = (t_us[rb] - t_us[ra]) / 1e6
        if dur_s < cfg.min_duration_s:
            continue
        seg = slice(ra, rb + 1)
        kmin = ra + int(np.nanargmin(rng[seg]))
        mans = _maneuvers_of(maneuvers, (n1, n2), int(t_us[ra]) - 3 * _US_DAY, int(t_us[rb]) + 3 * _US_DAY)
        frac = float(np.mean(close[seg]))
        longest = max(((t_us[q] - t_us[p]) / 3.6e9 for p, q in _runs(close[seg], t_us[seg], 2 * step_us)),
                      default=0.0)
        components = {
            "proximity": max(0.0, 1.0 - float(rng[kmin]) / thr),
            "duration": min(dur_s / SECONDS_PER_DAY / 7.0, 1.0),
            "maneuver": 1.0 if mans else 0.0,
            "payload": _payload_component(name1, name2),
        }
        evidence: dict[str, Any] = {
            "regime": reg,
            "threshold_km": thr,
            "duration_days": dur_s / SECONDS_PER_DAY,
            "fraction_within": frac,
            "longest_continuous_hours": longest,
            "mean_range_km": float(np.nanmean(rng[seg])),
            "step_s": step_us / 1e6,
        }
        if dlon is not None:
            evidence["longitude_limit_deg"] = cfg.geo_longitude_deg
            evidence["max_abs_dlon_deg"] = float(np.nanmax(np.abs(dlon[seg])))
            evidence["mean_longitude_deg"] = float(np.degrees(np.arctan2(r1[kmin, 1], r1[kmin, 0]))
                                                   - math.degrees(float(el.gmst_rad(times[kmin]))))
            evidence["mean_longitude_deg"] = float(wrap_180_deg(evidence["mean_longitude_deg"]))
        episodes.append(RPOEpisode(
            norad_1=n1, norad_2=n2, name_1=name1, name_2=name2,
            kind="sustained-proximity" if frac >= cfg.sustained_fraction else "repeated-approach",
            start=times[ra], end=times[rb], min_range_km=float(rng[kmin]), min_range_time=times[kmin],
            maneuvers=mans, score=_score(components, cfg.weights), components=components, evidence=evidence,
        ))
    return episodes


def _daily_minima(
    g_us: npt.NDArray[np.int64], coarse: FloatArray, lo_us: int, hi_us: int
) -> tuple[npt.NDArray[np.int64], FloatArray] | None:
    """Whole days since ``lo_us`` and the minimum coarse range of each day in ``[lo, hi]``
    (None with fewer than 3 days of data)."""
    sel = (g_us >= lo_us) & (g_us <= hi_us) & np.isfinite(coarse)
    if sel.sum() < 3:
        return None
    days = (g_us[sel] - lo_us) // _US_DAY
    uniq = np.unique(days)
    if uniq.shape[0] < 3:
        return None
    vals = coarse[sel]
    daily = np.array([float(np.min(vals[days == d])) for d in uniq])
    return uniq, daily


def _approaches(  # noqa: PLR0917 - issue 10: still to refactor
    table: ElementTable, grid: npt.NDArray[np.datetime64], p1: FloatArray, p2: FloatArray,
    n1: int, n2: int, name1: str | None, name2: str | None, thr: float, cfg: ProximityConfig,
    maneuvers: ManeuverReport, eph: _Ephemerides, s1: slice, s2: slice, geo: bool,
) -> list[RPOEpisode]:
    out: list[RPOEpisode] = []
    seen: dict[int, RPOEpisode] = {}
    coarse = np.linalg.norm(p1 - p2, axis=1)
    g_us = grid.astype(np.int64)
    radius = thr * cfg.prefilter_factor + cfg.prefilter_margin_km
    index = _events_by_object(maneuvers)
    for man in sorted(index.get(n1, []) + index.get(n2, []), key=lambda e: (e.epoch, e.norad_id)):
        t_m = int(man.epoch.astype(UTC_DTYPE).astype(np.int64))
        window = (g_us >= t_m) & (g_us <= t_m + int(cfg.approach_window_days * _US_DAY))
        before = (g_us >= t_m - _US_DAY) & (g_us <= t_m)
        if window.sum() < 8 or not np.isfinite(coarse[before]).any():
            continue
        r0 = float(np.nanmin(coarse[before]))
        after_fit = _daily_minima(g_us, coarse, t_m, t_m + int(cfg.approach_window_days * _US_DAY))
        if after_fit is None:
            continue
        uniq, daily = after_fit
        kmin_day = int(np.argmin(daily))
        rmin = float(daily[kmin_day])
        # Closing slope up to the closest day (km/day); the burn must start or speed up the closing.
        slope = float(np.polyfit(uniq[: kmin_day + 1].astype(float), daily[: kmin_day + 1], 1)[0]) \
            if kmin_day >= 1 else (rmin - r0)
        before_fit = _daily_minima(g_us, coarse, t_m - int(cfg.approach_window_days * _US_DAY), t_m)
        slope_before = float(np.polyfit(before_fit[0].astype(float), before_fit[1], 1)[0]) \
            if before_fit is not None else None
        caused = slope_before is None or slope_before > 0.5 * slope
        if not (slope < 0 and caused and rmin < cfg.approach_ratio * r0
                and rmin < min(radius, thr + cfg.prefilter_margin_km)):
            continue
        kday = int(uniq[int(np.argmin(daily))])
        if not geo:
            # Outside GEO an approach that matters ends co-orbital: the pair stays within the
            # prefilter radius for a day after its closest day (a passing phasing does not).
            t_close = t_m + kday * _US_DAY
            after = coarse[(g_us >= t_close) & (g_us <= t_close + 2 * _US_DAY)]
            if after.size < 4 or not np.all(np.isfinite(after)) or np.sum(after < radius) < 0.8 * after.size:
                continue
        t_lo = np.datetime64(t_m, "us")
        t_hi = np.datetime64(t_m + (kday + 1) * _US_DAY, "us")
        step_us = int((cfg.fine_step_geo_s if geo else cfg.fine_step_leo_s) * 1e6)
        n = int((t_hi - t_lo).astype(np.int64) // step_us) + 1
        times = t_lo + (np.arange(n) * step_us).astype("timedelta64[us]")
        q1, q2 = eph.positions(s1, times), eph.positions(s2, times)
        rng = np.linalg.norm(q1 - q2, axis=1)
        if not np.isfinite(rng).any():
            continue
        kmin = int(np.nanargmin(rng))
        if not rng[kmin] < thr:
            continue
        dlon = float(wrap_180_deg(np.degrees(np.arctan2(q2[kmin, 1], q2[kmin, 0])
                                             - np.arctan2(q1[kmin, 1], q1[kmin, 0]))))
        if geo and abs(dlon) >= cfg.geo_longitude_deg:
            continue
        key = int(times[kmin].astype(np.int64)) // (3600 * 10**6)
        if key in seen:  # several burns leading to the same approach: keep the latest burn
            prev = seen[key]
            if prev.start >= man.epoch:
                continue
            out.remove(prev)
        components = {
            "proximity": max(0.0, 1.0 - float(rng[kmin]) / thr),
            "closing": min(1.0, -slope / max(r0, 1e-9) * cfg.approach_window_days),
            "maneuver": 1.0,
            "payload": _payload_component(name1, name2),
        }
        episode = RPOEpisode(
            norad_1=n1, norad_2=n2, name_1=name1, name_2=name2, kind="approach-after-maneuver",
            start=man.epoch, end=times[kmin], min_range_km=float(rng[kmin]), min_range_time=times[kmin],
            maneuvers=(man,), score=_score(components, cfg.weights), components=components,
            evidence={
                "range_at_maneuver_km": r0, "closing_slope_km_day": slope,
                "closing_slope_before_km_day": slope_before,
                "daily_min_range_km": [round(x, 3) for x in daily.tolist()],
                "maneuvering_object": man.norad_id, "approach_ratio": cfg.approach_ratio,
                "window_days": cfg.approach_window_days, "threshold_km": thr, "dlon_at_min_deg": dlon,
            },
        )
        seen[key] = episode
        out.append(episode)
    return out
