"""Breakup reconstruction verdicts and honest intervals (issue 11, acceptance 2).

Public event times used as truth (never the code under test):

* COSMOS 1408 (1982-092A) destroyed by a Russian direct-ascent ASAT on 2021-11-15 at about
  02:47 UTC (the intercept minute of the trackers' reports quoted in issue 11; the missile
  was launched from Plesetsk "between 0200 and 0500 UTC", sat-nd.com, 15 Nov 2021,
  http://sat-nd.com/archive/display.php?id=2021111500).  Truth window: the minute
  02:47:00-02:48:00.
* Fengyun 1C destroyed by a Chinese ASAT on 2007-01-11 (NASA ODPO, Orbital Debris Quarterly
  News 11(2), April 2007) at 22:26 UTC (T. S. Kelso, "Analysis of the 2007 Chinese ASAT Test
  and the Impact of its Debris on the Space Environment", AMOS 2007).
* Iridium 33 and Cosmos 2251 collided on 2009-02-10 16:56 UTC at 789 km (NASA ODPO, ODQN
  13(2), April 2009, "Satellite collision leaves significant debris clouds").
* Microsat-R destroyed by India's "Mission Shakti" ASAT on 2019-03-27 (ODQN 23(2), May
  2019) at about 05:40 UTC (11:10 IST, the time given in issue 11).  Truth window
  05:30-06:00 UTC.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from orbitwatch.catalog.model import ElementSet, ElementTable
from orbitwatch.catalog.reader import read_element_sets
from orbitwatch.detection import fragmentation as fr
from orbitwatch.sources.files import read_catalog_files
from orbitwatch.times import parse_utc

FRAG = "fragmentation"
MINUTE_1408 = (parse_utc("2021-11-15T02:47:00Z"), parse_utc("2021-11-15T02:48:00Z"))


def _sets(path: Path) -> list[ElementSet]:
    with path.open() as fh:
        return list(read_element_sets(fh, source=str(path)))


def _pre_event(shared_data: Path, norad: int) -> ElementSet:
    sets = [s for s in _sets(shared_data / FRAG / "parent-objects-pre-event.tle") if s.norad_id == norad]
    return max(sets, key=lambda s: s.epoch)


def _debris(table: ElementTable, designator: str) -> ElementTable:
    cloud = fr.select_launch(table, designator)
    return cloud.take(np.array(["DEB" in (n or "") for n in cloud.names]))


def _covers(rec: fr.EventReconstruction, lo: np.datetime64, hi: np.datetime64) -> bool:
    """The reported interval overlaps the truth window [lo, hi]."""
    a, b = rec.epoch_interval
    return (a is None or a <= hi) and (b is None or b >= lo)


@pytest.fixture(scope="module")
def early_variants(shared_data: Path) -> dict[str, fr.EventReconstruction]:
    """The early COSMOS 1408 fragments (103, 2-15 days after) with the parent's pre-event set
    (2021-11-15 00:55), its post-event set (2021-11-29, in the same file) and without it."""
    sets = _sets(shared_data / FRAG / "cosmos-1408-debris-early-2021-11-30.tle")
    early = ElementTable.from_element_sets(s for s in sets if s.norad_id not in (13552, 13553))
    post = next(s for s in sets if s.norad_id == 13552)
    start = "2021-11-14T00:00:00Z"
    return {
        "pre-event parent": fr.reconstruct_event(early, _pre_event(shared_data, 13552)),
        "post-event parent": fr.reconstruct_event(early, post, window_start=start),
        "no parent": fr.reconstruct_event(early, None, window_start=start),
    }


def test_cosmos_1408_early_is_reconstructed_and_intervals_cover_every_variant(
        early_variants: dict[str, fr.EventReconstruction]) -> None:
    """Every variant's interval holds every variant's epoch (before issue 11 they spanned 28 s
    while each claimed +-4-14 s) and overlaps the public minute 02:47."""
    epochs = [r.event_epoch for r in early_variants.values()]
    for name, rec in early_variants.items():
        assert rec.verdict == "reconstructed", name
        lo, hi = rec.epoch_interval
        assert lo is not None and hi is not None
        assert all(lo <= t <= hi for t in epochs), (name, rec.to_dict()["epoch_interval_utc"])
        assert _covers(rec, *MINUTE_1408), name
        # Still a result, not a shrug: within about a minute.
        assert rec.epoch_uncertainty_s < 90.0, name
        d = rec.to_dict()
        assert d["verdict"] == "reconstructed" and d["event_epoch_utc"].startswith("2021-11-15T02:4")
        assert {v["variant"] for v in d["variants"]} >= {"earlier half of fragment epochs",
                                                          "later half of fragment epochs"}


def test_cosmos_1408_posigrade_fraction(early_variants: dict[str, fr.EventReconstruction],
                                        shared_data: Path) -> None:
    """The along-track skew, checked against the mean motions alone: a piece pushed forward
    has a longer period than the parent (Gauss, dn/n = -3 dv_t/v), so the fraction with
    n < n_parent (pre-event set) is the posigrade fraction up to drag over the 2-15 days and
    radial kicks (measured 0.69 from the mean motions vs 0.77 reconstructed; tolerance 0.1).
    LeoLabs reported the cloud skewed posigrade ("Part II - New Observations on Cosmos 1408
    Breakup", LeoLabs blog, 2021-11-19): both must be above one half."""
    rec = early_variants["pre-event parent"]
    sets = _sets(shared_data / FRAG / "cosmos-1408-debris-early-2021-11-30.tle")
    early = ElementTable.from_element_sets(s for s in sets if s.norad_id not in (13552, 13553))
    n0 = _pre_event(shared_data, 13552).mean_motion_rev_per_day
    ref = float(np.mean(early.mean_motion_rev_per_day < n0))
    assert abs(rec.posigrade_fraction - ref) < 0.1
    assert rec.posigrade_fraction > 0.5 and ref > 0.5
    d = rec.to_dict()
    assert d["posigrade_fraction"] == pytest.approx(rec.posigrade_fraction, abs=1e-3)
    assert len(d["per_fragment_delta_v"]) == 103
    along = [p["along_track_m_s"] for p in d["per_fragment_delta_v"] if p["along_track_m_s"] is not None]
    assert np.mean(np.array(along) > 0) == pytest.approx(rec.posigrade_fraction, abs=1e-9)


def test_cosmos_1408_two_months_later_is_ambiguous_with_an_interval_holding_the_event(shared_data: Path) -> None:
    """The 2022-01-22 subset (1,214 DEB, ~2 months after) with the pre-event parent set: the
    orbits still meet (small residual) but several revolutions fit: ``ambiguous_revolution``
    whose interval spans them and holds 02:47 (before: 01:13 UTC, one revolution early, +-64 s)."""
    table, _ = read_catalog_files([shared_data / FRAG / "cosmos-1408-debris-2022-01-22.tle.gz"])
    rec = fr.reconstruct_event(_debris(table, "1982-092"), _pre_event(shared_data, 13552),
                               max_coarse_fragments=150, max_fine_fragments=200)
    assert rec.verdict == "ambiguous_revolution"
    assert _covers(rec, *MINUTE_1408)
    d = rec.to_dict()
    assert d["longitude_deg"] is None  # a revolution off moves the longitude by ~24 deg
    assert d["candidate_revolutions"] >= 2
    assert rec.epoch_uncertainty_s > 3600.0


@pytest.mark.parametrize(
    ("name", "file", "designator", "parent", "truth"),
    [
        ("Fengyun 1C", "fengyun-1c-debris-2019-12-19.tle.gz", "1999-025", None,
         ("2007-01-11T22:26:00Z", "2007-01-11T22:27:00Z")),
        ("Iridium 33", "iridium-33-cosmos-2251-debris-2019-12-19.tle.gz", "1997-051", 24946,
         ("2009-02-10T16:56:00Z", "2009-02-10T16:57:00Z")),
        ("Cosmos 2251", "iridium-33-cosmos-2251-debris-2019-12-19.tle.gz", "1993-036", 22675,
         ("2009-02-10T16:56:00Z", "2009-02-10T16:57:00Z")),
        ("Microsat-R", "microsat-r-debris-2019-12-19.tle", "2019-006", None,
         ("2019-03-27T05:30:00Z", "2019-03-27T06:00:00Z")),
    ],
)
def test_old_clouds_give_no_precise_wrong_answer(shared_data: Path, name: str, file: str, designator: str,
                                                 parent: int | None, truth: tuple[str, str]) -> None:
    """The 2019-12-19 clouds (9 months to 13 years after): ``failed`` or ``ambiguous_revolution``,
    an interval that holds the public event time, and never a point epoch whose claimed
    uncertainty is smaller than its error (before: Iridium 33 in the wrong hemisphere,
    Fengyun 1C with an 11 km/s delta-v, all labelled only AMBIGUOUS with a few seconds)."""
    table, _ = read_catalog_files([shared_data / FRAG / file], lenient=True)
    cloud = _debris(table, designator)
    par = None if parent is None else _pre_event(shared_data, parent)
    rec = fr.reconstruct_event(cloud, par, max_coarse_fragments=100, max_fine_fragments=100)
    lo, hi = parse_utc(truth[0]), parse_utc(truth[1])
    assert rec.verdict in ("failed", "ambiguous_revolution"), rec.verdict_reason
    assert _covers(rec, lo, hi), rec.to_dict()["epoch_interval_utc"]
    d = rec.to_dict()
    if d["event_epoch_utc"] is not None:
        err_s = abs(float((rec.event_epoch - lo).astype(np.int64)) / 1e6)
        assert d["epoch_uncertainty_s"] >= err_s - 60.0
    if rec.verdict == "failed":
        assert d["event_epoch_utc"] is None and d["latitude_deg"] is None
        assert d["delta_v_m_s"]["median"] is None and d["per_fragment_delta_v"] == []
    # What can still be said: the plane and the Gabbard centre, from the SATCAT-free element sets.
    k = d["known"]
    assert k["parent_launch"] == designator
    assert abs(k["inclination_deg_median"] - float(np.median(cloud.inclination_deg))) < 1e-3
    assert d["verdict_reason"]
    rows = dict(rec.summary_rows())  # the table the CLI prints: verdict first, '-' for nulls
    assert next(iter(rows)) == "verdict" and rows["verdict"].startswith(rec.verdict)
    assert not any("None" in v or "nan" in v for v in rows.values())


def test_long_windows_are_not_searched_with_multi_hour_steps(shared_data: Path) -> None:
    """Cosmos 2251 with its 2009-02-09 set and the default window (10.9 years to the 2019
    fragments): no 4.8-hour-step search any more; ``failed`` at once, the interval is the
    window (parent's last set .. first fragment epoch), and the search step used is reported
    (none).  A narrow window is searched at <= 1/8 period and still fails (orbits 10 years
    apart do not meet)."""
    table, _ = read_catalog_files([shared_data / FRAG / "iridium-33-cosmos-2251-debris-2019-12-19.tle.gz"])
    cloud = _debris(table, "1993-036")
    par = _pre_event(shared_data, 22675)
    rec = fr.reconstruct_event(cloud, par)
    assert rec.verdict == "failed" and rec.coarse_times.size == 0
    assert rec.epoch_interval == (par.epoch, cloud.epoch.min())
    assert rec.to_dict()["search"]["coarse_step_s"] is None
    narrow = fr.reconstruct_event(cloud, par, window_end="2009-02-11T00:00:00Z", max_coarse_fragments=100,
                                  max_fine_fragments=100)
    period_s = 86400.0 / par.mean_motion_rev_per_day
    assert narrow.verdict == "failed" and narrow.coarse_step_s <= period_s / 8
