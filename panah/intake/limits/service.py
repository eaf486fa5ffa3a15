"""Counting what each source sends, in the database, and refusing what passes its limit
(the limits and the decision are in :mod:`panah.intake.limits.model`).

A source's window is one row, counted with one ``INSERT … ON CONFLICT DO UPDATE …
RETURNING`` (SQLite and PostgreSQL alike): atomic, so several server processes share one
count, and a flood of requests from one address queues on that row instead of racing past
the limit. The count runs in the contact's own transaction: a refused contact is rolled
back with its count, an admitted one is committed with it. Sources are stored by their
keyed hash, never as addresses or numbers.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime

from sqlalchemy import case, delete, literal
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from panah.core.clock import as_utc
from panah.core.db import table_of
from panah.core.errors import TooManyRequests
from panah.intake.limits.model import (
    EMERGENCY_NUMBERS,
    LIMITS,
    WINDOW,
    Admission,
    Counted,
    Source,
    expired_before,
    judge,
    wait_minutes,
)
from panah.intake.orm import SourceWindow
from panah.security.crypto import current_keyring, keyed_hash

_WINDOWS = table_of(SourceWindow)
_PERSIAN = str.maketrans("0123456789", "۰۱۲۳۴۵۶۷۸۹")


class TooManyContacts(TooManyRequests):
    """A help page request over its source's limit: nothing is queued; the answer names the
    numbers to call now."""

    code = "too_many_contacts"


def source_hash(value: str) -> str:
    """The keyed hash a source is counted under (an address, a visitor token)."""
    return keyed_hash(current_keyring(), value, normalise=str.strip)


def count(session: Session, *, sources: Mapping[Source, str], now: datetime,
          ) -> dict[Source, Counted]:
    """Count one more for each source (by its hash) and read its window back."""
    return {source: _count_one(session, source, hashed, now)
            for source, hashed in sources.items()}


def _count_one(session: Session, source: Source, hashed: str, now: datetime) -> Counted:
    over = _WINDOWS.c.started_at <= expired_before(now, LIMITS[source])
    at = literal(now, _WINDOWS.c.started_at.type)
    dialect = postgresql if session.get_bind().dialect.name == "postgresql" else sqlite
    statement = dialect.insert(_WINDOWS).values(
        source=source.value, key_hash=hashed, started_at=now, count=1)
    statement = statement.on_conflict_do_update(
        index_elements=[_WINDOWS.c.source, _WINDOWS.c.key_hash],
        set_={"count": case((over, 1), else_=_WINDOWS.c.count + 1),
              "started_at": case((over, at), else_=_WINDOWS.c.started_at)},
    ).returning(_WINDOWS.c.count, _WINDOWS.c.started_at)
    counted, started_at = session.execute(statement).one()
    return Counted(int(counted), as_utc(started_at))


def admit_help_contact(session: Session, *, address: str | None, visitor: str | None,
                       now: datetime) -> Admission:
    """Count a chat or report from the help page against its address and its visitor
    token; refused (TooManyContacts, 429) over either limit."""
    sources = {Source.address: source_hash(address or "unknown")}
    if visitor:
        sources[Source.visitor] = source_hash(visitor)
    admission = judge(count(session, sources=sources, now=now), now=now)
    if not admission.admitted:
        raise too_many_contacts(admission.retry_after_s or 60)
    return admission


def admit_text(session: Session, *, sender_hash: str, now: datetime) -> Admission:
    """Count an inbound text against its sender (by the number's keyed hash, as contacts
    keep it)."""
    return judge(count(session, sources={Source.sms: sender_hash}, now=now), now=now)


def _numbers(lang: str) -> str:
    names = [f"{n.translate(_PERSIAN)} ({fa})" if lang == "fa" else f"{n} ({en})"
             for n, fa, en in EMERGENCY_NUMBERS]
    joiner = ("، ", " یا ") if lang == "fa" else (", ", " or ")
    return joiner[0].join(names[:-1]) + joiner[1] + names[-1]


def too_many_contacts(retry_after_s: int) -> TooManyContacts:
    minutes = wait_minutes(retry_after_s)
    return TooManyContacts(
        "Many requests came from this connection in a short time, so this one was not added "
        f"to the queue. If you are in danger now, call {_numbers('en')}. You can write to us "
        f"again in {minutes} minutes.",
        "در مدت کوتاهی درخواست‌های زیادی از این اتصال رسید، پس این یکی به صف افزوده نشد. "
        f"اگر همین حالا در خطر هستید با {_numbers('fa')} تماس بگیرید. "
        f"{str(minutes).translate(_PERSIAN)} دقیقهٔ دیگر می‌توانید دوباره برای ما بنویسید.",
        retry_after_s=retry_after_s, call_now=[n for n, _, _ in EMERGENCY_NUMBERS])


def texts_limited_sms(retry_after_s: int) -> str:
    """The one text a sender gets when their texts pass the limit (sent once a window)."""
    minutes = str(wait_minutes(retry_after_s)).translate(_PERSIAN)
    return (f"پناه، اورژانس اجتماعی ۱۲۳: پیام‌های زیادی از این شماره رسید؛ پیام‌های بعدی تا "
            f"{minutes} دقیقهٔ دیگر به کارشناس نمی‌رسد. اگر در خطر هستید همین حالا با "
            f"{_numbers('fa')} تماس بگیرید.")


def sweep(session: Session, *, now: datetime) -> int:
    """Forget windows that ended long ago (the longest window, twice over)."""
    longest = max((limit.window for limit in LIMITS.values()), default=WINDOW)
    gone = session.execute(delete(SourceWindow).where(
        SourceWindow.started_at < now - 2 * longest))
    return int(getattr(gone, "rowcount", 0) or 0)
