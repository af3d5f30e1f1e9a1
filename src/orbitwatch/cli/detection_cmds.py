"""``orbitwatch maneuvers`` and ``orbitwatch rpo``: the threat monitors over element-set histories.

Fixed contract:

* ``maneuvers (--db DB | --catalog PATH...) [--norad N[,N...]...] [--start ISO] [--format table|json|csv]
  [--json] [--plot PATH]`` (``--since`` is the old spelling of ``--start``);
  ``--json`` prints a list of ``{norad, name, epoch_utc, epoch_uncertainty_s, kind,
  delta_v_m_s, confidence, elements_moved}`` plus ``owner`` (``elements_moved``: the elements
  whose step at the event is at least 3 of the object's sigmas); with ``--db`` and a store
  that holds UCS rows for them, also ``operator``, ``users``, ``purpose`` and ``ucs_conflict``.
* ``rpo (--db DB | --catalog PATH...) [--norad N[,N...]...] [--regime leo|meo|geo|all]
  [--format table|json|csv] [--json] [--plot PATH]`` (CSV: ``evidence`` as compact JSON);
  ``--json`` prints a list of ``{norad_1, norad_2, kind, start_utc,
  end_utc, min_range_km, min_range_utc, score, evidence}`` plus ``owner_1``, ``owner_2`` (with
  ``--db`` and UCS rows, also ``operator_1`` ... ``ucs_conflict_2``).

The owner (SATCAT ``OWNER``, e.g. ``PRC``, ``CIS``, ``US``) is read from the store's
catalog metadata (``orbitwatch ingest satcat.csv``) when the history comes from the
store and the object has one; it is ``null`` otherwise (catalog files carry none).  It
is only displayed: the detectors are nation-neutral and never see it.

Both need every element set (the history), not the latest per object: ``--catalog``
files are read whole; ``--db`` reads the store's history.  ``--plot`` writes a PNG
(matplotlib, Agg): element histories with the detected events; range against time for
the highest-scoring RPO pair.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from pathlib import Path
from typing import Annotated, Any

import numpy as np
import typer
from rich.table import Table

from orbitwatch.api import ElementSet, ElementTable, InputError, detect_maneuvers, format_utc, monitor_rpo, plots
from orbitwatch.cli._app import app, console, err_console, handle_errors, print_json, safe_text
from orbitwatch.cli._common import (
    CatalogOption,
    DbOption,
    FormatOption,
    JsonOption,
    NoradOption,
    SatcatOption,
    alias,
    load_object_fields,
    norad_ids,
    output_format,
    print_csv,
    progress_bar,
    satcat_facts,
    time_window,
)
from orbitwatch.detection.maneuvers import sort_history
from orbitwatch.detection.proximity import RPOEpisode, RPOReport

#: the --regime values of rpo
REGIMES = ("leo", "meo", "geo", "all")
PlotOption = Annotated[Path | None, typer.Option("--plot", help="Write a PNG figure to this path.")]


def load_history(db: Path | None, catalogs: Sequence[Path] | None, norad: Sequence[int] | None = None) -> ElementTable:
    """Every element set of the objects (all objects without ``norad``) from files or the store."""
    if db is not None and catalogs:
        raise InputError("give either --db or --catalog, not both", code="INPUT_INVALID", field="catalog")
    wanted = {int(n) for n in norad} if norad else None
    sets: list[ElementSet] = []
    if catalogs:
        from orbitwatch.api import read_element_sets
        from orbitwatch.sources.files import open_lines

        for path in catalogs:
            with open_lines(path) as lines:
                for s in read_element_sets(lines, source=str(path)):
                    if wanted is None or s.norad_id in wanted:
                        sets.append(s)
    else:
        from orbitwatch.api import Store

        with Store.open(db, create=False) as store:
            for _, history in store.iter_history(sorted(wanted) if wanted else None):
                sets.extend(history)
    if wanted:
        found = {s.norad_id for s in sets}
        missing = sorted(wanted - found)
        if missing:
            raise InputError(f"unknown NORAD id(s) {', '.join(map(str, missing))}: no element sets found",
                             code="INPUT_UNKNOWN_NORAD", record=",".join(map(str, missing)))
    if not sets:
        raise InputError("no element sets to analyse", code="INPUT_EMPTY")
    return sort_history(sets)


def _suffixed(fields: dict[str, Any], k: str) -> dict[str, Any]:
    return {f"{key}_{k}": v for key, v in fields.items()}


def _with_owner(name: str | None, owner: str | None) -> str:
    """``NAME (OWNER)`` made safe for the terminal (:func:`safe_text`)."""
    return safe_text(f"{name or ''} ({owner})" if owner else (name or ""))


# --------------------------------------------------------------------------- maneuvers


@app.command("maneuvers")
@handle_errors
def maneuvers_cmd(
    *,
    db: DbOption = None,
    catalog: CatalogOption = None,
    norad: NoradOption = None,
    start: Annotated[str | None, typer.Option("--start", help="Only events from this UTC time (ISO 8601, Z).")] = None,
    since: Annotated[str | None, typer.Option("--since", hidden=True, help="Old spelling of --start.")] = None,
    fmt: FormatOption = None,
    as_json: JsonOption = False,
    plot: PlotOption = None,
) -> None:
    """Detect maneuvers in element-set histories (robust per-object noise, SGP4 residuals)."""
    out = output_format(fmt, as_json)
    first = alias(start, since, "--start", "--since")
    t_since, _ = time_window(first or None, None, None, need_end=False,
                             start_name="--since" if since and not start else "--start")
    ids = norad_ids(norad) or None
    history = load_history(db, catalog, ids)
    with progress_bar("maneuvers", enabled=out == "table") as progress:
        report = detect_maneuvers(history, since=t_since, progress=progress)
    if plot is not None:
        plots.plot_maneuvers(history, report, plot, ids)
    fields = load_object_fields(db, catalog, [e.norad_id for e in report.events])
    owners = {n: f["owner"] for n, f in fields.items()}
    if out != "table":
        records = [{**e.to_dict(), "elements_moved": list(e.evidence.get("elements_moved", [])),
                    **fields[e.norad_id]} for e in report.events]
        if out == "csv":
            print_csv(records)
        else:
            print_json(records)
        return
    table = Table(title=f"{len(report.events)} maneuvers in {len(report.noise)} objects")
    for col in ("NORAD", "name", "epoch (UTC)", "± h", "kind", "Δv m/s", "conf."):
        table.add_column(col, justify="right" if col in ("NORAD", "± h", "Δv m/s", "conf.") else "left")
    for e in report.events:
        table.add_row(str(e.norad_id), _with_owner(e.name, owners[e.norad_id]), e.epoch_utc,
                      f"{e.epoch_uncertainty_s / 3600:.1f}", safe_text(e.kind),
                      f"{e.delta_v_m_s:.3f}", f"{e.confidence:.2f}")
    console.print(table)
    noise = Table(title="noise model per regime (median over objects of 1.4826·MAD)")
    for col in ("regime", "objects", "σ a m", "σ i deg", "σ node deg", "σ e", "σ R/I/C km", "median gap h"):
        noise.add_column(col)
    for reg, row in report.noise_by_regime().items():
        noise.add_row(safe_text(reg), str(int(row["objects"])), f"{row['sigma_a_km'] * 1000:.1f}",
                      f"{row['sigma_i_deg']:.5f}",
                      f"{row['sigma_node_deg']:.4f}", f"{max(row['sigma_ex'], row['sigma_ey']):.1e}",
                      f"{row['sigma_radial_km']:.2f}/{row['sigma_in_track_km']:.2f}/{row['sigma_cross_track_km']:.2f}",
                      f"{row['median_gap_s'] / 3600:.1f}")
    console.print(noise)
    if report.skipped:
        err_console.print(f"{len(report.skipped)} object(s) skipped (too few element sets)")


# --------------------------------------------------------------------------- rpo


@app.command("rpo")
@handle_errors
def rpo_cmd(
    *,
    db: DbOption = None,
    catalog: CatalogOption = None,
    norad: NoradOption = None,
    regime: Annotated[str, typer.Option("--regime", help="leo, meo, geo or all.")] = "all",
    fmt: FormatOption = None,
    as_json: JsonOption = False,
    plot: PlotOption = None,
    satcat: SatcatOption = None,
    top: Annotated[int | None, typer.Option(
        "--top", min=1, help="Keep the best N pairs of each class (docked, same_launch, same_owner_colocation, "
                             "constellation, other) and their episodes.")] = None,
    pairs: Annotated[bool, typer.Option(
        "--pairs", help="One record per pair (its class, owners, release estimate and episodes) "
                        "instead of one per episode.")] = False,
) -> None:
    """Rendezvous and proximity operations: co-planar shadowing, sustained proximity, approach after a burn.

    Pairs are classed from the SATCAT (--satcat FILE, or the store's metadata with --db).
    """
    out = output_format(fmt, as_json)
    as_json = out != "table"
    if regime not in REGIMES:
        raise InputError(f"--regime must be leo, meo, geo or all, not {regime!r}", code="INPUT_INVALID",
                         field="regime")
    ids = norad_ids(norad) or None
    history = load_history(db, catalog, None)
    if ids:
        present = set(history.norad_id.tolist())
        missing = [n for n in ids if n not in present]
        if missing:
            raise InputError(f"unknown NORAD id(s) {', '.join(map(str, missing))}: no element sets found",
                             code="INPUT_UNKNOWN_NORAD", record=",".join(map(str, missing)))
    with progress_bar("rpo", enabled=not as_json) as progress:
        maneuvers = detect_maneuvers(history, progress=progress)
        facts = satcat_facts(satcat, db if not catalog else None)
        report = monitor_rpo(history, norad=ids, regime=regime, maneuvers=maneuvers, progress=progress,
                             satcat=facts or None, top_per_class=top)
    if plot is not None:
        plots.plot_rpo(history, report.episodes, plot)
    if pairs:
        _print_pairs(report, out)
        return
    fields = load_object_fields(db, catalog, [n for e in report.episodes for n in (e.norad_1, e.norad_2)])
    for n, f in facts.items():
        if n in fields and fields[n]["owner"] is None and getattr(f, "owner", None):
            fields[n] = {**fields[n], "owner": f.owner}
    owners = {n: f["owner"] for n, f in fields.items()}
    if as_json:
        records = [{**e.to_dict(), **_suffixed(fields[e.norad_1], "1"), **_suffixed(fields[e.norad_2], "2")}
                   for e in report.episodes]
        if out == "csv":
            print_csv(records)
        else:
            print_json(records)
        return
    table = Table(title=f"{len(report.episodes)} RPO episodes ({report.candidate_pairs} candidate pairs, "
                        f"{report.objects} objects)")
    for col, wrap in (("kind", False), ("pair", True), ("start → end (UTC)", True), ("min km at (UTC)", True),
                      ("score", False), ("key figures", True)):
        table.add_column(col, no_wrap=not wrap)
    for e in report.episodes:
        rng = f"{e.min_range_km:.1f}" if math.isfinite(e.min_range_km) else "-"
        table.add_row(safe_text(e.kind), f"{e.norad_1} {_with_owner(e.name_1, owners[e.norad_1])}\n"
                      f"{e.norad_2} {_with_owner(e.name_2, owners[e.norad_2])}",
                      f"{_short(e.start)}\n{_short(e.end)}", f"{rng}\n{_short(e.min_range_time)}", f"{e.score:.2f}",
                      safe_text(_key_figures(e)))
    console.print(table)


def _print_pairs(report: RPOReport, out: str) -> None:
    """``rpo --pairs``: each pair once, as JSON/CSV records or a table."""
    records = [p.to_dict() for p in report.pairs]
    if out == "json":
        print_json(records)
        return
    if out == "csv":
        print_csv([{k: v for k, v in r.items() if k != "episodes"} for r in records])
        return
    counts = ", ".join(f"{k} {v}" for k, v in report.pairs_per_class.items())
    table = Table(title=f"{len(records)} RPO pairs ({counts})")
    for col in ("class", "pair", "min km ± 1σ at (UTC)", "episodes", "release"):
        table.add_column(col)
    for p, r in zip(report.pairs, records, strict=True):
        rng = "-" if r["min_range_km"] is None else f"{r['min_range_km']:.1f}"
        sig = "" if r["min_range_uncertainty_km"] is None else f" ± {r['min_range_uncertainty_km']:.1f}"
        rel = r["release"]
        iv = (rel or {}).get("interval_utc") or {}
        release = "-" if not rel else (f"{rel['released_norad']} from {rel['carrier_norad']}: "
                                       f"{str(iv.get('start', '?'))[:10]} .. {str(iv.get('end', '?'))[:10]}"
                                       f"{'' if rel.get('determined') else ' (not determined)'}")
        table.add_row(safe_text(p.classification),
                      f"{p.norad_1} {_with_owner(p.name_1, p.owner_1)}\n{p.norad_2} {_with_owner(p.name_2, p.owner_2)}",
                      f"{rng}{sig}\n{r['min_range_utc'] or '-'}", str(len(p.episodes)),
                      safe_text(release))
    console.print(table)


def _short(t: np.datetime64) -> str:
    return str(format_utc(t, digits=0))[:16].replace("T", " ")


def _key_figures(e: RPOEpisode) -> str:
    ev = e.evidence
    if e.kind == "co-planar":
        nxt = ev.get("time_to_next_approach_days")
        return (f"plane {ev['plane_angle_deg']:.3f}° Δi {ev['delta_inclination_deg']:+.3f}° "
                f"ΔΩ {ev['delta_raan_deg']:+.3f}° Δa {ev['delta_semi_major_axis_km']:+.1f} km "
                f"phase {ev['phase_angle_deg']:+.1f}° drift {ev['phase_drift_deg_day']:+.2f}°/d "
                f"next {'-' if nxt is None else f'{nxt:.1f} d'}")
    if e.kind == "approach-after-maneuver":
        return (f"burn by {ev['maneuvering_object']}, {ev['range_at_maneuver_km']:.0f} km -> "
                f"{e.min_range_km:.0f} km")
    text = f"{ev['duration_days']:.1f} d, {100 * ev['fraction_within']:.0f}% within {ev['threshold_km']:.0f} km"
    if "max_abs_dlon_deg" in ev:
        text += f", lon {ev['mean_longitude_deg']:.2f}°"
    return text


