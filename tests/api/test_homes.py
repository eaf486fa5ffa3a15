"""Each role's home shows its real work today and promises nothing that does not exist
(issue 14, journey 3): the counsellor her queue, callbacks and follow-ups; the supervisor
the referrals partners left undecided, the open incidents and the units by status; the
dispatcher the same board at a glance; the crew their assignment; centre staff, the shelter
manager and the community worker their cases, beds as configured and bases; managers and
analysts the figures that exist; the admin what each role can do.

People: the demo's Mazandaran users (the counsellor نگار, the supervisor منصوره, the
dispatcher بهرام, the crew's مریم on MZN-01 …), at the frozen Nowruz clock.
"""

from __future__ import annotations

import re
import sqlite3
from pathlib import Path

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

from panah.core.clock import FrozenClock
from panah.core.db import unit_of_work
from panah.security.roles import Permission
from panah.triage.referrals.service import escalate_overdue
from panah.web import i18n
from panah.web.i18n import CATALOGUES, translate
from tests.api.conftest import HTML, People

TEMPLATES = Path(i18n.__file__).resolve().parent / "templates"
# What a page must never say: that something is on its way (Persian and English).
PROMISES = re.compile(r"به[\u200c ]?زودی|بزودی|هنوز در دسترس نیست|هنوز ساخته نشده"
                      r"|coming soon|coming next|\bis coming\b|not available yet", re.I)
CHALUS = {"lat": 36.6552, "lon": 51.4207}


def _db(database_url: str) -> sqlite3.Connection:
    return sqlite3.connect(database_url.removeprefix("sqlite:///"))


def _one(database_url: str, sql: str, *args: object) -> object:
    with _db(database_url) as db:
        row = db.execute(sql, args).fetchone()
    assert row is not None, sql
    return row[0]


def _home(people: People, username: str) -> str:
    page = people(username).get("/", headers=HTML)
    assert page.status_code == 200, page.text
    return page.text


def _count(page: str, element_id: str) -> str:
    found = re.search(rf'id="{element_id}">([^<]*)<', page)
    assert found, f"no #{element_id} on the page"
    return found.group(1).strip()


def _figure(page: str, name: str) -> str:
    found = re.search(rf'data-figure="{name}">(.*?)</dd>', page, re.S)
    assert found, f"no figure {name}"
    return found.group(1)


def _section(page: str, element_id: str) -> str:
    start = page.index(f'id="{element_id}"')
    return page[start:page.index("</section>", start)]


# ---- no promises ---------------------------------------------------------------------------

def test_no_template_or_catalogue_promises_what_does_not_exist() -> None:
    promised = [f"{path.relative_to(TEMPLATES.parent)}:{number}: {line.strip()}"
                for path in [*TEMPLATES.rglob("*.html"), *CATALOGUES.glob("*.json")]
                for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1)
                if PROMISES.search(line)]
    assert promised == []


@pytest.mark.parametrize("username", ["counsellor", "supervisor", "dispatcher", "field_crew",
                                      "social_worker", "shelter_manager", "community_worker",
                                      "provincial_manager", "national_office", "analyst",
                                      "partner_agency", "police_110", "integration", "admin"])
def test_no_home_says_coming_soon(people: People, username: str) -> None:
    page = _home(people, username)
    assert not PROMISES.search(page), username
    assert "coming-next" not in page


# ---- the 123 line --------------------------------------------------------------------------

def test_the_counsellors_home_shows_her_queue_callbacks_and_follow_ups(
    people: People, database_url: str
) -> None:
    page = _home(people, "counsellor")
    # The Chalus caller (high risk) and the unlocated SMS in the national pool wait for her;
    # the Rasht caller is Gilan's.
    assert _count(page, "home-queue-count") == "۲"
    chalus = _one(database_url, "SELECT id FROM contact WHERE external_id='demo-call-1'")
    first = _section(page, "home-queue").split('id="home-queue-first"')[1]
    assert re.search(r'<li data-contact="(\d+)"', first).group(1) == str(chalus)  # type: ignore[union-attr]
    assert f'href="/line/contacts/{chalus}"' in first
    assert "خطر بالا" in first
    # The Sari caller who hung up, due back within 10 minutes; the Chalus follow-up due
    # tomorrow morning.
    assert _count(page, "home-callbacks-count") == "۱"
    assert _count(page, "home-follow-ups-count") == "۱"
    assert 'href="/line/callbacks"' in page
    # What she had before stays below: the coverage of the province's counties.
    assert "کلاردشت" in page and "معین: شهرستان چالوس" in page


def test_looking_at_a_home_does_not_mark_a_counsellor_present(
    people: People, database_url: str
) -> None:
    for _ in range(2):
        _home(people, "counsellor")
    user_id = _one(database_url, "SELECT id FROM app_user WHERE username='counsellor'")
    with _db(database_url) as db:
        assert db.execute("SELECT count(*) FROM presence WHERE user_id=?",
                          (user_id,)).fetchone()[0] == 0


def test_the_gilan_counsellor_sees_gilans_queue_not_mazandarans(people: People) -> None:
    page = _home(people, "counsellor_gilan")
    assert _count(page, "home-queue-count") == "۲"  # the Rasht caller and the national SMS
    assert "مازندران" not in page


# ---- dispatch and supervision -------------------------------------------------------------

def _incident(people: People, **extra: object) -> dict[str, object]:
    made = people("dispatcher").post("/api/incidents", json={**CHALUS, **extra})
    assert made.status_code == 201, made.text
    body: dict[str, object] = made.json()
    return body


def test_the_dispatchers_home_shows_open_incidents_and_units_by_status(people: People) -> None:
    empty = _home(people, "dispatcher")
    assert _count(empty, "home-incidents-count") == "۰"
    assert re.search(r'data-status="available_at_post">۱۱<', empty)
    incident = _incident(people, priority="high", place="ویلای ساحلی، خیابان دریا",
                         cautions=["weapon"])
    page = _home(people, "dispatcher")
    assert _count(page, "home-incidents-count") == "۱"
    card = _section(page, "home-incidents")
    assert f'data-incident="{incident["id"]}"' in card
    assert "ویلای ساحلی، خیابان دریا" in card and "گزارش سلاح" in card
    assert "در انتظار تیم" in card
    assert "MZN-01" in page  # the units with their posts and crews stay


def test_the_supervisors_home_shows_referrals_past_their_deadline_escalated_first(
    app: FastAPI, clock: FrozenClock, people: People, database_url: str
) -> None:
    assert "home-alarms" in (quiet := _home(people, "supervisor"))
    assert _count(quiet, "home-alarms-count") == "۰"
    chalus = _one(database_url, "SELECT id FROM contact WHERE external_id='demo-call-1'")
    referred = people("counsellor").post(f"/api/contacts/{chalus}/referrals", json={
        "agency_code": "police-110-ir02-chalus", "urgency": "high", "consent": "given"})
    assert referred.status_code == 201, referred.text
    _incident(people, priority="medium")
    clock.advance(minutes=16)
    with unit_of_work(app.state.session_factory) as session:
        assert escalate_overdue(session, now=clock.now()) == 1
    page = _home(people, "supervisor")
    assert _count(page, "home-alarms-count") == "۱"
    alarm = _section(page, "home-alarms")
    assert f'data-referral="{referred.json()["id"]}"' in alarm
    assert "به سرپرست رسید" in alarm and "چالوس" in alarm
    assert f'href="/line/contacts/{chalus}"' in alarm
    assert _count(page, "home-incidents-count") == "۱"
    assert _count(page, "home-queue-count") == "۲"
    assert "MZN-11" in page and "ون ویژه" in page


def test_the_crews_home_shows_the_assignment_they_are_on(
    people: People, database_url: str
) -> None:
    assert 'id="home-no-assignment"' in _home(people, "field_crew")
    incident = _incident(people, priority="high", place="ویلای ساحلی، خیابان دریا",
                         cautions=["weapon"])
    unit = _one(database_url, "SELECT id FROM unit WHERE call_sign='MZN-01'")
    sent = people("dispatcher").post(f"/api/incidents/{incident['id']}/assignments",
                                     json={"unit_id": unit})
    assert sent.status_code == 201, sent.text
    card = _section(_home(people, "field_crew"), "home-assignment")
    assert "ویلای ساحلی، خیابان دریا" in card and "گزارش سلاح" in card
    assert "خطر بالا" in card


# ---- case work -----------------------------------------------------------------------------

def test_centre_staff_see_their_open_cases(people: People, database_url: str) -> None:
    page = _home(people, "social_worker")
    # spouse abuse (at services) and child abuse (at assessment): open work, not closed
    assert _count(page, "home-cases-count") == "۲"
    cases = _section(page, "home-cases")
    for category in ("spouse_abuse", "child_abuse"):
        assert _reference(database_url, category) in cases
    restricted = _reference(database_url, "sexual_abuse")
    assert restricted not in cases  # on the team, but without the grant
    assert restricted in _section(_home(people, "psychologist"), "home-cases")


def test_a_case_at_work_counts_as_open_until_it_is_closed(
    people: People, database_url: str
) -> None:
    # The demo's spouse-abuse case is at services and the child-abuse case at assessment:
    # both are open work. Asking for closure keeps it open; closing it takes it off.
    with _db(database_url) as db:
        db.execute("UPDATE case_file SET status='closure_requested' "
                   "WHERE category='spouse_abuse'")
    assert _count(_home(people, "social_worker"), "home-cases-count") == "۲"
    # and the three women the Sari shelter took in (issue 17's demo stays)
    assert _figure(_home(people, "provincial_manager"), "open_cases") == "۶"
    with _db(database_url) as db:
        db.execute("UPDATE case_file SET status='closed' WHERE category='spouse_abuse'")
    page = _home(people, "social_worker")
    assert _count(page, "home-cases-count") == "۱"
    assert _reference(database_url, "spouse_abuse") not in _section(page, "home-cases")
    assert _figure(_home(people, "provincial_manager"), "open_cases") == "۵"
    assert _figure(_home(people, "national_office"), "open_cases") == "۶"


def _reference(database_url: str, category: str) -> str:
    """A case's reference as pages show it (``Case.reference``: province and number)."""
    case_id = _one(database_url, "SELECT id FROM case_file WHERE category=?", category)
    return f"IR-02-{int(str(case_id)):06d}"


def test_the_shelter_managers_home_shows_the_real_beds_of_the_provinces_shelters(
        people: People) -> None:
    page = _home(people, "shelter_manager")
    shelters = _section(page, "home-shelters")
    assert "۱۸ تخت" in shelters  # Sari's 12 and Chalus's 6 beds, from the shelter tables
    assert "خانهٔ امن ساری" in shelters and "خانهٔ امن چالوس" in shelters
    assert shelters.count("/setup") == 1  # she runs Sari's, not Chalus's
    assert 'id="home-cases"' in page


def test_the_community_workers_home_shows_their_bases(people: People) -> None:
    page = _home(people, "community_worker")
    assert "پایگاه خدمات اجتماعی محلهٔ کمربندی ساری" in page
    assert "پایگاه خدمات اجتماعی حاشیهٔ بابل" in page
    assert 'id="home-cases"' in page


# ---- figures -------------------------------------------------------------------------------

def test_the_provincial_manager_sees_mazandarans_figures(people: People) -> None:
    page = _home(people, "provincial_manager")
    assert "استان مازندران در یک نگاه" in page
    assert _figure(page, "waiting_now") == "۱"  # the Chalus caller
    assert _figure(page, "contacts_24h") == "۲"  # and the Sari caller who hung up
    assert _figure(page, "lost_24h") == "۱"
    assert _figure(page, "units").startswith("۱۱ آماده")
    assert _figure(page, "shelter_beds") == "۱۸ تخت"
    assert _figure(page, "open_cases") == "۶"  # with the Sari shelter's three women


@pytest.mark.parametrize("username", ["national_office", "analyst"])
def test_the_nation_is_seen_whole(people: People, username: str) -> None:
    page = _home(people, username)
    assert "کشور در یک نگاه" in page
    assert _figure(page, "waiting_now") == "۳"
    assert _figure(page, "open_incidents") == "۱"  # the Gilan incident
    assert _figure(page, "open_cases") == "۷"


# ---- administration and machines ----------------------------------------------------------

def test_the_admins_home_says_what_each_role_can_do_today(people: People) -> None:
    page = _home(people, "admin")
    abilities = _section(page, "home-abilities")
    counsellor = abilities.split('data-role="counsellor"')[1].split("</tr>")[0]
    assert "پاسخ به تماس‌های صف ۱۲۳" in counsellor
    partner = abilities.split('data-role="partner_agency"')[1].split("</tr>")[0]
    assert "دریافت ارجاع و سپردن مورد به ۱۲۳" in partner
    assert "permission." not in page
    # How many people hold each role, each leading to the people page (issue 15).
    assert 'href="/admin/people?role=counsellor"' in page and 'href="/admin/people"' in page


def test_every_permission_has_words_for_the_admin_in_both_languages() -> None:
    for permission in Permission:
        if permission in (Permission.public, Permission.authenticated):
            continue
        for lang in ("fa", "en"):
            key = f"permission.{permission.value}"
            assert translate(lang, key) != key, (lang, key)


def test_a_system_accounts_home_says_it_works_through_its_keys(people: People) -> None:
    page = _home(people, "integration")
    assert "این حساب برای سامانه‌هاست" in page
    assert 'href="/partner"' not in page


def test_the_favicon_is_served_and_linked(client: TestClient, people: People) -> None:
    icon = client.get("/favicon.ico")
    assert icon.status_code == 200
    assert icon.headers["content-type"] == "image/x-icon"
    assert icon.content[:4] == b"\x00\x00\x01\x00"  # an ICO file
    svg = client.get("/static/img/favicon.svg")
    assert svg.status_code == 200 and b"#0f5e6e" in svg.content
    page = _home(people, "counsellor")
    assert 'rel="icon" href="/favicon.ico"' in page
    assert 'href="/static/img/favicon.svg" type="image/svg+xml"' in page
