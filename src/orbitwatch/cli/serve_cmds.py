"""``orbitwatch serve`` (the HTTP service, :mod:`orbitwatch.server`) and ``orbitwatch
keys create|list|revoke`` (its API keys, :mod:`orbitwatch.store.service`).

    orbitwatch serve --db DB [--host 127.0.0.1] [--port 8765] [--watch] [--config FILE]
        [--rate-limit-per-min N]
    orbitwatch keys create --db DB --name NAME [--scope read|write|admin] [--json]
    orbitwatch keys list --db DB [--format table|json]
    orbitwatch keys revoke --db DB ID_OR_NAME

``keys create`` prints the key once (stdout: the key alone, or ``--json`` the record with
``key``); only its SHA-256 is stored.  ``serve`` binds 127.0.0.1 unless ``--host`` says
otherwise, runs one uvicorn process, and with ``--watch`` also runs the watch cycle on the
config's drop folder and sends the queued alerts.

Registration (in ``orbitwatch.cli``): ``app.command("serve")(serve_command)`` and
``app.add_typer(keys_app, name="keys")``.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from orbitwatch.api import InputError
from orbitwatch.cli._app import console, err_console, handle_errors, print_json, safe_text
from orbitwatch.cli._common import DbOption, TableJsonFormatOption, choice, output_format
from orbitwatch.store.service import SCOPES

__all__ = ["keys_app", "serve_command"]


@handle_errors
def serve_command(
    *,
    db: DbOption = None,
    host: Annotated[str, typer.Option("--host", help="Address to bind (loopback unless told otherwise).")]
    = "127.0.0.1",
    port: Annotated[int, typer.Option("--port", help="TCP port.", min=0, max=65535)] = 8765,
    watch: Annotated[bool, typer.Option("--watch", help="Also run the watch cycle and send alerts.")] = False,
    config: Annotated[Path | None, typer.Option("--config", help="TOML config: the watch's, plus [serve].")] = None,
    rate_limit_per_min: Annotated[float | None, typer.Option(
        "--rate-limit-per-min", help="Requests per API key per minute (default: [serve] or 6000).",
        show_default=False)] = None,
    log_level: Annotated[str, typer.Option("--log-level", **choice(("critical", "error", "warning", "info",
                                                                     "debug")))] = "warning",
) -> None:
    """Serve the HTTP API (OpenAPI at /openapi.json, docs at /docs) on the store."""
    from dataclasses import replace

    import uvicorn

    from orbitwatch.api import default_db_path
    from orbitwatch.server import create_app, load_server_config

    cfg = load_server_config(config)
    if rate_limit_per_min is not None:
        if not rate_limit_per_min > 0:
            raise InputError(f"--rate-limit-per-min must be > 0, not {rate_limit_per_min}", code="INPUT_INVALID",
                             field="rate_limit_per_min")
        cfg = replace(cfg, rate_limit_per_min=float(rate_limit_per_min))
    cfg = replace(cfg, watch=watch)
    path = default_db_path() if db is None else db
    app = create_app(path, config=cfg)
    err_console.print(f"orbitwatch serve: http://{safe_text(host)}:{port}/docs (store {safe_text(path)})",
                      highlight=False)
    uvicorn.run(app, host=host, port=port, log_level=log_level, access_log=False, workers=1)


keys_app = typer.Typer(help="API keys of the HTTP service: create (shown once), list, revoke.", no_args_is_help=True)


@keys_app.command("create")
@handle_errors
def keys_create(
    name: Annotated[str, typer.Option("--name", help="Who or what the key is for.", show_default=False)],
    db: DbOption = None,
    scope: Annotated[str, typer.Option("--scope", **choice(SCOPES), help="read < write < admin.")] = "read",
    as_json: Annotated[bool, typer.Option("--json", help="The record with its key as JSON.")] = False,
) -> None:
    """Create a key and print it once (only its SHA-256 is kept)."""
    from orbitwatch.api import Store, create_key

    with Store.open(db, create=False) as store:
        key, secret = create_key(store, name, scope)
    if as_json:
        print_json({**key.to_dict(), "key": secret})
        return
    err_console.print(f"key {safe_text(key.id)} ({safe_text(key.scope)}) for {safe_text(key.name)}; "
                      "shown this once:", highlight=False)
    typer.echo(secret)


@keys_app.command("list")
@handle_errors
def keys_list(db: DbOption = None, fmt: TableJsonFormatOption = None,
              as_json: Annotated[bool, typer.Option("--json", help="= --format json.")] = False) -> None:
    """List the keys (never their secrets)."""
    from rich.table import Table

    from orbitwatch.api import Store
    from orbitwatch.store.service import list_keys

    fmt = output_format(fmt, as_json, allowed=("table", "json"))
    with Store.open(db, create=False) as store:
        keys = list_keys(store)
    if fmt == "json":
        print_json([k.to_dict() for k in keys])
        return
    table = Table(title=f"{len(keys)} API key(s)")
    for col in ("id", "name", "scope", "created", "revoked"):
        table.add_column(col)
    for k in keys:
        table.add_row(safe_text(k.id), safe_text(k.name), k.scope, k.created_utc, k.revoked_utc or "")
    console.print(table)


@keys_app.command("revoke")
@handle_errors
def keys_revoke(
    key_id: Annotated[str, typer.Argument(metavar="ID_OR_NAME", help="Key id (key_...) or name.")],
    db: DbOption = None,
) -> None:
    """Revoke a key (by id or name); it stops working at once."""
    from orbitwatch.api import Store
    from orbitwatch.store.service import revoke_key

    with Store.open(db, create=False) as store:
        if not revoke_key(store, key_id):
            raise InputError(f"no live key {key_id!r}", code="NOT_FOUND", field="key")
    err_console.print(f"revoked {safe_text(key_id)}", highlight=False)
