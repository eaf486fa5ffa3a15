"""The directory (partner agencies and services, for any staff member) and follow-up calls
(for the counsellors and supervisors of the follow-up's province).

The directory is the organisation's own information, not anyone's personal data, so it is
open to every staff role (``view_organisation``); follow-ups are contacts' business, so
they need ``answer_contacts`` and stay within the province like the contacts do.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Annotated

from fastapi import APIRouter, Depends, Query, Request

from panah.core.clock import as_utc
from panah.core.errors import Forbidden, InvalidInput
from panah.security.policy import Actor, Resource, decide
from panah.security.roles import ROLE_SCOPE, Permission, Scope
from panah.triage.directory import queries as directory
from panah.triage.directory.model import MAX_LIMIT, AgencyDomain
from panah.triage.directory.schemas import AgencyPublic, ResourcePublic
from panah.triage.followups import queries as follow_up_lists
from panah.triage.followups import service as follow_ups
from panah.triage.followups.schemas import FollowUpDone, FollowUpPublic
from panah.triage.taxonomy import Category
from panah.web.access import follow_up_access, record_denial
from panah.web.deps import Uow, get_clock, require

router = APIRouter(prefix="/api", tags=["directory and follow-ups"])
Staff = Annotated[Actor, Depends(require(Permission.view_organisation))]
Answer = Annotated[Actor, Depends(require(Permission.answer_contacts))]
FollowUpId = Annotated[int, Depends(follow_up_access(Permission.answer_contacts))]
ProvinceCode = Annotated[str | None, Query(pattern=r"^IR-[0-9]{2}$",
                                           description="ISO 3166-2:IR, e.g. IR-02")]
CountyText = Annotated[str | None, Query(min_length=1, max_length=80,
                                         description="County key (Q1282160) or name "
                                                     "(چالوس, Chalus)")]


@router.get("/directory/agencies", response_model=list[AgencyPublic])
def list_agencies(uow: Uow, actor: Staff, county: CountyText = None,
                  province: ProvinceCode = None,
                  domain: AgencyDomain | None = None) -> list[AgencyPublic]:
    """Partner agencies to refer to: the county's own first, then province-wide, then
    national (the 1480 line). Without a county, all the province's agencies."""
    return directory.agencies_public(uow.session, county=county, province_code=province,
                                     domain=domain.value if domain else None)


@router.get("/directory/resources", response_model=list[ResourcePublic])
def search_resources(
    uow: Uow, actor: Staff,
    q: Annotated[str | None, Query(max_length=200, description="Words, Persian or English")]
    = None,
    county: CountyText = None, province: ProvinceCode = None, need: Category | None = None,
    lang: Annotated[str, Query(pattern="^(fa|en)$")] = "fa",
    limit: Annotated[int, Query(ge=1, le=MAX_LIMIT)] = 20,
) -> list[ResourcePublic]:
    """Services to tell a caller of, nearest first: the county's, then the province's, then
    national lines. Spelling variants (ي/ی, ك/ک, ZWNJ) and small typos are forgiven."""
    return directory.resources_public(
        uow.session, text=q, county=county, province_code=province,
        need=need.value if need else None, language=lang, limit=limit)


def _province_filter(request: Request, actor: Actor, province: str | None) -> str | None:
    """The province whose follow-ups to list: the one asked for, if the actor may reach
    it (403, audited, otherwise); else the actor's own (``None``: all, for national roles)."""
    if province is None:
        national = actor.national or ROLE_SCOPE[actor.role] is Scope.nation
        return None if national else actor.province_code
    decision = decide(actor, Permission.answer_contacts, Resource("follow_up",
                                                                  province_code=province))
    if not decision:
        now = get_clock(request).now()
        record_denial(request.app.state.session_factory, actor, Permission.answer_contacts,
                      decision, "follow_up", f"province:{province}", now)
        raise Forbidden("You see the follow-ups of your own province only.",
                        "شما فقط پیگیری‌های استان خود را می‌بینید.",
                        why=decision.why.value, province=province)
    return province


def _utc(moment: datetime) -> datetime:
    try:
        return as_utc(moment).astimezone(UTC)
    except OverflowError as error:  # 0001-01-01T00:00+01:00 is before the first UTC day
        raise InvalidInput("due_before is out of range; give a date between the years 2 and "
                           "9998.", "زمان due_before بیرون از بازه است؛ تاریخی میان سال‌های ۲"
                           " و ۹۹۹۸ میلادی بنویسید.", field="due_before") from error


@router.get("/follow-ups", response_model=list[FollowUpPublic])
def list_follow_ups(
    request: Request, uow: Uow, actor: Answer, province: ProvinceCode = None,
    due_before: Annotated[datetime | None, Query(description="Only those due before this "
                                                             "time (ISO 8601; UTC if no "
                                                             "offset)")] = None,
    include_done: bool = False,
) -> list[FollowUpPublic]:
    """Follow-up calls to make, overdue first (then by due time); escalated ones carry
    ``escalated_at``. Your province's, and those of contacts placed in none."""
    chosen = _province_filter(request, actor, province)
    before = _utc(due_before) if due_before else None
    return follow_up_lists.follow_ups(uow.session, province_code=chosen, due_before=before,
                                      include_done=include_done,
                                      with_unplaced=province is None, now=uow.now)


@router.post("/follow-ups/{follow_up_id}/done", response_model=FollowUpPublic)
def follow_up_done(uow: Uow, body: FollowUpDone, actor: Answer,
                   follow_up_id: FollowUpId) -> FollowUpPublic:
    """Record the follow-up call and how it went. Once only: if it is already done (a
    colleague was quicker), 409."""
    return follow_ups.follow_up_done(uow.session, follow_up_id=follow_up_id,
                                     result=body.result, note=body.note, actor=actor,
                                     now=uow.now)
