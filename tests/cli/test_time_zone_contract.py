"""Issue 2's CLI contract: every command that takes a time rejects one without a zone.

"Times are ISO 8601 UTC (2025-04-15T00:00:00Z); a time without a zone is an error, not a
guess."  Each command below gets one zone-less time and must exit 3 (input error) with
the stable code TIME_FORMAT on stderr and no traceback.  Data: the two-object
Iridium 33 / Cosmos 2251 pre-event file of shared/data/fragmentation (MANIFEST.md).
"""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from orbitwatch.cli import app

NAIVE = "2009-02-10T00:00:00"
AWARE = "2009-02-10T06:00:00Z"


def _commands(cat: list[str], sites: str) -> dict[str, list[str]]:
    return {
        "propagate --start": ["propagate", "24946", *cat, "--start", NAIVE, "--end", AWARE, "--step-s", "60"],
        "propagate --end": ["propagate", "24946", *cat, "--start", "2009-02-10T00:00:00Z", "--end",
                            "2009-02-10T06:00:00", "--step-s", "60"],
        "screen --start": ["screen", *cat, "--start", NAIVE, "--duration-h", "1", "--threshold-km", "5"],
        "passes --start": ["passes", *cat, "--norad", "24946", "--site", "10,10", "--start", NAIVE, "--end", AWARE],
        "exposure --end": ["exposure", *cat, "--norad", "24946", "--sites", sites, "--start",
                           "2009-02-10T00:00:00Z", "--end", "2009-02-10T06:00:00"],
        "contacts --start": ["contacts", *cat, "--norad", "24946", "--stations", sites, "--start", NAIVE,
                             "--end", AWARE],
        "maneuvers --since": ["maneuvers", *cat, "--since", NAIVE],
        "breakup simulate --epoch": ["breakup", "simulate", "--parent", "24946", "--epoch", NAIVE,
                                     "--mass-kg", "556", *cat],
        "breakup detect --since": ["breakup", "detect", "--before", cat[1], "--after", cat[1], "--since", NAIVE],
    }


@pytest.mark.parametrize("which", list(_commands(["--catalog", "x"], "y")))
def test_zone_less_time_is_time_format_error(shared_data: Path, which: str) -> None:
    cat = ["--catalog", str(shared_data / "fragmentation" / "parent-objects-pre-event.tle")]
    sites = str(shared_data / "ground-stations" / "ksat.geojson")
    res = CliRunner().invoke(app, _commands(cat, sites)[which])
    assert res.exit_code == 3, (which, res.output)
    assert "TIME_FORMAT" in res.stderr and "Traceback" not in res.output
