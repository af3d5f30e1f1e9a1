"""What CLI commands share: loading element sets (``--db`` or ``--catalog``), options, progress.

:func:`load_elements` is the one way a command gets an :class:`ElementTable`: from the
store (latest element set per object, optionally as of a time) or straight from
catalog files without a store.  :func:`progress_bar` turns the core's
``progress(done, total)`` callbacks into a rich progress bar on stderr, shown only on
a terminal and never with ``--json``.
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path
from typing import Annotated

import numpy as np
import typer
from rich.progress import BarColumn, Progress, TaskProgressColumn, TextColumn, TimeElapsedColumn

from orbitwatch.catalog.model import ElementTable
from orbitwatch.cli._app import err_console
from orbitwatch.errors import InputError
from orbitwatch.times import as_utc, format_utc

__all__ = [
    "CatalogOption",
    "DbOption",
    "JsonOption",
    "LenientOption",
    "load_elements",
    "progress_bar",
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
JsonOption = Annotated[bool, typer.Option("--json", help="Machine-readable JSON on stdout.")]
LenientOption = Annotated[
    bool, typer.Option("--lenient", help="Skip bad records and report them instead of stopping at the first.")
]


def load_elements(
    db: Path | None,
    catalogs: Sequence[Path] | None,
    norad: Sequence[int] | None = None,
    as_of: np.datetime64 | None = None,
) -> ElementTable:
    """The latest element set per object from the store ``db`` or the files ``catalogs``.

    Give at most one of ``db`` and ``catalogs``; with neither, the default store is
    used.  ``as_of`` keeps element sets with ``epoch <= as_of``.  With ``norad`` the
    table holds exactly those objects, in the order asked (duplicates dropped); ids
    that are not there raise :class:`InputError` ``INPUT_UNKNOWN_NORAD`` listing them.
    Without ``norad`` rows are sorted by NORAD id.
    """
    if db is not None and catalogs:
        raise InputError("give either --db or --catalog, not both", code="INPUT_INVALID", field="catalog")
    wanted = list(dict.fromkeys(int(i) for i in norad)) if norad else None
    if catalogs:
        from orbitwatch.sources.files import read_catalog_files

        table, _ = read_catalog_files(list(catalogs), as_of=as_of)
        where = "in " + ", ".join(str(c) for c in catalogs)
    else:
        from orbitwatch.store import Store

        with Store.open(db, create=False) as store:
            table = store.latest(as_of, norad_ids=wanted)
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
