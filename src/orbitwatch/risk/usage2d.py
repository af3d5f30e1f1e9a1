"""CARA's curvilinear usage-violation analysis of the 2D Pc (``UsageViolationPc2D``, full mode).

Reference: NASA CARA ``UsageViolationPc2D.m`` and ``TimeParabolaFit.m``
(nasa/CARA_Analysis_Tools, ``DistributedMatlab/ProbabilityOfCollision/Utils``), after
Hall (2021), JSR 58(3).  The rectilinear encounter of the 2D method has the modified
Mahalanobis distance ``Q_RL(t) = MD^2(t) + ln det A`` (relative position covariance
``A`` at TCA, straight-line motion).  The curvilinear one, ``Q_CL(t)``, is the same
quantity at the peak-overlap point of the two equinoctial Gaussians moved by two-body
motion (``PeakOverlapMD2``, :func:`orbitwatch.risk.hall3d._pop`).  Fitting a parabola to
``Q_CL`` near its minimum gives the curvilinear encounter time ``T_CL``, width
``sigma_CL`` and speed ``V_CL``, hence CARA's small-HBR estimate of the ratio of the
curvilinear 2D-Nc to the 2D Pc,

    ln(Nc2D / Pc2D) ~ LogPcCorrectionFactor = ln(sigma_CL / sigma_RL) + ln(V_CL / V_RL)
                                              + (Q_RL(T_RL) - Q_CL(T_CL)) / 2,

and the indicators ``Inaccurate = 1 - exp(-|LogPcCorrectionFactor|)`` (PcMultiStep's
cutoff 0.02), ``Extended = 2 dtau / P_min`` and ``Offset = max(|Ta|, |Tb|) / P_min`` with
``dtau = sigma_CL sqrt(2) erfcinv(1e-16)`` (cutoffs 0.02 and 0.01).  The refinement loop
follows CARA's (re-evaluate ``Q_CL`` at the current minimum estimate, keep it only if it
lowers the minimum, refit the three lowest points, bisect towards the evaluated points
when the estimate lies outside them or, on the first refinement, when the peak-overlap
iteration does not converge there); an unconverged analysis gives NaN indicators.  One
deliberate difference: where CARA re-evaluates the fitted parabola at a bisected time
with its coefficients in reverse order (``yy(1) + t (yy(2) + t yy(3))``), the parabola is
evaluated as fitted; that value only steers the refinement.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

import numpy as np
import numpy.typing as npt
from scipy.special import erfcinv

from orbitwatch.risk.encounter import FCLIP, hbr_array
from orbitwatch.risk.equinoctial import CARA_MU_KM3_S2, cartesian_to_equinoctial, equinoctial_jacobian
from orbitwatch.risk.hall3d import _PERM, _clip_inv, _Object, _period, _pop

__all__ = ["INACCURATE_CUTOFF", "CurvilinearUsage", "curvilinear_usage"]

FloatArray = npt.NDArray[np.float64]

INACCURATE_CUTOFF = 0.02  # PcMultiStep's Pc2DInaccurateCutoff
_SQRT2_ERFCINV_GAMMA = math.sqrt(2.0) * float(erfcinv(1e-16))
_TIME_SIGMA_DIFF_LIMIT = 2.5
_Q_DIFF_LIMIT = 1.0
_MAX_REFINEMENTS = 20
_INIT_OFFSET_FACTOR = 10.0


@dataclass(frozen=True)
class CurvilinearUsage:
    """Per conjunction (M,): ``converged``, ``log_pc_correction`` (ln Nc2D/Pc2D estimate),
    ``inaccurate``, ``extended``, ``offset`` (CARA's indicators; NaN where unconverged),
    ``t_rectilinear_s``, ``t_curvilinear_s``, ``sigma_rectilinear_s``, ``sigma_curvilinear_s``,
    ``refinements``.  Where the curvilinear analysis does not converge, ``extended`` and
    ``offset`` are the rectilinear indicators (as CARA's) and the rest NaN."""

    converged: npt.NDArray[np.bool_]
    log_pc_correction: FloatArray
    inaccurate: FloatArray
    extended: FloatArray
    offset: FloatArray
    t_rectilinear_s: FloatArray
    t_curvilinear_s: FloatArray
    sigma_rectilinear_s: FloatArray
    sigma_curvilinear_s: FloatArray
    refinements: npt.NDArray[np.int64]

    @property
    def inaccurate_2d(self) -> npt.NDArray[np.bool_]:
        """CARA's 2D-Pc "inaccurate" usage violation (indicator > 0.02)."""
        return np.asarray(np.nan_to_num(self.inaccurate, nan=0.0) > INACCURATE_CUTOFF)


def _parabola(t: FloatArray, q: FloatArray) -> FloatArray | None:
    """CARA's ``TimeParabolaFit``: q = c0 t^2 + c1 t + c2 through the three lowest points."""
    t, idx = np.unique(t, return_index=True)
    q = q[idx]
    if t.size < 3:
        return None
    order = np.argsort(q, kind="stable")
    inc = order[:3]
    while True:
        tinc = t[inc]
        tmid, tdel = 0.5 * (tinc.max() + tinc.min()), 0.5 * (tinc.max() - tinc.min())
        z = (tinc - tmid) / tdel
        amat = np.stack([z * z, z, np.ones_like(z)], axis=1)
        if np.linalg.matrix_rank(amat) >= 3 or inc.size == t.size:
            break
        inc = order[: inc.size + 1]
    x = np.linalg.pinv(amat) @ q[inc]
    trat = tmid / tdel
    return np.array([x[0] / tdel**2, (x[1] - 2 * trat * x[0]) / tdel, trat * (trat * x[0] - x[1]) + x[2]])


def _refine(q_cl: Any, tt: list[float], qq: list[float], *, t_cl: float, s_cl: float, q_min: float,
            v_cl: float, level: int, refine: bool) -> tuple[float, float, float, int, bool]:
    """UsageViolationPc2D's refinement of the curvilinear peak-overlap time: new Q(t) points
    and parabola fits until the time and Q(t) estimates settle; ``tt``/``qq`` (the evaluated
    points) grow in place.  Returns ``(t_cl, s_cl, v_cl, level, converged)``."""
    converged = True
    while refine:
        level += 1
        i_min = int(np.argmin(qq))
        qn, vn = q_cl(np.array([t_cl]))
        refine = False
        if not np.isfinite(qn[0]):
            # CARA: bisect towards the evaluated points, on the first refinement only
            converged = False
            lo_t, hi_t = min(tt), max(tt)
            t_new = 0.5 * (t_cl + lo_t) if t_cl < lo_t else 0.5 * (t_cl + hi_t) if t_cl > hi_t else math.nan
            if math.isfinite(t_new) and len(tt) == 3 and level < _MAX_REFINEMENTS:
                t_cl, refine = t_new, True
            continue
        converged = True
        decreasing = qn[0] < np.sort(qq)[2]
        tt.append(t_cl)
        qq.append(float(qn[0]))
        if decreasing:
            v_cl = float(vn[0])
            yy = _parabola(np.array(tt), np.array(qq))
            if yy is None or yy[0] <= 0:
                s_cl = math.inf
                break
            t_cl = -yy[1] / yy[0] / 2
            q_min = yy[2] - yy[1] ** 2 / yy[0] / 4
            s_cl = math.sqrt(1.0 / yy[0])
        else:
            # CARA: bisect an estimate outside the evaluated points, else keep the lowest point
            lo_t, hi_t = min(tt[:-1]), max(tt[:-1])
            if t_cl < lo_t or t_cl > hi_t:
                t_cl = 0.5 * (t_cl + (lo_t if t_cl < lo_t else hi_t))
                yy = _parabola(np.array(tt), np.array(qq))
                q_min = float(yy[0] * t_cl**2 + yy[1] * t_cl + yy[2]) if yy is not None else qq[i_min]
            else:
                t_cl, q_min = tt[i_min], qq[i_min]
        refine = (level < _MAX_REFINEMENTS
                  and (abs(t_cl - tt[i_min]) >= _TIME_SIGMA_DIFF_LIMIT * s_cl
                       or abs(q_min - qq[i_min]) >= _Q_DIFF_LIMIT))
    return t_cl, s_cl, v_cl, level, converged


def _one(s1: FloatArray, c1: FloatArray, s2: FloatArray, c2: FloatArray, hbr: float, *, fclip: float,
         mu: float) -> tuple[float, ...]:
    nan = (math.nan,) * 9 + (0.0,)

    def retro(s: FloatArray) -> bool:
        h = np.cross(s[:3], s[3:])
        return bool(1.0 + h[2] / np.linalg.norm(h) < 1e-6)

    if retro(s1) or retro(s2):
        m6 = np.zeros((6, 6))
        m6[:3, :3] = _PERM
        m6[3:, 3:] = _PERM
        s1, s2 = m6 @ s1, m6 @ s2
        c1, c2 = m6 @ c1 @ m6.T, m6 @ c2 @ m6.T
    objs = []
    for s, c in ((s1, c1), (s2, c2)):
        e0 = cartesian_to_equinoctial(s, mu)
        if not np.isfinite(e0).all():
            return nan
        _, j = equinoctial_jacobian(e0, 0.0, mu)
        kmat = np.linalg.inv(j)
        q = kmat @ c @ kmat.T
        objs.append(_Object(e0=e0, q=0.5 * (q + q.T)))
    lclip = (fclip * hbr) ** 2
    # rectilinear
    r, v = s2[:3] - s1[:3], s2[3:] - s1[3:]
    ainv, adet, _ = _clip_inv((c1[:3, :3] + c2[:3, :3])[None], lclip)
    ai = ainv[0]
    rar, rav, vav = float(r @ ai @ r), float(r @ ai @ v), float(v @ ai @ v)
    if not vav > 0:
        return nan
    t_rl = -rav / vav if rav != 0 else 0.0
    s_rl = 1.0 / math.sqrt(vav)
    q_rl = rar + 2 * t_rl * rav + t_rl * t_rl * vav + math.log(float(adet[0]))
    v_rl = float(np.linalg.norm(v))
    pmin = min(_period(s1, mu), _period(s2, mu))
    # rectilinear indicators: what CARA reports when the curvilinear analysis does not converge
    dtau_rl = s_rl * _SQRT2_ERFCINV_GAMMA
    ext_rl = min(1.0, 2 * dtau_rl / pmin)
    off_rl = min(1.0, (abs(t_rl) + dtau_rl) / pmin)

    def fail(level: int, t_cl: float = math.nan, s_cl: float = math.nan) -> tuple[float, ...]:
        return (math.nan, math.nan, ext_rl, off_rl, t_rl, t_cl, s_rl, s_cl, 0.0, float(level))

    def q_cl(t: FloatArray) -> tuple[FloatArray, FloatArray]:
        pop = _pop(np.asarray(t, dtype=np.float64), objs[0], objs[1], hbr, fclip, mu)
        xu = pop["xu2"] - pop["xu1"]
        inv, det, _ = _clip_inv((pop["ps1"] + pop["ps2"])[:, :3, :3], lclip)
        ru = xu[:, :3]
        q = np.einsum("ki,kij,kj->k", ru, inv, ru) + np.log(det)
        q = np.where(pop["converged"], q, np.nan)
        return q, np.linalg.norm(xu[:, 3:], axis=1)

    dt = s_rl
    ts = np.array([t_rl - dt, t_rl, t_rl + dt])
    qs, vs = q_cl(ts)
    if not np.isfinite(qs).all():
        return fail(0)
    qdd = (qs[2] - 2 * qs[1] + qs[0]) / dt**2
    v_cl = float(vs[1])
    level = 1
    if qdd <= 0:
        return fail(level, s_cl=math.inf)
    abc = _parabola(ts, qs)
    assert abc is not None
    t_cl = -abc[1] / qdd
    q_min = abc[2] - abc[1] ** 2 / abc[0] / 4
    ok_offset = True
    dmax = _INIT_OFFSET_FACTOR * (ts[2] - ts[0])
    if t_cl < ts[0] - dmax or t_cl > ts[2] + dmax:
        ok_offset = False
        t_cl = ts[0] - dmax if t_cl < ts[0] - dmax else ts[2] + dmax
        q_min = abc[0] * t_cl**2 + abc[1] * t_cl + abc[2]
    s_cl = math.sqrt(2.0 / qdd)
    if ok_offset:
        refine = (abs(t_cl - t_rl) >= _TIME_SIGMA_DIFF_LIMIT * min(s_rl, s_cl)
                  or abs(q_min - q_rl) >= _Q_DIFF_LIMIT)
    else:
        refine = True
    t_cl, s_cl, v_cl, level, converged = _refine(q_cl, list(ts), [float(x) for x in qs], t_cl=t_cl, s_cl=s_cl,
                                                 q_min=q_min, v_cl=v_cl, level=level, refine=refine)
    if not converged:
        return fail(level, t_cl, s_cl)
    if not math.isfinite(s_cl):
        return fail(level, t_cl, s_cl)
    qn, _ = q_cl(np.array([t_cl]))
    if not np.isfinite(qn[0]):
        return fail(level, t_cl, s_cl)
    lpcf = math.log(s_cl / s_rl) + math.log(v_cl / v_rl) + (q_rl - float(qn[0])) / 2
    dtau = s_cl * _SQRT2_ERFCINV_GAMMA
    ta, tb = t_cl - dtau, t_cl + dtau
    extended = min(1.0, (tb - ta) / pmin)
    offset = min(1.0, max(abs(ta), abs(tb)) / pmin)
    return (lpcf, 1.0 - math.exp(-abs(lpcf)), extended, offset, t_rl, t_cl, s_rl, s_cl, 1.0, float(level))


def curvilinear_usage(
    state1_km: Any,
    cov1_km2: Any,
    state2_km: Any,
    cov2_km2: Any,
    hbr_km: Any,
    *,
    fclip: float = FCLIP,
    mu: float = CARA_MU_KM3_S2,
) -> CurvilinearUsage:
    """CARA's full 2D usage-violation analysis for M conjunctions: states (M, 6) km, km/s,
    6x6 covariances (M, 6, 6) km^2, HBR (M,) or scalar km."""
    s1 = np.atleast_2d(np.asarray(state1_km, dtype=np.float64))
    s2 = np.atleast_2d(np.asarray(state2_km, dtype=np.float64))
    m = s1.shape[0]
    c1 = np.asarray(cov1_km2, dtype=np.float64).reshape(m, 6, 6)
    c2 = np.asarray(cov2_km2, dtype=np.float64).reshape(m, 6, 6)
    hbr = hbr_array(hbr_km, m)
    rows = np.array([_one(s1[i], c1[i], s2[i], c2[i], float(hbr[i]), fclip=fclip, mu=mu) for i in range(m)])
    rows = rows.reshape(m, 10)
    conv = rows[:, 8] > 0.5
    return CurvilinearUsage(
        converged=conv,
        log_pc_correction=rows[:, 0],
        inaccurate=rows[:, 1],
        extended=rows[:, 2],
        offset=rows[:, 3],
        t_rectilinear_s=rows[:, 4],
        t_curvilinear_s=rows[:, 5],
        sigma_rectilinear_s=rows[:, 6],
        sigma_curvilinear_s=rows[:, 7],
        refinements=rows[:, 9].astype(np.int64),
    )
