"""De-identified exports through the API, and the retention command."""

from __future__ import annotations

import csv
import io
import json
import sqlite3
from datetime import timedelta

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from typer.testing import CliRunner

from panah.cases.clients.orm import ClientMerge
from panah.cli import app as cli
from panah.core.clock import FrozenClock
from panah.core.db import unit_of_work
from panah.reports.deidentified import FIELDS
from tests.conftest import NOWRUZ, TEST_ENCRYPTION_KEYS, TEST_HASH_KEY, login

DEMO_NAMES = ("سارا محمدی", "علی رضایی", "نرگس کریمی", "مهدی حسینی",
              "مریم احمدی", "زهرا نوری", "فاطمه قاسمی")  # the last three: the shelter's


def _rows(text: str) -> list[list[str]]:
    return list(csv.reader(io.StringIO(text)))


def test_analyst_downloads_cases_without_identities(client: TestClient) -> None:
    login(client, "analyst")
    response = client.get("/api/exports/cases.csv?k=1")
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/csv")
    rows = _rows(response.text)
    assert tuple(rows[0]) == FIELDS
    assert len(rows) == 1 + len(DEMO_NAMES)  # a row per demo case
    assert {r[1] for r in rows[1:]} == {"IR-02", "IR-01"}
    for secret in (*DEMO_NAMES, "0911", "+98"):
        assert secret not in response.text
    # Jalali months, not dates (a shelter resident came in Dey)
    assert {r[4] for r in rows[1:]} == {"1405-01", "1404-12", "1404-10"}


def test_provincial_manager_exports_only_their_province(client: TestClient) -> None:
    login(client, "provincial_manager")
    own = _rows(client.get("/api/exports/cases.csv").text)
    assert {r[1] for r in own[1:]} == {"IR-02"}
    assert client.get("/api/exports/cases.csv?province=IR-01").status_code == 403


@pytest.mark.parametrize("username", ["counsellor", "social_worker", "partner_agency"])
def test_case_staff_do_not_export(client: TestClient, username: str) -> None:
    login(client, username)
    assert client.get("/api/exports/cases.csv").status_code == 403


def test_exports_are_audited(client: TestClient, database_url: str) -> None:
    login(client, "analyst")
    client.get("/api/exports/cases.csv")
    with sqlite3.connect(database_url.removeprefix("sqlite:///")) as db:
        rows = db.execute("SELECT actor_role, action, subject_type FROM audit_event "
                          "WHERE action='export'").fetchall()
    assert rows == [("analyst", "export", "cases")]


def _cli(database_url: str, *args: str) -> dict[str, object]:
    env = {"PANAH_DATABASE_URL": database_url, "PANAH_ENCRYPTION_KEYS": TEST_ENCRYPTION_KEYS,
           "PANAH_HASH_KEY": TEST_HASH_KEY, "PANAH_ENVIRONMENT": "test"}
    result = CliRunner().invoke(cli, list(args), env=env)
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)  # type: ignore[no-any-return]


IDENTITY = ("phone", "phone_hash", "national_code", "phones", "birth_date",
            "no_national_code_note", "name_key_hash", "languages")


def _identity(db: sqlite3.Connection, client_id: int) -> dict[str, object]:
    row = db.execute(f"SELECT {', '.join(IDENTITY)} FROM client WHERE id=?",  # noqa: S608
                     (client_id,)).fetchone()
    indexes = [db.execute(f"SELECT count(*) FROM {table} WHERE client_id=?",  # noqa: S608
                          (client_id,)).fetchone()[0]
               for table in ("client_phone", "client_name_token")]
    return dict(zip((*IDENTITY, "client_phone", "client_name_token"), (*row, *indexes),
                    strict=True))


def test_retention_erases_old_closed_cases_only(database_url: str, app: FastAPI) -> None:
    path = database_url.removeprefix("sqlite:///")
    long_ago = (FrozenClock(NOWRUZ).now() - timedelta(days=365 * 11)).isoformat()
    with sqlite3.connect(path) as db:
        (old, sara) = db.execute(
            "SELECT id, client_id FROM case_file WHERE category='spouse_abuse'").fetchone()
        (recent, ali) = db.execute(
            "SELECT id, client_id FROM case_file WHERE category='child_abuse'").fetchone()
        db.execute("UPDATE case_file SET status='closed', closed_at=? WHERE id=?", (long_ago, old))
        db.execute("UPDATE case_file SET status='closed', closed_at=? WHERE id=?",
                   (NOWRUZ.isoformat(), recent))
        # The demo's merged duplicate, as if it had been merged into Sara's record.
        (merge, twin) = db.execute("SELECT id, merged_id FROM client_merge").fetchone()
        db.execute("UPDATE client SET merged_into_id=? WHERE id=?", (sara, twin))
        db.execute("UPDATE client_merge SET survivor_id=? WHERE id=?", (sara, merge))
        db.execute("INSERT INTO client_phone (client_id, phone_hash) VALUES (?, 'twin')", (twin,))
        before = {c: _identity(db, c) for c in (sara, twin, ali)}
    # Between them, Sara's record and her twin's hold every part of an identity but a code.
    assert [column for column, value in (before[sara] | before[twin]).items()
            if value in (None, 0) and before[sara][column] in (None, 0)] == ["national_code"]
    dry = _cli(database_url, "retention", "run", "--dry-run", "--json")
    assert dry["cases_erased"] == [old] and dry["dry_run"] is True
    with sqlite3.connect(path) as db:
        assert db.execute("SELECT count(*) FROM case_note WHERE case_id=?", (old,)).fetchone()[0]
    done = _cli(database_url, "retention", "run", "--json")
    assert done["cases_erased"] == [old] and done["notes_deleted"] == 1
    with sqlite3.connect(path) as db:
        client = db.execute("SELECT c.phone, c.phone_hash, c.national_code, c.erased_at "
                            "FROM client c JOIN case_file f ON f.client_id=c.id "
                            "WHERE f.id=?", (old,)).fetchone()
        notes = db.execute("SELECT count(*) FROM case_note WHERE case_id=?", (old,)).fetchone()
        kept = db.execute("SELECT count(*) FROM case_note WHERE case_id=?", (recent,)).fetchone()
        erase = db.execute("SELECT subject_id FROM audit_event WHERE action='erase'").fetchall()
    assert client[:3] == (None, None, None) and client[3] is not None
    assert notes[0] == 0 and kept[0] == 1
    assert erase == [(str(old),)]
    with sqlite3.connect(path) as db:
        after = {c: _identity(db, c) for c in (sara, twin, ali)}
        erased = db.execute("SELECT count(*) FROM client WHERE id IN (?, ?) "
                            "AND erased_at IS NOT NULL", (sara, twin)).fetchone()[0]
    for person in (sara, twin):  # every personal column blank, no blind index left
        assert set(after[person].values()) <= {None, 0}, after[person]
    assert erased == 2
    assert after[ali] == before[ali]  # a case closed today keeps its client
    with unit_of_work(app.state.session_factory) as session:
        assert session.get_one(ClientMerge, merge).reason == "[erased]"
    assert _cli(database_url, "retention", "run", "--json")["cases_erased"] == []


def test_a_client_with_a_case_still_open_keeps_their_identity(database_url: str) -> None:
    path = database_url.removeprefix("sqlite:///")
    long_ago = (FrozenClock(NOWRUZ).now() - timedelta(days=365 * 11)).isoformat()
    with sqlite3.connect(path) as db:
        (old, sara) = db.execute(
            "SELECT id, client_id FROM case_file WHERE category='spouse_abuse'").fetchone()
        (later,) = db.execute("SELECT id FROM case_file WHERE category='child_abuse'").fetchone()
        db.execute("UPDATE case_file SET status='closed', closed_at=? WHERE id=?", (long_ago, old))
        db.execute("UPDATE case_file SET client_id=? WHERE id=?", (sara, later))  # her 2nd case
        before = _identity(db, sara)
    assert _cli(database_url, "retention", "run", "--json")["cases_erased"] == []
    with sqlite3.connect(path) as db:
        assert _identity(db, sara) == before
        db.execute("UPDATE case_file SET status='closed', closed_at=? WHERE id=?",
                   (long_ago, later))
    assert _cli(database_url, "retention", "run", "--json")["cases_erased"] == [old, later]
    with sqlite3.connect(path) as db:
        assert set(_identity(db, sara).values()) <= {None, 0}
