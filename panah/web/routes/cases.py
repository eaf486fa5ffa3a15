"""Case-file API: open, list, read, annotate, break-glass, "who saw this", lookups, grants.

Reads and writes of case data are audited; each route owns its unit of work and the
audit row is committed with (or, for reads, before) the data it covers.
"""

from __future__ import annotations

from contextlib import AbstractContextManager
from typing import Annotated

from fastapi import APIRouter, Depends, Path, Request
from sqlalchemy import select
from sqlalchemy.orm import Session

from panah.cases import service
from panah.cases.model import CaseCategory
from panah.cases.orm import Case
from panah.cases.schemas import (
    AccessEntryPublic,
    BreakGlassCreate,
    BreakGlassPublic,
    CaseCreate,
    CasePublic,
    CaseSummary,
    ClientLookup,
    ClientMatch,
    ClientPublic,
    GrantCreate,
    GrantPublic,
    NoteCreate,
    NotePublic,
    TeamMemberPublic,
)
from panah.core.db import unit_of_work
from panah.core.errors import NotFound
from panah.security import access
from panah.security.access_orm import AccessGrant
from panah.security.orm import User
from panah.security.policy import Actor
from panah.security.roles import Permission
from panah.web.access import EditCase, ReviewCase, ViewCase
from panah.web.deps import get_clock, require

router = APIRouter(prefix="/api", tags=["cases"])
CaseId = Annotated[int, Path(ge=1, le=2**31 - 1)]


def _uow(request: Request) -> AbstractContextManager[Session]:
    return unit_of_work(request.app.state.session_factory)


def summary(case: Case) -> CaseSummary:
    return CaseSummary(
        id=case.id, reference=case.reference, category=CaseCategory(case.category),
        restricted=case.restricted_category is not None, status=case.status,
        province_code=case.province_code, opened_at=case.opened_at,
    )


def public(session: Session, case: Case, why: str) -> CasePublic:
    authors = access.users_of(session, {n.author_id for n in case.notes if n.author_id})
    client = case.client
    return CasePublic(
        **summary(case).model_dump(),
        client=ClientPublic(id=client.id, name=client.name, phone=client.phone,
                            national_code=client.national_code, birth_year=client.birth_year,
                            gender=client.gender),
        team=[TeamMemberPublic(user_id=u.id, username=u.username, full_name=u.full_name,
                               role=u.role) for u in service.team_members(session, case)],
        notes=[NotePublic(id=n.id, at=n.at, text=n.text,
                          author=authors[n.author_id].username if n.author_id in authors else None)
               for n in case.notes],
        access=why,
    )


@router.get("/cases", response_model=list[CaseSummary])
def list_cases(
    request: Request, actor: Annotated[Actor, Depends(require(Permission.view_case))]
) -> list[CaseSummary]:
    """Cases you may open: your teams' cases, or your province's if you supervise."""
    with _uow(request) as session:
        cases = service.visible_cases(session, access.with_grants(session, actor))
        return [summary(c) for c in cases]


@router.post("/cases", response_model=CaseSummary, status_code=201)
def create_case(
    request: Request, body: CaseCreate,
    actor: Annotated[Actor, Depends(require(Permission.create_case))],
) -> CaseSummary:
    """Open a case file; you are on its team. Identity and notes are stored encrypted."""
    with _uow(request) as session:
        case = service.open_case(session, actor=actor, data=body, now=get_clock(request).now())
        result = summary(case)
    return result


@router.get("/cases/{case_id}", response_model=CasePublic)
def read_case(request: Request, grant: ViewCase) -> CasePublic:
    """The case file, with the client's identity and notes. The read is audited."""
    with _uow(request) as session:
        case = session.get(Case, grant.case_id)
        assert case is not None  # noqa: S101 - case_access has just loaded it
        return public(session, case, grant.why)


@router.post("/cases/{case_id}/notes", response_model=NotePublic, status_code=201)
def add_note(request: Request, grant: EditCase, body: NoteCreate) -> NotePublic:
    """Add a note to the case (stored encrypted; audited)."""
    with _uow(request) as session:
        note = service.add_note(session, actor=grant.actor, case_id=grant.case_id,
                                text=body.text, now=get_clock(request).now())
        result = NotePublic(id=note.id, at=note.at, author=grant.actor.username, text=note.text)
    return result


@router.post("/cases/{case_id}/break-glass", response_model=BreakGlassPublic, status_code=201)
def break_glass(
    request: Request, case_id: CaseId, body: BreakGlassCreate,
    actor: Annotated[Actor, Depends(require(Permission.break_glass))],
) -> BreakGlassPublic:
    """Open a case outside need-to-know for one hour, stating why. Your supervisor sees it."""
    with _uow(request) as session:
        case = session.get(Case, case_id)
        if case is None:
            raise NotFound(f"There is no case {case_id}.", f"پرونده‌ای با شمارهٔ {case_id} نیست.")
        row = access.open_break_glass(
            session, actor=access.with_grants(session, actor), case_id=case_id,
            resource=service.case_resource(case), reason=body.reason,
            now=get_clock(request).now())
        result = BreakGlassPublic(id=row.id, case_id=case_id, username=actor.username,
                                  reason=row.reason, opened_at=row.opened_at,
                                  expires_at=row.expires_at, reviewed_at=None)
    return result


@router.get("/cases/{case_id}/access-log", response_model=list[AccessEntryPublic])
def case_access_log(request: Request, grant: ReviewCase) -> list[AccessEntryPublic]:
    """Who saw this case: every read, write, refusal and break-glass, oldest first."""
    with _uow(request) as session:
        return [AccessEntryPublic(**vars_of(e))
                for e in access.access_log(session, "case", grant.case_id)]


def vars_of(entry: access.AccessEntry) -> dict[str, object]:
    return {name: getattr(entry, name) for name in entry.__slots__}


@router.post("/clients/lookup", response_model=list[ClientMatch])
def lookup_client(
    request: Request, body: ClientLookup,
    actor: Annotated[Actor, Depends(require(Permission.find_client))],
) -> list[ClientMatch]:
    """Earlier cases of a person, by phone or national code (keyed-hash lookup, audited).
    Sent in the body, not the URL, so numbers never reach access logs."""
    with _uow(request) as session:
        found = service.find_cases_of(session, actor=access.with_grants(session, actor),
                                      phone=body.phone, national_code=body.national_code,
                                      now=get_clock(request).now())
        return [ClientMatch(case_id=c.id, reference=c.reference, status=c.status,
                            opened_at=c.opened_at, visible=seen,
                            category=CaseCategory(c.category) if seen else None)
                for c, seen in found]


@router.get("/security/break-glass", response_model=list[BreakGlassPublic])
def break_glass_reports(
    request: Request, actor: Annotated[Actor, Depends(require(Permission.review_access))]
) -> list[BreakGlassPublic]:
    """Break-glass openings in your area, newest first, for review."""
    with _uow(request) as session:
        return [BreakGlassPublic(id=bg.id, case_id=bg.case_id, username=user.username,
                                 reason=bg.reason, opened_at=bg.opened_at,
                                 expires_at=bg.expires_at, reviewed_at=bg.reviewed_at)
                for bg, user in access.break_glass_report(session, actor)]


@router.post("/security/break-glass/{break_glass_id}/review", status_code=204)
def review_break_glass(
    request: Request, break_glass_id: Annotated[int, Path(ge=1, le=2**31 - 1)],
    actor: Annotated[Actor, Depends(require(Permission.review_access))],
) -> None:
    """Mark a break-glass opening as reviewed (audited)."""
    with _uow(request) as session:
        access.review_break_glass(session, actor=actor, break_glass_id=break_glass_id,
                                  now=get_clock(request).now())


@router.get("/security/grants", response_model=list[GrantPublic])
def list_grants(
    request: Request, actor: Annotated[Actor, Depends(require(Permission.manage_grants))]
) -> list[GrantPublic]:
    """Grants for restricted categories held by users in your area."""
    with _uow(request) as session:
        query = select(AccessGrant).join(User, User.id == AccessGrant.user_id)
        if actor.province_code is not None:
            query = query.where(User.province_code == actor.province_code)
        return [GrantPublic(id=g.id, user_id=g.user_id, category=g.category,
                            granted_at=g.granted_at, revoked_at=g.revoked_at)
                for g in session.scalars(query.order_by(AccessGrant.id))]


@router.post("/security/grants", response_model=GrantPublic, status_code=201)
def create_grant(
    request: Request, body: GrantCreate,
    actor: Annotated[Actor, Depends(require(Permission.manage_grants))],
) -> GrantPublic:
    """Let a user open cases of a restricted category (audited; granting twice is one grant)."""
    with _uow(request) as session:
        g = access.grant_category(session, actor=actor, user_id=body.user_id,
                                  category=body.category, now=get_clock(request).now())
        result = GrantPublic(id=g.id, user_id=g.user_id, category=g.category,
                             granted_at=g.granted_at, revoked_at=g.revoked_at)
    return result


@router.post("/security/grants/{grant_id}/revoke", response_model=GrantPublic)
def revoke_grant(
    request: Request, grant_id: Annotated[int, Path(ge=1, le=2**31 - 1)],
    actor: Annotated[Actor, Depends(require(Permission.manage_grants))],
) -> GrantPublic:
    """Withdraw a grant (audited)."""
    with _uow(request) as session:
        g = access.revoke_grant(session, actor=actor, grant_id=grant_id,
                                now=get_clock(request).now())
        result = GrantPublic(id=g.id, user_id=g.user_id, category=g.category,
                             granted_at=g.granted_at, revoked_at=g.revoked_at)
    return result
