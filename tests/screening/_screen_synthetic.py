"""Synthetic encounters for the screening property tests, built with ``sgp4`` directly.

:func:`meeting_elements` solves for the SGP4 mean elements of a second object whose
SGP4 state at a chosen time is a chosen state (the first object's position plus a miss
vector, its velocity plus a relative velocity): Levenberg-Marquardt on the six mean
elements, each residual evaluated by ``sgp4.api.Satrec`` (``sgp4init``, WGS-72,
improved mode), starting from the osculating two-body elements of the target state
(Vallado, *Fundamentals of Astrodynamics*, 4th ed., algorithm 9, RV2COE).  Nothing here
uses orbitwatch's propagation or screening.
"""

from __future__ import annotations

import math

import numpy as np
from scipy.optimize import least_squares
from sgp4.api import WGS72, Satrec

MU = 398600.8
XPDOTP = 1440.0 / (2.0 * math.pi)
JD_1949_12_31 = 2433281.5


def satrec(epoch_jd: float, n_rev_day: float, ecc: float, inc_rad: float, raan_rad: float,
           argp_rad: float, ma_rad: float, bstar: float = 0.0) -> Satrec:
    s = Satrec()
    s.sgp4init(WGS72, "i", 99999, epoch_jd - JD_1949_12_31, bstar, 0.0, 0.0, ecc, argp_rad, inc_rad,
               ma_rad, n_rev_day / XPDOTP, raan_rad)
    return s


def state(s: Satrec, jd: float, dt_s: float = 0.0) -> tuple[np.ndarray, np.ndarray]:
    e, r, v = s.sgp4(jd, dt_s / 86400.0)
    assert e == 0, e
    return np.array(r), np.array(v)


def rv2coe(r: np.ndarray, v: np.ndarray) -> tuple[float, float, float, float, float, float]:
    """Osculating (n rev/day, e, i, raan, argp, mean anomaly) of a two-body state (radians)."""
    h = np.cross(r, v)
    nvec = np.cross([0.0, 0.0, 1.0], h)
    rn, vn = np.linalg.norm(r), np.linalg.norm(v)
    evec = ((vn**2 - MU / rn) * r - np.dot(r, v) * v) / MU
    ecc = float(np.linalg.norm(evec))
    energy = vn**2 / 2 - MU / rn
    a = -MU / (2 * energy)
    inc = math.acos(h[2] / np.linalg.norm(h))
    nn = np.linalg.norm(nvec)
    raan = math.atan2(nvec[1], nvec[0]) % (2 * math.pi) if nn > 1e-12 else 0.0
    if nn > 1e-12 and ecc > 1e-9:
        argp = math.acos(np.clip(np.dot(nvec, evec) / (nn * ecc), -1, 1))
        if evec[2] < 0:
            argp = 2 * math.pi - argp
    else:
        argp = 0.0
    if ecc > 1e-9:
        nu = math.acos(np.clip(np.dot(evec, r) / (ecc * rn), -1, 1))
        if np.dot(r, v) < 0:
            nu = 2 * math.pi - nu
    else:
        nu = math.acos(np.clip(np.dot(nvec, r) / (nn * rn), -1, 1)) if nn > 1e-12 else 0.0
        if r[2] < 0:
            nu = 2 * math.pi - nu
    ea = 2 * math.atan(math.sqrt((1 - ecc) / (1 + ecc)) * math.tan(nu / 2))
    ma = (ea - ecc * math.sin(ea)) % (2 * math.pi)
    n_rev_day = math.sqrt(MU / a**3) * 86400 / (2 * math.pi)
    return n_rev_day, ecc, inc, raan, argp, ma


def meeting_elements(epoch_jd: float, r_target: np.ndarray, v_target: np.ndarray) -> tuple[float, ...]:
    """SGP4 mean elements (n rev/day, e, i, raan, argp, M; radians) whose state at the epoch is the target.

    Solved in the non-singular variables (n, e cos w, e sin w, i, raan, w + M).
    """
    n0, e0, i0, raan0, argp0, ma0 = rv2coe(r_target, v_target)
    x0 = np.array([n0, e0 * math.cos(argp0), e0 * math.sin(argp0), i0, raan0, argp0 + ma0])

    def elements(x: np.ndarray) -> tuple[float, ...]:
        n, ex, ey, i, raan, lam = (float(v) for v in x)
        e = math.hypot(ex, ey)
        argp = math.atan2(ey, ex)
        return n, e, i, raan, argp, lam - argp

    def resid(x: np.ndarray) -> np.ndarray:
        n, e, i, raan, argp, ma = elements(x)
        if not (e < 0.9 and n > 0.5):
            return np.full(6, 1e6)
        s = satrec(epoch_jd, n, e, i, raan, argp, ma)
        err, r, v = s.sgp4(epoch_jd, 0.0)
        if err:
            return np.full(6, 1e6)
        return np.concatenate([np.subtract(r, r_target), 1000.0 * np.subtract(v, v_target)])

    sol = least_squares(resid, x0, method="lm", xtol=1e-15, ftol=1e-15, gtol=1e-15, max_nfev=4000)
    res = resid(sol.x)
    assert np.max(np.abs(res[:3])) < 1e-6 and np.max(np.abs(res[3:])) < 1e-6, res
    # angles in [0, 2 pi), as element sets carry them (SGP4's low-inclination deep-space
    # branch is sensitive to the representation, by tens of metres)
    n, e, i, raan, argp, ma = elements(sol.x)
    tau = 2.0 * math.pi
    return n, e, i, raan % tau, argp % tau, ma % tau
