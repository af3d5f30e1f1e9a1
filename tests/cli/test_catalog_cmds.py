"""``orbitwatch ingest`` / ``catalog stats`` / ``catalog show`` and ``cli._common.load_elements``.

The JSON keys are a fixed contract (issue 2); these tests pin them.  Data: the
CelesTrak group histories of 2026-05-24..30 (shared/data, MANIFEST.md: stations 406
TLEs of 27 objects, military 463 of 23); expected counts also from
:mod:`tests.store._independent` (plain column slicing), names from the 3LE name lines.
Commands run in-process through typer's CliRunner (``python -m orbitwatch ingest`` runs
as a subprocess in tests/store/test_kill.py).
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest
from typer.testing import CliRunner

from orbitwatch.cli import app
from orbitwatch.cli._common import load_elements
from orbitwatch.errors import InputError, StoreError
from store._independent import catalog_number, counts, iso_us, text_lines

GROUPS = "history/celestrak-groups-2026-05-24_30"
runner = CliRunner()


@pytest.fixture(scope="module")
def stations(shared_data: Path) -> Path:
    return shared_data / GROUPS / "stations-history-2026-05-24_30.tle.gz"


@pytest.fixture(scope="module")
def military(shared_data: Path) -> Path:
    return shared_data / GROUPS / "military-history-2026-05-24_30.tle.gz"


@pytest.fixture(scope="module")
def db(stations: Path, military: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("cli") / "cli.db"
    result = runner.invoke(app, ["ingest", str(stations), str(military), "--db", str(path), "--json"])
    assert result.exit_code == 0, result.output
    return path


def test_ingest_json_contract_and_idempotency(stations: Path, military: Path, tmp_path: Path) -> None:
    path = tmp_path / "s.db"
    args = ["ingest", str(stations), str(military), "--db", str(path), "--json"]
    first = runner.invoke(app, args)
    assert first.exit_code == 0, first.output
    data = json.loads(first.stdout)
    assert list(data) == ["files", "element_sets_read", "stored", "duplicates", "rejected", "objects", "rejects"]
    assert data == {
        "files": 2, "element_sets_read": 406 + 463, "stored": 406 + 463, "duplicates": 0,
        "rejected": 0, "objects": 27 + 23, "rejects": [],
    }
    again = json.loads(runner.invoke(app, args).stdout)
    assert (again["stored"], again["duplicates"]) == (0, 406 + 463)


def test_ingest_human_output(stations: Path, tmp_path: Path) -> None:
    result = runner.invoke(app, ["ingest", str(stations), "--db", str(tmp_path / "s.db")])
    assert result.exit_code == 0, result.output
    assert "406" in result.stdout and "element sets read" in result.stdout


def _bad_copy(src: Path, dst: Path) -> int:
    """A copy of ``src`` with the checksum of the 5th line 2 broken; returns that line number."""
    lines = list(text_lines(src))
    idx = [k for k, line in enumerate(lines) if line.startswith("2 ")][4]
    lines[idx] = lines[idx][:68] + str((int(lines[idx][68]) + 1) % 10) + lines[idx][69:]
    dst.write_text("".join(lines))
    return idx + 1


def test_strict_error_is_one_line_and_stores_nothing(stations: Path, military: Path, tmp_path: Path) -> None:
    bad = tmp_path / "bad.tle"
    line = _bad_copy(military, bad)
    path = tmp_path / "s.db"
    result = runner.invoke(app, ["ingest", str(stations), str(bad), "--db", str(path)])
    assert result.exit_code == 4  # ParseError family
    # One line names file, line, field and reason; the parser may add its column template below it.
    assert "Traceback" not in result.stderr
    first = result.stderr.splitlines()[0]
    assert f"{bad}:{line}" in first and "TLE_CHECKSUM" in first and "field checksum" in first
    stats = json.loads(runner.invoke(app, ["catalog", "stats", "--db", str(path), "--json"]).stdout)
    assert stats["element_sets"] == 0 and stats["objects"] == 0


def test_lenient_reports_rejects(military: Path, tmp_path: Path) -> None:
    bad = tmp_path / "bad.tle"
    line = _bad_copy(military, bad)
    result = runner.invoke(app, ["ingest", str(bad), "--db", str(tmp_path / "s.db"), "--lenient", "--json"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert (data["rejected"], data["stored"]) == (1, 463 - 1)
    (rej,) = data["rejects"]
    assert list(rej) == ["source", "line", "norad", "code", "message"]
    assert (rej["source"], rej["line"], rej["code"]) == (str(bad), line, "TLE_CHECKSUM")
    assert rej["norad"] == int(list(text_lines(bad))[line - 1][2:7])


def test_missing_file_fails_before_touching_the_store(tmp_path: Path) -> None:
    path = tmp_path / "s.db"
    result = runner.invoke(app, ["ingest", str(tmp_path / "nope.tle"), "--db", str(path)])
    assert result.exit_code == 3 and "INPUT_FILE" in result.stderr
    assert not path.exists()


def test_catalog_stats(db: Path, stations: Path, military: Path) -> None:
    result = runner.invoke(app, ["catalog", "stats", "--db", str(db), "--json"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert list(data) == ["objects", "element_sets", "by_type", "epoch_min_utc", "epoch_max_utc"]
    a, b = counts(stations), counts(military)
    assert data["objects"] == len(a.objects | b.objects) == 50
    assert data["element_sets"] == len(a.keys | b.keys) == 869
    assert data["epoch_min_utc"] == iso_us(min(a.epoch_min_us, b.epoch_min_us))
    assert data["epoch_max_utc"] == iso_us(max(a.epoch_max_us, b.epoch_max_us))
    assert sum(data["by_type"].values()) == 50
    human = runner.invoke(app, ["catalog", "stats", "--db", str(db)])
    assert human.exit_code == 0 and "869" in human.stdout


def test_catalog_show(db: Path, stations: Path) -> None:
    result = runner.invoke(app, ["catalog", "show", "25544", "--db", str(db), "--json"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    iss = counts(stations).epochs_by_object[25544]
    assert data["object"]["name"] == "ISS (ZARYA)" and data["object"]["object_type"] == "PAYLOAD"
    assert data["object"]["element_sets"] == len(data["element_sets"]) == len(iss) == 21  # MANIFEST: 21 epochs
    assert [e["epoch_utc"] for e in data["element_sets"]] == [iso_us(us) for us in iss]
    assert data["element_sets"][0]["source"] == str(stations)
    human = runner.invoke(app, ["catalog", "show", "25544", "--db", str(db)])
    assert human.exit_code == 0 and "ISS (ZARYA)" in human.stdout


def test_catalog_errors(db: Path, tmp_path: Path) -> None:
    unknown = runner.invoke(app, ["catalog", "show", "99999", "--db", str(db)])
    assert unknown.exit_code == 3 and "INPUT_UNKNOWN_NORAD" in unknown.stderr
    nostore = runner.invoke(app, ["catalog", "stats", "--db", str(tmp_path / "none.db")])
    assert nostore.exit_code == 5 and "STORE_NOT_FOUND" in nostore.stderr
    assert not (tmp_path / "none.db").exists()


# -- load_elements: the --db / --catalog loader every command shares -------------------


def test_load_elements_store_and_files_agree(db: Path, stations: Path, military: Path) -> None:
    from_db = load_elements(db, None, norad=[25544, 48274])
    from_files = load_elements(None, [stations, military], norad=[25544, 48274])
    last = counts(stations).epochs_by_object
    for table in (from_db, from_files):
        assert table.norad_id.tolist() == [25544, 48274]  # the order asked for
        assert table.epoch.astype(np.int64).tolist() == [last[25544][-1], last[48274][-1]]
        assert table.names[0] == "ISS (ZARYA)"
    assert from_db.mean_motion_rev_per_day.tolist() == from_files.mean_motion_rev_per_day.tolist()
    every = load_elements(db, None)
    assert len(every) == 50 and every.norad_id.tolist() == sorted(every.norad_id.tolist())


def test_load_elements_as_of(db: Path, stations: Path) -> None:
    iss = counts(stations).epochs_by_object[25544]
    as_of = np.datetime64(iss[5], "us")
    for table in (load_elements(db, None, norad=[25544], as_of=as_of),
                  load_elements(None, [stations], norad=[25544], as_of=as_of)):
        assert table.epoch.astype(np.int64).tolist() == [iss[5]]


def test_load_elements_errors(db: Path, stations: Path, tmp_path: Path) -> None:
    with pytest.raises(InputError) as info:
        load_elements(db, None, norad=[25544, 1, 2])
    assert info.value.code == "INPUT_UNKNOWN_NORAD" and "1, 2" in info.value.message
    with pytest.raises(InputError) as info:
        load_elements(None, [stations], norad=[7])
    assert info.value.code == "INPUT_UNKNOWN_NORAD"
    with pytest.raises(InputError) as info:
        load_elements(db, [stations])
    assert info.value.code == "INPUT_INVALID"
    with pytest.raises(StoreError) as sinfo:
        load_elements(tmp_path / "none.db", None)
    assert sinfo.value.code == "STORE_NOT_FOUND"


def test_alpha5_catalog_number(shared_data: Path, tmp_path: Path) -> None:
    """``catalog show`` takes an Alpha-5 number as printed in a TLE (first Alpha-5 set of the 2025 catalog)."""
    lines = list(text_lines(shared_data / "catalog" / "spacetrack-tle-full-catalog-2025-04-15.tle.gz"))
    i = next(k for k, line in enumerate(lines) if line.startswith("1 ") and line[2].isalpha())
    alpha5 = lines[i][2:7]
    one = tmp_path / "alpha5.tle"
    one.write_text(lines[i] + lines[i + 1])
    path = tmp_path / "s.db"
    assert runner.invoke(app, ["ingest", str(one), "--db", str(path)]).exit_code == 0
    result = runner.invoke(app, ["catalog", "show", alpha5, "--db", str(path), "--json"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert data["object"]["norad_id"] == catalog_number(alpha5) > 99_999
    bad = runner.invoke(app, ["catalog", "show", "IO000", "--db", str(path)])  # I and O are not Alpha-5 letters
    assert bad.exit_code == 3 and "INPUT_INVALID" in bad.stderr


def test_progress_bar_draws_only_on_a_terminal(monkeypatch: pytest.MonkeyPatch) -> None:
    import io

    from rich.console import Console

    from orbitwatch.cli import _common

    screen = io.StringIO()
    monkeypatch.setattr(_common, "err_console", Console(file=screen, force_terminal=True, width=80))
    with _common.progress_bar("ingesting") as progress:
        progress(50, 100)
    assert "ingesting" in screen.getvalue()
    quiet = io.StringIO()
    monkeypatch.setattr(_common, "err_console", Console(file=quiet, force_terminal=True, width=80))
    with _common.progress_bar("ingesting", enabled=False) as progress:  # --json
        progress(50, 100)
    monkeypatch.setattr(_common, "err_console", Console(file=quiet, force_terminal=False, width=80))
    with _common.progress_bar("ingesting") as progress:  # not a terminal
        progress(50, 100)
    assert quiet.getvalue() == ""


def test_db_from_environment(db: Path) -> None:
    result = runner.invoke(app, ["catalog", "stats", "--json"], env={"ORBITWATCH_DB": str(db)})
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout)["element_sets"] == 869


def test_store_check(db: Path, tmp_path: Path) -> None:
    """``store check``: SQLite's integrity_check verdict, exit 0 when intact, 5 + STORE_CORRUPT when not."""
    import random
    import sqlite3

    result = runner.invoke(app, ["store", "check", "--db", str(db), "--json"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert list(data) == ["path", "ok", "file_bytes", "page_size", "page_count", "schema_version",
                          "header_findings", "problems"]
    assert data["ok"] is True and data["problems"] == [] and data["path"] == str(db)
    human = runner.invoke(app, ["store", "check", "--db", str(db)])
    assert human.exit_code == 0 and "ok" in human.stdout

    copy = tmp_path / "copy.db"
    conn = sqlite3.connect(db)
    conn.execute(f"VACUUM INTO '{copy}'")  # a self-contained copy (no -wal)
    conn.close()
    good = copy.read_bytes()
    mid = len(good) // 2 // 4096 * 4096
    copy.write_bytes(good[:mid] + random.Random(5).randbytes(16384) + good[mid + 16384:])  # damage in place
    bad = runner.invoke(app, ["store", "check", "--db", str(copy), "--json"])
    assert bad.exit_code == 5 and "STORE_CORRUPT" in bad.stderr
    report = json.loads(bad.stdout)
    assert report["ok"] is False and report["problems"]
    missing = runner.invoke(app, ["store", "check", "--db", str(tmp_path / "none.db")])
    assert missing.exit_code == 5 and "STORE_NOT_FOUND" in missing.stderr
    assert not (tmp_path / "none.db").exists()
