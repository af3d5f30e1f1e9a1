"""Equinoctial orbital elements: conversions, two-body motion and exact Jacobians.

Reference: D. A. Vallado and S. Alfano, "Updated analytical partials for covariance
transformations and optimization", AAS 15-537 (2015), the prograde (``fr = +1``)
equinoctial set used by NASA CARA's ``Pc3D_Hall`` and ``Pc_SDMC``
(``convert_cartesian_to_equinoctial`` / ``convert_equinoctial_to_cartesian``)::

    E = (n, af, ag, chi, psi, lam)
    n = sqrt(mu / a^3)                 mean motion (rad/s)
    af + i ag = e exp(i (omega + Omega))
    chi + i psi = tan(i/2) exp(i Omega) (chi = tan(i/2) sin(Omega), psi = tan(i/2) cos(Omega))
    lam = M + omega + Omega            mean longitude (rad)

Two-body motion changes only ``lam`` (``lam(t) = lam0 + n t``), so a Gaussian in these
elements stays on the curved orbit instead of its tangent.  The elements are singular only
for exactly retrograde orbits (i = 180 deg, handled by the caller with CARA's frame
reorientation).  Kepler's equation in equinoctial form ``lam = F + ag cos F - af sin F`` is
solved by Newton's method for the eccentric longitude ``F``
(:func:`orbitwatch.constants.solve_kepler_equinoctial`, the one Kepler solver).

The Jacobian ``dX/dE`` is computed by the complex-step derivative (Squire and Trapp 1998):
every operation below is written so that it accepts complex input, and
``Im X(E + i h e_k) / h`` with ``h = 1e-30`` is the exact partial to machine precision
(no subtractive cancellation).  Units: km, km/s, s, rad; arrays broadcast over leading
dimensions, states are ``(..., 6)``.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import numpy.typing as npt

from orbitwatch.constants import kepler_semi_major_axis_km, solve_kepler_equinoctial, wrap_2pi

__all__ = [
    "CARA_MU_KM3_S2",
    "cartesian_to_equinoctial",
    "equinoctial_jacobian",
    "equinoctial_to_cartesian",
]

FloatArray = npt.NDArray[np.float64]

CARA_MU_KM3_S2 = 3.986004418e5
"""EGM-96 GM (km^3/s^2), the value CARA's 3D-Nc and SDMC tools use for two-body motion."""

_H_STEP = 1e-30


def _atan2(s: Any, c: Any) -> Any:
    """atan2 that carries a first-order complex perturbation (for the complex step)."""
    if np.iscomplexobj(s) or np.iscomplexobj(c):
        s = np.asarray(s, dtype=np.complex128)
        c = np.asarray(c, dtype=np.complex128)
        base = np.arctan2(s.real, c.real)
        d = (c.real * s.imag - s.real * c.imag) / (c.real**2 + s.real**2)
        return base + 1j * d
    return np.arctan2(s, c)


def _frame(chi: Any, psi: Any) -> tuple[Any, Any, Any]:
    """Unit vectors f, g, w of the equinoctial frame (prograde), shape (..., 3)."""
    chi2, psi2 = chi * chi, psi * psi
    c = 1.0 + chi2 + psi2
    f = np.stack([1.0 - chi2 + psi2, 2.0 * chi * psi, -2.0 * chi], axis=-1) / c[..., None]
    g = np.stack([2.0 * chi * psi, 1.0 + chi2 - psi2, 2.0 * psi], axis=-1) / c[..., None]
    w = np.stack([2.0 * chi, -2.0 * psi, 1.0 - chi2 - psi2], axis=-1) / c[..., None]
    return f, g, w


def _dot(a: Any, b: Any) -> Any:
    return np.sum(a * b, axis=-1)


def cartesian_to_equinoctial(state_km: Any, mu: float = CARA_MU_KM3_S2) -> Any:
    """Equinoctial elements ``(..., 6)`` = (n, af, ag, chi, psi, lam) of states ``(..., 6)``.

    ``lam`` is in [0, 2 pi).  Unbound or degenerate states give NaN elements.
    """
    x = np.asarray(state_km)
    r, v = x[..., :3], x[..., 3:6]
    h = np.cross(r, v)
    hn = np.sqrt(_dot(h, h))
    w = h / hn[..., None]
    chi = w[..., 0] / (1.0 + w[..., 2])
    psi = -w[..., 1] / (1.0 + w[..., 2])
    f, g, _ = _frame(chi, psi)
    rn = np.sqrt(_dot(r, r))
    e = np.cross(v, h) / mu - r / rn[..., None]
    af = _dot(e, f)
    ag = _dot(e, g)
    inv_a = 2.0 / rn - _dot(v, v) / mu
    with np.errstate(invalid="ignore", divide="ignore"):
        a = 1.0 / inv_a
        n = np.sqrt(mu * inv_a**3)
        big_x = _dot(r, f)
        big_y = _dot(r, g)
        bb = np.sqrt(1.0 - af * af - ag * ag)
        beta = 1.0 / (1.0 + bb)
        s_f = ag + ((1.0 - ag * ag * beta) * big_y - af * ag * beta * big_x) / (a * bb)
        c_f = af + ((1.0 - af * af * beta) * big_x - af * ag * beta * big_y) / (a * bb)
    big_f = _atan2(s_f, c_f)
    lam = wrap_2pi(big_f + ag * c_f - af * s_f)
    out = np.stack([n, af, ag, chi, psi, lam], axis=-1)
    bad = ~(np.real(inv_a) > 0) | ~(np.real(af * af + ag * ag) < 1.0)
    if np.any(bad):
        out = np.where(bad[..., None], np.nan, out)
    return out


def equinoctial_to_cartesian(elements: Any, dt_s: Any = 0.0, mu: float = CARA_MU_KM3_S2) -> Any:
    """States ``(..., 6)`` (km, km/s) of equinoctial elements ``(..., 6)`` moved ``dt_s`` by two-body motion."""
    e = np.asarray(elements)
    n, af, ag, chi, psi, lam0 = (e[..., k] for k in range(6))
    a = kepler_semi_major_axis_km(n, mu)
    lam = wrap_2pi(lam0 + n * np.asarray(dt_s))
    bb = np.sqrt(1.0 - af * af - ag * ag)
    beta = 1.0 / (1.0 + bb)
    big_f = solve_kepler_equinoctial(lam, af, ag)
    c_f, s_f = np.cos(big_f), np.sin(big_f)
    big_x = a * ((1.0 - ag * ag * beta) * c_f + af * ag * beta * s_f - af)
    big_y = a * ((1.0 - af * af * beta) * s_f + af * ag * beta * c_f - ag)
    rate = n * a / (1.0 - af * c_f - ag * s_f)
    x_dot = rate * (af * ag * beta * c_f - (1.0 - ag * ag * beta) * s_f)
    y_dot = rate * ((1.0 - af * af * beta) * c_f - af * ag * beta * s_f)
    f, g, _ = _frame(chi, psi)
    r = big_x[..., None] * f + big_y[..., None] * g
    v = x_dot[..., None] * f + y_dot[..., None] * g
    return np.concatenate([r, v], axis=-1)


def equinoctial_jacobian(
    elements: FloatArray, dt_s: Any = 0.0, mu: float = CARA_MU_KM3_S2
) -> tuple[FloatArray, FloatArray]:
    """States ``X(t)`` (..., 6) and Jacobians ``dX(t)/dE(0)`` (..., 6, 6) for two-body motion.

    ``E(0)`` are the elements at the reference time, ``t = dt_s`` after it (the Jacobian
    includes ``d lam / d n = t``).  Exact partials by the complex step.
    """
    e = np.asarray(elements, dtype=np.float64)
    dt = np.asarray(dt_s, dtype=np.float64)
    shape = np.broadcast_shapes(e.shape[:-1], dt.shape)
    e = np.broadcast_to(e, (*shape, 6))
    dt = np.broadcast_to(dt, shape)
    # all six perturbed element sets in one complex evaluation: (..., 6 perturbations, 6)
    ec = np.repeat(e[..., None, :], 6, axis=-2).astype(np.complex128)
    ec = ec + 1j * _H_STEP * np.eye(6)
    xc = np.asarray(equinoctial_to_cartesian(ec, dt[..., None], mu))
    x = np.ascontiguousarray(xc[..., 0, :].real)
    jac = np.swapaxes(xc.imag, -1, -2) / _H_STEP
    return x, np.ascontiguousarray(jac)
