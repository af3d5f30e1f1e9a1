"""Orbit-geometry prefilters: perigee/apogee shells and constellation groups.

The apogee-perigee filter is the first of Hoots, Crawford & Roehrich (1984), "An
analytic method to determine future close approaches between satellites", Celestial
Mechanics 33: two objects can only come within ``D`` of each other if their radial
shells ``[r_perigee, r_apogee]``, each widened by ``D``, overlap.  Here the shells come
from the SGP4 mean elements (``a = (μ / n²)^(1/3)``) widened by a pad that covers the
short-period J2 variation of the osculating radius (< 20 km in LEO) and a day of drag
decay with a wide margin, and are then united with the radii actually sampled by SGP4
over the window (see :func:`shell_bounds_km`), so decaying objects stay in.

Constellation groups implement the "same constellation" exclusion: payloads whose name
starts with a known constellation prefix (``STARLINK``, ``ONEWEB`` ...) share a group id;
debris and rocket bodies never belong to a group (``IRIDIUM 33 DEB`` is not an Iridium
satellite).
"""

from __future__ import annotations

import re
from collections.abc import Sequence

import numpy as np
import numpy.typing as npt

from orbitwatch.catalog.model import ElementTable, infer_object_type
from orbitwatch.constants import WGS72_MU_KM3_S2, kepler_semi_major_axis_km, mean_motion_rad_s
from orbitwatch.constants import period_s as _period_s

__all__ = [
    "CONSTELLATION_PREFIXES",
    "constellation_groups",
    "mean_shells_km",
    "period_s",
    "radial_accel_bound_km_s2",
    "shells_overlap",
]

FloatArray = npt.NDArray[np.float64]

#: name prefixes of the large constellations (CelesTrak's GP groups)
CONSTELLATION_PREFIXES: tuple[str, ...] = (
    "STARLINK", "ONEWEB", "KUIPER", "QIANFAN", "GUOWANG", "HULIANWANG", "IRIDIUM", "GLOBALSTAR",
    "ORBCOMM", "O3B", "FLOCK", "LEMUR", "SPACEBEE", "YAOGAN", "GPS", "GALILEO", "BEIDOU", "GLONASS",
    "TIANQI", "JILIN", "SKYSAT",
)

#: pad on mean-element shells, km: short-period J2 radius terms (< 20 km) + margin
SHELL_PAD_KM = 50.0


def period_s(table: ElementTable) -> FloatArray:
    """Orbital period from the mean motion, ``(N,)`` seconds."""
    out: FloatArray = _period_s(table.mean_motion_rev_per_day)
    return out


def mean_shells_km(table: ElementTable) -> tuple[FloatArray, FloatArray]:
    """Perigee and apogee radii ``(N,)`` km from the mean elements, padded by :data:`SHELL_PAD_KM`."""
    n_rad_s = mean_motion_rad_s(table.mean_motion_rev_per_day)
    a = kepler_semi_major_axis_km(np.where(n_rad_s > 0, n_rad_s, np.nan))
    e = np.asarray(table.eccentricity, dtype=np.float64)
    lo = a * (1.0 - e) - SHELL_PAD_KM
    hi = a * (1.0 + e) + SHELL_PAD_KM
    return np.where(np.isfinite(lo), lo, 0.0), np.where(np.isfinite(hi), hi, np.inf)


def shells_overlap(
    lo: FloatArray, hi: FloatArray, of: npt.NDArray[np.bool_], threshold_km: float
) -> npt.NDArray[np.bool_]:
    """Objects whose shell ``[lo, hi]`` comes within ``threshold_km`` of the shell of any object in ``of``.

    ``lo, hi (N,)`` km, ``of (N,)`` mask (e.g. the primaries) -> ``(N,)`` mask.  Runs in
    ``O(N log N)`` by merging the shells of ``of`` into disjoint intervals.
    """
    if not of.any():
        return np.zeros(lo.shape, dtype=bool)
    plo = lo[of] - threshold_km
    phi = hi[of] + threshold_km
    order = np.argsort(plo)
    plo, phi = plo[order], phi[order]
    merged_lo = [float(plo[0])]
    merged_hi = [float(phi[0])]
    for a, b in zip(plo[1:].tolist(), phi[1:].tolist(), strict=True):
        if a <= merged_hi[-1]:
            merged_hi[-1] = max(merged_hi[-1], b)
        else:
            merged_lo.append(a)
            merged_hi.append(b)
    mlo = np.array(merged_lo)
    mhi = np.array(merged_hi)
    # the last merged interval starting at or below each object's apogee
    k = np.searchsorted(mlo, hi, side="right") - 1
    ok = k >= 0
    out = np.zeros(lo.shape, dtype=bool)
    out[ok] = mhi[k[ok]] >= lo[ok]
    return out


def radial_accel_bound_km_s2(table: ElementTable) -> FloatArray:
    """Bound on each object's radial acceleration ``|d²|r|/dt²|`` over its orbit, ``(N,)`` km/s².

    Two-body: ``r̈ = μ/r² (p/r − 1)`` with ``p/r`` within ``1 ± e``, so ``|r̈| <= μ e / r_p²``.
    The osculating eccentricity is taken as the mean one + 0.002 (J2 short-period terms
    are ~1e-3), the perigee 50 km low, and 5e-5 km/s² is added for J2 (1.5e-5), drag and
    SGP4's departures from two-body motion.
    """
    a = kepler_semi_major_axis_km(mean_motion_rad_s(table.mean_motion_rev_per_day))
    e = np.minimum(np.asarray(table.eccentricity, dtype=np.float64) + 0.002, 1.0)
    rp = np.maximum(np.where(np.isfinite(a), a * (1.0 - e) - SHELL_PAD_KM, 0.0), 6000.0)
    return WGS72_MU_KM3_S2 * e / rp**2 + 5e-5


_PREFIX_RE = re.compile(r"[A-Z0-9]+")


def constellation_groups(
    names: Sequence[str | None] | npt.NDArray[np.object_],
    prefixes: Sequence[str] = CONSTELLATION_PREFIXES,
) -> npt.NDArray[np.int64]:
    """Group id per object ``(N,)``: index of its constellation prefix, or -1.

    A payload belongs to a group when the first word of its name (letters and digits,
    e.g. ``STARLINK`` in ``STARLINK-1007``) equals a prefix.
    """
    index = {p.upper(): k for k, p in enumerate(prefixes)}
    out = np.full(len(names), -1, dtype=np.int64)
    for m, name in enumerate(names):
        if not name:
            continue
        upper = str(name).upper().strip()
        word = _PREFIX_RE.match(upper)
        if word is None:
            continue
        k = index.get(word.group(0))
        if k is None:
            # names like "ONEWEB-0012" or "FLOCK 4P-1": the alphabetic head of the first word
            head = re.match(r"[A-Z]+", word.group(0))
            k = index.get(head.group(0)) if head else None
        if k is not None and infer_object_type(upper) == "PAYLOAD":
            out[m] = k
    return out
