"""The WGS-72 constants of orbitwatch.constants equal python-sgp4's (an independent table)."""

from __future__ import annotations

from sgp4.earth_gravity import wgs72

from orbitwatch import constants


def test_wgs72_matches_python_sgp4() -> None:
    assert wgs72.mu == constants.WGS72_MU_KM3_S2
    assert wgs72.radiusearthkm == constants.WGS72_RADIUS_KM
    assert wgs72.j2 == constants.WGS72_J2
    assert wgs72.j4 == constants.WGS72_J4
