"""``orbitwatch report``: an evidence package from the command line, and a command from its
README rerun in a fresh process prints the same number (issue 11 acceptance 6).

Case: the Iridium 33 / Cosmos 2251 collision from their last public pre-event TLEs.  The
README's fenced commands are read back from the README text (not from ``finding.json``),
run with ``python -m orbitwatch`` in a subprocess, and the value at the place
``finding.json`` names is compared with the package's number; independently, the miss
distance is the public 0.699 km (as ``tests/cli/test_screen_cmds.py`` checks).
"""

from __future__ import annotations

import csv
import gzip
import json
import re
import shlex
import subprocess
import sys
from pathlib import Path
from typing import Any

import numpy as np
from typer.testing import CliRunner

from orbitwatch.cli import app

from .evidence_check import GEO_HISTORY, PAIR, check_package
from .test_screen_owners import SATCAT, UCS, satcat_owners, ucs_rows

PARENTS = "fragmentation/parent-objects-pre-event.tle"
runner = CliRunner()


def _value(output: Any, r: dict[str, Any]) -> Any:
    for k in r["json_path"]:
        output = output[k]
    if isinstance(output, list):
        output = next(x for x in output if all(x.get(k) == v for k, v in (r["select"] or {}).items()))
    for k in r["key"].split("."):
        output = output[k]
    return output


def test_report_conjunction_and_rerun_readme_command(shared_data: Path, tmp_path: Path) -> None:
    out = tmp_path / "pkg"
    res = runner.invoke(app, ["report", "conjunction", "24946", "22675", "--catalog", str(shared_data / PARENTS),
                              "--start", "2009-02-10T16:00:00Z", "--duration-h", "2", "--threshold-km", "5",
                              "--output", str(out)])
    assert res.exit_code == 0, res.output
    assert {"finding.json", "index.html", "README.md", "range-ric.png", "scene.czml"} <= {p.name for p in out.iterdir()}
    doc = json.loads((out / "finding.json").read_text())
    assert abs(doc["finding"]["miss_distance_km"] - 0.699) <= 0.005
    readme = (out / "README.md").read_text()
    commands = re.findall(r"```\n\s*(orbitwatch .+)\n\s*```", readme)
    assert commands and len(commands) == len(doc["reproduce"])
    miss = next(r for r in doc["reproduce"] if r["key"] == "miss_distance_km")
    argv = shlex.split(commands[doc["reproduce"].index(miss)])
    proc = subprocess.run([sys.executable, "-m", "orbitwatch", *argv[1:]], capture_output=True, text=True,
                          timeout=300, check=False)
    assert proc.returncode == 0, proc.stderr
    printed = json.loads(proc.stdout)
    for r in doc["reproduce"]:  # one command serves all three numbers of a conjunction
        if r["argv"] == argv:
            assert _value(printed, r) == r["value"], r["quantity"]


def test_report_wrong_number_of_ids(shared_data: Path, tmp_path: Path) -> None:
    res = runner.invoke(app, ["report", "rpo", "24946", "--catalog", str(shared_data / PARENTS),
                              "--output", str(tmp_path / "x")])
    assert res.exit_code != 0 and "INPUT_INVALID" in res.output
    res = runner.invoke(app, ["report", "sighting", "24946", "--catalog", str(shared_data / PARENTS),
                              "--output", str(tmp_path / "x")])
    assert res.exit_code != 0 and "INPUT_INVALID" in res.output


def test_report_rpo_from_a_store_names_owners(shared_data: Path, tmp_path: Path) -> None:
    """From a store holding the SATCAT, the UCS database and the pair's GEO history: the
    package lists each object's owner as the SATCAT CSV has it (csv module) and UCS fields as
    the UCS CSV has them, the store's ingest log, and each element set's ingest time."""
    pair = tmp_path / "pair-omm.csv"
    with gzip.open(shared_data / GEO_HISTORY, "rt", newline="") as f, pair.open("w", newline="") as g:
        reader = csv.DictReader(f)
        assert reader.fieldnames is not None
        writer = csv.DictWriter(g, fieldnames=reader.fieldnames, lineterminator="\n")
        writer.writeheader()
        writer.writerows(r for r in reader if int(r["NORAD_CAT_ID"]) in PAIR)
    db = tmp_path / "ow.db"
    for path in (shared_data / SATCAT, shared_data / UCS, pair):
        res = runner.invoke(app, ["ingest", str(path), "--db", str(db)])
        assert res.exit_code == 0, res.output
    out = tmp_path / "rpo"
    res = runner.invoke(app, ["report", "rpo", "55841", "44476", "--db", str(db), "--output", str(out)])
    assert res.exit_code == 0, res.output
    doc = check_package(out)
    owners, ucs = satcat_owners(shared_data / SATCAT), ucs_rows(shared_data / UCS)
    assert [o["norad"] for o in doc["objects"]] == list(PAIR)
    for o in doc["objects"]:
        assert o["owner"] == owners[o["norad"]]
        rows = ucs.get(o["norad"], [])
        if len(rows) == 1:
            assert o["operator"] == rows[0]["Operator/Owner"] and o["users"] == rows[0]["Users"]
        elif not rows:
            assert o["operator"] is None
    assert doc["inputs"][0]["kind"] == "store" and len(doc["inputs"][0]["sources"]) == 3
    assert all(e["ingested_at_utc"] for e in doc["element_sets"])
    # every reproduce command (rpo, and propagate --history for each object) prints its number
    outputs: dict[tuple[str, ...], Any] = {}
    for r in doc["reproduce"]:
        argv = tuple(r["argv"])
        if argv not in outputs:
            res = runner.invoke(app, list(argv[1:]))
            assert res.exit_code == 0, res.output
            outputs[argv] = json.loads(res.stdout)
        assert _value(outputs[argv], r) == r["value"], r["quantity"]
    xyz = [np.array([_value(outputs[tuple(r["argv"])], r) for r in doc["reproduce"]
                     if r["select"] == {"norad": n}]) for n in PAIR]
    assert abs(float(np.linalg.norm(xyz[0] - xyz[1])) - doc["finding"]["min_range_km"]) <= 1e-3
