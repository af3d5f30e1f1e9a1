"""Fragmentation events: detect new debris clouds, find their parent, reconstruct the breakup.

Three questions follow every breakup (NASA ODPO, "History of On-Orbit Satellite
Fragmentations", 15th ed., NASA/TM-2018-220037, sec. 1, uses the same): which object
broke up, when and where, and how hard (how many pieces, how fast they left).

**Detection** (:func:`detect_fragmentations`): the objects of a later catalogue that
are absent from an earlier one are grouped by launch (international designator
``YYYY-NNN``).  A group of at least ``min_pieces`` new objects is a fragmentation when
its launch already had objects in the earlier catalogue (an old launch that grew new
pieces), or, for a new launch, when most of its new names say DEB.  The parent is the
earlier catalogue's object of that launch (an intact one, not named DEB, when there is
one) whose orbit best matches the cloud:
inclination, mean motion and the right ascension of the node carried to the cloud's
epoch with SGP4's secular J2/J4 rates (:mod:`orbitwatch.detection.elements`).
Optionally, new objects of *other* launches whose orbit plane and altitude band match a
detected cloud are listed as ``associated`` (a catalogue may mislabel a piece).

**Reconstruction** (:func:`reconstruct_event`), in two stages, each one vectorised
SGP4 call over N fragments x T times:

1. *Which revolution.*  Over the whole search window (coarse grid, a subsample of
   fragments) the 25th percentile of the fragments' distances to the reference (the
   parent; without one, the medoid fragment) is smallest near the breakup: after it the
   pieces separate along-track by ~``3 pi da`` per revolution.  A low percentile rather
   than the median because days of drag mis-modelling in early TLEs throw many pieces
   hundreds of km along their orbit while leaving the orbit itself in place.
2. *Which second.*  Within one period around it, the median distance of the
   reference's position to the fragments' *orbits* (each fragment moved along its own
   SGP4 trajectory to the point whose argument of latitude is the reference's) is
   minimal where all orbits meet: the breakup point.  Along-track errors drop out.

The *revolution margin* is the stage-1 spread of the best other revolution divided by
that of the chosen one; below 1.5 the result is flagged ``revolution_ambiguous``: the
place in the orbit (latitude, altitude) still holds but the epoch may be off by whole
periods (and the longitude with it).  Uncertainty within the chosen revolution: the
root sum square of (1) the standard deviation of the argmin in a
bootstrap over fragments, (2) the half-width of the minimum (where the median orbit
distance stays below twice its minimum) and (3) half the fine step.  Position: the
reference's position at the epoch, TEME -> ITRF -> WGS-84 geodetic with
:func:`orbitwatch.frames.teme_to_geodetic` (Vallado et al. 2006, App. C); its
uncertainty is the epoch uncertainty times the orbital speed (along-track).  Delta-v:
each fragment's velocity at the point where its orbit passes the event point minus the
reference's velocity at the epoch (also in RIC axes); NaN for a fragment whose orbit
misses the event point by more than ``max(20 d_min, 50 km)``.  These are differences of
mean-element states: radial/cross-track TLE errors of ~1 km mean ~1 m/s, and the
along-track alignment removes the drag errors.

**Old clouds** (:func:`nodal_drift_epoch`): years after the event SGP4 cannot carry
the pieces back to the event, but the nodes of the pieces precess at rates that depend
on their mean motion; ``RAAN_i(t) = RAAN_0 + RAANdot_i (t - t0)`` so the time since the
breakup is the ``dt`` that best re-aligns the nodes (maximum mean resultant length of
``RAAN_i - RAANdot_i dt``), and ``RAAN_0`` is the plane at the breakup.  Drag changes
the rates over the years, so this is rough (see docs/fragmentation.md).

**Risk** (:func:`cloud_conjunction_rates`): one screening run with the protected
assets as primaries; each conjunction is attributed to the cloud or to the background,
giving per-asset counts, rates per day and the increase factor.

**Evolution** (:func:`cloud_summary`, :func:`decay_lifetime_days`): Gabbard points,
inclination/RAAN spread, and a decay estimate following King-Hele ("Satellite Orbits in
an Atmosphere", 1987, ch. 4): in an exponential atmosphere of scale height ``H`` a
near-circular orbit has about ``H / |da/dt|`` left, with ``da/dt = -(2/3) a ndot / n``
from the element set's first derivative of mean motion (the TLE field holds ``ndot/2``)
and ``H`` from the exponential model of Vallado, Fundamentals of Astrodynamics and
Applications, 4th ed., table 8-4, at the perigee altitude.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import numpy.typing as npt

from orbitwatch.catalog.model import ElementSet, ElementTable, infer_object_type
from orbitwatch.constants import WGS72_MU_KM3_S2, WGS72_RADIUS_KM
from orbitwatch.detection.breakup_model import launch_prefix
from orbitwatch.detection.elements import (
    apogee_perigee_altitude_km,
    secular_rates_rad_min,
    semi_major_axis_km,
)
from orbitwatch.errors import InputError
from orbitwatch.frames import ric_basis, teme_to_geodetic
from orbitwatch.propagation import propagate, satrecs
from orbitwatch.times import US_PER_DAY, UTC_DTYPE, as_utc, format_utc, jd_utc, seconds_between

__all__ = [
    "CLUSTER_KINDS",
    "AssetRisk",
    "CloudRisk",
    "CloudSummary",
    "EventReconstruction",
    "FragmentationEvent",
    "NodalDriftEstimate",
    "ObjectFacts",
    "cloud_conjunction_rates",
    "cloud_summary",
    "concat_tables",
    "debris_base_name",
    "decay_lifetime_days",
    "detect_fragmentations",
    "launch_prefix",
    "nodal_drift_epoch",
    "parent_elements_kind",
    "reconstruct_event",
    "select_fragments",
    "select_launch",
]

Array = npt.NDArray[np.float64]
Progress = Callable[[int, int], None] | None


# ---------------------------------------------------------------------------
# Small helpers
# ---------------------------------------------------------------------------
def _prefixes(table: ElementTable) -> npt.NDArray[np.object_]:
    return np.array([launch_prefix(c) for c in table.cospar_ids], dtype=object).reshape(len(table))


def select_launch(table: ElementTable, designator: str) -> ElementTable:
    """Rows of ``table`` whose international designator belongs to launch ``designator``.

    ``designator`` is ``'1982-092'`` (or ``'82092'``); a piece letter, if given, is ignored.
    """
    want = launch_prefix(designator)
    if want is None:
        raise InputError(f"{designator!r} is not an international designator like 1982-092", field="designator")
    return table.take(_prefixes(table) == want)



def select_fragments(table: ElementTable, designator: str, *, parent: int | None = None,
                     include_all: bool = False) -> ElementTable:
    """The fragments of launch ``designator`` in ``table``: its rows without ``parent``, only
    debris and unknown objects unless ``include_all`` (types from the names:
    :func:`~orbitwatch.catalog.model.infer_object_type`).

    Fewer than two is :class:`InputError` ``INPUT_EMPTY`` (``field="fragments_designator"``).
    """
    frag = select_launch(table, designator)
    if parent is not None:
        frag = frag.take(frag.norad_id != parent)
    if not include_all:
        kinds = np.array([infer_object_type(n) for n in frag.names], dtype=object)
        frag = frag.take((kinds == "DEBRIS") | (kinds == "UNKNOWN"))
    if len(frag) < 2:
        raise InputError(f"fewer than 2 fragments of launch {designator}", code="INPUT_EMPTY",
                         field="fragments_designator")
    return frag

def _circ_mean_deg(x: Array) -> float:
    r = np.deg2rad(x)
    return float(np.rad2deg(np.arctan2(np.mean(np.sin(r)), np.mean(np.cos(r)))) % 360.0)


def _circ_std_deg(x: Array) -> float:
    r = np.deg2rad(x)
    R = float(np.hypot(np.mean(np.sin(r)), np.mean(np.cos(r))))
    return float(np.rad2deg(math.sqrt(-2.0 * math.log(max(R, 1e-300)))))


def _wrap180(x: Any) -> Any:
    return (np.asarray(x) + 180.0) % 360.0 - 180.0


def _is_debris(name: object) -> bool:
    s = f" {str(name or '').upper()} "
    return " DEB " in s or " DEBRIS " in s


def _raan_at(table: ElementTable, t: np.datetime64) -> Array:
    """RAAN (deg) carried to ``t`` with SGP4's secular J2/J4 node rate."""
    _, _, nodedot = secular_rates_rad_min(table.mean_motion_rev_per_day, table.eccentricity, table.inclination_deg)
    dt_min = seconds_between(table.epoch, t) / 60.0
    return np.asarray((table.raan_deg + np.rad2deg(nodedot * dt_min)) % 360.0, dtype=np.float64)


# ---------------------------------------------------------------------------
# Cloud description
# ---------------------------------------------------------------------------
@dataclass(frozen=True)
class CloudSummary:
    """Shape of a debris cloud from its mean elements (one catalogue epoch)."""

    pieces: int
    median_epoch: np.datetime64
    inclination_deg_median: float
    inclination_deg_iqr: float
    raan_deg_mean: float
    raan_deg_circular_std: float
    apogee_km_range: tuple[float, float]
    perigee_km_range: tuple[float, float]
    period_min_median: float

    def to_dict(self) -> dict[str, Any]:
        return {
            "pieces": self.pieces,
            "median_epoch_utc": str(format_utc(self.median_epoch, digits=0)),
            "inclination_deg_median": self.inclination_deg_median,
            "inclination_deg_iqr": self.inclination_deg_iqr,
            "raan_deg_mean": self.raan_deg_mean,
            "raan_deg_circular_std": self.raan_deg_circular_std,
            "apogee_km_range": list(self.apogee_km_range),
            "perigee_km_range": list(self.perigee_km_range),
            "period_min_median": self.period_min_median,
        }


def _median_epoch(table: ElementTable) -> np.datetime64:
    us = np.median(table.epoch.astype(UTC_DTYPE).astype(np.int64))
    return np.datetime64(int(us), "us")


def cloud_summary(table: ElementTable) -> CloudSummary:
    """Inclination and RAAN spread (RAAN carried to the median epoch), altitude band, period."""
    if len(table) == 0:
        raise InputError("an empty cloud has no summary", code="INPUT_EMPTY")
    t_med = _median_epoch(table)
    apo, per = apogee_perigee_altitude_km(table.mean_motion_rev_per_day, table.eccentricity, table.inclination_deg)
    raan = _raan_at(table, t_med)
    q1, q3 = np.percentile(table.inclination_deg, [25, 75])
    return CloudSummary(
        pieces=len(table),
        median_epoch=t_med,
        inclination_deg_median=float(np.median(table.inclination_deg)),
        inclination_deg_iqr=float(q3 - q1),
        raan_deg_mean=_circ_mean_deg(raan),
        raan_deg_circular_std=_circ_std_deg(raan),
        apogee_km_range=(float(np.min(apo)), float(np.max(apo))),
        perigee_km_range=(float(np.min(per)), float(np.max(per))),
        period_min_median=float(np.median(1440.0 / table.mean_motion_rev_per_day)),
    )


# Vallado 4th ed. table 8-4 (exponential atmosphere): base altitude km -> scale height km.
_SCALE_HEIGHT_TABLE = (
    (0, 7.249), (25, 6.349), (30, 6.682), (40, 7.554), (50, 8.382), (60, 7.714), (70, 6.549),
    (80, 5.799), (90, 5.382), (100, 5.877), (110, 7.263), (120, 9.473), (130, 12.636),
    (140, 16.149), (150, 22.523), (180, 29.740), (200, 37.105), (250, 45.546), (300, 53.628),
    (350, 53.298), (400, 58.515), (450, 60.828), (500, 63.822), (600, 71.835), (700, 88.667),
    (800, 124.64), (900, 181.05), (1000, 268.00),
)  # fmt: skip


def decay_lifetime_days(table: ElementTable) -> Array:
    """Remaining orbital lifetime (days) per object: King-Hele's ``H / |da/dt|`` (module docstring).

    NaN where the element set shows no decay (``ndot <= 0``).  Rough: solar activity,
    eccentric orbits and noisy ``ndot`` make it good to a factor of ~2 at best.
    """
    n = np.asarray(table.mean_motion_rev_per_day, dtype=np.float64)
    ndot = 2.0 * np.asarray(table.mean_motion_dot_rev_per_day2, dtype=np.float64)  # rev/day^2
    a = semi_major_axis_km(n, table.eccentricity, table.inclination_deg)
    _, per = apogee_perigee_altitude_km(n, table.eccentricity, table.inclination_deg)
    base = np.array([b for b, _ in _SCALE_HEIGHT_TABLE], dtype=np.float64)
    hs = np.array([h for _, h in _SCALE_HEIGHT_TABLE], dtype=np.float64)
    idx = np.clip(np.searchsorted(base, per, side="right") - 1, 0, base.size - 1)
    H = hs[idx]
    dadt = -(2.0 / 3.0) * a * ndot / n  # km/day
    with np.errstate(divide="ignore", invalid="ignore"):
        life = np.where(dadt < 0, H / np.abs(dadt), np.nan)
    return np.asarray(life, dtype=np.float64)


# ---------------------------------------------------------------------------
# Detection
# ---------------------------------------------------------------------------
@dataclass(frozen=True)
class ObjectFacts:
    """What a SATCAT says about one object: the attribution evidence beyond the element sets.

    Built from :class:`orbitwatch.catalog.satcat.SatcatRecord` (:meth:`from_satcat`) or from
    the store's metadata by the shell.  ``object_type`` is one of PAYLOAD, ROCKET BODY,
    DEBRIS, UNKNOWN; dates are UTC ``datetime64[us]`` or None.
    """

    norad_id: int
    name: str | None
    cospar_id: str | None
    object_type: str | None
    launch_date: np.datetime64 | None = None
    decay_date: np.datetime64 | None = None
    owner: str | None = None

    @classmethod
    def from_satcat(cls, rec: Any) -> ObjectFacts:
        return cls(int(rec.norad_id), rec.name, rec.cospar_id, rec.object_type, rec.launch_date, rec.decay_date,
                   getattr(rec, "owner", None))


#: The kinds of cluster :func:`detect_fragmentations` reports.
CLUSTER_KINDS = ("fragmentation", "late_catalogued", "deployment", "new_launch")


@dataclass(frozen=True)
class FragmentationEvent:
    """A cluster of new objects of one launch: what it is, its parent and its members.

    ``kind``: ``fragmentation`` (a breakup between the two catalogues), ``late_catalogued``
    (pieces of an older breakup whose siblings were already catalogued), ``deployment``
    (objects released by a payload or station of an older launch) or ``new_launch``.
    ``attribution`` names the evidence that decided the parent: ``debris_name``,
    ``designator`` (piece A of the launch), ``satcat_type`` (the launch's payload or rocket
    body on orbit before, from the SATCAT), ``geometry`` (best orbit match alone) or
    ``none``.  ``event_window`` (fragmentations only): from the parent's last element set
    before the event (or the launch) to the earliest member epoch; ``parent_elements``
    says whether the parent's set is ``pre_event`` (from the "before" catalogue),
    ``post_event`` (only the "after" catalogue has it) or ``none``.
    """

    launch: str
    parent_norad: int | None
    parent_name: str | None
    pieces: int
    new_norad_ids: npt.NDArray[np.int64]
    launch_known_before: bool
    summary: CloudSummary
    associated_norad_ids: npt.NDArray[np.int64] = field(default_factory=lambda: np.zeros(0, dtype=np.int64))
    kind: str = "fragmentation"
    attribution: str = "geometry"
    attribution_detail: str = ""
    event_window: tuple[np.datetime64, np.datetime64] | None = None
    parent_elements: str = "none"
    prior_pieces: int = 0

    def to_dict(self) -> dict[str, Any]:
        win = None
        if self.event_window is not None:
            win = {"start_utc": str(format_utc(self.event_window[0], digits=0)),
                   "end_utc": str(format_utc(self.event_window[1], digits=0))}
        return {
            "launch": self.launch,
            "kind": self.kind,
            "parent_norad": self.parent_norad,
            "parent_name": self.parent_name,
            "attribution": self.attribution,
            "attribution_detail": self.attribution_detail,
            "parent_elements": self.parent_elements,
            "event_window": win,
            "pieces": self.pieces,
            "prior_pieces": self.prior_pieces,
            "members": [int(x) for x in self.new_norad_ids],
            "launch_known_before": self.launch_known_before,
            "associated_pieces": int(self.associated_norad_ids.size),
            "associated_norad_ids": [int(x) for x in self.associated_norad_ids],
            **{k: v for k, v in self.summary.to_dict().items() if k != "pieces"},
        }


def _parent_score(cands: ElementTable, cloud: ElementTable) -> Array:
    """Orbit mismatch of each candidate to the cloud (dimensionless, smaller is better).

    ``|di| / 1 deg + |dn| / 0.2 rev/day + |dRAAN at the cloud's epoch| / 10 deg``.
    """
    t_med = _median_epoch(cloud)
    raan_c = _circ_mean_deg(_raan_at(cloud, t_med))
    raan_p = _raan_at(cands, t_med)
    di = np.abs(cands.inclination_deg - np.median(cloud.inclination_deg))
    dn = np.abs(cands.mean_motion_rev_per_day - np.median(cloud.mean_motion_rev_per_day))
    dr = np.abs(_wrap180(raan_p - raan_c))
    return np.asarray(di / 1.0 + dn / 0.2 + dr / 10.0, dtype=np.float64)


_BASE_RE = re.compile(r"^(.*?)\s+(?:DEB|DEBRIS|COOLANT)\b")


def debris_base_name(name: object) -> str | None:
    """``'COSMOS 2251 DEB'`` -> ``'COSMOS 2251'``; ``'USA 40 R/B DEB'`` -> ``'USA 40 R/B'``;
    ``'COSMOS 1818 COOLANT'`` -> ``'COSMOS 1818'``; None for a name without DEB/COOLANT."""
    m = _BASE_RE.match(str(name or "").upper().strip())
    return m.group(1).strip() if m and m.group(1).strip() else None


def _kind_of(norad: int, name: object, facts: Mapping[int, ObjectFacts]) -> str:
    """PAYLOAD / ROCKET BODY / DEBRIS / UNKNOWN: the SATCAT's type, else inferred from the name."""
    f = facts.get(norad)
    if f is not None and f.object_type:
        return f.object_type
    return infer_object_type(None if name is None else str(name))


@dataclass(frozen=True)
class _Candidate:
    norad: int
    name: str | None  # the SATCAT's name when known (catalogue of record), else the catalogue's
    names: tuple[str, ...]  # every name it goes by (catalogue and SATCAT), upper case
    cospar: str | None
    object_type: str
    in_before: bool
    decayed_before: bool
    score: float  # orbit mismatch to the cloud (inf without elements)


def _candidates(launch: str, cloud: ElementTable, *, before: ElementTable, pre_before: npt.NDArray[np.object_],
                after_old: ElementTable, facts: Mapping[int, ObjectFacts], launch_facts: list[ObjectFacts],
                t_before: np.datetime64) -> list[_Candidate]:
    """Every object of ``launch`` that is not a member: in "before", in "after", in the SATCAT."""
    rows: dict[int, tuple[str | None, str | None, bool, ElementSet | None]] = {}
    old = before.take(pre_before == launch)
    for i in range(len(old)):
        rows[int(old.norad_id[i])] = (old.names[i], old.cospar_ids[i], True, old.element_set(i))
    for i in range(len(after_old)):
        rows.setdefault(int(after_old.norad_id[i]), (after_old.names[i], after_old.cospar_ids[i], False,
                                                     after_old.element_set(i)))
    members = set(int(x) for x in cloud.norad_id)
    for f in launch_facts:
        if f.norad_id not in rows and f.norad_id not in members:
            rows[f.norad_id] = (None, f.cospar_id, False, None)
    out = []
    with_sets = [n for n, r in rows.items() if r[3] is not None]
    scores: dict[int, float] = {}
    if with_sets:
        tab = ElementTable.from_element_sets([rows[n][3] for n in with_sets])  # type: ignore[misc]
        scores = dict(zip(with_sets, (float(x) for x in _parent_score(tab, cloud)), strict=True))
    for n, (cat_name, cospar, in_before, _) in rows.items():
        g = facts.get(n)
        names = tuple(str(x).upper().strip() for x in (cat_name, None if g is None else g.name) if x)
        decayed = bool(g is not None and g.decay_date is not None and g.decay_date < t_before)
        out.append(_Candidate(n, (g.name if g is not None and g.name else cat_name), names,
                              (g.cospar_id if g is not None and g.cospar_id else cospar),
                              _kind_of(n, cat_name, facts), in_before, decayed, scores.get(n, math.inf)))
    return out


def _best(cands: list[_Candidate]) -> _Candidate:
    """Among equally good candidates: on orbit in "before" first, then the closest orbit."""
    return min(cands, key=lambda c: (not c.in_before, c.decayed_before, c.score, c.norad))


def _attribute(base: str | None, cands: list[_Candidate]) -> tuple[_Candidate | None, str, str]:
    """The parent from the evidence, in the order a human uses it (module docstring)."""
    if not cands:
        return None, "none", "no other object of the launch is known"
    if base:
        intact = [c for c in cands if c.object_type != "DEBRIS"]
        for label, pool, test in (
            ("named", intact, lambda nm: nm == base),
            ("named", intact, lambda nm: nm.startswith(base + " ")),
            ("named", cands, lambda nm: nm == base or nm.startswith(base + " ")),
        ):
            hit = [c for c in pool if any(test(nm) for nm in c.names)]
            if hit:
                c = _best(hit)
                return c, "debris_name", f"members are named '{base} DEB': {label} '{c.name}'"
    piece_a = [c for c in cands if c.cospar and c.cospar.strip().upper()[8:] == "A" and not c.decayed_before
               and c.object_type != "DEBRIS"]
    if piece_a:
        c = _best(piece_a)
        return c, "designator", f"piece A of the launch ({c.cospar})"
    typed = [c for c in cands if c.object_type in ("PAYLOAD", "ROCKET BODY") and not c.decayed_before]
    if typed:
        c = _best(typed)
        return c, "satcat_type", f"{c.object_type.lower()} of the launch on orbit before, closest orbit"
    c = _best(cands)
    return c, "geometry", "closest orbit among the launch's objects"


def detect_fragmentations(
    before: ElementTable,
    after: ElementTable,
    *,
    since: Any = None,
    min_pieces: int = 5,
    associate_by_orbit: bool = False,
    satcat: Mapping[int, ObjectFacts] | None = None,
) -> list[FragmentationEvent]:
    """Clusters of new objects between two catalogues, with their kind and parent, largest first.

    ``before``/``after``: one element set per object.  New objects are those of ``after``
    absent from ``before`` (and, with ``since``, with an epoch at or after it), grouped by
    launch; each launch's new objects split into debris (SATCAT type DEBRIS, else a DEB
    name; unidentified objects join the larger part) and the rest.  A part of at least
    ``min_pieces`` is a cluster (module docstring for kinds and attribution).  ``satcat``
    (NORAD id -> :class:`ObjectFacts`) supplies types, names, launch and decay dates.
    """
    if min_pieces < 1:
        raise InputError(f"min_pieces must be >= 1, not {min_pieces}", field="min_pieces")
    facts: Mapping[int, ObjectFacts] = satcat or {}
    known = set(int(x) for x in before.norad_id)
    is_new = np.array([int(x) not in known for x in after.norad_id], dtype=bool)
    if since is not None:
        is_new &= after.epoch >= as_utc(since, what="since")
    pre_after = _prefixes(after)
    pre_before = _prefixes(before)
    t_before = before.epoch.max().astype(UTC_DTYPE) if len(before) else np.datetime64("1957-10-04", "us")
    new_idx = np.flatnonzero(is_new & (pre_after != None))  # noqa: E711 (object array)
    groups: dict[str, list[int]] = {}
    for i in new_idx:
        groups.setdefault(str(pre_after[i]), []).append(int(i))
    by_launch: dict[str, list[ObjectFacts]] = {}
    for f in facts.values():
        lp = launch_prefix(f.cospar_id)
        if lp in groups:
            by_launch.setdefault(lp, []).append(f)
    events: list[FragmentationEvent] = []
    for launch, idx_list in groups.items():
        if len(idx_list) < min_pieces:
            continue
        idx = np.array(idx_list)
        kinds = np.array([_kind_of(int(after.norad_id[i]), after.names[i], facts) for i in idx], dtype=object)
        deb = kinds == "DEBRIS"
        unk = kinds == "UNKNOWN"
        rest = ~deb & ~unk
        known_before = bool(np.any(pre_before == launch))
        # Unidentified objects (OBJECT A, TBA) join the debris where debris dominates an old
        # launch; on a new launch they are its payloads not yet named.
        # Only unidentified pieces on an old launch: a breakup spreads their periods, a
        # release from a carrier does not.
        spread = bool(known_before and deb.sum() == rest.sum() == 0 and unk.sum() >= min_pieces
                      and _along_track_spread_m_s(after.take(idx)) >= NEW_LAUNCH_BREAKUP_MIN_DV_M_S)
        debris_part = deb | (unk & known_before & ((deb.sum() > rest.sum()) | spread))
        after_old = after.take(np.flatnonzero((pre_after == launch) & ~is_new))
        for is_debris, part in ((True, debris_part), (False, ~debris_part)):
            if part.sum() < min_pieces:
                continue
            cloud = after.take(idx[part])
            ev = _classify(launch, cloud, is_debris=is_debris, known_before=known_before, before=before,
                           pre_before=pre_before, after_old=after_old, facts=facts,
                           launch_facts=by_launch.get(launch, []), t_before=t_before, min_pieces=min_pieces)
            events.append(ev)
    events.sort(key=lambda e: -e.pieces)
    if associate_by_orbit and events:
        events = _associate(events, after, is_new, pre_after)
    return events


#: A new launch's debris is a breakup when it has this many pieces, or when their period
#: spread implies this much along-track delta-v (interquartile range, m/s).
NEW_LAUNCH_BREAKUP_MIN_PIECES = 50
NEW_LAUNCH_BREAKUP_MIN_DV_M_S = 10.0


def _along_track_spread_m_s(cloud: ElementTable) -> float:
    """Interquartile range of the along-track delta-v implied by the pieces' periods (Gauss,
    near-circular: ``dv_t = v dP / (3 P)``), m/s."""
    n = np.asarray(cloud.mean_motion_rev_per_day, dtype=np.float64)
    a = semi_major_axis_km(n, cloud.eccentricity, cloud.inclination_deg)
    v_km_s = np.sqrt(WGS72_MU_KM3_S2 / np.median(a))
    period = 1440.0 / n
    q1, q3 = np.percentile(period, [25, 75])
    return float(v_km_s * 1000.0 * (q3 - q1) / (3.0 * np.median(period)))


def _classify(launch: str, cloud: ElementTable, *, is_debris: bool, known_before: bool, before: ElementTable,
              pre_before: npt.NDArray[np.object_], after_old: ElementTable, facts: Mapping[int, ObjectFacts],
              launch_facts: list[ObjectFacts], t_before: np.datetime64, min_pieces: int) -> FragmentationEvent:
    """Kind, parent and event window of one cluster (module docstring)."""
    summary = cloud_summary(cloud)
    cands = _candidates(launch, cloud, before=before, pre_before=pre_before, after_old=after_old, facts=facts,
                        launch_facts=launch_facts, t_before=t_before)
    window: tuple[np.datetime64, np.datetime64] | None = None
    prior = 0
    if not is_debris:
        kind = "deployment" if known_before else "new_launch"
        if kind == "new_launch":
            return FragmentationEvent(launch, None, None, len(cloud), np.asarray(cloud.norad_id, np.int64),
                                      known_before, summary, kind=kind, attribution="none",
                                      attribution_detail="objects of a launch absent from the 'before' catalogue")
        # The carrier: piece A of the launch when it was on orbit before, else its payload
        # with the closest orbit.
        on_orbit = [c for c in cands if c.in_before]
        parent: _Candidate | None = None
        how, detail = "none", "no object of the launch in the 'before' catalogue"
        piece_a = [c for c in on_orbit if c.cospar and c.cospar.strip().upper()[8:] == "A"]
        payloads = [c for c in on_orbit if c.object_type == "PAYLOAD"]
        if piece_a:
            parent, how, detail = _best(piece_a), "designator", "piece A of the launch, on orbit before"
        elif payloads or on_orbit:
            parent = _best(payloads or on_orbit)
            how, detail = "geometry", "object of the launch on orbit before, closest orbit"
    else:
        bases = [debris_base_name(n) for n in cloud.names]
        for k, n in enumerate(cloud.norad_id):  # the SATCAT name where the catalogue's says nothing
            f = facts.get(int(n))
            if bases[k] is None and f is not None:
                bases[k] = debris_base_name(f.name)
        named = [b for b in bases if b]
        base = max(set(named), key=lambda b: (named.count(b), b)) if named else None
        parent, how, detail = _attribute(base, cands)
        # Old pieces of the same parent in "before": are the new ones more of that old cloud?
        old = before.take(pre_before == launch)
        old_kind = np.array([_kind_of(int(n), nm, facts) for n, nm in zip(old.norad_id, old.names, strict=True)],
                            dtype=object)
        same = old_kind == "DEBRIS"
        if base is not None:
            same &= np.array([debris_base_name(nm) == base for nm in old.names], dtype=bool)
        prior = int(same.sum())
        kind = "fragmentation"
        if not known_before:
            # Debris of a new launch: a breakup throws pieces onto orbits of different
            # periods; mission-related debris released at launch stays on the launch orbit.
            dv_iqr = _along_track_spread_m_s(cloud)
            if len(cloud) < NEW_LAUNCH_BREAKUP_MIN_PIECES and dv_iqr < NEW_LAUNCH_BREAKUP_MIN_DV_M_S:
                kind = "new_launch"
                detail += (f"; debris of a new launch on nearly one orbit (period spread = {dv_iqr:.1f} m/s "
                           "along-track): mission-related, not a breakup")
        elif prior >= min_pieces:
            t_med = summary.median_epoch
            spread_new = _circ_std_deg(_raan_at(cloud, t_med))
            spread_old = _circ_std_deg(_raan_at(old.take(same), t_med))
            if spread_new >= 0.5 * spread_old:
                kind = "late_catalogued"
                detail += (f"; {prior} pieces of it already catalogued before, node spread {spread_new:.1f} deg "
                           f"like theirs ({spread_old:.1f} deg)")
    parent_norad = None if parent is None else parent.norad
    par_set = "none"
    if parent is not None:
        par_set = "pre_event" if parent.in_before else ("post_event" if not math.isinf(parent.score) else "none")
    if kind == "fragmentation":
        end = cloud.epoch.min().astype(UTC_DTYPE)
        start: np.datetime64 | None = None
        if parent is not None and parent.in_before:
            start = before.epoch[before.norad_id == parent.norad][0].astype(UTC_DTYPE)
        else:
            launched = [f.launch_date for c in cands if (f := facts.get(c.norad)) is not None and f.launch_date]
            if launched:
                start = min(launched)
            elif not known_before:
                start = t_before
        if start is not None and start < end:
            window = (start, end)
    return FragmentationEvent(
        launch=launch,
        parent_norad=parent_norad,
        parent_name=None if parent is None else parent.name,
        pieces=len(cloud),
        new_norad_ids=np.asarray(cloud.norad_id, dtype=np.int64),
        launch_known_before=known_before,
        summary=summary,
        kind=kind,
        attribution=how,
        attribution_detail=detail,
        event_window=window,
        parent_elements=par_set,
        prior_pieces=prior,
    )


def _associate(
    events: list[FragmentationEvent],
    after: ElementTable,
    is_new: npt.NDArray[np.bool_],
    pre_after: npt.NDArray[np.object_],
) -> list[FragmentationEvent]:
    """Add new objects of other launches whose plane and altitude band match a cloud."""
    used: set[int] = set()
    for e in events:
        used.update(int(x) for x in e.new_norad_ids)
    rest_idx = np.array(
        [i for i in np.flatnonzero(is_new) if int(after.norad_id[i]) not in used], dtype=np.int64
    )
    if rest_idx.size == 0:
        return events
    rest = after.take(rest_idx)
    rest_apo, rest_per = apogee_perigee_altitude_km(
        rest.mean_motion_rev_per_day, rest.eccentricity, rest.inclination_deg
    )
    out = []
    for e in events:
        cloud = after.take(np.isin(after.norad_id, e.new_norad_ids))
        t_med = e.summary.median_epoch
        raan_cloud = _raan_at(cloud, t_med)
        mu_r = _circ_mean_deg(raan_cloud)
        tol_r = max(3.0 * float(np.median(np.abs(_wrap180(raan_cloud - mu_r)))), 1.0)
        inc = cloud.inclination_deg
        tol_i = max(3.0 * float(np.median(np.abs(inc - np.median(inc)))), 0.3)
        ok = (
            (np.abs(rest.inclination_deg - np.median(inc)) <= tol_i)
            & (np.abs(_wrap180(_raan_at(rest, t_med) - mu_r)) <= tol_r)
            & (rest_per <= e.summary.apogee_km_range[1])
            & (rest_apo >= e.summary.perigee_km_range[0])
        )
        out.append(
            FragmentationEvent(**{**e.__dict__, "associated_norad_ids": np.asarray(rest.norad_id[ok], np.int64)})
        )
    return out


# ---------------------------------------------------------------------------
# Reconstruction
# ---------------------------------------------------------------------------
@dataclass(frozen=True)
class EventReconstruction:
    """Estimated breakup epoch, place and delta-v distribution, with a verdict (module docstring).

    ``verdict``: ``reconstructed`` (one convergence point, epoch interval from resampling
    and input variants), ``ambiguous_revolution`` (the fragment orbits meet, but several
    revolutions fit: the interval spans them; latitude and altitude hold, longitude does
    not) or ``failed`` (no convergence can be established: the interval is what the
    input bounds, ``known`` what can still be said).  ``epoch_interval`` is
    ``(start, end)`` with None for an unbounded side.  Attributes are NaN / NaT / empty
    where the search was not run; :meth:`to_dict` gives null for what the verdict does
    not support.
    """

    parent_norad: int | None
    event_epoch: np.datetime64
    epoch_uncertainty_s: float
    epoch_bootstrap_std_s: float
    epoch_resolution_s: float
    latitude_deg: float
    longitude_deg: float
    altitude_km: float
    position_uncertainty_km: float
    fragments: int
    min_spread_km: float
    revolution_margin: float  # stage-1 spread of the best other revolution / the chosen one's
    delta_v_m_s: Array  # (N,) NaN where propagation failed
    delta_v_ric_m_s: Array  # (N, 3)
    fragment_norad_ids: npt.NDArray[np.int64]
    reference: str  # "parent" or "medoid fragment N"
    coarse_times: npt.NDArray[np.datetime64]
    coarse_spread_km: Array
    fine_times: npt.NDArray[np.datetime64]
    fine_spread_km: Array
    verdict: str = "reconstructed"
    verdict_reason: str = ""
    epoch_interval: tuple[np.datetime64 | None, np.datetime64 | None] = (None, None)
    search_window: tuple[np.datetime64, np.datetime64] | None = None
    coarse_step_s: float = math.nan
    fine_step_s: float = math.nan
    variants: tuple[tuple[str, np.datetime64], ...] = ()
    candidate_epochs: npt.NDArray[np.datetime64] = field(
        default_factory=lambda: np.zeros(0, dtype=UTC_DTYPE))
    known: dict[str, Any] = field(default_factory=dict)
    parent_elements: str = "none"  # "pre_event", "post_event" (:func:`parent_elements_kind`) or "none"

    @property
    def revolution_ambiguous(self) -> bool:
        """True when another revolution's cloud spread is within a factor 1.5 of the chosen
        one: the epoch may then be off by whole orbital periods (old element sets)."""
        return bool(self.revolution_margin < REVOLUTION_MARGIN_MIN)

    @property
    def posigrade_fraction(self) -> float:
        """Fraction of the fragments (with a delta-v) pushed forward along-track (NaN if none)."""
        dvt = self.delta_v_ric_m_s[:, 1] if self.delta_v_ric_m_s.size else np.zeros(0)
        dvt = dvt[np.isfinite(dvt)]
        return float(np.mean(dvt > 0.0)) if dvt.size else math.nan

    def delta_v_stats(self) -> dict[str, float]:
        dv = self.delta_v_m_s[np.isfinite(self.delta_v_m_s)]
        if dv.size == 0:
            return {"median": math.nan, "p90": math.nan, "max": math.nan}
        return {
            "median": float(np.median(dv)),
            "p90": float(np.percentile(dv, 90)),
            "max": float(np.max(dv)),
        }

    def along_track_stats(self) -> dict[str, float]:
        """Percentiles (10, 25, 50, 75, 90) of the along-track delta-v (m/s, + = posigrade)."""
        dvt = self.delta_v_ric_m_s[:, 1] if self.delta_v_ric_m_s.size else np.zeros(0)
        dvt = dvt[np.isfinite(dvt)]
        keys = ("p10", "p25", "median", "p75", "p90")
        if dvt.size == 0:
            return dict.fromkeys(keys, math.nan)
        return dict(zip(keys, (float(x) for x in np.percentile(dvt, [10, 25, 50, 75, 90])), strict=True))

    def summary_rows(self) -> list[tuple[str, str]]:
        """(label, text) rows for a human-readable table: the verdict first, ``-`` where
        the verdict supports no value (the shell prints them as they are)."""
        d = self.to_dict()

        def f(x: Any, fmt: str = "", unit: str = "") -> str:
            return "-" if x is None else f"{format(x, fmt)}{unit}"

        iv = d["epoch_interval_utc"]
        deg = "\u00b0"
        dv, at = d["delta_v_m_s"], d["along_track_delta_v_m_s"]
        search = d["search"]
        return [
            ("verdict", f"{d['verdict']}: {d['verdict_reason']}"),
            ("parent", f"{self.parent_norad or '-'} (reference: {self.reference}"
                       + (", post-event element set)" if self.parent_elements == "post_event" else ")")),
            ("event epoch (UTC)", f"{d['event_epoch_utc'] or '-'} \u00b1 {f(d['epoch_uncertainty_s'], '', ' s')}"),
            ("epoch interval (UTC)", f"{iv['start'] or 'unbounded'} .. {iv['end'] or 'unbounded'}"),
            ("latitude, longitude", f"{f(d['latitude_deg'], '.2f', deg)}, {f(d['longitude_deg'], '.2f', deg)}"),
            ("altitude", f"{f(d['altitude_km'], '', ' km')} (\u00b1{f(d['position_uncertainty_km'], '', ' km')} "
                         "along-track)"),
            ("fragments", str(self.fragments)),
            ("residual spread", f(d["min_spread_km"], "", " km")),
            ("delta-v median / p90 / max", f"{f(dv['median'])} / {f(dv['p90'])} / {f(dv['max'])} m/s"),
            ("along-track delta-v p10 / median / p90", f"{f(at['p10'])} / {f(at['median'])} / {f(at['p90'])} m/s"),
            ("posigrade fraction", f(d["posigrade_fraction"])),
            ("revolution margin", f(d["revolution_margin"])),
            ("search", f"{search['window_start_utc'] or '-'} .. {search['window_end_utc'] or '-'}, steps "
                       f"{f(search['coarse_step_s'], '', ' s')} / {f(search['fine_step_s'], '', ' s')}"),
        ]

    def to_dict(self) -> dict[str, Any]:
        """The CLI's ``--json`` record (JSON-ready: null where the verdict supports no value)."""
        ok = self.verdict != "failed"
        rec = self.verdict == "reconstructed"

        def num(x: float, nd: int, keep: bool = True) -> float | None:
            return round(float(x), nd) if keep and math.isfinite(x) else None

        def utc(t: np.datetime64 | None) -> str | None:
            return None if t is None or np.isnat(t) else str(format_utc(t, digits=0))

        lo, hi = self.epoch_interval
        dv_ok = ok and self.delta_v_m_s.size > 0
        per_fragment = []
        if dv_ok:
            for k, nid in enumerate(self.fragment_norad_ids):
                r_, i_, c_ = (float(x) for x in self.delta_v_ric_m_s[k])
                per_fragment.append({"norad": int(nid), "delta_v_m_s": num(self.delta_v_m_s[k], 1),
                                     "radial_m_s": num(r_, 1), "along_track_m_s": num(i_, 1),
                                     "cross_track_m_s": num(c_, 1)})
        sw = self.search_window
        return {
            "parent_norad": self.parent_norad,
            "verdict": self.verdict,
            "verdict_reason": self.verdict_reason,
            "event_epoch_utc": utc(self.event_epoch) if ok else None,
            "epoch_uncertainty_s": num(self.epoch_uncertainty_s, 1),
            "epoch_interval_utc": {"start": utc(lo), "end": utc(hi)},
            "latitude_deg": num(self.latitude_deg, 3, ok),
            "longitude_deg": num(self.longitude_deg, 3, rec),
            "altitude_km": num(self.altitude_km, 1, ok),
            "position_uncertainty_km": num(self.position_uncertainty_km, 1, rec),
            "fragments": self.fragments,
            "min_spread_km": num(self.min_spread_km, 2),
            "revolution_margin": num(self.revolution_margin, 2),
            "revolution_ambiguous": self.revolution_ambiguous if math.isfinite(self.revolution_margin) else None,
            "reference": self.reference,
            "parent_elements": self.parent_elements,
            "search": {
                "window_start_utc": utc(sw[0]) if sw else None,
                "window_end_utc": utc(sw[1]) if sw else None,
                "coarse_step_s": num(self.coarse_step_s, 1),
                "fine_step_s": num(self.fine_step_s, 1),
            },
            "variants": [{"variant": lab, "event_epoch_utc": utc(t)} for lab, t in self.variants],
            "candidate_epochs_utc": [utc(t) for t in self.candidate_epochs[:100]],
            "candidate_revolutions": int(self.candidate_epochs.size),
            "delta_v_m_s": {k: num(v, 1, dv_ok) for k, v in self.delta_v_stats().items()},
            "along_track_delta_v_m_s": {k: num(v, 1, dv_ok) for k, v in self.along_track_stats().items()},
            "posigrade_fraction": num(self.posigrade_fraction, 3, dv_ok),
            "per_fragment_delta_v": per_fragment,
            "known": self.known,
        }


def _states(
    frag: ElementTable, parent: ElementSet | None, times: npt.NDArray[np.datetime64]
) -> tuple[Array, Array, Array, Array]:
    """Fragment ``r, v (N,T,3)`` (NaN where SGP4 failed) and the reference ``r, v (T,3)``.

    The reference is the parent, else the per-time median of the fragments.
    """
    eph = propagate(frag, times)
    r = np.where(eph.err[..., None] == 0, eph.r_km, np.nan)
    v = np.where(eph.err[..., None] == 0, eph.v_km_s, np.nan)
    if parent is not None:
        pe = propagate([parent], times)
        rr, vr = pe.r_km[0], pe.v_km_s[0]
    else:
        with np.errstate(all="ignore"):
            rr = np.nanmedian(r, axis=0)
            vr = np.nanmedian(v, axis=0)
    return r, v, rr, vr


def _arg_lat(r: Array, h_hat: Array) -> Array:
    """Argument of latitude (rad) of positions ``r`` in planes with unit normals ``h_hat``."""
    node = np.stack([-h_hat[..., 1], h_hat[..., 0], np.zeros_like(h_hat[..., 0])], axis=-1)
    node /= np.linalg.norm(node, axis=-1, keepdims=True)
    q = np.cross(h_hat, node)
    return np.asarray(np.arctan2(np.sum(r * q, axis=-1), np.sum(r * node, axis=-1)), dtype=np.float64)


def _orbit_states(
    frag: ElementTable, r_ref: Array, times: npt.NDArray[np.datetime64], iterations: int = 2
) -> tuple[Array, Array]:
    """:func:`_orbit_shift_states` without the shifts."""
    r, v, _ = _orbit_shift_states(frag, r_ref, times, iterations)
    return r, v


def _orbit_shift_states(
    frag: ElementTable, r_ref: Array, times: npt.NDArray[np.datetime64], iterations: int = 2
) -> tuple[Array, Array, Array]:
    """Fragment states ``r, v (N,T,3)`` where each fragment's orbit passes the reference.

    For each fragment and time, the fragment is moved along its own SGP4 trajectory to
    the time ``tau`` at which its argument of latitude equals that of the reference
    point ``r_ref (T,3)`` (projected into the fragment's plane; Newton steps
    ``du / u_dot``).  ``|r - r_ref|`` is then the distance of the reference to the
    fragment's *orbit*: along-track errors of the element sets (drag over days) drop
    out, the radial/cross-track mismatch remains.  Also returns the shifts ``tau - t``
    (N, T) in seconds: each element set's along-track timing offset from the reference.
    """
    sats = satrecs(frag)
    t_jd, t_fr = jd_utc(times)
    r_out = np.full((len(frag), times.size, 3), np.nan)
    v_out = np.full((len(frag), times.size, 3), np.nan)
    s_out = np.full((len(frag), times.size), np.nan)
    for i, sat in enumerate(sats):
        jd = np.asarray(t_jd, dtype=np.float64).copy()
        fr_ = np.asarray(t_fr, dtype=np.float64).copy()
        for k in range(iterations + 1):
            e, r, v = sat.sgp4_array(jd, fr_)
            r = np.where(e[:, None] == 0, r, np.nan)
            v = np.where(e[:, None] == 0, v, np.nan)
            if k == iterations:
                break
            h = np.cross(r, v)
            h_hat = h / np.linalg.norm(h, axis=-1, keepdims=True)
            du = _wrap_rad(_arg_lat(r_ref, h_hat) - _arg_lat(r, h_hat))
            udot = np.linalg.norm(h, axis=-1) / np.sum(r * r, axis=-1)  # rad/s
            fr_ = fr_ + (du / udot) / 86400.0
        r_out[i], v_out[i] = r, v
        s_out[i] = (fr_ - np.asarray(t_fr, dtype=np.float64)) * 86400.0
    return r_out, v_out, s_out


def _nanmedian(x: Array, axis: int, q: float = 50.0) -> Array:
    """Percentile ``q`` over ``axis`` ignoring NaN (linear interpolation); NaN where all are NaN.

    Sort-based (NaN sorts last), so it stays vectorised where ``np.nanpercentile`` loops.
    """
    xs = np.moveaxis(np.sort(np.asarray(x, dtype=np.float64), axis=axis), axis, 0)
    nfin = np.sum(np.isfinite(xs), axis=0)
    pos = (q / 100.0) * np.maximum(nfin - 1, 0)
    lo = np.floor(pos).astype(np.int64)
    hi = np.minimum(lo + 1, np.maximum(nfin - 1, 0))
    vlo = np.take_along_axis(xs, lo[None], axis=0)[0]
    vhi = np.take_along_axis(xs, hi[None], axis=0)[0]
    out = vlo + (pos - lo) * (vhi - vlo)
    return np.asarray(np.where(nfin > 0, out, np.nan), dtype=np.float64)


def _wrap_rad(x: Array) -> Array:
    return np.asarray((x + np.pi) % (2.0 * np.pi) - np.pi, dtype=np.float64)


def _grid(start: np.datetime64, end: np.datetime64, step_s: float) -> npt.NDArray[np.datetime64]:
    span_us = int((end - start).astype(np.int64))
    step_us = max(1, round(step_s * 1e6))
    n = span_us // step_us + 1
    return (start + (np.arange(n, dtype=np.int64) * step_us).astype("timedelta64[us]")).astype(UTC_DTYPE)


def _local_minima(y: Array, k: int) -> npt.NDArray[np.int64]:
    """Indices of the ``k`` smallest local minima of ``y`` (NaN-safe)."""
    z = np.where(np.isfinite(y), y, np.inf)
    if z.size < 3:
        return np.array([int(np.argmin(z))], dtype=np.int64)
    inner = np.flatnonzero((z[1:-1] <= z[:-2]) & (z[1:-1] <= z[2:])) + 1
    cand = np.concatenate([inner, [0, z.size - 1]])
    cand = cand[np.isfinite(z[cand])]
    if cand.size == 0:
        return np.array([int(np.argmin(z))], dtype=np.int64)
    return np.asarray(cand[np.argsort(z[cand])][:k], dtype=np.int64)


POSITION_QUANTILE = 25.0
REVOLUTION_MARGIN_MIN = 1.5
DV_MAX_MISS_FACTOR = 20.0
DV_MAX_MISS_FLOOR_KM = 50.0
#: Verdict limits (docs/fragmentation.md, "Verdicts"): the fragments' orbits meet when the
#: median distance of the reference to them falls below this at the minimum (measured: 0.4-1.1 km
#: for COSMOS 1408 two weeks after, 2.7 km two months after; 43-560 km for clouds 9 months to
#: 13 years old, whose minimum is no convergence at all).
MAX_CONVERGENCE_RESIDUAL_KM = 15.0
#: Element sets more than this many days after the earliest possible event cannot be carried
#: back to one revolution: at two months COSMOS 1408's revolution margin was already 1.05.
MAX_BACK_PROPAGATION_DAYS = 120.0
#: The coarse search steps at most this fraction of an orbital period (else no revolution
#: could be told from the next); a window that would need more samples is not searched.
MAX_COARSE_STEP_PERIODS = 0.125
MAX_COARSE_STATES = 6_000_000
MIN_COARSE_FRAGMENTS = 30


def _launch_year_start(table: ElementTable) -> np.datetime64 | None:
    """1 January of the launch year of most of the pieces (the earliest a breakup can be)."""
    pre = [p for p in _prefixes(table) if p]
    if not pre:
        return None
    year = max(set(pre), key=pre.count)[:4]
    return np.datetime64(f"{year}-01-01T00:00:00", "us")


def _cloud_facts(frag: ElementTable, parent: ElementSet | None) -> dict[str, Any]:
    """What the element sets establish however old they are: the plane, the Gabbard centre
    (mean altitude band: the parent's orbit is where the X crosses), the parent's launch."""
    s = cloud_summary(frag)
    n = np.asarray(frag.mean_motion_rev_per_day, dtype=np.float64)
    a = semi_major_axis_km(n, frag.eccentricity, frag.inclination_deg)
    mean_alt = a - WGS72_RADIUS_KM
    q1, q2, q3 = (float(x) for x in np.percentile(mean_alt, [25, 50, 75]))
    pre = [p for p in _prefixes(frag) if p]
    launch = None
    if parent is not None and launch_prefix(parent.cospar_id):
        launch = launch_prefix(parent.cospar_id)
    elif pre:
        launch = max(set(pre), key=pre.count)
    out: dict[str, Any] = {
        "parent_launch": launch,
        "fragment_epochs_utc": [str(format_utc(frag.epoch.min(), digits=0)),
                                str(format_utc(frag.epoch.max(), digits=0))],
        "inclination_deg_median": round(s.inclination_deg_median, 3),
        "inclination_deg_iqr": round(s.inclination_deg_iqr, 3),
        "raan_deg_mean_at_median_epoch": round(s.raan_deg_mean, 2),
        "gabbard_centre_period_min": round(s.period_min_median, 2),
        "gabbard_centre_altitude_km": round(q2, 1),
        "mean_altitude_km_iqr": [round(q1, 1), round(q3, 1)],
    }
    if len(frag) >= 3:
        nd = nodal_drift_epoch(frag)
        out["nodal_drift_epoch_utc"] = str(format_utc(nd.event_epoch, digits=0))
        out["nodal_drift_note"] = ("node re-alignment, rough: drag changes the rates over the years "
                                   "(months to years off on the staged old clouds)")
    return out


def _failed(parent: ElementSet | None, frag: ElementTable, reason: str, interval: tuple[Any, Any],
            window: tuple[np.datetime64, np.datetime64], known: dict[str, Any]) -> EventReconstruction:
    """A reconstruction that did not search: nothing but the interval and the known facts."""
    lo, hi = interval
    unc = 0.5 * float(seconds_between(lo, hi)) if lo is not None and hi is not None else math.nan
    nat = np.datetime64("NaT", "us")
    empty_t = np.zeros(0, dtype=UTC_DTYPE)
    return EventReconstruction(
        parent_norad=None if parent is None else parent.norad_id, event_epoch=nat, epoch_uncertainty_s=unc,
        epoch_bootstrap_std_s=math.nan, epoch_resolution_s=math.nan, latitude_deg=math.nan,
        longitude_deg=math.nan, altitude_km=math.nan, position_uncertainty_km=math.nan, fragments=len(frag),
        min_spread_km=math.nan, revolution_margin=math.nan, delta_v_m_s=np.zeros(0),
        delta_v_ric_m_s=np.zeros((0, 3)), fragment_norad_ids=np.asarray(frag.norad_id, dtype=np.int64),
        reference="parent" if parent is not None else "none", coarse_times=empty_t, coarse_spread_km=np.zeros(0),
        fine_times=empty_t, fine_spread_km=np.zeros(0), verdict="failed", verdict_reason=reason,
        epoch_interval=(lo, hi), search_window=window, known=known,
        parent_elements=parent_elements_kind(parent, frag),
    )


def parent_elements_kind(parent: ElementSet | None, fragments: ElementTable) -> str:
    """``pre_event`` when the parent's element set is older than every fragment's, ``post_event``
    when it is not (it may then describe the largest remnant rather than the object before the
    event), ``none`` without a parent."""
    if parent is None:
        return "none"
    return "pre_event" if parent.epoch.astype(UTC_DTYPE) < fragments.epoch.min().astype(UTC_DTYPE) else "post_event"


def _argmin_time(metric: Array, times: npt.NDArray[np.datetime64]) -> np.datetime64 | None:
    if not np.any(np.isfinite(metric)):
        return None
    return times[int(np.nanargmin(metric))]


@dataclass(frozen=True)
class _Window:
    """Where and how :func:`reconstruct_event` searches (its first step)."""

    start: np.datetime64
    end: np.datetime64
    lower: np.datetime64 | None  # the earliest epoch a ``failed`` interval may reach back to
    hard_start: bool  # the start is a bound (given, or the parent's pre-event set)
    span_s: float
    step: float  # coarse step, s
    max_step: float  # 1/8 period, s
    n_coarse: int  # fragments propagated over the coarse grid
    too_old: bool  # element sets beyond ``max_back_propagation_days`` after the start
    old_reason: str

    @property
    def bounds(self) -> tuple[np.datetime64, np.datetime64]:
        return self.start, self.end


def _search_window(fragments: ElementTable, parent: ElementSet | None, *, window_start: Any, window_end: Any,
                   earliest: Any, coarse_step_s: float, max_coarse_fragments: int,
                   max_back_propagation_days: float) -> _Window:
    """The window (defaults in :func:`reconstruct_event`), its coarse step and subsample size."""
    first = fragments.epoch.min().astype(UTC_DTYPE)
    end = first if window_end is None else as_utc(window_end, what="window_end")
    hard_start = True
    if window_start is not None:
        start = as_utc(window_start, what="window_start")
    elif parent is not None and parent.epoch.astype(UTC_DTYPE) < first:
        start = parent.epoch.astype(UTC_DTYPE)
    else:
        start = first - np.timedelta64(30 * 86400, "s").astype("timedelta64[us]")
        hard_start = False
    if not end > start:
        raise InputError(f"search window {format_utc(start)} .. {format_utc(end)} is empty", code="INPUT_WINDOW")
    lower: np.datetime64 | None = start
    if not hard_start:
        lower = as_utc(earliest, what="earliest") if earliest is not None else _launch_year_start(fragments)
        if lower is not None and lower > start:
            lower = start
    span_s = float(seconds_between(start, end))
    median_epoch = _median_epoch(fragments)
    age_days = float(seconds_between(start, median_epoch)) / 86400.0
    n_ref = float(parent.mean_motion_rev_per_day) if parent is not None else float(
        np.median(fragments.mean_motion_rev_per_day))
    period0_s = 86400.0 / n_ref
    n = len(fragments)
    # The coarse step adapts to the window, never beyond 1/8 period (no silent multi-hour steps).
    step = max(coarse_step_s, span_s / 20000.0)
    n_coarse = min(n, max_coarse_fragments)
    max_step = MAX_COARSE_STEP_PERIODS * period0_s
    if step > max_step:
        step = max(coarse_step_s, min(step, max_step))
        n_coarse = min(n_coarse, int(MAX_COARSE_STATES // max(1.0, span_s / step)))
    too_old = age_days > max_back_propagation_days
    old_reason = (f"element sets {age_days:.0f} days after the window start: drag and J2 errors of SGP4 "
                  f"over more than {max_back_propagation_days:.0f} days exceed one revolution's along-track "
                  "separation, so the revolution (and with years, the crossing point) cannot be recovered")
    return _Window(start, end, lower, hard_start, span_s, step, max_step, n_coarse, too_old, old_reason)


def _unsearched_reason(win: _Window) -> str:
    """Why a window too long for the search budget is ``failed`` without a search."""
    reason = (f"not searched: a {win.span_s / 86400:.0f}-day window at <= {win.max_step:.0f} s steps "
              f"(1/8 period) is beyond the search budget")
    if win.too_old:
        reason = win.old_reason + "; " + reason
    return reason


@dataclass(frozen=True)
class _Coarse:
    """Stage 1: the subsample's positions on the coarse grid and their spread about the reference."""

    sub: npt.NDArray[np.int64]  # rows of the fragments propagated
    r: Array  # (len(sub), len(times), 3) positions, km
    times: npt.NDArray[np.datetime64]
    metric: Array  # POSITION_QUANTILE of the distances to the reference position, km
    j1: int  # the best sample

    @property
    def t1(self) -> np.datetime64:
        return self.times[self.j1]


def _coarse_search(fragments: ElementTable, parent: ElementSet | None, win: _Window,
                   rng: np.random.Generator) -> _Coarse:
    """Stage 1: positions, coarse grid, subsample of fragments (the first draw of ``rng``)."""
    sub = np.sort(rng.choice(len(fragments), size=win.n_coarse, replace=False))
    coarse_t = _grid(win.start, win.end, win.step)
    r, _, rr, _ = _states(fragments.take(sub), parent, coarse_t)
    d_c = np.linalg.norm(r - rr[None], axis=-1)
    coarse_metric = _nanmedian(d_c, axis=0, q=POSITION_QUANTILE)
    if not np.any(np.isfinite(coarse_metric)):
        raise InputError("no fragment could be propagated over the search window", code="INPUT_EMPTY")
    return _Coarse(sub, r, coarse_t, coarse_metric, int(np.nanargmin(coarse_metric)))


@dataclass(frozen=True)
class _Reference:
    """The reference of stage 2 (the parent, else the medoid fragment) and the fragments measured against it."""

    ref: ElementSet
    alt_refs: tuple[ElementSet, ...]  # the most central fragments, for the interval
    fragments: ElementTable  # without the reference
    period_s: float  # the reference's period
    margin: float  # stage-1 spread of the best other revolution / the chosen one's


def _references(fragments: ElementTable, parent: ElementSet | None, coarse: _Coarse,
                n_references: int) -> _Reference:
    """The most central fragments at t1: the medoid reference without a parent, and the
    alternative references of the uncertainty; how much deeper the chosen revolution is."""
    rs = coarse.r[:, coarse.j1, :]
    dd = np.linalg.norm(rs[:, None, :] - rs[None, :, :], axis=-1)
    central = [int(coarse.sub[k]) for k in np.argsort(np.where(np.isfinite(_nanmedian(dd, axis=1)),
                                                                _nanmedian(dd, axis=1), np.inf))]
    ref = parent
    if ref is None:
        ref = fragments.element_set(central[0])
        central = central[1:]
    alt_refs = tuple(fragments.element_set(k) for k in central[:n_references])
    fragments = fragments.take(fragments.norad_id != ref.norad_id) if parent is None else fragments
    period_s = 86400.0 / float(ref.mean_motion_rev_per_day)
    # How much deeper is the chosen revolution than the best other one?
    metric, j1 = coarse.metric, coarse.j1
    away = np.abs(seconds_between(coarse.t1, coarse.times)) > 0.6 * period_s
    other = metric[away & np.isfinite(metric)]
    margin = float(other.min() / metric[j1]) if other.size and metric[j1] > 0 else math.inf
    return _Reference(ref, alt_refs, fragments, period_s, margin)


@dataclass(frozen=True)
class _Fine:
    """Stage 2: the orbit-intersection metric within +-0.5 period of t1."""

    step: float  # s
    times: npt.NDArray[np.datetime64]
    ffrag: ElementTable  # the subsample of fragments
    d_f: Array  # (len(ffrag), len(times)) distances of the reference to the fragments' orbits, km
    metric: Array  # their median, km

    @property
    def jbest(self) -> int:
        return int(np.nanargmin(self.metric))

    @property
    def t_event(self) -> np.datetime64:
        return self.times[self.jbest]

    @property
    def dmin(self) -> float:
        return float(self.metric[self.jbest])


def _refine(rf: _Reference, t1: np.datetime64, *, fine_step_s: float, max_fine_fragments: int,
            rng: np.random.Generator) -> _Fine:
    """Stage 2 around t1 (the second draw of ``rng``: the fine subsample)."""
    half = np.timedelta64(round(0.5 * rf.period_s * 1e6), "us")
    fine_t = _grid(t1 - half, t1 + half, fine_step_s)
    pr = propagate([rf.ref], fine_t)
    r_ref = pr.r_km[0]
    n = len(rf.fragments)
    fsub = np.sort(rng.choice(n, size=min(n, max_fine_fragments), replace=False))
    ffrag = rf.fragments.take(fsub)
    r_f, _ = _orbit_states(ffrag, r_ref, fine_t)
    d_f = np.linalg.norm(r_f - r_ref[None], axis=-1)
    return _Fine(fine_step_s, fine_t, ffrag, d_f, _nanmedian(d_f, axis=0))


def _run_below(metric: Array, j: int, level: float) -> tuple[int, int]:
    """The contiguous run of samples around ``j`` with metric <= level."""
    lo, hi = j, j
    while lo - 1 >= 0 and metric[lo - 1] <= level:
        lo -= 1
    while hi + 1 < metric.size and metric[hi + 1] <= level:
        hi += 1
    return lo, hi


@dataclass(frozen=True)
class _Spread:
    """The statistical part of the epoch uncertainty, s."""

    boot_s: float  # bootstrap over fragments
    resolution: float  # half-width of the minimum
    stat: float  # both and half a fine step, in quadrature


def _bootstrap(fine: _Fine, n_bootstrap: int, rng: np.random.Generator) -> _Spread:
    """Uncertainty: bootstrap over fragments (the last draws of ``rng``), and the width of the minimum."""
    jbest, dmin, fine_step_s = fine.jbest, fine.dmin, fine.step
    lo_i, hi_i = _run_below(fine.metric, jbest, 2.0 * dmin)
    resolution = 0.5 * (hi_i - lo_i) * fine_step_s
    # Bootstrap over fragments, on the samples where the metric is within 4x its minimum
    # (plus a margin): a re-drawn median cannot have its minimum anywhere else.
    blo, bhi = _run_below(fine.metric, jbest, 4.0 * dmin)
    blo, bhi = max(0, blo - 10), min(fine.metric.size, bhi + 11)
    d_b = fine.d_f[:, blo:bhi]
    boot = np.empty(n_bootstrap)
    for b in range(n_bootstrap):
        mb = _nanmedian(d_b[rng.integers(0, d_b.shape[0], d_b.shape[0])], axis=0)
        boot[b] = np.nanargmin(mb) if np.any(np.isfinite(mb)) else np.nan
    boot_s = float(np.nanstd(boot) * fine_step_s) if n_bootstrap > 1 else 0.0
    stat = math.sqrt(boot_s**2 + resolution**2 + (fine_step_s / 2) ** 2)
    return _Spread(boot_s, resolution, stat)


@dataclass(frozen=True)
class _Verdict:
    verdict: str
    reason: str
    interval: tuple[np.datetime64 | None, np.datetime64 | None]
    candidates: npt.NDArray[np.datetime64] = field(default_factory=lambda: np.zeros(0, dtype=UTC_DTYPE))
    variants: tuple[tuple[str, np.datetime64], ...] = ()


def _verdict(win: _Window, coarse: _Coarse, rf: _Reference, fine: _Fine, spread: _Spread,
             parent: ElementSet | None) -> _Verdict:
    """``failed``, ``ambiguous_revolution`` or ``reconstructed`` (docstring of :func:`reconstruct_event`)."""
    dmin = fine.dmin
    at_start = (not win.hard_start) and float(seconds_between(win.start, fine.t_event)) < rf.period_s
    if dmin > MAX_CONVERGENCE_RESIDUAL_KM or win.too_old or at_start:
        return _Verdict("failed", _failed_reason(win, dmin), (win.lower, win.end))
    if rf.margin < REVOLUTION_MARGIN_MIN:
        return _ambiguous(win, coarse, rf, fine.t_event)
    return _reconstructed(rf, fine, spread, parent)


def _failed_reason(win: _Window, dmin: float) -> str:
    if win.too_old:
        reason = win.old_reason
    elif dmin > MAX_CONVERGENCE_RESIDUAL_KM:
        reason = (f"the fragment orbits do not meet: median distance {dmin:.0f} km at the best point "
                  f"(a convergence is below {MAX_CONVERGENCE_RESIDUAL_KM:.0f} km)")
    else:
        reason = "the best convergence is at the start of the search window: the event may be earlier"
    if dmin > MAX_CONVERGENCE_RESIDUAL_KM and win.too_old:
        reason += f"; median orbit distance {dmin:.0f} km at the best point"
    return reason


def _ambiguous(win: _Window, coarse: _Coarse, rf: _Reference, t_event: np.datetime64) -> _Verdict:
    """Every revolution whose stage-1 spread is within the margin of the best one."""
    rev_us = np.timedelta64(round(rf.period_s * 1e6), "us")
    k_rev = np.floor(seconds_between(coarse.t1, coarse.times) / rf.period_s + 0.5).astype(np.int64)
    finite = np.isfinite(coarse.metric)
    best_by_rev: dict[int, float] = {}
    for k, m in zip(k_rev[finite].tolist(), coarse.metric[finite].tolist(), strict=True):
        best_by_rev[k] = min(best_by_rev.get(k, math.inf), m)
    good = sorted(k for k, m in best_by_rev.items() if m <= REVOLUTION_MARGIN_MIN * coarse.metric[coarse.j1])
    candidates = np.array([t_event + k * rev_us for k in good], dtype=UTC_DTYPE)
    ilo = max(win.start, candidates.min() - rev_us // 2)
    ihi = min(win.end, candidates.max() + rev_us // 2)
    if not win.hard_start and good[0] == min(best_by_rev):
        ilo = win.lower if win.lower is not None else ilo
    reason = (f"{len(good)} revolutions fit within a factor {REVOLUTION_MARGIN_MIN} of the best "
              f"(margin {rf.margin:.2f}): the orbits meet at this latitude and altitude, but the revolution "
              "and with it the longitude are not determined")
    return _Verdict("ambiguous_revolution", reason, (None if ilo is None else ilo, ihi), candidates)


def _reconstructed(rf: _Reference, fine: _Fine, spread: _Spread, parent: ElementSet | None) -> _Verdict:
    """One convergence point: its interval covers the statistics and the input variants."""
    reason = (f"one convergence point: revolution margin {rf.margin:.2f}, median orbit distance {fine.dmin:.2f} km")
    variants = _input_variants(rf, fine)
    # A fragment as the reference carries its own along-track error, which the others
    # cannot reveal (they share the cloud's bias): allow the typical one, the robust spread
    # of the fragments' along-track offsets from the reference at the event.
    if parent is None:
        jbest, fine_t = fine.jbest, fine.times
        _, _, tau = _orbit_shift_states(fine.ffrag, propagate([rf.ref], fine_t[jbest:jbest + 1]).r_km[0],
                                        fine_t[jbest:jbest + 1])
        tau = tau[:, 0][np.isfinite(tau[:, 0])]
        reference_s = float(1.4826 * np.median(np.abs(tau - np.median(tau)))) if tau.size else 0.0
    else:
        reference_s = 0.0
    stat = math.sqrt(spread.stat**2 + reference_s**2)
    stat_us = np.timedelta64(round(stat * 1e6), "us")
    all_t = [fine.t_event] + [t for _, t in variants]
    if reference_s:
        reason += (f"; reference is a fragment: +-{reference_s:.0f} s for its along-track error "
                   "(spread of the fragments' along-track offsets)")
    return _Verdict("reconstructed", reason, (min(all_t) - stat_us, max(all_t) + stat_us),
                    variants=tuple(variants))


def _input_variants(rf: _Reference, fine: _Fine) -> list[tuple[str, np.datetime64]]:
    """The epochs found from the earlier / later half of the fragment epochs (same reference)
    and with each alternative reference."""
    variants: list[tuple[str, np.datetime64]] = []
    ffrag, d_f, fine_t = fine.ffrag, fine.d_f, fine.times
    ep = ffrag.epoch.astype(UTC_DTYPE).astype(np.int64)
    med_ep = np.median(ep)
    for lab, rows in (("earlier half of fragment epochs", ep <= med_ep), ("later half of fragment epochs",
                                                                          ep > med_ep)):
        if rows.sum() >= 2:
            t_v = _argmin_time(_nanmedian(d_f[rows], axis=0), fine_t)
            if t_v is not None:
                variants.append((lab, t_v))
    # ... and alternative references: the most central fragments, each with its own
    # along-track error (what an analyst without the parent's pre-event set would get).
    wide = np.timedelta64(round(0.1 * rf.period_s * 1e6), "us")
    alt_t = _grid(fine.t_event - wide, fine.t_event + wide, fine.step)
    for alt in rf.alt_refs:
        others = ffrag.take(ffrag.norad_id != alt.norad_id)
        ra_ = propagate([alt], alt_t).r_km[0]
        ro, _ = _orbit_states(others, ra_, alt_t)
        t_v = _argmin_time(_nanmedian(np.linalg.norm(ro - ra_[None], axis=-1), axis=0), alt_t)
        if t_v is not None:
            variants.append((f"reference fragment {alt.norad_id}", t_v))
    return variants


def _epoch_uncertainty_s(v: _Verdict, t_event: np.datetime64) -> float:
    """Half the interval where it is bounded (``failed``), else its larger side from the epoch."""
    lo_t, hi_t = v.interval
    if v.verdict != "failed" and lo_t is not None and hi_t is not None:
        return max(float(seconds_between(lo_t, t_event)), float(seconds_between(t_event, hi_t)))
    if lo_t is not None and hi_t is not None:
        return 0.5 * float(seconds_between(lo_t, hi_t))
    return math.nan


@dataclass(frozen=True)
class _Place:
    """States at the event epoch: place and delta-v."""

    latitude_deg: float
    longitude_deg: float
    altitude_km: float
    speed_km_s: float  # the reference's
    dv: Array  # (N,) m/s
    dv_ric: Array  # (N, 3) m/s


def _event_place(rf: _Reference, fine: _Fine) -> _Place:
    te = np.array([fine.t_event], dtype=UTC_DTYPE)
    pe = propagate([rf.ref], te)
    r0, v0 = pe.r_km[0, 0], pe.v_km_s[0, 0]
    # Each fragment where its orbit passes the event point (not where its drifting
    # element set puts it at the epoch): velocity there minus the reference's.
    r_e, v_e = _orbit_states(rf.fragments, pe.r_km[0], te)
    miss = np.linalg.norm(r_e[:, 0, :] - r0[None, :], axis=-1)
    # A fragment whose orbit does not pass the event point (failed alignment, a piece
    # that is not from this event, element sets too old) gets no delta-v.
    far = ~(miss <= max(DV_MAX_MISS_FACTOR * fine.dmin, DV_MAX_MISS_FLOOR_KM))
    dv_vec = (v_e[:, 0, :] - v0[None, :]) * 1000.0
    dv_vec[far] = np.nan
    dv = np.linalg.norm(dv_vec, axis=-1)
    dv_ric = dv_vec @ ric_basis(r0, v0).T
    lat, lon, alt_km = (float(np.asarray(x).reshape(-1)[0]) for x in teme_to_geodetic(r0[None, :], te))
    return _Place(float(lat), float(lon), float(alt_km), float(np.linalg.norm(v0)), dv, dv_ric)


def _result(parent: ElementSet | None, known: dict[str, Any], *, win: _Window, coarse: _Coarse,
            rf: _Reference, fine: _Fine, spread: _Spread, verdict: _Verdict, place: _Place) -> EventReconstruction:
    """The :class:`EventReconstruction` of a search."""
    unc = _epoch_uncertainty_s(verdict, fine.t_event)
    fragments = rf.fragments
    return EventReconstruction(
        parent_norad=None if parent is None else parent.norad_id,
        event_epoch=fine.t_event,
        epoch_uncertainty_s=unc,
        epoch_bootstrap_std_s=spread.boot_s,
        epoch_resolution_s=spread.resolution,
        latitude_deg=place.latitude_deg,
        longitude_deg=place.longitude_deg,
        altitude_km=place.altitude_km,
        position_uncertainty_km=unc * place.speed_km_s,
        fragments=len(fragments) + (0 if parent is not None else 1),
        min_spread_km=fine.dmin,
        revolution_margin=rf.margin,
        delta_v_m_s=place.dv,
        delta_v_ric_m_s=place.dv_ric,
        fragment_norad_ids=np.asarray(fragments.norad_id, dtype=np.int64),
        reference="parent" if parent is not None else f"medoid fragment {rf.ref.norad_id}",
        coarse_times=coarse.times,
        coarse_spread_km=np.asarray(coarse.metric, dtype=np.float64),
        fine_times=fine.times,
        fine_spread_km=np.asarray(fine.metric, dtype=np.float64),
        verdict=verdict.verdict,
        verdict_reason=verdict.reason,
        epoch_interval=verdict.interval,
        search_window=win.bounds,
        coarse_step_s=win.step,
        fine_step_s=fine.step,
        variants=verdict.variants,
        candidate_epochs=verdict.candidates,
        known=known, parent_elements=parent_elements_kind(parent, fragments),
    )


def reconstruct_event(
    fragments: ElementTable,
    parent: ElementSet | None = None,
    *,
    window_start: Any = None,
    window_end: Any = None,
    coarse_step_s: float = 30.0,
    fine_step_s: float = 2.0,
    max_coarse_fragments: int = 300,
    max_fine_fragments: int = 400,
    n_bootstrap: int = 200,
    seed: int = 0,
    progress: Progress = None,
    earliest: Any = None,
    n_references: int = 5,
    max_back_propagation_days: float = MAX_BACK_PROPAGATION_DAYS,
) -> EventReconstruction:
    """Breakup epoch, place and delta-v from the fragments' (and the parent's) element sets, with a verdict.

    Two stages (module docstring): (1) over the whole window, the 25th percentile of
    the fragments' distances to the reference position picks the revolution of the
    breakup; (2) within one orbital period around it, the median distance of the
    reference position to the fragments' *orbits* (:func:`_orbit_distance`) pins the
    epoch.  Without a parent, the fragment closest to the cloud at stage 1 (the medoid)
    is the reference.  Window: from ``window_start`` (default: the parent's epoch when
    it precedes the fragments, else 30 days before the earliest fragment epoch) to
    ``window_end`` (default: the earliest fragment epoch).  ``earliest``: the earliest
    possible event time when the window start is not a bound (e.g. the parent's launch;
    default 1 January of the pieces' launch year).  ``fragments`` must not contain the
    parent (it is removed if it does).

    Verdict (docs/fragmentation.md, "Verdicts"): ``failed`` when the element sets are more
    than ``max_back_propagation_days`` after the window start, when the window would need
    a coarse step over 1/8 period, or when the orbits do not meet
    (:data:`MAX_CONVERGENCE_RESIDUAL_KM`); ``ambiguous_revolution`` when another revolution's
    stage-1 spread is within :data:`REVOLUTION_MARGIN_MIN` of the best; else
    ``reconstructed``, whose interval covers the bootstrap over fragments, the half-width
    of the minimum, and the epochs found with ``n_references`` alternative references (the
    most central fragments) and with the earlier / later half of the fragment epochs.
    Raises :class:`InputError` (``INPUT_EMPTY``, ``INPUT_WINDOW``) for unusable input.
    """
    if parent is not None:
        fragments = fragments.take(fragments.norad_id != parent.norad_id)
    if len(fragments) < 2:
        raise InputError(f"need at least 2 fragments, got {len(fragments)}", code="INPUT_EMPTY")
    win = _search_window(fragments, parent, window_start=window_start, window_end=window_end, earliest=earliest,
                         coarse_step_s=coarse_step_s, max_coarse_fragments=max_coarse_fragments,
                         max_back_propagation_days=max_back_propagation_days)
    known = _cloud_facts(fragments, parent)
    if win.n_coarse < MIN_COARSE_FRAGMENTS and win.n_coarse < len(fragments):
        return _failed(parent, fragments, _unsearched_reason(win), (win.lower, win.end), win.bounds, known)
    # One generator, drawn in this order: the coarse subsample, the fine subsample, the bootstrap.
    rng = np.random.default_rng(seed)
    total = 4
    if progress:
        progress(0, total)
    coarse = _coarse_search(fragments, parent, win, rng)
    if progress:
        progress(1, total)
    rf = _references(fragments, parent, coarse, n_references)
    fine = _refine(rf, coarse.t1, fine_step_s=fine_step_s, max_fine_fragments=max_fine_fragments, rng=rng)
    if progress:
        progress(2, total)
    spread = _bootstrap(fine, n_bootstrap, rng)
    if progress:
        progress(3, total)
    verdict = _verdict(win, coarse, rf, fine, spread, parent)
    place = _event_place(rf, fine)
    if progress:
        progress(total, total)
    return _result(parent, known, win=win, coarse=coarse, rf=rf, fine=fine, spread=spread, verdict=verdict,
                   place=place)


# ---------------------------------------------------------------------------
# Old clouds: time since breakup from differential nodal precession
# ---------------------------------------------------------------------------
@dataclass(frozen=True)
class NodalDriftEstimate:
    """Breakup epoch and plane from the re-alignment of the pieces' nodes."""

    event_epoch: np.datetime64
    years_before_median_epoch: float
    raan_deg_at_event: float
    alignment: float  # mean resultant length at the best dt (1 = all nodes aligned)
    alignment_now: float  # the same at the catalogue epoch (dt = 0)

    def to_dict(self) -> dict[str, Any]:
        return {
            "event_epoch_utc": str(format_utc(self.event_epoch, digits=0)),
            "years_before_median_epoch": round(self.years_before_median_epoch, 3),
            "raan_deg_at_event": round(self.raan_deg_at_event, 2),
            "alignment": round(self.alignment, 3),
            "alignment_now": round(self.alignment_now, 3),
        }


def nodal_drift_epoch(cloud: ElementTable, *, max_years: float = 30.0, step_days: float = 1.0) -> NodalDriftEstimate:
    """When were the nodes of the pieces together?  (module docstring; rough for old clouds)."""
    if len(cloud) < 3:
        raise InputError("need at least 3 pieces", code="INPUT_EMPTY")
    t_med = _median_epoch(cloud)
    raan = np.deg2rad(_raan_at(cloud, t_med))
    _, _, nodedot = secular_rates_rad_min(cloud.mean_motion_rev_per_day, cloud.eccentricity, cloud.inclination_deg)
    rate = nodedot * 1440.0  # rad/day
    dts = np.arange(0.0, max_years * 365.25 + step_days, step_days)  # days back
    R = np.empty(dts.size)
    for k in range(0, dts.size, 2000):  # chunk: (pieces x 2000) at a time
        back = raan[:, None] - rate[:, None] * dts[None, k : k + 2000]
        R[k : k + 2000] = np.hypot(np.mean(np.cos(back), axis=0), np.mean(np.sin(back), axis=0))
    j = int(np.argmax(R))
    back = raan - rate * dts[j]
    raan0 = float(np.rad2deg(np.arctan2(np.mean(np.sin(back)), np.mean(np.cos(back)))) % 360.0)
    t0 = t_med - np.timedelta64(round(dts[j] * US_PER_DAY), "us")
    return NodalDriftEstimate(
        event_epoch=t0.astype(UTC_DTYPE),
        years_before_median_epoch=float(dts[j] / 365.25),
        raan_deg_at_event=raan0,
        alignment=float(R[j]),
        alignment_now=float(R[0]),
    )


# ---------------------------------------------------------------------------
# Risk: how much a cloud adds to the conjunctions of protected assets
# ---------------------------------------------------------------------------
@dataclass(frozen=True)
class AssetRisk:
    """Conjunction counts of one protected asset over the window."""

    norad: int
    name: str | None
    background_conjunctions: int
    cloud_conjunctions: int
    days: float

    @property
    def increase_factor(self) -> float:
        """(background + cloud) / background; inf when the background had none."""
        if self.background_conjunctions == 0:
            return math.inf if self.cloud_conjunctions else 1.0
        return (self.background_conjunctions + self.cloud_conjunctions) / self.background_conjunctions

    def to_dict(self) -> dict[str, Any]:
        f = self.increase_factor
        return {
            "norad": self.norad,
            "name": self.name,
            "background_conjunctions": self.background_conjunctions,
            "cloud_conjunctions": self.cloud_conjunctions,
            "background_per_day": round(self.background_conjunctions / self.days, 3),
            "cloud_per_day": round(self.cloud_conjunctions / self.days, 3),
            "increase_factor": None if math.isinf(f) else round(f, 3),
        }


@dataclass(frozen=True)
class CloudRisk:
    """Per-asset conjunction counts with the background catalogue and with the cloud."""

    start: np.datetime64
    end: np.datetime64
    threshold_km: float
    assets: list[AssetRisk]
    cloud_conjunctions: list[Any]  # screening.Conjunction records involving a cloud piece
    cloud_objects: int = 0  # distinct NORAD ids of the cloud
    #: NORAD id -> result fields (SATCAT ``owner``, UCS fields where known) of the assets and
    #: the conjunctions' objects, added by the workflow from the store (display only)
    object_fields: Mapping[int, Mapping[str, Any]] = field(default_factory=dict)

    def _fields(self, norad: int, suffix: str = "") -> dict[str, Any]:
        return {f"{k}{suffix}": v for k, v in {"owner": None, **self.object_fields.get(int(norad), {})}.items()}

    #: the columns of :meth:`summary_rows`
    SUMMARY_COLUMNS = ("asset", "name", "background", "cloud", "per day (bg / cloud)", "increase")

    def summary_rows(self) -> list[tuple[object, ...]]:
        """One row per asset for a human-readable table (``inf`` where the background had none)."""
        return [(d["norad"], f"{d['name'] or '-'} ({d['owner']})" if d["owner"] else (d["name"] or "-"),
                 d["background_conjunctions"], d["cloud_conjunctions"],
                 f"{d['background_per_day']} / {d['cloud_per_day']}",
                 "inf" if d["increase_factor"] is None else f"x{d['increase_factor']}")
                for d in (a.to_dict() | self._fields(a.norad) for a in self.assets)]

    def to_dict(self) -> dict[str, Any]:
        return {
            "start_utc": str(format_utc(self.start, digits=0)),
            "end_utc": str(format_utc(self.end, digits=0)),
            "threshold_km": self.threshold_km,
            "assets": [a.to_dict() | self._fields(a.norad) for a in self.assets],
            "cloud_conjunctions": [c.to_dict() | self._fields(c.norad_1, "_1") | self._fields(c.norad_2, "_2")
                                   for c in self.cloud_conjunctions],
        }


def concat_tables(a: ElementTable, b: ElementTable) -> ElementTable:
    """Rows of ``a`` then rows of ``b`` (e.g. a catalogue plus a simulated cloud)."""
    import dataclasses

    return ElementTable(
        **{f.name: np.concatenate([getattr(a, f.name), getattr(b, f.name)]) for f in dataclasses.fields(a)}
    )


def cloud_conjunction_rates(
    catalog: ElementTable,
    cloud_norad_ids: npt.ArrayLike,
    assets: npt.ArrayLike,
    start: Any,
    end: Any,
    threshold_km: float = 5.0,
    *,
    min_relative_speed_km_s: float = 1.0,
    progress: Progress = None,
) -> CloudRisk:
    """Conjunctions of each asset with the background and with the cloud over ``[start, end]``.

    One screening run (:func:`orbitwatch.screening.screen.screen`, assets as primaries)
    over ``catalog``, which must hold the cloud's pieces (add a simulated cloud with
    :func:`concat_tables`); each conjunction is counted as "cloud" when its other object
    is in ``cloud_norad_ids``, else "background".  ``min_relative_speed_km_s`` drops
    docked and formation-flying neighbours.  The increase factor
    ``(background + cloud) / background`` is the change in the asset's conjunction rate
    caused by the cloud.
    """
    from orbitwatch.screening.screen import screen

    t0, t1 = as_utc(start, what="start"), as_utc(end, what="end")
    cloud = {int(x) for x in np.asarray(cloud_norad_ids, dtype=np.int64).ravel()}
    asset_ids = [int(x) for x in np.asarray(assets, dtype=np.int64).ravel()]
    res = screen(catalog, t0, t1, threshold_km, primaries=asset_ids,
                 min_relative_speed_km_s=min_relative_speed_km_s, progress=progress)
    days = float(seconds_between(t0, t1)) / 86400.0
    names = {int(n): nm for n, nm in zip(catalog.norad_id, catalog.names, strict=True)}
    counts = {a: [0, 0] for a in asset_ids}
    cloud_conj = []
    for c in res.conjunctions:
        for me, other in ((c.norad_1, c.norad_2), (c.norad_2, c.norad_1)):
            if me in counts:
                counts[me][1 if other in cloud else 0] += 1
        if c.norad_1 in cloud or c.norad_2 in cloud:
            cloud_conj.append(c)
    return CloudRisk(
        start=t0,
        end=t1,
        threshold_km=threshold_km,
        assets=[AssetRisk(a, names.get(a), counts[a][0], counts[a][1], days) for a in asset_ids],
        cloud_conjunctions=cloud_conj,
        cloud_objects=len(cloud),
    )
