"""No personal text is stored in plain (issue 14, security 10), checked the general way:
after the full demo and a browser journey that carries a woman's name, phone number,
national code and street through every door — a neighbour's report and a chat on the help
page, the counsellor's triage, summary for the crew and closing note, a case file, the
dispatch board, the crew's phone with its visit report and team channel — every text column
of every table in the database file is read, and none may hold any of those strings.

The columns that hold plain text on purpose are listed below with why (codes, enums,
hashes, reference data, staff's own names, text the system writes); the encrypted ones
are found from the models, and their every value must be a sealed token. A column added
later by anyone is checked too, listed or not: it fails as soon as it keeps one of the
journey's strings.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Browser, expect

from panah.core.db import Base, import_all_models
from panah.security.crypto import EncryptedText
from tests.conftest import BOUNDARIES
from tests.e2e.conftest import PHONE, LiveServer, _offline_page, _serve, api, sign_in

pytestmark = pytest.mark.e2e

NAME = "ترانه بی‌نشان"
STREET = "کوچهٔ نسترن‌بیدی"
PHONE_NUMBER = "09127776655"
NATIONAL_CODE = "0429123450"
# What must never be found in plain: each string, and the forms it may be stored in.
SECRETS = (NAME, "بی‌نشان", STREET, "نسترن‌بیدی", "7776655", "۷۷۷۶۶۵۵", NATIONAL_CODE,
           "۰۴۲۹۱۲۳۴۵۰")
CHALUS = {"latitude": 36.6550, "longitude": 51.4205, "accuracy": 30}
TOKEN_PREFIX = "v1."  # panah.security.crypto's sealed tokens

# Columns kept in plain text on purpose, and why. Every other text column either is
# encrypted (found from the models) or is checked like these: no journey string in it.
CODES = "a code or an enum value from a closed list"
HASH = "a keyed hash or a digest: no text can be read back from it"
REFERENCE = "reference data loaded by an administrator (places, services, agencies)"
STAFF = "staff and units as the organisation names them, not clients"
MACHINE = "text the system writes from codes and numbers, never from what people typed"
PLAINTEXT: dict[str, str] = {
    "access_grant.category": CODES, "agency.code": CODES, "agency.domain": CODES,
    "agency.name_fa": REFERENCE, "agency.name_en": REFERENCE, "agency.province_code": CODES,
    "agency.county_key": CODES, "agency.phone": REFERENCE,
    "alembic_version.version_num": CODES,
    "api_key.label": STAFF, "api_key.province_code": CODES, "api_key.prefix": HASH,
    "api_key.secret_hash": HASH,
    "app_user.username": STAFF, "app_user.full_name": STAFF, "app_user.password_hash": HASH,
    "app_user.role": CODES, "app_user.province_code": CODES, "app_user.language": CODES,
    "app_user.languages": CODES,
    "assignment.explanation": MACHINE + " (minutes, crew roles, the post's name)",
    "audit_event.actor_role": CODES, "audit_event.action": CODES,
    "audit_event.subject_type": CODES, "audit_event.subject_id": CODES,
    "audit_event.reason": MACHINE + " (or a staff member's stated reason for an access)",
    "audit_event.prev_hash": HASH, "audit_event.hash": HASH,
    "boundary_import.source": REFERENCE, "boundary_import.sha256": HASH,
    "break_glass.province_code": CODES,
    "break_glass.reason": "a staff member's stated reason for opening a case, kept readable "
                          "for the review of break-glass; no client data by rule",
    "callback.state": CODES, "callback_attempt.outcome": CODES,
    "case_file.province_code": CODES, "case_file.category": CODES,
    "case_file.restricted_category": CODES, "case_file.status": CODES,
    "centre.code": CODES, "centre.kind": CODES, "centre.name_fa": REFERENCE,
    "centre.name_en": REFERENCE, "centre.province_code": CODES,
    "channel.kind": CODES, "channel.province_code": CODES,
    "channel_message.client_id": HASH + " (a random key from the phone)",
    "channel_message.sender_name": STAFF, "channel_message.kind": CODES,
    "channel_message.voice_mime": CODES, "channel_message.source": CODES,
    "chat_message.sender": CODES,
    "client.phone_hash": HASH, "client.national_code_hash": HASH, "client.gender": CODES,
    "client.province_code": CODES,
    "contact.channel": CODES, "contact.external_id": CODES + " (the PBX's or chat's id)",
    "contact.state": CODES, "contact.caller_hash": HASH,
    "contact.called": "the service's own number dialled (123), not the caller's",
    "contact.risk": CODES, "contact.language": CODES, "contact.queue": CODES,
    "contact.province_code": CODES, "contact.county_key": CODES, "contact.centre_code": CODES,
    "contact.location_source": CODES, "contact.offered_to": CODES,
    "contact.visitor_token_hash": HASH,
    "contact_category.code": CODES, "contact_location.source": CODES,
    "contact_location.province_code": CODES,
    "contact_outcome.outcome": CODES, "contact_outcome.directory_entries": CODES,
    "county.key": CODES, "county.province_code": CODES, "county.name_fa": REFERENCE,
    "county.name_en": REFERENCE, "county.seat_fa": REFERENCE, "county.seat_en": REFERENCE,
    "county.outline_geojson": REFERENCE,
    "crew_member.full_name": STAFF, "crew_member.role": CODES, "crew_seat.role": CODES,
    "dispatch_alert.province_code": CODES, "dispatch_alert.kind": CODES,
    "dispatch_request.province_code": CODES, "dispatch_request.county_key": CODES,
    "dispatch_request.priority": CODES, "dispatch_request.cautions": CODES,
    "dispatch_request.state": CODES, "dispatch_request.caller_kind": CODES,
    "follow_up.province_code": CODES, "follow_up.reason_en": MACHINE,
    "follow_up.reason_fa": MACHINE, "follow_up.protocols": CODES, "follow_up.result": CODES,
    "inbound_event.source": CODES, "inbound_event.key": CODES + " (the sender's event id)",
    "inbound_event.kind": CODES, "inbound_event.caller_hash": HASH,
    "inbound_event.status": CODES,
    "inbound_event.error": MACHINE + " (the error's type and place, never the payload)",
    "incident.province_code": CODES, "incident.county_key": CODES, "incident.priority": CODES,
    "incident.state": CODES, "incident.cautions": CODES, "incident.needs_roles": CODES,
    "incident.needs_kind": CODES, "incident.categories": CODES, "incident.caller_kind": CODES,
    "incident_report.client_id": HASH + " (a random key from the phone)",
    "incident_report.outcome": CODES,
    "line_setting.province_code": CODES, "line_setting.backup_queues": CODES,
    "line_setting.hours": CODES,
    "login_challenge.token_hash": HASH, "login_challenge.next_path": "a page's path",
    "login_failure.username": STAFF, "login_failure.address": "a network address",
    "login_failure.kind": CODES,
    "outbound_sms.status": CODES, "outbound_sms.provider_ref": CODES,
    "post.code": CODES, "post.kind": CODES, "post.name_fa": REFERENCE, "post.name_en": REFERENCE,
    "province.code": CODES, "province.name_fa": REFERENCE, "province.name_en": REFERENCE,
    "province.capital_fa": REFERENCE, "province.capital_en": REFERENCE,
    "province.area_code": CODES, "province.outline_geojson": REFERENCE,
    "referral.state": CODES, "referral.urgency": CODES, "referral.kind": CODES,
    "referral.category": CODES, "referral.consent": CODES,
    "referral.partner_reference": CODES + " (the partner's case number)",
    "resource.code": CODES, "resource.name_fa": REFERENCE, "resource.name_en": REFERENCE,
    "resource.description_fa": REFERENCE, "resource.description_en": REFERENCE,
    "resource.needs": CODES, "resource.province_code": CODES, "resource.county_key": CODES,
    "resource.phone": REFERENCE, "resource.address_fa": REFERENCE,
    "resource.hours_fa": REFERENCE, "resource.search_text": REFERENCE,
    "routing_step.step": CODES, "routing_step.outcome": CODES,
    "routing_step.detail_en": MACHINE, "routing_step.detail_fa": MACHINE,
    "routing_step.data": MACHINE + " (codes and coordinates as JSON)",
    "screen.protocol_id": CODES, "screen.version": CODES, "screen.level": CODES,
    "screen.reasons": MACHINE + " (the protocol's own words for its answers)",
    "unit.call_sign": STAFF, "unit.kind": CODES, "unit.status": CODES,
    "unit.province_code": CODES, "unit_position.source": CODES,
    "unit_status_event.status": CODES, "unit_status_event.previous": CODES,
    "unit_status_event.source": CODES,
    "unit_status_event.client_id": HASH + " (a random key from the phone)",
    "web_session.token_hash": HASH, "web_session.csrf_token": HASH + " (random, per session)",
}


def encrypted_columns() -> set[str]:
    import_all_models()
    return {f"{table.name}.{column.name}" for table in Base.metadata.tables.values()
            for column in table.columns if isinstance(column.type, EncryptedText)}


def text_columns(db: sqlite3.Connection) -> list[str]:
    """Every column of every table in the database file whose type holds text."""
    found = []
    for (table,) in db.execute("SELECT name FROM sqlite_master WHERE type = 'table' "
                               "AND name NOT LIKE 'sqlite_%' ORDER BY name"):
        for _, column, kind, *_ in db.execute(f'PRAGMA table_info("{table}")'):
            if any(word in kind.upper() for word in ("CHAR", "TEXT", "CLOB", "JSON")) \
                    or not kind:
                found.append(f"{table}.{column}")
    return found


def stored_problems(database: Path) -> list[str]:
    """What is wrong in the file: a journey string in any column, or a value of an
    encrypted column that is not a sealed token."""
    sealed = encrypted_columns()
    problems = []
    with sqlite3.connect(f"file:{database}?mode=ro", uri=True) as db:
        for name in text_columns(db):
            table, column = name.split(".")
            values = [str(v) for (v,) in db.execute(  # names from the file's own schema
                f'SELECT "{column}" FROM "{table}" WHERE "{column}" IS NOT NULL')]  # noqa: S608
            leaked = sorted({s for s in SECRETS for v in values if s in v})
            if leaked:
                why = f" (listed as plain: {PLAINTEXT[name]})" if name in PLAINTEXT else ""
                problems.append(f"{name} holds {leaked}{why}")
            if name in sealed and any(not v.startswith(TOKEN_PREFIX) for v in values):
                problems.append(f"{name} is encrypted in the models but holds plain values")
    return problems


@pytest.fixture(scope="module")
def server(request: pytest.FixtureRequest,
           tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[LiveServer, Path]]:
    """A server of its own on a file this test reads afterwards."""
    with_boundaries = BOUNDARIES.is_dir()
    template = request.getfixturevalue(
        "template_db_with_boundaries" if with_boundaries else "template_db")
    database = tmp_path_factory.mktemp("plaintext") / "panah.db"
    with _serve(template, tmp_path_factory, database) as url:
        yield LiveServer(url=url, with_boundaries=with_boundaries), database


def _page(browser: Browser, live: LiveServer, **options: Any) -> Any:
    return _offline_page(browser, live, **(options or {"viewport": {"width": 1280,
                                                                     "height": 900}}))


def _neighbour_reports(browser: Browser, live: LiveServer) -> None:
    """A neighbour on her phone in Chalus shares the location and sends the report form;
    the woman herself opens a chat."""
    with _page(browser, live, **PHONE, geolocation=CHALUS,
               permissions=["geolocation"]) as phone:
        phone.goto("/help")
        phone.click("#share-location")
        expect(phone.locator("#location-status")).to_contain_text("30")
        phone.fill("#report-what", f"همسایه‌ام {NAME} با دو بچه در {STREET} است؛ شوهرش "
                                   f"تهدید به کشتن کرده. شماره‌اش {PHONE_NUMBER} است.")
        phone.fill("#report-place", f"چالوس، {STREET}، ویلای سفید")
        phone.click("#report-form button[type=submit]")
        expect(phone.locator("#report-status")).not_to_be_empty()
        chat = phone.request.post("/api/help/chats", data={
            "message": f"من {NAME} هستم، شماره‌ام ۰۹۱۲۷۷۷۶۶۵۵، {STREET}.",
            "lat": CHALUS["latitude"], "lon": CHALUS["longitude"], "wants_woman": True})
        assert chat.status == 201, chat.text()


def _counsellor_triages(browser: Browser, live: LiveServer) -> int:
    """The Mazandaran counsellor takes the report, screens it, asks for a team with a
    summary and the place for the crew, writes to the chat, opens a case and closes."""
    with _page(browser, live) as page:
        sign_in(page, "counsellor")
        queue = api(page, "GET", "/api/line/queue")
        report = next(c["id"] for c in queue if c["channel"] == "web_report")
        chat = next(c["id"] for c in queue if c["channel"] == "web_chat")
        page.goto(f"/line/contacts/{report}")
        page.locator(".take-button").click()
        page.wait_for_url(f"**/line/contacts/{report}")
        expect(page.locator("#triage-panel")).to_have_attribute("data-state", "assigned")
        api(page, "PUT", f"/api/contacts/{report}/categories", {"codes": ["spouse_abuse"]})
        api(page, "POST", f"/api/contacts/{report}/screens", {
            "protocol_id": "lethality_screen", "answers": {
                "danger_now": False, "q1_weapon": False, "q2_threat_to_kill": True,
                "q3_might_kill": True}})
        page.goto(f"/line/contacts/{report}")
        form = page.locator("#triage-proposals li[data-kind=mobile_team] form")
        form.locator("input[name=caution][value=children_present]").check()
        form.locator("textarea[name=summary]").fill(
            f"{NAME} و دو کودک؛ شوهر تهدید به کشتن کرده؛ تلفن {PHONE_NUMBER}.")
        form.locator("input[name=place]").fill(f"{STREET}، ویلای سفید")
        form.locator("#request-mobile-team").click()
        expect(page.locator("#triage-taken li[data-dispatch]")).to_have_count(1)
        api(page, "POST", f"/api/contacts/{chat}/take")
        api(page, "POST", f"/api/contacts/{chat}/messages",
            {"text": f"{NAME} عزیز، تیم سیار در راه {STREET} است."})
        api(page, "POST", "/api/cases", {
            "client_name": NAME, "phone": PHONE_NUMBER, "national_code": NATIONAL_CODE,
            "category": "spouse_abuse", "first_note": f"ساکن {STREET}، تلفن {PHONE_NUMBER}"})
        api(page, "POST", f"/api/contacts/{report}/close", {"outcomes": [
            {"outcome": "counselled", "note": f"با همسایهٔ {NAME} صحبت شد."},
            {"outcome": "mobile_team_requested"}]})
        return int(report)


def _dispatcher_sends_mzn01(browser: Browser, live: LiveServer) -> None:
    with _page(browser, live) as desk:
        sign_in(desk, "dispatcher")
        desk.goto("/dispatch")
        desk.locator("#board-requests li[data-request] button").first.click()
        incident = desk.locator("#board-incidents li.board-incident").first
        expect(incident).to_contain_text(STREET)
        incident.locator("[data-recommend]").click()
        incident.locator("li.pick [data-assign]").first.click()
        expect(desk.locator("#board-message")).to_contain_text("MZN-")


def _crew_visits(browser: Browser, live: LiveServer) -> None:
    with _page(browser, live, **PHONE) as phone:
        sign_in(phone, "field_crew")
        phone.goto("/field")
        expect(phone.locator("#field-summary")).to_contain_text(NAME)
        expect(phone.locator("#field-place")).to_contain_text(STREET)
        for status in ("en_route", "on_scene"):
            phone.locator(f'button[data-status="{status}"]').click()
            expect(phone.locator("#field-status")).to_have_attribute("data-status", status)
        phone.locator("#field-text").fill(f"{NAME} و کودکان به خانهٔ امن رسیدند؛ {STREET}.")
        phone.locator("#field-report-submit").click()
        expect(phone.locator("#field-queue-count")).to_have_attribute("data-count", "0",
                                                                      timeout=30_000)
        channel = next(c["id"] for c in api(phone, "GET", "/api/channels")
                       if c["kind"] == "incident")
        api(phone, "POST", f"/api/channels/{channel}/messages", {
            "client_id": "plaintext-journey-0001", "text": f"به {STREET} رسیدیم."})


def test_no_personal_string_of_the_journey_is_kept_in_plain_text_anywhere(
    browser: Browser, server: tuple[LiveServer, Path],
) -> None:
    live, database = server
    _neighbour_reports(browser, live)
    _counsellor_triages(browser, live)
    _dispatcher_sends_mzn01(browser, live)
    _crew_visits(browser, live)

    assert stored_problems(database) == []


def test_the_journey_reached_every_table_it_should_so_the_check_means_something(
    server: tuple[LiveServer, Path],
) -> None:
    """Runs after the journey: each place the strings went has rows, sealed."""
    _, database = server
    with sqlite3.connect(f"file:{database}?mode=ro", uri=True) as db:
        for table, column in [("client", "name"), ("case_note", "text"),
                              ("chat_message", "text"), ("contact_outcome", "note"),
                              ("dispatch_request", "summary"), ("dispatch_request", "place"),
                              ("incident", "summary"), ("incident", "place"),
                              ("incident_report", "text"), ("channel_message", "text"),
                              ("contact_location", "detail")]:
            count = db.execute(f'SELECT count(*) FROM "{table}" WHERE "{column}" LIKE ?',  # noqa: S608
                               (TOKEN_PREFIX + "%",)).fetchone()[0]
            assert count, f"{table}.{column}: nothing sealed, the journey did not reach it"


def test_the_list_of_plain_columns_names_real_columns_none_of_them_encrypted(
    server: tuple[LiveServer, Path],
) -> None:
    _, database = server
    with sqlite3.connect(f"file:{database}?mode=ro", uri=True) as db:
        columns = set(text_columns(db))
    assert sorted(set(PLAINTEXT) - columns) == []
    assert sorted(set(PLAINTEXT) & encrypted_columns()) == []
