"""Every plot of orbitwatch (PNG files, matplotlib's non-interactive ``Agg`` backend).

The one module of orbitwatch that imports matplotlib (an import-linter contract pins it),
so the array core never depends on a plotting library:

* conjunctions: range and RIC miss components over +-10 min around each TCA
  (``orbitwatch screen --plot DIR``);
* Gabbard diagrams (apogee/perigee altitude against period, Gabbard & Portnoy; NASA ODPO,
  "History of On-Orbit Satellite Fragmentations", 15th ed., sec. 1.3; points from
  :func:`orbitwatch.detection.gabbard.gabbard_points`) and the breakup-convergence plot of an
  :class:`~orbitwatch.detection.fragmentation.EventReconstruction`;
* access timelines (passes, exposure, contacts as a Gantt chart);
* an object's element history with its detected manoeuvres, an RPO pair's range and a GEO
  pair's longitude difference (the evidence packages of :mod:`orbitwatch.evidence`).

:func:`encounter_series` computes what is drawn from SGP4 states (TEME;
:func:`orbitwatch.propagation.propagate`) and :func:`orbitwatch.frames.to_ric` (object
2 relative to object 1 in object 1's RIC frame, as the screening records); the
plotting functions only draw it.  Used by ``orbitwatch screen --plot DIR``.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np
import numpy.typing as npt

from orbitwatch.catalog.model import ElementTable
from orbitwatch.constants import SECONDS_PER_DAY, WGS72_RADIUS_KM
from orbitwatch.detection import elements
from orbitwatch.detection.gabbard import GabbardPoints, gabbard_points
from orbitwatch.detection.proximity import pair_range_series
from orbitwatch.errors import InputError
from orbitwatch.times import US_PER_DAY, UTC_DTYPE, as_utc, format_utc

if TYPE_CHECKING:
    from orbitwatch.detection.fragmentation import EventReconstruction
    from orbitwatch.detection.maneuvers import ManeuverReport
    from orbitwatch.detection.proximity import RPOEpisode

__all__ = [
    "EncounterSeries",
    "encounter_series",
    "plot_conjunction",
    "plot_conjunctions",
    "plot_convergence",
    "plot_gabbard",
    "plot_maneuvers",
    "plot_rpo",
    "plot_timeline",
]

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


# ----------------------------------------------------------------- shared
def _pyplot() -> Any:
    """``matplotlib.pyplot`` with the non-interactive Agg backend (no display needed)."""
    import matplotlib

    matplotlib.use("Agg", force=True)
    import matplotlib.pyplot as plt

    return plt


# ------------------------------------------------- Gabbard and breakup convergence
def _draw_gabbard(ax: Any, pts: GabbardPoints, *, size: float = 9.0, alpha: float = 0.7) -> None:
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
        _draw_gabbard(ax, pts)
        if ppts is not None and parent is not None:
            ax.scatter(ppts.period_min, 0.5 * (ppts.apogee_km + ppts.perigee_km), s=110, marker="*",
                       c="black", label=parent[0], zorder=5)
        ax.set_title(label, fontsize=11)
        ax.legend(loc="upper left", fontsize=9, markerscale=1.5)
    axes[0][0].set_ylabel(f"altitude above {WGS72_RADIUS_KM} km (km)")
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


# ------------------------------------------------------------ access timelines
def plot_timeline(path: Path, rows: list[str], bars: list[tuple[int, np.datetime64, np.datetime64, str, bool]], *,
                  title: str, t0: np.datetime64, t1: np.datetime64, legend: dict[str, str]) -> None:
    """A Gantt chart: one row per label, bars ``(row, start, end, colour, solid)``."""
    plt = _pyplot()
    import matplotlib.dates as mdates
    from matplotlib.patches import Patch

    n = max(1, len(rows))
    fig, ax = plt.subplots(figsize=(12, 1.6 + 0.32 * n), dpi=110)
    for row, a, b, colour, solid in bars:
        start = a.astype("datetime64[ms]").astype(object)
        width = (b - a).astype("timedelta64[ms]").astype(object)
        ax.broken_barh([(mdates.date2num(start), width.total_seconds() / SECONDS_PER_DAY)], (row - 0.38, 0.76),
                       facecolors=colour if solid else "none", edgecolors=colour, linewidth=0.8,
                       hatch=None if solid else "////")
    ax.set_ylim(-0.7, n - 0.3)
    ax.set_yticks(range(len(rows)))
    ax.set_yticklabels(rows, fontsize=8)
    ax.invert_yaxis()
    ax.set_xlim(mdates.date2num(t0.astype("datetime64[ms]").astype(object)),
                mdates.date2num(t1.astype("datetime64[ms]").astype(object)))
    locator = mdates.AutoDateLocator(minticks=4, maxticks=12)
    ax.xaxis.set_major_locator(locator)
    ax.xaxis.set_major_formatter(mdates.ConciseDateFormatter(locator))
    ax.set_xlabel("UTC")
    ax.grid(axis="x", color="0.85", linewidth=0.6)
    ax.set_title(title, fontsize=10)
    if legend:
        handles = [Patch(facecolor="none", edgecolor="0.3", hatch="////", label=k) if c == "hatched"
                   else Patch(facecolor=c, label=k) for k, c in legend.items()]
        ax.legend(handles=handles, fontsize=7,
                  loc="upper left", bbox_to_anchor=(1.01, 1.0), borderaxespad=0.0)
    fig.tight_layout()
    fig.savefig(path)
    plt.close(fig)


# ------------------------------------------------------- manoeuvres and RPO
_KIND_COLOURS = {
    "in-plane": "tab:blue", "out-of-plane": "tab:orange", "station-keeping": "tab:green",
    "relocation": "tab:red", "orbit-raising": "tab:purple", "deorbit": "black",
}


def plot_maneuvers(history: ElementTable, report: ManeuverReport, path: Path, norad: Sequence[int] | None) -> None:
    """Semi-major axis, inclination and eccentricity (GEO: longitude drift rate) of one object's
    history (``norad[0]``, else the object with most events) with its detected manoeuvres as lines."""
    plt = _pyplot()
    if norad:
        target = int(norad[0])
    elif report.events:
        counts: dict[int, int] = {}
        for e in report.events:
            counts[e.norad_id] = counts.get(e.norad_id, 0) + 1
        target = max(counts, key=lambda k: counts[k])
    else:
        target = int(history.norad_id[0])
    sub = history.take(history.norad_id == target)
    t = sub.epoch.astype("datetime64[ms]").astype(object)
    a = elements.semi_major_axis_km(sub.mean_motion_rev_per_day, sub.eccentricity, sub.inclination_deg)
    geo = str(elements.regime(np.median(sub.mean_motion_rev_per_day), np.median(sub.eccentricity))) == "geo"
    third = elements.longitude_drift_deg_day(sub.mean_motion_rev_per_day, sub.eccentricity, sub.inclination_deg) \
        if geo else sub.eccentricity
    fig, axes = plt.subplots(3, 1, figsize=(11, 8), sharex=True)
    panels = [(a, "semi-major axis (km)"), (sub.inclination_deg, "inclination (deg)"),
              (third, "drift rate (deg/day)" if geo else "eccentricity")]
    for ax, (y, label) in zip(axes, panels, strict=True):
        ax.plot(t, y, ".", ms=2.5, color="0.3")
        lo, hi = np.nanquantile(y, [0.005, 0.995]) if np.isfinite(y).any() else (0.0, 1.0)
        pad = 0.15 * (hi - lo) if hi > lo else 1e-6 + 1e-6 * abs(hi)
        ax.set_ylim(lo - pad, hi + pad)  # robust limits: a few outlier fits must not flatten the series
        ax.set_ylabel(label)
        ax.grid(alpha=0.3)
        ax.ticklabel_format(axis="y", useOffset=False)
    events = report.events_for(target)
    seen: set[str] = set()
    for e in events:
        when = e.epoch.astype("datetime64[ms]").astype(object)
        colour = _KIND_COLOURS.get(e.kind, "tab:gray")
        for ax in axes:
            ax.axvline(when, color=colour, lw=0.8, alpha=0.7, label=e.kind if e.kind not in seen and ax is axes[0]
                       else None)
        seen.add(e.kind)
    name = sub.names[-1] or ""
    axes[0].set_title(f"{target} {name}: {len(events)} maneuvers detected (lines, coloured by kind)")
    if seen:
        axes[0].legend(loc="best", fontsize=8)
    axes[-1].set_xlabel("UTC")
    fig.autofmt_xdate()
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    plt.close(fig)


def plot_rpo(history: ElementTable, episodes: list[RPOEpisode], path: Path) -> None:
    """The SGP4 range of the first episode's pair over the episode (a day either side), its
    threshold, manoeuvres and minimum; "no RPO episode" when there is none."""
    plt = _pyplot()
    fig, ax = plt.subplots(figsize=(11, 5))
    if not episodes:
        ax.text(0.5, 0.5, "no RPO episode", ha="center", va="center", transform=ax.transAxes)
    else:
        ep = episodes[0]
        pad = np.timedelta64(US_PER_DAY, "us")
        start, end = ep.start - pad, max(ep.end, ep.min_range_time) + pad
        span_s = float((end - start).astype(np.int64)) / 1e6
        times, rng, _ = pair_range_series(history, ep.norad_1, ep.norad_2, start=start, end=end,
                                          step_s=max(30.0, span_s / 20000.0))
        ax.plot(times.astype("datetime64[ms]").astype(object), rng, lw=0.7, color="tab:blue", label="SGP4 range")
        thr = ep.evidence.get("threshold_km")
        if thr:
            ax.axhline(thr, color="tab:red", ls="--", lw=1, label=f"threshold {thr:.0f} km")
        for m in ep.maneuvers:
            ax.axvline(m.epoch.astype("datetime64[ms]").astype(object), color="tab:orange", lw=1,
                       label=f"maneuver of {m.norad_id}")
        ax.plot([ep.min_range_time.astype("datetime64[ms]").astype(object)], [ep.min_range_km], "v",
                color="black", label=f"min {ep.min_range_km:.1f} km")
        ax.set_yscale("log" if np.nanmax(rng) / max(np.nanmin(rng), 1e-3) > 50 else "linear")
        ax.set_title(f"{ep.kind}: {ep.norad_1} {ep.name_1 or ''} – {ep.norad_2} {ep.name_2 or ''} "
                     f"(score {ep.score:.2f})")
        ax.legend(loc="best", fontsize=8)
    ax.set_ylabel("range (km)")
    ax.set_xlabel("UTC")
    ax.grid(alpha=0.3, which="both")
    fig.autofmt_xdate()
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    plt.close(fig)


def plot_longitude_difference(path: Path, times: npt.NDArray[np.datetime64], dlon_deg: npt.ArrayLike,
                              title: str) -> None:
    """The longitude difference of a GEO pair over time (deg; from
    :func:`orbitwatch.detection.proximity.pair_range_series`): the drift of one about the other."""
    plt = _pyplot()
    fig, ax = plt.subplots(figsize=(11, 4))
    ax.plot(times.astype("datetime64[ms]").astype(object), np.asarray(dlon_deg, dtype=float), lw=0.8,
            color="tab:purple")
    ax.axhline(0.0, color="grey", lw=0.6)
    ax.set_ylabel("longitude difference (deg)")
    ax.set_xlabel("UTC")
    ax.set_title(f"longitude drift: {title}")
    ax.grid(alpha=0.3)
    fig.autofmt_xdate()
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    plt.close(fig)
