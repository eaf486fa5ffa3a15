"""Case-file API: open, list, read, annotate, break-glass, "who saw this", lookups, grants.

Reads and writes of case data are audited; the request's unit of work commits the audit
row with the data it covers (reads are on record before the route runs: see
``panah.web.access``).
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Path

from panah.cases import queries, service
from panah.cases.schemas import (
    AccessEntryPublic,
    BreakGlassCreate,
    BreakGlassPublic,
    CaseCreate,
    CasePublic,
    CaseSummary,
    ClientLookup,
    ClientMatch,
    GrantCreate,
    GrantPublic,
    NoteCreate,
    NotePublic,
)
from panah.security import access
from panah.security.policy import Actor
from panah.security.roles import Permission
from panah.web.access import EditCase, ReviewCase, ViewCase
from panah.web.deps import Uow, require

router = APIRouter(prefix="/api", tags=["cases"])
CaseId = Annotated[int, Path(ge=1, le=2**31 - 1)]


@router.get("/cases", response_model=list[CaseSummary])
def list_cases(
    uow: Uow, actor: Annotated[Actor, Depends(require(Permission.view_case))]
) -> list[CaseSummary]:
    """Cases you may open: your teams' cases, or your province's if you supervise."""
    return queries.case_list(uow.session, actor=actor)


@router.post("/cases", response_model=CaseSummary, status_code=201)
def create_case(
    uow: Uow, body: CaseCreate,
    actor: Annotated[Actor, Depends(require(Permission.create_case))],
) -> CaseSummary:
    """Open a case file; you are on its team. Identity and notes are stored encrypted."""
    return service.create_case(uow.session, actor=actor, data=body, now=uow.now)


@router.get("/cases/{case_id}", response_model=CasePublic)
def read_case(uow: Uow, grant: ViewCase) -> CasePublic:
    """The case file, with the client's identity and notes. The read is audited."""
    file = queries.case_file(uow.session, case_id=grant.case_id, why=grant.why)
    assert file is not None  # noqa: S101 - case_access has just loaded it
    return file


@router.post("/cases/{case_id}/notes", response_model=NotePublic, status_code=201)
def add_note(uow: Uow, grant: EditCase, body: NoteCreate) -> NotePublic:
    """Add a note to the case (stored encrypted; audited)."""
    return service.write_note(uow.session, actor=grant.actor, case_id=grant.case_id,
                              text=body.text, now=uow.now)


@router.post("/cases/{case_id}/break-glass", response_model=BreakGlassPublic, status_code=201)
def break_glass(
    uow: Uow, case_id: CaseId, body: BreakGlassCreate,
    actor: Annotated[Actor, Depends(require(Permission.break_glass))],
) -> BreakGlassPublic:
    """Open a case outside need-to-know for one hour, stating why. Your supervisor sees it."""
    return service.break_glass(uow.session, actor=actor, case_id=case_id, reason=body.reason,
                               now=uow.now)


@router.get("/cases/{case_id}/access-log", response_model=list[AccessEntryPublic])
def case_access_log(uow: Uow, grant: ReviewCase) -> list[AccessEntryPublic]:
    """Who saw this case: every read, write, refusal and break-glass, oldest first."""
    return queries.case_access_log(uow.session, case_id=grant.case_id).entries


@router.post("/clients/lookup", response_model=list[ClientMatch])
def lookup_client(
    uow: Uow, body: ClientLookup,
    actor: Annotated[Actor, Depends(require(Permission.find_client))],
) -> list[ClientMatch]:
    """Earlier cases of a person, by phone or national code (keyed-hash lookup, audited).
    Sent in the body, not the URL, so numbers never reach access logs."""
    return service.lookup_client(uow.session, actor=actor, phone=body.phone,
                                 national_code=body.national_code, now=uow.now)


@router.get("/security/break-glass", response_model=list[BreakGlassPublic])
def break_glass_reports(
    uow: Uow, actor: Annotated[Actor, Depends(require(Permission.review_access))]
) -> list[BreakGlassPublic]:
    """Break-glass openings in your area, newest first, for review."""
    return list(queries.break_glass_reviews(uow.session, actor=actor))


@router.post("/security/break-glass/{break_glass_id}/review", status_code=204)
def review_break_glass(
    uow: Uow, break_glass_id: Annotated[int, Path(ge=1, le=2**31 - 1)],
    actor: Annotated[Actor, Depends(require(Permission.review_access))],
) -> None:
    """Mark a break-glass opening as reviewed (audited)."""
    access.review_break_glass(uow.session, actor=actor, break_glass_id=break_glass_id,
                              now=uow.now)


@router.get("/security/grants", response_model=list[GrantPublic])
def list_grants(
    uow: Uow, actor: Annotated[Actor, Depends(require(Permission.manage_grants))]
) -> list[GrantPublic]:
    """Grants for restricted categories held by users in your area."""
    return queries.restricted_grants(uow.session, actor=actor)


@router.post("/security/grants", response_model=GrantPublic, status_code=201)
def create_grant(
    uow: Uow, body: GrantCreate,
    actor: Annotated[Actor, Depends(require(Permission.manage_grants))],
) -> GrantPublic:
    """Let a user open cases of a restricted category (audited; granting twice is one grant)."""
    return service.grant_restricted(uow.session, actor=actor, user_id=body.user_id,
                                    category=body.category, now=uow.now)


@router.post("/security/grants/{grant_id}/revoke", response_model=GrantPublic)
def revoke_grant(
    uow: Uow, grant_id: Annotated[int, Path(ge=1, le=2**31 - 1)],
    actor: Annotated[Actor, Depends(require(Permission.manage_grants))],
) -> GrantPublic:
    """Withdraw a grant (audited)."""
    return service.revoke_restricted(uow.session, actor=actor, grant_id=grant_id, now=uow.now)
