"""Appointments at a crisis-intervention centre (issue 16)."""
