"""Case files' read side: each read model a function of ``(session, *, actor, now, …)``
inside the caller's unit of work.

The reads of case data that must be audited are audited before these run, by the access
dependency that lets the request through (``panah.web.access``).
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from panah.cases.orm import Case
from panah.cases.schemas import (
    AccessEntryPublic,
    BreakGlassReview,
    CasePublic,
    CaseSummary,
    ClientPublic,
    GrantPublic,
    NotePublic,
    TeamMemberPublic,
)
from panah.cases.service import case_facts, team_members, visible_cases
from panah.security.access import access_log, break_glass_report, users_of, with_grants
from panah.security.access_orm import AccessGrant
from panah.security.orm import User
from panah.security.policy import Actor, Resource


def case_need_to_know(session: Session, case_id: int) -> Resource | None:
    """The case as the policy sees it for its team: place, team, restricted category."""
    case = session.get(Case, case_id)
    return case_facts(session, case) if case is not None else None


def case_place(session: Session, case_id: int) -> Resource | None:
    """The case's place only (a supervisor's review needs no more)."""
    case = session.get(Case, case_id)
    return Resource("case", province_code=case.province_code) if case is not None else None


def case_list(session: Session, *, actor: Actor) -> list[CaseSummary]:
    """The cases ``actor`` may open without break-glass (their restricted-category grants
    counted), newest first."""
    return [CaseSummary.build(c) for c in visible_cases(session, with_grants(session, actor))]


def case_file(session: Session, *, case_id: int, why: str) -> CasePublic | None:
    """The case file with the client's identity, the team and the notes (decrypted), and
    ``why`` the reader may see it; ``None`` when the case is gone."""
    case = session.get(Case, case_id)
    if case is None:
        return None
    authors = users_of(session, {n.author_id for n in case.notes if n.author_id})
    client = case.client
    return CasePublic(
        **CaseSummary.build(case).model_dump(),
        client=ClientPublic(id=client.id, name=client.name, phone=client.phone,
                            national_code=client.national_code, birth_year=client.birth_year,
                            gender=client.gender),
        team=[TeamMemberPublic(user_id=u.id, username=u.username, full_name=u.full_name,
                               role=u.role) for u in team_members(session, case)],
        notes=[NotePublic(id=n.id, at=n.at, text=n.text,
                          author=authors[n.author_id].username if n.author_id in authors else None)
               for n in case.notes],
        access=why,
    )


@dataclass(frozen=True, slots=True)
class CaseAccessLog:
    """Who saw or changed a case, oldest first ("who saw this"), with its reference (the
    case's id when the case is gone)."""

    reference: str
    entries: list[AccessEntryPublic]


def case_access_log(session: Session, *, case_id: int) -> CaseAccessLog:
    case = session.get(Case, case_id)
    entries = [
        AccessEntryPublic(seq=e.seq, at=e.at, username=e.username, role=e.role,
                          action=e.action, reason=e.reason)
        for e in access_log(session, "case", case_id)
    ]
    return CaseAccessLog(case.reference if case else str(case_id), entries)


def break_glass_reviews(session: Session, *, actor: Actor) -> list[BreakGlassReview]:
    """Break-glass openings a supervisor reviews: their province's, or every one for a
    national role; newest first."""
    return [
        BreakGlassReview(id=bg.id, case_id=bg.case_id, username=user.username,
                         full_name=user.full_name, reason=bg.reason, opened_at=bg.opened_at,
                         expires_at=bg.expires_at, reviewed_at=bg.reviewed_at)
        for bg, user in break_glass_report(session, actor)
    ]


def restricted_grants(session: Session, *, actor: Actor) -> list[GrantPublic]:
    """Grants for restricted categories held by users in ``actor``'s province (every one
    for a national role), oldest first."""
    query = select(AccessGrant).join(User, User.id == AccessGrant.user_id)
    if actor.province_code is not None:
        query = query.where(User.province_code == actor.province_code)
    return [GrantPublic.build(g) for g in session.scalars(query.order_by(AccessGrant.id))]
