"""Sign-in throttling through the login form: lockout per account, 429 per address."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from httpx2 import Response
from sqlalchemy import select

from panah.core.clock import FrozenClock
from panah.core.db import unit_of_work
from panah.security.audit_orm import AuditEvent
from panah.security.orm import LoginFailure
from panah.web.deps import SESSION_COOKIE
from tests.conftest import DEMO_PASSWORD

HTML = {"Accept": "text/html"}
WRONG = "not-the-password"


def _try(client: TestClient, username: str, password: str = WRONG) -> Response:
    return client.post("/login", data={"username": username, "password": password}, headers=HTML)


def _fail(client: TestClient, username: str, times: int) -> None:
    for _ in range(times):
        assert _try(client, username).status_code == 401


@pytest.fixture
def other_address(app: FastAPI) -> Iterator[TestClient]:
    with TestClient(app, follow_redirects=False, client=("192.0.2.7", 40000)) as client:
        yield client


def _events(app: FastAPI) -> list[tuple[str, int | None, str, str, str | None]]:
    with unit_of_work(app.state.session_factory) as session:
        rows = session.execute(
            select(
                AuditEvent.action, AuditEvent.actor_id, AuditEvent.subject_type,
                AuditEvent.subject_id, AuditEvent.reason,
            ).order_by(AuditEvent.seq)
        )
        return [tuple(row) for row in rows]  # type: ignore[misc]


def test_five_wrong_passwords_lock_the_account_and_say_until_when(client: TestClient) -> None:
    _fail(client, "counsellor", 4)
    fifth = _try(client, "counsellor")
    assert fifth.status_code == 401
    # 10:00 in Tehran, locked for 15 minutes after the last failure.
    assert "locked after 5 failed sign-ins" in fifth.text
    assert "2026-03-22 10:15" in fifth.text
    assert "قفل شد" in fifth.text and "۱۴۰۵/۰۱/۰۲ ۱۰:۱۵" in fifth.text


def test_the_right_password_is_refused_while_locked_and_works_after_fifteen_minutes(
    client: TestClient, clock: FrozenClock
) -> None:
    _fail(client, "counsellor", 5)
    clock.advance(minutes=14, seconds=59)
    refused = _try(client, "counsellor", DEMO_PASSWORD)
    assert refused.status_code == 401 and "locked" in refused.text
    assert SESSION_COOKIE not in client.cookies
    clock.advance(seconds=1)
    assert _try(client, "counsellor", DEMO_PASSWORD).status_code == 303


def test_attempts_while_locked_do_not_extend_the_lock(
    client: TestClient, clock: FrozenClock
) -> None:
    _fail(client, "counsellor", 5)
    clock.advance(minutes=10)
    assert "locked" in _try(client, "counsellor").text
    clock.advance(minutes=5)
    assert _try(client, "counsellor", DEMO_PASSWORD).status_code == 303


def test_a_successful_sign_in_clears_the_accounts_failures(
    client: TestClient, app: FastAPI
) -> None:
    _fail(client, "counsellor", 4)
    assert _try(client, "counsellor", DEMO_PASSWORD).status_code == 303
    client.cookies.clear()
    _fail(client, "counsellor", 4)
    assert _try(client, "counsellor", DEMO_PASSWORD).status_code == 303
    with unit_of_work(app.state.session_factory) as session:
        assert session.scalars(select(LoginFailure)).all() == []


def test_one_account_locked_leaves_the_others_alone(client: TestClient) -> None:
    _fail(client, "counsellor", 5)
    assert _try(client, "counsellor_gilan", DEMO_PASSWORD).status_code == 303


def test_an_unknown_username_locks_just_like_a_real_one(client: TestClient) -> None:
    _fail(client, "nobody", 4)
    fifth = _try(client, "nobody")
    assert fifth.status_code == 401
    assert "locked after 5 failed sign-ins" in fifth.text, "no hint that the name is unknown"


def test_thirty_failures_from_one_address_get_429_with_retry_after(
    client: TestClient, other_address: TestClient, clock: FrozenClock
) -> None:
    for number in range(30):  # different names, so no account lock gets in the way
        assert _try(client, f"guess{number}").status_code == 401
    refused = _try(client, "counsellor", DEMO_PASSWORD)
    assert refused.status_code == 429
    assert refused.headers["retry-after"] == "900"
    assert "Too many failed sign-ins from this network" in refused.text
    assert "ورودهای ناموفق از این شبکه" in refused.text
    # Another address is not slowed down, and this one may try again after the window.
    assert _try(other_address, "counsellor", DEMO_PASSWORD).status_code == 303
    clock.advance(minutes=14)
    assert _try(client, "counsellor", DEMO_PASSWORD).headers["retry-after"] == "60"
    clock.advance(minutes=1)
    assert _try(client, "counsellor", DEMO_PASSWORD).status_code == 303


def test_refusals_and_the_lockout_are_audited(client: TestClient, app: FastAPI) -> None:
    _fail(client, "counsellor", 5)
    _try(client, "counsellor", DEMO_PASSWORD)
    _try(client, "nobody")
    sign_ins = {"login", "login_failed", "lockout"}
    events = [event for event in _events(app) if event[0] in sign_ins]
    counsellor = events[0][1]
    assert counsellor is not None
    assert events == [
        *[("login_failed", counsellor, "user", str(counsellor), "wrong_password")] * 5,
        ("lockout", counsellor, "user", str(counsellor), "5 failed sign-ins within 15 minutes"),
        ("login_failed", counsellor, "user", str(counsellor), "account locked"),
        ("login_failed", None, "user", "unknown", "wrong_password"),
    ]


def test_a_successful_sign_in_is_audited(client: TestClient, app: FastAPI) -> None:
    assert _try(client, "supervisor", DEMO_PASSWORD).status_code == 303
    action, actor_id, subject_type, subject_id, _ = _events(app)[-1]
    assert (action, subject_type) == ("login", "user")
    assert actor_id is not None and subject_id == str(actor_id)
