"""``panah audit verify`` and ``panah keys generate|rotate|status``.

The audit command runs on a scratch database holding only the audit table, tampered with
raw SQL the way an intruder with database access would. The key functions run on a scratch
table of a test-local declarative base, so they do not depend on which encrypted columns
Panah's models have today; one test then drives the real commands on the migrated demo.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import Integer, MetaData, String, select, text
from sqlalchemy.orm import DeclarativeBase, Mapped, Session, mapped_column, sessionmaker
from typer.testing import CliRunner

from panah.cli import app
from panah.core.db import NAMING_CONVENTION, make_engine, make_session_factory, unit_of_work
from panah.security.audit import AuditAction, record_hash
from panah.security.audit_orm import AuditEvent, append
from panah.security.cli import encrypted_columns, key_status, rotate_all
from panah.security.crypto import EncryptedText, KeyRing, configure_keyring
from panah.security.policy import Actor
from panah.security.roles import Role
from tests.conftest import TEST_ENCRYPTION_KEYS, TEST_HASH_KEY

runner = CliRunner()
NOWRUZ = datetime(2026, 3, 22, 6, 30, tzinfo=UTC)
COUNSELLOR = Actor(user_id=7, username="mazandaran.counsellor", role=Role.counsellor)
HMAC_KEY = b"kept-in-a-secret-file-not-in-the-database"
T2_ENTRY, T1_ENTRY = TEST_ENCRYPTION_KEYS.split(",")


# ---- the audit chain --------------------------------------------------------------------


@dataclass
class Chain:
    """A database holding only the audit table, with raw SQL for tampering.

    Shared with ``tests/storage/test_security_cli_storage.py``, which runs it on PostgreSQL.
    """

    url: str
    factory: sessionmaker[Session]

    def append_events(self, count: int = 5, *, hmac_key: bytes | None = None) -> None:
        for i in range(count):
            with unit_of_work(self.factory) as session:
                append(
                    session, now=NOWRUZ + timedelta(minutes=i), actor=COUNSELLOR,
                    action=AuditAction.read, subject_type="case_file", subject_id=f"case-{i}",
                    hmac_key=hmac_key,
                )  # fmt: skip

    def run(self, sql: str) -> None:
        with unit_of_work(self.factory) as session:
            session.execute(text(sql))

    def forge_next(self) -> None:
        """Append a row linked to the head with a correct *plain* SHA-256 hash: what someone
        who can write to the database but does not hold the HMAC key can do."""
        with unit_of_work(self.factory) as session:
            head = session.execute(
                select(AuditEvent.seq, AuditEvent.hash).order_by(AuditEvent.seq.desc()).limit(1)
            ).one()
            forged = AuditEvent(
                seq=head.seq + 1, at=NOWRUZ + timedelta(hours=1), actor_id=7,
                actor_role="counsellor", action="delete", subject_type="case_file",
                subject_id="case-1", reason=None, prev_hash=head.hash, hash="",
            )  # fmt: skip
            fields = {
                "seq": forged.seq, "at": forged.at.isoformat(timespec="microseconds"),
                "actor_id": 7, "actor_role": "counsellor", "action": "delete",
                "subject_type": "case_file", "subject_id": "case-1", "reason": None,
            }  # fmt: skip
            forged.hash = record_hash(head.hash, fields)
            session.add(forged)


def open_chain(url: str) -> Iterator[Chain]:
    engine = make_engine(url)
    AuditEvent.__table__.create(engine)
    try:
        yield Chain(url, make_session_factory(engine))
    finally:
        engine.dispose()


def use_database(monkeypatch: pytest.MonkeyPatch, url: str) -> None:
    monkeypatch.setenv("PANAH_DATABASE_URL", url)
    monkeypatch.setenv("PANAH_ENVIRONMENT", "test")
    monkeypatch.setenv("PANAH_ENCRYPTION_KEYS", TEST_ENCRYPTION_KEYS)
    monkeypatch.setenv("PANAH_HASH_KEY", TEST_HASH_KEY)


@pytest.fixture
def chain(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Chain]:
    url = f"sqlite:///{tmp_path / 'audit.db'}"
    use_database(monkeypatch, url)
    yield from open_chain(url)


def verify_json(*args: str) -> tuple[int, dict[str, Any]]:
    result = runner.invoke(app, ["audit", "verify", "--json", *args])
    return result.exit_code, json.loads(result.stdout)


def problems_of(report: dict[str, Any]) -> list[tuple[str, int]]:
    return [(p["kind"], p["seq"]) for p in report["problems"]]


FORGED_ROW_6 = (
    "INSERT INTO audit_event (seq, at, actor_id, actor_role, action, subject_type, "
    "subject_id, reason, prev_hash, hash) SELECT 6, at, actor_id, actor_role, 'delete', "
    "subject_type, subject_id, reason, hash, '" + "f" * 64 + "' FROM audit_event WHERE seq = 5"
)
TAMPERING = {
    "changed-field": ("UPDATE audit_event SET subject_id = 'case-99' WHERE seq = 3", "changed", 3),
    "forged-row": (FORGED_ROW_6, "changed", 6),
    "deleted-middle-row": ("DELETE FROM audit_event WHERE seq = 3", "missing", 3),
    "relinked-row": ("UPDATE audit_event SET prev_hash = hash WHERE seq = 4", "broken_link", 4),
}


def test_intact_chain_exits_0_with_its_length_and_head(chain: Chain) -> None:
    chain.append_events(5)
    human = runner.invoke(app, ["audit", "verify"])
    assert human.exit_code == 0, human.output
    assert "intact" in human.stdout and "5 events" in human.stdout and "head seq 5" in human.stdout
    assert "زنجیرهٔ ممیزی سالم است" in human.stdout

    code, report = verify_json()
    with unit_of_work(chain.factory) as session:
        head_hash = session.scalar(select(AuditEvent.hash).where(AuditEvent.seq == 5))
    assert code == 0
    assert (report["intact"], report["events"], report["problems"]) == (True, 5, [])
    assert report["head"]["seq"] == 5 and report["head"]["hash"] == head_hash


def test_empty_chain_is_intact(chain: Chain) -> None:
    assert verify_json() == (0, {"intact": True, "events": 0, "head": None, "problems": []})


@pytest.mark.parametrize(("sql", "kind", "seq"), TAMPERING.values(), ids=TAMPERING.keys())
def test_tampered_chain_exits_1_naming_the_row(chain: Chain, sql: str, kind: str, seq: int) -> None:
    chain.append_events(5)
    chain.run(sql)

    code, report = verify_json()
    assert code == 1 and report["intact"] is False
    assert problems_of(report) == [(kind, seq)]
    (problem,) = report["problems"]
    assert f"row {seq}" in problem["message_en"] or f"rows {seq}" in problem["message_en"]
    assert "دست‌کاری" in problem["message_fa"]

    human = runner.invoke(app, ["audit", "verify"])
    assert human.exit_code == 1
    assert kind in human.stdout and "NOT intact" in human.stdout and "دست‌کاری" in human.stdout


def test_forged_row_passes_plain_hashing_but_not_the_hmac_key(chain: Chain, tmp_path: Path) -> None:
    key_file = tmp_path / "audit-hmac.key"
    key_file.write_bytes(HMAC_KEY + b"\n")  # as `echo KEY > file` leaves it
    chain.append_events(5, hmac_key=HMAC_KEY)
    assert verify_json("--hmac-key-file", str(key_file))[0] == 0

    chain.forge_next()
    code, report = verify_json("--hmac-key-file", str(key_file))
    assert (code, problems_of(report)) == (1, [("changed", 6)])
    # Without the key every genuine row looks altered and the forgery looks fine.
    assert problems_of(verify_json()[1]) == [("changed", seq) for seq in range(1, 6)]


def test_missing_hmac_key_file_exits_2(chain: Chain, tmp_path: Path) -> None:
    result = runner.invoke(app, ["audit", "verify", "--hmac-key-file", str(tmp_path / "none")])
    assert result.exit_code == 2
    assert "HMAC" in result.stderr


# ---- the key functions on a scratch table -----------------------------------------------


class _ScratchBase(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)


class ScratchShelter(_ScratchBase):
    __tablename__ = "scratch_shelter"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    code: Mapped[str] = mapped_column(String(20))
    # The attribute name differs from the column name on purpose: rotation needs the former.
    secret_address: Mapped[str] = mapped_column("address", EncryptedText("scratch_shelter.address"))
    contact: Mapped[str | None] = mapped_column(EncryptedText("scratch_shelter.contact"))


ADDRESSES = [f"خانهٔ امن {i}، کوچهٔ یاس، ساری" for i in range(7)]
CONTACTS = ["۰۹۱۱۱۲۳۴۵۶۷", None, "+989121234567", None, "۰۱۱-۳۳۳۳", "خانم رضایی", None]


@dataclass
class Scratch:
    path: Path
    factory: sessionmaker[Session]

    def raw(self) -> list[tuple[str, str | None]]:
        with sqlite3.connect(self.path) as conn:  # plain sqlite3: what is really on disk
            return list(conn.execute("SELECT address, contact FROM scratch_shelter ORDER BY id"))

    def read(self) -> list[tuple[str, str | None]]:
        with unit_of_work(self.factory) as session:
            query = select(ScratchShelter.secret_address, ScratchShelter.contact)
            return [tuple(row) for row in session.execute(query.order_by(ScratchShelter.id))]


@pytest.fixture
def scratch(tmp_path: Path, test_keyring: KeyRing) -> Iterator[Scratch]:
    path = tmp_path / "scratch.db"
    engine = make_engine(f"sqlite:///{path}")
    _ScratchBase.metadata.create_all(engine)
    configure_keyring(KeyRing.parse(T1_ENTRY))  # before the new key existed
    try:
        scratch = Scratch(path, make_session_factory(engine))
        with unit_of_work(scratch.factory) as session:
            session.add_all(
                ScratchShelter(code=f"S{i}", secret_address=a, contact=c)
                for i, (a, c) in enumerate(zip(ADDRESSES, CONTACTS, strict=True))
            )
        yield scratch
    finally:
        configure_keyring(test_keyring)
        engine.dispose()


def test_encrypted_columns_are_found_with_their_mapped_attribute() -> None:
    columns = encrypted_columns(_ScratchBase.metadata, _ScratchBase.registry.mappers)
    assert [(c.label, c.model, c.attribute) for c in columns] == [
        ("scratch_shelter.address", ScratchShelter, "secret_address"),
        ("scratch_shelter.contact", ScratchShelter, "contact"),
    ]


def test_every_encrypted_column_of_panah_is_mapped() -> None:
    from panah.core.db import Base, import_all_models

    import_all_models()
    for column in encrypted_columns(Base.metadata):
        assert isinstance(column.sql_column().type, EncryptedText), column.label


def test_rotate_all_moves_every_value_to_the_current_key(scratch: Scratch) -> None:
    columns = encrypted_columns(_ScratchBase.metadata, _ScratchBase.registry.mappers)
    with unit_of_work(scratch.factory) as session:
        assert key_status(session, columns) == {
            "scratch_shelter.address": {"t1": 7}, "scratch_shelter.contact": {"t1": 4},
        }  # fmt: skip
    ring = KeyRing.parse(TEST_ENCRYPTION_KEYS)  # t2 now current, t1 still readable
    configure_keyring(ring)
    reported: list[tuple[str, int]] = []
    with unit_of_work(scratch.factory) as session:
        moved = rotate_all(session, ring, columns, lambda c, n: reported.append((c.label, n)))
    assert moved == {"scratch_shelter.address": 7, "scratch_shelter.contact": 4}
    assert reported == list(moved.items())

    tokens = [token for row in scratch.raw() for token in row if token is not None]
    assert len(tokens) == 11 and all(token.startswith("v1.t2.") for token in tokens)
    assert not any("ساری" in token for token in tokens)
    configure_keyring(KeyRing.parse(T2_ENTRY))  # t1 can go: everything reads without it
    assert scratch.read() == list(zip(ADDRESSES, CONTACTS, strict=True))

    with unit_of_work(scratch.factory) as session:
        assert rotate_all(session, ring, columns) == dict.fromkeys(moved, 0)
        assert key_status(session, columns) == {
            "scratch_shelter.address": {"t2": 7}, "scratch_shelter.contact": {"t2": 4},
        }  # fmt: skip


def test_rotation_that_meets_an_unknown_key_changes_nothing(scratch: Scratch) -> None:
    from panah.security.crypto import UnknownKey

    before = scratch.raw()
    columns = encrypted_columns(_ScratchBase.metadata, _ScratchBase.registry.mappers)
    ring = KeyRing.parse(T2_ENTRY)  # t1 forgotten: its values cannot be re-sealed
    with pytest.raises(UnknownKey), unit_of_work(scratch.factory) as session:
        rotate_all(session, ring, columns)
    assert scratch.raw() == before


# ---- panah keys ---------------------------------------------------------------------------


def test_generate_prints_an_entry_the_ring_accepts_with_instructions(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    database = tmp_path / "never.db"
    monkeypatch.setenv("PANAH_DATABASE_URL", f"sqlite:///{database}")
    result = runner.invoke(app, ["keys", "generate", "--id", "k3", "--json"])
    assert result.exit_code == 0, result.output
    made = json.loads(result.stdout)
    assert made["entry"].startswith("k3:") and made["key_id"] == "k3"
    ring = KeyRing.parse(f"{made['entry']},{T2_ENTRY}", hash_key=made["hash_key"])
    assert ring.current_id == "k3" and set(ring.keys) == {"k3", "t2"}
    assert any("panah keys rotate" in line for line in made["instructions_en"])
    assert any("panah keys rotate" in line for line in made["instructions_fa"])

    human = runner.invoke(app, ["keys", "generate", "--id", "k3"])
    assert human.exit_code == 0
    assert "k3:" in human.stdout and "FIRST in PANAH_ENCRYPTION_KEYS" in human.stdout
    assert "کلیدهای قدیمی را نگه دارید" in human.stdout
    assert not database.exists()  # needs no database


def test_generate_refuses_a_key_id_the_ring_would_refuse() -> None:
    result = runner.invoke(app, ["keys", "generate", "--id", "k.2"])
    assert result.exit_code == 2
    assert "k.2" in result.stderr


def _status(*args: str) -> dict[str, Any]:
    result = runner.invoke(app, ["keys", "status", "--json", *args])
    assert result.exit_code == 0, result.output
    data: dict[str, Any] = json.loads(result.stdout)
    return data


def test_status_and_rotate_on_the_migrated_demo(
    database_url: str, monkeypatch: pytest.MonkeyPatch, test_keyring: KeyRing
) -> None:
    from panah.core.db import Base, import_all_models

    use_database(monkeypatch, database_url)
    import_all_models()
    columns = encrypted_columns(Base.metadata)
    engine = make_engine(database_url)
    try:  # whatever encrypted values the demo holds go back under the old key, t1
        with unit_of_work(make_session_factory(engine)) as session:
            rotate_all(session, KeyRing.parse(f"{T1_ENTRY},{T2_ENTRY}"), columns)
    finally:
        engine.dispose()

    try:
        before = _status()
        assert (before["current_key"], before["ring"], before["unknown"]) == (
            "t2",
            ["t2", "t1"],
            [],
        )
        assert {c["column"] for c in before["columns"]} == {c.label for c in columns}
        assert set(before["totals"]) <= {"t1"}
        stale = before["totals"].get("t1", 0)

        rotated = runner.invoke(app, ["keys", "rotate", "--json"])
        assert rotated.exit_code == 0, rotated.output
        report = json.loads(rotated.stdout)
        assert (report["current_key"], report["moved"]) == ("t2", stale)
        assert {c["column"] for c in report["columns"]} == {c.label for c in columns}

        after = _status()
        assert after["droppable"] == ["t1"] and set(after["totals"]) <= {"t2"}
        human = runner.invoke(app, ["keys", "status"])
        assert human.exit_code == 0
        assert ("t2 (current)" if columns else "No encrypted columns") in human.stdout
        assert "safe to remove" in human.stdout
        assert runner.invoke(app, ["keys", "rotate"]).exit_code == 0
    finally:
        configure_keyring(test_keyring)  # the commands installed their own ring


# ---- keyed seals and anchors (issue 14) ---------------------------------------------------

AUDIT_KEYS = ("a2:QkJCQkJCQkJCQkJCQkJCQkJCQkJCQkJCQkJCQkJCQkI=,"
              "a1:QUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFBQUE=")


@pytest.fixture
def keyed_chain(chain: Chain, monkeypatch: pytest.MonkeyPatch) -> Chain:
    """Five events sealed as the server seals them, with PANAH_AUDIT_KEYS."""
    from panah.config import get_settings
    from panah.security.keys import install_keyring

    monkeypatch.setenv("PANAH_AUDIT_KEYS", AUDIT_KEYS)
    install_keyring(get_settings())
    chain.append_events(5)
    return chain


def rewrite_from(chain: Chain, seq: int) -> None:
    """An intruder with the database changes row ``seq`` and recomputes every hash from
    there to the head, as plain SHA-256 (the only hash they can make without the key)."""
    path = chain.url.removeprefix("sqlite:///")
    with sqlite3.connect(path) as db:
        columns = [c[1] for c in db.execute("PRAGMA table_info(audit_event)")]
        rows = db.execute("SELECT seq, at, actor_id, actor_role, action, subject_type, "
                          "subject_id, reason, prev_hash FROM audit_event ORDER BY seq").fetchall()
        prev = rows[seq - 1][8]
        for row in rows[seq - 1:]:
            number, at, actor_id, role, action, subject_type, subject_id, reason, _ = row
            subject_id = "case-99" if number == seq else subject_id
            fields = {"seq": number, "at": datetime.fromisoformat(at).replace(tzinfo=UTC)
                      .isoformat(timespec="microseconds"), "actor_id": actor_id,
                      "actor_role": role, "action": action, "subject_type": subject_type,
                      "subject_id": subject_id, "reason": reason}
            digest = record_hash(prev, fields)
            db.execute("UPDATE audit_event SET subject_id=?, prev_hash=?, hash=? WHERE seq=?",
                       (subject_id, prev, digest, number))
            if "key_id" in columns:
                db.execute("UPDATE audit_event SET key_id=NULL WHERE seq=?", (number,))
            prev = digest


def test_a_keyed_chain_is_intact_and_a_rewrite_to_the_head_with_plain_hashes_is_caught(
    keyed_chain: Chain,
) -> None:
    assert verify_json() == (0, {"intact": True, "events": 5, "head": verify_json()[1]["head"],
                                 "problems": []})
    rewrite_from(keyed_chain, 3)
    code, report = verify_json()
    assert code == 1 and not report["intact"]
    assert problems_of(report)[0] == ("downgraded", 3)


def test_anchor_appends_the_signed_head_and_verify_catches_a_truncation_after_it(
    keyed_chain: Chain, tmp_path: Path
) -> None:
    anchors = tmp_path / "anchors.jsonl"
    made = runner.invoke(app, ["audit", "anchor", "--out", str(anchors), "--json"])
    assert made.exit_code == 0, made.output
    line = json.loads(anchors.read_text().splitlines()[-1])
    assert (line["seq"], line["key_id"]) == (5, "a2") and len(line["mac"]) == 64
    assert verify_json("--anchors", str(anchors)) == (0, {
        "intact": True, "events": 5, "head": verify_json()[1]["head"], "anchors": 1,
        "problems": []})
    keyed_chain.run("DELETE FROM audit_event WHERE seq >= 4")  # a shorter chain, still linked
    assert verify_json()[0] == 0
    code, report = verify_json("--anchors", str(anchors))
    assert (code, problems_of(report)) == (1, [("truncated", 5)])
    assert "دیگر در زنجیره نیست" in report["problems"][0]["message_fa"]


def test_an_edited_or_unreadable_anchor_file_is_refused(keyed_chain: Chain, tmp_path: Path) -> None:
    anchors = tmp_path / "anchors.jsonl"
    assert runner.invoke(app, ["audit", "anchor", "--out", str(anchors)]).exit_code == 0
    line = json.loads(anchors.read_text())
    anchors.write_text(json.dumps({**line, "seq": 4}) + "\n")
    code, report = verify_json("--anchors", str(anchors))
    assert (code, problems_of(report)) == (1, [("forged_anchor", 4)])
    anchors.write_text("not an anchor\n")
    result = runner.invoke(app, ["audit", "verify", "--anchors", str(anchors)])
    assert result.exit_code == 2 and "Line 1" in result.stderr
    missing = runner.invoke(app, ["audit", "verify", "--anchors", str(tmp_path / "none")])
    assert missing.exit_code == 2


def test_anchor_without_a_file_writes_the_signed_head_to_the_log(
    keyed_chain: Chain, caplog: pytest.LogCaptureFixture
) -> None:
    with caplog.at_level("WARNING", logger="panah.audit.anchor"):
        result = runner.invoke(app, ["audit", "anchor"])
    assert result.exit_code == 0 and "written to the log" in result.stdout
    assert any('"seq":5' in r.getMessage() for r in caplog.records)
