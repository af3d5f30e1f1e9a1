"""``orbitwatch synth population``: composition, geometry and determinism (issue 17).

Expected values are computed independently of the code under test: shell sizes from
the filings table in docs/population.md (written out here again), mean motion from
n = sqrt(mu / a^3) with WGS-72 constants, and the written OMM CSV is read back with
python-sgp4's own OMM reader (``sgp4.omm``) and propagated with ``sgp4.api``.
"""

from __future__ import annotations

import csv
import gzip
import hashlib
import json
import math
from collections import Counter
from pathlib import Path

import numpy as np
import pytest
from sgp4 import omm
from sgp4.api import Satrec
from typer.testing import CliRunner

from orbitwatch.cli import app

PARENTS = "fragmentation/parent-objects-pre-event.tle"
# (constellation, satellites) per filing, in file order: docs/population.md
FILINGS = [
    ("STARLINK-G1", 1584 + 1584 + 720 + 348 + 172),
    ("STARLINK-G2", 3 * 5280 + 3600 + 3 * 3360 + 144 + 324),
    ("KUIPER", 1156 + 1296 + 784),
    ("ONEWEB", 720),
    ("GUOWANG", 480 + 2000 + 3600 + 4 * 1728),
]
N_SHELLS = sum(n for _, n in FILINGS)
MU_KM3_S2 = 398600.8
RE_KM = 6378.135


def _write(tmp: Path, name: str, n: int, seed: int, base: list[str]) -> tuple[Path, dict]:  # type: ignore[type-arg]
    out = tmp / name
    args = ["synth", "population", "--objects", str(n), "--seed", str(seed), "--output", str(out), "--json"]
    for b in base:
        args += ["--base", b]
    res = CliRunner().invoke(app, args)
    assert res.exit_code == 0, res.output
    return out, json.loads(res.stdout)


def _rows(path: Path) -> list[dict[str, str]]:
    opener = gzip.open if path.suffix == ".gz" else open
    with opener(path, "rt", newline="") as fh:  # type: ignore[operator]
        return list(csv.DictReader(fh))


@pytest.fixture(scope="module")
def population(shared_data: Path, tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict]:  # type: ignore[type-arg]
    tmp = tmp_path_factory.mktemp("pop")
    return _write(tmp, "pop.csv.gz", N_SHELLS + 3 + 2500, 7, [str(shared_data / PARENTS)])


def test_composition(population: tuple[Path, dict]) -> None:  # type: ignore[type-arg]
    path, summary = population
    rows = _rows(path)
    assert len(rows) == N_SHELLS + 3 + 2500 == summary["objects"]
    ids = [int(r["NORAD_CAT_ID"]) for r in rows]
    assert len(set(ids)) == len(ids)
    # base first (3 distinct objects of the parents file, NORAD order), then the filings, then debris
    assert ids[:3] == [13552, 22675, 24946]
    names = [r["OBJECT_NAME"] for r in rows]
    per = Counter(n.split(" S")[0] for n in names[3 : 3 + N_SHELLS])
    assert dict(per) == dict(FILINGS)
    assert summary["shells"] == dict(FILINGS)
    debris = names[3 + N_SHELLS :]
    assert len(debris) == 2500 == summary["debris"] == sum(c["fragments"] for c in summary["debris_clouds"])
    assert all(n.endswith(" SBM DEB") for n in debris)
    assert all(i > 99_999 for i in ids[3:])


def test_shell_geometry_and_sgp4_readback(population: tuple[Path, dict]) -> None:  # type: ignore[type-arg]
    path, _ = population
    with gzip.open(path, "rt", newline="") as fh:
        fields = list(omm.parse_csv(fh))
    shell1 = fields[3 : 3 + 1584]  # Starlink Gen1 shell 1: 550 km, 53.0 deg, 72 x 22
    raans = sorted({round(float(f["RA_OF_ASC_NODE"]), 9) for f in shell1})
    assert len(raans) == 72 and np.allclose(np.diff(raans), 5.0)
    a_km = RE_KM + 550.0
    n_rev_day = math.sqrt(MU_KM3_S2 / a_km**3) * 86400.0 / (2 * math.pi)
    jd = 2460780.5  # 2025-04-15T00:00Z
    for f in shell1[::97]:
        assert float(f["INCLINATION"]) == 53.0
        assert abs(float(f["MEAN_MOTION"]) - n_rev_day) < 1e-9
        sat = Satrec()
        omm.initialize(sat, dict(f, NORAD_CAT_ID="1"))  # sgp4's satnum stops at 339,999; orbits do not care
        e, r, _ = sat.sgp4(jd, 0.0)
        assert e == 0
        # SGP4's mean-to-osculating terms move the radius by a few km around the mean altitude
        assert abs(math.sqrt(sum(x * x for x in r)) - a_km) < 15.0
    # every debris fragment propagates at the epoch and stays above 100 km
    for f in fields[3 + N_SHELLS :: 50]:
        sat = Satrec()
        omm.initialize(sat, dict(f, NORAD_CAT_ID="1"))
        e, r, _ = sat.sgp4(jd, 0.0)
        assert e == 0 and math.sqrt(sum(x * x for x in r)) > RE_KM + 100.0


def test_orbitwatch_reads_it_back(population: tuple[Path, dict]) -> None:  # type: ignore[type-arg]
    from orbitwatch.sources.files import read_catalog_files

    path, summary = population
    table, rejects = read_catalog_files([path])
    assert not rejects and len(table) == summary["objects"]


def test_deterministic_and_seeded(
    shared_data: Path, tmp_path: Path, population: tuple[Path, dict]  # type: ignore[type-arg]
) -> None:
    first, _ = population  # seed 7
    base = [str(shared_data / PARENTS)]
    n = 3 + N_SHELLS + 2500
    again, _ = _write(tmp_path, "again.csv.gz", n, 7, base)
    other, _ = _write(tmp_path, "other.csv.gz", n, 8, base)
    text = [gzip.decompress(p.read_bytes()) for p in (first, again, other)]
    assert hashlib.sha256(text[0]).digest() == hashlib.sha256(text[1]).digest()
    assert text[0] != text[2]
    # the seed changes only the debris
    head = [t.split(b"\n")[: 1 + 3 + N_SHELLS] for t in (text[0], text[2])]
    assert head[0] == head[1]
    assert not list(tmp_path.glob("*.partial"))


def test_bad_requests_are_coded(tmp_path: Path) -> None:
    res = CliRunner().invoke(app, ["synth", "population", "--objects", "0", "--output", str(tmp_path / "x.csv")])
    assert res.exit_code == 3 and "INPUT_INVALID" in res.stderr
    # debris without any LEO parent: no base and fewer shells than asked is impossible -> all shells are parents;
    # a directory as output is refused before anything is written
    res = CliRunner().invoke(app, ["synth", "population", "--objects", "10", "--output", str(tmp_path)])
    assert res.exit_code == 3 and "INPUT_FILE" in res.stderr


def test_shell_phasing_keeps_satellites_apart() -> None:
    """Starlink Gen1's 4 x 43 polar shell: every pair stays > 50 km apart over an orbit (sgp4, brute force).

    With phasing factor 1 the same shell puts two satellites on top of each other at the pole
    crossings; the table's factor (2) is what the filing's spacing needs.
    """
    from sgp4.api import WGS72, SatrecArray

    from orbitwatch.population import FILED_SHELLS, shell_element_sets

    shell = FILED_SHELLS[4]
    assert (shell.planes, shell.per_plane) == (4, 43)
    t0 = np.datetime64("2025-04-15T00:00:00", "us")
    sats = []
    for es in shell_element_sets(shell, 4, t0, 1):
        sat = Satrec()
        sat.sgp4init(WGS72, "i", 1, 25672.5, 1e-5, 0.0, 0.0, es.eccentricity, math.radians(es.arg_perigee_deg),
                     math.radians(es.inclination_deg), math.radians(es.mean_anomaly_deg),
                     es.mean_motion_rev_per_day * 2 * math.pi / 1440.0, math.radians(es.raan_deg))
        sats.append(sat)
    fr = np.linspace(0.0, 96.0 / 1440.0, 1200)  # one orbit, 5 s steps
    e, r, _ = SatrecArray(sats).sgp4(np.full(fr.shape, 2460780.5), fr)
    assert (e == 0).all()
    d_min = np.inf
    for k in range(r.shape[0] - 1):
        d = np.linalg.norm(r[k + 1 :] - r[k], axis=-1)
        d_min = min(d_min, float(d.min()))
    assert d_min > 50.0
