"""``orbitwatch pc`` and ``orbitwatch cdm show|convert`` (contract of issue 4) on the staged CDMs.

Reference: the COLLISION_PROBABILITY that NASA CARA wrote into its CDM (FOSTER-1992, rounded to
4 significant digits): agreement within 0.5 % relative; TCA / miss / speed as written in the CDM.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from orbitwatch.ccsds.cdm import read_cdm
from orbitwatch.cli import app

runner = CliRunner()
HST = "cdm/cara-pc-test-cdms/000020580_conj_000002017_20230613_001923_20230608_063715.cdm"
KEYS = {
    "file",
    "norad_1",
    "norad_2",
    "tca_utc",
    "miss_distance_km",
    "relative_speed_km_s",
    "hbr_m",
    "method",
    "pc",
    "covariance_remediated",
    "usage_violations",
}


def test_pc_json_contract(shared_data: Path) -> None:
    path = shared_data / HST
    result = runner.invoke(app, ["pc", str(path), "--json"])
    assert result.exit_code == 0, result.output
    (rec,) = json.loads(result.stdout)
    assert set(rec) >= KEYS
    assert rec["norad_1"] == 20580 and rec["norad_2"] == 2017
    assert rec["tca_utc"] == "2023-06-13T00:19:23.766Z"
    assert rec["miss_distance_km"] == pytest.approx(12.303, abs=0.001)  # MISS_DISTANCE = 12303 [m]
    assert rec["relative_speed_km_s"] == pytest.approx(2.224, abs=0.001)  # RELATIVE_SPEED = 2224 [m/s]
    assert rec["hbr_m"] == 10.0 and rec["method"] == "foster"
    assert rec["pc"] == pytest.approx(1.862e-05, rel=5e-3)
    assert rec["covariance_remediated"] is False and rec["usage_violations"] == []


def test_pc_hbr_override_and_methods(shared_data: Path) -> None:
    path = shared_data / HST
    base = json.loads(runner.invoke(app, ["pc", str(path), "--json"]).stdout)[0]["pc"]
    big = json.loads(runner.invoke(app, ["pc", str(path), "--json", "--hbr-m", "20"]).stdout)[0]
    assert big["hbr_m"] == 20.0 and big["pc"] > 3.5 * base  # ~ HBR^2 scaling for small HBR
    chan = json.loads(runner.invoke(app, ["pc", str(path), "--json", "--method", "chan"]).stdout)[0]
    # Chan's equal-area series is an approximation for an elongated covariance: within 10 % here
    assert chan["method"] == "chan" and chan["pc"] == pytest.approx(base, rel=0.1)


def test_pc_table_and_bad_file(shared_data: Path) -> None:
    good = shared_data / HST
    bad = shared_data / "cdm" / "ccsds-cdm-examples" / "CDM-missing-TCA.txt"
    result = runner.invoke(app, ["pc", str(good), str(bad)])
    assert result.exit_code == 4  # ParseError family
    assert "1.8622e-05" in result.stdout
    assert "CDM_MISSING_TCA" in result.stderr
    bad_hbr = runner.invoke(app, ["pc", str(good), "--hbr-m", "0"])
    assert bad_hbr.exit_code == 3 and "INPUT_HBR" in bad_hbr.stderr
    missing = runner.invoke(app, ["pc", str(shared_data / "cdm" / "nope.cdm")])
    assert missing.exit_code == 3 and "INPUT_FILE" in missing.stderr


def test_cdm_show(shared_data: Path) -> None:
    result = runner.invoke(app, ["cdm", "show", str(shared_data / "cdm" / "ccsds-cdm-examples" / "CDMExample1.xml")])
    assert result.exit_code == 0, result.output
    assert "FENGYUN 1C DEB" in result.stdout
    assert "715 [m]" in result.stdout


@pytest.mark.parametrize("to", ["xml", "kvn"])
def test_cdm_convert_round_trip(shared_data: Path, tmp_path: Path, to: str) -> None:
    src = shared_data / HST
    out = tmp_path / f"out.{to}"
    result = runner.invoke(app, ["cdm", "convert", str(src), "--to", to, "--output", str(out)])
    assert result.exit_code == 0, result.output
    assert read_cdm(out.read_text()) == read_cdm(src.read_text())
    stdout = runner.invoke(app, ["cdm", "convert", str(src), "--to", to])
    assert read_cdm(stdout.stdout) == read_cdm(src.read_text())


def test_pc_bad_file_is_an_error_row_and_the_others_are_computed(shared_data: Path) -> None:
    """Issue 18: `pc A B C` with B unparseable: A and C computed, B one error row (JSON and table), exit 4."""
    good = shared_data / HST
    bad = shared_data / "cdm" / "ccsds-cdm-examples" / "CDM-missing-TCA.txt"
    other = shared_data / "cdm" / "cara-sample-cdms" / "OmitronTestCase_Test01_HighPc.cdm"
    result = runner.invoke(app, ["pc", str(good), str(bad), str(other), "--json"])
    assert result.exit_code == 4
    recs = json.loads(result.stdout, parse_constant=lambda c: (_ for _ in ()).throw(ValueError(c)))
    assert [Path(r["file"]).name for r in recs] == [good.name, bad.name, other.name]
    assert recs[1]["error_code"] == "CDM_MISSING_TCA" and recs[1]["pc"] is None and recs[1]["error"]
    assert recs[0]["pc"] == pytest.approx(1.862e-05, rel=5e-3)
    assert recs[2]["pc"] is not None and set(recs[2]) >= KEYS
    missing = runner.invoke(app, ["pc", str(good), str(shared_data / "cdm" / "nope.cdm"), "--json"])
    assert missing.exit_code == 3
    assert [r.get("error_code") for r in json.loads(missing.stdout)] == [None, "INPUT_FILE"]
    table = runner.invoke(app, ["pc", str(bad), str(good)])
    assert table.exit_code == 4 and "1.8622e-05" in table.stdout and "error" in table.stdout


def test_pc_defaulted_hbr_is_shown_with_its_source(shared_data: Path, tmp_path: Path) -> None:
    """Issue 19: the CSpOC CDM ION SCV-008 vs STARLINK-1233 states no HBR.  The screen --pc rule
    (risk/hbr.py) gives PAYLOAD 5 m + PAYLOAD 5 m = 10 m, flagged as defaulted in JSON and table."""
    path = shared_data / "cdm" / "ccsds-cdm-examples" / "ION_SCV8_vs_STARLINK_1233.txt"
    rec = json.loads(runner.invoke(app, ["pc", str(path), "--json"]).stdout)[0]
    assert rec["hbr_m"] == 10.0 and rec["hbr_source"] == "default" and rec["hbr_defaulted"] is True
    assert rec["hbr_detail"] == "PAYLOAD 5 m + PAYLOAD 5 m"
    table = runner.invoke(app, ["pc", str(path)])
    assert "10 default" in table.stdout
    # the message's own Pc (COLLISION_PROBABILITY = 0.004450713 in the CSpOC file) beside ours
    assert "4.4507e-03" in table.stdout and "CDM Pc" in table.stdout
    assert "HBR 'default'" in table.stderr and "--hbr-m" in table.stderr
    given = json.loads(runner.invoke(app, ["pc", str(shared_data / HST), "--json"]).stdout)[0]
    assert given["hbr_source"] == "cdm" and given["hbr_defaulted"] is False
    forced = json.loads(runner.invoke(app, ["pc", str(path), "--json", "--hbr-m", "7"]).stdout)[0]
    assert forced["hbr_m"] == 7.0 and forced["hbr_source"] == "--hbr-m" and forced["hbr_defaulted"] is False


def test_pc_hbr_table_for_a_cdm_without_hbr(shared_data: Path, tmp_path: Path) -> None:
    """With --hbr-table, CARA's table radius is used where it has one (20580 HST: 8.4 m) and the type
    default elsewhere: 2017 is blank in the table and its CDM has no OBJECT_TYPE, so its type comes from
    its name (DIAMANT R/B: rocket body, 5 m) as screen --pc does without a SATCAT."""
    text = (shared_data / HST).read_text()
    stripped = "\n".join(line for line in text.splitlines() if not line.startswith("COMMENT HBR")) + "\n"
    cdm_path = tmp_path / "no-hbr.cdm"
    cdm_path.write_text(stripped)
    table = shared_data / "cdm" / "cara-hbr-mass-estimates-20260601.csv.gz"
    rec = json.loads(runner.invoke(app, ["pc", str(cdm_path), "--json", "--hbr-table", str(table)]).stdout)[0]
    assert rec["hbr_source"] == "CARA table + default" and rec["hbr_defaulted"] is True
    assert read_cdm(stripped).get("object2", "OBJECT_TYPE") is None
    assert rec["hbr_detail"] == "20580 CARA table 8.4 m + ROCKET BODY 5 m"
    assert rec["hbr_m"] == pytest.approx(13.4)


def test_pc_fast_kernel_method(shared_data: Path) -> None:
    """--method elrod gives Foster's Pc (the fast kernel) with its error estimate."""
    path = shared_data / HST
    foster = json.loads(runner.invoke(app, ["pc", str(path), "--json"]).stdout)[0]
    fast = json.loads(runner.invoke(app, ["pc", str(path), "--json", "--method", "elrod"]).stdout)[0]
    assert fast["method"] == "elrod" and fast["pc"] == pytest.approx(foster["pc"], rel=1e-8)
    assert 0 <= fast["error_estimate"] <= 1e-6 * fast["pc"]
