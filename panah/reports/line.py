"""What the 123 line's figures mean, written once for the statistics and the live dashboard.

A contact's wait runs from the moment it joins a queue (or is offered, when it never
queued) to its answer; "answered within 20 s" is a wait of at most ``ANSWER_TARGET_S``.
The line's figures count the contacts that came through the line (voice, SMS, chat, a web
report, a partner's handover), not a person who walked into a centre: nobody waits on the
line for them. The statistics divide by the contacts answered or abandoned; the live
dashboard's hour also counts a contact still waiting past the target as missed.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import and_, func
from sqlalchemy.sql.elements import ColumnElement

from panah.intake.model import Channel
from panah.reports.sql import seconds_between
from panah.reports.statistics.model import ANSWER_TARGET_S

__all__ = ["ANSWER_TARGET_S", "answer_wait", "answered_in_target", "on_the_line", "wait_start"]

# Times carry microseconds, and SQLite's julianday() is exact to about 0.05 ms only.
_TOLERANCE_S = 0.001


def wait_start(contact: Any) -> ColumnElement[Any]:
    """When the contact's wait began: joining a queue, or being offered if it never queued."""
    return func.coalesce(contact.queued_at, contact.offered_at)


def answer_wait(contact: Any) -> seconds_between:
    return seconds_between(wait_start(contact), contact.answered_at)


def answered_in_target(contact: Any) -> ColumnElement[bool]:
    return and_(contact.answered_at.is_not(None),
                answer_wait(contact) <= ANSWER_TARGET_S + _TOLERANCE_S)


def on_the_line(contact: Any) -> ColumnElement[bool]:
    channel: ColumnElement[str] = contact.channel
    return channel != Channel.walk_in.value
