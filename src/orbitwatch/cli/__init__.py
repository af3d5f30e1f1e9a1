"""The ``orbitwatch`` command line (typer + rich): a thin shell over the library.

Each command module registers its commands on :data:`app` when imported.
"""

from __future__ import annotations

from orbitwatch.cli._app import app

__all__ = ["app", "main"]


def _register() -> None:
    # Imported for their side effect of registering commands on ``app``.
    import importlib

    for name in ("catalog_cmds", "propagate_cmds", "fetch_cmds", "demo_cmds"):
        try:
            importlib.import_module(f"orbitwatch.cli.{name}")
        except ModuleNotFoundError as exc:  # a command module not written yet
            if exc.name != f"orbitwatch.cli.{name}":
                raise


_register()


def main() -> None:
    app()
