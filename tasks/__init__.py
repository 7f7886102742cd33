"""Prefect tasks: thin wrappers that add retries, naming and visibility to domain steps."""
