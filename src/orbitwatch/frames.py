"""Reference frames: RIC (radial / in-track / cross-track) for relative states.

RIC follows Vallado, *Fundamentals of Astrodynamics and Applications*, 4th ed., sec. 3.3
("RSW" / "RIC" satellite coordinate system): R along the position vector, C along the
orbit normal r x v, I = C x R completing the right-handed triad (along the velocity for a
circular orbit).

All functions take arrays and broadcast over leading axes; shapes are in the docstrings.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import numpy.typing as npt

__all__ = [
    "ric_basis",
    "to_ric",
]

FloatArray = npt.NDArray[np.float64]


def _unit(x: FloatArray) -> FloatArray:
    out: FloatArray = x / np.linalg.norm(x, axis=-1, keepdims=True)
    return out


def ric_basis(r_km: npt.ArrayLike, v_km_s: npt.ArrayLike) -> FloatArray:
    """Rotation matrices whose rows are the unit R, I, C axes of a reference orbit.

    ``r_km`` ``(..., 3)`` and ``v_km_s`` ``(..., 3)`` (any frame, broadcast together)
    -> ``(..., 3, 3)``: row 0 radial ``r/|r|``, row 2 cross-track ``(r x v)/|r x v|``,
    row 1 in-track ``C x R``.  ``basis @ d`` expresses a vector ``d`` in RIC.
    NaN inputs give NaN rows.
    """
    r = np.asarray(r_km, dtype=np.float64)
    v = np.asarray(v_km_s, dtype=np.float64)
    r, v = np.broadcast_arrays(r, v)
    radial = _unit(r)
    cross = _unit(np.cross(r, v))
    in_track = np.cross(cross, radial)
    return np.stack([radial, in_track, cross], axis=-2)


def to_ric(d_km: npt.ArrayLike, r_ref_km: npt.ArrayLike, v_ref_km_s: npt.ArrayLike) -> Any:
    """Project a relative vector on the reference object's RIC axes.

    ``d_km`` ``(..., 3)`` (e.g. secondary minus primary position, same frame as the
    reference state), ``r_ref_km`` / ``v_ref_km_s`` ``(..., 3)`` -> ``(..., 3)``
    components (radial, in-track, cross-track), in the unit of ``d``.
    """
    basis = ric_basis(r_ref_km, v_ref_km_s)
    d = np.asarray(d_km, dtype=np.float64)
    return np.einsum("...ij,...j->...i", basis, d)
