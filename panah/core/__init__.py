"""Shared machinery: database and unit of work, clock, errors."""
