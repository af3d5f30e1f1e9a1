"""What CLI commands share: loading element sets (``--db`` or ``--catalog``), options, progress.

:func:`load_elements` is the one way a command gets an :class:`ElementTable`: from the
store (latest element set per object, optionally as of a time) or straight from
catalog files without a store.  :func:`progress_bar` turns the core's
``progress(done, total)`` callbacks into a rich progress bar on stderr, shown only on
a terminal and never with ``--json``.
"""

from __future__ import annotations

import contextlib
import dataclasses
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path
from typing import Annotated

import numpy as np
import typer
from rich.progress import BarColumn, Progress, TaskProgressColumn, TextColumn, TimeElapsedColumn

from orbitwatch.catalog.model import ElementTable
from orbitwatch.cli._app import err_console, safe_text
from orbitwatch.errors import InputError
from orbitwatch.risk.hbr import DEFAULT_HBR_M
from orbitwatch.screening.exclusions import CO_MOVING_MIN_SPEED_KM_S
from orbitwatch.times import as_utc, format_utc, parse_utc

__all__ = [
    "CO_MOVING_HELP",
    "HBR_DEFAULT_HELP",
    "AsOfOption",
    "CatalogOption",
    "DbOption",
    "JsonOption",
    "LenientOption",
    "SatcatOption",
    "apply_satcat",
    "element_sets_at",
    "load_elements",
    "progress_bar",
    "warn_element_ages",
]

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
JsonOption = Annotated[bool, typer.Option("--json", help="Machine-readable JSON on stdout.")]
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
        from orbitwatch.sources.files import read_catalog_files

        table, _ = read_catalog_files(list(catalogs), as_of=as_of, at=at)
        where = "in " + ", ".join(str(c) for c in catalogs)
    else:
        from orbitwatch.store import Store

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
