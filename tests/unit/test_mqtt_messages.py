"""MQTT topics and payloads (pure), and the two in-process buses."""

from __future__ import annotations

import json
import logging
from datetime import UTC, datetime

import pytest

from panah.core.errors import InvalidInput
from panah.integrations.mqtt import (
    LocalBus,
    NoBroker,
    PahoBus,
    bus_from_settings,
    parse_broker_url,
)
from panah.integrations.mqtt_messages import (
    DEFAULT_SUBSCRIPTIONS,
    channel_topic,
    inbox_topic,
    parse_channel_message,
    parse_position,
    position_topic,
    topic_matches,
)

TOPIC = "panah/v1/units/MZN-01/position"
GOOD = {"lat": 36.66, "lon": 51.43, "at": "2026-03-22T06:30:00Z", "accuracy_m": 12,
        "speed_kmh": 40, "heading": 90, "seq": 17}


def payload(**changes: object) -> bytes:
    data = {**GOOD, **changes}
    return json.dumps({k: v for k, v in data.items() if v is not ...}).encode()


def rejected(topic: str, raw: bytes, *, channel: bool = False) -> InvalidInput:
    with pytest.raises(InvalidInput) as caught:
        (parse_channel_message if channel else parse_position)(topic, raw)
    error = caught.value
    assert error.code == "invalid_input"
    assert error.message_en.strip() and error.message_fa.strip()
    return error


def test_a_full_position_is_read() -> None:
    position = parse_position(TOPIC, payload())
    assert position.call_sign == "MZN-01"
    assert (position.lat, position.lon) == (36.66, 51.43)
    assert position.at == datetime(2026, 3, 22, 6, 30, tzinfo=UTC)
    assert (position.accuracy_m, position.speed_kmh, position.heading_deg, position.seq) == (
        12.0, 40.0, 90.0, 17)


def test_a_bare_position_needs_only_lat_lon_and_at() -> None:
    position = parse_position(TOPIC, b'{"lat": 36.66, "lon": 51.43, "at": "2026-03-22T06:30Z"}')
    assert (position.accuracy_m, position.speed_kmh, position.heading_deg, position.seq) == (
        None, None, None, None)


def test_a_tehran_time_is_stored_as_utc() -> None:
    position = parse_position(TOPIC, payload(at="2026-03-22T10:00:00+03:30"))
    assert position.at == datetime(2026, 3, 22, 6, 30, tzinfo=UTC)
    assert position.at.tzinfo is UTC


def test_unknown_fields_are_ignored_so_newer_apps_still_report() -> None:
    assert parse_position(TOPIC, payload(battery=0.8)).lat == 36.66


@pytest.mark.parametrize("topic", [
    "panah/v1/units/MZN 01/position",
    "panah/v1/units/-MZN/position",
    "panah/v1/units/" + "A" * 41 + "/position",
    "panah/v1/units/MZN-01/inbox",
    "panah/v1/units/MZN-01/position/extra",
    "panah/v2/units/MZN-01/position",
    "panah/v1/units//position",
])
def test_a_position_on_the_wrong_topic_is_refused(topic: str) -> None:
    assert rejected(topic, payload()).details["field"] == "topic"


@pytest.mark.parametrize(("raw", "field"), [
    (b"lat=36.66", "payload"),
    (b"\xff\xfe{}", "payload"),
    (b'{"lat": NaN, "lon": 51.43, "at": "2026-03-22T06:30:00Z"}', "payload"),
    (b"[36.66, 51.43]", "payload"),
    (b'"36.66,51.43"', "payload"),
    (b"[" * 3000 + b"]" * 3000, "payload"),
    (payload(note="x" * 4100), "payload"),
    (payload(lat=...), "lat"),
    (payload(lat=None), "lat"),
    (payload(lat="36.66"), "lat"),
    (payload(lat=True), "lat"),
    (payload(lon=...), "lon"),
    (payload(lat=91), "lat"),
    (payload(lon=-180.5), "lon"),
    (b'{"lat": 1e999, "lon": 51.43, "at": "2026-03-22T06:30:00Z"}', "lat"),  # inf
    (payload(at=...), "at"),
    (payload(at="yesterday"), "at"),
    (payload(at=1774160000), "at"),
    (payload(at="2026-03-22T06:30:00"), "at"),
    (payload(at="2026-03-22"), "at"),
    (payload(accuracy_m=-1), "accuracy_m"),
    (payload(speed_kmh="fast"), "speed_kmh"),
    (payload(heading=400), "heading"),
    (payload(seq=1.5), "seq"),
    (payload(seq=-1), "seq"),
])
def test_a_broken_position_says_which_field_to_fix(raw: bytes, field: str) -> None:
    assert rejected(TOPIC, raw).details["field"] == field


def test_swapped_coordinates_are_pointed_out() -> None:
    error = rejected(TOPIC, payload(lat=136.66, lon=51.43))
    assert error.details["field"] == "lat" and "swapped" in error.message_en


def test_a_payload_of_exactly_four_kib_is_still_read() -> None:
    raw = payload(note="")
    raw = payload(note="x" * (4096 - len(raw)))
    assert len(raw) == 4096
    assert parse_position(TOPIC, raw).call_sign == "MZN-01"


def test_topics_are_built_from_call_signs_and_channel_ids() -> None:
    assert position_topic("MZN-01") == TOPIC
    assert inbox_topic("GLN-03") == "panah/v1/units/GLN-03/inbox"
    assert channel_topic(7) == "panah/v1/channels/7/messages"
    with pytest.raises(InvalidInput):
        position_topic("MZN/01")
    with pytest.raises(ValueError):
        channel_topic(0)


CHANNEL = "panah/v1/channels/42/messages"


def test_a_channel_message_is_read() -> None:
    message = parse_channel_message(CHANNEL, json.dumps({
        "client_id": "3f1c9a7e-0b2d", "sender_call_sign": "MZN-01", "text": " در راهیم ",
    }).encode())
    assert (message.channel_id, message.client_id, message.sender_call_sign, message.text) == (
        42, "3f1c9a7e-0b2d", "MZN-01", "در راهیم")


def test_a_channel_message_from_the_server_has_no_call_sign() -> None:
    raw = b'{"client_id": "srv_000001", "text": "ok"}'
    assert parse_channel_message(CHANNEL, raw).sender_call_sign is None


@pytest.mark.parametrize(("topic", "message", "field"), [
    ("panah/v1/channels/abc/messages", {"client_id": "abcdefgh", "text": "hi"}, "topic"),
    ("panah/v1/channels/0/messages", {"client_id": "abcdefgh", "text": "hi"}, "topic"),
    (CHANNEL, {"text": "hi"}, "client_id"),
    (CHANNEL, {"client_id": "short", "text": "hi"}, "client_id"),
    (CHANNEL, {"client_id": "has space!", "text": "hi"}, "client_id"),
    (CHANNEL, {"client_id": "a" * 65, "text": "hi"}, "client_id"),
    (CHANNEL, {"client_id": "abcdefgh", "sender_call_sign": "MZN 01", "text": "hi"},
     "sender_call_sign"),
    (CHANNEL, {"client_id": "abcdefgh"}, "text"),
    (CHANNEL, {"client_id": "abcdefgh", "text": "   "}, "text"),
    (CHANNEL, {"client_id": "abcdefgh", "text": 5}, "text"),
    (CHANNEL, {"client_id": "abcdefgh", "text": "x" * 2001}, "text"),
])
def test_a_broken_channel_message_says_which_field_to_fix(
    topic: str, message: dict[str, object], field: str,
) -> None:
    raw = json.dumps(message).encode()
    assert rejected(topic, raw, channel=True).details["field"] == field


def test_a_long_persian_channel_message_fits() -> None:
    raw = json.dumps({"client_id": "abcdefgh", "text": "پ" * 2000}).encode()  # \u-escaped
    assert len(parse_channel_message(CHANNEL, raw).text) == 2000


@pytest.mark.parametrize(("topic_filter", "topic", "matches"), [
    ("panah/v1/units/+/position", TOPIC, True),
    ("panah/v1/units/+/position", "panah/v1/units/MZN-01/inbox", False),
    ("panah/v1/units/+/position", "panah/v1/units/a/b/position", False),
    ("panah/v1/#", TOPIC, True),
    ("panah/v1/#", "panah/v1", True),
    ("#", TOPIC, True),
    ("#", "$SYS/broker/uptime", False),
    ("+/v1/units/+/position", TOPIC, True),
    ("panah/v1/units/MZN-01/position", TOPIC, True),
    ("panah/v1/units/MZN-01", TOPIC, False),
    ("panah/v1/units/+", "panah/v1/units/", True),
])
def test_topic_filters_match_like_a_broker(topic_filter: str, topic: str, matches: bool) -> None:
    assert topic_matches(topic_filter, topic) is matches


@pytest.mark.parametrize("topic_filter", ["panah/#/units", "panah/v1+", "panah/v1/#x"])
def test_an_invalid_topic_filter_is_an_error(topic_filter: str) -> None:
    with pytest.raises(ValueError):
        topic_matches(topic_filter, TOPIC)


def test_no_broker_says_how_units_report_instead() -> None:
    bus = NoBroker()
    bus.start(lambda topic, raw: pytest.fail("NoBroker never delivers"))
    bus.publish(inbox_topic("MZN-01"), b"{}")
    status = bus.status()
    assert (status.configured, status.connected) == (False, False)
    assert status.detail_en == (
        "No MQTT broker is configured (PANAH_MQTT_URL is unset): units report positions over "
        "HTTP (POST /api/units/{id}/positions) and team channels work over websockets only.")
    assert "PANAH_MQTT_URL" in status.detail_fa and "HTTP" in status.detail_fa
    assert bus.published == [("panah/v1/units/MZN-01/inbox", b"{}")]
    bus.stop()


def test_local_bus_delivers_only_what_a_subscription_matches() -> None:
    bus = LocalBus()
    received: list[tuple[str, bytes]] = []
    bus.publish(TOPIC, b"before start")  # nobody listening yet: not delivered
    bus.start(lambda topic, raw: received.append((topic, raw)))
    bus.publish(TOPIC, payload())
    bus.publish(inbox_topic("MZN-01"), b"for the unit")  # server → unit: not ours
    bus.publish(channel_topic(3), b"{}")
    assert received == [(TOPIC, payload()), ("panah/v1/channels/3/messages", b"{}")]
    assert len(bus.published) == 4
    assert bus.status().connected
    bus.stop()
    assert not bus.status().connected


def test_a_failing_handler_is_logged_without_the_payload_and_delivery_goes_on(
    caplog: pytest.LogCaptureFixture,
) -> None:
    bus = LocalBus()
    stored: list[str] = []

    def store(topic: str, raw: bytes) -> None:
        position = parse_position(topic, raw)
        stored.append(position.call_sign)

    bus.start(store)
    with caplog.at_level(logging.ERROR, logger="panah.mqtt"):
        bus.publish(TOPIC, payload(lat=99.123))  # raises inside the handler
        bus.publish(TOPIC, payload())
    assert stored == ["MZN-01"]
    [record] = [r for r in caplog.records if r.name == "panah.mqtt"]
    assert TOPIC in record.getMessage() and "InvalidInput" in record.getMessage()
    assert "99.123" not in record.getMessage()


def test_bus_from_settings_picks_paho_only_with_a_url() -> None:
    assert isinstance(bus_from_settings(None, "panah-server"), NoBroker)
    assert isinstance(bus_from_settings("", "panah-server"), NoBroker)
    bus = bus_from_settings("mqtt://broker.example:1884", "panah-server")
    assert isinstance(bus, PahoBus) and bus.subscriptions == DEFAULT_SUBSCRIPTIONS
    status = bus.status()
    assert (status.configured, status.connected) == (True, False)


def test_broker_urls_carry_tls_credentials_and_default_ports() -> None:
    plain = parse_broker_url("mqtt://broker:1884")
    assert (plain.host, plain.port, plain.tls, plain.username) == ("broker", 1884, False, None)
    secure = parse_broker_url("mqtts://panah:p%40ss@broker.example")
    assert (secure.port, secure.tls, secure.username, secure.password) == (
        8883, True, "panah", "p@ss")
    assert "p@ss" not in repr(secure) and "p@ss" not in secure.shown
    assert parse_broker_url("mqtt://broker").port == 1883


@pytest.mark.parametrize("url", ["http://broker:1883", "mqtt://", "mqtt://broker:99999",
                                 "mqtt://u:secret@broker:port"])
def test_a_bad_broker_url_is_refused_without_echoing_it(url: str) -> None:
    with pytest.raises(ValueError, match="PANAH_MQTT_URL") as caught:
        parse_broker_url(url)
    assert "secret" not in str(caught.value)
