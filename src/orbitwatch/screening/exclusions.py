"""Default exclusions of a conjunction screen: docked and co-moving pairs, counted.

A screen of the ISS over a week finds, besides its real conjunctions, one "approach"
per orbit with every vehicle docked to it: Space-Track publishes docked vehicles with
the station's own (or one shared) element set, so SGP4 puts them metres apart at a
relative speed of zero.  Formation flyers (tandem missions, freshly deployed clusters)
behave alike.  CelesTrak SOCRATES and operational screening services do not report such
pairs; neither does orbitwatch by default.  A conjunction is *excluded* when

* ``identical``: the two objects' element sets have the same epoch and mean elements
  (mean motion, eccentricity, inclination, RAAN, argument of perigee, mean anomaly), the
  way docked vehicles are published; or
* ``co_moving``: the relative speed at TCA is below :data:`CO_MOVING_MIN_SPEED_KM_S`
  (10 m/s), the one default of every command that screens (``screen``, ``demo``,
  ``breakup risk``).  At 10 m/s two objects need 100 s to change their separation by
  1 km: not an encounter but station-keeping or formation flight.

Excluded records are kept (:class:`Exclusions`), counted by reason, and a command's
``--include-co-moving`` brings them back.  Reasons are checked in the order above; a
docked pair at zero speed counts as ``identical``.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import numpy.typing as npt

from orbitwatch.catalog.model import ElementTable
from orbitwatch.errors import InputError
from orbitwatch.screening.conjunction import Conjunction

__all__ = [
    "CO_MOVING_MIN_SPEED_KM_S",
    "REASON_CO_MOVING",
    "REASON_IDENTICAL",
    "Exclusions",
    "identical_element_sets",
    "split_co_moving",
]

#: Approaches slower than this (km/s) are co-moving, not conjunctions: 10 m/s.
CO_MOVING_MIN_SPEED_KM_S = 0.010
REASON_IDENTICAL = "identical"
REASON_CO_MOVING = "co_moving"

#: the columns that make two element sets "the same orbit"
_ORBIT_COLUMNS = ("epoch", "mean_motion_rev_per_day", "eccentricity", "inclination_deg", "raan_deg",
                  "arg_perigee_deg", "mean_anomaly_deg")


@dataclass(frozen=True)
class Exclusions:
    """The records left out by :func:`split_co_moving`, each with its reason.

    ``reasons[k]`` is :data:`REASON_IDENTICAL` or :data:`REASON_CO_MOVING` for
    ``conjunctions[k]``; ``min_speed_km_s`` the threshold used.
    """

    conjunctions: list[Conjunction] = field(default_factory=list)
    reasons: list[str] = field(default_factory=list)
    min_speed_km_s: float = CO_MOVING_MIN_SPEED_KM_S

    @property
    def counts(self) -> dict[str, int]:
        """Records per reason (both reasons always present)."""
        c = Counter(self.reasons)
        return {REASON_IDENTICAL: c[REASON_IDENTICAL], REASON_CO_MOVING: c[REASON_CO_MOVING]}

    @property
    def pairs(self) -> int:
        """Distinct object pairs among the excluded records."""
        return len({(c.norad_1, c.norad_2) for c in self.conjunctions})

    def summary(self) -> str:
        """One line for an operator: how many were left out, and why."""
        n = len(self.conjunctions)
        if n == 0:
            return "no docked or co-moving pairs excluded"
        c = self.counts
        return (
            f"excluded {n} record(s) of {self.pairs} pair(s): {c[REASON_IDENTICAL]} with identical element sets "
            f"(docked), {c[REASON_CO_MOVING]} slower than {self.min_speed_km_s * 1000:g} m/s (co-moving); "
            "--include-co-moving shows them"
        )

    def to_dict(self) -> dict[str, Any]:
        return {"records": len(self.conjunctions), "pairs": self.pairs, "min_speed_km_s": self.min_speed_km_s,
                **self.counts}


def identical_element_sets(
    table: ElementTable, rows_1: npt.ArrayLike, rows_2: npt.ArrayLike
) -> npt.NDArray[np.bool_]:
    """True where rows ``rows_1[k]`` and ``rows_2[k]`` of ``table`` hold the same orbit.

    Same epoch and the same six mean elements, exactly (as published, e.g. docked
    vehicles carrying the station's set).  Shapes ``(M,)`` in, ``(M,)`` out.
    """
    a = np.asarray(rows_1, dtype=np.intp)
    b = np.asarray(rows_2, dtype=np.intp)
    same = np.ones(a.shape, dtype=bool)
    for name in _ORBIT_COLUMNS:
        col = getattr(table, name)
        same &= col[a] == col[b]
    return same


def split_co_moving(
    conjunctions: Sequence[Conjunction],
    table: ElementTable,
    min_speed_km_s: float = CO_MOVING_MIN_SPEED_KM_S,
) -> tuple[list[Conjunction], Exclusions]:
    """Split screened records into (kept, :class:`Exclusions`) by the module's rules.

    ``table`` is the element table that was screened (one row per NORAD id).  Order is
    preserved in both parts.  Raises :class:`InputError` ``INPUT_INVALID`` for a
    negative or non-finite ``min_speed_km_s`` and ``INPUT_UNKNOWN_NORAD`` when a
    record's object is not in ``table``.
    """
    if not (np.isfinite(min_speed_km_s) and min_speed_km_s >= 0):
        raise InputError(f"minimum relative speed must be >= 0 km/s, not {min_speed_km_s}",
                         code="INPUT_INVALID", field="min_relative_speed_km_s")
    if not conjunctions:
        return [], Exclusions(min_speed_km_s=float(min_speed_km_s))
    index = {int(n): k for k, n in enumerate(table.norad_id.tolist())}
    try:
        r1 = np.array([index[c.norad_1] for c in conjunctions], dtype=np.intp)
        r2 = np.array([index[c.norad_2] for c in conjunctions], dtype=np.intp)
    except KeyError as exc:
        raise InputError(f"object {exc.args[0]} of a conjunction is not in the element table",
                         code="INPUT_UNKNOWN_NORAD", field="norad") from None
    identical = identical_element_sets(table, r1, r2)
    speed = np.array([c.relative_speed_km_s for c in conjunctions])
    slow = speed < min_speed_km_s
    kept: list[Conjunction] = []
    out: list[Conjunction] = []
    reasons: list[str] = []
    for c, same, s in zip(conjunctions, identical.tolist(), slow.tolist(), strict=True):
        if same:
            out.append(c)
            reasons.append(REASON_IDENTICAL)
        elif s:
            out.append(c)
            reasons.append(REASON_CO_MOVING)
        else:
            kept.append(c)
    return kept, Exclusions(out, reasons, float(min_speed_km_s))
