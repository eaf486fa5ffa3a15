"""FastAPI dependencies: the database session, the signed-in actor and permissions.

Every route declares the permission it needs with ``Depends(require(Permission.x))``.
``tests/api/test_route_permissions.py`` walks the app's routes and fails for any route
that declares none, so the rule holds for routes added by later issues too.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Annotated, Any

from fastapi import Depends, Request
from sqlalchemy.orm import Session

from panah.config import Settings
from panah.core.clock import Clock
from panah.core.db import unit_of_work
from panah.core.errors import Forbidden, NotAuthenticated
from panah.security.policy import Actor, is_allowed
from panah.security.roles import Permission
from panah.security.sessions import resolve_session

SESSION_COOKIE = "panah_session"
PERMISSION_ATTRIBUTE = "panah_permission"


def get_settings(request: Request) -> Settings:
    settings: Settings = request.app.state.settings
    return settings


def get_clock(request: Request) -> Clock:
    clock: Clock = request.app.state.clock
    return clock


def get_db(request: Request) -> Iterator[Session]:
    """One unit of work per request: committed when the route returns, else rolled back."""
    with unit_of_work(request.app.state.session_factory) as session:
        yield session


DbSession = Annotated[Session, Depends(get_db)]


def current_actor(request: Request) -> Actor | None:
    """The signed-in actor, resolved once per request in its own short transaction."""
    if hasattr(request.state, "actor"):
        actor: Actor | None = request.state.actor
        return actor
    actor = None
    request.state.csrf_token = None
    token = request.cookies.get(SESSION_COOKIE)
    if token:
        with unit_of_work(request.app.state.session_factory) as session:
            try:
                actor, row = resolve_session(session, token=token, now=get_clock(request).now())
                request.state.csrf_token = row.csrf_token
            except NotAuthenticated:
                actor = None
    request.state.actor = actor
    return actor


def require(permission: Permission) -> Callable[..., Actor | None]:
    """A dependency that lets the request through only if the policy allows ``permission``."""

    def dependency(request: Request) -> Actor | None:
        actor = current_actor(request)
        if is_allowed(actor, permission):
            return actor
        if actor is None:
            raise NotAuthenticated(
                "Sign in to see this page.", "برای دیدن این صفحه وارد شوید."
            )
        raise Forbidden(
            "Your role does not allow this. Ask your supervisor if you need it.",
            "نقش شما اجازهٔ این کار را نمی‌دهد. اگر لازم دارید از سرپرست خود بخواهید.",
            permission=permission.value,
        )

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
