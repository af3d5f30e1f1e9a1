"""Loaders for the staged reference data used by the risk tests (shared/data/cdm/...)."""

from __future__ import annotations

import csv
from pathlib import Path

import numpy as np

# NASA CARA, A09TestCases_01_12_Distributed.csv (nasa/CARA_Analysis_Tools @ 91aa74c,
# DistributedMatlab/ProbabilityOfCollision/Pc3D_Hall_Utils/Output_AlfanoTestCases_Pc3D/):
# case -> (CARA_Pc2D, CARA_Pc3D, CARA_PcMC, CARA_PcMCLo95, CARA_PcMCHi95), MC with 1e8 trials.
CARA_ALFANO_2009 = {
    1: (0.146749500506248, 0.216808362760001, 0.21686537, 0.216784601089679, 0.216946155301232),
    2: (0.00622226705532899, 0.0155677489682704, 0.0155469, 0.0155226614929474, 0.0155711665578351),
    3: (0.100351017066071, 0.100336423200142, 0.10034086, 0.100281978677948, 0.100399764459375),
    4: (0.0493220745447709, 0.0736404193831196, 0.07364054, 0.0735893560196113, 0.0736917486638813),
    5: (0.044492344523551, 0.0444898133497832, 0.04446611, 0.044425717781909, 0.0445065285915099),
    6: (0.00433545396136356, 0.00433313097018186, 0.00432422, 0.00431136875715775, 0.00433709995038931),
    7: (0.000158146485930144, 0.000161841230198079, 0.00016011, 0.000157639645593939, 0.000162609365493197),
    8: (0.036947965085717, 0.0352501749613797, 0.03523735, 0.0352012207992815, 0.0352735061089634),
    9: (0.290161522245745, 0.279834261489978, 0.27977477, 0.279686790854236, 0.279862761894709),
    10: (0.290161522245745, 0.364063796450824, 0.36404591, 0.363951602995593, 0.364140224874815),
    11: (0.00267203364642589, 0.00244074884499185, 0.00243642, 0.00242676679408548, 0.00244610202771047),
    12: (float("nan"), 0.00244154735801805, 0.00242273, 0.00241310391323561, 0.00243238490940897),
}


def alfano_case(shared_data: Path, case: int) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray, float, float]:
    """(state1 km, cov1 km^2 6x6, state2, cov2, HBR km, time limit s) at TCA for an Alfano (2009) case."""
    root = shared_data / "cdm" / "alfano-2009"
    with open(root / "alfano2009-states-covariances-tidy.csv", newline="") as fh:
        rows = [r for r in csv.DictReader(fh) if int(r["case"]) == case and r["time"] == "tca"]
    with open(root / "alfano2009-case-parameters.csv", newline="") as fh:
        params = {int(r["case"]): r for r in csv.DictReader(fh)}
    out = []
    for obj in ("primary", "secondary"):
        (row,) = [r for r in rows if r["object"] == obj]
        state = np.array([float(row[k]) for k in ("x_m", "y_m", "z_m", "vx_mps", "vy_mps", "vz_mps")]) / 1e3
        cov = np.array([[float(row[f"cov_{i}{j}"]) for j in range(1, 7)] for i in range(1, 7)]) / 1e6
        out += [state, cov]
    p = params[case]
    return out[0], out[1], out[2], out[3], float(p["HBR_m"]) / 1e3, float(p["time_limit_s"])
