"""Docked and co-moving exclusions (issue 19, acceptance 2) on the real 2025-04-15 catalog.

The ISS over 7 days one-vs-all at 5 km on Space-Track's full catalog of 2025-04-15: the
raw screen holds one "approach" per orbit with each vehicle docked to the station
(published with one shared element set, at ~0 km/s).  The default exclusion must leave
exactly the real conjunctions.  Independent filter: the element sets' own TLE lines
(text, parsed by the ``sgp4`` package, not by orbitwatch) are compared field by field
for identical orbits, and the relative speed at each TCA is recomputed from ``sgp4``
states; a record is co-moving when that speed is below 10 m/s.  The CLI run on the
objects involved then prints the exclusion count and only the real conjunctions.
"""

from __future__ import annotations

import gzip
import itertools
import json
from pathlib import Path

import numpy as np
import pytest
from sgp4.api import Satrec, jday
from typer.testing import CliRunner

from orbitwatch.catalog.model import ElementTable
from orbitwatch.catalog.tle import parse_tle
from orbitwatch.cli import app
from orbitwatch.screening import ScreeningResult, screen
from orbitwatch.screening.exclusions import (
    REASON_CO_MOVING,
    REASON_IDENTICAL,
    split_co_moving,
)
from orbitwatch.sources.files import read_catalog_files
from orbitwatch.times import parse_utc

CATALOG = "catalog/spacetrack-tle-full-catalog-2025-04-15.tle.gz"
START = "2025-04-15T00:00:00Z"
ISS = 25544


@pytest.fixture(scope="module")
def iss_week(shared_data: Path) -> tuple[ScreeningResult, dict[int, tuple[str, str]]]:
    t0 = parse_utc(START)
    table, _ = read_catalog_files([shared_data / CATALOG], at=t0)
    result = screen(table, t0, t0 + np.timedelta64(7 * 86400, "s"), 5.0, primaries=[ISS], exclude_co_moving=True)
    ids = {ISS} | {c.norad_2 for c in result.conjunctions} | {c.norad_2 for c in result.excluded.conjunctions}
    # the TLE text of each involved object (the file holds one set per object)
    lines: dict[int, tuple[str, str]] = {}
    with gzip.open(shared_data / CATALOG, "rt") as f:
        text = f.read().splitlines()
    for a, b in itertools.pairwise(text):
        if a.startswith("1 ") and b.startswith("2 ") and a[2:7].strip().isdigit() and int(a[2:7]) in ids:
            lines[int(a[2:7])] = (a, b)
    assert set(lines) == ids
    return result, lines


def _independent_class(c: object, lines: dict[int, tuple[str, str]]) -> str:
    n1, n2 = c.norad_1, c.norad_2  # type: ignore[attr-defined]
    (a1, b1), (a2, b2) = lines[n1], lines[n2]
    # identical orbit: the same epoch (line 1 cols 19-32) and line 2 elements (cols 9-63)
    if a1[18:32] == a2[18:32] and b1[8:63] == b2[8:63]:
        return REASON_IDENTICAL
    tca = str(c.tca)  # type: ignore[attr-defined]
    y, mo, d = int(tca[0:4]), int(tca[5:7]), int(tca[8:10])
    hh, mm, ss = int(tca[11:13]), int(tca[14:16]), float(tca[17:])
    jd, fr = jday(y, mo, d, hh, mm, ss)
    v = []
    for a, b in ((a1, b1), (a2, b2)):
        e, _, vel = Satrec.twoline2rv(a, b).sgp4(jd, fr)
        assert e == 0
        v.append(np.array(vel))
    return REASON_CO_MOVING if np.linalg.norm(v[1] - v[0]) < 0.010 else "real"


def test_iss_week_shows_only_real_conjunctions(iss_week: tuple[ScreeningResult, dict[int, tuple[str, str]]]) -> None:
    result, lines = iss_week
    kept, excluded = result.conjunctions, result.excluded
    assert len(excluded.conjunctions) > 200  # six docked vehicles, one record per orbit, for a week
    assert 0 < len(kept) < 20
    for c in kept:
        assert _independent_class(c, lines) == "real", c
    for c, reason in zip(excluded.conjunctions, excluded.reasons, strict=True):
        assert _independent_class(c, lines) == reason, (c, reason)
    # the docked vehicles (Space-Track shares one set among them) differ from the ISS's own set
    assert excluded.counts[REASON_CO_MOVING] == len(excluded.conjunctions)
    # with the threshold at zero only the identical sets would go: none here
    kept_all, none = split_co_moving([*kept, *excluded.conjunctions], _table_of(result, lines), 0.0)
    assert len(kept_all) == len(kept) + len(excluded.conjunctions) and not none.conjunctions


def _table_of(result: ScreeningResult, lines: dict[int, tuple[str, str]]) -> ElementTable:

    return ElementTable.from_element_sets(parse_tle(a, b) for a, b in lines.values())


def test_identical_sets_are_excluded_whatever_the_speed(
    iss_week: tuple[ScreeningResult, dict[int, tuple[str, str]]], shared_data: Path,
) -> None:
    # two docked vehicles sharing one published set: identical, the first reason checked
    result, _ = iss_week
    table, _ = read_catalog_files([shared_data / CATALOG], at=parse_utc(START))
    docked = sorted({c.norad_2 for c in result.excluded.conjunctions})
    rows = [int(np.flatnonzero(table.norad_id == n)[0]) for n in docked[:2]]
    from orbitwatch.screening.exclusions import identical_element_sets

    assert identical_element_sets(table, [rows[0]], [rows[1]]).tolist() == [True]
    iss_row = int(np.flatnonzero(table.norad_id == ISS)[0])
    assert identical_element_sets(table, [iss_row], [rows[0]]).tolist() == [False]


def test_cli_prints_the_exclusion_count(
    iss_week: tuple[ScreeningResult, dict[int, tuple[str, str]]], tmp_path: Path,
) -> None:
    """The CLI default on the objects involved: the same real conjunctions, the count on stderr."""
    result, lines = iss_week
    sub = tmp_path / "iss-and-neighbours.tle"
    sub.write_text("".join(f"{a}\n{b}\n" for a, b in lines.values()))
    args = ["screen", "--catalog", str(sub), "--start", START, "--duration-h", "168", "--threshold-km", "5",
            "--primary", str(ISS), "--format", "json", "--sort", "tca"]
    res = CliRunner().invoke(app, args)
    assert res.exit_code == 0, res.output
    rows = json.loads(res.stdout)
    assert [(r["norad_2"], r["tca_utc"]) for r in rows] == [(c.norad_2, c.tca_utc) for c in result.conjunctions]
    n = len(result.excluded.conjunctions)
    assert f"excluded {n} record(s) of {result.excluded.pairs} pair(s)" in res.stderr
    assert "--include-co-moving" in res.stderr
    everything = CliRunner().invoke(app, [*args, "--include-co-moving"])
    assert everything.exit_code == 0, everything.output
    assert len(json.loads(everything.stdout)) == len(rows) + n
