"""Gabbard diagrams and breakup-convergence plots (PNG, matplotlib Agg backend).

A Gabbard diagram plots each fragment's apogee and perigee altitude against its
orbital period (Gabbard & Portnoy; see NASA ODPO, "History of On-Orbit Satellite
Fragmentations", 15th ed., sec. 1.3): right after a breakup the points form an "X"
centred on the parent's orbit; drag then pulls the low-perigee, high-A/M pieces down and
left.  Altitudes come from the Brouwer mean semi-major axis of the element sets
(:func:`orbitwatch.detection.elements.apogee_perigee_altitude_km`), so they are mean,
not osculating, values.

:func:`gabbard_points` is array core; the ``plot_*`` functions import matplotlib
lazily with the non-interactive Agg backend and write one PNG each.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np
import numpy.typing as npt

from orbitwatch.catalog.model import ElementTable
from orbitwatch.detection.elements import apogee_perigee_altitude_km
from orbitwatch.times import format_utc

if TYPE_CHECKING:  # pragma: no cover
    from orbitwatch.detection.fragmentation import EventReconstruction

__all__ = [
    "GabbardPoints",
    "gabbard_points",
    "plot_convergence",
    "plot_gabbard",
]

Array = npt.NDArray[np.float64]


@dataclass(frozen=True)
class GabbardPoints:
    """Shapes ``(N,)``: period (min), apogee and perigee altitude (km), NORAD ids."""

    period_min: Array
    apogee_km: Array
    perigee_km: Array
    norad_id: npt.NDArray[np.int64]


def gabbard_points(table: ElementTable) -> GabbardPoints:
    """Period and mean apogee/perigee altitudes of each element set."""
    apo, per = apogee_perigee_altitude_km(table.mean_motion_rev_per_day, table.eccentricity, table.inclination_deg)
    return GabbardPoints(
        period_min=np.asarray(1440.0 / table.mean_motion_rev_per_day, dtype=np.float64),
        apogee_km=np.asarray(apo, dtype=np.float64),
        perigee_km=np.asarray(per, dtype=np.float64),
        norad_id=np.asarray(table.norad_id, dtype=np.int64),
    )


def _pyplot() -> Any:
    import matplotlib

    matplotlib.use("Agg", force=True)
    import matplotlib.pyplot as plt

    return plt


def _draw(ax: Any, pts: GabbardPoints, *, size: float = 9.0, alpha: float = 0.7) -> None:
    ax.scatter(pts.period_min, pts.apogee_km, s=size, c="tab:red", marker="^", alpha=alpha, lw=0,
               label=f"apogee ({pts.period_min.size} objects)")
    ax.scatter(pts.period_min, pts.perigee_km, s=size, c="tab:blue", marker="v", alpha=alpha, lw=0,
               label="perigee")
    ax.grid(True, alpha=0.3)
    ax.set_xlabel("orbital period (min)")


def plot_gabbard(
    panels: Sequence[tuple[str, ElementTable]],
    path: str | Path,
    *,
    title: str | None = None,
    parent: tuple[str, ElementTable] | None = None,
    share_axes: bool = True,
    xlim: tuple[float, float] | None = None,
    ylim: tuple[float, float] | None = None,
) -> Path:
    """One Gabbard panel per ``(label, table)`` side by side, written to ``path`` (PNG).

    ``parent`` (label, one-row table) is drawn as a black star in every panel.  With
    ``share_axes`` the panels share limits so that evolution over time is comparable;
    ``xlim`` (period, min) / ``ylim`` (altitude, km) fix the frame.
    """
    plt = _pyplot()
    n = max(1, len(panels))
    fig, axes = plt.subplots(1, n, figsize=(5.2 * n + 1.4, 5.0), sharex=share_axes, sharey=share_axes, squeeze=False)
    ppts = gabbard_points(parent[1]) if parent is not None else None
    for ax, (label, table) in zip(axes[0], panels, strict=False):
        pts = gabbard_points(table)
        _draw(ax, pts)
        if ppts is not None and parent is not None:
            ax.scatter(ppts.period_min, 0.5 * (ppts.apogee_km + ppts.perigee_km), s=110, marker="*",
                       c="black", label=parent[0], zorder=5)
        ax.set_title(label, fontsize=11)
        ax.legend(loc="upper left", fontsize=9, markerscale=1.5)
    axes[0][0].set_ylabel("altitude above 6378.135 km (km)")
    all_pts = [gabbard_points(t) for _, t in panels if len(t)]
    if all_pts and share_axes:
        # Robust limits: each panel's central 96% (a few very energetic pieces must not
        # squash the cloud); points outside are counted in the panel.
        x0 = min(float(np.nanpercentile(p.period_min, 2)) for p in all_pts)
        x1 = max(float(np.nanpercentile(p.period_min, 98)) for p in all_pts)
        y0 = min(float(np.nanpercentile(p.perigee_km, 2)) for p in all_pts)
        y1 = max(float(np.nanpercentile(p.apogee_km, 98)) for p in all_pts)
        dx, dy = 0.1 * (x1 - x0 + 0.1), 0.1 * (y1 - y0 + 10.0)
        xlim = xlim or (x0 - dx, x1 + dx)
        ylim = ylim or (max(0.0, y0 - dy), y1 + dy)
    if xlim and ylim:
        axes[0][0].set_xlim(*xlim)
        axes[0][0].set_ylim(*ylim)
        for ax, p in zip(axes[0], all_pts, strict=False):
            out_x = (p.period_min < xlim[0]) | (p.period_min > xlim[1])
            out_y = (p.apogee_km > ylim[1]) | (p.perigee_km < ylim[0])
            n_out = int(np.sum(out_x | out_y))
            if n_out:
                what = f"{n_out} object{'s' if n_out > 1 else ''} outside the frame"
                ax.text(0.98, 0.02, what, transform=ax.transAxes, ha="right", va="bottom", fontsize=9,
                        color="dimgray")
    if title:
        fig.suptitle(title, fontsize=12)
    fig.tight_layout()
    out = Path(path)
    fig.savefig(out, dpi=110)
    plt.close(fig)
    return out


def plot_convergence(rec: EventReconstruction, path: str | Path, *, title: str | None = None) -> Path:
    """Two panels: the cloud's spread over the whole search window (stage 1), and the
    distance of the reference to the fragments' orbits around the event (stage 2),
    with the estimated epoch and its uncertainty."""
    if rec.coarse_times.size == 0 or rec.fine_times.size == 0:
        from orbitwatch.errors import InputError

        raise InputError(f"no convergence search was run ({rec.verdict}: {rec.verdict_reason}); nothing to plot",
                         code="INPUT_EMPTY")
    plt = _pyplot()
    fig, (a1, a2) = plt.subplots(1, 2, figsize=(12.5, 4.8))
    t0 = rec.event_epoch
    hours = (rec.coarse_times - t0).astype("timedelta64[us]").astype(np.int64) / 3.6e9
    a1.plot(hours, rec.coarse_spread_km, lw=0.8, c="tab:gray")
    a1.set_yscale("log")
    a1.axvline(0.0, c="tab:red", lw=1.2, label="estimated event")
    a1.set_xlabel(f"hours from {format_utc(t0, digits=0)}")
    a1.set_ylabel("25th percentile fragment distance (km)")
    a1.set_title("stage 1: cloud spread over the search window", fontsize=11)
    a1.grid(True, which="both", alpha=0.3)
    a1.legend(fontsize=9)
    sec = (rec.fine_times - t0).astype("timedelta64[us]").astype(np.int64) / 1e6
    a2.plot(sec, rec.fine_spread_km, lw=1.2, c="tab:blue")
    a2.set_yscale("log")
    u = rec.epoch_uncertainty_s
    zoom = max(25.0 * u, 300.0)
    a2.set_xlim(max(-zoom, float(sec.min())), min(zoom, float(sec.max())))
    a2.axvspan(-u, u, color="tab:red", alpha=0.15, label=f"\u00b1{u:.0f} s")
    a2.axvline(0.0, c="tab:red", lw=1.2)
    a2.set_xlabel(f"seconds from {format_utc(t0, digits=0)}")
    a2.set_ylabel("median distance to fragment orbits (km)")
    a2.set_title("stage 2: where the fragment orbits meet", fontsize=11)
    a2.grid(True, which="both", alpha=0.3)
    a2.legend(fontsize=9)
    dv = rec.delta_v_stats()
    fig.suptitle(
        title
        or (
            f"breakup {format_utc(t0, digits=0)} \u00b1{u:.0f} s at {rec.latitude_deg:.1f}\u00b0, "
            f"{rec.longitude_deg:.1f}\u00b0, {rec.altitude_km:.0f} km; {rec.fragments} fragments, "
            f"median \u0394v {dv['median']:.0f} m/s"
        ),
        fontsize=12,
    )
    fig.tight_layout()
    out = Path(path)
    fig.savefig(out, dpi=110)
    plt.close(fig)
    return out
