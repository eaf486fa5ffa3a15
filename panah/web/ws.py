"""Permissions for WebSocket routes, declared like HTTP ones so the route test sees them.

A browser's WebSocket carries the session cookie; a refused socket is closed with code
1008 (policy violation) before it is accepted.
"""

from __future__ import annotations

from collections.abc import Callable

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


def ws_require(permission: Permission) -> Callable[[WebSocket], Actor | None]:
    def dependency(websocket: WebSocket) -> Actor | None:
        actor = None if permission is Permission.public else ws_actor(websocket)
        if not is_allowed(actor, permission):
            raise WebSocketException(code=status.WS_1008_POLICY_VIOLATION,
                                     reason="not allowed / اجازه ندارید")
        return actor

    setattr(dependency, PERMISSION_ATTRIBUTE, permission)
    dependency.__name__ = f"ws_require_{permission.value}"
    return dependency
