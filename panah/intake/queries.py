"""The 123 line's read side: what screens and the API show of contacts and lines, each a
function of ``(session, *, actor, now, …)`` inside the caller's unit of work."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy.orm import Session

from panah.core.clock import as_utc
from panah.geo import queries as geo_queries
from panah.geo.orm import Province
from panah.geo.queries import RegionName
from panah.intake.model import RiskLevel
from panah.intake.orm import Contact
from panah.intake.queue import callbacks, presence
from panah.intake.queue.model import QueueEntry, held_for, language_of, order_queue
from panah.intake.routing import service as line_admin
from panah.intake.schemas import CallbackPublic, ContactSummary, LinePublic, summary
from panah.intake.service import waiting_for
from panah.security.orm import User
from panah.security.policy import Actor, Resource


def contact_resource(session: Session, contact_id: int) -> Resource | None:
    """What the policy needs to know of a contact: its province and the queues it is
    offered on (``None``: there is no such contact)."""
    contact = session.get(Contact, contact_id)
    if contact is None:
        return None
    offered = frozenset(q for q in contact.offered_to.split(",") if q)
    return Resource("contact", province_code=contact.province_code, offered_to=offered)


def line_resource(session: Session, province_code: str) -> Resource | None:
    """A province's 123 line, as the policy sees it (``None``: no such province)."""
    found = session.get(Province, province_code)
    return Resource("line", province_code=found.code) if found is not None else None


def counsellor_queue(session: Session, *, actor: Actor, now: datetime) -> list[ContactSummary]:
    """The queue as the counsellor sees it: the contacts waiting in their queues (their
    province's and the national pool), in the order to answer them (risk first, then
    waiting time, with ageing), each saying whether to leave it to a colleague for now.

    Looking at the queue marks the counsellor present (``presence.seen``): the console
    polls it, and who is present decides which contacts are held for a colleague."""
    presence.seen(session, actor.user_id, now)
    me = presence.counsellor_of(session.get_one(User, actor.user_id))
    around = [*presence.online(session, actor.province_code, now), me]
    contacts = {str(c.id): c for c in waiting_for(session, actor)}
    entries = [QueueEntry(id=k, risk=RiskLevel(c.risk),
                          enqueued_at=as_utc(c.queued_at or c.offered_at),
                          language=language_of(c.language),
                          wants_woman_counsellor=c.wants_woman)
               for k, c in contacts.items()]
    return [summary(contacts[e.id], now).model_copy(update={
                "held_for": held_for(me, e, now=now, online=around)})
            for e in order_queue(entries, now=now)]


def callbacks_due(session: Session, *, actor: Actor, now: datetime) -> list[CallbackPublic]:
    """Callers to call back (lost before anyone answered) that the actor may reach:
    escalated ones first (their attempts are used up), then by when they are due."""
    return [CallbackPublic.model_validate(task)
            for task in callbacks.open_callbacks(session, actor, now)]


def province_names(session: Session) -> dict[str, RegionName]:
    """Every province's names by code, in code order: for pages that name queues (a queue
    is its province's code) and provinces."""
    return {p.code: p for p in geo_queries.province_names(session)}


def line_settings(session: Session, *, province_code: str) -> LinePublic:
    """A province's 123 line as routing uses it now."""
    return LinePublic.of(line_admin.line_of(session, province_code))


@dataclass(frozen=True, slots=True)
class LineForm:
    """The line settings form: the line as it is, and the provinces to choose backups from."""

    line: LinePublic
    provinces: dict[str, RegionName]

    @property
    def province(self) -> RegionName:
        return self.provinces[self.line.province_code]


def line_form(session: Session, *, province_code: str) -> LineForm:
    """What the supervisor's line settings form shows."""
    return LineForm(line_settings(session, province_code=province_code),
                    province_names(session))
