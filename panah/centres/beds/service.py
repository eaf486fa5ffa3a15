"""Requests for beds (issue 17): use cases inside the caller's unit of work (never
committing). Access to the case, the contact or the request's shelter is decided before
these run (``panah.web.access``); what is checked here is the request's own rules.

A request comes from a case or from a contact (a call on the 123 line). Accepting it plans
a stay on a case (``stays.service.plan_stay``), so a request from a contact is accepted
only once the contact has a case: the worker opens a case from the contact (the thread's
``open_from_contact``), and the request follows the case it was linked to.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime

from sqlalchemy import update
from sqlalchemy.orm import Session

from panah.cases.flags.model import iran_day
from panah.cases.orm import Case
from panah.cases.service import case_resource
from panah.cases.thread.model import LinkKind
from panah.cases.thread.service import cases_linked
from panah.centres.beds import model
from panah.centres.beds.model import Party
from panah.centres.beds.queries import case_home, contact_home, public, search_order
from panah.centres.beds.schemas import ShelterRequestCreate, ShelterRequestPublic
from panah.centres.shelters.model import (
    DeclineReason,
    RequestStatus,
    assign_beds,
)
from panah.centres.shelters.orm import Shelter, ShelterRequest
from panah.centres.shelters.queries import free_beds
from panah.centres.stays.service import plan_stay
from panah.core.errors import Conflict, Forbidden, InvalidInput, NotFound
from panah.security.access import audit
from panah.security.audit import AuditAction
from panah.security.policy import Actor, decide
from panah.security.roles import SUPERVISING_ROLES, Permission

BEDS_TAKEN = Conflict(
    "The beds were taken since the request was made: decline it (no suitable bed) or ask "
    "the worker to choose again.",
    "تخت‌ها پس از درخواست گرفته شدند: درخواست را با دلیل «تخت مناسب نیست» نپذیرید یا از "
    "مددکار بخواهید دوباره جست‌وجو کند.")


def request_bed(session: Session, *, actor: Actor, data: ShelterRequestCreate, now: datetime,
                case_id: int | None = None, contact_id: int | None = None,
                ) -> ShelterRequestPublic:
    """Ask a shelter for beds for the party, from a case or a contact the actor may reach:
    the shelter must be in the client's province or a neighbouring one and have a room that
    takes the whole party now."""
    if (case_id is None) == (contact_id is None):
        raise InvalidInput("A request comes from one case or one contact.",
                           "درخواست از یک پرونده یا یک تماس است.", field="case_id")
    party = model.make_party(data.client_age, [(c.age, c.sex) for c in data.children],
                             data.accessible)
    today = iran_day(now)[0]
    arrives_on = data.arrives_on or today
    model.check_arrival(arrives_on, today)
    home = _home_province(session, actor, case_id, contact_id)
    shelter = session.get(Shelter, data.shelter_id)
    if shelter is None or not shelter.active:
        raise InvalidInput("There is no such shelter taking people; choose one the finder "
                           "shows.", "چنین خانهٔ امنی پذیرش ندارد؛ یکی از نتایج جست‌وجو را "
                           "برگزینید.", field="shelter_id")
    model.check_reach(shelter.province_code, search_order(session, home))
    if not model.suitable_beds(free_beds(session, shelter_ids=[shelter.id]), party)[0]:
        raise InvalidInput("This shelter has no room that takes the whole party now (the "
                           "room rule: a mother stays with her children, a girl in a girls' "
                           "room); search again.",
                           "این خانهٔ امن اکنون اتاقی ندارد که همهٔ این افراد را با هم بپذیرد "
                           "(قاعدهٔ اتاق: مادر کنار فرزندانش، دختر در اتاق دختران)؛ دوباره "
                           "جست‌وجو کنید.", field="shelter_id")
    row = ShelterRequest(
        shelter_id=shelter.id, case_id=case_id, contact_id=contact_id, from_province=home,
        people=party.as_json(), arrives_on=arrives_on,
        note=(data.note or "").strip() or None, status=RequestStatus.pending.value,
        requested_by=actor.user_id, requested_at=now)
    session.add(row)
    session.flush()
    audit(session, actor, AuditAction.update, "shelter_request", row.id, now=now,
          reason="bed requested")
    return public(session, row)


def accept(session: Session, *, actor: Actor, request_id: int, now: datetime,
           ) -> ShelterRequestPublic:
    """The shelter accepts: a planned stay holds the beds from now. Claimed with a
    conditional UPDATE (pending → accepted), so of two accepts one wins; beds taken
    meanwhile refuse it, and nothing is saved."""
    row = _request(session, request_id)
    case_id = row.case_id or _case_of_contact(session, row)
    party = model.party_from_json(row.people)
    claimed = session.execute(
        update(ShelterRequest).where(ShelterRequest.id == row.id,
                                     ShelterRequest.status == RequestStatus.pending.value)
        .values(status=RequestStatus.accepted.value, decided_by=actor.user_id,
                decided_at=now, case_id=case_id, version=ShelterRequest.version + 1)
        .execution_options(synchronize_session=False))
    if claimed.rowcount != 1:  # type: ignore[attr-defined]
        raise _answered(session, row)
    if assign_beds(free_beds(session, shelter_ids=[row.shelter_id]), party.people()) is None:
        raise BEDS_TAKEN
    try:
        with session.begin_nested():
            people = party.people()
            # The shelter that takes her in has need of her name, as her case's team would,
            # but a restricted category still needs a grant; her children are named at
            # check-in.
            case = session.get_one(Case, case_id)
            caring = case_resource(case)
            known = decide(actor, Permission.view_case,
                           replace(caring, team=caring.team | {actor.user_id}))
            names = [case.client.name if known else None] + [None] * (len(people) - 1)
            stay_id = plan_stay(session, actor=actor, shelter_id=row.shelter_id,
                                case_id=case_id, people=people,
                                arrives_on=max(row.arrives_on, iran_day(now)[0]), now=now,
                                request_id=row.id, names=names)
    except Conflict:
        raise BEDS_TAKEN from None
    session.execute(update(ShelterRequest).where(ShelterRequest.id == row.id)
                    .values(stay_id=stay_id).execution_options(synchronize_session=False))
    session.flush()
    session.refresh(row)
    audit(session, actor, AuditAction.update, "shelter_request", row.id, now=now,
          reason="bed request accepted")
    return public(session, row)


def decline(session: Session, *, actor: Actor, request_id: int, reason: str,
            note: str | None, now: datetime) -> ShelterRequestPublic:
    """The shelter declines, saying why (a note required for "other")."""
    why, cleaned = model.check_decline(reason, note)
    return _settle(session, actor, request_id, RequestStatus.declined, now, why, cleaned)


def withdraw(session: Session, *, actor: Actor, request_id: int, now: datetime,
             ) -> ShelterRequestPublic:
    """Whoever asked (or a supervisor of their province) takes back a pending request."""
    row = _request(session, request_id)
    if row.requested_by != actor.user_id and not (
            actor.role in SUPERVISING_ROLES and actor.province_code == row.from_province):
        raise Forbidden("Only the worker who asked, or a supervisor of their province, "
                        "withdraws a request.",
                        "فقط مددکاری که درخواست داده یا سرپرست استان او درخواست را پس "
                        "می‌گیرد.", shelter_request_id=request_id)
    return _settle(session, actor, request_id, RequestStatus.withdrawn, now)


def _settle(session: Session, actor: Actor, request_id: int, to: RequestStatus,
            now: datetime, reason: DeclineReason | None = None,
            note: str | None = None) -> ShelterRequestPublic:
    row = _request(session, request_id)
    claimed = session.execute(
        update(ShelterRequest).where(ShelterRequest.id == row.id,
                                     ShelterRequest.status == RequestStatus.pending.value)
        .values(status=to.value, decided_by=actor.user_id, decided_at=now,
                decline_reason=reason.value if reason else None, decline_note=note,
                version=ShelterRequest.version + 1)
        .execution_options(synchronize_session=False))
    if claimed.rowcount != 1:  # type: ignore[attr-defined]
        raise _answered(session, row)
    session.flush()
    session.refresh(row)
    audit(session, actor, AuditAction.update, "shelter_request", row.id, now=now,
          reason=f"bed request {to.value}")
    return public(session, row)


def _answered(session: Session, row: ShelterRequest) -> Conflict:
    session.refresh(row)
    return Conflict(f"This request is already {row.status}; reload the page.",
                    "به این درخواست پیش‌تر پاسخ داده شده است؛ صفحه را تازه کنید.",
                    status=row.status)


def _request(session: Session, request_id: int) -> ShelterRequest:
    row = session.get(ShelterRequest, request_id)
    if row is None:
        raise NotFound(f"There is no bed request {request_id}.",
                       f"درخواست تختی با شمارهٔ {request_id} نیست.")
    return row


def _case_of_contact(session: Session, row: ShelterRequest) -> int:
    """The case a contact's request follows: the one case opened from (or linked to) the
    contact; without it the request cannot be accepted yet."""
    found = cases_linked(session, LinkKind.contact, row.contact_id) if row.contact_id else []
    if len(found) != 1:
        raise Conflict(
            "This request came from a call that has no case yet: a stay belongs to a case. "
            "Ask the worker who asked to open a case from the contact, then accept.",
            "این درخواست از تماسی است که هنوز پرونده ندارد و اسکان به پرونده تعلق دارد. از "
            "مددکار درخواست‌دهنده بخواهید از تماس پرونده باز کند، سپس بپذیرید.",
            contact_id=row.contact_id)
    return found[0]


def _home_province(session: Session, actor: Actor, case_id: int | None,
                   contact_id: int | None) -> str:
    if case_id is not None:
        return case_home(session, case_id)
    return contact_home(session, actor=actor, contact_id=contact_id or 0)


def party_of(data: ShelterRequestCreate) -> Party:
    return model.make_party(data.client_age, [(c.age, c.sex) for c in data.children],
                            data.accessible)
