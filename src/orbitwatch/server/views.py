"""Library records as the service's JSON (field names with units, as the CLI's JSON)."""

from __future__ import annotations

import math
from typing import Any

from orbitwatch.api import ElementSet, OrbitwatchError, format_tle, format_utc

__all__ = ["element_set_dict", "finite"]


def finite(x: float | None) -> float | None:
    return None if x is None or not math.isfinite(float(x)) else float(x)


def element_set_dict(es: ElementSet) -> dict[str, Any]:
    line1: str | None
    line2: str | None
    try:
        line1, line2 = format_tle(es)
    except OrbitwatchError:  # a catalog number or value a TLE cannot hold
        line1 = line2 = None
    return {
        "norad_id": es.norad_id,
        "name": es.name,
        "cospar_id": es.cospar_id,
        "epoch_utc": str(format_utc(es.epoch, digits=6)),
        "mean_motion_rev_per_day": es.mean_motion_rev_per_day,
        "eccentricity": es.eccentricity,
        "inclination_deg": es.inclination_deg,
        "raan_deg": es.raan_deg,
        "arg_perigee_deg": es.arg_perigee_deg,
        "mean_anomaly_deg": es.mean_anomaly_deg,
        "bstar_per_earth_radius": es.bstar_per_earth_radius,
        "mean_motion_dot_rev_per_day2": es.mean_motion_dot_rev_per_day2,
        "mean_motion_ddot_rev_per_day3": es.mean_motion_ddot_rev_per_day3,
        "element_set_no": es.element_set_no,
        "rev_at_epoch": es.rev_at_epoch,
        "source": es.source,
        "tle_line1": line1,
        "tle_line2": line2,
    }
