"""The ``orbitwatch`` command line (typer + rich): a thin shell over the library.

Each command module registers its commands on :data:`app` when imported; the order
below is the order of ``orbitwatch --help``: the loop from catalog to ground segment.
"""

from __future__ import annotations

import importlib

from orbitwatch.cli._app import app

__all__ = ["COMMAND_MODULES", "app", "main"]

COMMAND_MODULES = (
    "catalog_cmds",  # ingest, catalog stats/show
    "search_cmds",  # catalog search
    "store_cmds",  # store check
    "fetch_cmds",  # fetch celestrak/spacetrack
    "propagate_cmds",  # propagate
    "screen_cmds",  # screen
    "risk_cmds",  # pc, cdm show/convert
    "detection_cmds",  # maneuvers, rpo
    "breakup_cmds",  # breakup detect/reconstruct/simulate/gabbard/risk
    "access_cmds",  # passes, exposure, contacts
    "export_cmds",  # export tle/omm
    "synth_cmds",  # synth population
    "demo_cmds",  # demo
    "report_cmds",  # report (evidence packages)
)

for _name in COMMAND_MODULES:
    importlib.import_module(f"orbitwatch.cli.{_name}")

from orbitwatch.cli.watch_cmds import watch_command  # noqa: E402 - after the other commands, last in --help

app.command("watch")(watch_command)

from orbitwatch.cli.serve_cmds import keys_app, serve_command  # noqa: E402 - the service, after the watch

app.command("serve")(serve_command)
app.add_typer(keys_app, name="keys")


def main() -> None:
    app()
