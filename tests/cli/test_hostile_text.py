"""Data text reaches the terminal literally (issue 18's terminal injection, in the report commands).

Object names and site names come from files a user did not write.  A name holding rich
markup (``ISS [/x]`` used to crash rich; ``[bold]`` would be swallowed) or ESC / BEL
bytes (colour changes, OSC 8 hyperlinks) must show as its text in ``screen``'s report,
``screen runs list|show`` and ``passes``, with no control byte on
stdout.  The input is built here: the Iridium 33 / Cosmos 2251 pre-event TLEs (a real
conjunction on 2009-02-10) with hostile name lines, and a sites file with a hostile name.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from orbitwatch.cli import app
from orbitwatch.store import Store
from orbitwatch.times import parse_utc

runner = CliRunner()
# the 3LE name -> what the terminal must show (ESC sequences and control bytes removed, markup literal)
NAMES = {
    "IRIDIUM 33": ("ISS [/x] \x1b[31mRED", "ISS [/x] RED"),
    "COSMOS 2251": ("[bold]B[/bold]\x07\x1b]8;;http://e\x07L\x1b]8;;\x07", "[bold]B[/bold]L"),
}
MARKUP = {"IRIDIUM 33": "ISS [/x]", "COSMOS 2251": "[b]B[/b] [link=x]L"}
WINDOW = ["--start", "2009-02-10T16:00:00Z", "--end", "2009-02-10T18:00:00Z", "--threshold-km", "5"]
CONTROL = ("\x1b", "\x07", "\x9b")


@pytest.fixture(scope="module")
def hostile_tle(shared_data: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A 3LE file of the 2009 pair with markup names (the TLE reader refuses control bytes in names)."""
    lines = (shared_data / "fragmentation" / "parent-objects-pre-event.tle").read_text().splitlines()
    out = []
    for k in range(0, 6, 3):  # the 2009 pair only
        out += [f"0 {MARKUP[lines[k].strip()]}", lines[k + 1], lines[k + 2]]
    path = tmp_path_factory.mktemp("hostile") / "pair.tle"
    path.write_text("\n".join(out) + "\n", encoding="ascii")
    return path


@pytest.fixture(scope="module")
def hostile_db(shared_data: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A store of the 2009 pair named with markup, ESC sequences and BEL (as OMM JSON or a SATCAT could)."""
    from orbitwatch.catalog.reader import read_element_sets

    path = shared_data / "fragmentation" / "parent-objects-pre-event.tle"
    with path.open(encoding="ascii") as f:
        sets = [es for es in read_element_sets(f, source=str(path)) if es.name in NAMES]
    db = tmp_path_factory.mktemp("hostile-db") / "s.db"
    with Store.open(db) as store:
        store.add_element_sets([es.replace(name=NAMES[str(es.name)][0]) for es in sets], source="hostile",
                               now=parse_utc("2026-01-01T00:00:00Z"))
    return db


@pytest.fixture(autouse=True)
def wide_console(monkeypatch: pytest.MonkeyPatch) -> None:
    """Tables one row per line (the shared console's width is fixed when it is created)."""
    from orbitwatch.cli import _app

    monkeypatch.setattr(_app.console, "width", 250)


def _clean(text: str) -> None:
    for c in CONTROL:
        assert c not in text, repr(text)


def test_screen_report_shows_markup_names_literally(hostile_tle: Path) -> None:
    res = runner.invoke(app, ["screen", "--catalog", str(hostile_tle), *WINDOW], terminal_width=250)
    assert res.exit_code == 0, res.output
    for shown in MARKUP.values():
        assert shown in res.stdout, res.stdout


def test_screen_and_runs_show_hostile_names_literally(hostile_db: Path) -> None:
    res = runner.invoke(app, ["screen", "--db", str(hostile_db), *WINDOW], terminal_width=250)
    assert res.exit_code == 0, res.output
    outputs = [res.stdout, res.stderr]
    for args in (["screen", "runs", "list"], ["screen", "runs", "show", "1"], ["screen", "runs", "diff", "1", "1"]):
        shown = runner.invoke(app, [*args, "--db", str(hostile_db)], terminal_width=250)
        assert shown.exit_code == 0, shown.output
        outputs += [shown.stdout, shown.stderr]
    for text in outputs:
        _clean(text)
    for _, shown_as in NAMES.values():
        assert shown_as in outputs[0] and shown_as in outputs[4], outputs  # screen, runs show


def test_passes_shows_a_site_name_literally(hostile_tle: Path, tmp_path: Path) -> None:
    sites = tmp_path / "sites.csv"
    sites.write_text("name,lat_deg,lon_deg\n\"[red]Dundee[/red] \x1b[2J[/x]\",56.4,-3.18\n", encoding="utf-8")
    res = runner.invoke(app, ["passes", "--catalog", str(hostile_tle), "--norad", "24946", "--sites", str(sites),
                              "--start", "2009-02-10T00:00:00Z", "--end", "2009-02-11T00:00:00Z"],
                        terminal_width=250)
    assert res.exit_code == 0, res.output
    _clean(res.stdout)
    assert "[red]Dundee[/red] [/x]" in res.stdout, res.stdout



@pytest.mark.parametrize("command", [
    ["ingest", "{f}", "--db", "{db}"],
    ["screen", "--catalog", "{f}", *WINDOW],
    ["propagate", "1", "--catalog", "{f}", "--start", "2009-02-10T16:00:00Z", "--end", "2009-02-10T17:00:00Z",
     "--step-s", "60"],
    ["pc", "{f}"],
])
def test_binary_input_is_one_coded_line_without_its_bytes(command: list[str], tmp_path: Path) -> None:
    """Issue 19: a binary file (a PNG and ELF-like bytes) given as a catalog or a CDM is reported, not echoed."""
    blob = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x1b[2J\x7fELF\x02\x01\x01\x00" + bytes(range(256))
    path = tmp_path / "image.tle"
    path.write_bytes(blob)
    args = [a.format(f=path, db=tmp_path / "s.db") for a in command]
    res = runner.invoke(app, args)
    assert res.exit_code in (3, 4), res.output
    errors = [line for line in res.stderr.splitlines() if line.startswith("error [")]
    assert len(errors) == 1, res.stderr
    assert "Traceback" not in res.output
    for text in (res.stdout, res.stderr):
        assert all(c in "\n" or " " <= c <= "~" or c in "─━│┃┏┓┗┛┡┩└┘┌┐┳┻╇┴┬" for c in text), repr(text)
