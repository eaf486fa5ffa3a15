"""The limits' timer: windows that ended long ago are forgotten (they hold only keyed
hashes and counts, but nothing is kept longer than it is needed)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy.orm import Session

from panah.core.timers import Order, Outside, timer
from panah.intake.limits.service import sweep


@timer("source_windows_forgotten", order=Order.route)
def forget_old_windows(session: Session, *, now: datetime, outside: Outside) -> int:
    return sweep(session, now=now)
