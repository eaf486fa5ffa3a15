"""Permissions for WebSocket routes, declared like HTTP ones so the route test sees them.

A browser's WebSocket carries the session cookie; a refused socket is closed with code
1008 (policy violation) before it is accepted.

A browser also sends the page's ``Origin``, and the cookie goes along whichever site's
page opens the socket, so a socket is refused unless its ``Origin`` is this server itself
(the ``Host`` the browser connected to) or a host in PANAH_TRUSTED_HOSTS (``*.example.ir``
matches sub-domains; ``*`` adds nothing: the server's own origin only). A handshake with
no ``Origin`` comes from a program, not a browser: it carries no visitor's cookie unless
the program signed in itself, so it is let through to the usual checks (docs/security.md).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from urllib.parse import urlsplit

from fastapi import WebSocket, WebSocketException, status

from panah.core.db import unit_of_work
from panah.core.errors import NotAuthenticated
from panah.security.policy import Actor, is_allowed
from panah.security.roles import Permission
from panah.security.sessions import resolve_session
from panah.web.deps import PERMISSION_ATTRIBUTE, SESSION_COOKIE


def ws_actor(websocket: WebSocket) -> Actor | None:
    token = websocket.cookies.get(SESSION_COOKIE)
    if not token:
        return None
    with unit_of_work(websocket.app.state.session_factory) as session:
        try:
            actor, _ = resolve_session(session, token=token,
                                       now=websocket.app.state.clock.now())
        except NotAuthenticated:
            return None
    return actor


def origin_allowed(origin: str | None, host: str | None, trusted: Iterable[str]) -> bool:
    """May a socket opened by a page of ``origin`` reach this server at ``host``?"""
    if origin is None:
        return True  # not a browser (see the module's docstring)
    try:
        parts = urlsplit(origin.strip())
        name = (parts.hostname or "").lower()
        netloc = parts.netloc.lower()
    except ValueError:
        return False
    if parts.scheme not in {"http", "https"} or not name or "@" in netloc:
        return False
    if host is not None and netloc == host.strip().lower():
        return True
    for pattern in (t.strip().lower() for t in trusted):
        if pattern == name or (
            pattern.startswith("*.") and name.endswith(pattern[1:]) and len(name) > len(pattern) - 1
        ):
            return True
    return False


def ws_require(permission: Permission) -> Callable[[WebSocket], Actor | None]:
    def dependency(websocket: WebSocket) -> Actor | None:
        settings = websocket.app.state.settings
        if not origin_allowed(websocket.headers.get("origin"), websocket.headers.get("host"),
                              settings.trusted_hosts):
            raise WebSocketException(code=status.WS_1008_POLICY_VIOLATION,
                                     reason="another site's page / صفحهٔ سایتی دیگر")
        actor = None if permission is Permission.public else ws_actor(websocket)
        if not is_allowed(actor, permission):
            raise WebSocketException(code=status.WS_1008_POLICY_VIOLATION,
                                     reason="not allowed / اجازه ندارید")
        return actor

    setattr(dependency, PERMISSION_ATTRIBUTE, permission)
    dependency.__name__ = f"ws_require_{permission.value}"
    return dependency
