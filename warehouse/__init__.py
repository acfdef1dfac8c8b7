"""The DuckDB warehouse: schema and views as .sql files, bulk loading, read-only queries."""
