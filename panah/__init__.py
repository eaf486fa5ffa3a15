"""Panah (پناه): software for a national social emergency service."""

__version__ = "0.1.0"
