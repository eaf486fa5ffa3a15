"""Keeping the directory through HTTP: the national administrator (admin) and Mazandaran's
provincial manager add and change partner agencies and services; counsellors find them
at once; another province's entries and the national ones stay out of a provincial
manager's reach; an agency with referrals is deactivated, never deleted."""

from __future__ import annotations

from typing import Any

from fastapi import FastAPI
from sqlalchemy import func, select

from panah.core.db import unit_of_work
from panah.intake.orm import Contact
from panah.security.audit_orm import AuditEvent
from panah.security.policy import Actor
from panah.security.roles import Role
from panah.triage.directory import queries
from panah.triage.directory import service as keeping
from panah.triage.orm import Agency, Referral, Resource
from tests.api.conftest import HTML, People
from tests.conftest import NOWRUZ

AGENCIES, SERVICES = "/api/admin/directory/agencies", "/api/admin/directory/services"


def agency(**changes: Any) -> dict[str, Any]:
    return {"code": "ngo-ir02-chalus-omid", "domain": "ngo",
            "name_fa": "انجمن امید چالوس", "name_en": "Omid association, Chalus",
            "province_code": "IR-02", "county": "چالوس", "phone": "01152223344", **changes}


def service(**changes: Any) -> dict[str, Any]:
    return {"code": "res-ir02-chalus-omid-shelter", "name_fa": "خانهٔ امن امید چالوس",
            "name_en": "Omid safe house, Chalus",
            "description_fa": "پناه موقت برای زنان در خطر خشونت خانگی",
            "needs": ["spouse_abuse", "housing"], "province_code": "IR-02",
            "county": "Chalus", "phone": "1480", **changes}


def audited(app: FastAPI, subject_type: str, code: str) -> list[str]:
    with unit_of_work(app.state.session_factory) as session:
        return list(session.scalars(select(AuditEvent.action).where(
            AuditEvent.subject_type == subject_type, AuditEvent.subject_id == code)
            .order_by(AuditEvent.seq)))


def agency_with_referral(app: FastAPI, state: str) -> str:
    """Chalus's police command, with one referral in ``state`` from a Mazandaran contact."""
    with unit_of_work(app.state.session_factory) as session:
        police = session.scalar(select(Agency).where(Agency.code == "police-110-ir02-chalus"))
        contact_id = session.scalar(select(Contact.id).where(Contact.province_code == "IR-02")
                                    .limit(1))
        assert police is not None and contact_id is not None
        session.add(Referral(contact_id=contact_id, agency_id=police.id, state=state,
                             urgency="high", consent="given", requested_at=NOWRUZ,
                             ack_due_at=NOWRUZ, updated_at=NOWRUZ))
        return police.code


def gilan_code(app: FastAPI, model: type[Agency] | type[Resource]) -> str:
    with unit_of_work(app.state.session_factory) as session:
        code = session.scalar(select(model.code).where(model.province_code == "IR-01").limit(1))
    assert code is not None
    return code


def test_admin_adds_an_agency_in_chalus_by_its_persian_name_and_it_is_audited(
    app: FastAPI, people: People,
) -> None:
    admin = people("admin")
    made = admin.post(AGENCIES, json=agency())
    assert made.status_code == 201, made.text
    body = made.json()
    assert body["county_name_en"].startswith("Chalus") and body["active"] is True
    assert body["phone"] == "+981152223344" and body["staff"] == []
    again = admin.get(f"{AGENCIES}/ngo-ir02-chalus-omid")
    assert again.status_code == 200 and again.json()["name_fa"] == "انجمن امید چالوس"
    assert audited(app, "agency", "ngo-ir02-chalus-omid") == ["create"]


def test_saving_an_existing_code_changes_that_agency(app: FastAPI, people: People) -> None:
    manager = people("provincial_manager")
    assert manager.post(AGENCIES, json=agency()).status_code == 201
    changed = manager.put(f"{AGENCIES}/ngo-ir02-chalus-omid", json=agency(phone="110"))
    assert changed.status_code == 200, changed.text
    assert changed.json()["phone"] == "110"
    upsert = manager.post(AGENCIES, json=agency(name_en=""))
    assert upsert.status_code == 200 and upsert.json()["name_en"] == "انجمن امید چالوس"
    with unit_of_work(app.state.session_factory) as session:
        assert session.scalar(select(func.count()).select_from(Agency).where(
            Agency.code == "ngo-ir02-chalus-omid")) == 1
    assert audited(app, "agency", "ngo-ir02-chalus-omid") == ["create", "update", "update"]


def test_a_misspelt_county_is_refused_with_the_closest_names(people: People) -> None:
    refused = people("admin").post(AGENCIES, json=agency(county="Chaloos"))
    assert refused.status_code == 422, refused.text
    body = refused.json()
    assert body["details"]["field"] == "county"
    assert any(s.startswith("Chalus") for s in body["details"]["suggestions"])
    assert "چالوس" in body["message_fa"]
    assert people("admin").get(f"{AGENCIES}/ngo-ir02-chalus-omid").status_code == 404


def test_a_county_of_another_province_is_refused(people: People) -> None:
    refused = people("admin").post(AGENCIES, json=agency(county="Rasht"))
    assert refused.status_code == 422, refused.text
    assert refused.json()["details"]["field"] == "county"


def test_an_unknown_need_is_refused_naming_the_taxonomy(app: FastAPI, people: People) -> None:
    refused = people("admin").post(SERVICES, json=service(needs=["housing", "shelter"]))
    assert refused.status_code == 422, refused.text
    assert refused.json()["details"]["need"] == "shelter"
    assert "spouse_abuse" in refused.json()["message"]
    with unit_of_work(app.state.session_factory) as session:
        assert session.scalar(select(Resource).where(
            Resource.code == "res-ir02-chalus-omid-shelter")) is None


def test_a_counsellor_finds_a_new_service_at_once(app: FastAPI, people: People) -> None:
    made = people("provincial_manager").post(SERVICES, json=service())
    assert made.status_code == 201, made.text
    assert [n["code"] for n in made.json()["needs"]] == ["spouse_abuse", "housing"]
    found = people("counsellor").get("/api/directory/resources",
                                     params={"q": "خانه امن امید", "county": "چالوس"})
    assert found.status_code == 200
    assert found.json()[0]["code"] == "res-ir02-chalus-omid-shelter"
    by_need = people("counsellor").get("/api/directory/resources",
                                       params={"county": "Chalus", "need": "housing"}).json()
    assert "res-ir02-chalus-omid-shelter" in [r["code"] for r in by_need]
    assert audited(app, "directory_service", "res-ir02-chalus-omid-shelter") == ["create"]


def test_mazandarans_manager_cannot_touch_gilan_or_national_entries(
    app: FastAPI, people: People,
) -> None:
    manager = people("provincial_manager")
    made = manager.post(AGENCIES, json=agency(code="ngo-ir01-rasht", province_code="IR-01",
                                              county="Rasht"))
    assert made.status_code == 403, made.text
    assert manager.post(SERVICES, json=service(province_code=None, county=None)
                        ).status_code == 403
    gilan = gilan_code(app, Agency)
    assert manager.get(f"{AGENCIES}/{gilan}").status_code == 403
    assert manager.put(f"{AGENCIES}/{gilan}", json=agency(code=gilan)).status_code == 403
    assert manager.delete(f"{SERVICES}/res-1480").status_code == 403
    listed = manager.get(AGENCIES).json()
    assert listed and {a["province_code"] for a in listed} == {"IR-02"}
    assert manager.get(AGENCIES, params={"province": "IR-01"}).status_code == 403
    assert "denied" in audited(app, "agency", gilan)
    # The national administrator reaches them all.
    assert people("admin").get(f"{AGENCIES}/{gilan}").status_code == 200
    assert people("counsellor").get(AGENCIES).status_code == 403


def test_an_agency_with_referrals_is_deactivated_never_deleted(
    app: FastAPI, people: People,
) -> None:
    admin, code = people("admin"), agency_with_referral(app, "requested")
    refused = admin.delete(f"{AGENCIES}/{code}")
    assert refused.status_code == 409, refused.text
    assert "Deactivate" in refused.json()["message"] and "open" in refused.json()["message"]
    assert admin.get(f"{AGENCIES}/{code}").json()["open_referrals"] == 1
    row = admin.get(f"{AGENCIES}/{code}").json()
    payload = {k: row[k] for k in ("code", "domain", "name_fa", "name_en", "province_code",
                                   "phone")} | {"county": row["county_key"], "active": False}
    off = admin.put(f"{AGENCIES}/{code}", json=payload)
    assert off.status_code == 200, off.text
    assert off.json()["active"] is False
    listed = people("counsellor").get("/api/directory/agencies",
                                      params={"province": "IR-02"}).json()
    assert code not in [a["code"] for a in listed]
    assert admin.get(f"{AGENCIES}/{code}").status_code == 200  # kept, with its history


def test_an_agency_with_only_past_referrals_is_not_deleted_either(
    app: FastAPI, people: People,
) -> None:
    code = agency_with_referral(app, "completed")
    refused = people("provincial_manager").delete(f"{AGENCIES}/{code}")
    assert refused.status_code == 409 and refused.json()["details"]["referrals"] == 1


def test_an_agency_without_referrals_is_deleted(app: FastAPI, people: People) -> None:
    admin = people("admin")
    assert admin.post(AGENCIES, json=agency()).status_code == 201
    assert admin.delete(f"{AGENCIES}/ngo-ir02-chalus-omid").status_code == 204
    assert admin.get(f"{AGENCIES}/ngo-ir02-chalus-omid").status_code == 404
    assert audited(app, "agency", "ngo-ir02-chalus-omid") == ["create", "delete"]


def test_staff_are_linked_to_an_agency_and_only_partner_accounts(
    app: FastAPI, people: People,
) -> None:
    manager = people("provincial_manager")
    assert manager.post(AGENCIES, json=agency()).status_code == 201
    linked = manager.put(f"{AGENCIES}/ngo-ir02-chalus-omid/staff",
                         json={"usernames": ["police_110", "ems_115"]})
    assert linked.status_code == 200, linked.text
    assert [s["username"] for s in linked.json()["staff"]] == ["ems_115", "police_110"]
    refused = manager.put(f"{AGENCIES}/ngo-ir02-chalus-omid/staff",
                          json={"usernames": ["counsellor"]})
    assert refused.status_code == 422 and refused.json()["details"]["username"] == "counsellor"
    kept = manager.get(f"{AGENCIES}/ngo-ir02-chalus-omid").json()["staff"]
    assert len(kept) == 2  # the refusal changed nothing
    account = manager.put(f"{AGENCIES}/ngo-ir02-chalus-omid/account",
                          json={"username": "partner_agency"})
    assert account.status_code == 200 and account.json()["api_account"] == "partner_agency"
    assert account.json()["has_partner_api"] is True
    # The linked desk officer now sees the agency in their referral inbox.
    inbox = people("police_110").get("/partner", headers=HTML)
    assert inbox.status_code == 200
    assert "انجمن امید چالوس" in inbox.text


def test_the_page_lists_the_province_and_saves_a_service_from_its_form(
    app: FastAPI, people: People,
) -> None:
    manager = people("provincial_manager")
    page = manager.get("/admin/directory", headers=HTML)
    assert page.status_code == 200
    assert 'data-code="police-110-ir02-chalus"' in page.text
    assert 'data-code="res-1480"' not in page.text  # national: not the province's to keep
    token = manager.headers["X-CSRF-Token"]
    saved = manager.post("/admin/directory/services", headers=HTML, data={
        "csrf_token": token, "code": "res-ir02-sari-omid", "name_fa": "مشاوره امید ساری",
        "needs": ["housing"], "province_code": "IR-02", "county": "ساری", "phone": "1480"})
    assert saved.status_code == 303, saved.text
    refused = manager.post("/admin/directory/services", headers=HTML, data={
        "csrf_token": token, "code": "res-ir02-x", "name_fa": "x", "province_code": "IR-02",
        "county": "Sarri"})
    assert refused.status_code == 422
    assert "ساری" in refused.text  # the closest name suggested
    assert 'value="res-ir02-x"' in refused.text  # the form comes back as typed
    listed = manager.get("/admin/directory", params={"need": "housing"}, headers=HTML).text
    assert 'data-code="res-ir02-sari-omid"' in listed


def test_on_the_page_a_manager_deactivates_an_agency_and_links_its_staff(
    app: FastAPI, people: People,
) -> None:
    manager = people("provincial_manager")
    token = manager.headers["X-CSRF-Token"]
    off = manager.post("/admin/directory/agencies/police-110-ir02-sari/active", headers=HTML,
                       data={"csrf_token": token, "active": "0"})
    assert off.status_code == 303, off.text
    staff = manager.post("/admin/directory/agencies/police-110-ir02-sari/staff", headers=HTML,
                         data={"csrf_token": token, "usernames": ["ems_115"]})
    assert staff.status_code == 303, staff.text
    row = manager.get(f"{AGENCIES}/police-110-ir02-sari").json()
    assert row["active"] is False and [s["username"] for s in row["staff"]] == ["ems_115"]
    # The demo itself went through save_agency (a "create" first): the page adds two.
    assert audited(app, "agency", "police-110-ir02-sari")[-2:] == ["update", "update"]
    gilan = gilan_code(app, Agency)
    refused = manager.post(f"/admin/directory/agencies/{gilan}/active", headers=HTML,
                           data={"csrf_token": token, "active": "0"})
    assert refused.status_code == 403


def test_the_national_admin_chooses_a_province_and_reads_the_page_in_english(
    people: People,
) -> None:
    admin = people("admin")
    gilan = admin.get("/admin/directory", params={"province": "IR-01", "lang": "en"},
                      headers=HTML)
    assert gilan.status_code == 200
    assert "Partner agencies and services" in gilan.text
    assert 'data-code="' in gilan.text and "-ir01" in gilan.text
    assert 'data-code="police-110-ir02-chalus"' not in gilan.text
    assert people("provincial_manager").get(
        "/admin/directory", params={"province": "IR-01"}, headers=HTML).status_code == 403
    assert people("counsellor").get("/admin/directory", headers=HTML).status_code == 403


def test_the_api_is_described_in_openapi(app: FastAPI) -> None:
    paths = app.openapi()["paths"]
    for path, methods in {AGENCIES: {"get", "post"},
                          f"{AGENCIES}/{{agency_code}}": {"get", "put", "delete"},
                          f"{AGENCIES}/{{agency_code}}/staff": {"put"},
                          SERVICES: {"get", "post"},
                          f"{SERVICES}/{{service_code}}": {"get", "put", "delete"}}.items():
        assert methods <= set(paths[path]), path


def test_exported_rows_save_back_unchanged_as_a_bulk_import_would(app: FastAPI) -> None:
    manager = Actor(0, "davood", Role.provincial_manager, "IR-02")
    with unit_of_work(app.state.session_factory) as session:
        agencies = queries.agency_rows(session, actor=manager)
        services = queries.resource_rows(session, actor=manager)
        assert agencies and services
        assert {a.province_code for a in agencies} == {"IR-02"}
        before = [(a.code, a.county_key, a.phone) for a in session.scalars(
            select(Agency).where(Agency.province_code == "IR-02").order_by(Agency.code))]
        assert not any(keeping.save_agency(session, actor=manager, now=NOWRUZ, data=a)[1]
                       for a in agencies)
        assert not any(keeping.save_resource(session, actor=manager, now=NOWRUZ, data=r)[1]
                       for r in services)
        after = [(a.code, a.county_key, a.phone) for a in session.scalars(
            select(Agency).where(Agency.province_code == "IR-02").order_by(Agency.code))]
        assert after == before
        session.rollback()
