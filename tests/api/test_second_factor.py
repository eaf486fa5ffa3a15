"""The second factor through the real forms: enrol, sign in with a code, replay, expiry.

The admin (alice of these tests) must enrol when the setting requires it; codes come from
pyotp playing the phone's authenticator app, at the frozen clock's time.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import timedelta

import pyotp
import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from httpx2 import Response
from sqlalchemy import select

from panah.config import SecondFactor, Settings
from panah.core.clock import FrozenClock
from panah.core.db import unit_of_work
from panah.security.audit_orm import AuditEvent
from panah.security.orm import LoginChallenge, User, WebSession
from panah.web.deps import SESSION_COOKIE
from panah.web.routes.auth import CHALLENGE_COOKIE, SECOND_FACTOR_PATH
from tests.conftest import DEMO_PASSWORD, csrf, login

HTML = {"Accept": "text/html"}
STEP = timedelta(seconds=30)
SECRET_ON_PAGE = re.compile(r'data-secret="([A-Z2-7]+)"')


@pytest.fixture
def strict_app(settings: Settings, clock: FrozenClock) -> Iterator[FastAPI]:
    from panah.main import create_app

    app = create_app(
        settings.model_copy(update={"second_factor": SecondFactor.required}), clock=clock
    )
    yield app
    app.state.engine.dispose()


@pytest.fixture
def strict(strict_app: FastAPI) -> Iterator[TestClient]:
    with TestClient(strict_app, follow_redirects=False) as client:
        yield client


def _password(client: TestClient, username: str = "admin", next_path: str | None = None) -> str:
    data = {"username": username, "password": DEMO_PASSWORD}
    if next_path:
        data["next"] = next_path
    response = client.post("/login", data=data, headers=HTML)
    assert response.status_code == 303, response.text
    assert response.headers["location"] == SECOND_FACTOR_PATH
    return response.headers["set-cookie"]


def _code(client: TestClient, code: str) -> Response:
    return client.post(SECOND_FACTOR_PATH, data={"code": code}, headers=HTML)


def _enrol(client: TestClient, clock: FrozenClock, username: str = "admin") -> pyotp.TOTP:
    """Sign in with the password, set up the app from the page, confirm with its code."""
    _password(client, username)
    page = client.get(SECOND_FACTOR_PATH, headers=HTML)
    found = SECRET_ON_PAGE.search(page.text)
    assert found, "the enrolment page shows no secret"
    app = pyotp.TOTP(found.group(1))
    response = client.post(SECOND_FACTOR_PATH, data={"code": app.at(clock.now())}, headers=HTML)
    assert response.status_code == 303, response.text
    return app


def _sign_out(client: TestClient) -> None:
    assert client.post("/logout", data={"csrf_token": csrf(client)}).status_code == 303
    client.cookies.clear()


def _audit_actions(app: FastAPI) -> list[tuple[str, str, int | None]]:
    with unit_of_work(app.state.session_factory) as session:
        rows = session.execute(
            select(AuditEvent.action, AuditEvent.subject_id, AuditEvent.actor_id)
            .order_by(AuditEvent.seq)
        )
        return [(action, subject, actor) for action, subject, actor in rows]


def test_a_right_password_alone_gives_no_session_where_the_second_factor_is_required(
    strict: TestClient,
) -> None:
    set_cookie = _password(strict)
    assert set_cookie.startswith(f"{CHALLENGE_COOKIE}=")
    assert SESSION_COOKIE not in strict.cookies
    home = strict.get("/", headers=HTML)
    assert home.status_code == 303 and home.headers["location"].startswith("/login")
    assert strict.get("/api/geo/status").status_code == 401


def test_the_challenge_token_is_not_a_session(strict: TestClient, strict_app: FastAPI) -> None:
    _password(strict)
    challenge = strict.cookies[CHALLENGE_COOKIE]
    strict.cookies.clear()
    strict.cookies.set(SESSION_COOKIE, challenge)
    assert strict.get("/", headers=HTML).status_code == 303
    assert strict.get("/api/geo/status").status_code == 401
    with unit_of_work(strict_app.state.session_factory) as session:
        assert session.scalar(select(WebSession)) is None
        assert session.scalar(select(LoginChallenge)) is not None


def test_admin_without_an_app_is_shown_the_secret_a_qr_code_and_an_otpauth_link(
    strict: TestClient,
) -> None:
    _password(strict)
    page = strict.get(SECOND_FACTOR_PATH, headers=HTML)
    assert page.status_code == 200
    secret = SECRET_ON_PAGE.search(page.text)
    assert secret is not None
    grouped = " ".join(re.findall(".{1,4}", secret.group(1)))
    assert grouped in page.text
    assert f"otpauth://totp/Panah:admin?secret={secret.group(1)}" in page.text
    assert '<svg width="' in page.text and 'class="qr"' in page.text
    assert "راه‌اندازی عامل دوم ورود" in page.text
    # Reloading shows the same secret: the app set up from the first view keeps working.
    again = strict.get(SECOND_FACTOR_PATH, headers=HTML)
    assert secret.group(1) in again.text


def test_admin_enrols_then_signs_in_with_the_next_code(
    strict: TestClient, strict_app: FastAPI, clock: FrozenClock
) -> None:
    app = _enrol(strict, clock)
    assert strict.get("/", headers=HTML).status_code == 200
    _sign_out(strict)

    _password(strict)
    page = strict.get(SECOND_FACTOR_PATH, headers=HTML)
    assert SECRET_ON_PAGE.search(page.text) is None, "an enrolled user never sees the secret"
    assert "کد برنامهٔ احرازگر" in page.text
    response = _code(strict, app.at(clock.now() + STEP))
    assert response.status_code == 303
    assert response.headers["location"] == "/"
    assert strict.get("/", headers=HTML).status_code == 200
    actions = [action for action, _, _ in _audit_actions(strict_app)]
    assert actions[-4:] == ["second_factor_enrolled", "login", "logout", "login"]


def test_enrolment_and_sign_in_are_audited_with_the_user_as_subject(
    strict: TestClient, strict_app: FastAPI, clock: FrozenClock
) -> None:
    _enrol(strict, clock)
    with unit_of_work(strict_app.state.session_factory) as session:
        admin = session.scalars(select(User).where(User.username == "admin")).one()
        assert admin.totp_enabled_at is not None
        assert admin.totp_last_step is not None
    events = _audit_actions(strict_app)
    assert ("second_factor_enrolled", str(admin.id), admin.id) in events
    assert events[-1] == ("login", str(admin.id), admin.id)


def test_a_wrong_code_is_refused_in_both_languages_and_gives_no_session(
    strict: TestClient, clock: FrozenClock
) -> None:
    app = _enrol(strict, clock)
    _sign_out(strict)
    _password(strict)
    wrong = "000000" if app.at(clock.now()) != "000000" else "111111"
    response = _code(strict, wrong)
    assert response.status_code == 401
    assert "That code is not right" in response.text
    assert "این کد درست نیست" in response.text
    assert SESSION_COOKIE not in strict.cookies
    # The challenge stays: the right code still works.
    assert _code(strict, app.at(clock.now() + STEP)).status_code == 303


def test_a_code_already_used_cannot_sign_in_again(strict: TestClient, clock: FrozenClock) -> None:
    app = _enrol(strict, clock)  # used the code of now
    _sign_out(strict)
    _password(strict)
    replay = _code(strict, app.at(clock.now()))
    assert replay.status_code == 401
    assert "already used" in replay.text and "پیش‌تر به کار رفته" in replay.text
    assert SESSION_COOKIE not in strict.cookies


def test_a_malformed_code_is_asked_for_again(strict: TestClient, clock: FrozenClock) -> None:
    _enrol(strict, clock)
    _sign_out(strict)
    _password(strict)
    response = _code(strict, "12ab")
    assert response.status_code == 422
    assert "6-digit code" in response.text


def test_a_code_typed_in_persian_digits_is_accepted(strict: TestClient, clock: FrozenClock) -> None:
    app = _enrol(strict, clock)
    _sign_out(strict)
    _password(strict)
    persian = app.at(clock.now() + STEP).translate(str.maketrans("0123456789", "۰۱۲۳۴۵۶۷۸۹"))
    assert _code(strict, persian).status_code == 303


def test_the_second_step_ends_after_five_minutes(strict: TestClient, clock: FrozenClock) -> None:
    app = _enrol(strict, clock)
    _sign_out(strict)
    _password(strict)
    clock.advance(minutes=5)
    response = _code(strict, app.at(clock.now()))
    assert response.status_code == 401
    assert "longer than 5 minutes" in response.text
    assert f'{CHALLENGE_COOKIE}=""' in response.headers["set-cookie"]
    assert SESSION_COOKIE not in strict.cookies


def test_a_used_challenge_cannot_sign_in_twice(strict: TestClient, clock: FrozenClock) -> None:
    app = _enrol(strict, clock)
    _sign_out(strict)
    _password(strict)
    challenge = strict.cookies[CHALLENGE_COOKIE]
    assert _code(strict, app.at(clock.now() + STEP)).status_code == 303
    strict.cookies.clear()
    strict.cookies.set(CHALLENGE_COOKIE, challenge, path="/login")
    clock.advance(seconds=60)
    assert _code(strict, app.at(clock.now())).status_code == 401


def test_the_second_step_without_a_password_first_goes_back_to_sign_in(
    strict: TestClient,
) -> None:
    page = strict.get(SECOND_FACTOR_PATH, headers=HTML)
    assert page.status_code == 401
    assert 'name="password"' in page.text
    assert _code(strict, "123456").status_code == 401


def test_the_code_step_keeps_the_page_asked_for(strict: TestClient, clock: FrozenClock) -> None:
    app = _enrol(strict, clock)
    _sign_out(strict)
    _password(strict, next_path="/map")
    response = _code(strict, app.at(clock.now() + STEP))
    assert response.headers["location"] == "/map"


def test_five_wrong_codes_lock_the_account(strict: TestClient, clock: FrozenClock) -> None:
    app = _enrol(strict, clock)
    _sign_out(strict)
    _password(strict)
    wrong = "000000" if app.at(clock.now()) != "000000" else "111111"
    for _ in range(4):
        assert _code(strict, wrong).status_code == 401
    locked = _code(strict, wrong)
    assert "locked" in locked.text and "قفل" in locked.text
    assert 'name="password"' in locked.text
    again = strict.post(
        "/login", data={"username": "admin", "password": DEMO_PASSWORD}, headers=HTML
    )
    assert again.status_code == 401 and "locked" in again.text


def test_a_role_without_case_data_signs_in_with_the_password_alone(strict: TestClient) -> None:
    response = strict.post("/login", data={"username": "analyst", "password": DEMO_PASSWORD})
    assert response.status_code == 303
    assert response.headers["location"] == "/"
    assert SESSION_COOKIE in strict.cookies


def test_optional_mode_lets_an_unenrolled_counsellor_in_with_the_password(
    client: TestClient,
) -> None:
    response = client.post("/login", data={"username": "counsellor", "password": DEMO_PASSWORD})
    assert response.status_code == 303 and response.headers["location"] == "/"


def test_optional_mode_still_asks_a_user_who_enrolled_for_the_code(
    client: TestClient, clock: FrozenClock
) -> None:
    login(client, "counsellor")
    page = client.get("/account/second-factor", headers=HTML)
    assert page.status_code == 200
    found = SECRET_ON_PAGE.search(page.text)
    assert found
    app = pyotp.TOTP(found.group(1))
    confirmed = client.post(
        "/account/second-factor",
        data={"code": app.at(clock.now()), "csrf_token": csrf(client)},
        headers=HTML,
    )
    assert confirmed.status_code == 303
    enabled = client.get("/account/second-factor", headers=HTML)
    assert found.group(1) not in enabled.text
    assert "برای این حساب برنامهٔ احرازگر راه‌اندازی شده است" in enabled.text
    _sign_out(client)

    _password(client, "counsellor")
    assert _code(client, app.at(clock.now() + STEP)).status_code == 303


def test_voluntary_enrolment_refuses_a_wrong_code(client: TestClient, clock: FrozenClock) -> None:
    login(client, "counsellor")
    page = client.get("/account/second-factor", headers=HTML)
    found = SECRET_ON_PAGE.search(page.text)
    assert found
    wrong = "000000" if pyotp.TOTP(found.group(1)).at(clock.now()) != "000000" else "111111"
    response = client.post(
        "/account/second-factor", data={"code": wrong, "csrf_token": csrf(client)}, headers=HTML
    )
    assert response.status_code == 401
    assert "این کد درست نیست" in response.text
    assert found.group(1) in response.text, "the same secret is offered again"


def test_voluntary_enrolment_needs_the_csrf_token(client: TestClient) -> None:
    login(client, "counsellor")
    response = client.post("/account/second-factor", data={"code": "123456"})
    assert response.status_code == 403
