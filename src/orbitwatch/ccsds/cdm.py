"""CCSDS Conjunction Data Messages (CDM): read and write KVN and XML.

Reference: CCSDS 508.0-B-1, *Conjunction Data Message*, Blue Book, June 2013
(sec. 3 structure and keywords, sec. 4 KVN, annex for the XML schema
``ndmxml-1.0-cdm-1.0``); keywords of version 2 (CCSDS 508.0-B-2, 2023: e.g.
``CONJUNCTION_ID``, ``ALT_COV_TYPE``, ``HBR``, the XYZ alternate covariance) are
accepted too.

Model.  A :class:`CDM` keeps every line of the message as an ordered
:class:`CDMItem` (keyword, value text, units text) in four sections: header,
relative metadata/data, object 1, object 2.  Values are kept as the text that was in
the file, so read -> write -> read is lossless in both syntaxes; typed accessors
(:meth:`CDM.tca`, :meth:`CDM.state`, :meth:`CDM.covariance_rtn` ...) convert on
demand.  Comments are items with keyword ``COMMENT`` (``COMMENT HBR = 10 [m]`` keeps
``HBR = 10 [m]`` as its text).  Units follow the standard (states in km and km/s,
relative quantities and covariances in m, m/s, ...); the bracketed units in a file are
kept but not used for scaling.

Strictness.  The readers take text (file reading belongs to the shells) and raise
:class:`~orbitwatch.errors.CDMError` with these codes:

* ``CDM_SYNTAX``: a KVN line that is not ``KEY = value [units]`` / ``COMMENT ...``,
  or XML that does not parse (also: nested deeper than
  :data:`~orbitwatch.ccsds.MAX_XML_DEPTH`, or declaring an unknown encoding);
* ``CDM_XML_FORBIDDEN``: XML with a DTD, an entity declaration or an external
  reference (parsed with ``defusedxml``, see :mod:`orbitwatch.ccsds`);
* ``CDM_UNKNOWN_KEYWORD``: a keyword that CDM 1.0/2.0 does not define
  (``USER_DEFINED_*`` is allowed);
* ``CDM_MISSING_TCA``, ``CDM_MISSING_KEYWORD`` (another mandatory keyword),
  ``CDM_MISSING_STATE_VECTOR``, ``CDM_MISSING_COVARIANCE``: mandatory content absent;
* ``CDM_EMPTY_VALUE``: a mandatory keyword without a value (XML ``nil="true"``);
* ``CDM_NUMBER_FORMAT``: a state, covariance, relative-state, miss-distance, Pc or
  ``HBR`` value (also ``COMMENT HBR = x [m]``) that is not a number or is infinite
  (NaN is allowed: real CDMs write it for unknown values), or an ``OBJECT_DESIGNATOR``
  written with non-ASCII digits (``1²``);
* ``CDM_VALUE_RANGE``: a number outside its physical range: ``COLLISION_PROBABILITY``
  outside 0..1, a negative ``MISS_DISTANCE``, ``RELATIVE_SPEED`` or ``HBR``;
* ``CDM_TIME_FORMAT``: ``TCA`` or ``CREATION_DATE`` that is not a valid UTC time;
* ``CDM_OBJECTS``: not exactly OBJECT1 then OBJECT2.

Linear time.  KVN lines are split with string operations, not regular expressions
(an 85 kB value of blanks or ``[`` once took 44 s with backtracking); values quoted in
messages are cut to 200 characters.

Tolerated variations seen in real files: any column alignment, ``KEY =value``,
CRLF line ends, ``NaN`` values, ``[m]`` where ``[m/s]`` was meant, missing optional
blocks, ``ORBIT_CENTER`` absent (Earth is implied) or empty, covariances with the
drag / SRP / thrust rows (up to 9x9) or without them (6x6).
"""

from __future__ import annotations

import math
import re
import xml.etree.ElementTree as ET
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field, replace
from typing import Any
from xml.sax.saxutils import escape, quoteattr

import numpy as np
import numpy.typing as npt
from defusedxml import DefusedXmlException

from orbitwatch.ccsds import MAX_XML_DEPTH, split_kvn, xml_declared_encoding_error, xml_pull_parser
from orbitwatch.constants import ric_basis
from orbitwatch.errors import CDMError, TimeFormatError
from orbitwatch.times import parse_ccsds_time

__all__ = [
    "CDM",
    "COVARIANCE_ROWS_RTN",
    "CDMItem",
    "build_cdm",
    "covariance_keyword",
    "inertial_to_rtn",
    "parse_ccsds_time",
    "read_cdm",
    "read_cdm_kvn",
    "read_cdm_xml",
    "rtn_to_inertial",
    "write_cdm_kvn",
    "write_cdm_xml",
]

FloatArray = npt.NDArray[np.float64]

COVARIANCE_ROWS_RTN = ("R", "T", "N", "RDOT", "TDOT", "NDOT", "DRG", "SRP", "THR")
_COV_ROWS_XYZ = ("X", "Y", "Z", "XDOT", "YDOT", "ZDOT", "DRG", "SRP", "THR")


def covariance_keyword(i: int, j: int, rows: Sequence[str] = COVARIANCE_ROWS_RTN) -> str:
    """Keyword of covariance element (i, j), i >= j (0-based), e.g. (3, 1) -> ``CRDOT_T``."""
    if j > i:
        i, j = j, i
    return f"C{rows[i]}_{rows[j]}"


_COV_RTN_KEYS = {covariance_keyword(i, j): (i, j) for i in range(9) for j in range(i + 1)}
_COV_XYZ_KEYS = {covariance_keyword(i, j, _COV_ROWS_XYZ) for i in range(9) for j in range(i + 1)}
_COV_RTN_6 = [covariance_keyword(i, j) for i in range(6) for j in range(i + 1)]

_HEADER_KEYS = ("CCSDS_CDM_VERS", "CREATION_DATE", "ORIGINATOR", "MESSAGE_FOR", "MESSAGE_ID", "CLASSIFICATION")
_RELATIVE_STATE_KEYS = (
    "RELATIVE_SPEED",
    "RELATIVE_POSITION_R",
    "RELATIVE_POSITION_T",
    "RELATIVE_POSITION_N",
    "RELATIVE_VELOCITY_R",
    "RELATIVE_VELOCITY_T",
    "RELATIVE_VELOCITY_N",
)
_RELATIVE_KEYS = (
    "CONJUNCTION_ID",
    "TCA",
    "MISS_DISTANCE",
    "MAHALANOBIS_DISTANCE",
    *_RELATIVE_STATE_KEYS,
    "APPROACH_ANGLE",
    "START_SCREEN_PERIOD",
    "STOP_SCREEN_PERIOD",
    "SCREEN_TYPE",
    "SCREEN_VOLUME_FRAME",
    "SCREEN_VOLUME_SHAPE",
    "SCREEN_VOLUME_RADIUS",
    "SCREEN_VOLUME_X",
    "SCREEN_VOLUME_Y",
    "SCREEN_VOLUME_Z",
    "SCREEN_ENTRY_TIME",
    "SCREEN_EXIT_TIME",
    "SCREEN_PC_THRESHOLD",
    "COLLISION_PERCENTILE",
    "COLLISION_PROBABILITY",
    "COLLISION_PROBABILITY_METHOD",
    "COLLISION_MAX_PROBABILITY",
    "COLLISION_MAX_PC_METHOD",
    "SEFI_COLLISION_PROBABILITY",
    "SEFI_COLLISION_PROBABILITY_METHOD",
    "SEFI_FRAGMENTATION_MODEL",
    "PREVIOUS_MESSAGE_ID",
    "PREVIOUS_MESSAGE_EPOCH",
    "NEXT_MESSAGE_EPOCH",
)
_METADATA_KEYS = (
    "OBJECT",
    "OBJECT_DESIGNATOR",
    "CATALOG_NAME",
    "OBJECT_NAME",
    "INTERNATIONAL_DESIGNATOR",
    "OBJECT_TYPE",
    "OPS_STATUS",
    "OPERATOR_CONTACT_POSITION",
    "OPERATOR_ORGANIZATION",
    "OPERATOR_PHONE",
    "OPERATOR_EMAIL",
    "ORBIT_CENTER",
    "EPHEMERIS_NAME",
    "ODM_MSG_LINK",
    "ADM_MSG_LINK",
    "OBS_BEFORE_NEXT_MESSAGE",
    "COVARIANCE_METHOD",
    "COVARIANCE_SOURCE",
    "MANEUVERABLE",
    "REF_FRAME",
    "ALT_COV_TYPE",
    "ALT_COV_REF_FRAME",
    "GRAVITY_MODEL",
    "ATMOSPHERIC_MODEL",
    "N_BODY_PERTURBATIONS",
    "SOLAR_RAD_PRESSURE",
    "EARTH_TIDES",
    "INTRACK_THRUST",
)
_OD_KEYS = (
    "TIME_LASTOB_START",
    "TIME_LASTOB_END",
    "RECOMMENDED_OD_SPAN",
    "ACTUAL_OD_SPAN",
    "OBS_AVAILABLE",
    "OBS_USED",
    "TRACKS_AVAILABLE",
    "TRACKS_USED",
    "RESIDUALS_ACCEPTED",
    "WEIGHTED_RMS",
    "OD_EPOCH",
)
_ADDITIONAL_KEYS = (
    "AREA_PC",
    "AREA_PC_MIN",
    "AREA_PC_MAX",
    "AREA_DRG",
    "AREA_SRP",
    "OEB_PARENT_FRAME",
    "OEB_PARENT_FRAME_EPOCH",
    "OEB_Q1",
    "OEB_Q2",
    "OEB_Q3",
    "OEB_QC",
    "OEB_MAX",
    "OEB_INT",
    "OEB_MIN",
    "AREA_ALONG_OEB_MAX",
    "AREA_ALONG_OEB_INT",
    "AREA_ALONG_OEB_MIN",
    "RCS",
    "RCS_MIN",
    "RCS_MAX",
    "VM_ABSOLUTE",
    "VM_APPARENT_MIN",
    "VM_APPARENT",
    "VM_APPARENT_MAX",
    "REFLECTANCE",
    "MASS",
    "HBR",
    "CD_AREA_OVER_MASS",
    "CR_AREA_OVER_MASS",
    "THRUST_ACCELERATION",
    "SEDR",
    "MIN_DV",
    "MAX_DV",
    "LEAD_TIME_REQD_BEFORE_TCA",
    "APOAPSIS_ALTITUDE",
    "PERIAPSIS_ALTITUDE",
    "INCLINATION",
    "COV_CONFIDENCE",
    "COV_CONFIDENCE_METHOD",
    "DENSITY_FORECAST_UNCERTAINTY",
    "CSCALE_FACTOR_MIN",
    "CSCALE_FACTOR",
    "CSCALE_FACTOR_MAX",
    "SCREENING_DATA_SOURCE",
    "DCP_SENSITIVITY_VECTOR_POSITION",
    "DCP_SENSITIVITY_VECTOR_VELOCITY",
)
_STATE_KEYS = ("X", "Y", "Z", "X_DOT", "Y_DOT", "Z_DOT")
_OBJECT_KEYS = (
    set(_METADATA_KEYS)
    | set(_OD_KEYS)
    | set(_ADDITIONAL_KEYS)
    | set(_STATE_KEYS)
    | set(_COV_RTN_KEYS)
    | _COV_XYZ_KEYS
    | {"CSIG3EIGVEC3"}
)
_NUMERIC_KEYS = (
    {"MISS_DISTANCE", "COLLISION_PROBABILITY", "HBR", *_RELATIVE_STATE_KEYS, *_STATE_KEYS}
    | set(_COV_RTN_KEYS)
    | _COV_XYZ_KEYS
)
_MANDATORY_HEADER = ("CCSDS_CDM_VERS", "CREATION_DATE", "ORIGINATOR", "MESSAGE_ID")
_MANDATORY_OBJECT = (
    "OBJECT",
    "OBJECT_DESIGNATOR",
    "CATALOG_NAME",
    "OBJECT_NAME",
    "INTERNATIONAL_DESIGNATOR",
    "EPHEMERIS_NAME",
    "COVARIANCE_METHOD",
    "MANEUVERABLE",
    "REF_FRAME",
)

_XML_BLOCKS_OBJECT = (
    ("metadata", set(_METADATA_KEYS)),
    ("odParameters", set(_OD_KEYS)),
    ("additionalParameters", set(_ADDITIONAL_KEYS)),
    ("stateVector", set(_STATE_KEYS)),
)
_HBR_NUMBER_RE = re.compile(r"[-+]?[0-9.]+(?:[eE][-+]?[0-9]+)?")
_NON_NEGATIVE_KEYS = ("MISS_DISTANCE", "RELATIVE_SPEED", "HBR")
_SHOW_CHARS = 200


def _show(text: str) -> str:
    """``repr`` of file text for a message, cut to 200 characters; text that is not printable is not shown."""
    if "\ufffd" in text or not text.isprintable():
        return f"({len(text)} characters, not printable text: not shown)"  # binary input is not echoed
    if len(text) <= _SHOW_CHARS:
        return repr(text)
    return repr(text[:_SHOW_CHARS]) + f"... ({len(text)} characters)"


def _hbr_comment(text: str) -> tuple[str, str] | None:
    """``(number text, units)`` of a CARA ``HBR = x [m]`` comment (units default ``m``), else None.

    Written with string operations and one anchored, non-nested pattern, so it is linear
    in the comment's length.
    """
    s = text.lstrip()
    if not s.startswith("HBR"):
        return None
    s = s[3:].lstrip()
    if s[:1] in ("=", ":"):
        s = s[1:].lstrip()
    m = _HBR_NUMBER_RE.match(s)
    if m is None:
        return None
    rest = s[m.end():].lstrip()
    units = "m"
    if rest[:1] == "[":
        close = rest.find("]", 0, 64)
        inner = rest[1:close].strip() if close > 0 else ""
        if inner.isascii() and inner.isalpha():
            units = inner
    return m.group(0), units


@dataclass(frozen=True, slots=True)
class CDMItem:
    """One line of a CDM: ``key`` (``COMMENT`` for comments), ``value`` text, ``units`` text or None."""

    key: str
    value: str
    units: str | None = None


@dataclass(frozen=True)
class CDM:
    """A conjunction data message as ordered items in four sections (see module docstring)."""

    header: tuple[CDMItem, ...]
    relative: tuple[CDMItem, ...]
    objects: tuple[tuple[CDMItem, ...], tuple[CDMItem, ...]]
    source: str | None = field(default=None, compare=False)

    # -- generic access -------------------------------------------------------------
    def _section(self, section: str) -> tuple[CDMItem, ...]:
        if section == "header":
            return self.header
        if section == "relative":
            return self.relative
        if section in ("object1", "1"):
            return self.objects[0]
        if section in ("object2", "2"):
            return self.objects[1]
        raise KeyError(section)

    def get(self, section: str, key: str) -> str | None:
        """The value text of ``key`` in ``section`` (header, relative, object1, object2) or None."""
        for item in self._section(section):
            if item.key == key:
                return item.value
        return None

    def get_float(self, section: str, key: str) -> float:
        """``key`` as a float; NaN when absent or empty."""
        value = self.get(section, key)
        if value is None or value.strip() == "":
            return float("nan")
        return float(value)

    def comments(self, section: str | None = None) -> list[str]:
        sections = [self._section(section)] if section else [self.header, self.relative, *self.objects]
        return [it.value for sec in sections for it in sec if it.key == "COMMENT"]

    # -- typed accessors ---------------------------------------------------------------
    @property
    def version(self) -> str:
        return self.get("header", "CCSDS_CDM_VERS") or ""

    @property
    def message_id(self) -> str:
        return self.get("header", "MESSAGE_ID") or ""

    @property
    def tca(self) -> np.datetime64:
        return parse_ccsds_time(self.get("relative", "TCA") or "", what="TCA")

    @property
    def miss_distance_km(self) -> float:
        return self.get_float("relative", "MISS_DISTANCE") / 1e3

    @property
    def relative_speed_km_s(self) -> float:
        return self.get_float("relative", "RELATIVE_SPEED") / 1e3

    @property
    def collision_probability(self) -> float:
        """``COLLISION_PROBABILITY`` as written by the originator (NaN if absent)."""
        return self.get_float("relative", "COLLISION_PROBABILITY")

    @property
    def hbr_m(self) -> float:
        """Combined hard-body radius from ``COMMENT HBR = x [m]``, else CDM 2.0 ``HBR`` of both objects summed; NaN."""
        for text in self.comments():
            hbr = _hbr_comment(text)
            if hbr:
                scale = 1000.0 if hbr[1].lower() == "km" else 1.0
                return float(hbr[0]) * scale
        per_object = [self.get_float(f"object{k}", "HBR") for k in (1, 2)]
        if all(np.isfinite(per_object)):
            return float(sum(per_object))
        return float("nan")

    def designator(self, obj: int) -> str:
        return self.get(f"object{obj}", "OBJECT_DESIGNATOR") or ""

    def norad_id(self, obj: int) -> int | None:
        text = self.designator(obj).strip()
        return int(text) if text.isascii() and text.isdigit() and len(text) <= 18 else None

    def object_name(self, obj: int) -> str:
        return self.get(f"object{obj}", "OBJECT_NAME") or ""

    def ref_frame(self, obj: int) -> str:
        return self.get(f"object{obj}", "REF_FRAME") or ""

    def state(self, obj: int) -> FloatArray:
        """Object ``obj`` (1 or 2) state (6,) in km and km/s in its ``REF_FRAME``."""
        return np.array([self.get_float(f"object{obj}", k) for k in _STATE_KEYS])

    def covariance_rtn(self, obj: int) -> FloatArray:
        """Object ``obj`` RTN covariance (n, n) in the CDM's SI units (m, m/s, m^2/kg ...).

        n = 6, 7 (drag), 8 (SRP) or 9 (thrust) by the last row present; absent
        elements of a present row are NaN.
        """
        items = {it.key: it.value for it in self._section(f"object{obj}")}
        present = [ij for key, ij in _COV_RTN_KEYS.items() if key in items]
        n = max(6, 1 + max((i for i, _ in present), default=5))
        cov = np.full((n, n), np.nan)
        for key, (i, j) in _COV_RTN_KEYS.items():
            if key in items and i < n:
                text = items[key].strip()
                cov[i, j] = cov[j, i] = float(text) if text else np.nan
        return cov

    def covariance_inertial_km(self, obj: int) -> FloatArray:
        """Object ``obj`` 6x6 position/velocity covariance rotated to ``REF_FRAME`` axes, km and km/s."""
        return rtn_to_inertial(self.state(obj), self.covariance_rtn(obj)[:6, :6]) / 1e6

    def with_items(self, section: str, items: Iterable[CDMItem]) -> CDM:
        """A copy with one section replaced."""
        new = tuple(items)
        if section == "header":
            return replace(self, header=new)
        if section == "relative":
            return replace(self, relative=new)
        objs = list(self.objects)
        objs[0 if section == "object1" else 1] = new
        return replace(self, objects=(objs[0], objs[1]))


def _block_rotation(rot: FloatArray, n: int) -> FloatArray:
    big = np.zeros((n, n))
    for k in range(0, n, 3):
        big[k : k + 3, k : k + 3] = rot
    return big


def rtn_to_inertial(state: FloatArray, cov_rtn: FloatArray) -> FloatArray:
    """Rotate a 6x6 (or 3x3) RTN covariance to the inertial axes of ``state`` (6,).

    ``R = r/|r|``, ``N = r x v / |r x v|``, ``T = N x R`` (CCSDS 508.0-B-1 sec. 3.2:
    :func:`orbitwatch.constants.ric_basis`, the one RIC/RTN basis); the same rotation is
    applied to the position and velocity blocks (the frame's rotation rate is not applied
    to the velocity block, as in CARA's transforms).
    """
    state = np.asarray(state, dtype=np.float64)
    big = _block_rotation(ric_basis(state[:3], state[3:6]).T, cov_rtn.shape[0])
    return big @ cov_rtn @ big.T


def inertial_to_rtn(state: FloatArray, cov: FloatArray) -> FloatArray:
    """Inverse of :func:`rtn_to_inertial`: an inertial 6x6 (or 3x3) covariance to ``state``'s RTN axes."""
    state = np.asarray(state, dtype=np.float64)
    big = _block_rotation(ric_basis(state[:3], state[3:6]), cov.shape[0])
    return big @ cov @ big.T


def _num(x: Any) -> str:
    return repr(float(x))


def build_cdm(
    *,
    tca: np.datetime64,
    creation_date: np.datetime64,
    originator: str,
    message_id: str,
    states_km: Any,
    covariances_km2: Any,
    objects: Sequence[dict[str, str]] = ({}, {}),
    ref_frame: str = "EME2000",
    hbr_m: float | None = None,
    collision_probability: float | None = None,
    collision_probability_method: str | None = None,
    message_for: str | None = None,
    comments: Sequence[str] = (),
) -> CDM:
    """A CDM 1.0 for one conjunction from TCA states (2, 6) km, km/s and inertial covariances (2, 6, 6) km^2.

    The relative position and velocity are object 2 minus object 1 in object 1's RTN
    axes (CCSDS 508.0-B-1 sec. 3.5.1), covariances are written in each object's RTN in
    m, m/s.  ``objects`` gives per-object metadata (``OBJECT_DESIGNATOR``,
    ``OBJECT_NAME``, ``INTERNATIONAL_DESIGNATOR``, ...); missing mandatory metadata is
    filled with ``UNKNOWN`` / ``NONE`` / ``CALCULATED`` / ``N/A``.  The HBR goes in a
    ``COMMENT HBR = x [m]`` line, as CARA writes it.  The result passes the reader's
    validation (it is re-read before being returned).
    """
    from orbitwatch.times import format_utc

    states = np.asarray(states_km, dtype=np.float64).reshape(2, 6)
    covs = np.asarray(covariances_km2, dtype=np.float64).reshape(2, 6, 6)
    rot = ric_basis(states[0, :3], states[0, 3:])
    dr = (states[1, :3] - states[0, :3]) * 1e3
    dv = (states[1, 3:] - states[0, 3:]) * 1e3
    rel_r = rot @ dr
    rel_v = rot @ dv

    def t(x: np.datetime64) -> str:
        return str(format_utc(x, digits=6))[:-1]

    header = [CDMItem("CCSDS_CDM_VERS", "1.0"), CDMItem("CREATION_DATE", t(creation_date))]
    header.append(CDMItem("ORIGINATOR", originator))
    if message_for:
        header.append(CDMItem("MESSAGE_FOR", message_for))
    header.append(CDMItem("MESSAGE_ID", message_id))
    relative = [CDMItem("COMMENT", c) for c in comments]
    relative += [
        CDMItem("TCA", t(tca)),
        CDMItem("MISS_DISTANCE", _num(np.linalg.norm(dr)), "m"),
        CDMItem("RELATIVE_SPEED", _num(np.linalg.norm(dv)), "m/s"),
    ]
    for name, vec, unit in (("POSITION", rel_r, "m"), ("VELOCITY", rel_v, "m/s")):
        for axis, value in zip("RTN", vec, strict=True):
            relative.append(CDMItem(f"RELATIVE_{name}_{axis}", _num(value), unit))
    if collision_probability is not None:
        relative.append(CDMItem("COLLISION_PROBABILITY", _num(collision_probability)))
    if collision_probability_method:
        relative.append(CDMItem("COLLISION_PROBABILITY_METHOD", collision_probability_method))
    if hbr_m is not None:
        relative.append(CDMItem("COMMENT", f"HBR = {float(hbr_m):g} [m]"))
    defaults = {
        "OBJECT_DESIGNATOR": "UNKNOWN",
        "CATALOG_NAME": "SATCAT",
        "OBJECT_NAME": "UNKNOWN",
        "INTERNATIONAL_DESIGNATOR": "UNKNOWN",
        "EPHEMERIS_NAME": "NONE",
        "COVARIANCE_METHOD": "CALCULATED",
        "MANEUVERABLE": "N/A",
    }
    sections: list[tuple[CDMItem, ...]] = []
    units = ("m**2", "m**2/s", "m**2/s**2")
    for k in range(2):
        meta = {**defaults, **{key.upper(): str(v) for key, v in objects[k].items()}}
        items = [CDMItem("OBJECT", f"OBJECT{k + 1}")]
        for key in _METADATA_KEYS[1:]:
            if key == "REF_FRAME":
                items.append(CDMItem("REF_FRAME", ref_frame))
            elif key in meta:
                items.append(CDMItem(key, meta[key]))
        extra = set(meta) - set(_METADATA_KEYS)
        if extra:
            raise CDMError(f"not CDM metadata keywords: {sorted(extra)}", code="CDM_UNKNOWN_KEYWORD")
        for key, value, unit in zip(_STATE_KEYS, states[k], ("km",) * 3 + ("km/s",) * 3, strict=True):
            items.append(CDMItem(key, _num(value), unit))
        cov_rtn = inertial_to_rtn(states[k], covs[k]) * 1e6
        for i in range(6):
            for j in range(i + 1):
                items.append(CDMItem(covariance_keyword(i, j), _num(cov_rtn[i, j]), units[(i >= 3) + (j >= 3)]))
        sections.append(tuple(items))
    cdm = CDM(header=tuple(header), relative=tuple(relative), objects=(sections[0], sections[1]))
    return read_cdm_kvn(write_cdm_kvn(cdm))


# ---------------------------------------------------------------------------------------
# Validation shared by both syntaxes


def _known(key: str, section: str) -> bool:
    if key == "COMMENT" or key.startswith("USER_DEFINED_"):
        return True
    if section == "header":
        return key in _HEADER_KEYS
    if section == "relative":
        return key in _RELATIVE_KEYS
    return key in _OBJECT_KEYS


def _validate(cdm: CDM, lines: dict[int, dict[str, int]] | None = None) -> CDM:
    src = cdm.source

    def where(sec_index: int, key: str) -> int | None:
        return (lines or {}).get(sec_index, {}).get(key)

    sections = [
        ("header", cdm.header),
        ("relative", cdm.relative),
        ("object1", cdm.objects[0]),
        ("object2", cdm.objects[1]),
    ]
    for idx, (name, items) in enumerate(sections):
        for it in items:
            if not _known(it.key, name):
                raise CDMError(
                    f"keyword {_show(it.key)} is not defined for the {name} section of a CDM",
                    code="CDM_UNKNOWN_KEYWORD",
                    source=src,
                    line=where(idx, it.key),
                    field=it.key[:64],
                )
            if it.key == "COMMENT":
                hbr = _hbr_comment(it.value)
                if hbr is not None:
                    _check_number("HBR", hbr[0], src, None, comment=True)
            elif it.key in _NUMERIC_KEYS and it.value.strip() != "":
                _check_number(it.key, it.value, src, where(idx, it.key))
            elif it.key == "OBJECT_DESIGNATOR":
                text = it.value.strip()
                if text.isdigit() and not text.isascii():
                    raise CDMError(
                        f"OBJECT_DESIGNATOR {_show(text)} is written with non-ASCII digits",
                        code="CDM_NUMBER_FORMAT",
                        source=src,
                        line=where(idx, it.key),
                        field=it.key,
                    )
    for key in _MANDATORY_HEADER:
        _require(cdm, "header", key, src, "CDM_MISSING_KEYWORD")
    _require(cdm, "relative", "TCA", src, "CDM_MISSING_TCA")
    _require(cdm, "relative", "MISS_DISTANCE", src, "CDM_MISSING_KEYWORD")
    for key in ("TCA",):
        _check_time(cdm, "relative", key, src, where(1, key))
    _check_time(cdm, "header", "CREATION_DATE", src, where(0, "CREATION_DATE"))
    for k, obj in enumerate(("object1", "object2")):
        expect = f"OBJECT{k + 1}"
        if (cdm.get(obj, "OBJECT") or "").strip().upper() != expect:
            raise CDMError(f"object section {k + 1} is not {expect}", code="CDM_OBJECTS", source=src, field="OBJECT")
        for key in _MANDATORY_OBJECT:
            _require(cdm, obj, key, src, "CDM_MISSING_KEYWORD")
        for key in _STATE_KEYS:
            _require(cdm, obj, key, src, "CDM_MISSING_STATE_VECTOR")
        for key in _COV_RTN_6:
            _require(cdm, obj, key, src, "CDM_MISSING_COVARIANCE")
    return cdm


def _check_number(key: str, text: str, src: str | None, line: int | None, comment: bool = False) -> None:
    """A numeric value: parses, is not infinite (NaN is allowed) and lies in its physical range."""
    what = f"COMMENT HBR value {_show(text)}" if comment else f"{key} value {_show(text)}"
    try:
        x = float(text)
    except ValueError:
        raise CDMError(f"{what} is not a number", code="CDM_NUMBER_FORMAT", source=src, line=line,
                       field=key) from None
    if math.isinf(x):
        raise CDMError(f"{what} is infinite", code="CDM_NUMBER_FORMAT", source=src, line=line, field=key)
    if key == "COLLISION_PROBABILITY" and not (x != x or 0.0 <= x <= 1.0):
        raise CDMError(f"{what} is not a probability (0..1)", code="CDM_VALUE_RANGE", source=src, line=line,
                       field=key)
    if key in _NON_NEGATIVE_KEYS and x < 0.0:
        raise CDMError(f"{what} is negative", code="CDM_VALUE_RANGE", source=src, line=line, field=key)


def _require(cdm: CDM, section: str, key: str, src: str | None, code: str) -> None:
    value = cdm.get(section, key)
    if value is None:
        raise CDMError(f"mandatory keyword {key} missing from {section}", code=code, source=src, field=key)
    if value.strip() == "":
        raise CDMError(
            f"mandatory keyword {key} in {section} has no value", code="CDM_EMPTY_VALUE", source=src, field=key
        )


def _check_time(cdm: CDM, section: str, key: str, src: str | None, line: int | None) -> None:
    value = cdm.get(section, key)
    if value is None:
        return
    try:
        parse_ccsds_time(value, what=key)
    except TimeFormatError as exc:
        raise CDMError(exc.message[:400], code="CDM_TIME_FORMAT", source=src, line=line, field=key) from None


# ---------------------------------------------------------------------------------------
# KVN

def read_cdm_kvn(text: str, *, source: str | None = None) -> CDM:
    """Parse a KVN CDM (CCSDS 508.0-B-1 sec. 4); raises :class:`CDMError` (codes in module docstring)."""
    sections: list[list[CDMItem]] = [[], [], [], []]
    lines: dict[int, dict[str, int]] = {0: {}, 1: {}, 2: {}, 3: {}}
    current = 0
    n_objects = 0
    pending: list[CDMItem] = []  # comments join the section of the keyword that follows them
    for lineno, raw in enumerate(text.splitlines(), start=1):
        line = raw.strip().lstrip("\ufeff")
        if not line:
            continue
        if line.startswith("COMMENT") and (len(line) == 7 or line[7] in " \t="):
            pending.append(CDMItem("COMMENT", line[7:].strip()))
            continue
        parts = split_kvn(line)
        if parts is None:
            raise CDMError(f"not a 'KEY = value' line: {_show(line)}", code="CDM_SYNTAX", source=source,
                           line=lineno)
        key, rest, units = parts
        if key == "OBJECT":
            n_objects += 1
            if n_objects > 2:
                raise CDMError("more than two OBJECT sections", code="CDM_OBJECTS", source=source, line=lineno)
            current = 1 + n_objects
        elif current == 0 and key not in _HEADER_KEYS:
            current = 1
        sections[current].extend(pending)
        pending = []
        sections[current].append(CDMItem(key, rest, units))
        lines[current].setdefault(key, lineno)
    sections[current].extend(pending)
    if n_objects != 2:
        raise CDMError(
            f"a CDM has two OBJECT sections, found {n_objects}", code="CDM_OBJECTS", source=source, field="OBJECT"
        )
    cdm = CDM(
        header=tuple(sections[0]),
        relative=tuple(sections[1]),
        objects=(tuple(sections[2]), tuple(sections[3])),
        source=source,
    )
    return _validate(cdm, lines)


def _format_kvn_items(items: Sequence[CDMItem], width: int) -> list[str]:
    out = []
    for it in items:
        if it.key == "COMMENT":
            out.append(f"COMMENT {it.value}".rstrip())
            continue
        line = f"{it.key:<{width}} = {it.value}"
        if it.units is not None:
            line = f"{line:<{width + 28}} [{it.units}]"
        out.append(line.rstrip())
    return out


def write_cdm_kvn(cdm: CDM) -> str:
    """The CDM as KVN text (keywords padded to one column, units in brackets)."""
    every = [*cdm.header, *cdm.relative, *cdm.objects[0], *cdm.objects[1]]
    width = max((len(it.key) for it in every if it.key != "COMMENT"), default=8)
    lines: list[str] = []
    for section in (cdm.header, cdm.relative, *cdm.objects):
        lines.extend(_format_kvn_items(section, width))
    return "\n".join(lines) + "\n"


# ---------------------------------------------------------------------------------------
# XML


def _local(tag: str) -> str:
    return tag.rsplit("}", 1)[-1]


def _flatten(elem: ET.Element, out: list[CDMItem]) -> None:
    for child in elem:
        tag = _local(child.tag)
        if len(child) == 0:
            text = (child.text or "").strip()
            nil = any(_local(k) == "nil" and v.strip().lower() == "true" for k, v in child.attrib.items())
            units = child.attrib.get("units")
            out.append(CDMItem(tag, "" if nil else text, units))
        else:
            _flatten(child, out)


def _xml_root(text: str, source: str | None) -> ET.Element:
    """The root element, parsed with defusedxml and a depth limit (see module docstring)."""
    if not isinstance(text, str):
        text = bytes(text).decode("utf-8", "replace")
    bad = xml_declared_encoding_error(text)
    if bad:
        raise CDMError(bad, code="CDM_SYNTAX", source=source)
    parser = xml_pull_parser()
    depth = 0
    step = 1 << 16
    root: ET.Element | None = None

    def drain() -> None:
        nonlocal depth, root
        for event, elem in parser.read_events():  # type: ignore[misc]
            if event == "start":
                depth += 1
                if root is None:
                    root = elem  # type: ignore[assignment]
                if depth > MAX_XML_DEPTH:
                    raise CDMError(f"XML nested deeper than {MAX_XML_DEPTH} elements", code="CDM_SYNTAX",
                                   source=source)
            else:
                depth -= 1

    try:
        for k in range(0, max(len(text), 1), step):
            parser.feed(text[k : k + step])
            drain()
        parser.close()
        drain()
    except ET.ParseError as exc:
        raise CDMError(f"XML does not parse: {str(exc)[:200]}", code="CDM_SYNTAX", source=source) from None
    except DefusedXmlException as exc:
        raise CDMError(f"XML with a DTD, entity or external reference is refused ({type(exc).__name__})",
                       code="CDM_XML_FORBIDDEN", source=source) from None
    except (LookupError, UnicodeError, ValueError) as exc:
        raise CDMError(f"XML cannot be read: {str(exc)[:200]}", code="CDM_SYNTAX", source=source) from None
    if root is None:
        raise CDMError("XML holds no element", code="CDM_SYNTAX", source=source)
    return root


def read_cdm_xml(text: str, *, source: str | None = None) -> CDM:
    """Parse an XML CDM (CCSDS 508.0-B-1 XML schema); raises :class:`CDMError`."""
    root = _xml_root(text, source)
    if _local(root.tag).lower() != "cdm":
        raise CDMError(f"root element is <{_local(root.tag)[:64]}>, expected <cdm>", code="CDM_SYNTAX",
                       source=source)
    header: list[CDMItem] = []
    version = root.attrib.get("version")
    if version is not None:
        header.append(CDMItem("CCSDS_CDM_VERS", version))
    relative: list[CDMItem] = []
    objects: list[list[CDMItem]] = []
    for child in root:
        tag = _local(child.tag)
        if tag == "header":
            _flatten(child, header)
        elif tag == "body":
            for part in child:
                ptag = _local(part.tag)
                if ptag == "relativeMetadataData":
                    _flatten(part, relative)
                elif ptag == "segment":
                    items: list[CDMItem] = []
                    _flatten(part, items)
                    objects.append(items)
                else:
                    raise CDMError(f"unexpected element <{ptag[:64]}> in <body>", code="CDM_SYNTAX", source=source)
        else:
            raise CDMError(f"unexpected element <{tag[:64]}> in <cdm>", code="CDM_SYNTAX", source=source)
    if len(objects) != 2:
        raise CDMError(f"a CDM has two segments, found {len(objects)}", code="CDM_OBJECTS", source=source)
    cdm = CDM(
        header=tuple(header),
        relative=tuple(relative),
        objects=(tuple(objects[0]), tuple(objects[1])),
        source=source,
    )
    return _validate(cdm)


def _xml_leaf(it: CDMItem, indent: str) -> str:
    if it.key == "COMMENT":
        return f"{indent}<COMMENT>{escape(it.value)}</COMMENT>"
    attrs = f" units={quoteattr(it.units)}" if it.units is not None else ""
    return f"{indent}<{it.key}{attrs}>{escape(it.value)}</{it.key}>"


def _object_block(key: str) -> str:
    for name, keys in _XML_BLOCKS_OBJECT:
        if key in keys:
            return name
    if key in _COV_RTN_KEYS:
        return "covarianceMatrix"
    if key in _COV_XYZ_KEYS or key == "CSIG3EIGVEC3":
        return "additionalCovarianceMetadata" if False else "altCovarianceMatrix"
    return "additionalParameters"


def _blocks(items: Sequence[CDMItem], block_of: Any) -> list[tuple[str, list[CDMItem]]]:
    """Group items into consecutive blocks; a comment joins the block of the next keyword."""
    assigned: list[str] = []
    pending = 0
    last = None
    for it in items:
        if it.key == "COMMENT":
            pending += 1
            assigned.append("")
            continue
        blk = block_of(it.key)
        for k in range(pending):
            assigned[len(assigned) - 1 - k] = blk
        pending = 0
        assigned.append(blk)
        last = blk
    for k in range(pending):
        assigned[len(assigned) - 1 - k] = last or block_of("")
    groups: list[tuple[str, list[CDMItem]]] = []
    for blk, it in zip(assigned, items, strict=True):
        if groups and groups[-1][0] == blk:
            groups[-1][1].append(it)
        else:
            groups.append((blk, [it]))
    return groups


def write_cdm_xml(cdm: CDM) -> str:
    """The CDM as XML following the CDM 1.0 schema layout (header, relativeMetadataData, two segments)."""
    version = cdm.version or "1.0"
    out = [
        '<?xml version="1.0" encoding="UTF-8"?>',
        f'<cdm id="CCSDS_CDM_VERS" version={quoteattr(version)}>',
        "  <header>",
    ]
    header_items = [it for it in cdm.header if it.key != "CCSDS_CDM_VERS"]
    out += [_xml_leaf(it, "    ") for it in header_items]
    out += ["  </header>", "  <body>", "    <relativeMetadataData>"]
    rel_groups = _blocks(cdm.relative, lambda k: "relativeStateVector" if k in _RELATIVE_STATE_KEYS[1:] else "")
    for blk, group in rel_groups:
        if blk:
            out.append(f"      <{blk}>")
            out += [_xml_leaf(it, "        ") for it in group]
            out.append(f"      </{blk}>")
        else:
            out += [_xml_leaf(it, "      ") for it in group]
    out.append("    </relativeMetadataData>")
    for items in cdm.objects:
        out += ["    <segment>"]
        groups = _blocks(items, _object_block)
        in_data = False
        for blk, group in groups:
            if blk == "metadata":
                if in_data:
                    out.append("      </data>")
                    in_data = False
                out.append("      <metadata>")
                out += [_xml_leaf(it, "        ") for it in group]
                out.append("      </metadata>")
                continue
            if not in_data:
                out.append("      <data>")
                in_data = True
            out.append(f"        <{blk}>")
            out += [_xml_leaf(it, "          ") for it in group]
            out.append(f"        </{blk}>")
        if in_data:
            out.append("      </data>")
        out.append("    </segment>")
    out += ["  </body>", "</cdm>"]
    return "\n".join(out) + "\n"


def read_cdm(text: str, *, source: str | None = None) -> CDM:
    """Parse a CDM in either syntax (XML when the text starts with ``<``)."""
    if text.lstrip().lstrip("\ufeff").startswith("<"):
        return read_cdm_xml(text, source=source)
    return read_cdm_kvn(text, source=source)
