"""Compiled SGP4/SDP4 propagation step over arrays of objects (numba).

Follows Vallado, Crawford, Hujsak & Kelso (2006), "Revisiting Spacetrack Report #3",
AIAA 2006-6753: the ``sgp4`` function of the reference C++ (``SGP4.cpp``, 2020-07-13,
as built into the ``sgp4`` 2.27 package), with its deep-space secular (``dspace``) and
lunar-solar periodic (``dpper``) terms, WGS-72 and the 'improved' operation mode.  The
statements are those of the reference, in its order (including ``fmod`` for the angle
reductions), so that the results agree with the ``sgp4`` package to rounding.

Initialisation (``sgp4init``) is not recompiled here: each object's time-independent
constants come from an initialised record (:func:`constants_from_record` reads the
attributes of the pure-Python ``sgp4.model.Satrec``, which runs the reference's
``sgp4init`` statement for statement; :func:`init_near_earth` is the compiled
near-Earth part of the same routine, checked against it).  They are laid out as a
structure of arrays ``c (NF, N)`` float64, one row per field (``F_*`` below), so that
a loop over objects reads each field contiguously.

The kernels take only arrays and scalars (no Python objects), so that the same
functions can be compiled for ``numba.cuda`` as device functions later.

Output codes are those of the reference (0 ok, 1..4, 6) plus orbitwatch's
:data:`CODE_IMPLAUSIBLE` (7): a state that SGP4 returned without a code but that is not
an Earth orbit (radius above :data:`MAX_RADIUS_KM`, or speed above the escape speed at
that radius).  Every failed object-time has NaN states.
"""

from __future__ import annotations

import math
import os
import sys
from collections.abc import Sequence
from typing import Any

import numba
import numpy as np
import numpy.typing as npt

__all__ = [
    "CODE_IMPLAUSIBLE",
    "FIELDS",
    "MAX_RADIUS_KM",
    "constants_from_record",
    "sgp4_grid",
    "sgp4_pairs",
    "sgp4_tsince",
]

FloatArray = npt.NDArray[np.float64]

#: orbitwatch's code for an implausible state (not one of SGP4's 1..6).
CODE_IMPLAUSIBLE = 7
#: Largest radius of an Earth orbit accepted, km: Earth's Hill-sphere radius
#: (a (m / 3M)^(1/3) = 1.496e8 km x (3.003e-6 / 3)^(1/3) ~ 1.5e6 km); beyond it a body
#: is not bound to the Earth, so an SGP4 state there is not a usable Earth orbit.
MAX_RADIUS_KM = 1.5e6

_TWOPI = 2.0 * math.pi
_X2O3 = 2.0 / 3.0

# Fields of the structure of arrays, in the names of the reference's ``elsetrec``.
FIELDS: tuple[str, ...] = (
    "isimp", "deep", "irez",
    "mo", "mdot", "argpo", "argpdot", "nodeo", "nodedot", "nodecf",
    "cc1", "bstar", "cc4", "t2cof", "omgcof", "eta", "xmcof", "delmo",
    "d2", "d3", "d4", "cc5", "sinmao", "t3cof", "t4cof", "t5cof",
    "no_unkozai", "ecco", "inclo", "aycof", "xlcof", "con41", "x1mth2", "x7thm1",
    "j2", "xke", "radiusearthkm", "j3oj2", "mu",
    "d2201", "d2211", "d3210", "d3222", "d4410", "d4422", "d5220", "d5232", "d5421", "d5433",
    "dedt", "del1", "del2", "del3", "didt", "dmdt", "dnodt", "domdt",
    "gsto", "xfact", "xlamo", "atime", "xli", "xni",
    "e3", "ee2", "peo", "pgho", "pho", "pinco", "plo",
    "se2", "se3", "sgh2", "sgh3", "sgh4", "sh2", "sh3", "si2", "si3",
    "sl2", "sl3", "sl4", "xgh2", "xgh3", "xgh4", "xh2", "xh3", "xi2", "xi3",
    "xl2", "xl3", "xl4", "zmol", "zmos",
    "jdsatepoch", "jdsatepochF", "init_error", "ak", "sinio", "cosio",
)
NF = len(FIELDS)
_IX = {name: k for k, name in enumerate(FIELDS)}
# Row numbers (module-level ints: numba freezes them as constants at compile time).
F_ISIMP = _IX["isimp"]
F_DEEP = _IX["deep"]
F_IREZ = _IX["irez"]
F_MO = _IX["mo"]
F_MDOT = _IX["mdot"]
F_ARGPO = _IX["argpo"]
F_ARGPDOT = _IX["argpdot"]
F_NODEO = _IX["nodeo"]
F_NODEDOT = _IX["nodedot"]
F_NODECF = _IX["nodecf"]
F_CC1 = _IX["cc1"]
F_BSTAR = _IX["bstar"]
F_CC4 = _IX["cc4"]
F_T2COF = _IX["t2cof"]
F_OMGCOF = _IX["omgcof"]
F_ETA = _IX["eta"]
F_XMCOF = _IX["xmcof"]
F_DELMO = _IX["delmo"]
F_D2 = _IX["d2"]
F_D3 = _IX["d3"]
F_D4 = _IX["d4"]
F_CC5 = _IX["cc5"]
F_SINMAO = _IX["sinmao"]
F_T3COF = _IX["t3cof"]
F_T4COF = _IX["t4cof"]
F_T5COF = _IX["t5cof"]
F_NO = _IX["no_unkozai"]
F_ECCO = _IX["ecco"]
F_INCLO = _IX["inclo"]
F_AYCOF = _IX["aycof"]
F_XLCOF = _IX["xlcof"]
F_CON41 = _IX["con41"]
F_X1MTH2 = _IX["x1mth2"]
F_X7THM1 = _IX["x7thm1"]
F_J2 = _IX["j2"]
F_XKE = _IX["xke"]
F_RE = _IX["radiusearthkm"]
F_J3OJ2 = _IX["j3oj2"]
F_MU = _IX["mu"]
F_D2201 = _IX["d2201"]
F_D2211 = _IX["d2211"]
F_D3210 = _IX["d3210"]
F_D3222 = _IX["d3222"]
F_D4410 = _IX["d4410"]
F_D4422 = _IX["d4422"]
F_D5220 = _IX["d5220"]
F_D5232 = _IX["d5232"]
F_D5421 = _IX["d5421"]
F_D5433 = _IX["d5433"]
F_DEDT = _IX["dedt"]
F_DEL1 = _IX["del1"]
F_DEL2 = _IX["del2"]
F_DEL3 = _IX["del3"]
F_DIDT = _IX["didt"]
F_DMDT = _IX["dmdt"]
F_DNODT = _IX["dnodt"]
F_DOMDT = _IX["domdt"]
F_GSTO = _IX["gsto"]
F_XFACT = _IX["xfact"]
F_XLAMO = _IX["xlamo"]
F_ATIME = _IX["atime"]
F_XLI = _IX["xli"]
F_XNI = _IX["xni"]
F_E3 = _IX["e3"]
F_EE2 = _IX["ee2"]
F_PEO = _IX["peo"]
F_PGHO = _IX["pgho"]
F_PHO = _IX["pho"]
F_PINCO = _IX["pinco"]
F_PLO = _IX["plo"]
F_SE2 = _IX["se2"]
F_SE3 = _IX["se3"]
F_SGH2 = _IX["sgh2"]
F_SGH3 = _IX["sgh3"]
F_SGH4 = _IX["sgh4"]
F_SH2 = _IX["sh2"]
F_SH3 = _IX["sh3"]
F_SI2 = _IX["si2"]
F_SI3 = _IX["si3"]
F_SL2 = _IX["sl2"]
F_SL3 = _IX["sl3"]
F_SL4 = _IX["sl4"]
F_XGH2 = _IX["xgh2"]
F_XGH3 = _IX["xgh3"]
F_XGH4 = _IX["xgh4"]
F_XH2 = _IX["xh2"]
F_XH3 = _IX["xh3"]
F_XI2 = _IX["xi2"]
F_XI3 = _IX["xi3"]
F_XL2 = _IX["xl2"]
F_XL3 = _IX["xl3"]
F_XL4 = _IX["xl4"]
F_ZMOL = _IX["zmol"]
F_ZMOS = _IX["zmos"]
F_JD = _IX["jdsatepoch"]
F_FR = _IX["jdsatepochF"]
F_INIT_ERROR = _IX["init_error"]
F_AK = _IX["ak"]
F_SINIO = _IX["sinio"]
F_COSIO = _IX["cosio"]


def constants_from_record(sat: Any) -> FloatArray:
    """One column ``(NF,)`` of constants from an initialised pure-Python ``sgp4.model.Satrec``.

    ``deep`` is 1.0 for the deep-space method ('d'), ``init_error`` the code ``sgp4init``
    left (its own call of ``sgp4`` at epoch), ``ak`` the time-independent
    ``(xke / no_unkozai)^(2/3)`` of the near-Earth mean-motion update.
    """
    col = np.zeros(NF)
    for name, k in _IX.items():
        if name == "deep":
            col[k] = 1.0 if sat.method == "d" else 0.0
        elif name == "init_error":
            col[k] = float(sat.error)
        elif name == "sinio":
            col[k] = math.sin(sat.inclo)
        elif name == "cosio":
            col[k] = math.cos(sat.inclo)
        elif name == "ak":
            col[k] = math.pow(sat.xke / sat.no_unkozai, _X2O3) if sat.no_unkozai > 0 else math.nan
        else:
            col[k] = float(getattr(sat, name))
    return col


def constants_from_records(sats: Sequence[Any]) -> FloatArray:
    """Structure of arrays ``(NF, N)`` from initialised pure-Python records."""
    out = np.zeros((NF, len(sats)))
    for i, sat in enumerate(sats):
        out[:, i] = constants_from_record(sat)
    return out


@numba.njit(cache=True)
def init_near_earth(
    grav: FloatArray, bstar: FloatArray, ecco: FloatArray, argpo: FloatArray, inclo: FloatArray,
    mo: FloatArray, no_kozai: FloatArray, nodeo: FloatArray, jd: FloatArray, fr: FloatArray,
    c: FloatArray,
) -> None:
    """The near-Earth part of the reference ``sgp4init`` (with ``initl``), compiled, into ``c (NF, N)``.

    ``grav``: ``(tumin, mu, radiusearthkm, xke, j2, j3, j4, j3oj2)`` (WGS-72).  Inputs in
    the reference's units (rad, rad/min).  Objects whose period is 225 min or more are
    marked ``deep = 1`` but their deep-space constants are not computed here: the caller
    initialises those with the reference's own (pure-Python) ``sgp4init``.
    """
    mu = grav[1]
    re = grav[2]
    xke = grav[3]
    j2 = grav[4]
    j4 = grav[6]
    j3oj2 = grav[7]
    temp4 = 1.5e-12
    x2o3 = 2.0 / 3.0
    ss = 78.0 / re + 1.0
    qzms2ttemp = (120.0 - 78.0) / re
    qzms2t = qzms2ttemp * qzms2ttemp * qzms2ttemp * qzms2ttemp
    n = bstar.shape[0]
    for i in range(n):
        for k in range(c.shape[0]):
            c[k, i] = 0.0
        e0 = ecco[i]
        i0 = inclo[i]
        # --- initl ---
        eccsq = e0 * e0
        omeosq = 1.0 - eccsq
        rteosq = math.sqrt(omeosq)
        cosio = math.cos(i0)
        cosio2 = cosio * cosio
        ak = math.pow(xke / no_kozai[i], x2o3)
        d1 = 0.75 * j2 * (3.0 * cosio2 - 1.0) / (rteosq * omeosq)
        del_ = d1 / (ak * ak)
        adel = ak * (1.0 - del_ * del_ - del_ * (1.0 / 3.0 + 134.0 * del_ * del_ / 81.0))
        del_ = d1 / (adel * adel)
        no = no_kozai[i] / (1.0 + del_)
        ao = math.pow(xke / no, x2o3)
        sinio = math.sin(i0)
        po = ao * omeosq
        con42 = 1.0 - 5.0 * cosio2
        con41 = -con42 - cosio2 - cosio2
        posq = po * po
        rp = ao * (1.0 - e0)
        # --- sgp4init, near-Earth part ---
        isimp = 0.0
        if rp < 220.0 / re + 1.0:
            isimp = 1.0
        sfour = ss
        qzms24 = qzms2t
        perige = (rp - 1.0) * re
        if perige < 156.0:
            sfour = perige - 78.0
            if perige < 98.0:
                sfour = 20.0
            qzms24temp = (120.0 - sfour) / re
            qzms24 = qzms24temp * qzms24temp * qzms24temp * qzms24temp
            sfour = sfour / re + 1.0
        pinvsq = 1.0 / posq
        tsi = 1.0 / (ao - sfour)
        eta = ao * e0 * tsi
        etasq = eta * eta
        eeta = e0 * eta
        psisq = abs(1.0 - etasq)
        coef = qzms24 * math.pow(tsi, 4.0)
        coef1 = coef / math.pow(psisq, 3.5)
        cc2 = coef1 * no * (ao * (1.0 + 1.5 * etasq + eeta * (4.0 + etasq))
                            + 0.375 * j2 * tsi / psisq * con41 * (8.0 + 3.0 * etasq * (8.0 + etasq)))
        cc1 = bstar[i] * cc2
        cc3 = 0.0
        if e0 > 1.0e-4:
            cc3 = -2.0 * coef * tsi * j3oj2 * no * sinio / e0
        x1mth2 = 1.0 - cosio2
        cc4 = 2.0 * no * coef1 * ao * omeosq * (
            eta * (2.0 + 0.5 * etasq) + e0 * (0.5 + 2.0 * etasq)
            - j2 * tsi / (ao * psisq) * (-3.0 * con41 * (1.0 - 2.0 * eeta + etasq * (1.5 - 0.5 * eeta))
                                         + 0.75 * x1mth2 * (2.0 * etasq - eeta * (1.0 + etasq))
                                         * math.cos(2.0 * argpo[i])))
        cc5 = 2.0 * coef1 * ao * omeosq * (1.0 + 2.75 * (etasq + eeta) + eeta * etasq)
        cosio4 = cosio2 * cosio2
        temp1 = 1.5 * j2 * pinvsq * no
        temp2 = 0.5 * temp1 * j2 * pinvsq
        temp3 = -0.46875 * j4 * pinvsq * pinvsq * no
        mdot = (no + 0.5 * temp1 * rteosq * con41
                + 0.0625 * temp2 * rteosq * (13.0 - 78.0 * cosio2 + 137.0 * cosio4))
        argpdot = (-0.5 * temp1 * con42 + 0.0625 * temp2 * (7.0 - 114.0 * cosio2 + 395.0 * cosio4)
                   + temp3 * (3.0 - 36.0 * cosio2 + 49.0 * cosio4))
        xhdot1 = -temp1 * cosio
        nodedot = xhdot1 + (0.5 * temp2 * (4.0 - 19.0 * cosio2) + 2.0 * temp3 * (3.0 - 7.0 * cosio2)) * cosio
        omgcof = bstar[i] * cc3 * math.cos(argpo[i])
        xmcof = 0.0
        if e0 > 1.0e-4:
            xmcof = -x2o3 * coef * bstar[i] / eeta
        nodecf = 3.5 * omeosq * xhdot1 * cc1
        t2cof = 1.5 * cc1
        if abs(cosio + 1.0) > 1.5e-12:
            xlcof = -0.25 * j3oj2 * sinio * (3.0 + 5.0 * cosio) / (1.0 + cosio)
        else:
            xlcof = -0.25 * j3oj2 * sinio * (3.0 + 5.0 * cosio) / temp4
        aycof = -0.5 * j3oj2 * sinio
        delmotemp = 1.0 + eta * math.cos(mo[i])
        deep = 0.0
        if 2.0 * math.pi / no >= 225.0:
            deep = 1.0
            isimp = 1.0
        d2 = d3 = d4 = t3cof = t4cof = t5cof = 0.0
        if isimp != 1.0:
            cc1sq = cc1 * cc1
            d2 = 4.0 * ao * tsi * cc1sq
            temp = d2 * tsi * cc1 / 3.0
            d3 = (17.0 * ao + sfour) * temp
            d4 = 0.5 * temp * ao * tsi * (221.0 * ao + 31.0 * sfour) * cc1
            t3cof = d2 + 2.0 * cc1sq
            t4cof = 0.25 * (3.0 * d3 + cc1 * (12.0 * d2 + 10.0 * cc1sq))
            t5cof = 0.2 * (3.0 * d4 + 12.0 * cc1 * d3 + 6.0 * d2 * d2 + 15.0 * cc1sq * (2.0 * d2 + cc1sq))
        c[F_ISIMP, i] = isimp
        c[F_DEEP, i] = deep
        c[F_MO, i] = mo[i]
        c[F_MDOT, i] = mdot
        c[F_ARGPO, i] = argpo[i]
        c[F_ARGPDOT, i] = argpdot
        c[F_NODEO, i] = nodeo[i]
        c[F_NODEDOT, i] = nodedot
        c[F_NODECF, i] = nodecf
        c[F_CC1, i] = cc1
        c[F_BSTAR, i] = bstar[i]
        c[F_CC4, i] = cc4
        c[F_T2COF, i] = t2cof
        c[F_OMGCOF, i] = omgcof
        c[F_ETA, i] = eta
        c[F_XMCOF, i] = xmcof
        c[F_DELMO, i] = delmotemp * delmotemp * delmotemp
        c[F_D2, i] = d2
        c[F_D3, i] = d3
        c[F_D4, i] = d4
        c[F_CC5, i] = cc5
        c[F_SINMAO, i] = math.sin(mo[i])
        c[F_T3COF, i] = t3cof
        c[F_T4COF, i] = t4cof
        c[F_T5COF, i] = t5cof
        c[F_NO, i] = no
        c[F_ECCO, i] = e0
        c[F_INCLO, i] = i0
        c[F_AYCOF, i] = aycof
        c[F_XLCOF, i] = xlcof
        c[F_CON41, i] = con41
        c[F_X1MTH2, i] = x1mth2
        c[F_X7THM1, i] = 7.0 * cosio2 - 1.0
        c[F_J2, i] = j2
        c[F_XKE, i] = xke
        c[F_RE, i] = re
        c[F_J3OJ2, i] = j3oj2
        c[F_MU, i] = mu
        c[F_JD, i] = jd[i]
        c[F_FR, i] = fr[i]
        c[F_AK, i] = math.pow(xke / no, x2o3) if no > 0.0 else math.nan
        c[F_SINIO, i] = sinio
        c[F_COSIO, i] = cosio


# fdlibm's medium-size argument reduction by pi/2 (three parts) and its kernel polynomials
# on [-pi/4, pi/4] (__kernel_sin / __kernel_cos, < 1 ulp there).
_INVPIO2 = 6.36619772367581382433e-01
_PIO2_1 = 1.57079632673412561417e+00
_PIO2_2 = 6.07710050630396597660e-11
_PIO2_3 = 2.02226624871116645580e-21
_S1 = -1.66666666666666324348e-01
_S2 = 8.33333333332248946124e-03
_S3 = -1.98412698298579493134e-04
_S4 = 2.75573137070700676789e-06
_S5 = -2.50507602534068634195e-08
_S6 = 1.58969099521155010221e-10
_C1 = 4.16666666666666019037e-02
_C2 = -1.38888888888741095749e-03
_C3 = 2.48015872894767294178e-05
_C4 = -2.75573143513906633035e-07
_C5 = 2.08757232129817482790e-09
_C6 = -1.13596475577881948265e-11
# the double 2*pi split into a 26-bit head and an exact tail (head + tail == 2*pi as doubles)
_TWOPI_HI = float.fromhex("0x1.921fb5p+2")
_TWOPI_LO = _TWOPI - _TWOPI_HI


@numba.njit(cache=True, inline="always")
def _sincos(x: float) -> tuple[float, float]:
    """``(sin x, cos x)`` in one reduction, within ~1 ulp of the library for ``|x| < 1e6`` rad.

    Beyond that (n * pi/2 no longer exact in the first reduction part) the library's
    functions are used.  Branch-light so that a compiler can vectorise it.
    """
    if not abs(x) < 1.0e6:
        return math.sin(x), math.cos(x)
    n = math.floor(x * _INVPIO2 + 0.5)
    y = ((x - n * _PIO2_1) - n * _PIO2_2) - n * _PIO2_3
    z = y * y
    sp = y + y * z * (_S1 + z * (_S2 + z * (_S3 + z * (_S4 + z * (_S5 + z * _S6)))))
    hz = 0.5 * z
    w = 1.0 - hz
    cp = w + (((1.0 - w) - hz) + z * z * (_C1 + z * (_C2 + z * (_C3 + z * (_C4 + z * (_C5 + z * _C6))))))
    q = int(n) & 3
    if q == 0:
        return sp, cp
    if q == 1:
        return cp, -sp
    if q == 2:
        return -sp, -cp
    return -cp, sp


@numba.njit(cache=True, inline="always")
def _mod2pi(x: float) -> float:
    """``fmod(x, 2*pi)`` for ``|x| < 2**26 * 2*pi``: the head product is exact, the tail's rounding negligible."""
    k = float(int(x / _TWOPI))
    return (x - k * _TWOPI_HI) - k * _TWOPI_LO


@numba.njit(cache=True, inline="always")
def _rotate(s: float, c: float, d: float) -> tuple[float, float]:
    """``(sin(a + d), cos(a + d))`` from ``s = sin a``, ``c = cos a`` and an increment ``d``.

    For ``|d| <= 0.05`` by the angle-addition formulas with Taylor series of ``sin d`` (to
    ``d^9``) and ``cos d`` (to ``d^10``), whose truncation (< 3e-18) is below the
    rounding of a double; otherwise with the library's ``sin`` and ``cos``.  It replaces
    a pair of library calls where SGP4 adds a small correction to an angle whose sine
    and cosine it already has (Kepler iterations, the short-period corrections).
    """
    if abs(d) <= 0.05:
        d2 = d * d
        sd = d * (1.0 - d2 / 6.0 * (1.0 - d2 / 20.0 * (1.0 - d2 / 42.0 * (1.0 - d2 / 72.0))))
        cd = 1.0 - d2 / 2.0 * (1.0 - d2 / 12.0 * (1.0 - d2 / 30.0 * (1.0 - d2 / 56.0 * (1.0 - d2 / 90.0))))
    else:
        sd = math.sin(d)
        cd = math.cos(d)
    return s * cd + c * sd, c * cd - s * sd


@numba.njit(cache=True, inline="always")
def _fmod(x: float, y: float) -> float:
    """C's exact ``fmod`` (the reference's angle reduction; ``numba.cuda`` has ``math.fmod``)."""
    return np.fmod(x, y)


# ---------------------------------------------------------------------------------------
# The propagation step (reference SGP4.cpp ``sgp4``, ``dspace``, ``dpper``).
# ---------------------------------------------------------------------------------------


@numba.njit(cache=True, inline="always")
def _dspace(
    c: FloatArray, i: int, t: float, atime: float, xli: float, xni: float,
    em: float, argpm: float, inclm: float, mm: float, nodem: float, nm: float,
) -> tuple[float, float, float, float, float, float, float, float, float, float]:
    """Deep-space secular effects and resonance integration (reference ``dspace``)."""
    fasx2 = 0.13130908
    fasx4 = 2.8843198
    fasx6 = 0.37448087
    g22 = 5.7686396
    g32 = 0.95240898
    g44 = 1.8014998
    g52 = 1.0508330
    g54 = 4.4108898
    rptim = 4.37526908801129966e-3
    stepp = 720.0
    stepn = -720.0
    step2 = 259200.0
    irez = int(c[F_IREZ, i])
    no = c[F_NO, i]

    theta = _fmod(c[F_GSTO, i] + t * rptim, _TWOPI)
    em = em + c[F_DEDT, i] * t
    inclm = inclm + c[F_DIDT, i] * t
    argpm = argpm + c[F_DOMDT, i] * t
    nodem = nodem + c[F_DNODT, i] * t
    mm = mm + c[F_DMDT, i] * t

    ft = 0.0
    if irez != 0:
        if atime == 0.0 or t * atime <= 0.0 or abs(t) < abs(atime):
            atime = 0.0
            xni = no
            xli = c[F_XLAMO, i]
        delt = stepp if t > 0.0 else stepn
        xfact = c[F_XFACT, i]
        xndt = 0.0
        xldot = 0.0
        xnddt = 0.0
        while True:
            if irez != 2:
                del1 = c[F_DEL1, i]
                del2 = c[F_DEL2, i]
                del3 = c[F_DEL3, i]
                xndt = (del1 * math.sin(xli - fasx2) + del2 * math.sin(2.0 * (xli - fasx4))
                        + del3 * math.sin(3.0 * (xli - fasx6)))
                xldot = xni + xfact
                xnddt = (del1 * math.cos(xli - fasx2) + 2.0 * del2 * math.cos(2.0 * (xli - fasx4))
                         + 3.0 * del3 * math.cos(3.0 * (xli - fasx6)))
                xnddt = xnddt * xldot
            else:
                xomi = c[F_ARGPO, i] + c[F_ARGPDOT, i] * atime
                x2omi = xomi + xomi
                x2li = xli + xli
                d2201 = c[F_D2201, i]
                d2211 = c[F_D2211, i]
                d3210 = c[F_D3210, i]
                d3222 = c[F_D3222, i]
                d4410 = c[F_D4410, i]
                d4422 = c[F_D4422, i]
                d5220 = c[F_D5220, i]
                d5232 = c[F_D5232, i]
                d5421 = c[F_D5421, i]
                d5433 = c[F_D5433, i]
                xndt = (d2201 * math.sin(x2omi + xli - g22) + d2211 * math.sin(xli - g22)
                        + d3210 * math.sin(xomi + xli - g32) + d3222 * math.sin(-xomi + xli - g32)
                        + d4410 * math.sin(x2omi + x2li - g44) + d4422 * math.sin(x2li - g44)
                        + d5220 * math.sin(xomi + xli - g52) + d5232 * math.sin(-xomi + xli - g52)
                        + d5421 * math.sin(xomi + x2li - g54) + d5433 * math.sin(-xomi + x2li - g54))
                xldot = xni + xfact
                xnddt = (d2201 * math.cos(x2omi + xli - g22) + d2211 * math.cos(xli - g22)
                         + d3210 * math.cos(xomi + xli - g32) + d3222 * math.cos(-xomi + xli - g32)
                         + d5220 * math.cos(xomi + xli - g52) + d5232 * math.cos(-xomi + xli - g52)
                         + 2.0 * (d4410 * math.cos(x2omi + x2li - g44) + d4422 * math.cos(x2li - g44)
                                  + d5421 * math.cos(xomi + x2li - g54)
                                  + d5433 * math.cos(-xomi + x2li - g54)))
                xnddt = xnddt * xldot
            if abs(t - atime) >= stepp:
                xli = xli + xldot * delt + xndt * step2
                xni = xni + xndt * delt + xnddt * step2
                atime = atime + delt
            else:
                ft = t - atime
                break
        nm = xni + xndt * ft + xnddt * ft * ft * 0.5
        xl = xli + xldot * ft + xndt * ft * ft * 0.5
        if irez != 1:  # noqa: SIM108 (the reference's statements)
            mm = xl - 2.0 * nodem + 2.0 * theta
        else:
            mm = xl - nodem - argpm + theta
        dndt = nm - no
        nm = no + dndt
    return atime, xli, xni, em, argpm, inclm, mm, nodem, nm, theta


@numba.njit(cache=True, inline="always")
def _dpper(
    c: FloatArray, i: int, t: float, ep: float, inclp: float, nodep: float, argpp: float, mp: float,
) -> tuple[float, float, float, float, float]:
    """Lunar-solar periodics (reference ``dpper``, ``init = 'n'``, improved mode)."""
    zns = 1.19459e-5
    zes = 0.01675
    znl = 1.5835218e-4
    zel = 0.05490
    zm = c[F_ZMOS, i] + zns * t
    zf = zm + 2.0 * zes * math.sin(zm)
    sinzf = math.sin(zf)
    f2 = 0.5 * sinzf * sinzf - 0.25
    f3 = -0.5 * sinzf * math.cos(zf)
    ses = c[F_SE2, i] * f2 + c[F_SE3, i] * f3
    sis = c[F_SI2, i] * f2 + c[F_SI3, i] * f3
    sls = c[F_SL2, i] * f2 + c[F_SL3, i] * f3 + c[F_SL4, i] * sinzf
    sghs = c[F_SGH2, i] * f2 + c[F_SGH3, i] * f3 + c[F_SGH4, i] * sinzf
    shs = c[F_SH2, i] * f2 + c[F_SH3, i] * f3
    zm = c[F_ZMOL, i] + znl * t
    zf = zm + 2.0 * zel * math.sin(zm)
    sinzf = math.sin(zf)
    f2 = 0.5 * sinzf * sinzf - 0.25
    f3 = -0.5 * sinzf * math.cos(zf)
    sel = c[F_EE2, i] * f2 + c[F_E3, i] * f3
    sil = c[F_XI2, i] * f2 + c[F_XI3, i] * f3
    sll = c[F_XL2, i] * f2 + c[F_XL3, i] * f3 + c[F_XL4, i] * sinzf
    sghl = c[F_XGH2, i] * f2 + c[F_XGH3, i] * f3 + c[F_XGH4, i] * sinzf
    shll = c[F_XH2, i] * f2 + c[F_XH3, i] * f3
    pe = ses + sel
    pinc = sis + sil
    pl = sls + sll
    pgh = sghs + sghl
    ph = shs + shll

    pe = pe - c[F_PEO, i]
    pinc = pinc - c[F_PINCO, i]
    pl = pl - c[F_PLO, i]
    pgh = pgh - c[F_PGHO, i]
    ph = ph - c[F_PHO, i]
    inclp = inclp + pinc
    ep = ep + pe
    sinip = math.sin(inclp)
    cosip = math.cos(inclp)
    if inclp >= 0.2:
        ph = ph / sinip
        pgh = pgh - cosip * ph
        argpp = argpp + pgh
        nodep = nodep + ph
        mp = mp + pl
    else:
        sinop = math.sin(nodep)
        cosop = math.cos(nodep)
        alfdp = sinip * sinop
        betdp = sinip * cosop
        dalf = ph * cosop + pinc * cosip * sinop
        dbet = -ph * sinop + pinc * cosip * cosop
        alfdp = alfdp + dalf
        betdp = betdp + dbet
        nodep = _fmod(nodep, _TWOPI)
        xls = mp + argpp + pl + pgh + (cosip - pinc * sinip) * nodep
        xnoh = nodep
        nodep = math.atan2(alfdp, betdp)
        if abs(xnoh - nodep) > math.pi:
            if nodep < xnoh:  # noqa: SIM108 (the reference's statements)
                nodep = nodep + _TWOPI
            else:
                nodep = nodep - _TWOPI
        mp = mp + pl
        argpp = xls - mp - cosip * nodep
    return ep, inclp, nodep, argpp, mp


@numba.njit(cache=True, inline="always")
def sgp4_step(
    c: FloatArray, i: int, t: float, atime: float, xli: float, xni: float,
) -> tuple[int, float, float, float, float, float, float, float, float, float]:
    """SGP4 of object ``i`` at ``t`` minutes since its epoch (TEME, km, km/s).

    Returns ``(code, atime, xli, xni, x, y, z, vx, vy, vz)``, all in registers (the
    function is inlined into the loops below; on a GPU it is a device function).  The
    deep-space resonance integrator's state ``atime, xli, xni`` is
    carried from call to call as the reference carries it in its record (restarting at
    epoch whenever the reference would, so results do not depend on the call order).
    On any code the state is NaN.
    """
    temp4 = 1.5e-12
    xke = c[F_XKE, i]
    re = c[F_RE, i]
    j2 = c[F_J2, i]
    vkmpersec = re * xke / 60.0
    deep = c[F_DEEP, i] != 0.0
    nan = math.nan

    xmdf = c[F_MO, i] + c[F_MDOT, i] * t
    argpdf = c[F_ARGPO, i] + c[F_ARGPDOT, i] * t
    nodedf = c[F_NODEO, i] + c[F_NODEDOT, i] * t
    argpm = argpdf
    mm = xmdf
    t2 = t * t
    nodem = nodedf + c[F_NODECF, i] * t2
    tempa = 1.0 - c[F_CC1, i] * t
    tempe = c[F_BSTAR, i] * c[F_CC4, i] * t
    templ = c[F_T2COF, i] * t2
    if c[F_ISIMP, i] != 1.0:
        delomg = c[F_OMGCOF, i] * t
        delmtemp = 1.0 + c[F_ETA, i] * _sincos(xmdf)[1]
        delm = c[F_XMCOF, i] * (delmtemp * delmtemp * delmtemp - c[F_DELMO, i])
        temp = delomg + delm
        mm = xmdf + temp
        argpm = argpdf - temp
        t3 = t2 * t
        t4 = t3 * t
        tempa = tempa - c[F_D2, i] * t2 - c[F_D3, i] * t3 - c[F_D4, i] * t4
        tempe = tempe + c[F_BSTAR, i] * c[F_CC5, i] * (_sincos(mm)[0] - c[F_SINMAO, i])
        templ = templ + c[F_T3COF, i] * t3 + t4 * (c[F_T4COF, i] + t * c[F_T5COF, i])

    nm = c[F_NO, i]
    em = c[F_ECCO, i]
    inclm = c[F_INCLO, i]
    if deep:
        atime, xli, xni, em, argpm, inclm, mm, nodem, nm, _theta = _dspace(
            c, i, t, atime, xli, xni, em, argpm, inclm, mm, nodem, nm)
    if nm <= 0.0:
        return 2, atime, xli, xni, nan, nan, nan, nan, nan, nan
    if deep:  # noqa: SIM108 (the reference's statements)
        am = math.pow(xke / nm, _X2O3) * tempa * tempa
    else:  # nm is the constant no_unkozai: the same power, computed once at init
        am = c[F_AK, i] * tempa * tempa
    nm = xke / (am * math.sqrt(am))
    em = em - tempe
    if em >= 1.0 or em < -0.001:
        return 1, atime, xli, xni, nan, nan, nan, nan, nan, nan
    if em < 1.0e-6:
        em = 1.0e-6
    mm = mm + c[F_NO, i] * templ
    xlm = mm + argpm + nodem
    if deep:  # the reference's fmod (deep-space runs of years: arguments up to ~1e5 rad)
        nodem = _fmod(nodem, _TWOPI)
        argpm = _fmod(argpm, _TWOPI)
        xlm = _fmod(xlm, _TWOPI)
        mm = _fmod(xlm - argpm - nodem, _TWOPI)
    else:
        nodem = _mod2pi(nodem)
        argpm = _mod2pi(argpm)
        xlm = _mod2pi(xlm)
        mm = _mod2pi(xlm - argpm - nodem)

    if deep:
        sinim = math.sin(inclm)
        cosim = math.cos(inclm)
    else:  # inclm is the constant inclo
        sinim = c[F_SINIO, i]
        cosim = c[F_COSIO, i]
    ep = em
    xincp = inclm
    argpp = argpm
    nodep = nodem
    mp = mm
    sinip = sinim
    cosip = cosim
    aycof = c[F_AYCOF, i]
    xlcof = c[F_XLCOF, i]
    con41 = c[F_CON41, i]
    x1mth2 = c[F_X1MTH2, i]
    x7thm1 = c[F_X7THM1, i]
    if deep:
        ep, xincp, nodep, argpp, mp = _dpper(c, i, t, ep, xincp, nodep, argpp, mp)
        if xincp < 0.0:
            xincp = -xincp
            nodep = nodep + math.pi
            argpp = argpp - math.pi
        if ep < 0.0 or ep > 1.0:
            return 3, atime, xli, xni, nan, nan, nan, nan, nan, nan
        sinip = math.sin(xincp)
        cosip = math.cos(xincp)
        j3oj2 = c[F_J3OJ2, i]
        aycof = -0.5 * j3oj2 * sinip
        if abs(cosip + 1.0) > 1.5e-12:
            xlcof = -0.25 * j3oj2 * sinip * (3.0 + 5.0 * cosip) / (1.0 + cosip)
        else:
            xlcof = -0.25 * j3oj2 * sinip * (3.0 + 5.0 * cosip) / temp4

    sinargp, cosargp = _sincos(argpp)
    axnl = ep * cosargp
    temp = 1.0 / (am * (1.0 - ep * ep))
    aynl = ep * sinargp + temp * aycof
    xl = mp + argpp + nodep + temp * xlcof * axnl

    u = _fmod(xl - nodep, _TWOPI) if deep else _mod2pi(xl - nodep)
    eo1 = u
    tem5 = 9999.9
    ktr = 1
    # The reference's iteration; sin/cos of each new eo1 from the previous ones (_rotate).
    sineo1, coseo1 = _sincos(eo1)
    while True:
        tem5 = 1.0 - coseo1 * axnl - sineo1 * aynl
        tem5 = (u - aynl * coseo1 + axnl * sineo1 - eo1) / tem5
        if abs(tem5) >= 0.95:
            tem5 = 0.95 if tem5 > 0.0 else -0.95
        eo1 = eo1 + tem5
        ktr = ktr + 1
        if not (abs(tem5) >= 1.0e-12 and ktr <= 10):
            break
        sineo1, coseo1 = _rotate(sineo1, coseo1, tem5)

    ecose = axnl * coseo1 + aynl * sineo1
    esine = axnl * sineo1 - aynl * coseo1
    el2 = axnl * axnl + aynl * aynl
    pl = am * (1.0 - el2)
    if pl < 0.0:
        return 4, atime, xli, xni, nan, nan, nan, nan, nan, nan
    rl = am * (1.0 - ecose)
    rdotl = math.sqrt(am) * esine / rl
    rvdotl = math.sqrt(pl) / rl
    betal = math.sqrt(1.0 - el2)
    temp = esine / (1.0 + betal)
    sinu = am / rl * (sineo1 - aynl - axnl * temp)
    cosu = am / rl * (coseo1 - axnl + aynl * temp)
    sin2u = (cosu + cosu) * sinu
    cos2u = 1.0 - 2.0 * sinu * sinu
    temp = 1.0 / pl
    temp1 = 0.5 * j2 * temp
    temp2 = temp1 * temp
    if deep:
        cosisq = cosip * cosip
        con41 = 3.0 * cosisq - 1.0
        x1mth2 = 1.0 - cosisq
        x7thm1 = 7.0 * cosisq - 1.0
    mrt = rl * (1.0 - 1.5 * temp2 * betal * con41) + 0.5 * temp1 * x1mth2 * cos2u
    # su = atan2(sinu, cosu) - dsu and xinc = xincp + dinc: their sines and cosines by
    # rotating (sinu, cosu) / |.| and (sinip, cosip) by the small corrections
    dsu = -0.25 * temp2 * x7thm1 * sin2u
    xnode = nodep + 1.5 * temp2 * cosip * sin2u
    dinc = 1.5 * temp2 * cosip * sinip * cos2u
    mvt = rdotl - nm * temp1 * x1mth2 * sin2u / xke
    rvdot = rvdotl + nm * temp1 * (x1mth2 * cos2u + 1.5 * con41) / xke

    hyp = math.sqrt(sinu * sinu + cosu * cosu)
    sinsu, cossu = _rotate(sinu / hyp, cosu / hyp, dsu)
    snod, cnod = _sincos(xnode)
    sini, cosi = _rotate(sinip, cosip, dinc)
    xmx = -snod * cosi
    xmy = cnod * cosi
    ux = xmx * sinsu + cnod * cossu
    uy = xmy * sinsu + snod * cossu
    uz = sini * sinsu
    vx = xmx * cossu - cnod * sinsu
    vy = xmy * cossu - snod * sinsu
    vz = sini * cossu

    if mrt < 1.0:
        return 6, atime, xli, xni, nan, nan, nan, nan, nan, nan
    mr = mrt * re
    rx = mr * ux
    ry = mr * uy
    rz = mr * uz
    wx = (mvt * ux + rvdot * vx) * vkmpersec
    wy = (mvt * uy + rvdot * vy) * vkmpersec
    wz = (mvt * uz + rvdot * vz) * vkmpersec
    # orbitwatch's plausibility check (code 7): bound to the Earth, inside its Hill sphere
    r2 = rx * rx + ry * ry + rz * rz
    v2 = wx * wx + wy * wy + wz * wz
    radius = math.sqrt(r2)
    if not (radius <= MAX_RADIUS_KM) or not (v2 * radius <= 2.0 * c[F_MU, i]):
        return CODE_IMPLAUSIBLE, atime, xli, xni, nan, nan, nan, nan, nan, nan
    return 0, atime, xli, xni, rx, ry, rz, wx, wy, wz


@numba.njit(cache=True, nogil=True, error_model="numpy")
def sgp4_grid(
    c: FloatArray, jd: FloatArray, fr: FloatArray,
    err: npt.NDArray[np.uint8], r: FloatArray, v: FloatArray,
) -> None:
    """Objects ``(N,)`` x UTC Julian dates ``jd + fr (T,)`` -> ``err (N, T)``, ``r``, ``v (N, T, 3)``.

    ``tsince`` is formed as the ``sgp4`` package forms it,
    ``(jd - jdsatepoch) * 1440 + (fr - jdsatepochF) * 1440``.
    """
    n = c.shape[1]
    nt = jd.shape[0]
    col = np.empty((c.shape[0], 1))  # the object's constants, contiguous (a few cache lines)
    for i in range(n):
        for k in range(c.shape[0]):
            col[k, 0] = c[k, i]
        jde = col[F_JD, 0]
        fre = col[F_FR, 0]
        atime = col[F_ATIME, 0]
        xli = col[F_XLI, 0]
        xni = col[F_XNI, 0]
        for j in range(nt):
            t = (jd[j] - jde) * 1440.0 + (fr[j] - fre) * 1440.0
            code, atime, xli, xni, x, y, z, vx, vy, vz = sgp4_step(col, 0, t, atime, xli, xni)
            err[i, j] = code
            r[i, j, 0] = x
            r[i, j, 1] = y
            r[i, j, 2] = z
            v[i, j, 0] = vx
            v[i, j, 1] = vy
            v[i, j, 2] = vz


@numba.njit(cache=True, nogil=True, error_model="numpy")
def sgp4_tsince(
    c: FloatArray, tsince_min: FloatArray, err: npt.NDArray[np.uint8], r: FloatArray, v: FloatArray,
) -> None:
    """Objects ``(N,)`` x minutes since each object's epoch ``(N, T)`` -> ``err``, ``r``, ``v (N, T, 3)``."""
    n = c.shape[1]
    nt = tsince_min.shape[1]
    col = np.empty((c.shape[0], 1))
    for i in range(n):
        for k in range(c.shape[0]):
            col[k, 0] = c[k, i]
        atime = col[F_ATIME, 0]
        xli = col[F_XLI, 0]
        xni = col[F_XNI, 0]
        for j in range(nt):
            code, atime, xli, xni, x, y, z, vx, vy, vz = sgp4_step(col, 0, tsince_min[i, j], atime, xli, xni)
            err[i, j] = code
            r[i, j, 0] = x
            r[i, j, 1] = y
            r[i, j, 2] = z
            v[i, j, 0] = vx
            v[i, j, 1] = vy
            v[i, j, 2] = vz


@numba.njit(cache=True, nogil=True, error_model="numpy")
def sgp4_pairs(
    c: FloatArray, obj: npt.NDArray[np.int64], jd: FloatArray, fr: FloatArray,
    err: npt.NDArray[np.uint8], r: FloatArray, v: FloatArray,
) -> None:
    """Object ``obj[k]`` at UTC ``jd[k] + fr[k]``, for K (object, time) pairs -> ``err (K,)``, ``r``, ``v (K, 3)``."""
    for k in range(obj.shape[0]):
        i = obj[k]
        t = (jd[k] - c[F_JD, i]) * 1440.0 + (fr[k] - c[F_FR, i]) * 1440.0
        code, _a, _l, _n, x, y, z, vx, vy, vz = sgp4_step(c, i, t, c[F_ATIME, i], c[F_XLI, i], c[F_XNI, i])
        err[k] = code
        r[k, 0] = x
        r[k, 1] = y
        r[k, 2] = z
        v[k, 0] = vx
        v[k, 1] = vy
        v[k, 2] = vz


_NOTED = [False]


def _needs_compiling(dispatcher: Any) -> bool:
    """Whether calling ``dispatcher`` will compile (nothing loaded yet, no up-to-date on-disk cache)."""
    if dispatcher.signatures:
        return False
    try:
        index = dispatcher._cache._cache_file._index_path
        source = dispatcher.py_func.__code__.co_filename
        return not os.path.exists(index) or os.path.getmtime(index) < os.path.getmtime(source)
    except (AttributeError, OSError):  # numba internals changed: say nothing rather than guess
        return False


def note_compiling(dispatcher: Any) -> None:
    """One line on stderr, once per process, when ``dispatcher`` is about to be compiled (issue 19).

    The kernels are cached on disk (``cache=True``), so this shows on the first run
    after an install or an upgrade only.
    """
    if _NOTED[0] or not _needs_compiling(dispatcher):
        return
    _NOTED[0] = True
    print("orbitwatch: compiling kernels (first run only)", file=sys.stderr, flush=True)


def init_constants(
    satnum: npt.NDArray[np.int64], jd: FloatArray, fr: FloatArray, bstar: FloatArray,
    ndot: FloatArray, nddot: FloatArray, ecco: FloatArray, argpo: FloatArray, inclo: FloatArray,
    mo: FloatArray, no_kozai: FloatArray, nodeo: FloatArray,
) -> FloatArray:
    """Constants ``(NF, N)`` of N objects, initialised as the reference ``sgp4init`` (WGS-72, 'i').

    Arguments ``(N,)`` in the reference's units (rad, rad/min, rad/min^2, rad/min^3), the
    epoch as an exact two-part UTC Julian date ``jd + fr``; ``sgp4init`` is handed the
    epoch ``(jd + fr) - 2433281.5`` as the reference's ``twoline2rv`` forms it.  Near-Earth
    objects are initialised by the compiled :func:`init_near_earth`; deep-space objects
    (period >= 225 min) by the ``sgp4`` package's pure-Python port of ``sgp4init``, which
    follows the reference statement for statement.
    """
    from sgp4.api import WGS72
    from sgp4.earth_gravity import wgs72
    from sgp4.model import Satrec as PySatrec

    n = satnum.shape[0]
    c = np.empty((NF, n))
    f = np.ascontiguousarray
    note_compiling(init_near_earth)
    init_near_earth(np.array(tuple(wgs72), dtype=np.float64), f(bstar, dtype=np.float64),
                    f(ecco, dtype=np.float64), f(argpo, dtype=np.float64), f(inclo, dtype=np.float64),
                    f(mo, dtype=np.float64), f(no_kozai, dtype=np.float64), f(nodeo, dtype=np.float64),
                    f(jd, dtype=np.float64), f(fr, dtype=np.float64), c)
    for i in np.flatnonzero(c[F_DEEP] != 0.0).tolist():
        sat = PySatrec()
        sat.sgp4init(WGS72, "i", int(satnum[i]), (float(jd[i]) + float(fr[i])) - 2433281.5,
                     float(bstar[i]), float(ndot[i]), float(nddot[i]), float(ecco[i]), float(argpo[i]),
                     float(inclo[i]), float(mo[i]), float(no_kozai[i]), float(nodeo[i]))
        sat.jdsatepoch = float(jd[i])
        sat.jdsatepochF = float(fr[i])
        c[:, i] = constants_from_record(sat)
    return c
