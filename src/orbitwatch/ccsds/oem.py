"""CCSDS Orbit Ephemeris Message (OEM), KVN encoding: writer and a simple reader.

Follows CCSDS 502.0-B-2, *Orbit Data Messages* (Blue Book, 2009), sec. 5 (OEM) and
sec. 7 (KVN syntax); files are written as ``CCSDS_OEM_VERS = 2.0``, which 502.0-B-3
readers also accept.  One segment per object: metadata block (``OBJECT_NAME``,
``OBJECT_ID``, ``CENTER_NAME``, ``REF_FRAME``, ``TIME_SYSTEM``, ``START_TIME``,
``STOP_TIME``) then ephemeris data lines ``epoch x y z x_dot y_dot z_dot`` in km and
km/s.  Reference-frame names are the SANA registry values that CCSDS ODMs use
(:data:`CCSDS_REF_FRAMES`): ``TEME``, ``ITRF`` (the current realisation), ``GCRF``,
``EME2000``.  Times are UTC, written ``YYYY-MM-DDThh:mm:ss.ffffff`` (CCSDS ASCII time
code A, no zone letter).

Object-times that failed to propagate (NaN states) cannot be carried by an OEM: the
writer leaves those rows out and a segment with no valid row is left out entirely.

The reader handles what the writer writes plus comments, blank lines, optional header
and metadata keywords and covariance blocks (skipped).  Errors are
:class:`~orbitwatch.errors.OEMError` (a :class:`~orbitwatch.errors.ParseError`) with codes:

``OEM_FORMAT``          a line that is not a keyword, a data line or a block marker; a data
                        line without 7 (or 10) fields; a TIME_SYSTEM other than UTC
``OEM_MISSING_KEYWORD`` a mandatory header or metadata keyword is absent
``OEM_NUMBER_FORMAT``   a state component that is not a number, or is not finite (NaN, inf):
                        an OEM carries only propagated states (sec. 5.2.4), the writer leaves
                        failed ones out
``OEM_TIME_FORMAT``     an epoch that is not a CCSDS / ISO 8601 time
``OEM_TIME_ORDER``      data-line epochs of a segment that do not increase (sec. 5.2.4:
                        ephemeris data lines are in increasing time order)
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np
import numpy.typing as npt

from orbitwatch.ccsds import split_kvn
from orbitwatch.errors import InputError, OEMError, OrbitwatchError
from orbitwatch.times import UTC_DTYPE, parse_ccsds_time

__all__ = [
    "CCSDS_REF_FRAMES",
    "OEMHeader",
    "OEMSegment",
    "read_oem",
    "write_oem",
]

# orbitwatch frame name -> CCSDS / SANA REF_FRAME value.
CCSDS_REF_FRAMES = {"teme": "TEME", "itrf": "ITRF", "gcrs": "GCRF", "eme2000": "EME2000"}

_STATE_NAMES = ("X", "Y", "Z", "X_DOT", "Y_DOT", "Z_DOT")
_REQUIRED_META = ("OBJECT_NAME", "OBJECT_ID", "CENTER_NAME", "REF_FRAME", "TIME_SYSTEM",
                  "START_TIME", "STOP_TIME")


@dataclass(frozen=True)
class OEMSegment:
    """One object's ephemeris: ``times (T,)`` UTC, ``r_km (T, 3)``, ``v_km_s (T, 3)``."""

    object_name: str
    object_id: str
    ref_frame: str
    times: npt.NDArray[np.datetime64]
    r_km: npt.NDArray[np.float64]
    v_km_s: npt.NDArray[np.float64]
    center_name: str = "EARTH"
    time_system: str = "UTC"
    comments: tuple[str, ...] = ()


@dataclass(frozen=True)
class OEMHeader:
    version: str
    creation_date: np.datetime64
    originator: str
    comments: tuple[str, ...] = field(default=())


def _fmt_time(t: np.datetime64) -> str:
    return str(np.datetime_as_string(np.asarray(t, dtype=UTC_DTYPE), unit="us"))


def write_oem(
    segments: Sequence[OEMSegment],
    *,
    creation_date: np.datetime64,
    originator: str = "ORBITWATCH",
    comments: Sequence[str] = (),
) -> str:
    """KVN text of an OEM holding ``segments`` (rows with NaN states are left out).

    ``creation_date`` is explicit (no hidden clock).  Raises :class:`InputError` when
    a segment's arrays disagree in shape or ``times`` is not ascending.
    """
    out = [
        "CCSDS_OEM_VERS = 2.0",
        *(f"COMMENT {c}" for c in comments),
        f"CREATION_DATE = {_fmt_time(creation_date)}",
        f"ORIGINATOR = {originator}",
    ]
    for seg in segments:
        t = np.asarray(seg.times, dtype=UTC_DTYPE)
        r = np.asarray(seg.r_km, dtype=np.float64)
        v = np.asarray(seg.v_km_s, dtype=np.float64)
        if t.ndim != 1 or r.shape != (t.shape[0], 3) or v.shape != r.shape:
            raise InputError(
                f"OEM segment {seg.object_name}: times {t.shape}, r {r.shape}, v {v.shape} do not match",
                field="segments",
            )
        if t.shape[0] > 1 and np.any(np.diff(t.astype(np.int64)) <= 0):
            raise InputError(f"OEM segment {seg.object_name}: times must increase", field="times")
        ok = np.isfinite(r).all(axis=1) & np.isfinite(v).all(axis=1)
        if not ok.any():
            continue
        t, r, v = t[ok], r[ok], v[ok]
        out += [
            "",
            "META_START",
            *(f"COMMENT {c}" for c in seg.comments),
            f"OBJECT_NAME = {seg.object_name}",
            f"OBJECT_ID = {seg.object_id}",
            f"CENTER_NAME = {seg.center_name}",
            f"REF_FRAME = {seg.ref_frame}",
            f"TIME_SYSTEM = {seg.time_system}",
            f"START_TIME = {_fmt_time(t[0])}",
            f"STOP_TIME = {_fmt_time(t[-1])}",
            "META_STOP",
            "",
        ]
        times_txt = np.datetime_as_string(t, unit="us")
        out += [
            f"{ts} {x:.6f} {y:.6f} {z:.6f} {vx:.9f} {vy:.9f} {vz:.9f}"
            for ts, (x, y, z), (vx, vy, vz) in zip(times_txt, r, v, strict=True)
        ]
    return "\n".join(out) + "\n"


def _time(text: str, source: str | None, line: int) -> np.datetime64:
    try:
        return parse_ccsds_time(text.strip())
    except OrbitwatchError:
        raise OEMError(f"{text.strip()[:200]!r} is not a CCSDS time", code="OEM_TIME_FORMAT", source=source,
                       line=line) from None


def _segment_times(rows: list[list[str]], row_lines: list[int], source: str | None) -> npt.NDArray[np.datetime64]:
    """The epochs of a segment's data lines, refused unless strictly increasing."""
    times = np.array([_time(r[0], source, ln) for r, ln in zip(rows, row_lines, strict=True)],
                     dtype=UTC_DTYPE).reshape(len(rows))
    if len(rows) > 1:
        step = np.diff(times.astype(np.int64))
        if (step <= 0).any():
            k = int(np.argmax(step <= 0)) + 1
            raise OEMError(f"epoch {_fmt_time(times[k])} does not come after {_fmt_time(times[k - 1])}: "
                           "data lines must be in increasing time order", code="OEM_TIME_ORDER",
                           source=source, line=row_lines[k], field="EPOCH")
    return times


def _segment_states(rows: list[list[str]], row_lines: list[int], source: str | None) -> npt.NDArray[np.float64]:
    """The ``(n, 6)`` position/velocity of a segment's data lines (accelerations ignored)."""
    states = np.empty((len(rows), 6))
    for i, (r, ln) in enumerate(zip(rows, row_lines, strict=True)):
        if len(r) not in (7, 10):
            raise OEMError(f"data line has {len(r)} fields, expected 7 (or 10 with accelerations)",
                           code="OEM_FORMAT", source=source, line=ln)
        try:
            states[i] = [float(x) for x in r[1:7]]
        except ValueError:
            raise OEMError("data line holds a non-number", code="OEM_NUMBER_FORMAT", source=source,
                           line=ln) from None
        if not np.isfinite(states[i]).all():
            bad = int(np.argmin(np.isfinite(states[i])))
            raise OEMError(f"state component {_STATE_NAMES[bad]} = {r[1 + bad][:40]!r} is not finite",
                           code="OEM_NUMBER_FORMAT", source=source, line=ln, field=_STATE_NAMES[bad])
    return states


def _segment(meta: dict[str, str], *, comments: list[str], rows: list[list[str]], row_lines: list[int],
             source: str | None) -> OEMSegment:
    """One metadata block and its data lines as a segment (UTC only)."""
    for key in _REQUIRED_META:
        if key not in meta:
            raise OEMError(f"metadata block lacks {key}", code="OEM_MISSING_KEYWORD", source=source,
                           field=key)
    if meta["TIME_SYSTEM"].upper() != "UTC":
        raise OEMError(f"TIME_SYSTEM {meta['TIME_SYSTEM'][:40]!r} is not supported (UTC only)",
                       code="OEM_FORMAT", source=source, field="TIME_SYSTEM")
    times = _segment_times(rows, row_lines, source)
    states = _segment_states(rows, row_lines, source)
    return OEMSegment(
        object_name=meta["OBJECT_NAME"], object_id=meta["OBJECT_ID"], ref_frame=meta["REF_FRAME"],
        times=times, r_km=states[:, :3], v_km_s=states[:, 3:], center_name=meta["CENTER_NAME"],
        time_system=meta["TIME_SYSTEM"], comments=tuple(comments),
    )


def read_oem(text: str, *, source: str | None = None) -> tuple[OEMHeader, list[OEMSegment]]:
    """Parse OEM KVN text -> ``(header, segments)``.  UTC time system only."""
    header: dict[str, str] = {}
    head_comments: list[str] = []
    segments: list[OEMSegment] = []
    meta: dict[str, str] | None = None
    meta_comments: list[str] = []
    rows: list[list[str]] = []
    row_lines: list[int] = []
    in_meta = in_cov = False

    def flush() -> None:
        if meta is not None:
            segments.append(_segment(meta, comments=meta_comments, rows=rows, row_lines=row_lines, source=source))

    for ln, raw in enumerate(text.splitlines(), start=1):
        s = raw.strip()
        if not s:
            continue
        if s.startswith("COMMENT"):
            (meta_comments if in_meta else head_comments if meta is None else []).append(s[7:].strip())
            continue
        if s == "META_START":
            flush()
            meta, meta_comments, rows, row_lines, in_meta = {}, [], [], [], True
            continue
        if s == "META_STOP":
            if not in_meta:
                raise OEMError("META_STOP without META_START", code="OEM_FORMAT", source=source, line=ln)
            in_meta = False
            continue
        if s == "COVARIANCE_START":
            in_cov = True
            continue
        if s == "COVARIANCE_STOP":
            in_cov = False
            continue
        if in_cov:
            continue
        kv = split_kvn(s) if "=" in s and (in_meta or meta is None) else None
        if kv is not None:
            (meta if in_meta and meta is not None else header)[kv[0].upper()] = kv[1]
            continue
        if meta is None or in_meta:
            shown = repr(s[:40]) if s.isprintable() and "\ufffd" not in s else "(not printable text: not shown)"
            raise OEMError(f"unexpected line {shown}", code="OEM_FORMAT", source=source, line=ln)
        rows.append(s.split())
        row_lines.append(ln)
    flush()
    for key in ("CCSDS_OEM_VERS", "CREATION_DATE", "ORIGINATOR"):
        if key not in header:
            raise OEMError(f"header lacks {key}", code="OEM_MISSING_KEYWORD", source=source, field=key)
    hdr = OEMHeader(
        version=header["CCSDS_OEM_VERS"],
        creation_date=_time(header["CREATION_DATE"], source, 0),
        originator=header["ORIGINATOR"],
        comments=tuple(head_comments),
    )
    return hdr, segments
