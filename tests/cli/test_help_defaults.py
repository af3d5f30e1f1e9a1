"""Every default that issue 19 names is one value, and each command's ``--help`` states it.

Read from the rendered ``--help`` texts (what a user sees) and from the click option
defaults behind them: the minimum relative speed of ``screen``, ``breakup risk`` and
``demo`` (10 m/s, docked/co-moving exclusion) and the minimum elevation of ``passes``,
``exposure`` and ``contacts`` (:data:`orbitwatch.access.passes.DEFAULT_MIN_ELEVATION_DEG`).
"""

from __future__ import annotations

import re
from typing import Any

import pytest
import typer.main
from typer.testing import CliRunner

from orbitwatch.access.passes import DEFAULT_MIN_ELEVATION_DEG
from orbitwatch.cli import app
from orbitwatch.screening.exclusions import CO_MOVING_MIN_SPEED_KM_S

runner = CliRunner()


def _help(*path: str) -> str:
    res = runner.invoke(app, [*path, "--help"], terminal_width=400)
    assert res.exit_code == 0, res.output
    text = re.sub(r"[│╭╮╰╯─]", " ", res.stdout)
    return re.sub(r"\s+", " ", text)


def _option(path: tuple[str, ...], flag: str) -> Any:
    """The click option ``flag`` of the command at ``path`` (typer's click, duck-typed)."""
    cmd: Any = typer.main.get_command(app)
    for name in path:
        cmd = cmd.commands[name]
    (opt,) = [p for p in cmd.params if flag in getattr(p, "opts", ())]
    return opt


def test_one_minimum_relative_speed() -> None:
    assert CO_MOVING_MIN_SPEED_KM_S == 0.010  # 10 m/s, issue 19
    stated = f"default {CO_MOVING_MIN_SPEED_KM_S:g} km/s = {CO_MOVING_MIN_SPEED_KM_S * 1000:g} m/s"
    for path in (("screen",), ("breakup", "risk")):
        assert _option(path, "--min-relative-speed-km-s").default == CO_MOVING_MIN_SPEED_KM_S, path
        assert stated in _help(*path), path
    assert "--include-co-moving" in _help("screen")
    # the demo has no option: its help states the same value
    assert f"slower than {CO_MOVING_MIN_SPEED_KM_S:g} km/s = 10 m/s" in _help("demo")


@pytest.mark.parametrize("command", ["passes", "exposure", "contacts"])
def test_one_minimum_elevation(command: str) -> None:
    assert _option((command,), "--min-el-deg").default == DEFAULT_MIN_ELEVATION_DEG
    assert f"default {DEFAULT_MIN_ELEVATION_DEG:g} deg" in _help(command)


def test_one_hard_body_radius_rule() -> None:
    """``pc`` and ``screen --pc`` state the same default HBR rule, with the values of risk.hbr."""
    from orbitwatch.risk.hbr import DEFAULT_HBR_M

    assert dict(DEFAULT_HBR_M) == {"PAYLOAD": 5.0, "ROCKET BODY": 5.0, "DEBRIS": 1.0, "UNKNOWN": 2.0}
    stated = "payload 5 m, rocket body 5 m, debris 1 m, unknown 2 m), summed; shown as 'default'"
    for path in (("pc",), ("screen",)):
        assert _option(path, "--hbr-m").default is None, path
        assert stated in _help(*path), path
