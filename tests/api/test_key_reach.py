"""API keys reach the partner and integration APIs only: never a page or a staff API.

A partner agency's key (the demo's Mazandaran police 110) and the PBX's integration key
are tried on every route of the app (enumerated, so routes added later are covered): a
route whose permission is neither ``partner_api`` nor ``ingest_events`` refuses both with
401 or 403 and says why, in English and Persian.
"""

from __future__ import annotations

import sqlite3

from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import select

from panah.core.db import unit_of_work
from panah.security.orm import User
from panah.security.roles import Permission
from tests.api.route_samples import PATH_SAMPLES
from tests.api.test_access_matrix import probes, request
from tests.conftest import csrf, login

KEY_PERMISSIONS = frozenset({Permission.partner_api, Permission.ingest_events})
REFUSED = {401, 403}


def _key(client: TestClient, username: str) -> dict[str, str]:
    login(client, "admin")
    response = client.post("/api/admin/api-keys", json={"username": username, "label": "test"},
                           headers={"X-CSRF-Token": csrf(client)})
    assert response.status_code == 201, response.text
    client.cookies.clear()
    return {"Authorization": f"Bearer {response.json()['key']}"}


def _inside(path: str, database_url: str) -> str:
    with sqlite3.connect(database_url.removeprefix("sqlite:///")) as db:
        values = {name: lookup(db)["inside"] for name, lookup in PATH_SAMPLES.items()
                  if "{" + name in path}
    for name, value in values.items():
        path = path.replace("{" + name + "}", str(value)).replace("{" + name + ":path}",
                                                                   str(value))
    return path


def test_a_partner_key_opens_no_staff_page_and_sets_no_second_factor(
    client: TestClient, app: FastAPI
) -> None:
    police = _key(client, "partner_agency")
    home = client.get("/", headers={**police, "Accept": "text/html"})
    assert home.status_code == 403
    assert "partner agencies&#39;" in home.text or "partner agencies'" in home.text
    assert "نهادهای همکار" in home.text
    enrol = client.post("/account/second-factor", headers=police, data={"code": "123456"})
    assert enrol.status_code == 403
    assert "partner" in enrol.json()["message"] and enrol.json()["message_fa"]
    with unit_of_work(app.state.session_factory) as session:
        partner = session.scalars(select(User).where(User.username == "partner_agency")).one()
        assert partner.totp_secret is None
    assert client.get("/api/partner/whoami", headers=police).status_code == 200


def test_keys_are_refused_on_every_route_but_the_partner_and_integration_apis(
    client: TestClient, app: FastAPI, database_url: str
) -> None:
    keys = {"police": _key(client, "partner_agency"), "pbx": _key(client, "integration")}
    let_through, checked = [], 0
    for probe in probes(app):
        if probe.permissions and probe.permissions <= KEY_PERMISSIONS:
            continue
        path = _inside(probe.path, database_url)
        for name, headers in keys.items():
            client.headers.clear()
            client.headers.update(headers)
            response = request(client, probe, path)
            checked += 1
            if response.status_code not in REFUSED:
                let_through.append(f"{name} {probe.method} {path}: {response.status_code}")
    client.headers.clear()
    assert not let_through, "\n".join(let_through)
    assert checked > 100  # it really walked the routes
