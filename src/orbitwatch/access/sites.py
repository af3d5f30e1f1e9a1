"""Ground sites: geodetic position, elevation mask, range limit; read from CSV or GeoJSON.

A site is a point on the WGS-84 ellipsoid (NIMA TR8350.2) given by geodetic latitude,
longitude and height above the ellipsoid.  Its *elevation mask* is either a constant
minimum elevation or a function of azimuth (a table of ``(azimuth_deg, elevation_deg)``
breakpoints, linearly interpolated and wrapped at 360 deg); an azimuth sector limit
``az_min_deg .. az_max_deg`` (a sensor's field of regard, as in Vallado, *Fundamentals
of Astrodynamics and Applications*, 4th ed., Table 4-3) is expressed as a mask of 90
degrees outside the sector.  ``max_range_km`` limits line of sight (NaN = no limit).

Input formats (the two used in ``shared/data/ground-stations``):

* CSV with a header; required columns ``lat_deg`` and ``lon_deg`` (``latitude_deg`` /
  ``longitude_deg`` also accepted), optional ``name``, ``network``, ``alt_m``,
  ``el_min_deg``, ``max_range_km``, ``antennas``;
* GeoJSON ``FeatureCollection`` of ``Point`` features ``[lon, lat(, alt_m)]`` with
  ``properties.name`` and optional ``el_min_deg``, ``az_min_deg``/``az_max_deg``,
  ``range_max_m``, ``antennas``.

Every malformed input raises :class:`~orbitwatch.errors.InputError` (``SITE_*`` codes)
naming the source, line (CSV) or feature (GeoJSON) and field.
"""

from __future__ import annotations

import csv
import io
import json
import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt

from orbitwatch.constants import wrap_360_deg
from orbitwatch.errors import InputError
from orbitwatch.frames import geodetic_to_itrf

__all__ = [
    "Site",
    "SiteTable",
    "load_sites",
    "parse_site_arg",
    "read_sites_csv",
    "read_sites_geojson",
    "site_ecef_km",
    "site_enu_basis",
]

FloatArray = npt.NDArray[np.float64]

# Uniform azimuth grid of Site.mask_table_deg (for display).
MASK_TABLE_SIZE = 360


@dataclass(frozen=True)
class Site:
    """One ground site (geodetic WGS-84).

    ``mask_az_deg`` / ``mask_el_deg``: azimuth-dependent mask breakpoints (empty =
    constant ``min_elevation_deg``).  The effective mask is the larger of the constant
    and the table.  ``antennas``: how many satellites it can serve at once (contacts).
    """

    name: str
    lat_deg: float
    lon_deg: float
    alt_m: float = 0.0
    min_elevation_deg: float = 0.0
    mask_az_deg: tuple[float, ...] = ()
    mask_el_deg: tuple[float, ...] = ()
    max_range_km: float = math.nan
    network: str = ""
    antennas: int = 1
    source: str | None = field(default=None, compare=False)

    def __post_init__(self) -> None:
        _validate(self, self.source, None)

    def mask_table_deg(self, size: int = MASK_TABLE_SIZE) -> FloatArray:
        """The mask tabulated at ``size`` azimuths ``0, 360/size, ...`` (deg) -> ``(size,)``."""
        az = np.arange(size) * (360.0 / size)
        table = np.full(size, self.min_elevation_deg, dtype=np.float64)
        if self.mask_az_deg:
            xp = np.asarray(self.mask_az_deg, dtype=np.float64)
            fp = np.asarray(self.mask_el_deg, dtype=np.float64)
            order = np.argsort(xp)
            table = np.maximum(table, np.interp(az, xp[order], fp[order], period=360.0))
        return table

    def mask_at(self, az_deg: npt.ArrayLike) -> Any:
        """The mask elevation (deg) at azimuths ``az_deg`` (any shape)."""
        az = np.asarray(az_deg, dtype=np.float64)
        out = np.full(az.shape, self.min_elevation_deg)
        if self.mask_az_deg:
            xp = np.asarray(self.mask_az_deg, dtype=np.float64)
            fp = np.asarray(self.mask_el_deg, dtype=np.float64)
            order = np.argsort(xp)
            out = np.maximum(out, np.interp(wrap_360_deg(az), xp[order], fp[order], period=360.0))
        return out


def _validate(site: Site, source: str | None, line: int | None) -> None:
    where = {"source": source, "line": line, "record": site.name or None}
    for name in ("lat_deg", "lon_deg", "alt_m", "min_elevation_deg"):
        value = getattr(site, name)
        if not math.isfinite(value):
            raise InputError(f"{name} must be a finite number, not {value}", code="SITE_FIELD",
                             field=name, **where)  # type: ignore[arg-type]
    if not -90.0 <= site.lat_deg <= 90.0:
        raise InputError(f"latitude {site.lat_deg} deg is outside -90..90", code="SITE_LATITUDE",
                         field="lat_deg", **where)  # type: ignore[arg-type]
    if not -180.0 <= site.lon_deg <= 360.0:
        raise InputError(f"longitude {site.lon_deg} deg is outside -180..360", code="SITE_LONGITUDE",
                         field="lon_deg", **where)  # type: ignore[arg-type]
    if not -12_000.0 <= site.alt_m <= 100_000.0:
        raise InputError(f"altitude {site.alt_m} m is not a ground site's (-12 km .. 100 km)",
                         code="SITE_ALTITUDE", field="alt_m", **where)  # type: ignore[arg-type]
    if not -90.0 <= site.min_elevation_deg < 90.0:
        raise InputError(f"minimum elevation {site.min_elevation_deg} deg is outside -90..90",
                         code="SITE_MASK", field="el_min_deg", **where)  # type: ignore[arg-type]
    if len(site.mask_az_deg) != len(site.mask_el_deg):
        raise InputError("mask azimuths and elevations differ in length", code="SITE_MASK",
                         field="mask", **where)  # type: ignore[arg-type]
    if any(not (-90.0 <= e <= 90.1) for e in site.mask_el_deg):
        raise InputError("mask elevations must lie in -90..90 deg", code="SITE_MASK", field="mask",
                         **where)  # type: ignore[arg-type]
    if not (math.isnan(site.max_range_km) or site.max_range_km > 0):
        raise InputError(f"maximum range {site.max_range_km} km must be positive", code="SITE_RANGE",
                         field="max_range_km", **where)  # type: ignore[arg-type]
    if site.antennas < 1:
        raise InputError(f"antennas {site.antennas} must be at least 1", code="SITE_FIELD",
                         field="antennas", **where)  # type: ignore[arg-type]


@dataclass(frozen=True)
class SiteTable:
    """M sites as arrays (each ``(M,)``); the array core's input.

    Azimuth masks are kept exactly as their breakpoints, flattened and keyed by
    ``site * 2000 + 500 + azimuth`` so that one binary search serves every site
    (:meth:`mask_at`).
    """

    sites: tuple[Site, ...]
    lat_deg: FloatArray
    lon_deg: FloatArray
    alt_m: FloatArray
    max_range_km: FloatArray
    min_elevation_deg: FloatArray
    has_azimuth_mask: bool
    _bp_key: FloatArray
    _bp_el: FloatArray

    @classmethod
    def from_sites(cls, sites: Iterable[Site]) -> SiteTable:
        items = tuple(sites)
        if not items:
            raise InputError("no sites given", code="SITE_EMPTY")
        keys: list[FloatArray] = []
        els: list[FloatArray] = []
        for m, s in enumerate(items):
            if s.mask_az_deg:
                xp = wrap_360_deg(s.mask_az_deg)
                fp = np.asarray(s.mask_el_deg, dtype=np.float64)
                order = np.argsort(xp, kind="stable")
                xp, fp = xp[order], fp[order]
                xp = np.concatenate([[xp[-1] - 360.0], xp, [xp[0] + 360.0]])
                fp = np.concatenate([[fp[-1]], fp, [fp[0]]])
            else:
                xp, fp = np.array([-1.0, 361.0]), np.array([-90.0, -90.0])
            keys.append(m * 2000.0 + 500.0 + xp)
            els.append(fp)
        return cls(
            sites=items,
            lat_deg=np.array([s.lat_deg for s in items], dtype=np.float64),
            lon_deg=np.array([s.lon_deg for s in items], dtype=np.float64),
            alt_m=np.array([s.alt_m for s in items], dtype=np.float64),
            max_range_km=np.array([s.max_range_km for s in items], dtype=np.float64),
            min_elevation_deg=np.array([s.min_elevation_deg for s in items], dtype=np.float64),
            has_azimuth_mask=any(s.mask_az_deg for s in items),
            _bp_key=np.concatenate(keys),
            _bp_el=np.concatenate(els),
        )

    def mask_at(self, site: npt.ArrayLike, az_deg: npt.ArrayLike) -> FloatArray:
        """Mask elevation (deg) of sites ``site (K,)`` at azimuths ``az_deg (K,)``, exact."""
        m = np.asarray(site, dtype=np.int64)
        q = m * 2000.0 + 500.0 + wrap_360_deg(az_deg)
        i = np.clip(np.searchsorted(self._bp_key, q, side="right") - 1, 0, self._bp_key.size - 2)
        x0, x1 = self._bp_key[i], self._bp_key[i + 1]
        dx = x1 - x0
        w = np.where(dx > 0, (q - x0) / np.where(dx > 0, dx, 1.0), 1.0)
        table = (1.0 - w) * self._bp_el[i] + w * self._bp_el[i + 1]
        return np.asarray(np.maximum(table, self.min_elevation_deg[m]))

    def __len__(self) -> int:
        return len(self.sites)

    @property
    def names(self) -> list[str]:
        return [s.name for s in self.sites]

    def take(self, index: Sequence[int]) -> SiteTable:
        return SiteTable.from_sites([self.sites[i] for i in index])

    def ecef_km(self) -> FloatArray:
        """Site positions in the Earth-fixed frame (ITRF), km -> ``(M, 3)``."""
        return site_ecef_km(self.lat_deg, self.lon_deg, self.alt_m)

    def enu_basis(self) -> FloatArray:
        """Rows east, north, up of each site -> ``(M, 3, 3)``."""
        return site_enu_basis(self.lat_deg, self.lon_deg)


def site_ecef_km(lat_deg: npt.ArrayLike, lon_deg: npt.ArrayLike, alt_m: npt.ArrayLike) -> FloatArray:
    """Geodetic WGS-84 (deg, deg, m) -> Earth-fixed Cartesian (ITRF), km, ``(..., 3)``.

    :func:`orbitwatch.frames.geodetic_to_itrf` with the height in metres.
    """
    return geodetic_to_itrf(lat_deg, lon_deg, np.asarray(alt_m, dtype=np.float64) / 1000.0)


def site_enu_basis(lat_deg: npt.ArrayLike, lon_deg: npt.ArrayLike) -> FloatArray:
    """Unit east, north, up (geodetic normal) vectors as rows -> ``(..., 3, 3)``."""
    lat = np.radians(np.asarray(lat_deg, dtype=np.float64))
    lon = np.radians(np.asarray(lon_deg, dtype=np.float64))
    sl, cl, so, co = np.sin(lat), np.cos(lat), np.sin(lon), np.cos(lon)
    zero = np.zeros_like(sl * so)
    east = np.stack(np.broadcast_arrays(-so, co, zero), axis=-1)
    north = np.stack(np.broadcast_arrays(-sl * co, -sl * so, cl), axis=-1)
    up = np.stack(np.broadcast_arrays(cl * co, cl * so, sl), axis=-1)
    return np.stack([east, north, up], axis=-2)


# ----------------------------------------------------------------------------- readers


def _num(text: str | None, *, what: str, source: str, line: int | None, record: str | None,
         default: float | None = None) -> float:
    if text is None or str(text).strip() == "":
        if default is None:
            raise InputError(f"{what} is missing", code="SITE_MISSING_FIELD", source=source, line=line,
                             record=record, field=what)
        return default
    try:
        value = float(text)
    except (TypeError, ValueError):
        raise InputError(f"{what} {text!r} is not a number", code="SITE_FIELD", source=source,
                         line=line, record=record, field=what) from None
    if not math.isfinite(value):
        raise InputError(f"{what} {text!r} is not finite", code="SITE_FIELD", source=source, line=line,
                         record=record, field=what)
    return value


def _make(source: str, line: int | None, **kw: Any) -> Site:
    """Build a site; a validation error gets the file and line added."""
    try:
        return Site(source=source, **kw)
    except InputError as exc:
        exc.source, exc.line = source, line
        raise


_CSV_ALIASES = {
    "lat_deg": ("lat_deg", "latitude_deg", "lat", "latitude"),
    "lon_deg": ("lon_deg", "longitude_deg", "lon", "longitude"),
    "alt_m": ("alt_m", "altitude_m"),
    "el_min_deg": ("el_min_deg", "min_elevation_deg", "min_el_deg"),
}


def read_sites_csv(text: str, *, source: str = "<csv>") -> list[Site]:
    """Sites from CSV text with a header row (see the module docstring for the columns)."""
    reader = csv.reader(io.StringIO(text))
    rows = list(reader)
    if not rows:
        raise InputError("empty site file", code="SITE_EMPTY", source=source)
    header = [h.strip().lower() for h in rows[0]]
    col: dict[str, int] = {}
    for key, aliases in _CSV_ALIASES.items():
        for a in aliases:
            if a in header:
                col[key] = header.index(a)
                break
    for extra in ("name", "network", "max_range_km", "antennas"):
        if extra in header:
            col[extra] = header.index(extra)
    for required in ("lat_deg", "lon_deg"):
        if required not in col:
            raise InputError(f"the header has no {required} column (columns: {', '.join(header)})",
                             code="SITE_HEADER", source=source, line=1, field=required)
    sites: list[Site] = []
    for lineno, row in enumerate(rows[1:], start=2):
        if not row or all(not c.strip() for c in row):
            continue
        if len(row) != len(header):
            raise InputError(f"row has {len(row)} fields, the header {len(header)}", code="SITE_ROW",
                             source=source, line=lineno)

        def get(key: str, row: list[str] = row) -> str | None:
            return row[col[key]].strip() if key in col else None

        name = get("name") or f"site{lineno - 1}"
        kw: dict[str, Any] = {
            "name": name,
            "lat_deg": _num(get("lat_deg"), what="lat_deg", source=source, line=lineno, record=name),
            "lon_deg": _num(get("lon_deg"), what="lon_deg", source=source, line=lineno, record=name),
            "alt_m": _num(get("alt_m"), what="alt_m", source=source, line=lineno, record=name, default=0.0),
            "min_elevation_deg": _num(get("el_min_deg"), what="el_min_deg", source=source, line=lineno,
                                      record=name, default=0.0),
            "max_range_km": _num(get("max_range_km"), what="max_range_km", source=source, line=lineno,
                                 record=name, default=math.nan),
            "network": get("network") or "",
            "antennas": int(_num(get("antennas"), what="antennas", source=source, line=lineno,
                                 record=name, default=1.0)),
        }
        sites.append(_make(source, lineno, **kw))
    if not sites:
        raise InputError("the site file has a header but no sites", code="SITE_EMPTY", source=source)
    return sites


def read_sites_geojson(text: str, *, source: str = "<geojson>", network: str = "") -> list[Site]:
    """Sites from a GeoJSON FeatureCollection of Points (``[lon, lat(, alt_m)]``)."""
    try:
        doc = json.loads(text)
    except json.JSONDecodeError as exc:
        raise InputError(f"not valid JSON: {exc.msg}", code="SITE_JSON", source=source,
                         line=exc.lineno) from None
    features = doc.get("features") if isinstance(doc, dict) else None
    if not isinstance(features, list):
        raise InputError("not a GeoJSON FeatureCollection (no 'features' list)", code="SITE_JSON",
                         source=source)
    sites: list[Site] = []
    for i, feat in enumerate(features):
        rec = f"feature {i}"
        geom = feat.get("geometry") if isinstance(feat, dict) else None
        props = (feat.get("properties") or {}) if isinstance(feat, dict) else {}
        coords = geom.get("coordinates") if isinstance(geom, dict) else None
        if not isinstance(geom, dict) or geom.get("type") != "Point" or not isinstance(coords, list) \
                or len(coords) < 2:
            raise InputError("feature is not a Point with [lon, lat] coordinates", code="SITE_GEOMETRY",
                             source=source, record=rec, field="geometry")
        name = str(props.get("name") or rec)

        def num(value: Any, what: str, default: float | None = None, name: str = name) -> float:
            return _num(None if value is None else str(value), what=what, source=source, line=None,
                        record=name, default=default)

        mask_az: tuple[float, ...] = ()
        mask_el: tuple[float, ...] = ()
        az_min, az_max = props.get("az_min_deg"), props.get("az_max_deg")
        if az_min is not None and az_max is not None:
            lo, hi = float(wrap_360_deg(num(az_min, "az_min_deg"))), num(az_max, "az_max_deg")
            width = float(wrap_360_deg(hi - lo)) if not math.isclose(hi - lo, 360.0) else 360.0
            if width < 360.0 and width > 0.0:
                # 90 deg outside the sector, open inside; sharp edges 1e-6 deg wide.
                eps = 1e-6
                mask_az = (lo - eps, lo, float(wrap_360_deg(lo + width)), float(wrap_360_deg(lo + width + eps)))
                mask_el = (90.0, -90.0, -90.0, 90.0)
        alt = num(coords[2], "alt_m") if len(coords) > 2 and coords[2] is not None else 0.0
        range_m = props.get("range_max_m")
        kw: dict[str, Any] = {
            "name": name,
            "lat_deg": num(coords[1], "lat_deg"),
            "lon_deg": num(coords[0], "lon_deg"),
            "alt_m": alt,
            "min_elevation_deg": num(props.get("el_min_deg"), "el_min_deg", 0.0),
            "mask_az_deg": mask_az,
            "mask_el_deg": mask_el,
            "max_range_km": num(range_m, "range_max_m") / 1000.0 if range_m is not None else math.nan,
            "network": str(props.get("network") or network),
            "antennas": int(num(props.get("antennas"), "antennas", 1.0)),
        }
        try:
            sites.append(_make(source, None, **kw))
        except InputError as exc:
            exc.record = name
            raise
    if not sites:
        raise InputError("the GeoJSON has no features", code="SITE_EMPTY", source=source)
    return sites


def load_sites(path: str | Path) -> list[Site]:
    """Read a ``.csv`` or ``.geojson``/``.json`` site file."""
    p = Path(path)
    try:
        text = p.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise InputError(f"site file {p} does not exist", code="SITE_FILE", source=str(p)) from None
    except (OSError, UnicodeDecodeError) as exc:
        raise InputError(f"cannot read site file {p}: {exc}", code="SITE_FILE", source=str(p)) from None
    if p.suffix.lower() in (".geojson", ".json") or text.lstrip().startswith("{"):
        return read_sites_geojson(text, source=p.name, network=p.stem)
    return read_sites_csv(text, source=p.name)


def parse_site_arg(text: str, *, name: str | None = None, min_elevation_deg: float = 0.0) -> Site:
    """``"LAT,LON[,ALT_M]"`` (deg, deg, m) from the command line -> :class:`Site`."""
    parts = [p.strip() for p in text.split(",")]
    if len(parts) not in (2, 3):
        raise InputError(f"site {text!r} must be LAT,LON or LAT,LON,ALT_M", code="SITE_ARG", source="--site")
    vals = [_num(p, what=w, source="--site", line=None, record=None)
            for p, w in zip(parts, ("lat_deg", "lon_deg", "alt_m"), strict=False)]
    return _make("--site", None, name=name or text, lat_deg=vals[0], lon_deg=vals[1],
                 alt_m=vals[2] if len(vals) == 3 else 0.0, min_elevation_deg=min_elevation_deg)
