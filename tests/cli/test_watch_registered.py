"""``orbitwatch watch`` is a command of the main CLI (issue 14), with its coded errors.

The watch itself is tested in tests/watch (through the same command function).
"""

from __future__ import annotations

from pathlib import Path

from typer.testing import CliRunner

from orbitwatch.cli import app

runner = CliRunner()


def test_watch_is_registered_and_refuses_a_run_without_a_source(tmp_path: Path) -> None:
    help_ = runner.invoke(app, ["watch", "--help"])
    assert help_.exit_code == 0 and "--replay-step-h" in help_.stdout
    res = runner.invoke(app, ["watch", "--db", str(tmp_path / "w.db"), "--once"])
    assert res.exit_code == 3 and "[INPUT_MISSING]" in res.output
