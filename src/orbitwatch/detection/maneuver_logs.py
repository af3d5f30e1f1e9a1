"""Operators' manoeuvre logs, read in their published formats, and detections scored against them.

The reference is the benchmark of Shorten et al. (2023), "Wide-scale Monitoring of
Satellite Lifetimes: Pitfalls and a Benchmark Dataset" (github
dpshorten/TLE_observation_benchmark_dataset), which publishes, for 15 satellites, the
operators' logs in three formats:

* **IDS / CNES** (``<sat>man.txt``, the International DORIS Service manoeuvre files: Jason,
  TOPEX, CryoSat-2, SARAL, Sentinel-3/6, Haiyang-2A).  One manoeuvre per line, blank
  separated::

      SAT  YYYY DDD HH MM  YYYY DDD HH MM  [CODE N  burn_1 ... burn_N]

  the manoeuvre's start and end (year, day of year 1..366, hour, minute, UTC), then
  optionally an identifier field and the number of burns ``N`` followed by ``N`` blocks of
  15 fields each: ``YYYY DDD HH MM SS.sss`` (burn time, UTC) and ten numbers (duration,
  acceleration and delta-v components; not used here).  TOPEX's file carries the nine
  header fields only.
* **CMA / NSMC** (``man<SAT>.txt.fy``, the China Meteorological Administration / National
  Satellite Meteorological Centre Fengyun logs)::

      GEO-EW-STATION-KEEPING 2012-002A "2019-01-15T16:00:00 CST" "2019-01-15T17:00:00 CST"

  type, COSPAR id, start and end in China Standard Time (UTC+8).  One published end time is
  written ``2015/12/23T23:59:59``; the separator is accepted.  ``GEO-ATTITUDE-CONTROL``
  lines are not orbit manoeuvres and are kept with that kind (the scorer drops them).
* **Benchmark YAML** (``manoeuvres_<Name>.yaml``): ``SATCAT number``, ``name`` and
  ``manoeuvre_timestamps`` (naive ``YYYY-MM-DD HH:MM:SS``), written by the benchmark's
  ``convert_man_files_to_yaml.py`` from the two formats above.  That script takes CMA times
  as they are (so they are CST) and builds IDS times as ``Jan 1 + timedelta(days=DDD)``,
  one day late for a 1-based day of year (checked line by line: CryoSat-2's
  ``2010 105 17 47`` is 2010-04-15, written ``2010-04-16 17:47``).  The reader undoes both
  (``origin="ids"``: minus one day; ``origin="cma"``: minus eight hours).

Scoring (:func:`score`): a detection at time ``d`` *can match* a logged manoeuvre starting
at ``b`` when ``0 <= d - b <= tolerance`` (TLE fits show a burn only after it).  Matching
is one-to-one and maximum: manoeuvres and detections are taken in time order and each
manoeuvre takes the earliest unmatched detection in its window; for windows of equal
length on a line this greedy choice is a maximum bipartite matching (exchange argument:
the earliest manoeuvre gains nothing from a later detection that a later manoeuvre could
use).  Precision = matched / detections, recall = matched / manoeuvres, F1 their harmonic
mean.  Logged manoeuvres that start within ``merge_h`` hours of the first of a cluster are
one manoeuvre (two burns an orbit or two apart fall between the same pair of element
sets and cannot be told apart from TLEs); the count before merging is reported too.
"""

from __future__ import annotations

import re
import shlex
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from orbitwatch.errors import ParseError
from orbitwatch.times import US_PER_DAY, UTC_DTYPE

__all__ = [
    "FILE_NAMES",
    "LoggedManeuver",
    "Score",
    "merge_close",
    "parse_benchmark_yaml",
    "parse_cma",
    "parse_ids",
    "read_log_dir",
    "score",
]

# Log file stem -> benchmark satellite name (the benchmark's convert_man_files_to_yaml.py).
FILE_NAMES: dict[str, str] = {
    "cs2man.txt": "CryoSat-2", "h2aman.txt": "Haiyang-2A", "ja1man.txt": "Jason-1",
    "ja2man.txt": "Jason-2", "ja3man.txt": "Jason-3", "s3aman.txt": "Sentinel-3A",
    "s3bman.txt": "Sentinel-3B", "s6aman.txt": "Sentinel-6A", "srlman.txt": "SARAL",
    "topman.txt": "TOPEX", "manFY2D.txt.fy": "Fengyun-2D", "manFY2E.txt.fy": "Fengyun-2E",
    "manFY2F.txt.fy": "Fengyun-2F", "manFY2H.txt.fy": "Fengyun-2H", "manFY4A.txt.fy": "Fengyun-4A",
}

_CST_OFFSET = np.timedelta64(8, "h")
_DAY = np.timedelta64(1, "D")
_BURN_FIELDS = 15


@dataclass(frozen=True)
class LoggedManeuver:
    """One logged manoeuvre: UTC ``start``/``end``, ``kind`` (the log's type, ``"burn"`` for IDS),
    the individual burn times where the log gives them, and where it was read."""

    satellite: str
    start: np.datetime64
    end: np.datetime64
    kind: str
    burns: tuple[np.datetime64, ...] = ()
    source: str = ""
    line: int = 0


def _doy_time(tokens: Sequence[str], source: str, line: int, seconds: bool = False) -> np.datetime64:
    try:
        year, doy, hour, minute = (int(tokens[0]), int(tokens[1]), int(tokens[2]), int(tokens[3]))
        sec = float(tokens[4]) if seconds else 0.0
    except (ValueError, IndexError) as exc:
        raise ParseError(f"bad IDS time {' '.join(tokens)!r}", code="MANLOG_TIME", source=source, line=line) from exc
    if not (1 <= doy <= 366 and 0 <= hour <= 23 and 0 <= minute <= 59 and 0.0 <= sec < 61.0):
        raise ParseError(f"IDS time out of range {' '.join(tokens)!r}", code="MANLOG_TIME", source=source, line=line)
    t = np.datetime64(f"{year:04d}-01-01", "us") + np.timedelta64(doy - 1, "D") + np.timedelta64(hour, "h") \
        + np.timedelta64(minute, "m") + np.timedelta64(round(sec * 1e6), "us")
    if t.astype("datetime64[Y]").astype(int) + 1970 != year:
        raise ParseError(f"day {doy} is past the end of {year}", code="MANLOG_TIME", source=source, line=line)
    return t


def parse_ids(lines: Iterable[str], *, source: str = "<ids>") -> list[LoggedManeuver]:
    """IDS/CNES manoeuvre file (format above) -> manoeuvres in file order."""
    out: list[LoggedManeuver] = []
    for n, raw in enumerate(lines, start=1):
        tok = raw.split()
        if not tok:
            continue
        if len(tok) < 9:
            raise ParseError(f"IDS line has {len(tok)} fields, needs at least 9", code="MANLOG_FORMAT",
                             source=source, line=n)
        start = _doy_time(tok[1:5], source, n)
        end = _doy_time(tok[5:9], source, n)
        burns: list[np.datetime64] = []
        if len(tok) > 9:
            try:
                nb = int(tok[10])
            except (ValueError, IndexError) as exc:
                raise ParseError("IDS burn count missing or not an integer", code="MANLOG_FORMAT",
                                 source=source, line=n) from exc
            if len(tok) != 11 + nb * _BURN_FIELDS:
                raise ParseError(f"IDS line announces {nb} burns but has {len(tok) - 11} burn fields "
                                 f"(expected {nb * _BURN_FIELDS})", code="MANLOG_FORMAT", source=source, line=n)
            for b in range(nb):
                blk = tok[11 + b * _BURN_FIELDS: 11 + (b + 1) * _BURN_FIELDS]
                burns.append(_doy_time(blk[:5], source, n, seconds=True))
        if end < start:
            raise ParseError("IDS manoeuvre ends before it starts", code="MANLOG_TIME", source=source, line=n)
        out.append(LoggedManeuver(tok[0], start, end, "burn", tuple(burns), source, n))
    return out


_CMA_TIME = re.compile(r"^(\d{4})[-/](\d{2})[-/](\d{2})T(\d{2}):(\d{2}):(\d{2}) CST$")


def _cst(text: str, source: str, line: int) -> np.datetime64:
    m = _CMA_TIME.match(text.strip())
    if m is None:
        raise ParseError(f"bad CMA time {text!r} (want YYYY-MM-DDTHH:MM:SS CST)", code="MANLOG_TIME",
                         source=source, line=line)
    y, mo, d, h, mi, s = m.groups()
    try:
        local = np.datetime64(f"{y}-{mo}-{d}T{h}:{mi}:{s}", "us")
    except ValueError as exc:
        raise ParseError(f"bad CMA date {text!r}", code="MANLOG_TIME", source=source, line=line) from exc
    return local - _CST_OFFSET


def parse_cma(lines: Iterable[str], *, source: str = "<cma>") -> list[LoggedManeuver]:
    """CMA/NSMC Fengyun manoeuvre log (format above) -> manoeuvres (UTC) in file order."""
    out: list[LoggedManeuver] = []
    for n, raw in enumerate(lines, start=1):
        if not raw.strip():
            continue
        try:
            tok = shlex.split(raw)
        except ValueError as exc:
            raise ParseError(f"unbalanced quotes: {exc}", code="MANLOG_FORMAT", source=source, line=n) from exc
        if len(tok) != 4:
            raise ParseError(f"CMA line has {len(tok)} fields, needs 4 (type, COSPAR id, start, end)",
                             code="MANLOG_FORMAT", source=source, line=n)
        start, end = _cst(tok[2], source, n), _cst(tok[3], source, n)
        if end < start:
            raise ParseError("CMA manoeuvre ends before it starts", code="MANLOG_TIME", source=source, line=n)
        out.append(LoggedManeuver(tok[1], start, end, tok[0], (), source, n))
    return out


_YAML_TS = re.compile(r"^- '?(\d{4}-\d{2}-\d{2})[ T](\d{2}:\d{2}:\d{2})'?$")


def parse_benchmark_yaml(text: str, *, origin: str, source: str = "<yaml>") -> tuple[str, int, list[LoggedManeuver]]:
    """Benchmark ``manoeuvres_<Name>.yaml`` -> (name, SATCAT number, manoeuvres in UTC).

    ``origin``: ``"ids"`` (times one day late, see the module docstring) or ``"cma"`` (CST).
    Only the three keys the benchmark writes are read; the timestamps carry no end, so
    ``end == start``.
    """
    if origin not in ("ids", "cma"):
        raise ParseError(f"origin must be 'ids' or 'cma', not {origin!r}", code="MANLOG_FORMAT", source=source)
    shift = _DAY if origin == "ids" else _CST_OFFSET
    name: str | None = None
    satcat: int | None = None
    times: list[LoggedManeuver] = []
    in_list = False
    for n, raw in enumerate(text.splitlines(), start=1):
        line = raw.rstrip()
        if not line:
            continue
        if line.startswith("- "):
            m = _YAML_TS.match(line)
            if not in_list or m is None:
                raise ParseError(f"unexpected list item {line!r}", code="MANLOG_FORMAT", source=source, line=n)
            try:
                t = np.datetime64(f"{m.group(1)}T{m.group(2)}", "us") - shift
            except ValueError as exc:
                raise ParseError(f"bad timestamp {line!r}", code="MANLOG_TIME", source=source, line=n) from exc
            times.append(LoggedManeuver("", t, t, "burn" if origin == "ids" else "logged", (), source, n))
            continue
        key, sep, value = line.partition(":")
        if not sep:
            raise ParseError(f"not a key: value line: {line!r}", code="MANLOG_FORMAT", source=source, line=n)
        in_list = key == "manoeuvre_timestamps"
        if key == "name":
            name = value.strip()
        elif key == "SATCAT number":
            try:
                satcat = int(value)
            except ValueError as exc:
                raise ParseError("SATCAT number is not an integer", code="MANLOG_FORMAT", source=source,
                                 line=n) from exc
        elif not in_list:
            raise ParseError(f"unknown key {key!r}", code="MANLOG_FORMAT", source=source, line=n)
    if name is None or satcat is None:
        raise ParseError("missing 'name' or 'SATCAT number'", code="MANLOG_FORMAT", source=source)
    return name, satcat, [LoggedManeuver(name, m.start, m.end, m.kind, (), m.source, m.line) for m in times]


def read_log_dir(path: str | Path) -> dict[str, list[LoggedManeuver]]:
    """Every log in a folder, by benchmark satellite name, sorted by start.

    Raw IDS (``*man.txt``) and CMA (``man*.txt.fy``) files are named in :data:`FILE_NAMES`;
    a benchmark YAML is used for a satellite only where its raw log is absent (Fengyun
    YAMLs are CMA-derived, the others IDS-derived).  Exact duplicate lines are dropped.
    """
    folder = Path(path)
    if not folder.is_dir():
        raise ParseError(f"{folder} is not a folder", code="MANLOG_FORMAT", source=str(folder))
    out: dict[str, list[LoggedManeuver]] = {}
    for fname, sat in FILE_NAMES.items():
        f = folder / fname
        if f.is_file():
            with f.open(encoding="ascii") as fh:
                rows = parse_cma(fh, source=f.name) if fname.endswith(".fy") else parse_ids(fh, source=f.name)
            out[sat] = [LoggedManeuver(sat, m.start, m.end, m.kind, m.burns, m.source, m.line) for m in rows]
    for f in sorted(folder.glob("manoeuvres_*.yaml")):
        stem = f.name[len("manoeuvres_"):-len(".yaml")]
        if stem in out:
            continue
        origin = "cma" if stem.startswith("Fengyun") else "ids"
        name, _, rows = parse_benchmark_yaml(f.read_text(encoding="ascii"), origin=origin, source=f.name)
        out[name] = rows
    for sat, rows in out.items():
        seen: set[tuple[int, int, str]] = set()
        uniq = []
        for m in sorted(rows, key=lambda r: int(r.start.astype(np.int64))):
            k = (int(m.start.astype(np.int64)), int(m.end.astype(np.int64)), m.kind)
            if k not in seen:
                seen.add(k)
                uniq.append(m)
        out[sat] = uniq
    return out


def merge_close(starts: Sequence[np.datetime64] | np.ndarray, merge_h: float) -> np.ndarray:
    """Sorted UTC starts -> cluster starts: a time within ``merge_h`` hours of the current
    cluster's first time joins it (no chaining)."""
    t = np.sort(np.asarray(starts, dtype=UTC_DTYPE))
    if t.size == 0:
        return t
    gap = np.timedelta64(round(merge_h * 3600e6), "us")
    keep = [t[0]]
    for x in t[1:]:
        if x - keep[-1] > gap:
            keep.append(x)
    return np.array(keep, dtype=UTC_DTYPE)


@dataclass(frozen=True)
class Score:
    """Precision / recall / F1 of detections against logged manoeuvres at one tolerance."""

    tolerance_days: float
    logged: int
    detected: int
    matched: int
    matched_pairs: list[tuple[int, int]] = field(default_factory=list)

    @property
    def precision(self) -> float:
        return self.matched / self.detected if self.detected else 0.0

    @property
    def recall(self) -> float:
        return self.matched / self.logged if self.logged else 0.0

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r > 0 else 0.0

    def to_dict(self) -> dict[str, float | int]:
        return {"tolerance_days": self.tolerance_days, "logged": self.logged, "detected": self.detected,
                "matched": self.matched, "precision": round(self.precision, 4), "recall": round(self.recall, 4),
                "f1": round(self.f1, 4)}


def score(logged: Sequence[np.datetime64] | np.ndarray, detected: Sequence[np.datetime64] | np.ndarray,
          tolerance_days: float) -> Score:
    """One-to-one maximum matching of detections to logged manoeuvres (rule in the module
    docstring): ``0 <= detected - logged <= tolerance_days``.  ``matched_pairs`` holds
    (index into sorted logged, index into sorted detected)."""
    b = np.sort(np.asarray(logged, dtype=UTC_DTYPE)).astype(np.int64)
    d = np.sort(np.asarray(detected, dtype=UTC_DTYPE)).astype(np.int64)
    tol = round(tolerance_days * US_PER_DAY)
    used = np.zeros(d.shape[0], dtype=bool)
    pairs: list[tuple[int, int]] = []
    for i, bi in enumerate(b):
        j = int(np.searchsorted(d, bi, side="left"))
        while j < d.shape[0] and d[j] - bi <= tol:
            if not used[j]:
                used[j] = True
                pairs.append((i, j))
                break
            j += 1
    return Score(tolerance_days, int(b.shape[0]), int(d.shape[0]), len(pairs), pairs)
