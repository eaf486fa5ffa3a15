"""The audit chain: an intact chain verifies; changed, inserted and deleted rows are named."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, timedelta, timezone

import pytest

from panah.core.errors import InvalidInput
from panah.security.audit import (
    GENESIS_HASH,
    AuditAction,
    AuditRecord,
    ChainProblemKind,
    anchor_of,
    check_anchors,
    parse_anchor,
    record_hash,
    seal,
    verify_chain,
)

NOWRUZ = datetime(2026, 3, 22, 6, 30, tzinfo=UTC)
KEY = b"audit-hmac-key-kept-outside-the-database"


def _chain(length: int = 5, *, hmac_key: bytes | None = None) -> list[AuditRecord]:
    records: list[AuditRecord] = []
    for i in range(length):
        records.append(
            seal(
                records[-1] if records else None,
                at=NOWRUZ + timedelta(minutes=i),
                actor_id=7,
                actor_role="counsellor",
                action=AuditAction.read,
                subject_type="case_file",
                subject_id=f"case-{i}",
                hmac_key=hmac_key,
            )
        )
    return records


def _kinds_and_seqs(
    records: list[AuditRecord], *, hmac_key: bytes | None = None
) -> list[tuple[str, int]]:
    return [(p.kind.value, p.seq) for p in verify_chain(records, hmac_key=hmac_key)]


def test_intact_chain_starts_at_genesis_and_verifies() -> None:
    records = _chain()
    assert records[0].seq == 1 and records[0].prev_hash == GENESIS_HASH
    assert [r.prev_hash for r in records[1:]] == [r.hash for r in records[:-1]]
    assert verify_chain(records) == []
    assert verify_chain([]) == []


def test_changed_row_is_reported_once_at_its_seq() -> None:
    records = _chain()
    records[2] = replace(records[2], subject_id="case-99")
    problems = verify_chain(records)
    assert [(p.kind, p.seq) for p in problems] == [(ChainProblemKind.changed, 3)]
    assert "row 3" in problems[0].message_en and "ردیف 3" in problems[0].message_fa


def test_changed_and_rehashed_row_breaks_the_link_to_the_next() -> None:
    records = _chain()
    changed = replace(records[2], actor_id=1)
    records[2] = replace(changed, hash=record_hash(changed.prev_hash, changed.fields()))
    assert _kinds_and_seqs(records) == [("broken_link", 4)]


def test_deleted_row_is_reported_as_missing_at_its_seq() -> None:
    records = _chain()
    del records[2]
    assert _kinds_and_seqs(records) == [("missing", 3)]


def test_deleted_first_row_is_reported() -> None:
    assert _kinds_and_seqs(_chain()[1:]) == [("missing", 1)]


def test_deleted_and_renumbered_rows_are_reported() -> None:
    records = _chain()
    del records[2]
    records[2:] = [replace(r, seq=r.seq - 1) for r in records[2:]]
    assert _kinds_and_seqs(records)[0] == ("broken_link", 3)


def test_inserted_row_with_a_repeated_seq_is_reported_once() -> None:
    records = _chain()
    forged = seal(
        records[1], at=NOWRUZ, actor_id=7, actor_role="counsellor",
        action=AuditAction.delete, subject_type="case_file", subject_id="case-1",
    )  # fmt: skip
    records.insert(3, forged)  # sits between real rows 3 and 4, with seq 3 again
    assert _kinds_and_seqs(records) == [("inserted", 3)]


def test_inserted_row_with_a_made_up_hash_is_reported_at_its_seq() -> None:
    records = _chain()
    forged = replace(records[4], seq=6, prev_hash=records[4].hash, subject_id="case-x")
    assert _kinds_and_seqs([*records, forged]) == [("changed", 6)]


def test_inserted_and_renumbered_rows_are_reported_where_the_chain_breaks() -> None:
    records = _chain()
    forged = seal(
        records[1], at=NOWRUZ, actor_id=7, actor_role="counsellor",
        action=AuditAction.delete, subject_type="case_file", subject_id="case-1",
    )  # fmt: skip
    shifted = [replace(r, seq=r.seq + 1) for r in records[2:]]
    assert _kinds_and_seqs([*records[:2], forged, *shifted])[0] == ("broken_link", 4)


def test_hmac_chain_verifies_only_with_its_key() -> None:
    records = _chain(hmac_key=KEY)
    assert verify_chain(records, hmac_key=KEY) == []
    assert _kinds_and_seqs(records)[0] == ("changed", 1)
    assert _kinds_and_seqs(records, hmac_key=b"another key")[0] == ("changed", 1)


def test_chain_rewritten_without_the_key_is_caught() -> None:
    """Someone with database access recomputes every hash; without the key it fails."""
    records = _chain(hmac_key=KEY)
    records[2] = replace(records[2], subject_id="case-99")
    rewritten: list[AuditRecord] = []
    for record in records:
        prev = rewritten[-1].hash if rewritten else GENESIS_HASH
        moved = replace(record, prev_hash=prev)
        rewritten.append(replace(moved, hash=record_hash(prev, moved.fields())))
    assert verify_chain(rewritten) == []  # plain SHA-256 cannot tell
    assert [p.seq for p in verify_chain(rewritten, hmac_key=KEY)] == [1, 2, 3, 4, 5]


def test_hash_is_canonical_across_time_zones() -> None:
    tehran = timezone(timedelta(hours=3, minutes=30))
    record = _chain(1)[0]
    local = replace(record, at=record.at.astimezone(tehran))
    assert local.fields()["at"] == "2026-03-22T06:30:00.000000+00:00"
    assert verify_chain([local]) == []


def test_max_problems_caps_the_report() -> None:
    records = [replace(r, subject_id="x") for r in _chain(10)]
    assert len(verify_chain(records, max_problems=3)) == 3


def test_break_glass_needs_a_reason() -> None:
    with pytest.raises(InvalidInput) as raised:
        seal(
            None, at=NOWRUZ, actor_id=7, actor_role="supervisor",
            action=AuditAction.break_glass, subject_type="case_file", subject_id="1",
            reason="   ",
        )  # fmt: skip
    assert raised.value.message_fa
    record = seal(
        None, at=NOWRUZ, actor_id=7, actor_role="supervisor",
        action=AuditAction.break_glass, subject_type="case_file", subject_id="1",
        reason="کودک در خطر فوری؛ مددکار کشیک در دسترس نیست",
    )  # fmt: skip
    assert verify_chain([record]) == []


def test_naive_times_are_refused() -> None:
    with pytest.raises(ValueError, match="timezone-aware"):
        seal(
            None, at=datetime(2026, 3, 22, 6, 30), actor_id=None, actor_role="system",
            action=AuditAction.login_failed, subject_type="user", subject_id="zahra",
        )  # fmt: skip


# ---- keyed seals (issue 14, security 3) ---------------------------------------------------

A1 = ("a1", b"A" * 32)
A2 = ("a2", b"B" * 32)
RING = {"a1": A1[1], "a2": A2[1]}


def _keyed(length: int = 5, *, key: tuple[str, bytes] = A1,
           before: list[AuditRecord] | None = None) -> list[AuditRecord]:
    records = list(before or [])
    for i in range(length):
        records.append(seal(records[-1] if records else None, at=NOWRUZ + timedelta(minutes=i),
                            actor_id=7, actor_role="counsellor", action=AuditAction.read,
                            subject_type="case_file", subject_id=f"case-{len(records)}",
                            key=key))
    return records


def _rewritten_from(records: list[AuditRecord], seq: int, *,
                    key: tuple[str, bytes] | None) -> list[AuditRecord]:
    """What an intruder with the database does: change row ``seq`` and re-seal it and
    every row after it, with plain hashes (``key`` None) or a key of their own."""
    kept = records[: seq - 1]
    for record in records[seq - 1:]:
        subject = "case-99" if record.seq == seq else record.subject_id
        kept.append(seal(kept[-1] if kept else None, at=record.at, actor_id=record.actor_id,
                         actor_role=record.actor_role, action=AuditAction(record.action),
                         subject_type=record.subject_type, subject_id=subject, key=key))
    return kept


def test_a_keyed_chain_verifies_with_its_keys_and_names_the_key_of_each_row() -> None:
    records = _keyed(2, key=A2, before=_keyed(3))  # a2 became current after row 3
    assert [r.key_id for r in records] == ["a1", "a1", "a1", "a2", "a2"]
    assert verify_chain(records, keys=RING) == []


def test_rows_sealed_before_keys_existed_verify_as_plain_hashes_before_keyed_ones() -> None:
    records = _keyed(3, before=_chain(2))
    assert [r.key_id for r in records] == [None, None, "a1", "a1", "a1"]
    assert verify_chain(records, keys=RING) == []


def test_a_rewrite_from_one_row_to_the_head_with_plain_hashes_is_a_downgrade() -> None:
    forged = _rewritten_from(_keyed(5), 3, key=None)
    problems = verify_chain(forged, keys=RING)
    assert next((p.kind, p.seq) for p in problems) == (ChainProblemKind.downgraded, 3)
    assert {p.kind for p in problems} == {ChainProblemKind.downgraded}
    assert "بی کلید" in problems[0].message_fa


def test_a_rewrite_with_a_key_of_the_intruders_own_is_caught() -> None:
    wrong = ("a1", b"C" * 32)  # the right id, the wrong secret
    problems = verify_chain(_rewritten_from(_keyed(5), 3, key=wrong), keys=RING)
    assert [(p.kind, p.seq) for p in problems] == [(ChainProblemKind.changed, s)
                                                    for s in (3, 4, 5)]
    made_up = ("z9", b"C" * 32)
    problems = verify_chain(_rewritten_from(_keyed(5), 3, key=made_up), keys=RING)
    assert next((p.kind, p.seq) for p in problems) == (ChainProblemKind.unknown_key, 3)


def test_a_key_dropped_from_the_ring_while_rows_still_need_it_is_reported() -> None:
    records = _keyed(2, key=A2, before=_keyed(3))
    problems = verify_chain(records, keys={"a2": A2[1]})
    assert [(p.kind, p.seq) for p in problems] == [(ChainProblemKind.unknown_key, s)
                                                    for s in (1, 2, 3)]


def test_a_truncation_after_an_anchor_is_caught() -> None:
    records = _keyed(5)
    anchor = anchor_of(records[-1], at=NOWRUZ + timedelta(hours=1), key=A1)
    hashes = {r.seq: r.hash for r in records}
    assert check_anchors([anchor], hashes, keys=RING) == []
    truncated = records[:3]  # rows 4 and 5 deleted: a valid, shorter chain
    assert verify_chain(truncated, keys=RING) == []
    problems = check_anchors([anchor], {r.seq: r.hash for r in truncated}, keys=RING)
    assert [(p.kind, p.seq) for p in problems] == [(ChainProblemKind.truncated, 5)]


def test_a_chain_rewritten_past_an_anchor_and_a_forged_anchor_are_caught() -> None:
    records = _keyed(5)
    anchor = anchor_of(records[3], at=NOWRUZ, key=A1)
    forged = _rewritten_from(records, 2, key=None)
    problems = check_anchors([anchor], {r.seq: r.hash for r in forged}, keys=RING)
    assert [(p.kind, p.seq) for p in problems] == [(ChainProblemKind.rewritten, 4)]
    edited = parse_anchor(anchor.line().replace(anchor.hash, forged[3].hash))
    problems = check_anchors([edited], {r.seq: r.hash for r in forged}, keys=RING)
    assert [(p.kind, p.seq) for p in problems] == [(ChainProblemKind.forged_anchor, 4)]
    assert parse_anchor(anchor.line()) == anchor
