"""Outputs: writing a run's files atomically, the manifest and the run summary."""
