"""Unit positions over MQTT through the whole app and the real broker (127.0.0.1:1883): a
tracker publishes on its unit's topic, the server stores the fix and the dispatch board
moves the unit; a broken or foreign fix is refused and stores nothing. Without a broker
configured the app says so and positions still come over HTTP."""

from __future__ import annotations

import json
import time
import uuid
from collections.abc import Iterator
from datetime import timedelta
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, select

from panah.config import Settings
from panah.core.clock import FrozenClock
from panah.core.db import unit_of_work
from panah.dispatch.orm import Unit, UnitPosition
from panah.integrations.mqtt_messages import channel_topic, position_topic
from tests.conftest import NOWRUZ, TEST_ENCRYPTION_KEYS, TEST_HASH_KEY, login
from tests.storage.test_mqtt_broker import (  # noqa: F401 - broker_url is a fixture
    WAIT_S,
    broker_url,
    forget_session,
    plain_client,
    publish_as_unit,
)


@pytest.fixture
def mqtt_app(broker_url: str, database_url: str) -> Iterator[tuple[Any, TestClient]]:  # noqa: F811
    from panah.main import create_app

    name = f"panah-app-{uuid.uuid4().hex[:10]}"
    settings = Settings(  # type: ignore[call-arg]
        database_url=database_url, environment="test",  # type: ignore[arg-type]
        secret_key="m" * 40, encryption_keys=TEST_ENCRYPTION_KEYS, hash_key=TEST_HASH_KEY,
        timers=False, mqtt_url=broker_url, mqtt_client_id=name)
    app = create_app(settings, clock=FrozenClock(NOWRUZ))
    try:
        with TestClient(app, follow_redirects=False) as client:  # runs the lifespan: the bus
            assert app.state.bus.wait_ready(WAIT_S), app.state.bus.status()
            login(client, "dispatcher")
            yield app, client
    finally:
        app.state.engine.dispose()
        forget_session(name)


def _fixes(app: Any) -> int:
    with unit_of_work(app.state.session_factory) as session:
        return session.scalar(select(func.count()).select_from(UnitPosition)
                              .where(UnitPosition.source == "mqtt")) or 0


def _wait_for(check: Any, timeout_s: float = WAIT_S) -> None:
    deadline = time.monotonic() + timeout_s
    while not check():
        assert time.monotonic() < deadline, "the position did not arrive in time"
        time.sleep(0.05)


def test_a_trackers_position_over_mqtt_moves_the_unit_on_the_board(
    mqtt_app: tuple[Any, TestClient],
) -> None:
    app, client = mqtt_app
    bus = client.get("/api/dispatch/mqtt").json()
    assert (bus["configured"], bus["connected"]) == (True, True)
    at = (NOWRUZ - timedelta(minutes=1)).isoformat()
    publish_as_unit(position_topic("MZN-03"), json.dumps(
        {"lat": 36.7012, "lon": 52.6511, "at": at, "accuracy_m": 9, "speed_kmh": 35}).encode())
    _wait_for(lambda: _fixes(app) == 1)
    board = client.get("/api/dispatch/board").json()
    unit = next(u for u in board["units"] if u["call_sign"] == "MZN-03")
    assert (unit["lat"], unit["lon"], unit["position_stale"]) == (36.7012, 52.6511, False)
    publish_as_unit(position_topic("MZN-03"), json.dumps(
        {"lat": 36.7012, "lon": 52.6511, "at": at}).encode())  # the broker sent it again
    time.sleep(0.5)
    assert _fixes(app) == 1


def test_broken_foreign_and_unknown_positions_are_refused_and_store_nothing(
    mqtt_app: tuple[Any, TestClient],
) -> None:
    app, _ = mqtt_app
    at = NOWRUZ.isoformat()
    publish_as_unit(position_topic("MZN-03"), b"not json")
    publish_as_unit(position_topic("MZN-03"), json.dumps(
        {"lat": 41.01, "lon": 28.97, "at": at}).encode())  # Istanbul
    publish_as_unit(position_topic("XYZ-99"), json.dumps(
        {"lat": 36.70, "lon": 52.65, "at": at}).encode())
    listener = app.state.bus_listener
    _wait_for(lambda: sum(listener.refused.values()) == 3)
    assert listener.refused == {"invalid_input": 1, "outside_iran": 1, "not_found": 1}
    assert _fixes(app) == 0


def test_without_a_broker_the_app_says_so_and_takes_positions_over_http(
    app: Any, clock: FrozenClock,
) -> None:
    with TestClient(app, follow_redirects=False) as client:
        login(client, "field_crew")
        page = client.get("/", headers={"Accept": "text/html"}).text
        client.headers["X-CSRF-Token"] = page.split('name="csrf-token" content="')[1].split(
            '"')[0]
        status = app.state.bus.status()
        assert not status.configured and "PANAH_MQTT_URL" in status.detail_en
        with unit_of_work(app.state.session_factory) as session:
            unit_id = session.scalar(select(Unit.id).where(Unit.call_sign == "MZN-01"))
        answer = client.post(f"/api/units/{unit_id}/positions", json={
            "lat": 36.66, "lon": 51.43, "at": clock.now().isoformat()})
        assert answer.status_code == 200, answer.text
        assert answer.json()["stored"] is True


def test_a_units_channel_message_over_mqtt_is_stored_and_the_desks_reply_goes_out(
    mqtt_app: tuple[Any, TestClient],
) -> None:
    import threading

    from panah.dispatch.orm import TeamChannelMessage
    from panah.dispatch.team_channels import ensure_unit_channels, relay_pending

    app, desk = mqtt_app
    with unit_of_work(app.state.session_factory) as session:
        unit = session.scalars(select(Unit).where(Unit.call_sign == "MZN-01")).one()
        line = ensure_unit_channels(session, unit, NOWRUZ)[0].id
    heard: list[bytes] = []
    arrived = threading.Event()
    listener = plain_client(f"panah-u-{uuid.uuid4().hex[:12]}")
    listener.on_message = lambda _c, _u, message: (heard.append(message.payload), arrived.set())
    listener.subscribe(channel_topic(line), qos=1)
    try:
        publish_as_unit(channel_topic(line), json.dumps({
            "client_id": "tracker-msg-0001", "sender_call_sign": "MZN-01",
            "text": "جاده بسته است؛ از مسیر دیگر می‌رویم."}).encode())
        _wait_for(lambda: app.state.bus_listener.messages == 1)
        with unit_of_work(app.state.session_factory) as session:
            stored = session.scalars(select(TeamChannelMessage)).all()
            assert [(m.source, m.sender_name) for m in stored] == [("mqtt", "MZN-01")]
        page = desk.get("/", headers={"Accept": "text/html"}).text
        desk.headers["X-CSRF-Token"] = page.split('name="csrf-token" content="')[1].split('"')[0]
        sent = desk.post(f"/api/channels/{line}/messages",
                         json={"client_id": "desk-reply-001", "text": "باشد، مراقب باشید."})
        assert sent.status_code == 201, sent.text
        assert relay_pending(app.state.session_factory, bus=app.state.bus,
                             radio=app.state.radio, now=NOWRUZ) == 1
        assert arrived.wait(WAIT_S)
        assert any(json.loads(p).get("text") == "باشد، مراقب باشید." for p in heard)
    finally:
        listener.disconnect()
        listener.loop_stop()
