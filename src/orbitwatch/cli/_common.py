"""What CLI commands share: loading element sets (``--db`` or ``--catalog``), options, progress.

The one CLI vocabulary (docs/design.md §12) is parsed here, once:

* :func:`norad_ids`: every option or argument that takes NORAD ids accepts repeats and
  comma-separated lists (``--norad 25544,43013`` == ``--norad 25544 --norad 43013``);
  a bad id is :class:`InputError` ``INPUT_NORAD`` naming the option.
* :func:`time_window`: a window is ``--start ISO`` with ``--end ISO`` or ``--duration-h H``.
* :func:`output_format`: ``--format table|json|csv`` (:data:`OUTPUT_FORMATS`), ``--json``
  being the alias of ``--format json``; :func:`print_csv` writes records as CSV.
* :func:`alias`: an old spelling kept as a hidden option for one release.

:func:`load_elements` is the one way a command gets an :class:`ElementTable`: from the
store (latest element set per object, optionally as of a time) or straight from
catalog files without a store.  :func:`progress_bar` turns the core's
``progress(done, total)`` callbacks into a rich progress bar on stderr, shown only on
a terminal and never with ``--json``.
"""

from __future__ import annotations

import contextlib
import csv
import dataclasses
import sys
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path
from typing import Annotated, Any

import numpy as np
import typer
from rich.progress import BarColumn, Progress, TaskProgressColumn, TextColumn, TimeElapsedColumn

from orbitwatch.api import ElementTable, InputError, as_utc, format_utc, parse_utc
from orbitwatch.cli._app import err_console, safe_text
from orbitwatch.risk.hbr import DEFAULT_HBR_M
from orbitwatch.screening.exclusions import CO_MOVING_MIN_SPEED_KM_S

__all__ = [
    "CO_MOVING_HELP",
    "DURATION_HELP",
    "HBR_DEFAULT_HELP",
    "NORAD_METAVAR",
    "OUTPUT_FORMATS",
    "AsOfOption",
    "CatalogOption",
    "DbOption",
    "DurationOption",
    "FormatOption",
    "JsonOption",
    "LenientOption",
    "NoradOption",
    "SatcatOption",
    "TableJsonFormatOption",
    "alias",
    "apply_satcat",
    "choice",
    "element_sets_at",
    "load_elements",
    "norad_ids",
    "output_format",
    "print_csv",
    "progress_bar",
    "satcat_facts",
    "time_window",
    "warn_element_ages",
]

#: the output formats of the CLI vocabulary: ``--format table|json|csv`` (``--json`` = ``json``)
OUTPUT_FORMATS: tuple[str, ...] = ("table", "json", "csv")
#: the metavar of every option that takes NORAD ids
NORAD_METAVAR = "NORAD[,NORAD...]"
DURATION_HELP = "Window length in hours (instead of --end)."


def choice(values: Sequence[str]) -> dict[str, Any]:
    """``typer.Option`` keywords for an option whose value is one of the library's tuple ``values``.

    E.g. ``typer.Option("--method", **choice(risk.METHODS))``: the help shows
    ``[foster|elrod|...]`` and another value is a usage error (exit 2), as a click choice
    is; the values are never re-declared in ``cli/``.
    """
    allowed = tuple(values)

    def parse(value: str) -> str:
        if value not in allowed:
            raise ValueError(f"{value!r} is not one of {', '.join(allowed)}")
        return value

    return {"parser": parse, "metavar": "[" + "|".join(allowed) + "]"}


def norad_ids(values: Sequence[str | int] | None, option: str = "--norad") -> list[int]:
    """NORAD ids from repeats and comma-separated lists, in the order given (duplicates kept once).

    ``["25544,43013", "48274"]`` -> ``[25544, 43013, 48274]``.  An id that is not a positive
    integer raises :class:`InputError` ``INPUT_NORAD`` naming ``option``.  ``None`` or an
    empty list give ``[]``.
    """
    out: list[int] = []
    for value in values or ():
        for item in str(value).split(","):
            text = item.strip()
            if not text.isdigit() or int(text) <= 0:
                raise InputError(
                    f"{option} {str(value)!r}: {text!r} is not a NORAD id (a positive integer; "
                    "repeat the option or separate ids with commas)",
                    code="INPUT_NORAD",
                    field=option.lstrip("-").replace("-", "_"),
                )
            out.append(int(text))
    return list(dict.fromkeys(out))


def alias(new: Any, old: Any, new_name: str, old_name: str, *, unset: Any = None) -> Any:
    """The value of option ``new_name``, or of its old spelling ``old_name`` (a hidden alias).

    Giving both (with different values) is :class:`InputError` ``INPUT_INVALID``.
    ``unset`` is the value an option has when not given (``None``, ``False``, ``[]``).
    """
    if old == unset or old is None:
        return new
    if new is None or new in (unset, old):
        return old
    raise InputError(f"give {new_name} (or its old spelling {old_name}), not both", code="INPUT_INVALID",
                     field=new_name.lstrip("-").replace("-", "_"))


def time_window(
    start: str | None,
    end: str | None,
    duration_h: float | None,
    *,
    need_end: bool = True,
    start_name: str = "--start",
) -> tuple[np.datetime64 | None, np.datetime64 | None]:
    """``(t0, t1)`` of ``--start ISO`` with ``--end ISO`` or ``--duration-h H``.

    ``t1 = t0 + H hours`` with ``--duration-h``.  Both ``--end`` and ``--duration-h`` is
    :class:`InputError` ``INPUT_WINDOW``; neither is too when ``need_end`` (else ``t1`` is
    ``None``); ``--duration-h`` without ``--start`` is ``INPUT_WINDOW``.  Commands keep their
    own check that the window is not empty (its code is part of their contract).
    """
    if end is not None and duration_h is not None:
        raise InputError("give exactly one of --end and --duration-h", code="INPUT_WINDOW", field="end")
    if need_end and end is None and duration_h is None:
        raise InputError("give --end ISO or --duration-h H", code="INPUT_WINDOW", field="end")
    t0 = None if start is None else parse_utc(start, what=start_name)
    if duration_h is not None:
        if t0 is None:
            raise InputError(f"--duration-h needs {start_name}", code="INPUT_WINDOW", field="duration_h")
        if not np.isfinite(duration_h):
            raise InputError(f"--duration-h {duration_h} is not a number", code="INPUT_WINDOW", field="duration_h")
        return t0, t0 + np.timedelta64(round(duration_h * 3600e6), "us")
    return t0, None if end is None else parse_utc(end, what="--end")


def output_format(fmt: str | None, as_json: bool, *, default: str = "table",
                  allowed: Sequence[str] = OUTPUT_FORMATS) -> str:
    """The output format of ``--format FMT`` and its alias ``--json`` (``--format json``).

    ``--json`` with another ``--format`` is :class:`InputError` ``INPUT_FORMAT``, as is a
    format not in ``allowed``.
    """
    if as_json:
        if fmt not in (None, "json"):
            raise InputError(f"--json is --format json: it cannot go with --format {fmt}", code="INPUT_FORMAT",
                             field="format")
        fmt = "json"
    fmt = default if fmt is None else fmt
    if fmt not in allowed:
        raise InputError(f"--format must be one of {', '.join(allowed)}, not {fmt!r}", code="INPUT_FORMAT",
                         field="format")
    return fmt


def _csv_cell(value: Any) -> Any:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, dict | list | tuple):
        from orbitwatch.cli._app import dumps_strict

        return dumps_strict(value, indent=None)
    if isinstance(value, float) and not np.isfinite(value):
        return ""
    return value


def print_csv(records: Sequence[dict[str, Any]], columns: Sequence[str] | None = None) -> None:
    """``records`` as CSV on stdout: a header of the keys (first seen first), one row per record.

    ``None`` and non-finite numbers are empty cells, booleans ``true``/``false``, nested
    values (lists, dicts) compact JSON; the keys are the ``--json`` keys.
    """
    if columns is None:
        columns = list(dict.fromkeys(k for r in records for k in r))
    w = csv.writer(sys.stdout, lineterminator="\n")
    w.writerow(columns)
    for r in records:
        w.writerow([_csv_cell(r.get(c)) for c in columns])

DbOption = Annotated[
    Path | None,
    typer.Option(
        "--db",
        envvar="ORBITWATCH_DB",
        help="Element-history store (SQLite file). Default: orbitwatch.db in the user data directory.",
    ),
]
CatalogOption = Annotated[
    list[Path] | None,
    typer.Option(
        "--catalog",
        help="TLE/3LE/OMM file (plain or .gz) to use instead of the store; repeat to combine files.",
    ),
]
AsOfOption = Annotated[
    str | None,
    typer.Option(
        "--as-of",
        help=(
            "Use each object's element set in force at this UTC time (ISO 8601 with a zone) "
            "instead of at --start: the latest at or before it, else the earliest after it (flagged)."
        ),
    ),
]
JsonOption = Annotated[bool, typer.Option("--json", help="Machine-readable JSON on stdout (= --format json).")]
FormatOption = Annotated[
    str | None,
    typer.Option("--format", **choice(OUTPUT_FORMATS), show_default=False,
                 help="Output: table (default), json (= --json) or csv (the JSON keys as columns)."),
]
NoradOption = Annotated[
    list[str] | None,
    typer.Option("--norad", metavar=NORAD_METAVAR, show_default=False,
                 help="NORAD id(s): repeat the option or separate ids with commas."),
]
DurationOption = Annotated[float | None, typer.Option("--duration-h", help=DURATION_HELP, show_default=False)]
#: --format of commands whose output nests (no CSV): table or json
TableJsonFormatOption = Annotated[
    str | None,
    typer.Option("--format", **choice(OUTPUT_FORMATS[:2]), show_default=False,
                 help="Output: table (default) or json (= --json)."),
]
#: the --min-relative-speed-km-s help of every command that screens (one default: 10 m/s)
CO_MOVING_HELP = (
    f"Leave out approaches slower than this: docked and co-moving pairs (default {CO_MOVING_MIN_SPEED_KM_S:g} "
    f"km/s = {CO_MOVING_MIN_SPEED_KM_S * 1000:g} m/s, the same in screen, demo and breakup risk)."
)
#: the default hard-body-radius rule, stated in the help of pc and screen --pc (one rule: risk.hbr.pair_hbr_m)
HBR_DEFAULT_HELP = (
    "Without --hbr-m (or, for pc, an HBR in the CDM): per object the CARA table's radius with --hbr-table, "
    "else a default by object type ("
    + ", ".join(f"{k.lower()} {v:g} m" for k, v in DEFAULT_HBR_M.items())
    + "), summed; shown as 'default'."
)
SatcatOption = Annotated[
    Path | None,
    typer.Option(
        "--satcat",
        help=(
            "SATCAT file (Space-Track or CelesTrak, CSV or JSON, plain or .gz): names, international "
            "designators and object types of the objects, the catalog of record (e.g. for two-line "
            "catalogs without name lines)."
        ),
    ),
]
LenientOption = Annotated[
    bool, typer.Option("--lenient", help="Skip bad records and report them instead of stopping at the first.")
]


def load_elements(
    db: Path | None,
    catalogs: Sequence[Path] | None,
    norad: Sequence[int] | None = None,
    as_of: np.datetime64 | None = None,
    *,
    at: np.datetime64 | None = None,
) -> ElementTable:
    """The latest element set per object from the store ``db`` or the files ``catalogs``.

    Give at most one of ``db`` and ``catalogs``; with neither, the default store is
    used.  ``as_of`` keeps element sets with ``epoch <= as_of``.  ``at`` (exclusive of
    ``as_of``) takes each object's set *in force* at ``at``: the latest at or before it,
    else the earliest after it (:mod:`orbitwatch.catalog.history`); commands that take
    ``--start`` pass it here and report the flagged rows with :func:`warn_element_ages`.  With ``norad`` the
    table holds exactly those objects, in the order asked (duplicates dropped); ids
    that are not there raise :class:`InputError` ``INPUT_UNKNOWN_NORAD`` listing them.
    Without ``norad`` rows are sorted by NORAD id.
    """
    if db is not None and catalogs:
        raise InputError("give either --db or --catalog, not both", code="INPUT_INVALID", field="catalog")
    wanted = list(dict.fromkeys(int(i) for i in norad)) if norad else None
    if catalogs:
        from orbitwatch.api import read_catalog_files

        table, _ = read_catalog_files(list(catalogs), as_of=as_of, at=at)
        where = "in " + ", ".join(str(c) for c in catalogs)
    else:
        from orbitwatch.api import Store

        with Store.open(db, create=False) as store:
            table = store.latest(as_of, norad_ids=wanted) if at is None else store.in_force(at, norad_ids=wanted)
            where = f"in the store {store.path}"
    if wanted is None:
        return table
    index = {int(n): i for i, n in enumerate(table.norad_id)}
    missing = [n for n in wanted if n not in index]
    if missing:
        when = "" if as_of is None else f" with an element set at or before {format_utc(as_utc(as_of), digits=0)}"
        raise InputError(
            f"unknown NORAD id(s) {', '.join(map(str, missing))}: not {where}{when}",
            code="INPUT_UNKNOWN_NORAD",
            record=",".join(map(str, missing)),
        )
    return table.take(np.array([index[n] for n in wanted], dtype=np.int64))


def apply_satcat(table: ElementTable, path: Path) -> ElementTable:
    """``table`` with names, COSPAR ids, object types and owners from the SATCAT file ``path``.

    The SATCAT is the catalog of record: where it has a value for an object it replaces the
    element set's; objects it lacks keep theirs.  Bad SATCAT rows are skipped and counted;
    one line on stderr says how many objects were named.
    """
    from orbitwatch.catalog.model import Reject
    from orbitwatch.catalog.satcat import SatcatRecord, iter_satcat
    from orbitwatch.sources.files import open_lines

    wanted = set(table.norad_id.tolist())
    found: dict[int, SatcatRecord] = {}
    rejects: list[Reject] = []
    with open_lines(path) as lines:
        for r in iter_satcat(lines, source=str(path), lenient=True, rejects=rejects):
            if r.norad_id in wanted:
                found[r.norad_id] = r
    columns = {k: getattr(table, k).copy() for k in ("names", "cospar_ids", "object_types", "owners")}
    for i, n in enumerate(table.norad_id.tolist()):
        rec = found.get(n)
        if rec is None:
            continue
        for key, attr in (("names", "name"), ("cospar_ids", "cospar_id"), ("object_types", "object_type"),
                          ("owners", "owner")):
            value = getattr(rec, attr)
            if value:
                columns[key][i] = value
    skipped = f"; {len(rejects)} bad SATCAT row(s) skipped" if rejects else ""
    err_console.print(
        f"SATCAT {safe_text(path)}: {len(found):,} of {len(table):,} objects named{skipped}",
        highlight=False,
        soft_wrap=True,
    )
    return dataclasses.replace(table, **columns)


def element_sets_at(
    db: Path | None,
    catalogs: Sequence[Path] | None,
    start: np.datetime64,
    *,
    as_of: str | None = None,
    norad: Sequence[int] | None = None,
    catalog_wide: bool = False,
    keep: Sequence[int] = (),
) -> ElementTable:
    """The element sets a command starting at ``start`` uses, with the flags said on stderr.

    Each object's set in force at ``as_of`` when given (``--as-of``), else at ``start``
    (the window's start).  Objects whose set lies after that time, and sets older than
    the stale limit, are counted in one warning line (:func:`warn_element_ages`).  With
    ``catalog_wide`` (screening), objects whose set in force is more than
    :data:`~orbitwatch.catalog.history.MAX_SCREENING_AGE_DAYS` from that time are left
    out (decayed, lost or not yet catalogued) and counted, except the ids in ``keep``.
    """
    from orbitwatch.catalog.history import MAX_SCREENING_AGE_DAYS, element_age_days

    t = parse_utc(as_of, what="--as-of") if as_of is not None else as_utc(start)
    table = load_elements(db, catalogs, norad, at=t)
    if catalog_wide and len(table):
        far = np.abs(element_age_days(table.epoch, t)) > MAX_SCREENING_AGE_DAYS
        far &= ~np.isin(table.norad_id, np.asarray(list(keep), dtype=np.int64))
        if far.any():
            err_console.print(
                f"left out {int(far.sum())} object(s) whose element set in force is more than "
                f"{MAX_SCREENING_AGE_DAYS:g} d from {format_utc(t, digits=0)} (decayed, lost or not yet catalogued)",
                markup=False,
                soft_wrap=True,
                highlight=False,
            )
            table = table.take(~far)
    warn_element_ages(table, t)
    return table


def warn_element_ages(table: ElementTable, t: np.datetime64) -> dict[str, int]:
    """Count and say on stderr which element sets lie after ``t`` or are stale at ``t``.

    Returns ``{"after": n_after, "stale": n_stale}``.  Objects with no element set at or
    before ``t`` use their earliest set after it (a back-propagation); a set is stale when
    ``|t - epoch|`` exceeds :func:`orbitwatch.catalog.history.stale_limit_days`.
    """
    from orbitwatch.catalog.history import element_age_days, stale_limit_days

    if len(table) == 0:
        return {"after": 0, "stale": 0}
    age = element_age_days(table.epoch, t)
    after = age < 0
    stale = np.abs(age) > stale_limit_days(table.mean_motion_rev_per_day)
    when = format_utc(as_utc(t), digits=0)
    n_after, n_stale = int(after.sum()), int(stale.sum())
    if n_after:
        ids = ", ".join(str(int(n)) for n in table.norad_id[after][:5]) + (", ..." if n_after > 5 else "")
        err_console.print(
            f"warning: {n_after} object(s) use an element set after {when} (none at or before it, "
            f"or only a stale one), propagated backwards (flagged): {ids}",
            markup=False,
            highlight=False,
            soft_wrap=True,
        )
    if n_stale:
        worst = float(np.abs(age).max())
        err_console.print(
            f"warning: {n_stale} of {len(table)} element set(s) are stale at {when} "
            f"(more than 14 d in LEO, 30 d above, from their epoch; up to {worst:.1f} d)",
            markup=False,
            highlight=False,
            soft_wrap=True,
        )
    return {"after": n_after, "stale": n_stale}


def _no_progress(done: int, total: int) -> None:
    return None


@contextlib.contextmanager
def progress_bar(description: str, *, enabled: bool = True) -> Iterator[Callable[[int, int], None]]:
    """Yield a ``progress(done, total)`` callback drawing a transient bar on stderr.

    Disabled (a no-op callback) when ``enabled`` is false (e.g. ``--json``) or stderr is
    not a terminal.  ``total <= 0`` means unknown (an indeterminate bar).
    """
    if not enabled or not err_console.is_terminal:
        yield _no_progress
        return
    columns = (
        TextColumn("[progress.description]{task.description}"),
        BarColumn(),
        TaskProgressColumn(),
        TimeElapsedColumn(),
    )
    with Progress(*columns, console=err_console, transient=True) as bar:
        task = bar.add_task(description, total=None)

        def update(done: int, total: int) -> None:
            bar.update(task, completed=done, total=total if total > 0 else None)

        yield update


def load_object_fields(db: Path | None, catalogs: Sequence[Path] | None,
                       norads: Sequence[int]) -> dict[int, dict[str, Any]]:
    """Each object's result fields from the store (``Store.object_fields``: SATCAT ``owner``;
    UCS ``operator``, ``users``, ``purpose`` and ``ucs_conflict``; ``None`` where unknown).

    Catalog files carry no metadata: with ``catalogs`` each object has only ``owner: None``;
    so has each object of a store without any UCS row for them (as ``screen`` and the access
    commands, no UCS keys are added where nothing is known).
    """
    ids = sorted({int(n) for n in norads})
    if catalogs or not ids:
        return {n: {"owner": None} for n in ids}
    from orbitwatch.api import Store

    with Store.open(db, create=False) as store:
        fields = store.object_fields(ids)
    if all(v is None for f in fields.values() for k, v in f.items() if k != "owner"):
        return {n: {"owner": f["owner"]} for n, f in fields.items()}
    return fields


def satcat_facts(path: Path | None, db: Path | None) -> dict[int, Any]:
    """NORAD id -> :class:`~orbitwatch.detection.fragmentation.ObjectFacts` from ``--satcat FILE``
    (Space-Track or CelesTrak, CSV or JSON, plain or gzip) or, with ``--db``, from the store."""
    from orbitwatch.detection.fragmentation import ObjectFacts

    if path is not None:
        from orbitwatch.catalog.satcat import iter_satcat
        from orbitwatch.sources.files import RejectList, open_lines

        rejects: list[Any] = RejectList()
        with open_lines(path) as lines:
            facts = {r.norad_id: ObjectFacts.from_satcat(r)
                     for r in iter_satcat(lines, source=str(path), lenient=True, rejects=rejects)}
        if rejects:
            n_bad = getattr(rejects, "total", len(rejects))
            err_console.print(f"[yellow]note[/] skipped {n_bad} bad SATCAT record(s) in {safe_text(path)}",
                              highlight=False)
        return facts
    if db is None:
        return {}
    from orbitwatch.api import Store

    with Store.open(db, create=False) as store:
        ids = [int(x) for x in store.latest(None).norad_id]
        meta = store.metadata_for(ids)
    out: dict[int, Any] = {}
    for n, m in meta.items():
        if m.object_type is None and m.launch_date is None and m.owner is None:
            continue
        out[n] = ObjectFacts(n, m.name, m.cospar_id, m.object_type,
                             None if not m.launch_date else as_utc(m.launch_date + "T00:00:00Z"),
                             None if not m.decay_date else as_utc(m.decay_date + "T00:00:00Z"), m.owner)
    return out
