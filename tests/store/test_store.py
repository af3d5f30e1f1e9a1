"""The element-history store: idempotency, transactions, queries, object types, schema.

Data: the CelesTrak group histories of 2026-05-24..30 and the fragmentation sets in
shared/data (MANIFEST.md).  Expected values come from :mod:`tests.store._independent`
(plain column slicing of the TLE lines), from the MANIFEST, or from the data itself
(e.g. the names in the 3LE name lines); never from the store.  Epochs are compared
exactly (0 us), element values exactly (the same decimal text gives the same double).
"""

from __future__ import annotations

import bisect
import gzip
import hashlib
import sqlite3
from pathlib import Path

import numpy as np
import pytest

from orbitwatch.catalog.model import OBJECT_TYPES
from orbitwatch.catalog.reader import read_element_sets
from orbitwatch.errors import SchemaVersionError, StoreError, TLEError
from orbitwatch.sources.files import iter_file_inputs, open_lines
from orbitwatch.store import SCHEMA_VERSION, Store, default_db_path

from ._independent import FileCounts, counts, iso_us, text_lines

NOW = np.datetime64("2026-09-01T00:00:00", "us")
GROUPS = "history/celestrak-groups-2026-05-24_30"


def dump_digest(db: Path) -> tuple[dict[str, int], str]:
    """Row counts and SHA-256 of the SQL dump, read with plain sqlite3."""
    with sqlite3.connect(db) as conn:
        tables = [r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name")]
        rows = {t: conn.execute(f'SELECT COUNT(*) FROM "{t}"').fetchone()[0] for t in tables}
        digest = hashlib.sha256("\n".join(conn.iterdump()).encode()).hexdigest()
    conn.close()
    return rows, digest


@pytest.fixture(scope="module")
def geo(shared_data: Path) -> Path:
    return shared_data / GROUPS / "geo-history-2026-05-24_30.tle.gz"


@pytest.fixture(scope="module")
def geo_counts(geo: Path) -> FileCounts:
    return counts(geo)


@pytest.fixture(scope="module")
def geo_store(geo: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The GEO history (11,099 sets of 574 objects) ingested once for the query tests."""
    db = tmp_path_factory.mktemp("geo") / "geo.db"
    with Store.open(db) as store:
        store.ingest(iter_file_inputs([geo]), now=NOW)
    return db


# -- ingest: idempotency and transactions ------------------------------------------


def test_reingest_stores_nothing_new(shared_data: Path, tmp_path: Path) -> None:
    files = [shared_data / GROUPS / "stations-history-2026-05-24_30.tle.gz",
             shared_data / GROUPS / "military-history-2026-05-24_30.tle.gz"]
    expected = sum(counts(f).records for f in files)
    db = tmp_path / "s.db"
    with Store.open(db) as store:
        first = store.ingest(iter_file_inputs(files), now=NOW)
    assert first.stored == first.element_sets_read == expected == 406 + 463  # MANIFEST.md counts
    before = dump_digest(db)
    with Store.open(db) as store:
        again = store.ingest(iter_file_inputs(files), now=NOW + np.timedelta64(1, "D"))
    assert (again.files, again.element_sets_read, again.stored, again.duplicates) == (2, expected, 0, expected)
    assert again.objects == first.objects == 27 + 23
    assert dump_digest(db) == before  # not even a new row in the ingest log


def _corrupt_checksum(src: Path, dst: Path, record: int) -> int:
    """Copy a TLE file, breaking the checksum of line 1 of the ``record``-th set; returns its line number."""
    lines = list(text_lines(src))
    seen = 0
    for i, line in enumerate(lines):
        if line.startswith("1 "):
            seen += 1
            if seen == record:
                digit = int(line[68])
                lines[i] = line[:68] + str((digit + 1) % 10) + line[69:]
                dst.write_bytes(gzip.compress("".join(lines).encode("ascii")))
                return i + 1
    raise AssertionError("record not found")


def test_strict_parse_error_late_in_a_big_file_leaves_store_unchanged(
    shared_data: Path, geo: Path, tmp_path: Path
) -> None:
    """Several batches are already written when record 10,000 of the GEO history fails."""
    db = tmp_path / "s.db"
    with Store.open(db) as store:
        store.ingest(iter_file_inputs([shared_data / GROUPS / "stations-history-2026-05-24_30.tle.gz"]), now=NOW)
    before = dump_digest(db)
    bad = tmp_path / "geo-bad.tle.gz"
    bad_line = _corrupt_checksum(geo, bad, 10_000)
    good = shared_data / GROUPS / "military-history-2026-05-24_30.tle.gz"
    with Store.open(db) as store, pytest.raises(TLEError) as info:
        store.ingest(iter_file_inputs([good, bad]), now=NOW)
    assert info.value.code == "TLE_CHECKSUM"
    assert info.value.source == str(bad)
    assert info.value.line == bad_line
    assert dump_digest(db) == before


def test_lenient_ingest_stores_the_good_records_and_reports_the_bad(geo: Path, tmp_path: Path) -> None:
    bad = tmp_path / "geo-bad.tle.gz"
    bad_line = _corrupt_checksum(geo, bad, 10_000)
    norad = int(list(text_lines(bad))[bad_line - 1][2:7])
    with Store.open(tmp_path / "s.db") as store:
        report = store.ingest(iter_file_inputs([bad]), lenient=True, now=NOW)
        assert store.stats()["element_sets"] == 11_099 - 1
    assert report.element_sets_read == report.stored == 11_099 - 1
    assert report.rejected == 1
    (rej,) = report.rejects
    assert (rej.source, rej.line, rej.norad, rej.code) == (str(bad), bad_line, norad, "TLE_CHECKSUM")


def test_exception_from_the_input_rolls_back(geo: Path, tmp_path: Path) -> None:
    """A failure that is not a parse error (here the input stream raising) rolls back too."""
    db = tmp_path / "s.db"
    Store.open(db).close()
    before = dump_digest(db)

    def exploding() -> object:
        with open_lines(geo) as lines:
            for i, line in enumerate(lines):
                if i == 30_000:
                    raise KeyboardInterrupt
                yield line

    with Store.open(db) as store, pytest.raises(KeyboardInterrupt):
        store.ingest([("geo", exploding())], now=NOW)  # type: ignore[list-item]
    assert dump_digest(db) == before


def test_report_json_keys_and_progress(geo: Path, tmp_path: Path) -> None:
    calls: list[tuple[int, int]] = []
    with Store.open(tmp_path / "s.db") as store:
        report = store.ingest(iter_file_inputs([geo]), now=NOW, progress=lambda d, t: calls.append((d, t)))
    assert list(report.to_dict()) == [
        "files", "element_sets_read", "stored", "duplicates", "rejected", "objects", "rejects",
    ]
    assert len(calls) >= 2
    assert [d for d, _ in calls] == sorted(d for d, _ in calls)
    assert calls[-1][0] == 11_099


# -- queries -------------------------------------------------------------------


def _independent_latest(c: FileCounts, as_of_us: int) -> dict[int, int]:
    out = {}
    for norad, epochs in c.epochs_by_object.items():
        k = bisect.bisect_right(epochs, as_of_us)
        if k:
            out[norad] = epochs[k - 1]
    return out


@pytest.mark.parametrize("quantile", [0.0, 0.1, 0.5, 0.97, 1.0])
def test_latest_as_of_matches_independent_selection(geo_store: Path, geo_counts: FileCounts, quantile: float) -> None:
    all_epochs = sorted({e for es in geo_counts.epochs_by_object.values() for e in es})
    as_of_us = all_epochs[int(quantile * (len(all_epochs) - 1))]
    expected = _independent_latest(geo_counts, as_of_us)
    mean_motion = {(k[0], k[1]): k[2] for k in geo_counts.keys}
    with Store.open(geo_store) as store:
        table = store.latest(np.datetime64(as_of_us, "us"))
    assert table.norad_id.tolist() == sorted(expected)
    assert table.epoch.astype(np.int64).tolist() == [expected[n] for n in sorted(expected)]
    assert table.mean_motion_rev_per_day.tolist() == [mean_motion[(n, expected[n])] for n in sorted(expected)]


def test_latest_without_as_of_and_for_chosen_objects(geo_store: Path, geo_counts: FileCounts) -> None:
    last = {n: es[-1] for n, es in geo_counts.epochs_by_object.items()}
    with Store.open(geo_store) as store:
        table = store.latest()
        some = store.latest(norad_ids=[41882, 19548, 41882, 999_999_999])
    assert dict(zip(table.norad_id.tolist(), table.epoch.astype(np.int64).tolist(), strict=True)) == last
    assert some.norad_id.tolist() == [19548, 41882]  # sorted, duplicates and unknown ids dropped
    assert some.epoch.astype(np.int64).tolist() == [last[19548], last[41882]]
    assert some.names.tolist() == ["TDRS 3", "FENGYUN 4A"]


def test_history_and_iter_history(geo_store: Path, geo_counts: FileCounts, geo: Path) -> None:
    parsed = {}
    for es in read_element_sets(text_lines(geo), source="x"):
        parsed.setdefault(es.norad_id, []).append(es)
    with Store.open(geo_store) as store:
        tdrs = store.history(19548)
        assert store.history(123) == []
        everything = list(store.iter_history())
        chosen = list(store.iter_history([41882, 19548]))
    assert [int(e.epoch.astype(np.int64)) for e in tdrs] == geo_counts.epochs_by_object[19548]
    assert tdrs == sorted(parsed[19548], key=lambda e: e.epoch)  # every field round-trips exactly
    assert tdrs[0].source == str(geo)
    assert [n for n, _ in everything] == sorted(geo_counts.objects)
    assert sum(len(h) for _, h in everything) == 11_099
    assert all(
        [int(e.epoch.astype(np.int64)) for e in h] == geo_counts.epochs_by_object[n] for n, h in everything
    )
    assert [(n, len(h)) for n, h in chosen] == [
        (19548, len(geo_counts.epochs_by_object[19548])),
        (41882, len(geo_counts.epochs_by_object[41882])),
    ]


def test_stats_and_object_info(geo_store: Path, geo_counts: FileCounts) -> None:
    with Store.open(geo_store) as store:
        stats = store.stats()
        info = store.object_info(19548)
        assert store.object_info(123) is None
    assert stats["objects"] == 574 and stats["element_sets"] == 11_099  # MANIFEST.md
    assert list(stats["by_type"]) == list(OBJECT_TYPES)
    assert stats["epoch_min_utc"] == iso_us(geo_counts.epoch_min_us)
    assert stats["epoch_max_utc"] == iso_us(geo_counts.epoch_max_us)
    assert info is not None
    assert (info.name, info.cospar_id, info.object_type) == ("TDRS 3", "1988-091B", "PAYLOAD")
    assert info.element_sets == len(geo_counts.epochs_by_object[19548])
    assert int(info.last_epoch.astype(np.int64)) == geo_counts.epochs_by_object[19548][-1]  # type: ignore[union-attr]


# -- objects: names, types ---------------------------------------------------------


def test_object_types_from_names(shared_data: Path, tmp_path: Path) -> None:
    """IRIDIUM 33 / COSMOS 2251 debris set: types follow the 3LE names (MANIFEST: 2 parents + debris)."""
    path = shared_data / "fragmentation" / "iridium-33-cosmos-2251-debris-2019-12-19.tle.gz"
    names = [line[2:].strip() for line in text_lines(path) if line.startswith("0 ")]
    n_deb = sum(" DEB" in n for n in names)
    with Store.open(tmp_path / "s.db") as store:
        store.ingest(iter_file_inputs([path]), now=NOW)
        stats = store.stats()
        assert store.object_info(24946).object_type == "PAYLOAD"  # type: ignore[union-attr]  # IRIDIUM 33
    assert stats["by_type"]["DEBRIS"] == n_deb
    assert stats["by_type"]["PAYLOAD"] == len(names) - n_deb == 2


def test_names_join_across_files(shared_data: Path, tmp_path: Path) -> None:
    """2-line TLEs carry no names; the same sets read later from a 3LE file name the objects."""
    three = shared_data / GROUPS / "stations-history-2026-05-24_30.tle.gz"
    two = tmp_path / "stations-2line.tle"
    two.write_text("".join(line for line in text_lines(three) if line[:2] in ("1 ", "2 ")))
    with Store.open(tmp_path / "s.db") as store:
        store.ingest(iter_file_inputs([two]), now=NOW)
        assert store.object_info(25544).name is None  # type: ignore[union-attr]
        assert store.object_info(25544).object_type == "UNKNOWN"  # type: ignore[union-attr]
        again = store.ingest(iter_file_inputs([three]), now=NOW)
        info = store.object_info(25544)
        table = store.latest(norad_ids=[25544])
    assert again.stored == 0  # the same element sets ...
    assert info is not None and (info.name, info.object_type) == ("ISS (ZARYA)", "PAYLOAD")  # ... now named
    assert table.names.tolist() == ["ISS (ZARYA)"]


def test_add_element_sets_round_trips(geo: Path, tmp_path: Path) -> None:
    sets = list(read_element_sets(text_lines(geo), source="geo"))[:500]
    with Store.open(tmp_path / "s.db") as store:
        report = store.add_element_sets(sets, source="synthetic", now=NOW)
        back = [es for _, h in store.iter_history() for es in h]
    assert report.stored == 500
    assert sorted(back, key=lambda e: (e.norad_id, e.epoch)) == sorted(sets, key=lambda e: (e.norad_id, e.epoch))
    assert {e.source for e in back} == {"synthetic"}
    before = dump_digest(tmp_path / "s.db")
    with Store.open(tmp_path / "s.db") as store:
        again = store.add_element_sets(sets, source="synthetic", now=NOW)
    assert (again.stored, again.duplicates) == (0, 500)
    assert dump_digest(tmp_path / "s.db") == before


# -- opening, schema and migrations ------------------------------------------------

V1_SCHEMA = """
CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
INSERT INTO meta VALUES ('schema_version', '1');
CREATE TABLE sources (source_id INTEGER PRIMARY KEY, name TEXT NOT NULL, sha256 TEXT,
    ingested_at_us INTEGER NOT NULL, element_sets_read INTEGER NOT NULL DEFAULT 0,
    stored INTEGER NOT NULL DEFAULT 0, duplicates INTEGER NOT NULL DEFAULT 0,
    rejected INTEGER NOT NULL DEFAULT 0);
CREATE TABLE objects (norad_id INTEGER PRIMARY KEY, cospar_id TEXT, name TEXT,
    object_type TEXT NOT NULL DEFAULT 'UNKNOWN', name_epoch_us INTEGER);
CREATE TABLE element_sets (id INTEGER PRIMARY KEY, norad_id INTEGER NOT NULL, epoch_us INTEGER NOT NULL,
    mean_motion_rev_per_day REAL NOT NULL, eccentricity REAL NOT NULL, inclination_deg REAL NOT NULL,
    raan_deg REAL NOT NULL, arg_perigee_deg REAL NOT NULL, mean_anomaly_deg REAL NOT NULL,
    bstar_per_earth_radius REAL NOT NULL, mean_motion_dot_rev_per_day2 REAL NOT NULL,
    mean_motion_ddot_rev_per_day3 REAL NOT NULL, name TEXT, cospar_id TEXT,
    classification TEXT NOT NULL DEFAULT 'U', element_set_no INTEGER NOT NULL DEFAULT 0,
    rev_at_epoch INTEGER NOT NULL DEFAULT 0, ephemeris_type INTEGER NOT NULL DEFAULT 0,
    source_id INTEGER NOT NULL REFERENCES sources (source_id), line INTEGER, ingested_at_us INTEGER NOT NULL);
CREATE UNIQUE INDEX element_sets_identity ON element_sets (norad_id, epoch_us, mean_motion_rev_per_day,
    eccentricity, inclination_deg, raan_deg, arg_perigee_deg, mean_anomaly_deg, bstar_per_earth_radius,
    mean_motion_dot_rev_per_day2, mean_motion_ddot_rev_per_day3);
INSERT INTO sources VALUES (1, 'iss.tle', NULL, 1780000000000000, 1, 1, 0, 0);
INSERT INTO objects VALUES (25544, '1998-067A', 'ISS (ZARYA)', 'PAYLOAD', 1779900000000000);
INSERT INTO element_sets VALUES (1, 25544, 1779900000000000, 15.49334650, 0.000752, 51.6325, 60.7811, 90.7634,
    269.4217, 0.00013771, 0.00007235, 0.0, 'ISS (ZARYA)', '1998-067A', 'U', 999, 56797, 0, 1, 1,
    1780000000000000);
"""


def test_version_1_store_migrates(tmp_path: Path) -> None:
    """A store written by schema version 1 (no SATCAT columns) opens, migrates and keeps its data."""
    db = tmp_path / "v1.db"
    with sqlite3.connect(db) as conn:
        conn.executescript(V1_SCHEMA)
    conn.close()
    with Store.open(db) as store:
        info = store.object_info(25544)
        table = store.latest()
        stats = store.stats()
    assert SCHEMA_VERSION >= 3
    with sqlite3.connect(db) as conn:
        version = conn.execute("SELECT value FROM meta WHERE key = 'schema_version'").fetchone()[0]
        columns = {r[1] for r in conn.execute("PRAGMA table_info(objects)")}
    conn.close()
    assert version == str(SCHEMA_VERSION)  # every migration applied
    assert {"owner", "launch_date", "decay_date", "rcs_m2", "type_source"} <= columns
    assert info is not None and (info.name, info.object_type, info.type_source) == ("ISS (ZARYA)", "PAYLOAD", "NAME")
    assert table.norad_id.tolist() == [25544] and table.mean_motion_rev_per_day.tolist() == [15.4933465]
    assert stats["element_sets"] == 1 and stats["epoch_min_utc"] == iso_us(1779900000000000)


def test_newer_store_is_refused(tmp_path: Path) -> None:
    db = tmp_path / "new.db"
    Store.open(db).close()
    with sqlite3.connect(db) as conn:
        conn.execute("UPDATE meta SET value = ? WHERE key = 'schema_version'", (str(SCHEMA_VERSION + 1),))
    conn.close()
    with pytest.raises(SchemaVersionError) as info:
        Store.open(db)
    assert info.value.code == "STORE_SCHEMA_VERSION"


def test_foreign_and_corrupt_databases(tmp_path: Path) -> None:
    other = tmp_path / "other.db"
    with sqlite3.connect(other) as conn:
        conn.execute("CREATE TABLE t (x)")
    conn.close()
    with pytest.raises(StoreError) as info:
        Store.open(other)
    assert info.value.code == "STORE_NOT_ORBITWATCH"
    junk = tmp_path / "junk.db"
    junk.write_bytes(b"this is not a database at all, just some text" * 100)
    with pytest.raises(StoreError) as info:
        Store.open(junk)
    assert info.value.code == "STORE_CORRUPT"


def test_open_paths(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    with pytest.raises(StoreError) as info:
        Store.open(tmp_path / "missing.db", create=False)
    assert info.value.code == "STORE_NOT_FOUND"
    assert not (tmp_path / "missing.db").exists()
    # The default lives in the platform's user data dir (XDG_DATA_HOME on Linux); parents are created.
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "xdg"))
    assert default_db_path() == tmp_path / "xdg" / "orbitwatch" / "orbitwatch.db"
    with Store.open() as store:
        assert store.path == default_db_path()
        assert store.stats()["element_sets"] == 0
    with sqlite3.connect(default_db_path()) as conn:
        assert conn.execute("PRAGMA journal_mode").fetchone() == ("wal",)
    conn.close()


def test_satcat_overrides_name_based_types(shared_data: Path, tmp_path: Path) -> None:
    """COSMOS 1408's first-catalogued fragments ("OBJECT D" ...): UNKNOWN by name, DEBRIS once a SATCAT says so.

    No SATCAT file is staged (MANIFEST.md, "Known gaps"); the SATCAT CSV is written here in
    CelesTrak's column layout ("SATCAT Format Documentation", CSV format of 2023 May 7) from
    facts of record: the fragments of international designator 1982-092 are catalogued as
    COSMOS 1408 DEB, owner CIS, launched 1982-09-16 from Plesetsk (PKMTR).
    """
    tle = shared_data / "fragmentation" / "cosmos-1408-debris-early-2021-11-30.tle"
    lines = list(text_lines(tle))
    fragments = [
        (int(lines[i + 1][2:7]), lines[i + 1][9:17].strip())
        for i, line in enumerate(lines[:-1])
        if line.startswith("OBJECT ") and lines[i + 1].startswith("1 ")
    ]
    assert len(fragments) == 103  # MANIFEST.md
    header = ("OBJECT_NAME,OBJECT_ID,NORAD_CAT_ID,OBJECT_TYPE,OPS_STATUS_CODE,OWNER,LAUNCH_DATE,LAUNCH_SITE,"
              "DECAY_DATE,PERIOD,INCLINATION,APOGEE,PERIGEE,RCS,DATA_STATUS_CODE,ORBIT_CENTER,ORBIT_TYPE")
    rows = [f"COSMOS 1408 DEB,19{intl[:2]}-{intl[2:]},{norad},DEB,,CIS,1982-09-16,PKMTR,,,,,,,,EA,ORB"
            for norad, intl in fragments]
    satcat = tmp_path / "satcat.csv"
    satcat.write_text("\n".join([header, *rows]) + "\n")
    norad0 = fragments[0][0]
    with Store.open(tmp_path / "s.db") as store:
        store.ingest(iter_file_inputs([tle]), now=NOW)
        by_name = store.stats()["by_type"]
        report = store.ingest(iter_file_inputs([satcat]), now=NOW)
        by_satcat = store.stats()["by_type"]
        store.ingest(iter_file_inputs([tle]), now=NOW)  # names "OBJECT D" ... again: no effect
        info = store.object_info(norad0)
        assert store.stats()["by_type"] == by_satcat
    assert by_name == {"PAYLOAD": 1, "ROCKET BODY": 1, "DEBRIS": 0, "UNKNOWN": 103}
    assert (report.element_sets_read, report.stored, report.objects, report.rejected) == (0, 0, 103, 0)
    assert by_satcat == {"PAYLOAD": 1, "ROCKET BODY": 1, "DEBRIS": 103, "UNKNOWN": 0}
    assert info is not None
    assert (info.name, info.cospar_id, info.object_type, info.type_source) == (
        "COSMOS 1408 DEB", "1982-092D", "DEBRIS", "SATCAT")
    assert (info.owner, info.launch_date, info.decay_date, info.rcs_m2) == ("CIS", "1982-09-16", None, None)
    assert info.element_sets == 1


def test_ingest_memory_does_not_grow_with_input_size(
    shared_data: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Streaming: the peak Python memory of an ingest is set by the batch, not by the input length.

    The first 100 element sets of the stations history are fed 2 and 20 times over (the
    repeats are duplicates) with 32-row batches; the traced peak of the longer ingest stays
    within 2x of the shorter (one that kept its input would need ~10x).  An untraced
    warm-up of 2,500 rows first fills CPython's free list of 20-tuples (up to 2,000 kept
    for reuse, the size of a row), which would otherwise count as growth.
    """
    import itertools
    import tracemalloc

    import orbitwatch.store.sqlite as sqlite_store

    monkeypatch.setattr(sqlite_store, "BATCH_SIZE", 32)
    lines = list(text_lines(shared_data / GROUPS / "stations-history-2026-05-24_30.tle.gz"))[:300]
    peaks = []
    for k, repeats in enumerate((25, 2, 20)):
        with Store.open(tmp_path / f"m{k}.db") as store:
            stream = itertools.chain.from_iterable(itertools.repeat(lines, repeats))
            if k:
                tracemalloc.start()
            report = store.ingest([("repeated", stream)], now=NOW)
            if k:
                peaks.append(tracemalloc.get_traced_memory()[1])
                tracemalloc.stop()
        assert (report.element_sets_read, report.stored) == (100 * repeats, 100)
    assert peaks[1] < 2.0 * peaks[0], peaks


def test_nine_digit_catalog_numbers(geo: Path, tmp_path: Path) -> None:
    """OMM can carry catalog numbers up to 999,999,999 (TLE cannot); the store keeps them exactly."""
    es = next(iter(read_element_sets(text_lines(geo), source="geo"))).replace(norad_id=999_999_999)
    with Store.open(tmp_path / "s.db") as store:
        store.add_element_sets([es], source="omm", now=NOW)
        table = store.latest(norad_ids=[999_999_999])
        assert store.history(999_999_999) == [es]
        info = store.object_info(999_999_999)
    assert table.norad_id.tolist() == [999_999_999]
    assert info is not None and info.element_sets == 1


def test_lenient_reject_list_is_capped_but_counted(
    shared_data: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A lenient ingest of a mostly-bad input keeps memory bounded: all rejects counted, the first N kept."""
    import orbitwatch.catalog.model as model

    monkeypatch.setattr(model, "MAX_REJECTS_KEPT", 3)
    lines = list(text_lines(shared_data / GROUPS / "military-history-2026-05-24_30.tle.gz"))
    bad_lines = [i for i, line in enumerate(lines) if line.startswith("1 ")][:10]
    for i in bad_lines:
        lines[i] = lines[i][:68] + str((int(lines[i][68]) + 1) % 10) + lines[i][69:]
    with Store.open(tmp_path / "s.db") as store:
        report = store.ingest([("bad", iter(lines))], lenient=True, now=NOW)
    assert (report.rejected, report.stored) == (10, 463 - 10)
    assert [r.line for r in report.rejects] == [i + 1 for i in bad_lines[:3]]
    assert report.to_dict()["rejected"] == 10


def test_lenient_rejects_keep_bounded_text(shared_data: Path, tmp_path: Path) -> None:
    """A rejected 50 kB line is not kept whole: the message is clipped, the count stays exact."""
    from orbitwatch.catalog.model import MAX_REJECT_TEXT, MAX_REJECTS_KEPT

    good = list(text_lines(shared_data / GROUPS / "military-history-2026-05-24_30.tle.gz"))
    n_bad = MAX_REJECTS_KEPT + 50
    huge = "1 " + "X" * 50_000 + "\n"
    lines = good + [huge] * n_bad
    with Store.open(tmp_path / "s.db") as store:
        report = store.ingest([("huge", iter(lines))], lenient=True, now=NOW)
    assert (report.stored, report.rejected) == (463, n_bad)
    assert len(report.rejects) == MAX_REJECTS_KEPT  # the rest are counted, not kept
    assert all(len(r.message) <= MAX_REJECT_TEXT + 40 for r in report.rejects)
    assert report.rejects[0].source == "huge" and report.rejects[0].line == len(good) + 1
    assert sum(len(r.message) for r in report.rejects) < 1_000 * (MAX_REJECT_TEXT + 40)
    # The clip itself, on a message a parser did not shorten.
    from orbitwatch.catalog.model import Reject, RejectList

    kept = RejectList()
    kept.append(Reject("s", 1, None, "TLE_FIELD", "m" * 10_000))
    (only,) = kept
    assert only.message == "m" * MAX_REJECT_TEXT + f"... [{10_000 - MAX_REJECT_TEXT:,} more characters]"
