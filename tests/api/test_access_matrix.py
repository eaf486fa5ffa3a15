"""The authorisation matrix: every route × every role × inside/outside the demo province.

For each route of the real app (enumerated, so later issues' routes are covered without
editing this file) and each demo user, the expected answer comes from the one policy
function applied to the facts in the database at that moment (the user's role, province,
centre and grants; the case's province, team and category), and the HTTP answer must
agree: refused ⇔ 401/403. On top, no response that succeeds may carry the name or phone
of a client whose case that user may not open: zero leaks.
"""

from __future__ import annotations

import re
import sqlite3
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import pytest
from fastapi import FastAPI
from fastapi.routing import APIRoute
from fastapi.testclient import TestClient

from panah.security.policy import Actor, Resource, decide
from panah.security.roles import Permission, Role
from panah.web.access import RESOURCE_ATTRIBUTE, ResourceMarker, case_access
from panah.web.deps import PERMISSION_ATTRIBUTE
from tests.api.route_samples import PATH_SAMPLES
from tests.api.test_route_permissions import effective_routes
from tests.conftest import login

USERS = [role.value for role in Role] + ["counsellor_gilan"]
REFUSED = {401, 403}
SAFE = {"GET", "HEAD", "OPTIONS"}


@dataclass(frozen=True)
class Probe:
    method: str
    path: str
    permissions: frozenset[Permission]
    resources: tuple[ResourceMarker, ...]


def _walk(dependant: Any) -> Iterator[Any]:
    stack = list(dependant.dependencies)
    while stack:
        dep = stack.pop()
        yield dep.call
        stack.extend(dep.dependencies)


def probes(app: FastAPI) -> list[Probe]:
    found = []
    for original, route in effective_routes(app.routes):
        if not isinstance(original, APIRoute):
            continue
        calls = list(_walk(route.dependant))
        permissions = frozenset(getattr(c, PERMISSION_ATTRIBUTE) for c in calls
                                if hasattr(c, PERMISSION_ATTRIBUTE))
        resources = tuple(getattr(c, RESOURCE_ATTRIBUTE) for c in calls
                          if hasattr(c, RESOURCE_ATTRIBUTE))
        for method in sorted(route.methods - {"HEAD"}):
            found.append(Probe(method, route.path, permissions, resources))
    # Signing out last, so it does not end the session the other probes use.
    return sorted(found, key=lambda p: (p.path == "/logout", p.path, p.method))


class Facts:
    """What the policy needs, read from the test database at the moment of each request."""

    def __init__(self, path: str) -> None:
        self.db = sqlite3.connect(path)

    def actor(self, username: str) -> Actor:
        uid, role, province, centre = self.db.execute(
            "SELECT id, role, province_code, centre_id FROM app_user WHERE username=?",
            (username,)).fetchone()
        grants = {g for (g,) in self.db.execute(
            "SELECT category FROM access_grant WHERE user_id=? AND revoked_at IS NULL", (uid,))}
        return Actor(uid, username, Role(role), province, centre, frozenset(grants))

    def resource(self, marker: ResourceMarker, value: object) -> Resource | None:
        """The resource's facts as the route's own loader reads them now."""
        from panah.core.db import make_engine, make_session_factory

        engine = make_engine(f"sqlite:///{self.db_path}")
        with make_session_factory(engine)() as session:
            key = int(str(value)) if str(value).isdigit() else str(value)  # ids, or codes
            found = marker.load(session, key)  # type: ignore[arg-type]
        engine.dispose()
        return found

    def case(self, case_id: object, need_to_know: bool) -> Resource | None:
        row = self.db.execute("SELECT province_code, centre_id, restricted_category "
                              "FROM case_file WHERE id=?", (case_id,)).fetchone()
        if row is None:
            return None
        if not need_to_know:
            return Resource("case", province_code=row[0])
        team = {u for (u,) in self.db.execute(
            "SELECT user_id FROM case_team_member WHERE case_id=?", (case_id,))}
        return Resource("case", province_code=row[0], centre_id=row[1], team=frozenset(team),
                        restricted_category=row[2], need_to_know=True)

    def secrets_hidden_from(self, actor: Actor) -> list[str]:
        """Names and phone numbers of clients whose case ``actor`` may not open."""
        from panah.cases.orm import Case, Client  # decrypting needs the ORM and the key ring
        from panah.core.db import make_engine, make_session_factory

        hidden = []
        engine = make_engine(f"sqlite:///{self.db_path}")
        with make_session_factory(engine)() as session:
            for case in session.query(Case).all():
                resource = self.case(case.id, True)
                if not decide(actor, Permission.view_case, resource):
                    client = session.get(Client, case.client_id)
                    assert client is not None
                    hidden.append(client.name)
                    if client.phone:
                        hidden.append(client.phone)
        engine.dispose()
        return hidden

    @property
    def db_path(self) -> str:
        return str(self.db.execute("PRAGMA database_list").fetchone()[2])


def expected(probe: Probe, actor: Actor, facts: Facts, values: dict[str, object]) -> bool:
    if not all(decide(actor, p) for p in probe.permissions):
        return False
    for marker in probe.resources:
        resource = facts.resource(marker, values[marker.param])
        if resource is not None and not decide(actor, marker.permission, resource):
            return False
    return True


def variants(probe: Probe, facts: Facts) -> list[tuple[str, dict[str, object]]]:
    names = re.findall(r"{(\w+)(?::\w+)?}", probe.path)
    missing = [n for n in names if n not in PATH_SAMPLES]
    assert not missing, (
        f"{probe.method} {probe.path}: add sample values for {missing} "
        "to tests/api/route_samples.py")
    if not names:
        return [("", {})]
    samples = {n: PATH_SAMPLES[n](facts.db) for n in names}
    labels = sorted({label for s in samples.values() for label in s})
    return [(label, {n: s.get(label, s["inside"]) for n, s in samples.items()})
            for label in labels]


def request(client: TestClient, probe: Probe, path: str) -> Any:
    if probe.method in SAFE:
        return client.request(probe.method, path)
    return client.request(probe.method, path, json={})


@pytest.fixture
def clients(app: FastAPI) -> Iterator[dict[str, TestClient]]:
    made: dict[str, TestClient] = {}
    for username in USERS:
        client = TestClient(app, follow_redirects=False)
        login(client, username)
        token = re.search(r'name="csrf_token" value="([^"]+)"',
                          client.get("/", headers={"Accept": "text/html"}).text)
        assert token
        client.headers["X-CSRF-Token"] = token.group(1)
        made[username] = client
    yield made
    for client in made.values():
        client.close()


def test_every_route_every_role_inside_and_outside_agrees_with_the_policy(
    app: FastAPI, clients: dict[str, TestClient], database_url: str
) -> None:
    facts = Facts(database_url.removeprefix("sqlite:///"))
    mismatches, leaks, checked = [], [], 0
    for probe in probes(app):
        for label, values in variants(probe, facts):
            path = probe.path.format(**values)
            for username, client in clients.items():
                actor = facts.actor(username)
                allow = expected(probe, actor, facts, values)
                response = request(client, probe, path)
                checked += 1
                # A public route (the login steps) may answer 401 for its own reason, such
                # as "no sign-in in progress"; test_route_permissions keeps that set small.
                public = probe.permissions == {Permission.public}
                if allow == (response.status_code in REFUSED) and not public:
                    mismatches.append(f"{username:18} {probe.method:6} {path} [{label}] "
                                      f"expected {'allow' if allow else 'deny'}, "
                                      f"got {response.status_code}")
                if response.status_code < 300 and probe.method in SAFE:
                    leaks += [f"{username} {path}: {secret!r}"
                              for secret in facts.secrets_hidden_from(actor)
                              if secret in response.text]
                if probe.path == "/logout":
                    login(client, username)
    assert not mismatches, "\n".join(mismatches)
    assert not leaks, "\n".join(leaks)
    assert checked >= len(USERS) * 20  # it really walked the routes


def test_the_matrix_catches_a_route_that_forgets_need_to_know(app: FastAPI) -> None:
    """Self-check: a route guarded only by its role would be flagged for the outside case."""
    marker = ResourceMarker("case", "case_id", Permission.view_case, lambda s, i: gilan)
    probe = Probe("GET", "/api/cases/{case_id}", frozenset({Permission.view_case}), (marker,))
    gilan = Resource("case", province_code="IR-01", team=frozenset({999}), need_to_know=True)
    counsellor = Actor(1, "counsellor", Role.counsellor, "IR-02")

    class OneCase(Facts):
        def __init__(self) -> None:
            pass

        def resource(self, marker: ResourceMarker, value: object) -> Resource | None:
            return marker.load(None, 1)  # type: ignore[arg-type]

    assert decide(counsellor, Permission.view_case)  # the role alone would let it through
    assert not expected(probe, counsellor, OneCase(), {"case_id": 1})


REASON = "The client called again in danger and her file is needed now."


def _handled_case(app: FastAPI, clients: dict[str, TestClient]) -> int:
    """A Mazandaran case whose client is, right now, on a call with the Gilan counsellor:
    she took the unlocated caller from the national pool, and the caller is the client of
    a case a Mazandaran social worker opened (the same number)."""
    from panah.core.db import unit_of_work
    from panah.intake.orm import Contact

    with unit_of_work(app.state.session_factory) as session:
        national = session.query(Contact).filter(Contact.province_code.is_(None),
                                                 Contact.state == "queued").first()
        assert national is not None and national.caller
        contact_id, number = national.id, national.caller
    opened = clients["social_worker"].post("/api/cases", json={
        "client_name": "Shirin Rahimi", "phone": number, "category": "spouse_abuse"})
    assert opened.status_code == 201, opened.text
    taken = clients["counsellor_gilan"].post(f"/api/contacts/{contact_id}/take")
    assert taken.status_code == 200, taken.text
    return int(opened.json()["id"])


def test_break_glass_by_every_role_inside_and_outside_agrees_with_the_policy(
    app: FastAPI, clients: dict[str, TestClient], database_url: str
) -> None:
    """Every user tries break-glass on a case of their province (plain and restricted),
    one of Gilan's, and one whose client is on a call with the Gilan counsellor; then
    reads it. Break-glass is granted ⇔ the policy allows it, and the read follows."""
    from tests.api.route_samples import case_ids

    facts = Facts(database_url.removeprefix("sqlite:///"))
    cases = {**case_ids(facts.db), "handled-by-gilan": _handled_case(app, clients)}
    load = getattr(case_access(Permission.view_case), RESOURCE_ATTRIBUTE).load
    marker = ResourceMarker("case", "case_id", Permission.view_case, load)
    mismatches, opened = [], set()
    for username, client in clients.items():
        actor = facts.actor(username)
        for label, case_id in cases.items():
            resource = facts.resource(marker, case_id)
            assert resource is not None
            allow = decide(actor, Permission.break_glass).allowed and decide(
                actor, Permission.view_case, resource, break_glass=True).allowed
            glass = client.post(f"/api/cases/{case_id}/break-glass", json={"reason": REASON})
            if (glass.status_code == 201) != allow or (not allow and glass.status_code
                                                       not in REFUSED):
                mismatches.append(f"{username:18} break-glass {label}: expected "
                                  f"{'allow' if allow else 'deny'}, got {glass.status_code}")
            if glass.status_code == 201:
                opened.add((username, label))
            read = client.get(f"/api/cases/{case_id}")
            may_read = decide(actor, Permission.view_case, resource,
                              break_glass=glass.status_code == 201).allowed
            if may_read != (read.status_code == 200):
                mismatches.append(f"{username:18} read {label}: expected "
                                  f"{'allow' if may_read else 'deny'}, got {read.status_code}")
    assert not mismatches, "\n".join(mismatches)
    # The cases, spelled out: no one crosses into another province's case file …
    assert not {(u, "outside") for u in USERS if u != "counsellor_gilan"} & opened
    assert not {("counsellor_gilan", label) for label in ("inside", "inside-restricted")} & opened
    # … but the Gilan counsellor reaches the file of the woman she is talking to now, and
    # the crew and the community worker break no glass anywhere.
    assert ("counsellor_gilan", "handled-by-gilan") in opened
    assert not {(u, label) for u in ("field_crew", "community_worker") for label in cases
                } & opened
    assert ("psychologist", "inside") in opened
