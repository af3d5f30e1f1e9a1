// orbitwatch dashboard: the catalog on a CesiumJS globe, the conjunction list, events and their
// evidence.  Talks only to the page's own host (the orbitwatch HTTP API under /v1, key in
// X-API-Key), Cesium runs offline on its bundled Natural Earth II imagery with no Ion token.
import type * as CesiumNS from "cesium";
import uPlot from "uplot";
import "uplot/dist/uPlot.min.css";
import "./style.css";
import { apsides, regimeOf, type CatalogDoc, type Regime } from "./catalog";

declare const Cesium: typeof CesiumNS;

// ---------------------------------------------------------------------------------------------
// API access: the key once (?key= or a prompt), kept in sessionStorage only.
// ---------------------------------------------------------------------------------------------
const KEY_STORE = "orbitwatch.key";

function takeKey(): string | null {
  const url = new URL(location.href);
  const fromUrl = url.searchParams.get("key");
  if (fromUrl) {
    sessionStorage.setItem(KEY_STORE, fromUrl);
    url.searchParams.delete("key");
    history.replaceState(null, "", url.pathname + url.search + url.hash);
  }
  return sessionStorage.getItem(KEY_STORE);
}

function askKey(): Promise<string> {
  const dialog = document.getElementById("key-dialog")!;
  const form = document.getElementById("key-form") as HTMLFormElement;
  const input = document.getElementById("key-input") as HTMLInputElement;
  dialog.hidden = false;
  input.focus();
  return new Promise((resolve) => {
    form.onsubmit = (ev) => {
      ev.preventDefault();
      const k = input.value.trim();
      if (!k) return;
      sessionStorage.setItem(KEY_STORE, k);
      dialog.hidden = true;
      resolve(k);
    };
  });
}

let apiKey = "";

class ApiError extends Error {
  constructor(public status: number, public code: string, message: string) {
    super(message);
  }
}

async function api<T = any>(path: string): Promise<T> {
  const res = await fetch(path, { headers: { "X-API-Key": apiKey } });
  if (!res.ok) {
    let code = "HTTP_" + res.status;
    let message = res.statusText;
    try {
      const body = await res.json();
      code = body.code ?? code;
      message = body.message ?? message;
    } catch {
      /* not JSON */
    }
    if (res.status === 401) sessionStorage.removeItem(KEY_STORE);
    throw new ApiError(res.status, code, message);
  }
  return (await res.json()) as T;
}

async function download(path: string, filename: string): Promise<void> {
  const res = await fetch(path, { headers: { "X-API-Key": apiKey } });
  if (!res.ok) {
    status(`download failed: ${res.status}`, true);
    return;
  }
  const url = URL.createObjectURL(await res.blob());
  const a = document.createElement("a");
  a.href = url;
  a.download = filename;
  a.click();
  setTimeout(() => URL.revokeObjectURL(url), 5000);
}

// ---------------------------------------------------------------------------------------------
// Small DOM helpers.
// ---------------------------------------------------------------------------------------------
function el<K extends keyof HTMLElementTagNameMap>(tag: K, attrs: Record<string, string> = {},
  ...kids: (Node | string | null)[]): HTMLElementTagNameMap[K] {
  const e = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) e.setAttribute(k, v);
  for (const kid of kids) if (kid !== null) e.append(kid);
  return e;
}

const panel = document.getElementById("panel")!;

function status(text: string, error = false): void {
  const s = document.getElementById("status")!;
  s.textContent = text;
  s.className = error ? "err" : "muted";
}

function fmt(x: number | null | undefined, digits = 3): string {
  return x === null || x === undefined || !Number.isFinite(x) ? "-" : x.toFixed(digits);
}

function fmtPc(x: number | null | undefined): string {
  return x === null || x === undefined || !Number.isFinite(x) ? "-" : x === 0 ? "0" : x.toExponential(2);
}

// ---------------------------------------------------------------------------------------------
// The globe: one PointPrimitiveCollection for the whole catalog, positions from the SGP4 worker
// at ~1 Hz, extrapolated linearly per frame (Earth-fixed velocity).
// ---------------------------------------------------------------------------------------------
const TYPE_COLORS: Record<string, [number, number, number]> = {
  PAYLOAD: [0.31, 0.78, 1.0],
  "ROCKET BODY": [1.0, 0.67, 0.16],
  DEBRIS: [1.0, 0.33, 0.33],
  UNKNOWN: [0.75, 0.75, 0.75],
};

interface GlobeState {
  viewer: CesiumNS.Viewer;
  points: CesiumNS.PointPrimitiveCollection;
  prims: CesiumNS.PointPrimitive[];
  catalog: CatalogDoc | null;
  index: Map<number, number>;
  regimes: Regime[];
  types: string[];
  pos: Float64Array | null;
  vel: Float64Array | null;
  stateMs: number;
  pending: boolean;
  lastRequestWall: number;
  stepId: number;
  waiters: Map<number, () => void>;
  firstDrawMs: number | null;
  loadMs: number | null;
  scene: CesiumNS.CzmlDataSource | null;
}

const hook: Record<string, unknown> = { ready: false, errors: [] as string[] };
(window as unknown as { __orbitwatch: Record<string, unknown> }).__orbitwatch = hook;

function makeViewer(): CesiumNS.Viewer {
  Cesium.Ion.defaultAccessToken = "";
  const imagery = Cesium.ImageryLayer.fromProviderAsync(
    Cesium.TileMapServiceImageryProvider.fromUrl(Cesium.buildModuleUrl("Assets/Textures/NaturalEarthII")), {});
  const viewer = new Cesium.Viewer("globe", {
    baseLayer: imagery,
    baseLayerPicker: false,
    geocoder: false,
    homeButton: false,
    sceneModePicker: false,
    navigationHelpButton: false,
    fullscreenButton: false,
    infoBox: false,
    selectionIndicator: false,
    animation: false,
    timeline: true,
    terrainProvider: new Cesium.EllipsoidTerrainProvider(),
    skyAtmosphere: false,
    contextOptions: { webgl: { preserveDrawingBuffer: true } },
  });
  viewer.scene.globe.enableLighting = false;
  viewer.clock.shouldAnimate = true;
  viewer.clock.multiplier = 60;
  viewer.camera.setView({ destination: Cesium.Cartesian3.fromDegrees(10, 20, 45_000_000) });
  return viewer;
}

function startGlobe(): GlobeState {
  const viewer = makeViewer();
  const points = viewer.scene.primitives.add(new Cesium.PointPrimitiveCollection()) as CesiumNS.PointPrimitiveCollection;
  const g: GlobeState = {
    viewer, points, prims: [], catalog: null, index: new Map(), regimes: [], types: [], pos: null, vel: null,
    stateMs: 0, pending: false, lastRequestWall: 0, stepId: 0, waiters: new Map(), firstDrawMs: null,
    loadMs: null, scene: null,
  };
  return g;
}

const worker = new Worker(new URL("./sgp4.worker.ts", import.meta.url), { type: "module" });

function requestStep(g: GlobeState, tMs: number): number {
  g.pending = true;
  g.lastRequestWall = performance.now();
  g.stepId += 1;
  worker.postMessage({ type: "step", t_ms: tMs, id: g.stepId });
  return g.stepId;
}

function applyState(g: GlobeState, tNow: number): void {
  if (!g.pos || !g.vel) return;
  const dt = (tNow - g.stateMs) / 1000;
  const pos = g.pos;
  const vel = g.vel;
  const c = new Cesium.Cartesian3();
  for (let k = 0; k < g.prims.length; k++) {
    const x = pos[3 * k];
    const p = g.prims[k];
    if (!Number.isFinite(x)) {
      if (p.show) p.show = false;
      continue;
    }
    c.x = x + vel[3 * k] * dt;
    c.y = pos[3 * k + 1] + vel[3 * k + 1] * dt;
    c.z = pos[3 * k + 2] + vel[3 * k + 2] * dt;
    p.position = c;
  }
}

function applyFilters(g: GlobeState): void {
  if (!g.catalog) return;
  const t = (document.getElementById("f-type") as HTMLSelectElement).value;
  const r = (document.getElementById("f-regime") as HTMLSelectElement).value;
  const o = (document.getElementById("f-owner") as HTMLInputElement).value.trim().toUpperCase();
  const owners = g.catalog.columns.owner;
  let shown = 0;
  for (let k = 0; k < g.prims.length; k++) {
    const ok = (!t || g.types[k] === t) && (!r || g.regimes[k] === r) && (!o || (owners[k] ?? "").toUpperCase() === o)
      && (!g.pos || Number.isFinite(g.pos[3 * k]));
    g.prims[k].show = ok;
    if (ok) shown++;
  }
  document.getElementById("shown")!.textContent = `${shown.toLocaleString()} of ${g.prims.length.toLocaleString()} shown`;
  hook.shown = shown;
}

async function loadCatalog(g: GlobeState): Promise<void> {
  const doc = await api<CatalogDoc>("/v1/catalog/elements");
  g.catalog = doc;
  const c = doc.columns;
  g.types = c.object_type.map((t) => (t && TYPE_COLORS[t.toUpperCase()] ? t.toUpperCase() : "UNKNOWN"));
  g.regimes = c.MEAN_MOTION.map((n, k) => regimeOf(n, c.ECCENTRICITY[k]));
  c.norad_id.forEach((n, k) => g.index.set(n, k));
  const colors = Object.fromEntries(Object.entries(TYPE_COLORS).map(([k, v]) => [k, new Cesium.Color(v[0], v[1], v[2], 1)]));
  for (let k = 0; k < c.norad_id.length; k++) {
    g.prims.push(g.points.add({ position: Cesium.Cartesian3.ZERO, pixelSize: 2.5, color: colors[g.types[k]], show: false, id: c.norad_id[k] }));
  }
  // the clock starts now, or at the newest element-set epoch when now is a month past it (an old catalog)
  const newest = c.epoch_unix_ms.reduce((a, b) => Math.max(a, b), 0);
  if (Date.now() - newest > 30 * 86400e3) {
    g.viewer.clock.currentTime = Cesium.JulianDate.fromDate(new Date(newest));
    hook.clockStart = new Date(newest).toISOString();
  }
  hook.pointCount = g.points.length;
  hook.objectCount = doc.count;
  await new Promise<void>((resolve) => {
    worker.onmessage = (ev: MessageEvent) => {
      const m = ev.data;
      if (m.type === "ready") {
        hook.workerFailed = m.failed;
        resolve();
      } else if (m.type === "state") {
        g.pos = m.pos;
        g.vel = m.vel;
        g.stateMs = m.t_ms;
        g.pending = false;
        applyFilters(g);
        applyState(g, Cesium.JulianDate.toDate(g.viewer.clock.currentTime).getTime());
        g.viewer.scene.requestRender();
        const w = g.waiters.get(m.id);
        if (w) {
          g.waiters.delete(m.id);
          w();
        }
        if (g.firstDrawMs === null) {
          const remove = g.viewer.scene.postRender.addEventListener(() => {
            remove();
            if (g.firstDrawMs === null) {
              g.firstDrawMs = performance.now();
              hook.firstDrawMs = g.firstDrawMs;
              hook.ready = true;
              status(`${doc.count.toLocaleString()} objects drawn in ${(g.firstDrawMs / 1000).toFixed(2)} s`);
            }
          });
        }
      }
    };
    worker.postMessage({ type: "init", columns: c });
  });
  g.loadMs = performance.now();
  hook.loadMs = g.loadMs;
  requestStep(g, Cesium.JulianDate.toDate(g.viewer.clock.currentTime).getTime());
  g.viewer.clock.onTick.addEventListener((clock) => {
    const t = Cesium.JulianDate.toDate(clock.currentTime).getTime();
    applyState(g, t);
    const wall = performance.now() - g.lastRequestWall;
    if (!g.pending && (wall > 1000 || Math.abs(t - g.stateMs) > 30_000) && g.scene === null) requestStep(g, t);
    document.getElementById("clock")!.textContent = clock.currentTime ? Cesium.JulianDate.toIso8601(clock.currentTime, 0) : "";
  });
}

function wireControls(g: GlobeState): void {
  const play = document.getElementById("btn-play") as HTMLButtonElement;
  document.getElementById("btn-now")!.onclick = () => {
    g.viewer.clock.currentTime = Cesium.JulianDate.now();
    requestStep(g, Date.now());
  };
  play.onclick = () => {
    g.viewer.clock.shouldAnimate = !g.viewer.clock.shouldAnimate;
    play.textContent = g.viewer.clock.shouldAnimate ? "Pause" : "Play";
  };
  (document.getElementById("speed") as HTMLSelectElement).onchange = (ev) => {
    g.viewer.clock.multiplier = Number((ev.target as HTMLSelectElement).value);
  };
  for (const id of ["f-type", "f-regime", "f-owner"]) {
    document.getElementById(id)!.addEventListener(id === "f-owner" ? "input" : "change", () => applyFilters(g));
  }
  g.viewer.screenSpaceEventHandler.setInputAction((click: { position: CesiumNS.Cartesian2 }) => {
    const picked = g.viewer.scene.pick(click.position);
    if (picked && typeof picked.id === "number") location.hash = `#/object/${picked.id}`;
  }, Cesium.ScreenSpaceEventType.LEFT_CLICK);
}

/** Test hook: set the clock to `iso`, stop it, and resolve with the drawn positions (m, Earth-fixed). */
function installHook(g: GlobeState): void {
  hook.setTimeAndRead = async (iso: string, norads: number[]) => {
    g.viewer.clock.shouldAnimate = false;
    const jd = Cesium.JulianDate.fromIso8601(iso);
    g.viewer.clock.currentTime = jd;
    const tMs = Cesium.JulianDate.toDate(jd).getTime();
    while (g.pending) await new Promise((r) => setTimeout(r, 20));
    const id = requestStep(g, tMs);
    await new Promise<void>((resolve) => g.waiters.set(id, resolve));
    applyState(g, tMs);
    return norads.map((n) => {
      const k = g.index.get(n);
      if (k === undefined) return null;
      const p = g.prims[k].position;
      return [p.x, p.y, p.z];
    });
  };
  hook.play = () => {
    g.viewer.clock.shouldAnimate = true;
  };
  hook.sceneClock = () => {
    const c = g.viewer.clock;
    return { start: Cesium.JulianDate.toIso8601(c.startTime, 3), stop: Cesium.JulianDate.toIso8601(c.stopTime, 3),
      current: Cesium.JulianDate.toIso8601(c.currentTime, 3), entities: g.scene ? g.scene.entities.values.length : 0 };
  };
}

// ---------------------------------------------------------------------------------------------
// Views.
// ---------------------------------------------------------------------------------------------
let globe: GlobeState;

function setNav(name: string): void {
  document.querySelectorAll("header nav a").forEach((a) => a.classList.toggle("active", a.getAttribute("data-nav") === name));
}

async function showScene(czmlPath: string): Promise<void> {
  const g = globe;
  await clearScene();
  const czml = await api(czmlPath);
  const ds = await Cesium.CzmlDataSource.load(czml);
  g.scene = ds;
  await g.viewer.dataSources.add(ds);
  g.points.show = false;
  const clock = ds.clock;
  if (clock) {
    g.viewer.clock.startTime = clock.startTime.clone();
    g.viewer.clock.stopTime = clock.stopTime.clone();
    g.viewer.clock.currentTime = clock.currentTime.clone();
    g.viewer.clock.clockRange = Cesium.ClockRange.LOOP_STOP;
    g.viewer.clock.multiplier = 10;
    g.viewer.timeline.zoomTo(clock.startTime, clock.stopTime);
  }
  g.viewer.flyTo(ds, { duration: 0 }).catch(() => undefined);
}

async function clearScene(): Promise<void> {
  const g = globe;
  if (g.scene) {
    g.viewer.dataSources.remove(g.scene, true);
    g.scene = null;
    g.points.show = true;
    g.viewer.clock.currentTime = Cesium.JulianDate.fromIso8601((hook.clockStart as string | undefined) ?? new Date().toISOString());
    g.viewer.clock.clockRange = Cesium.ClockRange.UNBOUNDED;
    g.viewer.clock.multiplier = 60;
    requestStep(g, Cesium.JulianDate.toDate(g.viewer.clock.currentTime).getTime());
    g.viewer.camera.setView({ destination: Cesium.Cartesian3.fromDegrees(10, 20, 45_000_000) });
  }
}

function plot(title: string, xs: number[], series: { label: string; values: (number | null)[]; color: string }[],
  opts: { xTime?: boolean; xLabel?: string; yLabel?: string; points?: boolean; yLog?: boolean } = {}): HTMLElement {
  const box = el("div", { class: "plot", "data-testid": "plot", "aria-label": title });
  const width = Math.max(360, panel.clientWidth - 30);
  const o: uPlot.Options = {
    title, width, height: 190,
    scales: { x: { time: opts.xTime ?? true }, y: opts.yLog ? { distr: 3 } : {} },
    axes: [{ label: opts.xLabel }, { label: opts.yLabel }],
    series: [{}, ...series.map((s) => ({
      label: s.label, stroke: s.color, width: opts.points ? 0 : 1.5,
      points: opts.points ? { show: true, size: 4, fill: s.color } : { show: false },
    }))],
  };
  new uPlot(o, [xs, ...series.map((s) => s.values)] as uPlot.AlignedData, box);
  return box;
}

// ---- object search and panel ----
async function runSearch(q: string): Promise<void> {
  const list = document.getElementById("search-results")!;
  list.replaceChildren();
  if (!q.trim()) return;
  const page = await api<{ items: any[] }>(`/v1/objects?q=${encodeURIComponent(q.trim())}&limit=20`);
  if (page.items.length === 1) {
    location.hash = `#/object/${page.items[0].norad_id}`;
    return;
  }
  if (!page.items.length) list.append(el("li", {}, el("span", { class: "muted" }, "no match")));
  for (const m of page.items) {
    const a = el("a", { href: `#/object/${m.norad_id}` }, `${m.norad_id} ${m.name ?? ""} ${m.cospar_id ?? ""}`);
    a.onclick = () => list.replaceChildren();
    list.append(el("li", {}, a));
  }
}

async function objectView(norad: number): Promise<void> {
  setNav("globe");
  await clearScene();
  const o = await api(`/v1/objects/${norad}`);
  const m = o.metadata ?? {};
  const latest = o.latest ?? {};
  const ageD = latest.epoch_utc ? (Date.now() - Date.parse(latest.epoch_utc)) / 86400e3 : NaN;
  const box = el("div", { "data-testid": "object-panel" });
  box.append(el("h2", {}, `${m.name ?? "NORAD " + norad}`));
  const dl = el("dl");
  const rows: [string, string, string][] = [
    ["NORAD", String(norad), "norad"], ["COSPAR", m.cospar_id ?? "-", "cospar"], ["Owner", m.owner ?? "-", "owner"],
    ["Type", m.object_type ?? "-", "type"], ["Launch", m.launch_date ?? "-", "launch"],
    ["Operator", m.operator ?? "-", "operator"],
    ["Element sets", String(o.element_sets ?? "-"), "element-sets"],
    ["Latest epoch", latest.epoch_utc ?? "-", "epoch"], ["Age", Number.isFinite(ageD) ? `${ageD.toFixed(1)} d` : "-", "age"],
    ["Mean motion", fmt(latest.mean_motion_rev_per_day, 8) + " rev/d", "mean-motion"],
    ["Inclination", fmt(latest.inclination_deg, 4) + " deg", "inclination"],
    ["Eccentricity", fmt(latest.eccentricity, 7), "eccentricity"],
  ];
  for (const [k, v, id] of rows) dl.append(el("dt", {}, k), el("dd", { "data-field": id }, v));
  box.append(dl);
  const dlinks = el("p", { class: "downloads" });
  const czmlA = el("a", { href: "#" }, "CZML (3 h)");
  czmlA.onclick = (ev) => { ev.preventDefault(); void download(`/v1/objects/${norad}/czml`, `${norad}.czml`); };
  const oemA = el("a", { href: "#" }, "OEM (1 day)");
  oemA.onclick = (ev) => { ev.preventDefault(); void download(`/v1/objects/${norad}/ephemeris?format=oem&frame=gcrs`, `${norad}.oem`); };
  dlinks.append(czmlA, oemA);
  box.append(dlinks);
  const related = el("div");
  box.append(el("h3", {}, "Recent manoeuvres and RPO episodes"), related);
  panel.replaceChildren(box);
  const k = globe.index.get(norad);
  if (k !== undefined && globe.prims[k]) {
    globe.prims[k].pixelSize = 9;
    globe.prims[k].color = Cesium.Color.YELLOW;
    const p = globe.prims[k].position;
    const carto = Cesium.Cartographic.fromCartesian(p);
    if (carto) globe.viewer.camera.setView({ destination: Cesium.Cartesian3.fromRadians(carto.longitude, carto.latitude, carto.height + 15_000_000) });
  }
  // the orbit path: the object's own CZML over its period, as a scene over the catalog
  const events = await api<{ items: any[] }>(`/v1/events?norad=${norad}&limit=50`).catch(() => ({ items: [] as any[] }));
  const rel = events.items.filter((e) => e.type === "maneuver" || e.type === "rpo");
  related.replaceChildren(rel.length ? eventTable(rel) : el("p", { class: "muted" }, "none in the store"));
}

/** Re-render a view in place (sorting, filters, paging), counted like a navigation for the tests. */
async function refresh(view: () => Promise<void>): Promise<void> {
  try {
    await view();
  } catch (err) {
    const msg = err instanceof ApiError ? `${err.code}: ${err.message}` : String(err);
    panel.append(el("p", { class: "err", role: "alert" }, msg));
  }
  hook.viewReady = ((hook.viewReady as number) ?? 0) + 1;
}

// ---- conjunction table ----
interface ConjQuery { sort: string; norad: string; min_pc: string; max_miss_km: string; cursor: string | null; stack: (string | null)[] }
const cq: ConjQuery = { sort: "tca", norad: "", min_pc: "", max_miss_km: "", cursor: null, stack: [] };

function conjQueryString(): string {
  const p = new URLSearchParams({ sort: cq.sort, limit: "50" });
  if (cq.norad) p.set("norad", cq.norad);
  if (cq.min_pc) p.set("min_pc", cq.min_pc);
  if (cq.max_miss_km) p.set("max_miss_km", cq.max_miss_km);
  if (cq.cursor) p.set("cursor", cq.cursor);
  return p.toString();
}

async function conjunctionsView(): Promise<void> {
  setNav("conjunctions");
  await clearScene();
  const box = el("div", { "data-testid": "conjunction-table" });
  const filters = el("form", { class: "filters", "aria-label": "conjunction filters" });
  const fNorad = el("input", { name: "norad", placeholder: "NORAD", value: cq.norad, "aria-label": "object" });
  const fPc = el("input", { name: "min_pc", placeholder: "min Pc", value: cq.min_pc, "aria-label": "minimum Pc" });
  const fMiss = el("input", { name: "max_miss_km", placeholder: "max miss km", value: cq.max_miss_km, "aria-label": "maximum miss km" });
  const apply = el("button", { type: "submit" }, "Filter");
  filters.append("object", fNorad, "Pc >=", fPc, "miss <=", fMiss, apply);
  filters.onsubmit = (ev) => {
    ev.preventDefault();
    cq.norad = fNorad.value.trim(); cq.min_pc = fPc.value.trim(); cq.max_miss_km = fMiss.value.trim();
    cq.cursor = null; cq.stack = [];
    void refresh(conjunctionsView);
  };
  box.append(el("h2", {}, "Conjunctions"), filters);
  panel.replaceChildren(box);
  const page = await api(`/v1/conjunctions?${conjQueryString()}`);
  box.append(el("p", { class: "muted" }, page.run_id === null ? "no screening run in the store"
    : `run ${page.run_id}: ${page.window_start_utc} .. ${page.window_end_utc}, threshold ${page.threshold_km} km`));
  const cols: [string, string, string][] = [
    ["Object 1", "", "l"], ["Object 2", "", "l"], ["TCA (UTC)", "tca", "l"], ["Miss km", "miss", ""],
    ["Speed km/s", "", ""], ["R km", "", ""], ["I km", "", ""], ["C km", "", ""], ["Pc", "pc", ""],
    ["Age 1 d", "", ""], ["Age 2 d", "", ""],
  ];
  const thead = el("tr");
  for (const [label, key, cls] of cols) {
    const th = el("th", { scope: "col", class: cls }, label + (key && key === cq.sort ? " ▾" : ""));
    if (key) {
      th.tabIndex = 0;
      th.setAttribute("data-sort", key);
      th.setAttribute("aria-sort", key === cq.sort ? (key === "pc" ? "descending" : "ascending") : "none");
      const go = () => { cq.sort = key; cq.cursor = null; cq.stack = []; void refresh(conjunctionsView); };
      th.onclick = go;
      th.onkeydown = (ev) => { if (ev.key === "Enter" || ev.key === " ") { ev.preventDefault(); go(); } };
    }
    thead.append(th);
  }
  const tbody = el("tbody");
  for (const r of page.items) {
    const tr = el("tr", { tabindex: "0", "data-id": r.id });
    const link = el("a", { href: `#/conjunction/${r.id}` }, r.tca_utc);
    tr.append(
      el("td", { class: "l" }, `${r.norad_1} ${r.name_1 ?? ""}`), el("td", { class: "l" }, `${r.norad_2} ${r.name_2 ?? ""}`),
      el("td", { class: "l" }, link), el("td", {}, fmt(r.miss_distance_km)), el("td", {}, fmt(r.relative_speed_km_s)),
      el("td", {}, fmt(r.radial_km)), el("td", {}, fmt(r.in_track_km)), el("td", {}, fmt(r.cross_track_km)),
      el("td", { "data-field": "pc" }, fmtPc(r.pc)), el("td", {}, fmt(r.epoch_age_1_d, 2)), el("td", {}, fmt(r.epoch_age_2_d, 2)));
    tr.onclick = (ev) => { if ((ev.target as HTMLElement).tagName !== "A") location.hash = `#/conjunction/${r.id}`; };
    tr.onkeydown = (ev) => {
      if (ev.key === "Enter") location.hash = `#/conjunction/${r.id}`;
      else if (ev.key === "ArrowDown") (tr.nextElementSibling as HTMLElement | null)?.focus();
      else if (ev.key === "ArrowUp") (tr.previousElementSibling as HTMLElement | null)?.focus();
    };
    tbody.append(tr);
  }
  box.append(el("table", {}, el("thead", {}, thead), tbody));
  const pager = el("p", { class: "filters" });
  const prev = el("button", { type: "button" }, "Previous");
  prev.disabled = cq.stack.length === 0;
  prev.onclick = () => { cq.cursor = cq.stack.pop() ?? null; void refresh(conjunctionsView); };
  const next = el("button", { type: "button", "data-testid": "next-page" }, "Next");
  next.disabled = !page.next_cursor;
  next.onclick = () => { cq.stack.push(cq.cursor); cq.cursor = page.next_cursor; void refresh(conjunctionsView); };
  pager.append(prev, next, el("span", { class: "muted" }, `${page.items.length} rows`));
  box.append(pager);
}

// ---- events ----
function eventTable(items: any[]): HTMLElement {
  const tbody = el("tbody");
  for (const e of items) {
    const tr = el("tr", { tabindex: "0", "data-id": e.id });
    tr.append(el("td", { class: "l" }, el("a", { href: `#/event/${e.id}` }, e.time_utc)), el("td", { class: "l" }, e.type),
      el("td", { class: "l" }, e.severity), el("td", { class: "l" }, e.summary));
    tr.onkeydown = (ev) => {
      if (ev.key === "Enter") location.hash = `#/event/${e.id}`;
      else if (ev.key === "ArrowDown") (tr.nextElementSibling as HTMLElement | null)?.focus();
      else if (ev.key === "ArrowUp") (tr.previousElementSibling as HTMLElement | null)?.focus();
    };
    tbody.append(tr);
  }
  const head = el("tr");
  for (const h of ["Time (UTC)", "Type", "Severity", "Summary"]) head.append(el("th", { class: "l", scope: "col" }, h));
  return el("table", {}, el("thead", {}, head), tbody);
}

async function eventsView(): Promise<void> {
  setNav("events");
  await clearScene();
  const box = el("div", { "data-testid": "event-list" });
  const filters = el("form", { class: "filters" });
  const type = el("select", { name: "type", "aria-label": "event type" });
  for (const t of ["", "conjunction", "maneuver", "rpo", "fragmentation", "decay", "new_object"]) type.append(el("option", { value: t }, t || "all types"));
  const sev = el("select", { name: "severity", "aria-label": "minimum severity" });
  for (const s of ["", "low", "medium", "high"]) sev.append(el("option", { value: s }, s || "any severity"));
  const list = el("div");
  const load = async () => {
    const p = new URLSearchParams({ limit: "100" });
    if (type.value) p.set("type", type.value);
    if (sev.value) p.set("min_severity", sev.value);
    const page = await api<{ items: any[] }>(`/v1/events?${p}`);
    list.replaceChildren(page.items.length ? eventTable(page.items) : el("p", { class: "muted" }, "no events"));
  };
  type.onchange = sev.onchange = () => void load();
  filters.append(type, sev);
  box.append(el("h2", {}, "Events"), filters, list);
  panel.replaceChildren(box);
  await load();
}

async function conjunctionPage(id: string): Promise<void> {
  setNav("conjunctions");
  const c = await api(`/v1/conjunctions/${encodeURIComponent(id)}`);
  const box = el("div", { "data-testid": "event-page" });
  box.append(el("h2", {}, `Conjunction ${c.norad_1} ${c.name_1 ?? ""} – ${c.norad_2} ${c.name_2 ?? ""}`));
  const dl = el("dl");
  dl.append(el("dt", {}, "TCA"), el("dd", { "data-testid": "event-tca" }, c.tca_utc),
    el("dt", {}, "Miss"), el("dd", { "data-testid": "event-miss", "data-km": String(c.miss_distance_km) }, `${(c.miss_distance_km * 1000).toFixed(1)} m`),
    el("dt", {}, "Relative speed"), el("dd", {}, `${fmt(c.relative_speed_km_s)} km/s`),
    el("dt", {}, "RIC miss"), el("dd", {}, `${fmt(c.radial_km)} / ${fmt(c.in_track_km)} / ${fmt(c.cross_track_km)} km`),
    el("dt", {}, "Pc"), el("dd", {}, fmtPc(c.pc)),
    el("dt", {}, "Element-set ages"), el("dd", {}, `${fmt(c.epoch_age_1_d, 2)} d / ${fmt(c.epoch_age_2_d, 2)} d`));
  box.append(dl);
  const links = el("p", { class: "downloads" });
  for (const [label, path, name] of [["CDM (KVN)", `/v1/conjunctions/${id}/cdm`, `${id}.cdm`],
    ["CZML scene", `/v1/conjunctions/${id}/czml`, `${id}.czml`]]) {
    const a = el("a", { href: "#" }, label);
    a.onclick = (ev) => { ev.preventDefault(); void download(path, name); };
    links.append(a);
  }
  box.append(links);
  panel.replaceChildren(box);
  await showScene(`/v1/conjunctions/${encodeURIComponent(id)}/czml`);
  const rel = await api(`/v1/conjunctions/${encodeURIComponent(id)}/relative`);
  box.append(...relativePlots(rel));
}

function relativePlots(rel: any): HTMLElement[] {
  const xs = rel.times_utc.map((t: string) => Date.parse(t) / 1000);
  return [
    plot("Range (km)", xs, [{ label: "range", values: rel.range_km, color: "#1f6feb" }], { yLabel: "km" }),
    plot("RIC offset of object 2 (km)", xs, [
      { label: "radial", values: rel.radial_km, color: "#d73a49" },
      { label: "in-track", values: rel.in_track_km, color: "#28a745" },
      { label: "cross-track", values: rel.cross_track_km, color: "#6f42c1" }], { yLabel: "km" }),
  ];
}

async function eventPage(id: string): Promise<void> {
  setNav("events");
  const e = await api(`/v1/events/${encodeURIComponent(id)}`);
  const box = el("div", { "data-testid": "event-page" });
  box.append(el("h2", {}, `${e.type}: ${e.summary}`));
  const d = e.details ?? {};
  const dl = el("dl");
  dl.append(el("dt", {}, "Time"), el("dd", { "data-testid": "event-tca" }, e.time_utc),
    el("dt", {}, "Severity"), el("dd", {}, e.severity),
    el("dt", {}, "Objects"), el("dd", {}, e.objects.map((o: any) => `${o.norad} ${o.name ?? ""}`).join(", ")));
  if (d.miss_distance_km !== undefined) dl.append(el("dt", {}, "Miss"), el("dd", { "data-testid": "event-miss", "data-km": String(d.miss_distance_km) }, `${(d.miss_distance_km * 1000).toFixed(1)} m`));
  box.append(dl);
  const links = el("p", { class: "downloads" });
  const entries: [string, string, string][] = [["CZML scene", `/v1/events/${id}/czml`, `${id}.czml`], ["Event JSON", `/v1/events/${id}`, `${id}.json`]];
  if (e.evidence && typeof e.evidence === "object") {
    for (const [k, v] of Object.entries(e.evidence)) if (typeof v === "string" && v.startsWith("/v1/")) entries.push([k, v, `${id}-${k}`]);
  }
  for (const [label, path, name] of entries) {
    const a = el("a", { href: "#" }, label);
    a.onclick = (ev) => { ev.preventDefault(); void download(path, name); };
    links.append(a);
  }
  box.append(links);
  panel.replaceChildren(box);
  await showScene(`/v1/events/${encodeURIComponent(id)}/czml`);
  if (e.objects.length === 2) box.append(...relativePlots(await api(`/v1/events/${encodeURIComponent(id)}/relative`)));
  if (e.type === "conjunction" && Array.isArray(d.history) && d.history.length) {
    const h = d.history.filter((p: any) => p && (p.time_utc || p.cycle_utc));
    const xs = h.map((p: any) => Date.parse(p.time_utc ?? p.cycle_utc) / 1000);
    box.append(plot("Pc history", xs, [{ label: "Pc", values: h.map((p: any) => p.pc ?? null), color: "#d73a49" }], { points: true }));
  }
  if (e.type === "fragmentation" && globe.catalog) box.append(gabbard(e.objects.map((o: any) => o.norad)));
  if (e.type === "rpo") box.append(await longitudeDrift(e));
}

function gabbard(norads: number[]): HTMLElement {
  const c = globe.catalog!.columns;
  const pts = norads.map((n) => globe.index.get(n)).filter((k): k is number => k !== undefined)
    .map((k) => apsides(c.MEAN_MOTION[k], c.ECCENTRICITY[k])).sort((a, b) => a.period_min - b.period_min);
  return plot("Gabbard diagram (apogee, perigee vs period)", pts.map((p) => p.period_min), [
    { label: "apogee km", values: pts.map((p) => p.apogee_km), color: "#d73a49" },
    { label: "perigee km", values: pts.map((p) => p.perigee_km), color: "#1f6feb" }], { xTime: false, xLabel: "period (min)", points: true });
}

async function longitudeDrift(e: any): Promise<HTMLElement> {
  const t = Date.parse(e.time_utc);
  const start = new Date(t - 3 * 86400e3).toISOString();
  const end = new Date(t + 3 * 86400e3).toISOString();
  const series = [];
  let xs: number[] = [];
  const colors = ["#d73a49", "#1f6feb"];
  for (const [k, o] of e.objects.slice(0, 2).entries()) {
    const eph = await api(`/v1/objects/${o.norad}/ephemeris?frame=geodetic&step_s=3600&start=${start}&end=${end}`);
    xs = eph.points.map((p: any) => Date.parse(p.time_utc) / 1000);
    series.push({ label: `${o.norad} longitude`, values: eph.points.map((p: any) => p.longitude_deg), color: colors[k] });
  }
  return plot("Longitude drift (deg E)", xs, series, { yLabel: "deg" });
}

// ---- sites ----
async function sitesView(): Promise<void> {
  setNav("sites");
  await clearScene();
  const box = el("div", { "data-testid": "sites" });
  box.append(el("h2", {}, "Ground sites"));
  const form = el("form", { class: "filters" });
  const name = el("input", { name: "name", value: "Kiruna", "aria-label": "site name" });
  const lat = el("input", { name: "lat", value: "67.857", "aria-label": "latitude deg" });
  const lon = el("input", { name: "lon", value: "20.964", "aria-label": "longitude deg" });
  const norad = el("input", { name: "norad", value: "25544", "aria-label": "NORAD id" });
  form.append("name", name, "lat", lat, "lon", lon, "NORAD", norad, el("button", { type: "submit" }, "Passes"));
  const out = el("div");
  box.append(form, out);
  panel.replaceChildren(box);
  form.onsubmit = async (ev) => {
    ev.preventDefault();
    globe.viewer.entities.removeAll();
    globe.viewer.entities.add({ position: Cesium.Cartesian3.fromDegrees(Number(lon.value), Number(lat.value)), point: { pixelSize: 10, color: Cesium.Color.LIME },
      label: { text: name.value, pixelOffset: new Cesium.Cartesian2(0, -18), font: "12px sans-serif" } });
    const start = Cesium.JulianDate.toDate(globe.viewer.clock.currentTime);
    const end = new Date(start.getTime() + 86400e3);
    const eph = await api(`/v1/objects/${norad.value}/ephemeris?frame=geodetic&step_s=60&start=${start.toISOString()}&end=${end.toISOString()}`);
    const windows = visibility(eph.points, Number(lat.value), Number(lon.value));
    const tbody = el("tbody");
    for (const w of windows) tbody.append(el("tr", { tabindex: "0" }, el("td", { class: "l" }, w.start), el("td", { class: "l" }, w.end), el("td", {}, fmt(w.maxEl, 1))));
    const head = el("tr", {}, el("th", { class: "l" }, "AOS (UTC)"), el("th", { class: "l" }, "LOS (UTC)"), el("th", {}, "max el deg"));
    out.replaceChildren(el("p", { class: "muted" }, `${windows.length} passes above 0° in 24 h (60 s samples of the API's ephemeris)`),
      el("table", {}, el("thead", {}, head), tbody));
  };
}

/** Pass windows (elevation > 0) from geodetic samples, by the spherical elevation angle (display only). */
function visibility(points: any[], latDeg: number, lonDeg: number): { start: string; end: string; maxEl: number }[] {
  const re = 6371.0;
  const rad = Math.PI / 180;
  const sx = [Math.cos(latDeg * rad) * Math.cos(lonDeg * rad), Math.cos(latDeg * rad) * Math.sin(lonDeg * rad), Math.sin(latDeg * rad)];
  const out: { start: string; end: string; maxEl: number }[] = [];
  let cur: { start: string; end: string; maxEl: number } | null = null;
  for (const p of points) {
    const r = re + p.altitude_km;
    const v = [r * Math.cos(p.latitude_deg * rad) * Math.cos(p.longitude_deg * rad), r * Math.cos(p.latitude_deg * rad) * Math.sin(p.longitude_deg * rad), r * Math.sin(p.latitude_deg * rad)];
    const d = [v[0] - re * sx[0], v[1] - re * sx[1], v[2] - re * sx[2]];
    const dn = Math.hypot(d[0], d[1], d[2]);
    const el_ = Math.asin((d[0] * sx[0] + d[1] * sx[1] + d[2] * sx[2]) / dn) / rad;
    if (el_ > 0) {
      if (!cur) cur = { start: p.time_utc, end: p.time_utc, maxEl: el_ };
      cur.end = p.time_utc;
      cur.maxEl = Math.max(cur.maxEl, el_);
    } else if (cur) {
      out.push(cur);
      cur = null;
    }
  }
  if (cur) out.push(cur);
  return out;
}

async function globeView(): Promise<void> {
  setNav("globe");
  await clearScene();
  const c = globe.catalog;
  panel.replaceChildren(el("div", {},
    el("h2", {}, "Catalog"),
    el("p", {}, c ? `${c.count.toLocaleString()} objects (latest element set each), SGP4 in the browser.` : "loading…"),
    el("p", { class: "muted" }, "Colours: payload (blue), rocket body (orange), debris (red), unknown (grey). Click a point or search for an object.")));
}

async function route(): Promise<void> {
  const h = location.hash.replace(/^#\/?/, "");
  const [view, arg] = [h.split("/")[0], decodeURIComponent(h.split("/").slice(1).join("/"))];
  try {
    if (view === "object" && arg) await objectView(Number(arg));
    else if (view === "conjunctions") await conjunctionsView();
    else if (view === "conjunction" && arg) await conjunctionPage(arg);
    else if (view === "events") await eventsView();
    else if (view === "event" && arg) await eventPage(arg);
    else if (view === "sites") await sitesView();
    else await globeView();
    hook.view = view || "globe";
    hook.viewReady = (hook.viewReady as number ?? 0) + 1;
  } catch (err) {
    const msg = err instanceof ApiError ? `${err.code}: ${err.message}` : String(err);
    panel.replaceChildren(el("p", { class: "err", role: "alert" }, msg));
    (hook.errors as string[]).push(msg);
  }
}

async function main(): Promise<void> {
  apiKey = takeKey() ?? (await askKey());
  globe = startGlobe();
  wireControls(globe);
  installHook(globe);
  const form = document.getElementById("search-form") as HTMLFormElement;
  form.onsubmit = (ev) => {
    ev.preventDefault();
    void runSearch((document.getElementById("search-input") as HTMLInputElement).value).catch((e) => status(String(e), true));
  };
  window.addEventListener("hashchange", () => void route());
  const loading = loadCatalog(globe).catch((e) => {
    status(`catalog: ${e instanceof ApiError ? e.code + " " + e.message : e}`, true);
    (hook.errors as string[]).push(String(e));
  });
  status("loading the catalog…");
  await route();
  await loading;
  if ((hook.view as string) === "globe") await globeView();
}

void main();
