"""Reports: read-only queries for dashboards and statistics."""
