"""orbitwatch.sources.files: opening catalog files and reading them without a store.

Data: shared/data catalog and history files (MANIFEST.md), plus corrupted copies made
here (wrong extension, truncated gzip, non-UTF-8 byte, CRLF line ends).  Expected
values from :mod:`tests.store._independent` (plain column slicing) and the MANIFEST.
"""

from __future__ import annotations

import gzip
from pathlib import Path

import numpy as np
import pytest

from orbitwatch.catalog.reader import read_element_sets
from orbitwatch.errors import InputError, ParseError
from orbitwatch.sources.files import iter_file_inputs, open_lines, read_catalog_files

from ._independent import counts, text_lines

GROUPS = "history/celestrak-groups-2026-05-24_30"


def test_gzip_is_detected_by_magic_bytes_not_name(shared_data: Path, tmp_path: Path) -> None:
    src = shared_data / GROUPS / "stations-history-2026-05-24_30.tle.gz"
    text = "".join(text_lines(src))
    gz_named_plain = tmp_path / "stations.txt"
    gz_named_plain.write_bytes(gzip.compress(text.encode()))
    plain_named_gz = tmp_path / "stations.tle.gz"
    plain_named_gz.write_text(text)
    crlf = tmp_path / "stations-crlf.tle"
    crlf.write_bytes(text.replace("\n", "\r\n").encode())
    for path in (src, gz_named_plain, plain_named_gz, crlf):
        with open_lines(path) as lines:
            assert "".join(lines) == text, path


def test_missing_unreadable_and_truncated_files(shared_data: Path, tmp_path: Path) -> None:
    for bad in (tmp_path / "nope.tle", tmp_path):
        with pytest.raises(InputError) as info, open_lines(bad):
            pass
        assert info.value.code == "INPUT_FILE"
        with pytest.raises(InputError) as info:
            iter_file_inputs([shared_data / GROUPS / "stations-history-2026-05-24_30.tle.gz", bad])
        assert info.value.code == "INPUT_FILE"
        assert info.value.source == str(bad)
    full = (shared_data / GROUPS / "geo-history-2026-05-24_30.tle.gz").read_bytes()
    cut = tmp_path / "cut.tle.gz"
    cut.write_bytes(full[: len(full) // 2])
    with pytest.raises(InputError) as info, open_lines(cut) as lines:
        for _ in lines:
            pass
    assert info.value.code == "INPUT_FILE"


def test_non_utf8_byte_is_a_parse_error_with_its_line(shared_data: Path, tmp_path: Path) -> None:
    """A Latin-1 byte in a name line reaches the parser (TLE_NON_ASCII), not a UnicodeDecodeError."""
    lines = list(text_lines(shared_data / GROUPS / "stations-history-2026-05-24_30.tle.gz"))
    assert not lines[3].startswith(("1 ", "2 "))
    raw = "".join(lines).encode()
    at = len("".join(lines[:3]).encode())  # first byte of line 4
    bad = tmp_path / "latin1.tle"
    bad.write_bytes(raw[:at] + b"\xe9" + raw[at + 1 :])
    with open_lines(bad) as text, pytest.raises(ParseError) as info:
        for _ in read_element_sets(text, source=str(bad)):
            pass
    assert info.value.code == "TLE_NON_ASCII"
    assert info.value.line == 4


def test_read_catalog_files_latest_per_object_across_files(shared_data: Path) -> None:
    """Two CelesTrak 'active' snapshots (2023-07-04 and 2023-11-19): per object, the later epoch."""
    files = [shared_data / "history" / "celestrak-active-2023" / f"celestrak-active-2023-{d}.tle.gz"
             for d in ("11-19", "07-04")]
    per_file = [counts(f) for f in files]
    expected: dict[int, int] = {}
    for c in per_file:
        for norad, epochs in c.epochs_by_object.items():
            expected[norad] = max(expected.get(norad, epochs[-1]), epochs[-1])
    table, rejects = read_catalog_files(files)
    assert rejects == []
    assert table.norad_id.tolist() == sorted(expected)
    assert table.epoch.astype(np.int64).tolist() == [expected[n] for n in sorted(expected)]
    assert all(isinstance(n, str) and n for n in table.names)  # 3LE: every object is named

    # as_of: only element sets at or before it count.
    cutoff = max(per_file[1].epoch_max_us, 0)
    early, _ = read_catalog_files(files, as_of=np.datetime64(cutoff, "us"))
    expected_early = {}
    for c in per_file:
        for norad, epochs in c.epochs_by_object.items():
            ok = [e for e in epochs if e <= cutoff]
            if ok:
                expected_early[norad] = max(expected_early.get(norad, ok[-1]), ok[-1])
    assert early.norad_id.tolist() == sorted(expected_early)
    assert early.epoch.astype(np.int64).tolist() == [expected_early[n] for n in sorted(expected_early)]


def test_read_catalog_files_names_2line_sets_from_another_file(shared_data: Path, tmp_path: Path) -> None:
    three = shared_data / GROUPS / "stations-history-2026-05-24_30.tle.gz"
    two = tmp_path / "stations-2line.tle"
    two.write_text("".join(line for line in text_lines(three) if line[:2] in ("1 ", "2 ")))
    alone, _ = read_catalog_files([two])
    both, _ = read_catalog_files([three, two])
    iss = int(np.flatnonzero(both.norad_id == 25544)[0])
    assert alone.names[iss] is None
    assert both.names[iss] == "ISS (ZARYA)"
    assert both.epoch.tolist() == alone.epoch.tolist()


def test_read_catalog_files_lenient_and_strict(shared_data: Path, tmp_path: Path) -> None:
    lines = list(text_lines(shared_data / GROUPS / "military-history-2026-05-24_30.tle.gz"))
    i = next(k for k, line in enumerate(lines) if line.startswith("2 "))
    lines[i] = lines[i][:30] + "X" + lines[i][31:]  # unreadable eccentricity digit
    bad = tmp_path / "bad.tle"
    bad.write_text("".join(lines))
    with pytest.raises(ParseError) as info:
        read_catalog_files([bad])
    assert info.value.line == i + 1
    table, rejects = read_catalog_files([bad], lenient=True)
    assert [r.line for r in rejects] == [i + 1]
    assert len(table) == 23  # MANIFEST: 23 objects; the others' sets still count


def test_lenient_read_catalog_files_keeps_a_bounded_reject_list(tmp_path: Path) -> None:
    """5,000 bad records and one good one: every reject counted, the first 1,000 kept
    (``breakup detect`` reads files leniently; a garbage file must not grow a list of millions)."""
    from orbitwatch.sources.files import MAX_REJECTS_KEPT, RejectList

    iss = ("ISS (ZARYA)\n1 25544U 98067A   26143.80969095  .00007235  00000+0  13771-3 0  9990\n"
           "2 25544  51.6325  60.7811 0007520  90.7634 269.4217 15.49334650567975\n")
    bad = tmp_path / "bad.tle"
    bad.write_text(iss + "".join(f"1 {i:05d}U garbage\n2 {i:05d} garbage\n" for i in range(1, 5001)))
    table, rejects = read_catalog_files([bad], lenient=True)
    assert table.norad_id.tolist() == [25544]
    assert isinstance(rejects, RejectList)
    assert rejects.total == 5000 and len(rejects) == MAX_REJECTS_KEPT == 1000
    assert rejects[0].line == 4 and rejects[-1].line is not None and rejects[-1].line > rejects[0].line
