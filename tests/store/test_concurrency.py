"""Issue 18, acceptance 4: readers and a second writer succeed during a long ingest.

All real processes on one store file (SQLite WAL, https://sqlite.org/wal.html):

* process A ingests a slice of the Starlink history through :meth:`Store.ingest` and,
  after its first batches are written inside the still-open transaction, pauses until
  the test releases it - a "long ingest" of any length, with no timing guesses;
* while A holds the write lock (checked: a plain ``BEGIN IMMEDIATE`` with no busy
  timeout fails), ``orbitwatch catalog stats`` and ``orbitwatch propagate --db`` run as
  separate processes and succeed, seeing the last committed state only; so does an
  in-process ``Store.open(..., timeout_s=0)`` (a reader never waits at all);
* a second ``orbitwatch ingest`` (process B) waits its turn: it has opened the store
  but not yet its input file while A holds the lock, and completes once A commits;
* a third writer with ``ORBITWATCH_STORE_TIMEOUT_S=0.5`` gives up with ``STORE_LOCKED``
  (exit 5) and stores nothing.

Expected counts come from :mod:`tests.store._independent` (plain column slicing).
"""

from __future__ import annotations

import json
import os
import sqlite3
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import numpy as np
import pytest

from orbitwatch.sources.files import iter_file_inputs
from orbitwatch.store import Store

from ._independent import counts, text_lines

NOW = np.datetime64("2026-09-01T00:00:00", "us")
GROUPS = "history/celestrak-groups-2026-05-24_30"
SLICE_LINES = 30_000  # 10,000 Starlink sets: A writes 2 batches of 4,096 before it pauses
PAUSE_AT_LINE = 27_000

WRITER = textwrap.dedent(
    """
    import sys, time
    from pathlib import Path
    import numpy as np
    from orbitwatch.store import Store

    db, src, holding, go, pause_at = sys.argv[1:6]

    def lines():
        with open(src, encoding="ascii") as f:
            for k, line in enumerate(f):
                if k == int(pause_at):
                    Path(holding).write_text("holding")
                    deadline = time.monotonic() + 300
                    while not Path(go).exists():
                        if time.monotonic() > deadline:
                            raise SystemExit("never released")
                        time.sleep(0.02)
                yield line

    with Store.open(db) as store:
        report = store.ingest([(src, lines())], now=np.datetime64("2026-09-01T00:00:00", "us"))
    print(report.stored)
    """
)


def _env(**extra: str) -> dict[str, str]:
    env = dict(os.environ)
    env.update(extra)
    return env


def _orbitwatch(*args: str, timeout_s: float = 180, **env: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "orbitwatch", *args], capture_output=True, text=True, timeout=timeout_s, env=_env(**env)
    )


def _wait_for(predicate: object, what: str, timeout_s: float = 120.0) -> None:
    deadline = time.monotonic() + timeout_s
    while not predicate():  # type: ignore[operator]
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {what}")
        time.sleep(0.02)


def _open_files(pid: int) -> set[str]:
    out = set()
    for fd in Path(f"/proc/{pid}/fd").iterdir():
        try:
            out.add(os.readlink(fd))
        except OSError:
            continue
    return out


@pytest.mark.slow
@pytest.mark.skipif(not Path("/proc/self/fd").is_dir(), reason="reads /proc/<pid>/fd (Linux)")
def test_readers_and_a_second_writer_during_a_long_ingest(shared_data: Path, tmp_path: Path) -> None:
    stations = shared_data / GROUPS / "stations-history-2026-05-24_30.tle.gz"
    military = shared_data / GROUPS / "military-history-2026-05-24_30.tle.gz"
    lines = list(text_lines(shared_data / GROUPS / "starlink-history-2026-05-24_30.tle.gz"))[:SLICE_LINES]
    starlink = tmp_path / "starlink-slice.tle"
    starlink.write_text("".join(lines), encoding="ascii")
    db = tmp_path / "busy.db"
    with Store.open(db) as store:
        base = store.ingest(iter_file_inputs([stations]), now=NOW)
    baseline = counts(stations)
    assert base.stored == len(baseline.keys)

    holding, go = tmp_path / "holding", tmp_path / "go"
    writer_a = subprocess.Popen(
        [sys.executable, "-c", WRITER, str(db), str(starlink), str(holding), str(go), str(PAUSE_AT_LINE)],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )
    writer_b: subprocess.Popen[str] | None = None
    try:
        _wait_for(lambda: holding.exists() or writer_a.poll() is not None, "writer A to reach its pause")
        assert writer_a.poll() is None, writer_a.communicate()
        # A holds the write lock, two batches written into its open transaction (in its page cache).
        probe = sqlite3.connect(db, timeout=0, isolation_level=None)
        try:
            with pytest.raises(sqlite3.OperationalError, match="locked"):
                probe.execute("BEGIN IMMEDIATE")
        finally:
            probe.close()

        # Readers: separate processes, and this one with no busy timeout at all.
        stats = _orbitwatch("catalog", "stats", "--db", str(db), "--json")
        assert stats.returncode == 0, stats.stderr
        assert json.loads(stats.stdout)["element_sets"] == len(baseline.keys)  # A's rows are not committed
        prop = _orbitwatch("propagate", "25544", "--db", str(db), "--start", "2026-05-28T00:00:00Z",
                           "--end", "2026-05-28T01:00:00Z", "--step-s", "600", "--frame", "teme",
                           "--format", "json")
        assert prop.returncode == 0, prop.stderr
        assert len(json.loads(prop.stdout)) == 7
        with Store.open(db, create=False, timeout_s=0) as reader:
            assert reader.stats()["element_sets"] == len(baseline.keys)

        # A writer that will not wait long gives up, coded, and stores nothing.
        impatient = _orbitwatch("ingest", str(military), "--db", str(db), "--json", ORBITWATCH_STORE_TIMEOUT_S="0.5")
        assert impatient.returncode == 5, impatient.stderr
        assert "STORE_LOCKED" in impatient.stderr and "ORBITWATCH_STORE_TIMEOUT_S" in impatient.stderr

        # A patient second writer waits its turn: store open, its input not yet opened.
        writer_b = subprocess.Popen(
            [sys.executable, "-m", "orbitwatch", "ingest", str(military), "--db", str(db), "--json"],
            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
            env=_env(ORBITWATCH_STORE_TIMEOUT_S="300"),
        )
        pid = writer_b.pid
        _wait_for(lambda: writer_b.poll() is not None or str(db) in _open_files(pid), "writer B to open the store")
        time.sleep(1.0)
        assert writer_b.poll() is None, writer_b.communicate()
        assert str(military) not in _open_files(pid)  # still waiting for the lock, not ingesting
        assert writer_a.poll() is None
    finally:
        go.write_text("go")
        a_out, a_err = writer_a.communicate(timeout=300)
        if writer_b is not None:
            b_out, b_err = writer_b.communicate(timeout=300)
    assert writer_a.returncode == 0, a_err
    assert writer_b is not None and writer_b.returncode == 0, b_err
    slice_counts, military_counts = counts(starlink), counts(military)
    assert int(a_out) == len(slice_counts.keys) == SLICE_LINES // 3  # the slice holds distinct sets only
    assert json.loads(b_out)["stored"] == len(military_counts.keys)
    with Store.open(db, create=False) as store:
        assert store.stats()["element_sets"] == len(baseline.keys) + len(slice_counts.keys) + len(military_counts.keys)
    with sqlite3.connect(db) as conn:
        assert conn.execute("PRAGMA integrity_check").fetchone() == ("ok",)
        assert conn.execute("SELECT COUNT(*) FROM sources").fetchone()[0] == 3
    conn.close()


def test_timeout_setting(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from orbitwatch.errors import InputError, StoreError
    from orbitwatch.store import DEFAULT_TIMEOUT_S, TIMEOUT_ENV

    db = tmp_path / "t.db"
    monkeypatch.delenv(TIMEOUT_ENV, raising=False)
    with Store.open(db) as store:
        assert store.timeout_s == DEFAULT_TIMEOUT_S
    monkeypatch.setenv(TIMEOUT_ENV, "2.5")
    with Store.open(db) as store:
        assert store.timeout_s == 2.5
    with Store.open(db, timeout_s=0.1) as store:
        assert store.timeout_s == 0.1  # the parameter wins over the environment
        # Another connection holds the write lock: this store's write gives up after 0.1 s.
        other = sqlite3.connect(db, isolation_level=None)
        other.execute("BEGIN IMMEDIATE")
        try:
            with pytest.raises(StoreError) as info:
                store.ingest([("x", iter(()))], now=NOW)
            assert info.value.code == "STORE_LOCKED"
        finally:
            other.execute("ROLLBACK")
            other.close()
    for bad in ("soon", "-1", "nan", "inf"):
        monkeypatch.setenv(TIMEOUT_ENV, bad)
        with pytest.raises(InputError) as err:
            Store.open(db)
        assert err.value.field == TIMEOUT_ENV
