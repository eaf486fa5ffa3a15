"""Fuzz every operation in ``/openapi.json`` as signed-in users: no input may cause a 5xx.

Operations are read from the running app's schema, so routes added later are fuzzed without
editing this file. Each role signs in through the real login form; every generated request
carries that session's cookie and its CSRF token (``X-CSRF-Token``), so unsafe methods get
past authentication and CSRF checks into the handlers. Schemathesis generates valid
(positive) and invalid (negative) requests; Hypothesis runs with a fixed seed, no example
database and no shrinking, so a run is repeatable and its cost is known in advance.
"""

from __future__ import annotations

import hashlib
import importlib
import math
import pkgutil
import re
import time
import traceback
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from types import ModuleType
from typing import Any

import fastapi
import pytest
import schemathesis
import starlette
from fastapi import FastAPI
from fastapi.testclient import TestClient
from hypothesis import HealthCheck, Phase, Verbosity, given, seed, settings
from hypothesis.errors import Unsatisfiable
from schemathesis import Case, GenerationMode
from schemathesis.python import asgi
from sqlalchemy import select

import panah
from tests.conftest import login

pytestmark = pytest.mark.fuzz

# Nation-wide, front line and in between; each asks for another kind of answer, so both the
# JSON and the HTML error pages are rendered.
ROLES = {"admin": "application/json", "counsellor": "text/html", "supervisor": "*/*"}
MODES = (GenerationMode.POSITIVE, GenerationMode.NEGATIVE)
# Signing out would end the session the rest of the run relies on.
SKIPPED = {("POST", "/logout")}
TARGET_REQUESTS = 1_300  # spread over operations, roles and modes; at least 1,000 must go
MIN_EXAMPLES = 8  # per operation, role and mode, however many routes there are
SEED = 123_123  # the 123 line
SESSION_COOKIE = "panah_session"
# How the app words a refused CSRF token (JSON details, or the English/Persian page).
CSRF_REFUSAL = re.compile(r'"reason":\s*"csrf"|stale or forged|کهنه یا جعلی')
CSRF_META = re.compile(r'<meta\s+name="csrf-token"\s+content="([^"]*)"')


@dataclass
class Identity:
    role: str
    cookie: str
    csrf: str

    def headers(self) -> dict[str, str]:
        return {"X-CSRF-Token": self.csrf, "Accept": ROLES[self.role]}


@dataclass
class Tally:
    sent: int = 0
    by_status: dict[int, int] = field(default_factory=dict)
    failures: list[tuple[str, str]] = field(default_factory=list)
    unsatisfiable: list[str] = field(default_factory=list)
    csrf_refused: list[str] = field(default_factory=list)
    unsendable: list[str] = field(default_factory=list)


def _csrf_token(client: TestClient, app: FastAPI, cookie: str) -> str:
    """The session's CSRF token: from the page's meta tag, else from the session table."""
    from panah.security.orm import WebSession

    found = CSRF_META.search(client.get("/", headers={"accept": "text/html"}).text)
    if found:
        return found.group(1)
    token_hash = hashlib.sha256(cookie.encode()).hexdigest()
    with app.state.session_factory() as session:
        csrf = session.scalar(
            select(WebSession.csrf_token).where(WebSession.token_hash == token_hash)
        )
    assert csrf, "the signed-in session has no CSRF token"
    return str(csrf)


def _sign_in(client: TestClient, app: FastAPI, role: str) -> Identity:
    client.cookies.clear()
    login(client, role)
    cookie = client.cookies.get(SESSION_COOKIE)
    assert cookie, f"{role} did not get a session cookie"
    return Identity(role, cookie, _csrf_token(client, app, cookie))


def _still_signed_in(client: TestClient, identity: Identity) -> bool:
    client.cookies.clear()
    client.cookies.set(SESSION_COOKIE, identity.cookie)
    return client.get("/").status_code == 200


def _package_dir(module: ModuleType) -> str:
    return str(Path(module.__file__ or "").parent) + "/"


PANAH_DIR = _package_dir(panah)
SERVER_DIRS = (PANAH_DIR, _package_dir(fastapi), _package_dir(starlette))


def _reached_the_app(error: BaseException) -> bool:
    """False for a request the client could not even send (say, a header it cannot encode)."""
    frames = traceback.extract_tb(error.__traceback__)
    return any(frame.filename.startswith(SERVER_DIRS) for frame in frames)


def _where(error: BaseException) -> str:
    """The exception and the innermost frames inside Panah, where a fix would go."""
    frames = traceback.extract_tb(error.__traceback__)
    ours = [f"{f.filename.removeprefix(PANAH_DIR)}:{f.lineno} in {f.name}"
            for f in frames if f.filename.startswith(PANAH_DIR)][-3:]  # fmt: skip
    return f"{type(error).__name__}: {error}"[:300] + "".join(f"\n    at panah/{x}" for x in ours)


def _failure(identity: Identity, case: Case, status: object, detail: str) -> tuple[str, str]:
    """A key that groups the same fault met by several roles, and its description."""
    key = f"{case.method} {case.operation.path} -> {status}: {detail.splitlines()[0][:120]}"
    curl = case.as_curl_command(headers={"X-CSRF-Token": "<token>"})
    return key, f"[{identity.role}] {detail.strip()[:1500]}\n  reproduce: {curl[:600]}"


def _sender(http: asgi.ASGIClient, identity: Identity, tally: Tally) -> Callable[[Case], None]:
    def send(case: Case) -> None:
        http.cookies.clear()  # no cookie a response set (language, sign-out) carries over
        tally.sent += 1
        try:
            response = case.call(
                session=http,
                cookies={SESSION_COOKIE: identity.cookie},
                headers=identity.headers(),
                allow_redirects=False,
            )
        except Exception as error:  # the app raised: Starlette answers 500 and re-raises
            if not _reached_the_app(error):
                tally.sent -= 1
                tally.unsendable.append(f"{case.method} {case.formatted_path}: {error!r}"[:200])
                return
            tally.by_status[500] = tally.by_status.get(500, 0) + 1
            tally.failures.append(_failure(identity, case, "exception", _where(error)))
            return
        status = response.status_code
        tally.by_status[status] = tally.by_status.get(status, 0) + 1
        if status == 403 and CSRF_REFUSAL.search(response.text):
            tally.csrf_refused.append(f"[{identity.role}] {case.method} {case.formatted_path}")
        if status >= 500:
            body = response.content[:800].decode("utf-8", "replace")
            tally.failures.append(_failure(identity, case, status, body))

    return send


def _import_all_of_panah() -> None:
    """Hypothesis also draws constants from the source of every local module loaded so far;
    with all of Panah loaded first, the cases are the same whichever tests ran before."""
    for module in pkgutil.walk_packages(panah.__path__, "panah."):
        importlib.import_module(module.name)


def _fuzz(
    operation: Any, mode: GenerationMode, examples: int, send: Callable[[Case], None]
) -> None:
    @settings(
        max_examples=examples,
        database=None,
        deadline=None,
        phases=[Phase.generate],  # failures are collected, not raised: nothing to shrink
        suppress_health_check=list(HealthCheck),
        verbosity=Verbosity.quiet,
    )
    @seed(SEED)
    @given(case=operation.as_strategy(generation_mode=mode))
    def run(case: Case) -> None:
        send(case)

    run()


def test_no_generated_request_causes_a_server_error(app: FastAPI, client: TestClient) -> None:
    _import_all_of_panah()
    schema = schemathesis.openapi.from_asgi("/openapi.json", app)
    operations = [
        result.ok()
        for result in schema.get_all_operations()
        if (result.ok().method.upper(), result.ok().path) not in SKIPPED
    ]
    # Operations without inputs yield one request whatever the budget; share it among the rest.
    with_inputs = [op for op in operations if op.body or any(True for _ in op.iter_parameters())]
    examples = max(
        MIN_EXAMPLES,
        math.ceil(TARGET_REQUESTS / (max(len(with_inputs), 1) * len(ROLES) * len(MODES))),
    )
    tally = Tally()
    started = time.monotonic()
    try:
        with asgi.get_client(app) as http:
            for role in ROLES:
                identity = _sign_in(client, app, role)
                for operation in operations:
                    if not _still_signed_in(client, identity):  # a route ended the session
                        identity = _sign_in(client, app, role)
                    for mode in MODES:
                        try:
                            _fuzz(operation, mode, examples, _sender(http, identity, tally))
                        except Unsatisfiable:  # nothing to make invalid (no parameters)
                            tally.unsatisfiable.append(f"{operation.label} {mode.value}")
    finally:
        asgi.shutdown_lifespans()
    elapsed = time.monotonic() - started

    summary = (
        f"{tally.sent} requests to {len(operations)} operations as {', '.join(ROLES)} "
        f"in {elapsed:.0f} s; statuses {dict(sorted(tally.by_status.items()))}; "
        f"{len(tally.unsendable)} cases the client could not send"
    )
    print(summary)  # shown with -s
    faults: dict[str, list[str]] = {}
    for key, description in tally.failures:
        faults.setdefault(key, []).append(description)
    assert not faults, f"{len(faults)} distinct server errors ({summary}):\n\n" + "\n\n".join(
        f"{key}  (x{len(seen)})\n  {seen[0]}" for key, seen in faults.items()
    )
    assert not tally.csrf_refused, (
        f"CSRF token refused, handlers not reached: {tally.csrf_refused[:5]}"
    )
    assert tally.sent >= 1_000, summary
