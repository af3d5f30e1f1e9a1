"""Conjunction plots: range and RIC miss components over +-10 min around each TCA.

The one module of orbitwatch that imports matplotlib (non-interactive ``Agg``
backend, PNG files), so the array core never depends on a plotting library.
:func:`encounter_series` computes what is drawn from SGP4 states (TEME;
:func:`orbitwatch.propagation.propagate`) and :func:`orbitwatch.frames.to_ric` (object
2 relative to object 1 in object 1's RIC frame, as the screening records); the
plotting functions only draw it.  Used by ``orbitwatch screen --plot DIR``.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt

from orbitwatch.catalog.model import ElementTable
from orbitwatch.errors import InputError
from orbitwatch.times import UTC_DTYPE, as_utc, format_utc

__all__ = ["EncounterSeries", "encounter_series", "plot_conjunction", "plot_conjunctions"]

HALF_WINDOW_S = 600.0
STEP_S = 2.0


@dataclass(frozen=True)
class EncounterSeries:
    """``t_s (T,)`` seconds from TCA; ``range_km (T,)``; ``ric_km (T, 3)``; ``err (T,)`` SGP4 codes."""

    norad_1: int
    norad_2: int
    tca: np.datetime64
    t_s: npt.NDArray[np.float64]
    range_km: npt.NDArray[np.float64]
    ric_km: npt.NDArray[np.float64]
    err: npt.NDArray[np.uint8]


def encounter_series(
    table: ElementTable, norad_1: int, norad_2: int, tca: np.datetime64, *,
    half_window_s: float = HALF_WINDOW_S, step_s: float = STEP_S,
) -> EncounterSeries:
    """Range and RIC miss of ``norad_2`` relative to ``norad_1`` every ``step_s`` over ``tca +- half_window_s``."""
    from orbitwatch.frames import to_ric
    from orbitwatch.propagation import propagate

    rows = []
    for n in (norad_1, norad_2):
        hit = np.flatnonzero(table.norad_id == n)
        if hit.size == 0:
            raise InputError(f"object {n} is not in the element table", code="INPUT_UNKNOWN_NORAD", field="norad")
        rows.append(int(hit[0]))
    t_s = np.arange(-half_window_s, half_window_s + step_s / 2, step_s)
    times = np.asarray(tca, dtype=UTC_DTYPE) + np.round(t_s * 1e6).astype(np.int64).astype("timedelta64[us]")
    eph = propagate(table.take(np.array(rows)), times)
    d = eph.r_km[1] - eph.r_km[0]
    ric = to_ric(d, eph.r_km[0], eph.v_km_s[0])
    err = np.maximum(eph.err[0], eph.err[1])
    return EncounterSeries(norad_1, norad_2, as_utc(tca), t_s, np.linalg.norm(d, axis=1),
                           np.asarray(ric), err)


def plot_conjunction(path: Path, series: EncounterSeries, title: str) -> Path:
    """Draw ``series`` (range above, R/I/C below, TCA marked) into the PNG ``path``."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, (ax1, ax2) = plt.subplots(2, 1, sharex=True, figsize=(8, 6))
    try:
        minutes = series.t_s / 60.0
        ax1.plot(minutes, series.range_km, color="black")
        ax1.set_ylabel("range (km)")
        ax1.axvline(0.0, color="grey", linestyle=":")
        ax1.set_title(title, fontsize=9)
        for k, (name, colour) in enumerate((("radial", "tab:red"), ("in-track", "tab:blue"),
                                            ("cross-track", "tab:green"))):
            ax2.plot(minutes, series.ric_km[:, k], color=colour, label=name)
        ax2.axvline(0.0, color="grey", linestyle=":")
        ax2.set_ylabel("RIC of object 2 (km)")
        ax2.set_xlabel(f"minutes from TCA {format_utc(series.tca, digits=3)}")
        ax2.legend(loc="best", fontsize=8)
        fig.tight_layout()
        fig.savefig(path, dpi=100)
    finally:
        plt.close(fig)
    return path


def plot_conjunctions(directory: Path, table: ElementTable, records: Sequence[dict[str, Any]]) -> list[Path]:
    """One PNG per record (``norad_1``, ``norad_2``, ``tca_utc``, names) in ``directory``."""
    from orbitwatch.times import parse_utc

    try:
        directory.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise InputError(f"cannot create {directory}: {exc.strerror or exc}", code="INPUT_FILE",
                         source=str(directory)) from None
    out: list[Path] = []
    for r in records:
        tca = parse_utc(str(r["tca_utc"]))
        series = encounter_series(table, int(r["norad_1"]), int(r["norad_2"]), tca)
        stamp = str(r["tca_utc"]).replace("-", "").replace(":", "").replace("T", "_").split(".")[0]
        name = f"{int(r['norad_1'])}_{int(r['norad_2'])}_{stamp}.png"
        title = (f"{r['norad_1']} {r.get('name_1') or ''} vs {r['norad_2']} {r.get('name_2') or ''}: "
                 f"{float(r['miss_distance_km']):.3f} km at {r['tca_utc']}")
        out.append(plot_conjunction(directory / name, series, title))
    return out
