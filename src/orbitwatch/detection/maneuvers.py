"""Manoeuvre detection in element-set (TLE / OMM) histories, with each object's own noise.

Element-to-element differences of published mean elements are heavy-tailed (fit noise,
drag mismodelling, fit spans that straddle a burn), so a fixed threshold fails.  The
detector follows the family of TLE-history methods of Kelecy, Hall, Hamada & Stocker
(2007), "Satellite maneuver detection using Two-Line Element (TLE) data" (AMOS) and
Lemmens & Krag (2014), "Two-Line-Elements-based maneuver detection methods for
satellites in Low Earth Orbit", J. Guid. Control Dyn. 37(3), with robust statistics:

1. **Residuals.**  For each consecutive pair of element sets ``(j, j+1)`` of an object,
   set ``j`` is propagated with SGP4 to the epoch of set ``j+1`` (all pairs of all
   objects in one array call, see :func:`propagate_pairs`) and the position residual is
   expressed in the RIC frame of the new state (:func:`orbitwatch.frames.to_ric`).  The
   mean elements are turned into series that are smooth between burns: Brouwer
   semi-major axis, the unit orbit normal (inclination and RAAN, the RAAN taken in a
   frame turning with its J2 secular drift), the eccentricity vector, and for GEO the
   longitude drift rate (:mod:`orbitwatch.detection.elements`).
2. **Steps, not differences.**  For every gap the *step* of each series is the
   difference of the medians of the ``k`` sets after and the ``k`` sets before the gap,
   after removing a local robust trend (the median ``k``-lag rate over a wide window, so
   drag decay and lunisolar drift are not steps).  A single bad element set moves
   neither median; a burn moves all sets after it.
3. **The object's own noise, as it changes.**  Each step series is scaled by
   ``1.4826 * MAD`` of that object's steps within ``noise_window`` gaps either side (with a
   per-regime floor), giving ``z``: TLE fit noise follows drag and so solar activity, and a
   whole-history MAD is too large at solar minimum and too small at maximum.
   **Joint decision.**  The decision statistic is the semi-major-axis ``z`` (also measured
   with windows ``persist_factor`` times wider, which counts where the narrow ``z`` is at
   least ``wide_support`` of the threshold: isolated small drag make-up burns); plane or
   eccentricity evidence alone counts divided by ``solo_factor`` unless the step is worth at
   least ``solo_dv_m_s`` *and* persists in the wide windows (element-set re-fits move the
   node and eccentricity of a TLE series for a few sets without any burn).  A gap is a
   candidate where the statistic ``>= z_threshold`` (``geo_z_threshold`` in GEO, where
   station-keeping steps are tens to hundreds of sigmas and drift-rate re-fits give
   ten-sigma steps; a GEO plane step alone, north-south station keeping, needs
   ``geo_plane_z_threshold``).  Adjacent candidate gaps are one event, placed at its **onset**: the
   earliest gap (from ``k-1`` before the group) whose single-pair jump reaches
   ``onset_fraction`` of the largest (the first post-burn set is often a fit spanning the
   burn and shows only part of it).  Settings were tuned against operators' logs on five
   satellites (``bench/maneuvers.py --score``, docs/maneuvers.md).
4. **Epoch.**  Bounded by the two element-set epochs.  For an in-plane burn the pre- and
   post-burn orbits coincide in position at the burn and drift apart in-track at the
   rate ``a * dn``; the in-track residual at the later epoch therefore dates the burn:
   ``t_b = t_(j+1) - (ds_I / a) / dn`` (clamped to the bracket; uncertainty from the
   object's in-track noise).  Other burns take the bracket midpoint.
5. **Delta-v.**  Gauss variational equations for near-circular orbits (Vallado,
   *Fundamentals of Astrodynamics and Applications*, 4th ed., sec. 9.6; Battin 1999,
   sec. 10.3): ``da = 2 a dv_T / v`` so ``dv_T = v/2 * da/a = n a / 2 * da/a``;
   ``|de| <= 2 dv / v`` so ``dv >= v |de| / 2``; a plane change of angle ``dtheta``
   (``dtheta^2 = di^2 + (sin i dO)^2``) costs ``dv_N = v dtheta``.  In-plane
   ``max(dv_T, dv_e)`` and out-of-plane ``dv_N`` add in quadrature: a lower bound.
6. **Kind.**  GEO: ``relocation`` when the drift rate before or after exceeds
   ``relocation_drift_deg_day`` and changes; ``orbit-raising`` when the object leaves
   the GEO belt upward (graveyard); ``station-keeping`` otherwise (with its axis,
   east-west or north-south).  Other regimes: ``orbit-raising`` / ``deorbit`` for large
   semi-major-axis changes, else ``out-of-plane`` or ``in-plane``.  The out-of-plane axis
   needs both the larger delta-v and clearly dominant evidence (its z at least 1.5 times the
   in-plane z): a plane change is so costly per unit of element change that marginal
   inclination noise beside a real in-plane burn would otherwise win.

Confidence: ``1 - 2^-(z/z_threshold)^2`` (0.5 at the threshold; ``z`` the decision
statistic), raised half-way to 1 when the SGP4 RIC residual of the same pair is also beyond
3 of its own sigmas.  ``evidence["elements_moved"]`` names the elements whose step at the
event is at least 3 of the object's sigmas (``semi_major_axis``, ``inclination``, ``raan``,
``eccentricity_vector``).
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import numpy.typing as npt
from numpy.lib.stride_tricks import sliding_window_view

from orbitwatch.catalog.model import ElementSet, ElementTable
from orbitwatch.constants import MINUTES_PER_DAY, SECONDS_PER_DAY, WGS72_RADIUS_KM, mean_motion_rad_s
from orbitwatch.detection import elements as el
from orbitwatch.errors import InputError
from orbitwatch.frames import to_ric
from orbitwatch.propagation import propagate_each
from orbitwatch.times import US_PER_DAY, UTC_DTYPE, format_utc

__all__ = [
    "KINDS",
    "ManeuverConfig",
    "ManeuverEvent",
    "ManeuverReport",
    "NoiseModel",
    "detect_maneuvers",
    "propagate_pairs",
    "sort_history",
]

FloatArray = npt.NDArray[np.float64]
Progress = Callable[[int, int], None]

KINDS = ("in-plane", "out-of-plane", "station-keeping", "relocation", "orbit-raising", "deorbit")

_FEATURES = ("a_km", "hx", "hy", "hz", "ex", "ey")
_PLANE = ("hx", "hy", "hz")
_GEO_A_KM = 42164.17


@dataclass(frozen=True)
class ManeuverConfig:
    """Tuning of :func:`detect_maneuvers` (defaults chosen for TLE/OMM histories).

    ``floors`` gives, per regime, the smallest noise scale of the step series of the
    semi-major axis (km), of each component of the orbit normal (rad) and of the
    eccentricity vector, so that a quantised or noise-free history does not turn
    rounding into detections.
    """

    window: int = 3
    z_threshold: float = 6.0
    dedupe_s: float = 60.0
    relocation_drift_deg_day: float = 0.1
    relocation_change_deg_day: float = 0.05
    raise_fraction: float = 0.002
    graveyard_km: float = 200.0
    deorbit_perigee_km: float = 250.0
    chunk_rows: int = 40_000
    noise_window: int = 30
    solo_factor: float = 10.0
    geo_solo_factor: float = 1.0
    geo_z_threshold: float = 25.0
    geo_plane_z_threshold: float = 14.0
    onset_fraction: float = 0.3
    solo_dv_m_s: float = 0.3
    persist_factor: int = 3
    wide_support: float = 0.6
    floors: dict[str, tuple[float, float, float]] = field(
        default_factory=lambda: {
            "leo": (0.0005, 3.5e-6, 2e-6),
            "meo": (0.005, 3.5e-6, 2e-6),
            "geo": (0.02, 1.5e-5, 2e-6),
            "heo": (0.05, 9e-6, 1e-5),
        }
    )


@dataclass(frozen=True)
class NoiseModel:
    """One object's robust noise scales (1.4826 MAD of its step series and RIC residuals)."""

    norad_id: int
    regime: str
    n_sets: int
    sigma_a_km: float
    sigma_i_deg: float
    sigma_node_deg: float
    sigma_plane_rad: float
    sigma_ex: float
    sigma_ey: float
    sigma_radial_km: float
    sigma_in_track_km: float
    sigma_cross_track_km: float
    median_gap_s: float

    def to_dict(self) -> dict[str, Any]:
        return {k: getattr(self, k) for k in self.__dataclass_fields__}


@dataclass(frozen=True)
class ManeuverEvent:
    """One detected manoeuvre.

    ``epoch`` is the best estimate, inside ``[epoch_before, epoch_after]`` (the epochs of
    the bracketing element sets); ``epoch_uncertainty_s`` is one sigma (at most half the
    bracket).  ``delta_v_m_s`` is a lower bound (Gauss variational equations).
    ``evidence`` holds the steps, noise scales, z-scores, thresholds and RIC residuals.
    """

    norad_id: int
    name: str | None
    regime: str
    epoch: np.datetime64
    epoch_before: np.datetime64
    epoch_after: np.datetime64
    epoch_uncertainty_s: float
    kind: str
    delta_v_m_s: float
    delta_v_in_plane_m_s: float
    delta_v_out_of_plane_m_s: float
    confidence: float
    evidence: dict[str, Any]

    @property
    def epoch_utc(self) -> str:
        return str(format_utc(self.epoch, digits=0))

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready form (the CLI's ``--json`` record plus details)."""
        return {
            "norad": self.norad_id,
            "name": self.name,
            "epoch_utc": self.epoch_utc,
            "epoch_uncertainty_s": round(self.epoch_uncertainty_s, 1),
            "kind": self.kind,
            "delta_v_m_s": round(self.delta_v_m_s, 4),
            "confidence": round(self.confidence, 3),
        }


@dataclass(frozen=True)
class ManeuverReport:
    """Result of :func:`detect_maneuvers`: events (sorted by object, epoch), noise models
    per object, and the objects skipped (id -> reason code, e.g. ``TOO_FEW_SETS``)."""

    events: list[ManeuverEvent]
    noise: list[NoiseModel]
    skipped: dict[int, str]

    def events_for(self, norad_id: int) -> list[ManeuverEvent]:
        return [e for e in self.events if e.norad_id == norad_id]

    def noise_by_regime(self) -> dict[str, dict[str, float]]:
        """Median over objects of each noise scale, per regime (and the object count)."""
        out: dict[str, dict[str, float]] = {}
        keys = [k for k in NoiseModel.__dataclass_fields__ if k.startswith("sigma_") or k == "median_gap_s"]
        for reg in el.REGIMES:
            models = [m for m in self.noise if m.regime == reg]
            if not models:
                continue
            row = {k: float(np.nanmedian([getattr(m, k) for m in models])) for k in keys}
            row["objects"] = float(len(models))
            out[reg] = row
        return out


# --------------------------------------------------------------------------- pairs


def propagate_pairs(
    table: ElementTable, rows: npt.ArrayLike, times: npt.ArrayLike
) -> tuple[npt.NDArray[np.uint8], FloatArray, FloatArray]:
    """SGP4 of element set ``rows[k]`` at time ``times[k]`` for every ``k`` in one array call.

    ``rows`` ``(K,)`` int, ``times`` ``(K,)`` UTC -> ``err (K,)``, ``r_km (K,3)``,
    ``v_km_s (K,3)`` TEME (:func:`orbitwatch.propagation.propagate_each`), so K pairs
    cost K evaluations, not K^2.
    """
    rows_a = np.asarray(rows, dtype=np.int64)
    t = np.asarray(times, dtype=UTC_DTYPE)
    if rows_a.shape != t.shape or rows_a.ndim != 1:
        raise InputError("rows and times must be 1-D arrays of the same length")
    return propagate_each(table.take(rows_a), t)


# --------------------------------------------------------------------------- helpers


def sort_history(history: ElementTable | Sequence[ElementSet], *, dedupe_s: float = 60.0) -> ElementTable:
    """Sort by (NORAD id, epoch) and drop sets closer than ``dedupe_s`` to the previous set
    of the same object (CelesTrak histories repeat sets that differ in the last epoch digit)."""
    table = history if isinstance(history, ElementTable) else ElementTable.from_element_sets(history)
    if len(table) == 0:
        return table
    ep = table.epoch.astype(UTC_DTYPE).astype(np.int64)
    order = np.lexsort((ep, table.norad_id))
    table = table.take(order)
    ep = ep[order]
    keep = np.ones(len(table), dtype=bool)
    same = table.norad_id[1:] == table.norad_id[:-1]
    close = (ep[1:] - ep[:-1]) < dedupe_s * 1e6
    keep[:-1] = ~(same & close)  # keep the later of two near-duplicates
    return table.take(keep)


def _nanmedian_rows(x: FloatArray) -> FloatArray:
    """Median of each row ignoring NaN (NaN for all-NaN rows); a sort, no masked arrays."""
    srt = np.sort(x, axis=1)  # NaN sort last
    n = np.sum(np.isfinite(x), axis=1)
    lo = np.clip((n - 1) // 2, 0, x.shape[1] - 1)
    hi = np.clip(n // 2, 0, x.shape[1] - 1)
    rows = np.arange(x.shape[0])
    med: FloatArray = 0.5 * (srt[rows, lo] + srt[rows, hi])
    med[n == 0] = np.nan
    return med


def _rolling(values: FloatArray, before: int, after: int) -> FloatArray:
    """NaN-ignoring median over windows ``[i-before, i+after]`` of a 1-D array."""
    padded = np.concatenate([np.full(before, np.nan), values, np.full(after, np.nan)])
    return _nanmedian_rows(sliding_window_view(padded, before + after + 1))


def _step_statistics(t_day: FloatArray, y: FloatArray, k: int) -> tuple[FloatArray, FloatArray, FloatArray]:
    """Robust step, local slope and single-pair jump of series ``y`` at each of the m-1 gaps.

    ``step[j] = med_{l in j+1..j+k}(y_l - s_j (t_l - tau_j)) - med_{l in j-k+1..j}(same)`` with
    ``tau_j`` the gap midpoint and ``s_j`` the median ``k``-lag rate within ``4k`` gaps.
    """
    m = y.shape[0]
    lag = min(k, m - 1)
    rate = (y[lag:] - y[:-lag]) / np.maximum(t_day[lag:] - t_day[:-lag], 1e-6)
    # rate[l] spans sets l..l+lag; centre it on gap index l + lag/2 - 1/2 -> shift to gaps.
    gap_rate = np.full(m - 1, np.nan)
    offset = (lag - 1) // 2
    gap_rate[offset : offset + rate.shape[0]] = rate
    slope = _rolling(gap_rate, 4 * k, 4 * k)
    slope = np.where(np.isfinite(slope), slope, 0.0)
    tau = 0.5 * (t_day[1:] + t_day[:-1])
    # Windows of k sets before/after each gap: index matrices, clipped and masked.
    j = np.arange(m - 1)
    left_idx = j[:, None] - np.arange(k)[None, :]
    right_idx = j[:, None] + 1 + np.arange(k)[None, :]
    lmask = left_idx >= 0
    rmask = right_idx < m
    li = np.clip(left_idx, 0, m - 1)
    ri = np.clip(right_idx, 0, m - 1)
    ly = y[li] - slope[:, None] * (t_day[li] - tau[:, None])
    ry = y[ri] - slope[:, None] * (t_day[ri] - tau[:, None])
    ly = np.where(lmask, ly, np.nan)
    ry = np.where(rmask, ry, np.nan)
    step = _nanmedian_rows(ry) - _nanmedian_rows(ly)
    jump = (y[1:] - y[:-1]) - slope * (t_day[1:] - t_day[:-1])
    return step, slope, jump


def _robust_sigma(x: FloatArray, floor: float) -> float:
    x = x[np.isfinite(x)]
    if x.size == 0:
        return floor
    mad = float(np.median(np.abs(x - np.median(x))))
    return max(1.4826 * mad, floor)


def _local_sigma(x: FloatArray, half: int, floor: float) -> FloatArray:
    """Per-gap robust scale: 1.4826 MAD of ``x`` over gaps ``[j-half, j+half]`` (NaN ignored),
    floored.  TLE fit noise follows drag and so solar activity over months; a whole-history
    MAD is too large at solar minimum and too small at solar maximum."""
    if half <= 0 or x.shape[0] < 2 * half + 1:
        return np.full(x.shape[0], _robust_sigma(x, floor))
    med = _rolling(x, half, half)
    mad = _rolling(np.abs(x - med), half, half)
    sig = 1.4826 * mad
    return np.where(np.isfinite(sig), np.maximum(sig, floor), _robust_sigma(x, floor))


def _median_window(y: FloatArray, lo: int, hi: int) -> float:
    lo = max(lo, 0)
    hi = min(hi, y.shape[0])
    return float(np.median(y[lo:hi])) if hi > lo else math.nan


# --------------------------------------------------------------------------- detector


@dataclass
class _Series:
    t_day: FloatArray
    a_km: FloatArray
    i_deg: FloatArray
    node_deg: FloatArray
    hx: FloatArray
    hy: FloatArray
    hz: FloatArray
    ex: FloatArray
    ey: FloatArray
    drift_deg_day: FloatArray
    n_rad_s: FloatArray


def _series(table: ElementTable, sl: slice) -> _Series:
    n = table.mean_motion_rev_per_day[sl]
    e = table.eccentricity[sl]
    inc = table.inclination_deg[sl]
    ep = table.epoch[sl].astype(UTC_DTYPE).astype(np.int64)
    t_day = (ep - ep[0]) / US_PER_DAY
    a = el.semi_major_axis_km(n, e, inc)
    _, _, nodedot = el.secular_rates_rad_min(n, e, inc)
    node_rate_deg_day = float(np.median(nodedot)) * MINUTES_PER_DAY * 180.0 / math.pi
    node = np.degrees(np.unwrap(np.radians(table.raan_deg[sl] - node_rate_deg_day * t_day)))
    ex, ey = el.eccentricity_vector(e, table.arg_perigee_deg[sl])
    drift = el.longitude_drift_deg_day(n, e, inc)
    n_rad_s = mean_motion_rad_s(n)
    # Orbit normal with the RAAN taken in a frame turning with the mean J2 nodal rate:
    # well defined at any inclination (the RAAN alone is not near i = 0).
    h = el.orbit_normal(inc, node)
    return _Series(t_day, a, inc, node, h[:, 0], h[:, 1], h[:, 2], ex, ey, drift, n_rad_s)


def _classify(
    reg: str, cfg: ManeuverConfig, *, da_km: float, a_after: float, perigee_after_km: float,
    drift_before: float, drift_after: float, dv_in: float, dv_out: float, out_dominant: bool,
) -> tuple[str, str]:
    if reg == "geo":
        axis = "north-south" if out_dominant else "east-west"
        if da_km > 0 and a_after - _GEO_A_KM > cfg.graveyard_km:
            return "orbit-raising", axis
        moving = max(abs(drift_before), abs(drift_after)) > cfg.relocation_drift_deg_day
        if moving and abs(drift_after - drift_before) > cfg.relocation_change_deg_day:
            return "relocation", axis
        return "station-keeping", axis
    axis = "out-of-plane" if out_dominant else "in-plane"
    if da_km > cfg.raise_fraction * a_after and not out_dominant:
        return "orbit-raising", axis
    if da_km < 0 and (perigee_after_km < cfg.deorbit_perigee_km or -da_km > cfg.raise_fraction * a_after) \
            and not out_dominant:
        return "deorbit", axis
    return axis, axis


def _analyse_object(
    table: ElementTable,
    sl: slice,
    ric: FloatArray,
    cfg: ManeuverConfig,
) -> tuple[list[ManeuverEvent], NoiseModel | None, str | None]:
    k = cfg.window
    m = sl.stop - sl.start
    norad = int(table.norad_id[sl.start])
    name = table.names[sl.stop - 1]
    if m < 2 * k + 2:
        return [], None, "TOO_FEW_SETS"
    reg = str(el.regime(np.median(table.mean_motion_rev_per_day[sl]), np.median(table.eccentricity[sl])))
    s = _series(table, sl)
    floors = cfg.floors[reg]
    steps: dict[str, FloatArray] = {}
    jumps: dict[str, FloatArray] = {}
    sig: dict[str, float] = {}
    sig_jump: dict[str, float] = {}
    z = np.zeros(m - 1)
    zs: dict[str, FloatArray] = {}
    sig_local: dict[str, FloatArray] = {}
    floor_of = {"a_km": floors[0], "hx": floors[1], "hy": floors[1], "hz": floors[1],
                "ex": floors[2], "ey": floors[2]}
    for name_f in ("i_deg", "node_deg"):  # reported as evidence, not used to decide
        steps[name_f] = _step_statistics(s.t_day, getattr(s, name_f), k)[0]
        sig[name_f] = _robust_sigma(steps[name_f], 1e-5)
    for name_f in _FEATURES:
        floor = floor_of[name_f]
        y = getattr(s, name_f)
        step, _, jump = _step_statistics(s.t_day, y, k)
        steps[name_f], jumps[name_f] = step, jump
        sig[name_f] = _robust_sigma(step, floor)
        sig_jump[name_f] = _robust_sigma(jump, floor)
        local = _local_sigma(step, cfg.noise_window, floor)
        sig_local[name_f] = local
        zs[name_f] = np.where(np.isfinite(step), np.abs(step) / local, 0.0)
    # Vector quantities are tested as vectors: z of the plane (3 normal components) and of
    # the eccentricity vector is the root sum of squares of the component z-scores.
    groups_z = {
        "a_km": zs["a_km"],
        "plane": np.sqrt(sum(zs[f] ** 2 for f in _PLANE)),
        "e": np.sqrt(zs["ex"] ** 2 + zs["ey"] ** 2),
    }
    members = {"a_km": ("a_km",), "plane": _PLANE, "e": ("ex", "ey")}
    # Joint decision: the semi-major axis carries nearly every real burn of a station-kept or
    # drag-compensated orbit; plane or eccentricity evidence alone must be stronger by
    # solo_factor (TLE re-fits move e and the node without any burn).
    # solo_factor, unless the step is large in absolute terms (its delta-v at least solo_dv_m_s).
    thr = cfg.geo_z_threshold if reg == "geo" else cfg.z_threshold
    solo = cfg.geo_solo_factor if reg == "geo" else cfg.solo_factor
    v_ms = float(el.circular_speed_km_s(float(np.median(s.a_km)))) * 1000.0
    dv_plane = v_ms * np.sqrt(sum(np.nan_to_num(steps[f]) ** 2 for f in _PLANE))
    dv_ecc = v_ms / 2.0 * np.hypot(np.nan_to_num(steps["ex"]), np.nan_to_num(steps["ey"]))
    # A large plane or eccentricity step must also persist: the same step measured with
    # windows of persist_factor * k sets (its own local noise) must pass the threshold too,
    # which a run of a few re-fitted element sets does not.
    wide_z: dict[str, FloatArray] = {}
    kw = max(cfg.persist_factor * k, k)
    for gname in ("plane", "e"):
        zz = np.zeros(m - 1)
        for f in members[gname]:
            wstep = _step_statistics(s.t_day, getattr(s, f), kw)[0]
            zf = np.abs(wstep) / _local_sigma(wstep, cfg.noise_window, floor_of[f])
            zz += np.where(np.isfinite(zf), zf, 0.0) ** 2
        wide_z[gname] = np.sqrt(zz)
    big_plane = (dv_plane >= cfg.solo_dv_m_s) & (wide_z["plane"] >= cfg.z_threshold)
    big_e = (dv_ecc >= cfg.solo_dv_m_s) & (wide_z["e"] >= cfg.z_threshold)
    z_plane_dec = np.where(big_plane, np.minimum(groups_z["plane"], wide_z["plane"]), groups_z["plane"] / solo)
    z_e_dec = np.where(big_e, np.minimum(groups_z["e"], wide_z["e"]), groups_z["e"] / solo)
    # Isolated small burns (drag make-up months apart): the semi-major-axis step measured with
    # the wide windows has sqrt(persist_factor) less noise; it counts where the narrow step
    # supports it (at least wide_support * threshold), so a cluster of burns is not smeared.
    wstep_a = _step_statistics(s.t_day, s.a_km, kw)[0]
    z_a_wide = np.abs(wstep_a) / _local_sigma(wstep_a, cfg.noise_window, floor_of["a_km"])
    z_a_wide = np.where(np.isfinite(z_a_wide) & (groups_z["a_km"] >= cfg.wide_support * thr), z_a_wide, 0.0)
    z_a_dec = np.maximum(groups_z["a_km"], z_a_wide)
    if reg == "geo":
        # North-south station keeping is a plane change with no semi-major-axis step; the GEO
        # orbit normal is not disturbed by the drift-rate re-fits that set geo_z_threshold.
        z_plane_dec = groups_z["plane"] * (thr / cfg.geo_plane_z_threshold)
    z = np.maximum(z_a_dec, np.maximum(z_plane_dec, z_e_dec))
    ric_sig = [_robust_sigma(ric[:, c], 1e-3) for c in range(3)]
    gaps_s = np.diff(s.t_day) * SECONDS_PER_DAY
    noise = NoiseModel(
        norad_id=norad, regime=reg, n_sets=m,
        sigma_a_km=sig["a_km"], sigma_i_deg=sig["i_deg"], sigma_node_deg=sig["node_deg"],
        sigma_plane_rad=max(sig[f] for f in _PLANE), sigma_ex=sig["ex"], sigma_ey=sig["ey"],
        sigma_radial_km=ric_sig[0], sigma_in_track_km=ric_sig[1], sigma_cross_track_km=ric_sig[2],
        median_gap_s=float(np.median(gaps_s)),
    )
    cand = z >= thr
    events: list[ManeuverEvent] = []
    if not cand.any():
        return events, noise, None
    # Group candidate gaps closer than k gaps into one event.
    idx = np.flatnonzero(cand)
    groups: list[list[int]] = [[int(idx[0])]]
    for g in idx[1:]:
        if g - groups[-1][-1] <= k:
            groups[-1].append(int(g))
        else:
            groups.append([int(g)])
    epochs = table.epoch[sl]
    for grp in groups:
        garr = np.array(grp)
        # The flagged features of the group decide which pair jumps locate the burn.
        flagged = [gname for gname, zg in groups_z.items() if np.nanmax(zg[garr]) >= thr]
        # Onset: the burn shows first in the set after it, often only partly (a fit spanning the
        # burn), so the event takes the earliest gap, from k-1 before the group to its end, whose
        # single-pair jump (same sign as the step) reaches onset_fraction of the largest one.
        span = np.arange(max(int(garr[0]) - k + 1, 0), int(garr[-1]) + 1)
        jump_z = np.zeros(span.shape[0])
        for f in (f for gname in flagged for f in members[gname]):
            sgn = np.sign(np.nanmax(steps[f][garr]) if abs(np.nanmax(steps[f][garr])) >= abs(np.nanmin(
                steps[f][garr])) else np.nanmin(steps[f][garr]))
            jump_z += np.maximum(sgn * jumps[f][span], 0.0) / sig_jump[f]
        best = int(np.argmax(jump_z))
        onset = np.flatnonzero(jump_z >= cfg.onset_fraction * jump_z[best])
        g = int(span[int(onset[0])]) if onset.size else int(span[best])
        zmax = float(np.max(z[garr]))
        da = float(steps["a_km"][g])
        di = float(steps["i_deg"][g])
        dnode = float(steps["node_deg"][g])
        dex, dey = float(steps["ex"][g]), float(steps["ey"][g])
        use = {f: float(np.nanmax(groups_z[gname][garr])) >= 3.0 for gname in members for f in members[gname]}
        a_after = _median_window(s.a_km, g + 1, g + 1 + k)
        e_after = _median_window(table.eccentricity[sl], g + 1, g + 1 + k)
        v = float(el.circular_speed_km_s(a_after)) * 1000.0  # m/s
        dv_t = v / 2.0 * abs(da) / a_after if use["a_km"] else 0.0
        de = math.hypot(dex if use["ex"] else 0.0, dey if use["ey"] else 0.0)
        dv_e = v * de / 2.0
        # Plane-change angle = |change of the unit orbit normal| (small angles).
        dtheta = math.sqrt(sum(float(steps[f][g]) ** 2 for f in _PLANE if use[f]))
        dv_in = max(dv_t, dv_e)
        dv_out = v * dtheta
        drift_before = _median_window(s.drift_deg_day, g - k + 1, g + 1)
        drift_after = _median_window(s.drift_deg_day, g + 1, g + 1 + k)
        perigee_after = a_after * (1.0 - e_after) - WGS72_RADIUS_KM
        z_in = max(float(np.nanmax(groups_z["a_km"][garr])), float(np.nanmax(groups_z["e"][garr])))
        z_out = float(np.nanmax(groups_z["plane"][garr]))
        out_dominant = dv_out > dv_in and z_out >= thr and z_out >= 1.5 * z_in
        kind, axis = _classify(reg, cfg, da_km=da if use["a_km"] else 0.0, a_after=a_after,
                               perigee_after_km=perigee_after, drift_before=drift_before, drift_after=drift_after,
                               dv_in=dv_in, dv_out=dv_out, out_dominant=out_dominant)
        # Epoch: bracket, refined from the in-track residual growth for in-plane burns.
        t0 = epochs[g]
        t1 = epochs[g + 1]
        gap_s = float(gaps_s[g])
        t_est_s = gap_s / 2.0
        unc_s = gap_s / 2.0
        r_res, i_res, c_res = (float(x) for x in ric[g])
        refined = False
        if use["a_km"] and dv_t >= dv_out:
            dn = -1.5 * float(np.median(s.n_rad_s[max(0, g - k + 1): g + 1])) * da / a_after  # rad/s
            if dn != 0.0 and math.isfinite(i_res):
                back_s = (i_res / a_after) / dn
                cand_s = gap_s - back_s
                sig_t = ric_sig[1] / (a_after * abs(dn))
                if -3 * sig_t <= cand_s <= gap_s + 3 * sig_t and sig_t < gap_s / 2.0:
                    t_est_s = min(max(cand_s, 0.0), gap_s)
                    unc_s = max(min(sig_t, gap_s / 2.0), 1.0)
                    refined = True
        epoch = t0 + np.timedelta64(round(t_est_s * 1e6), "us")
        # Elements that moved: those whose step at the event gap is >= 3 of the object's own sigmas.
        z_at = {
            "semi_major_axis": abs(da) / sig["a_km"],
            "inclination": abs(di) / sig["i_deg"],
            "raan": abs(dnode) / sig["node_deg"],
            "eccentricity_vector": float(groups_z["e"][g]),
        }
        moved = [name_e for name_e, zz in z_at.items() if zz >= 3.0]
        ric_z = max(abs(r_res) / ric_sig[0], abs(i_res) / ric_sig[1], abs(c_res) / ric_sig[2])
        conf = 1.0 - 2.0 ** (-((zmax / thr) ** 2))
        if ric_z >= 3.0:
            conf = 1.0 - 0.5 * (1.0 - conf)
        evidence: dict[str, Any] = {
            "gap_index": g + sl.start,
            "gap_s": gap_s,
            "z_threshold": thr,
            "z_max": zmax,
            "flagged": flagged,
            "axis": axis,
            "step_a_km": da, "sigma_a_km": sig["a_km"], "z_a": float(zs["a_km"][g]),
            "step_i_deg": di, "sigma_i_deg": sig["i_deg"],
            "step_node_deg": dnode, "sigma_node_deg": sig["node_deg"],
            "plane_change_rad": dtheta, "z_plane": z_out,
            "step_normal": [float(steps[f][g]) for f in _PLANE],
            "sigma_normal": [sig[f] for f in _PLANE],
            "step_ex": dex, "step_ey": dey, "sigma_ex": sig["ex"], "sigma_ey": sig["ey"],
            "z_e": float(groups_z["e"][g]),
            "ric_residual_km": [r_res, i_res, c_res],
            "ric_sigma_km": ric_sig,
            "ric_z": ric_z,
            "drift_before_deg_day": drift_before,
            "drift_after_deg_day": drift_after,
            "dv_tangential_m_s": dv_t, "dv_eccentricity_m_s": dv_e, "dv_normal_m_s": dv_out,
            "epoch_refined": refined,
            "elements_moved": moved,
        }
        events.append(ManeuverEvent(
            norad_id=norad, name=name, regime=reg, epoch=epoch, epoch_before=t0, epoch_after=t1,
            epoch_uncertainty_s=unc_s, kind=kind, delta_v_m_s=math.hypot(dv_in, dv_out),
            delta_v_in_plane_m_s=dv_in, delta_v_out_of_plane_m_s=dv_out, confidence=conf,
            evidence=evidence,
        ))
    return events, noise, None


def _object_slices(norad: npt.NDArray[np.int64]) -> list[slice]:
    if norad.shape[0] == 0:
        return []
    starts = np.flatnonzero(np.concatenate([[True], norad[1:] != norad[:-1]]))
    ends = np.concatenate([starts[1:], [norad.shape[0]]])
    return [slice(int(a), int(b)) for a, b in zip(starts, ends, strict=True)]


def detect_maneuvers(
    history: ElementTable | Sequence[ElementSet],
    *,
    config: ManeuverConfig | None = None,
    since: np.datetime64 | None = None,
    progress: Progress | None = None,
) -> ManeuverReport:
    """Detect manoeuvres in the element-set histories of one or many objects.

    ``history``: all element sets (any order, any number of objects).  Work is chunked
    over whole objects (``config.chunk_rows`` sets at a time) so memory is bounded.
    ``since`` keeps only events at or after that UTC time (the noise is still learnt from
    the whole history).  ``progress(done_objects, total_objects)`` is called per chunk.
    """
    cfg = config or ManeuverConfig()
    if cfg.window < 1 or cfg.z_threshold <= 0:
        raise InputError("window must be >= 1 and z_threshold > 0", code="INPUT_INVALID")
    table = sort_history(history, dedupe_s=cfg.dedupe_s)
    slices = _object_slices(table.norad_id)
    events: list[ManeuverEvent] = []
    noise: list[NoiseModel] = []
    skipped: dict[int, str] = {}
    total = len(slices)
    done = 0
    start = 0
    while start < total:
        # A chunk of whole objects holding about chunk_rows element sets.
        stop = start
        rows = 0
        while stop < total and (rows == 0 or rows + (slices[stop].stop - slices[stop].start) <= cfg.chunk_rows):
            rows += slices[stop].stop - slices[stop].start
            stop += 1
        lo, hi = slices[start].start, slices[stop - 1].stop
        chunk = table.take(slice(lo, hi))
        src = np.arange(hi - lo - 1)
        same = chunk.norad_id[1:] == chunk.norad_id[:-1]
        src = src[same]
        ric_all = np.full((hi - lo, 3), np.nan)
        if src.size:
            dst = src + 1
            rows_k = np.concatenate([src, dst])
            times_k = np.concatenate([chunk.epoch[dst], chunk.epoch[dst]])
            err, r, vv = propagate_pairs(chunk, rows_k, times_k)
            kk = src.shape[0]
            r_fwd, r_new, v_new = r[:kk], r[kk:], vv[kk:]
            bad = (err[:kk] != 0) | (err[kk:] != 0)
            res = np.asarray(to_ric(r_new - r_fwd, r_new, v_new))
            res[bad] = np.nan
            ric_all[src] = res
        for sl in slices[start:stop]:
            local = slice(sl.start - lo, sl.stop - lo)
            ric = ric_all[local.start: local.stop - 1]
            ev, nm, why = _analyse_object(chunk, local, ric, cfg)
            if nm is not None:
                noise.append(nm)
            if why is not None:
                skipped[int(chunk.norad_id[local.start])] = why
            events.extend(ev)
        done += stop - start
        start = stop
        if progress is not None:
            progress(done, total)
    if since is not None:
        t_since = np.datetime64(since).astype(UTC_DTYPE)
        events = [e for e in events if e.epoch >= t_since]
    return ManeuverReport(events=events, noise=noise, skipped=skipped)
