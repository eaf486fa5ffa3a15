"""Every route declares its permission, and anonymous visitors get nothing that is not public.

The check walks the routes of the real app, so a route added by any later issue without
``Depends(require(Permission.x))`` fails here.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence
from typing import Any

from fastapi import APIRouter, Depends, FastAPI
from fastapi.responses import PlainTextResponse
from fastapi.routing import APIRoute, APIWebSocketRoute
from fastapi.testclient import TestClient
from starlette.routing import BaseRoute, Mount

from panah.security.roles import Permission
from panah.web.deps import declared_permission, require

try:
    from fastapi.routing import iter_route_contexts
except ImportError:  # FastAPI before included routers were kept lazily
    iter_route_contexts = None  # type: ignore[assignment]

# FastAPI's own documentation routes: public on purpose, named one by one.
FASTAPI_PUBLIC = {"/openapi.json", "/docs", "/docs/oauth2-redirect", "/redoc"}
STATIC_MOUNTS = {"static", "swagger-ui"}  # public files: the app's and /docs's


def effective_routes(routes: Sequence[BaseRoute]) -> Iterator[tuple[BaseRoute, Any]]:
    """Each route as written and as served (with its prefix and its routers' dependencies).

    Newer FastAPI keeps included routers as ``_IncludedRouter`` entries in ``app.routes``
    and resolves them lazily; ``iter_route_contexts`` walks them. Older FastAPI copies
    the routes into ``app.routes``, where each is its own effective route.
    """
    if iter_route_contexts is None:
        yield from ((route, route) for route in routes)
        return
    for context in iter_route_contexts(routes):
        yield context.original_route, context


def undeclared_routes(routes: Sequence[BaseRoute]) -> list[str]:
    """Routes that declare no permission (or that this check cannot read)."""
    problems = []
    for original, route in effective_routes(routes):
        if isinstance(original, Mount) and original.name in STATIC_MOUNTS:
            continue
        if route.path in FASTAPI_PUBLIC and not isinstance(original, APIRoute):
            continue
        if not isinstance(original, APIRoute | APIWebSocketRoute):
            problems.append(f"{type(original).__name__} {getattr(route, 'path', route)!r}")
        elif declared_permission(route) is None:
            methods = ",".join(sorted(getattr(route, "methods", None) or {"WEBSOCKET"}))
            problems.append(f"{methods} {route.path}")
    return problems


def _checked_routes(app: FastAPI) -> list[Any]:
    return [r for o, r in effective_routes(app.routes) if isinstance(o, APIRoute)]


def test_every_route_of_the_app_declares_a_permission(app: FastAPI) -> None:
    assert undeclared_routes(app.routes) == []
    assert len(_checked_routes(app)) >= 8  # the check did look at real routes


def test_the_check_flags_a_route_without_a_permission() -> None:
    router = APIRouter()

    @router.get("/declared", dependencies=[Depends(require(Permission.view_map))])
    def declared() -> dict[str, str]:
        return {}

    @router.get("/nested")
    def nested(actor: Any = Depends(require(Permission.authenticated))) -> dict[str, str]:  # noqa: B008
        return {}

    @router.get("/forgotten")
    def forgotten() -> dict[str, str]:
        return {}

    @router.websocket("/ws-forgotten")
    async def ws_forgotten(websocket: Any) -> None:
        return None

    guarded = APIRouter()

    @guarded.get("/guarded-by-router")
    def guarded_by_router() -> dict[str, str]:
        return {}

    app = FastAPI()
    app.include_router(router, prefix="/x")
    app.include_router(guarded, dependencies=[Depends(require(Permission.view_map))])
    app.add_route("/plain-starlette", lambda request: PlainTextResponse("unchecked"))
    assert undeclared_routes(app.routes) == [
        "GET /x/forgotten",
        "WEBSOCKET /x/ws-forgotten",
        "Route '/plain-starlette'",
    ]
    permissions = {r.path: declared_permission(r) for r in _checked_routes(app)}
    assert permissions["/x/declared"] is Permission.view_map
    assert permissions["/x/nested"] is Permission.authenticated
    assert permissions["/guarded-by-router"] is Permission.view_map


def _sample_path(path: str) -> str:
    return re.sub(r"\{[^}]+\}", "1", path)


def _protected_get_routes(app: FastAPI) -> list[Any]:
    return [
        r for r in _checked_routes(app)
        if "GET" in r.methods and declared_permission(r) is not Permission.public
    ]


def test_anonymous_api_requests_get_401(app: FastAPI, client: TestClient) -> None:
    routes = _protected_get_routes(app)
    assert any(r.path.startswith("/api/") for r in routes)
    for route in routes:
        response = client.get(_sample_path(route.path), headers={"Accept": "application/json"})
        assert response.status_code == 401, route.path
        assert response.json()["error"] == "not_authenticated"


def test_anonymous_browsers_are_sent_to_login(app: FastAPI, client: TestClient) -> None:
    pages = [r for r in _protected_get_routes(app) if not r.path.startswith("/api/")]
    assert {"/", "/map"} <= {r.path for r in pages}
    for route in pages:
        response = client.get(_sample_path(route.path), headers={"Accept": "text/html"})
        assert response.status_code == 303, route.path
        assert response.headers["location"].startswith("/login?next="), route.path


def test_public_routes_are_the_expected_few(app: FastAPI) -> None:
    public = {
        (method, r.path)
        for r in _checked_routes(app)
        if declared_permission(r) is Permission.public
        for method in r.methods
    }
    assert public == {
        ("GET", "/healthz"),
        ("GET", "/login"),
        ("POST", "/login"),
        # The second step of a sign-in: guarded by its own short-lived challenge cookie.
        ("GET", "/login/second-factor"),
        ("POST", "/login/second-factor"),
        ("GET", "/lang/{code}"),
        # The public help page of the 123 line: anyone, without an account, by design.
        ("GET", "/help"),
        ("POST", "/api/help/chats"),
        ("POST", "/api/help/reports"),
        # The field app's service worker and manifest: static files a phone fetches
        # before (and after) its crew signs in, holding nothing of any incident.
        ("GET", "/field/sw.js"),
        ("GET", "/field/manifest.webmanifest"),
        # The icon browsers ask for at the root, before anyone signs in (issue 14).
        ("GET", "/favicon.ico"),
        # The API documentation, public as FastAPI's own was; now a route of Panah's, to
        # serve the vendored Swagger UI under the Content-Security-Policy (issue 14).
        ("GET", "/docs"),
        # A vehicle tracker's position, proved by its unit's own key in the request
        # (X-Tracker-Key), not by a person's sign-in (issue 15).
        ("POST", "/api/fleet/tracker/positions"),
        # The service's public figures, as the 988 Lifeline publishes its own: per province
        # and month, counts and rates only, small cells hidden (issue 18) — and what each
        # figure means.
        ("GET", "/figures"),
        ("GET", "/api/figures"),
        ("GET", "/statistics/definitions"),
        # A one-time link to set one's password: proved by the link's own token, before
        # its person has a password to sign in with (issue 15).
        ("GET", "/access/{link_token}"),
        ("POST", "/access/{link_token}"),
    }
