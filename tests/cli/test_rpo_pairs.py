"""``orbitwatch rpo --pairs --satcat`` on the blind 2019-12-19 full catalog (issue 11, acceptance 3).

Expected values from outside orbitwatch: the Space-Track SATCAT row of each object read
here with ``csv`` (COSMOS 2542 = 2019-079A and COSMOS 2543 = 2019-079D, one launch, owner
CIS), and the public date of the release of Kosmos 2543 from Kosmos 2542, 2019-12-06
(US Space Command statement of 2020-02-10; Hendrickx, The Space Review, 2020-02-10).
"""

from __future__ import annotations

import csv
import gzip
import json
from pathlib import Path

from typer.testing import CliRunner

from orbitwatch.cli import app

runner = CliRunner()


def _satcat_rows(path: Path, ids: set[int]) -> dict[int, dict[str, str]]:
    with gzip.open(path, "rt", encoding="utf-8") as f:
        return {int(r["NORAD_CAT_ID"]): r for r in csv.DictReader(f) if int(r["NORAD_CAT_ID"]) in ids}


def test_kosmos_2542_2543_is_a_same_launch_release(shared_data: Path) -> None:
    satcat = shared_data / "satcat" / "spacetrack-satcat-2026-01-19.csv.gz"
    res = runner.invoke(app, [
        "rpo", "--catalog", str(shared_data / "catalog" / "spacetrack-3le-full-catalog-2019-12-19.tle.gz"),
        "--regime", "leo", "--satcat", str(satcat), "--norad", "44797", "--pairs", "--format", "json"])
    assert res.exit_code == 0, res.output
    pairs = {(p["norad_1"], p["norad_2"]): p for p in json.loads(res.stdout)}
    assert len(pairs) == len(json.loads(res.stdout))  # each pair once
    p = pairs[(44797, 44835)]
    rows = _satcat_rows(satcat, {44797, 44835})
    assert rows[44797]["INTLDES"][:8] == rows[44835]["INTLDES"][:8] == "2019-079"
    assert p["classification"] == "same_launch"
    assert p["owner_1"] == rows[44797]["COUNTRY"] and p["owner_2"] == rows[44835]["COUNTRY"]
    rel = p["release"]
    assert rel["released_norad"] == 44835 and rel["carrier_norad"] == 44797
    # an honest interval: it holds the public release date and starts no earlier than the launch
    assert rel["interval_utc"]["start"] >= rows[44797]["LAUNCH"]
    assert rel["interval_utc"]["start"] <= "2019-12-06" <= rel["interval_utc"]["end"]
    assert p["min_range_uncertainty_km"] is not None


def test_pairs_table_shows_the_class(shared_data: Path) -> None:
    res = runner.invoke(app, [
        "rpo", "--catalog", str(shared_data / "catalog" / "spacetrack-3le-full-catalog-2019-12-19.tle.gz"),
        "--regime", "leo", "--satcat", str(shared_data / "satcat" / "spacetrack-satcat-2026-01-19.csv.gz"),
        "--norad", "44797", "--pairs", "--top", "1"])
    assert res.exit_code == 0, res.output
    assert "same_launch" in res.stdout and "44835" in res.stdout and "2019-11-25" in res.stdout
