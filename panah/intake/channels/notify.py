"""Telling the other server processes that a conversation changed (PostgreSQL only).

``NOTIFY panah_chat`` in the caller's transaction, so it is heard only once the change is
committed; the payload carries ids, never text: ``origin:contact:message`` for a new
message, ``origin:contact:state`` when the contact was taken or closed. Each process's
``chat.ChatListener`` reads what changed from the database and pushes it to its own sockets;
the process that made the change pushes to its own sockets itself, after the commit.
"""

from __future__ import annotations

import secrets

from sqlalchemy import text as sql
from sqlalchemy.orm import Session

CHANNEL = "panah_chat"
ORIGIN = secrets.token_hex(6)  # this server process, to skip its own announcements
STATE = "state"


def announce(session: Session, contact_id: int, what: int | str) -> None:
    """A new message (its id) or the contact's new state (``STATE``), delivered on commit."""
    if session.get_bind().dialect.name == "postgresql":
        session.execute(sql("SELECT pg_notify(:channel, :payload)"), {
            "channel": CHANNEL, "payload": f"{ORIGIN}:{contact_id}:{what}"})
