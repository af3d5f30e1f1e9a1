"""A minimum range reported by ``orbitwatch rpo`` is reproduced to 1 m by two
``orbitwatch propagate --history`` runs (issue 11 acceptance 5).

Case: LUCH-5X (OLYMP-K 2, 55841) beside INTELSAT 39 (44476) in the staged five-week GEO OMM
history (CelesTrak GP CSV, 2026-07-19 .. 08-22).  The two objects' rows are taken from the
file with the ``csv`` module (the episode depends only on the pair's own histories:
the detector's grid is anchored to whole steps since 1970).  The range is computed here
from the two propagate outputs; each output's ``element_epoch_utc`` is checked against the
set in force read independently from the CSV (the latest ``EPOCH`` at or before the time).
"""

from __future__ import annotations

import csv
import gzip
import json
import math
from pathlib import Path

import numpy as np
import pytest
from typer.testing import CliRunner

from orbitwatch.cli import app
from orbitwatch.times import parse_utc

HISTORY = "history/celestrak-active-omm-2026-07-19_08-22/active-omm-geo-history.csv.gz"
PAIR = (44476, 55841)
runner = CliRunner()


@pytest.fixture(scope="module")
def pair_history(shared_data: Path, tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict[int, list[str]]]:
    out = tmp_path_factory.mktemp("rpo") / "pair-omm.csv"
    epochs: dict[int, list[str]] = {n: [] for n in PAIR}
    with gzip.open(shared_data / HISTORY, "rt", newline="") as f, out.open("w", newline="") as g:
        reader = csv.DictReader(f)
        assert reader.fieldnames is not None
        writer = csv.DictWriter(g, fieldnames=reader.fieldnames, lineterminator="\n")
        writer.writeheader()
        for row in reader:
            if int(row["NORAD_CAT_ID"]) in PAIR:
                writer.writerow(row)
                epochs[int(row["NORAD_CAT_ID"])].append(row["EPOCH"])
    return out, epochs


def _position(path: Path, norad: int, time_utc: str) -> tuple[np.ndarray, str]:
    res = runner.invoke(app, ["propagate", str(norad), "--catalog", str(path), "--history", "--start", time_utc,
                              "--duration-h", "0", "--step-s", "60", "--format", "json"])
    assert res.exit_code == 0, res.output
    rows = json.loads(res.stdout)
    assert len(rows) == 1
    return np.array([rows[0][k] for k in ("x_km", "y_km", "z_km")]), rows[0]["element_epoch_utc"]


def _in_force(epochs: list[str], time_utc: str) -> np.datetime64:
    t = parse_utc(time_utc)
    return max(e for e in (parse_utc(x + "Z") for x in epochs) if e <= t)


def test_rpo_min_range_reproduced_by_propagate(pair_history: tuple[Path, dict[int, list[str]]]) -> None:
    path, epochs = pair_history
    res = runner.invoke(app, ["rpo", "--catalog", str(path), "--norad", "55841", "--format", "json"])
    assert res.exit_code == 0, res.output
    episodes = [e for e in json.loads(res.stdout) if (e["norad_1"], e["norad_2"]) == PAIR]
    assert episodes, res.stdout
    for ep in episodes:
        assert ep["evidence"]["min_range_uncertainty_km"] is not None and ep["evidence"]["min_range_uncertainty_km"] > 0
        r1, e1 = _position(path, PAIR[0], ep["min_range_utc"])
        r2, e2 = _position(path, PAIR[1], ep["min_range_utc"])
        for norad, stamp in zip(PAIR, (e1, e2), strict=True):
            got = parse_utc(stamp)
            want = _in_force(epochs[norad], ep["min_range_utc"])
            assert abs(int((got - want).astype("timedelta64[us]").astype(np.int64))) <= 1, (norad, stamp)
        rng = float(np.linalg.norm(r1 - r2))
        assert math.isclose(rng, ep["min_range_km"], abs_tol=1e-3), (rng, ep)
