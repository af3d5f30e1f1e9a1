"""The points of a Gabbard diagram (drawn by :func:`orbitwatch.plots.plot_gabbard`).

A Gabbard diagram plots each fragment's apogee and perigee altitude against its
orbital period (Gabbard & Portnoy; see NASA ODPO, "History of On-Orbit Satellite
Fragmentations", 15th ed., sec. 1.3): right after a breakup the points form an "X"
centred on the parent's orbit; drag then pulls the low-perigee, high-A/M pieces down and
left.  Altitudes come from the Brouwer mean semi-major axis of the element sets
(:func:`orbitwatch.detection.elements.apogee_perigee_altitude_km`), so they are mean,
not osculating, values.

:func:`gabbard_points` is array core; the diagrams and the breakup-convergence plot are
drawn in :mod:`orbitwatch.plots`, the only module that imports matplotlib.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from orbitwatch.catalog.model import ElementTable
from orbitwatch.constants import period_min
from orbitwatch.detection.elements import apogee_perigee_altitude_km

__all__ = [
    "GabbardPoints",
    "gabbard_points",
]

Array = npt.NDArray[np.float64]


@dataclass(frozen=True)
class GabbardPoints:
    """Shapes ``(N,)``: period (min), apogee and perigee altitude (km), NORAD ids."""

    period_min: Array
    apogee_km: Array
    perigee_km: Array
    norad_id: npt.NDArray[np.int64]


def gabbard_points(table: ElementTable) -> GabbardPoints:
    """Period and mean apogee/perigee altitudes of each element set."""
    apo, per = apogee_perigee_altitude_km(table.mean_motion_rev_per_day, table.eccentricity, table.inclination_deg)
    return GabbardPoints(
        period_min=np.asarray(period_min(table.mean_motion_rev_per_day), dtype=np.float64),
        apogee_km=np.asarray(apo, dtype=np.float64),
        perigee_km=np.asarray(per, dtype=np.float64),
        norad_id=np.asarray(table.norad_id, dtype=np.int64),
    )


