"""The counsellor's console pages: the queue in Persian and in priority order, each province's
counsellors seeing their own, the supervisor's view of every queue and its overflow, and one
screen per contact with the caller, the map data, the routing trail and the chat panel.

The demo has three waiting contacts: a high-risk voice call located in Chalus by AML
(Mazandaran, IR-02), a landline call from Rasht routed by area code (Gilan, IR-01) and an
unlocated SMS (the national pool).
"""

from __future__ import annotations

import html
import json
import re
from typing import Any

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

from panah.core.clock import FrozenClock
from panah.core.db import unit_of_work
from panah.intake.model import RiskLevel
from panah.intake.queue.loads import queue_loads
from panah.intake.routing.model import LineConfig
from panah.intake.schemas import ContactSummary
from tests.api.conftest import HTML, People


def demo_ids(client: TestClient) -> dict[str, int]:
    """The visible demo contacts by what they are: chalus, rasht, sms."""
    found = {}
    for contact in client.get("/api/line/queue").json():
        if contact["channel"] == "sms":
            found["sms"] = contact["id"]
        elif contact["province_code"] == "IR-02":
            found["chalus"] = contact["id"]
        elif contact["province_code"] == "IR-01":
            found["rasht"] = contact["id"]
    return found


def rows(page: str) -> list[str]:
    """The queue table's rows, in the order shown."""
    return re.findall(r'<tr class="line-row[^>]*>.*?</tr>', page, flags=re.S)


def row_ids(page: str) -> list[int]:
    return [int(i) for i in re.findall(r'<tr class="line-row[^"]*" data-contact="(\d+)"', page)]


def test_counsellor_sees_the_mazandaran_queue_in_persian_in_priority_order(
    people: People,
) -> None:
    counsellor = people("counsellor")
    page = counsellor.get("/line", headers=HTML)
    assert page.status_code == 200
    text = page.text
    assert '<html lang="fa" dir="rtl">' in text
    assert "<h1>صف خط ۱۲۳</h1>" in text
    ids = demo_ids(counsellor)
    assert set(ids) == {"chalus", "sms"}
    assert row_ids(text) == [ids["chalus"], ids["sms"]]
    chalus, sms = rows(text)
    assert "خطر بالا" in chalus and "risk-high" in chalus
    assert "تماس تلفنی" in chalus and "مازندران" in chalus
    assert "موقعیت گوشی (AML)" in chalus and "کارشناس زن خواسته" in chalus
    assert 'data-waited="40"' in chalus and "۰۰:۴۰" in chalus  # Persian digits
    assert "۱۴۰۵/۰۱/۰۲" in chalus  # queued on the second day of Nowruz, Jalali
    assert f'data-take="{ids["chalus"]}"' in chalus
    assert "پیامک" in sms and "خطر کم" in sms and "صف ملی" in sms and "مکان نامعلوم" in sms
    assert 'href="/line" aria-current="page"' in text  # the header's link to the queue


def test_gilan_counsellor_sees_rasht_and_the_national_sms_but_not_chalus(
    people: People,
) -> None:
    gilan = people("counsellor_gilan")
    text = gilan.get("/line", headers=HTML).text
    ids = demo_ids(gilan)
    assert set(ids) == {"rasht", "sms"}
    assert row_ids(text) == [ids["rasht"], ids["sms"]]
    rasht = rows(text)[0]
    assert "گیلان" in rasht and "پیش‌شمارهٔ تلفن ثابت" in rasht
    assert "تقریبی" in rasht  # an area code gives a province, not a point
    chalus = demo_ids(people("counsellor"))["chalus"]
    assert f'data-contact="{chalus}"' not in text
    assert "مازندران" not in text


@pytest.mark.parametrize("username", ["dispatcher", "analyst"])
def test_roles_that_do_not_answer_the_line_are_refused_the_console(
    people: People, username: str
) -> None:
    chalus = demo_ids(people("counsellor"))["chalus"]
    other = people(username)
    for path in ("/line", "/line/queue", f"/line/contacts/{chalus}"):
        response = other.get(path, headers=HTML)
        assert response.status_code == 403, path
        assert "اجازهٔ این کار را نمی‌دهد" in response.text
    assert 'href="/line"' not in other.get("/", headers=HTML).text  # nor a link to it


def test_the_live_fragment_is_the_list_alone_and_keeps_polling(people: People) -> None:
    fragment = people("counsellor").get("/line/queue", headers=HTML).text
    assert fragment.lstrip().startswith('<div id="line-live"')
    assert 'hx-get="/line/queue"' in fragment and 'hx-trigger="every 2s' in fragment
    assert "<html" not in fragment and len(rows(fragment)) == 2


def test_a_taken_contact_leaves_the_queue_page(people: People) -> None:
    counsellor = people("counsellor")
    chalus = demo_ids(counsellor)["chalus"]
    assert counsellor.post(f"/api/contacts/{chalus}/take").status_code == 200
    assert chalus not in row_ids(counsellor.get("/line", headers=HTML).text)
    again = people("supervisor").post(f"/api/contacts/{chalus}/take")
    assert again.status_code == 409  # the page shows this answer in both languages
    assert "همکار دیگری" in again.json()["message_fa"]
    assert "Another counsellor" in again.json()["message"]


def test_the_contact_screen_shows_caller_history_location_and_trail(people: People) -> None:
    counsellor = people("counsellor")
    chalus = demo_ids(counsellor)["chalus"]
    page = counsellor.get(f"/line/contacts/{chalus}", headers=HTML)
    assert page.status_code == 200
    text = page.text
    assert f"تماس {_fa(chalus)}" in text
    assert '<span dir="ltr" class="caller-number">+989121234567</span>' in text
    assert "نخستین تماس از این شماره" in text
    assert "خطر بالا" in text and "موقعیت گوشی (AML)" in text
    assert "دقت: ±۲۵ متر" in text
    assert "چالوس" in text  # the county, and the centre that answers for it
    trail = text.split('id="routing-trail"', 1)[1].split("</ol>", 1)[0]
    assert "مکان‌یابی با موقعیت گوشی (AML): شهرستان چالوس" in trail  # each step in Persian …
    english = html.unescape(trail)  # … and in English on hover
    assert re.search(r'title="Located by the [^"]*Chalus', english)
    assert 'data-outcome="used"' in trail and "به کار رفت" in trail
    assert "استان مازندران (IR-02)" in trail  # Persian digits, but a code stays as written
    data = _map_data(text)
    assert data["province_code"] == "IR-02" and data["used_source"] == "aml"
    assert data["locations"][0] | {"source": "aml", "radius_m": 25.0} == data["locations"][0]
    assert abs(data["locations"][0]["lat"] - 36.655) < 1e-6
    assert 'id="line-map"' in text and "leaflet.js" in text
    assert 'id="line-chat"' not in text  # a voice call has no chat panel
    # The triage panel (categories, screens, outcomes) is loaded into the screen by HTMX.
    assert f'hx-get="/line/contacts/{chalus}/triage"' in text


def test_earlier_contacts_from_the_same_number_are_counted(
    people: People, app: FastAPI, clock: FrozenClock
) -> None:
    from panah.intake.model import Channel
    from panah.intake.routing.context import routing_context
    from panah.intake.service import NewContact, open_contact

    with unit_of_work(app.state.session_factory) as session:
        open_contact(session, new=NewContact(Channel.voice, "earlier-1", "+989121234567", "123"),
                     context=routing_context(session), now=clock.now())
    counsellor = people("counsellor")
    page = counsellor.get(f"/line/contacts/{demo_ids(counsellor)['chalus']}", headers=HTML)
    assert "۱ تماس پیشین از همین شماره" in page.text


def test_an_unlocated_sms_gets_the_chat_panel_and_no_map(people: People) -> None:
    counsellor = people("counsellor")
    sms = demo_ids(counsellor)["sms"]
    text = counsellor.get(f"/line/contacts/{sms}", headers=HTML).text
    assert 'id="line-chat"' in text and 'id="line-chat-input"' in text
    assert 'id="line-map-none"' in text and "صف ملی" in text
    assert 'id="line-map"' not in text and "leaflet.js" not in text
    assert '<span dir="ltr" class="caller-number">+989359876543</span>' in text
    assert f'data-take="{sms}"' in text  # still waiting: take it before writing
    assert re.search(r'<textarea id="line-chat-input"[^>]* disabled', text)
    counsellor.post(f"/api/contacts/{sms}/take")
    taken = counsellor.get(f"/line/contacts/{sms}", headers=HTML).text
    assert 'data-state="answered"' in taken and "در گفتگو" in taken
    assert f'data-take="{sms}"' not in taken
    assert not re.search(r'<textarea id="line-chat-input"[^>]* disabled', taken)


def test_a_counsellor_cannot_open_another_provinces_contact_screen(people: People) -> None:
    chalus = demo_ids(people("counsellor"))["chalus"]
    refused = people("counsellor_gilan").get(f"/line/contacts/{chalus}", headers=HTML)
    assert refused.status_code == 403
    assert "استان دیگری" in refused.text and "+989121234567" not in refused.text


def test_the_contact_screen_in_english_shows_the_english_trail(people: People) -> None:
    counsellor = people("counsellor")
    chalus = demo_ids(counsellor)["chalus"]
    text = counsellor.get(f"/line/contacts/{chalus}?lang=en", headers=HTML).text
    assert '<html lang="en" dir="ltr">' in text
    assert "Contact " + str(chalus) in text and "high risk" in text
    assert "Located by the" in text and "accuracy: ±25 m" in text


def test_supervisor_sees_every_queue_of_the_province_and_its_overflow(
    people: People, app: FastAPI, clock: FrozenClock
) -> None:
    from panah.intake.queue.scheduled import overflow_due
    from panah.intake.routing.context import routing_context

    supervisor = people("supervisor")
    before = _queues(supervisor.get("/line", headers=HTML).text)
    assert list(before) == ["IR-02", "IR-27", "IR-20", "national"]  # own, backups, pool
    assert before["IR-02"] == ("own", 1, 1) and before["national"] == ("national", 1, 0)
    assert before["IR-27"] == ("backup", 0, 0)
    with unit_of_work(app.state.session_factory) as session:
        overflow_due(session, now=clock.now(), lines=routing_context(session).lines)
    after = _queues(supervisor.get("/line", headers=HTML).text)
    assert after["IR-27"] == ("backup", 1, 1) and after["IR-20"] == ("backup", 1, 1)
    assert 'id="line-queues"' not in people("counsellor").get("/line", headers=HTML).text


def test_queue_loads_count_each_queue_a_contact_is_offered_to() -> None:
    line = LineConfig("IR-02", backup_queues=("IR-27",), overflow_partners=("IR-01",))
    contacts = [_summary(1, ["IR-02", "IR-27"], RiskLevel.high, 50),
                _summary(2, ["IR-02"], RiskLevel.low, 70),
                _summary(3, ["IR-27", "IR-02"], RiskLevel.immediate, 30)]
    loads = {x.queue: x for x in queue_loads(contacts, line)}
    assert [x.kind for x in loads.values()] == ["own", "backup", "partner", "national"]
    own = loads["IR-02"]
    assert (own.waiting, own.urgent, own.oldest.id if own.oldest else None) == (3, 2, 2)
    assert (loads["IR-27"].waiting, loads["IR-01"].waiting, loads["national"].oldest) == (
        2, 0, None)
    assert [x.kind for x in queue_loads(contacts, None)] == ["incoming", "incoming"]


def _summary(id_: int, offered_to: list[str], risk: RiskLevel, waited: int) -> ContactSummary:
    return ContactSummary(id=id_, channel="voice", state="queued", risk=risk,
                          queue=offered_to[0], offered_to=offered_to, province_code=None,
                          location_source="unknown", approximate=True, queued_at=None,
                          waited_s=waited, language="fa", wants_woman=False)


def _queues(page: str) -> dict[str, tuple[str, int, int]]:
    """The supervisor's table: queue → (kind, waiting, urgent), digits read back to Latin."""
    table = page.split('class="data line-queues-table"', 1)[1].split("</table>", 1)[0]
    found = {}
    for queue, kind, body in re.findall(
            r'<tr data-queue="([^"]+)" class="queue-(\w+)[^"]*">(.*?)</tr>', table, flags=re.S):
        waiting = re.search(r'queue-waiting">([^<]+)<', body)
        urgent = re.search(r'queue-urgent">([^<]+)<', body)
        assert waiting and urgent
        found[queue] = (kind, _latin(waiting.group(1)), _latin(urgent.group(1)))
    return found


def _map_data(page: str) -> dict[str, Any]:
    raw = page.split('<script type="application/json" id="line-map-data">', 1)[1]
    return json.loads(raw.split("</script>", 1)[0])  # type: ignore[no-any-return]


def _fa(number: int) -> str:
    return str(number).translate(str.maketrans("0123456789", "۰۱۲۳۴۵۶۷۸۹"))


def _latin(text: str) -> int:
    return int(text.strip().translate(str.maketrans("۰۱۲۳۴۵۶۷۸۹", "0123456789")))


def test_the_callback_work_list_logs_attempts_in_persian(
    app: FastAPI, people: People, clock: FrozenClock
) -> None:
    from panah.intake.orm import Contact
    from panah.intake.service import abandon

    chalus = demo_ids(people("counsellor"))["chalus"]
    with unit_of_work(app.state.session_factory) as session:
        abandon(session, contact=session.get_one(Contact, chalus), now=clock.now())
    counsellor = people("counsellor")
    page = counsellor.get("/line/callbacks", headers=HTML)
    assert page.status_code == 200
    assert f'data-contact="{chalus}"' in page.text and 'href="tel:+98' in page.text
    assert "بازتماس‌های باز" in page.text and "پاسخ نداد" in page.text
    assert f'data-contact="{chalus}"' not in people("counsellor_gilan").get(
        "/line/callbacks", headers=HTML).text

    clock.advance(minutes=3)
    fragment = counsellor.post(f"/line/contacts/{chalus}/callback-attempt",
                               data={"outcome": "no_answer", "note": "خاموش بود"}, headers=HTML)
    assert fragment.status_code == 200
    assert 'id="callbacks-logged"' in fragment.text and "خاموش بود" in fragment.text
    assert "<html" not in fragment.text  # the list alone, for HTMX to swap in
    done = counsellor.post(f"/line/contacts/{chalus}/callback-attempt",
                           data={"outcome": "reached"}, headers=HTML)
    assert f'data-contact="{chalus}"' not in done.text
    refused = counsellor.post(f"/line/contacts/{chalus}/callback-attempt",
                              data={"outcome": "perhaps"}, headers=HTML)
    assert refused.status_code == 422


def test_a_contact_waits_for_a_colleague_with_the_asked_for_skill_while_one_is_online(
    app: FastAPI, people: People, clock: FrozenClock
) -> None:
    from panah.intake.model import Channel
    from panah.intake.routing.context import routing_context
    from panah.intake.service import NewContact, open_contact
    from panah.security.orm import User
    from panah.security.passwords import hash_password
    from tests.conftest import DEMO_PASSWORD

    with unit_of_work(app.state.session_factory) as session:
        session.add(User(username="counsellor_man", full_name="حمید کارشناس", role="counsellor",
                         province_code="IR-02", password_hash=hash_password(DEMO_PASSWORD),
                         created_at=clock.now(), languages="persian", is_woman=False))
        azeri = open_contact(session, new=NewContact(Channel.web_chat, "az-1", None,
                                                     language="az"),
                             context=routing_context(session), now=clock.now()).id

    def held(username: str) -> dict[int, str | None]:
        return {c["id"]: c["held_for"] for c in people(username).get("/api/line/queue").json()}

    chalus = demo_ids(people("counsellor"))["chalus"]  # a high-risk caller who asked for a woman
    people("supervisor").get("/api/line/queue")  # she speaks Azeri, and is at her console
    assert held("counsellor_man")[chalus] == "woman"
    assert held("counsellor_man")[azeri] == "language:azeri"
    assert held("counsellor")[chalus] is None
    assert held("supervisor")[azeri] is None
    page = people("counsellor_man").get("/line", headers=HTML).text
    assert "برای کارشناسِ آذری‌زبان" in page and 'data-held="woman"' in page

    clock.advance(minutes=3)  # the women have left their consoles; the holds run out
    assert held("counsellor_man") == {cid: None for cid in held("counsellor_man")}


def test_follow_up_calls_are_on_the_work_list_and_recorded_once(
    app: FastAPI, people: People
) -> None:
    from sqlalchemy import select

    from panah.triage.orm import FollowUp

    with unit_of_work(app.state.session_factory) as session:
        mine = session.scalars(select(FollowUp.id).where(FollowUp.province_code == "IR-02",
                                                         FollowUp.done_at.is_(None))).first()
        gilan = session.scalars(select(FollowUp.id).where(
            FollowUp.province_code == "IR-01")).first()
    assert mine is not None and gilan is not None  # the demo has one of each
    counsellor = people("counsellor")
    page = counsellor.get("/line/callbacks", headers=HTML).text
    assert f'data-follow-up="{mine}"' in page and f'data-follow-up="{gilan}"' not in page
    assert "تماس‌های پیگیری" in page
    done = counsellor.post(f"/line/follow-ups/{mine}/done",
                           data={"result": "reached", "note": "حالش بهتر است"}, headers=HTML)
    assert done.status_code == 200, done.text
    assert 'id="follow-up-done"' in done.text and f'data-follow-up="{mine}"' not in done.text
    twice = counsellor.post(f"/line/follow-ups/{mine}/done", data={"result": "reached"},
                            headers=HTML)
    assert twice.status_code == 409
    assert people("counsellor_gilan").post(f"/line/follow-ups/{mine}/done", data={
        "result": "reached"}, headers=HTML).status_code == 403
