"""What the intake storage tests share: a demo database with an integration key (the
``line`` fixture in conftest.py builds it) and inbound telephony events."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session, sessionmaker

from panah.core.db import unit_of_work
from panah.intake.channels import inbound as channels
from panah.intake.inbound.events import Inbound, Outcome
from panah.intake.orm import Contact
from panah.intake.routing.context import ContextCache
from panah.intake.service import caller_hash

NOW = datetime(2026, 3, 22, 6, 30, tzinfo=UTC)
CHALUS = {"lat": 36.6550, "lon": 51.4205, "radius_m": 25}
MINE = Contact.external_id.not_like("demo-%")  # not the demo's contacts


@dataclass
class Line:
    factory: sessionmaker[Session]
    cache: ContextCache
    key_id: int

    def process(self, session: Session, items: Sequence[tuple[str, dict[str, Any]]],
                now: datetime) -> list[Outcome]:
        return channels.process_events(session, items, now, self.cache.get(session))

    def count(self, model: type, *where: object) -> int:
        with unit_of_work(self.factory) as session:
            return session.scalar(select(func.count()).select_from(model).where(*where)) or 0  # type: ignore[arg-type]


def call(kind: str, call_id: str, *, key: str | None = None, key_id: int | None = None,
         **extra: object) -> Inbound:
    payload = {"event_id": key or f"{call_id}-{kind}", "kind": kind, "call_id": call_id,
               "caller": "+989121112222", "called": "123", **extra}
    return Inbound("telephony:1", str(payload["event_id"]), kind, payload,
                   caller_hash("+989121112222"), NOW, key_id)


def broken_aml(message_id: str) -> Inbound:
    """An AML text whose latitude is out of range: refused, and kept with its reason."""
    payload = {"message_id": message_id, "sender": "+989121112222",
               "text": 'A"ML=1;lt=+96.1;lg=+51.4;rd=25'}
    return Inbound("sms:1", message_id, "sms.aml", payload, caller_hash("+989121112222"), NOW)
