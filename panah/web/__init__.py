"""The web layer: app assembly, dependencies, error mapping, pages and API routes."""
