"""A tamper-evident audit chain: pure rules for sealing and checking records.

Why a chain: every read of a case file and every break-glass access must be provable
later, including to someone who suspects the administrators. Each record stores the hash
of the one before it, so changing, inserting or deleting a row breaks the chain at a
point :func:`verify_chain` can name.

Keyed seals: each row is sealed with an HMAC-SHA256 under a named key kept outside the
database (PANAH_AUDIT_KEYS; the row's ``key_id`` says which), so a person who can write to
the database cannot recompute the seals of a rewritten chain. Rows sealed before keys
existed have no ``key_id`` and a plain SHA-256; one of those *after* a keyed row is a
downgrade (a rewrite without the key), as is a key id the ring does not know.

Limits, by design of any hash chain: removing the newest rows leaves a valid, shorter
chain. Anchors catch that: the head (seq, hash, time) signed with the current key and
kept outside the database (:func:`anchor_of`); :func:`check_anchors` finds every anchored
head still in the chain, with the same hash.
"""

from __future__ import annotations

import hashlib
import hmac
import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, replace
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
    key_id: str | None = None  # the seal key's id; None: sealed before keys existed

    def fields(self) -> dict[str, object]:
        """What the hash covers besides ``prev_hash``: everything but the hashes (the key id
        only when there is one, so rows sealed before keys hash as they always did)."""
        covered: dict[str, object] = {
            "seq": self.seq,
            "at": _iso_utc(self.at),
            "actor_id": self.actor_id,
            "actor_role": self.actor_role,
            "action": self.action,
            "subject_type": self.subject_type,
            "subject_id": self.subject_id,
            "reason": self.reason,
        }
        if self.key_id is not None:
            covered["key_id"] = self.key_id
        return covered


@dataclass(frozen=True)
class SealKeys:
    """The audit seal keys: new rows are sealed with ``current_id``; older keys stay to
    verify the rows they sealed."""

    keys: Mapping[str, bytes] = field(repr=False)
    current_id: str

    @property
    def current(self) -> tuple[str, bytes]:
        return self.current_id, self.keys[self.current_id]


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
    key: tuple[str, bytes] | None = None,
) -> AuditRecord:
    """The record that follows ``previous`` (or starts the chain), with its hash: an
    HMAC under ``key`` (id, secret), recorded by id; else under the unnamed ``hmac_key``
    of earlier versions; else a plain SHA-256."""
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
        key_id=key[0] if key else None,
    )
    digest = record_hash(draft.prev_hash, draft.fields(), hmac_key=key[1] if key else hmac_key)
    return replace(draft, hash=digest)


class ChainProblemKind(StrEnum):
    changed = "changed"  # the row's content or hash no longer matches
    inserted = "inserted"  # a row whose seq repeats or goes backwards
    missing = "missing"  # a gap in seq: rows were deleted
    broken_link = "broken_link"  # seq follows, but prev_hash is not the previous row's hash
    downgraded = "downgraded"  # a row without a seal key after a keyed one
    unknown_key = "unknown_key"  # sealed with a key id the ring does not hold
    truncated = "truncated"  # an anchored head is no longer in the chain
    rewritten = "rewritten"  # the row at an anchored seq has another hash
    forged_anchor = "forged_anchor"  # an anchor whose signature does not verify


@dataclass(frozen=True, slots=True)
class ChainProblem:
    kind: ChainProblemKind
    seq: int  # the first seq affected
    message_en: str
    message_fa: str


def verify_chain(
    records: Iterable[AuditRecord], *, hmac_key: bytes | None = None,
    keys: Mapping[str, bytes] | None = None, max_problems: int = 100,
) -> list[ChainProblem]:
    """Check records given in seq order; an empty list means the chain is intact.

    ``keys`` are the seal keys by id (rows with a ``key_id``); ``hmac_key`` the unnamed
    key of earlier versions, for rows without one. Reads the records once, keeping only
    the previous one, so it can stream a large table. After a problem it continues from
    the row actually found, so one tampered row is reported once rather than poisoning
    everything after it.
    """
    problems: list[ChainProblem] = []
    previous: AuditRecord | None = None
    keyed = False  # a keyed row was seen: every later row must be keyed too
    for record in records:
        problem = _link_problem(previous, record) or _seal_problem(
            record, keyed=keyed, keys=keys or {}, hmac_key=hmac_key)
        keyed = keyed or record.key_id is not None
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


def _seal_problem(record: AuditRecord, *, keyed: bool, keys: Mapping[str, bytes],
                  hmac_key: bytes | None) -> ChainProblem | None:
    if record.key_id is None and keyed:
        return _problem(
            ChainProblemKind.downgraded,
            record.seq,
            f"row {record.seq} has no seal key although rows before it do: the chain was "
            "rewritten from here without the key",
            f"ردیف {record.seq} بی کلید مُهر شده، با آنکه ردیف‌های پیش از آن کلید دارند: "
            "زنجیره از این‌جا بی کلید بازنویسی شده است",
        )
    if record.key_id is not None and record.key_id not in keys:
        return _problem(
            ChainProblemKind.unknown_key,
            record.seq,
            f"row {record.seq} claims seal key {record.key_id!r}, which is not among the "
            "audit keys: it was forged, or an old key was dropped from PANAH_AUDIT_KEYS",
            f"ردیف {record.seq} با کلید {record.key_id!r} مُهر شده که در میان کلیدهای ممیزی "
            "نیست: جعلی است، یا کلیدی قدیمی از PANAH_AUDIT_KEYS حذف شده است",
        )
    key = keys[record.key_id] if record.key_id is not None else hmac_key
    return _content_problem(record, key)


def _content_problem(record: AuditRecord, hmac_key: bytes | None) -> ChainProblem | None:
    expected = record_hash(record.prev_hash, record.fields(), hmac_key=hmac_key)
    if hmac.compare_digest(expected, record.hash):
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


# ---- anchors: the head, signed, kept outside the database -------------------------------


@dataclass(frozen=True, slots=True)
class Anchor:
    """The chain's head at a moment, signed with a seal key (``mac`` over the rest)."""

    seq: int
    hash: str
    at: datetime
    key_id: str
    mac: str

    def signed(self) -> dict[str, object]:
        return {"seq": self.seq, "hash": self.hash, "at": _iso_utc(self.at),
                "key_id": self.key_id}

    def line(self) -> str:
        """One JSON line, as kept in an anchor file or the log."""
        return json.dumps({**self.signed(), "mac": self.mac}, sort_keys=True,
                          separators=(",", ":"))


def _anchor_mac(document: Mapping[str, object], secret: bytes) -> str:
    payload = json.dumps(document, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return hmac.new(secret, ("anchor:" + payload).encode("utf-8"), hashlib.sha256).hexdigest()


def anchor_of(head: AuditRecord, *, at: datetime, key: tuple[str, bytes]) -> Anchor:
    """The signed head: seq, hash and time, with an HMAC under ``key`` (id, secret)."""
    unsigned = Anchor(head.seq, head.hash, at.astimezone(UTC), key[0], "")
    return replace(unsigned, mac=_anchor_mac(unsigned.signed(), key[1]))


def parse_anchor(line: str) -> Anchor:
    """An anchor from its JSON line; ValueError if it is not one."""
    data = json.loads(line)
    if not isinstance(data, dict):
        raise ValueError("not a JSON object")
    at = datetime.fromisoformat(str(data["at"]))
    if at.tzinfo is None:
        raise ValueError("the anchor's time has no time zone")
    return Anchor(int(data["seq"]), str(data["hash"]), at, str(data["key_id"]),
                  str(data["mac"]))


def check_anchors(anchors: Iterable[Anchor], hashes: Mapping[int, str], *,
                  keys: Mapping[str, bytes]) -> list[ChainProblem]:
    """Each anchor must carry a valid signature and name a row still in the chain with the
    same hash; ``hashes`` are the chain's hashes at (at least) the anchored seqs."""
    problems = []
    for anchor in anchors:
        secret = keys.get(anchor.key_id)
        when = _iso_utc(anchor.at)
        if secret is None or not hmac.compare_digest(
                _anchor_mac(anchor.signed(), secret), anchor.mac):
            problems.append(_problem(
                ChainProblemKind.forged_anchor, anchor.seq,
                f"the anchor of row {anchor.seq} made at {when} does not carry a valid "
                "signature: the anchor file was edited, or its key is not among the audit keys",
                f"لنگر ردیف {anchor.seq} ساخته‌شده در {when} امضای معتبر ندارد: پروندهٔ لنگرها "
                "ویرایش شده، یا کلید آن در میان کلیدهای ممیزی نیست"))
        elif anchor.seq not in hashes:
            problems.append(_problem(
                ChainProblemKind.truncated, anchor.seq,
                f"row {anchor.seq}, the head anchored at {when}, is no longer in the chain: "
                "rows were deleted from its end",
                f"ردیف {anchor.seq}، سرِ زنجیره در لنگر {when}، دیگر در زنجیره نیست: "
                "ردیف‌هایی از انتهای آن حذف شده است"))
        elif not hmac.compare_digest(hashes[anchor.seq], anchor.hash):
            problems.append(_problem(
                ChainProblemKind.rewritten, anchor.seq,
                f"row {anchor.seq} is not the row anchored at {when}: the chain was "
                "rewritten up to or past it",
                f"ردیف {anchor.seq} همان ردیفِ لنگر {when} نیست: زنجیره تا آن‌جا یا پس از آن "
                "بازنویسی شده است"))
    return problems
