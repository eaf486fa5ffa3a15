"""A websocket opened from another site's page is refused with 1008 (policy violation).

A browser sends the page's ``Origin`` with every websocket handshake, and the session
cookie along with it: without this check, any site the Mazandaran counsellor visits could
open her chat socket and read the conversation (cross-site websocket hijacking). Allowed:
the server's own origin (the ``Host`` the browser connected to), a host listed in
PANAH_TRUSTED_HOSTS, and no ``Origin`` at all (a program, not a browser: it has no
victim's cookie to ride on and must sign in like anyone).
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from starlette.websockets import WebSocketDisconnect

from panah.config import Settings
from panah.main import create_app
from tests.conftest import login

CHALUS = {"message": "کمک", "lat": 36.6550, "lon": 51.4205, "accuracy_m": 30}
EVIL = {"Origin": "https://evil.example"}


def _refused(client: TestClient, url: str, headers: dict[str, str]) -> int:
    with pytest.raises(WebSocketDisconnect) as refusal, \
            client.websocket_connect(url, headers=headers) as ws:
        ws.receive_json()
    return refusal.value.code


def _taken_chat(client: TestClient) -> dict[str, object]:
    chat: dict[str, object] = client.post("/api/help/chats", json=CHALUS).json()
    login(client, "counsellor")
    page = client.get("/", headers={"Accept": "text/html"}).text
    client.headers["X-CSRF-Token"] = page.split('name="csrf-token" content="')[1].split('"')[0]
    assert client.post(f"/api/contacts/{chat['contact_id']}/take").status_code == 200
    return chat


def test_a_page_on_another_site_cannot_open_the_counsellors_or_the_visitors_socket(
    client: TestClient,
) -> None:
    chat = _taken_chat(client)
    desk = f"/ws/contacts/{chat['contact_id']}/chat"
    visitor = f"/ws/help/chats/{chat['contact_id']}?token={chat['token']}"
    assert _refused(client, desk, EVIL) == 1008
    assert _refused(client, visitor, EVIL) == 1008
    assert _refused(client, desk, {"Origin": "null"}) == 1008  # a sandboxed frame
    assert _refused(client, desk, {"Origin": "http://testserver.evil.example"}) == 1008


def test_the_sites_own_pages_and_programs_without_an_origin_connect(client: TestClient) -> None:
    chat = _taken_chat(client)
    desk = f"/ws/contacts/{chat['contact_id']}/chat"
    for headers in ({"Origin": "http://testserver"}, {}):
        with client.websocket_connect(desk, headers=headers) as ws:
            assert ws.receive_json()["sender"] == "caller"


@pytest.fixture
def behind_a_name(settings: Settings) -> Iterator[FastAPI]:
    named = settings.model_copy(update={"trusted_hosts": ["panah.example.ir", "*.123.ir"]})
    application = create_app(named)
    yield application
    application.state.engine.dispose()


def test_an_origin_among_the_trusted_hosts_connects_and_another_is_refused(
    behind_a_name: FastAPI,
) -> None:
    with TestClient(behind_a_name, base_url="https://panah.example.ir") as client:
        chat = _taken_chat(client)
        desk = f"wss://panah.example.ir/ws/contacts/{chat['contact_id']}/chat"
        for origin in ("https://panah.example.ir", "https://mzn.123.ir"):
            with client.websocket_connect(desk, headers={"Origin": origin}) as ws:
                assert ws.receive_json()["sender"] == "caller"
        assert _refused(client, desk, {"Origin": "https://panah.example.ir.evil.example"}) \
            == 1008


def test_every_socket_of_the_app_refuses_another_sites_page(
    app: FastAPI, client: TestClient
) -> None:
    """Walked over the app's websocket routes, so a socket added later is covered."""
    from fastapi.routing import APIWebSocketRoute

    from tests.api.test_route_permissions import effective_routes

    login(client, "supervisor")
    paths = [route.path for original, route in effective_routes(app.routes)
             if isinstance(original, APIWebSocketRoute)]
    assert len(paths) >= 3
    for path in paths:
        url = path.replace("{contact_id}", "1").replace("{channel_id}", "1")
        with pytest.raises(WebSocketDisconnect) as refusal, \
                client.websocket_connect(url, headers=EVIL) as ws:
            ws.receive_json()
        assert (refusal.value.code, refusal.value.reason) == (
            1008, "another site's page / صفحهٔ سایتی دیگر"), path
