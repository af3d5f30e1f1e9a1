"""``orbitwatch store check``: is the element-history store intact?

A thin shell over :func:`orbitwatch.store.check_store`, which runs SQLite's full
``PRAGMA integrity_check`` (https://sqlite.org/pragma.html#pragma_integrity_check) on a
read-only connection, beside the header and size checks that :meth:`Store.open` uses
to decide on a quick check.  It never migrates or writes the store and takes no write
lock, so it can run while an ingest is in progress (it checks the last committed state).

* ``store check [--db DB] [--json]``: ``--json`` prints ``{path, ok, file_bytes,
  page_size, page_count, schema_version, header_findings, problems}``.  Exit status 0
  when the store is intact; 5 (the store family) with ``STORE_CORRUPT`` on stderr when
  SQLite reports problems; ``STORE_NOT_FOUND`` (5) when there is no store.
"""

from __future__ import annotations

import typer
from rich.table import Table

from orbitwatch.api import StoreError
from orbitwatch.cli._app import app, console, handle_errors, print_json, safe_text
from orbitwatch.cli._common import DbOption, JsonOption, TableJsonFormatOption, output_format

store_app = typer.Typer(help="Maintain the element-history store.", no_args_is_help=True)
app.add_typer(store_app, name="store")


@store_app.command("check")
@handle_errors
def check(db: DbOption = None, fmt: TableJsonFormatOption = None, as_json: JsonOption = False) -> None:
    """Run SQLite's full integrity check on the store and report what it finds."""
    as_json = output_format(fmt, as_json, allowed=("table", "json")) == "json"
    from orbitwatch.api import check_store

    report = check_store(db)
    if as_json:
        print_json(report.to_dict())
    else:
        table = Table(title=f"store {safe_text(report.path)}", show_header=False)
        table.add_column("what")
        table.add_column("value")
        table.add_row("integrity", "ok" if report.ok else "[bold red]DAMAGED[/]")
        table.add_row("file size", f"{report.file_bytes:,} bytes")
        table.add_row("page size", "-" if report.page_size is None else f"{report.page_size:,} bytes")
        table.add_row("pages", "-" if report.page_count is None else f"{report.page_count:,}")
        table.add_row("schema version", "-" if report.schema_version is None else str(report.schema_version))
        for finding in report.header_findings:
            table.add_row("header", safe_text(finding))
        for problem in report.problems:
            table.add_row("problem", safe_text(problem))
        console.print(table)
    if not report.ok:
        raise StoreError(
            f"integrity check failed: {len(report.problems)} problem(s), first: {report.problems[0]}; "
            "restore the store from a backup or re-ingest into a new one",
            code="STORE_CORRUPT",
            source=str(report.path),
        )
