"""Independent reference counts for catalog files, written without orbitwatch's parsers.

A few lines of plain Python over the raw text (column slices of the TLE format as
documented by CelesTrak, "NORAD Two-Line Element Set Format"; the header row of the
CelesTrak GP CSV), used to check what the store holds after an ingest:

* ``records``: element-set records in the file (TLE: lines starting ``"1 "``; CSV: data rows);
* ``keys``: the distinct identities of element sets (catalog number, epoch and the
  mean elements as numbers), so exact duplicates inside a file count once, as the
  store's UNIQUE identity does;
* ``objects``: distinct catalog numbers;
* ``epoch_min_us`` / ``epoch_max_us``: unix microseconds, computed exactly with
  ``Decimal`` (a TLE epoch has 8 decimals of a day = multiples of 864 us).
"""

from __future__ import annotations

import csv
import datetime as dt
import gzip
import io
from collections.abc import Iterator
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path

_UNIX0 = dt.datetime(1970, 1, 1)
_ALPHA5 = "ABCDEFGHJKLMNPQRSTUVWXYZ"  # Alpha-5 letters (I and O skipped): A=10 ... Z=33


@dataclass(frozen=True)
class FileCounts:
    records: int
    keys: frozenset[tuple[object, ...]]
    objects: frozenset[int]
    epoch_min_us: int
    epoch_max_us: int
    epochs_by_object: dict[int, list[int]]


def text_lines(path: Path) -> Iterator[str]:
    raw = path.read_bytes()
    if raw[:2] == b"\x1f\x8b":
        raw = gzip.decompress(raw)
    yield from io.StringIO(raw.decode("ascii"))


def catalog_number(field: str) -> int:
    s = field.strip()
    if s[0].isalpha():
        return (_ALPHA5.index(s[0]) + 10) * 10000 + int(s[1:])
    return int(s)


def implied(field: str) -> float:
    """``' 32610-3'`` -> 0.32610e-3 (TLE implied decimal point and exponent)."""
    s = field.strip()
    if not s:
        return 0.0
    sign = "-" if s[0] == "-" else ""
    s = s.lstrip("+-")
    mantissa, exp = s[:-2], s[-2:]
    return float(f"{sign}0.{mantissa.strip()}e{int(exp)}")


def tle_epoch_us(field: str) -> int:
    yy = int(field[:2])
    year = 1900 + yy if yy >= 57 else 2000 + yy
    day = Decimal(field[2:].strip())
    start_us = int((dt.datetime(year, 1, 1) - _UNIX0) / dt.timedelta(microseconds=1))
    frac_us = (day - 1) * 86_400_000_000
    assert frac_us == frac_us.to_integral_value(), field
    return start_us + int(frac_us)


def _finish(records: int, keys: set[tuple[object, ...]], epochs: dict[int, list[int]]) -> FileCounts:
    flat = [e for es in epochs.values() for e in es]
    return FileCounts(
        records=records,
        keys=frozenset(keys),
        objects=frozenset(epochs),
        epoch_min_us=min(flat),
        epoch_max_us=max(flat),
        epochs_by_object={k: sorted(set(v)) for k, v in epochs.items()},
    )


def tle_counts(path: Path) -> FileCounts:
    records = 0
    keys: set[tuple[object, ...]] = set()
    epochs: dict[int, list[int]] = {}
    l1 = ""
    for line in text_lines(path):
        if line.startswith("1 "):
            l1 = line
        elif line.startswith("2 "):
            records += 1
            norad = catalog_number(l1[2:7])
            epoch = tle_epoch_us(l1[18:32])
            keys.add(
                (
                    norad,
                    epoch,
                    float(line[52:63]),  # mean motion
                    float("0." + line[26:33].strip()),  # eccentricity
                    float(line[8:16]),  # inclination
                    float(line[17:25]),  # RAAN
                    float(line[34:42]),  # argument of perigee
                    float(line[43:51]),  # mean anomaly
                    implied(l1[53:61]),  # B*
                    float(l1[33:43]),  # ndot / 2
                    implied(l1[44:52]),  # nddot / 6
                )
            )
            epochs.setdefault(norad, []).append(epoch)
    return _finish(records, keys, epochs)


_CSV_ELEMENTS = (
    "MEAN_MOTION",
    "ECCENTRICITY",
    "INCLINATION",
    "RA_OF_ASC_NODE",
    "ARG_OF_PERICENTER",
    "MEAN_ANOMALY",
    "BSTAR",
    "MEAN_MOTION_DOT",
    "MEAN_MOTION_DDOT",
)


def csv_counts(path: Path) -> FileCounts:
    records = 0
    keys: set[tuple[object, ...]] = set()
    epochs: dict[int, list[int]] = {}
    for row in csv.DictReader(text_lines(path)):
        records += 1
        norad = int(row["NORAD_CAT_ID"])
        epoch = int((dt.datetime.fromisoformat(row["EPOCH"]) - _UNIX0) / dt.timedelta(microseconds=1))
        keys.add((norad, epoch, *(float(row[k]) for k in _CSV_ELEMENTS)))
        epochs.setdefault(norad, []).append(epoch)
    return _finish(records, keys, epochs)


def counts(path: Path) -> FileCounts:
    return csv_counts(path) if ".csv" in path.name else tle_counts(path)


def iso_us(us: int) -> str:
    """Unix microseconds as ``YYYY-MM-DDTHH:MM:SS.ffffffZ`` (plain datetime arithmetic)."""
    return (_UNIX0 + dt.timedelta(microseconds=us)).strftime("%Y-%m-%dT%H:%M:%S.%fZ")
