"""Conjunction screening: every approach closer than a threshold over a time window.

Public surface: :func:`screen` and its records :class:`Conjunction`,
:class:`PropagationFailure`, :class:`ScreeningResult` (see :mod:`.screen` for the
pipeline and its completeness guarantee, and ``docs/screening.md``).  Modules:
:mod:`.sampling` (SGP4 knots, quintic Hermite interpolation, error bounds),
:mod:`.candidates` (spatial grid per sub-step), :mod:`.refine` (TCA on the model, then
with SGP4), :mod:`.prefilter` (perigee/apogee shells, constellation groups).
"""

from orbitwatch.screening.screen import Conjunction, PropagationFailure, ScreeningResult, screen

__all__ = ["Conjunction", "PropagationFailure", "ScreeningResult", "screen"]
