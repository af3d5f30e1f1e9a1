"""The typer application object and the helpers every command shares.

Shells are thin (STYLE.md habit 12): a command parses its arguments, makes one
library call and renders the result.  What this module guarantees for every command,
so that no command module has to:

* **Errors.**  An :class:`OrbitwatchError` becomes one coded line on stderr and an exit
  status chosen by its code family (:data:`EXIT_CODES`): 1 other orbitwatch errors,
  2 usage errors (click), 3 input, 4 parse, 5 store, 6 source, 7 propagation,
  8 missing installed data (:class:`~orbitwatch.errors.DataError`), and
  :data:`INTERNAL_EXIT` (70, ``EX_SOFTWARE`` of BSD ``sysexits.h``) for an unexpected
  exception, shown as one ``[INTERNAL]`` line, never a bare traceback
  (``ORBITWATCH_DEBUG=1`` adds the traceback).
* **Finite numbers.**  Every float option and argument of every command rejects
  ``nan``, ``inf`` and overflowing values (``1e400``) with
  :class:`InputError` ``INPUT_NOT_FINITE`` (exit 3); installed once on the command
  tree when typer builds the root group (:class:`OrbitwatchGroup`).
* **Strict JSON.**  :func:`print_json` / :func:`dumps_strict` write RFC 8259 JSON:
  NaN and infinities become ``null`` (``json.dumps(allow_nan=False)`` after
  sanitising), never the bare ``NaN`` that strict parsers refuse.
* **Safe terminal text.**  :func:`safe_text` strips ESC sequences and control
  characters and escapes rich markup, so data (satellite names, file names, error
  messages) displays literally: a name like ``ISS [/x]`` or ``[link=...]`` neither
  crashes rich nor hides a hyperlink, and ESC never reaches the terminal.
* **Warnings.**  Python warnings raised while a command runs (e.g.
  ``EOPRangeWarning``) are shown as one ``warning <Category>: message`` line on stderr,
  each distinct message once, without source paths.
* ``orbitwatch --version``.
"""

from __future__ import annotations

import contextlib
import functools
import json
import math
import os
import re
import sys
import traceback
import typing
import warnings
from collections.abc import Callable, Iterator
from typing import Any, TypeVar

import numpy as np
import typer
from rich.console import Console
from rich.markup import escape
from typer.core import TyperGroup

from orbitwatch import __version__
from orbitwatch.api import DataError, InputError, OrbitwatchError, ParseError, PropagationError, SourceError, StoreError

__all__ = [
    "EXIT_CODES",
    "INTERNAL_EXIT",
    "OrbitwatchGroup",
    "app",
    "console",
    "dumps_strict",
    "err_console",
    "exit_code_for",
    "handle_errors",
    "print_error",
    "print_json",
    "safe_text",
    "strict_json_value",
]

#: Exit status of an unexpected exception (a bug): ``EX_SOFTWARE`` of ``sysexits.h``.
INTERNAL_EXIT = 70

EXIT_CODES: list[tuple[type[OrbitwatchError], int]] = [
    (InputError, 3),
    (ParseError, 4),
    (StoreError, 5),
    (SourceError, 6),
    (PropagationError, 7),
    (DataError, 8),
    (OrbitwatchError, 1),
]

F = TypeVar("F", bound=Callable[..., Any])

console = Console()
err_console = Console(stderr=True)


def exit_code_for(error: OrbitwatchError) -> int:
    for cls, code in EXIT_CODES:
        if isinstance(error, cls):
            return code
    return 1


# -- safe terminal text ------------------------------------------------------------

# ECMA-48: CSI sequences, OSC/DCS/SOS/PM/APC strings (up to BEL or ST, or the end),
# and the remaining two-character ESC sequences.
_ESCAPE_SEQUENCE = re.compile(
    r"\x1b\[[0-?]*[ -/]*[@-~]"
    r"|\x1b[\]PX^_].*?(?:\x07|\x1b\\|$)"
    r"|\x1b[ -~]?",
    re.DOTALL,
)
# C0 and C1 controls and DEL, plus the Unicode bidi overrides/isolates that reorder
# what a terminal shows ("Trojan Source", CVE-2021-42574).
_CONTROL: dict[int, str | None] = {
    c: None for c in [*range(0x00, 0x20), *range(0x7F, 0xA0), *range(0x202A, 0x202F), *range(0x2066, 0x206A)]
}
_CONTROL[ord("\t")] = " "
_CONTROL_KEEP_NL = {**_CONTROL, ord("\n"): "\n"}


def safe_text(value: object, *, newlines: bool = False) -> str:
    """``str(value)`` made safe to hand to rich as markup: shows literally, changes nothing.

    ESC sequences (colours, cursor moves, OSC 8 hyperlinks, title changes) are removed
    whole, other control characters and bidi overrides are dropped (tabs become
    spaces; newlines are kept only with ``newlines=True``, e.g. a parser's column
    template under an error message), and rich markup is escaped
    (``rich.markup.escape``), so ``ISS [/x]`` prints as ``ISS [/x]``.
    """
    text = _ESCAPE_SEQUENCE.sub("", str(value))
    text = text.replace("\r\n", "\n").translate(_CONTROL_KEEP_NL if newlines else _CONTROL)
    return escape(text)


def print_error(exc: OrbitwatchError) -> None:
    """The one-line coded message of an error on stderr (its text made safe)."""
    err_console.print(f"[bold red]error[/] {safe_text(exc, newlines=True)}", highlight=False, soft_wrap=True)


def handle_errors(fn: F) -> F:
    """Turn orbitwatch errors into a one-line message and a non-zero exit status."""

    @functools.wraps(fn)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return fn(*args, **kwargs)
        except OrbitwatchError as exc:
            print_error(exc)
            raise typer.Exit(exit_code_for(exc)) from None

    return wrapper  # type: ignore[return-value]


# -- strict JSON -------------------------------------------------------------------


def strict_json_value(obj: Any) -> Any:
    """``obj`` with every non-finite float replaced by ``None`` (JSON ``null``).

    Walks dicts, lists and tuples; numpy arrays and scalars become Python values
    (``datetime64``/``timedelta64`` are left to ``default=str`` as before).  Other
    objects are returned unchanged.
    """
    if isinstance(obj, float):
        return float(obj) if math.isfinite(obj) else None
    if obj is None or isinstance(obj, str | int):
        return obj
    if isinstance(obj, dict):
        return {
            (k.item() if isinstance(k, np.generic) else k): strict_json_value(v) for k, v in obj.items()
        }
    if isinstance(obj, list | tuple):
        return [strict_json_value(v) for v in obj]
    if isinstance(obj, np.ndarray) and obj.dtype.kind in "biufc?O":
        return strict_json_value(obj.tolist())
    if isinstance(obj, np.generic) and not isinstance(obj, np.datetime64 | np.timedelta64):
        return strict_json_value(obj.item())
    return obj


def dumps_strict(obj: Any, *, indent: int | None = 2) -> str:
    """Strict JSON text of ``obj`` (NaN/inf → ``null``; other objects via ``str``).

    For commands that format JSON themselves (e.g. to a file); :func:`print_json`
    uses it for stdout.
    """
    return json.dumps(strict_json_value(obj), indent=indent, default=str, allow_nan=False)


def print_json(data: Any) -> None:
    """Machine-readable output on stdout (no colour, no wrapping, strict JSON)."""
    sys.stdout.write(dumps_strict(data) + "\n")


# -- finite numeric options --------------------------------------------------------


def _takes_floats(annotation: Any) -> bool:
    """Whether a parameter annotation is ``float`` or holds one (``float | None``, ``list[float]``...)."""
    if annotation is float:
        return True
    return any(_takes_floats(a) for a in typing.get_args(annotation))


def _raw_items(value: Any) -> list[str]:
    if isinstance(value, str):
        return [value]
    if isinstance(value, list | tuple):
        return [v for item in value for v in _raw_items(item)]
    return []


def _check_finite(param: Any, value: Any) -> None:
    """Raise ``INPUT_NOT_FINITE`` for command-line text that parses as nan, ±inf or overflows."""
    for text in _raw_items(value):
        try:
            number = float(text)
        except ValueError:
            continue  # not a number at all: typer's own conversion reports it
        if not math.isfinite(number):
            opts = getattr(param, "opts", None) or [getattr(param, "name", "value")]
            raise InputError(
                f"{opts[0]} must be a finite number, not {text!r}",
                code="INPUT_NOT_FINITE",
                field=getattr(param, "name", None),
            )


_FINITE_CLASSES: dict[Any, Any] = {}


def _finite_class(cls: Any) -> Any:
    """A subclass of a typer parameter class whose ``process_value`` checks finiteness first."""
    if cls not in _FINITE_CLASSES:

        def process_value(self: Any, ctx: Any, value: Any) -> Any:
            _check_finite(self, value)
            return cls.process_value(self, ctx, value)

        sub = type(f"Finite{cls.__name__}", (cls,), {"process_value": process_value, "__module__": __name__})
        _FINITE_CLASSES[cls] = sub
        _FINITE_CLASSES[sub] = sub
    return _FINITE_CLASSES[cls]


def install_finite_floats(command: Any) -> None:
    """Make every float parameter of ``command`` and its subcommands refuse nan/inf.

    Works on the command tree typer builds (its parameters carry a
    ``type_descriptor.annotation``); each float parameter's class is swapped for a
    subclass (:func:`_finite_class`) that checks the raw text before typer converts it,
    so bounds (``min=``/``max=``) never see a NaN and the error is a coded
    :class:`InputError` (exit 3), not a usage error.
    """
    for param in getattr(command, "params", ()):
        descriptor = getattr(param, "type_descriptor", None)
        if descriptor is not None and _takes_floats(descriptor.annotation):
            param.__class__ = _finite_class(type(param))
    for sub in getattr(command, "commands", {}).values():
        install_finite_floats(sub)


# -- warnings ----------------------------------------------------------------------


@contextlib.contextmanager
def cli_warnings() -> Iterator[None]:
    """Show warnings as one ``warning <Category>: message`` line on stderr, each once."""
    seen: set[tuple[type[Warning], str]] = set()
    previous = warnings.showwarning

    def show(
        message: Warning | str,
        category: type[Warning],
        filename: str,
        lineno: int,
        file: Any = None,
        line: str | None = None,
    ) -> None:
        key = (category, str(message))
        if key in seen:
            return
        seen.add(key)
        err_console.print(
            f"[yellow]warning[/] {safe_text(category.__name__)}: {safe_text(message)}",
            highlight=False,
            soft_wrap=True,
        )

    warnings.showwarning = show
    try:
        yield
    finally:
        warnings.showwarning = previous


# -- the root group ----------------------------------------------------------------


class OrbitwatchGroup(TyperGroup):
    """The root click group: finite floats everywhere, coded errors for everything.

    Built by typer from :data:`app` each time the command line runs (``orbitwatch``,
    ``python -m orbitwatch`` and typer's ``CliRunner`` alike).
    """

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        install_finite_floats(self)

    def main(self, *args: Any, **kwargs: Any) -> Any:
        standalone = kwargs.get("standalone_mode", True)
        with cli_warnings():
            try:
                return super().main(*args, **kwargs)
            except OrbitwatchError as exc:  # raised while click converted an argument
                if not standalone:
                    raise
                print_error(exc)
                sys.exit(exit_code_for(exc))
            except Exception as exc:
                if not standalone:
                    raise
                if os.environ.get("ORBITWATCH_DEBUG"):
                    traceback.print_exc()
                err_console.print(
                    "[bold red]error[/] "
                    + safe_text(
                        f"[INTERNAL] unexpected {type(exc).__name__}: {exc} "
                        "(a bug in orbitwatch; ORBITWATCH_DEBUG=1 shows the traceback)"
                    ),
                    highlight=False,
                    soft_wrap=True,
                )
                sys.exit(INTERNAL_EXIT)


app = typer.Typer(
    name="orbitwatch",
    cls=OrbitwatchGroup,
    help="Open space-domain awareness: catalogs, SGP4, conjunctions, threat monitors.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    add_completion=False,
)


def _show_version(value: bool) -> None:
    if value:
        sys.stdout.write(f"orbitwatch {__version__}\n")
        raise typer.Exit(0)


@app.callback()
def _root(
    version: bool = typer.Option(
        False, "--version", is_eager=True, callback=_show_version, help="Print the version and exit."
    ),
) -> None:
    """Open space-domain awareness: catalogs, SGP4, conjunctions, threat monitors."""
