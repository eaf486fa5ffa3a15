"""A process-wide signal that coverage changed, so routing in this process sees a new
centre with the next call, not a second later.

Other processes notice by ``queries.coverage_stamp`` (checked at most once a second);
this one is told when the transaction that changed coverage commits, never before (a
context rebuilt from uncommitted rows would be stale again once they commit).
"""

from __future__ import annotations

import threading

from sqlalchemy import event
from sqlalchemy.orm import Session

_lock = threading.Lock()
_generation = 0
_FLAG = "panah.centres.coverage_changed"


def coverage_generation() -> int:
    """Grows each time a transaction that changed coverage commits in this process."""
    return _generation


def _committed(session: Session) -> None:
    global _generation
    if session.info.pop(_FLAG, False):
        with _lock:
            _generation += 1


def changed_on_commit(session: Session) -> None:
    """Mark ``session``: when its transaction commits, the coverage generation grows."""
    if session.info.get(_FLAG):
        return
    session.info[_FLAG] = True
    if not event.contains(session, "after_commit", _committed):
        # (A rolled-back change leaves the mark: the next commit rebuilds once for nothing.)
        event.listen(session, "after_commit", _committed)
