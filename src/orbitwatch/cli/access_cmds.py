"""``orbitwatch passes``, ``exposure`` and ``contacts``: thin shells over :mod:`orbitwatch.access`.

Output contract (fixed; users' scripts depend on it):

* ``passes (--db DB | --catalog PATH...) --norad N... (--site LAT,LON[,ALT_M] | --sites
  PATH) --start ISO --end ISO [--min-el-deg E] [--sunlit] [--site-dark] [--json]
  [--plot PNG]``; ``--json`` prints a list of ``{norad, site, rise_utc,
  culmination_utc, set_utc, max_elevation_deg, rise_azimuth_deg, set_azimuth_deg,
  sunlit_fraction}`` (plus ``culmination_range_km``, ``rise_clipped``, ``set_clipped``).
* ``exposure ... --sites PATH [--max-range-km R] [--min-el-deg E] [--sunlit]
  [--site-dark] [--json] [--plot PNG]``; ``--json`` prints ``{start_utc, end_utc,
  windows: [...], summary: [...]}``.
* ``contacts ... --stations PATH [--drop STATION...] [--k K] [--json] [--plot PNG]``;
  ``--json`` prints the report (stations' contributions, outages, windows with a
  ``scheduled`` flag).

``--sunlit`` / ``--site-dark`` cut windows to the parts where the satellite is sunlit
(the Sun's centre visible) and the site is dark (``--dark-sun-el-deg``: degrees or
civil / nautical / astronomical; civil by default).  ``--plot`` writes a timeline
(Gantt) PNG with matplotlib's Agg backend.
"""

from __future__ import annotations

import math
from pathlib import Path
from typing import Annotated, Any

import numpy as np
import typer
from rich.table import Table

from orbitwatch.access.contacts import ContactReport, contacts
from orbitwatch.access.exposure import exposure
from orbitwatch.access.passes import Conditions, PassTable, find_passes
from orbitwatch.access.sites import Site, load_sites, parse_site_arg
from orbitwatch.access.sun import TWILIGHT_DEG
from orbitwatch.cli._app import app, console, handle_errors, print_json
from orbitwatch.cli._common import AsOfOption, CatalogOption, DbOption, JsonOption, element_sets_at, progress_bar
from orbitwatch.errors import InputError
from orbitwatch.times import format_utc, parse_utc

NoradOption = Annotated[list[int] | None, typer.Option("--norad", help="NORAD id; repeat for several.")]
StartOption = Annotated[str, typer.Option("--start", help="Start of the interval, ISO 8601 UTC (…Z).")]
EndOption = Annotated[str, typer.Option("--end", help="End of the interval, ISO 8601 UTC (…Z).")]
MinElOption = Annotated[
    float | None, typer.Option("--min-el-deg", help="Minimum elevation (deg), a floor on each site's own mask.")
]
SunlitOption = Annotated[bool, typer.Option("--sunlit", help="Keep only the parts where the satellite is sunlit.")]
DarkOption = Annotated[bool, typer.Option("--site-dark", help="Keep only the parts where the site is dark.")]
DarkSunOption = Annotated[
    str,
    typer.Option("--dark-sun-el-deg", help="The site is dark when the Sun is below this elevation: degrees, "
                 "or civil (-6), nautical (-12), astronomical (-18), sunset (-0.833)."),
]


def _dark_threshold(text: str) -> float:
    if text.strip().lower() in TWILIGHT_DEG:
        return TWILIGHT_DEG[text.strip().lower()]
    try:
        value = float(text)
    except ValueError:
        raise InputError(f"--dark-sun-el-deg {text!r}: give degrees or one of {', '.join(TWILIGHT_DEG)}",
                         code="INPUT_INVALID", field="dark_sun_el_deg") from None
    if not -90.0 <= value <= 90.0:
        raise InputError(f"--dark-sun-el-deg {value} is outside -90..90", code="INPUT_INVALID",
                         field="dark_sun_el_deg")
    return value
PlotOption = Annotated[Path | None, typer.Option("--plot", help="Write a timeline (Gantt) PNG here.")]

_MAX_ROWS = 40


def _interval(start: str, end: str) -> tuple[np.datetime64, np.datetime64]:
    t0, t1 = parse_utc(start, what="--start"), parse_utc(end, what="--end")
    if not t1 > t0:
        raise InputError(f"--end {end} is not after --start {start}", code="ACCESS_EMPTY_WINDOW", field="end")
    return t0, t1


def _sites(site: list[str] | None, sites: Path | None) -> list[Site]:
    if site and sites:
        raise InputError("give either --site or --sites, not both", code="SITE_ARG", field="site")
    if sites:
        return load_sites(sites)
    if site:
        return [parse_site_arg(s) for s in site]
    raise InputError("give a site: --site LAT,LON[,ALT_M] or --sites PATH", code="SITE_ARG", field="site")


def _f(x: float, digits: int = 1) -> str:
    return "" if x is None or (isinstance(x, float) and math.isnan(x)) else f"{x:.{digits}f}"


def _timeline(path: Path, rows: list[str], bars: list[tuple[int, np.datetime64, np.datetime64, str, bool]],
              title: str, t0: np.datetime64, t1: np.datetime64, legend: dict[str, str]) -> None:
    """A Gantt chart: one row per label, bars ``(row, start, end, colour, solid)``."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.dates as mdates
    import matplotlib.pyplot as plt
    from matplotlib.patches import Patch

    n = max(1, len(rows))
    fig, ax = plt.subplots(figsize=(12, 1.6 + 0.32 * n), dpi=110)
    for row, a, b, colour, solid in bars:
        start = a.astype("datetime64[ms]").astype(object)
        width = (b - a).astype("timedelta64[ms]").astype(object)
        ax.broken_barh([(mdates.date2num(start), width.total_seconds() / 86400.0)], (row - 0.38, 0.76),
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


def _plot_passes(path: Path, p: PassTable, t0: np.datetime64, t1: np.datetime64, what: str) -> None:
    keys = sorted({(int(p.norad_id[i]), int(p.site[i])) for i in range(len(p))})
    shown = keys[:_MAX_ROWS]
    index = {k: r for r, k in enumerate(shown)}
    rows = [f"{n} @ {p.site_names[s]}" for n, s in shown]
    bars = []
    for i in range(len(p)):
        r = index.get((int(p.norad_id[i]), int(p.site[i])))
        if r is None:
            continue
        sf = p.sunlit_fraction[i]
        colour = "#d98c00" if (not math.isnan(sf) and sf >= 0.5) else "#3465a4"
        bars.append((r, p.rise[i], p.set[i], colour, True))
    more = f" (first {_MAX_ROWS} of {len(keys)} satellite-site pairs)" if len(keys) > _MAX_ROWS else ""
    _timeline(path, rows, bars, f"{what}: {len(p)} windows{more}", t0, t1,
              {"satellite mostly sunlit": "#d98c00", "satellite mostly in shadow": "#3465a4"})


@app.command("passes")
@handle_errors
def passes_cmd(
    start: StartOption,
    end: EndOption,
    norad: NoradOption = None,
    db: DbOption = None,
    catalog: CatalogOption = None,
    as_of: AsOfOption = None,
    site: Annotated[list[str] | None, typer.Option("--site", help="LAT,LON[,ALT_M] (deg, deg, m).")] = None,
    sites: Annotated[Path | None, typer.Option("--sites", help="Sites file (.csv or .geojson).")] = None,
    min_el_deg: MinElOption = None,
    sunlit: SunlitOption = False,
    site_dark: DarkOption = False,
    dark_sun_el_deg: DarkSunOption = "civil",
    as_json: JsonOption = False,
    plot: PlotOption = None,
) -> None:
    """Rise, culmination and set of satellites over sites (vectorised over satellites x sites)."""
    if not norad:
        raise InputError("give at least one --norad", code="INPUT_INVALID", field="norad")
    t0, t1 = _interval(start, end)
    site_list = _sites(site, sites)
    elements = element_sets_at(db, catalog, t0, norad=norad, as_of=as_of)
    cond = Conditions(sunlit=sunlit, site_dark=site_dark, dark_sun_elevation_deg=_dark_threshold(dark_sun_el_deg))
    with progress_bar("passes", enabled=not as_json) as progress:
        p = find_passes(elements, site_list, t0, t1,
                        min_elevation_deg=-90.0 if min_el_deg is None else min_el_deg,
                        conditions=cond, progress=progress)
    order = np.lexsort((p.rise.astype(np.int64), p.norad_id))
    records = [p.to_records()[i] for i in order] if len(p) else []
    if plot is not None:
        _plot_passes(plot, p, t0, t1, "passes")
    if as_json:
        print_json(records)
        return
    table = Table(title=f"{len(p)} passes {format_utc(t0, digits=0)} .. {format_utc(t1, digits=0)}")
    for col in ("norad", "site", "rise (UTC)", "culm", "set", "max el", "rise az", "set az", "sunlit"):
        table.add_column(col, justify="right" if col not in ("site",) else "left")
    for r in records:
        rise = r["rise_utc"][5:19].replace("T", " ") + ("<" if r["rise_clipped"] else "")
        table.add_row(str(r["norad"]), r["site"], rise,
                      r["culmination_utc"][11:19], r["set_utc"][11:19] + (">" if r["set_clipped"] else ""),
                      _f(r["max_elevation_deg"]), _f(r["rise_azimuth_deg"], 0), _f(r["set_azimuth_deg"], 0),
                      "" if r["sunlit_fraction"] is None else f"{100 * r['sunlit_fraction']:.0f}%")
    console.print(table)


@app.command("exposure")
@handle_errors
def exposure_cmd(
    sites: Annotated[Path, typer.Option("--sites", help="Sites file (.csv or .geojson).")],
    start: StartOption,
    end: EndOption,
    norad: NoradOption = None,
    db: DbOption = None,
    catalog: CatalogOption = None,
    as_of: AsOfOption = None,
    max_range_km: Annotated[float | None, typer.Option("--max-range-km", help="Line-of-sight range limit.")] = None,
    min_el_deg: MinElOption = None,
    sunlit: SunlitOption = False,
    site_dark: DarkOption = False,
    dark_sun_el_deg: DarkSunOption = "civil",
    as_json: JsonOption = False,
    plot: PlotOption = None,
) -> None:
    """Exposure of (protected) satellites to a set of sites: windows and per-satellite summary."""
    t0, t1 = _interval(start, end)
    if max_range_km is not None and not max_range_km > 0:
        raise InputError(f"--max-range-km {max_range_km} must be positive", code="INPUT_INVALID",
                         field="max_range_km")
    site_list = load_sites(sites)
    elements = element_sets_at(db, catalog, t0, norad=norad, as_of=as_of)
    cond = Conditions(sunlit=sunlit, site_dark=site_dark, dark_sun_elevation_deg=_dark_threshold(dark_sun_el_deg))
    with progress_bar("exposure", enabled=not as_json) as progress:
        rep = exposure(elements, site_list, t0, t1, min_elevation_deg=0.0 if min_el_deg is None else min_el_deg,
                       max_range_km=math.nan if max_range_km is None else max_range_km, conditions=cond,
                       progress=progress)
    if plot is not None:
        _plot_passes(plot, rep.windows, t0, t1, "exposure")
    if as_json:
        print_json({"start_utc": str(format_utc(t0)), "end_utc": str(format_utc(t1)),
                    "windows": rep.window_records(), "summary": rep.summary.to_records()})
        return
    table = Table(title=f"exposure to {len(site_list)} sites, {format_utc(t0, digits=0)} .. "
                        f"{format_utc(t1, digits=0)}")
    for col in ("norad", "windows", "sites", "exposed s/day", "longest s", "site-seconds"):
        table.add_column(col, justify="right")
    for r in rep.summary.to_records():
        table.add_row(str(r["norad"]), str(r["windows"]), str(r["sites"]), _f(r["exposed_s_per_day"], 0),
                      _f(r["longest_window_s"], 0), _f(r["site_seconds"], 0))
    console.print(table)


def _plot_contacts(path: Path, rep: ContactReport, t0: np.datetime64, t1: np.datetime64) -> None:
    w = rep.windows
    rows = list(w.site_names)[:_MAX_ROWS]
    palette = ["#3465a4", "#cc0000", "#73d216", "#f57900", "#75507b", "#c17d11", "#555753", "#06989a",
               "#edd400", "#204a87"]
    sats = sorted({int(x) for x in w.norad_id})
    colour = {n: palette[i % len(palette)] for i, n in enumerate(sats)}
    bars = [(int(w.site[i]), w.rise[i], w.set[i], colour[int(w.norad_id[i])], bool(rep.scheduled[i]))
            for i in range(len(w)) if int(w.site[i]) < _MAX_ROWS]
    legend = {str(n): colour[n] for n in sats[:20]}
    legend["not scheduled"] = "hatched"
    _timeline(path, rows, bars, f"contacts: {int(rep.scheduled.sum())} scheduled of {len(w)} windows "
              f"({rep.total_contact_s / 3600:.1f} h)", t0, t1, legend)


@app.command("contacts")
@handle_errors
def contacts_cmd(
    stations: Annotated[Path, typer.Option("--stations", help="Ground-station network (.csv or .geojson).")],
    start: StartOption,
    end: EndOption,
    norad: NoradOption = None,
    db: DbOption = None,
    catalog: CatalogOption = None,
    as_of: AsOfOption = None,
    drop: Annotated[list[str] | None, typer.Option("--drop", help="Station to remove; repeat for several.")] = None,
    k: Annotated[int, typer.Option("--k", help="Stations lost together in each outage scenario.")] = 1,
    min_el_deg: MinElOption = None,
    as_json: JsonOption = False,
    plot: PlotOption = None,
) -> None:
    """Contact windows, a greedy one-satellite-per-antenna schedule, and the cost of losing stations."""
    t0, t1 = _interval(start, end)
    network = load_sites(stations)
    elements = element_sets_at(db, catalog, t0, norad=norad, as_of=as_of)
    with progress_bar("contacts", enabled=not as_json) as progress:
        rep = contacts(elements, network, t0, t1, drop=drop or (), k=k,
                       min_elevation_deg=-90.0 if min_el_deg is None else min_el_deg, progress=progress)
    if plot is not None:
        _plot_contacts(plot, rep, t0, t1)
    if as_json:
        out: dict[str, Any] = {"start_utc": str(format_utc(t0)), "end_utc": str(format_utc(t1)), **rep.to_dict()}
        print_json(out)
        return
    table = Table(title=f"{len(network) - len(rep.dropped)} stations, {len(elements)} satellites: "
                        f"{rep.total_contact_s / 3600:.2f} h scheduled; without contact: "
                        f"{', '.join(map(str, rep.satellites_without_contact)) or 'none'}")
    for col in ("station", "contacts", "contact min", "satellites", "loss if lost (min)", "left without contact"):
        table.add_column(col, justify="left" if col in ("station", "left without contact") else "right")
    for c in sorted(rep.contributions, key=lambda c: -c.loss_if_dropped_s):
        table.add_row(c.station, str(c.contacts), f"{c.contact_s / 60:.1f}", str(c.satellites),
                      f"{c.loss_if_dropped_s / 60:.1f}",
                      ", ".join(map(str, c.satellites_without_contact_if_dropped)) or "-")
    console.print(table)
