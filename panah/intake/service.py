"""Contact use cases: open and route, add a location, take, answer, end, abandon.

Each runs inside the caller's unit of work and never commits. Taking a contact is a
conditional UPDATE (state and version) so two counsellors cannot both take it.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any, cast

from sqlalchemy import CursorResult, bindparam, func, or_, select, update
from sqlalchemy.orm import Session

from panah.core.db import deferred, insert_rows, table_of, unprepared
from panah.core.errors import Conflict, InvalidInput, NotFound
from panah.intake.channels.notify import STATE, announce
from panah.intake.model import (
    NATIONAL_QUEUE,
    Channel,
    ContactState,
    LocationFix,
    LocationSource,
    RiskLevel,
    RouteDecision,
    TrailStep,
    can_move,
)
from panah.intake.orm import (
    Callback,
    Contact,
    ContactLocation,
    InboundEvent,
    OutboundSms,
    RoutingStep,
)
from panah.intake.queue.overflow import callback_due_at
from panah.intake.routing.aml import parse_aml
from panah.intake.routing.context import RoutingContext
from panah.intake.routing.location import Locate, is_coordinate
from panah.intake.routing.model import route
from panah.intake.routing.phones import area_code_province, is_mobile
from panah.security.access import audit
from panah.security.audit import AuditAction
from panah.security.audit_orm import Entry, append_many
from panah.security.crypto import current_keyring, keyed_hash
from panah.security.policy import Actor

AML_WINDOW = timedelta(minutes=30)  # an AML SMS belongs to calls from the same number this recent
MISSED_CALL_SMS = (
    "پناه، اورژانس اجتماعی ۱۲۳: تماس شما را از دست دادیم و به‌زودی با شما تماس می‌گیریم. "
    "اگر در خطر فوری هستید با ۱۱۰ یا ۱۱۵ تماس بگیرید."
)


def caller_hash(e164: str) -> str:
    return keyed_hash(current_keyring(), e164, normalise=str.strip)


@dataclass(frozen=True, slots=True)
class NewContact:
    channel: Channel
    external_id: str | None
    caller: str | None  # E.164, already normalised
    called: str | None = None
    fixes: Sequence[LocationFix] = ()
    risk: RiskLevel = RiskLevel.medium
    language: str = "fa"
    wants_woman: bool = False
    summary: str | None = None


def open_contact(session: Session, *, new: NewContact, context: RoutingContext, now: datetime,
                 actor: Actor | None = None) -> Contact:
    """Store a contact, route it by the best location, queue it; the trail says why."""
    contact_id = open_contacts(session, news=[new], context=context, now=now, actor=actor)[0]
    return session.get_one(Contact, contact_id)


def open_contacts(session: Session, *, news: Sequence[NewContact], context: RoutingContext,
                  now: datetime, actor: Actor | None = None) -> list[int]:
    """Open several contacts at once, in order; their ids.

    One look-up of earlier AML texts, one INSERT per table, one audit append, whatever the
    number: the intake writer opens a whole batch of offered calls this way.
    """
    hashes = [caller_hash(new.caller) if new.caller else None for new in news]
    aml = _recent_aml(session, {h for h in hashes if h is not None}, now)
    plans = plan_contacts(news, hashes, aml, context, now)
    ids = insert_rows(session, table_of(Contact), [plan.contact for plan in plans])
    locations, steps = children_of(plans, ids)
    for insert, rows in ((_INSERT_LOCATION, locations), (_INSERT_STEP, steps)):
        if rows:  # Core executemany: one pipelined statement, no ids to read back
            session.connection().execute(insert, rows)
    append_many(session, now=now, entries=created_entries(ids, news, actor))
    return ids


@dataclass(frozen=True, slots=True)
class PlannedContact:
    """The rows of one new contact, routed, before it has an id."""

    contact: dict[str, object]
    locations: list[dict[str, object]]
    steps: list[dict[str, object]]


def plan_contacts(news: Sequence[NewContact], hashes: Sequence[str | None],
                  aml: dict[str, list[LocationFix]], context: RoutingContext,
                  now: datetime) -> list[PlannedContact]:
    """Route each new contact by its best location (its own fixes, the caller's recent AML
    texts, the area code) and lay out its rows; the batch's points are located in one pass.
    Reads nothing from the database: the caller stores the rows however it stores."""
    fixes_of = [[*new.fixes, *aml.get(hashed or "", ()), *_area_code_fix(new.caller)]
                for new, hashed in zip(news, hashes, strict=True)]
    locate = _located_together(context, fixes_of)
    plans = []
    for new, hashed, fixes in zip(news, hashes, fixes_of, strict=True):
        decision = _route(fixes, context, now, locate)
        plans.append(PlannedContact(
            contact={
                "channel": new.channel.value, "external_id": new.external_id,
                "state": ContactState.queued.value, "version": 1, "caller": new.caller,
                "caller_hash": hashed, "called": new.called, "risk": new.risk.value,
                "language": new.language, "wants_woman": new.wants_woman, "offered_at": now,
                "queued_at": now, "summary": new.summary, "visitor_token_hash": None,
                **_decision_values(decision, context, now)},
            locations=[_location_values(fix, now) for fix in fixes],
            steps=[step_values(seq, step, now) for seq, step in enumerate(decision.trail)]))
    return plans


def children_of(plans: Sequence[PlannedContact], ids: Sequence[int],
                ) -> tuple[list[dict[str, object]], list[dict[str, object]]]:
    """The location and trail rows of planned contacts, now that they have their ids."""
    locations = [{**row, "contact_id": contact_id}
                 for plan, contact_id in zip(plans, ids, strict=True) for row in plan.locations]
    steps = [{**row, "contact_id": contact_id}
             for plan, contact_id in zip(plans, ids, strict=True) for row in plan.steps]
    return locations, steps


def created_entries(ids: Sequence[int], news: Sequence[NewContact],
                    actor: Actor | None = None) -> list[Entry]:
    """The audit entries saying these contacts were created."""
    return [Entry(actor, AuditAction.create, "contact", str(contact_id), new.channel.value)
            for contact_id, new in zip(ids, news, strict=True)]


_INSERT_LOCATION = deferred(table_of(ContactLocation).insert())
_INSERT_STEP = deferred(table_of(RoutingStep).insert())


def _route(fixes: Sequence[LocationFix], context: RoutingContext, now: datetime,
           locate: Locate | None = None) -> RouteDecision:
    return route(fixes, now=now, locate=locate or context.locate,
                 coverage=context.coverage, lines=context.lines)


def _located_together(context: RoutingContext, fixes_of: Sequence[Sequence[LocationFix]]) -> Locate:
    """``context.locate``, with the batch's points located beforehand in one pass."""
    points = list({(f.lat, f.lon) for fixes in fixes_of for f in fixes
                   if f.lat is not None and f.lon is not None and is_coordinate(f.lat, f.lon)})
    known = dict(zip(points, context.placements(points), strict=True)) if points else {}
    fallback: Locate = context.locate
    return lambda lat, lon: known[(lat, lon)] if (lat, lon) in known else fallback(lat, lon)


def _decision_values(decision: RouteDecision, context: RoutingContext,
                     now: datetime) -> dict[str, object]:
    """The contact's columns that routing decides."""
    line = context.lines.get(decision.province_code or "")
    return {
        "queue": decision.queue, "province_code": decision.province_code,
        "county_key": decision.county_key, "centre_code": decision.centre_code,
        "location_source": decision.location.source.value,
        "approximate": decision.approximate, "offered_to": decision.queue,
        "next_overflow_at": (now + timedelta(seconds=line.overflow_after_s)
                             if line is not None else None),
    }


def _apply_decision(contact: Contact, decision: RouteDecision, context: RoutingContext,
                    now: datetime) -> None:
    for column, value in _decision_values(decision, context, now).items():
        setattr(contact, column, value)
    start = len(contact.trail)
    contact.trail.extend(step_row(start + i, step, now) for i, step in enumerate(decision.trail))


def step_values(seq: int, step: TrailStep, now: datetime) -> dict[str, object]:
    return {"seq": seq, "at": now, "step": step.step, "outcome": step.outcome,
            "detail_en": step.detail_en, "detail_fa": step.detail_fa,
            "data": json.dumps(step.data, ensure_ascii=False, default=str)}


def step_row(seq: int, step: TrailStep, now: datetime) -> RoutingStep:
    return RoutingStep(**step_values(seq, step, now))


def _location_values(fix: LocationFix, now: datetime) -> dict[str, object]:
    return {"source": fix.source.value, "lat": fix.lat, "lon": fix.lon,
            "radius_m": fix.radius_m, "province_code": fix.province_code, "taken_at": fix.at,
            "received_at": now, "detail": fix.detail or None}


def _location_row(fix: LocationFix, now: datetime) -> ContactLocation:
    return ContactLocation(**_location_values(fix, now))


def _area_code_fix(caller: str | None) -> list[LocationFix]:
    province = area_code_province(caller) if caller else None
    if province is None:
        return []
    return [LocationFix(LocationSource.area_code, province_code=province, detail=caller or "")]


def _recent_aml(session: Session, hashes: set[str],
                now: datetime) -> dict[str, list[LocationFix]]:
    """Handset fixes from AML SMS that arrived shortly before the calls were offered,
    by caller hash; one query for any number of callers."""
    if not hashes:
        return {}
    return aml_fixes(session.connection().execute(
        _RECENT_AML, {"hashes": list(hashes), "since": now - AML_WINDOW}))


def aml_fixes(rows: Iterable[tuple[str | None, str | None]]) -> dict[str, list[LocationFix]]:
    """Handset fixes by caller hash, from (caller hash, stored payload) of AML texts."""
    fixes: dict[str, list[LocationFix]] = {}
    for hashed, payload in rows:
        if hashed is None or payload is None:
            continue
        try:
            fix = parse_aml(json.loads(payload)["text"]).to_fix()
        except InvalidInput:
            continue  # a broken AML text was refused on its own; it must not refuse the call
        if fix.has_point:
            fixes.setdefault(hashed, []).append(fix)
    return fixes


# Built once: the intake writer asks it for every batch of offered calls.
_RECENT_AML = unprepared(select(InboundEvent.caller_hash, InboundEvent.payload).where(
    InboundEvent.caller_hash.in_(bindparam("hashes", expanding=True)),
    InboundEvent.kind == "sms.aml", InboundEvent.received_at >= bindparam("since"),
).order_by(InboundEvent.id))


def add_location(session: Session, *, contact: Contact, fix: LocationFix, context: RoutingContext,
                 now: datetime) -> None:
    """A new fix for a contact; while nobody has taken it, route it again."""
    contact.locations.append(_location_row(fix, now))
    if contact.state not in (ContactState.offered.value, ContactState.queued.value):
        return
    fixes = [_fix_of(row) for row in contact.locations]
    _apply_decision(contact, _route(fixes, context, now), context, now)


def _fix_of(row: ContactLocation) -> LocationFix:
    return LocationFix(LocationSource(row.source), row.lat, row.lon, row.radius_m,
                       row.taken_at, row.province_code, row.detail or "")


STAMPS = {
    ContactState.queued: "queued_at", ContactState.assigned: "assigned_at",
    ContactState.answered: "answered_at", ContactState.wrap_up: "wrap_up_at",
    ContactState.closed: "closed_at", ContactState.abandoned: "abandoned_at",
}


SMS_CONVERSATION = timedelta(hours=24)  # texts from the same number join its open SMS contact


def open_sms_conversation(session: Session, e164: str, now: datetime) -> Contact | None:
    """The number's SMS contact that is still open (not closed) and began within
    ``SMS_CONVERSATION``: a new text from the number continues it."""
    return session.scalar(
        select(Contact).where(
            Contact.caller_hash == caller_hash(e164), Contact.channel == Channel.sms.value,
            Contact.state != ContactState.closed.value,
            Contact.offered_at >= now - SMS_CONVERSATION)
        .order_by(Contact.id.desc()).limit(1))


def recent_contact_of(session: Session, e164: str, now: datetime) -> Contact | None:
    """The newest unfinished voice contact from this number within the AML window."""
    return session.scalar(
        select(Contact).where(
            Contact.caller_hash == caller_hash(e164), Contact.channel == Channel.voice.value,
            Contact.offered_at >= now - AML_WINDOW,
            Contact.state.in_([s.value for s in (ContactState.offered, ContactState.queued,
                                                 ContactState.assigned, ContactState.answered)]))
        .order_by(Contact.id.desc()).limit(1))


def find_contact(session: Session, channel: Channel, external_id: str) -> Contact | None:
    return session.scalar(select(Contact).where(Contact.channel == channel.value,
                                                Contact.external_id == external_id))


def move(contact: Contact, target: ContactState, now: datetime) -> None:
    current = ContactState(contact.state)
    if current == target:
        return  # a repeated event: nothing to do
    if not can_move(current, target):
        raise InvalidInput(
            f"A contact that is {current.value} cannot become {target.value}.",
            f"تماسی که در وضعیت «{current.value}» است نمی‌تواند «{target.value}» شود.",
            state=current.value, wanted=target.value)
    contact.state = target.value
    contact.version += 1
    stamp = STAMPS.get(target)
    if stamp is not None:
        setattr(contact, stamp, now)
    if target is not ContactState.queued:
        contact.next_overflow_at = None


def abandon(session: Session, *, contact: Contact, now: datetime) -> Callback | None:
    """The caller hung up before anyone answered: a callback task, and a text if mobile."""
    move(contact, ContactState.abandoned, now)
    due = callback_due_at(now, RiskLevel(contact.risk))
    if due is None:
        return None
    move(contact, ContactState.callback_due, now)
    callback = Callback(contact_id=contact.id, due_at=due, state="due", created_at=now)
    session.add(callback)
    if contact.caller and is_mobile(contact.caller):
        session.add(OutboundSms(contact_id=contact.id, to=contact.caller, body=MISSED_CALL_SMS,
                                created_at=now))
        callback.sms_sent_at = None  # set when the outbox actually sends it
    return callback


def take(session: Session, *, actor: Actor, contact_id: int, now: datetime) -> Contact:
    """A counsellor takes a queued contact. Exactly one of two simultaneous takers wins."""
    contact = session.get(Contact, contact_id)
    if contact is None:
        raise NotFound(f"There is no contact {contact_id}.", f"تماسی با شمارهٔ {contact_id} نیست.")
    claimed = cast(CursorResult[Any], session.execute(
        update(Contact)
        .where(Contact.id == contact_id, Contact.state == ContactState.queued.value,
               Contact.version == contact.version)
        .values(state=ContactState.assigned.value, assigned_to=actor.user_id, assigned_at=now,
                version=Contact.version + 1, next_overflow_at=None)
        .execution_options(synchronize_session=False)))
    if claimed.rowcount != 1:
        raise Conflict("Another counsellor has just taken this contact; take the next one.",
                       "همکار دیگری همین حالا این تماس را برداشت؛ تماس بعدی را بردارید.")
    session.refresh(contact)
    if contact.channel in (Channel.web_chat.value, Channel.sms.value):
        move(contact, ContactState.answered, now)  # a text conversation starts at once
        announce(session, contact.id, STATE)  # the visitor's page: a counsellor is with her
    audit(session, actor, AuditAction.update, "contact", contact.id, now=now, reason="take")
    return contact


EARLIER_SHOWN = 10


def earlier_contacts(session: Session, contact: Contact,
                     limit: int = EARLIER_SHOWN) -> tuple[int, list[Contact]]:
    """How many other contacts the caller's number has (a caller may be calling again
    while this one waits), and the latest ``limit`` of them, newest first; found by the
    number's keyed hash."""
    same = (Contact.caller_hash == contact.caller_hash, Contact.id != contact.id)
    count = session.scalar(select(func.count()).select_from(Contact).where(*same)) or 0
    latest = session.scalars(select(Contact).where(*same)
                             .order_by(Contact.offered_at.desc(), Contact.id.desc()).limit(limit))
    return int(count), list(latest)


def queues_of(actor: Actor) -> list[str]:
    """The queues a counsellor answers: their province's, and the national pool."""
    return [q for q in (actor.province_code, NATIONAL_QUEUE) if q]


def waiting_for(session: Session, actor: Actor) -> list[Contact]:
    conditions = [Contact.offered_to.contains(q) for q in queues_of(actor)]
    rows = session.scalars(select(Contact).where(Contact.state == ContactState.queued.value,
                                                 or_(*conditions)))
    mine = set(queues_of(actor))
    return [c for c in rows if mine & set(c.offered_to.split(","))]


def record_walk_in(session: Session, *, actor: Actor, caller: str | None, summary: str | None,
                   risk: RiskLevel, now: datetime) -> Contact:
    """Someone walked into ``actor``'s centre: a contact of channel walk_in in their province,
    met there and then (so it never waits in a queue), on record like any other contact."""
    province = actor.province_code
    contact = Contact(
        channel=Channel.walk_in.value, state=ContactState.closed.value, caller=caller,
        caller_hash=caller_hash(caller) if caller else None, risk=risk.value,
        queue=province or NATIONAL_QUEUE, province_code=province, offered_to=province or "",
        location_source=LocationSource.unknown.value, offered_at=now, assigned_at=now,
        assigned_to=actor.user_id, answered_at=now, closed_at=now, summary=summary)
    session.add(contact)
    session.flush()
    audit(session, actor, AuditAction.create, "contact", contact.id, now=now,
          reason=Channel.walk_in.value)
    return contact
