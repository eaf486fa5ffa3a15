"""Dispatch's timers: a crew on scene past its safety check-in raises one alert on the
board; team-channel messages go on to MQTT and the radio gateway."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy.orm import Session, sessionmaker

from panah.core.timers import Order, Outside, timer
from panah.dispatch.field import raise_missed_check_ins
from panah.dispatch.team_channels import relay_pending


@timer("check_ins_missed", order=Order.escalate)
def missed_check_ins(session: Session, *, now: datetime, outside: Outside) -> int:
    return raise_missed_check_ins(session, now=now)


@timer("channel_messages_relayed", order=Order.relay, own_transactions=True)
def relay(factory: sessionmaker[Session], *, now: datetime, outside: Outside) -> int:
    """Only with both a bus and a radio gateway (the server has both; a test may not)."""
    if outside.bus is None or outside.radio is None:
        return 0
    return relay_pending(factory, bus=outside.bus, radio=outside.radio, now=now)
