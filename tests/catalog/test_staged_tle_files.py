"""Every staged TLE/3LE file parses with zero rejects; counts and fields are checked independently.

Data: shared/data/catalog, fragmentation and history (MANIFEST.md).  Independent
references:

* the number of element sets = the number of lines starting with ``1 `` = the number
  starting with ``2 `` (a plain line count, no parsing), and the MANIFEST's published
  counts for the files it states them for;
* the distinct catalog numbers = the distinct strings in columns 3-7 of line 1;
* a sample of every 50th element set of every file agrees with
  ``sgp4.api.Satrec.twoline2rv`` on the same lines (the reference parser of Vallado et
  al. 2006): angles, eccentricity and mean motion to 1e-15 relative (double rounding),
  B*, ndot, nddot to 1e-15 relative, and the epoch to 1 microsecond;
* every sampled element set survives format_tle -> parse_tle unchanged.

The whole set (~446,000 element sets) is parsed once per module; the parse rate is
printed (run ``pytest -s``) but never asserted.
"""

from __future__ import annotations

import gzip
import math
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pytest
from sgp4.api import Satrec

from orbitwatch.catalog.model import ElementSet, Reject
from orbitwatch.catalog.reader import read_element_sets
from orbitwatch.catalog.tle import format_tle, parse_tle
from orbitwatch.times import jd_utc

SAMPLE_EVERY = 50

# Counts published in shared/data/MANIFEST.md.
MANIFEST_COUNTS = {
    "spacetrack-tle-full-catalog-2025-04-15.tle.gz": 27485,
    "celestrak-active-2025-04-15.tle.gz": 11304,
    "celestrak-active-2023-08-20.tle.gz": 8405,
    "spacetrack-3le-payloads-2026-06-10.tle.gz": 16032,
    "starlink-history-2026-05-24_30.tle.gz": 183263,
    "geo-history-2026-05-24_30.tle.gz": 11099,
    "stations-history-2026-05-24_30.tle.gz": 406,
    "military-history-2026-05-24_30.tle.gz": 463,
    "cosmos-1408-debris-2022-01-22.tle.gz": 1216,
    "cosmos-1408-debris-early-2021-11-30.tle": 105,
    "fengyun-1c-debris-2019-12-19.tle.gz": 2589,
    "iridium-33-cosmos-2251-debris-2019-12-19.tle.gz": 1327,
    "microsat-r-debris-2019-12-19.tle": 24,
    "TOPEX.tle.gz": 4136,
    "CryoSat-2.tle.gz": 4310,
    "celestrak-active-2023-07-04.tle.gz": 8109,
}


def _open(path: Path) -> Iterator[str]:
    opener = gzip.open if path.suffix == ".gz" else open
    with opener(path, "rt", encoding="ascii", newline="") as fh:  # type: ignore[operator]
        yield from fh


@dataclass
class FileResult:
    n_parsed: int
    n_line1: int
    n_line2: int
    ids_parsed: set[int]
    n_id_strings: int
    rejects: list[Reject]
    sample: list[tuple[ElementSet, str, str, str | None]]


def _staged_tle_files(root: Path) -> list[Path]:
    files = sorted((root / "catalog").glob("*.tle*"))
    files += sorted((root / "fragmentation").glob("*.tle*"))
    files += sorted((root / "history").glob("*/*.tle*"))
    return files


@pytest.fixture(scope="module")
def parsed(shared_data: Path) -> dict[str, FileResult]:
    files = _staged_tle_files(shared_data)
    assert len(files) == 8 + 6 + 6 + 4 + 15, [f.name for f in files]
    results: dict[str, FileResult] = {}
    total = 0
    elapsed = 0.0
    for path in files:
        # Independent count: raw lines, no parsing.
        n1 = n2 = 0
        id_strings: set[str] = set()
        raw: dict[int, str] = {}
        for ln, line in enumerate(_open(path), start=1):
            if line.startswith("1 "):
                n1 += 1
                id_strings.add(line[2:7].strip())
                if n1 % SAMPLE_EVERY == 1:
                    raw[ln] = line
            elif line.startswith("2 "):
                n2 += 1
                if ln - 1 in raw:
                    raw[ln] = line
            elif ln + 1 not in raw:
                raw[-ln] = line  # a possible name line, kept for the sample below
        rejects: list[Reject] = []
        t0 = time.perf_counter()
        n = 0
        ids: set[int] = set()
        sample = []
        for es in read_element_sets(_open(path), source=path.name, lenient=True, rejects=rejects):
            n += 1
            ids.add(es.norad_id)
            assert es.line is not None
            if es.line in raw:
                name_line = raw.get(-(es.line - 1))
                sample.append((es, raw[es.line], raw[es.line + 1], name_line))
        elapsed += time.perf_counter() - t0
        total += n
        results[path.name] = FileResult(n, n1, n2, ids, len(id_strings), rejects, sample)
    print(f"\nparsed {total} element sets from {len(files)} files in {elapsed:.2f} s "
          f"({total / elapsed:,.0f} element sets/s, including gzip decompression)")
    return results


def test_zero_rejects_and_counts_match_independent_line_counts(parsed: dict[str, FileResult]) -> None:
    for name, r in parsed.items():
        assert r.rejects == [], (name, r.rejects[:3])
        assert r.n_parsed == r.n_line1 == r.n_line2, name
        assert len(r.ids_parsed) == r.n_id_strings, name
    for name, count in MANIFEST_COUNTS.items():
        assert parsed[name].n_parsed == count, name


def test_alpha5_ids_in_the_2025_catalog(parsed: dict[str, FileResult]) -> None:
    r = parsed["spacetrack-tle-full-catalog-2025-04-15.tle.gz"]
    assert len(r.ids_parsed) == 27485  # MANIFEST: 27,485 objects
    assert sum(1 for i in r.ids_parsed if i > 99999) == 296  # MANIFEST: 296 Alpha-5 numbers


def test_sample_agrees_with_sgp4_twoline2rv(parsed: dict[str, FileResult]) -> None:
    xpdotp = 1440.0 / (2.0 * math.pi)
    n_checked = 0
    worst_epoch_us = 0.0
    for name, r in parsed.items():
        assert r.sample, name
        for es, l1, l2, _ in r.sample:
            if len(l1.rstrip()) == 70:
                continue  # the two-digit exponent quirk that twoline2rv misreads (see test_tle.py)
            sat = Satrec.twoline2rv(l1.rstrip(), l2.rstrip())
            where = f"{name}:{es.line}"
            assert es.norad_id == sat.satnum, where
            for ours, ref in (
                (math.radians(es.inclination_deg), sat.inclo),
                (math.radians(es.raan_deg), sat.nodeo),
                (math.radians(es.arg_perigee_deg), sat.argpo),
                (math.radians(es.mean_anomaly_deg), sat.mo),
                (es.eccentricity, sat.ecco),
                (es.mean_motion_rev_per_day / xpdotp, sat.no_kozai),
                (es.bstar_per_earth_radius, sat.bstar),
                (es.mean_motion_dot_rev_per_day2 / (xpdotp * 1440.0), sat.ndot),
                (es.mean_motion_ddot_rev_per_day3 / (xpdotp * 1440.0 * 1440.0), sat.nddot),
            ):
                assert ours == pytest.approx(ref, rel=1e-15, abs=1e-300), where
            jd, fr = jd_utc(es.epoch)
            diff_us = abs((float(jd) - sat.jdsatepoch) + (float(fr) - sat.jdsatepochF)) * 86400e6
            worst_epoch_us = max(worst_epoch_us, diff_us)
            assert diff_us < 1.0, where
            n_checked += 1
    print(f"\nsgp4 cross-check: {n_checked} element sets, worst epoch difference {worst_epoch_us:.3f} us")
    assert n_checked > 8000


def test_sample_round_trips_through_the_writer(parsed: dict[str, FileResult]) -> None:
    for name, r in parsed.items():
        for es, _, _, name_line in r.sample:
            l1, l2 = format_tle(es)
            again = parse_tle(l1, l2, name_line)
            assert again == es, f"{name}:{es.line}"
            assert again.name == es.name


def test_epochs_are_exact_multiples_of_864_us(parsed: dict[str, FileResult]) -> None:
    """8 decimals of a day are multiples of 864 us: the epoch keeps every digit."""
    for r in parsed.values():
        for es, l1, _, _ in r.sample:
            us = int(np.datetime64(es.epoch, "us").astype(np.int64))
            assert us % 864 == 0
            frac_digits = l1[24:32]
            assert (us % 86_400_000_000) // 864 == int(frac_digits)
