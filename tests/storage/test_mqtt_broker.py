"""PahoBus against a real MQTT broker (Mosquitto) on 127.0.0.1:1883.

Skipped with a reason where no broker listens, unless ``PANAH_TEST_MQTT`` is set (CI sets
it): then a missing broker fails the run instead of silently hiding these tests. Each test
uses its own topic prefix and client ids, so runs in parallel do not hear each other.
"""

from __future__ import annotations

import json
import logging
import os
import socket
import threading
import uuid
from collections.abc import Iterator

import paho.mqtt.client as mqtt
import pytest
from paho.mqtt.enums import CallbackAPIVersion

from panah.integrations.mqtt import PahoBus
from panah.integrations.mqtt_messages import inbox_topic, parse_position, position_topic

HOST, PORT = "127.0.0.1", 1883
WAIT_S = 5.0
POSITION = json.dumps({"lat": 36.6550, "lon": 51.4204, "at": "2026-03-22T06:30:00Z",
                       "seq": 1}).encode()


@pytest.fixture(scope="module")
def broker_url() -> str:
    try:
        socket.create_connection((HOST, PORT), timeout=2).close()
    except OSError as exc:
        reason = f"no MQTT broker at {HOST}:{PORT} ({exc})"
        if os.environ.get("PANAH_TEST_MQTT"):
            pytest.fail(f"PANAH_TEST_MQTT is set but there is {reason}; start Mosquitto")
        pytest.skip(f"{reason}; run `mosquitto -p {PORT}` or set PANAH_TEST_MQTT=1 in CI")
    return f"mqtt://{HOST}:{PORT}"


@pytest.fixture
def prefix() -> str:
    return f"panahtest/{uuid.uuid4().hex}/"


@pytest.fixture
def client_id() -> Iterator[str]:
    """A stable id for one test's bus; its persistent session is removed afterwards."""
    name = f"panah-t-{uuid.uuid4().hex[:12]}"
    yield name
    forget_session(name)


class Inbox:
    """Collects what a bus hands its handler; ``wait(n)`` blocks until n have arrived."""

    def __init__(self) -> None:
        self.messages: list[tuple[str, bytes]] = []
        self._lock = threading.Lock()
        self._events: dict[int, threading.Event] = {}

    def _event(self, count: int) -> threading.Event:
        with self._lock:
            event = self._events.setdefault(count, threading.Event())
            if len(self.messages) >= count:
                event.set()
            return event

    def __call__(self, topic: str, payload: bytes) -> None:
        with self._lock:
            self.messages.append((topic, payload))
            for count, event in self._events.items():
                if len(self.messages) >= count:
                    event.set()

    def wait(self, count: int) -> list[tuple[str, bytes]]:
        assert self._event(count).wait(WAIT_S), (
            f"only {len(self.messages)} of {count} message(s) arrived within {WAIT_S} s")
        return self.messages


def plain_client(name: str, *, clean: bool = True) -> mqtt.Client:
    """A connected paho client, as a field app or another tool would use."""
    client = mqtt.Client(callback_api_version=CallbackAPIVersion.VERSION2, client_id=name,
                         clean_session=clean, protocol=mqtt.MQTTv311)
    client.connect(HOST, PORT, keepalive=10)
    client.loop_start()
    return client


def publish_as_unit(topic: str, payload: bytes) -> None:
    client = plain_client(f"panah-u-{uuid.uuid4().hex[:12]}")
    try:
        info = client.publish(topic, payload, qos=1)
        info.wait_for_publish(WAIT_S)
        assert info.is_published(), "the broker did not acknowledge the unit's position"
    finally:
        client.disconnect()
        client.loop_stop()


def forget_session(name: str) -> None:
    """Connecting once with a clean session makes the broker drop what it kept for ``name``."""
    try:
        client = plain_client(name)
    except OSError:
        return
    client.disconnect()
    client.loop_stop()


def started(url: str, name: str, prefix: str, inbox: Inbox) -> PahoBus:
    bus = PahoBus(url, name, (prefix + "panah/v1/units/+/position",))
    bus.start(inbox)
    assert bus.wait_ready(WAIT_S), f"not subscribed within {WAIT_S} s: {bus.status()}"
    return bus


def test_a_position_a_unit_publishes_reaches_the_handler(
    broker_url: str, prefix: str, client_id: str,
) -> None:
    inbox = Inbox()
    bus = started(broker_url, client_id, prefix, inbox)
    try:
        status = bus.status()
        assert (status.configured, status.connected) == (True, True)
        assert "127.0.0.1:1883" in status.detail_en and "127.0.0.1:1883" in status.detail_fa

        publish_as_unit(prefix + position_topic("MZN-01"), POSITION)

        [(topic, payload)] = inbox.wait(1)
        position = parse_position(topic.removeprefix(prefix), payload)
        assert (position.call_sign, position.lat, position.seq) == ("MZN-01", 36.655, 1)
    finally:
        bus.stop()
    assert not bus.status().connected


def test_positions_sent_while_the_server_was_down_arrive_when_it_is_back(
    broker_url: str, prefix: str, client_id: str,
) -> None:
    first = started(broker_url, client_id, prefix, Inbox())
    first.stop()  # the server goes down; the broker keeps its session

    publish_as_unit(prefix + position_topic("GLN-03"), POSITION)

    inbox = Inbox()
    restarted = PahoBus(broker_url, client_id, (prefix + "panah/v1/units/+/position",))
    try:
        restarted.start(inbox)
        [(topic, payload)] = inbox.wait(1)
        assert topic == prefix + "panah/v1/units/GLN-03/position"
        assert payload == POSITION
    finally:
        restarted.stop()


def test_a_handler_that_fails_does_not_stop_the_messages_behind_it(
    broker_url: str, prefix: str, client_id: str, caplog: pytest.LogCaptureFixture,
) -> None:
    inbox = Inbox()

    def store(topic: str, payload: bytes) -> None:
        if b'"seq": 1' in payload:
            raise RuntimeError(f"database is locked while storing {payload!r}")
        inbox(topic, payload)

    bus = PahoBus(broker_url, client_id, (prefix + "panah/v1/units/+/position",))
    try:
        with caplog.at_level(logging.ERROR, logger="panah.mqtt"):
            bus.start(store)
            assert bus.wait_ready(WAIT_S)
            topic = prefix + position_topic("MZN-02")
            for seq in (1, 2, 3):
                publish_as_unit(topic, POSITION.replace(b'"seq": 1', f'"seq": {seq}'.encode()))
            received = inbox.wait(2)
        assert [json.loads(payload)["seq"] for _, payload in received] == [2, 3]
        assert bus.status().connected
    finally:
        bus.stop()
    [record] = [r for r in caplog.records if r.name == "panah.mqtt"]
    assert topic in record.getMessage() and "RuntimeError" in record.getMessage()
    assert "36.655" not in record.getMessage(), "a position must never be logged"


def test_the_server_publishes_to_a_units_inbox(
    broker_url: str, prefix: str, client_id: str,
) -> None:
    unit_heard = threading.Event()
    unit_ready = threading.Event()
    heard: list[tuple[str, bytes]] = []
    unit = mqtt.Client(callback_api_version=CallbackAPIVersion.VERSION2,
                       client_id=f"panah-u-{uuid.uuid4().hex[:12]}", protocol=mqtt.MQTTv311)

    def on_message(client: mqtt.Client, userdata: object, message: mqtt.MQTTMessage) -> None:
        heard.append((message.topic, bytes(message.payload)))
        unit_heard.set()

    unit.on_subscribe = lambda *args: unit_ready.set()
    unit.on_message = on_message
    unit.connect(HOST, PORT)
    unit.loop_start()
    bus = started(broker_url, client_id, prefix, Inbox())
    try:
        unit.subscribe(prefix + inbox_topic("MZN-01"), qos=1)
        assert unit_ready.wait(WAIT_S)

        bus.publish(prefix + inbox_topic("MZN-01"), b'{"text": "to Chalus"}')  # waits for PUBACK

        assert unit_heard.wait(WAIT_S)
        assert heard == [(prefix + "panah/v1/units/MZN-01/inbox", b'{"text": "to Chalus"}')]
    finally:
        bus.stop()
        unit.disconnect()
        unit.loop_stop()


def test_an_unreachable_broker_is_reported_and_publishing_refuses(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Needs no broker: a loopback port where nothing listens refuses at once."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        dead_port = sock.getsockname()[1]
    bus = PahoBus(f"mqtt://127.0.0.1:{dead_port}", f"panah-t-{uuid.uuid4().hex[:12]}")
    failed = threading.Event()
    note = bus._handle_connect_fail

    def spy(client: mqtt.Client, userdata: object) -> None:
        note(client, userdata)
        failed.set()

    monkeypatch.setattr(bus, "_handle_connect_fail", spy)
    try:
        bus.start(Inbox())
        assert failed.wait(WAIT_S)
        status = bus.status()
        assert (status.configured, status.connected) == (True, False)
        assert "could not reach the broker" in status.detail_en
        assert f"127.0.0.1:{dead_port}" in status.detail_fa
        with pytest.raises(ConnectionError):
            bus.publish("panah/v1/units/MZN-01/inbox", b"{}")
    finally:
        bus.stop()
