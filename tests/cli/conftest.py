"""Every CLI test checks the strict-JSON contract (issue 18, acceptance 6).

An autouse fixture wraps typer's ``CliRunner.invoke`` (which every test under
``tests/cli`` uses, as a module-level ``runner`` or a fresh ``CliRunner()``): when the
arguments ask for JSON (``--json``, ``--format json`` or ``--format=json``), the output
is parsed with a strict parser whatever the test itself asserts - RFC 8259 has no
``NaN``/``Infinity``, so :func:`strict_loads` raises on them (``parse_constant``) - and
the test fails on any output a strict client (JavaScript's ``JSON.parse``, Go,
``jq``) would refuse.  The JSON checked is stdout, or the ``--output`` file when one is
written with ``--format json``; an empty stdout is accepted only when the command failed
(non-zero exit).
"""

from __future__ import annotations

import json
import shlex
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner


def _refuse_constant(name: str) -> Any:
    raise ValueError(f"non-standard JSON constant {name} (strict JSON has no NaN/Infinity)")


def strict_loads(text: str) -> Any:
    """``json.loads`` that raises ``ValueError`` on ``NaN``, ``Infinity`` and ``-Infinity``."""
    return json.loads(text, parse_constant=_refuse_constant)


def _format_json(args: Sequence[str]) -> bool:
    for k, arg in enumerate(args):
        if arg == "--format=json" or (arg == "--format" and k + 1 < len(args) and args[k + 1] == "json"):
            return True
    return False


def json_requested(args: Sequence[str]) -> bool:
    """Whether the command-line arguments ask for JSON output (``--json`` or ``--format json``)."""
    return "--json" in args or _format_json(args)


def _output_path(args: Sequence[str]) -> Path | None:
    for k, arg in enumerate(args):
        if arg in ("--output", "-o") and k + 1 < len(args):
            return Path(args[k + 1])
        if arg.startswith("--output="):
            return Path(arg.split("=", 1)[1])
    return None


def check_strict_json(args: Sequence[str], result: Any) -> None:
    """Assert that the JSON a CLI run produced parses strictly (see the module docstring).

    ``--json`` always means JSON on stdout (an ``--output`` file beside it is some other
    format, e.g. ``breakup simulate``'s TLEs); ``--format json`` means JSON in the
    ``--output`` file when one is given, else on stdout.
    """
    out_path = _output_path(args)
    if _format_json(args) and out_path is not None:
        if result.exit_code == 0 and out_path.is_file():
            try:
                strict_loads(out_path.read_text(encoding="utf-8"))
            except ValueError as exc:
                pytest.fail(f"{' '.join(args)}: --output {out_path} is not strict JSON: {exc}")
        if "--json" not in args:
            return
    text = result.stdout
    if not text.strip() and result.exit_code != 0:
        return
    try:
        strict_loads(text)
    except ValueError as exc:
        pytest.fail(f"{' '.join(args)}: stdout is not strict JSON: {exc}\n{text[:2000]}")


@pytest.fixture(autouse=True)
def strict_json_output(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """Wrap ``CliRunner.invoke`` so every JSON-producing run is checked by :func:`check_strict_json`."""
    original = CliRunner.invoke

    def invoke(self: CliRunner, app: Any, args: Any = None, *rest: Any, **kwargs: Any) -> Any:
        result = original(self, app, args, *rest, **kwargs)
        argv = shlex.split(args) if isinstance(args, str) else [str(a) for a in (args or [])]
        if json_requested(argv):
            check_strict_json(argv, result)
        return result

    monkeypatch.setattr(CliRunner, "invoke", invoke)
    yield
