"""``orbitwatch screen --plot DIR`` and :func:`orbitwatch.plots.encounter_series`.

Iridium 33 / Cosmos 2251 (2009-02-10): one PNG per record, and the plotted series
checked against independent ``sgp4`` states: the range at every plotted time equals
the ``sgp4`` package's range (1 cm), and its minimum lies at TCA (0 s, to the 2-s step)
at the screened miss distance (5 m).
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
from sgp4.api import Satrec
from typer.testing import CliRunner

from orbitwatch.cli import app
from orbitwatch.plots import encounter_series
from orbitwatch.sources.files import read_catalog_files
from orbitwatch.times import parse_utc

ARGS = ["screen", "--start", "2009-02-10T16:00:00Z", "--end", "2009-02-10T18:00:00Z", "--threshold-km", "5"]


def test_plot_files_and_series(shared_data: Path, tmp_path: Path) -> None:
    path = shared_data / "fragmentation" / "parent-objects-pre-event.tle"
    res = CliRunner().invoke(app, [*ARGS, "--catalog", str(path), "--format", "json", "--plot", str(tmp_path)])
    assert res.exit_code == 0, res.output
    (row,) = json.loads(res.stdout)
    (png,) = sorted(tmp_path.glob("*.png"))
    assert png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n" and png.stat().st_size > 10_000
    assert "1 plot(s) written" in res.stderr

    table, _ = read_catalog_files([path], at=parse_utc(ARGS[2]))
    tca = parse_utc(row["tca_utc"])
    s = encounter_series(table, row["norad_1"], row["norad_2"], tca)
    assert s.t_s[0] == -600 and s.t_s[-1] == 600 and not s.err.any()
    k = int(np.argmin(s.range_km))
    assert abs(s.t_s[k]) <= 2.0 and abs(s.range_km[k] - row["miss_distance_km"]) < 0.005
    assert np.allclose(np.linalg.norm(s.ric_km, axis=1), s.range_km, atol=1e-9)
    lines = path.read_text().splitlines()
    sats = {int(a[2:7]): Satrec.twoline2rv(a, b) for a, b in zip(lines[1::3], lines[2::3], strict=True)}
    days0 = float(tca.astype("datetime64[us]").astype(np.int64)) / 86400e6
    for j in range(0, s.t_s.size, 50):
        days = days0 + s.t_s[j] / 86400.0
        r = [np.array(sats[n].sgp4(2440587.5 + np.floor(days), days - np.floor(days))[1])
             for n in (row["norad_1"], row["norad_2"])]
        assert abs(np.linalg.norm(r[1] - r[0]) - s.range_km[j]) < 1e-5  # 1 cm: float day fractions
