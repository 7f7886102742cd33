"""Outputs: the output folder (lock, stage, commit), the one writer, the run summary, publishing."""
