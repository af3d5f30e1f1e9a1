"""A deterministic, clearly labelled synthetic population for offline demos.

When neither a live source nor a local catalog is available, ``orbitwatch demo``
still runs on this population: LEO constellation shells, sun-synchronous Earth
observation orbits, a MEO navigation constellation, the GEO belt and a debris band.
Every object is named ``SYNTH ...`` and numbered from :data:`SYNTHETIC_NORAD_BASE`
(nine-digit catalog numbers, which only OMM can carry: they can never be mistaken for
real objects).  The same ``seed`` and ``epoch`` always give the same element sets.

Mean motion comes from the two-body relation n = sqrt(mu / a^3) with WGS-72 constants
(the Kozai/Brouwer distinction is irrelevant for a synthetic population); the
sun-synchronous inclination from the J2 nodal rate (Vallado, *Fundamentals of
Astrodynamics and Applications*, 4th ed., eq. 9-43).
"""

from __future__ import annotations

import math

import numpy as np

from orbitwatch.catalog.model import ElementSet
from orbitwatch.constants import WGS72_J2, WGS72_MU_KM3_S2, WGS72_RADIUS_KM

__all__ = ["SYNTHETIC_NORAD_BASE", "mean_motion_rev_per_day", "sun_synchronous_inclination_deg",
           "synthetic_population"]

SYNTHETIC_NORAD_BASE = 800_000_000
_EARTH_MEAN_MOTION_AROUND_SUN_RAD_S = 2.0 * math.pi / (365.2421897 * 86400.0)


def mean_motion_rev_per_day(altitude_km: float) -> float:
    """Two-body mean motion of a circular orbit at ``altitude_km`` above the WGS-72 radius."""
    a_km = WGS72_RADIUS_KM + altitude_km
    return math.sqrt(WGS72_MU_KM3_S2 / a_km**3) * 86400.0 / (2.0 * math.pi)


def sun_synchronous_inclination_deg(altitude_km: float, eccentricity: float = 0.0) -> float:
    """Inclination whose J2 nodal regression matches the Sun's mean motion (Vallado eq. 9-43)."""
    a_km = WGS72_RADIUS_KM + altitude_km
    n_rad_s = math.sqrt(WGS72_MU_KM3_S2 / a_km**3)
    p_km = a_km * (1.0 - eccentricity**2)
    cos_i = -_EARTH_MEAN_MOTION_AROUND_SUN_RAD_S / (1.5 * n_rad_s * WGS72_J2 * (WGS72_RADIUS_KM / p_km) ** 2)
    return math.degrees(math.acos(cos_i))


def synthetic_population(epoch: np.datetime64, *, seed: int = 0, scale: int = 1) -> list[ElementSet]:
    """About ``1,000 x scale`` synthetic element sets at ``epoch`` (UTC ``datetime64[us]``)."""
    rng = np.random.default_rng(seed)
    out: list[ElementSet] = []

    def add(name: str, alt_km: float, ecc: float, inc: float, *, raan: float, argp: float, ma: float,
            bstar: float) -> None:
        out.append(
            ElementSet(
                norad_id=SYNTHETIC_NORAD_BASE + len(out) + 1,
                epoch=epoch,
                mean_motion_rev_per_day=mean_motion_rev_per_day(alt_km),
                eccentricity=ecc,
                inclination_deg=inc,
                raan_deg=raan % 360.0,
                arg_perigee_deg=argp % 360.0,
                mean_anomaly_deg=ma % 360.0,
                bstar_per_earth_radius=bstar,
                name=name,
                cospar_id=None,
                source="synthetic",
            )
        )

    # Walker-like LEO shells: (altitude km, inclination deg, planes, per plane, label).
    shells = [(550.0, 53.0, 20, 20, "LEO53"), (1200.0, 87.9, 12, 10, "LEO88")]
    for alt, inc, planes, per_plane, label in shells:
        for p in range(planes * scale):
            for s in range(per_plane):
                add(f"SYNTH {label} P{p + 1:02d}-S{s + 1:02d}", alt, 0.0001, inc,
                    raan=360.0 * p / (planes * scale), argp=90.0,
                    ma=360.0 * s / per_plane + 180.0 * p / (planes * scale * per_plane), bstar=1e-5)
    # Sun-synchronous Earth observation satellites.
    for k in range(60 * scale):
        alt = float(rng.uniform(480.0, 820.0))
        add(f"SYNTH SSO {k + 1:03d}", alt, float(rng.uniform(1e-4, 2e-3)),
            sun_synchronous_inclination_deg(alt), raan=float(rng.uniform(0, 360)), argp=float(rng.uniform(0, 360)),
            ma=float(rng.uniform(0, 360)), bstar=2e-5)
    # MEO navigation: three planes of eight at 20,180 km, 55 deg.
    for p in range(3):
        for s in range(8):
            add(f"SYNTH NAV P{p + 1}-S{s + 1}", 20180.0, 0.002, 55.0, raan=120.0 * p, argp=0.0,
                ma=45.0 * s + 15.0 * p, bstar=0.0)
    # GEO belt: longitudes spread around the ring (mean anomaly sets the longitude at epoch).
    for k in range(80 * scale):
        add(f"SYNTH GEO {k + 1:03d}", 35786.0, float(rng.uniform(1e-4, 5e-4)),
            float(rng.uniform(0.0, 0.1)), raan=float(rng.uniform(0, 360)), argp=float(rng.uniform(0, 360)),
            ma=float(rng.uniform(0, 360)), bstar=0.0)
    # Debris band from an imagined breakup near 850 km, 98.8 deg.
    for k in range(300 * scale):
        add(f"SYNTH DEB {k + 1:04d}", float(rng.normal(850.0, 40.0)), float(rng.uniform(1e-3, 2e-2)),
            float(rng.normal(98.8, 0.3)), raan=float(rng.normal(40.0, 2.0)), argp=float(rng.uniform(0, 360)),
            ma=float(rng.uniform(0, 360)), bstar=float(rng.uniform(5e-5, 5e-4)))
    return out
