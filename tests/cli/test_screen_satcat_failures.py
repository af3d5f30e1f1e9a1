"""``screen --satcat``: names for catalogs without name lines; failures counted, the first listed.

* Names (issue 19, the report): the Iridium 33 / Cosmos 2251 pre-event TLEs with their name
  lines removed (as Space-Track's plain two-line catalogs come) have no names; with the
  staged Space-Track SATCAT the report names both objects as the SATCAT does (read here
  with ``json``, not orbitwatch's reader) and the CDMs carry the SATCAT's designators.
* Failures: a catalog of real 2025-04-15 element sets that the ``sgp4`` package itself
  cannot propagate at the window's start (decayed, eccentricity out of range), plus the
  ISS: stderr counts every one of them in one line and lists only the first ten.
"""

from __future__ import annotations

import gzip
import itertools
import json
from pathlib import Path

import pytest
from sgp4.api import Satrec, jday
from typer.testing import CliRunner

from orbitwatch.ccsds.cdm import read_cdm
from orbitwatch.cli import app
from orbitwatch.cli.screen_cmds import FAILURES_LISTED

runner = CliRunner()
SATCAT_CSV = "satcat/spacetrack-satcat-2026-01-19.csv.gz"
SATCAT_JSON = "satcat/spacetrack-satcat-2026-01-19.json.gz"
WINDOW = ["--start", "2009-02-10T16:00:00Z", "--end", "2009-02-10T18:00:00Z", "--threshold-km", "5"]


@pytest.fixture(scope="module")
def satcat_names(shared_data: Path) -> dict[int, tuple[str, str]]:
    with gzip.open(shared_data / SATCAT_JSON, "rt", encoding="utf-8") as f:
        rows = json.load(f)
    return {int(r["NORAD_CAT_ID"]): (r["SATNAME"], r["INTLDES"]) for r in rows
            if int(r["NORAD_CAT_ID"]) in (24946, 22675)}


def test_satcat_names_a_two_line_catalog(
    shared_data: Path, tmp_path: Path, satcat_names: dict[int, tuple[str, str]]
) -> None:
    lines = (shared_data / "fragmentation" / "parent-objects-pre-event.tle").read_text().splitlines()
    bare = tmp_path / "pair.tle"
    bare.write_text("\n".join(line for line in lines[:6] if line[:2] in ("1 ", "2 ")) + "\n")
    plain = runner.invoke(app, ["screen", "--catalog", str(bare), *WINDOW, "--format", "json"])
    assert plain.exit_code == 0, plain.output
    (row,) = json.loads(plain.stdout)
    assert row["name_1"] is None and row["name_2"] is None
    cdm_dir = tmp_path / "cdm"
    named = runner.invoke(app, ["screen", "--catalog", str(bare), *WINDOW, "--format", "json",
                                "--satcat", str(shared_data / SATCAT_CSV), "--pc", "--cdm-dir", str(cdm_dir)])
    assert named.exit_code == 0, named.output
    (row,) = json.loads(named.stdout)
    assert (row["name_1"], row["name_2"]) == (satcat_names[row["norad_1"]][0], satcat_names[row["norad_2"]][0])
    assert "2 of 2 objects named" in named.stderr
    (path,) = cdm_dir.glob("*.cdm")
    cdm = read_cdm(path.read_text(), source=str(path))
    for k, n in ((1, row["norad_1"]), (2, row["norad_2"])):
        assert cdm.get(f"object{k}", "OBJECT_NAME") == satcat_names[n][0]
        assert cdm.get(f"object{k}", "INTERNATIONAL_DESIGNATOR") == satcat_names[n][1]


def _failing_at(lines: list[str], when: tuple[int, int, int]) -> dict[int, tuple[str, str]]:
    jd, fr = jday(*when, 0, 0, 0.0)
    out: dict[int, tuple[str, str]] = {}
    for a, b in itertools.pairwise(lines):
        if a.startswith("1 ") and b.startswith("2 ") and a[2:7].strip().isdigit():
            e, _, _ = Satrec.twoline2rv(a, b).sgp4(jd, fr)
            if e != 0:
                out[int(a[2:7])] = (a, b)
    return out


def test_failures_are_counted_and_the_first_listed(shared_data: Path, tmp_path: Path) -> None:
    with gzip.open(shared_data / "catalog/spacetrack-tle-full-catalog-2025-04-15.tle.gz", "rt") as f:
        lines = f.read().splitlines()
    failing = _failing_at(lines, (2025, 4, 15))
    assert len(failing) > FAILURES_LISTED + 5
    iss = next((a, b) for a, b in itertools.pairwise(lines) if a.startswith("1 25544"))
    sub = tmp_path / "failing.tle"
    sub.write_text("".join(f"{a}\n{b}\n" for a, b in [iss, *failing.values()]))
    res = runner.invoke(app, ["screen", "--catalog", str(sub), "--start", "2025-04-15T00:00:00Z",
                              "--duration-h", "1", "--threshold-km", "5", "--format", "csv"])
    assert res.exit_code == 0, res.output
    err = res.stderr.splitlines()
    (count,) = [line for line in err if "failed to propagate" in line]
    assert count.startswith(f"warning {len(failing)} object(s) failed to propagate ({len(failing)} from the "
                            "window's start, 0 during it)"), count
    listed = [line for line in err if line.startswith("  ") and "(SGP4 code" in line]
    assert len(listed) == FAILURES_LISTED
    assert all(int(line.split(":")[0]) in failing for line in listed)
