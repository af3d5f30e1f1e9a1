"""Acceptance 6: an ingest killed with SIGKILL part-way leaves the store readable and
unchanged; running it again completes it.

The victim is ``python -m orbitwatch ingest`` of the 183,263-set Starlink history
(shared/data/history/celestrak-groups-2026-05-24_30, MANIFEST.md) into a store that
already holds the stations history.  It is killed once its uncommitted transaction
has spilled pages into the ``-wal`` file (the store's page cache is 16 MiB, the ingest
writes several times that), i.e. mid-transaction, with partial data on disk.  The
store is then compared with a snapshot taken before: row counts and a SHA-256 of the
full SQL dump (``sqlite3.Connection.iterdump``), which must be byte-identical.

The re-run doubles as the Starlink store check of acceptance 2: its counts are
compared with :mod:`tests.store._independent` (plain column slicing of the TLE lines).
"""

from __future__ import annotations

import hashlib
import os
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import numpy as np

from orbitwatch.sources.files import iter_file_inputs
from orbitwatch.store import Store

from ._independent import counts, iso_us

NOW = np.datetime64("2026-09-01T00:00:00", "us")
GROUPS = "history/celestrak-groups-2026-05-24_30"
WAL_SPILL_BYTES = 1 << 20  # uncommitted pages already written to the WAL


def snapshot(db: Path) -> tuple[dict[str, int], str]:
    """Row count of every table and the SHA-256 of the SQL dump, read with plain sqlite3."""
    conn = sqlite3.connect(db)
    try:
        assert conn.execute("PRAGMA integrity_check").fetchone() == ("ok",)
        tables = [r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name")]
        rows = {t: conn.execute(f'SELECT COUNT(*) FROM "{t}"').fetchone()[0] for t in tables}
        digest = hashlib.sha256()
        for stmt in conn.iterdump():
            digest.update(stmt.encode())
        return rows, digest.hexdigest()
    finally:
        conn.close()


def test_sigkill_mid_ingest_leaves_store_unchanged_and_rerun_completes(shared_data: Path, tmp_path: Path) -> None:
    stations = shared_data / GROUPS / "stations-history-2026-05-24_30.tle.gz"
    starlink = shared_data / GROUPS / "starlink-history-2026-05-24_30.tle.gz"
    db = tmp_path / "kill.db"
    with Store.open(db) as store:
        first = store.ingest(iter_file_inputs([stations]), now=NOW)
    assert first.stored > 0
    before = snapshot(db)
    assert before[0]["element_sets"] == first.stored

    wal = Path(f"{db}-wal")
    proc = subprocess.Popen(
        [sys.executable, "-m", "orbitwatch", "ingest", str(starlink), "--db", str(db), "--json"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    try:
        deadline = time.monotonic() + 120.0
        while proc.poll() is None and time.monotonic() < deadline:
            if wal.exists() and wal.stat().st_size > WAL_SPILL_BYTES:
                break
            time.sleep(0.005)
        still_running = proc.poll() is None
        wal_bytes = wal.stat().st_size if wal.exists() else 0
        os.kill(proc.pid, signal.SIGKILL)
    finally:
        out, err = proc.communicate(timeout=60)
    assert still_running, f"the ingest ended before it was killed: rc={proc.returncode} {out!r} {err!r}"
    assert proc.returncode == -signal.SIGKILL
    assert wal_bytes > WAL_SPILL_BYTES  # killed with uncommitted data on disk
    assert out == b""  # it never reported a result

    # Readable and unchanged, byte for byte.
    assert snapshot(db) == before
    with Store.open(db) as store:
        assert store.stats()["element_sets"] == first.stored

        # Re-running completes it.
        report = store.ingest(iter_file_inputs([starlink]), now=NOW)
        stats = store.stats()
    expected = counts(starlink)
    assert expected.records == 183_263  # MANIFEST.md
    assert report.rejects == []
    assert report.element_sets_read == expected.records
    assert report.stored == len(expected.keys)
    assert report.objects == len(expected.objects) == 10_409  # MANIFEST.md
    assert stats["element_sets"] == first.stored + len(expected.keys)
    stations_counts = counts(stations)
    assert stats["objects"] == len(expected.objects | stations_counts.objects)
    assert stats["epoch_min_utc"] == iso_us(min(expected.epoch_min_us, stations_counts.epoch_min_us))
    assert stats["epoch_max_utc"] == iso_us(max(expected.epoch_max_us, stations_counts.epoch_max_us))
    with sqlite3.connect(db) as conn:
        assert conn.execute("SELECT COUNT(*) FROM sources").fetchone()[0] == 2
