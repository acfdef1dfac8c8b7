"""The warehouse's one exception, importable without DuckDB (the command line catches it)."""


class WarehouseError(Exception):
    """A warehouse problem with a one-line reason for the user."""
