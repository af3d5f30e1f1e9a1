"""Encounter-plane geometry, covariance combination and remediation, input checks.

The short-encounter ("2D") collision-probability methods all work in the *encounter
plane*: the plane through the primary, perpendicular to the relative velocity at the
time of closest approach (TCA).  Conventions follow NASA CARA's ``Pc2D_Foster``
(nasa/CARA_Analysis_Tools, ``DistributedMatlab/ProbabilityOfCollision``) and
Chan (2008, *Spacecraft Collision Probability*, ch. 2)::

    r = r1 - r2,  v = v1 - v2
    y = v / |v|,  z = (r x v) / |r x v|,  x = y x z

The combined position covariance ``C1 + C2`` (objects assumed uncorrelated) is
rotated into (x, y, z) and marginalised onto the x-z plane.  The miss vector in the
plane is the projection of ``r`` on x and z; when the states are not exactly at TCA
this is the miss at the *rectilinear* closest approach (the component of ``r`` along
``v`` is dropped), i.e. orbitwatch re-centres at TCA in the rectilinear sense.

Covariance remediation is eigenvalue clipping of the 2x2 plane covariance at
``(Fclip * HBR)^2`` with ``Fclip = 1e-4`` (Hall et al. 2017, "Methods for remediating
non-positive definite state covariances for collision probability estimation", AAS
17-567; the value CARA uses).  Usage-violation indicators are the rectilinear part of
CARA's ``UsageViolationPc2D`` (Hall 2021, "Expected collision rates for tracked
satellites", JSR 58(3); Hall et al. 2018 "Time-dependent conjunction plane method"):
the conjunction duration ``2 * dtau`` with ``dtau = sigma_T * sqrt(2) * erfcinv(gamma)``,
``gamma = 1e-16``, compared with the shorter orbital period (``extended``), and the
largest offset of the conjunction window from TCA (``offset``).

Array shapes: M conjunctions; positions (M, 3) km, velocities (M, 3) km/s,
covariances (M, 3, 3) km^2 (6x6 or larger accepted; the position block is used).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
import numpy.typing as npt
from scipy.special import erfcinv

from orbitwatch.constants import WGS72_MU_KM3_S2
from orbitwatch.errors import InputError

__all__ = [
    "FCLIP",
    "USAGE_EXTENDED_LIMIT",
    "USAGE_OFFSET_LIMIT",
    "EncounterPlane",
    "UsageViolations",
    "check_inputs",
    "encounter_frame",
    "encounter_plane",
    "raise_on_codes",
    "remediate_covariance_2x2",
    "usage_violations",
]

FloatArray = npt.NDArray[np.float64]

FCLIP = 1e-4
"""Eigenvalue clipping factor: eigenvalues below ``(FCLIP * HBR)^2`` are raised to it."""

USAGE_EXTENDED_LIMIT = 0.02
"""CARA's recommended cutoff (0.01..0.05) for the ``extended`` indicator (2D invalid above)."""

USAGE_OFFSET_LIMIT = 0.01
"""CARA's recommended cutoff for the ``offset`` indicator."""

_MU = WGS72_MU_KM3_S2


def _as3(a: Any, m: int | None, name: str) -> FloatArray:
    arr = np.asarray(a, dtype=np.float64)
    if arr.ndim == 1:
        arr = arr[None, :]
    if arr.ndim != 2 or arr.shape[1] != 3:
        raise InputError(f"{name} must have shape (M, 3), not {arr.shape}", field=name)
    if m is not None and arr.shape[0] != m:
        raise InputError(f"{name} has {arr.shape[0]} rows, expected {m}", field=name)
    return arr


def _as_cov(a: Any, m: int, name: str) -> FloatArray:
    arr = np.asarray(a, dtype=np.float64)
    if arr.ndim == 2:
        arr = arr[None, :, :]
    if arr.ndim != 3 or arr.shape[1] < 3 or arr.shape[1] != arr.shape[2]:
        raise InputError(f"{name} must have shape (M, 3, 3) or (M, 6, 6), not {arr.shape}", field=name)
    if arr.shape[0] == 1 and m > 1:
        arr = np.broadcast_to(arr, (m, *arr.shape[1:]))
    if arr.shape[0] != m:
        raise InputError(f"{name} has {arr.shape[0]} matrices, expected {m}", field=name)
    return arr


def hbr_array(hbr_km: Any, m: int) -> FloatArray:
    """The combined HBR per conjunction (M,), contiguous, from a scalar, (1,) or (M,) input;
    any other shape raises :class:`InputError` (``INPUT_INVALID``, field ``hbr_km``)."""
    arr = np.asarray(hbr_km, dtype=np.float64)
    try:
        return np.ascontiguousarray(np.broadcast_to(arr, (m,)))
    except ValueError:
        raise InputError(f"hbr_km must be a scalar or have shape ({m},), not {arr.shape}", field="hbr_km") from None


def _as_m(a: Any, m: int, name: str) -> FloatArray:
    arr = np.asarray(a, dtype=np.float64)
    if arr.ndim == 0:
        arr = np.full(m, float(arr))
    if arr.shape != (m,):
        raise InputError(f"{name} must have shape ({m},), not {arr.shape}", field=name)
    return arr


def check_inputs(
    r1_km: Any,
    v1_km_s: Any,
    cov1_km2: Any,
    r2_km: Any,
    v2_km_s: Any,
    cov2_km2: Any,
    *,
    hbr_km: Any,
) -> tuple[list[FloatArray], npt.NDArray[np.str_]]:
    """Shape-check and screen M conjunctions; return the arrays and a code per conjunction.

    Shape errors raise :class:`InputError`.  Per-conjunction problems are data: the
    returned ``codes`` (M,) holds ``""`` for a usable conjunction or one of

    * ``INPUT_NOT_FINITE``: a NaN or infinity in a state, covariance or HBR;
    * ``INPUT_HBR``: HBR <= 0;
    * ``INPUT_NEGATIVE_VARIANCE``: a negative diagonal term of a position covariance;
    * ``INPUT_ZERO_RELATIVE_VELOCITY``: |v1 - v2| == 0 (no encounter plane).

    Returns ``([r1, v1, c1, r2, v2, c2, hbr], codes)`` with covariances cut to 3x3.
    """
    r1 = _as3(r1_km, None, "r1_km")
    m = r1.shape[0]
    v1 = _as3(v1_km_s, m, "v1_km_s")
    r2 = _as3(r2_km, m, "r2_km")
    v2 = _as3(v2_km_s, m, "v2_km_s")
    c1 = _as_cov(cov1_km2, m, "cov1_km2")[:, :3, :3]
    c2 = _as_cov(cov2_km2, m, "cov2_km2")[:, :3, :3]
    hbr = _as_m(hbr_km, m, "hbr_km")
    codes = np.full(m, "", dtype="<U32")
    finite = (
        np.isfinite(r1).all(1)
        & np.isfinite(v1).all(1)
        & np.isfinite(r2).all(1)
        & np.isfinite(v2).all(1)
        & np.isfinite(c1).all((1, 2))
        & np.isfinite(c2).all((1, 2))
        & np.isfinite(hbr)
    )
    with np.errstate(invalid="ignore"):
        negvar = (np.diagonal(c1, axis1=1, axis2=2) < 0).any(1) | (np.diagonal(c2, axis1=1, axis2=2) < 0).any(1)
        zero_v = np.linalg.norm(v1 - v2, axis=1) == 0
        bad_hbr = ~(hbr > 0)
    codes[zero_v] = "INPUT_ZERO_RELATIVE_VELOCITY"
    codes[negvar] = "INPUT_NEGATIVE_VARIANCE"
    codes[bad_hbr] = "INPUT_HBR"
    codes[~finite] = "INPUT_NOT_FINITE"
    return [r1, v1, c1, r2, v2, c2, hbr], codes


_MESSAGES = {
    "INPUT_NOT_FINITE": "a state, covariance or HBR is NaN or infinite",
    "INPUT_HBR": "hard-body radius must be > 0",
    "INPUT_NEGATIVE_VARIANCE": "a position covariance has a negative variance",
    "INPUT_ZERO_RELATIVE_VELOCITY": "relative velocity is zero: no encounter plane (use a 3D method)",
}


def raise_on_codes(codes: npt.NDArray[np.str_]) -> None:
    """Raise :class:`InputError` for the first conjunction whose code is not empty."""
    bad = np.flatnonzero(codes != "")
    if bad.size:
        i = int(bad[0])
        code = str(codes[i])
        raise InputError(
            f"conjunction {i}: {_MESSAGES.get(code, code)} ({bad.size} of {codes.size} conjunctions bad)",
            code=code,
            record=i,
        )


def encounter_frame(r_km: FloatArray, v_km_s: FloatArray) -> FloatArray:
    """Rows x, y, z of the encounter frame for relative states (M, 3) -> (M, 3, 3).

    ``y`` along the relative velocity, ``z`` along ``r x v``, ``x = y x z``.  When ``r``
    is (nearly) parallel to ``v`` or zero, ``z`` is any unit vector normal to ``v``.
    """
    y = v_km_s / np.linalg.norm(v_km_s, axis=1, keepdims=True)
    h = np.cross(r_km, v_km_s)
    hn = np.linalg.norm(h, axis=1)
    scale = np.linalg.norm(r_km, axis=1) * np.linalg.norm(v_km_s, axis=1)
    degenerate = ~(hn > 1e-12 * np.maximum(scale, 1e-300))
    if degenerate.any():
        # Any vector normal to y: cross with the axis least aligned with y.
        yd = y[degenerate]
        axis = np.zeros_like(yd)
        axis[np.arange(len(yd)), np.argmin(np.abs(yd), axis=1)] = 1.0
        h[degenerate] = np.cross(yd, axis)
        hn = np.linalg.norm(h, axis=1)
    z = h / hn[:, None]
    x = np.cross(y, z)
    return np.stack([x, y, z], axis=1)


@dataclass(frozen=True)
class EncounterPlane:
    """M conjunctions projected on their encounter planes (all km, km/s).

    ``miss_km`` (M, 2): the miss vector (x, z) in the plane; ``cov_km2`` (M, 2, 2): the
    combined position covariance in the plane; ``frame`` (M, 3, 3): rows x, y, z;
    ``relative_speed_km_s`` (M,); ``miss_distance_km`` (M,): |r1 - r2| as given.
    """

    miss_km: FloatArray
    cov_km2: FloatArray
    frame: FloatArray
    relative_speed_km_s: FloatArray
    miss_distance_km: FloatArray
    combined_cov_km2: FloatArray


def encounter_plane(
    r1_km: FloatArray,
    v1_km_s: FloatArray,
    cov1_km2: FloatArray,
    r2_km: FloatArray,
    v2_km_s: FloatArray,
    cov2_km2: FloatArray,
) -> EncounterPlane:
    """Project M conjunctions (already checked, 3x3 covariances) on their encounter planes."""
    r = r1_km - r2_km
    v = v1_km_s - v2_km_s
    frame = encounter_frame(r, v)
    comb = cov1_km2[:, :3, :3] + cov2_km2[:, :3, :3]
    rot = frame[:, [0, 2], :]  # (M, 2, 3): x and z rows
    cov2d = rot @ comb @ np.swapaxes(rot, 1, 2)
    cov2d = 0.5 * (cov2d + np.swapaxes(cov2d, 1, 2))
    miss = np.einsum("mij,mj->mi", rot, r)
    return EncounterPlane(
        miss_km=miss,
        cov_km2=cov2d,
        frame=frame,
        relative_speed_km_s=np.linalg.norm(v, axis=1),
        miss_distance_km=np.linalg.norm(r, axis=1),
        combined_cov_km2=comb,
    )


def _eig2x2(cov: FloatArray) -> tuple[FloatArray, FloatArray, FloatArray]:
    """Eigenvalues (large, small) and the angle of the large-eigenvalue axis of (M,2,2)."""
    a = cov[:, 0, 0]
    b = 0.5 * (cov[:, 0, 1] + cov[:, 1, 0])
    c = cov[:, 1, 1]
    mean = 0.5 * (a + c)
    rad = np.hypot(0.5 * (a - c), b)
    lam1 = mean + rad
    # The small eigenvalue from the determinant where that is more accurate.
    det = a * c - b * b
    with np.errstate(divide="ignore", invalid="ignore"):
        lam2 = np.where(lam1 > 0, det / lam1, mean - rad)
    lam2 = np.where(np.abs(lam2) > np.abs(mean - rad) * 1e3 + 1e-300, mean - rad, lam2)
    theta = 0.5 * np.arctan2(2.0 * b, a - c)
    return lam1, lam2, theta


def remediate_covariance_2x2(
    cov_km2: FloatArray, hbr_km: FloatArray, *, fclip: float = FCLIP
) -> tuple[FloatArray, FloatArray, FloatArray, npt.NDArray[np.bool_], npt.NDArray[np.bool_]]:
    """Clip the eigenvalues of M 2x2 covariances at ``(fclip * HBR)^2``.

    Returns ``(sigma_major_km, sigma_minor_km, theta_rad, remediated, was_npd)``: the
    principal standard deviations after clipping, the angle of the major axis from the
    plane's x axis, whether any eigenvalue was clipped, and whether the input was not
    positive definite (an eigenvalue <= 0).  (Hall et al. 2017, AAS 17-567.)
    """
    lam1, lam2, theta = _eig2x2(cov_km2)
    lclip = (fclip * hbr_km) ** 2
    was_npd = ~(lam2 > 0)
    remediated = (lam1 < lclip) | (lam2 < lclip)
    lam1 = np.maximum(lam1, lclip)
    lam2 = np.maximum(lam2, lclip)
    return np.sqrt(lam1), np.sqrt(lam2), theta, remediated, was_npd


@dataclass(frozen=True)
class UsageViolations:
    """CARA-style 2D-Pc usage-violation indicators for M conjunctions (rectilinear analysis).

    ``extended`` (M,): ``min(1, 2*dtau / P_min)``, conjunction duration over the shorter
    orbital period; ``offset`` (M,): ``min(1, max(|Ta|, |Tb|) / P_min)``; ``npd`` (M, 3):
    primary, secondary, relative position covariance not positive definite;
    ``duration_s`` (M,): ``2 * dtau``; ``flags``: list of flag names per conjunction
    (``EXTENDED_ENCOUNTER``, ``OFFSET_FROM_TCA``, ``NPD_PRIMARY``, ``NPD_SECONDARY``,
    ``NPD_RELATIVE``, ``LOW_RELATIVE_VELOCITY``).
    """

    extended: FloatArray
    offset: FloatArray
    npd: npt.NDArray[np.bool_]
    duration_s: FloatArray
    flags: list[list[str]]

    @property
    def invalid_2d(self) -> npt.NDArray[np.bool_]:
        """True where the 2D (short-encounter) assumptions do not hold."""
        return (self.extended > USAGE_EXTENDED_LIMIT) | (self.offset > USAGE_OFFSET_LIMIT)


def _period_s(r: FloatArray, v: FloatArray) -> FloatArray:
    rn = np.linalg.norm(r, axis=1)
    energy = 0.5 * np.sum(v * v, axis=1) - _MU / rn
    with np.errstate(divide="ignore", invalid="ignore"):
        a = -_MU / (2.0 * energy)
        period = np.where(a > 0, 2.0 * np.pi * np.sqrt(np.abs(a) ** 3 / _MU), np.inf)
    return period


def usage_violations(
    r1_km: FloatArray,
    v1_km_s: FloatArray,
    cov1_km2: FloatArray,
    r2_km: FloatArray,
    v2_km_s: FloatArray,
    cov2_km2: FloatArray,
    *,
    hbr_km: FloatArray,
    gamma: float = 1e-16,
    fclip: float = FCLIP,
) -> UsageViolations:
    """Rectilinear usage-violation indicators of CARA's ``UsageViolationPc2D`` for M conjunctions.

    Position covariances (M, 3, 3) km^2.  The relative position covariance ``A`` is
    eigen-clipped at ``(fclip*HBR)^2``; with ``r = r2 - r1``, ``v = v2 - v1`` the time of
    least Mahalanobis distance is ``T = -r'A^-1 v / v'A^-1 v`` and its 1-sigma width
    ``sigma_T = (v'A^-1 v)^-1/2``; the conjunction spans ``T +- dtau``,
    ``dtau = sigma_T sqrt(2) erfcinv(gamma)``.
    """
    m = r1_km.shape[0]
    a = cov1_km2[:, :3, :3] + cov2_km2[:, :3, :3]
    a = 0.5 * (a + np.swapaxes(a, 1, 2))
    lclip = (fclip * hbr_km) ** 2
    w, vec = np.linalg.eigh(a)
    rel_npd = (w <= 0).any(1)
    w = np.maximum(w, lclip[:, None])
    ainv = vec @ (np.swapaxes(vec, 1, 2) / w[:, :, None])
    r = r2_km - r1_km
    v = v2_km_s - v1_km_s
    ai_r = np.einsum("mij,mj->mi", ainv, r)
    ai_v = np.einsum("mij,mj->mi", ainv, v)
    r_ai_v = np.sum(r * ai_v, axis=1)
    v_ai_v = np.sum(v * ai_v, axis=1)
    _ = ai_r
    with np.errstate(divide="ignore", invalid="ignore"):
        t = np.where(r_ai_v == 0, 0.0, -r_ai_v / v_ai_v)
        sigma_t = 1.0 / np.sqrt(v_ai_v)
    dtau = sigma_t * np.sqrt(2.0) * float(erfcinv(gamma))
    period = np.minimum(_period_s(r1_km, v1_km_s), _period_s(r2_km, v2_km_s))
    with np.errstate(invalid="ignore", divide="ignore"):
        extended = np.minimum(1.0, 2.0 * dtau / period)
        offset = np.minimum(1.0, np.maximum(np.abs(t - dtau), np.abs(t + dtau)) / period)
    extended = np.where(np.isfinite(extended), extended, 1.0)
    offset = np.where(np.isfinite(offset), offset, 1.0)
    npd1 = (np.linalg.eigvalsh(0.5 * (cov1_km2[:, :3, :3] + np.swapaxes(cov1_km2[:, :3, :3], 1, 2))) <= 0).any(1)
    npd2 = (np.linalg.eigvalsh(0.5 * (cov2_km2[:, :3, :3] + np.swapaxes(cov2_km2[:, :3, :3], 1, 2))) <= 0).any(1)
    npd = np.stack([npd1, npd2, rel_npd], axis=1)
    flags: list[list[str]] = []
    for i in range(m):
        f: list[str] = []
        if not np.isfinite(sigma_t[i]):
            f.append("LOW_RELATIVE_VELOCITY")
        if extended[i] > USAGE_EXTENDED_LIMIT:
            f.append("EXTENDED_ENCOUNTER")
        if offset[i] > USAGE_OFFSET_LIMIT:
            f.append("OFFSET_FROM_TCA")
        for name, bad in zip(("NPD_PRIMARY", "NPD_SECONDARY", "NPD_RELATIVE"), npd[i], strict=True):
            if bad:
                f.append(name)
        flags.append(f)
    return UsageViolations(extended=extended, offset=offset, npd=npd, duration_s=2.0 * dtau, flags=flags)
