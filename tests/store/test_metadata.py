"""Object metadata in the store (orbitwatch.store.metadata, schema version 4).

The staged Space-Track SATCAT of 2026-01-19 and the UCS Satellite Database of 2023-05-01
(shared/data/MANIFEST.md, "Object metadata") are ingested into a temporary store; every
expected value is computed here from the files with the ``json``/``csv`` modules (counts,
owners, the UCS/SATCAT COSPAR conflicts: 125 rows per the MANIFEST) or is a MANIFEST
example (25544 CIS 1998-11-20; 44797 COSMOS 2542 decayed 2023-10-24; 49330 SJ-21 PRC).
"""

from __future__ import annotations

import csv
import gzip
import json
import sqlite3
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pytest
from typer.testing import CliRunner

from orbitwatch.errors import InputError, SATCATError, UCSError
from orbitwatch.sources.files import iter_file_inputs
from orbitwatch.store import Store
from orbitwatch.store.schema import MIGRATIONS, SCHEMA_VERSION
from orbitwatch.store.sqlite import IngestReport

NOW = np.datetime64("2026-01-20T00:00:00", "us")
ST_JSON = "satcat/spacetrack-satcat-2026-01-19.json.gz"
ST_CSV = "satcat/spacetrack-satcat-2026-01-19.csv.gz"
UCS = "satcat/ucs-satellite-database-2023-05-01.csv.gz"
COSMOS_1408 = "fragmentation/cosmos-1408-debris-early-2021-11-30.tle"


@dataclass(frozen=True)
class Reference:
    """What the files say, read with the json/csv modules."""

    satcat: dict[int, dict[str, str | None]]
    ucs: list[dict[str, str]]

    @property
    def conflicts(self) -> set[tuple[int, str]]:
        out = set()
        for row in self.ucs:
            norad, cospar = int(row["NORAD Number"]), row["COSPAR Number"].strip()
            if norad in self.satcat and cospar and cospar != self.satcat[norad]["INTLDES"]:
                out.add((norad, cospar))
        return out

    def conflict_rows(self) -> int:
        pairs = self.conflicts
        return sum(1 for row in self.ucs if (int(row["NORAD Number"]), row["COSPAR Number"].strip()) in pairs)


@pytest.fixture(scope="module")
def ref(shared_data: Path) -> Reference:
    with gzip.open(shared_data / ST_JSON, "rt", encoding="utf-8") as fh:
        satcat = {int(str(r["NORAD_CAT_ID"])): r for r in json.load(fh)}
    with gzip.open(shared_data / UCS, "rt", encoding="utf-8", newline="") as fh:
        rows = list(csv.reader(fh))
    first = {name: rows[0].index(name) for name in rows[0] if name}
    ucs = [{name: row[i] for name, i in first.items()} for row in rows[1:]]
    return Reference(satcat, ucs)


@dataclass(frozen=True)
class Loaded:
    db: Path
    first: IngestReport
    again: IngestReport
    sources_after_first: int


@pytest.fixture(scope="module")
def loaded(shared_data: Path, tmp_path_factory: pytest.TempPathFactory) -> Loaded:
    """Space-Track JSON + UCS ingested (auto-detected), then the same files again."""
    db = tmp_path_factory.mktemp("meta") / "m.db"
    files = [shared_data / ST_JSON, shared_data / UCS]
    with Store.open(db) as store:
        first = store.ingest(iter_file_inputs(files), now=NOW)
        n_sources = len(store.sources())
        again = store.ingest(iter_file_inputs(files), now=NOW)
    return Loaded(db, first, again, n_sources)


@pytest.fixture
def store(loaded: Loaded) -> Iterator[Store]:
    with Store.open(loaded.db, create=False) as s:
        yield s


def test_ingest_counts(loaded: Loaded, ref: Reference) -> None:
    r = loaded.first
    assert (r.satcat_read, r.satcat_stored) == (len(ref.satcat), len(ref.satcat)) == (67_422, 67_422)
    assert (r.ucs_read, r.ucs_stored) == (len(ref.ucs), len(ref.ucs)) == (7_560, 7_560)
    assert r.conflicts == ref.conflict_rows() == 125  # MANIFEST
    assert (r.element_sets_read, r.stored, r.rejected, r.objects) == (0, 0, 0, 67_422)
    d = r.to_dict()
    assert list(d) == ["files", "element_sets_read", "stored", "duplicates", "rejected", "objects", "rejects",
                       "metadata"]
    assert d["metadata"] == {"satcat_read": 67_422, "satcat_stored": 67_422, "ucs_read": 7_560,
                             "ucs_stored": 7_560, "conflicts": 125}


def test_reingest_stores_nothing(loaded: Loaded, store: Store) -> None:
    again = loaded.again
    assert (again.satcat_read, again.satcat_stored, again.ucs_read, again.ucs_stored, again.conflicts) == (
        67_422, 0, 7_560, 0, 125)
    assert len(store.sources()) == loaded.sources_after_first == 2


def test_sources_are_kept_with_kind(loaded: Loaded) -> None:
    conn = sqlite3.connect(loaded.db)
    try:
        rows = conn.execute(
            "SELECT name, kind, metadata_read, metadata_stored FROM sources ORDER BY source_id").fetchall()
        n_satcat_src = conn.execute("SELECT COUNT(DISTINCT source_id) FROM satcat").fetchone()[0]
    finally:
        conn.close()
    assert [(Path(n).name, k, r, s) for n, k, r, s in rows] == [
        (Path(ST_JSON).name, "satcat", 67_422, 67_422), (Path(UCS).name, "ucs", 7_560, 7_560)]
    assert n_satcat_src == 1


def test_manifest_examples(store: Store, ref: Reference) -> None:
    iss, cosmos, sj21 = (store.metadata(n) for n in (25544, 44797, 49330))
    assert iss is not None and cosmos is not None and sj21 is not None
    assert (iss.name, iss.owner, iss.launch_date, iss.launch_site, iss.object_type) == (
        "ISS (ZARYA)", "CIS", "1998-11-20", "TTMTR", "PAYLOAD")
    assert (cosmos.name, cosmos.owner, cosmos.launch_date, cosmos.decay_date) == (
        "COSMOS 2542", "CIS", "2019-11-25", "2023-10-24")
    assert (sj21.name, sj21.owner, sj21.launch_date, sj21.launch_site) == ("SJ-21", "PRC", "2021-10-24", "XSC")
    ucs_sj21 = [row for row in ref.ucs if row["NORAD Number"] == "49330"]
    assert len(ucs_sj21) == 1
    assert (sj21.operator, sj21.users, sj21.purpose, sj21.class_of_orbit, sj21.ucs_conflict) == (
        ucs_sj21[0]["Operator/Owner"].strip(), ucs_sj21[0]["Users"].strip(), ucs_sj21[0]["Purpose"].strip(),
        ucs_sj21[0]["Class of Orbit"].strip(), False)
    assert sj21.type_source == "SATCAT" and sj21.satcat_source is not None and sj21.ucs_source is not None
    assert store.metadata(99_999_999) is None


def test_bulk_lookup_matches_the_satcat(store: Store, ref: Reference) -> None:
    ids = [*ref.satcat, 99_999_999, 270_000]
    meta = store.metadata_for(ids)
    assert set(meta) == set(ref.satcat)
    for n, src in ref.satcat.items():
        m = meta[n]
        assert (m.owner, m.object_type, m.launch_date, m.decay_date, m.name, m.cospar_id) == (
            src["COUNTRY"], src["OBJECT_TYPE"], src["LAUNCH"], src["DECAY"], src["SATNAME"], src["INTLDES"])
    with_ucs = {int(row["NORAD Number"]) for row in ref.ucs}
    assert {n for n, m in meta.items() if m.operator is not None} == with_ucs


def test_conflicts_are_reported_not_joined(store: Store, ref: Reference) -> None:
    listed = store.metadata_conflicts()
    assert len(listed) == 125
    assert {(c.norad_id, c.ucs_cospar_id) for c in listed} == ref.conflicts
    for c in listed:
        assert c.satcat_cospar_id == ref.satcat[c.norad_id]["INTLDES"] != c.ucs_cospar_id
    # MANIFEST: NORAD 62684 listed by UCS as Starlink-4014 2022-053AE is IRIS-F2 2025-009CD
    m = store.metadata(62684)
    assert m is not None
    assert (m.name, m.cospar_id) == ("IRIS-F2", "2025-009CD")  # the SATCAT's, not UCS's
    assert (m.ucs_name, m.ucs_cospar_id, m.ucs_conflict) == ("Starlink-4014", "2022-053AE", True)
    assert m.operator is not None  # the UCS fields are kept, flagged
    # a NORAD id listed twice by UCS, once agreeing with the SATCAT: the agreeing row is shown
    dup = [row for row in ref.ucs if row["NORAD Number"] == "54766"]
    agreeing = [row for row in dup if row["COSPAR Number"].strip() == ref.satcat[54766]["INTLDES"]]
    assert len(dup) == 2 and len(agreeing) == 1
    m2 = store.metadata(54766)
    assert m2 is not None and m2.ucs_conflict is False
    assert m2.ucs_name == agreeing[0]["Name of Satellite, Alternate Names"].strip()


def test_search(store: Store, ref: Reference) -> None:
    assert [m.norad_id for m in store.search_objects("25544")] == [25544]
    zarya = store.search_objects("zarya")
    assert 25544 in {m.norad_id for m in zarya}
    expected = sorted(n for n, r in ref.satcat.items() if "ZARYA" in str(r["SATNAME"]).upper())
    assert [m.norad_id for m in zarya if m.name and "ZARYA" in m.name.upper()] == expected
    launch = [m.norad_id for m in store.search_objects("1982-092", limit=10_000)]
    assert launch == sorted(n for n, r in ref.satcat.items() if str(r["INTLDES"]).startswith("1982-092"))
    assert len(launch) == 1808  # MANIFEST: COSMOS 1408, 1,808 catalogued
    assert {m.norad_id for m in store.search_objects("SJ-21")} >= {49330}
    shijian = store.search_objects("Shijian 21")  # the UCS name finds it too
    assert 49330 in {m.norad_id for m in shijian}
    assert len(store.search_objects("STARLINK", limit=7)) == 7
    underscore = store.search_objects("_", limit=50)  # LIKE wildcards are literal
    assert all("_" in " ".join(filter(None, (m.name, m.ucs_name))) for m in underscore)
    assert store.search_objects("   ") == []


def test_csv_and_json_satcat_store_the_same_rows(loaded: Loaded, shared_data: Path, tmp_path: Path) -> None:
    """The Space-Track CSV is the same SATCAT as the JSON (MANIFEST): ingesting it over the JSON changes no row."""
    db = tmp_path / "copy.db"
    db.write_bytes(loaded.db.read_bytes())
    with Store.open(db) as store:
        report = store.ingest(iter_file_inputs([shared_data / ST_CSV]), now=NOW, kind="satcat")
    assert (report.satcat_read, report.satcat_stored, report.conflicts) == (67_422, 0, 125)


def test_forced_kind_and_strict_failure_store_nothing(shared_data: Path, tmp_path: Path) -> None:
    db = tmp_path / "k.db"
    with Store.open(db) as store:
        with pytest.raises(SATCATError) as err:
            store.ingest(iter_file_inputs([shared_data / UCS]), now=NOW, kind="satcat")
        assert err.value.code == "SATCAT_HEADER"
        with pytest.raises(UCSError) as uerr:
            store.ingest(iter_file_inputs([shared_data / COSMOS_1408]), now=NOW, kind="ucs")
        assert uerr.value.code == "UCS_HEADER"
        with pytest.raises(InputError):
            store.ingest(iter_file_inputs([shared_data / UCS]), now=NOW, kind="xml")
        assert store.sources() == [] and store.metadata_for(range(1, 70_000)) == {}
        # lenient: a bad row is a reject, the rest stored
        bad = tmp_path / "ucs-bad.csv"
        with gzip.open(shared_data / UCS, "rt", encoding="utf-8", newline="") as fh:
            rows = list(csv.reader(fh))[:4]
        rows[2][rows[0].index("NORAD Number")] = "4\u00b2"
        with bad.open("w", encoding="utf-8", newline="") as out:
            csv.writer(out).writerows(rows)
        report = store.ingest(iter_file_inputs([bad]), now=NOW, lenient=True)
        assert (report.ucs_read, report.ucs_stored, report.rejected) == (2, 2, 1)
        assert report.rejects[0].code == "UCS_FIELD" and report.rejects[0].line == 3


def _satcat_subset(shared_data: Path, ids: set[int], path: Path) -> dict[int, dict[str, str]]:
    """Rows of the staged Space-Track CSV for ``ids`` written to ``path``; returns them by id."""
    with gzip.open(shared_data / ST_CSV, "rt", encoding="utf-8", newline="") as fh:
        reader = csv.DictReader(fh)
        assert reader.fieldnames is not None
        rows = [r for r in reader if int(r["NORAD_CAT_ID"]) in ids]
        fields = list(reader.fieldnames)
    with path.open("w", encoding="utf-8", newline="") as out:
        w = csv.DictWriter(out, fieldnames=fields)
        w.writeheader()
        w.writerows(rows)
    return {int(r["NORAD_CAT_ID"]): r for r in rows}


def _tle_ids(path: Path) -> set[int]:
    return {int(line[2:7]) for line in path.read_text().splitlines() if line.startswith("1 ")}


def test_latest_carries_object_type_and_owner(shared_data: Path, tmp_path: Path) -> None:
    """COSMOS 1408's first fragments are 'OBJECT D'... (UNKNOWN by name); the SATCAT says DEBRIS, CIS."""
    tle = shared_data / COSMOS_1408
    ids = _tle_ids(tle)
    with Store.open(tmp_path / "l.db") as store:
        store.ingest(iter_file_inputs([tle]), now=NOW)
        before = store.latest()
        satcat = _satcat_subset(shared_data, ids, tmp_path / "satcat.csv")
        report = store.ingest(iter_file_inputs([tmp_path / "satcat.csv"]), now=NOW)
        after = store.latest()
        some = store.latest(norad_ids=sorted(ids)[:3])
    assert report.satcat_read == len(satcat) == len(ids)
    assert set(before.owners) == {None}
    assert "UNKNOWN" in set(before.object_types)  # inferred from 'OBJECT D'-style names
    assert after.norad_id.tolist() == sorted(ids)
    assert after.owners.tolist() == [satcat[n]["COUNTRY"] for n in after.norad_id.tolist()]
    assert after.object_types.tolist() == [satcat[n]["OBJECT_TYPE"] for n in after.norad_id.tolist()]
    assert some.owners.tolist() == [satcat[n]["COUNTRY"] for n in sorted(ids)[:3]]
    assert len(after.take(np.arange(5)).owners) == 5


def test_version_3_store_migrates_to_4(tmp_path: Path) -> None:
    db = tmp_path / "v3.db"
    conn = sqlite3.connect(db)
    for step in MIGRATIONS[:3]:
        for sql in step:
            conn.execute(sql)
    conn.execute("INSERT INTO meta (key, value) VALUES ('schema_version', '3')")
    conn.execute("INSERT INTO sources (name, ingested_at_us) VALUES ('old.tle', 0)")
    conn.commit()
    conn.close()
    with Store.open(db) as store:
        assert store.metadata_conflicts() == []
        assert [s["name"] for s in store.sources()] == ["old.tle"]
    conn = sqlite3.connect(db)
    try:
        version = conn.execute("SELECT value FROM meta WHERE key = 'schema_version'").fetchone()[0]
        kind = conn.execute("SELECT kind FROM sources").fetchone()[0]
        tables = {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
    finally:
        conn.close()
    assert SCHEMA_VERSION >= 4 and version == str(SCHEMA_VERSION)  # every later migration applied too
    assert kind == "elements" and {"satcat", "ucs"} <= tables


def test_cli_ingest_metadata(shared_data: Path, tmp_path: Path) -> None:
    from orbitwatch.cli import app

    runner = CliRunner()
    db = tmp_path / "cli.db"
    tle = shared_data / COSMOS_1408
    _satcat_subset(shared_data, _tle_ids(tle) | {49330}, tmp_path / "satcat.csv")
    res = runner.invoke(app, ["ingest", str(shared_data / UCS), str(tmp_path / "satcat.csv"), "--db", str(db),
                              "--json"])
    assert res.exit_code == 0, res.output
    data = json.loads(res.stdout)
    assert data["metadata"]["ucs_read"] == data["metadata"]["ucs_stored"] == 7_560
    assert data["metadata"]["satcat_read"] == len(_tle_ids(tle)) + 1
    assert data["metadata"]["conflicts"] == 0  # none of these SATCAT ids is a conflicting UCS row
    # forcing the wrong kind is a parse error (exit 4) and stores nothing
    res = runner.invoke(app, ["ingest", str(tle), "--kind", "satcat", "--db", str(db), "--json"])
    assert res.exit_code == 4, res.output
    res = runner.invoke(app, ["ingest", str(tle), "--kind", "elements", "--db", str(db)])
    assert res.exit_code == 0, res.output
    assert "SATCAT" not in res.stdout  # an element-only ingest prints no metadata rows
    res = runner.invoke(app, ["ingest", str(tmp_path / "satcat.csv"), "--db", str(db)])
    assert res.exit_code == 0 and "UCS/SATCAT COSPAR conflicts" in res.stdout
    with Store.open(db, create=False) as store:
        m = store.metadata(49330)
        table = store.latest()
    assert m is not None and m.owner == "PRC"
    assert m.operator == "China Aerospace Science and Technology Corporation (CASC)"
    assert set(table.owners.tolist()) == {"CIS"}


def test_celestrak_layout_and_bad_kind_option(tmp_path: Path) -> None:
    """A CelesTrak-layout SATCAT (CelesTrak "SATCAT Format Documentation", CSV of 2023 May 7;
    the row written here from its cells) lands in the same vocabulary: PAY -> PAYLOAD, OWNER kept."""
    from orbitwatch.cli import app

    path = tmp_path / "celestrak-satcat.csv"
    path.write_text(
        "OBJECT_NAME,OBJECT_ID,NORAD_CAT_ID,OBJECT_TYPE,OPS_STATUS_CODE,OWNER,LAUNCH_DATE,LAUNCH_SITE,"
        "DECAY_DATE,PERIOD,INCLINATION,APOGEE,PERIGEE,RCS,DATA_STATUS_CODE,ORBIT_CENTER,ORBIT_TYPE\n"
        "ISS (ZARYA),1998-067A,25544,PAY,+,ISS,1998-11-20,TYMSC,,92.98,51.64,421,415,399.0524,,EA,ORB\n"
    )
    db = tmp_path / "c.db"
    runner = CliRunner()
    res = runner.invoke(app, ["ingest", str(path), "--db", str(db), "--json"])
    assert res.exit_code == 0, res.output
    assert json.loads(res.stdout)["metadata"]["satcat_stored"] == 1
    with Store.open(db, create=False) as store:
        m = store.metadata(25544)
    assert m is not None
    assert (m.object_type, m.owner, m.launch_site, m.launch_date) == ("PAYLOAD", "ISS", "TYMSC", "1998-11-20")
    res = runner.invoke(app, ["ingest", str(path), "--db", str(db), "--kind", "xml"])
    assert res.exit_code == 3, res.output  # an input error, nothing read
