"""Prefect flows and the `stc-report` command line: the edges of the pipeline."""
