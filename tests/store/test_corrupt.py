"""A damaged store is refused, coded, before anything writes into it (issue 18, "Corrupt store").

The damaged files are built here from a real store (the CelesTrak military history,
shared/data MANIFEST.md): 16 KiB of random bytes inserted in the middle (the file is
still a whole number of 4 KiB pages, but no longer the size its header states),
16,000 bytes inserted (not a whole number of pages), a broken header, and 16 KiB
overwritten in place (size and header intact).  The expected verdicts are SQLite's
own (``PRAGMA integrity_check`` through plain ``sqlite3``), not orbitwatch's.
"""

from __future__ import annotations

import random
import sqlite3
from pathlib import Path

import numpy as np
import pytest

from orbitwatch.errors import StoreError
from orbitwatch.sources.files import iter_file_inputs
from orbitwatch.store import Store, check_store

NOW = np.datetime64("2026-09-01T00:00:00", "us")
GROUPS = "history/celestrak-groups-2026-05-24_30"


def _sqlite_verdict(db: Path) -> bool:
    """True when plain sqlite3 finds the file intact."""
    conn = sqlite3.connect(f"{db.resolve().as_uri()}?mode=ro", uri=True)
    try:
        return bool(conn.execute("PRAGMA integrity_check").fetchone() == ("ok",))
    except sqlite3.DatabaseError:
        return False
    finally:
        conn.close()


@pytest.fixture(scope="module")
def good_bytes(shared_data: Path, tmp_path_factory: pytest.TempPathFactory) -> bytes:
    db = tmp_path_factory.mktemp("corrupt") / "good.db"
    with Store.open(db) as store:
        store.ingest(iter_file_inputs([shared_data / GROUPS / "military-history-2026-05-24_30.tle.gz"]), now=NOW)
    conn = sqlite3.connect(db)
    conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")  # everything in the main file, as after a clean exit
    conn.close()
    data = db.read_bytes()
    assert len(data) % 4096 == 0 and len(data) >= 16 * 4096
    return data


def _garbage(n: int) -> bytes:
    return random.Random(18).randbytes(n)


def _variants(good: bytes) -> dict[str, bytes]:
    mid = len(good) // 2 // 4096 * 4096
    broken_header = bytearray(good)
    broken_header[16:18] = (1000).to_bytes(2, "big")  # page size not a power of two
    return {
        "inserted-16KiB": good[:mid] + _garbage(16384) + good[mid:],
        "inserted-16000B": good[:mid] + _garbage(16000) + good[mid:],
        "broken-header": bytes(broken_header),
    }


@pytest.mark.parametrize("kind", ["inserted-16KiB", "inserted-16000B", "broken-header"])
def test_open_refuses_a_damaged_store_and_writes_nothing(
    good_bytes: bytes, tmp_path: Path, shared_data: Path, kind: str
) -> None:
    db = tmp_path / f"{kind}.db"
    damaged = _variants(good_bytes)[kind]
    db.write_bytes(damaged)
    assert not _sqlite_verdict(db)  # SQLite itself says it is damaged
    for create in (True, False):
        with pytest.raises(StoreError) as info:
            Store.open(db, create=create)
        assert info.value.code == "STORE_CORRUPT"
        assert "store check" in info.value.message
    assert db.read_bytes() == damaged  # nothing was written into it


def test_cli_ingest_and_propagate_refuse_a_damaged_store(good_bytes: bytes, tmp_path: Path, shared_data: Path) -> None:
    from typer.testing import CliRunner

    from orbitwatch.cli import app

    db = tmp_path / "damaged.db"
    damaged = _variants(good_bytes)["inserted-16KiB"]
    db.write_bytes(damaged)
    runner = CliRunner()
    stations = shared_data / GROUPS / "stations-history-2026-05-24_30.tle.gz"
    ingest = runner.invoke(app, ["ingest", str(stations), "--db", str(db)])
    assert ingest.exit_code == 5 and "STORE_CORRUPT" in ingest.stderr, ingest.output
    prop = runner.invoke(app, ["propagate", "48274", "--db", str(db), "--start", "2026-05-28T00:00:00Z",
                               "--end", "2026-05-28T01:00:00Z", "--step-s", "600", "--frame", "teme"])
    assert prop.exit_code == 5 and "STORE_CORRUPT" in prop.stderr, prop.output
    assert db.read_bytes() == damaged


def test_intact_store_with_a_size_finding_still_opens(good_bytes: bytes, tmp_path: Path) -> None:
    """The header/size checks only decide whether to run quick_check: an intact store is never refused.

    Trailing zero pages past the header's page count (as a file system or a copy tool may
    leave) are such a finding; SQLite's own check says the store is intact.
    """
    db = tmp_path / "padded.db"
    db.write_bytes(good_bytes + bytes(2 * 4096))
    assert _sqlite_verdict(db)
    with Store.open(db, create=False) as store:
        assert store.stats()["element_sets"] == 463  # MANIFEST.md: 463 TLEs


def test_check_store(good_bytes: bytes, tmp_path: Path) -> None:
    good = tmp_path / "good.db"
    good.write_bytes(good_bytes)
    report = check_store(good)
    assert report.ok and report.problems == [] and report.header_findings == []
    assert (report.page_size, report.page_count, report.file_bytes) == (4096, len(good_bytes) // 4096, len(good_bytes))

    overwritten = tmp_path / "overwritten.db"
    mid = len(good_bytes) // 2 // 4096 * 4096
    overwritten.write_bytes(good_bytes[:mid] + _garbage(16384) + good_bytes[mid + 16384:])
    assert not _sqlite_verdict(overwritten)
    report = check_store(overwritten)
    assert not report.ok and report.problems
    assert report.header_findings == []  # size and header intact: only the full check finds this one

    with pytest.raises(StoreError) as info:
        check_store(tmp_path / "missing.db")
    assert info.value.code == "STORE_NOT_FOUND"


@pytest.mark.parametrize(("column", "value"), [("eccentricity", "'garbage'"), ("epoch_us", "X'00ff'"),
                                               ("mean_motion_rev_per_day", "1e999")])
def test_values_orbitwatch_never_writes_are_store_corrupt(
    good_bytes: bytes, tmp_path: Path, column: str, value: str
) -> None:
    """Damage inside a cell that SQLite reads without complaint (text, a blob or infinity in a
    number column of a table without type enforcement) is ``STORE_CORRUPT`` where it is read:
    the store API and the CLI, never a ValueError traceback (exit 70, as before)."""
    from typer.testing import CliRunner

    from orbitwatch.cli import app

    db = tmp_path / "odd.db"
    db.write_bytes(good_bytes)
    conn = sqlite3.connect(db)
    with conn:
        conn.execute(f"UPDATE element_sets SET {column} = {value} WHERE norad_id = 31797")
    conn.close()
    assert _sqlite_verdict(db)  # SQLite's own check sees nothing wrong
    with Store.open(db, create=False) as store:
        reads = [lambda: store.in_force(NOW), lambda: store.history(31797), lambda: list(store.iter_history([31797]))]
        if column != "epoch_us":  # a blob sorts after every number: latest() never picks that row
            reads.append(lambda: store.latest())
        for read in reads:
            with pytest.raises(StoreError) as info:
                read()
            assert info.value.code == "STORE_CORRUPT" and "store check" in info.value.message
        assert len(store.history(39088)) == 24  # the other objects still read
    prop = CliRunner().invoke(app, ["propagate", "31797", "--db", str(db), "--start", "2026-05-28T00:00:00Z",
                                    "--end", "2026-05-28T01:00:00Z", "--step-s", "600", "--frame", "teme"])
    assert prop.exit_code == 5 and "STORE_CORRUPT" in prop.stderr, prop.output


def test_pages_overwritten_in_place_give_coded_errors_or_results(
    good_bytes: bytes, tmp_path: Path, shared_data: Path
) -> None:
    """16 KiB of random bytes over pages of the store, size and header intact (only the full
    check finds it up front; opening does not run it).  Whatever page is hit, the commands end
    with a result or a coded store/input error, never a traceback, and ``store check`` reports
    the damage; the damaged pages that ingest, stats and propagate read are ``STORE_CORRUPT``."""
    from typer.testing import CliRunner

    from orbitwatch.cli import app

    runner = CliRunner()
    stations = shared_data / GROUPS / "stations-history-2026-05-24_30.tle.gz"
    commands = {
        "ingest": ["ingest", str(stations)],
        "stats": ["catalog", "stats", "--json"],
        "propagate": ["propagate", "31797", "39088", "--start", "2026-05-28T00:00:00Z",
                      "--end", "2026-05-28T01:00:00Z", "--step-s", "600", "--frame", "teme"],
    }
    n_pages = len(good_bytes) // 4096
    corrupt = 0
    for page in range(1, n_pages - 4, max(1, n_pages // 10)):
        damaged = bytearray(good_bytes)
        damaged[page * 4096:(page + 4) * 4096] = random.Random(page).randbytes(4 * 4096)
        for name, args in commands.items():
            db = tmp_path / f"p{page}-{name}.db"
            db.write_bytes(damaged)
            assert not check_store(db).ok
            result = runner.invoke(app, [*args, "--db", str(db)])
            assert result.exit_code in (0, 3, 5), (page, name, result.output)
            assert "Traceback" not in result.output and "INTERNAL" not in result.output
            if result.exit_code == 5:
                assert "STORE_CORRUPT" in result.stderr or "STORE_NOT_ORBITWATCH" in result.stderr, result.stderr
                corrupt += "STORE_CORRUPT" in result.stderr
    assert corrupt >= 3
