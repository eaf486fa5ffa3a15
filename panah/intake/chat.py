"""Live text chat between a web visitor (who may be unable to speak) and a counsellor.

Messages are stored (encrypted) before they are pushed; the hub only pushes what the
database already holds, so a reconnecting page replays its history from the store.
The hub is per process: a deployment with several server processes needs a shared
channel (PostgreSQL LISTEN/NOTIFY or Redis) behind the same two methods.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from collections import defaultdict
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any, Protocol

from sqlalchemy import select
from sqlalchemy.orm import Session

from panah.core.errors import InvalidInput, NotAuthenticated, NotFound
from panah.intake.model import Channel, ContactState
from panah.intake.orm import ChatMessage, Contact

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
    session.flush()
    return message


def history(session: Session, contact_id: int, after: int = 0) -> list[dict[str, Any]]:
    rows = session.scalars(select(ChatMessage).where(ChatMessage.contact_id == contact_id,
                                                     ChatMessage.id > after)
                           .order_by(ChatMessage.id))
    return [frame(m) for m in rows]


def frame(message: ChatMessage) -> dict[str, Any]:
    at = message.at if message.at.tzinfo else message.at.replace(tzinfo=UTC)
    return {"type": "message", "id": message.id, "at": at.isoformat(),
            "sender": message.sender, "text": message.text}


def get_contact(session: Session, contact_id: int) -> Contact:
    contact = session.get(Contact, contact_id)
    if contact is None:
        raise NotFound(f"There is no contact {contact_id}.", f"تماسی با شمارهٔ {contact_id} نیست.")
    return contact


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
