"""Security headers on every answer of every route, and pages the policy does not break.

Every route of the app (enumerated, as the access matrix does: later routes are covered
without editing this file) is asked as the Mazandaran supervisor and anonymously; whatever
the answer (a page, JSON, a redirect, a refusal, a validation error), it carries the
Content-Security-Policy, refuses framing and sniffing, sets a referrer policy and is not
stored by any cache. Static assets carry the same policy but may be cached. ``/docs``
loads Swagger UI from this server, not a CDN. The templates and scripts hold nothing the
policy would block (inline scripts, inline styles, ``on…=`` handlers).
"""

from __future__ import annotations

import re
import sqlite3
from pathlib import Path

from fastapi import FastAPI
from fastapi.testclient import TestClient
from httpx2 import Response

from tests.api.route_samples import PATH_SAMPLES
from tests.api.test_access_matrix import probes, request
from tests.conftest import login

WEB = Path(__file__).resolve().parents[2] / "panah" / "web"


def _missing(response: Response, *, cached: bool = False) -> list[str]:
    headers = response.headers
    policy = headers.get("content-security-policy", "")
    wrong = []
    for directive in ("default-src 'self'", "script-src 'self'", "style-src 'self'",
                      "frame-ancestors 'none'", "object-src 'none'"):
        if directive not in policy:
            wrong.append(f"CSP lacks {directive!r}")
    if "unsafe-inline" in policy or "unsafe-eval" in policy:
        wrong.append("CSP allows unsafe-inline or unsafe-eval")
    if headers.get("x-frame-options") != "DENY":
        wrong.append("X-Frame-Options is not DENY")
    if headers.get("x-content-type-options") != "nosniff":
        wrong.append("X-Content-Type-Options is not nosniff")
    if headers.get("referrer-policy") not in {"same-origin", "no-referrer"}:
        wrong.append(f"Referrer-Policy is {headers.get('referrer-policy')!r}")
    kind = headers.get("content-type", "").split(";")[0]
    if not cached and kind in {"text/html", "application/json"} and (
            headers.get("cache-control") != "no-store"):
        wrong.append(f"Cache-Control is {headers.get('cache-control')!r}")
    if not headers.get("cache-control"):
        wrong.append("no Cache-Control")  # a route's own icon or script may choose its own
    if cached and "no-store" in headers.get("cache-control", ""):
        wrong.append("a static asset is not cacheable")
    return wrong


def _inside(path: str, database_url: str) -> str:
    with sqlite3.connect(database_url.removeprefix("sqlite:///")) as db:
        for name, lookup in PATH_SAMPLES.items():
            if "{" + name in path:
                value = str(lookup(db)["inside"])
                path = re.sub(r"{" + name + r"(:\w+)?}", lambda _m, v=value: v, path)
    return path


def test_every_answer_of_every_route_carries_the_security_headers(
    app: FastAPI, database_url: str
) -> None:
    supervisor = TestClient(app, follow_redirects=False)
    login(supervisor, "supervisor")
    page = supervisor.get("/", headers={"Accept": "text/html"}).text
    supervisor.headers["X-CSRF-Token"] = page.split('name="csrf-token" content="')[1].split('"')[0]
    anonymous = TestClient(app, follow_redirects=False)
    problems, statuses = [], set()
    for probe in probes(app):
        if probe.path == "/logout":
            continue  # would end the session the other probes use
        path = _inside(probe.path, database_url)
        for who, client in (("supervisor", supervisor), ("anonymous", anonymous)):
            for accept in ("text/html", "application/json"):
                client.headers["Accept"] = accept
                response = request(client, probe, path)
                statuses.add(response.status_code)
                problems += [f"{who} {probe.method} {path} ({accept}) -> "
                             f"{response.status_code}: {p}" for p in _missing(response)]
    assert not problems, "\n".join(problems)
    assert {200, 303, 401, 403, 422} <= statuses  # answers of every kind were checked


def test_static_assets_carry_the_policy_and_may_be_cached(client: TestClient) -> None:
    for path in ("/static/css/panah.css", "/static/js/csrf.js",
                 "/static/vendor/htmx-2.0.11/htmx.min.js"):
        response = client.get(path)
        assert response.status_code == 200, path
        assert _missing(response, cached=True) == [], path
    assert "immutable" in client.get("/static/vendor/htmx-2.0.11/htmx.min.js").headers[
        "cache-control"]


def test_api_docs_load_swagger_ui_from_this_server(client: TestClient) -> None:
    docs = client.get("/docs")
    assert docs.status_code == 200 and _missing(docs) == []
    assert "cdn" not in docs.text.lower() and "https://" not in docs.text
    assets = re.findall(r'(?:src|href)="(/static/[^"]+)"', docs.text)
    assert len(assets) >= 3
    for asset in assets:
        assert client.get(asset).status_code == 200, asset
    assert "<script>" not in docs.text  # no inline script: the policy would block it
    assert client.get("/redoc").status_code == 404  # it loads its script from a CDN
    assert client.get("/openapi.json").headers["cache-control"] == "no-store"


INLINE_SCRIPT = re.compile(r"<script(?![^>]*\bsrc=)(?![^>]*type=\"application/json\")[^>]*>")
INLINE_STYLE = re.compile(r"<style|\sstyle=")
HANDLER = re.compile(r"\son[a-z]+=\s*[\"']")


def test_no_template_holds_what_the_policy_would_block() -> None:
    found = []
    for template in sorted((WEB / "templates").rglob("*.html")):
        text = template.read_text(encoding="utf-8")
        for name, pattern in (("inline script", INLINE_SCRIPT), ("inline style", INLINE_STYLE),
                              ("event handler attribute", HANDLER)):
            found += [f"{template.relative_to(WEB)}: {name}: {m.group(0)!r}"
                      for m in pattern.finditer(text)]
    assert not found, "\n".join(found)
