"""Checks of an evidence package independent of :mod:`orbitwatch.evidence` (used by
``tests/test_evidence.py`` and ``tests/cli/test_report.py``): strict JSON, SHA-256 of the
inputs recomputed, every value cell and every number of ``index.html`` (parsed with
:mod:`html.parser`) found in ``finding.json``, no script or external resource, PNG plots."""

from __future__ import annotations

import hashlib
import json
import re
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import pytest

GEO_HISTORY = "history/celestrak-active-omm-2026-07-19_08-22/active-omm-geo-history.csv.gz"
PAIR = (44476, 55841)  # INTELSAT 39, LUCH-5X (OLYMP-K 2)


class _Page(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.cells: list[tuple[str, str]] = []
        self.text: list[str] = []
        self.tags: list[str] = []
        self.attrs_seen: list[str] = []
        self._key: str | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append(tag)
        self.attrs_seen += [v or "" for _, v in attrs]
        self._key = dict(attrs).get("data-key")

    def handle_endtag(self, tag: str) -> None:
        self._key = None

    def handle_data(self, data: str) -> None:
        if self._key is not None:
            self.cells.append((self._key, data))
        if not self.tags or self.tags[-1] != "style":  # the page's own CSS is not content
            self.text.append(data)


def _at(doc: Any, key: str) -> Any:
    for part in re.findall(r"[^.\[\]]+|\[\d+\]", key):
        doc = doc[int(part[1:-1])] if part.startswith("[") else doc[part]
    return doc


def _leaves(v: Any) -> list[Any]:
    if isinstance(v, dict):
        return [x for y in v.values() for x in _leaves(y)]
    if isinstance(v, list):
        return [x for y in v for x in _leaves(y)]
    return [v]


NUMBER = re.compile(r"-?\d+(?:\.\d+)?(?:[eE][-+]?\d+)?")


def check_package(folder: Path) -> dict[str, Any]:
    doc = json.loads((folder / "finding.json").read_text(encoding="utf-8"),
                     parse_constant=lambda c: pytest.fail(f"non-strict JSON constant {c}"))
    for entry in doc["inputs"]:
        assert entry["sha256"] == hashlib.sha256(Path(entry["path"]).read_bytes()).hexdigest()
    for key in ("finding", "element_sets", "method", "parameters", "uncertainties", "reproduce",
                "orbitwatch_version"):
        assert key in doc
    assert doc["element_sets"] and all(e["epoch_utc"] for e in doc["element_sets"])
    for name in doc["plots"]:
        assert (folder / name).read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    page = _Page()
    page.feed((folder / "index.html").read_text(encoding="utf-8"))
    assert "script" not in page.tags and not any(a.startswith(("http:", "https:", "//")) for a in page.attrs_seen)
    assert page.cells
    for key, text in page.cells:
        want = _at(doc, key)
        if isinstance(want, bool) or want is None or isinstance(want, str):
            assert text == (want if isinstance(want, str) else json.dumps(want)), key
        else:
            assert float(text) == float(want), key
    leaves = _leaves(doc)
    numbers = {float(x) for x in leaves if isinstance(x, int | float) and not isinstance(x, bool)}
    strings = [x for x in leaves if isinstance(x, str)] + [doc["title"]]
    labels = {k for k, _ in page.cells}  # the row headings are the values' JSON paths
    for chunk in page.text:
        if chunk in labels:
            continue
        for tok in NUMBER.findall(chunk):
            assert float(tok) in numbers or any(tok in s for s in strings), (tok, chunk)
    readme = (folder / "README.md").read_text(encoding="utf-8")
    for r in doc["reproduce"]:
        assert r["command"] in readme and r["argv"][0] == "orbitwatch"
    return doc
