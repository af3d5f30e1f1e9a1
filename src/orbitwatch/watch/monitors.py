"""Each monitor of a watch cycle: one library call, its results turned into findings.

No science here: screening is :func:`orbitwatch.screening.screen` with
:func:`orbitwatch.risk.conjunctions.conjunction_risk` for Pc (TLE error models fitted
from each object's own history, :func:`orbitwatch.risk.covariance.estimate_tle_uncertainty`);
manoeuvres :func:`orbitwatch.detection.maneuvers.detect_maneuvers`; RPO
:func:`orbitwatch.detection.proximity.monitor_rpo`; fragmentations and new objects
:func:`orbitwatch.detection.fragmentation.detect_fragmentations`.  This module decides
only what becomes a :class:`~orbitwatch.store.events.Finding`: its key, time span,
severity, summary, details and evidence (the library's own result JSON).

Severities (:data:`orbitwatch.store.events.SEVERITIES`): conjunction ``high`` at
Pc >= 1e-4 (the common manoeuvre threshold), ``medium`` at Pc >= 1e-6 or a miss under
1 km, else ``low``; manoeuvre ``medium`` for relocations, orbit raising and deorbits, else
``low``; RPO by score (``high`` >= 0.7, ``medium`` >= 0.4); fragmentation ``high``;
decay ``low``; new objects ``info``.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np

from orbitwatch.api import (
    ElementSet,
    ElementTable,
    Store,
    as_utc,
    conjunction_risk,
    detect_maneuvers,
    estimate_tle_uncertainty,
    format_utc,
    monitor_rpo,
    read_hbr_table,
    screen,
)
from orbitwatch.catalog.history import MAX_SCREENING_AGE_DAYS, element_age_days, stale_limit_days
from orbitwatch.detection.breakup_model import launch_prefix
from orbitwatch.detection.elements import apogee_perigee_altitude_km
from orbitwatch.detection.fragmentation import FragmentationEvent, ObjectFacts, detect_fragmentations
from orbitwatch.detection.maneuvers import ManeuverConfig, ManeuverReport, sort_history
from orbitwatch.risk.covariance import TLEUncertainty
from orbitwatch.store.events import MATCH_TOLERANCE_S, Finding, find_events, strict_json_value
from orbitwatch.times import US_PER_DAY, UTC_DTYPE
from orbitwatch.watch.config import WatchConfig

__all__ = [
    "conjunction_findings",
    "decay_findings",
    "fragmentation_findings",
    "maneuver_findings",
    "rpo_findings",
]

_US_DAY = US_PER_DAY
#: manoeuvre kinds raised before the detector's window after the gap is full (large changes
#: of drift rate or orbit that an outlying set rarely mimics; the ones users act on)
_ALERT_EARLY = ("relocation", "orbit-raising", "deorbit")
PC_HIGH = 1e-4
PC_MEDIUM = 1e-6
MISS_MEDIUM_KM = 1.0


def _utc(t: np.datetime64) -> str:
    return str(format_utc(t, digits=3))


def _days(days: float) -> np.timedelta64:
    return np.timedelta64(round(days * _US_DAY), "us")


def _history(store: Store, ids: Sequence[int], since: np.datetime64) -> ElementTable:
    sets: list[ElementSet] = []
    for _, hist in store.iter_history(ids):
        sets.extend(s for s in hist if s.epoch >= since)
    return sort_history(sets)


# --------------------------------------------------------------------------- conjunctions


def _conjunction_severity(pc: float | None, miss_km: float) -> str:
    if pc is not None and pc >= PC_HIGH:
        return "high"
    if (pc is not None and pc >= PC_MEDIUM) or miss_km < MISS_MEDIUM_KM:
        return "medium"
    return "low"


def conjunction_findings(
    store: Store, catalog: ElementTable, t: np.datetime64, cfg: WatchConfig
) -> tuple[list[Finding], dict[str, Any]]:
    """Screening of the primaries against ``catalog`` (one set per object) over
    ``[t, t + days]``, with Pc; one finding per conjunction."""
    sc = cfg.screening
    fresh = element_age_days(catalog.epoch, t) <= MAX_SCREENING_AGE_DAYS
    table = catalog.take(fresh)
    stats: dict[str, Any] = {"catalog_objects": len(table), "left_out_stale": int((~fresh).sum())}
    if sc.primaries == "all":
        primaries: list[int] | None = None
    elif sc.primaries == "payloads":
        primaries = [int(n) for n, k in zip(table.norad_id, table.object_types, strict=True) if k == "PAYLOAD"]
    else:
        present = set(table.norad_id.tolist())
        primaries = [n for n in cfg.watchlist if n in present]
        stats["watchlist_absent"] = [n for n in cfg.watchlist if n not in present]
    if len(table) < 2 or (primaries is not None and not primaries):
        stats["primaries"] = 0 if primaries is not None else len(table)
        return [], stats
    stats["primaries"] = len(table) if primaries is None else len(primaries)
    end = t + _days(sc.days)
    result = screen(table, t, end, sc.threshold_km, primaries=primaries, exclude_co_moving=sc.exclude_co_moving)
    conj = result.conjunctions
    stats["conjunctions"] = len(conj)
    pcs: list[dict[str, Any]] = [{} for _ in conj]
    if sc.pc and conj:
        hbr_table = None
        if sc.hbr_table:
            from orbitwatch.sources.files import open_lines

            with open_lines(sc.hbr_table) as lines:
                hbr_table = read_hbr_table(lines, source=sc.hbr_table)
        models: dict[int, TLEUncertainty] = {}
        for norad, hist in store.iter_history(sorted({c.norad_1 for c in conj} | {c.norad_2 for c in conj})):
            hist = [s for s in hist if s.epoch <= t]
            if len(hist) > 1:
                models[norad] = estimate_tle_uncertainty(hist)
        risk = conjunction_risk(
            table, [c.norad_1 for c in conj], [c.norad_2 for c in conj],
            np.array([c.tca for c in conj], dtype=UTC_DTYPE), method=sc.pc_method, hbr_table=hbr_table,
            uncertainties=models,
        )
        pcs = [risk.row(k) for k in range(len(conj))]
    window = {"start_utc": _utc(result.start), "end_utc": _utc(result.end), "threshold_km": sc.threshold_km}
    findings = []
    for c, pcf in zip(conj, pcs, strict=True):
        a, b = sorted((c.norad_1, c.norad_2))
        pc = pcf.get("pc")
        record = {
            **c.to_dict(), "in_track_km": c.in_track_km, "cross_track_km": c.cross_track_km,
            "approach_angle_deg": c.approach_angle_deg, "epoch_age_1_d": c.epoch_age_1_d,
            "epoch_age_2_d": c.epoch_age_2_d, **pcf,
        }
        pc_text = "" if pc is None else f", Pc {pc:.2e}"
        findings.append(Finding(
            type="conjunction", dedupe_key=f"{a}-{b}", time=c.tca, norads=(c.norad_1, c.norad_2),
            names=(c.name_1, c.name_2), severity=_conjunction_severity(pc, c.miss_distance_km),
            summary=(f"{c.name_1 or c.norad_1} and {c.name_2 or c.norad_2}: {c.miss_distance_km:.3f} km at "
                     f"{c.tca_utc}{pc_text}"),
            details={"tca_utc": c.tca_utc, "miss_distance_km": c.miss_distance_km,
                     "relative_speed_km_s": c.relative_speed_km_s, "pc": pc, "screening": window},
            evidence=strict_json_value(record),
            history_point={"tca_utc": c.tca_utc, "miss_distance_km": c.miss_distance_km, "pc": pc},
        ))
    return findings, stats


# --------------------------------------------------------------------------- manoeuvres


def _known_maneuver(store: Store, norad: int, lo: np.datetime64, hi: np.datetime64) -> bool:
    tol = MATCH_TOLERANCE_S["maneuver"] or 0.0
    pad = np.timedelta64(round(tol * 1e6), "us")
    for ev in find_events(store, "maneuver", str(norad)):
        b = np.datetime64(ev.details["epoch_before_utc"].rstrip("Z"), "us")
        a = np.datetime64(ev.details["epoch_after_utc"].rstrip("Z"), "us")
        if b < hi + pad and a > lo - pad:
            return True
    return False


def maneuver_findings(
    store: Store, changed: dict[int, np.datetime64], t: np.datetime64, cfg: WatchConfig
) -> tuple[list[Finding], ManeuverReport | None, dict[str, Any]]:
    """Manoeuvres of the objects with new element sets (``changed``: NORAD id -> earliest
    epoch among its new sets), from their histories over ``lookback_days``.  A small
    manoeuvre (station-keeping, in-plane, out-of-plane) waits until the detector's
    ``window`` sets after its gap exist (at the end of a history a lone outlying set looks
    like a step until the sets after it arrive); a relocation, orbit raising or deorbit is
    raised as soon as the detector sees it (:data:`_ALERT_EARLY`).  A detection becomes a
    finding when the new sets are among those it rests on (the cycle whose data first
    shows a manoeuvre raises it), or, flagged
    ``detected_late``, when it rests on older sets but no stored event has it yet (the
    object's noise model, learnt from more history, now shows it).  Older detections that
    are already events are left alone, so past events do not churn every cycle."""
    mc = cfg.maneuvers
    ids = sorted(n for n in changed if mc.scope == "all" or n in cfg.watchlist)
    if not ids:
        return [], None, {"objects": 0}
    table = _history(store, ids, t - _days(mc.lookback_days))
    if len(table) == 0:
        return [], None, {"objects": 0}
    det_cfg = ManeuverConfig(z_threshold=mc.z_threshold)
    report = detect_maneuvers(table, config=det_cfg)
    us = table.epoch.astype(np.int64)
    findings = []
    for e in report.events:
        rows = np.flatnonzero(table.norad_id == e.norad_id)
        epochs = us[rows]
        after_idx = int(np.searchsorted(epochs, int(e.epoch_after.astype(UTC_DTYPE).astype(np.int64))))
        first_new = int(np.searchsorted(epochs, int(changed[e.norad_id].astype(UTC_DTYPE).astype(np.int64))))
        if after_idx + det_cfg.window > epochs.shape[0] and e.kind not in _ALERT_EARLY:
            continue  # fewer than `window` sets after the gap yet: the next cycles decide
        late = after_idx + det_cfg.window - 1 < first_new
        if late and _known_maneuver(store, e.norad_id, e.epoch_before, e.epoch_after):
            continue  # rests only on sets of earlier cycles and was raised then: no churn
        severity = "medium" if e.kind in ("relocation", "orbit-raising", "deorbit") else "low"
        record = {**e.to_dict(), "regime": e.regime, "detected_late": late, "epoch_before_utc": _utc(e.epoch_before),
                  "epoch_after_utc": _utc(e.epoch_after), "delta_v_in_plane_m_s": e.delta_v_in_plane_m_s,
                  "delta_v_out_of_plane_m_s": e.delta_v_out_of_plane_m_s}
        findings.append(Finding(
            type="maneuver", dedupe_key=str(e.norad_id), time=e.epoch, span_lo=e.epoch_before,
            span_hi=e.epoch_after, norads=(e.norad_id,), names=(e.name,), severity=severity,
            summary=f"{e.name or e.norad_id}: {e.kind} manoeuvre at {e.epoch_utc}, dv >= {e.delta_v_m_s:.3f} m/s",
            details=strict_json_value(record),
            evidence=strict_json_value(e.evidence),
            history_point={"epoch_utc": e.epoch_utc, "kind": e.kind, "delta_v_m_s": e.delta_v_m_s,
                           "confidence": e.confidence},
        ))
    return findings, report, {"objects": len(ids), "detected": len(report.events), "raised": len(findings)}


# --------------------------------------------------------------------------- RPO


def _rpo_severity(score: float) -> str:
    return "high" if score >= 0.7 else "medium" if score >= 0.4 else "low"


def rpo_findings(
    store: Store, changed: dict[int, np.datetime64], catalog: ElementTable, t: np.datetime64, cfg: WatchConfig
) -> tuple[list[Finding], dict[str, Any]]:
    """RPO episodes involving the objects with new element sets (``rpo.scope``), from the
    histories over ``lookback_days`` of every object of the catalog (in the regime)."""
    rc = cfg.rpo
    ids = sorted(n for n in changed if rc.scope == "all" or n in cfg.watchlist)
    if not ids:
        return [], {"objects": 0}
    fresh = catalog.norad_id[element_age_days(catalog.epoch, t) <= rc.lookback_days]
    table = _history(store, fresh.tolist(), t - _days(rc.lookback_days))
    present = set(table.norad_id.tolist())
    ids = [n for n in ids if n in present]
    if not ids or len(present) < 2:
        return [], {"objects": 0}
    report = monitor_rpo(table, norad=ids, regime=rc.regime)
    findings = []
    for ep in report.episodes:
        record = ep.to_dict()
        findings.append(Finding(
            type="rpo", dedupe_key=f"{ep.norad_1}-{ep.norad_2}:{ep.kind}", time=ep.start, span_lo=ep.start,
            span_hi=ep.end, norads=(ep.norad_1, ep.norad_2), names=(ep.name_1, ep.name_2),
            severity=_rpo_severity(ep.score),
            summary=(f"{ep.kind}: {ep.name_1 or ep.norad_1} and {ep.name_2 or ep.norad_2}, min "
                     f"{ep.min_range_km:.1f} km at {_utc(ep.min_range_time)}, score {ep.score:.2f}"),
            details=strict_json_value({k: v for k, v in record.items() if k != "evidence"}),
            evidence=strict_json_value(record["evidence"]),
            history_point={"end_utc": _utc(ep.end), "min_range_km": ep.min_range_km, "score": ep.score},
        ))
    return findings, {"objects": len(ids), "candidate_pairs": report.candidate_pairs, "episodes": len(findings)}


# --------------------------------------------------------------------------- new objects, fragmentation


def _facts(store: Store, ids: Sequence[int]) -> dict[int, ObjectFacts]:
    out: dict[int, ObjectFacts] = {}
    for n, m in store.metadata_for(ids).items():
        if m.object_type is None and m.launch_date is None:
            continue
        out[n] = ObjectFacts(n, m.name, m.cospar_id, m.object_type,
                             None if not m.launch_date else as_utc(m.launch_date + "T00:00:00Z"),
                             None if not m.decay_date else as_utc(m.decay_date + "T00:00:00Z"))
    return out


def _members(store: Store, kind: str, key: str, new: Sequence[int]) -> list[int]:
    """This cycle's members united with those of the stored event of the same key."""
    members = {int(n) for n in new}
    for ev in find_events(store, kind, key):
        members.update(int(n) for n in ev.details.get("members", []))
    return sorted(members)


def fragmentation_findings(
    store: Store, before: ElementTable, after: ElementTable, cfg: WatchConfig
) -> tuple[list[Finding], dict[str, Any]]:
    """New objects (in ``after``, absent from ``before``): clusters of a breakup become
    ``fragmentation`` findings (key: the launch), every other new object a ``new_object``
    finding grouped by launch (the cluster's kind when it is one)."""
    known = set(before.norad_id.tolist())
    new_mask = np.array([int(n) not in known for n in after.norad_id], dtype=bool)
    new_ids = after.norad_id[new_mask].tolist()
    stats: dict[str, Any] = {"new_objects": len(new_ids)}
    if not new_ids:
        return [], stats
    clusters: list[FragmentationEvent] = []
    if cfg.fragmentation.enabled:
        launches = {launch_prefix(c) for c in after.cospar_ids[new_mask]} - {None}
        related = [int(n) for n, c in zip(after.norad_id, after.cospar_ids, strict=True)
                   if launch_prefix(c) in launches]
        clusters = detect_fragmentations(before, after, min_pieces=cfg.fragmentation.min_pieces,
                                         satcat=_facts(store, related))
    findings: list[Finding] = []
    epoch_of = dict(zip(after.norad_id.tolist(), after.epoch, strict=True))
    name_of = dict(zip(after.norad_id.tolist(), after.names, strict=True))
    claimed: dict[int, FragmentationEvent] = {}
    for ev in clusters:
        for n in ev.new_norad_ids.tolist():
            claimed[int(n)] = ev
        if ev.kind != "fragmentation":
            continue
        record = strict_json_value(ev.to_dict())
        members = _members(store, "fragmentation", ev.launch, ev.new_norad_ids.tolist())
        first = min(epoch_of[n] for n in ev.new_norad_ids.tolist())
        parent = () if ev.parent_norad is None else (int(ev.parent_norad),)
        findings.append(Finding(
            type="fragmentation", dedupe_key=ev.launch, time=first,
            norads=parent + tuple(n for n in members if n not in parent),
            severity="high",
            summary=(f"fragmentation of {ev.parent_name or ev.launch} ({ev.launch}): {len(members)} new pieces"
                     f"{'' if ev.parent_norad is None else f', parent {ev.parent_norad} by {ev.attribution}'}"),
            details={"launch": ev.launch, "parent_norad": ev.parent_norad, "parent_name": ev.parent_name,
                     "attribution": ev.attribution, "pieces": len(members), "members": members,
                     "event_window": record["event_window"]},
            evidence=record,
            history_point={"pieces_new": ev.pieces},
        ))
        stats["fragmentations"] = stats.get("fragmentations", 0) + 1
    if cfg.new_objects.enabled:
        groups: dict[str, list[int]] = {}
        kinds: dict[str, str] = {}
        for n, c in zip(after.norad_id[new_mask].tolist(), after.cospar_ids[new_mask], strict=True):
            cluster = claimed.get(int(n))
            if cluster is not None and cluster.kind == "fragmentation":
                continue
            key = launch_prefix(c) or f"norad:{n}"
            groups.setdefault(key, []).append(int(n))
            if cluster is not None:
                kinds[key] = cluster.kind
        for key, ids in sorted(groups.items()):
            members = _members(store, "new_object", key, ids)
            first = min(epoch_of[n] for n in ids)
            names = sorted({str(name_of[n]) for n in ids if name_of[n]})
            findings.append(Finding(
                type="new_object", dedupe_key=key, time=first, norads=tuple(members),
                severity="info",
                summary=(f"{len(members)} new object(s) of {key}" + (f": {', '.join(names[:3])}" if names else "")
                         + ("..." if len(names) > 3 else "")),
                details={"launch": None if key.startswith("norad:") else key, "members": members,
                         "kind": kinds.get(key, "new_object")},
                evidence={"new_this_cycle": sorted(ids)},
                history_point={"new": len(ids)},
            ))
        stats["new_object_groups"] = len(groups)
    return findings, stats


# --------------------------------------------------------------------------- decays


def decay_findings(
    after: ElementTable, changed: dict[int, np.datetime64], t: np.datetime64, t_prev: np.datetime64 | None,
    cfg: WatchConfig,
) -> tuple[list[Finding], dict[str, Any]]:
    """Decays: an object whose new element set has its perigee below ``decay.perigee_km``, or
    that stopped appearing: its latest set was fresh at the previous cycle (``t_prev``), no
    set came since, and it is stale now (14 d LEO, 30 d above).  An object whose newest set
    arrived already stale (a snapshot's rarely tracked objects) has not stopped appearing."""
    limit = cfg.decay.perigee_km
    _, perigee = apogee_perigee_altitude_km(after.mean_motion_rev_per_day, after.eccentricity, after.inclination_deg)
    stale = stale_limit_days(after.mean_motion_rev_per_day)
    age = element_age_days(after.epoch, t)
    low = np.array([int(n) in changed for n in after.norad_id], dtype=bool) & (perigee < limit)
    gone = np.zeros(len(after), dtype=bool)
    if t_prev is not None:
        # fresh at the previous cycle, no set since, stale now: it stopped appearing in between
        age_prev = element_age_days(after.epoch, t_prev)
        gone = (age > stale) & (age_prev >= 0) & (age_prev <= stale)
    findings = []
    for k in np.flatnonzero(low | gone):
        n = int(after.norad_id[k])
        reason = "perigee_below_limit" if low[k] else "stopped_appearing"
        last = _utc(after.epoch[k])
        text = (f"perigee {perigee[k]:.0f} km below {limit:g} km" if low[k]
                else f"no element set since {last} ({age[k]:.0f} d, stale after {stale[k]:g} d)")
        findings.append(Finding(
            type="decay", dedupe_key=str(n), time=after.epoch[k], norads=(n,), names=(after.names[k],),
            severity="low", summary=f"{after.names[k] or n}: decay, {text}",
            details={"reason": reason, "last_epoch_utc": last, "perigee_km": float(perigee[k]),
                     "age_days": float(age[k])},
            evidence={"perigee_limit_km": limit, "stale_limit_days": float(stale[k])},
        ))
    return findings, {"perigee_below_limit": int(low.sum()), "stopped_appearing": int(gone.sum())}
