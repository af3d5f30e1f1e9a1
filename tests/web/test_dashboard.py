"""The dashboard (issue 15) in headless Chromium against a real ``orbitwatch serve``.

Expected values come from the API (JSON over httpx), from the store read directly, or from
orbitwatch's own SGP4 + ITRF (:func:`orbitwatch.api.ephemeris_in_frame`) for the globe's
positions, which the page computes with satellite.js (a separate SGP4 implementation) and a
GMST-only TEME -> Earth-fixed rotation: tolerance 1 km.  The tests run in file order on one
page; the last ones check the requests and console messages of all before them.
"""

from __future__ import annotations

import json
import math
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import numpy as np
from PIL import Image
from typer.testing import CliRunner

from orbitwatch.api import Store, ephemeris_in_frame, parse_utc
from orbitwatch.cli import app as cli_app

from .conftest import ARTIFACTS, Site

SAMPLE = (25544, 44714, 20580, 28874, 41866, 40296, 13552, 48274)  # LEO, HST, GPS, GEO, HEO, ...
FIXED_TIME = "2025-04-15T06:00:00Z"


def _shot(page: Any, name: str) -> Path:
    path = ARTIFACTS / f"{name}.png"
    page.screenshot(path=str(path))
    return path


def _goto(page: Any, hash_: str, testid: str) -> Any:
    before = page.evaluate("window.__orbitwatch.viewReady || 0")
    page.evaluate(f"location.hash = {json.dumps(hash_)}")
    page.wait_for_function(f"(window.__orbitwatch.viewReady || 0) > {before}", timeout=60_000)
    loc = page.get_by_test_id(testid)
    loc.wait_for(timeout=30_000)
    return loc


def test_globe_draws_every_object_of_the_store(page: Any, site: Site) -> None:
    with Store.open(site.db, create=False) as store:
        n_store = len(store.latest())
    hook = page.evaluate("({n: window.__orbitwatch.pointCount, first: window.__orbitwatch.firstDrawMs,"
                         " load: window.__orbitwatch.loadMs, failed: window.__orbitwatch.workerFailed})")
    assert n_store == 27485
    assert hook["n"] == n_store
    (ARTIFACTS / "timings.json").write_text(json.dumps({"first_draw_ms": hook["first"], "load_ms": hook["load"],
                                                        "objects": hook["n"]}), encoding="utf-8")
    print(f"\nfirst draw of {hook['n']} objects: {hook['first']:.0f} ms after navigation")
    assert hook["first"] < 30_000  # the target is 3 s; reported, not a CI gate on a shared runner
    page.wait_for_timeout(1500)  # imagery tiles
    img = np.asarray(Image.open(_shot(page, "globe")).convert("L"), dtype=float)
    box = page.get_by_test_id("globe").bounding_box()
    canvas = img[int(box["y"]): int(box["y"] + box["height"]), int(box["x"]): int(box["x"] + box["width"])]
    assert canvas.std() > 15.0  # a blank or single-colour canvas has ~0


def test_positions_drawn_agree_with_orbitwatch_sgp4(page: Any, site: Site) -> None:
    drawn = page.evaluate("([t, ids]) => window.__orbitwatch.setTimeAndRead(t, ids)", [FIXED_TIME, list(SAMPLE)])
    with Store.open(site.db, create=False) as store:
        table = store.latest(norad_ids=SAMPLE)
    ids = [int(n) for n in table.norad_id]
    eph = ephemeris_in_frame(table, np.array([parse_utc(FIXED_TIME)]), "itrf")
    assert eph.r_km is not None
    checked = 0
    for k, n in enumerate(ids):
        got = drawn[SAMPLE.index(n)]
        ref = eph.r_km[k, 0]
        if not np.isfinite(ref).all():
            continue
        assert got is not None, n
        err_km = math.dist([g / 1000.0 for g in got], ref)
        assert err_km < 1.0, (n, err_km)
        checked += 1
    assert checked >= 6
    page.evaluate("window.__orbitwatch.play()")


def test_search_opens_the_iss_panel_with_the_apis_values(page: Any, site: Site) -> None:
    ref = site.api("/v1/objects/25544")
    page.get_by_test_id("object-search").locator("input").fill("25544")
    before = page.evaluate("window.__orbitwatch.viewReady || 0")
    page.get_by_test_id("object-search").locator("input").press("Enter")
    page.wait_for_function(f"(window.__orbitwatch.viewReady || 0) > {before}", timeout=60_000)
    panel = page.get_by_test_id("object-panel")
    panel.wait_for()

    def field(name: str) -> str:
        return str(panel.locator(f"[data-field={name}]").inner_text())

    assert field("norad") == "25544"
    meta = ref["metadata"] or {}
    assert field("owner") == (meta.get("owner") or "-")
    assert field("type") == (meta.get("object_type") or "-")
    assert field("epoch") == ref["latest"]["epoch_utc"]
    assert float(field("inclination").split()[0]) == round(ref["latest"]["inclination_deg"], 4)
    assert "ISS" in panel.locator("h2").inner_text().upper()
    _shot(page, "object-panel")


def _table_ids(page: Any) -> list[str]:
    return list(page.get_by_test_id("conjunction-table").locator("tbody tr").evaluate_all(
        "rows => rows.map(r => r.dataset.id)"))


def test_conjunction_table_sorted_by_pc_equals_the_api(page: Any, site: Site) -> None:
    table = _goto(page, "#/conjunctions", "conjunction-table")
    ref = site.api("/v1/conjunctions", sort="pc", limit=50)
    assert ref["items"], "the screening run has conjunctions"
    before = page.evaluate("window.__orbitwatch.viewReady || 0")
    table.locator("th[data-sort=pc]").focus()
    page.keyboard.press("Enter")  # keyboard-sortable header
    page.wait_for_function(f"(window.__orbitwatch.viewReady || 0) > {before}", timeout=60_000)
    assert _table_ids(page) == [r["id"] for r in ref["items"]]
    _shot(page, "conjunction-table")


def test_conjunction_filters_change_rows_as_the_api_says(page: Any, site: Site) -> None:
    rows = site.api("/v1/conjunctions", sort="tca", limit=1000)["items"]
    misses = sorted(r["miss_distance_km"] for r in rows)
    cut = misses[len(misses) // 2]
    table = page.get_by_test_id("conjunction-table")
    table.locator("input[name=max_miss_km]").fill(str(cut))
    table.locator("input[name=norad]").fill(str(25544) if any(25544 in (r["norad_1"], r["norad_2"]) for r in rows)
                                            else "")
    before = page.evaluate("window.__orbitwatch.viewReady || 0")
    table.locator("input[name=max_miss_km]").press("Enter")
    page.wait_for_function(f"(window.__orbitwatch.viewReady || 0) > {before}", timeout=60_000)
    norad = table.locator("input[name=norad]").input_value()
    params: dict[str, Any] = {"sort": "pc", "limit": 50, "max_miss_km": cut}
    if norad:
        params["norad"] = norad
    ref = site.api("/v1/conjunctions", **params)
    assert _table_ids(page) == [r["id"] for r in ref["items"]]
    assert len(ref["items"]) < len(rows)


def test_clicking_a_row_opens_its_event_page_with_the_apis_tca_and_miss(page: Any, site: Site) -> None:
    table = page.get_by_test_id("conjunction-table")
    first = table.locator("tbody tr").first
    conj_id = first.get_attribute("data-id")
    before = page.evaluate("window.__orbitwatch.viewReady || 0")
    first.locator("td").first.click()
    page.wait_for_function(f"(window.__orbitwatch.viewReady || 0) > {before}", timeout=60_000)
    ev = page.get_by_test_id("event-page")
    ev.wait_for()
    ref = site.api(f"/v1/conjunctions/{conj_id}")
    tca = parse_utc(ev.get_by_test_id("event-tca").inner_text())
    assert abs(int((tca - parse_utc(ref["tca_utc"])).astype(np.int64))) <= 1000  # 1 ms
    miss_km = float(ev.get_by_test_id("event-miss").get_attribute("data-km"))
    assert abs(miss_km - ref["miss_distance_km"]) * 1000.0 <= 1.0
    clock = page.evaluate("window.__orbitwatch.sceneClock()")
    assert clock["entities"] == 2
    assert parse_utc(clock["start"]) <= tca <= parse_utc(clock["stop"])
    page.wait_for_selector("[data-testid=event-page] [data-testid=plot]", timeout=60_000)
    page.wait_for_timeout(500)
    _shot(page, "event-page")


def test_event_list_and_sites_views(page: Any, site: Site) -> None:
    ref = site.api("/v1/events", limit=100)
    lst = _goto(page, "#/events", "event-list")
    page.wait_for_timeout(300)
    assert lst.locator("tbody tr").count() == len(ref["items"])
    _shot(page, "event-list")
    if ref["items"]:
        e = ref["items"][0]
        ev = _goto(page, f"#/event/{e['id']}", "event-page")
        assert ev.get_by_test_id("event-tca").inner_text() == e["time_utc"]
        _shot(page, "event-page-watch")
    sites = _goto(page, "#/sites", "sites")
    sites.locator("button[type=submit]").click()
    sites.locator("tbody tr").first.wait_for(timeout=60_000)
    _shot(page, "sites")


def test_exported_czml_loads_in_cesium_with_its_clock(page: Any, site: Site, tmp_path: Path) -> None:
    conj = site.api("/v1/conjunctions", sort="miss", limit=1)["items"][0]
    out = tmp_path / "scene.czml"
    res = CliRunner().invoke(cli_app, ["export", "czml", "--db", str(site.db), "--conjunction", conj["id"],
                                       "--output", str(out)])
    assert res.exit_code == 0, res.output
    doc = json.loads(out.read_text(encoding="utf-8"))
    interval = doc[0]["clock"]["interval"]
    got = page.evaluate("""async (czml) => {
        const ds = await Cesium.CzmlDataSource.load(czml);
        return {start: Cesium.JulianDate.toIso8601(ds.clock.startTime, 3),
                stop: Cesium.JulianDate.toIso8601(ds.clock.stopTime, 3),
                n: ds.entities.values.length,
                placed: ds.entities.values.filter(e => e.position &&
                    e.position.getValue(ds.clock.currentTime) !== undefined).length};
    }""", doc)
    lo, hi = interval.split("/")
    assert parse_utc(got["start"]) == parse_utc(lo) and parse_utc(got["stop"]) == parse_utc(hi)
    assert got["n"] == 2 and got["placed"] == 2


def test_every_request_stays_on_the_pages_host(site: Site, page: Any) -> None:
    host = urlsplit(site.base).netloc
    assert site.requests
    foreign = [u for u in site.requests if urlsplit(u).scheme not in ("data", "blob") and urlsplit(u).netloc != host]
    assert foreign == []


def test_no_console_error(site: Site, page: Any) -> None:
    assert site.console_errors == []
