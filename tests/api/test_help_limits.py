"""The public help page under a flood: anonymous chats and reports are limited per client
address and per visitor token, texts per sender number; a real caller from elsewhere stays
first; whoever passes a limit is told so, in Persian and English, with the numbers to call.
The counts live in the database, so every server process shares them."""

from __future__ import annotations

import secrets
import sqlite3
from collections.abc import Iterator

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

from panah.core.clock import FrozenClock
from panah.intake.limits.model import LIMITS, Source
from tests.api.conftest import People
from tests.api.test_intake_api import pbx  # noqa: F401 - the PBX and SMS gateway's key

CHALUS = {"lat": 36.6550, "lon": 51.4205, "accuracy_m": 30}
PER_ADDRESS = LIMITS[Source.address].most
PER_VISITOR = LIMITS[Source.visitor].most
PER_SENDER = LIMITS[Source.sms].most


@pytest.fixture
def from_address(app: FastAPI) -> Iterator[dict[str, TestClient]]:
    """``from_address["10.0.0.9"]``: a client that the server sees at that address."""
    clients: dict[str, TestClient] = {}

    class ByAddress(dict[str, TestClient]):
        def __missing__(self, address: str) -> TestClient:
            client = clients[address] = TestClient(app, client=(address, 40000))
            self[address] = client
            return client

    yield ByAddress()
    for client in clients.values():
        client.close()


def chat(client: TestClient, message: str = "کمک! در خطرم.", *, in_danger: bool = True,
         visitor: str | None = None) -> tuple[int, dict[str, object]]:
    body: dict[str, object] = {"message": message, "in_danger": in_danger, **CHALUS}
    if visitor:
        body["visitor"] = visitor
    answer = client.post("/api/help/chats", json=body)
    return answer.status_code, {**answer.json(), "retry-after": answer.headers.get(
        "retry-after")}


def mazandaran_queue(people: People) -> list[dict[str, object]]:
    queue: list[dict[str, object]] = people("counsellor").get("/api/line/queue").json()
    return [c for c in queue if c["channel"] == "web_chat"]


def test_a_flood_from_one_address_leaves_a_real_caller_first(
    from_address: dict[str, TestClient], people: People
) -> None:
    real_status, real = chat(from_address["5.160.1.20"], "شوهرم مرا می‌زند؛ در ویلا هستم.")
    assert real_status == 201
    answers = [chat(from_address["37.98.7.7"], visitor=secrets.token_urlsafe(18))
               for _ in range(150)]  # a new visitor token each time: the address still counts

    admitted = [body for status, body in answers if status == 201]
    refused = [body for status, body in answers if status != 201]
    assert len(admitted) == PER_ADDRESS <= 6  # a handful, not 150
    assert {status for status, _ in answers if status != 201} == {429}
    queue = mazandaran_queue(people)
    assert queue[0]["id"] == real["contact_id"] and queue[0]["risk"] == "immediate"
    flood = [c for c in queue if c["id"] != real["contact_id"]]
    assert len(flood) == PER_ADDRESS
    # Its first chat is indistinguishable from a real one; "in danger" ranks none after it.
    assert [c["risk"] for c in flood] == ["immediate"] + ["medium"] * (PER_ADDRESS - 1)
    # The refused are told what to do, in both languages, and when to try again.
    told = refused[0]
    assert told["error"] == "too_many_contacts"
    assert all(n in str(told["message_fa"]) for n in ("۱۲۳", "۱۱۰", "۱۱۵"))
    assert all(n in str(told["message"]) for n in ("123", "110", "115"))
    assert told["details"]["call_now"] == ["123", "110", "115"]  # type: ignore[index]
    assert told["retry-after"] == "600"


def test_a_second_chat_in_danger_from_the_same_address_keeps_an_ordinary_level_and_says_why(
    from_address: dict[str, TestClient], people: People
) -> None:
    first, second = (chat(from_address["5.160.1.21"])[1] for _ in range(2))
    risks = {c["id"]: c["risk"] for c in mazandaran_queue(people)}
    assert (risks[first["contact_id"]], risks[second["contact_id"]]) == ("immediate", "medium")
    trail = people("counsellor").get(f"/api/contacts/{second['contact_id']}").json()["trail"]
    step = next(s for s in trail if s["step"] == "intake")
    assert step["outcome"] == "not_ranked" and "همین حالا در خطرم" in step["detail_fa"]


def test_a_visitor_token_is_counted_whatever_address_it_comes_from(
    from_address: dict[str, TestClient],
) -> None:
    visitor = secrets.token_urlsafe(18)
    statuses = [chat(from_address[f"10.0.0.{i}"], in_danger=False, visitor=visitor)[0]
                for i in range(PER_VISITOR + 2)]
    assert statuses == [201] * PER_VISITOR + [429, 429]


def test_reports_and_chats_count_together_and_reports_are_told_the_numbers_too(
    from_address: dict[str, TestClient],
) -> None:
    client = from_address["5.160.1.22"]
    for _ in range(PER_ADDRESS):
        sent = client.post("/api/help/reports", json={"what": "کودکی در خیابان تنهاست."})
        assert sent.status_code == 201
    assert chat(client)[0] == 429
    refused = client.post("/api/help/reports", json={"what": "باز هم."})
    assert refused.status_code == 429 and "۱۱۵" in refused.json()["message_fa"]


def test_the_window_ends_and_the_same_address_may_write_again_in_danger(
    from_address: dict[str, TestClient], clock: FrozenClock, people: People
) -> None:
    client = from_address["5.160.1.23"]
    assert [chat(client)[0] for _ in range(PER_ADDRESS + 1)][-1] == 429
    clock.advance(minutes=10)
    status, again = chat(client)
    assert status == 201
    risks = {c["id"]: c["risk"] for c in mazandaran_queue(people)}
    assert risks[again["contact_id"]] == "immediate"  # the first of its new window


def test_a_refused_chat_leaves_nothing_behind(
    from_address: dict[str, TestClient], database_url: str
) -> None:
    client = from_address["5.160.1.24"]
    for _ in range(PER_ADDRESS + 3):
        chat(client)
    with sqlite3.connect(database_url.removeprefix("sqlite:///")) as db:
        chats = db.execute("SELECT count(*) FROM contact WHERE channel='web_chat'").fetchone()
        windows = db.execute("SELECT source, key_hash, count FROM source_window").fetchall()
    assert chats == (PER_ADDRESS,)
    assert [(s, c) for s, _, c in windows] == [("address", PER_ADDRESS)]
    assert all("5.160" not in h for _, h, _ in windows)  # keyed hashes, not addresses


def test_texts_past_the_limit_reach_no_one_and_the_sender_is_told_once(
    pbx: TestClient, database_url: str  # noqa: F811
) -> None:
    def text(n: int) -> dict[str, object]:
        return pbx.post("/api/sms/inbound", json={
            "message_id": f"m{n}", "sender": "09121234567", "text": f"پیام {n}"}).json()

    receipts = [text(n) for n in range(PER_SENDER + 3)]
    conversation = receipts[0]["contact_id"]
    assert all(r["status"] == "processed" for r in receipts)  # every text kept as an event
    assert [r["contact_id"] for r in receipts] == [conversation] * PER_SENDER + [None] * 3
    with sqlite3.connect(database_url.removeprefix("sqlite:///")) as db:
        posted = db.execute("SELECT count(*) FROM chat_message WHERE contact_id = ?",
                            (conversation,)).fetchone()
        kept = db.execute("SELECT count(*) FROM inbound_event WHERE kind='sms.text'").fetchone()
        told = db.execute("SELECT count(*) FROM outbound_sms WHERE contact_id IS NULL"
                          ).fetchone()
    assert (posted, kept, told) == ((PER_SENDER,), (PER_SENDER + 3,), (1,))
