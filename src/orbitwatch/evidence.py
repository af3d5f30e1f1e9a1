"""Evidence packages: one finding as a self-contained folder an analyst can cite (issue 11).

For one finding — a conjunction, a manoeuvre, an RPO episode, a fragmentation event or an
exposure window — :func:`write_package` (one call per kind: :func:`conjunction_package`,
:func:`maneuver_package`, :func:`rpo_package`, :func:`fragmentation_package`,
:func:`exposure_package`) recomputes the finding with the library's own monitor and writes::

    DIR/finding.json   the result; the inputs (files with their SHA-256, or the store with
                       its ingest log); every element set used (epoch, source, line, ingest
                       time); method and parameters; uncertainties; orbitwatch's version;
                       and ``reproduce``: for each headline number, the exact command that
                       prints it and where in that command's JSON output it is
    DIR/*.png          the plots (:mod:`orbitwatch.plots`: range and RIC over time,
                       range and longitude difference for GEO pairs, element history,
                       Gabbard diagram and convergence, access timeline)
    DIR/scene.czml     a CZML scene of the objects around the key time
                       (:func:`orbitwatch.czml.objects_czml`; open it in CesiumJS)
    DIR/README.md      what was found and the commands, in plain text
    DIR/index.html     the same for a browser: escaped text, no script, no external
                       resource (images are the PNG files beside it)

The package is read without orbitwatch; the commands need only orbitwatch and the input
files.  Every number in ``index.html`` is a value of ``finding.json`` printed with
``json.dumps``, so a reader (or a test) can check one against the other.

Method references are those of the monitors themselves: :func:`orbitwatch.screening.screen`
and :mod:`orbitwatch.risk.conjunctions`; :func:`orbitwatch.detection.maneuvers.detect_maneuvers`;
:func:`orbitwatch.detection.proximity.monitor_rpo`;
:func:`orbitwatch.detection.fragmentation.reconstruct_event`;
:func:`orbitwatch.access.exposure.exposure`.
"""

from __future__ import annotations

import hashlib
import html
import json
import math
import shlex
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from orbitwatch.catalog.model import ElementSet, ElementTable, infer_object_type
from orbitwatch.errors import InputError
from orbitwatch.times import US_PER_DAY, as_utc, format_utc

__all__ = [
    "KINDS",
    "Inputs",
    "Reproduce",
    "conjunction_package",
    "exposure_package",
    "fragmentation_package",
    "maneuver_package",
    "rpo_package",
    "write_package",
]

#: the finding kinds a package can hold (``orbitwatch report KIND``)
KINDS = ("conjunction", "maneuver", "rpo", "fragmentation", "exposure")


@dataclass(frozen=True)
class Inputs:
    """Where the element sets come from: catalog files, or a store (one of the two)."""

    catalog: tuple[Path, ...] = ()
    db: Path | None = None

    def __post_init__(self) -> None:
        if bool(self.catalog) == (self.db is not None):
            raise InputError("an evidence package reads either catalog files or a store (exactly one)",
                             code="INPUT_INVALID", field="catalog")

    def cli_args(self) -> list[str]:
        """The reproducing commands' input options."""
        if self.db is not None:
            return ["--db", str(self.db)]
        out: list[str] = []
        for p in self.catalog:
            out += ["--catalog", str(p)]
        return out

    def describe(self) -> list[dict[str, Any]]:
        """Each input with its SHA-256 (and, for a store, its ingest log)."""
        if self.db is None:
            return [{"kind": "file", "path": str(p), "bytes": _size(p), "sha256": _sha256(p)} for p in self.catalog]
        from orbitwatch.store import Store

        with Store.open(self.db, create=False) as store:
            log = store.sources()
        return [{"kind": "store", "path": str(self.db), "sha256": _sha256(self.db),
                 "sources": [{k: s[k] for k in ("name", "sha256", "ingested_at_utc")} for s in log]}]

    def history(self, norad: Sequence[int] | None) -> list[ElementSet]:
        """Every element set of the objects (all objects with ``None``)."""
        wanted = None if norad is None else {int(n) for n in norad}
        sets: list[ElementSet] = []
        if self.db is None:
            from orbitwatch.catalog.reader import read_element_sets
            from orbitwatch.sources.files import open_lines

            for path in self.catalog:
                with open_lines(path) as lines:
                    sets += [s for s in read_element_sets(lines, source=str(path))
                             if wanted is None or s.norad_id in wanted]
        else:
            from orbitwatch.store import Store

            with Store.open(self.db, create=False) as store:
                for _, hist in store.iter_history(sorted(wanted) if wanted else None):
                    sets += hist
        missing = sorted((wanted or set()) - {s.norad_id for s in sets})
        if missing or not sets:
            raise InputError(f"no element sets for NORAD id(s) {', '.join(map(str, missing))}",
                             code="INPUT_UNKNOWN_NORAD", record=",".join(map(str, missing)))
        return sets

    def in_force(self, t: np.datetime64, norad: Sequence[int] | None = None) -> ElementTable:
        """Each object's set in force at ``t`` (:mod:`orbitwatch.catalog.history`), as the CLI's ``--start``."""
        if self.db is None:
            from orbitwatch.sources.files import read_catalog_files

            table, _ = read_catalog_files(list(self.catalog), at=t)
        else:
            from orbitwatch.store import Store

            with Store.open(self.db, create=False) as store:
                table = store.in_force(t, norad_ids=None if norad is None else list(norad))
        if norad is not None:
            table = table.take(np.isin(table.norad_id, np.asarray(list(norad), dtype=np.int64)))
        return table

    def latest(self) -> ElementTable:
        """The latest set of every object."""
        if self.db is None:
            from orbitwatch.sources.files import read_catalog_files

            table, _ = read_catalog_files(list(self.catalog))
            return table
        from orbitwatch.store import Store

        with Store.open(self.db, create=False) as store:
            return store.latest(None)

    def objects(self, norad: Sequence[int], names: dict[int, Any] | None = None) -> list[dict[str, Any]]:
        """The finding's objects with their metadata (:func:`orbitwatch.store.metadata.object_fields`:
        SATCAT owner, UCS operator, users, purpose, ``ucs_conflict``) from a store; ``None``
        fields from files, which carry no metadata."""
        from orbitwatch.store.metadata import object_fields

        meta: dict[int, Any] = {}
        if self.db is not None:
            from orbitwatch.store import Store

            with Store.open(self.db, create=False) as store:
                meta = store.metadata_for(norad)
        return [{"norad": int(n), "name": (names or {}).get(int(n)) or getattr(meta.get(int(n)), "name", None),
                 **object_fields(meta.get(int(n)))} for n in norad]

    def ingest_times(self) -> dict[str, str]:
        """Source name -> ingest time (a store); files were read, not ingested."""
        if self.db is None:
            return {}
        from orbitwatch.store import Store

        with Store.open(self.db, create=False) as store:
            return {s["name"]: s["ingested_at_utc"] for s in store.sources()}


@dataclass(frozen=True)
class Reproduce:
    """A command that prints one number of the finding: run ``argv`` (``orbitwatch ...``), read
    its JSON output, go to ``path`` (keys from the root, ``[]`` for the root), pick the first
    record whose fields equal ``select`` (when the value there is a list) and read ``key``
    (dotted for a nested key, e.g. ``evidence.min_range_uncertainty_km``)."""

    quantity: str
    value: Any
    argv: tuple[str, ...]
    key: str
    path: tuple[str, ...] = ()
    select: dict[str, Any] | None = None

    def to_dict(self) -> dict[str, Any]:
        return {"quantity": self.quantity, "value": self.value, "command": shlex.join(self.argv),
                "argv": list(self.argv), "json_path": list(self.path), "select": self.select, "key": self.key}


def _sha256(path: Path) -> str:
    h = hashlib.sha256()
    try:
        with Path(path).open("rb") as f:
            for block in iter(lambda: f.read(1 << 20), b""):
                h.update(block)
    except OSError as exc:
        raise InputError(f"cannot read {path}: {exc.strerror or exc}", code="INPUT_FILE", source=str(path)) from None
    return h.hexdigest()


def _size(path: Path) -> int:
    return Path(path).stat().st_size


def _utc(t: Any) -> str:
    return str(format_utc(as_utc(t), digits=6))


def _element_sets(sets: Sequence[ElementSet], ingested: dict[str, str]) -> list[dict[str, Any]]:
    return [{"norad": s.norad_id, "name": s.name, "cospar_id": s.cospar_id, "epoch_utc": s.epoch_utc,
             "source": s.source, "line": s.line, "ingested_at_utc": ingested.get(str(s.source))} for s in sets]


def _table_sets(table: ElementTable) -> list[ElementSet]:
    return [table.element_set(i) for i in range(len(table))]


def _strict(value: Any) -> Any:
    """JSON-ready: numpy scalars to Python, NaN/inf to None, tuples to lists."""
    if isinstance(value, dict):
        return {str(k): _strict(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_strict(v) for v in value]
    if isinstance(value, np.generic):
        value = value.item()
    if isinstance(value, float) and not math.isfinite(value):
        return None
    return value


def _version() -> str:
    from orbitwatch import __version__

    return __version__


# --------------------------------------------------------------------------- writer


def write_package(
    kind: str,
    finding: dict[str, Any],
    *,
    title: str,
    inputs: Inputs,
    element_sets: list[dict[str, Any]],
    method: dict[str, Any],
    parameters: dict[str, Any],
    uncertainties: dict[str, Any],
    reproduce: Sequence[Reproduce],
    plots: dict[str, Callable[[Path], Any]],
    out_dir: Path,
    notes: Sequence[str] = (),
    scene: tuple[ElementTable | Sequence[ElementSet], Sequence[int], Any, Any] | None = None,
    objects: Sequence[int] = (),
) -> Path:
    """Write ``out_dir`` (created) with ``finding.json``, the plots, ``README.md`` and ``index.html``.

    ``plots`` maps a PNG file name to a function drawing it at the path given; a plot
    that cannot be drawn is listed in ``finding.json`` with its reason, the package is
    still written.  ``scene``: ``(element sets, NORAD ids, start, end)`` of the CZML scene
    (``scene.czml``, :func:`orbitwatch.czml.objects_czml`); ``objects``: the NORAD ids the
    finding is about, listed with their owners (:meth:`Inputs.objects`).  Returns ``out_dir``.
    """
    if kind not in KINDS:
        raise InputError(f"kind must be one of {', '.join(KINDS)}, not {kind!r}", code="INPUT_INVALID", field="kind")
    try:
        out_dir.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise InputError(f"cannot create {out_dir}: {exc.strerror or exc}", code="INPUT_FILE",
                         source=str(out_dir)) from None
    drawn: list[str] = []
    failed: dict[str, str] = {}
    for name, draw in plots.items():
        try:
            draw(out_dir / name)
            drawn.append(name)
        except (InputError, ValueError) as exc:  # a plot is illustration: say why it is missing
            failed[name] = str(exc)
    czml_name = None
    if scene is not None:
        czml_name = _write_czml(out_dir / "scene.czml", scene, title, failed)
    doc = _strict({
        "kind": kind,
        "title": title,
        "orbitwatch_version": _version(),
        "finding": finding,
        "objects": inputs.objects(objects, {e["norad"]: e["name"] for e in element_sets}),
        "inputs": inputs.describe(),
        "element_sets": element_sets,
        "method": method,
        "parameters": parameters,
        "uncertainties": uncertainties,
        "reproduce": [r.to_dict() for r in reproduce],
        "plots": drawn,
        "plots_not_drawn": failed,
        "czml": czml_name,
        "notes": list(notes),
    })
    text = json.dumps(doc, indent=1, allow_nan=False, ensure_ascii=False)
    (out_dir / "finding.json").write_text(text + "\n", encoding="utf-8")
    (out_dir / "README.md").write_text(_readme(doc), encoding="utf-8")
    (out_dir / "index.html").write_text(_html(doc), encoding="utf-8")
    return out_dir


def _write_czml(path: Path, scene: tuple[Any, Sequence[int], Any, Any], title: str,
                failed: dict[str, str]) -> str | None:
    try:
        from orbitwatch.czml import objects_czml
    except ImportError as exc:  # the scene module or czml3 is not installed
        failed[path.name] = f"no CZML writer: {exc}"
        return None
    elements, ids, start, end = scene
    try:
        text = objects_czml(elements, list(ids), start, end, title=title)
    except (InputError, ValueError) as exc:
        failed[path.name] = str(exc)
        return None
    path.write_text(text + "\n", encoding="utf-8")
    return path.name


def _scalar(value: Any) -> str:
    """A leaf as printed in the README and the HTML: strings as they are, the rest as JSON."""
    return value if isinstance(value, str) else json.dumps(value, allow_nan=False)


def _leaves(value: Any, path: str = "") -> list[tuple[str, Any]]:
    if isinstance(value, dict):
        return [leaf for k, v in value.items() for leaf in _leaves(v, f"{path}.{k}" if path else str(k))]
    if isinstance(value, list):
        return [leaf for i, v in enumerate(value) for leaf in _leaves(v, f"{path}[{i}]")]
    return [(path, value)]


def _readme(doc: dict[str, Any]) -> str:
    lines = [f"# {doc['title']}", "", f"Evidence package ({doc['kind']}) written by orbitwatch "
             f"{doc['orbitwatch_version']}. `finding.json` holds everything below, and more; `index.html` is the "
             "same for a browser.", "", "## Finding", ""]
    lines += [f"- `{k}`: {_scalar(v)}" for k, v in _leaves(doc["finding"])]
    lines += ["", "## Objects", ""]
    lines += [f"- {o['norad']} {o['name'] or ''}: owner {o['owner'] or 'unknown'}"
              + "".join(f", {k} {o[k]}" for k in ("operator", "users", "purpose") if o.get(k)) for o in doc["objects"]]
    lines += ["", "## Inputs", ""]
    for i in doc["inputs"]:
        lines.append(f"- {i['kind']} `{i['path']}` sha256 `{i['sha256']}`")
        lines += [f"  - ingested `{s['name']}` (sha256 `{s['sha256']}`) at {s['ingested_at_utc']}"
                  for s in i.get("sources", [])]
    lines += ["", f"{len(doc['element_sets'])} element set(s) used (epochs, sources and lines in `finding.json`).",
              "", "## Method and parameters", ""]
    lines += [f"- `{k}`: {_scalar(v)}" for k, v in _leaves({"method": doc["method"], "parameters": doc["parameters"]})]
    lines += ["", "## Uncertainties", ""]
    lines += [f"- `{k}`: {_scalar(v)}" for k, v in _leaves(doc["uncertainties"])] or ["- none computed"]
    lines += ["", "## Reproduce", "", "Each command prints the number in its JSON output (at `json_path`, in the "
              "record matching `select`, key `key`; all in `finding.json`):", ""]
    for r in doc["reproduce"]:
        lines += [f"- {r['quantity']} = {_scalar(r['value'])}:", "", "  ```", f"  {r['command']}", "  ```", ""]
    if doc["plots"]:
        lines += ["## Plots", ""] + [f"- ![{p}]({p})" for p in doc["plots"]] + [""]
    if doc["notes"]:
        lines += ["## Notes", ""] + [f"- {n}" for n in doc["notes"]] + [""]
    return "\n".join(lines) + "\n"


def _rows_html(value: Any) -> str:
    rows = []
    for k, v in _leaves(value):
        cls = "num" if isinstance(v, int | float) and not isinstance(v, bool) else "text"
        rows.append(f'<tr><th>{html.escape(k)}</th><td class="{cls}" data-key="{html.escape(k, quote=True)}">'
                    f"{html.escape(_scalar(v))}</td></tr>")
    return "<table>\n" + "\n".join(rows) + "\n</table>"


def _html(doc: dict[str, Any]) -> str:
    esc = html.escape
    parts = [
        "<!DOCTYPE html>", '<html lang="en"><head><meta charset="utf-8">',
        f"<title>{esc(doc['title'])}</title>",
        "<style>body{font-family:sans-serif;margin:2em;max-width:72em}th{text-align:left;padding-right:1em;"
        "font-weight:normal;color:#555}td.num{font-family:monospace}pre{background:#f4f4f4;padding:.5em;"
        "white-space:pre-wrap}img{max-width:100%}</style></head><body>",
        f"<h1>{esc(doc['title'])}</h1>",
        f"<p>Evidence package ({esc(doc['kind'])}), orbitwatch {esc(doc['orbitwatch_version'])}. "
        "Every value here is in finding.json beside this page.</p>",
        "<h2>Finding</h2>", _rows_html({"finding": doc["finding"]}),
        "<h2>Objects</h2>", _rows_html({"objects": doc["objects"]}),
        "<h2>Uncertainties</h2>", _rows_html({"uncertainties": doc["uncertainties"]}),
        "<h2>Method and parameters</h2>", _rows_html({"method": doc["method"], "parameters": doc["parameters"]}),
        "<h2>Inputs</h2>", _rows_html({"inputs": doc["inputs"]}),
        "<h2>Reproduce</h2>",
    ]
    for i, r in enumerate(doc["reproduce"]):
        parts.append(f'<p>{esc(r["quantity"])} = <span class="num" data-key="reproduce[{i}].value">'
                     f'{esc(_scalar(r["value"]))}</span></p><pre>{esc(r["command"])}</pre>')
    if doc["plots"]:
        parts.append("<h2>Plots</h2>")
        parts += [f'<p><img src="{esc(p, quote=True)}" alt="{esc(p, quote=True)}"></p>' for p in doc["plots"]]
    if doc["notes"]:
        parts.append("<h2>Notes</h2><ul>" + "".join(f"<li>{esc(n)}</li>" for n in doc["notes"]) + "</ul>")
    parts.append("</body></html>")
    return "\n".join(parts) + "\n"


_HOUR = np.timedelta64(3_600_000_000, "us")


def _in_force_sets(sets: Sequence[ElementSet], t: np.datetime64) -> list[ElementSet]:
    """Each object's set in force at ``t`` (:func:`orbitwatch.catalog.history.in_force_index`)."""
    from orbitwatch.catalog.history import in_force_index

    by: dict[int, list[ElementSet]] = {}
    for x in sets:
        by.setdefault(x.norad_id, []).append(x)
    out = []
    for group in by.values():
        k = in_force_index(np.array([x.epoch for x in group], dtype="datetime64[us]"),
                           np.array([x.mean_motion_rev_per_day for x in group]), np.array([t]))
        out.append(group[int(k[0])])
    return out


def _cmd(*args: str) -> tuple[str, ...]:
    return ("orbitwatch", *args)


# --------------------------------------------------------------------------- the five kinds


def conjunction_package(
    inputs: Inputs, norad_1: int, norad_2: int, start: Any, end: Any, *, threshold_km: float, out_dir: Path,
    pc_method: str = "foster",
) -> Path:
    """The closest approach of ``norad_1`` (primary) and ``norad_2`` in ``[start, end]`` within
    ``threshold_km``: the screening record, its Pc (TLE covariances; default error model by
    regime, as ``screen --pc`` from files) and the range/RIC plot around TCA."""
    from orbitwatch.plots import encounter_series, plot_conjunction
    from orbitwatch.risk.conjunctions import conjunction_risk
    from orbitwatch.screening import screen

    t0, t1 = as_utc(start, what="start"), as_utc(end, what="end")
    table = inputs.in_force(t0, [norad_1, norad_2])
    if len(table) != 2:
        raise InputError(f"objects {norad_1} and {norad_2} are not both in the inputs", code="INPUT_UNKNOWN_NORAD",
                         record=f"{norad_1},{norad_2}")
    result = screen(table, t0, t1, threshold_km, primaries=[norad_1])
    conj = [c for c in result.conjunctions if {c.norad_1, c.norad_2} == {norad_1, norad_2}]
    if not conj:
        raise InputError(f"no approach of {norad_1} and {norad_2} within {threshold_km:g} km in the window",
                         code="INPUT_EMPTY", record=f"{norad_1},{norad_2}")
    c = min(conj, key=lambda x: x.miss_distance_km)
    risk = conjunction_risk(table, [c.norad_1], [c.norad_2], np.array([c.tca], dtype="datetime64[us]"),
                            method=pc_method)
    record = {**c.to_dict(), **risk.row(0)}
    window = ("--start", _utc(t0), "--end", _utc(t1), "--threshold-km", repr(float(threshold_km)))
    argv = _cmd("screen", *inputs.cli_args(), *window, "--primary", str(norad_1), "--pc", "--pc-method", pc_method,
                "--format", "json")
    sel = {"norad_1": c.norad_1, "norad_2": c.norad_2, "tca_utc": c.tca_utc}
    rep = [Reproduce("miss distance (km)", c.miss_distance_km, argv, "miss_distance_km", select=sel),
           Reproduce("relative speed (km/s)", c.relative_speed_km_s, argv, "relative_speed_km_s", select=sel)]
    if record.get("pc") is not None:
        rep.append(Reproduce("collision probability", record["pc"], argv, "pc", select=sel))
    names = {int(table.norad_id[i]): table.names[i] for i in range(len(table))}
    title = (f"Conjunction {norad_1} {names.get(norad_1) or ''} / {norad_2} {names.get(norad_2) or ''} at "
             f"{c.tca_utc}")

    def draw(path: Path) -> None:
        plot_conjunction(path, encounter_series(table, c.norad_1, c.norad_2, c.tca), title)

    return write_package(
        "conjunction", record, title=title, inputs=inputs,
        element_sets=_element_sets(_table_sets(table), inputs.ingest_times()),
        method={"screening": "orbitwatch.screening.screen (SGP4, all-vs-primary, TCA refined)",
                "pc": f"orbitwatch.risk.conjunctions.conjunction_risk, {pc_method}",
                "covariance": "TLE error model by regime grown to the element-set age (no CDM covariance)"},
        parameters={"start_utc": _utc(t0), "end_utc": _utc(t1), "threshold_km": float(threshold_km),
                    "primary": norad_1, "pc_method": pc_method},
        uncertainties={"covariance_source_1": record["covariance_source_1"],
                       "covariance_source_2": record["covariance_source_2"],
                       "epoch_age_1_d": c.epoch_age_1_d, "epoch_age_2_d": c.epoch_age_2_d},
        reproduce=rep, plots={"range-ric.png": draw}, out_dir=out_dir,
        scene=(table, [c.norad_1, c.norad_2], c.tca - _HOUR, c.tca + _HOUR), objects=[c.norad_1, c.norad_2],
        notes=["Positions come from public TLEs (SGP4); their errors grow with the element sets' age at TCA."],
    )


def maneuver_package(inputs: Inputs, norad: int, out_dir: Path, *, near: Any = None) -> Path:
    """The manoeuvre of ``norad`` nearest ``near`` (default: the largest Δv) in its whole
    history, with the element-history plot."""
    from orbitwatch.detection.maneuvers import detect_maneuvers, sort_history
    from orbitwatch.plots import plot_maneuvers

    sets = inputs.history([norad])
    history = sort_history(sets)
    report = detect_maneuvers(history)
    events = [e for e in report.events if e.norad_id == norad]
    if not events:
        raise InputError(f"no manoeuvre detected for {norad}", code="INPUT_EMPTY", record=norad)
    if near is None:
        ev = max(events, key=lambda e: e.delta_v_m_s)
    else:
        t = as_utc(near, what="near")
        ev = min(events, key=lambda e: abs(int((e.epoch - t).astype(np.int64))))
    record = ev.to_dict()
    argv = _cmd("maneuvers", *inputs.cli_args(), "--norad", str(norad), "--format", "json")
    sel = {"norad": record["norad"], "epoch_utc": record["epoch_utc"]}
    rep = [Reproduce("delta-v (m/s)", record["delta_v_m_s"], argv, "delta_v_m_s", select=sel),
           Reproduce("epoch uncertainty (s)", record["epoch_uncertainty_s"], argv, "epoch_uncertainty_s", select=sel)]
    used = [s for s in sets if abs(int((s.epoch - ev.epoch).astype(np.int64))) <= 30 * US_PER_DAY]
    title = f"Manoeuvre of {norad} {ev.name or ''} at {record['epoch_utc']} ({record['kind']})"
    return write_package(
        "maneuver", record, title=title, inputs=inputs,
        element_sets=_element_sets(sorted(used, key=lambda s: s.epoch), inputs.ingest_times()),
        method={"detector": "orbitwatch.detection.maneuvers.detect_maneuvers (robust per-object noise, "
                            "SGP4 residuals between successive element sets)"},
        parameters={"norad": norad, "element_sets_in_history": len(sets),
                    "near_utc": None if near is None else _utc(near)},
        uncertainties={"epoch_uncertainty_s": record["epoch_uncertainty_s"], "confidence": record["confidence"]},
        reproduce=rep, plots={"element-history.png": lambda p: plot_maneuvers(history, report, p, [norad])},
        out_dir=out_dir, scene=(_in_force_sets(sets, ev.epoch), [norad], ev.epoch - 2 * _HOUR, ev.epoch + 2 * _HOUR),
        objects=[norad],
        notes=["Element sets listed: those within 30 days of the manoeuvre (the whole history was used)."],
    )


def rpo_package(inputs: Inputs, norad_1: int, norad_2: int, out_dir: Path) -> Path:
    """The RPO episode of the pair with the smallest range (its uncertainty from the TLE error
    model of each history), the range plot, the GEO longitude-difference plot, and the two
    ``propagate --history`` commands that reproduce the minimum range."""
    from orbitwatch.detection.maneuvers import sort_history
    from orbitwatch.detection.proximity import monitor_rpo, pair_range_series
    from orbitwatch.plots import plot_longitude_difference, plot_rpo

    a, b = sorted((int(norad_1), int(norad_2)))
    history = sort_history(inputs.history(None))
    report = monitor_rpo(history, norad=[b])
    eps = [e for e in report.episodes if (e.norad_1, e.norad_2) == (a, b)]
    if not eps:
        raise InputError(f"no RPO episode of {a} and {b}", code="INPUT_EMPTY", record=f"{a},{b}")
    ep = min(eps, key=lambda e: e.min_range_km)
    record = ep.to_dict()
    argv = _cmd("rpo", *inputs.cli_args(), "--norad", str(b), "--format", "json")
    sel = {"norad_1": a, "norad_2": b, "min_range_utc": record["min_range_utc"]}
    rep = [Reproduce("minimum range (km)", record["min_range_km"], argv, "min_range_km", select=sel),
           Reproduce("minimum range one-sigma (km)", record["evidence"]["min_range_uncertainty_km"], argv,
                     "evidence.min_range_uncertainty_km", select=sel)]
    at = record["min_range_utc"]
    positions = []
    for n in (a, b):
        r_km = _position_in_force(inputs.history([n]), at)
        positions.append(r_km)
        argv_n = _cmd("propagate", str(n), *inputs.cli_args(), "--history", "--start", at, "--duration-h", "0",
                      "--step-s", "60", "--format", "json")
        rep += [Reproduce(f"{axis} of {n} at the minimum-range time (km, TEME)", float(r_km[k]), argv_n,
                          f"{axis}_km", select={"norad": n}) for k, axis in enumerate("xyz")]
    record["range_from_propagate_km"] = float(np.linalg.norm(positions[0] - positions[1]))
    geo = record["evidence"].get("regime") == "geo"
    pair_sets = [s for s in inputs.history([a, b])
                 if ep.start - np.timedelta64(30, "D") <= s.epoch <= ep.end + np.timedelta64(1, "D")]
    plots: dict[str, Callable[[Path], Any]] = {"range.png": lambda p: plot_rpo(history, [ep], p)}
    if geo:
        def draw_lon(path: Path) -> None:
            times, _, dlon = pair_range_series(history, a, b, start=ep.start, end=ep.end, step_s=3600.0)
            plot_longitude_difference(path, times, dlon, f"{a} {ep.name_1 or ''} - {b} {ep.name_2 or ''}")
        plots["longitude-difference.png"] = draw_lon
    title = f"RPO {ep.kind}: {a} {ep.name_1 or ''} / {b} {ep.name_2 or ''}, min {record['min_range_km']} km at {at}"
    return write_package(
        "rpo", record, title=title, inputs=inputs,
        element_sets=_element_sets(pair_sets, inputs.ingest_times()),
        method={"monitor": "orbitwatch.detection.proximity.monitor_rpo (SGP4 of each object's set in force at each "
                           "time)", "uncertainty": ep.min_range_sigma_model or None},
        parameters={"norad_1": a, "norad_2": b, **{k: record["evidence"].get(k) for k in
                                                    ("regime", "threshold_km", "step_s")}},
        uncertainties={"min_range_uncertainty_km": record["evidence"]["min_range_uncertainty_km"]},
        reproduce=rep, plots=plots, out_dir=out_dir,
        scene=(_in_force_sets(pair_sets, ep.min_range_time), [a, b], ep.min_range_time - (12 if geo else 1) * _HOUR,
               ep.min_range_time + (12 if geo else 1) * _HOUR), objects=[a, b],
        notes=["The two propagate commands print each object's TEME position at the minimum-range time with the "
               "element set in force then; their distance is the minimum range (to 1 m).",
               "Successive public element sets of one object disagree by up to tens of km at GEO: read the "
               "minimum range with its one-sigma uncertainty."],
    )


def _position_in_force(sets: list[ElementSet], at: str) -> np.ndarray:
    """TEME position (km) at ``at`` from the set in force then (what ``propagate --history`` prints)."""
    from orbitwatch.ephemeris import ephemeris_over_history

    eph, _ = ephemeris_over_history(sets, np.array([as_utc(at)], dtype="datetime64[us]"), "teme")
    if eph.err[0, 0] != 0 or eph.r_km is None:
        raise InputError(f"SGP4 fails for {sets[0].norad_id} at {at}", code="INPUT_INVALID", record=sets[0].norad_id)
    return np.asarray(eph.r_km[0, 0], dtype=np.float64)


def fragmentation_package(
    inputs: Inputs, parent: int, out_dir: Path, *, designator: str | None = None, include_all: bool = False,
) -> Path:
    """The reconstructed breakup (epoch, place, Δv, verdict) of ``parent`` from the fragments of its
    launch (debris and unknown objects, as ``breakup reconstruct``), with Gabbard and convergence plots."""
    from orbitwatch.detection.fragmentation import launch_prefix, reconstruct_event, select_launch
    from orbitwatch.plots import plot_convergence, plot_gabbard

    table = inputs.latest()
    rows = table.take(table.norad_id == parent)
    if designator is None:
        if len(rows) == 0 or launch_prefix(rows.cospar_ids[0]) is None:
            raise InputError(f"parent {parent} (with a designator) is not in the inputs", code="INPUT_UNKNOWN_NORAD",
                             record=parent)
        designator = str(launch_prefix(rows.cospar_ids[0]))
    frag = select_launch(table, designator)
    frag = frag.take(frag.norad_id != parent)
    if not include_all:
        kinds = np.array([infer_object_type(n) for n in frag.names], dtype=object)
        frag = frag.take((kinds == "DEBRIS") | (kinds == "UNKNOWN"))
    if len(frag) < 2:
        raise InputError(f"fewer than 2 fragments of launch {designator}", code="INPUT_EMPTY", field="designator")
    par = rows.element_set(0) if len(rows) else None
    rec = reconstruct_event(frag, par)
    record = rec.to_dict()
    argv = _cmd("breakup", "reconstruct", *inputs.cli_args(), "--parent", str(parent), "--fragments-designator",
                designator, *(["--include-all"] if include_all else []), "--format", "json")
    rep = [Reproduce("event epoch (UTC)", record.get("event_epoch_utc"), argv, "event_epoch_utc"),
           Reproduce("epoch uncertainty (s)", record.get("epoch_uncertainty_s"), argv, "epoch_uncertainty_s"),
           Reproduce("altitude (km)", record.get("altitude_km"), argv, "altitude_km")]
    plots: dict[str, Callable[[Path], Any]] = {
        "gabbard.png": lambda p: plot_gabbard(
            [(f"{designator}: {len(frag)} fragments", frag)], p, title=f"Gabbard diagram {designator}",
            parent=None if par is None else (f"parent {parent}", ElementTable.from_element_sets([par])))}
    if rec.coarse_times.size:
        plots["convergence.png"] = lambda p: plot_convergence(rec, p)
    sets = _table_sets(frag) + ([par] if par is not None else [])
    title = f"Fragmentation of {parent} ({designator}): {record.get('verdict')}, {record.get('event_epoch_utc')}"
    keys = ("epoch_uncertainty_s", "epoch_interval_utc", "position_uncertainty_km", "revolution_margin")
    unc: dict[str, Any] = {k: record.get(k) for k in keys if k in record}
    return write_package(
        "fragmentation", record, title=title, inputs=inputs,
        element_sets=_element_sets(sets, inputs.ingest_times()),
        method={"reconstruction": "orbitwatch.detection.fragmentation.reconstruct_event (convergence of the "
                                  "fragments' orbits back to the parent; bootstrap over fragments)"},
        parameters={"parent": parent, "designator": designator, "fragments": len(frag), "include_all": include_all},
        uncertainties=unc, reproduce=rep, plots=plots, out_dir=out_dir,
        scene=None if np.isnat(rec.event_epoch) else (
            ElementTable.from_element_sets(sets), [s.norad_id for s in sets], rec.event_epoch - _HOUR,
            rec.event_epoch + _HOUR), objects=[parent],
        notes=[f"Verdict: {record.get('verdict')} ({record.get('verdict_reason')})."],
    )


def exposure_package(
    inputs: Inputs, norad: int, sites_path: Path, start: Any, end: Any, out_dir: Path, *,
    min_elevation_deg: float = 10.0, site: str | None = None,
) -> Path:
    """The longest exposure window of ``norad`` to the sites (or to ``site``) in ``[start, end]``
    with the per-satellite summary and the access timeline."""
    from orbitwatch.access import exposure, load_sites
    from orbitwatch.plots import plot_timeline

    t0, t1 = as_utc(start, what="start"), as_utc(end, what="end")
    table = inputs.in_force(t0, [norad])
    if len(table) == 0:
        raise InputError(f"object {norad} is not in the inputs", code="INPUT_UNKNOWN_NORAD", record=norad)
    sites = load_sites(sites_path)
    rep = exposure(table, sites, t0, t1, min_elevation_deg=min_elevation_deg)
    windows = [w for w in rep.window_records() if site is None or w.get("site") == site]
    if not windows:
        raise InputError(f"no exposure window of {norad} in the window", code="INPUT_EMPTY", record=norad)
    w = max(windows, key=lambda r: r["duration_s"])
    summary = rep.summary.to_records()[0]
    record = {"window": w, "summary": summary}
    argv = _cmd("exposure", "--sites", str(sites_path), *inputs.cli_args(), "--norad", str(norad), "--start",
                _utc(t0), "--end", _utc(t1), "--min-el-deg", repr(float(min_elevation_deg)), "--format", "json")
    sel = {"site": w.get("site"), "start_utc": w.get("start_utc")}
    reps = [Reproduce("window duration (s)", w["duration_s"], argv, "duration_s", path=("windows",), select=sel),
            Reproduce("exposed seconds in the interval", summary.get("exposed_s"), argv, "exposed_s",
                      path=("summary",), select={"norad": norad} if "norad" in summary else None)]

    def draw(path: Path) -> None:
        bars = [(0, as_utc(r["start_utc"]), as_utc(r["end_utc"]), "tab:red" if r is w else "tab:blue", True)
                for r in windows]
        plot_timeline(path, [f"{norad}"], bars, title=f"exposure of {norad} to {sites_path.name}", t0=t0, t1=t1,
                      legend={"this window": "tab:red", "other windows": "tab:blue"})

    title = f"Exposure of {norad} to {w.get('site')} from {w.get('start_utc')} ({w['duration_s']:.0f} s)"
    return write_package(
        "exposure", record, title=title, inputs=inputs,
        element_sets=_element_sets(_table_sets(table), inputs.ingest_times()),
        method={"access": "orbitwatch.access.exposure.exposure (SGP4, line of sight above the minimum elevation)"},
        parameters={"norad": norad, "sites": str(sites_path), "sites_sha256": _sha256(sites_path),
                    "start_utc": _utc(t0), "end_utc": _utc(t1), "min_elevation_deg": float(min_elevation_deg)},
        uncertainties={"element_set_age_at_start_d": float((t0 - table.epoch[0]).astype(np.int64)) / US_PER_DAY},
        reproduce=reps, plots={"timeline.png": draw}, out_dir=out_dir,
        scene=(table, [norad], as_utc(w["start_utc"]) - _HOUR / 6, as_utc(w["end_utc"]) + _HOUR / 6),
        objects=[norad],
    )
