"""``orbitwatch breakup detect|reconstruct|simulate|gabbard|risk``: fragmentation events.

A thin shell: each command parses its options, builds the element source (catalog files read
leniently, bad records counted on stderr; or the store), makes one ``orbitwatch.api.breakup``
call (:mod:`orbitwatch.detection.breakup_workflow`) and renders the result.  Vocabulary
(docs/design.md §12): ``detect --start`` (old ``--since``, hidden), ``reconstruct --start/--end``
or ``--duration-h`` (old ``--window-start/--window-end``, hidden), ``risk --start (--end |
--duration-h) --asset N[,N...]``; ``--json`` is ``--format json``.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Annotated, Any

import numpy as np
import typer
from rich.table import Table

from orbitwatch.api import (
    ElementSet,
    ElementTable,
    breakup,
    format_utc,
    plots,
    read_catalog_files,
    read_element_sets,
)
from orbitwatch.cli._app import app, console, err_console, handle_errors, print_json, safe_text
from orbitwatch.cli._common import (
    CO_MOVING_HELP,
    NORAD_METAVAR,
    CatalogOption,
    DbOption,
    DurationOption,
    JsonOption,
    TableJsonFormatOption,
    alias,
    load_elements,
    load_object_fields,
    norad_ids,
    output_format,
    progress_bar,
    satcat_facts,
    time_window,
)
from orbitwatch.sources.files import open_lines

breakup_app = typer.Typer(help="Fragmentation events: detect, reconstruct, simulate.", no_args_is_help=True)
app.add_typer(breakup_app, name="breakup")

Opt = typer.Option
Str = str | None
File = Path | None
Files = list[Path] | None
StrictOption = Annotated[bool, typer.Option("--strict", help="Stop at the first bad record in a catalog file.")]
PlotOption = Annotated[File, typer.Option("--plot", help="Write a PNG figure here.")]


def _source(db: Path | None, catalogs: Sequence[Path] | None, *, strict: bool) -> breakup.ElementSource:
    """A command's element source: ``--catalog`` files (lenient unless ``--strict``) or the store."""

    def files(paths: Sequence[Path], as_of: np.datetime64 | None) -> ElementTable:
        table, rejects = read_catalog_files(list(paths), lenient=not strict, as_of=as_of)
        if rejects:
            err_console.print(f"[yellow]note[/] skipped {getattr(rejects, 'total', len(rejects))} bad record(s) "
                              f"in {safe_text(', '.join(map(str, paths)))} (first: {safe_text(rejects[0].code)} "
                              f"line {rejects[0].line})", highlight=False)
        return table

    def sets(path: Path) -> Iterator[ElementSet]:
        with open_lines(path) as lines:
            yield from read_element_sets(lines, source=str(path), lenient=not strict, rejects=None)

    return breakup.ElementSource(
        files=files, element_sets=sets, store=lambda as_of, norad: load_elements(db, None, norad=norad, as_of=as_of),
        catalogs=tuple(catalogs or ()), store_given=db is not None,
        object_fields=lambda ids: load_object_fields(db, catalogs, ids))


def _show(as_json: bool, record: dict[str, Any], title: str, rows: Sequence[Sequence[object]] | None = None,
          columns: Sequence[str] = (), footer: Sequence[object] = ()) -> None:
    """``record`` as JSON, or a table of ``rows`` (default: its items) then ``footer`` lines, all made safe."""
    if as_json:
        print_json(record)
        return
    t = Table(title=title, show_header=bool(columns))
    for col in columns or ("what", "value"):
        t.add_column(col)
    for row in list(record.items()) if rows is None else rows:
        t.add_row(*(safe_text(c) for c in row))
    console.print(t)
    for line in footer:
        console.print(safe_text(line), highlight=False)


@breakup_app.command("detect")
@handle_errors
def detect(
    *, db: DbOption = None, catalog: CatalogOption = None,
    before: Annotated[Files, Opt("--before", help="'Before' catalog file(s).")] = None,
    after: Annotated[Files, Opt("--after", help="'After' catalog file(s).")] = None,
    start: Annotated[Str, Opt(
        "--start", help="ISO time: with --db, the 'before' state; with catalogs, new objects from it.")] = None,
    since: Annotated[Str, Opt("--since", hidden=True, help="Old spelling of --start.")] = None,
    min_pieces: Annotated[int, Opt("--min-pieces", help="Smallest cloud reported.")] = 5,
    associate: Annotated[bool, Opt("--associate", help="Also list new objects of other launches matching a "
                                   "cloud's orbit.")] = False,
    top: Annotated[int, Opt("--top", help="Rows shown in the table.")] = 20,
    satcat: Annotated[File, Opt("--satcat", help="SATCAT file (Space-Track/CelesTrak CSV or JSON): object types, "
                                "names and launch dates as attribution evidence (with --db the store's SATCAT "
                                "is used).")] = None,
    fmt: TableJsonFormatOption = None, strict: StrictOption = False, as_json: JsonOption = False,
    plot: PlotOption = None,
) -> None:
    """New-object clusters between two catalog states: kind, parent (and why), members."""
    as_json = output_format(fmt, as_json, allowed=("table", "json")) == "json"
    since_t, _ = time_window(alias(start, since, "--start", "--since"), None, None, need_end=False,
                             start_name="--since" if since and not start else "--start")
    res = breakup.detect(_source(db, catalog, strict=strict), before=before or (), after=after or (), since=since_t,
                         min_pieces=min_pieces, associate=associate,
                         satcat=lambda from_store: satcat_facts(satcat, db if from_store else None))
    if plot is not None and (figure := res.gabbard_figure()) is not None:
        plots.plot_gabbard(path=plot, **figure)
    more = [f"... and {len(res.events) - top} more (all with --json)"] if len(res.events) > top else []
    _show(as_json, res.to_dict(), f"new-object clusters ({len(res.before):,} objects before, {len(res.after):,} "
          "after)", res.summary_rows(top), res.SUMMARY_COLUMNS,
          [*more, ", ".join(f"{v} {k}" for k, v in res.counts_by_kind().items())])


@breakup_app.command("reconstruct")
@handle_errors
def reconstruct(
    *, db: DbOption = None, catalog: CatalogOption = None,
    parent: Annotated[int | None, Opt("--parent", help="NORAD id of the parent.")] = None,
    fragments_designator: Annotated[Str, Opt("--fragments-designator", help="Launch of the fragments, "
                                             "e.g. 1982-092.")] = None,
    parent_elements: Annotated[File, Opt("--parent-elements", help="File with the parent's pre-event element sets "
                                         "(the latest one before the first fragment epoch is used).")] = None,
    start: Annotated[Str, Opt("--start", help="ISO start of the search.")] = None,
    end: Annotated[Str, Opt("--end", help="ISO end of the search (or --duration-h).")] = None,
    duration_h: DurationOption = None,
    window_start: Annotated[Str, Opt("--window-start", hidden=True, help="= --start.")] = None,
    window_end: Annotated[Str, Opt("--window-end", hidden=True, help="= --end.")] = None,
    include_all: Annotated[bool, Opt("--include-all", help="Keep payloads/rocket bodies of the launch as "
                                     "fragments.")] = False,
    nodal_drift: Annotated[bool, Opt("--nodal-drift", help="Old clouds (years): date the event from the "
                                     "re-alignment of the pieces' nodes instead.")] = False,
    strict: StrictOption = False, fmt: TableJsonFormatOption = None, as_json: JsonOption = False,
    plot: PlotOption = None,
    gabbard: Annotated[File, Opt("--gabbard", help="Also write a Gabbard diagram PNG.")] = None,
) -> None:
    """Breakup epoch, place, altitude and delta-v from the fragments (and the parent)."""
    as_json = output_format(fmt, as_json, allowed=("table", "json")) == "json"
    search_start, search_end = time_window(
        alias(start, window_start, "--start", "--window-start"), alias(end, window_end, "--end", "--window-end"),
        duration_h, need_end=False, start_name="--window-start" if window_start and not start else "--start")
    with progress_bar("reconstructing", enabled=not as_json and not nodal_drift) as progress:
        res = breakup.reconstruct(
            _source(db, catalog, strict=strict), parent=parent, fragments_designator=fragments_designator,
            parent_elements=parent_elements, window_start=search_start, window_end=search_end,
            include_all=include_all, nodal_drift=nodal_drift, progress=progress)
    if res.event is None:
        _show(as_json, res.to_dict(), f"breakup epoch from nodal drift, launch {safe_text(res.designator)}")
        return
    if plot is not None and res.event.coarse_times.size:  # a failed verdict may have run no search
        plots.plot_convergence(res.event, plot)
    elif plot is not None:
        err_console.print(f"no convergence plot: {safe_text(res.event.verdict_reason)}", highlight=False)
    if gabbard is not None:
        plots.plot_gabbard(path=gabbard, **res.gabbard_figure())
    _show(as_json, res.to_dict(), f"breakup reconstruction, launch {safe_text(res.designator)}",
          res.event.summary_rows())


@breakup_app.command("simulate")
@handle_errors
def simulate(
    *,
    parent: Annotated[int, Opt("--parent", help="NORAD id of the object that breaks up.")],
    epoch: Annotated[str, Opt("--epoch", help="ISO UTC time of the breakup.")],
    mass_kg: Annotated[float, Opt("--mass-kg", help="Mass of the parent (collision: total mass).")],
    kind: Annotated[str, Opt("--kind", help="collision or explosion.")] = "collision",
    db: DbOption = None, catalog: CatalogOption = None,
    output: Annotated[File, Opt("--output", help="Write the synthetic catalog here.")] = None,
    fmt: Annotated[str, Opt("--format", help="tle (3LE) or omm (OMM KVN).")] = "tle",
    seed: Annotated[int, Opt("--seed", help="Random seed (same seed, same cloud).")] = 0,
    lc_min_m: Annotated[float, Opt("--lc-min-m", help="Smallest fragment size (m).")] = 0.1,
    parent_type: Annotated[str, Opt("--parent-type", help="spacecraft or rocket_body.")] = "spacecraft",
    strict: StrictOption = False, as_json: JsonOption = False, plot: PlotOption = None,
) -> None:
    """Synthetic debris catalog from the NASA Standard Breakup Model (Johnson et al. 2001)."""
    res = breakup.simulate(_source(db, catalog, strict=strict), parent=parent, epoch=epoch, mass_kg=mass_kg,
                           kind=kind, seed=seed, lc_min_m=lc_min_m, parent_type=parent_type, output=output, fmt=fmt)
    if plot is not None:
        plots.plot_gabbard(path=plot, **res.gabbard_figure())
    _show(as_json, res.to_dict(), "simulated breakup (NASA Standard Breakup Model)")


@breakup_app.command("gabbard")
@handle_errors
def gabbard(
    *,
    catalog: Annotated[list[Path], Opt("--catalog", help="One catalog per panel (evolution in time).")],
    designator: Annotated[str, Opt("--designator", help="Launch of the cloud, e.g. 1982-092.")],
    plot: Annotated[Path, Opt("--plot", help="PNG to write.")],
    label: Annotated[list[str] | None, Opt("--label", help="Panel title per --catalog (default: date and "
                                           "count).")] = None,
    title: Annotated[Str, Opt("--title", help="Figure title.")] = None,
    max_period_min: Annotated[float | None, Opt("--max-period-min", help="Right edge of the frame.")] = None,
    max_altitude_km: Annotated[float | None, Opt("--max-altitude-km", help="Top of the frame.")] = None,
    strict: StrictOption = False, as_json: JsonOption = False,
) -> None:
    """Gabbard diagram of one launch's objects in each catalog, side by side."""
    res = breakup.gabbard(_source(None, None, strict=strict), catalogs=catalog, designator=designator, labels=label,
                          max_period_min=max_period_min, max_altitude_km=max_altitude_km)
    plots.plot_gabbard(path=plot, **res.gabbard_figure(title=title))
    _show(as_json, res.to_dict(plot=plot), f"launch {safe_text(designator)}", res.summary_rows(),
          res.SUMMARY_COLUMNS, [f"wrote {plot}"])


@breakup_app.command("risk")
@handle_errors
def risk(
    *,
    asset: Annotated[list[str], Opt("--asset", metavar=NORAD_METAVAR, show_default=False,
                                    help="NORAD id(s) of protected assets: repeat or comma-separate.")],
    start: Annotated[str, Opt("--start", help="ISO UTC start of the window.")],
    end: Annotated[Str, Opt("--end", help="ISO UTC end of the window (or --duration-h).")] = None,
    duration_h: DurationOption = None, db: DbOption = None, catalog: CatalogOption = None,
    cloud_designator: Annotated[Str, Opt("--cloud-designator", help="The cloud is this launch's objects in the "
                                         "catalog.")] = None,
    cloud: Annotated[File, Opt("--cloud", help="The cloud is this file (e.g. from 'breakup simulate').")] = None,
    threshold_km: Annotated[float, Opt("--threshold-km", help="Conjunction miss distance.")] = 5.0,
    speed: Annotated[float, Opt("--min-relative-speed-km-s", help=CO_MOVING_HELP)] = breakup.CO_MOVING_MIN_SPEED_KM_S,
    strict: StrictOption = False, fmt: TableJsonFormatOption = None, as_json: JsonOption = False,
) -> None:
    """Change in the assets' conjunction rate caused by a real or simulated debris cloud."""
    as_json = output_format(fmt, as_json, allowed=("table", "json")) == "json"
    assets = norad_ids(asset, "--asset")
    t0, t1 = time_window(start, end, duration_h)
    with progress_bar("screening", enabled=not as_json) as progress:
        res = breakup.risk(_source(db, catalog, strict=strict), assets=assets, start=t0, end=t1,
                           cloud_designator=cloud_designator, cloud_file=cloud, threshold_km=threshold_km,
                           min_relative_speed_km_s=speed, progress=progress)
    _show(as_json, res.to_dict(), f"conjunctions within {threshold_km:g} km, {format_utc(res.start, digits=0)} .. "
          f"{format_utc(res.end, digits=0)} ({res.cloud_objects} cloud objects)", res.summary_rows(),
          res.SUMMARY_COLUMNS)
