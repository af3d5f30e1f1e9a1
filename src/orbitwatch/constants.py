"""Physical constants and the internal unit convention, declared once.

Internal units: kilometres, kilometres per second, seconds, radians (``_deg`` where a
name says so), UTC times as ``datetime64[us]`` (:mod:`orbitwatch.times`).

SGP4 uses the WGS-72 gravity model (Vallado et al. 2006, "Revisiting Spacetrack
Report #3", AIAA 2006-6753, sec. "Constants"); geodetic conversions use WGS-84
(NIMA TR8350.2).
"""

from __future__ import annotations

import math

# WGS-72 as used by SGP4 (sgp4.api.WGS72).
WGS72_MU_KM3_S2 = 398600.8
WGS72_RADIUS_KM = 6378.135
# WGS-72 zonal harmonics as used by SGP4 (sgp4.api.WGS72; Vallado et al. 2006, getgravconst).
WGS72_J2 = 0.001082616
WGS72_J4 = -0.00000165597

# WGS-84 ellipsoid for geodetic latitude/longitude/altitude.
WGS84_A_KM = 6378.137
WGS84_F = 1.0 / 298.257223563
WGS84_E2 = WGS84_F * (2.0 - WGS84_F)

# Earth's rotation rate (IERS conventions), rad/s.
EARTH_ROTATION_RAD_S = 7.292115146706979e-5

SECONDS_PER_DAY = 86400.0
MINUTES_PER_DAY = 1440.0
TWO_PI = 2.0 * math.pi
DEG = math.pi / 180.0
ARCSEC = DEG / 3600.0
