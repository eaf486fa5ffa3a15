"""FastAPI dependencies: the request's unit of work, the signed-in actor and permissions.

**One transaction idiom.** A route that reads or changes data takes ``uow: Uow``: one unit
of work per request, with the time the request runs at (``uow.now``), committed when the
route function returns and before the answer is sent (so a failed COMMIT is a 500, never a
2xx for work that was lost), rolled back if it raises. A route hands ``uow.session`` and
``uow.now`` to one domain function and renders or serialises what it returns. What must
happen after the commit (a push to open pages) is a background task, which runs after
the answer. Sockets, which outlive a request, run each step in :func:`in_work`. The
access dependencies of ``panah.web.access`` keep their own short transaction: an access
is on the audit chain before any data leaves, and a refusal stays on it although the
request fails.

Every route declares the permission it needs with ``Depends(require(Permission.x))``.
``tests/api/test_route_permissions.py`` walks the app's routes and fails for any route
that declares none, so the rule holds for routes added by later issues too.

Two ways to be an actor: a browser session (cookie) or a partner agency's API key
(``Authorization: Bearer pnh_…`` or ``X-API-Key``). Requests that change something with a
session cookie must carry the session's CSRF token; requests with a key carry no cookies,
so a forged cross-site request cannot borrow them, and need none.
"""

from __future__ import annotations

import asyncio
import secrets
from collections.abc import Awaitable, Callable, Iterator
from dataclasses import dataclass
from datetime import datetime
from typing import Annotated, Any, TypeVar

from fastapi import Depends, FastAPI, Request
from sqlalchemy.orm import Session
from starlette.concurrency import run_in_threadpool

from panah.config import Settings
from panah.core.clock import Clock
from panah.core.db import unit_of_work
from panah.core.errors import Forbidden, NotAuthenticated
from panah.intake.routing.context import ContextCache, RoutingContext
from panah.security.apikeys import KeyHints, resolve_key
from panah.security.policy import Actor, is_allowed
from panah.security.roles import Permission
from panah.security.sessions import resolve_session

SESSION_COOKIE = "panah_session"
PERMISSION_ATTRIBUTE = "panah_permission"
CSRF_HEADER = "X-CSRF-Token"
CSRF_FIELD = "csrf_token"
API_KEY_HEADER = "X-API-Key"
UNSAFE_METHODS = frozenset({"POST", "PUT", "PATCH", "DELETE"})
# What an API key may reach: the partner agencies' API (whoami included) and the
# integrations' webhooks. Everything else (pages, staff APIs, public pages) is for people.
KEY_PERMISSIONS = frozenset({Permission.partner_api, Permission.ingest_events})
KEY_OUT_OF_REACH = (
    "An API key works only on the partner agencies' and integrations' APIs. Pages and "
    "staff APIs need a person's own sign-in: sign in with your username and password.",
    "کلید API فقط برای رابط‌های برنامه‌نویسی نهادهای همکار و سامانه‌های متصل است. صفحه‌ها "
    "و رابط‌های کارکنان ورود خود فرد را می‌خواهند: با نام کاربری و گذرواژه وارد شوید.",
)
STALE_FORM = (
    "This form is stale or forged: its security token does not match your session. "
    "Reload the page and send it again.",
    "این فرم کهنه یا جعلی است: نشانهٔ امنیتی آن با نشست شما نمی‌خواند. صفحه را دوباره "
    "بارگذاری کنید و دوباره بفرستید.",
)


def get_settings(request: Request) -> Settings:
    settings: Settings = request.app.state.settings
    return settings


def get_clock(request: Request) -> Clock:
    clock: Clock = request.app.state.clock
    return clock


@dataclass(frozen=True, slots=True)
class Work:
    """A request's unit of work and the time it runs at (the app's clock, read once)."""

    session: Session
    now: datetime


def get_work(request: Request) -> Iterator[Work]:
    """One unit of work per request: committed when the route returns, else rolled back."""
    with unit_of_work(request.app.state.session_factory) as session:
        yield Work(session, get_clock(request).now())


# scope="function": the COMMIT runs when the route function returns, before the answer.
Uow = Annotated[Work, Depends(get_work, scope="function")]
T = TypeVar("T")


def get_routing(request: Request) -> RoutingContext:
    """The routing inputs (boundaries, coverage, lines), kept by the process and rebuilt
    when new boundaries are imported or a line changes (see ``ContextCache``).

    Checked in a short transaction of its own (at most once a second), never in the
    request's: a dependency that began the request's transaction before an access
    dependency ran would hold SQLite's write lock while that one waits for it."""
    cache: ContextCache = request.app.state.intake_context
    fresh = cache.current()
    if fresh is not None:
        return fresh
    with unit_of_work(request.app.state.session_factory) as session:
        return cache.get(session)


Routing = Annotated[RoutingContext, Depends(get_routing)]


async def in_work(app: FastAPI, step: Callable[[Work], T]) -> T:
    """``step`` in a unit of work of its own, in a thread; its result once committed. For
    sockets, which outlive a request and act once per message."""

    def run() -> T:
        with unit_of_work(app.state.session_factory) as session:
            return step(Work(session, app.state.clock.now()))

    return await asyncio.to_thread(run)


def presented_api_key(request: Request) -> str | None:
    """The key in ``Authorization: Bearer …`` or ``X-API-Key``, if the request has one."""
    scheme, _, value = request.headers.get("authorization", "").partition(" ")
    if scheme.lower() == "bearer":
        return value.strip()
    key = request.headers.get(API_KEY_HEADER)
    return key.strip() if key is not None else None


def current_actor(request: Request) -> Actor | None:
    """The actor of this request, resolved once per request in its own short transaction.

    A key that is presented must be valid (401 otherwise), even where a cookie would do.
    """
    if hasattr(request.state, "actor"):
        actor: Actor | None = request.state.actor
        return actor
    request.state.actor = None
    request.state.csrf_token = None
    request.state.api_key = None
    key_text = presented_api_key(request)
    if key_text is not None:
        with request.app.state.engine.begin() as conn:
            actor, key_id = resolve_key(conn, text=key_text, now=get_clock(request).now())
        request.state.api_key = key_id
        request.state.actor = actor
        return actor
    token = request.cookies.get(SESSION_COOKIE)
    if token:
        with unit_of_work(request.app.state.session_factory) as session:
            try:
                actor, row = resolve_session(session, token=token, now=get_clock(request).now())
                request.state.csrf_token = row.csrf_token
                request.state.actor = actor
            except NotAuthenticated:
                pass
    actor = request.state.actor
    return actor


async def ingest_actor(request: Request) -> Actor | None:
    """As :func:`current_actor`, but a key verified lately is taken from the process's
    hints without a transaction of its own (or a thread: this runs on the event loop).
    Only for webhooks whose events go through the intake writer, which checks the key
    again where it stores the event."""
    key_text = presented_api_key(request)
    if key_text is None or hasattr(request.state, "actor"):
        return await run_in_threadpool(current_actor, request)
    hints: KeyHints = request.app.state.key_hints
    now = get_clock(request).now()
    hint = hints.get(key_text, now)
    if hint is None:
        actor = await run_in_threadpool(current_actor, request)
        if actor is not None:
            hints.put(key_text, actor, request.state.api_key, now)
        return actor
    request.state.actor, request.state.api_key = hint
    request.state.csrf_token = None
    return hint[0]


async def check_csrf(request: Request, stale: tuple[str, str] = STALE_FORM) -> None:
    """A change made with a session cookie must echo the session's CSRF token.

    From ``X-CSRF-Token`` (HTMX and scripts, see static/js/csrf.js) or the form field
    ``csrf_token`` (plain forms). Compared as bytes: ``compare_digest`` refuses non-ASCII
    text, and a forged token may be anything.
    """
    expected = getattr(request.state, "csrf_token", None) or ""
    sent = request.headers.get(CSRF_HEADER)
    if sent is None:
        form = await request.form()
        field = form.get(CSRF_FIELD)
        sent = field if isinstance(field, str) else ""
    if not expected or not secrets.compare_digest(sent.encode(), expected.encode()):
        raise Forbidden(*stale, reason="csrf")


def require(
    permission: Permission, *, stale_form: tuple[str, str] = STALE_FORM,
    actor_of: Callable[[Request], Actor | Awaitable[Actor | None] | None] = current_actor,
) -> Callable[..., Awaitable[Actor | None]]:
    """A dependency that lets the request through only if the policy allows ``permission``.

    For a change (POST, PUT, PATCH, DELETE) by a session it also checks the CSRF token;
    ``stale_form`` is what to say, in English and Persian, when the token does not match.
    """

    async def dependency(
        # A default, not Annotated: this module's annotations are strings, looked up among
        # its globals, where ``actor_of`` (a parameter of require) is not.
        request: Request, actor: Actor | None = Depends(actor_of)  # noqa: B008
    ) -> Actor | None:
        if getattr(request.state, "api_key", None) is not None and (
                permission not in KEY_PERMISSIONS):
            raise Forbidden(*KEY_OUT_OF_REACH, reason="api_key_out_of_reach")
        if not is_allowed(actor, permission):
            if actor is None:
                raise NotAuthenticated(
                    "Sign in to see this page.", "برای دیدن این صفحه وارد شوید."
                )
            raise Forbidden(
                "Your role does not allow this. Ask your supervisor if you need it.",
                "نقش شما اجازهٔ این کار را نمی‌دهد. اگر لازم دارید از سرپرست خود بخواهید.",
                permission=permission.value,
            )
        by_session = actor is not None and request.state.api_key is None
        if by_session and permission is not Permission.public and (
            request.method in UNSAFE_METHODS
        ):
            await check_csrf(request, stale_form)
        return actor

    setattr(dependency, PERMISSION_ATTRIBUTE, permission)
    dependency.__name__ = f"require_{permission.value}"
    return dependency


def declared_permission(route: Any) -> Permission | None:
    """The permission a route declared, looking through its dependency tree."""
    stack = list(route.dependant.dependencies)
    while stack:
        dep = stack.pop()
        permission = getattr(dep.call, PERMISSION_ATTRIBUTE, None)
        if permission is not None:
            return permission  # type: ignore[no-any-return]
        stack.extend(dep.dependencies)
    return None
