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
