"""The ``audit_event`` table and the two things done with it: append and verify.

The rules live in :mod:`panah.security.audit` (pure); this module only stores and reads.
Rows are sealed with the process's audit keys (:func:`configure_seal_keys`, installed
with the encryption ring from PANAH_AUDIT_KEYS at start); a process that configured none
(a bare script, the test template) seals with plain SHA-256 as earlier versions did.
Appending must never fork the chain: two transactions that both read row N and both
write row N+1 would leave one of them pointing at a hash that is not its predecessor's.
The primary key on ``seq`` already turns a fork into an IntegrityError; the lock below
makes concurrent appenders wait their turn instead of failing.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import DateTime, Index, Integer, String, Text, select
from sqlalchemy.orm import Mapped, Session, mapped_column

from panah.core.db import Base, deferred, exclusive, table_of
from panah.security.audit import (
    AuditAction,
    AuditRecord,
    ChainProblem,
    SealKeys,
    seal,
    verify_chain,
)
from panah.security.policy import Actor

# Any fixed 64-bit number works; it names "the audit chain" among PostgreSQL advisory locks.
AUDIT_LOCK_ID = 0x50414E4148_0001
SYSTEM_ROLE = "system"  # actor_role for events with no signed-in user (failed logins, jobs)


class AuditEvent(Base):
    """One row of the chain. Rows are only ever inserted; never update or delete them."""

    __tablename__ = "audit_event"
    __table_args__ = (Index("ix_audit_event_subject", "subject_type", "subject_id"),)

    seq: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    actor_id: Mapped[int | None] = mapped_column(Integer, index=True)  # no FK: outlives users
    actor_role: Mapped[str] = mapped_column(String(30))
    action: Mapped[str] = mapped_column(String(30))
    subject_type: Mapped[str] = mapped_column(String(40))
    subject_id: Mapped[str] = mapped_column(String(64))
    reason: Mapped[str | None] = mapped_column(Text)
    prev_hash: Mapped[str] = mapped_column(String(64))
    hash: Mapped[str] = mapped_column(String(64), unique=True)
    # The seal key's id (PANAH_AUDIT_KEYS); NULL for rows sealed before keys existed.
    key_id: Mapped[str | None] = mapped_column(String(32))


COLUMNS = (
    AuditEvent.seq, AuditEvent.at, AuditEvent.actor_id, AuditEvent.actor_role,
    AuditEvent.action, AuditEvent.subject_type, AuditEvent.subject_id, AuditEvent.reason,
    AuditEvent.prev_hash, AuditEvent.hash, AuditEvent.key_id,
)  # fmt: skip


class _Seal:
    """Where appending finds the audit keys; the app sets them once at start."""

    keys: SealKeys | None = None


def configure_seal_keys(keys: SealKeys | None) -> None:
    """Install the keys every appended row is sealed with (``None``: plain SHA-256)."""
    _Seal.keys = keys


def current_seal_keys() -> SealKeys | None:
    return _Seal.keys


@dataclass(frozen=True, slots=True)
class Entry:
    """What one audit event says; :func:`append_many` seals a run of them in order."""

    actor: Actor | None
    action: AuditAction
    subject_type: str
    subject_id: str
    reason: str | None = None


def append(
    session: Session,
    *,
    now: datetime,
    actor: Actor | None,
    action: AuditAction,
    subject_type: str,
    subject_id: str,
    reason: str | None = None,
    hmac_key: bytes | None = None,
) -> AuditRecord:
    """Add the next event to the chain inside the caller's transaction.

    On PostgreSQL the transaction holds the chain's advisory lock until it ends, so append
    late in a unit of work to keep other appenders waiting briefly.
    """
    entry = Entry(actor, action, subject_type, subject_id, reason)
    return append_many(session, now=now, entries=[entry], hmac_key=hmac_key)[0]


def append_many(
    session: Session, *, now: datetime, entries: Sequence[Entry], hmac_key: bytes | None = None
) -> list[AuditRecord]:
    """Add several events in order: one lock, one read of the chain's head, one INSERT.

    The intake writer seals a whole batch of new contacts this way; the chain is the same
    as appending them one by one.
    """
    if not entries:
        return []
    _lock_chain(session)
    records = sealed(_last_record(session), entries, now=now, hmac_key=hmac_key)
    # Core, not ORM objects: nothing reads these rows back in the same unit of work.
    session.connection().execute(_INSERT, [values_of(record) for record in records])
    return records


def sealed(previous: AuditRecord | None, entries: Sequence[Entry], *, now: datetime,
           hmac_key: bytes | None = None) -> list[AuditRecord]:
    """The records that follow ``previous`` for these entries, in order (not stored)."""
    records = []
    keys = current_seal_keys() if hmac_key is None else None
    for entry in entries:
        previous = seal(
            previous,
            at=now,
            actor_id=entry.actor.user_id if entry.actor else None,
            actor_role=entry.actor.role.value if entry.actor else SYSTEM_ROLE,
            action=entry.action,
            subject_type=entry.subject_type,
            subject_id=entry.subject_id,
            reason=entry.reason,
            hmac_key=hmac_key,
            key=keys.current if keys is not None else None,
        )
        records.append(previous)
    return records


def values_of(record: AuditRecord) -> dict[str, Any]:
    """A record as the row's column values."""
    return {column.key: getattr(record, column.key) for column in COLUMNS}


def _lock_chain(session: Session) -> None:
    # FOR UPDATE on the last row would not do: a waiter re-reads the same (old) last row.
    exclusive(session, AUDIT_LOCK_ID)


def _last_record(session: Session) -> AuditRecord | None:
    row = session.connection().execute(_LAST).first()
    return record_of(row) if row else None


_LAST = select(*COLUMNS).order_by(AuditEvent.seq.desc()).limit(1)
_INSERT = deferred(table_of(AuditEvent).insert())


def record_of(row: Any) -> AuditRecord:  # a Row of COLUMNS; its generic form differs in 2.0 and 2.1
    at: datetime = row.at
    return AuditRecord(
        seq=row.seq,
        # SQLite hands back naive datetimes; everything Panah stores is UTC.
        at=at if at.tzinfo else at.replace(tzinfo=UTC),
        actor_id=row.actor_id,
        actor_role=row.actor_role,
        action=row.action,
        subject_type=row.subject_type,
        subject_id=row.subject_id,
        reason=row.reason,
        prev_hash=row.prev_hash,
        hash=row.hash,
        key_id=row.key_id,
    )


def iter_records(session: Session, *, batch_size: int = 1000) -> Iterator[AuditRecord]:
    """Every record in seq order, fetched in batches, without filling the identity map."""
    query = select(*COLUMNS).order_by(AuditEvent.seq).execution_options(yield_per=batch_size)
    for row in session.execute(query):
        yield record_of(row)


def verify(session: Session, *, hmac_key: bytes | None = None,
           keys: SealKeys | None = None) -> list[ChainProblem]:
    """Check the whole stored chain (with ``keys``, else the process's audit keys); an
    empty list means no tampering was found."""
    keys = keys or current_seal_keys()
    return verify_chain(iter_records(session), hmac_key=hmac_key,
                        keys=keys.keys if keys is not None else None)


def head(session: Session) -> AuditRecord | None:
    """The newest row of the chain, if any."""
    return _last_record(session)
