"""Signing in and out, and choosing the language of the pages."""

from __future__ import annotations

import secrets
from typing import Annotated
from urllib.parse import parse_qsl, urlencode, urlsplit

from fastapi import APIRouter, Depends, Form, Query, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from panah.core.db import unit_of_work
from panah.core.errors import Forbidden, InvalidInput, NotAuthenticated
from panah.security.roles import Permission
from panah.security.sessions import authenticate, end_session, start_session
from panah.web.deps import SESSION_COOKIE, get_clock, get_settings, require
from panah.web.i18n import LANG_COOKIE, LANGUAGES

router = APIRouter(tags=["auth"])
PUBLIC = [Depends(require(Permission.public))]
YEAR = 365 * 24 * 3600


def safe_next(target: str | None) -> str:
    """``target`` if it is a path on this site, else ``/``: no open redirects."""
    if not target or not target.startswith("/") or target.startswith(("//", "/\\")):
        return "/"
    if any(ch in target for ch in "\\\r\n\t") or ":" in target.split("?", 1)[0]:
        return "/"
    return target


def _referring_path(request: Request) -> str | None:
    """The path of the page that linked here, if it is on this site."""
    referer = urlsplit(request.headers.get("referer", ""))
    if referer.netloc != request.url.netloc or not referer.path:
        return None
    return referer.path + (f"?{referer.query}" if referer.query else "")


def _without_lang(path: str) -> str:
    """Drop a ``lang=`` query parameter, which would override the cookie just set."""
    parts = urlsplit(path)
    query = urlencode([(k, v) for k, v in parse_qsl(parts.query) if k != "lang"])
    return parts.path + (f"?{query}" if query else "")


def _login_page(
    request: Request, *, next_path: str, username: str = "", error: NotAuthenticated | None = None
) -> Response:
    return request.app.state.templates.TemplateResponse(  # type: ignore[no-any-return]
        request,
        "login.html",
        {"next": next_path, "username": username, "error": error},
        status_code=401 if error else 200,
    )


@router.get("/login", response_class=HTMLResponse, dependencies=PUBLIC)
def login_form(request: Request, next: Annotated[str | None, Query()] = None) -> Response:
    """The sign-in form."""
    return _login_page(request, next_path=safe_next(next))


@router.post("/login", response_class=HTMLResponse, dependencies=PUBLIC)
def login(
    request: Request,
    username: Annotated[str, Form(max_length=80)],
    password: Annotated[str, Form(max_length=200)],
    next: Annotated[str | None, Form()] = None,
) -> Response:
    """Check the password, store a server-side session and set its cookie."""
    settings = get_settings(request)
    # Committed before the redirect leaves, so the browser's next request finds the session.
    try:
        with unit_of_work(request.app.state.session_factory) as session:
            user = authenticate(session, username=username, password=password)
            token = start_session(
                session, user=user, now=get_clock(request).now(), hours=settings.session_hours
            )
    except NotAuthenticated as error:
        return _login_page(request, next_path=safe_next(next), username=username, error=error)
    response = RedirectResponse(safe_next(next), status_code=303)
    response.set_cookie(
        SESSION_COOKIE,
        token,
        max_age=int(settings.session_hours * 3600),
        httponly=True,
        samesite="lax",
        secure=settings.secure_cookies,
        path="/",
    )
    return response


@router.post("/logout", dependencies=[Depends(require(Permission.authenticated))])
def logout(request: Request, csrf_token: Annotated[str, Form(max_length=100)] = "") -> Response:
    """End the server-side session; the form must carry the session's CSRF token."""
    expected = getattr(request.state, "csrf_token", None) or ""
    # Bytes, because compare_digest refuses non-ASCII text (a forged token may be anything).
    if not expected or not secrets.compare_digest(csrf_token.encode(), expected.encode()):
        raise Forbidden(
            "This sign-out form is stale or forged. Reload the page and sign out again.",
            "این فرم خروج کهنه یا جعلی است. صفحه را دوباره بارگذاری کنید و باز خارج شوید.",
        )
    with unit_of_work(request.app.state.session_factory) as session:
        end_session(session, token=request.cookies[SESSION_COOKIE])
    response = RedirectResponse("/login", status_code=303)
    response.delete_cookie(
        SESSION_COOKIE, path="/", httponly=True, samesite="lax",
        secure=get_settings(request).secure_cookies,
    )
    return response


@router.get("/lang/{code}", dependencies=PUBLIC)
def choose_language(
    request: Request, code: str, next: Annotated[str | None, Query()] = None
) -> Response:
    """Remember the language in a cookie and go back to the page the visitor was on."""
    if code not in LANGUAGES:
        raise InvalidInput(
            f"Unknown language {code!r}: choose 'fa' (Persian) or 'en' (English).",
            f"زبان ناشناخته {code!r}: «fa» (فارسی) یا «en» (انگلیسی) را برگزینید.",
            language=code,
        )
    target = _without_lang(safe_next(next or _referring_path(request)))
    response = RedirectResponse(target, status_code=303)
    response.set_cookie(
        LANG_COOKIE, code, max_age=YEAR, samesite="lax",
        secure=get_settings(request).secure_cookies, path="/",
    )
    return response
