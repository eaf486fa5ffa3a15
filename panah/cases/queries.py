"""Case files' read side: each read model a function of ``(session, *, actor, now, …)``
inside the caller's unit of work."""

from __future__ import annotations

from sqlalchemy.orm import Session

from panah.cases.orm import Case
from panah.cases.service import case_resource
from panah.security.policy import Resource


def case_need_to_know(session: Session, case_id: int) -> Resource | None:
    """The case as the policy sees it for its team: place, team, restricted category."""
    case = session.get(Case, case_id)
    return case_resource(case) if case is not None else None


def case_place(session: Session, case_id: int) -> Resource | None:
    """The case's place only (a supervisor's review needs no more)."""
    case = session.get(Case, case_id)
    return Resource("case", province_code=case.province_code) if case is not None else None
