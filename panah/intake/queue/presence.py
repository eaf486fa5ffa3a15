"""Who is at the 123 console now, and what callers may ask of them (languages, a woman).

A counsellor's console polls the queue every few seconds; each poll marks them present
(written at most every ``WRITE_EVERY``, so an idle console costs a write now and then,
not every poll). Present means seen within ``ONLINE_FOR``.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from panah.core.clock import as_utc
from panah.intake.model import Language
from panah.intake.queue.model import Counsellor
from panah.security.orm import Presence, User
from panah.security.roles import ROLE_PERMISSIONS, Permission

_NAMES = frozenset(language.value for language in Language)
WRITE_EVERY = timedelta(seconds=10)
ONLINE_FOR = timedelta(seconds=30)


def counsellor_of(user: User) -> Counsellor:
    spoken = {Language(name) for name in user.languages.split(",") if name in _NAMES}
    return Counsellor(str(user.id), frozenset(spoken or {Language.persian}), user.is_woman)


def seen(session: Session, user_id: int, now: datetime) -> None:
    row = session.get(Presence, user_id)
    if row is None:
        session.add(Presence(user_id=user_id, seen_at=now))
    elif now - as_utc(row.seen_at) >= WRITE_EVERY:
        row.seen_at = now


def online(session: Session, province_code: str | None, now: datetime) -> list[Counsellor]:
    """Everyone answering the 123 line of this province who is at their console now."""
    roles = [role.value for role in ROLE_PERMISSIONS[Permission.answer_contacts]]
    users = session.scalars(
        select(User).join(Presence, Presence.user_id == User.id).where(
            User.role.in_(roles), User.is_active, User.province_code == province_code,
            Presence.seen_at >= now - ONLINE_FOR))
    return [counsellor_of(user) for user in users]
