"""``orbitwatch passes``, ``exposure`` and ``contacts``: thin shells over :mod:`orbitwatch.access`.

Output contract (fixed; users' scripts depend on it):

* ``passes (--db DB | --catalog PATH...) --norad N... (--site LAT,LON[,ALT_M] | --sites
  PATH) --start ISO --end ISO [--min-el-deg E] [--sunlit] [--site-dark] [--format
  table|json|csv] [--plot PNG]``; ``--json`` prints a list of ``{norad, site, rise_utc,
  culmination_utc, set_utc, max_elevation_deg, rise_azimuth_deg, set_azimuth_deg,
  sunlit_fraction}`` (plus ``culmination_range_km``, ``rise_clipped``, ``set_clipped`` and
  the element set's ``element_epoch_utc``, ``element_age_d`` at culmination, ``element_stale``;
  exposure and contacts windows carry the same three, at the window's start).
* ``exposure ... --sites PATH [--max-range-km R] [--min-el-deg E] [--sunlit]
  [--site-dark] [--format table|json|csv] [--plot PNG]``; ``--json`` prints ``{start_utc,
  end_utc, windows: [...], summary: [...]}``.
* ``exposure ... --sites PATH --isr --ucs UCS.csv[.gz] [--isr-users all|Military,...]
  [--for-csv PATH] [--history] [--norad N...]``: dazzling windows of imaging satellites
  (:mod:`orbitwatch.access.isr`); ``--json`` prints ``{start_utc, end_utc,
  min_elevation_deg, selection: {...}, windows: [...], summary: [...]}`` with named flags.
* ``contacts ... --stations PATH [--drop STATION...] [--k K] [--antennas NAME=N...]
  [--format table|json|csv] [--plot PNG]``; ``--json`` prints the report: the greedy schedule's use of
  each station, windows with a ``scheduled`` flag, and ``resilience`` (visibility single
  points of failure and optimal capacity loss for every combination of 1..K stations,
  :mod:`orbitwatch.access.resilience`, with the number of combinations evaluated).

Object metadata (issue 11): with a store (``--db``, or the default store) that holds a
SATCAT and the UCS database, every record that names a satellite (passes; exposure and
``--isr`` windows and summary; contacts windows and ``resilience.visibility``) also carries
``owner`` (SATCAT), ``operator``, ``users``, ``purpose`` (UCS) and ``ucs_conflict`` (the UCS
row's COSPAR id disagrees with the SATCAT's), each ``null`` where unknown, from
:func:`orbitwatch.store.metadata.object_fields` (the same lookup as ``screen``); a record's
own value (the ``--isr`` selection's ``users``) is kept.  With ``--catalog`` files only an
owner the files carry is added; where nothing is known of any of the objects (files
without owners, a store without SATCAT and UCS rows for them) none of these keys.  Tables show an ``owner`` column
and say on stderr which objects have a UCS conflict.  ``--format csv`` prints the records
(passes; the windows of exposure and contacts) with the JSON keys as columns.

One default minimum elevation, :data:`~orbitwatch.access.passes.DEFAULT_MIN_ELEVATION_DEG`
(10 deg), for ``passes``, ``exposure`` and ``contacts`` (stated in each ``--help``); it is a
floor on each site's own mask.

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

from orbitwatch.access.contacts import ContactReport
from orbitwatch.access.passes import DEFAULT_MIN_ELEVATION_DEG, Conditions, PassTable
from orbitwatch.access.sites import Site, parse_site_arg
from orbitwatch.access.sun import TWILIGHT_DEG
from orbitwatch.api import InputError, contacts, exposure, find_passes, format_utc, load_sites, parse_utc, plots
from orbitwatch.cli._app import app, console, err_console, handle_errors, print_json, safe_text
from orbitwatch.cli._common import (
    AsOfOption,
    CatalogOption,
    DbOption,
    DurationOption,
    FormatOption,
    JsonOption,
    NoradOption,
    element_sets_at,
    norad_ids,
    output_format,
    print_csv,
    progress_bar,
    time_window,
)

StartOption = Annotated[str, typer.Option("--start", help="Start of the interval, ISO 8601 UTC (…Z).")]
EndOption = Annotated[
    str | None, typer.Option("--end", help="End of the interval, ISO 8601 UTC (…Z); or --duration-h.")
]
MinElOption = Annotated[
    float,
    typer.Option("--min-el-deg", help=f"Minimum elevation (deg), a floor on each site's own mask; default "
                 f"{DEFAULT_MIN_ELEVATION_DEG:g} deg, the same for passes, exposure and contacts."),
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


def _with_element_age(records: list[dict[str, Any]], elements: Any, time_key: str) -> list[dict[str, Any]]:
    """Add to each record the epoch of the element set used, its age at ``record[time_key]`` and a stale flag.

    ``element_age_d`` is time minus epoch in days (negative: a set from after the event);
    ``element_stale`` when its magnitude exceeds the stale limit (14 d in LEO, 30 d above:
    :func:`orbitwatch.catalog.history.stale_limit_days`).
    """
    from orbitwatch.catalog.history import stale_limit_days
    from orbitwatch.times import days_between

    if not records:
        return records
    row = {int(n): i for i, n in enumerate(elements.norad_id)}
    limits = stale_limit_days(elements.mean_motion_rev_per_day)
    idx = np.array([row[int(r["norad"])] for r in records], dtype=np.intp)
    times = np.array([parse_utc(r[time_key]) for r in records], dtype=elements.epoch.dtype)
    age = np.asarray(days_between(elements.epoch[idx], times), dtype=np.float64)
    stamps = format_utc(elements.epoch[idx], digits=3)
    for r, a, lim, e in zip(records, age.tolist(), limits[idx].tolist(), stamps, strict=True):
        r["element_epoch_utc"] = str(e)
        r["element_age_d"] = round(a, 3)
        r["element_stale"] = bool(abs(a) > lim)
    return records


def _interval(start: str, end: str | None, duration_h: float | None) -> tuple[np.datetime64, np.datetime64]:
    t0, t1 = time_window(start, end, duration_h)
    assert t0 is not None and t1 is not None
    if not t1 > t0:
        what = f"--end {end}" if end is not None else f"--duration-h {duration_h:g}"
        raise InputError(f"{what} is not after --start {start}", code="ACCESS_EMPTY_WINDOW", field="end")
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


def _label(norad: int, names: dict[int, str], fields: ObjectFields = None) -> str:
    name = names.get(norad)
    owner = (fields or {}).get(norad, {}).get("owner")
    ident = f"{norad}, {owner}" if owner else str(norad)
    return f"{name[:24]} ({ident})" if name else (f"{norad} ({owner})" if owner else ident)


#: NORAD id -> the metadata fields a record carries (``owner``, ``operator``, ``users``,
#: ``purpose``, ``ucs_conflict``); ``None`` when nothing is known (catalog files without owners)
ObjectFields = dict[int, dict[str, Any]] | None


def _object_fields(db: Path | None, catalog: list[Path] | None, elements: Any) -> ObjectFields:
    """The metadata fields of every object in ``elements``: the store's SATCAT and UCS
    (:func:`orbitwatch.store.metadata.object_fields`, through screen's
    :func:`~orbitwatch.cli.screen_cmds.object_metadata`), or only an owner the catalog files carry.

    ``None`` (no keys added) when nothing is known of any of them: a store without a SATCAT
    or UCS answers as the catalog files do, so the records of a store and of the same
    element sets in a file are the same (``tests/cli/test_element_set_in_force.py``)."""
    from orbitwatch.cli.screen_cmds import object_metadata

    fields = object_metadata(db, catalog, elements, sorted({int(n) for n in elements.norad_id}))
    if fields is None or not any(v is not None for f in fields.values() for v in f.values()):
        return None
    return fields


def _with_objects(records: list[dict[str, Any]], fields: ObjectFields) -> list[dict[str, Any]]:
    """Add to each record its object's (``record["norad"]``) metadata fields; a value the
    record already has (not ``None``) is kept."""
    if fields is None:
        return records
    for r in records:
        for key, value in fields.get(int(r["norad"]), {}).items():
            if r.get(key) is None:
                r[key] = value
    return records


def _owner_cell(norad: int, fields: ObjectFields) -> str:
    return safe_text((fields or {}).get(int(norad), {}).get("owner") or "")


def _note_conflicts(fields: ObjectFields, shown: set[int]) -> None:
    """Say on stderr which shown objects have UCS fields from a row whose COSPAR id disagrees with the SATCAT."""
    bad = sorted(n for n in shown if (fields or {}).get(n, {}).get("ucs_conflict"))
    if bad:
        err_console.print(f"note: {len(bad)} object(s) have UCS fields from a row whose COSPAR id disagrees "
                          f"with the SATCAT (ucs_conflict): {', '.join(map(str, bad))}",
                          markup=False, highlight=False, soft_wrap=True)


def _names(elements: Any) -> dict[int, str]:
    return {int(n): str(x) for n, x in zip(elements.norad_id, elements.names, strict=True) if x}


def _plot_passes(path: Path, p: PassTable, t0: np.datetime64, t1: np.datetime64, what: str,
                 names: dict[int, str] | None = None) -> None:
    keys = sorted({(int(p.norad_id[i]), int(p.site[i])) for i in range(len(p))})
    shown = keys[:_MAX_ROWS]
    index = {k: r for r, k in enumerate(shown)}
    rows = [f"{_label(n, names or {})} @ {p.site_names[s]}" for n, s in shown]
    bars = []
    for i in range(len(p)):
        r = index.get((int(p.norad_id[i]), int(p.site[i])))
        if r is None:
            continue
        sf = p.sunlit_fraction[i]
        colour = "#d98c00" if (not math.isnan(sf) and sf >= 0.5) else "#3465a4"
        bars.append((r, p.rise[i], p.set[i], colour, True))
    more = f" (first {_MAX_ROWS} of {len(keys)} satellite-site pairs)" if len(keys) > _MAX_ROWS else ""
    plots.plot_timeline(path, rows, bars, title=f"{what}: {len(p)} windows{more}", t0=t0, t1=t1,
                  legend={"satellite mostly sunlit": "#d98c00", "satellite mostly in shadow": "#3465a4"})


@app.command("passes")
@handle_errors
def passes_cmd(
    *,
    start: StartOption,
    end: EndOption = None,
    duration_h: DurationOption = None,
    norad: NoradOption = None,
    db: DbOption = None,
    catalog: CatalogOption = None,
    as_of: AsOfOption = None,
    site: Annotated[list[str] | None, typer.Option("--site", help="LAT,LON[,ALT_M] (deg, deg, m).")] = None,
    sites: Annotated[Path | None, typer.Option("--sites", help="Sites file (.csv or .geojson).")] = None,
    min_el_deg: MinElOption = DEFAULT_MIN_ELEVATION_DEG,
    sunlit: SunlitOption = False,
    site_dark: DarkOption = False,
    dark_sun_el_deg: DarkSunOption = "civil",
    fmt: FormatOption = None,
    as_json: JsonOption = False,
    plot: PlotOption = None,
) -> None:
    """Rise, culmination and set of satellites over sites (vectorised over satellites x sites)."""
    out = output_format(fmt, as_json)
    as_json = out != "table"
    ids = norad_ids(norad)
    if not ids:
        raise InputError("give at least one --norad", code="INPUT_INVALID", field="norad")
    t0, t1 = _interval(start, end, duration_h)
    site_list = _sites(site, sites)
    elements = element_sets_at(db, catalog, t0, norad=ids, as_of=as_of)
    cond = Conditions(sunlit=sunlit, site_dark=site_dark, dark_sun_elevation_deg=_dark_threshold(dark_sun_el_deg))
    with progress_bar("passes", enabled=not as_json) as progress:
        p = find_passes(elements, site_list, t0, t1,
                        min_elevation_deg=min_el_deg,
                        conditions=cond, progress=progress)
    order = np.lexsort((p.rise.astype(np.int64), p.norad_id))
    records = [p.to_records()[i] for i in order] if len(p) else []
    _with_element_age(records, elements, "culmination_utc")
    fields = _object_fields(db, catalog, elements)
    _with_objects(records, fields)
    if plot is not None:
        _plot_passes(plot, p, t0, t1, "passes", _names(elements))
    if out == "csv":
        print_csv(records)
        return
    if as_json:
        print_json(records)
        return
    _passes_table(records, fields, f"{len(p)} passes {format_utc(t0, digits=0)} .. {format_utc(t1, digits=0)}")


def _passes_table(records: list[dict[str, Any]], fields: ObjectFields, title: str) -> None:
    table = Table(title=title)
    cols = ("norad", *(("owner",) if fields is not None else ()), "site", "rise (UTC)", "culm", "set", "max el",
            "rise az", "set az", "sunlit", "age d")
    for col in cols:
        table.add_column(col, justify="left" if col in ("site", "owner") else "right")
    for r in records:
        rise = r["rise_utc"][5:19].replace("T", " ") + ("<" if r["rise_clipped"] else "")
        owner = (_owner_cell(r["norad"], fields),) if fields is not None else ()
        table.add_row(str(r["norad"]), *owner, safe_text(r["site"]), rise,
                      r["culmination_utc"][11:19], r["set_utc"][11:19] + (">" if r["set_clipped"] else ""),
                      _f(r["max_elevation_deg"]), _f(r["rise_azimuth_deg"], 0), _f(r["set_azimuth_deg"], 0),
                      "" if r["sunlit_fraction"] is None else f"{100 * r['sunlit_fraction']:.0f}%",
                      f"{r['element_age_d']:.1f}" + (" STALE" if r["element_stale"] else ""))
    console.print(table)
    _note_conflicts(fields, {int(r["norad"]) for r in records})


@app.command("exposure")
@handle_errors
def exposure_cmd(
    *,
    sites: Annotated[Path, typer.Option("--sites", help="Sites file (.csv or .geojson).")],
    start: StartOption,
    end: EndOption = None,
    duration_h: DurationOption = None,
    norad: NoradOption = None,
    db: DbOption = None,
    catalog: CatalogOption = None,
    as_of: AsOfOption = None,
    max_range_km: Annotated[float | None, typer.Option("--max-range-km", help="Line-of-sight range limit.")] = None,
    min_el_deg: MinElOption = DEFAULT_MIN_ELEVATION_DEG,
    sunlit: SunlitOption = False,
    site_dark: DarkOption = False,
    dark_sun_el_deg: DarkSunOption = "civil",
    isr: Annotated[bool, typer.Option("--isr", help="Dazzling windows of imaging (ISR) satellites selected from "
                   "the UCS database (--ucs): site inside the sensor's field of regard, ground sunlit for "
                   "optical sensors.")] = False,
    ucs: Annotated[Path | None, typer.Option("--ucs", help="UCS Satellite Database CSV (.csv or .csv.gz).")] = None,
    isr_users: Annotated[str, typer.Option("--isr-users", help="UCS user communities selected, comma-separated, "
                         "or 'all'.")] = "Military,Government",
    for_csv: Annotated[Path | None, typer.Option("--for-csv", help="Per-object overrides: CSV "
                       "norad,field_of_regard_deg[,class].")] = None,
    sensor_class: Annotated[str, typer.Option("--sensor-class", help="Class for --norad objects the UCS "
                            "selection does not classify: optical, infrared or radar.")] = "optical",
    history: Annotated[bool, typer.Option("--history", help="With --isr: use each object's element set in force "
                       "at each time (all stored / given sets), not only the one at --start.")] = False,
    fmt: FormatOption = None,
    as_json: JsonOption = False,
    plot: PlotOption = None,
) -> None:
    """Exposure of (protected) satellites to a set of sites: windows and per-satellite summary.

    With --isr: dazzling windows of imaging satellites (off-nadir angle, field of regard,
    site solar elevation, satellite sunlit, slant range, look angles, named flags).
    """
    out = output_format(fmt, as_json)
    ids = norad_ids(norad) or None
    t0, t1 = _interval(start, end, duration_h)
    if isr:
        _dazzle(sites, t0, t1, norad=ids, db=db, catalog=catalog, as_of=as_of, max_range_km=max_range_km,
                min_el_deg=min_el_deg, ucs=ucs, isr_users=isr_users, for_csv=for_csv, sensor_class=sensor_class,
                history=history, out=out, plot=plot)
        return
    if max_range_km is not None and not max_range_km > 0:
        raise InputError(f"--max-range-km {max_range_km} must be positive", code="INPUT_INVALID",
                         field="max_range_km")
    site_list = load_sites(sites)
    elements = element_sets_at(db, catalog, t0, norad=ids, as_of=as_of)
    cond = Conditions(sunlit=sunlit, site_dark=site_dark, dark_sun_elevation_deg=_dark_threshold(dark_sun_el_deg))
    with progress_bar("exposure", enabled=out == "table") as progress:
        rep = exposure(elements, site_list, t0, t1, min_elevation_deg=min_el_deg,
                       max_range_km=math.nan if max_range_km is None else max_range_km, conditions=cond,
                       progress=progress)
    if plot is not None:
        _plot_passes(plot, rep.windows, t0, t1, "exposure", _names(elements))
    fields = _object_fields(db, catalog, elements)
    windows = _with_objects(_with_element_age(rep.window_records(), elements, "start_utc"), fields)
    summary = _with_objects(rep.summary.to_records(), fields)
    if out == "csv":
        print_csv(windows)
        return
    if out == "json":
        print_json({"start_utc": str(format_utc(t0)), "end_utc": str(format_utc(t1)),
                    "windows": windows, "summary": summary})
        return
    table = Table(title=f"exposure to {len(site_list)} sites, {format_utc(t0, digits=0)} .. "
                        f"{format_utc(t1, digits=0)}")
    for col in ("norad", *(("owner",) if fields is not None else ()), "windows", "sites", "exposed s/day",
                "longest s", "site-seconds"):
        table.add_column(col, justify="left" if col == "owner" else "right")
    for r in summary:
        owner = (_owner_cell(r["norad"], fields),) if fields is not None else ()
        table.add_row(str(r["norad"]), *owner, str(r["windows"]), str(r["sites"]), _f(r["exposed_s_per_day"], 0),
                      _f(r["longest_window_s"], 0), _f(r["site_seconds"], 0))
    console.print(table)
    _note_conflicts(fields, {int(r["norad"]) for r in summary})


def _isr_selection(ucs: Path | None, users: str, for_csv: Path | None, norad: list[int] | None,
                   sensor_class: str) -> tuple[list[Any], dict[str, Any]]:
    from orbitwatch.access.isr import (
        SENSOR_CLASSES,
        IsrSatellite,
        apply_overrides,
        read_overrides,
        read_ucs,
        select_isr,
    )

    if ucs is None:
        raise InputError("--isr needs --ucs PATH (the UCS Satellite Database CSV)", code="INPUT_INVALID",
                         field="ucs")
    if sensor_class not in SENSOR_CLASSES:
        raise InputError(f"--sensor-class {sensor_class!r}: use one of {', '.join(SENSOR_CLASSES)}",
                         code="ISR_UNKNOWN_CLASS", field="sensor_class")
    records = read_ucs(ucs)
    want = None if users.strip().lower() == "all" else tuple(u.strip() for u in users.split(",") if u.strip())
    selected = select_isr(records, users=want)
    info: dict[str, Any] = {"ucs": str(ucs), "users": "all" if want is None else list(want),
                            "ucs_records": len(records), "selected": len(selected)}
    if norad:
        by = {s.norad_id: s for s in select_isr(records, users=None)}
        names = {r.norad_id: r.name for r in records}
        c = SENSOR_CLASSES[sensor_class]
        selected = [by.get(n) or IsrSatellite(n, names.get(n) or str(n), c.name, c.field_of_regard_deg,
                                              c.night_capable) for n in dict.fromkeys(norad)]
    if for_csv is not None:
        selected = apply_overrides(selected, read_overrides(for_csv))
    return selected, info


def _history_table(db: Path | None, catalog: list[Path] | None, ids: list[int], t0: np.datetime64,
                   t1: np.datetime64, at_start: Any) -> Any:
    """Every element set of ``ids`` from the set in force at ``t0`` up to ``t1``."""
    from orbitwatch.api import ElementTable

    wanted = set(ids)
    sets: list[Any] = []
    if catalog:
        from orbitwatch.api import read_element_sets
        from orbitwatch.sources.files import open_lines

        for path in catalog:
            with open_lines(path) as lines:
                sets += [e for e in read_element_sets(lines, source=str(path)) if e.norad_id in wanted]
    else:
        from orbitwatch.api import Store

        with Store.open(db, create=False) as store:
            for _, hist in store.iter_history(ids):
                sets += hist
    first = {int(n): e for n, e in zip(at_start.norad_id, at_start.epoch, strict=True)}
    sets = [e for e in sets if first.get(e.norad_id) is not None and first[e.norad_id] <= e.epoch <= t1]
    return ElementTable.from_element_sets(sets) if sets else at_start


def _dazzle(sites: Path, t0: np.datetime64, t1: np.datetime64, *, norad: list[int] | None, db: Path | None,
            catalog: list[Path] | None, as_of: str | None, max_range_km: float | None, min_el_deg: float,
            ucs: Path | None, isr_users: str, for_csv: Path | None, sensor_class: str, history: bool,
            out: str, plot: Path | None) -> None:
    from orbitwatch.api import dazzle_exposure

    selected, info = _isr_selection(ucs, isr_users, for_csv, norad, sensor_class)
    site_list = load_sites(sites)
    table = element_sets_at(db, catalog, t0, as_of=as_of, norad=norad)
    have = {int(n) for n in table.norad_id}
    selected = [s for s in selected if s.norad_id in have]
    info["with_element_sets"] = len(selected)
    if not selected:
        raise InputError("no selected ISR satellite has an element set here", code="ACCESS_NO_OBJECTS",
                         field="isr")
    ids = [s.norad_id for s in selected]
    index = {int(n): i for i, n in enumerate(table.norad_id)}
    elements = table.take(np.array([index[n] for n in ids], dtype=np.int64))
    if history:
        elements = _history_table(db, catalog, ids, t0, t1, elements)
    info["element_sets"] = len(elements)
    with progress_bar("dazzle", enabled=out == "table") as progress:
        rep = dazzle_exposure(elements, selected, site_list, t0, t1, min_elevation_deg=min_el_deg,
                              max_range_km=math.nan if max_range_km is None else max_range_km, progress=progress)
    if plot is not None:
        _plot_dazzle(plot, rep, t0, t1)
    fields = _object_fields(db, catalog, elements)
    windows = _with_objects(rep.window_records(), fields)
    if out == "csv":
        print_csv(windows)
        return
    if out == "json":
        print_json({"start_utc": str(format_utc(t0)), "end_utc": str(format_utc(t1)),
                    "min_elevation_deg": min_el_deg, "day_sun_elevation_deg": rep.day_sun_elevation_deg,
                    "selection": info, "windows": windows, "summary": _with_objects(rep.summary_records(), fields)})
        return
    console.print(safe_text(f"UCS selection: {info['selected']} ISR satellites (users {isr_users}), "
                            f"{info['with_element_sets']} with element sets"), highlight=False)
    _dazzle_table(windows, fields, f"dazzling windows: {len(rep.windows)} over {len(site_list)} sites, "
                                   f"{format_utc(t0, digits=0)} .. {format_utc(t1, digits=0)}")


def _dazzle_table(windows: list[dict[str, Any]], fields: ObjectFields, title: str) -> None:
    table_out = Table(title=title)
    with_owner = fields is not None
    for col in ("satellite", *(("owner",) if with_owner else ()), "class", "site", "start (UTC)", "dur s",
                "min off-nadir", "FoR", "el", "range km", "sun el", "flags"):
        table_out.add_column(col, justify="left" if col in ("satellite", "owner", "class", "site", "flags")
                             else "right")
    for r in windows[:200]:
        owner = (_owner_cell(r["norad"], fields),) if with_owner else ()
        table_out.add_row(safe_text(f"{r['name'][:22]} ({r['norad']})"), *owner, safe_text(r["sensor_class"]),
                          safe_text(r["site"]),
                          r["start_utc"][5:19].replace("T", " "), _f(r["duration_s"], 0),
                          _f(r["off_nadir_min_deg"], 2), _f(r["field_of_regard_deg"], 0), _f(r["elevation_deg"]),
                          _f(r["slant_range_km"], 0), _f(r["site_sun_elevation_deg"]),
                          safe_text(",".join(r["flags"])))
    console.print(table_out)
    _note_conflicts(fields, {int(r["norad"]) for r in windows[:200]})


def _plot_dazzle(path: Path, rep: Any, t0: np.datetime64, t1: np.datetime64) -> None:
    w = rep.windows
    keys = sorted({(int(w.sat[i]), int(w.site[i])) for i in range(len(w))})
    shown = keys[:_MAX_ROWS]
    index = {k: r for r, k in enumerate(shown)}
    rows = [f"{rep.satellites[k].name[:24]} ({rep.satellites[k].norad_id}) @ {rep.site_names[s]}" for k, s in shown]
    bars = []
    for i in range(len(w)):
        r = index.get((int(w.sat[i]), int(w.site[i])))
        if r is not None:
            colour = "#3465a4" if rep.satellites[int(w.sat[i])].night_capable else "#d98c00"
            bars.append((r, w.start[i], w.end[i], colour, True))
    more = f" (first {_MAX_ROWS} of {len(keys)} satellite-site pairs)" if len(keys) > _MAX_ROWS else ""
    plots.plot_timeline(path, rows, bars, title=f"dazzling windows: {len(w)}{more}", t0=t0, t1=t1,
                  legend={"optical (ground sunlit)": "#d98c00", "night-capable sensor": "#3465a4"})


def _plot_contacts(path: Path, rep: ContactReport, t0: np.datetime64, t1: np.datetime64,
                   names: dict[int, str] | None = None) -> None:
    w = rep.windows
    rows = list(w.site_names)[:_MAX_ROWS]
    palette = ["#3465a4", "#cc0000", "#73d216", "#f57900", "#75507b", "#c17d11", "#555753", "#06989a",
               "#edd400", "#204a87"]
    sats = sorted({int(x) for x in w.norad_id})
    colour = {n: palette[i % len(palette)] for i, n in enumerate(sats)}
    bars = [(int(w.site[i]), w.rise[i], w.set[i], colour[int(w.norad_id[i])], bool(rep.scheduled[i]))
            for i in range(len(w)) if int(w.site[i]) < _MAX_ROWS]
    legend = {_label(n, names or {}): colour[n] for n in sats[:20]}
    legend["not scheduled"] = "hatched"
    plots.plot_timeline(path, rows, bars, title=f"contacts: {int(rep.scheduled.sum())} scheduled of {len(w)} windows "
                  f"({rep.total_contact_s / 3600:.1f} h)", t0=t0, t1=t1, legend=legend)


@app.command("contacts")
@handle_errors
def contacts_cmd(
    *,
    stations: Annotated[Path, typer.Option("--stations", help="Ground-station network (.csv or .geojson).")],
    start: StartOption,
    end: EndOption = None,
    duration_h: DurationOption = None,
    norad: NoradOption = None,
    db: DbOption = None,
    catalog: CatalogOption = None,
    as_of: AsOfOption = None,
    drop: Annotated[list[str] | None, typer.Option("--drop", help="Station to remove; repeat for several.")] = None,
    k: Annotated[int, typer.Option("--k", help="Outages: every combination of 1..K stations is evaluated "
                 "(the count is reported).")] = 1,
    antennas: Annotated[list[str] | None, typer.Option("--antennas", help="NAME=N antennas at a station "
                        "(overrides the file's; 1 by default); repeat for several.")] = None,
    min_el_deg: MinElOption = DEFAULT_MIN_ELEVATION_DEG,
    fmt: FormatOption = None,
    as_json: JsonOption = False,
    plot: PlotOption = None,
) -> None:
    """Contact windows, a greedy schedule, and resilience: visibility single points of failure and the
    optimal (max-flow) capacity lost when stations are lost (never negative)."""
    out_fmt = output_format(fmt, as_json)
    ids = norad_ids(norad) or None
    t0, t1 = _interval(start, end, duration_h)
    per: dict[str, int] = {}
    for item in antennas or []:
        name, sep, num = item.rpartition("=")
        if not sep or not name or not num.strip().isdigit():
            raise InputError(f"--antennas {item!r}: give NAME=N", code="INPUT_INVALID", field="antennas")
        per[name.strip()] = int(num)
    network = load_sites(stations)
    elements = element_sets_at(db, catalog, t0, norad=ids, as_of=as_of)
    with progress_bar("contacts", enabled=out_fmt == "table") as progress:
        rep = contacts(elements, network, t0, t1, drop=drop or (), k=k,
                       min_elevation_deg=min_el_deg, progress=progress, antennas=per)
    if plot is not None:
        _plot_contacts(plot, rep, t0, t1, _names(elements))
    fields = _object_fields(db, catalog, elements)
    if out_fmt != "table":
        out: dict[str, Any] = {"start_utc": str(format_utc(t0)), "end_utc": str(format_utc(t1)), **rep.to_dict()}
        _with_objects(_with_element_age(out.get("windows", []), elements, "start_utc"), fields)
        _with_objects((out.get("resilience") or {}).get("visibility", []), fields)
        if out_fmt == "csv":
            print_csv(out.get("windows", []))
        else:
            print_json(out)
        return
    res = rep.resilience
    assert res is not None
    names = _names(elements)
    spof = res.single_points_of_failure()
    console.print(f"{len(network) - len(rep.dropped)} stations, {len(elements)} satellites, min elevation "
                  f"{min_el_deg:g} deg: greedy schedule {rep.total_contact_s / 3600:.2f} h, optimal capacity "
                  f"{res.capacity_s / 3600:.2f} h; {res.combinations_evaluated} outage combination(s) of 1..{res.k} "
                  f"station(s) evaluated; visibility single points of failure: {len(spof) or 'none'}",
                  markup=False, highlight=False)
    table = Table(title="outages, worst first (capacity loss from the optimal assignment, >= 0)")
    for col in ("stations lost", "capacity left h", "capacity loss min", "satellites losing contact"):
        table.add_column(col, justify="left" if col in ("stations lost", "satellites losing contact") else "right")
    worst = sorted(res.scenarios, key=lambda o: (-len(o.satellites_losing_contact), -o.capacity_loss_s))
    for o in worst[:_MAX_ROWS]:
        table.add_row(safe_text(", ".join(o.stations)), f"{o.capacity_s / 3600:.2f}",
                      f"{o.capacity_loss_s / 60:.1f}",
                      safe_text(", ".join(_label(n, names, fields) for n in o.satellites_losing_contact) or "-"))
    console.print(table)
    _note_conflicts(fields, {int(n) for n in elements.norad_id})
