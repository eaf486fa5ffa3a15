"""The public help page and chat: no login, nothing kept in the browser, routed by the
browser's location, live both ways over WebSockets, messages stored encrypted."""

from __future__ import annotations

import re
import sqlite3

from fastapi import FastAPI
from fastapi.testclient import TestClient

from tests.conftest import login

CHALUS = {"lat": 36.6550, "lon": 51.4205, "accuracy_m": 30}


def test_help_page_needs_no_login_sets_no_cookie_and_is_not_cached(client: TestClient) -> None:
    page = client.get("/help", headers={"Accept": "text/html"})
    assert page.status_code == 200
    assert "set-cookie" not in page.headers
    assert page.headers["cache-control"] == "no-store"
    assert page.headers["referrer-policy"] == "no-referrer"
    for element in ("quick-exit", "share-location", "start-chat", "chat-log", "report-form"):
        assert f'id="{element}"' in page.text
    assert 'dir="rtl"' in page.text and "خروج سریع" in page.text


def test_a_chat_with_browser_location_reaches_mazandaran_and_both_sides_talk(
    client: TestClient, database_url: str
) -> None:
    started = client.post("/api/help/chats", json={"message": "نمی‌توانم حرف بزنم", **CHALUS})
    assert started.status_code == 201, started.text
    chat = started.json()
    assert chat["queue"] == "IR-02"
    # One client for both sides: its sockets then share one event loop, as in a real server.
    counsellor = client
    login(counsellor, "counsellor")
    token = re.search(r'name="csrf-token" content="([^"]+)"',
                      counsellor.get("/", headers={"Accept": "text/html"}).text)
    assert token
    counsellor.headers["X-CSRF-Token"] = token.group(1)
    assert chat["contact_id"] in [c["id"] for c in counsellor.get("/api/line/queue").json()]
    taken = counsellor.post(f"/api/contacts/{chat['contact_id']}/take")
    assert taken.status_code == 200 and taken.json()["state"] == "answered"

    visitor_url = f"/ws/help/chats/{chat['contact_id']}?token={chat['token']}"
    with counsellor.websocket_connect(visitor_url) as visitor, \
            counsellor.websocket_connect(f"/ws/contacts/{chat['contact_id']}/chat") as desk:
        assert visitor.receive_json()["text"] == "نمی‌توانم حرف بزنم"
        assert desk.receive_json()["sender"] == "caller"
        # After the history, where the chat stands: taken, a counsellor is with her.
        assert visitor.receive_json() == {"type": "state", "state": "answered"}
        assert desk.receive_json() == {"type": "state", "state": "answered"}
        desk.send_json({"type": "message", "text": "سلام، من کارشناس ۱۲۳ هستم. کجا هستید؟"})
        assert visitor.receive_json()["sender"] == "counsellor"
        assert desk.receive_json()["sender"] == "counsellor"  # the desk sees its own, stored
        visitor.send_json({"type": "message", "text": "ویلای کنار دریا"})
        assert desk.receive_json()["text"] == "ویلای کنار دریا"
    history = counsellor.get(f"/api/contacts/{chat['contact_id']}/messages").json()
    assert [m["sender"] for m in history] == ["caller", "counsellor", "caller"]
    with sqlite3.connect(database_url.removeprefix("sqlite:///")) as db:
        raw = [t for (t,) in db.execute("SELECT text FROM chat_message")]
    assert raw and all(t.startswith("v1.") for t in raw)


def test_a_wrong_chat_token_gets_no_socket(client: TestClient) -> None:
    chat = client.post("/api/help/chats", json={"message": "کمک"}).json()
    assert chat["queue"] == "national"  # no location: the national queue, never a refusal
    import pytest
    from starlette.websockets import WebSocketDisconnect

    with pytest.raises(WebSocketDisconnect), \
            client.websocket_connect(f"/ws/help/chats/{chat['contact_id']}?token=guess") as ws:
        ws.receive_json()


def test_a_gilan_counsellor_cannot_open_a_mazandaran_chat_socket(
    app: FastAPI, client: TestClient
) -> None:
    import pytest
    from starlette.websockets import WebSocketDisconnect

    chat = client.post("/api/help/chats", json={"message": "کمک", **CHALUS}).json()
    gilan = TestClient(app)
    login(gilan, "counsellor_gilan")
    with pytest.raises(WebSocketDisconnect), \
            gilan.websocket_connect(f"/ws/contacts/{chat['contact_id']}/chat") as ws:
        ws.receive_json()
    gilan.close()


def test_a_report_with_a_place_name_is_routed_by_the_gazetteer(client: TestClient) -> None:
    sent = client.post("/api/help/reports", json={
        "what": "کودک کار در ساحل، تنها", "place": "بابلسر", "when": "همین حالا"})
    assert sent.status_code == 201, sent.text
    assert sent.json()["queue"] == "IR-02"


def test_the_help_page_offers_123_110_and_115_as_numbers_to_tap(client: TestClient) -> None:
    page = client.get("/help", headers={"Accept": "text/html"}).text
    for number, persian, name in (("123", "۱۲۳", "اورژانس اجتماعی"), ("110", "۱۱۰", "پلیس"),
                                  ("115", "۱۱۵", "اورژانس پزشکی")):
        assert f'href="tel:{number}"' in page
        assert persian in page and name in page
    assert 'id="limited"' in page and 'id="chat-ended"' in page  # shown when they apply


def test_the_visitor_hears_at_once_when_a_counsellor_takes_the_chat_and_when_it_ends(
    client: TestClient,
) -> None:
    chat = client.post("/api/help/chats", json={"message": "کمک می‌خواهم", **CHALUS}).json()
    login(client, "counsellor")
    token = re.search(r'name="csrf-token" content="([^"]+)"',
                      client.get("/", headers={"Accept": "text/html"}).text)
    assert token
    client.headers["X-CSRF-Token"] = token.group(1)
    visitor_url = f"/ws/help/chats/{chat['contact_id']}?token={chat['token']}"
    with client.websocket_connect(visitor_url) as visitor:
        assert visitor.receive_json()["text"] == "کمک می‌خواهم"
        assert visitor.receive_json() == {"type": "state", "state": "queued"}
        assert client.post(f"/api/contacts/{chat['contact_id']}/take").status_code == 200
        # Before the counsellor writes anything, the page knows someone is with her.
        assert visitor.receive_json() == {"type": "state", "state": "answered"}
        closed = client.post(f"/api/contacts/{chat['contact_id']}/close", json={
            "outcomes": [{"outcome": "counselled", "note": "گفت‌وگو و برنامهٔ ایمنی."}]})
        assert closed.status_code == 200, closed.text
        assert visitor.receive_json() == {"type": "state", "state": "closed"}
        visitor.send_json({"type": "message", "text": "هنوز هستید؟"})
        refused = visitor.receive_json()
        assert refused["type"] == "error" and "پایان یافته" in refused["message_fa"]
    # A page that comes back later reads the end too.
    with client.websocket_connect(visitor_url) as again:
        frames = [again.receive_json() for _ in range(2)]
    assert frames[-1] == {"type": "state", "state": "closed"}
