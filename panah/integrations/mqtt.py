"""MQTT for mobile teams: unit positions (AVL) in, unit inboxes out, team channels both ways.

Topic scheme (version 1; a breaking change gets ``panah/v2/…`` so old field apps keep working):

- ``panah/v1/units/{call_sign}/position`` — unit → server: one JSON position per message,
  ``{"lat": 36.66, "lon": 51.43, "at": "2026-03-22T06:30:00Z", "accuracy_m": 12,
  "speed_kmh": 40, "heading": 90, "seq": 17}`` (only lat, lon and at are required).
- ``panah/v1/units/{call_sign}/inbox`` — server → unit: messages for one unit.
- ``panah/v1/channels/{channel_id}/messages`` — both ways: team channel text,
  ``{"client_id": "…", "sender_call_sign": "MZN-01", "text": "…"}``. The server also receives
  what it publishes there (MQTT 3.1.1 has no "no local"), so receivers deduplicate by client_id.

A call sign is letters, digits and dashes, at most 40 (``MZN-01``). Which unit may publish
on which topic is the broker's ACL's job; the parsers here only check shape.

Everything is QoS 1 with a persistent session, so positions sent while the server was down
arrive when it reconnects. Payloads are never logged: positions are sensitive.
"""

from __future__ import annotations

import logging
import threading
import traceback
import urllib.parse
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Protocol

from panah.integrations.mqtt_messages import DEFAULT_SUBSCRIPTIONS, topic_matches

if TYPE_CHECKING:
    import paho.mqtt.client as mqtt

log = logging.getLogger("panah.mqtt")

OnMessage = Callable[[str, bytes], None]


# --- the bus ---------------------------------------------------------------------------------

@dataclass(frozen=True)
class BusStatus:
    configured: bool
    connected: bool
    detail_en: str
    detail_fa: str


class MessageBus(Protocol):
    def start(self, on_message: OnMessage) -> None:
        """Receive messages: ``on_message(topic, payload)`` is where a message is stored."""
        ...

    def stop(self) -> None: ...

    def publish(self, topic: str, payload: bytes) -> None:
        """Hand ``payload`` to the broker (QoS 1); raise if it was not accepted."""
        ...

    def status(self) -> BusStatus: ...


def _deliver(on_message: OnMessage, topic: str, payload: bytes) -> None:
    """Run the handler; a failure is logged by type and place, never with the payload, and
    must not stop the messages behind it."""
    try:
        on_message(topic, payload)
    except Exception as exc:
        frame = traceback.extract_tb(exc.__traceback__)[-1]
        # The exception's text may quote the payload (SQL parameters, parse errors): not logged.
        log.error("MQTT message on %s was not handled: %s at %s:%s in %s", topic,
                  type(exc).__name__, frame.filename, frame.lineno, frame.name)


@dataclass
class NoBroker:
    """The default: no broker, so positions come over HTTP and channels over websockets."""

    published: list[tuple[str, bytes]] = field(default_factory=list)

    def start(self, on_message: OnMessage) -> None:
        pass

    def stop(self) -> None:
        pass

    def publish(self, topic: str, payload: bytes) -> None:
        self.published.append((topic, payload))
        log.debug("MQTT (not sent: no broker) to %s, %d bytes", topic, len(payload))

    def status(self) -> BusStatus:
        return BusStatus(
            configured=False, connected=False,
            detail_en="No MQTT broker is configured (PANAH_MQTT_URL is unset): units report "
            "positions over HTTP (POST /api/units/{id}/positions) and team channels work over "
            "websockets only.",
            detail_fa="هیچ کارگزار MQTT پیکربندی نشده است (PANAH_MQTT_URL تنظیم نشده): "
            "واحدها موقعیت خود را از راه HTTP (POST /api/units/{id}/positions) گزارش می‌دهند و "
            "کانال‌های تیم فقط از راه وب‌سوکت کار می‌کنند.",
        )


@dataclass
class LocalBus:
    """In-process fake: publish delivers at once to the handler if a subscription matches."""

    subscriptions: tuple[str, ...] = DEFAULT_SUBSCRIPTIONS
    published: list[tuple[str, bytes]] = field(default_factory=list)
    _on_message: OnMessage | None = field(default=None, init=False, repr=False)

    def start(self, on_message: OnMessage) -> None:
        self._on_message = on_message

    def stop(self) -> None:
        self._on_message = None

    def publish(self, topic: str, payload: bytes) -> None:
        self.published.append((topic, payload))
        handler = self._on_message
        if handler and any(topic_matches(f, topic) for f in self.subscriptions):
            _deliver(handler, topic, payload)

    def status(self) -> BusStatus:
        on = self._on_message is not None
        return BusStatus(
            configured=True, connected=on,
            detail_en=f"In-process message bus (tests, demos): {'started' if on else 'stopped'}.",
            detail_fa=f"گذرگاه پیام درون‌برنامه‌ای (آزمون، نمایش): "
            f"{'در حال کار' if on else 'متوقف'}.",
        )


@dataclass(frozen=True)
class BrokerAddress:
    host: str
    port: int
    tls: bool
    username: str | None = None
    password: str | None = field(default=None, repr=False)

    @property
    def shown(self) -> str:
        """For status pages and logs: never the credentials."""
        return f"{'mqtts' if self.tls else 'mqtt'}://{self.host}:{self.port}"


def parse_broker_url(url: str) -> BrokerAddress:
    """``mqtt://[user:password@]host[:1883]`` or ``mqtts://…[:8883]`` (TLS)."""
    parts = urllib.parse.urlsplit(url)
    # The URL may hold a password, so errors name the setting, not the value.
    if parts.scheme not in ("mqtt", "mqtts") or not parts.hostname:
        raise ValueError("PANAH_MQTT_URL must look like mqtt://host:1883 or mqtts://host:8883")
    try:
        port = parts.port
    except ValueError:
        raise ValueError("PANAH_MQTT_URL has a port that is not a number from 1 to 65535") from None
    tls = parts.scheme == "mqtts"
    unquote = urllib.parse.unquote
    return BrokerAddress(
        host=parts.hostname, port=port or (8883 if tls else 1883), tls=tls,
        username=unquote(parts.username) if parts.username else None,
        password=unquote(parts.password) if parts.password else None,
    )


class PahoBus:
    """A real broker through paho-mqtt 2.x: its own network thread, automatic reconnection,
    QoS 1 and a persistent session under a stable client id."""

    def __init__(self, url: str, client_id: str,
                 subscriptions: tuple[str, ...] = DEFAULT_SUBSCRIPTIONS, *,
                 publish_timeout_s: float = 5.0, keepalive_s: int = 30,
                 reconnect_max_s: int = 30) -> None:
        if not client_id or len(client_id) > 64:
            raise ValueError("the MQTT client id must be 1 to 64 characters and stay the same "
                             "across restarts (the broker keeps the session under it)")
        self.broker = parse_broker_url(url)
        self.client_id = client_id
        self.subscriptions = subscriptions
        self._publish_timeout_s = publish_timeout_s
        self._keepalive_s = keepalive_s
        self._reconnect_max_s = reconnect_max_s
        self._client: mqtt.Client | None = None
        self._on_message: OnMessage | None = None
        self._connected = False
        self._subscribed = threading.Event()
        self._last_error: str | None = None
        self._loop_thread: int | None = None

    def start(self, on_message: OnMessage) -> None:
        import paho.mqtt.client as mqtt  # imported here: the default install needs no broker
        from paho.mqtt.enums import CallbackAPIVersion

        if self._client is not None:
            raise RuntimeError("this MQTT bus is already started")
        client = mqtt.Client(callback_api_version=CallbackAPIVersion.VERSION2,
                             client_id=self.client_id, clean_session=False,
                             protocol=mqtt.MQTTv311)
        if self.broker.username:
            client.username_pw_set(self.broker.username, self.broker.password)
        if self.broker.tls:
            client.tls_set()  # the system's CA bundle verifies the broker
        client.suppress_exceptions = True
        client.reconnect_delay_set(min_delay=1, max_delay=self._reconnect_max_s)
        client.on_connect = self._handle_connect
        client.on_connect_fail = self._handle_connect_fail
        client.on_disconnect = self._handle_disconnect
        client.on_subscribe = self._handle_subscribe
        client.on_message = self._handle_message
        self._on_message, self._client = on_message, client
        # connect_async: a broker that is down at start-up is retried by the loop thread.
        client.connect_async(self.broker.host, self.broker.port, keepalive=self._keepalive_s)
        client.loop_start()

    def stop(self) -> None:
        client, self._client = self._client, None
        if client is None:
            return
        client.disconnect()  # a clean DISCONNECT keeps the session: the broker queues for us
        client.loop_stop()
        self._connected = False
        self._subscribed.clear()

    def wait_ready(self, timeout_s: float) -> bool:
        """Whether the broker confirmed the subscriptions within ``timeout_s``."""
        return self._subscribed.wait(timeout_s)

    def publish(self, topic: str, payload: bytes) -> None:
        client = self._client
        if client is None or not self._connected:
            # Raising keeps the outbox row pending; paho's in-memory queue would die with us.
            raise ConnectionError(f"not connected to the MQTT broker at {self.broker.shown}")
        info = client.publish(topic, payload, qos=1)
        if threading.get_ident() == self._loop_thread:
            return  # inside a handler: the PUBACK can only arrive after we return
        try:
            info.wait_for_publish(self._publish_timeout_s)
        except (RuntimeError, ValueError) as exc:
            raise ConnectionError(f"the MQTT broker did not take the message: {exc}") from exc
        if not info.is_published():
            raise TimeoutError(f"the MQTT broker at {self.broker.shown} did not acknowledge "
                               f"within {self._publish_timeout_s:g} s")

    def status(self) -> BusStatus:
        where = self.broker.shown
        if self._client is None:
            return BusStatus(True, False, f"The MQTT broker {where} is configured, but the "
                             "bus is not started.",
                             f"کارگزار MQTT {where} پیکربندی شده است، اما گذرگاه راه‌اندازی "
                             "نشده است.")
        if self._connected:
            waiting_en = "" if self._subscribed.is_set() else "; waiting for the subscriptions"
            waiting_fa = "" if self._subscribed.is_set() else "؛ در انتظار تأیید اشتراک‌ها"
            return BusStatus(True, True, f"Connected to the MQTT broker at {where} as "
                             f"{self.client_id}{waiting_en}.",
                             f"به کارگزار MQTT در {where} با شناسهٔ {self.client_id} وصل "
                             f"است{waiting_fa}.")
        error = self._last_error or "connecting"
        return BusStatus(
            True, False,
            f"Not connected to the MQTT broker at {where} (last error: {error}). Panah retries "
            f"by itself, at most {self._reconnect_max_s} s apart; meanwhile units can report "
            "positions over HTTP (POST /api/units/{id}/positions).",
            f"به کارگزار MQTT در {where} وصل نیست (آخرین خطا: {error}). پناه خودکار و با فاصلهٔ "
            f"حداکثر {self._reconnect_max_s} ثانیه دوباره تلاش می‌کند؛ تا آن زمان واحدها "
            "می‌توانند موقعیت را از راه HTTP (POST /api/units/{id}/positions) گزارش دهند.",
        )

    # paho calls these from its network thread.

    def _handle_connect(self, client: mqtt.Client, userdata: object, flags: object,
                        reason_code: Any, properties: object) -> None:
        self._loop_thread = threading.get_ident()
        if reason_code.is_failure:
            self._note_error(f"the broker refused the connection: {reason_code}")
            return
        self._connected, self._last_error = True, None
        log.info("MQTT connected to %s as %s", self.broker.shown, self.client_id)
        # Subscriptions usually survive in the persistent session; asking again costs nothing
        # and covers a broker that lost its state.
        client.subscribe([(topic_filter, 1) for topic_filter in self.subscriptions])

    def _handle_connect_fail(self, client: mqtt.Client, userdata: object) -> None:
        self._note_error("could not reach the broker (refused, unknown host or timed out)")

    def _handle_disconnect(self, client: mqtt.Client, userdata: object, flags: object,
                           reason_code: Any, properties: object) -> None:
        self._connected = False
        self._subscribed.clear()
        if self._client is client and reason_code.is_failure:
            self._note_error(f"connection lost: {reason_code}")

    def _handle_subscribe(self, client: mqtt.Client, userdata: object, mid: int,
                          reason_codes: list[Any], properties: object) -> None:
        refused = [f for f, rc in zip(self.subscriptions, reason_codes, strict=False)
                   if rc.is_failure]
        if refused:
            self._note_error(f"the broker refused the subscriptions {refused} (check its ACL)")
        else:
            self._subscribed.set()

    def _handle_message(self, client: mqtt.Client, userdata: object,
                        message: mqtt.MQTTMessage) -> None:
        handler = self._on_message
        if handler is not None:
            # paho sends the PUBACK when this returns, so the message is stored before the
            # broker forgets it. A handler failure is acknowledged too: an unacknowledged
            # message would hold a slot in the broker's in-flight window until the next
            # reconnect, and a few poison messages would stop all delivery.
            _deliver(handler, message.topic, bytes(message.payload))

    def _note_error(self, error: str) -> None:
        if error != self._last_error:  # once per kind of failure, not every retry
            log.warning("MQTT %s: %s", self.broker.shown, error)
        self._last_error = error


def bus_from_settings(url: str | None, client_id: str) -> MessageBus:
    return PahoBus(url, client_id) if url else NoBroker()
