"""A partner's inbox (issue 14, journey 10): a partner agency's staff sign in, see the
referrals to their agency (what, where, how urgent, the deadline; never who), acknowledge,
accept or decline with a reason, and hand a case to 123 — the partner API's own use cases.

People: the Mazandaran counsellor نگار, the police 110 desk officer کاوه (``police_110``,
staff of every Mazandaran police office), the EMS 115 dispatcher مهسا (``ems_115``), the
police's machine account (``partner_agency``), at the frozen Nowruz clock.
"""

from __future__ import annotations

import re
import sqlite3

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

from panah.core.db import unit_of_work
from panah.security.orm import User
from tests.api.conftest import HTML, People
from tests.conftest import NOWRUZ, login

CALLER = "+989121234567"  # the demo's Chalus caller (demo-call-1)
POLICE_CHALUS = "police-110-ir02-chalus"


def _db(database_url: str) -> sqlite3.Connection:
    return sqlite3.connect(database_url.removeprefix("sqlite:///"))


def _chalus_contact(database_url: str) -> int:
    with _db(database_url) as db:
        return int(db.execute("SELECT id FROM contact WHERE external_id='demo-call-1'")
                   .fetchone()[0])


@pytest.fixture
def referral(people: People, database_url: str) -> dict[str, object]:
    """The counsellor refers the Chalus caller (spouse abuse, high risk) to Chalus police."""
    made = people("counsellor").post(
        f"/api/contacts/{_chalus_contact(database_url)}/referrals",
        json={"agency_code": POLICE_CHALUS, "urgency": "high", "consent": "given",
              "category": "spouse_abuse"})
    assert made.status_code == 201, made.text
    body: dict[str, object] = made.json()
    return body


def answer(client: TestClient, referral_id: object, state: str, **form: object) -> object:
    return client.post(f"/partner/referrals/{referral_id}/answer", headers=HTML,
                       data={"state": state, **{k: str(v) for k, v in form.items()}})


def seen_by_123(people: People, referral_id: object) -> dict[str, object]:
    found = people("counsellor").get(f"/api/referrals/{referral_id}")
    assert found.status_code == 200, found.text
    body: dict[str, object] = found.json()
    return body


def _item(page: str, referral_id: object) -> str:
    start = page.index(f'data-referral="{referral_id}"')
    return page[start:page.index("</li>", start)]


# ---- seeing ----------------------------------------------------------------------------------

def test_the_police_desk_sees_the_referral_with_what_where_and_deadline_but_never_who(
    people: People, referral: dict[str, object], database_url: str
) -> None:
    inbox = people("police_110").get("/partner", headers=HTML)
    assert inbox.status_code == 200, inbox.text
    page = inbox.text
    assert '<html lang="fa" dir="rtl">' in page
    item = _item(page, referral["id"])
    assert 'data-state="requested"' in item
    assert "همسرآزاری" in item and "خطر بالا" in item  # what, how urgent
    assert "چالوس" in item and "مازندران" in item  # where: the county and province
    assert "۱۴۰۵/۰۱/۰۲ ۱۰:۱۵" in item  # decide by: high risk, 15 minutes
    assert 'href="geo:36.655000,51.420500"' in item  # the handset's point, to navigate
    for who in (CALLER, "09121234567", "۰۹۱۲۱۲۳۴۵۶۷", "نگار"):
        assert who not in page, who
    with _db(database_url) as db:
        reads = db.execute(
            "SELECT count(*) FROM audit_event a JOIN app_user u ON u.id = a.actor_id "
            "WHERE u.username='police_110' AND a.subject_type='referral' AND a.subject_id=? "
            "AND a.action='read'", (str(referral["id"]),)).fetchone()[0]
    assert reads == 1  # a partner's read is on the audit chain, as the API's


def test_the_police_home_counts_the_referrals_waiting_for_a_decision(
    people: People, referral: dict[str, object]
) -> None:
    page = people("police_110").get("/", headers=HTML).text
    assert re.search(r'id="home-partner-open">۱<', page)
    assert re.search(r'data-figure="awaiting">۱', page)
    assert 'href="/partner"' in page and "صندوق ارجاع‌ها" in page


def test_another_agency_neither_sees_nor_answers_it(
    people: People, referral: dict[str, object]
) -> None:
    ems = people("ems_115")
    assert f'data-referral="{referral["id"]}"' not in ems.get("/partner", headers=HTML).text
    refused = answer(ems, referral["id"], "received", version=1)
    assert refused.status_code == 404  # as the partner API: nothing learnt of another's work
    assert seen_by_123(people, referral["id"])["state"] == "requested"
    # The police's machine account, linked to the same offices, sees it too.
    machine = people("partner_agency").get("/partner", headers=HTML).text
    assert f'data-referral="{referral["id"]}"' in machine


def test_only_partner_staff_open_the_inbox(people: People) -> None:
    for username in ("counsellor", "supervisor", "admin"):
        assert people(username).get("/partner", headers=HTML).status_code == 403, username


# ---- answering -------------------------------------------------------------------------------

def test_the_police_acknowledge_then_accept_with_their_reference(
    people: People, referral: dict[str, object]
) -> None:
    police = people("police_110")
    received = answer(police, referral["id"], "received", version=1)
    assert received.status_code == 303, received.text
    assert received.headers["location"] == (f"/partner?answered={referral['id']}"
                                            f"#referral-{referral['id']}")
    assert seen_by_123(people, referral["id"])["state"] == "received"
    page = police.get(received.headers["location"], headers=HTML).text
    assert 'id="partner-answered"' in page
    accepted = answer(police, referral["id"], "accepted", version=2,
                      reference="MZN-110-4471", note="گشت در راه است")
    assert accepted.status_code == 303, accepted.text
    after = seen_by_123(people, referral["id"])
    assert (after["state"], after["partner_reference"], after["partner_note"]) == (
        "accepted", "MZN-110-4471", "گشت در راه است")
    assert after["received_at"] == "2026-03-22T06:30:00Z"


def test_declining_needs_a_reason_and_the_counsellor_reads_it(
    people: People, referral: dict[str, object]
) -> None:
    police = people("police_110")
    refused = answer(police, referral["id"], "rejected", version=1, note="  ")
    assert refused.status_code == 422
    assert "بنویسید چرا این ارجاع را نمی‌پذیرید" in refused.text
    assert "Say why you decline" in refused.text
    assert seen_by_123(people, referral["id"])["state"] == "requested"  # nothing saved
    reason = "این مورد در حوزهٔ کلانتری نوشهر است؛ به آن ارجاع دهید"
    declined = answer(police, referral["id"], "rejected", version=1, note=reason)
    assert declined.status_code == 303, declined.text
    after = seen_by_123(people, referral["id"])
    assert (after["state"], after["partner_note"]) == ("rejected", reason)


def test_an_answer_to_a_referral_that_changed_meanwhile_says_so(
    people: People, referral: dict[str, object]
) -> None:
    police = people("police_110")
    assert answer(police, referral["id"], "received", version=1).status_code == 303
    stale = answer(police, referral["id"], "accepted", version=1, reference="X-1")
    assert stale.status_code == 409
    assert "پس از خواندن تغییر کرد" in stale.text
    assert seen_by_123(people, referral["id"])["state"] == "received"


def test_a_partner_cannot_withdraw_the_123_lines_referral(
    people: People, referral: dict[str, object]
) -> None:
    withdrawn = answer(people("police_110"), referral["id"], "cancelled", version=1)
    assert withdrawn.status_code == 422
    assert seen_by_123(people, referral["id"])["state"] == "requested"


def test_an_answer_without_the_forms_token_is_refused(
    app: FastAPI, people: People, referral: dict[str, object]
) -> None:
    with TestClient(app, follow_redirects=False) as forged:
        login(forged, "police_110")
        refused = answer(forged, referral["id"], "accepted", version=1)
    assert refused.status_code == 403
    assert seen_by_123(people, referral["id"])["state"] == "requested"


def test_staff_linked_to_no_agency_are_told_whom_to_ask(app: FastAPI) -> None:
    with unit_of_work(app.state.session_factory) as session:
        session.add(User(username="police_new", full_name="سرباز تازه", role="partner_agency",
                         province_code="IR-02", created_at=NOWRUZ,
                         password_hash=session.get_one(User, 1).password_hash))
    with TestClient(app, follow_redirects=False) as client:
        login(client, "police_new")
        page = client.get("/partner", headers=HTML).text
    assert 'id="partner-no-agency"' in page
    assert "از مدیران پناه بخواهید" in page


# ---- handing a case to 123 --------------------------------------------------------------------

HANDOVER = {"agency_code": "police-110-ir02", "urgency": "high",
            "description": "دعوای خانوادگی در ویلای ساحلی؛ زن و دو کودک ترسیده‌اند.",
            "category": "family_conflict", "province_code": "IR-02",
            "lat": "۳۶٫۶۵۵", "lon": "51.4205", "phone": "", "reference": "",
            "form_reference": "web-test-0001"}


def _partner_contacts(database_url: str) -> list[tuple[int, str, str]]:
    with _db(database_url) as db:
        return db.execute("SELECT id, external_id, queue FROM contact WHERE channel='partner'"
                          " ORDER BY id").fetchall()


def test_the_police_hand_a_family_dispute_to_the_mazandaran_queue_once(
    people: People, database_url: str
) -> None:
    police = people("police_110")
    form = police.get("/partner/handover", headers=HTML)
    assert form.status_code == 200
    assert 'name="form_reference" value="web-' in form.text
    assert '<option value="IR-02" selected>' in form.text
    handed = police.post("/partner/handover", headers=HTML, data=HANDOVER)
    assert handed.status_code == 303, handed.text
    [(contact_id, external_id, queue)] = _partner_contacts(database_url)
    assert (external_id, queue) == ("police-110-ir02:web-test-0001", "IR-02")
    assert handed.headers["location"] == f"/partner?handed={contact_id}#handover-{contact_id}"
    page = police.get(handed.headers["location"], headers=HTML).text
    assert "در صف خط ۱۲۳ مازندران" in page.split('id="partner-handed"')[1].split("</p>")[0]
    assert f'data-handover="{contact_id}"' in page
    # The same form sent twice (a double tap) hands it over once.
    again = police.post("/partner/handover", headers=HTML, data=HANDOVER)
    assert again.status_code == 303
    assert len(_partner_contacts(database_url)) == 1
    # It waits in the Mazandaran counsellor's queue.
    line = people("counsellor").get("/line", headers=HTML).text
    assert f'data-contact="{contact_id}" data-risk="high" data-channel="partner"' in line


@pytest.mark.parametrize(("changes", "said", "kept"), [
    ({"description": "  "}, "بنویسید چه شده است", "۳۶٫۶۵۵"),
    ({"lat": "شمال"}, "نقطه را با عرض و طول جغرافیایی", "دعوای خانوادگی در ویلای ساحلی"),
])
def test_a_mistake_in_the_handover_form_comes_back_as_typed_with_the_reason(
    people: People, database_url: str, changes: dict[str, str], said: str, kept: str
) -> None:
    sent = people("police_110").post("/partner/handover", headers=HTML,
                                     data={**HANDOVER, **changes})
    assert sent.status_code == 422
    assert said in sent.text and kept in sent.text
    assert 'value="web-test-0001"' in sent.text  # the same form: still one hand-over
    assert _partner_contacts(database_url) == []  # nothing half-saved


def test_the_inbox_reads_in_english_too(people: People, referral: dict[str, object]) -> None:
    page = people("ems_115").get("/partner?lang=en", headers=HTML).text
    assert '<html lang="en" dir="ltr">' in page and "Referral inbox" in page
    assert "No referral to your agency is open." in page
    item = _item(people("police_110").get("/partner?lang=en", headers=HTML).text,
                 referral["id"])
    assert "Spouse abuse" in item and "Decide by" in item and "2026-03-22 10:15" in item
    assert "Latitude 36.655, Longitude 51.4205" in re.sub(r"</?bdi>", "", item)
    assert "partner." not in item
