"""orbitwatch.ccsds (see docs/design.md)."""
