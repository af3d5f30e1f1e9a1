"""One close approach found by screening: the record :func:`orbitwatch.screening.screen` returns.

Kept apart from :mod:`orbitwatch.screening.screen` so that the co-moving exclusions
(:mod:`orbitwatch.screening.exclusions`) and the screen both use it without importing
each other.  The RIC frame is :func:`orbitwatch.frames.to_ric` (Vallado 2013, sec. 3.3).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np

from orbitwatch.times import format_utc

__all__ = ["Conjunction"]


@dataclass(frozen=True, slots=True)
class Conjunction:
    """One close approach.  Object 1 is the primary (or the lower catalog number).

    ``radial_km, in_track_km, cross_track_km``: object 2 relative to object 1 in object
    1's RIC frame at TCA.  ``approach_angle_deg``: angle between the two velocity
    vectors.  ``epoch_age_*_d``: TCA minus the element-set epoch, days.
    """

    norad_1: int
    name_1: str | None
    norad_2: int
    name_2: str | None
    tca: np.datetime64
    miss_distance_km: float
    relative_speed_km_s: float
    radial_km: float
    in_track_km: float
    cross_track_km: float
    approach_angle_deg: float
    epoch_age_1_d: float
    epoch_age_2_d: float

    @property
    def tca_utc(self) -> str:
        """TCA as ISO 8601 UTC with milliseconds."""
        return str(format_utc(self.tca, digits=3))

    def to_dict(self) -> dict[str, Any]:
        return {
            "norad_1": self.norad_1,
            "name_1": self.name_1,
            "norad_2": self.norad_2,
            "name_2": self.name_2,
            "tca_utc": self.tca_utc,
            "miss_distance_km": self.miss_distance_km,
            "relative_speed_km_s": self.relative_speed_km_s,
            "radial_km": self.radial_km,
            "in_track_km": self.in_track_km,
            "cross_track_km": self.cross_track_km,
            "approach_angle_deg": self.approach_angle_deg,
            "epoch_age_1_d": self.epoch_age_1_d,
            "epoch_age_2_d": self.epoch_age_2_d,
        }
