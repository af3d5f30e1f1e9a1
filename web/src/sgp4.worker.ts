// Client-side SGP4 of the whole catalog (satellite.js, Vallado's SGP4 in improved mode) in a worker.
// Messages in: {type:"init", columns} then {type:"step", t_ms, id}; out: {type:"ready", n, failed} and
// {type:"state", id, t_ms, pos, vel}: Earth-fixed positions (m) and velocities (m/s) as Float64Array
// (3 per object, NaN where SGP4 failed).  TEME -> Earth-fixed by GMST (satellite.js eciToEcf, the
// velocity with the Earth-rotation term -omega x r; polar motion, ~10 m, is ignored).
import { eciToEcf, gstime, json2satrec, propagate, type SatRec } from "satellite.js";
import type { CatalogColumns } from "./catalog";

let sats: (SatRec | null)[] = [];

const OMEGA_EARTH = 7.292115146706979e-5; // rad/s

/** Position (m) and velocity (m/s) of `rec` at `t` in the Earth-fixed frame into out[3k..3k+2]. */
function ecfAt(rec: SatRec, t: Date, gmst: number, pos: Float64Array, vel: Float64Array, k: number): boolean {
  const pv = propagate(rec, t);
  const p = pv?.position;
  const v = pv?.velocity;
  if (!p || typeof p === "boolean" || !v || typeof v === "boolean" || !Number.isFinite(p.x)) return false;
  const r = eciToEcf(p, gmst);
  const w = eciToEcf(v, gmst);
  pos[3 * k] = r.x * 1000;
  pos[3 * k + 1] = r.y * 1000;
  pos[3 * k + 2] = r.z * 1000;
  vel[3 * k] = (w.x + OMEGA_EARTH * r.y) * 1000;
  vel[3 * k + 1] = (w.y - OMEGA_EARTH * r.x) * 1000;
  vel[3 * k + 2] = w.z * 1000;
  return true;
}

function init(c: CatalogColumns): void {
  let failed = 0;
  sats = c.norad_id.map((norad, k) => {
    try {
      const rec = json2satrec({
        OBJECT_NAME: c.name[k] ?? String(norad),
        OBJECT_ID: c.cospar_id[k] ?? "",
        EPOCH: new Date(c.epoch_unix_ms[k]).toISOString().replace("Z", ""),
        MEAN_MOTION: c.MEAN_MOTION[k],
        ECCENTRICITY: c.ECCENTRICITY[k],
        INCLINATION: c.INCLINATION[k],
        RA_OF_ASC_NODE: c.RA_OF_ASC_NODE[k],
        ARG_OF_PERICENTER: c.ARG_OF_PERICENTER[k],
        MEAN_ANOMALY: c.MEAN_ANOMALY[k],
        EPHEMERIS_TYPE: 0,
        CLASSIFICATION_TYPE: "U",
        NORAD_CAT_ID: norad,
        ELEMENT_SET_NO: 999,
        REV_AT_EPOCH: 0,
        BSTAR: c.BSTAR[k],
        MEAN_MOTION_DOT: c.MEAN_MOTION_DOT[k],
        MEAN_MOTION_DDOT: c.MEAN_MOTION_DDOT[k],
      });
      return rec;
    } catch {
      failed += 1;
      return null;
    }
  });
  postMessage({ type: "ready", n: sats.length, failed });
}

function step(t_ms: number, id: number): void {
  const n = sats.length;
  const pos = new Float64Array(3 * n).fill(NaN);
  const vel = new Float64Array(3 * n).fill(NaN);
  const t = new Date(t_ms);
  const gmst = gstime(t);
  for (let k = 0; k < n; k++) {
    const rec = sats[k];
    if (!rec) continue;
    try {
      if (!ecfAt(rec, t, gmst, pos, vel, k)) pos[3 * k] = NaN;
    } catch {
      pos[3 * k] = pos[3 * k + 1] = pos[3 * k + 2] = NaN;
    }
  }
  const msg = { type: "state", id, t_ms, pos, vel };
  (postMessage as (m: unknown, t: Transferable[]) => void)(msg, [pos.buffer, vel.buffer]);
}

onmessage = (ev: MessageEvent) => {
  const m = ev.data as { type: string; columns?: CatalogColumns; t_ms?: number; id?: number };
  if (m.type === "init" && m.columns) init(m.columns);
  else if (m.type === "step" && m.t_ms !== undefined) step(m.t_ms, m.id ?? 0);
};
