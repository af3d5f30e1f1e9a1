"""orbitwatch.risk: collision probability over arrays of conjunctions.

One module per published method, named for its authors: :mod:`.foster` (Foster
1992, circle/square hard-body regions), :mod:`.chan` (Chan 2008 series),
:mod:`.alfano` (Alfano 2005 series), :mod:`.hall3d` (Hall 2021 3D-Nc, long
encounters), :mod:`.montecarlo` (two-body Monte Carlo, the arbiter), :mod:`.maxpc`
(maximum Pc and dilution, Alfano 2005 / Frisbee 2015).  :mod:`.encounter` holds the
encounter-plane projection, covariance remediation and CARA's usage-violation
checks; :mod:`.hbr` the hard-body radius table; :mod:`.covariance` the TLE-only
covariance estimate; :mod:`.pc` the single entry point :func:`pc_for_states`.
See docs/risk.md for the validation table.
"""

from orbitwatch.risk.pc import METHODS, PcResult, pc_for_states, pc_from_cdm

__all__ = ["METHODS", "PcResult", "pc_for_states", "pc_from_cdm"]
