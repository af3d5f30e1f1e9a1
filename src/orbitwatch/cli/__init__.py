"""The ``orbitwatch`` command line (typer + rich): a thin shell over the library.

Each command module registers its commands on :data:`app` when imported.
"""

from __future__ import annotations

from orbitwatch.cli._app import app

__all__ = ["app", "main"]


def _register() -> None:
    # Imported for their side effect of registering commands on ``app``.
    import importlib

    for name in (
        "catalog_cmds",  # ingest, catalog stats/show
        "propagate_cmds",  # propagate
        "fetch_cmds",  # fetch celestrak/spacetrack
        "demo_cmds",  # demo
        "screen_cmds",  # screen
        "risk_cmds",  # pc, cdm show/convert
        "detection_cmds",  # maneuvers, rpo
        "breakup_cmds",  # breakup detect/reconstruct/simulate
        "access_cmds",  # passes, exposure, contacts
    ):
        try:
            importlib.import_module(f"orbitwatch.cli.{name}")
        except ModuleNotFoundError as exc:  # a command module not written yet
            if exc.name != f"orbitwatch.cli.{name}":
                raise


_register()


def main() -> None:
    app()
