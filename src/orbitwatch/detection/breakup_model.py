"""The NASA Standard Breakup Model: synthetic debris from an explosion or a collision.

Follows Johnson, Krisko, Liou & Anz-Meador (2001), "NASA's new breakup model of
EVOLVE 4.0", Adv. Space Res. 28(9), 1377-1384 (below "J2001"), with the corrections
and reading of Krisko (2011), "Proper implementation of the 1998 NASA breakup
model", Orbital Debris Quarterly News 15(4), 4-5 ("K2011").  Every fragment is
described by its characteristic length ``Lc`` (m), its area-to-mass ratio ``A/M``
(m^2/kg), its mass and a velocity increment (m/s) relative to the parent.

Distributions (all in :func:`sample_fragments`):

* **Size** (J2001 eqs. 2 and 4): the cumulative number of fragments larger than
  ``Lc`` is ``N(>Lc) = 6 S Lc^-1.6`` for explosions (``S`` a scale factor, 1 for a
  typical upper stage/spacecraft) and ``N(>Lc) = 0.1 M^0.75 Lc^-1.71`` for
  collisions.  ``M`` (kg) is the sum of both masses when the collision is
  *catastrophic* (specific energy ``E* = m_p v^2 / (2 m_t) >= 40 J/g``), otherwise
  ``M = m_p v_km_s^2`` (projectile mass times impact speed in km/s, squared).  The
  sizes are drawn from the truncated power law between ``lc_min_m`` and ``lc_max_m``
  by inverting its CDF; the number of fragments is ``round(N(>lc_min) - N(>lc_max))``.
* **Area-to-mass** (J2001 eqs. 5-7, K2011): ``chi = log10(A/M)``.  For ``Lc > 11 cm``
  it is the bimodal normal ``alpha N(mu1, s1) + (1-alpha) N(mu2, s2)`` whose five
  parameters are piecewise-linear functions of ``lambda = log10(Lc)``, one set for
  rocket bodies and one for spacecraft (:func:`am_parameters`); for ``Lc < 8 cm`` a
  single normal ``N(mu_soc, s_soc)``; between 8 and 11 cm each fragment takes the
  large-debris branch with probability ``(Lc - 0.08) / 0.03`` (a linear bridge, as
  K2011 describes).  Area from ``Lc`` (J2001 eq. 8): ``A = 0.540424 Lc^2`` for
  ``Lc < 1.67 mm``, else ``0.556945 Lc^2.0047077``; mass ``= A / (A/M)``.
* **Delta-v** (J2001 eqs. 11-12): ``nu = log10(dv m/s)`` is normal with
  ``mu = 0.2 chi + 1.85`` (explosions) or ``0.9 chi + 2.9`` (collisions) and
  ``sigma = 0.4``; directions are isotropic (uniform on the sphere).

Mass is not conserved by the published model (K2011 discusses it); we do not force
it either: :class:`BreakupFragments` reports the total sampled mass so a caller can
compare.

Synthetic catalogue (:func:`simulate_breakup`): the parent's SGP4 state at the
breakup epoch plus each fragment's delta-v gives an osculating TEME state.  TLEs
must carry SGP4 *mean* elements (STYLE.md habit 6), so the osculating state is turned
into mean elements by a fixed-point differential correction: start from the
osculating Keplerian elements, propagate them with SGP4 to the epoch, and correct the
elements by the difference between the target's and SGP4's osculating elements
(in the non-singular set ``a, e cos w, e sin w, i, RAAN, w + M``) until the SGP4
state reproduces the target (typically metres after 8 iterations for LEO orbits with
``e < 0.1``).  This matches the state at the epoch only; it is not a fit over an arc,
so the secular drag of each piece comes solely from its B*.  B* is set from A/M as
``B* = Cd (A/M) rho0 / 2`` with ``Cd = 2.2`` and the SGP4 reference density
``rho0 = 0.15696615 kg m^-2 ER^-1`` (Vallado, Fundamentals of Astrodynamics and
Applications, 4th ed., sec. 9.7).  Each fragment gets an analyst-range catalogue number
(80000 + i) and the name ``<parent> SIM DEB``.

Randomness comes only from a ``numpy.random.Generator`` built from ``seed``.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any, Literal

import numpy as np
import numpy.typing as npt

from orbitwatch.catalog.model import ElementSet, ElementTable
from orbitwatch.constants import (
    WGS72_MU_KM3_S2,
    WGS72_RADIUS_KM,
    kepler_mean_motion_rad_s,
    kepler_semi_major_axis_km,
    mean_motion_rad_s,
    mean_motion_rev_per_day,
    wrap_2pi,
    wrap_360_deg,
    wrap_pi,
)
from orbitwatch.errors import InputError, PropagationError
from orbitwatch.propagation import propagate
from orbitwatch.times import UTC_DTYPE, as_utc

__all__ = [
    "CATASTROPHIC_THRESHOLD_J_KG",
    "BreakupFragments",
    "SyntheticCloud",
    "am_parameters",
    "area_from_lc_m2",
    "bstar_from_am",
    "collision_mass_kg",
    "dv_log10_mean",
    "elements_from_state",
    "fit_mean_elements",
    "is_catastrophic",
    "kepler_from_state",
    "launch_prefix",
    "number_larger_than",
    "sample_fragments",
    "simulate_breakup",
    "size_exponent",
]

Kind = Literal["explosion", "collision"]
Array = npt.NDArray[np.float64]

CATASTROPHIC_THRESHOLD_J_KG = 40_000.0  # 40 J/g (J2001 sec. 2.2)
CD_DEFAULT = 2.2
RHO0_KG_M2_ER = 0.15696615  # SGP4 reference density for B* (Vallado 4th ed. sec. 9.7)
ANALYST_NORAD_START = 80000


# ---------------------------------------------------------------------------
# Size distribution
# ---------------------------------------------------------------------------
def size_exponent(kind: Kind) -> float:
    """Power-law exponent ``beta`` of ``N(>Lc) ~ Lc^-beta`` (J2001 eqs. 2, 4)."""
    _check_kind(kind)
    return 1.6 if kind == "explosion" else 1.71


def is_catastrophic(target_mass_kg: float, projectile_mass_kg: float, impact_speed_km_s: float) -> bool:
    """J2001: catastrophic when ``m_p v^2 / (2 m_t) >= 40 J/g`` (v in m/s)."""
    v_m_s = impact_speed_km_s * 1000.0
    return 0.5 * projectile_mass_kg * v_m_s**2 / target_mass_kg >= CATASTROPHIC_THRESHOLD_J_KG


def collision_mass_kg(
    target_mass_kg: float, projectile_mass_kg: float = 0.0, impact_speed_km_s: float | None = None
) -> float:
    """The ``M`` of ``N(>Lc) = 0.1 M^0.75 Lc^-1.71``.

    Catastrophic: ``M = m_t + m_p``; non-catastrophic: ``M = m_p v^2`` (kg, km/s).
    With no projectile (``projectile_mass_kg = 0``) the target mass is used as a
    catastrophic total mass (an ASAT kill vehicle is small next to its target).
    """
    if target_mass_kg <= 0:
        raise InputError(f"mass must be positive, not {target_mass_kg} kg", field="mass_kg")
    if projectile_mass_kg <= 0 or impact_speed_km_s is None:
        return target_mass_kg + max(projectile_mass_kg, 0.0)
    if is_catastrophic(target_mass_kg, projectile_mass_kg, impact_speed_km_s):
        return target_mass_kg + projectile_mass_kg
    return projectile_mass_kg * impact_speed_km_s**2


def number_larger_than(lc_m: npt.ArrayLike, kind: Kind, *, mass_kg: float = 0.0, scale: float = 1.0) -> Any:
    """Cumulative fragment count ``N(>Lc)``: ``6 S Lc^-1.6`` or ``0.1 M^0.75 Lc^-1.71``."""
    lc = np.asarray(lc_m, dtype=np.float64)
    if kind == "explosion":
        return 6.0 * scale * lc ** (-1.6)
    _check_kind(kind)
    return 0.1 * mass_kg**0.75 * lc ** (-1.71)


# ---------------------------------------------------------------------------
# Area-to-mass distribution
# ---------------------------------------------------------------------------
def _ramp(x: Array, x0: float, x1: float, y0: float, y1: float) -> Array:
    """``y0`` below ``x0``, ``y1`` above ``x1``, linear in between."""
    return np.asarray(np.interp(x, [x0, x1], [y0, y1]), dtype=np.float64)


def am_parameters(lc_m: npt.ArrayLike, parent_type: str = "spacecraft") -> dict[str, Array]:
    """Bimodal A/M parameters for ``Lc > 11 cm`` as functions of ``lambda = log10(Lc)``.

    Returns arrays ``alpha, mu1, sigma1, mu2, sigma2`` (J2001 eqs. 6-7;
    ``parent_type`` ``"spacecraft"`` or ``"rocket_body"``) and ``mu_soc, sigma_soc``,
    the single-normal parameters of the small-debris branch (``Lc < 8 cm``, eq. 5).
    """
    lam = np.log10(np.asarray(lc_m, dtype=np.float64))
    if parent_type == "rocket_body":
        alpha = _ramp(lam, -1.4, 0.0, 1.0, 0.5)
        mu1 = _ramp(lam, -0.5, 0.0, -0.45, -0.9)
        sigma1 = np.full_like(lam, 0.55)
        mu2 = np.full_like(lam, -0.9)
        sigma2 = _ramp(lam, -1.0, 0.1, 0.28, 0.1)
    elif parent_type == "spacecraft":
        alpha = _ramp(lam, -1.95, 0.55, 0.0, 1.0)
        mu1 = _ramp(lam, -1.1, 0.0, -0.6, -0.95)
        sigma1 = _ramp(lam, -1.3, -0.3, 0.1, 0.3)
        mu2 = _ramp(lam, -0.7, -0.1, -1.2, -2.0)
        sigma2 = _ramp(lam, -0.5, -0.3, 0.5, 0.3)
    else:
        raise InputError(
            f"parent type must be 'spacecraft' or 'rocket_body', not {parent_type!r}", field="parent_type"
        )
    mu_soc = _ramp(lam, -1.75, -1.25, -0.3, -1.0)
    sigma_soc = np.where(lam <= -3.5, 0.2, 0.2 + 0.1333 * (lam + 3.5))
    return {
        "alpha": alpha,
        "mu1": mu1,
        "sigma1": sigma1,
        "mu2": mu2,
        "sigma2": sigma2,
        "mu_soc": mu_soc,
        "sigma_soc": sigma_soc,
    }


def area_from_lc_m2(lc_m: npt.ArrayLike) -> Any:
    """Average cross-section from characteristic length (J2001 eq. 8), m^2."""
    lc = np.asarray(lc_m, dtype=np.float64)
    return np.where(lc < 0.00167, 0.540424 * lc**2, 0.556945 * lc**2.0047077)


def dv_log10_mean(log10_am: npt.ArrayLike, kind: Kind) -> Any:
    """Mean of ``log10(dv m/s)``: ``0.2 chi + 1.85`` (explosion), ``0.9 chi + 2.9`` (collision)."""
    chi = np.asarray(log10_am, dtype=np.float64)
    _check_kind(kind)
    return 0.2 * chi + 1.85 if kind == "explosion" else 0.9 * chi + 2.9


DV_LOG10_SIGMA = 0.4


@dataclass(frozen=True)
class BreakupFragments:
    """Sampled fragments, shapes ``(N,)`` (``dv_dir`` is ``(N, 3)``, unit vectors)."""

    kind: str
    lc_m: Array
    am_m2_kg: Array
    area_m2: Array
    mass_kg: Array
    dv_m_s: Array
    dv_dir: Array
    n_expected: float

    def __len__(self) -> int:
        return int(self.lc_m.shape[0])


def _check_kind(kind: str) -> None:
    if kind not in ("explosion", "collision"):
        raise InputError(f"breakup kind must be 'explosion' or 'collision', not {kind!r}", field="kind")


def sample_fragments(
    kind: Kind,
    *,
    mass_kg: float = 0.0,
    scale: float = 1.0,
    lc_min_m: float = 0.1,
    lc_max_m: float = 10.0,
    parent_type: str = "spacecraft",
    seed: int | np.random.Generator | None = 0,
) -> BreakupFragments:
    """Draw fragment sizes, A/M, masses and delta-v from the NASA Standard Breakup Model.

    ``mass_kg`` is the collision mass ``M`` (see :func:`collision_mass_kg`; ignored for
    explosions), ``scale`` the explosion factor ``S``.  ``lc_min_m`` / ``lc_max_m``
    truncate the size power law (10 cm = the tracked population).
    """
    _check_kind(kind)
    if not (0 < lc_min_m < lc_max_m):
        raise InputError(f"need 0 < lc_min ({lc_min_m}) < lc_max ({lc_max_m}) m", field="lc_min_m")
    if kind == "collision" and mass_kg <= 0:
        raise InputError("a collision needs a positive mass", field="mass_kg")
    rng = seed if isinstance(seed, np.random.Generator) else np.random.default_rng(seed)
    beta = size_exponent(kind)
    n_expected = float(
        number_larger_than(lc_min_m, kind, mass_kg=mass_kg, scale=scale)
        - number_larger_than(lc_max_m, kind, mass_kg=mass_kg, scale=scale)
    )
    n = round(n_expected)
    # Truncated power law by inversion: F(L) = (a - L^-b) / (a - c), a = Lmin^-b, c = Lmax^-b.
    a, c = lc_min_m ** (-beta), lc_max_m ** (-beta)
    u = rng.random(n)
    lc = (a - u * (a - c)) ** (-1.0 / beta)

    p = am_parameters(lc, parent_type)
    z1, z2, zs = rng.standard_normal(n), rng.standard_normal(n), rng.standard_normal(n)
    first = rng.random(n) < p["alpha"]
    chi_large = np.where(first, p["mu1"] + p["sigma1"] * z1, p["mu2"] + p["sigma2"] * z2)
    chi_small = p["mu_soc"] + p["sigma_soc"] * zs
    w_large = np.clip((lc - 0.08) / 0.03, 0.0, 1.0)
    use_large = rng.random(n) < w_large
    chi = np.where(use_large, chi_large, chi_small)
    am = 10.0**chi
    area = area_from_lc_m2(lc)
    mass = area / am

    nu = dv_log10_mean(chi, kind) + DV_LOG10_SIGMA * rng.standard_normal(n)
    dv = 10.0**nu
    # Isotropic directions: normalised 3-D standard normals.
    d = rng.standard_normal((n, 3))
    d /= np.linalg.norm(d, axis=1, keepdims=True)
    return BreakupFragments(
        kind=kind,
        lc_m=lc,
        am_m2_kg=am,
        area_m2=np.asarray(area, dtype=np.float64),
        mass_kg=np.asarray(mass, dtype=np.float64),
        dv_m_s=dv,
        dv_dir=d,
        n_expected=n_expected,
    )


# ---------------------------------------------------------------------------
# State <-> elements
# ---------------------------------------------------------------------------
def kepler_from_state(r_km: npt.ArrayLike, v_km_s: npt.ArrayLike, mu: float = WGS72_MU_KM3_S2) -> dict[str, Array]:
    """Osculating two-body elements of states ``r_km``, ``v_km_s`` (``(..., 3)``).

    Returns ``a_km, e, i_rad, raan_rad, argp_rad, M_rad`` and the non-singular
    ``ex = e cos w``, ``ey = e sin w``, ``lam_rad = w + M`` (all shape ``(...)``).
    Vallado, Fundamentals, 4th ed., algorithm 9 (RV2COE); the node vector of an
    equatorial orbit falls back to the x axis.
    """
    r = np.asarray(r_km, dtype=np.float64)
    v = np.asarray(v_km_s, dtype=np.float64)
    rn = np.linalg.norm(r, axis=-1)
    v2 = np.sum(v * v, axis=-1)
    h = np.cross(r, v)
    hn = np.linalg.norm(h, axis=-1)
    a = 1.0 / (2.0 / rn - v2 / mu)
    evec = (np.cross(v, h) / mu) - r / rn[..., None]
    e = np.linalg.norm(evec, axis=-1)
    inc = np.arccos(np.clip(h[..., 2] / hn, -1.0, 1.0))
    node = np.stack([-h[..., 1], h[..., 0], np.zeros_like(hn)], axis=-1)
    nn = np.linalg.norm(node, axis=-1)
    node = np.where(nn[..., None] > 1e-12 * hn[..., None], node, np.array([1.0, 0.0, 0.0]))
    nn = np.linalg.norm(node, axis=-1)
    nhat = node / nn[..., None]
    raan = wrap_2pi(np.arctan2(nhat[..., 1], nhat[..., 0]))
    # In-plane axes: p = node direction, q = h x p / |h|.
    hhat = h / hn[..., None]
    q = np.cross(hhat, nhat)
    ex = np.sum(evec * nhat, axis=-1)
    ey = np.sum(evec * q, axis=-1)
    u = np.arctan2(np.sum(r * q, axis=-1), np.sum(r * nhat, axis=-1))  # argument of latitude
    argp = np.arctan2(ey, ex)
    nu = u - argp
    E = 2.0 * np.arctan2(np.sqrt(np.maximum(1.0 - e, 0.0)) * np.sin(nu / 2), np.sqrt(1.0 + e) * np.cos(nu / 2))
    M = E - e * np.sin(E)
    return {
        "a_km": a,
        "e": e,
        "i_rad": inc,
        "raan_rad": raan,
        "argp_rad": wrap_2pi(argp),
        "M_rad": wrap_2pi(M),
        "ex": ex,
        "ey": ey,
        "lam_rad": wrap_2pi(argp + M),
    }


def elements_from_state(
    r_km: npt.ArrayLike, v_km_s: npt.ArrayLike, mu: float = WGS72_MU_KM3_S2
) -> dict[str, Array]:
    """Osculating elements in TLE units: ``mean_motion_rev_per_day, eccentricity, *_deg``."""
    k = kepler_from_state(r_km, v_km_s, mu)
    return _tle_units(k["a_km"], k["ex"], k["ey"], k["i_rad"], k["raan_rad"], k["lam_rad"], mu=mu)


def _tle_units(a: Array, ex: Array, ey: Array, i: Array, raan: Array, lam: Array, *, mu: float) -> dict[str, Array]:
    e = np.hypot(ex, ey)
    argp = np.arctan2(ey, ex)
    return {
        "mean_motion_rev_per_day": mean_motion_rev_per_day(kepler_mean_motion_rad_s(a, mu)),
        "eccentricity": e,
        "inclination_deg": np.degrees(i),
        "raan_deg": wrap_360_deg(np.degrees(raan)),
        "arg_perigee_deg": wrap_360_deg(np.degrees(argp)),
        "mean_anomaly_deg": wrap_360_deg(np.degrees(lam - argp)),
    }


def bstar_from_am(am_m2_kg: npt.ArrayLike, cd: float = CD_DEFAULT) -> Any:
    """SGP4 drag term ``B* = Cd (A/M) rho0 / 2`` in 1/earth-radii (Vallado 4th ed. sec. 9.7)."""
    return cd * np.asarray(am_m2_kg, dtype=np.float64) * RHO0_KG_M2_ER / 2.0


def _table(
    norad: npt.NDArray[np.int64],
    epoch: np.datetime64,
    el: dict[str, Array],
    bstar: Array,
    names: list[str | None],
    cospar: list[str | None],
) -> ElementTable:
    n = norad.shape[0]
    zeros = np.zeros(n)
    return ElementTable(
        norad_id=norad,
        epoch=np.full(n, epoch, dtype=UTC_DTYPE),
        bstar_per_earth_radius=bstar,
        mean_motion_dot_rev_per_day2=zeros,
        mean_motion_ddot_rev_per_day3=zeros.copy(),
        names=np.array(names, dtype=object).reshape(n),
        cospar_ids=np.array(cospar, dtype=object).reshape(n),
        **el,  # type: ignore[arg-type]  # the float columns by name
    )


def fit_mean_elements(
    r_km: npt.ArrayLike,
    v_km_s: npt.ArrayLike,
    epoch: Any,
    *,
    bstar_per_earth_radius: npt.ArrayLike = 0.0,
    norad_ids: npt.ArrayLike | None = None,
    iterations: int = 10,
) -> tuple[ElementTable, Array]:
    """Approximate SGP4 mean elements whose state at ``epoch`` is the TEME state given.

    ``r_km``, ``v_km_s``: ``(N, 3)``.  Returns the table and the remaining position
    mismatch ``(N,)`` km after the last iteration (NaN where SGP4 failed).  See the
    module docstring for the method and its limits.
    """
    t0 = as_utc(epoch, what="epoch")
    r = np.atleast_2d(np.asarray(r_km, dtype=np.float64))
    v = np.atleast_2d(np.asarray(v_km_s, dtype=np.float64))
    n = r.shape[0]
    ids = np.arange(n, dtype=np.int64) if norad_ids is None else np.asarray(norad_ids, dtype=np.int64)
    bstar = np.broadcast_to(np.asarray(bstar_per_earth_radius, dtype=np.float64), (n,)).copy()
    mu = WGS72_MU_KM3_S2
    target = kepler_from_state(r, v, mu)
    keys = ("a_km", "ex", "ey", "i_rad", "raan_rad", "lam_rad")
    angles = {"raan_rad", "lam_rad"}
    cur = {k: target[k].copy() for k in keys}
    none_list: list[str | None] = [None] * n
    miss = np.full(n, np.nan)
    for _ in range(max(1, iterations)):
        el = _tle_units(cur["a_km"], cur["ex"], cur["ey"], cur["i_rad"], cur["raan_rad"], cur["lam_rad"], mu=mu)
        table = _table(ids, t0, el, bstar, none_list, none_list)
        eph = propagate(table, np.array([t0]))
        rs, vs = eph.r_km[:, 0, :], eph.v_km_s[:, 0, :]
        miss = np.linalg.norm(rs - r, axis=1)
        got = kepler_from_state(rs, vs, mu)
        ok = np.isfinite(miss)
        for k in keys:
            d = target[k] - got[k]
            if k in angles:
                d = wrap_pi(d)
            cur[k] = np.where(ok, cur[k] + d, cur[k])
        # Keep e < 1 and i in [0, pi].
        e_now = np.hypot(cur["ex"], cur["ey"])
        shrink = np.where(e_now > 0.99, 0.99 / np.maximum(e_now, 1e-300), 1.0)
        cur["ex"] = cur["ex"] * shrink
        cur["ey"] = cur["ey"] * shrink
        cur["i_rad"] = np.clip(cur["i_rad"], 0.0, np.pi)
    el = _tle_units(cur["a_km"], cur["ex"], cur["ey"], cur["i_rad"], cur["raan_rad"], cur["lam_rad"], mu=mu)
    table = _table(ids, t0, el, bstar, none_list, none_list)
    eph = propagate(table, np.array([t0]))
    miss = np.linalg.norm(eph.r_km[:, 0, :] - r, axis=1)
    return table, miss


@dataclass(frozen=True)
class SyntheticCloud:
    """A simulated breakup: the fragments' model draws and their SGP4 element sets.

    ``elements`` has one row per fragment whose mean-element fit succeeded (``kept``
    indexes those rows in ``fragments``); ``fit_miss_km`` is the position mismatch of
    each kept row at the epoch.
    """

    parent_norad: int
    epoch: np.datetime64
    kind: str
    mass_kg: float
    fragments: BreakupFragments
    elements: ElementTable
    kept: npt.NDArray[np.int64]
    fit_miss_km: Array
    parent_r_km: Array
    parent_v_km_s: Array

    def element_sets(self) -> list[ElementSet]:
        return [self.elements.element_set(i) for i in range(len(self.elements))]


def simulate_breakup(
    parent: ElementSet,
    epoch: Any,
    mass_kg: float,
    kind: Kind = "collision",
    *,
    seed: int | np.random.Generator | None = 0,
    lc_min_m: float = 0.1,
    lc_max_m: float = 10.0,
    parent_type: str = "spacecraft",
    projectile_mass_kg: float = 0.0,
    impact_speed_km_s: float | None = None,
    explosion_scale: float = 1.0,
    first_norad: int = ANALYST_NORAD_START,
    max_fragments: int = 20000,
) -> SyntheticCloud:
    """Break ``parent`` up at ``epoch``: a synthetic debris catalogue (SGP4 element sets).

    The parent's SGP4 state at ``epoch`` plus each fragment's delta-v (isotropic) is
    converted to approximate SGP4 mean elements (:func:`fit_mean_elements`), B* from
    the fragment's A/M.  Fragments whose orbit fails in SGP4 (e.g. perigee below the
    surface) are dropped; ``kept`` says which survived.
    """
    t0 = as_utc(epoch, what="epoch")
    if mass_kg <= 0 or not math.isfinite(mass_kg):
        raise InputError(f"mass must be positive, not {mass_kg} kg", field="mass_kg")
    _check_kind(kind)
    m_coll = collision_mass_kg(mass_kg, projectile_mass_kg, impact_speed_km_s) if kind == "collision" else 0.0
    frags = sample_fragments(
        kind,
        mass_kg=m_coll,
        scale=explosion_scale,
        lc_min_m=lc_min_m,
        lc_max_m=lc_max_m,
        parent_type=parent_type,
        seed=seed,
    )
    if len(frags) > max_fragments:
        raise InputError(
            f"{len(frags)} fragments exceed max_fragments={max_fragments}; raise lc_min_m",
            code="INPUT_TOO_MANY_FRAGMENTS",
            field="lc_min_m",
        )
    eph = propagate([parent], np.array([t0]))
    if eph.err[0, 0] != 0:
        raise PropagationError(
            f"SGP4 error {int(eph.err[0, 0])} for parent {parent.norad_id} at the breakup epoch",
            code="PROP_PARENT",
            record=parent.norad_id,
        )
    r0, v0 = eph.r_km[0, 0], eph.v_km_s[0, 0]
    n = len(frags)
    r = np.broadcast_to(r0, (n, 3))
    v = v0[None, :] + frags.dv_dir * (frags.dv_m_s[:, None] / 1000.0)
    ids = first_norad + np.arange(n, dtype=np.int64)
    table, miss = fit_mean_elements(r, v, t0, bstar_per_earth_radius=bstar_from_am(frags.am_m2_kg), norad_ids=ids)
    perigee_km = (
        kepler_semi_major_axis_km(mean_motion_rad_s(table.mean_motion_rev_per_day))
    ) * (1 - table.eccentricity) - WGS72_RADIUS_KM
    kept = np.flatnonzero(np.isfinite(miss) & (miss < 1.0) & (perigee_km > 100.0) & (table.eccentricity < 0.99))
    prefix = launch_prefix(parent.cospar_id)
    base_name = (parent.name or str(parent.norad_id)).strip()
    names: list[str | None] = [f"{base_name} SIM DEB"] * kept.size
    cospar: list[str | None] = [f"{prefix}{_piece_code(i)}" if prefix else None for i in range(kept.size)]
    sub = table.take(kept)
    out = ElementTable(
        **{
            **{f: getattr(sub, f) for f in sub.__dataclass_fields__},
            "names": np.array(names, dtype=object).reshape(kept.size),
            "cospar_ids": np.array(cospar, dtype=object).reshape(kept.size),
        }
    )
    return SyntheticCloud(
        parent_norad=parent.norad_id,
        epoch=t0,
        kind=kind,
        mass_kg=float(mass_kg),
        fragments=frags,
        elements=out,
        kept=kept.astype(np.int64),
        fit_miss_km=miss[kept],
        parent_r_km=np.asarray(r0, dtype=np.float64),
        parent_v_km_s=np.asarray(v0, dtype=np.float64),
    )


def launch_prefix(cospar: str | None) -> str | None:
    """``'1982-092A'`` or ``'82092A'`` -> ``'1982-092'``; None when unparseable."""
    if not cospar:
        return None
    s = cospar.strip().upper()
    if len(s) >= 8 and s[4] == "-" and s[:4].isdigit() and s[5:8].isdigit():
        return s[:8]
    if len(s) >= 5 and s[:5].isdigit():
        yy = int(s[:2])
        return f"{1900 + yy if yy >= 57 else 2000 + yy}-{s[2:5]}"
    return None


_LETTERS = "ABCDEFGHJKLMNPQRSTUVWXYZ"  # COSPAR piece letters skip I and O


def _piece_code(i: int) -> str:
    """Synthetic 3-letter piece code counting down from 'ZZZ' (real pieces count up from 'A').

    Fits the TLE's 3-character piece field; 13,824 codes.
    """
    k = (len(_LETTERS) ** 3 - 1 - i) % len(_LETTERS) ** 3
    a, rem = divmod(k, len(_LETTERS) ** 2)
    b, c = divmod(rem, len(_LETTERS))
    return _LETTERS[a] + _LETTERS[b] + _LETTERS[c]
