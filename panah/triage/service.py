"""Triage use cases: what a contact is about, its risk screens, a mobile team asked for,
and closing it with the actions it ended in. Each runs inside the caller's unit of work
and never commits; the decisions are the pure functions of ``taxonomy``, ``protocols``,
``outcomes`` and ``actions``. A use case takes the contact's id and answers in the API's
shapes (``schemas``), so the JSON routes and the triage panel call the same functions.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from panah.core.errors import InvalidInput, NotFound
from panah.dispatch.model import caller_kind_of_channel, check_cautions, parse_caller_kind
from panah.intake.channels.notify import STATE, announce
from panah.intake.model import ContactState, LocationSource, RiskLevel
from panah.intake.orm import Callback, Contact, ContactLocation
from panah.intake.service import move
from panah.security.access import audit
from panah.security.audit import AuditAction
from panah.security.policy import Actor
from panah.triage import protocol_data
from panah.triage.actions import Proposal, propose
from panah.triage.followups.service import schedule_follow_ups
from panah.triage.orm import (
    Agency,
    ContactCategory,
    ContactOutcome,
    DispatchRequest,
    Referral,
    Resource,
    Screen,
)
from panah.triage.outcomes import Outcome, OutcomeInput, check_close, parse_outcome
from panah.triage.protocols import (
    Answers,
    Protocol,
    ScreenResult,
    answered_questions,
    combine,
    score,
)
from panah.triage.schemas import (
    CategoriesOut,
    ClosedOut,
    DispatchRequestPublic,
    ScreenOut,
    dispatch_public,
    outcome_public,
    score_out,
)
from panah.triage.taxonomy import Category, check_categories, suggested_protocols

CLOSABLE = frozenset({ContactState.assigned, ContactState.answered, ContactState.wrap_up})


def contact_of(session: Session, contact_id: int) -> Contact:
    """The contact triage works on; NotFound if it is gone."""
    contact = session.get(Contact, contact_id)
    if contact is None:
        raise NotFound("The contact is gone.", "تماس دیگر نیست.")
    return contact


def set_categories(session: Session, *, contact_id: int, codes: Sequence[str],
                   actor: Actor | None, now: datetime) -> CategoriesOut:
    """Replace what the contact is about (several categories allowed, order kept); the
    protocols to ask follow from them."""
    contact = contact_of(session, contact_id)
    categories = check_categories(codes)
    session.execute(delete(ContactCategory).where(ContactCategory.contact_id == contact.id))
    session.add_all(ContactCategory(contact_id=contact.id, code=c.value, seq=i)
                    for i, c in enumerate(categories))
    audit(session, actor, AuditAction.update, "contact", contact.id, now=now,
          reason="categories")
    return CategoriesOut(codes=[c.value for c in categories],
                         suggested_protocols=[p.value for p in suggested_protocols(categories)])


def categories_of(session: Session, contact_id: int) -> tuple[Category, ...]:
    rows = session.scalars(select(ContactCategory.code).where(
        ContactCategory.contact_id == contact_id).order_by(ContactCategory.seq))
    return tuple(Category(code) for code in rows)


def record_screen(session: Session, *, contact_id: int, protocol_id: str, answers: Answers,
                  counsellor_believes_high_danger: bool, actor: Actor | None,
                  now: datetime) -> ScreenOut:
    """Score a completed protocol, keep it, and set the contact's risk from its screens
    (the most urgent of them), so the queue and the dispatch urgency follow at once."""
    contact = contact_of(session, contact_id)
    protocol = protocol_data.get(protocol_id)
    result = score_screen(protocol, answers, counsellor_believes_high_danger)
    session.add(Screen(
        contact_id=contact.id, protocol_id=protocol.id.value, version=protocol.version,
        answers=json.dumps(dict(answers), ensure_ascii=False), level=result.level.value,
        counsellor_override=result.counsellor_override, at=now,
        by_user=actor.user_id if actor else None,
        reasons=json.dumps([{"en": r.text_en, "fa": r.text_fa, "questions": r.question_ids}
                            for r in result.reasons], ensure_ascii=False)))
    session.flush()
    contact.risk = combine(level for _, level in screens_of(session, contact.id)).value
    audit(session, actor, AuditAction.update, "contact", contact.id, now=now,
          reason=f"screen {protocol.id.value} {result.level.value}")
    return ScreenOut(**score_out(result, answered_questions(protocol, answers)).model_dump(),
                     contact_risk=RiskLevel(contact.risk))


def score_screen(protocol: Protocol, answers: Answers, believes_high_danger: bool,
                 ) -> ScreenResult:
    return score(protocol, answers, counsellor_believes_high_danger=believes_high_danger)


def screens_of(session: Session, contact_id: int) -> list[tuple[str, RiskLevel]]:
    """(protocol id, level) of the contact's screens, latest of each protocol only."""
    rows = session.execute(select(Screen.protocol_id, Screen.level).where(
        Screen.contact_id == contact_id).order_by(Screen.id)).all()
    latest = {protocol_id: RiskLevel(level) for protocol_id, level in rows}
    return list(latest.items())


def taken_actions(session: Session, contact_id: int) -> set[str]:
    """"mobile_team" and the agency domains already referred to, for ``propose``."""
    taken = {"mobile_team"} if session.scalar(select(DispatchRequest.id).where(
        DispatchRequest.contact_id == contact_id).limit(1)) else set()
    taken |= set(session.scalars(select(Agency.domain).join(
        Referral, Referral.agency_id == Agency.id).where(Referral.contact_id == contact_id)))
    return taken


def proposals_for(session: Session, contact: Contact) -> list[Proposal]:
    return propose(categories_of(session, contact.id), screens_of(session, contact.id),
                   taken=taken_actions(session, contact.id))


@dataclass(frozen=True, slots=True)
class ForTheCrew:
    """What the counsellor tells the crew with the request: a short summary, the place in
    words, who called and whether a woman worker is wanted (``None``: as the contact
    asked for a woman counsellor, or as the channel tells who called)."""

    summary: str | None = None
    place: str | None = None
    caller_kind: str | None = None
    prefer_woman: bool | None = None


def request_mobile_team(session: Session, *, contact_id: int, cautions: Sequence[str],
                        note: str | None, actor: Actor | None, now: datetime,
                        crew: ForTheCrew = ForTheCrew()) -> DispatchRequestPublic:
    """Ask for a mobile team to the caller's best location; the dispatch board takes it."""
    contact = contact_of(session, contact_id)
    return dispatch_public(_request_mobile_team(session, contact, cautions, note, actor, now,
                                                crew))


def _request_mobile_team(session: Session, contact: Contact, cautions: Sequence[str],
                         note: str | None, actor: Actor | None, now: datetime,
                         crew: ForTheCrew = ForTheCrew()) -> DispatchRequest:
    chosen = check_cautions(cautions)  # the crew's list: the same codes on the board
    caller = parse_caller_kind(crew.caller_kind) if crew.caller_kind else (
        caller_kind_of_channel(contact.channel))
    point = _best_point(session, contact)
    request = DispatchRequest(
        contact_id=contact.id, province_code=contact.province_code,
        county_key=contact.county_key, priority=contact.risk, lat=point[0], lon=point[1],
        radius_m=point[2], cautions=",".join(chosen), note=note or None,
        summary=(crew.summary or "").strip() or None,
        place=(crew.place or "").strip() or _named_place(session, contact),
        caller_kind=caller.value,
        prefer_woman=contact.wants_woman if crew.prefer_woman is None else crew.prefer_woman,
        state="requested", requested_at=now, requested_by=actor.user_id if actor else None)
    session.add(request)
    session.flush()
    audit(session, actor, AuditAction.create, "dispatch_request", request.id, now=now)
    return request


def _best_point(session: Session, contact: Contact) -> tuple[float | None, ...]:
    """The location routing used (its newest fix of that source), else none."""
    row = session.execute(select(ContactLocation.lat, ContactLocation.lon,
                                 ContactLocation.radius_m).where(
        ContactLocation.contact_id == contact.id,
        ContactLocation.source == contact.location_source,
        ContactLocation.lat.is_not(None)).order_by(ContactLocation.id.desc()).limit(1)).first()
    return tuple(row) if row else (None, None, None)


def _named_place(session: Session, contact: Contact) -> str | None:
    """The place the caller named in words (a report form's place, a street), if any."""
    return session.scalar(select(ContactLocation.detail).where(
        ContactLocation.contact_id == contact.id,
        ContactLocation.source == LocationSource.named_place.value,
        ContactLocation.detail.is_not(None)).order_by(ContactLocation.id.desc()).limit(1))


def close_contact(session: Session, *, contact_id: int,
                  outcomes: Sequence[Mapping[str, object]], actor: Actor | None,
                  now: datetime) -> ClosedOut:
    """Close a contact with the actions it ended in (``outcomes`` as the API and the panel
    send them); refused without one ("no outcome, no close"), and nothing is saved when any
    outcome is refused."""
    contact = contact_of(session, contact_id)
    chosen = outcome_inputs(outcomes)
    if ContactState(contact.state) not in CLOSABLE:
        raise InvalidInput(
            f"A contact that is {contact.state} cannot be closed: take it first.",
            f"تماسی که در وضعیت «{contact.state}» است بسته نمی‌شود: نخست آن را بردارید.",
            state=contact.state)
    check_close(chosen, now=now)
    rows = [_outcome_row(session, contact, item, actor, now) for item in chosen]
    session.add_all(rows)
    follow_ups = _schedule_follow_ups(session, contact, actor, now)
    if contact.state == ContactState.assigned.value:
        move(contact, ContactState.answered, now)
    move(contact, ContactState.closed, now)
    session.flush()
    announce(session, contact.id, STATE)  # the visitor's page: the conversation has ended
    audit(session, actor, AuditAction.update, "contact", contact.id, now=now,
          reason="closed: " + ",".join(item.outcome.value for item in chosen))
    return ClosedOut(contact_id=contact.id, state=contact.state,
                     outcomes=[outcome_public(row) for row in rows], follow_ups=follow_ups)


def _outcome_row(session: Session, contact: Contact, item: OutcomeInput,
                 actor: Actor | None, now: datetime) -> ContactOutcome:
    row = ContactOutcome(contact_id=contact.id, outcome=item.outcome.value,
                         note=item.note or None, due_at=item.due_at, at=now,
                         directory_entries=",".join(item.directory_entry_ids),
                         by_user=actor.user_id if actor else None)
    if item.outcome is Outcome.referral:
        row.referral_id = _referral_to(session, contact, item.agency_code or "")
    elif item.outcome is Outcome.mobile_team_requested:
        row.dispatch_request_id = _dispatch_request_of(session, contact, actor, now)
    elif item.outcome is Outcome.information_given:
        _check_directory_entries(session, item.directory_entry_ids)
    elif item.outcome is Outcome.callback_scheduled and item.due_at is not None:
        _schedule_callback(session, contact, item.due_at, now)
    return row


def _referral_to(session: Session, contact: Contact, agency_code: str) -> int:
    referral_id = session.scalar(select(Referral.id).join(
        Agency, Agency.id == Referral.agency_id).where(
        Referral.contact_id == contact.id, Agency.code == agency_code))
    if referral_id is None:
        raise InvalidInput(
            f"This contact has no referral to {agency_code!r}: request the referral first "
            "(with the caller's consent), then close.",
            f"این تماس ارجاعی به «{agency_code}» ندارد: نخست ارجاع را (با رضایت تماس‌گیرنده) "
            "ثبت کنید، سپس ببندید.", field="agency_code")
    return referral_id


def _dispatch_request_of(session: Session, contact: Contact, actor: Actor | None,
                         now: datetime) -> int:
    existing = session.scalar(select(DispatchRequest.id).where(
        DispatchRequest.contact_id == contact.id).order_by(DispatchRequest.id.desc()))
    if existing is not None:
        return existing
    return _request_mobile_team(session, contact, (), None, actor, now).id


def _check_directory_entries(session: Session, entries: Sequence[str]) -> None:
    known = set(session.scalars(select(Resource.code).where(Resource.code.in_(entries))))
    missing = sorted(set(entries) - known)
    if missing:
        raise InvalidInput(
            f"Not in the resource directory: {missing}. Choose the services you gave from "
            "the directory.",
            f"در فهرست خدمات نیست: {missing}. خدماتی را که معرفی کردید از فهرست برگزینید.",
            field="directory_entry_ids")


def _schedule_callback(session: Session, contact: Contact, due_at: datetime,
                       now: datetime) -> None:
    callback = session.scalar(select(Callback).where(Callback.contact_id == contact.id))
    if callback is None:
        session.add(Callback(contact_id=contact.id, due_at=due_at, state="due", created_at=now))
    else:
        callback.due_at, callback.state, callback.done_at = due_at, "due", None


def _schedule_follow_ups(session: Session, contact: Contact, actor: Actor | None,
                         now: datetime) -> int:
    return len(schedule_follow_ups(session, contact=contact,
                                   screens=screens_of(session, contact.id), closed_at=now,
                                   actor=actor))


def outcome_inputs(items: Sequence[Mapping[str, object]]) -> list[OutcomeInput]:
    """API items → the pure inputs (the outcome name checked, nothing else assumed)."""
    return [OutcomeInput(
        outcome=parse_outcome(str(item.get("outcome", ""))),
        note=str(item.get("note") or ""),
        directory_entry_ids=tuple(str(e) for e in item.get("directory_entry_ids") or ()),  # type: ignore[attr-defined]
        due_at=item.get("due_at"),  # type: ignore[arg-type]
        agency_code=(str(item["agency_code"]) if item.get("agency_code") else None),
    ) for item in items]
