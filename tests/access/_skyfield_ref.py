"""Independent reference helpers built on Skyfield (test-only).

Skyfield's ``find_events`` locates rises/sets to about half a second (its search
epsilon is 0.5 s), so besides comparing with it directly the tests evaluate Skyfield's
own altitude at our event times: that checks our times to a few milliseconds.
Everything here uses the builtin timescale (no downloads) and the DE421 file of the
``skyfield-data`` package.
"""

from __future__ import annotations

import datetime as dt
import gzip
from pathlib import Path

import numpy as np
from skyfield.api import EarthSatellite, load, wgs84

TS = load.timescale(builtin=True)


def tle_lines(path: Path, norad: int, *, index: int = 0) -> tuple[str, str]:
    """The ``index``-th TLE of object ``norad`` in a (gzipped) TLE file, found by a plain scan."""
    opener = gzip.open if path.suffix == ".gz" else open
    with opener(path, "rt") as f:  # type: ignore[operator]
        lines = f.read().splitlines()
    found = [i for i, line in enumerate(lines) if line.startswith("1 ") and int(line[2:7]) == norad]
    i = found[index]
    return lines[i], lines[i + 1]


def sf_time(times: np.ndarray):  # type: ignore[no-untyped-def]
    us = np.asarray(times, dtype="datetime64[us]").astype(np.int64)
    return TS.from_datetimes([
        dt.datetime(1970, 1, 1, tzinfo=dt.UTC) + dt.timedelta(microseconds=int(u)) for u in np.atleast_1d(us)
    ])


def to_utc64(t) -> np.ndarray:  # type: ignore[no-untyped-def]
    return np.array([x.replace(tzinfo=None) for x in t.utc_datetime()], dtype="datetime64[us]")


def satellite(l1: str, l2: str) -> EarthSatellite:
    return EarthSatellite(l1, l2, ts=TS)


def topos(lat_deg: float, lon_deg: float, alt_m: float = 0.0):  # type: ignore[no-untyped-def]
    return wgs84.latlon(lat_deg, lon_deg, elevation_m=alt_m)


def altitude_deg(sat: EarthSatellite, site, times: np.ndarray) -> np.ndarray:  # type: ignore[no-untyped-def]
    return np.asarray((sat - site).at(sf_time(times)).altaz()[0].degrees)


def ephemeris():  # type: ignore[no-untyped-def]
    import importlib.util

    spec = importlib.util.find_spec("skyfield_data")
    assert spec is not None and spec.submodule_search_locations
    path = Path(next(iter(spec.submodule_search_locations))) / "data" / "de421.bsp"
    return load(str(path))
