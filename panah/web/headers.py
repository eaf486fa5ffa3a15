"""Security headers on every answer, and the API documentation page that keeps them.

Every HTTP answer gets a Content-Security-Policy that lets a page load and run only this
server's own files (scripts and styles in files, no inline script, style or handler: the
vendored Leaflet, htmx and Swagger UI included), refuses framing (``frame-ancestors
'none'`` and ``X-Frame-Options: DENY``), MIME sniffing and cross-site referrers. Pages and
APIs carry personal data, so every answer but a static asset is ``Cache-Control:
no-store``; static assets are cacheable (vendored ones, whose folder names carry their
version, for a year). A header a route sets itself (the help page's stricter
``Referrer-Policy: no-referrer``) is kept.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any
from urllib.parse import urlsplit

from fastapi import APIRouter, Depends
from fastapi.responses import HTMLResponse
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from panah.config import Settings
from panah.security.roles import Permission
from panah.web.deps import require

STATIC = "/static/"
VENDOR = "/static/vendor/"


def content_security_policy(image_origins: Iterable[str] = ()) -> str:
    """The policy: this server only; ``image_origins`` adds a map tile server."""
    images = " ".join(["'self'", "data:", "blob:", *image_origins])
    return "; ".join([
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self'",
        f"img-src {images}",
        "font-src 'self'",
        "connect-src 'self'",
        "media-src 'self' blob:",  # voice notes recorded in the page
        "worker-src 'self'",
        "manifest-src 'self'",
        "object-src 'none'",
        "base-uri 'self'",
        "form-action 'self'",
        "frame-ancestors 'none'",
    ])


def _origin(url: str | None) -> list[str]:
    """The scheme and host of a configured URL (a tile server's template), if any."""
    if not url:
        return []
    parts = urlsplit(url.replace("{s}", "a"))
    if parts.scheme not in {"http", "https"} or not parts.netloc:
        return []
    host = parts.netloc.replace("a.", "*.", 1) if "{s}." in url else parts.netloc
    return [f"{parts.scheme}://{host}"]


def security_headers(settings: Settings) -> list[tuple[bytes, bytes]]:
    """The headers every answer carries (caching is decided per path)."""
    policy = content_security_policy(_origin(getattr(settings, "tile_url", None)))
    headers = [
        ("content-security-policy", policy),
        ("x-frame-options", "DENY"),
        ("x-content-type-options", "nosniff"),
        ("referrer-policy", "same-origin"),
        ("cross-origin-opener-policy", "same-origin"),
    ]
    if settings.secure_cookies:  # served over HTTPS: browsers must not fall back to HTTP
        headers.append(("strict-transport-security", "max-age=31536000"))
    return [(name.encode(), value.encode()) for name, value in headers]


def cache_control(path: str) -> bytes:
    if path.startswith(VENDOR):
        return b"public, max-age=31536000, immutable"
    if path.startswith(STATIC):
        return b"no-cache"  # cacheable, checked again (ETag) since names carry no version
    return b"no-store"


class SecurityHeaders:
    """ASGI middleware adding :func:`security_headers` and ``Cache-Control`` to each HTTP
    answer, without replacing one the route set."""

    def __init__(self, app: ASGIApp, settings: Settings) -> None:
        self.app = app
        self.headers = security_headers(settings)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        added = [*self.headers, (b"cache-control", cache_control(scope["path"]))]

        async def with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                present = {name.lower() for name, _ in message.get("headers", [])}
                message["headers"] = [*message.get("headers", []),
                                      *((n, v) for n, v in added if n not in present)]
            await send(message)

        await self.app(scope, receive, with_headers)


docs_router = APIRouter()

_DOCS = """<!doctype html>
<html lang="en">
<head>
  <meta charset="utf-8">
  <title>{title} — API</title>
  <link rel="icon" href="/static/vendor/swagger-ui-5.36.0/favicon-32x32.png">
  <link rel="stylesheet" href="/static/vendor/swagger-ui-5.36.0/swagger-ui.css">
</head>
<body>
  <div id="swagger-ui" data-openapi="/openapi.json"></div>
  <script src="/static/vendor/swagger-ui-5.36.0/swagger-ui-bundle.js"></script>
  <script src="/static/js/api-docs.js"></script>
</body>
</html>
"""


@docs_router.get("/docs", include_in_schema=False, response_class=HTMLResponse,
                 dependencies=[Depends(require(Permission.public))])
def api_docs() -> Any:
    """The API documentation (Swagger UI, vendored: no CDN)."""
    return HTMLResponse(_DOCS.format(title="Panah"))
