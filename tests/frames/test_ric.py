"""RIC frame tests.

References: the RIC (RSW) definition in Vallado, *Fundamentals of Astrodynamics and
Applications*, 4th ed., sec. 3.3; checked here against hand-built geometry (circular
equatorial orbit, where R, I, C are known axes) and an independent scalar build with
plain vector algebra.  Tolerance: 1e-12 (unitless) / 1e-9 km.
"""

from __future__ import annotations

import numpy as np

from orbitwatch.frames import ric_basis, to_ric


def test_circular_equatorial_axes() -> None:
    # Object on +x moving +y: R = x, I = y, C = z.
    basis = ric_basis([7000.0, 0.0, 0.0], [0.0, 7.5, 0.0])
    np.testing.assert_allclose(basis, np.eye(3), atol=1e-15)
    # A secondary 1 km ahead, 2 km above, 3 km north.
    d = np.array([2.0, 1.0, 3.0])
    np.testing.assert_allclose(to_ric(d, [7000.0, 0.0, 0.0], [0.0, 7.5, 0.0]), [2.0, 1.0, 3.0], atol=1e-12)


def test_retrograde_flips_cross_track() -> None:
    # Moving -y on +x: h = r x v points -z, so C = -z and I = C x R = -y (along velocity).
    basis = ric_basis([7000.0, 0.0, 0.0], [0.0, -7.5, 0.0])
    np.testing.assert_allclose(basis, np.diag([1.0, -1.0, -1.0]), atol=1e-15)


def _scalar_ric(d: np.ndarray, r: np.ndarray, v: np.ndarray) -> np.ndarray:
    """Independent scalar version: Gram-Schmidt of (r, v) plus the normal."""
    rhat = r / np.sqrt(r @ r)
    vperp = v - (v @ rhat) * rhat
    ihat = vperp / np.sqrt(vperp @ vperp)
    chat = np.array([
        rhat[1] * ihat[2] - rhat[2] * ihat[1],
        rhat[2] * ihat[0] - rhat[0] * ihat[2],
        rhat[0] * ihat[1] - rhat[1] * ihat[0],
    ])
    return np.array([d @ rhat, d @ ihat, d @ chat])


def test_broadcast_matches_scalar_and_is_orthonormal() -> None:
    rng = np.random.default_rng(7)
    r = rng.normal(size=(4, 5, 3)) * 7000.0
    v = rng.normal(size=(4, 5, 3)) * 7.0
    d = rng.normal(size=(4, 5, 3)) * 10.0
    basis = ric_basis(r, v)
    assert basis.shape == (4, 5, 3, 3)
    eye = np.einsum("...ij,...kj->...ik", basis, basis)
    np.testing.assert_allclose(eye, np.broadcast_to(np.eye(3), eye.shape), atol=1e-14)
    np.testing.assert_allclose(np.linalg.det(basis), 1.0, atol=1e-14)
    got = to_ric(d, r, v)
    for i in range(4):
        for j in range(5):
            np.testing.assert_allclose(got[i, j], _scalar_ric(d[i, j], r[i, j], v[i, j]), atol=1e-9)
    # Norm is preserved (a rotation).
    np.testing.assert_allclose(np.linalg.norm(got, axis=-1), np.linalg.norm(d, axis=-1), rtol=1e-13)


def test_reference_broadcasts_over_many_secondaries() -> None:
    r = np.array([7000.0, 100.0, -300.0])
    v = np.array([0.1, 7.4, 1.2])
    d = np.array([[1.0, 0.0, 0.0], [0.0, 1.0, 0.0], [0.0, 0.0, 1.0]])
    got = to_ric(d, r, v)
    np.testing.assert_allclose(got, ric_basis(r, v).T, atol=1e-15)
    assert np.all(np.isnan(to_ric(d[0], [np.nan, 0.0, 0.0], v)))
