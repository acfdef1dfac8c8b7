"""Prefect flows and the `ooh` command line: the thin layer that runs parsers/ and warehouse/."""
