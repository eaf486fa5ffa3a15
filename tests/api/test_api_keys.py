"""Partner agencies' API keys: created by an admin, shown once, used, revoked.

The partner here is the demo's Mazandaran police 110 account (``partner_agency``).
"""

from __future__ import annotations

import hashlib

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import select

from panah.core.clock import FrozenClock
from panah.core.db import unit_of_work
from panah.security.audit_orm import AuditEvent
from panah.security.orm import ApiKey
from tests.conftest import csrf, login

HTML = {"Accept": "text/html"}
SARI = {"username": "partner_agency", "label": "Police 110 Sari", "province_code": "IR-02"}
NATIONAL = {"username": "partner_agency", "label": "Welfare national desk"}


def _admin(client: TestClient) -> dict[str, str]:
    login(client, "admin")
    return {"X-CSRF-Token": csrf(client)}


def _create(client: TestClient, body: dict[str, str]) -> dict[str, object]:
    response = client.post("/api/admin/api-keys", json=body, headers=_admin(client))
    assert response.status_code == 201, response.text
    client.cookies.clear()
    created: dict[str, object] = response.json()
    return created


def _bearer(key: object) -> dict[str, str]:
    return {"Authorization": f"Bearer {key}"}


def test_admin_creates_a_key_and_it_is_shown_only_once(client: TestClient) -> None:
    created = _create(client, SARI)
    key = str(created["key"])
    assert key.startswith(f"pnh_{created['prefix']}_")
    assert created["scope"] == "province" and created["province_code"] == "IR-02"
    listed = client.get("/api/admin/api-keys", headers=_admin(client)).json()
    assert [row["prefix"] for row in listed] == [created["prefix"]]
    assert "key" not in listed[0]
    assert key not in client.get("/admin/api-keys", headers=HTML).text


def test_only_a_hash_of_the_secret_is_stored(client: TestClient, app: FastAPI) -> None:
    key = str(_create(client, SARI)["key"])
    secret = key.split("_", 2)[2]
    with unit_of_work(app.state.session_factory) as session:
        row = session.scalars(select(ApiKey)).one()
    assert row.secret_hash == hashlib.sha256(secret.encode()).hexdigest()
    assert secret not in {row.prefix, row.label, row.secret_hash}


def test_a_provincial_key_acts_as_the_agency_within_its_province(client: TestClient) -> None:
    key = _create(client, SARI)["key"]
    response = client.get("/api/partner/whoami", headers=_bearer(key))
    assert response.status_code == 200
    assert response.json() == {
        "username": "partner_agency",
        "agency": "پلیس ۱۱۰ مازندران",
        "label": "Police 110 Sari",
        "scope": "province",
        "province_code": "IR-02",
    }


def test_a_key_without_a_province_reaches_the_whole_nation(client: TestClient) -> None:
    key = _create(client, NATIONAL)["key"]
    body = client.get("/api/partner/whoami", headers={"X-API-Key": str(key)}).json()
    assert body["scope"] == "national" and body["province_code"] is None


def test_a_revoked_key_is_refused_at_once(client: TestClient) -> None:
    created = _create(client, SARI)
    revoked = client.post(
        f"/api/admin/api-keys/{created['id']}/revoke", headers=_admin(client)
    )
    assert revoked.status_code == 200 and revoked.json()["revoked_at"] is not None
    client.cookies.clear()
    response = client.get("/api/partner/whoami", headers=_bearer(created["key"]))
    assert response.status_code == 401
    assert "revoked" in response.json()["message"]
    assert "باطل شده" in response.json()["message_fa"]


@pytest.mark.parametrize(
    "presented",
    [
        "pnh_000000000000_" + "A" * 43,  # well formed, unknown
        "pnh_short_secret",
        "not-a-key",
        "",
    ],
)
def test_unknown_and_malformed_keys_get_401_in_both_languages(
    client: TestClient, presented: str
) -> None:
    response = client.get("/api/partner/whoami", headers=_bearer(presented))
    assert response.status_code == 401
    assert response.json()["error"] == "not_authenticated"
    assert "not valid" in response.json()["message"]
    assert "معتبر نیست" in response.json()["message_fa"]


def test_a_key_with_the_right_prefix_and_a_wrong_secret_is_refused(client: TestClient) -> None:
    key = str(_create(client, SARI)["key"])
    forged = key[: -1] + ("A" if key[-1] != "A" else "B")
    assert client.get("/api/partner/whoami", headers=_bearer(forged)).status_code == 401


def test_a_partner_key_cannot_reach_staff_routes(client: TestClient) -> None:
    headers = _bearer(_create(client, NATIONAL)["key"])
    for path in ("/api/geo/status", "/api/admin/api-keys", "/map", "/admin/api-keys"):
        response = client.get(path, headers=headers)
        assert response.status_code == 403, path
    assert client.post("/api/admin/api-keys", json=SARI, headers=headers).status_code == 403


def test_staff_cannot_use_the_partner_api(client: TestClient) -> None:
    login(client, "national_office")
    assert client.get("/api/partner/whoami").status_code == 403


def test_only_administrators_manage_keys(client: TestClient) -> None:
    login(client, "supervisor")
    token = {"X-CSRF-Token": csrf(client)}
    assert client.get("/admin/api-keys", headers=HTML).status_code == 403
    assert client.post("/api/admin/api-keys", json=SARI, headers=token).status_code == 403


def test_keys_are_only_for_partner_agency_and_integration_accounts(client: TestClient) -> None:
    headers = _admin(client)
    body = {**SARI, "username": "counsellor"}
    response = client.post("/api/admin/api-keys", json=body, headers=headers)
    assert response.status_code == 422
    assert "not an active partner-agency or integration account" in response.json()["message"]


def test_an_unknown_province_or_an_empty_label_is_refused(client: TestClient) -> None:
    headers = _admin(client)
    for body in ({**SARI, "province_code": "IR-99"}, {**SARI, "label": "   "}):
        response = client.post("/api/admin/api-keys", json=body, headers=headers)
        assert response.status_code == 422, body
        assert response.json()["message_fa"]


def test_revoking_a_key_that_does_not_exist_is_404(client: TestClient) -> None:
    response = client.post("/api/admin/api-keys/999/revoke", headers=_admin(client))
    assert response.status_code == 404


def test_creating_and_revoking_keys_is_audited(client: TestClient, app: FastAPI) -> None:
    created = _create(client, SARI)
    headers = _admin(client)
    for _ in range(2):  # revoking twice records one revocation
        client.post(f"/api/admin/api-keys/{created['id']}/revoke", headers=headers)
    with unit_of_work(app.state.session_factory) as session:
        rows = session.execute(
            select(AuditEvent.action, AuditEvent.subject_type, AuditEvent.subject_id,
                   AuditEvent.reason)
            .where(AuditEvent.action.in_(["api_key_created", "api_key_revoked"]))
            .order_by(AuditEvent.seq)
        ).all()
    key_id = str(created["id"])
    assert [tuple(row) for row in rows] == [
        ("api_key_created", "api_key", key_id, "Police 110 Sari for partner_agency (IR-02)"),
        ("api_key_revoked", "api_key", key_id, "Police 110 Sari"),
    ]


def test_the_last_use_of_a_key_is_recorded(
    client: TestClient, app: FastAPI, clock: FrozenClock
) -> None:
    created = _create(client, SARI)
    clock.advance(minutes=3)
    client.get("/api/partner/whoami", headers=_bearer(created["key"]))
    with unit_of_work(app.state.session_factory) as session:
        row = session.get_one(ApiKey, created["id"])
    assert row.last_used_at is not None
    assert row.last_used_at.replace(tzinfo=clock.now().tzinfo) == clock.now()


def test_the_admin_page_creates_shows_once_and_revokes(client: TestClient) -> None:
    login(client, "admin")
    token = csrf(client)
    page = client.get("/admin/api-keys", headers=HTML)
    assert page.status_code == 200
    assert "کلیدهای API سازمان‌های همکار" in page.text
    assert "هنوز کلیدی نیست" in page.text
    created = client.post(
        "/admin/api-keys",
        data={"username": "partner_agency", "label": "Police 110 Sari",
              "province_code": "IR-02", "csrf_token": token},
        headers=HTML,
    )
    assert created.status_code == 201
    key = created.text.split('class="code api-key-text" dir="ltr">', 1)[1].split("<", 1)[0]
    assert key.startswith("pnh_")
    listing = client.get("/admin/api-keys", headers=HTML).text
    assert key not in listing and "Police 110 Sari" in listing
    key_id = listing.split('action="/admin/api-keys/', 1)[1].split("/", 1)[0]
    revoked = client.post(f"/admin/api-keys/{key_id}/revoke", data={"csrf_token": token})
    assert revoked.status_code == 303 and revoked.headers["location"] == "/admin/api-keys"
    assert "باطل‌شده" in client.get("/admin/api-keys", headers=HTML).text
    client.cookies.clear()
    assert client.get("/api/partner/whoami", headers=_bearer(key)).status_code == 401


def test_the_admin_page_explains_a_refused_key(client: TestClient) -> None:
    login(client, "admin")
    response = client.post(
        "/admin/api-keys",
        data={"username": "partner_agency", "label": " ", "csrf_token": csrf(client)},
        headers=HTML,
    )
    assert response.status_code == 422
    assert "برچسبی ۱ تا ۱۲۰ نویسه" in response.text
