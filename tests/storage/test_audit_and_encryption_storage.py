"""Encrypted columns and the audit chain against a real database, on every backend.

Most tests create only this module's tables: the audit table and a throw-away model on its
own metadata, so the application's metadata is not touched; the migration that seals the
places already stored runs the real migrations. That no personal text is stored in plain
anywhere, after the full demo and a browser journey, is tests/e2e/test_plaintext_storage.py.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta, timezone

import pytest
from sqlalchemy import Integer, MetaData, func, select, text
from sqlalchemy.orm import DeclarativeBase, Mapped, Session, mapped_column, sessionmaker

from panah.core.db import NAMING_CONVENTION, make_engine, make_session_factory, unit_of_work
from panah.security.audit import AuditAction, ChainProblemKind
from panah.security.audit_orm import SYSTEM_ROLE, AuditEvent, append, verify
from panah.security.crypto import (
    EncryptedText,
    KeyRing,
    configure_keyring,
    generate_key,
    rotate_column,
)
from panah.security.policy import Actor
from panah.security.roles import Role

NOWRUZ = datetime(2026, 3, 22, 6, 30, tzinfo=UTC)
TEHRAN = timezone(timedelta(hours=3, minutes=30))
K1, K2 = generate_key(), generate_key()
NOTES = [f"کودک {i} در خانهٔ امن شمارهٔ {i}، خیابان بهار" for i in range(7)]
COUNSELLOR = Actor(user_id=7, username="mazandaran.counsellor", role=Role.counsellor)


class _TestBase(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)


class SecretNote(_TestBase):
    __tablename__ = "test_secret_note"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    body: Mapped[str | None] = mapped_column(EncryptedText("test_secret_note.body"))


@dataclass
class Db:
    factory: sessionmaker[Session]

    def raw(self, sql: str) -> list[tuple[object, ...]]:
        with unit_of_work(self.factory) as session:
            return [tuple(row) for row in session.execute(text(sql))]

    def run(self, sql: str) -> None:
        with unit_of_work(self.factory) as session:
            session.execute(text(sql))


@pytest.fixture
def db(empty_database_url: str) -> Iterator[Db]:
    engine = make_engine(empty_database_url)
    _TestBase.metadata.create_all(engine)
    AuditEvent.__table__.create(engine)  # type: ignore[attr-defined]
    configure_keyring(KeyRing.parse(f"k1:{K1}"))
    try:
        yield Db(make_session_factory(engine))
    finally:
        configure_keyring(None)
        engine.dispose()


def _write_notes(db: Db) -> None:
    with unit_of_work(db.factory) as session:
        session.add_all([SecretNote(body=note) for note in NOTES])
        session.add(SecretNote(body=None))


def _read_notes(db: Db) -> list[str | None]:
    with unit_of_work(db.factory) as session:
        return list(session.scalars(select(SecretNote.body).order_by(SecretNote.id)))


def test_encrypted_column_keeps_no_plaintext_on_disk(db: Db) -> None:
    _write_notes(db)
    stored = [body for (body,) in db.raw("SELECT body FROM test_secret_note ORDER BY id")]
    assert stored[-1] is None
    assert all(isinstance(b, str) and b.startswith("v1.k1.") for b in stored[:-1])
    assert not any(word in str(stored) for word in ("کودک", "خانه", "بهار"))
    assert _read_notes(db) == [*NOTES, None]


def test_rotate_column_moves_every_row_to_the_new_key(db: Db) -> None:
    _write_notes(db)
    ring = KeyRing.parse(f"k2:{K2},k1:{K1}")
    configure_keyring(ring)
    with unit_of_work(db.factory) as session:
        assert rotate_column(session, SecretNote, "body", ring, batch_size=3) == len(NOTES)
    stored = [b for (b,) in db.raw("SELECT body FROM test_secret_note WHERE body IS NOT NULL")]
    assert len(stored) == len(NOTES) and all(str(b).startswith("v1.k2.") for b in stored)
    configure_keyring(KeyRing.parse(f"k2:{K2}"))  # the old key can now be retired
    assert _read_notes(db) == [*NOTES, None]
    with unit_of_work(db.factory) as session:
        assert rotate_column(session, SecretNote, "body", ring) == 0


def _append_five(db: Db, *, hmac_key: bytes | None = None) -> None:
    for i in range(5):
        with unit_of_work(db.factory) as session:
            append(
                session, now=(NOWRUZ + timedelta(minutes=i)).astimezone(TEHRAN),
                actor=COUNSELLOR, action=AuditAction.read, subject_type="case_file",
                subject_id=f"case-{i}", hmac_key=hmac_key,
            )  # fmt: skip


def _verify(db: Db, *, hmac_key: bytes | None = None) -> list[tuple[ChainProblemKind, int]]:
    with unit_of_work(db.factory) as session:
        return [(p.kind, p.seq) for p in verify(session, hmac_key=hmac_key)]


def test_appended_events_form_an_intact_chain(db: Db) -> None:
    _append_five(db)
    with unit_of_work(db.factory) as session:
        event = append(
            session, now=NOWRUZ, actor=None, action=AuditAction.break_glass,
            subject_type="case_file", subject_id="case-1", reason="خطر فوری برای کودک",
        )  # fmt: skip
        assert (event.seq, event.actor_role, event.actor_id) == (6, SYSTEM_ROLE, None)
    assert _verify(db) == []


FORGE_ROW_6 = (
    "INSERT INTO audit_event (seq, at, actor_id, actor_role, action, subject_type, "
    "subject_id, reason, prev_hash, hash) SELECT 6, at, actor_id, actor_role, 'delete', "
    "subject_type, subject_id, reason, hash, '" + "f" * 64 + "' FROM audit_event WHERE seq = 5"
)

BACKDATE_ROW_2 = (
    "UPDATE audit_event SET at = (SELECT at FROM audit_event WHERE seq = 1) WHERE seq = 2"
)


@pytest.mark.parametrize(
    ("tamper", "expected"),
    [
        ("UPDATE audit_event SET subject_id = 'case-99' WHERE seq = 3", ("changed", 3)),
        (BACKDATE_ROW_2, ("changed", 2)),
        ("DELETE FROM audit_event WHERE seq = 3", ("missing", 3)),
        ("DELETE FROM audit_event WHERE seq = 1", ("missing", 1)),
        (FORGE_ROW_6, ("changed", 6)),
        ("UPDATE audit_event SET prev_hash = hash WHERE seq = 4", ("broken_link", 4)),
    ],
    ids=["update", "update-time", "delete", "delete-first", "insert", "relink"],
)
def test_tampering_with_the_stored_chain_is_found(
    db: Db, tamper: str, expected: tuple[str, int]
) -> None:
    _append_five(db)
    db.run(tamper)
    assert _verify(db) == [(ChainProblemKind(expected[0]), expected[1])]


def test_hmac_chain_rejects_a_forged_row_that_plain_hashing_would_accept(db: Db) -> None:
    key = b"kept-in-a-secret-file-not-in-the-database"
    _append_five(db, hmac_key=key)
    assert _verify(db, hmac_key=key) == []
    assert _verify(db)[0] == (ChainProblemKind.changed, 1)


def test_concurrent_appenders_do_not_fork_the_chain(db: Db) -> None:
    errors: list[BaseException] = []

    def worker(n: int) -> None:
        try:
            for i in range(8):
                with unit_of_work(db.factory) as session:
                    append(
                        session, now=NOWRUZ, actor=COUNSELLOR, action=AuditAction.read,
                        subject_type="case_file", subject_id=f"w{n}-{i}",
                    )  # fmt: skip
        except BaseException as exc:  # reported below, on the test's thread
            errors.append(exc)

    threads = [threading.Thread(target=worker, args=(n,)) for n in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    with unit_of_work(db.factory) as session:
        assert session.scalar(select(func.count()).select_from(AuditEvent)) == 32
    assert _verify(db) == []


PLACE = "چالوس، کوچهٔ اقاقیا، ویلای سفید"
BEFORE_CREW_CONTEXT = "0013"  # incident.place was plain text up to here
STORED = [
    "INSERT INTO province (code, name_fa, name_en, capital_en, capital_lat, capital_lon, "
    "area_code, population_2016) VALUES ('IR-02', 'مازندران', 'Mazandaran', 'Sari', 36.56, "
    "53.06, '011', 3283582)",
    "INSERT INTO centre (id, code, kind, name_fa, name_en, province_code, lat, lon, has_shelter,"
    " shelter_beds) VALUES (1, 'MZN-123', 'line_123', 'مرکز', 'Centre', 'IR-02', 36.56, 53.06,"
    " false, 0)",
    "INSERT INTO incident (id, province_code, priority, state, lat, lon, place, cautions, "
    "needs_roles, prefer_woman, created_at) VALUES (1, 'IR-02', 'high', 'assigned', 36.65, "
    "51.42, :place, '', '', false, :at), (2, 'IR-02', 'low', 'open', 36.65, 51.42, NULL, '', "
    "'', false, :at)",
    "INSERT INTO unit (id, call_sign, kind, home_centre_id, status, version, incident_id) "
    "VALUES (1, 'MZN-01', 'sedan', 1, 'dispatched', 1, 1)",
    "INSERT INTO assignment (id, incident_id, unit_id, assigned_at) VALUES (1, 1, 1, :at)",
]


def test_upgrading_seals_the_places_already_stored_and_downgrading_opens_them(
    empty_database_url: str,
) -> None:
    """Security 10: ``incident.place`` was plain text; the migration seals the rows already
    there (under the rows that point to them), and a downgrade gives them back."""
    from panah.core.migrate import downgrade, upgrade
    from panah.dispatch.orm import Incident

    upgrade(empty_database_url, BEFORE_CREW_CONTEXT)
    engine = make_engine(empty_database_url)
    factory = make_session_factory(engine)
    with unit_of_work(factory) as session:
        for sql in STORED:
            session.execute(text(sql), {"place": PLACE, "at": NOWRUZ})
    configure_keyring(KeyRing.parse(f"k1:{K1}"))

    upgrade(empty_database_url)

    raw = [str(row[0]) for row in Db(factory).raw("SELECT place FROM incident ORDER BY id")]
    assert raw[1] == "None" and raw[0].startswith("v1.k1.") and "اقاقیا" not in raw[0]
    with unit_of_work(factory) as session:
        assert session.get_one(Incident, 1).place == PLACE
        assert session.scalar(text("SELECT incident_id FROM assignment WHERE id = 1")) == 1
    downgrade(empty_database_url, BEFORE_CREW_CONTEXT)
    assert Db(factory).raw("SELECT place FROM incident ORDER BY id") == [(PLACE,), (None,)]
    engine.dispose()


def test_keyed_rows_keep_their_key_id_and_a_plain_rewrite_after_them_is_a_downgrade(
    db: Db,
) -> None:
    """Issue 14: rows sealed with the audit keys name their key; on every backend the
    chain verifies with the keys, and a row re-sealed with a plain hash after them is
    reported as a downgrade."""
    from panah.security.audit_orm import configure_seal_keys
    from panah.security.keys import parse_seal_keys

    _append_five(db)  # before keys existed: plain hashes
    configure_seal_keys(parse_seal_keys(f"a1:{K1}"))
    try:
        _append_five(db)
        assert db.raw("SELECT key_id FROM audit_event ORDER BY seq") == (
            [(None,)] * 5 + [("a1",)] * 5)
        assert _verify(db) == []
        forged = ("UPDATE audit_event SET key_id = NULL, hash = '" + "e" * 64 + "' "
                  "WHERE seq = 10")
        db.run(forged)
        assert _verify(db) == [(ChainProblemKind.downgraded, 10)]
    finally:
        configure_seal_keys(None)
