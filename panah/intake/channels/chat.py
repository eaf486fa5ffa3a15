"""Live text chat between a web visitor (who may be unable to speak) and a counsellor, and
the public help page's other use case: a report that someone is in danger.

Messages are stored (encrypted) before they are pushed; the hub only pushes what the
database already holds, so a reconnecting page replays its history from the store.

The hub pushes to the sockets open in its own process. With several server processes
(PostgreSQL), storing a message also sends ``NOTIFY panah_chat`` in the same transaction
(so it is heard only once the message is committed) carrying ids, never the text; each
process's :class:`ChatListener` hears the other processes' messages, reads them from
the database and pushes them to its own sockets.
"""

from __future__ import annotations

import asyncio
import hashlib
import hmac
import logging
import secrets
import threading
from collections import defaultdict
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any, Protocol

from sqlalchemy import select
from sqlalchemy.engine import make_url
from sqlalchemy.orm import Session, sessionmaker

from panah.core.errors import Forbidden, InvalidInput, NotAuthenticated, NotFound
from panah.geo.gazetteer import find_place
from panah.intake.channels.notify import CHANNEL, ORIGIN, STATE, announce
from panah.intake.limits.service import admit_help_contact
from panah.intake.model import (
    Channel,
    ContactState,
    LocationFix,
    LocationSource,
    RiskLevel,
    TrailStep,
)
from panah.intake.orm import ChatMessage, Contact, OutboundSms
from panah.intake.queries import contact_resource
from panah.intake.routing.context import RoutingContext
from panah.intake.routing.location import fix_from_place
from panah.intake.schemas import HelpChatCreate, HelpChatCreated, ReportCreate, ReportReceived
from panah.intake.service import NewContact, open_contact, step_row
from panah.security.policy import Actor, decide
from panah.security.roles import Permission

log = logging.getLogger("panah.intake")
MAX_TEXT = 2000


def new_visitor_token() -> tuple[str, str]:
    """A secret for the visitor's page (kept in page memory only) and its stored hash."""
    token = secrets.token_urlsafe(24)
    return token, hashlib.sha256(token.encode()).hexdigest()


def check_visitor(session: Session, contact_id: int, token: str) -> Contact:
    contact = session.get(Contact, contact_id)
    expected = contact.visitor_token_hash if contact else None
    given = hashlib.sha256(token.encode()).hexdigest()
    if contact is None or not expected or not hmac.compare_digest(expected, given):
        raise NotAuthenticated("This chat link is not valid. Start a new chat.",
                               "این پیوند گفت‌وگو معتبر نیست. گفت‌وگوی تازه‌ای آغاز کنید.")
    return contact


def clean_text(text: str) -> str:
    text = text.strip()
    if not text or len(text) > MAX_TEXT:
        raise InvalidInput(f"Write a message of 1 to {MAX_TEXT} characters.",
                           f"پیامی ۱ تا {MAX_TEXT} نویسه‌ای بنویسید.", field="text")
    return text


def post(session: Session, *, contact: Contact, sender: str, text: str, now: datetime,
         author_id: int | None = None) -> ChatMessage:
    if contact.channel not in (Channel.web_chat.value, Channel.sms.value):
        raise InvalidInput("Only chat and text contacts have messages.",
                           "فقط تماس‌های گفت‌وگو و پیامکی پیام دارند.")
    if contact.state in (ContactState.closed.value,):
        raise InvalidInput("This conversation has ended; start a new one.",
                           "این گفت‌وگو پایان یافته است؛ گفت‌وگوی تازه‌ای آغاز کنید.")
    message = ChatMessage(contact_id=contact.id, at=now, sender=sender, author_id=author_id,
                          text=clean_text(text))
    session.add(message)
    if contact.channel == Channel.sms.value and sender != "caller" and contact.caller:
        # The texter reads replies on their phone: the outbox sends it after this commits.
        session.add(OutboundSms(contact_id=contact.id, to=contact.caller, body=message.text,
                                created_at=now))
    session.flush()
    announce(session, contact.id, message.id)  # to the other server processes, on commit
    return message


def history(session: Session, contact_id: int, after: int = 0) -> list[dict[str, Any]]:
    rows = session.scalars(select(ChatMessage).where(ChatMessage.contact_id == contact_id,
                                                     ChatMessage.id > after)
                           .order_by(ChatMessage.id))
    return [frame(m) for m in rows]


def latest(session: Session, contact_id: int) -> dict[str, Any] | None:
    """The conversation's newest message, as pushed to the pages."""
    message = session.scalar(select(ChatMessage).where(ChatMessage.contact_id == contact_id)
                             .order_by(ChatMessage.id.desc()).limit(1))
    return frame(message) if message is not None else None


def frame(message: ChatMessage) -> dict[str, Any]:
    at = message.at if message.at.tzinfo else message.at.replace(tzinfo=UTC)
    return {"type": "message", "id": message.id, "at": at.isoformat(),
            "sender": message.sender, "text": message.text}


def state_frame(state: str) -> dict[str, Any]:
    """What the pages of a conversation are told when it is taken or ends: the visitor's
    page says a counsellor is with her, or that the conversation has ended."""
    return {"type": "state", "state": state}


def get_contact(session: Session, contact_id: int) -> Contact:
    contact = session.get(Contact, contact_id)
    if contact is None:
        raise NotFound(f"There is no contact {contact_id}.", f"تماسی با شمارهٔ {contact_id} نیست.")
    return contact


def start_chat(session: Session, *, chat: HelpChatCreate, context: RoutingContext,
               now: datetime, address: str | None = None) -> HelpChatCreated:
    """A visitor starts a chat from the help page, optionally with the browser's location:
    a web-chat contact, routed and queued, its first message, and the token (for the
    visitor's page only; the contact keeps its hash) that opens the chat's socket.

    Counted against the client ``address`` and the page's visitor token: refused over
    their limits (``TooManyContacts``), and "in danger" makes it immediate only for their
    first contact of the window (see ``panah.intake.limits``)."""
    admission = admit_help_contact(session, address=address, visitor=chat.visitor, now=now)
    in_danger = chat.in_danger and admission.danger_honoured
    token, hashed = new_visitor_token()
    new = NewContact(Channel.web_chat, None, None,
                     fixes=_browser_fix(chat.lat, chat.lon, chat.accuracy_m, now),
                     risk=RiskLevel.immediate if in_danger else RiskLevel.medium,
                     language=chat.language, wants_woman=chat.wants_woman)
    contact = open_contact(session, new=new, context=context, now=now)
    contact.visitor_token_hash = hashed
    if chat.in_danger and not in_danger:
        _danger_not_ranked(contact, now)
    post(session, contact=contact, sender="caller", text=chat.message, now=now)
    return HelpChatCreated(contact_id=contact.id, token=token, queue=contact.queue)


def _danger_not_ranked(contact: Contact, now: datetime) -> None:
    """Say on the trail why a self-reported danger did not make the chat immediate."""
    contact.trail.append(step_row(len(contact.trail), TrailStep(
        "intake", "not_ranked",
        "The visitor ticked \"in danger now\", but this is not the first chat from the same "
        "connection in ten minutes, so it keeps an ordinary level; read the message.",
        "بازدیدکننده «همین حالا در خطرم» را زده است، ولی این نخستین گفت‌وگو از همین اتصال در "
        "ده دقیقهٔ گذشته نیست، پس سطح عادی دارد؛ پیام را بخوانید."), now))


def report_danger(session: Session, *, report: ReportCreate, context: RoutingContext,
                  now: datetime, address: str | None = None) -> ReportReceived:
    """A third party reports someone in danger: what, where (map point or place name),
    when. A web-report contact, routed by the point or the named place, and queued;
    counted with the address's and the visitor's chats against their limits."""
    admit_help_contact(session, address=address, visitor=report.visitor, now=now)
    fixes = _browser_fix(report.lat, report.lon, None, now)
    if report.place:
        named, _ = fix_from_place(report.place, find_place)
        fixes += [named] if named else []
    summary = report.what + (f"\n— {report.when}" if report.when else "") + (
        f"\n— {report.place}" if report.place else "")
    contact = open_contact(session, new=NewContact(Channel.web_report, None, None,
                                                   fixes=fixes, summary=summary),
                           context=context, now=now)
    return ReportReceived(contact_id=contact.id, queue=contact.queue)


def _browser_fix(lat: float | None, lon: float | None, accuracy: float | None,
                 now: datetime) -> list[LocationFix]:
    if lat is None or lon is None:
        return []
    return [LocationFix(LocationSource.browser, lat, lon, accuracy, now)]


def visitor_history(session: Session, *, contact_id: int, token: str) -> list[dict[str, Any]]:
    """The conversation so far, then where it stands (waiting, with a counsellor, ended),
    for the visitor's page; refused without the chat's token."""
    contact = check_visitor(session, contact_id, token)
    return [*history(session, contact_id), state_frame(contact.state)]


def counsellor_history(session: Session, *, actor: Actor,
                       contact_id: int) -> list[dict[str, Any]]:
    """The conversation so far, for a counsellor's socket: refused unless the policy lets
    the actor answer this contact (the same rule as reading it)."""
    resource = contact_resource(session, contact_id)
    if resource is None or not decide(actor, Permission.answer_contacts, resource):
        raise Forbidden("not yours", "از آنِ شما نیست")
    return [*history(session, contact_id), state_frame(get_contact(session, contact_id).state)]


def visitor_says(session: Session, *, contact_id: int, token: str, text: str,
                 now: datetime) -> dict[str, Any]:
    """A message from the visitor (their token checked again), as pushed to the pages."""
    contact = check_visitor(session, contact_id, token)
    return frame(post(session, contact=contact, sender="caller", text=text, now=now))


def counsellor_says(session: Session, *, contact_id: int, author_id: int | None, text: str,
                    now: datetime) -> dict[str, Any]:
    """A counsellor's message to the visitor (or texter), as pushed to the pages."""
    contact = get_contact(session, contact_id)
    return frame(post(session, contact=contact, sender="counsellor", text=text, now=now,
                      author_id=author_id))


def _announced(session: Session, contact_id: int, what: str) -> dict[str, Any] | None:
    """The frame an announcement stands for: the message, or the contact's state now."""
    if what == STATE:
        contact = session.get(Contact, contact_id)
        return state_frame(contact.state) if contact is not None else None
    message = session.get(ChatMessage, int(what))
    return frame(message) if message is not None else None


class Socket(Protocol):
    async def send_json(self, data: Any, mode: str = "text") -> None: ...


@dataclass
class ChatHub:
    """Which open sockets watch which contact, in this process."""

    watchers: defaultdict[int, set[Socket]]

    @classmethod
    def empty(cls) -> ChatHub:
        return cls(defaultdict(set))

    def join(self, contact_id: int, socket: Socket) -> None:
        self.watchers[contact_id].add(socket)

    def leave(self, contact_id: int, socket: Socket) -> None:
        self.watchers[contact_id].discard(socket)

    async def publish(self, contact_id: int, data: dict[str, Any]) -> None:
        for socket in list(self.watchers.get(contact_id, ())):
            try:
                await socket.send_json(data)
            except Exception:  # a closed page: forget it, the others still get the frame
                self.leave(contact_id, socket)


class ChatListener:
    """Hears other server processes' chat messages (PostgreSQL) and pushes them here.

    A thread with its own connection, ``LISTEN panah_chat``; reconnects after a failure.
    A message announced while it was reconnecting is not pushed, but it is stored: the
    pages show it when they reconnect or reload.
    """

    def __init__(self, url: str, hub: ChatHub, factory: sessionmaker[Session],
                 loop: asyncio.AbstractEventLoop) -> None:
        self.url = make_url(url).set(drivername="postgresql").render_as_string(
            hide_password=False)
        self.hub, self.factory, self.loop = hub, factory, loop
        self.heard = 0  # messages from other processes pushed here (for tests)
        self.origin = ORIGIN
        self.listening = threading.Event()  # set once LISTEN is in place
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name="panah-chat-listener",
                                        daemon=True)

    def start(self) -> ChatListener:
        self._thread.start()
        return self

    def stop(self) -> None:
        self._stop.set()
        self._thread.join(timeout=5)

    def _run(self) -> None:
        import psycopg

        while not self._stop.is_set():
            try:
                with psycopg.connect(self.url, autocommit=True) as conn:
                    conn.execute(f"LISTEN {CHANNEL}")
                    self.listening.set()
                    while not self._stop.is_set():
                        for note in conn.notifies(timeout=0.5):
                            self._heard(note.payload)
            except Exception:  # the database went away: try again shortly
                self.listening.clear()
                log.exception("chat listener lost its connection; reconnecting")
                self._stop.wait(2.0)

    def _heard(self, payload: str) -> None:
        origin, _, rest = payload.partition(":")
        contact_id, _, what = rest.partition(":")
        if origin == self.origin or not contact_id.isdigit() or not (
                what.isdigit() or what == STATE):
            return  # this process pushed it already
        if not self.hub.watchers.get(int(contact_id)):
            return  # nobody here is watching that conversation
        with self.factory() as session:
            data = _announced(session, int(contact_id), what)
        if data is not None:
            asyncio.run_coroutine_threadsafe(self.hub.publish(int(contact_id), data), self.loop)
            self.heard += 1
