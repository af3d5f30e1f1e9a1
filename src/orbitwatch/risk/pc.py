"""One entry point for collision probability over arrays of conjunctions, and from CDMs.

:func:`pc_for_states` is what screening and the CLI call: TCA states, covariances
(or ``None`` for the documented TLE default), HBRs and a method name in; Pc, the
method actually used, remediation and usage-violation flags and a per-conjunction
error code out.  Bad conjunctions are data (code + NaN), never an exception.

Methods (``METHODS``): ``foster`` (default; Foster 1992, circle), ``elrod`` (the same
circle Pc by the fast compiled kernel of :mod:`orbitwatch.risk.elrod`), ``chan``,
``alfano`` (2005 series), ``hall3d`` (3D-Nc, long encounters), ``sdmc`` (CARA-style
simple-dynamics Monte Carlo with equinoctial sampling, :mod:`orbitwatch.risk.sdmc`), ``montecarlo``
(two-body MC from TCA, 95 % Clopper-Pearson interval), ``max`` (worst case over
the covariance scale, Alfano/Frisbee; isotropic worst case when no covariance),
``auto`` (after CARA's ``PcMultiStep``: ``foster`` when CARA's 2D usage tests pass, the
rectilinear extended/offset tests and the curvilinear "inaccurate" test of
``UsageViolationPc2D`` (:mod:`orbitwatch.risk.usage2d`, flag ``INACCURATE_2D``; an
analysis that does not converge, ``USAGE_NOT_CONVERGED``, counts as a violation as in
PcMultiStep), else
``hall3d``; the 2D-Nc middle step of PcMultiStep is not implemented; the reason, with the
measures and their limits, is in ``extra["auto_reason"]``, CARA's estimate of
ln(Nc2D/Pc2D) in ``extra["log_pc_correction"]``).
``hall3d`` is CARA's equinoctial 3D-Nc (:mod:`orbitwatch.risk.hall3d`);
its records carry ``converged`` and, when not, ``HALL3D_NOT_CONVERGED`` (Pc NaN).
``montecarlo`` records whose Cartesian covariance cannot follow the orbit's curvature at
the HBR scale carry ``CARTESIAN_COVARIANCE_CURVATURE``.

:func:`pc_from_cdm` computes the Pc of one parsed CDM: the RTN covariances are
rotated to the CDM's frame with each object's own state, combined and projected on
the encounter plane; the miss vector is the projection of ``r1 - r2`` on that plane,
i.e. orbitwatch re-centres at TCA in the rectilinear sense.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np
import numpy.typing as npt

from orbitwatch.catalog.model import infer_object_type
from orbitwatch.ccsds.cdm import CDM
from orbitwatch.constants import (
    SECONDS_PER_DAY,
    WGS72_MU_KM3_S2,
    kepler_mean_motion_rad_s,
    kepler_period_s,
    mean_motion_rev_per_day,
)
from orbitwatch.errors import InputError
from orbitwatch.risk.alfano import pc_alfano_plane
from orbitwatch.risk.chan import pc_chan_plane
from orbitwatch.risk.covariance import default_sigma_ric_km, tle_covariance_inertial
from orbitwatch.risk.elrod import pc_elrod_plane
from orbitwatch.risk.encounter import (
    USAGE_EXTENDED_LIMIT,
    USAGE_OFFSET_LIMIT,
    check_inputs,
    encounter_plane,
    usage_violations,
)
from orbitwatch.risk.equinoctial import CARA_MU_KM3_S2
from orbitwatch.risk.foster import pc_foster_plane
from orbitwatch.risk.hall3d import pc_hall3d
from orbitwatch.risk.hbr import HBRTable, pair_hbr_m
from orbitwatch.risk.maxpc import pc_max_isotropic, pc_max_scaled
from orbitwatch.risk.montecarlo import pc_montecarlo
from orbitwatch.risk.sdmc import pc_sdmc
from orbitwatch.risk.usage2d import INACCURATE_CUTOFF, curvilinear_usage
from orbitwatch.times import format_utc

__all__ = ["METHODS", "PcResult", "pc_for_states", "pc_from_cdm"]

FloatArray = npt.NDArray[np.float64]

METHODS = ("foster", "elrod", "chan", "alfano", "hall3d", "sdmc", "montecarlo", "max", "auto")



@dataclass(frozen=True)
class PcResult:
    """Pc for M conjunctions.

    ``pc`` (M,) NaN where ``codes`` is not empty; ``method`` (M,) the method used per
    conjunction; ``covariance_remediated`` (M,); ``usage_violations`` M lists of flag
    names; ``codes`` (M,) ``""`` or an ``INPUT_*`` code; ``miss_distance_km``,
    ``relative_speed_km_s`` (M,); ``covariance_source`` (M, 2) ``given``/``default``;
    ``extra`` per-method arrays (``ci_low``/``ci_high`` for Monte Carlo, ``nc`` for
    hall3d, ``scale``/``dilution`` for max).
    """

    pc: FloatArray
    method: list[str]
    covariance_remediated: npt.NDArray[np.bool_]
    usage_violations: list[list[str]]
    codes: npt.NDArray[np.str_]
    miss_distance_km: FloatArray
    relative_speed_km_s: FloatArray
    covariance_source: list[tuple[str, str]]
    extra: dict[str, Any] = field(default_factory=dict)


def _full6(cov: FloatArray) -> FloatArray:
    if cov.shape[1] >= 6:
        return np.ascontiguousarray(cov[:, :6, :6])
    out = np.zeros((cov.shape[0], 6, 6))
    out[:, :3, :3] = cov[:, :3, :3]
    return out


def _cov_or_default(cov: Any, r: FloatArray, v: FloatArray, age_days: FloatArray) -> tuple[FloatArray, str]:
    if cov is None:
        # the default TLE model of the object's regime (mean motion, eccentricity from the state)
        mu = CARA_MU_KM3_S2
        rn = np.linalg.norm(r, axis=1)
        vv = np.sum(v * v, axis=1)
        with np.errstate(invalid="ignore", divide="ignore"):
            sma = 1.0 / (2.0 / rn - vv / mu)
            n_rev_day = mean_motion_rev_per_day(kepler_mean_motion_rad_s(sma, mu))
        ecc_vec = ((vv - mu / rn)[:, None] * r - np.sum(r * v, axis=1)[:, None] * v) / mu
        sig = default_sigma_ric_km(n_rev_day, age_days, np.linalg.norm(ecc_vec, axis=1))
        return tle_covariance_inertial(sig, r, v), "default"
    arr = np.asarray(cov, dtype=np.float64)
    if arr.ndim == 2:
        arr = np.broadcast_to(arr, (r.shape[0], *arr.shape))
    return _full6(arr), "given"


def _auto_choice(
    idx: npt.NDArray[np.intp], uv: Any, neg_plane: Any, *, states: tuple[FloatArray, ...],
    hbr: FloatArray, flags: list[list[str]], extra: dict[str, Any], m: int,
) -> npt.NDArray[Any]:
    """``auto`` as CARA's PcMultiStep: the method per conjunction of ``idx`` (foster or hall3d),
    with the reason and CARA's ln(Nc2D/Pc2D) estimate in ``extra`` and flags appended."""
    r1, v1, c1, r2, v2, c2 = states
    # CARA's PcMultiStep: the rectilinear tests first, then (where they pass) the
    # curvilinear "inaccurate" test of UsageViolationPc2D (risk.usage2d)
    inaccurate = np.zeros(idx.size, dtype=bool)
    unconverged = np.zeros(idx.size, dtype=bool)
    lpcf = np.full(idx.size, np.nan)
    ind = np.full(idx.size, np.nan)
    rest = np.flatnonzero(~uv.invalid_2d & ~neg_plane)
    if rest.size:
        ii = idx[rest]
        cu = curvilinear_usage(np.concatenate([r1[ii], v1[ii]], axis=1), _full6(c1[ii]),
                               np.concatenate([r2[ii], v2[ii]], axis=1), _full6(c2[ii]), hbr[ii])
        inaccurate[rest] = cu.inaccurate_2d
        # PcMultiStep: indicators that did not converge count as a 2D usage violation
        unconverged[rest] = ~cu.converged
        lpcf[rest] = cu.log_pc_correction
        ind[rest] = cu.inaccurate
    reasons = extra.setdefault("auto_reason", np.full(m, "", dtype=object))
    extra["log_pc_correction"] = np.full(m, np.nan)
    extra["log_pc_correction"][idx] = lpcf
    for j, i in enumerate(idx):
        measures = (f"extended {uv.extended[j]:.3g} (limit {USAGE_EXTENDED_LIMIT:g}), "
                    f"offset {uv.offset[j]:.3g} (limit {USAGE_OFFSET_LIMIT:g})")
        if uv.invalid_2d[j]:
            bad = [f for f in uv.flags[j] if f in ("EXTENDED_ENCOUNTER", "OFFSET_FROM_TCA")]
            reasons[i] = f"3D-Nc: 2D assumptions fail ({', '.join(bad)}; {measures})"
        elif inaccurate[j]:
            flags[i].append("INACCURATE_2D")
            reasons[i] = (f"3D-Nc: 2D inaccurate on the curved encounter (INACCURATE_2D; indicator "
                          f"{ind[j]:.3g}, limit {INACCURATE_CUTOFF:g}; ln(Nc2D/Pc2D) ~ {lpcf[j]:.3g}; "
                          f"{measures})")
        elif unconverged[j]:
            flags[i].append("USAGE_NOT_CONVERGED")
            reasons[i] = ("3D-Nc: CARA's curvilinear usage analysis did not converge (USAGE_NOT_CONVERGED; "
                          f"{measures})")
        else:
            reasons[i] = f"2D: CARA usage tests pass ({measures}, inaccurate {ind[j]:.3g} " \
                         f"(limit {INACCURATE_CUTOFF:g}))"
    chosen: npt.NDArray[Any] = np.where(uv.invalid_2d | inaccurate | unconverged, "hall3d", "foster").astype(object)
    return chosen


def pc_for_states(
    r1_km: Any,
    v1_km_s: Any,
    cov1_km2: Any,
    r2_km: Any,
    v2_km_s: Any,
    cov2_km2: Any,
    *,
    hbr_km: Any,
    method: str = "foster",
    age_days: Any = 1.0,
    window_s: Any = None,
    n_samples: int = 20_000,
    seed: int | None = 0,
) -> PcResult:
    """Pc of M conjunctions from TCA states.

    ``r1_km, r2_km`` (M, 3), ``v1_km_s, v2_km_s`` (M, 3) inertial; ``cov1_km2,
    cov2_km2`` (M, 3, 3) / (M, 6, 6) inertial covariances in km, km/s, or ``None``
    for the default TLE covariance of :mod:`orbitwatch.risk.covariance` at
    ``age_days`` (M,) or scalar after epoch; ``hbr_km`` (M,) or scalar combined
    hard-body radius.  ``window_s`` (half-width about TCA) is used by ``hall3d`` (default:
    CARA's encounter segment and conjunction bounds) and ``montecarlo`` (default: half the
    shorter orbital period).
    """
    if method not in METHODS:
        raise InputError(f"method {method!r} is not one of {', '.join(METHODS)}", code="INPUT_METHOD", field="method")
    r1 = np.atleast_2d(np.asarray(r1_km, dtype=np.float64))
    v1 = np.atleast_2d(np.asarray(v1_km_s, dtype=np.float64))
    r2 = np.atleast_2d(np.asarray(r2_km, dtype=np.float64))
    v2 = np.atleast_2d(np.asarray(v2_km_s, dtype=np.float64))
    m = r1.shape[0]
    age = np.broadcast_to(np.asarray(age_days, dtype=np.float64), (m,))
    c1, src1 = _cov_or_default(cov1_km2, r1, v1, age)
    c2, src2 = _cov_or_default(cov2_km2, r2, v2, age)
    arrays, codes = check_inputs(r1, v1, c1, r2, v2, c2, hbr_km=hbr_km)
    r1, v1, p1, r2, v2, p2, hbr = arrays
    ok = codes == ""
    pc = np.full(m, np.nan)
    rem = np.zeros(m, dtype=bool)
    flags: list[list[str]] = [[] for _ in range(m)]
    miss = np.linalg.norm(r1 - r2, axis=1)
    speed = np.linalg.norm(v1 - v2, axis=1)
    used = [method] * m
    extra: dict[str, Any] = {}
    idx = np.flatnonzero(ok)
    if idx.size:
        uv = usage_violations(r1[idx], v1[idx], p1[idx], r2[idx], v2[idx], p2[idx], hbr_km=hbr[idx])
        for j, i in enumerate(idx):
            flags[i] = uv.flags[j]
        plane = encounter_plane(r1[idx], v1[idx], p1[idx], r2[idx], v2[idx], p2[idx])
        # Each object's diagonal can be >= 0 while the combined covariance projected on the
        # encounter plane has a negative variance (e.g. a CDM with a negative RTN variance,
        # rotated to inertial): a per-conjunction code, not an exception for the whole batch.
        with np.errstate(invalid="ignore"):
            neg_plane = (np.diagonal(plane.cov_km2, axis1=1, axis2=2) < 0).any(1)
        codes[idx[neg_plane]] = "INPUT_NEGATIVE_VARIANCE"
        chosen = np.array([method] * idx.size, dtype=object)
        if method == "auto":
            chosen = _auto_choice(idx, uv, neg_plane, states=(r1, v1, c1, r2, v2, c2), hbr=hbr, flags=flags,
                                  extra=extra, m=m)
        for name in sorted(set(chosen[~neg_plane].tolist())):
            sel = (chosen == name) & ~neg_plane
            ii = idx[sel]
            if name in ("foster", "chan", "alfano"):
                fn = {"foster": pc_foster_plane, "chan": pc_chan_plane, "alfano": pc_alfano_plane}[name]
                res = fn(plane.miss_km[sel], plane.cov_km2[sel], hbr[ii])
                pc[ii], rem[ii] = res.pc, res.remediated
            elif name == "elrod":
                eres = pc_elrod_plane(plane.miss_km[sel], plane.cov_km2[sel], hbr[ii])
                pc[ii], rem[ii] = eres.pc, eres.remediated
                extra.setdefault("error_estimate", np.full(m, np.nan))[ii] = eres.error_estimate
            elif name == "max":
                if src1 == "given" or src2 == "given":
                    mres = pc_max_scaled(plane.miss_km[sel], plane.cov_km2[sel], hbr[ii])
                else:
                    mres = pc_max_isotropic(np.linalg.norm(plane.miss_km[sel], axis=1), hbr[ii])
                pc[ii] = mres.pc_max
                extra.setdefault("scale", np.full(m, np.nan))[ii] = mres.scale
                extra.setdefault("dilution", np.zeros(m, dtype=bool))[ii] = mres.dilution
            elif name == "hall3d":
                s1 = np.concatenate([r1[ii], v1[ii]], axis=1)
                s2 = np.concatenate([r2[ii], v2[ii]], axis=1)
                win = None if window_s is None else np.broadcast_to(np.asarray(window_s, dtype=float), (m,))[ii]
                hres = pc_hall3d(s1, _full6(c1[ii]), s2, _full6(c2[ii]), hbr[ii], window_s=win)
                pc[ii], rem[ii] = hres.pc, hres.remediated
                extra.setdefault("nc", np.full(m, np.nan))[ii] = hres.nc
                extra.setdefault("converged", np.ones(m, dtype=bool))[ii] = hres.converged
                for i in ii[~hres.converged]:
                    flags[i].append("HALL3D_NOT_CONVERGED")
            elif name == "sdmc":
                s1 = np.concatenate([r1[ii], v1[ii]], axis=1)
                s2 = np.concatenate([r2[ii], v2[ii]], axis=1)
                win = None if window_s is None else np.broadcast_to(np.asarray(window_s, dtype=float), (m,))[ii]
                sd = pc_sdmc(
                    s1, _full6(c1[ii]), s2, _full6(c2[ii]), hbr[ii], window_s=win, n_samples=n_samples, seed=seed
                )
                pc[ii] = sd.pc
                rem[ii] = sd.covariance_clipped
                extra.setdefault("ci_low", np.full(m, np.nan))[ii] = sd.ci_low
                extra.setdefault("ci_high", np.full(m, np.nan))[ii] = sd.ci_high
            elif name == "montecarlo":
                s1 = np.concatenate([r1[ii], v1[ii]], axis=1)
                s2 = np.concatenate([r2[ii], v2[ii]], axis=1)
                if window_s is None:
                    win = 0.5 * np.minimum(_period(s1), _period(s2))
                else:
                    win = np.broadcast_to(np.asarray(window_s, dtype=float), (m,))[ii]
                mc = pc_montecarlo(
                    s1, _full6(c1[ii]), s2, _full6(c2[ii]), hbr[ii], window_s=win, n_samples=n_samples, seed=seed
                )
                pc[ii] = mc.pc
                rem[ii] = mc.covariance_clipped
                extra.setdefault("ci_low", np.full(m, np.nan))[ii] = mc.ci_low
                extra.setdefault("ci_high", np.full(m, np.nan))[ii] = mc.ci_high
            if name == "montecarlo":
                bent = _curvature_violation(r1[ii], p1[ii], r2[ii], p2[ii], hbr[ii])
                for i in ii[bent]:
                    flags[i].append("CARTESIAN_COVARIANCE_CURVATURE")
            for i in ii:
                used[i] = name
    return PcResult(
        pc=pc,
        method=used,
        covariance_remediated=rem,
        usage_violations=flags,
        codes=codes,
        miss_distance_km=miss,
        relative_speed_km_s=speed,
        covariance_source=[(src1, src2)] * m,
        extra=extra,
    )


def _curvature_violation(
    r1_km: FloatArray, cov1_km2: FloatArray, r2_km: FloatArray, cov2_km2: FloatArray, hbr_km: FloatArray
) -> npt.NDArray[np.bool_]:
    """(M,) True where a Cartesian Gaussian cannot follow the orbit's curvature at the HBR scale.

    ``montecarlo`` samples each object's 6x6 *Cartesian* covariance and moves the samples
    on conics (as does :mod:`orbitwatch.risk.nc3d_cartesian`).  A 1-sigma displacement ``s`` along the
    most uncertain direction (in-track, in practice) then lies on the tangent, off the
    curved orbit by ``s^2 / (2 |r|)``; when that exceeds the hard-body radius for either
    object the 3D result may be wrong by orders of magnitude (found on real CARA CDMs
    whose in-track sigma is tens of km: 2D and CARA say 1e-4, the Cartesian 3D methods
    ~0).  Hall (2021) avoids this by mapping equinoctial-element covariances, as
    :mod:`orbitwatch.risk.hall3d` does; the flag says so instead of returning a silent number.
    """
    out = np.zeros(r1_km.shape[0], dtype=bool)
    for r, c in ((r1_km, cov1_km2), (r2_km, cov2_km2)):
        lam = np.linalg.eigvalsh(0.5 * (c[:, :3, :3] + np.swapaxes(c[:, :3, :3], 1, 2)))[:, -1]
        out |= lam / (2.0 * np.linalg.norm(r, axis=1)) > hbr_km
    return out


def _period(states: FloatArray) -> FloatArray:
    mu = WGS72_MU_KM3_S2  # the two-body model of risk._kepler
    rn = np.linalg.norm(states[:, :3], axis=1)
    energy = 0.5 * np.sum(states[:, 3:] ** 2, axis=1) - mu / rn
    with np.errstate(invalid="ignore", divide="ignore"):
        a = -mu / (2 * energy)
        return np.where(a > 0, kepler_period_s(np.abs(a), mu), SECONDS_PER_DAY)


_INERTIAL = {"EME2000", "GCRF", "ICRF", "TEME", "J2000", "TOD", "MOD"}


def _object_type(cdm: CDM, obj: int) -> str:
    typ = (cdm.get(f"object{obj}", "OBJECT_TYPE") or "").strip().upper()
    if typ in ("PAYLOAD", "ROCKET BODY", "DEBRIS", "UNKNOWN"):
        return typ
    return infer_object_type(cdm.object_name(obj))


def pc_from_cdm(
    cdm: CDM, *, method: str = "foster", hbr_m: float | None = None, hbr_table: HBRTable | None = None,
    **kwargs: Any,
) -> dict[str, Any]:
    """Pc of one CDM as the record of the ``orbitwatch pc --json`` contract.

    HBR: ``hbr_m`` if given (source ``--hbr-m``), else the CDM's ``COMMENT HBR`` / ``HBR``
    (``cdm``), else the rule of ``screen --pc`` (:func:`orbitwatch.risk.hbr.pair_hbr_m`:
    CARA table radii when ``hbr_table`` holds the objects, else the default by object type,
    summed), reported with ``hbr_defaulted`` and ``hbr_detail``.  A CDM whose objects are in
    different frames raises :class:`InputError` (``INPUT_FRAME``); an Earth-fixed frame
    (ITRF) is used as is and flagged ``NON_INERTIAL_FRAME``.
    """
    f1, f2 = cdm.ref_frame(1).strip().upper(), cdm.ref_frame(2).strip().upper()
    if f1 != f2:
        raise InputError(f"objects are in different frames ({f1}, {f2})", code="INPUT_FRAME", source=cdm.source)
    detail = ""
    if hbr_m is not None:
        hbr, hbr_source = float(hbr_m), "--hbr-m"
    elif np.isfinite(cdm.hbr_m):
        hbr, hbr_source = cdm.hbr_m, "cdm"
    else:
        hbr, hbr_source, detail = pair_hbr_m(
            (cdm.norad_id(1), cdm.norad_id(2)), (_object_type(cdm, 1), _object_type(cdm, 2)), hbr_table
        )
    tca = cdm.tca
    s1, s2 = cdm.state(1), cdm.state(2)
    c1 = cdm.covariance_inertial_km(1)
    c2 = cdm.covariance_inertial_km(2)
    res = pc_for_states(s1[:3], s1[3:], c1, s2[:3], s2[3:], c2, hbr_km=hbr / 1e3, method=method, **kwargs)
    flags = list(res.usage_violations[0])
    if f1 not in _INERTIAL:
        flags.append("NON_INERTIAL_FRAME")
    if res.codes[0]:
        flags.append(str(res.codes[0]))
    record: dict[str, Any] = {
        "file": cdm.source,
        "norad_1": cdm.norad_id(1),
        "norad_2": cdm.norad_id(2),
        "tca_utc": format_utc(tca, digits=3 if int(tca.astype(np.int64)) % 1000 == 0 else 6),
        "miss_distance_km": float(res.miss_distance_km[0]),
        "relative_speed_km_s": float(res.relative_speed_km_s[0]),
        "hbr_m": hbr,
        "hbr_source": hbr_source,
        "hbr_defaulted": hbr_source not in ("--hbr-m", "cdm"),
        "hbr_detail": detail,
        "method": res.method[0],
        "pc": None if not np.isfinite(res.pc[0]) else float(res.pc[0]),
        "covariance_remediated": bool(res.covariance_remediated[0]),
        "usage_violations": flags,
        "cdm_pc": None if not np.isfinite(cdm.collision_probability) else cdm.collision_probability,
    }
    for key, arr in res.extra.items():
        value = arr[0]
        if isinstance(value, str):
            record[key] = value
        else:
            record[key] = bool(value) if isinstance(value, np.bool_) else float(value)
    return record
