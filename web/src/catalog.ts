// The columnar catalog document of GET /v1/catalog/elements (see server/routes/scene.py).
export interface CatalogColumns {
  norad_id: number[];
  name: (string | null)[];
  cospar_id: (string | null)[];
  object_type: (string | null)[];
  owner: (string | null)[];
  epoch_unix_ms: number[];
  MEAN_MOTION: number[];
  ECCENTRICITY: number[];
  INCLINATION: number[];
  RA_OF_ASC_NODE: number[];
  ARG_OF_PERICENTER: number[];
  MEAN_ANOMALY: number[];
  BSTAR: number[];
  MEAN_MOTION_DOT: number[];
  MEAN_MOTION_DDOT: number[];
}

export interface CatalogDoc {
  count: number;
  generated_utc: string;
  columns: CatalogColumns;
}

export type Regime = "LEO" | "MEO" | "GEO" | "HEO";

/** Orbit regime from mean motion (rev/day) and eccentricity (display classes only). */
export function regimeOf(n: number, e: number): Regime {
  if (e >= 0.25) return "HEO";
  if (n >= 11.25) return "LEO";
  if (n > 0.9 && n < 1.1) return "GEO";
  return "MEO";
}

/** Mean-element period (min), apogee and perigee altitude (km), from mean motion and eccentricity. */
export function apsides(nRevDay: number, e: number): { period_min: number; apogee_km: number; perigee_km: number } {
  const mu = 398600.4418;
  const re = 6378.137;
  const n = (nRevDay * 2 * Math.PI) / 86400;
  const a = Math.cbrt(mu / (n * n));
  return { period_min: 1440 / nRevDay, apogee_km: a * (1 + e) - re, perigee_km: a * (1 - e) - re };
}
