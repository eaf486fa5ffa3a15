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
