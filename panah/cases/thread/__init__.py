"""Issue 16: see queries.py and service.py."""
