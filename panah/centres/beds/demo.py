"""Demo data of this part (issue 17): loaded once by ``panah.cases.demo``."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy.orm import Session


def load_demo(session: Session, *, now: datetime) -> int:
    """Load this part's demo rows once; a second load changes nothing. Returns rows made."""
    return 0
