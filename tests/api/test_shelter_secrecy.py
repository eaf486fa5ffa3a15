"""No response to anyone without need carries a shelter's address or phone (issue 17).

Every GET route of the app (API and pages, enumerated as the access matrix does, so routes
added later are walked without editing this file) is requested by every demo user, with
the path samples of ``route_samples.py``; the body must not contain the address or the
phone of any demo shelter the user has no need for (``shelters.model.address_need``), in
Latin or Persian digits, with or without dashes, raw or JSON-escaped. And those with need
do get them, so the strings looked for are the real ones."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import select

from panah.centres.shelters.model import address_need
from panah.centres.shelters.orm import Shelter
from panah.core.db import unit_of_work
from tests.api.route_samples import PATH_SAMPLES
from tests.api.test_access_matrix import USERS, Facts, probes, variants
from tests.conftest import login

FA = str.maketrans("0123456789", "۰۱۲۳۴۵۶۷۸۹")
WITHOUT_NEED = ("counsellor", "field_crew", "social_worker", "psychologist", "psychiatrist",
                "legal_adviser", "community_worker", "dispatcher", "national_office",
                "analyst", "admin", "partner_agency", "counsellor_gilan")


def _forms(text: str) -> set[str]:
    """The string as stored, in Persian digits, without separators, and JSON-escaped."""
    forms = {text, text.translate(FA)}
    digits = "".join(ch for ch in text if ch.isdigit())
    if len(digits) >= 7:  # a phone: its digits alone, too
        forms |= {digits, digits.translate(FA)}
    forms |= {json.dumps(f)[1:-1] for f in set(forms)}
    return forms


def _secrets(app: FastAPI, facts: Facts, username: str) -> list[str]:
    actor = facts.actor(username)
    found: list[str] = []
    with unit_of_work(app.state.session_factory) as session:
        for shelter in session.scalars(select(Shelter)):
            if address_need(actor, shelter.province_code, shelter.centre_id):
                continue
            for secret in (shelter.address, shelter.phone):
                assert secret, "every demo shelter has an address and a phone"
                found += _forms(secret)
                if "،" in secret:  # the street alone, before the house number
                    found += _forms(secret.split("،")[0])
    return found


def _unsampled(path: str) -> bool:
    """A path parameter with no sample yet: the access matrix fails on it, pointing to
    route_samples.py; once added, this walk takes the route too."""
    return any(n not in PATH_SAMPLES for n in re.findall(r"{(\w+)(?::\w+)?}", path))


@pytest.fixture
def clients(app: FastAPI) -> Iterator[dict[str, TestClient]]:
    made = {u: login(TestClient(app, follow_redirects=False), u) for u in USERS}
    yield made
    for client in made.values():
        client.close()


def test_no_response_to_anyone_without_need_carries_a_shelters_address_or_phone(
        app: FastAPI, clients: dict[str, TestClient], database_url: str) -> None:
    facts = Facts(database_url.removeprefix("sqlite:///"))
    secrets = {u: _secrets(app, facts, u) for u in USERS}
    assert all(secrets[u] for u in WITHOUT_NEED)  # each of them is kept from all three
    leaks, walked = [], 0
    for probe in probes(app):
        if probe.method != "GET" or probe.path == "/logout" or _unsampled(probe.path):
            continue
        for label, values in variants(probe, facts):
            path = probe.path.format(**values)
            for username, client in clients.items():
                for accept in ("application/json", "text/html"):
                    response = client.get(path, headers={"Accept": accept})
                    walked += 1
                    leaks += [f"{username} GET {path} [{label}] {accept}: {s!r}"
                              for s in secrets[username] if s in response.text]
    assert not leaks, "\n".join(leaks[:40])
    assert walked > len(USERS) * 50  # it really walked the routes


@pytest.mark.parametrize("username", ["shelter_manager", "supervisor", "provincial_manager"])
def test_those_with_need_do_get_the_sari_shelters_address_and_phone(
        app: FastAPI, username: str, database_url: str) -> None:
    facts = Facts(database_url.removeprefix("sqlite:///"))
    with unit_of_work(app.state.session_factory) as session:
        sari = session.scalars(select(Shelter).where(Shelter.name_en == "Sari shelter")).one()
        sari_id, address, phone = sari.id, sari.address, sari.phone
    assert address and phone
    client = login(TestClient(app), username)
    answer = client.get(f"/api/shelters/{sari_id}/address").json()
    assert (answer["address"], answer["phone"]) == (address, phone)
    assert address in client.get(f"/shelters/{sari_id}/setup").text
    # … and these are among the strings the walk looks for on everyone else's screens.
    assert address in _secrets(app, facts, "counsellor")
    assert phone in _secrets(app, facts, "national_office")


@pytest.mark.parametrize("username", ["counsellor", "social_worker", "national_office",
                                      "analyst", "supervisor_tehran"])
def test_asking_for_the_address_without_need_is_refused_naming_the_rule(
        app: FastAPI, username: str) -> None:
    with unit_of_work(app.state.session_factory) as session:
        sari_id = session.scalar(select(Shelter.id).where(Shelter.name_en == "Sari shelter"))
    answer = login(TestClient(app), username).get(f"/api/shelters/{sari_id}/address")
    assert answer.status_code == 403
    body = answer.json()
    assert "given only to its manager and the province's supervisors" in body["message"]
    assert "درخواست تخت" in body["message_fa"]


def test_every_reveal_and_refusal_of_the_address_is_on_the_audit_chain(
        app: FastAPI, database_url: str) -> None:
    with unit_of_work(app.state.session_factory) as session:
        sari_id = session.scalar(select(Shelter.id).where(Shelter.name_en == "Sari shelter"))
    login(TestClient(app), "supervisor").get(f"/api/shelters/{sari_id}/address")
    login(TestClient(app), "counsellor").get(f"/api/shelters/{sari_id}/address")
    facts = Facts(database_url.removeprefix("sqlite:///"))
    rows = facts.db.execute("SELECT action FROM audit_event WHERE subject_type="
                            "'shelter_address' AND subject_id=?", (str(sari_id),)).fetchall()
    assert sorted(a for (a,) in rows) == ["denied", "read"]
