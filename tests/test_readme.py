"""The README's command-line tour runs as written (STYLE.md habit 13).

Every ``orbitwatch ...`` command in the README's shell blocks is run in-process from
the repository root (so its ``../shared/data`` paths resolve), with ``ow.db`` replaced
by a temporary store, and must exit with status 0.  ``screen runs show|diff`` get two
saved screening runs first.
"""

from __future__ import annotations

import glob
import os
import re
import shlex
from pathlib import Path

import pytest
from typer.testing import CliRunner

from orbitwatch.cli import app

README = Path(__file__).resolve().parent.parent / "README.md"


def readme_commands() -> list[str]:
    text = README.read_text(encoding="utf-8")
    commands: list[str] = []
    for block in re.findall(r"```sh\n(.*?)```", text, flags=re.S):
        joined = block.replace("\\\n", " ")
        for line in joined.splitlines():
            line = line.split("#", 1)[0].strip()
            if line.startswith("orbitwatch "):
                commands.append(line)
    return commands


def test_readme_has_a_tour() -> None:
    names = {c.split()[1] for c in readme_commands()}
    assert {"ingest", "catalog", "propagate", "screen", "pc", "maneuvers", "passes"} <= names


# ``fetch`` needs the live network; tests/sources runs it against a loopback server.  ``serve``
# runs until stopped; tests/server runs it as a real process on a loopback port.
OFFLINE_COMMANDS = [c for c in readme_commands() if c.split()[1] not in ("fetch", "serve")]
FULL_CATALOG = "catalog/spacetrack-3le-full-catalog-2022-07-15.tle.gz"


@pytest.mark.parametrize("command", OFFLINE_COMMANDS)
def test_readme_command_runs(command: str, tmp_path: Path, shared_data: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(README.parent)
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "data"))
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    args: list[str] = []
    for word in shlex.split(command)[1:]:
        word = word.replace("ow.db", str(tmp_path / "ow.db"))
        if word.startswith("../shared/data/"):
            word = os.fspath(shared_data / word.removeprefix("../shared/data/"))
        expanded = sorted(glob.glob(word)) if "*" in word else [word]
        args.extend(expanded)
    db = tmp_path / "ow.db"
    if "--db" in args and "ingest" not in args:
        ingest = CliRunner().invoke(app, ["ingest", os.fspath(shared_data / FULL_CATALOG), "--db", os.fspath(db)])
        assert ingest.exit_code == 0, ingest.output
    if args[:2] == ["screen", "runs"] and args[2] in ("show", "diff"):
        # runs to show and compare: two screens of the same hour, the second with the sets of an hour later
        for extra in ([], ["--as-of", "2022-07-15T01:00:00Z"]):
            run = CliRunner().invoke(app, ["screen", "--db", os.fspath(db), "--start", "2022-07-15T00:00:00Z",
                                           "--duration-h", "1", "--threshold-km", "5", "--format", "json", *extra])
            assert run.exit_code == 0, run.output
    if args[:2] == ["keys", "revoke"]:
        # a key to revoke: the one the README's "keys create" made
        made = CliRunner().invoke(app, ["keys", "create", "--db", os.fspath(db), "--name", args[-1]])
        assert made.exit_code == 0, made.output
    result = CliRunner().invoke(app, args)
    assert result.exit_code == 0, f"{command}\n{result.output}"


def test_readme_python_blocks_run_as_written(capsys: pytest.CaptureFixture[str]) -> None:
    """Each ``python`` block runs from the repository root; a printed value matches its comment.

    The comment's figure is the published SGP4 miss of Iridium 33 / Cosmos 2251 (issue 3:
    0.699 km within 5 m), rounded as printed.
    """
    text = README.read_text(encoding="utf-8")
    blocks = re.findall(r"```python\n(.*?)```", text, flags=re.S)
    assert blocks
    here = os.getcwd()
    os.chdir(README.parent)
    try:
        for block in blocks:
            exec(compile(block, "README.md", "exec"), {})  # the README's own example
    finally:
        os.chdir(here)
    out = capsys.readouterr().out.split()
    assert out and abs(float(out[-1]) - 0.699) <= 0.005
