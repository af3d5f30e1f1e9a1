"""The typer application object and the helpers every command shares.

Shells are thin (STYLE.md habit 12): a command parses its arguments, makes one
library call and renders the result.  Errors: an :class:`OrbitwatchError` becomes a
one-line message on stderr and an exit status chosen by its code family.
"""

from __future__ import annotations

import functools
import json
import sys
from collections.abc import Callable
from typing import Any, TypeVar

import typer
from rich.console import Console

from orbitwatch.errors import (
    InputError,
    OrbitwatchError,
    ParseError,
    PropagationError,
    SourceError,
    StoreError,
)

app = typer.Typer(
    name="orbitwatch",
    help="Open space-domain awareness: catalogs, SGP4, conjunctions, threat monitors.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    add_completion=False,
)

console = Console()
err_console = Console(stderr=True)

EXIT_CODES: list[tuple[type[OrbitwatchError], int]] = [
    (InputError, 3),
    (ParseError, 4),
    (StoreError, 5),
    (SourceError, 6),
    (PropagationError, 7),
    (OrbitwatchError, 1),
]

F = TypeVar("F", bound=Callable[..., Any])


def exit_code_for(error: OrbitwatchError) -> int:
    for cls, code in EXIT_CODES:
        if isinstance(error, cls):
            return code
    return 1


def handle_errors(fn: F) -> F:
    """Turn orbitwatch errors into a one-line message and a non-zero exit status."""

    @functools.wraps(fn)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return fn(*args, **kwargs)
        except OrbitwatchError as exc:
            err_console.print(f"[bold red]error[/] {exc}", highlight=False, soft_wrap=True)
            raise typer.Exit(exit_code_for(exc)) from None

    return wrapper  # type: ignore[return-value]


def print_json(data: Any) -> None:
    """Machine-readable output on stdout (no colour, no wrapping)."""
    sys.stdout.write(json.dumps(data, indent=2, default=str) + "\n")
