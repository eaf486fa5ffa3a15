"""The triage panel of a contact's screen, driven through its forms as HTMX would."""

from __future__ import annotations

from fastapi import FastAPI

from panah.core.clock import FrozenClock
from tests.api.conftest import HTML, People
from tests.api.test_triage_api import chalus_call


def form(client: object, path: str, data: dict[str, object]) -> str:
    token = client.headers["X-CSRF-Token"]  # type: ignore[attr-defined]
    answer = client.post(path, data={**data, "csrf_token": token},  # type: ignore[attr-defined]
                         headers={**HTML, "HX-Request": "true"})
    assert answer.status_code == 200, answer.text
    return str(answer.text)


def test_the_panel_walks_a_lethality_screen_question_by_question_in_persian(
    app: FastAPI, clock: FrozenClock, people: People
) -> None:
    contact_id = chalus_call(app, clock, "panel-1")
    counsellor = people("counsellor")
    counsellor.post(f"/api/contacts/{contact_id}/take")
    base = f"/line/contacts/{contact_id}/triage"

    panel = form(counsellor, f"{base}/categories", {"category": ["spouse_abuse"]})
    assert "موضوع تماس ثبت شد" in panel and 'data-start="lethality_screen"' in panel
    step = form(counsellor, f"{base}/screen", {"protocol_id": "lethality_screen"})
    assert 'data-question="danger_now"' in step
    step = form(counsellor, f"{base}/screen", {"protocol_id": "lethality_screen",
                                               "question": "danger_now", "answer": "no"})
    assert 'data-question="q1_weapon"' in step and 'name="a.danger_now" value="no"' in step
    answers = {"a.danger_now": "no", "protocol_id": "lethality_screen"}
    step = form(counsellor, f"{base}/screen", {**answers, "question": "q1_weapon",
                                               "answer": "yes"})
    assert 'data-question="q2_threat_to_kill"' in step and 'id="finish-screen"' not in step
    answers["a.q1_weapon"] = "yes"
    step = form(counsellor, f"{base}/screen", {**answers, "question": "q2_threat_to_kill",
                                               "answer": "no"})
    answers["a.q2_threat_to_kill"] = "no"
    step = form(counsellor, f"{base}/screen", {**answers, "question": "q3_might_kill",
                                               "answer": "no"})
    assert 'id="finish-screen"' in step  # Q4–Q11 are optional once a trigger is met
    answers["a.q3_might_kill"] = "no"
    done = form(counsellor, f"{base}/screen", {**answers, "finish": "yes"})
    assert 'data-level="high"' in done and 'data-risk="high"' in done
    assert 'data-kind="mobile_team"' in done and 'data-domain="police"' in done

    refused = form(counsellor, f"{base}/close", {})
    assert 'id="triage-error"' in refused and 'id="triage-closed"' not in refused
    closed = form(counsellor, f"{base}/close", {"outcome": ["counselled"], "note": "آرام شد"})
    assert 'id="triage-closed"' in closed


def test_the_panel_page_is_refused_to_a_gilan_counsellor(
    app: FastAPI, clock: FrozenClock, people: People
) -> None:
    contact_id = chalus_call(app, clock, "panel-2")
    answer = people("counsellor_gilan").get(f"/line/contacts/{contact_id}/triage", headers=HTML)
    assert answer.status_code in {403, 404}


def test_the_panel_offers_the_directorys_services_and_closes_with_the_one_given(
    app: FastAPI, clock: FrozenClock, people: People
) -> None:
    contact_id = chalus_call(app, clock, "panel-3")
    counsellor = people("counsellor")
    counsellor.post(f"/api/contacts/{contact_id}/take")
    base = f"/line/contacts/{contact_id}/triage"
    form(counsellor, f"{base}/categories", {"category": ["addiction"]})
    found = counsellor.get(base, params={"q": "اعتیاد"}, headers=HTML).text
    codes = [part.split('"')[0] for part in found.split('name="resource" value="')[1:]]
    assert codes, "the directory offers addiction services in Mazandaran"
    closed = form(counsellor, f"{base}/close", {"outcome": ["information_given"],
                                                "resource": [codes[0]]})
    assert 'id="triage-closed"' in closed
    outcomes = counsellor.get(f"/api/contacts/{contact_id}/triage").json()["outcomes"]
    assert [o["outcome"] for o in outcomes] == ["information_given"]


def checked(panel: str, name: str, value: str) -> bool:
    """Whether the panel's checkbox ``name=value`` is ticked."""
    start = panel.index(f'name="{name}" value="{value}"')
    return panel[start:panel.index(">", start)].endswith(" checked")


def test_a_refused_close_keeps_the_note_the_outcomes_the_services_and_the_agency(
    app: FastAPI, clock: FrozenClock, people: People
) -> None:
    contact_id = chalus_call(app, clock, "panel-4")
    counsellor = people("counsellor")
    counsellor.post(f"/api/contacts/{contact_id}/take")
    base = f"/line/contacts/{contact_id}/triage"
    form(counsellor, f"{base}/categories", {"category": ["spouse_abuse"]})
    # A service found by a search: not among those the panel offers by itself.
    found = counsellor.get(base, params={"q": "اعتیاد"}, headers=HTML).text
    service = found.split('name="resource" value="')[1].split('"')[0]
    note = "همسرش او را تهدید کرده است؛ با هم برنامهٔ ایمنی نوشتیم و شمارهٔ ۱۱۰ را دادیم."

    refused = form(counsellor, f"{base}/close", {
        "outcome": ["counselled", "information_given", "referral"], "note": note,
        "resource": [service], "agency_code": "ir02-police-chalus"})

    assert 'id="triage-error"' in refused and 'id="triage-closed"' not in refused
    assert "ارجاعی به «ir02-police-chalus» ندارد" in refused  # why, in the page's language
    assert f">{note}</textarea>" in refused
    assert all(checked(refused, "outcome", o)
               for o in ("counselled", "information_given", "referral"))
    assert not checked(refused, "outcome", "callback_scheduled")
    assert checked(refused, "resource", service)
    assert 'name="agency_code" value="ir02-police-chalus"' in refused
    # Nothing was saved: the contact is still open, without an outcome.
    triage = counsellor.get(f"/api/contacts/{contact_id}/triage").json()
    assert triage["outcomes"] == []


def test_a_stored_screen_shows_each_answer_with_its_question_in_the_pages_language(
    app: FastAPI, clock: FrozenClock, people: People
) -> None:
    contact_id = chalus_call(app, clock, "panel-5")
    counsellor = people("counsellor")
    counsellor.post(f"/api/contacts/{contact_id}/take")
    counsellor.post(f"/api/contacts/{contact_id}/screens", json={
        "protocol_id": "child_safety_check", "answers": {"danger_now": True}})
    base = f"/line/contacts/{contact_id}/triage"
    persian = counsellor.get(base, headers=HTML).text
    english = counsellor.get(base, params={"lang": "en"}, headers=HTML).text

    question_fa = "آیا کودک همین الان در خطر است؟"
    assert question_fa in persian and "danger_now:" not in persian
    assert "danger_now</" not in persian and ">danger_now" not in persian
    assert "Is the child in danger right now" in english and "danger_now:" not in english
    screen = counsellor.get(f"/api/contacts/{contact_id}/triage").json()["screens"][0]
    assert screen["answers"][0]["question_id"] == "danger_now"
    assert screen["answers"][0]["question_fa"].startswith(question_fa)
    assert screen["answers"][0]["answer_fa"] == "بله"
    assert "danger_now" not in screen["reasons"][0]["text_fa"]


def test_one_spelling_of_each_category_on_the_case_form_and_in_triage(
    app: FastAPI, clock: FrozenClock, people: People
) -> None:
    contact_id = chalus_call(app, clock, "panel-6")
    counsellor = people("counsellor")
    counsellor.post(f"/api/contacts/{contact_id}/take")
    panel = counsellor.get(f"/line/contacts/{contact_id}/triage", headers=HTML).text
    cases = people("social_worker").get("/cases", headers=HTML).text
    for page in (panel, cases):
        assert "فرار از منزل" in page and "فرار از خانه" not in page
        assert "کودکان کار و خیابان" in page and "کودک خیابانی یا کار" not in page
