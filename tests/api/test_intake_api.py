"""The 123 line through the HTTP API: a call offered, located and routed, taken once;
inbound events idempotent, kept when refused; AML by SMS; abandon → callback and text;
overflow with a controllable clock."""

from __future__ import annotations

import sqlite3
from collections.abc import Callable, Iterator
from datetime import timedelta

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

from panah.core.clock import FrozenClock
from panah.core.db import unit_of_work
from panah.security.apikeys import create_key
from panah.security.orm import User
from panah.security.sessions import actor_of
from tests.api.conftest import People

CHALUS = {"lat": 36.6550, "lon": 51.4205, "radius_m": 25}
AML_CHALUS = 'A"ML=1;lt=+36.65490;lg=+51.42050;rd=25;top=20260322062950;lc=68;pm=G'


@pytest.fixture
def pbx(app: FastAPI) -> Iterator[TestClient]:
    """The PBX and SMS gateway: an integration account's API key."""
    from sqlalchemy import select

    with unit_of_work(app.state.session_factory) as session:
        admin = session.scalar(select(User).where(User.username == "admin"))
        assert admin is not None
        _, text = create_key(session, actor=actor_of(admin), username="integration",
                             label="Mazandaran PBX", province_code=None,
                             now=app.state.clock.now())
    with TestClient(app, headers={"Authorization": f"Bearer {text}"}) as client:
        yield client






def offered(call: str, caller: str = "09121112222", **extra: object) -> dict[str, object]:
    return {"event_id": f"{call}-offered", "kind": "call.offered", "call_id": call,
            "caller": caller, "called": "123", **extra}


def test_mobile_caller_in_chalus_reaches_the_mazandaran_queue(
    pbx: TestClient, people: People
) -> None:
    receipt = pbx.post("/api/telephony/events", json=offered("c1", location=CHALUS))
    assert receipt.status_code == 200, receipt.text
    contact_id = receipt.json()["contact_id"]
    contact = people("counsellor").get(f"/api/contacts/{contact_id}").json()
    assert (contact["queue"], contact["province_code"], contact["location_source"]) == (
        "IR-02", "IR-02", "network")
    assert contact["caller"] == "+989121112222"
    assert any(step["outcome"] == "used" for step in contact["trail"])
    assert contact_id in [c["id"] for c in people("counsellor").get("/api/line/queue").json()]
    assert contact_id not in [c["id"] for c in
                              people("counsellor_gilan").get("/api/line/queue").json()]
    assert people("counsellor_gilan").get(f"/api/contacts/{contact_id}").status_code == 403


def test_a_repeated_event_creates_nothing_new(pbx: TestClient, database_url: str) -> None:
    first = pbx.post("/api/telephony/events", json=offered("c2", location=CHALUS)).json()
    again = pbx.post("/api/telephony/events", json=offered("c2", location=CHALUS)).json()
    assert again == {**first, "duplicate": True}
    with sqlite3.connect(database_url.removeprefix("sqlite:///")) as db:
        assert db.execute("SELECT count(*) FROM contact WHERE external_id='c2'").fetchone() == (1,)
        assert db.execute("SELECT count(*) FROM inbound_event WHERE key='c2-offered'"
                          ).fetchone() == (1,)


def test_a_refused_event_is_kept_with_its_reason(pbx: TestClient, database_url: str) -> None:
    # (An event about a call not offered yet is held, not refused: see the next tests. An
    # answer after the caller hung up cannot be applied.)
    pbx.post("/api/telephony/events", json=offered("late"))
    pbx.post("/api/telephony/events", json={"event_id": "late-ended", "kind": "call.ended",
                                            "call_id": "late"})
    answered = {"event_id": "x-answered", "kind": "call.answered", "call_id": "late"}
    response = pbx.post("/api/telephony/events", json=answered)
    assert response.status_code == 422
    body = response.json()
    assert "answered" in body["message"] and body["message_fa"]
    with sqlite3.connect(database_url.removeprefix("sqlite:///")) as db:
        status, error, payload = db.execute(
            "SELECT status, error, payload FROM inbound_event WHERE key='x-answered'").fetchone()
    assert status == "rejected" and "callback_due" in error
    assert payload.startswith("v1.")  # kept, encrypted
    assert pbx.post("/api/telephony/events", json=answered).status_code == 422  # same again


def test_a_hang_up_that_overtakes_its_offer_is_held_and_applied_when_the_call_comes(
    pbx: TestClient, people: People, database_url: str
) -> None:
    """Webhooks arrive out of order: the caller hung up, and the PBX's "ended" came first.
    The contact must not wait in the queue for a caller who is gone (a ghost call)."""
    ended = {"event_id": "ghost-ended", "kind": "call.ended", "call_id": "ghost"}
    early = pbx.post("/api/telephony/events", json=ended)
    assert early.status_code == 200, early.text
    assert (early.json()["status"], early.json()["contact_id"]) == ("held", None)
    again = pbx.post("/api/telephony/events", json=ended).json()
    assert (again["status"], again["duplicate"]) == ("held", True)  # the PBX retried

    call = pbx.post("/api/telephony/events", json=offered("ghost", location=CHALUS)).json()
    contact = people("counsellor").get(f"/api/contacts/{call['contact_id']}").json()
    assert contact["state"] == "callback_due"  # abandoned: a callback, not a queued ghost
    queue = people("counsellor").get("/api/line/queue").json()
    assert call["contact_id"] not in [c["id"] for c in queue]
    assert call["contact_id"] in [c["contact_id"] for c in
                                  people("counsellor").get("/api/line/callbacks").json()]
    with sqlite3.connect(database_url.removeprefix("sqlite:///")) as db:
        status, contact_id = db.execute(
            "SELECT status, contact_id FROM inbound_event WHERE key='ghost-ended'").fetchone()
        waiting = db.execute("SELECT count(*) FROM held_event").fetchone()
    assert (status, contact_id, waiting) == ("processed", call["contact_id"], (0,))
    late = pbx.post("/api/telephony/events", json=ended).json()
    assert (late["status"], late["contact_id"], late["duplicate"]) == (
        "processed", call["contact_id"], True)


def test_an_answer_and_a_hang_up_before_the_offer_leave_the_call_in_wrap_up(
    pbx: TestClient, people: People
) -> None:
    for kind in ("ended", "answered"):  # both overtook the offer, even each other
        held = pbx.post("/api/telephony/events", json={
            "event_id": f"w-{kind}", "kind": f"call.{kind}", "call_id": "w"}).json()
        assert held["status"] == "held"
    call = pbx.post("/api/telephony/events", json=offered("w", location=CHALUS)).json()
    contact = people("counsellor").get(f"/api/contacts/{call['contact_id']}").json()
    assert contact["state"] == "wrap_up"  # answered, then ended: no callback for a talk held


def test_bad_phone_numbers_are_refused_before_anything_is_stored(
    pbx: TestClient, database_url: str
) -> None:
    response = pbx.post("/api/telephony/events", json=offered("c3", caller="12"))
    assert response.status_code == 422
    assert response.json()["message_fa"]


def test_an_aml_sms_during_the_call_moves_a_landline_routed_call(pbx: TestClient,
                                                                 people: People) -> None:
    # A Tehran mobile without network location: nothing says where the caller is.
    contact_id = pbx.post("/api/telephony/events", json=offered("c4")).json()["contact_id"]
    assert people("supervisor").get("/api/line/queue").status_code == 200
    before = people("counsellor").get(f"/api/contacts/{contact_id}").json()
    assert before["queue"] == "national"
    sms = {"message_id": "m1", "sender": "+989121112222", "recipient": "123", "text": AML_CHALUS}
    assert pbx.post("/api/sms/inbound", json=sms).status_code == 200
    after = people("counsellor").get(f"/api/contacts/{contact_id}").json()
    assert (after["queue"], after["location_source"]) == ("IR-02", "aml")
    assert after["locations"][-1]["radius_m"] == 25


def test_a_broken_aml_is_refused_with_the_field_and_kept(pbx: TestClient) -> None:
    sms = {"message_id": "m2", "sender": "+989121112222", "text": 'A"ML=1;lt=+96.1;lg=+51.4;rd=25'}
    response = pbx.post("/api/sms/inbound", json=sms)
    assert response.status_code == 422
    assert response.json()["details"]["event_id"] >= 1


def test_two_counsellors_take_the_same_contact_one_wins(pbx: TestClient, people: People) -> None:
    contact_id = pbx.post("/api/telephony/events",
                          json=offered("c5", location=CHALUS)).json()["contact_id"]
    first = people("counsellor").post(f"/api/contacts/{contact_id}/take")
    second = people("supervisor").post(f"/api/contacts/{contact_id}/take")
    assert first.status_code == 200 and first.json()["state"] == "assigned"
    assert second.status_code == 409 and second.json()["message_fa"]


def test_a_caller_who_hangs_up_gets_a_callback_and_a_text(
    pbx: TestClient, database_url: str
) -> None:
    contact_id = pbx.post("/api/telephony/events",
                          json=offered("c6", location=CHALUS)).json()["contact_id"]
    ended = {"event_id": "c6-ended", "kind": "call.ended", "call_id": "c6"}
    assert pbx.post("/api/telephony/events", json=ended).status_code == 200
    with sqlite3.connect(database_url.removeprefix("sqlite:///")) as db:
        state = db.execute("SELECT state FROM contact WHERE id=?", (contact_id,)).fetchone()
        callback = db.execute("SELECT due_at FROM callback WHERE contact_id=?",
                              (contact_id,)).fetchone()
        sms = db.execute("SELECT status, body FROM outbound_sms WHERE contact_id=?",
                         (contact_id,)).fetchone()
    assert state == ("callback_due",)
    assert callback is not None
    assert sms[0] == "pending" and sms[1].startswith("v1.")  # the text is encrypted too


def hang_up(pbx: TestClient, call: str) -> int:
    """A Chalus caller who hangs up before anyone answers; the contact's id."""
    contact_id = pbx.post("/api/telephony/events",
                          json=offered(call, location=CHALUS)).json()["contact_id"]
    ended = {"event_id": f"{call}-ended", "kind": "call.ended", "call_id": call}
    assert pbx.post("/api/telephony/events", json=ended).status_code == 200
    return int(contact_id)


def test_missed_callbacks_come_back_every_ten_minutes_then_go_to_the_supervisor(
    pbx: TestClient, people: People, clock: FrozenClock
) -> None:
    contact_id = hang_up(pbx, "c10")
    counsellor = people("counsellor")
    [task] = [t for t in counsellor.get("/api/line/callbacks").json()
              if t["contact_id"] == contact_id]
    assert (task["state"], task["caller"], task["overdue"]) == ("due", "+989121112222", False)
    assert contact_id not in [t["contact_id"] for t in
                              people("counsellor_gilan").get("/api/line/callbacks").json()]
    url = f"/api/contacts/{contact_id}/callback/attempts"
    for attempt in (1, 2):
        clock.advance(minutes=10)
        after = counsellor.post(url, json={"outcome": "no_answer", "note": "زنگ خورد"}).json()
        assert (after["state"], len(after["attempts"])) == ("due", attempt)
        assert after["due_at"].startswith((clock.now() + timedelta(minutes=10)).isoformat()[:16])
    clock.advance(minutes=10)
    after = counsellor.post(url, json={"outcome": "busy"}).json()
    assert after["state"] == "escalated"  # three misses: the supervisor decides now
    assert counsellor.get("/api/line/callbacks").json()[0]["contact_id"] == contact_id
    reached = people("supervisor").post(url, json={"outcome": "reached", "note": "حالش خوب است"})
    assert reached.json()["state"] == "done"
    contact = counsellor.get(f"/api/contacts/{contact_id}").json()
    assert contact["state"] == "callback_done"
    assert contact_id not in [t["contact_id"] for t in counsellor.get("/api/line/callbacks").json()]
    again = counsellor.post(url, json={"outcome": "reached"})
    assert again.status_code == 409 and "already done" in again.json()["message"]


def test_a_callback_attempt_needs_a_callback_and_a_known_outcome(
    pbx: TestClient, people: People
) -> None:
    answered = pbx.post("/api/telephony/events", json=offered("c11", location=CHALUS))
    url = f"/api/contacts/{answered.json()['contact_id']}/callback/attempts"
    counsellor = people("counsellor")
    assert counsellor.post(url, json={"outcome": "reached"}).status_code == 409  # never lost
    lost = hang_up(pbx, "c12")
    bad = counsellor.post(f"/api/contacts/{lost}/callback/attempts", json={"outcome": "maybe"})
    assert bad.status_code == 422
    gilan = people("counsellor_gilan").post(f"/api/contacts/{lost}/callback/attempts",
                                            json={"outcome": "reached"})
    assert gilan.status_code == 403  # not her province


def test_overflow_offers_the_backups_then_the_national_pool(
    app: FastAPI, pbx: TestClient, clock: FrozenClock, people: People
) -> None:
    from panah.intake.queue.scheduled import overflow_due
    from panah.intake.routing.context import routing_context

    contact_id = pbx.post("/api/telephony/events",
                          json=offered("c7", location=CHALUS)).json()["contact_id"]
    with unit_of_work(app.state.session_factory) as session:
        lines = routing_context(session).lines
        overflow_due(session, now=clock.now(), lines=lines)
    counsellor = people("counsellor")
    assert counsellor.get(f"/api/contacts/{contact_id}").json()["offered_to"] == ["IR-02"]
    clock.advance(seconds=21)
    with unit_of_work(app.state.session_factory) as session:
        assert overflow_due(session, now=clock.now(), lines=lines) >= 1
    offered_to = people("counsellor").get(f"/api/contacts/{contact_id}").json()["offered_to"]
    assert offered_to == ["IR-02", "IR-27", "IR-20"]  # then Golestan, then Semnan
    clock.advance(seconds=20)
    with unit_of_work(app.state.session_factory) as session:
        overflow_due(session, now=clock.now(), lines=lines)
    contact = people("counsellor_gilan").get(f"/api/contacts/{contact_id}").json()
    assert contact["offered_to"][-1] == "national"  # now even Gilan may answer it
    assert [s["step"] for s in contact["trail"]].count("overflow") >= 2
    assert timedelta(seconds=contact["waited_s"]) == timedelta(seconds=41)


def test_an_event_whose_processing_failed_is_kept_and_processed_on_recovery(
    app: FastAPI, database_url: str, clock: FrozenClock
) -> None:
    """Processing failed (a bug): the sender hears of it, the event stays stored, and
    recovery makes its contact. A process killed mid-batch commits nothing and answers
    nothing, so its senders send again."""
    from panah.intake.inbound import events
    from panah.intake.inbound.recovery import recover

    def crash(*_: object) -> int:
        raise SystemExit("the server died here")

    def bug(*_: object) -> int:
        raise RuntimeError("a bug in processing")

    def receive(process: Callable[..., int]) -> None:
        events.receive(app.state.session_factory, source="telephony:1", key="c9-offered",
                       kind="call.offered", payload=offered("c9", location=CHALUS),
                       caller_hash=None, now=clock.now(), process=process)

    with pytest.raises(SystemExit):
        receive(crash)
    with sqlite3.connect(database_url.removeprefix("sqlite:///")) as db:
        assert db.execute("SELECT count(*) FROM inbound_event").fetchone() == (0,)
    with pytest.raises(RuntimeError):
        receive(bug)
    with sqlite3.connect(database_url.removeprefix("sqlite:///")) as db:
        assert db.execute("SELECT status FROM inbound_event WHERE key='c9-offered'"
                          ).fetchone() == ("received",)
    assert recover(app.state.session_factory, clock=clock) == 1
    with sqlite3.connect(database_url.removeprefix("sqlite:///")) as db:
        assert db.execute("SELECT status FROM inbound_event WHERE key='c9-offered'"
                          ).fetchone() == ("processed",)
        assert db.execute("SELECT province_code FROM contact WHERE external_id='c9'"
                          ).fetchone() == ("IR-02",)
    assert recover(app.state.session_factory, clock=clock) == 0


def test_a_repeat_caller_brings_earlier_contacts_case_files_and_flags(
    pbx: TestClient, people: People, app: FastAPI, clock: FrozenClock, database_url: str
) -> None:
    from panah.intake.model import Channel, RiskLevel
    from panah.intake.orm import Contact
    from panah.intake.routing.context import routing_context
    from panah.intake.service import NewContact, abandon, open_contact

    number, now = "+989121119999", clock.now()
    with unit_of_work(app.state.session_factory) as session:
        context = routing_context(session)

        def earlier(call: str, ago: timedelta, risk: RiskLevel, lost: bool) -> int:
            contact = open_contact(session, new=NewContact(Channel.voice, call, number, "123",
                                                           risk=risk),
                                   context=context, now=now - ago)
            if lost:
                abandon(session, contact=contact, now=now - ago)
            return contact.id

        first = earlier("r1", timedelta(days=2), RiskLevel.immediate, lost=False)
        lost = earlier("r2", timedelta(hours=3), RiskLevel.medium, lost=True)
        lost_again = earlier("r3", timedelta(hours=1), RiskLevel.medium, lost=True)
        other = session.get_one(Contact, first)
        assert other.caller_hash is not None
    case = people("social_worker").post("/api/cases", json={
        "client_name": "نمونهٔ تکراری", "phone": "0912 111 9999", "category": "spouse_abuse"})
    assert case.status_code == 201, case.text

    contact_id = pbx.post("/api/telephony/events", json=offered(
        "r4", caller="09121119999", location=CHALUS)).json()["contact_id"]
    seen = people("counsellor").get(f"/api/contacts/{contact_id}").json()
    assert seen["earlier_contacts"] == 3
    assert [e["id"] for e in seen["earlier"]] == [lost_again, lost, first]
    assert [e["lost"] for e in seen["earlier"]] == [True, True, False]
    assert seen["flags"] == ["earlier_immediate", "open_case", "many_recent", "lost_before"]
    [hint] = seen["cases"]
    assert (hint["id"], hint["status"], hint["may_open"], hint["category"]) == (
        case.json()["id"], "open", False, None)  # not on the team: no category
    supervised = people("supervisor").get(f"/api/contacts/{contact_id}").json()["cases"]
    assert (supervised[0]["may_open"], supervised[0]["category"]) == (True, "spouse_abuse")
    page = people("counsellor").get(f"/line/contacts/{contact_id}",
                                    headers={"Accept": "text/html"}).text
    assert "پیش‌تر در خطر فوری بوده است" in page and "پرونده‌ای برای این شماره باز است" in page
    assert "جزئیات فقط برای تیم پرونده" in page

    # A case at work (assessment … closure asked) is still open; only a closed one is not.
    def flags_when(status: str) -> list[str]:
        with sqlite3.connect(database_url.removeprefix("sqlite:///")) as db:
            db.execute("UPDATE case_file SET status=? WHERE id=?", (status, case.json()["id"]))
        return list(people("counsellor").get(f"/api/contacts/{contact_id}").json()["flags"])
    assert "open_case" in flags_when("assessment")
    assert "open_case" in flags_when("closure_requested")
    assert "open_case" not in flags_when("closed")


def test_a_texter_gets_one_conversation_and_the_counsellors_replies_by_sms(
    pbx: TestClient, people: People, app: FastAPI, clock: FrozenClock, database_url: str
) -> None:
    from panah.core.timers import tick
    from panah.integrations.sms import LoggingSmsProvider

    def text(n: int, words: str) -> dict[str, object]:
        return pbx.post("/api/sms/inbound", json={
            "message_id": f"t{n}", "sender": "0935 111 2222", "recipient": "123",
            "text": words}).json()

    first = text(1, "نمی‌توانم حرف بزنم. کمک می‌خواهم.")
    clock.advance(minutes=1)
    second = text(2, "در ساری هستم")
    assert first["contact_id"] == second["contact_id"]  # one conversation, not two calls
    contact_id = first["contact_id"]
    counsellor = people("counsellor")  # an unlocated text waits in the national pool
    messages = counsellor.get(f"/api/contacts/{contact_id}/messages")
    assert [m["text"] for m in messages.json()] == ["نمی‌توانم حرف بزنم. کمک می‌خواهم.",
                                                   "در ساری هستم"]
    reply = counsellor.post(f"/api/contacts/{contact_id}/messages",
                            json={"text": "سلام، من اینجا هستم. در امان هستید؟"})
    assert reply.status_code == 201
    with sqlite3.connect(database_url.removeprefix("sqlite:///")) as db:
        assert db.execute("SELECT status FROM outbound_sms WHERE contact_id=?",
                          (contact_id,)).fetchall() == [("pending",)]
    sms = LoggingSmsProvider()
    tick(app.state.session_factory, clock=clock, sms=sms)
    assert [body for to, body in sms.sent if to == "+989351112222"] == [
        "سلام، من اینجا هستم. در امان هستید؟"]
