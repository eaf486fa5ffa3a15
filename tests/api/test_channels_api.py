"""Team channels through HTTP: a unit sent to an incident joins its channel; the dispatcher
and the crew talk there in text and short voice notes, each message stored once however
often it is sent; messages go on to MQTT and the radio gateway once; what a radio user says
comes back through the gateway; nobody reads another province's or another unit's
channels."""

from __future__ import annotations

import base64
import json
from collections.abc import Iterator
from typing import Any

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import select

from panah.core.db import unit_of_work
from panah.dispatch.orm import Unit
from panah.dispatch.team_channels import ensure_unit_channels, relay_pending
from panah.integrations.mqtt import LocalBus
from panah.integrations.mqtt_messages import channel_topic
from panah.integrations.radio import LoggingRadio
from panah.security.apikeys import create_key
from panah.security.orm import User
from panah.security.sessions import actor_of
from tests.api.conftest import People

CHALUS = {"lat": 36.6552, "lon": 51.4200, "priority": "high"}
VOICE = base64.b64encode(b"\x1aE\xdf\xa3 a tiny webm stand-in").decode()


def _unit(app: FastAPI, call_sign: str) -> int:
    with unit_of_work(app.state.session_factory) as session:
        found = session.scalar(select(Unit.id).where(Unit.call_sign == call_sign))
        assert found is not None
        return found


@pytest.fixture
def incident_channel(app: FastAPI, people: People) -> int:
    """MZN-01 sent to Chalus: the id of the incident's channel."""
    made = people("dispatcher").post("/api/incidents", json=CHALUS).json()
    sent = people("dispatcher").post(f"/api/incidents/{made['id']}/assignments",
                                     json={"unit_id": _unit(app, "MZN-01")})
    assert sent.status_code == 201, sent.text
    mine = people("field_crew").get("/api/channels").json()
    first = mine[0]
    assert (first["kind"], first["incident_id"], first["units"]) == (
        "incident", made["id"], ["MZN-01"])
    return int(first["id"])


def say(client: TestClient, channel: int, text: str, key: str) -> Any:
    return client.post(f"/api/channels/{channel}/messages", json={"client_id": key, "text": text})


def test_the_crew_has_its_incident_its_dispatch_line_and_its_centre(
    people: People, incident_channel: int,
) -> None:
    kinds = [c["kind"] for c in people("field_crew").get("/api/channels").json()]
    assert kinds == ["incident", "direct", "centre"]
    assert incident_channel in [c["id"] for c in people("dispatcher").get("/api/channels").json()]


def test_dispatcher_and_crew_talk_and_a_resend_is_stored_once(
    people: People, incident_channel: int,
) -> None:
    first = say(people("dispatcher"), incident_channel, "پلیس ۱۱۰ در راه است.", "desk-000001")
    again = say(people("dispatcher"), incident_channel, "پلیس ۱۱۰ در راه است.", "desk-000001")
    assert (first.status_code, again.status_code) == (201, 200)
    assert first.json()["id"] == again.json()["id"]
    reused = say(people("dispatcher"), incident_channel, "متن دیگری", "desk-000001")
    assert reused.status_code == 409
    reply = say(people("field_crew"), incident_channel, "رسیدیم؛ اوضاع آرام است.", "phone-00001")
    assert reply.status_code == 201
    assert reply.json()["sender_call_sign"] == "MZN-01"
    seen = people("field_crew").get(f"/api/channels/{incident_channel}/messages").json()
    assert [m["text"] for m in seen] == ["پلیس ۱۱۰ در راه است.", "رسیدیم؛ اوضاع آرام است."]
    after = people("dispatcher").get(
        f"/api/channels/{incident_channel}/messages?after={seen[0]['id']}").json()
    assert [m["id"] for m in after] == [seen[1]["id"]]


def test_a_voice_note_is_kept_and_played_back_and_a_long_or_odd_one_refused(
    people: People, incident_channel: int,
) -> None:
    crew = people("field_crew")
    url = f"/api/channels/{incident_channel}/voice"
    note = crew.post(url, json={"client_id": "phone-voice-1", "audio_base64": VOICE,
                                "mime": "audio/webm;codecs=opus", "seconds": 4.5})
    assert note.status_code == 201, note.text
    assert (note.json()["kind"], note.json()["voice_seconds"]) == ("voice", 4.5)
    played = people("dispatcher").get(note.json()["voice_url"])
    assert played.status_code == 200
    assert played.headers["content-type"].startswith("audio/webm")
    assert played.content == base64.b64decode(VOICE)
    too_long = crew.post(url, json={"client_id": "phone-voice-2", "audio_base64": VOICE,
                                    "mime": "audio/webm", "seconds": 75})
    odd = crew.post(url, json={"client_id": "phone-voice-3", "audio_base64": VOICE,
                               "mime": "video/mp4", "seconds": 3})
    assert (too_long.status_code, odd.status_code) == (422, 422)
    assert odd.json()["message_fa"]


def test_messages_go_on_to_mqtt_and_the_radio_once(
    app: FastAPI, people: People, incident_channel: int,
) -> None:
    say(people("dispatcher"), incident_channel, "با بی‌سیم هم بشنوید.", "desk-000002")
    bus, radio = LocalBus(), LoggingRadio()
    factory, now = app.state.session_factory, app.state.clock.now()
    assert relay_pending(factory, bus=bus, radio=radio, now=now) == 1
    assert relay_pending(factory, bus=bus, radio=radio, now=now) == 0
    topic, payload = bus.published[0]
    assert topic == channel_topic(incident_channel)
    assert json.loads(payload)["text"] == "با بی‌سیم هم بشنوید."
    assert radio.sent == [(f"panah-{incident_channel}", "با بی‌سیم هم بشنوید.", 0)]


@pytest.fixture
def gateway(app: FastAPI) -> Iterator[TestClient]:
    """The radio gateway: an integration account's API key."""
    with unit_of_work(app.state.session_factory) as session:
        admin = session.scalar(select(User).where(User.username == "admin"))
        assert admin is not None
        _, text = create_key(session, actor=actor_of(admin), username="integration",
                             label="radio gateway", province_code=None,
                             now=app.state.clock.now())
    with TestClient(app, headers={"Authorization": f"Bearer {text}"}) as client:
        yield client


def test_a_radio_users_words_come_in_through_the_gateway_once_and_only_from_a_member(
    people: People, gateway: TestClient, incident_channel: int,
) -> None:
    body = {"talkgroup": f"panah-{incident_channel}", "client_id": "radio-tx-0001",
            "call_sign": "MZN-01", "text": "در حال انتقال به مرکز ساری."}
    first, again = gateway.post("/api/radio/messages", json=body), gateway.post(
        "/api/radio/messages", json=body)
    assert (first.status_code, again.status_code) == (201, 200)
    assert first.json()["source"] == "radio"
    stranger = gateway.post("/api/radio/messages", json={**body, "client_id": "radio-tx-0002",
                                                          "call_sign": "MZN-06"})
    assert stranger.status_code == 403
    texts = [m["text"] for m in people("dispatcher").get(
        f"/api/channels/{incident_channel}/messages").json()]
    assert texts == ["در حال انتقال به مرکز ساری."]


def test_nobody_reads_another_provinces_or_another_units_channel(
    app: FastAPI, people: People,
) -> None:
    gilan_id, sari_id = _unit(app, "GLN-01"), _unit(app, "MZN-06")
    with unit_of_work(app.state.session_factory) as session:
        gilan, sari = session.get(Unit, gilan_id), session.get(Unit, sari_id)
        assert gilan is not None and sari is not None
        gilan_line = ensure_unit_channels(session, gilan, app.state.clock.now())[0].id
        sari_line = ensure_unit_channels(session, sari, app.state.clock.now())[0].id
    assert people("dispatcher").get(f"/api/channels/{gilan_line}/messages").status_code == 403
    assert people("field_crew").get(f"/api/channels/{sari_line}/messages").status_code == 403
    assert say(people("field_crew"), sari_line, "سلام", "phone-00009").status_code == 403
    assert people("counsellor").get("/api/channels").status_code == 403
