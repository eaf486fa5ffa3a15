"""A tamper-evident audit chain: pure rules for sealing and checking records.

Why a chain: every read of a case file and every break-glass access must be provable
later, including to someone who suspects the administrators. Each record stores the hash
of the one before it, so changing, inserting or deleting a row breaks the chain at a
point :func:`verify_chain` can name. With ``hmac_key`` (kept outside the database) a person
who can write to the database still cannot forge a chain that verifies.

Limits, by design of any hash chain: removing the newest rows leaves a valid, shorter
chain; compare the head (last seq and hash) with a copy kept elsewhere to catch that.
"""

from __future__ import annotations

import hashlib
import hmac
import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from enum import StrEnum

from panah.core.errors import InvalidInput

GENESIS_HASH = "0" * 64


class AuditAction(StrEnum):
    read = "read"
    create = "create"
    update = "update"
    delete = "delete"
    export = "export"
    break_glass = "break_glass"  # reading outside one's scope in an emergency, with a reason
    denied = "denied"  # an attempt the policy refused (the reason column says why)
    grant = "grant"
    revoke = "revoke"
    review = "review"
    erase = "erase"  # retention removed personal data
    login = "login"
    login_failed = "login_failed"
    logout = "logout"
    lockout = "lockout"  # an account locked after repeated failed sign-ins
    second_factor_enrolled = "second_factor_enrolled"
    api_key_created = "api_key_created"
    api_key_revoked = "api_key_revoked"


@dataclass(frozen=True, slots=True)
class AuditRecord:
    """One row of the chain. ``action`` is plain text so a tampered value still verifies."""

    seq: int
    at: datetime
    actor_id: int | None
    actor_role: str
    action: str
    subject_type: str
    subject_id: str
    reason: str | None
    prev_hash: str
    hash: str

    def fields(self) -> dict[str, object]:
        """What the hash covers besides ``prev_hash``: everything but the hashes."""
        return {
            "seq": self.seq,
            "at": _iso_utc(self.at),
            "actor_id": self.actor_id,
            "actor_role": self.actor_role,
            "action": self.action,
            "subject_type": self.subject_type,
            "subject_id": self.subject_id,
            "reason": self.reason,
        }


def _iso_utc(moment: datetime) -> str:
    if moment.tzinfo is None:
        raise ValueError("audit times must be timezone-aware")
    return moment.astimezone(UTC).isoformat(timespec="microseconds")


def record_hash(
    prev_hash: str, fields: Mapping[str, object], *, hmac_key: bytes | None = None
) -> str:
    """SHA-256 (or HMAC-SHA256 with a key) over canonical JSON of ``fields`` + ``prev_hash``.

    Canonical means sorted keys, no spaces and UTF-8, so the same row hashes the same on
    every machine and in every Python version.
    """
    document = {**fields, "prev_hash": prev_hash}
    payload = json.dumps(document, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    data = payload.encode("utf-8")
    if hmac_key:
        return hmac.new(hmac_key, data, hashlib.sha256).hexdigest()
    return hashlib.sha256(data).hexdigest()


def seal(
    previous: AuditRecord | None,
    *,
    at: datetime,
    actor_id: int | None,
    actor_role: str,
    action: AuditAction,
    subject_type: str,
    subject_id: str,
    reason: str | None = None,
    hmac_key: bytes | None = None,
) -> AuditRecord:
    """The record that follows ``previous`` (or starts the chain), with its hash."""
    reason = reason.strip() if reason and reason.strip() else None
    if action is AuditAction.break_glass and reason is None:
        raise InvalidInput(
            "Emergency access needs a reason. Write why you must open this record.",
            "دسترسی اضطراری به دلیل نیاز دارد. بنویسید چرا باید این پرونده را باز کنید.",
        )
    if at.tzinfo is None:
        raise ValueError("audit times must be timezone-aware")
    draft = AuditRecord(
        seq=previous.seq + 1 if previous else 1,
        at=at.astimezone(UTC),
        actor_id=actor_id,
        actor_role=actor_role,
        action=action.value,
        subject_type=subject_type,
        subject_id=subject_id,
        reason=reason,
        prev_hash=previous.hash if previous else GENESIS_HASH,
        hash="",
    )
    digest = record_hash(draft.prev_hash, draft.fields(), hmac_key=hmac_key)
    return replace(draft, hash=digest)


class ChainProblemKind(StrEnum):
    changed = "changed"  # the row's content or hash no longer matches
    inserted = "inserted"  # a row whose seq repeats or goes backwards
    missing = "missing"  # a gap in seq: rows were deleted
    broken_link = "broken_link"  # seq follows, but prev_hash is not the previous row's hash


@dataclass(frozen=True, slots=True)
class ChainProblem:
    kind: ChainProblemKind
    seq: int  # the first seq affected
    message_en: str
    message_fa: str


def verify_chain(
    records: Iterable[AuditRecord], *, hmac_key: bytes | None = None, max_problems: int = 100
) -> list[ChainProblem]:
    """Check records given in seq order; an empty list means the chain is intact.

    Reads the records once, keeping only the previous one, so it can stream a large
    table. After a problem it continues from the row actually found, so one tampered row
    is reported once rather than poisoning everything after it.
    """
    problems: list[ChainProblem] = []
    previous: AuditRecord | None = None
    for record in records:
        problem = _link_problem(previous, record) or _content_problem(record, hmac_key)
        if problem is not None:
            problems.append(problem)
            if len(problems) >= max_problems:
                break
            if problem.kind is ChainProblemKind.inserted:
                continue  # judge the next row against the last one in sequence
        previous = record
    return problems


def _link_problem(previous: AuditRecord | None, record: AuditRecord) -> ChainProblem | None:
    expected_seq = previous.seq + 1 if previous else 1
    expected_prev = previous.hash if previous else GENESIS_HASH
    if record.seq < expected_seq:
        return _problem(
            ChainProblemKind.inserted,
            record.seq,
            f"row {record.seq} repeats or goes back in the sequence: a row was inserted",
            f"ردیف {record.seq} تکراری است یا به عقب برگشته: ردیفی افزوده شده است",
        )
    if record.seq > expected_seq:
        return _problem(
            ChainProblemKind.missing,
            expected_seq,
            f"rows {expected_seq} to {record.seq - 1} are missing: they were deleted",
            f"ردیف‌های {expected_seq} تا {record.seq - 1} نیستند: حذف شده‌اند",
        )
    if record.prev_hash != expected_prev:
        return _problem(
            ChainProblemKind.broken_link,
            record.seq,
            f"row {record.seq} does not follow the row before it: a row was inserted, "
            "removed or rewritten just before it",
            f"ردیف {record.seq} به ردیف پیش از خود پیوند ندارد: درست پیش از آن ردیفی "
            "افزوده، حذف یا بازنویسی شده است",
        )
    return None


def _content_problem(record: AuditRecord, hmac_key: bytes | None) -> ChainProblem | None:
    expected = record_hash(record.prev_hash, record.fields(), hmac_key=hmac_key)
    if expected == record.hash:
        return None
    return _problem(
        ChainProblemKind.changed,
        record.seq,
        f"row {record.seq} was changed after it was written (or forged)",
        f"ردیف {record.seq} پس از ثبت تغییر کرده است (یا جعلی است)",
    )


def _problem(kind: ChainProblemKind, seq: int, detail_en: str, detail_fa: str) -> ChainProblem:
    return ChainProblem(
        kind=kind,
        seq=seq,
        message_en=f"Audit log tampered: {detail_en}. Report a security incident.",
        message_fa=f"گزارش ممیزی دست‌کاری شده: {detail_fa}. رخداد امنیتی گزارش کنید.",
    )
