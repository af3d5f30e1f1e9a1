"""``orbitwatch breakup detect|reconstruct|simulate|gabbard|risk``: fragmentation events.

Thin shells over :mod:`orbitwatch.detection.fragmentation`,
:mod:`orbitwatch.detection.breakup_model` and :mod:`orbitwatch.detection.gabbard`.

Which catalog is "before" and which "after" (``detect``):

* ``--before PATH... --after PATH...``: explicit;
* ``--catalog A [--catalog B ...] --catalog Z``: every catalog but the last is
  "before" (combined, latest element set per object), the last one is "after";
* ``--db DB --start ISO``: "before" is the store as of ``--start`` (latest element set per
  object at or before it), "after" is the store now.

With catalogs, ``--start`` additionally keeps only new objects whose element-set
epoch is at or after it.  Catalogue files are read leniently (bad records are counted on
stderr and skipped; full public catalogs hold a few malformed designators); ``--strict``
stops at the first.

``reconstruct --nodal-drift`` (clouds years old) prints the epoch at which the pieces'
nodes line up instead (:func:`orbitwatch.detection.fragmentation.nodal_drift_epoch`).

Vocabulary (docs/design.md §12): ``detect --start`` (old spelling ``--since``, hidden),
``reconstruct --start/--end|--duration-h`` (old ``--window-start/--window-end``, hidden),
``risk --start (--end | --duration-h) --asset N[,N...]``; ``--json`` is ``--format json``.

``reconstruct --json`` prints ``{parent_norad, event_epoch_utc, epoch_uncertainty_s,
latitude_deg, longitude_deg, altitude_km, fragments, delta_v_m_s: {median, p90, max}}``
plus ``position_uncertainty_km, min_spread_km, reference``.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any

import numpy as np
import typer
from rich.table import Table

from orbitwatch.api import ElementSet, ElementTable, InputError, as_utc, format_utc
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
    norad_ids,
    output_format,
    progress_bar,
    satcat_facts,
    time_window,
)
from orbitwatch.screening.exclusions import CO_MOVING_MIN_SPEED_KM_S

breakup_app = typer.Typer(help="Fragmentation events: detect, reconstruct, simulate.", no_args_is_help=True)
app.add_typer(breakup_app, name="breakup")

StrictOption = Annotated[bool, typer.Option("--strict", help="Stop at the first bad record in a catalog file.")]
PlotOption = Annotated[Path | None, typer.Option("--plot", help="Write a PNG figure here.")]


def _read_files(paths: list[Path], *, strict: bool, as_of: np.datetime64 | None = None) -> ElementTable:
    from orbitwatch.api import read_catalog_files

    table, rejects = read_catalog_files(paths, lenient=not strict, as_of=as_of)
    if rejects:
        n_bad = getattr(rejects, "total", len(rejects))
        err_console.print(
            f"[yellow]note[/] skipped {n_bad} bad record(s) in {safe_text(', '.join(map(str, paths)))} "
            f"(first: {safe_text(rejects[0].code)} line {rejects[0].line})",
            highlight=False,
        )
    return table


def _load(db: Path | None, catalogs: list[Path] | None, *, strict: bool, as_of: Any = None) -> ElementTable:
    if db is not None and catalogs:
        raise InputError("give either --db or --catalog, not both", field="catalog")
    t = None if as_of is None else as_utc(as_of)
    if catalogs:
        return _read_files(list(catalogs), strict=strict, as_of=t)
    return load_elements(db, None, as_of=t)


# ----------------------------------------------------------------------------- detect
@breakup_app.command("detect")
@handle_errors
def detect(
    *,
    db: DbOption = None,
    catalog: CatalogOption = None,
    before: Annotated[list[Path] | None, typer.Option("--before", help="'Before' catalog file(s).")] = None,
    after: Annotated[list[Path] | None, typer.Option("--after", help="'After' catalog file(s).")] = None,
    start: Annotated[str | None, typer.Option(
        "--start", help="ISO time: with --db, the 'before' state; with catalogs, new objects from it.")] = None,
    since: Annotated[str | None, typer.Option("--since", hidden=True, help="Old spelling of --start.")] = None,
    min_pieces: Annotated[int, typer.Option("--min-pieces", help="Smallest cloud reported.")] = 5,
    associate: Annotated[
        bool, typer.Option("--associate", help="Also list new objects of other launches matching a cloud's orbit.")
    ] = False,
    top: Annotated[int, typer.Option("--top", help="Rows shown in the table.")] = 20,
    satcat: Annotated[
        Path | None, typer.Option("--satcat", help="SATCAT file (Space-Track/CelesTrak CSV or JSON): object "
                                  "types, names and launch dates as attribution evidence (with --db the "
                                  "store's SATCAT is used).")
    ] = None,
    fmt: Annotated[str | None, typer.Option("--format", help="table (default) or json (= --json).")] = None,
    strict: StrictOption = False,
    as_json: JsonOption = False,
    plot: PlotOption = None,
) -> None:
    """New-object clusters between two catalog states: kind, parent (and why), members."""
    if fmt not in (None, "table", "json"):
        raise InputError(f"--format must be table or json, not {fmt!r}", field="format")
    as_json = as_json or fmt == "json"
    from orbitwatch.api import detect_fragmentations

    first = alias(start, since, "--start", "--since")
    since_t, _ = time_window(first, None, None, need_end=False,
                             start_name="--since" if since and not start else "--start")
    if before or after:
        if not (before and after) or catalog or db is not None:
            raise InputError("use --before and --after together, without --catalog/--db", field="before")
        t_before = _read_files(list(before), strict=strict)
        t_after = _read_files(list(after), strict=strict)
        filter_since = since_t
    elif catalog:
        if db is not None:
            raise InputError("give either --db or --catalog, not both", field="catalog")
        if len(catalog) < 2:
            raise InputError("--catalog needs at least two files: the last is 'after', the others 'before'",
                             field="catalog")
        t_before = _read_files(list(catalog[:-1]), strict=strict)
        t_after = _read_files([catalog[-1]], strict=strict)
        filter_since = since_t
    else:
        if since_t is None:
            raise InputError("with --db, --start gives the 'before' state", code="INPUT_MISSING", field="start")
        t_before = load_elements(db, None, as_of=since_t)
        t_after = load_elements(db, None)
        filter_since = None
    facts = satcat_facts(satcat, db if not (before or after or catalog) else None)
    events = detect_fragmentations(
        t_before, t_after, since=filter_since, min_pieces=min_pieces, associate_by_orbit=associate, satcat=facts
    )
    frags = [e for e in events if e.kind == "fragmentation"]
    if plot is not None and frags:
        from orbitwatch.plots import plot_gabbard

        e = frags[0]
        cloud = t_after.take(np.isin(t_after.norad_id, e.new_norad_ids))
        par = None
        if e.parent_norad is not None:
            src = t_before if e.parent_elements == "pre_event" else t_after
            rows = src.take(src.norad_id == e.parent_norad)
            par = (f"parent {e.parent_norad} {e.parent_name or ''}".rstrip(), rows) if len(rows) else None
        plot_gabbard([(f"{e.launch}: {e.pieces} new pieces", cloud)], plot,
                     title=f"Gabbard diagram, largest new fragmentation: {e.parent_name or e.launch} "
                           f"({e.launch}, parent by {e.attribution})", parent=par)
    from orbitwatch.detection.fragmentation import CLUSTER_KINDS

    counts = {k: sum(1 for e in events if e.kind == k) for k in CLUSTER_KINDS}
    if as_json:
        print_json({"before_objects": len(t_before), "after_objects": len(t_after), "satcat_objects": len(facts),
                    "counts_by_kind": counts, "events": [e.to_dict() for e in events]})
        return
    table = Table(title=f"new-object clusters ({len(t_before):,} objects before, {len(t_after):,} after)")
    for col in ("launch", "kind", "parent", "name", "by", "pieces", "incl (deg)", "perigee..apogee (km)",
                "median epoch"):
        table.add_column(col)
    for e in events[:top]:
        s = e.summary
        table.add_row(*(safe_text(c) for c in (
            e.launch, e.kind, e.parent_norad or "-", e.parent_name or "-", e.attribution, f"{e.pieces:,}",
            f"{s.inclination_deg_median:.2f}",
            f"{s.perigee_km_range[0]:.0f}..{s.apogee_km_range[1]:.0f}",
            format_utc(s.median_epoch, digits=0),
        )))
    console.print(table)
    if len(events) > top:
        console.print(f"... and {len(events) - top} more (all with --json)")
    console.print(safe_text(", ".join(f"{v} {k}" for k, v in counts.items())), highlight=False)


# ----------------------------------------------------------------------------- reconstruct
def _parent_before(path: Path, norad: int, before: np.datetime64, strict: bool) -> ElementSet:
    """The parent's latest element set in ``path`` with an epoch before ``before``."""
    from orbitwatch.api import read_element_sets
    from orbitwatch.sources.files import open_lines

    best: ElementSet | None = None
    with open_lines(path) as lines:
        for es in read_element_sets(lines, source=str(path), lenient=not strict, rejects=None):
            if es.norad_id == norad and es.epoch < before and (best is None or es.epoch > best.epoch):
                best = es
    if best is None:
        raise InputError(f"no element set of {norad} before {format_utc(before, digits=0)} in {path}",
                         code="INPUT_UNKNOWN_NORAD", source=str(path), record=norad)
    return best


@breakup_app.command("reconstruct")
@handle_errors
def reconstruct(
    *,
    db: DbOption = None,
    catalog: CatalogOption = None,
    parent: Annotated[int | None, typer.Option("--parent", help="NORAD id of the parent.")] = None,
    fragments_designator: Annotated[
        str | None, typer.Option("--fragments-designator", help="Launch of the fragments, e.g. 1982-092.")
    ] = None,
    parent_elements: Annotated[
        Path | None,
        typer.Option("--parent-elements", help="File with the parent's pre-event element sets "
                     "(the latest one before the first fragment epoch is used)."),
    ] = None,
    start: Annotated[str | None, typer.Option("--start", help="ISO start of the search.")] = None,
    end: Annotated[str | None, typer.Option("--end", help="ISO end of the search (or --duration-h).")] = None,
    duration_h: DurationOption = None,
    window_start: Annotated[str | None, typer.Option("--window-start", hidden=True, help="= --start.")] = None,
    window_end: Annotated[str | None, typer.Option("--window-end", hidden=True, help="= --end.")] = None,
    include_all: Annotated[
        bool, typer.Option("--include-all", help="Keep payloads/rocket bodies of the launch as fragments.")
    ] = False,
    nodal_drift: Annotated[
        bool, typer.Option("--nodal-drift", help="Old clouds (years): date the event from the re-alignment "
                           "of the pieces' nodes instead.")
    ] = False,
    strict: StrictOption = False,
    fmt: TableJsonFormatOption = None,
    as_json: JsonOption = False,
    plot: PlotOption = None,
    gabbard: Annotated[Path | None, typer.Option("--gabbard", help="Also write a Gabbard diagram PNG.")] = None,
) -> None:
    """Breakup epoch, place, altitude and delta-v from the fragments (and the parent)."""
    from orbitwatch.api import reconstruct_event
    from orbitwatch.detection.fragmentation import launch_prefix, nodal_drift_epoch, select_fragments

    as_json = output_format(fmt, as_json, allowed=("table", "json")) == "json"
    search_start, search_end = time_window(
        alias(start, window_start, "--start", "--window-start"), alias(end, window_end, "--end", "--window-end"),
        duration_h, need_end=False, start_name="--window-start" if window_start and not start else "--start")

    table = _load(db, catalog, strict=strict)
    designator = fragments_designator
    if designator is None:
        if parent is None:
            raise InputError("give --parent or --fragments-designator", code="INPUT_MISSING", field="parent")
        rows = table.take(table.norad_id == parent)
        if len(rows) == 0 or launch_prefix(rows.cospar_ids[0]) is None:
            raise InputError(f"parent {parent} (with a designator) is not in the catalog; "
                             "give --fragments-designator", code="INPUT_UNKNOWN_NORAD", record=parent)
        designator = str(launch_prefix(rows.cospar_ids[0]))
    frag = select_fragments(table, designator, parent=parent, include_all=include_all)
    first = frag.epoch.min()
    if nodal_drift:
        est = nodal_drift_epoch(frag)
        d = {"designator": designator, "fragments": len(frag), **est.to_dict()}
        if as_json:
            print_json(d)
            return
        t = Table(title=f"breakup epoch from nodal drift, launch {safe_text(designator)}", show_header=False)
        t.add_column("what")
        t.add_column("value")
        for k, v in d.items():
            t.add_row(safe_text(k), safe_text(v))
        console.print(t)
        return
    par: ElementSet | None = None
    if parent is not None:
        if parent_elements is not None:
            par = _parent_before(parent_elements, parent, first, strict)
        elif db is not None and not catalog:
            try:  # the store keeps history: take the parent's last pre-event set
                par = load_elements(db, None, norad=[parent], as_of=first - np.timedelta64(1, "us")).element_set(0)
            except InputError:
                par = load_elements(db, None, norad=[parent]).element_set(0)
        else:
            rows = table.take(table.norad_id == parent)
            if len(rows) == 0:
                raise InputError(f"parent {parent} is not in the catalog", code="INPUT_UNKNOWN_NORAD",
                                 record=parent)
            par = rows.element_set(0)
    with progress_bar("reconstructing", enabled=not as_json) as progress:
        rec = reconstruct_event(frag, par, window_start=search_start, window_end=search_end,
                                progress=progress)
    if plot is not None and rec.coarse_times.size:  # a failed verdict may have run no search
        from orbitwatch.plots import plot_convergence

        plot_convergence(rec, plot)
    elif plot is not None:
        err_console.print(f"no convergence plot: {safe_text(rec.verdict_reason)}", highlight=False)
    if gabbard is not None:
        from orbitwatch.plots import plot_gabbard

        plot_gabbard([(f"{designator}: {len(frag)} fragments", frag)], gabbard,
                     title=f"Gabbard diagram {designator}",
                     parent=None if par is None else (f"parent {par.norad_id}", ElementTable.from_element_sets([par])))
    if as_json:
        print_json(rec.to_dict())
        return
    t = Table(title=f"breakup reconstruction, launch {safe_text(designator)}", show_header=False)
    t.add_column("what")
    t.add_column("value")
    for label, value in rec.summary_rows():
        t.add_row(label, safe_text(value))
    console.print(t)


# ----------------------------------------------------------------------------- simulate
@breakup_app.command("simulate")
@handle_errors
def simulate(
    *,
    parent: Annotated[int, typer.Option("--parent", help="NORAD id of the object that breaks up.")],
    epoch: Annotated[str, typer.Option("--epoch", help="ISO UTC time of the breakup.")],
    mass_kg: Annotated[float, typer.Option("--mass-kg", help="Mass of the parent (collision: total mass).")],
    kind: Annotated[str, typer.Option("--kind", help="collision or explosion.")] = "collision",
    db: DbOption = None,
    catalog: CatalogOption = None,
    output: Annotated[Path | None, typer.Option("--output", help="Write the synthetic catalog here.")] = None,
    fmt: Annotated[str, typer.Option("--format", help="tle (3LE) or omm (OMM KVN).")] = "tle",
    seed: Annotated[int, typer.Option("--seed", help="Random seed (same seed, same cloud).")] = 0,
    lc_min_m: Annotated[float, typer.Option("--lc-min-m", help="Smallest fragment size (m).")] = 0.1,
    parent_type: Annotated[str, typer.Option("--parent-type", help="spacecraft or rocket_body.")] = "spacecraft",
    strict: StrictOption = False,
    as_json: JsonOption = False,
    plot: PlotOption = None,
) -> None:
    """Synthetic debris catalog from the NASA Standard Breakup Model (Johnson et al. 2001)."""
    from orbitwatch.detection.breakup_model import simulate_breakup

    if fmt not in ("tle", "omm"):
        raise InputError(f"--format must be tle or omm, not {fmt!r}", field="format")
    t0 = as_utc(epoch, what="--epoch")
    try:
        table = _load(db, catalog, strict=strict, as_of=t0)
        rows = table.take(table.norad_id == parent)
        if len(rows) == 0:
            raise InputError("not before the epoch", code="INPUT_UNKNOWN_NORAD")
    except InputError as exc:
        if exc.code != "INPUT_UNKNOWN_NORAD":
            raise
        table = _load(db, catalog, strict=strict)
        rows = table.take(table.norad_id == parent)
    if len(rows) == 0:
        raise InputError(f"parent {parent} is not in the catalog", code="INPUT_UNKNOWN_NORAD", record=parent)
    es = rows.element_set(0)
    cloud = simulate_breakup(es, t0, mass_kg, kind, seed=seed, lc_min_m=lc_min_m,  # type: ignore[arg-type]
                             parent_type=parent_type)
    if output is not None:
        if fmt == "tle":
            from orbitwatch.api import format_tle

            text = []
            for s in cloud.element_sets():
                l1, l2 = format_tle(s)
                text.extend([f"0 {s.name}", l1, l2])
            output.write_text("\n".join(text) + "\n", encoding="ascii")
        else:
            from orbitwatch.api import format_omm_kvn

            output.write_text("\n".join(format_omm_kvn(s) for s in cloud.element_sets()), encoding="utf-8")
    if plot is not None:
        from orbitwatch.plots import plot_gabbard

        plot_gabbard([(f"simulated {kind}: {len(cloud.elements)} fragments", cloud.elements)], plot,
                     title=f"Simulated breakup of {es.name or parent} at {format_utc(t0, digits=0)}",
                     parent=(f"parent {parent}", rows.take(np.array([0]))))
    f = cloud.fragments
    summary = {
        "parent_norad": parent,
        "epoch_utc": str(format_utc(t0, digits=0)),
        "kind": kind,
        "mass_kg": mass_kg,
        "fragments_sampled": len(f),
        "fragments_written": len(cloud.elements),
        "fragment_mass_kg": round(float(f.mass_kg.sum()), 1),
        "delta_v_m_s": {"median": round(float(np.median(f.dv_m_s)), 1),
                        "p90": round(float(np.percentile(f.dv_m_s, 90)), 1),
                        "max": round(float(np.max(f.dv_m_s)), 1)},
        "output": None if output is None else str(output),
    }
    if as_json:
        print_json(summary)
        return
    t = Table(title="simulated breakup (NASA Standard Breakup Model)", show_header=False)
    t.add_column("what")
    t.add_column("value")
    for k, v in summary.items():
        t.add_row(k, safe_text(v))
    console.print(t)


# ----------------------------------------------------------------------------- gabbard
@breakup_app.command("gabbard")
@handle_errors
def gabbard(
    *,
    catalog: Annotated[list[Path], typer.Option("--catalog", help="One catalog per panel (evolution in time).")],
    designator: Annotated[str, typer.Option("--designator", help="Launch of the cloud, e.g. 1982-092.")],
    plot: Annotated[Path, typer.Option("--plot", help="PNG to write.")],
    label: Annotated[
        list[str] | None, typer.Option("--label", help="Panel title per --catalog (default: date and count).")
    ] = None,
    title: Annotated[str | None, typer.Option("--title", help="Figure title.")] = None,
    max_period_min: Annotated[float | None, typer.Option("--max-period-min", help="Right edge of the frame.")] = None,
    max_altitude_km: Annotated[float | None, typer.Option("--max-altitude-km", help="Top of the frame.")] = None,
    strict: StrictOption = False,
    as_json: JsonOption = False,
) -> None:
    """Gabbard diagram of one launch's objects in each catalog, side by side."""
    from orbitwatch.detection.fragmentation import cloud_summary, select_launch
    from orbitwatch.plots import plot_gabbard

    panels = []
    summaries: list[dict[str, Any]] = []
    if label and len(label) != len(catalog):
        raise InputError(f"{len(label)} --label for {len(catalog)} --catalog", field="label")
    for k, path in enumerate(catalog):
        cloud = select_launch(_read_files([path], strict=strict), designator)
        if len(cloud) == 0:
            raise InputError(f"no object of launch {designator} in {path}", code="INPUT_EMPTY", source=str(path))
        s = cloud_summary(cloud)
        summaries.append({"catalog": str(path), **s.to_dict()})
        default = f"{format_utc(s.median_epoch, digits=0)[:10]}: {len(cloud)} objects"
        panels.append((f"{label[k]}: {len(cloud)} objects" if label else default, cloud))
    shortest = min(1440.0 / float(np.max(c.mean_motion_rev_per_day)) for _, c in panels)
    xlim = None if max_period_min is None else (shortest - 1.0, max_period_min)
    ylim = None if max_altitude_km is None else (0.0, max_altitude_km)
    if (xlim is None) != (ylim is None):
        raise InputError("give --max-period-min and --max-altitude-km together", field="max_period_min")
    plot_gabbard(panels, plot, title=title or f"Gabbard diagram of launch {designator}", xlim=xlim, ylim=ylim)
    if as_json:
        print_json({"designator": designator, "plot": str(plot), "catalogs": summaries})
        return
    t = Table(title=f"launch {safe_text(designator)}")
    for col in ("catalog", "objects", "incl median (deg)", "RAAN std (deg)", "perigee..apogee (km)"):
        t.add_column(col)
    for row in summaries:
        t.add_row(safe_text(Path(str(row["catalog"])).name), str(row["pieces"]), f"{row['inclination_deg_median']:.2f}",
                  f"{row['raan_deg_circular_std']:.1f}",
                  f"{row['perigee_km_range'][0]:.0f}..{row['apogee_km_range'][1]:.0f}")
    console.print(t)
    console.print(f"wrote {safe_text(plot)}", highlight=False)


# ----------------------------------------------------------------------------- risk
@breakup_app.command("risk")
@handle_errors
def risk(
    *,
    asset: Annotated[list[str], typer.Option("--asset", metavar=NORAD_METAVAR, show_default=False,
                                             help="NORAD id(s) of protected assets: repeat or comma-separate.")],
    start: Annotated[str, typer.Option("--start", help="ISO UTC start of the window.")],
    end: Annotated[str | None, typer.Option("--end", help="ISO UTC end of the window (or --duration-h).")] = None,
    duration_h: DurationOption = None,
    db: DbOption = None,
    catalog: CatalogOption = None,
    cloud_designator: Annotated[
        str | None, typer.Option("--cloud-designator", help="The cloud is this launch's objects in the catalog.")
    ] = None,
    cloud: Annotated[
        Path | None, typer.Option("--cloud", help="The cloud is this file (e.g. from 'breakup simulate').")
    ] = None,
    threshold_km: Annotated[float, typer.Option("--threshold-km", help="Conjunction miss distance.")] = 5.0,
    min_speed: Annotated[
        float, typer.Option("--min-relative-speed-km-s", help=CO_MOVING_HELP)
    ] = CO_MOVING_MIN_SPEED_KM_S,
    strict: StrictOption = False,
    fmt: TableJsonFormatOption = None,
    as_json: JsonOption = False,
) -> None:
    """Change in the assets' conjunction rate caused by a real or simulated debris cloud."""
    from orbitwatch.detection.fragmentation import cloud_conjunction_rates, concat_tables, select_launch

    as_json = output_format(fmt, as_json, allowed=("table", "json")) == "json"
    assets = norad_ids(asset, "--asset")
    t0, t1 = time_window(start, end, duration_h)

    if (cloud_designator is None) == (cloud is None):
        raise InputError("give one of --cloud-designator and --cloud", field="cloud")
    table = _load(db, catalog, strict=strict, as_of=None)
    if cloud is not None:
        sim = _read_files([cloud], strict=strict)
        table = concat_tables(table.take(~np.isin(table.norad_id, sim.norad_id)), sim)
        ids = sim.norad_id
    else:
        ids = select_launch(table, str(cloud_designator)).norad_id
        if ids.size == 0:
            raise InputError(f"no object of launch {cloud_designator} in the catalog", code="INPUT_EMPTY",
                             field="cloud_designator")
    with progress_bar("screening", enabled=not as_json) as progress:
        res = cloud_conjunction_rates(table, ids, assets, t0, t1, threshold_km,
                                      min_relative_speed_km_s=min_speed, progress=progress)
    if as_json:
        print_json(res.to_dict())
        return
    t = Table(title=f"conjunctions within {threshold_km:g} km, {format_utc(res.start, digits=0)} .. "
                    f"{format_utc(res.end, digits=0)} ({ids.size} cloud objects)")
    for col in ("asset", "name", "background", "cloud", "per day (bg / cloud)", "increase"):
        t.add_column(col)
    for a in res.assets:
        d = a.to_dict()
        t.add_row(str(a.norad), safe_text(a.name or "-"), str(a.background_conjunctions), str(a.cloud_conjunctions),
                  f"{d['background_per_day']} / {d['cloud_per_day']}",
                  "inf" if d["increase_factor"] is None else f"x{d['increase_factor']}")
    console.print(t)
