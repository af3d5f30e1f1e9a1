"""RPO pairs: classification before ranking, releases, and the uncertainty of a minimum range.

Used by :func:`orbitwatch.detection.proximity.monitor_rpo` (docs/rpo.md).

**Classes** (first that applies, :data:`PAIR_CLASSES`):

* ``docked`` — the two latest element sets carry the same mean elements (a servicer attached
  to its client is published with the client's elements), or a sustained stay whose mean
  range is under 1 km;
* ``same_launch`` — the same international designator launch (``YYYY-NNN``): a formation,
  a deployment, or a ``release`` (below);
* ``same_owner_colocation`` — both owners known (SATCAT ``owner``, given by the caller) and
  equal: in GEO, an operator's satellites sharing a slot; elsewhere after ``constellation``;
* ``constellation`` (not GEO) — the same name family (the name without its serial number,
  ``STARLINK-1007`` -> ``STARLINK``);
* ``other`` — everything else: the pairs an analyst looks at first.

Metadata is grouping and display only: no episode is found or dropped by owner.

**Release** (``same_launch`` only): the object catalogued later (higher NORAD id) left the
other one when the two orbits, carried back with SGP4, meet: the per-revolution maximum of
their range (the envelope of the relative motion) has a V-shaped minimum, and the range
grows from it to the present.  The estimated release epoch is the bottom of the V; its
interval is where the envelope stays within twice its minimum (at least one revolution).

**Range uncertainty**: each object's position error at the time of the minimum from the TLE
error model of :mod:`orbitwatch.risk.covariance` (fitted from the scatter of the object's
successive element sets when its history has enough of them, else the documented default),
at the age of the element set in force; the two RIC sigmas are projected on the line of
sight and added in quadrature: ``sigma_range^2 = sum_k (u . e_k)^2 sigma_k^2`` over both
objects.  One sigma; near zero range the range is not Gaussian (``docs/rpo.md``).
"""

from __future__ import annotations

import math
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import numpy.typing as npt

from orbitwatch.catalog.model import ElementTable
from orbitwatch.constants import SECONDS_PER_DAY
from orbitwatch.constants import period_s as orbital_period_s
from orbitwatch.frames import ric_basis
from orbitwatch.propagation import satrec_from_elements
from orbitwatch.risk.covariance import default_sigma_ric_km, default_uncertainty, estimate_tle_uncertainty
from orbitwatch.times import US_PER_DAY, UTC_DTYPE, format_utc, jd_utc

__all__ = [
    "PAIR_CLASSES",
    "RPOPair",
    "name_family",
    "release_epoch",
    "same_elements",
]

PAIR_CLASSES = ("docked", "same_launch", "same_owner_colocation", "constellation", "other")
_US_DAY = US_PER_DAY
_FAMILY_RE = re.compile(r"[\s\-_/]*[\(\[]?[A-Z]?\d+[A-Z]?[\)\]]?$")


def name_family(name: str | None) -> str | None:
    """``'STARLINK-1007'`` -> ``'STARLINK'``, ``'FLOCK 4P-12'`` -> ``'FLOCK 4P'``, ``'COSMOS 2542'`` ->
    ``'COSMOS'``; None for an empty name.  Trailing serials are stripped repeatedly."""
    s = str(name or "").upper().strip()
    if not s:
        return None
    prev = None
    while prev != s:
        prev = s
        s = _FAMILY_RE.sub("", s).strip()
    return s or None


def same_elements(table: ElementTable, a: int, b: int) -> bool:
    """Rows ``a`` and ``b`` carry the same epoch and mean elements (a docked pair)."""
    cols = ("mean_motion_rev_per_day", "eccentricity", "inclination_deg", "raan_deg", "arg_perigee_deg",
            "mean_anomaly_deg")
    def same(c: str) -> bool:
        x, y = float(getattr(table, c)[a]), float(getattr(table, c)[b])
        return abs(x - y) <= 1e-9 * max(1.0, abs(x))

    return bool(table.epoch[a] == table.epoch[b] and all(same(c) for c in cols))


@dataclass(frozen=True)
class RPOPair:
    """One pair, reported once, with its class and all its episodes (best score first)."""

    norad_1: int
    norad_2: int
    name_1: str | None
    name_2: str | None
    owner_1: str | None
    owner_2: str | None
    classification: str
    detail: str
    score: float
    episodes: tuple[Any, ...]  # RPOEpisode
    release: dict[str, Any] | None = None
    extra: dict[str, Any] = field(default_factory=dict)

    @property
    def min_range_km(self) -> float:
        vals = [e.min_range_km for e in self.episodes if math.isfinite(e.min_range_km)]
        return min(vals) if vals else math.nan

    def to_dict(self) -> dict[str, Any]:
        best = min((e for e in self.episodes if math.isfinite(e.min_range_km)), key=lambda e: e.min_range_km,
                   default=None)
        sig = None if best is None or not math.isfinite(best.min_range_sigma_km) else round(best.min_range_sigma_km, 3)
        return {
            "norad_1": self.norad_1,
            "norad_2": self.norad_2,
            "name_1": self.name_1,
            "name_2": self.name_2,
            "owner_1": self.owner_1,
            "owner_2": self.owner_2,
            "classification": self.classification,
            "classification_detail": self.detail,
            "score": round(self.score, 3),
            "min_range_km": None if best is None else round(best.min_range_km, 3),
            "min_range_uncertainty_km": sig,
            "min_range_utc": None if best is None else str(format_utc(best.min_range_time, digits=0)),
            "release": self.release,
            "episodes": [e.to_dict() for e in self.episodes],
        }


def _state(table: ElementTable, row: int, t: np.datetime64) -> tuple[npt.NDArray[np.float64], npt.NDArray[np.float64]]:
    sat = satrec_from_elements(
        int(table.norad_id[row]), table.epoch[row], float(table.mean_motion_rev_per_day[row]),
        float(table.eccentricity[row]), float(table.inclination_deg[row]), float(table.raan_deg[row]),
        float(table.arg_perigee_deg[row]), float(table.mean_anomaly_deg[row]),
        float(table.bstar_per_earth_radius[row]), float(table.mean_motion_dot_rev_per_day2[row]),
        float(table.mean_motion_ddot_rev_per_day3[row]),
    )
    jd, fr = jd_utc(np.array([t], dtype=UTC_DTYPE))
    e, r, v = sat.sgp4_array(np.asarray(jd, dtype=np.float64), np.asarray(fr, dtype=np.float64))
    if int(e[0]) != 0:
        return np.full(3, np.nan), np.full(3, np.nan)
    return np.asarray(r[0], dtype=np.float64), np.asarray(v[0], dtype=np.float64)


class RangeSigma:
    """One-sigma uncertainty of SGP4 ranges from the TLE error model (module docstring), cached per row."""

    def __init__(self, table: ElementTable, slices: Mapping[int, slice]) -> None:
        self.table = table
        self.slices = slices
        self._models: dict[int, Any] = {}

    def _row_at(self, norad: int, t: np.datetime64) -> int:
        sl = self.slices[norad]
        k = int(np.searchsorted(self.table.epoch[sl], t, side="right")) - 1
        return sl.start + min(max(k, 0), sl.stop - sl.start - 1)

    def model(self, norad: int, row: int) -> Any:
        m = self._models.get(row)
        if m is None:
            sl = self.slices[norad]
            sets = [self.table.element_set(i) for i in range(sl.start, row + 1)]
            try:
                m = estimate_tle_uncertainty(sets) if len(sets) > 1 else default_uncertainty(sets[-1])
            except Exception:  # a failed fit falls back to the documented default
                m = default_uncertainty(sets[-1])
            self._models[row] = m
        return m

    def sigma_km(self, norad_1: int, norad_2: int, t: np.datetime64) -> tuple[float, str]:
        """(sigma of the range at ``t``, which models were used)."""
        parts = []
        states = []
        for nid in (norad_1, norad_2):
            row = self._row_at(nid, t)
            r, v = _state(self.table, row, t)
            m = self.model(nid, row)
            age = abs(float((t - self.table.epoch[row]).astype("timedelta64[us]").astype(np.int64))) / _US_DAY
            states.append((r, v, np.asarray(m.sigma_ric_km(age), dtype=np.float64).reshape(3)))
            parts.append(f"{nid}: {m.source}" + (f" ({m.n_pairs} pairs)" if m.source == "history" else ""))
        (r1, v1, s1), (r2, v2, s2) = states
        d = r2 - r1
        rng = float(np.linalg.norm(d))
        if not math.isfinite(rng):
            return math.nan, "; ".join(parts)
        u = d / rng if rng > 0 else np.array([1.0, 0.0, 0.0])
        var = 0.0
        for r, v, s in ((r1, v1, s1), (r2, v2, s2)):
            basis = ric_basis(r, v)  # rows R, I, C
            var += float(np.sum((basis @ u) ** 2 * s**2))
        return math.sqrt(var), "; ".join(parts)


def release_epoch(table: ElementTable, row_1: int, row_2: int, *, back_days: float = 60.0,
                  not_before: np.datetime64 | None = None, step_s: float = 60.0) -> dict[str, Any]:
    """When the later-catalogued object ``row_2`` may have left ``row_1`` (module docstring).

    Both latest sets are carried back with SGP4 from the later epoch for ``back_days`` (not
    before ``not_before``, e.g. the launch); every close pass (a local minimum of the range
    within one period either side, under a tenth of the median range) is a candidate.  The
    release is *determined* only when the closest pass is under half the next closest; else
    the interval is the whole search (a pair that manoeuvred after the release passes close
    every synodic period and no pass is the release).
    """
    t_end = max(table.epoch[row_1], table.epoch[row_2]).astype(UTC_DTYPE)
    t_start = t_end - np.timedelta64(int(back_days * _US_DAY), "us")
    if not_before is not None and not_before > t_start:
        t_start = not_before.astype(UTC_DTYPE)
    n = max(2, int((t_end - t_start).astype(np.int64) // int(step_s * 1e6)) + 1)
    times = t_start + (np.arange(n, dtype=np.int64) * int(step_s * 1e6)).astype("timedelta64[us]")
    jd, fr = jd_utc(times)
    pos = []
    for row in (row_1, row_2):
        sat = satrec_from_elements(
            int(table.norad_id[row]), table.epoch[row], float(table.mean_motion_rev_per_day[row]),
            float(table.eccentricity[row]), float(table.inclination_deg[row]), float(table.raan_deg[row]),
            float(table.arg_perigee_deg[row]), float(table.mean_anomaly_deg[row]),
            float(table.bstar_per_earth_radius[row]), float(table.mean_motion_dot_rev_per_day2[row]),
            float(table.mean_motion_ddot_rev_per_day3[row]),
        )
        e, r, _ = sat.sgp4_array(np.asarray(jd, dtype=np.float64), np.asarray(fr, dtype=np.float64))
        r = np.asarray(r, dtype=np.float64)
        r[np.asarray(e) != 0] = np.nan
        pos.append(r)
    rng = np.linalg.norm(pos[1] - pos[0], axis=1)
    z = np.where(np.isfinite(rng), rng, np.inf)
    period_s = float(orbital_period_s(table.mean_motion_rev_per_day[row_1]))
    w = max(1, round(period_s / step_s))
    med = float(np.nanmedian(rng)) if np.any(np.isfinite(rng)) else math.nan
    cand: list[int] = []
    for k in range(n):
        lo, hi = max(0, k - w), min(n, k + w + 1)
        if (math.isfinite(z[k]) and z[k] <= z[lo:hi].min() and z[k] < 0.1 * med
                and (not cand or k - cand[-1] > w)):
            cand.append(k)
    out: dict[str, Any] = {
        "released_norad": int(table.norad_id[row_2]),
        "carrier_norad": int(table.norad_id[row_1]),
        "searched_utc": {"start": str(format_utc(t_start, digits=0)), "end": str(format_utc(t_end, digits=0))},
        "method": "SGP4 back-propagation of both latest sets; close passes (local minima of the range)",
        "candidate_passes": [{"utc": str(format_utc(times[k], digits=0)), "range_km": round(float(z[k]), 1)}
                             for k in cand[:50]],
    }
    if not cand:
        out.update(release_epoch_utc=None, determined=False, closest_pass_km=None,
                   interval_utc=dict(out["searched_utc"]))
        return out
    order = sorted(cand, key=lambda k: z[k])
    best = order[0]
    determined = len(order) == 1 or z[best] < 0.5 * z[order[1]]
    if determined:
        # Timing error: the in-track errors of both sets carried back to the pass (TLE default
        # model) over the rate at which the two separate in the day after it.
        age = float((t_end - times[best]).astype(np.int64)) / _US_DAY
        sig = default_sigma_ric_km(table.mean_motion_rev_per_day[[row_1, row_2]], np.array([age, age]))
        sep_km = float(np.hypot(sig[0, 1], sig[1, 1]))
        day = min(n, best + max(2, round(SECONDS_PER_DAY / step_s)))
        rate = max(float(np.nanmax(z[best:day][np.isfinite(z[best:day])], initial=0.0)) - float(z[best]), 1e-3)
        half_us = int(max(period_s, sep_km / rate * SECONDS_PER_DAY) * 1e6)
        a_t = max(t_start, times[best] - np.timedelta64(half_us, "us"))
        b_t = min(t_end, times[best] + np.timedelta64(half_us, "us"))
        interval = {"start": str(format_utc(a_t, digits=0)), "end": str(format_utc(b_t, digits=0))}
        out["note"] = "assumes neither object manoeuvred after the release (a burn moves the pass)"
    else:
        interval = dict(out["searched_utc"])
    out.update(release_epoch_utc=str(format_utc(times[best], digits=0)), determined=bool(determined),
               closest_pass_km=round(float(z[best]), 1), interval_utc=interval)
    return out
