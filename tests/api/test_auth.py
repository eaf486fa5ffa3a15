"""Signing in and out through the real forms; sessions end on logout and on expiry."""

from __future__ import annotations

import re

from fastapi.testclient import TestClient

from panah.config import Settings
from panah.core.clock import FrozenClock
from panah.web.deps import SESSION_COOKIE
from panah.web.routes.auth import safe_next
from tests.conftest import login

HTML = {"Accept": "text/html"}


def _csrf(client: TestClient) -> str:
    page = client.get("/", headers=HTML)
    assert page.status_code == 200
    found = re.search(r'name="csrf_token" value="([^"]+)"', page.text)
    assert found, "the page has no logout form with a CSRF token"
    return found.group(1)


def test_login_form_is_public_and_persian_first(client: TestClient) -> None:
    page = client.get("/login", headers=HTML)
    assert page.status_code == 200
    assert 'dir="rtl"' in page.text
    assert "ورود به پناه" in page.text
    assert 'name="username"' in page.text and 'name="password"' in page.text


def test_counsellor_signs_in_and_gets_a_safe_session_cookie(client: TestClient) -> None:
    response = client.post("/login", data={"username": "counsellor", "password": "panah-demo"})
    assert response.status_code == 303
    assert response.headers["location"] == "/"
    cookie = response.headers["set-cookie"]
    assert cookie.startswith(f"{SESSION_COOKIE}=")
    assert "HttpOnly" in cookie
    assert "SameSite=lax" in cookie or "samesite=lax" in cookie.lower()
    assert "Secure" not in cookie
    assert client.get("/", headers=HTML).status_code == 200


def test_secure_cookies_setting_marks_the_cookie_secure(
    settings: Settings, clock: FrozenClock
) -> None:
    from panah.main import create_app

    app = create_app(settings.model_copy(update={"secure_cookies": True}), clock=clock)
    with TestClient(app, base_url="https://testserver", follow_redirects=False) as client:
        response = client.post("/login", data={"username": "admin", "password": "panah-demo"})
    app.state.engine.dispose()
    assert response.status_code == 303
    assert "Secure" in response.headers["set-cookie"]


def test_login_goes_back_to_the_local_page_asked_for(client: TestClient) -> None:
    response = client.post(
        "/login", data={"username": "dispatcher", "password": "panah-demo", "next": "/map"}
    )
    assert response.headers["location"] == "/map"


def test_login_never_redirects_off_site(client: TestClient) -> None:
    for target in ("https://evil.example/", "//evil.example/x", "/\\evil.example", "javascript:x"):
        response = client.post(
            "/login", data={"username": "dispatcher", "password": "panah-demo", "next": target}
        )
        assert response.headers["location"] == "/", target
        client.cookies.clear()


def test_safe_next_keeps_local_paths_and_queries() -> None:
    assert safe_next("/map?province=IR-01") == "/map?province=IR-01"
    assert safe_next(None) == "/"
    assert safe_next("map") == "/"
    assert safe_next("/x\r\nSet-Cookie: a=b") == "/"


def test_wrong_password_re_renders_the_form_in_both_languages(client: TestClient) -> None:
    response = client.post(
        "/login", data={"username": "counsellor", "password": "wrong"}, headers=HTML
    )
    assert response.status_code == 401
    assert "نام کاربری یا گذرواژه نادرست است" in response.text
    assert "Wrong username or password" in response.text
    assert 'value="counsellor"' in response.text
    assert SESSION_COOKIE not in response.headers.get("set-cookie", "")


def test_unknown_user_gets_the_same_answer_as_a_wrong_password(client: TestClient) -> None:
    response = client.post("/login", data={"username": "nobody", "password": "panah-demo"})
    assert response.status_code == 401
    assert "Wrong username or password" in response.text


def test_logout_without_the_csrf_token_is_refused_and_keeps_the_session(
    client: TestClient,
) -> None:
    login(client, "counsellor")
    response = client.post("/logout", data={}, headers=HTML)
    assert response.status_code == 403
    assert "فرم خروج" in response.text
    forged = client.post("/logout", data={"csrf_token": "forged"})
    assert forged.status_code == 403
    assert forged.json()["error"] == "forbidden"
    assert client.post("/logout", data={"csrf_token": "جعلی"}).status_code == 403
    assert client.get("/", headers=HTML).status_code == 200


def test_logout_ends_the_session_on_the_server(client: TestClient) -> None:
    login(client, "counsellor")
    token = client.cookies[SESSION_COOKIE]
    response = client.post("/logout", data={"csrf_token": _csrf(client)})
    assert response.status_code == 303
    assert response.headers["location"] == "/login"
    # Replaying the old cookie must not work: the session is gone, not just the cookie.
    client.cookies.set(SESSION_COOKIE, token)
    again = client.get("/", headers=HTML)
    assert again.status_code == 303
    assert again.headers["location"].startswith("/login")


def test_logout_needs_a_session(client: TestClient) -> None:
    assert client.post("/logout", data={"csrf_token": "x"}).status_code == 401


def test_expired_session_sends_the_browser_to_login(
    client: TestClient, clock: FrozenClock, settings: Settings
) -> None:
    login(client, "counsellor")
    clock.advance(hours=settings.session_hours - 0.1)
    assert client.get("/", headers=HTML).status_code == 200
    clock.advance(hours=0.2)
    response = client.get("/", headers=HTML)
    assert response.status_code == 303
    assert response.headers["location"] == "/login?next=/"
    assert client.get("/", headers={"Accept": "application/json"}).status_code == 401


def test_language_switch_sets_a_cookie_and_goes_back(client: TestClient) -> None:
    response = client.get("/lang/en?next=/login")
    assert response.status_code == 303
    assert response.headers["location"] == "/login"
    assert "panah_lang=en" in response.headers["set-cookie"]
    page = client.get("/login", headers=HTML)
    assert '<html lang="en" dir="ltr">' in page.text
    assert "Sign in to Panah" in page.text


def test_language_switch_goes_back_to_the_referring_page_without_its_lang(
    client: TestClient,
) -> None:
    response = client.get(
        "/lang/fa", headers={"Referer": "http://testserver/login?lang=en&next=/map"}
    )
    assert response.headers["location"] == "/login?next=%2Fmap"


def test_unknown_language_is_refused(client: TestClient) -> None:
    response = client.get("/lang/de")
    assert response.status_code == 422
    assert response.json()["error"] == "invalid_input"
