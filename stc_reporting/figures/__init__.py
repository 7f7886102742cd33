"""Figures: the reporting periods, every figure, and the typed rollups document."""
