"""Ephemerides over an element-set history: each time from the set in force at that time.

The rule of which set is in force is :mod:`orbitwatch.catalog.history` (latest set at or
before the time, a later one where the earlier is stale); the states are
:func:`orbitwatch.propagation.ephemeris_in_frame` (SGP4, Vallado et al. 2006 "Revisiting
Spacetrack Report #3", then the frame).  It sits above both so that ``catalog`` never
imports ``propagation`` (which imports ``catalog``).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np
import numpy.typing as npt

from orbitwatch.catalog.history import in_force_index
from orbitwatch.catalog.model import ElementSet, ElementTable
from orbitwatch.propagation import FrameEphemeris, ephemeris_in_frame

__all__ = ["ephemeris_over_history"]


def ephemeris_over_history(
    history: Sequence[ElementSet], times: npt.ArrayLike, frame: str = "teme"
) -> tuple[FrameEphemeris, npt.NDArray[np.intp]]:
    """SGP4 ephemeris of one object where each time uses the set in force at that time.

    ``history``: the object's element sets (any order); ``times (T,)`` UTC.  Returns
    ``(FrameEphemeris with N=1, idx (T,))``: the states of
    :func:`orbitwatch.propagation.ephemeris_in_frame` time by time from the set
    :func:`~orbitwatch.catalog.history.in_force_index` picks, and which set each time used (an index into ``history``).
    """
    table = ElementTable.from_element_sets(history)
    t = np.atleast_1d(np.asarray(times).astype("datetime64[us]"))
    idx = in_force_index(table.epoch, table.mean_motion_rev_per_day, t)
    parts: dict[str, npt.NDArray[Any]] = {}
    err = np.zeros((1, t.size), dtype=np.uint8)
    for k in np.unique(idx).tolist():
        sel = np.flatnonzero(idx == k)
        eph = ephemeris_in_frame(table.take(np.array([k])), t[sel], frame)
        err[0, sel] = eph.err[0]
        for name in ("r_km", "v_km_s", "latitude_deg", "longitude_deg", "altitude_km"):
            value = getattr(eph, name)
            if value is None:
                continue
            if name not in parts:
                parts[name] = np.full((1, t.size, *value.shape[2:]), np.nan)
            parts[name][0, sel] = value[0]
    return FrameEphemeris(frame, err, t, **parts), idx
