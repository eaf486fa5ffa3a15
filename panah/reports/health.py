"""Readiness: what the health probe reports about the running service.

Here rather than in ``panah.core`` (the unit of work and the engine live there) because it
is a read of the service's state for monitoring, the same kind of read as a dashboard's.
"""

from __future__ import annotations

from sqlalchemy import text
from sqlalchemy.orm import Session

from panah import __version__


def readiness(session: Session) -> dict[str, str]:
    """The status and version, once the database has answered a trivial query (a database
    that does not answer raises, and the probe fails)."""
    session.execute(text("SELECT 1"))
    return {"status": "ok", "version": __version__}
