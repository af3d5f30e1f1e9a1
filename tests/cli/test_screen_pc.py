"""``orbitwatch screen --pc [--cdm-dir DIR]``: Pc per record and one CDM per conjunction.

The CDM that screening writes is read back by the independent CDM reader and ``orbitwatch
pc``, whose Foster Pc from the CDM's own states and RTN covariances must equal the Pc
screening reported (1e-9 relative: the same covariance written to and read from text).
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from orbitwatch.ccsds.cdm import read_cdm
from orbitwatch.cli import app

ARGS = ["screen", "--start", "2009-02-10T16:00:00Z", "--end", "2009-02-10T18:00:00Z", "--threshold-km", "5"]


def test_screen_pc_json_and_cdms(shared_data: Path, tmp_path: Path) -> None:
    catalog = str(shared_data / "fragmentation/parent-objects-pre-event.tle")
    out = CliRunner().invoke(app, [*ARGS, "--catalog", catalog, "--pc", "--format", "json", "--cdm-dir",
                                   str(tmp_path / "cdm")])
    assert out.exit_code == 0, out.output
    (record,) = json.loads(out.stdout)
    assert (record["norad_1"], record["norad_2"]) == (22675, 24946)
    assert record["pc_method"] == "foster" and record["hbr_m"] == 10.0
    assert record["covariance_source_1"] == record["covariance_source_2"] == "default"
    assert 0 < record["pc"] < 1
    (cdm_path,) = sorted((tmp_path / "cdm").glob("*.cdm"))
    cdm = read_cdm(cdm_path.read_text(), source=str(cdm_path))
    assert cdm is not None
    # the international designators of the TLEs' line 1 (columns 10-17: 93036A, 97051C)
    designators = [{i.key: i.value for i in obj}["INTERNATIONAL_DESIGNATOR"] for obj in cdm.objects]
    assert designators == ["1993-036A", "1997-051C"]
    assert record["hbr_source"] == "default"
    again = CliRunner().invoke(app, ["pc", str(cdm_path), "--json"])
    assert again.exit_code == 0, again.output
    (from_cdm,) = json.loads(again.stdout)
    assert from_cdm["pc"] == pytest.approx(record["pc"], rel=1e-9)
    assert from_cdm["miss_distance_km"] == pytest.approx(record["miss_distance_km"], abs=1e-6)


def test_screen_pc_bad_hbr_is_an_input_error(shared_data: Path) -> None:
    catalog = str(shared_data / "fragmentation/parent-objects-pre-event.tle")
    out = CliRunner().invoke(app, [*ARGS, "--catalog", catalog, "--pc", "--hbr-m", "-1"])
    assert out.exit_code == 3
    assert "INPUT_HBR" in out.output


def test_screen_pc_and_pc_apply_the_same_default_hbr(shared_data: Path, tmp_path: Path) -> None:
    """Issue 19: one default HBR rule.  Debris pairs of the Iridium 33 / Cosmos 2251 clouds get
    1 m + 1 m from ``screen --pc``; the CDMs it writes, with their HBR comment removed, get the
    same from ``orbitwatch pc`` (type from the object name there too), flagged as defaulted."""
    catalog = str(shared_data / "fragmentation/iridium-33-cosmos-2251-debris-2019-12-19.tle.gz")
    cdm_dir = tmp_path / "cdm"
    out = CliRunner().invoke(app, ["screen", "--catalog", catalog, "--start", "2019-12-19T00:00:00Z",
                                   "--duration-h", "1", "--threshold-km", "10", "--pc", "--format", "json",
                                   "--cdm-dir", str(cdm_dir)])
    assert out.exit_code == 0, out.output
    rows = json.loads(out.stdout)
    assert rows and all(r["hbr_m"] == 2.0 and r["hbr_source"] == "default" for r in rows)
    stripped = []
    for path in sorted(cdm_dir.glob("*.cdm"))[:5]:
        text = "\n".join(line for line in path.read_text().splitlines() if not line.startswith("COMMENT HBR"))
        target = tmp_path / path.name
        target.write_text(text + "\n")
        stripped.append(str(target))
    assert stripped
    recs = json.loads(CliRunner().invoke(app, ["pc", *stripped, "--json"]).stdout)
    for r in recs:
        assert r["hbr_m"] == 2.0 and r["hbr_defaulted"] is True and r["hbr_detail"] == "DEBRIS 1 m + DEBRIS 1 m"
