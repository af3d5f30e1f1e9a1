"""``breakup detect`` and ``breakup reconstruct`` records name the owners (issue 11 acceptance 4).

The store holds the early COSMOS 1408 fragments (2021-11-30), the parents' pre-event sets,
the staged Space-Track SATCAT of 2026-01-19 and the UCS database of 2023-05-01.  Expected
values come from reading the SATCAT CSV with the ``csv`` module, not through orbitwatch: a
parent's ``parent_owner`` is the SATCAT ``COUNTRY`` of its NORAD id; ``member_owners`` (detect)
and ``fragment_owners`` (reconstruct) count the ``COUNTRY`` of every member (``None`` for an
id the SATCAT lacks).  None of these objects has a UCS row (COSMOS 1408 and its debris are
not operational satellites), so, as in every other result, no UCS keys are added.  With
catalog files, ``--satcat FILE`` gives the owners to ``detect``; without it they are null.
"""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from orbitwatch.cli import app

from .test_access_owners import SATCAT, UCS, satcat_rows, ucs_rows

runner = CliRunner()
EARLY = "fragmentation/cosmos-1408-debris-early-2021-11-30.tle"
PARENTS = "fragmentation/parent-objects-pre-event.tle"
BEFORE = "catalog/spacetrack-3le-full-catalog-2019-12-19.tle.gz"


def _json(args: list[str]) -> Any:
    res = runner.invoke(app, args)
    assert res.exit_code == 0, res.output
    return json.loads(res.stdout)


def _counts(satcat: dict[int, dict[str, str]], norads: list[int]) -> dict[str | None, int]:
    return dict(Counter(satcat[n]["COUNTRY"] if n in satcat else None for n in norads))


def _as_counts(rows: list[dict[str, Any]]) -> dict[str | None, int]:
    assert all(set(r) == {"owner", "objects"} for r in rows)
    assert [r["objects"] for r in rows] == sorted((r["objects"] for r in rows), reverse=True)
    return {r["owner"]: r["objects"] for r in rows}


@pytest.fixture(scope="module")
def satcat(shared_data: Path) -> dict[int, dict[str, str]]:
    return satcat_rows(shared_data / SATCAT)


@pytest.fixture(scope="module")
def db(shared_data: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("breakup-owners") / "ow.db"
    for f in (EARLY, PARENTS, SATCAT, UCS):
        _json(["ingest", str(shared_data / f), "--db", str(path), "--json"])
    return path


def test_detect_from_the_store(db: Path, satcat: dict[int, dict[str, str]], shared_data: Path) -> None:
    events = _json(["breakup", "detect", "--db", str(db), "--start", "2021-11-14T00:00:00Z", "--json"])["events"]
    ev = next(e for e in events if e["launch"] == "1982-092")
    assert ev["parent_norad"] == 13552 and ev["parent_owner"] == satcat[13552]["COUNTRY"] == "CIS"
    assert _as_counts(ev["member_owners"]) == _counts(satcat, ev["members"])
    ucs = ucs_rows(shared_data / UCS)
    assert not any(n in ucs for e in events for n in [*e["members"], e["parent_norad"]])
    assert all(not any(k.startswith(("parent_operator", "parent_users")) for k in e) for e in events)
    table = runner.invoke(app, ["breakup", "detect", "--db", str(db), "--start", "2021-11-14T00:00:00Z"],
                          env={"COLUMNS": "250", "TERM": "dumb"})
    assert table.exit_code == 0 and "COSMOS 1408 (CIS)" in table.stdout


def test_reconstruct_from_the_store(db: Path, satcat: dict[int, dict[str, str]], shared_data: Path) -> None:
    d = _json(["breakup", "reconstruct", "--db", str(db), "--parent", "13552", "--json"])
    assert d["parent_owner"] == satcat[13552]["COUNTRY"]
    # the fragments: every object of the early file (line 1, columns 3-7) but COSMOS 1408 and its R/B
    lines = (shared_data / EARLY).read_text().splitlines()
    frags = sorted({int(x[2:7]) for x in lines if x.startswith("1 ")} - {13552, 13553})
    assert len(frags) == d["fragments"] == 103
    assert _as_counts(d["fragment_owners"]) == _counts(satcat, frags)

def test_detect_from_files_with_and_without_satcat(shared_data: Path, satcat: dict[int, dict[str, str]]) -> None:
    files = ["breakup", "detect", "--before", str(shared_data / BEFORE), "--after", str(shared_data / EARLY), "--json"]
    ev = _json([*files, "--satcat", str(shared_data / SATCAT)])["events"][0]
    assert (ev["parent_norad"], ev["parent_owner"]) == (13552, "CIS")
    assert _as_counts(ev["member_owners"]) == _counts(satcat, ev["members"])
    bare = _json(files)["events"][0]
    assert bare["parent_owner"] is None and bare["member_owners"] == [{"owner": None, "objects": bare["pieces"]}]
    assert (bare["parent_norad"], bare["members"]) == (ev["parent_norad"], ev["members"])


def test_simulate_and_risk_from_the_store(db: Path, satcat: dict[int, dict[str, str]]) -> None:
    """``simulate`` names the parent's owner; ``risk`` each asset's and each conjunction object's."""
    sim = _json(["breakup", "simulate", "--db", str(db), "--parent", "13552", "--epoch", "2021-11-15T02:47:00Z",
                 "--mass-kg", "1750", "--lc-min-m", "0.5", "--json"])
    assert sim["parent_owner"] == satcat[13552]["COUNTRY"]
    d = _json(["breakup", "risk", "--db", str(db), "--asset", "13552", "--cloud-designator", "1982-092",
               "--start", "2021-11-30T00:00:00Z", "--duration-h", "1", "--threshold-km", "50", "--json"])
    (a,) = d["assets"]
    assert (a["norad"], a["owner"]) == (13552, satcat[13552]["COUNTRY"])
    assert d["cloud_conjunctions"]
    for c in d["cloud_conjunctions"]:
        for k in "12":
            n = c[f"norad_{k}"]
            assert c[f"owner_{k}"] == (satcat[n]["COUNTRY"] if n in satcat else None)
