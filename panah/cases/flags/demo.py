"""Demo flags: one round of the rules at the demo's moment, so the worker's and the
supervisor's lists and the supervisor's home show flags raised and escalated (the demo
cases have no lead worker yet: each is flagged "unassigned"). A second load changes nothing."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy.orm import Session

from panah.cases.flags.service import run_flags


def load_demo(session: Session, *, now: datetime) -> int:
    """Raise and escalate the demo cases' flags; how many were raised."""
    return run_flags(session, now=now).raised
