"""Writing the synthetic history: what a demo province has (its counties, counsellors,
neighbours, partner agencies and units), and the facts as rows, a batch at a time.

Rows go in with SQLAlchemy Core inserts of lists (per table per batch: one executemany on
SQLite, multi-row INSERTs on PostgreSQL), never the ORM row by row: thirteen months of
three provinces is some 150,000 contacts.
Every synthetic contact's ``external_id`` starts with ``history:``; that is how a second
run knows the history is there and how ``--replace`` finds what to remove. History is not
audited: no person did any of it.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy import delete, func, select, text
from sqlalchemy.orm import Session

from panah.core.db import deferred, table_of
from panah.demo_history.model import (
    KEY_PREFIX,
    ContactFact,
    Neighbour,
    Place,
    ProvinceSetup,
)
from panah.dispatch.orm import Assignment, Incident, Unit, UnitStatusEvent
from panah.geo.orm import County, Province
from panah.intake.orm import Callback, CallbackAttempt, Contact
from panah.intake.routing.context import load_coverage, load_lines
from panah.security.orm import User
from panah.security.roles import Role
from panah.triage.orm import Agency, ContactCategory, ContactOutcome, DispatchRequest, Referral

NOWRUZ_PROVINCES = frozenset({"IR-02"})  # Mazandaran's coast fills at Nowruz (seed 000)
# In the history, Gilan and Mazandaran answer each other's overflow (the Caspian pair, the
# only neighbours with counsellors in the demo), after the line's own backups, as overflow
# partners would: so some of a province's contacts are answered in the other.
_NEXT_IDS = text("SELECT nextval(pg_get_serial_sequence(:table, 'id')) "
                 "FROM generate_series(1, :n)")
HISTORY_PARTNERS = {"IR-02": ("IR-01",), "IR-01": ("IR-02",)}


def _handlers(session: Session, code: str) -> tuple[int, ...]:
    """Who answers a province's line in the demo: its counsellors, else its supervisors."""
    for role in (Role.counsellor, Role.supervisor):
        ids = session.scalars(select(User.id).where(
            User.province_code == code, User.role == role.value, User.is_active.is_(True))
            .order_by(User.id)).all()
        if ids:
            return tuple(ids)
    return ()


def demo_provinces(session: Session) -> list[str]:
    """The provinces whose line someone answers in the demo."""
    codes = session.scalars(select(User.province_code).where(
        User.role.in_((Role.counsellor.value, Role.supervisor.value)),
        User.province_code.is_not(None)).distinct()).all()
    return sorted(c for c in codes if c)


def province_setup(session: Session, code: str) -> ProvinceSetup | None:
    """What the generator needs of a province; None when the province does not exist."""
    province = session.get(Province, code)
    if province is None:
        return None
    coverage = load_coverage(session)
    counties = session.scalars(select(County).where(County.province_code == code)
                               .order_by(County.key)).all()
    places = tuple(Place(c.key, c.population_2016 or 50_000,
                         coverage[c.key].centre_code if c.key in coverage else None,
                         c.seat_lat or province.capital_lat, c.seat_lon or province.capital_lon)
                   for c in counties)
    line = load_lines(session).get(code)
    backups = (*(line.backup_queues if line else ()), *HISTORY_PARTNERS.get(code, ()))
    agencies = session.execute(select(Agency.id, Agency.domain).where(
        Agency.active.is_(True), (Agency.province_code == code) | Agency.province_code.is_(None))
        .order_by(Agency.province_code.is_(None), Agency.id)).all()
    units = session.scalars(select(Unit.id).where(Unit.province_code == code,
                                                  Unit.retired_at.is_(None)).order_by(Unit.id))
    return ProvinceSetup(
        code=code, population=province.population_2016, places=places,
        handlers=_handlers(session, code),
        neighbours=tuple(Neighbour(q, _handlers(session, q)) for q in backups),
        agencies=tuple((a, d) for a, d in agencies), units=tuple(units),
        nowruz_peak=code in NOWRUZ_PROVINCES)


def _history_of(code: str) -> Any:
    return Contact.external_id.startswith(f"{KEY_PREFIX}{code}:", autoescape=True)


def history_count(session: Session, code: str) -> int:
    return session.scalar(select(func.count()).select_from(Contact)
                          .where(_history_of(code))) or 0


def remove_history(session: Session, code: str) -> int:
    """Remove a province's synthetic history (only rows the history wrote); contacts removed."""
    contacts = select(Contact.id).where(_history_of(code)).scalar_subquery()
    incidents = select(Incident.id).where(Incident.contact_id.in_(contacts)).scalar_subquery()
    callbacks = select(Callback.id).where(Callback.contact_id.in_(contacts)).scalar_subquery()
    statements = (
        delete(ContactOutcome).where(ContactOutcome.contact_id.in_(contacts)),
        delete(ContactCategory).where(ContactCategory.contact_id.in_(contacts)),
        delete(Referral).where(Referral.contact_id.in_(contacts)),
        delete(UnitStatusEvent).where(UnitStatusEvent.incident_id.in_(incidents)),
        delete(Assignment).where(Assignment.incident_id.in_(incidents)),
        delete(Incident).where(Incident.contact_id.in_(contacts)),
        delete(DispatchRequest).where(DispatchRequest.contact_id.in_(contacts)),
        delete(CallbackAttempt).where(CallbackAttempt.callback_id.in_(callbacks)),
        delete(Callback).where(Callback.contact_id.in_(contacts)),
    )
    for statement in statements:
        session.execute(statement.execution_options(synchronize_session=False))
    removed = session.execute(delete(Contact).where(_history_of(code))
                              .execution_options(synchronize_session=False))
    return int(removed.rowcount)  # type: ignore[attr-defined]


def write_facts(session: Session, facts: Sequence[ContactFact]) -> int:
    """Insert the facts' rows, a table at a time; the contacts written."""
    if not facts:
        return 0
    ids = _insert_ids(session, Contact, [_contact_row(f) for f in facts])
    pairs = list(zip(ids, facts, strict=True))
    referrals = [(cid, f) for cid, f in pairs if f.referral]
    referral_ids = _insert_ids(session, Referral,
                               [_referral_row(cid, f) for cid, f in referrals])
    dispatched = [(cid, f) for cid, f in pairs if f.dispatch]
    request_ids = _insert_ids(session, DispatchRequest,
                              [_request_row(cid, f) for cid, f in dispatched])
    incident_ids = _insert_ids(session, Incident, [
        _incident_row(cid, rid, f) for (cid, f), rid in zip(dispatched, request_ids, strict=True)])
    callbacks = [(cid, f) for cid, f in pairs if f.callback]
    callback_ids = _insert_ids(session, Callback,
                               [_callback_row(cid, f) for cid, f in callbacks])
    linked = {cid: ("referral_id", rid) for (cid, _), rid in
              zip(referrals, referral_ids, strict=True)}
    linked |= {cid: ("dispatch_request_id", rid) for (cid, _), rid in
               zip(dispatched, request_ids, strict=True)}
    _insert(session, ContactOutcome, [_outcome_row(cid, f, linked.get(cid))
                                      for cid, f in pairs if f.outcome])
    _insert(session, ContactCategory, [{"contact_id": cid, "code": code, "seq": seq}
                                       for cid, f in pairs
                                       for seq, code in enumerate(f.categories)])
    _insert(session, CallbackAttempt, [
        {"callback_id": cb, "at": at, "by_user": f.callback.by_user, "outcome": outcome,
         "note": None}
        for (_, f), cb in zip(callbacks, callback_ids, strict=True) if f.callback
        for at, outcome in f.callback.attempts])
    _insert_dispatch(session, dispatched, incident_ids)
    return len(ids)


def _insert_ids(session: Session, model: type[Any], rows: list[dict[str, Any]]) -> list[int]:
    """Insert rows and return their ids, given before the rows go (no RETURNING, which
    SQLite answers row by row): on PostgreSQL drawn from the table's sequence in one
    query; on SQLite the ones after the largest, which the transaction may take as it holds
    the write lock (BEGIN IMMEDIATE)."""
    if not rows:
        return []
    table = table_of(model)
    if session.get_bind().dialect.name == "postgresql":
        ids = [int(i) for i in session.scalars(_NEXT_IDS, {"table": table.name,
                                                           "n": len(rows)})]
    else:
        start = (session.scalar(select(func.max(table.c.id))) or 0) + 1
        ids = list(range(start, start + len(rows)))
    _insert(session, model, [{**row, "id": i} for row, i in zip(rows, ids, strict=True)])
    return ids


def _insert(session: Session, model: type[Any], rows: list[dict[str, Any]]) -> None:
    """One executemany (pipelined on PostgreSQL), through the columns' types: an encrypted
    column is encrypted even here, should a row ever carry one."""
    if rows:
        session.connection().execute(deferred(table_of(model).insert()), rows)


def _insert_dispatch(session: Session, dispatched: list[tuple[int, ContactFact]],
                     incident_ids: list[int]) -> None:
    assignments, events = [], []
    for (_, fact), incident in zip(dispatched, incident_ids, strict=True):
        d = fact.dispatch
        assert d is not None  # noqa: S101 - chosen for having one
        assignments.append({
            "incident_id": incident, "unit_id": d.unit_id, "assigned_at": d.assigned_at,
            "assigned_by": fact.answered_by, "estimate_minutes": d.estimate_minutes,
            "explanation": None, "cleared_at": d.cleared_at})
        events += [{"unit_id": d.unit_id, "incident_id": incident, "status": status,
                    "previous": previous, "at": at, "received_at": at, "lat": None,
                    "lon": None, "source": "dispatcher" if status == "dispatched" else "field",
                    "by_user": None, "client_id": None, "applied": True}
                   for status, previous, at in d.events]
    _insert(session, Assignment, assignments)
    _insert(session, UnitStatusEvent, events)


def _contact_row(f: ContactFact) -> dict[str, Any]:
    return {
        "channel": f.channel, "external_id": f.key, "state": f.state, "version": 1,
        "caller": None, "caller_hash": f.caller_hash, "called": "123", "risk": f.risk,
        "language": "fa", "wants_woman": False, "queue": f.province_code,
        "province_code": f.province_code, "county_key": f.county_key,
        "centre_code": f.centre_code, "location_source": "network", "approximate": True,
        "offered_to": ",".join(f.offered_to), "next_overflow_at": None,
        "offered_at": f.offered_at, "queued_at": f.offered_at, "assigned_at": f.answered_at,
        "assigned_to": f.answered_by, "answered_at": f.answered_at,
        "wrap_up_at": f.wrap_up_at, "closed_at": f.closed_at, "abandoned_at": f.abandoned_at,
        "summary": None, "visitor_token_hash": None}


def _outcome_row(cid: int, f: ContactFact, link: tuple[str, int] | None) -> dict[str, Any]:
    row: dict[str, Any] = {
        "contact_id": cid, "outcome": f.outcome, "note": None, "directory_entries": "",
        "due_at": None, "referral_id": None, "dispatch_request_id": None,
        "at": f.wrap_up_at, "by_user": f.answered_by}
    if link:
        row[link[0]] = link[1]
    return row


def _referral_row(cid: int, f: ContactFact) -> dict[str, Any]:
    r = f.referral
    assert r is not None  # noqa: S101 - chosen for having one
    return {
        "contact_id": cid, "agency_id": r.agency_id, "state": r.state, "version": 1,
        "urgency": r.urgency, "kind": "handover", "category": r.category, "consent": "given",
        "override_reason": None, "requested_at": r.requested_at,
        "requested_by": f.answered_by, "ack_due_at": r.ack_due_at,
        "received_at": r.received_at, "decided_at": r.decided_at,
        "completed_at": r.completed_at, "escalated_at": None, "partner_reference": None,
        "partner_note": None, "updated_at": r.completed_at or r.decided_at}


def _request_row(cid: int, f: ContactFact) -> dict[str, Any]:
    d = f.dispatch
    assert d is not None  # noqa: S101 - chosen for having one
    return {
        "contact_id": cid, "province_code": f.province_code, "county_key": f.county_key,
        "priority": d.priority, "lat": d.lat, "lon": d.lon, "radius_m": 500.0,
        "cautions": "", "note": None, "summary": None, "place": None,
        "caller_kind": "person", "prefer_woman": False, "state": "taken",
        "requested_at": d.requested_at, "requested_by": f.answered_by}


def _incident_row(cid: int, request_id: int, f: ContactFact) -> dict[str, Any]:
    d = f.dispatch
    assert d is not None  # noqa: S101 - chosen for having one
    return {
        "province_code": f.province_code, "county_key": f.county_key, "priority": d.priority,
        "state": "closed", "lat": d.lat, "lon": d.lon, "radius_m": 500.0, "place": None,
        "cautions": "", "note": None, "summary": None, "categories": ",".join(f.categories),
        "caller_kind": "person", "needs_roles": "", "prefer_woman": False,
        "needs_kind": None, "contact_id": cid, "dispatch_request_id": request_id,
        "created_at": d.incident_at, "created_by": None, "closed_at": d.cleared_at}


def _callback_row(cid: int, f: ContactFact) -> dict[str, Any]:
    c = f.callback
    assert c is not None  # noqa: S101 - chosen for having one
    return {"contact_id": cid, "due_at": c.due_at, "state": "done", "created_at": c.created_at,
            "sms_sent_at": None, "done_at": c.done_at}

