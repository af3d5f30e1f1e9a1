"""``orbitwatch breakup ...``: the CLI contract (JSON keys, files written, exit codes).

Numbers are checked against the public record in tests/detection/test_fragmentation.py;
here the shell must pass them through unchanged and write readable outputs.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from sgp4.api import Satrec
from typer.testing import CliRunner

from orbitwatch.cli import app

runner = CliRunner()
PNG = b"\x89PNG\r\n\x1a\n"


@pytest.fixture(scope="module")
def frag(shared_data: Path) -> Path:
    return shared_data / "fragmentation"


def test_reconstruct_json_contract(frag: Path, tmp_path: Path) -> None:
    plot, gab = tmp_path / "conv.png", tmp_path / "gabbard.png"
    res = runner.invoke(app, [
        "breakup", "reconstruct", "--catalog", str(frag / "cosmos-1408-debris-early-2021-11-30.tle"),
        "--parent", "13552", "--parent-elements", str(frag / "parent-objects-pre-event.tle"),
        "--json", "--plot", str(plot), "--gabbard", str(gab),
    ])
    assert res.exit_code == 0, res.output
    d = json.loads(res.stdout)
    for key in ("parent_norad", "event_epoch_utc", "epoch_uncertainty_s", "latitude_deg", "longitude_deg",
                "altitude_km", "fragments", "delta_v_m_s"):
        assert key in d
    assert set(d["delta_v_m_s"]) == {"median", "p90", "max"}
    assert d["parent_norad"] == 13552
    assert d["fragments"] == 103  # 105 objects less COSMOS 1408 and the 1982 SL-14 R/B
    assert d["event_epoch_utc"].startswith("2021-11-15T02:4")
    assert d["parent_elements"] == "pre_event"  # the 2021-11-15 00:55 set of the pre-event file
    assert plot.read_bytes()[:8] == PNG and gab.read_bytes()[:8] == PNG


def test_reconstruct_table_and_missing_args(frag: Path) -> None:
    res = runner.invoke(app, ["breakup", "reconstruct", "--catalog",
                              str(frag / "cosmos-1408-debris-early-2021-11-30.tle"), "--fragments-designator",
                              "1982-092", "--window-start", "2021-11-14T00:00:00Z"])
    assert res.exit_code == 0, res.output
    assert "event epoch" in res.stdout and "delta-v" in res.stdout
    res = runner.invoke(app, ["breakup", "reconstruct", "--catalog",
                              str(frag / "cosmos-1408-debris-early-2021-11-30.tle")])
    assert res.exit_code == 3  # InputError


def test_detect_before_after(frag: Path, shared_data: Path, tmp_path: Path) -> None:
    """The early COSMOS 1408 file against the 2019 catalogue: one 1982-092 cloud of
    103 new pieces (105 objects less 13552 and 13553, both known in 2019)."""
    plot = tmp_path / "detect.png"
    before = shared_data / "catalog" / "spacetrack-3le-full-catalog-2019-12-19.tle.gz"
    after = frag / "cosmos-1408-debris-early-2021-11-30.tle"
    res = runner.invoke(app, ["breakup", "detect", "--catalog", str(before), "--catalog", str(after), "--json",
                              "--plot", str(plot)])
    assert res.exit_code == 0, res.output
    d = json.loads(res.stdout)
    ev = d["events"][0]
    assert (ev["launch"], ev["parent_norad"], ev["pieces"]) == ("1982-092", 13552, 103)
    assert ev["parent_elements"] == "pre_event"  # 13552 is in the 2019 catalogue
    assert plot.read_bytes()[:8] == PNG
    same = runner.invoke(app, ["breakup", "detect", "--before", str(before), "--after", str(after), "--json"])
    assert json.loads(same.stdout)["events"][0]["pieces"] == 103
    one = runner.invoke(app, ["breakup", "detect", "--catalog", str(after)])
    assert one.exit_code == 3


def test_simulate_writes_tle_and_omm(frag: Path, tmp_path: Path) -> None:
    out, plot = tmp_path / "sim.tle", tmp_path / "sim.png"
    args = ["breakup", "simulate", "--parent", "13552", "--epoch", "2021-11-15T02:47:00Z", "--mass-kg", "1750",
            "--catalog", str(frag / "parent-objects-pre-event.tle"), "--lc-min-m", "0.3", "--seed", "2"]
    res = runner.invoke(app, [*args, "--output", str(out), "--plot", str(plot), "--json"])
    assert res.exit_code == 0, res.output
    d = json.loads(res.stdout)
    assert d["parent_elements"] == "pre_event"  # 13552's 2021-11-15 00:55 set precedes 02:47
    lines = out.read_text().splitlines()
    assert len(lines) == 3 * d["fragments_written"] > 0
    for i in range(0, len(lines), 3):  # every record parses in the sgp4 package
        assert lines[i].startswith("0 COSMOS 1408 SIM DEB")
        sat = Satrec.twoline2rv(lines[i + 1], lines[i + 2])
        assert sat.error == 0
    assert plot.read_bytes()[:8] == PNG
    omm = tmp_path / "sim.kvn"
    res = runner.invoke(app, [*args, "--format", "omm", "--output", str(omm)])
    assert res.exit_code == 0, res.output
    assert omm.read_text().count("MEAN_ELEMENT_THEORY") == d["fragments_written"]
    bad = runner.invoke(app, [*args, "--kind", "implosion"])
    assert bad.exit_code == 3


def test_gabbard_evolution(frag: Path, tmp_path: Path) -> None:
    plot = tmp_path / "evo.png"
    res = runner.invoke(app, ["breakup", "gabbard", "--catalog", str(frag / "cosmos-1408-debris-early-2021-11-30.tle"),
                              "--catalog", str(frag / "cosmos-1408-debris-2022-01-22.tle.gz"),
                              "--designator", "1982-092", "--plot", str(plot), "--json"])
    assert res.exit_code == 0, res.output
    d = json.loads(res.stdout)
    # 1216 records in the 2022 subset, one of which (49619) carries designator 2020-082A.
    assert [c["pieces"] for c in d["catalogs"]] == [105, 1215]
    assert plot.read_bytes()[:8] == PNG


def test_store_keeps_the_pre_event_parent(frag: Path, tmp_path: Path) -> None:
    """With --db the parent's last element set before the first fragment comes from the
    store's history (2021-11-15 00:55, not the post-event 2021-11-29 set), so the result
    equals the --parent-elements run: 02:47 UTC."""
    db = tmp_path / "ow.db"
    res = runner.invoke(app, ["ingest", str(frag / "cosmos-1408-debris-early-2021-11-30.tle"),
                              str(frag / "parent-objects-pre-event.tle"), "--db", str(db), "--json"])
    assert res.exit_code == 0, res.output
    res = runner.invoke(app, ["breakup", "reconstruct", "--db", str(db), "--parent", "13552", "--json"])
    assert res.exit_code == 0, res.output
    d = json.loads(res.stdout)
    assert d["event_epoch_utc"].startswith("2021-11-15T02:47")
    assert d["revolution_ambiguous"] is False
    assert d["parent_elements"] == "pre_event"
    res = runner.invoke(app, ["breakup", "detect", "--db", str(db), "--since", "2021-11-14T00:00:00Z", "--json"])
    assert res.exit_code == 0, res.output
    ev = json.loads(res.stdout)["events"][0]
    # Before 2021-11-14 the store knows only the three parents of the pre-event file,
    # so the 1982 SL-14 R/B counts as new too: 103 fragments + 13553.
    assert (ev["launch"], ev["parent_norad"], ev["pieces"]) == ("1982-092", 13552, 104)
    res = runner.invoke(app, ["breakup", "detect", "--db", str(db)])
    assert res.exit_code == 3  # --since is required with --db


def test_risk_json_contract(frag: Path) -> None:
    """COSMOS 1408's remnant as the 'asset' inside its own cloud for one hour: the JSON
    has one row per asset; every conjunction is with the cloud (no background here)."""
    res = runner.invoke(app, ["breakup", "risk", "--catalog", str(frag / "cosmos-1408-debris-2022-01-22.tle.gz"),
                              "--asset", "13552", "--cloud-designator", "1982-092", "--start",
                              "2022-01-22T00:00:00Z", "--end", "2022-01-22T01:00:00Z", "--threshold-km", "50",
                              "--json"])
    assert res.exit_code == 0, res.output
    d = json.loads(res.stdout)
    (a,) = d["assets"]
    assert a["norad"] == 13552 and a["background_conjunctions"] == 0
    assert a["cloud_conjunctions"] == len(d["cloud_conjunctions"])
    bad = runner.invoke(app, ["breakup", "risk", "--catalog", str(frag / "cosmos-1408-debris-2022-01-22.tle.gz"),
                              "--asset", "13552", "--start", "2022-01-22T00:00:00Z", "--end", "2022-01-22T01:00:00Z"])
    assert bad.exit_code == 3


def test_reconstruct_table_of_a_failed_verdict(frag: Path, tmp_path: Path) -> None:
    """Cosmos 2251 debris of 2019 against its 2009-02-09 set: a ``failed`` verdict (issue 11,
    acceptance 2) prints its table with '-' for the values it cannot give, its interval
    holding the collision of 2009-02-10 16:56 UTC (NASA ODPO), and no convergence plot."""
    plot = tmp_path / "conv.png"
    res = runner.invoke(app, ["breakup", "reconstruct", "--catalog",
                              str(frag / "iridium-33-cosmos-2251-debris-2019-12-19.tle.gz"),
                              "--fragments-designator", "1993-036", "--parent", "22675",
                              "--parent-elements", str(frag / "parent-objects-pre-event.tle"), "--plot", str(plot)])
    assert res.exit_code == 0, res.output
    assert "failed" in res.stdout and "2009-02-09T11:57:37Z" in res.stdout
    assert not plot.exists() and "no convergence plot" in res.stderr


def test_a_post_event_parent_set_is_flagged(frag: Path, tmp_path: Path) -> None:
    """Issue 10: a parent set from after the event never stands silently for the parent before it.

    In the README tour the combined catalogs' latest 13552 set is the early file's, TLE epoch
    21333.678 (2021-11-29), after the first fragment epoch (2021-11-17); a store holding only
    that file has no earlier set either.  Both runs say ``post_event`` (same set, same record),
    the table says so, and ``simulate`` before the pre-event file's first 13552 set (TLE epoch
    21317.926, 2021-11-13) flags its parent set the same way."""
    early = str(frag / "cosmos-1408-debris-early-2021-11-30.tle")
    res = runner.invoke(app, ["breakup", "reconstruct", "--catalog", early, "--catalog",
                              str(frag / "parent-objects-pre-event.tle"), "--parent", "13552", "--json"])
    assert res.exit_code == 0, res.output
    tour = json.loads(res.stdout)
    assert tour["parent_elements"] == "post_event" and tour["reference"] == "parent"
    db = tmp_path / "ow.db"
    assert runner.invoke(app, ["ingest", early, "--db", str(db)]).exit_code == 0
    res = runner.invoke(app, ["breakup", "reconstruct", "--db", str(db), "--parent", "13552", "--json"])
    assert res.exit_code == 0, res.output
    assert json.loads(res.stdout) == tour
    res = runner.invoke(app, ["breakup", "reconstruct", "--db", str(db), "--parent", "13552"])
    assert res.exit_code == 0 and "post-event element set" in " ".join(res.stdout.replace("\u2502", " ").split())
    res = runner.invoke(app, ["breakup", "simulate", "--parent", "13552", "--epoch", "2021-11-01T00:00:00Z",
                              "--mass-kg", "1750", "--catalog", str(frag / "parent-objects-pre-event.tle"),
                              "--lc-min-m", "0.5", "--json"])
    assert res.exit_code == 0, res.output
    assert json.loads(res.stdout)["parent_elements"] == "post_event"
