"""Signing in (password, then a TOTP code where needed) and out, and the page language.

The second step has its own short-lived cookie (``panah_login``) naming a pending
challenge, never a session: until the code is right, no session exists on the server.
Both steps are public routes, so the session CSRF check does not apply to them; their
cookies are ``SameSite=lax``, which a cross-site form post does not carry.
"""

from __future__ import annotations

import math
from datetime import datetime
from typing import Annotated
from urllib.parse import parse_qsl, urlencode, urlsplit

import segno
from fastapi import APIRouter, Depends, Form, Query, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from markupsafe import Markup

from panah.config import SecondFactor, Settings
from panah.core.errors import InvalidInput, NotAuthenticated, PanahError
from panah.security import account
from panah.security.account import AccountSecondFactor, Enrolment, SecondFactorPrompt
from panah.security.policy import Actor
from panah.security.roles import Permission
from panah.security.sessions import (
    CHALLENGE_MINUTES,
    Attempt,
    Outcome,
    SignIn,
    normalise_username,
    sign_in_with_password,
)
from panah.security.throttle import LIMITS, AccountLocked, TooManyAttempts
from panah.web.deps import SESSION_COOKIE, Uow, get_settings, require
from panah.web.i18n import (
    LANG_COOKIE,
    LANGUAGES,
    format_datetime,
    latin_digits,
    persian_digits,
)

router = APIRouter(tags=["auth"])
PUBLIC = [Depends(require(Permission.public))]
YEAR = 365 * 24 * 3600
CHALLENGE_COOKIE = "panah_login"
CHALLENGE_PATH = "/login"  # the cookie goes to /login/second-factor and nowhere else useful
SECOND_FACTOR_PATH = "/login/second-factor"
ACCOUNT_PATH = "/account/second-factor"
LOGOUT_STALE = (
    "This sign-out form is stale or forged. Reload the page and sign out again.",
    "این فرم خروج کهنه یا جعلی است. صفحه را دوباره بارگذاری کنید و باز خارج شوید.",
)
CodeField = Annotated[str, Form(max_length=20)]


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


def _client_address(request: Request) -> str:
    return request.client.host if request.client else "unknown"


def _render(request: Request, name: str, context: dict[str, object], status: int) -> Response:
    return request.app.state.templates.TemplateResponse(  # type: ignore[no-any-return]
        request, name, context, status_code=status
    )


def _login_page(
    request: Request,
    *,
    next_path: str,
    username: str = "",
    error: PanahError | None = None,
    status: int | None = None,
) -> Response:
    context: dict[str, object] = {"next": next_path, "username": username, "error": error}
    return _render(request, "login.html", context, status or (401 if error else 200))


# ---- cookies ----------------------------------------------------------------------------


def _set_session_cookie(response: Response, token: str, settings: Settings) -> None:
    response.set_cookie(
        SESSION_COOKIE, token, max_age=int(settings.session_hours * 3600), httponly=True,
        samesite="lax", secure=settings.secure_cookies, path="/",
    )


def _set_challenge_cookie(response: Response, token: str, settings: Settings) -> None:
    response.set_cookie(
        CHALLENGE_COOKIE, token, max_age=CHALLENGE_MINUTES * 60, httponly=True,
        samesite="lax", secure=settings.secure_cookies, path=CHALLENGE_PATH,
    )


def _drop_challenge_cookie(response: Response, settings: Settings) -> None:
    response.delete_cookie(
        CHALLENGE_COOKIE, path=CHALLENGE_PATH, httponly=True, samesite="lax",
        secure=settings.secure_cookies,
    )


# ---- answers to a sign-in attempt -------------------------------------------------------


def _locked_error(until: datetime) -> AccountLocked:
    return AccountLocked(
        f"This account is locked after {LIMITS.account_failures} failed sign-ins. Try again "
        f"after {format_datetime(until, 'en')} (Tehran time), or ask an administrator.",
        f"این حساب پس از {persian_digits(LIMITS.account_failures)} ورود ناموفق قفل شد. پس از "
        f"{format_datetime(until, 'fa')} (به وقت تهران) دوباره تلاش کنید، یا از مدیر سامانه "
        "بخواهید.",
        locked_until=until.isoformat(),
    )


def _throttled_error(seconds: int) -> TooManyAttempts:
    minutes = max(1, math.ceil(seconds / 60))
    return TooManyAttempts(
        f"Too many failed sign-ins from this network. Wait {minutes} minutes and try again.",
        f"ورودهای ناموفق از این شبکه بیش از حد است. {persian_digits(minutes)} دقیقه صبر کنید "
        "و دوباره تلاش کنید.",
        retry_after=seconds,
    )


def _refusal_page(request: Request, result: SignIn, *, next_path: str, username: str) -> Response:
    """The login page for a locked account or a throttled address (else ``result.error``)."""
    if result.outcome is Outcome.throttled and result.retry_after is not None:
        response = _login_page(
            request, next_path=next_path, username=username,
            error=_throttled_error(result.retry_after), status=429,
        )
        response.headers["Retry-After"] = str(result.retry_after)
        return response
    if result.outcome is Outcome.locked and result.locked_until is not None:
        error: PanahError | None = _locked_error(result.locked_until)
    else:
        error = result.error
    return _login_page(request, next_path=next_path, username=username, error=error)


def _signed_in(request: Request, result: SignIn) -> Response:
    response = RedirectResponse(safe_next(result.next_path), status_code=303)
    assert result.token is not None  # noqa: S101 - a signed_in outcome always has a token
    _set_session_cookie(response, result.token, get_settings(request))
    _drop_challenge_cookie(response, get_settings(request))
    return response


# ---- step one: the password ---------------------------------------------------------------


@router.get("/login", response_class=HTMLResponse, dependencies=PUBLIC)
def login_form(request: Request, next: Annotated[str | None, Query()] = None) -> Response:
    """The sign-in form."""
    return _login_page(request, next_path=safe_next(next))


@router.post("/login", response_class=HTMLResponse, dependencies=PUBLIC)
def login(
    request: Request,
    uow: Uow,
    username: Annotated[str, Form(max_length=80)],
    password: Annotated[str, Form(max_length=200)],
    next: Annotated[str | None, Form()] = None,
) -> Response:
    """Check the throttle and the password; then a session, or the second-factor step."""
    settings = get_settings(request)
    next_path = safe_next(next)
    attempt = Attempt(
        username=normalise_username(username),
        address=_client_address(request),
        now=uow.now,
    )
    # Committed before the answer leaves: the session, the challenge or the failure.
    result = sign_in_with_password(
        uow.session, attempt=attempt, password=password, next_path=next_path,
        second_factor_required=settings.second_factor is SecondFactor.required,
        hours=settings.session_hours,
    )
    if result.outcome is Outcome.signed_in:
        return _signed_in(request, result)
    if result.outcome is Outcome.second_factor and result.token is not None:
        response = RedirectResponse(SECOND_FACTOR_PATH, status_code=303)
        _set_challenge_cookie(response, result.token, settings)
        return response
    return _refusal_page(request, result, next_path=next_path, username=username)


# ---- step two: the code -------------------------------------------------------------------


def qr_svg(uri: str) -> Markup:
    """The URI as an inline SVG QR code (no request leaves the page, no image file)."""
    svg = segno.make(uri, error="m").svg_inline(scale=4, border=2, light="#fff", svgclass="qr")
    return Markup(svg)  # noqa: S704 - segno's own output: paths only, no text from the user


def enrolment_context(enrolment: Enrolment) -> dict[str, object]:
    return {"secret": enrolment.secret, "secret_groups": enrolment.secret_groups,
            "uri": enrolment.uri, "qr": qr_svg(enrolment.uri)}


def _second_factor_page(
    request: Request, prompt: SecondFactorPrompt, *, error: PanahError | None = None
) -> Response:
    context: dict[str, object] = {"error": error, "action": SECOND_FACTOR_PATH}
    if prompt.enrolment is not None:
        context |= {"mode": "enrol", **enrolment_context(prompt.enrolment)}
    else:
        context["mode"] = "code"
    status = 200 if error is None else 422 if isinstance(error, InvalidInput) else 401
    return _render(request, "second_factor.html", context, status)


def _challenge_ended(request: Request, error: NotAuthenticated) -> Response:
    response = _login_page(request, next_path="/", error=error)
    _drop_challenge_cookie(response, get_settings(request))
    return response


@router.get(SECOND_FACTOR_PATH, response_class=HTMLResponse, dependencies=PUBLIC)
def second_factor_form(request: Request, uow: Uow) -> Response:
    """Set up an authenticator app (first time), or type its code."""
    token = request.cookies.get(CHALLENGE_COOKIE, "")
    try:
        prompt = account.second_factor_prompt(uow.session, token=token, now=uow.now)
    except NotAuthenticated as error:
        return _challenge_ended(request, error)
    return _second_factor_page(request, prompt)


@router.post(SECOND_FACTOR_PATH, response_class=HTMLResponse, dependencies=PUBLIC)
def second_factor(request: Request, uow: Uow, code: CodeField) -> Response:
    """Check the code; a right one that was not used before starts the session."""
    settings = get_settings(request)
    token = request.cookies.get(CHALLENGE_COOKIE, "")
    try:
        answer = account.answer_code(
            uow.session, challenge_token=token, code=latin_digits(code),
            address=_client_address(request), now=uow.now, hours=settings.session_hours,
        )
    except NotAuthenticated as error:
        return _challenge_ended(request, error)
    result = answer.sign_in
    if result.outcome is Outcome.signed_in:
        return _signed_in(request, result)
    if answer.prompt is not None:  # refused: the code again, saying why
        return _second_factor_page(request, answer.prompt, error=result.error)
    response = _refusal_page(request, result, next_path="/", username="")
    _drop_challenge_cookie(response, settings)
    return response


# ---- signing out --------------------------------------------------------------------------


@router.post("/logout")
def logout(
    request: Request,
    actor: Annotated[
        Actor, Depends(require(Permission.authenticated, stale_form=LOGOUT_STALE))
    ],
    uow: Uow,
) -> Response:
    """End the server-side session (``require`` has checked the form's CSRF token)."""
    token = request.cookies.get(SESSION_COOKIE)
    if token and getattr(request.state, "api_key", None) is None:
        account.sign_out(uow.session, actor=actor, token=token, now=uow.now)
    response = RedirectResponse("/login", status_code=303)
    response.delete_cookie(
        SESSION_COOKIE, path="/", httponly=True, samesite="lax",
        secure=get_settings(request).secure_cookies,
    )
    # The field app's cached pages hold an assignment; its unsent changes (IndexedDB,
    # "storage") stay, so a crew signing out offline loses nothing it has not sent.
    response.headers["Clear-Site-Data"] = '"cache"'
    return response


# ---- a signed-in user's own second factor -------------------------------------------------

Authenticated = Annotated[Actor, Depends(require(Permission.authenticated))]


def _account_page(
    request: Request, factor: AccountSecondFactor, *, error: PanahError | None = None
) -> Response:
    # "user": the template asks it since when the app is on (``totp_enabled_at``).
    context: dict[str, object] = {"user": factor, "error": error, "action": ACCOUNT_PATH}
    if factor.enrolment is not None:
        context |= enrolment_context(factor.enrolment)
    status = 200 if error is None else 422 if isinstance(error, InvalidInput) else 401
    return _render(request, "account/second_factor.html", context, status)


@router.get(ACCOUNT_PATH, response_class=HTMLResponse)
def account_second_factor(request: Request, actor: Authenticated, uow: Uow) -> Response:
    """Whether this account has an authenticator app, and how to set one up."""
    return _account_page(request, account.account_second_factor(uow.session, actor=actor))


@router.post(ACCOUNT_PATH, response_class=HTMLResponse)
def enrol_second_factor(
    request: Request, actor: Authenticated, uow: Uow, code: CodeField
) -> Response:
    """Confirm a new authenticator app with its first code."""
    answer = account.enrol_second_factor(
        uow.session, actor=actor, code=latin_digits(code), now=uow.now
    )
    if answer.account is not None:  # refused: the page again, saying why
        return _account_page(request, answer.account, error=answer.error)
    return RedirectResponse(ACCOUNT_PATH, status_code=303)


# ---- language -----------------------------------------------------------------------------


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
