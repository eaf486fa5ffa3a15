"""What arrives over MQTT, stored as it comes: positions (a topic per unit) and team
channel messages (a topic per channel).

The broker delivers at QoS 1 and the client acknowledges a message only after this handler
returns, so a position is in the database before the broker forgets it; a crash in between
means the broker sends it again, and the store ignores the repeat. A unit that has a
tracker key (``dispatch.fleet``) must send it as the position's ``key``: without it, or
with another, the position is refused and nothing is stored.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass, field

from sqlalchemy.orm import Session, sessionmaker

from panah.core.clock import Clock
from panah.core.db import unit_of_work
from panah.core.errors import NotFound, PanahError
from panah.dispatch import field as field_updates
from panah.dispatch import team_channels as channels
from panah.dispatch.fleet import check_unit_key
from panah.dispatch.fleet_model import key_in_payload
from panah.dispatch.orm import TeamChannel
from panah.dispatch.service import unit_by_call_sign
from panah.integrations.mqtt_messages import parse_channel_message, parse_position

log = logging.getLogger("panah.dispatch")


@dataclass
class BusListener:
    """The MQTT bus's ``on_message``: positions and channel messages; counts what it did."""

    factory: sessionmaker[Session]
    clock: Clock
    locate_in: Callable[[Session], Callable[[float, float], object]]
    stored: int = 0
    repeated: int = 0
    refused: dict[str, int] = field(default_factory=dict)

    messages: int = 0

    def __call__(self, topic: str, payload: bytes) -> None:
        store = self._store if "/units/" in topic else (
            self._message if "/channels/" in topic else None)
        if store is None:
            return
        try:
            store(topic, payload)
        except PanahError as problem:  # a bad message: say where and why, not its data
            self.refused[problem.code] = self.refused.get(problem.code, 0) + 1
            log.warning("MQTT message on %s refused: %s", topic, problem.message_en)

    def _message(self, topic: str, payload: bytes) -> None:
        message = parse_channel_message(topic, payload)
        with unit_of_work(self.factory) as session:
            channel = session.get(TeamChannel, message.channel_id)
            if channel is None:
                raise NotFound(f"There is no channel {message.channel_id}.",
                               f"کانالی با شمارهٔ {message.channel_id} نیست.")
            if message.sender_call_sign is None:
                return  # the server's own message, heard back from the broker
            sender = channels.unit_sender(session, message.sender_call_sign, channel, "mqtt")
            _, new = channels.post(session, channel=channel, client_id=message.client_id,
                                   sender=sender, now=self.clock.now(), text=message.text)
        self.messages += int(new)

    def _store(self, topic: str, payload: bytes) -> None:
        message = parse_position(topic, payload)
        now = self.clock.now()
        with unit_of_work(self.factory) as session:
            unit = unit_by_call_sign(session, message.call_sign)
            check_unit_key(unit, key_in_payload(payload))
            report = field_updates.PositionReport(
                lat=message.lat, lon=message.lon, at=message.at, accuracy_m=message.accuracy_m,
                speed_kmh=message.speed_kmh, heading_deg=message.heading_deg, source="mqtt")
            _, stored = field_updates.record_position(
                session, unit=unit, report=report, now=now,
                locate=self.locate_in(session))  # type: ignore[arg-type]
        if stored:
            self.stored += 1
        else:
            self.repeated += 1
