"""``screen --cluster`` gives the same records as the serial ``screen`` (issue 17, acceptance 1 on a small case).

The expected value is the serial command's own JSON on the same input (the serial
screening is checked against an independent brute force in
tests/screening/test_screen_completeness.py); the cluster run is a real
``dask.distributed`` LocalCluster of two worker processes, with three time partitions.
"""

from __future__ import annotations

import json
from pathlib import Path

from typer.testing import CliRunner

from orbitwatch.cli import app

runner = CliRunner()
WINDOW = ["--start", "2022-01-22T00:00:00Z", "--end", "2022-01-22T06:00:00Z", "--threshold-km", "10"]


def test_cluster_records_equal_the_serial_ones(shared_data: Path) -> None:
    cloud = str(shared_data / "fragmentation" / "cosmos-1408-debris-2022-01-22.tle.gz")
    serial = runner.invoke(app, ["screen", "--catalog", cloud, *WINDOW, "--format", "json", "--sort", "tca"])
    assert serial.exit_code == 0, serial.output
    dask = runner.invoke(app, ["screen", "--catalog", cloud, *WINDOW, "--format", "json", "--sort", "tca",
                               "--cluster", "local:2", "--partitions", "3"])
    assert dask.exit_code == 0, dask.output
    rows_s, rows_d = json.loads(serial.stdout), json.loads(dask.stdout)
    assert len(rows_s) > 10
    assert [(r["norad_1"], r["norad_2"], r["tca_utc"][:19]) for r in rows_d] == \
        [(r["norad_1"], r["norad_2"], r["tca_utc"][:19]) for r in rows_s]
    for a, b in zip(rows_d, rows_s, strict=True):
        assert abs(a["miss_distance_km"] - b["miss_distance_km"]) <= 1e-3


def test_partitions_without_cluster_is_a_coded_error(shared_data: Path) -> None:
    cloud = str(shared_data / "fragmentation" / "cosmos-1408-debris-2022-01-22.tle.gz")
    res = runner.invoke(app, ["screen", "--catalog", cloud, *WINDOW, "--partitions", "3"])
    assert res.exit_code != 0
    assert "INPUT_INVALID" in res.output and "--partitions needs --cluster" in res.output
    bad = runner.invoke(app, ["screen", "--catalog", cloud, *WINDOW, "--cluster", "gpu"])
    assert bad.exit_code != 0 and "INPUT_INVALID" in bad.output
