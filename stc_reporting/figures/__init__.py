"""Figures: the reporting periods and every figure of `rollups.json`."""
