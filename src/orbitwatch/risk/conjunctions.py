"""Collision probability for screened conjunctions (``orbitwatch screen --pc``).

Screening works from TLEs, which carry no covariance.  For each conjunction this
module

1. propagates both objects with SGP4 to the TCA and expresses the states in EME2000
   (:func:`orbitwatch.frames.teme_to_eme2000`), the frame CCSDS CDMs use;
2. builds each object's position covariance from a TLE error model in its RIC frame:
   fitted from the object's own element-set history where one is given
   (:func:`orbitwatch.risk.covariance.estimate_tle_uncertainty`, in the spirit of
   Flohrer et al. 2008), else the documented default by regime
   (:func:`orbitwatch.risk.covariance.default_uncertainty`), grown to the age of the
   element set at TCA and multiplied by the realism factor of its source, regime and age
   (:data:`orbitwatch.risk.covariance.REALISM_SCALE`);
3. takes the combined hard-body radius as the sum of the two objects' radii, from
   NASA CARA's HBR table when given, else the default by object type
   (:data:`orbitwatch.risk.hbr.DEFAULT_HBR_M`), unless a combined HBR is imposed;
   (the type is the table's ``object_types`` where the store filled it, e.g. from a
   SATCAT, else inferred from the name);
4. computes Pc with :func:`orbitwatch.risk.pc.pc_for_states` (any of its methods).

Shapes: M conjunctions -> states ``(M, 2, 6)`` km, km/s; covariances ``(M, 2, 6, 6)``.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import numpy as np
import numpy.typing as npt

from orbitwatch.catalog.model import ElementTable, infer_object_type
from orbitwatch.errors import InputError
from orbitwatch.frames import teme_to_eme2000
from orbitwatch.propagation import propagate_each
from orbitwatch.risk.covariance import TLEUncertainty, default_sigma_ric_km, tle_covariance_inertial
from orbitwatch.risk.hbr import DEFAULT_HBR_M, HBRTable
from orbitwatch.risk.pc import PcResult, pc_for_states
from orbitwatch.times import UTC_DTYPE, days_between

__all__ = ["ConjunctionRisk", "conjunction_risk"]


@dataclass(frozen=True)
class ConjunctionRisk:
    """Pc of M screened conjunctions with the inputs that produced it."""

    states_km: npt.NDArray[np.float64]
    covariances_km2: npt.NDArray[np.float64]
    covariance_source: list[tuple[str, str]]
    hbr_m: npt.NDArray[np.float64]
    sgp4_error: npt.NDArray[np.uint8]
    pc: PcResult

    def row(self, k: int) -> dict[str, Any]:
        """The Pc fields of conjunction ``k`` as one JSON-ready record (``pc`` ``None`` where
        it could not be computed, with its ``pc_code``): what ``orbitwatch screen --pc``
        adds to each row and what a watch conjunction finding carries."""
        pc = float(self.pc.pc[k])
        return {
            "pc": pc if math.isfinite(pc) else None,
            "pc_method": self.pc.method[k],
            "hbr_m": float(self.hbr_m[k]),
            "covariance_source_1": self.covariance_source[k][0],
            "covariance_source_2": self.covariance_source[k][1],
            "covariance_remediated": bool(self.pc.covariance_remediated[k]),
            "usage_violations": list(self.pc.usage_violations[k]),
            "pc_code": str(self.pc.codes[k]) or None,
        }


def _rows(elements: ElementTable, norad: npt.NDArray[np.int64]) -> npt.NDArray[np.intp]:
    order = np.argsort(elements.norad_id, kind="stable")
    sorted_ids = elements.norad_id[order]
    pos = np.searchsorted(sorted_ids, norad)
    pos = np.minimum(pos, len(sorted_ids) - 1)
    missing = sorted_ids[pos] != norad
    if missing.any():
        raise InputError(f"objects not in the catalog: {sorted(set(norad[missing].tolist()))[:10]}",
                         code="INPUT_UNKNOWN_NORAD", field="norad")
    return np.asarray(order[pos], dtype=np.intp)


def conjunction_risk(
    elements: ElementTable,
    norad_1: npt.ArrayLike,
    norad_2: npt.ArrayLike,
    tca: npt.ArrayLike,
    *,
    method: str = "foster",
    hbr_table: HBRTable | None = None,
    combined_hbr_m: float | None = None,
    uncertainties: Mapping[int, TLEUncertainty] | None = None,
) -> ConjunctionRisk:
    """Pc for conjunctions ``(norad_1[k], norad_2[k], tca[k])`` of objects in ``elements``.

    ``uncertainties`` maps NORAD ids to fitted TLE error models (others get the
    default); ``combined_hbr_m`` overrides the per-object radii.  Conjunctions whose
    SGP4 fails at TCA, or with bad inputs, get NaN and a code in ``pc.codes``.
    """
    n1 = np.atleast_1d(np.asarray(norad_1, dtype=np.int64))
    n2 = np.atleast_1d(np.asarray(norad_2, dtype=np.int64))
    t = np.atleast_1d(np.asarray(tca, dtype=UTC_DTYPE))
    m = n1.shape[0]
    if n2.shape != (m,) or t.shape != (m,):
        raise InputError("norad_1, norad_2 and tca must have the same length", field="tca")
    if combined_hbr_m is not None and not combined_hbr_m > 0:
        raise InputError(f"HBR {combined_hbr_m} m must be positive", code="INPUT_HBR", field="hbr_m")
    rows = np.concatenate([_rows(elements, n1), _rows(elements, n2)]) if m else np.zeros(0, dtype=np.intp)
    table = elements.take(rows)
    t2 = np.concatenate([t, t])
    err, r, v = propagate_each(table, t2)
    r_eme, v_eme = teme_to_eme2000(r.reshape(2, m, 3), v.reshape(2, m, 3), t)

    # TLE error model per object: the default on arrays, replaced where a fitted model is given.
    sigma = default_sigma_ric_km(table.mean_motion_rev_per_day, np.abs(days_between(table.epoch, t2)),
                                 table.eccentricity)
    source = ["default"] * (2 * m)
    models = uncertainties or {}
    for k in np.flatnonzero(np.isin(table.norad_id, list(models))):
        model = models[int(table.norad_id[k])]
        sigma[k] = model.sigma_ric_km(abs(float(days_between(model.epoch, t2[k]))))
        source[k] = model.source
    cov = tle_covariance_inertial(sigma, r_eme.reshape(2 * m, 3), v_eme.reshape(2 * m, 3)).reshape(2, m, 6, 6)

    if combined_hbr_m is not None:
        hbr_m = np.full(m, float(combined_hbr_m))
    else:
        # the store's object type (SATCAT, else inferred at ingest) where the table has one
        types = [typ if typ else infer_object_type(name) for typ, name in zip(table.object_types, table.names,
                                                                             strict=True)]
        if hbr_table is not None:
            radii = hbr_table.lookup(table.norad_id.tolist(), types)
        else:
            radii = np.array([DEFAULT_HBR_M.get(typ, DEFAULT_HBR_M["UNKNOWN"]) for typ in types])
        hbr_m = radii[:m] + radii[m:]

    pc = pc_for_states(r_eme[0], v_eme[0], cov[0], r_eme[1], v_eme[1], cov[1], hbr_km=hbr_m / 1000.0, method=method)
    states = np.concatenate([r_eme, v_eme], axis=-1).transpose(1, 0, 2)
    failed = err.reshape(2, m).max(axis=0)
    return ConjunctionRisk(
        states_km=states,
        covariances_km2=cov.transpose(1, 0, 2, 3),
        covariance_source=list(zip(source[:m], source[m:], strict=True)),
        hbr_m=hbr_m,
        sgp4_error=failed.astype(np.uint8),
        pc=pc,
    )
