"""``orbitwatch catalog search NAME|COSPAR|NORAD``: find objects in the store.

A NORAD number, a COSPAR id or launch prefix (``1998-067A``, ``1982-092``: every piece of
that launch) or any part of a name (SATCAT, element-set or UCS name, case-insensitive),
answered by :meth:`orbitwatch.store.Store.search_objects`; one row per object with its
catalog of record (name, COSPAR id, type, owner, launch and decay dates).
"""

from __future__ import annotations

from typing import Annotated

import typer
from rich.table import Table

from orbitwatch.cli._app import console, handle_errors, print_json, safe_text
from orbitwatch.cli._common import DbOption, JsonOption, TableJsonFormatOption, output_format
from orbitwatch.cli.catalog_cmds import catalog_app

__all__ = ["catalog_search"]


@catalog_app.command("search")
@handle_errors
def catalog_search(
    query: Annotated[str, typer.Argument(help="Name (any part), COSPAR id or launch (1982-092), or NORAD id.")],
    db: DbOption = None,
    limit: Annotated[int, typer.Option("--limit", help="At most this many objects.", min=1)] = 100,
    fmt: TableJsonFormatOption = None,
    as_json: JsonOption = False,
) -> None:
    """Objects of the store matching a name, COSPAR id / launch, or NORAD id."""
    as_json = output_format(fmt, as_json, allowed=("table", "json")) == "json"
    from orbitwatch.api import Store

    with Store.open(db, create=False) as store:
        found = store.search_objects(query, limit=limit)
    if as_json:
        print_json([m.to_dict() for m in found])
        return
    table = Table(title=f"{len(found)} object(s) matching {safe_text(query)!s}"
                        f"{f' (first {limit})' if len(found) >= limit else ''}")
    for col in ("NORAD", "name", "COSPAR", "type", "owner", "launch", "decay"):
        table.add_column(col, justify="right" if col == "NORAD" else "left")
    for m in found:
        table.add_row(str(m.norad_id), safe_text(m.name or ""), safe_text(m.cospar_id or ""),
                      safe_text(m.object_type or ""), safe_text(m.owner or ""), m.launch_date or "",
                      m.decay_date or "")
    console.print(table)
