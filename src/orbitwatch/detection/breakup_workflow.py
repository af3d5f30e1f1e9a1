"""The ``orbitwatch breakup`` workflows: one library call per command, each returning a complete result.

A shell (the CLI, the HTTP service) parses its options, builds an :class:`ElementSource`
over its own readers, makes one call here and renders what comes back:

* :func:`detect`: resolve the "before" and "after" catalogs (explicit files; a series of
  catalogs whose last one is "after"; or the store as of a time and the store now) and
  find the new-object clusters (:func:`~orbitwatch.detection.fragmentation.detect_fragmentations`);
* :func:`reconstruct`: select the fragments of a launch, take the parent's last element set
  before the first fragment epoch (:func:`parent_before`, or the store's history) and
  reconstruct the event (:func:`~orbitwatch.detection.fragmentation.reconstruct_event`), or
  date an old cloud from the re-alignment of its nodes
  (:func:`~orbitwatch.detection.fragmentation.nodal_drift_epoch`);
* :func:`simulate`: a NASA Standard Breakup Model cloud
  (:func:`~orbitwatch.detection.breakup_model.simulate_breakup`, Johnson et al. 2001) and its
  3LE or OMM file (:func:`write_cloud`);
* :func:`gabbard`: one launch's objects in a series of catalogs, the panels of a Gabbard
  diagram with their cloud summaries;
* :func:`risk`: the assets' conjunction counts with the background and with a real or
  simulated cloud (:func:`~orbitwatch.detection.fragmentation.cloud_conjunction_rates`).

This module reads no file and opens no store itself (it writes only the cloud files that
:func:`write_cloud` is asked for): ``detection`` sits below ``sources`` and ``store`` in the
import layers (docs/design.md, "Layers"), so the :class:`ElementSource` carries the readers.
An element set from after the event never stands silently for the parent before it: the
result says which one was used (``parent_elements``: ``pre_event`` or ``post_event``,
docs/fragmentation.md "The parent's pre-event elements").
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from orbitwatch.catalog.export import export_element_sets
from orbitwatch.catalog.model import ElementSet, ElementTable
from orbitwatch.constants import period_min
from orbitwatch.detection.breakup_model import SyntheticCloud, simulate_breakup
from orbitwatch.detection.fragmentation import (
    CLUSTER_KINDS,
    CloudRisk,
    EventReconstruction,
    FragmentationEvent,
    NodalDriftEstimate,
    ObjectFacts,
    Progress,
    cloud_conjunction_rates,
    cloud_summary,
    concat_tables,
    detect_fragmentations,
    launch_prefix,
    nodal_drift_epoch,
    reconstruct_event,
    select_fragments,
    select_launch,
)
from orbitwatch.errors import InputError
from orbitwatch.screening.exclusions import CO_MOVING_MIN_SPEED_KM_S
from orbitwatch.times import as_utc, format_utc

__all__ = [
    "CLOUD_FORMATS",
    "CO_MOVING_MIN_SPEED_KM_S",
    "BreakupDetection",
    "BreakupReconstruction",
    "ElementSource",
    "GabbardSeries",
    "ObjectFacts",
    "SimulatedBreakup",
    "detect",
    "gabbard",
    "parent_before",
    "reconstruct",
    "risk",
    "simulate",
    "write_cloud",
]

#: ``(paths, as_of) -> table``: the latest element set per object in catalog files
ReadFiles = Callable[[Sequence[Path], np.datetime64 | None], ElementTable]
#: ``(as_of, norad) -> table``: the latest element set per object in the store
ReadStore = Callable[[np.datetime64 | None, Sequence[int] | None], ElementTable]
#: ``path -> element sets``: every element set of one file, in file order
ReadSets = Callable[[Path], Iterable[ElementSet]]
#: ``norad ids -> {norad: result fields}``: each object's ``owner`` (SATCAT) and, where the
#: UCS database knows it, ``operator``, ``users``, ``purpose`` and ``ucs_conflict``
#: (``Store.object_fields``)
ReadFields = Callable[[Sequence[int]], Mapping[int, Mapping[str, Any]]]
#: what :func:`detect` takes as SATCAT facts: the facts, or ``uses_store -> facts``
Satcat = Mapping[int, ObjectFacts] | Callable[[bool], Mapping[int, ObjectFacts]] | None

#: the file formats of :func:`write_cloud` (3LE, OMM KVN)
CLOUD_FORMATS = ("tle", "omm")


@dataclass(frozen=True)
class ElementSource:
    """Where the breakup workflows read element sets: catalog files or the element store.

    ``files(paths, as_of)``: the latest element set per object in catalog files (only
    epochs at or before ``as_of`` when it is not None); ``store(as_of, norad)``: the same from
    the store, which keeps each object's history (with ``norad``, exactly those objects, else
    :class:`~orbitwatch.errors.InputError` ``INPUT_UNKNOWN_NORAD``); ``element_sets(path)``:
    every element set of one file in file order.  ``catalogs``: the files a workflow reads
    (empty: the store); ``store_given``: the caller named a store (``--db``);
    ``object_fields(ids)``: the store's metadata fields of those objects (None: no store).
    """

    files: ReadFiles
    store: ReadStore
    element_sets: ReadSets
    catalogs: tuple[Path, ...] = ()
    store_given: bool = False
    object_fields: ReadFields | None = None

    def fields(self, ids: Iterable[int], facts: Mapping[int, ObjectFacts] | None = None) -> dict[int, dict[str, Any]]:
        """Each object's result fields: from the store when the workflow read it (catalogs
        carry none), else only ``owner``, from ``facts`` (a SATCAT file) or None."""
        ids = sorted({int(n) for n in ids})
        if self.object_fields is not None and self.store_given and not self.catalogs:
            got = self.object_fields(ids)
            return {n: dict(got.get(n) or {"owner": None}) for n in ids}
        return {n: {"owner": getattr((facts or {}).get(n), "owner", None)} for n in ids}

    def latest(self, as_of: np.datetime64 | None = None) -> ElementTable:
        """The latest element set per object from the catalogs, else from the store."""
        if self.store_given and self.catalogs:
            raise InputError("give either --db or --catalog, not both", field="catalog")
        return self.files(self.catalogs, as_of) if self.catalogs else self.store(as_of, None)


def _rows_of(table: ElementTable, norad: int) -> ElementTable:
    return table.take(table.norad_id == norad)


def _prefixed(fields: Mapping[int, Mapping[str, Any]], norad: int | None, prefix: str) -> dict[str, Any]:
    """``norad``'s result fields with ``prefix`` (``parent_owner``, ...); ``owner`` is always there."""
    got = fields.get(norad, {}) if norad is not None else {}
    return {f"{prefix}{k}": v for k, v in {"owner": None, **got}.items()}


def owner_counts(fields: Mapping[int, Mapping[str, Any]], norads: Iterable[int]) -> list[dict[str, Any]]:
    """How many of ``norads`` each SATCAT owner has (``owner`` None: unknown), most first."""
    counts: dict[str | None, int] = {}
    for n in norads:
        owner = fields.get(int(n), {}).get("owner")
        counts[owner] = counts.get(owner, 0) + 1
    return [{"owner": k, "objects": v} for k, v in sorted(counts.items(), key=lambda kv: (-kv[1], kv[0] or ""))]


# ----------------------------------------------------------------------------- detect
@dataclass(frozen=True)
class BreakupDetection:
    """The new-object clusters between two catalog states, with the states they came from."""

    before: ElementTable
    after: ElementTable
    events: list[FragmentationEvent]
    satcat_objects: int = 0
    #: NORAD id -> result fields (:meth:`ElementSource.fields`) of every parent and member
    object_fields: Mapping[int, Mapping[str, Any]] = field(default_factory=dict)

    #: the columns of :meth:`summary_rows`
    SUMMARY_COLUMNS = ("launch", "kind", "parent", "name", "by", "pieces", "incl (deg)", "perigee..apogee (km)",
                       "median epoch")

    def summary_rows(self, top: int | None = None) -> list[tuple[object, ...]]:
        """One row per cluster (the ``top`` largest) for a human-readable table, ``-`` where unknown."""
        return [(e.launch, e.kind, e.parent_norad or "-", self._parent_label(e), e.attribution, f"{e.pieces:,}",
                 f"{e.summary.inclination_deg_median:.2f}",
                 f"{e.summary.perigee_km_range[0]:.0f}..{e.summary.apogee_km_range[1]:.0f}",
                 format_utc(e.summary.median_epoch, digits=0)) for e in self.events[:top]]

    def _parent_label(self, e: FragmentationEvent) -> str:
        owner = self.object_fields.get(e.parent_norad, {}).get("owner") if e.parent_norad is not None else None
        return f"{e.parent_name or '-'} ({owner})" if owner else (e.parent_name or "-")

    def counts_by_kind(self) -> dict[str, int]:
        """Clusters per kind, every kind of :data:`~orbitwatch.detection.fragmentation.CLUSTER_KINDS`."""
        return {k: sum(1 for e in self.events if e.kind == k) for k in CLUSTER_KINDS}

    def largest_fragmentation(self) -> tuple[FragmentationEvent, ElementTable, ElementTable | None] | None:
        """The largest fragmentation, its members' rows and the parent's rows (from "before"
        when its set is pre-event, else from "after"; None without one); None without any."""
        frags = [e for e in self.events if e.kind == "fragmentation"]
        if not frags:
            return None
        e = frags[0]
        cloud = self.after.take(np.isin(self.after.norad_id, e.new_norad_ids))
        parent = None
        if e.parent_norad is not None:
            rows = _rows_of(self.before if e.parent_elements == "pre_event" else self.after, e.parent_norad)
            parent = rows if len(rows) else None
        return e, cloud, parent

    def gabbard_figure(self) -> dict[str, Any] | None:
        """Panels, title and parent of the largest new fragmentation's Gabbard diagram (the
        keyword arguments of ``orbitwatch.plots.plot_gabbard``); None without a fragmentation."""
        largest = self.largest_fragmentation()
        if largest is None:
            return None
        e, cloud, rows = largest
        return {"panels": [(f"{e.launch}: {e.pieces} new pieces", cloud)],
                "title": f"Gabbard diagram, largest new fragmentation: {e.parent_name or e.launch} "
                         f"({e.launch}, parent by {e.attribution})",
                "parent": None if rows is None else (f"parent {e.parent_norad} {e.parent_name or ''}".rstrip(), rows)}

    def to_dict(self) -> dict[str, Any]:
        """The ``breakup detect --json`` record."""
        return {"before_objects": len(self.before), "after_objects": len(self.after),
                "satcat_objects": self.satcat_objects, "counts_by_kind": self.counts_by_kind(),
                "events": [{**e.to_dict(), **_prefixed(self.object_fields, e.parent_norad, "parent_"),
                            "member_owners": owner_counts(self.object_fields, e.new_norad_ids)}
                           for e in self.events]}


def _before_after(
    source: ElementSource, before: Sequence[Path], after: Sequence[Path], since: np.datetime64 | None,
) -> tuple[ElementTable, ElementTable, np.datetime64 | None, bool]:
    """("before", "after", the time new objects must be from, whether the store was read)."""
    if before or after:
        if not (before and after) or source.catalogs or source.store_given:
            raise InputError("use --before and --after together, without --catalog/--db", field="before")
        return source.files(list(before), None), source.files(list(after), None), since, False
    if source.catalogs:
        if source.store_given:
            raise InputError("give either --db or --catalog, not both", field="catalog")
        if len(source.catalogs) < 2:
            raise InputError("--catalog needs at least two files: the last is 'after', the others 'before'",
                             field="catalog")
        return source.files(list(source.catalogs[:-1]), None), source.files([source.catalogs[-1]], None), since, False
    if since is None:
        raise InputError("with --db, --start gives the 'before' state", code="INPUT_MISSING", field="start")
    return source.store(since, None), source.store(None, None), None, True


def detect(
    source: ElementSource,
    *,
    before: Sequence[Path] = (),
    after: Sequence[Path] = (),
    since: np.datetime64 | None = None,
    min_pieces: int = 5,
    associate: bool = False,
    satcat: Satcat = None,
) -> BreakupDetection:
    """New-object clusters between two catalog states (``breakup detect``).

    "Before" and "after": the files ``before`` and ``after`` when given; else, with
    ``source.catalogs``, every catalog but the last (combined, latest set per object) and
    the last; else the store as of ``since`` and the store now.  With files, ``since``
    also keeps only new objects whose epoch is at or after it.  ``satcat``: the SATCAT
    facts, or a function of "the store was read" giving them.  Contradictory or missing
    inputs raise :class:`~orbitwatch.errors.InputError`.
    """
    t_before, t_after, filter_since, from_store = _before_after(source, before, after, since)
    facts = satcat(from_store) if callable(satcat) else (satcat or {})
    events = detect_fragmentations(t_before, t_after, since=filter_since, min_pieces=min_pieces,
                                   associate_by_orbit=associate, satcat=facts)
    ids = [n for e in events for n in (*e.new_norad_ids.tolist(), *([e.parent_norad] if e.parent_norad else []))]
    return BreakupDetection(t_before, t_after, events, len(facts), source.fields(ids, facts))


# ----------------------------------------------------------------------------- reconstruct
@dataclass(frozen=True)
class BreakupReconstruction:
    """The fragments, the parent's element set and either the reconstruction or the nodal-drift date."""

    designator: str
    fragments: ElementTable
    parent: ElementSet | None = None
    event: EventReconstruction | None = None
    nodal_drift: NodalDriftEstimate | None = None
    #: NORAD id -> result fields (:meth:`ElementSource.fields`) of the parent and the fragments
    object_fields: Mapping[int, Mapping[str, Any]] = field(default_factory=dict)

    def gabbard_figure(self) -> dict[str, Any]:
        """Panels, title and parent of the fragments' Gabbard diagram (``plot_gabbard`` keywords)."""
        par = self.parent
        return {"panels": [(f"{self.designator}: {len(self.fragments)} fragments", self.fragments)],
                "title": f"Gabbard diagram {self.designator}",
                "parent": None if par is None else (f"parent {par.norad_id}", ElementTable.from_element_sets([par]))}

    def to_dict(self) -> dict[str, Any]:
        """The ``breakup reconstruct --json`` record (with ``--nodal-drift``: the designator,
        the number of fragments and the nodal-drift estimate)."""
        owners = {"fragment_owners": owner_counts(self.object_fields, self.fragments.norad_id)}
        if self.nodal_drift is not None:
            return {"designator": self.designator, "fragments": len(self.fragments), **self.nodal_drift.to_dict(),
                    **owners}
        if self.event is None:
            raise InputError("a reconstruction without a result", code="INPUT_INVALID")
        parent = {} if self.parent is None else _prefixed(self.object_fields, self.parent.norad_id, "parent_")
        return {**self.event.to_dict(), **parent, **owners}


def parent_before(sets: Iterable[ElementSet], norad: int, before: np.datetime64, *, source: str) -> ElementSet:
    """The latest of ``sets`` of object ``norad`` with an epoch before ``before`` (the first
    of equal epochs); :class:`~orbitwatch.errors.InputError` ``INPUT_UNKNOWN_NORAD`` naming
    ``source`` when there is none."""
    best: ElementSet | None = None
    for es in sets:
        if es.norad_id == norad and es.epoch < before and (best is None or es.epoch > best.epoch):
            best = es
    if best is None:
        raise InputError(f"no element set of {norad} before {format_utc(before, digits=0)} in {source}",
                         code="INPUT_UNKNOWN_NORAD", source=source, record=norad)
    return best


def _parent_set(
    source: ElementSource, table: ElementTable, parent: int, first: np.datetime64, parent_elements: Path | None,
) -> ElementSet:
    """The parent's element set for a reconstruction whose first fragment epoch is ``first``.

    From ``parent_elements``, its latest set before ``first`` (none is an error); from the
    store, its latest set before ``first``, else its latest set; from catalogs, its row.  A
    set at or after ``first`` is flagged by the reconstruction (``parent_elements``).
    """
    if parent_elements is not None:
        return parent_before(source.element_sets(parent_elements), parent, first, source=str(parent_elements))
    if source.store_given and not source.catalogs:
        try:  # the store keeps history: the parent's last pre-event set
            return source.store(first - np.timedelta64(1, "us"), [parent]).element_set(0)
        except InputError as exc:
            if exc.code != "INPUT_UNKNOWN_NORAD":
                raise
            return source.store(None, [parent]).element_set(0)
    rows = _rows_of(table, parent)
    if len(rows) == 0:
        raise InputError(f"parent {parent} is not in the catalog", code="INPUT_UNKNOWN_NORAD", record=parent)
    return rows.element_set(0)


def _designator(table: ElementTable, parent: int | None) -> str:
    if parent is None:
        raise InputError("give --parent or --fragments-designator", code="INPUT_MISSING", field="parent")
    rows = _rows_of(table, parent)
    if len(rows) == 0 or launch_prefix(rows.cospar_ids[0]) is None:
        raise InputError(f"parent {parent} (with a designator) is not in the catalog; "
                         "give --fragments-designator", code="INPUT_UNKNOWN_NORAD", record=parent)
    return str(launch_prefix(rows.cospar_ids[0]))


def reconstruct(
    source: ElementSource,
    *,
    parent: int | None = None,
    fragments_designator: str | None = None,
    parent_elements: Path | None = None,
    window_start: np.datetime64 | None = None,
    window_end: np.datetime64 | None = None,
    include_all: bool = False,
    nodal_drift: bool = False,
    progress: Progress = None,
) -> BreakupReconstruction:
    """Breakup epoch, place, altitude and delta-v of a launch's fragments (``breakup reconstruct``).

    The fragments are the debris and unknown objects of ``fragments_designator`` (default:
    the launch of ``parent``) in ``source.latest()``, all of its objects but the parent with
    ``include_all``.  The parent's set: its latest before the first fragment epoch in the
    file ``parent_elements``, or in the store's history (else its latest there, flagged
    ``post_event``), or its catalog row.  ``nodal_drift``: date the event from the nodes'
    re-alignment instead (old clouds).
    """
    table = source.latest()
    designator = _designator(table, parent) if fragments_designator is None else fragments_designator
    frag = select_fragments(table, designator, parent=parent, include_all=include_all)
    fields = source.fields([*frag.norad_id.tolist(), *([parent] if parent is not None else [])])
    if nodal_drift:
        return BreakupReconstruction(designator, frag, nodal_drift=nodal_drift_epoch(frag), object_fields=fields)
    par = None if parent is None else _parent_set(source, table, parent, frag.epoch.min(), parent_elements)
    rec = reconstruct_event(frag, par, window_start=window_start, window_end=window_end, progress=progress)
    return BreakupReconstruction(designator, frag, par, event=rec, object_fields=fields)


# ----------------------------------------------------------------------------- simulate
@dataclass(frozen=True)
class SimulatedBreakup:
    """A simulated breakup: the parent's element set, the synthetic cloud and the file written."""

    parent: ElementSet
    parent_rows: ElementTable
    parent_elements: str  # "pre_event" (at or before the epoch) or "post_event" (only a later set was known)
    epoch: np.datetime64
    kind: str
    mass_kg: float
    cloud: SyntheticCloud
    output: Path | None = None
    #: the parent's result fields (:meth:`ElementSource.fields`)
    parent_fields: Mapping[str, Any] = field(default_factory=dict)

    def gabbard_figure(self) -> dict[str, Any]:
        """Panels, title and parent of the simulated cloud's Gabbard diagram (``plot_gabbard`` keywords)."""
        norad = self.parent.norad_id
        return {"panels": [(f"simulated {self.kind}: {len(self.cloud.elements)} fragments", self.cloud.elements)],
                "title": f"Simulated breakup of {self.parent.name or norad} at {format_utc(self.epoch, digits=0)}",
                "parent": (f"parent {norad}", self.parent_rows)}

    def to_dict(self) -> dict[str, Any]:
        """The ``breakup simulate --json`` record."""
        f = self.cloud.fragments
        return {
            "parent_norad": self.parent.norad_id,
            **{f"parent_{k}": v for k, v in {"owner": None, **self.parent_fields}.items()},
            "parent_elements": self.parent_elements,
            "epoch_utc": str(format_utc(self.epoch, digits=0)),
            "kind": self.kind,
            "mass_kg": self.mass_kg,
            "fragments_sampled": len(f),
            "fragments_written": len(self.cloud.elements),
            "fragment_mass_kg": round(float(f.mass_kg.sum()), 1),
            "delta_v_m_s": {"median": round(float(np.median(f.dv_m_s)), 1),
                            "p90": round(float(np.percentile(f.dv_m_s, 90)), 1),
                            "max": round(float(np.max(f.dv_m_s)), 1)},
            "output": None if self.output is None else str(self.output),
        }


def write_cloud(sets: Sequence[ElementSet], path: Path, *, fmt: str = "tle") -> int:
    """Write ``sets`` to ``path`` as 3LE (``tle``) or OMM KVN (``omm``,
    :func:`orbitwatch.catalog.export.export_element_sets`); returns how many were written."""
    if fmt not in CLOUD_FORMATS:
        raise InputError(f"--format must be tle or omm, not {fmt!r}", field="format")
    out = export_element_sets(sets, "tle" if fmt == "tle" else "omm-kvn")
    path.write_text(out.text, encoding="ascii" if fmt == "tle" else "utf-8")
    return out.written


def simulate(
    source: ElementSource,
    *,
    parent: int,
    epoch: Any,
    mass_kg: float,
    kind: str = "collision",
    seed: int = 0,
    lc_min_m: float = 0.1,
    parent_type: str = "spacecraft",
    output: Path | None = None,
    fmt: str = "tle",
) -> SimulatedBreakup:
    """A synthetic debris cloud of ``parent`` breaking up at ``epoch`` (``breakup simulate``).

    The parent's set is its latest at or before ``epoch`` in ``source.latest(epoch)``; when
    only later sets are known, the latest one, flagged ``post_event``.  With ``output`` the
    cloud is written there (:func:`write_cloud`, format ``fmt``).
    """
    if fmt not in CLOUD_FORMATS:
        raise InputError(f"--format must be tle or omm, not {fmt!r}", field="format")
    t0 = as_utc(epoch, what="--epoch")
    rows, when = _rows_of(source.latest(t0), parent), "pre_event"
    if len(rows) == 0:
        rows, when = _rows_of(source.latest(), parent), "post_event"
    if len(rows) == 0:
        raise InputError(f"parent {parent} is not in the catalog", code="INPUT_UNKNOWN_NORAD", record=parent)
    es = rows.element_set(0)
    cloud = simulate_breakup(es, t0, mass_kg, kind, seed=seed, lc_min_m=lc_min_m,  # type: ignore[arg-type]
                             parent_type=parent_type)
    if output is not None:
        write_cloud(cloud.element_sets(), output, fmt=fmt)
    return SimulatedBreakup(es, rows.take(np.array([0])), when, t0, kind, mass_kg, cloud, output,
                            source.fields([parent]).get(parent, {}))


# ----------------------------------------------------------------------------- gabbard
@dataclass(frozen=True)
class GabbardSeries:
    """One launch's objects in each catalog: the panels of a Gabbard diagram and their summaries.

    ``panels``: (title, rows) per catalog; ``xlim``/``ylim``: the frame (period in minutes,
    altitude in km), None for the plot's own.
    """

    designator: str
    panels: list[tuple[str, ElementTable]]
    summaries: list[dict[str, Any]]
    xlim: tuple[float, float] | None = None
    ylim: tuple[float, float] | None = None
    catalogs: list[Path] = field(default_factory=list)

    #: the columns of :meth:`summary_rows`
    SUMMARY_COLUMNS = ("catalog", "objects", "incl median (deg)", "RAAN std (deg)", "perigee..apogee (km)")

    def summary_rows(self) -> list[tuple[object, ...]]:
        """One row per catalog (file name, objects, plane and altitude band) for a human-readable table."""
        return [(Path(str(r["catalog"])).name, r["pieces"], f"{r['inclination_deg_median']:.2f}",
                 f"{r['raan_deg_circular_std']:.1f}",
                 f"{r['perigee_km_range'][0]:.0f}..{r['apogee_km_range'][1]:.0f}") for r in self.summaries]

    def gabbard_figure(self, *, title: str | None = None) -> dict[str, Any]:
        """Panels, title and frame of the diagram (``plot_gabbard`` keywords)."""
        return {"panels": self.panels, "title": title or f"Gabbard diagram of launch {self.designator}",
                "xlim": self.xlim, "ylim": self.ylim}

    def to_dict(self, *, plot: Path | None = None) -> dict[str, Any]:
        """The ``breakup gabbard --json`` record (``plot``: the figure written)."""
        return {"designator": self.designator, "plot": None if plot is None else str(plot),
                "catalogs": self.summaries}


def gabbard(
    source: ElementSource,
    *,
    catalogs: Sequence[Path],
    designator: str,
    labels: Sequence[str] | None = None,
    max_period_min: float | None = None,
    max_altitude_km: float | None = None,
) -> GabbardSeries:
    """The objects of launch ``designator`` in each of ``catalogs`` (``breakup gabbard``).

    Panel titles: ``labels`` (one per catalog) with the object count, else the median epoch's
    date and the count.  The frame runs from 1 minute below the shortest period to
    ``max_period_min`` and from 0 to ``max_altitude_km`` (both or neither).
    """
    if labels and len(labels) != len(catalogs):
        raise InputError(f"{len(labels)} --label for {len(catalogs)} --catalog", field="label")
    panels: list[tuple[str, ElementTable]] = []
    summaries: list[dict[str, Any]] = []
    for k, path in enumerate(catalogs):
        cloud = select_launch(source.files([path], None), designator)
        if len(cloud) == 0:
            raise InputError(f"no object of launch {designator} in {path}", code="INPUT_EMPTY", source=str(path))
        s = cloud_summary(cloud)
        summaries.append({"catalog": str(path), **s.to_dict()})
        default = f"{format_utc(s.median_epoch, digits=0)[:10]}: {len(cloud)} objects"
        panels.append((f"{labels[k]}: {len(cloud)} objects" if labels else default, cloud))
    shortest = min(float(period_min(np.max(c.mean_motion_rev_per_day))) for _, c in panels)
    xlim = None if max_period_min is None else (shortest - 1.0, max_period_min)
    ylim = None if max_altitude_km is None else (0.0, max_altitude_km)
    if (xlim is None) != (ylim is None):
        raise InputError("give --max-period-min and --max-altitude-km together", field="max_period_min")
    return GabbardSeries(designator, panels, summaries, xlim, ylim, list(catalogs))


# ----------------------------------------------------------------------------- risk
def risk(
    source: ElementSource,
    *,
    assets: Sequence[int],
    start: Any,
    end: Any,
    cloud_designator: str | None = None,
    cloud_file: Path | None = None,
    threshold_km: float = 5.0,
    min_relative_speed_km_s: float = CO_MOVING_MIN_SPEED_KM_S,
    progress: Progress = None,
) -> CloudRisk:
    """The assets' conjunctions with the background and with a cloud over ``[start, end]`` (``breakup risk``).

    The cloud is launch ``cloud_designator``'s objects in ``source.latest()``, or the file
    ``cloud_file`` (e.g. from :func:`simulate`), whose objects replace any of the same
    number in the catalog.  Give exactly one of the two.
    """
    if (cloud_designator is None) == (cloud_file is None):
        raise InputError("give one of --cloud-designator and --cloud", field="cloud")
    table = source.latest()
    if cloud_file is not None:
        sim = source.files([cloud_file], None)
        table = concat_tables(table.take(~np.isin(table.norad_id, sim.norad_id)), sim)
        ids = sim.norad_id
    else:
        ids = select_launch(table, str(cloud_designator)).norad_id
        if ids.size == 0:
            raise InputError(f"no object of launch {cloud_designator} in the catalog", code="INPUT_EMPTY",
                             field="cloud_designator")
    res = cloud_conjunction_rates(table, ids, assets, start, end, threshold_km,
                                  min_relative_speed_km_s=min_relative_speed_km_s, progress=progress)
    named = [*assets, *(n for c in res.cloud_conjunctions for n in (c.norad_1, c.norad_2))]
    return dataclasses.replace(res, object_fields=source.fields(named))
