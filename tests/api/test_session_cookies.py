"""The session and sign-in cookies: HttpOnly, SameSite=lax, Secure when configured."""

from __future__ import annotations

from collections.abc import Iterator
from http.cookies import SimpleCookie

import pytest
from fastapi.testclient import TestClient
from httpx2 import Response

from panah.config import SecondFactor, Settings
from panah.core.clock import FrozenClock
from panah.web.deps import SESSION_COOKIE
from panah.web.routes.auth import CHALLENGE_COOKIE
from tests.conftest import DEMO_PASSWORD

FLAGS = ("httponly", "samesite", "secure", "path", "max-age")


def _cookie(response: Response, name: str) -> dict[str, str | bool]:
    """The flags of cookie ``name`` among the response's Set-Cookie headers."""
    for header in response.headers.get_list("set-cookie"):
        jar: SimpleCookie = SimpleCookie()
        jar.load(header)
        if name in jar:
            return {key: jar[name][key] for key in FLAGS}
    raise AssertionError(f"no {name} cookie set")


@pytest.fixture
def https_client(settings: Settings, clock: FrozenClock) -> Iterator[TestClient]:
    from panah.main import create_app

    app = create_app(
        settings.model_copy(
            update={"secure_cookies": True, "second_factor": SecondFactor.required}
        ),
        clock=clock,
    )
    with TestClient(app, base_url="https://testserver", follow_redirects=False) as client:
        yield client
    app.state.engine.dispose()


def test_the_session_cookie_is_http_only_and_same_site_lax(client: TestClient) -> None:
    response = client.post("/login", data={"username": "counsellor", "password": DEMO_PASSWORD})
    flags = _cookie(response, SESSION_COOKIE)
    assert flags["httponly"] is True
    assert str(flags["samesite"]).lower() == "lax"
    assert flags["path"] == "/"
    assert not flags["secure"]
    assert flags["max-age"] == str(12 * 3600)


def test_with_secure_cookies_the_session_cookie_is_secure(https_client: TestClient) -> None:
    response = https_client.post(
        "/login", data={"username": "analyst", "password": DEMO_PASSWORD}
    )
    flags = _cookie(response, SESSION_COOKIE)
    assert flags["secure"] is True and flags["httponly"] is True
    assert str(flags["samesite"]).lower() == "lax"


def test_the_second_step_cookie_lives_five_minutes_on_the_login_path_only(
    https_client: TestClient,
) -> None:
    response = https_client.post("/login", data={"username": "admin", "password": DEMO_PASSWORD})
    flags = _cookie(response, CHALLENGE_COOKIE)
    assert flags == {
        "httponly": True, "samesite": "lax", "secure": True, "path": "/login", "max-age": "300",
    }


def test_signing_out_removes_the_cookie_with_the_same_flags(client: TestClient) -> None:
    from tests.conftest import csrf, login

    login(client, "counsellor")
    response = client.post("/logout", data={"csrf_token": csrf(client)})
    flags = _cookie(response, SESSION_COOKIE)
    assert flags["max-age"] == "0"
    assert flags["httponly"] is True and str(flags["samesite"]).lower() == "lax"
