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

import json
import logging
import re
import threading
import traceback
import urllib.parse
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any, Protocol

from panah.core.errors import InvalidInput

if TYPE_CHECKING:
    import paho.mqtt.client as mqtt

log = logging.getLogger("panah.mqtt")

POSITION_MAX_BYTES = 4096
CHANNEL_MAX_BYTES = 16384  # 2,000 Persian characters, \u-escaped, still fit
DEFAULT_SUBSCRIPTIONS = ("panah/v1/units/+/position", "panah/v1/channels/+/messages")
_CALL_SIGN = re.compile(r"[A-Za-z0-9][A-Za-z0-9-]{0,39}")
_CLIENT_ID = re.compile(r"[A-Za-z0-9_-]{8,64}")
_POSITION_TOPIC = re.compile(r"panah/v1/units/([^/]+)/position")
_CHANNEL_TOPIC = re.compile(r"panah/v1/channels/([1-9][0-9]{0,17})/messages")
_EXAMPLE = {"lat": 36.66, "lon": 51.43}
_CALL_SIGN_EN = "letters, digits and dashes, at most 40, e.g. MZN-01"
_CALL_SIGN_FA = "حروف لاتین، رقم و خط تیره، حداکثر ۴۰ نویسه، مثلاً MZN-01"

OnMessage = Callable[[str, bytes], None]


# --- topics and payloads (pure) ------------------------------------------------------------

@dataclass(frozen=True)
class PositionMessage:
    call_sign: str
    lat: float
    lon: float
    at: datetime  # aware, UTC
    accuracy_m: float | None
    speed_kmh: float | None
    heading_deg: float | None
    seq: int | None  # the device's counter: lets the service spot gaps and reordering


@dataclass(frozen=True)
class ChannelMessageIn:
    channel_id: int
    client_id: str  # idempotency key: the same key twice is one message
    sender_call_sign: str | None
    text: str


def position_topic(call_sign: str) -> str:
    return f"panah/v1/units/{_check_call_sign(call_sign, 'call_sign')}/position"


def inbox_topic(call_sign: str) -> str:
    return f"panah/v1/units/{_check_call_sign(call_sign, 'call_sign')}/inbox"


def channel_topic(channel_id: int) -> str:
    if isinstance(channel_id, bool) or not isinstance(channel_id, int) or channel_id < 1:
        raise ValueError(f"a channel id is a positive integer, not {channel_id!r}")
    return f"panah/v1/channels/{channel_id}/messages"


def parse_position(topic: str, payload: bytes) -> PositionMessage:
    """The position a unit published, or :class:`InvalidInput` saying what to fix."""
    found = _POSITION_TOPIC.fullmatch(topic)
    if found is None or not _CALL_SIGN.fullmatch(found.group(1)):
        raise InvalidInput(
            f"{_shown(topic)!r} is not a position topic. Publish positions to "
            f"panah/v1/units/<call sign>/position; a call sign is {_CALL_SIGN_EN}.",
            f"«{_shown(topic)}» موضوع گزارش موقعیت نیست. موقعیت را در "
            f"panah/v1/units/<شناسهٔ خودرو>/position منتشر کنید؛ شناسهٔ خودرو: {_CALL_SIGN_FA}.",
            field="topic",
        )
    data = _json_object(payload, POSITION_MAX_BYTES)
    return PositionMessage(
        call_sign=found.group(1),
        lat=_coordinate(data, "lat", 90.0, "latitude", "عرض جغرافیایی"),
        lon=_coordinate(data, "lon", 180.0, "longitude", "طول جغرافیایی"),
        at=_timestamp(data),
        accuracy_m=_optional_number(data, "accuracy_m", 1e6, "metres", "متر"),
        speed_kmh=_optional_number(data, "speed_kmh", 1000.0, "km/h", "کیلومتر بر ساعت"),
        heading_deg=_optional_number(data, "heading", 360.0, "degrees", "درجه"),
        seq=_optional_seq(data),
    )


def parse_channel_message(topic: str, payload: bytes) -> ChannelMessageIn:
    """The channel message a unit or the server published, or :class:`InvalidInput`."""
    found = _CHANNEL_TOPIC.fullmatch(topic)
    if found is None:
        raise InvalidInput(
            f"{_shown(topic)!r} is not a channel topic. Publish channel messages to "
            "panah/v1/channels/<channel number>/messages.",
            f"«{_shown(topic)}» موضوع کانال نیست. پیام‌های کانال را در "
            "panah/v1/channels/<شمارهٔ کانال>/messages منتشر کنید.",
            field="topic",
        )
    data = _json_object(payload, CHANNEL_MAX_BYTES)
    client_id = data.get("client_id")
    if not isinstance(client_id, str) or not _CLIENT_ID.fullmatch(client_id):
        raise InvalidInput(
            "client_id must be 8 to 64 letters, digits, dashes or underscores that the device "
            "makes once per message (a UUID will do) and reuses when it sends it again.",
            "client_id باید ۸ تا ۶۴ نویسه از حروف لاتین، رقم، خط تیره یا زیرخط باشد که دستگاه "
            "یک بار برای هر پیام می‌سازد (مثلاً یک UUID) و هنگام ارسال دوباره همان را می‌فرستد.",
            field="client_id",
        )
    sender = data.get("sender_call_sign")
    if sender is not None:
        sender = _check_call_sign(sender, "sender_call_sign")
    text = data.get("text")
    text = text.strip() if isinstance(text, str) else ""
    if not 1 <= len(text) <= 2000:
        raise InvalidInput(
            f"text must be 1 to 2000 characters of writing; this one has {len(text)}. "
            "Split a longer message in two.",
            f"text باید ۱ تا ۲۰۰۰ نویسه متن باشد؛ این پیام {len(text)} نویسه دارد. "
            "پیام بلندتر را در دو پیام بفرستید.",
            field="text",
        )
    return ChannelMessageIn(int(found.group(1)), client_id, sender, text)


def topic_matches(topic_filter: str, topic: str) -> bool:
    """Whether ``topic`` matches an MQTT filter with ``+`` (one level) and ``#`` (the rest)."""
    levels = topic_filter.split("/")
    for i, level in enumerate(levels):
        if ("#" in level and (level != "#" or i != len(levels) - 1)) or (
            "+" in level and level != "+"
        ):
            raise ValueError(f"{topic_filter!r} is not a valid MQTT topic filter")
    parts = topic.split("/")
    if topic.startswith("$") and levels[0] in ("+", "#"):
        return False  # wildcards never match $SYS and other broker topics
    for i, level in enumerate(levels):
        if level == "#":
            return True
        if i >= len(parts) or level not in ("+", parts[i]):
            return False
    return len(levels) == len(parts)


def _shown(text: str) -> str:
    return text if len(text) <= 120 else text[:117] + "…"


def _check_call_sign(value: object, name: str) -> str:
    if not isinstance(value, str) or not _CALL_SIGN.fullmatch(value):
        raise InvalidInput(
            f"{name} must be the unit's call sign: {_CALL_SIGN_EN}.",
            f"{name} باید شناسهٔ خودروی واحد باشد: {_CALL_SIGN_FA}.",
            field=name,
        )
    return value


def _reject_constant(name: str) -> float:
    raise ValueError(f"{name} is not JSON")


def _json_object(payload: bytes, limit: int) -> dict[str, Any]:
    if len(payload) > limit:
        raise InvalidInput(
            f"The message is {len(payload)} bytes; at most {limit} bytes are accepted on this "
            "topic. Send only the documented fields.",
            f"پیام {len(payload)} بایت است؛ در این موضوع حداکثر {limit} بایت پذیرفته می‌شود. "
            "فقط فیلدهای تعریف‌شده را بفرستید.",
            field="payload",
        )
    try:
        data = json.loads(payload.decode("utf-8"), parse_constant=_reject_constant)
    except (ValueError, RecursionError):  # bad UTF-8 and bad JSON are both ValueErrors
        raise InvalidInput(
            "The message is not JSON in UTF-8. Send one JSON object, e.g. "
            '{"lat": 36.66, "lon": 51.43, "at": "2026-03-22T06:30:00Z"}.',
            "پیام JSON با رمزگذاری UTF-8 نیست. یک شیء JSON بفرستید، مثلاً "
            '{"lat": 36.66, "lon": 51.43, "at": "2026-03-22T06:30:00Z"}.',
            field="payload",
        ) from None
    if not isinstance(data, dict):
        raise InvalidInput(
            "The message must be one JSON object ({…}), not a list, string or number.",
            "پیام باید یک شیء JSON ({…}) باشد، نه فهرست، رشته یا عدد.",
            field="payload",
        )
    return data


def _is_number(value: object) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


def _coordinate(data: dict[str, Any], name: str, limit: float, en: str, fa: str) -> float:
    value = data.get(name)
    if not _is_number(value):
        missing = value is None
        raise InvalidInput(
            f"The position's {name} ({en}) {'is missing' if missing else 'is not a number'}. "
            f'Send it as a number in decimal degrees, e.g. "{name}": {_EXAMPLE[name]}.',
            (f"پیام موقعیت {fa} ({name}) ندارد." if missing else
             f"{fa} ({name}) در پیام موقعیت عدد نیست.") + " آن را به صورت عدد و به درجهٔ "
            f'اعشاری بفرستید، مثلاً "{name}": {_EXAMPLE[name]}.',
            field=name,
        )
    number = float(value)  # type: ignore[arg-type]  # checked by _is_number
    if not -limit <= number <= limit:
        raise InvalidInput(
            f"{name} {number} is out of range: {en} is between -{limit:g} and {limit:g} degrees. "
            "Check that lat and lon are not swapped.",
            f"{name} برابر {number} خارج از محدوده است: {fa} بین ‎-{limit:g} و {limit:g} درجه "
            "است. بررسی کنید که lat و lon جابه‌جا نشده باشند.",
            field=name,
        )
    return number


def _timestamp(data: dict[str, Any]) -> datetime:
    value = data.get("at")
    example = '"at": "2026-03-22T06:30:00Z"'
    if value is None:
        raise InvalidInput(
            f"The position has no at. Send the time the fix was taken in ISO 8601 with a time "
            f"zone, e.g. {example}.",
            "پیام موقعیت زمان (at) ندارد. زمان ثبت موقعیت را به قالب ISO 8601 همراه با منطقهٔ "
            f"زمانی بفرستید، مثلاً {example}.",
            field="at",
        )
    try:
        at = datetime.fromisoformat(value) if isinstance(value, str) and len(value) <= 40 else None
    except ValueError:
        at = None
    if at is None:
        raise InvalidInput(
            f"at {_shown(str(value))!r} is not an ISO 8601 time. Send it like {example}.",
            f"at «{_shown(str(value))}» زمانی به قالب ISO 8601 نیست. آن را مانند {example} "
            "بفرستید.",
            field="at",
        )
    if at.tzinfo is None or at.utcoffset() is None:
        raise InvalidInput(
            "at has no time zone, so the moment is ambiguous. Add Z (UTC) or an offset such as "
            "+03:30.",
            "زمان at منطقهٔ زمانی ندارد و لحظهٔ آن مبهم است. Z (به وقت UTC) یا اختلافی مانند "
            "‎+03:30 را به آن بیفزایید.",
            field="at",
        )
    return at.astimezone(UTC)


def _optional_number(
    data: dict[str, Any], name: str, limit: float, en: str, fa: str
) -> float | None:
    value = data.get(name)
    if value is None:
        return None
    if not _is_number(value) or not 0 <= value <= limit:
        raise InvalidInput(
            f"{name} must be a number of {en} from 0 to {limit:g}, or be left out.",
            f"{name} باید عددی بر حسب {fa} از 0 تا {limit:g} باشد، یا فرستاده نشود.",
            field=name,
        )
    return float(value)


def _optional_seq(data: dict[str, Any]) -> int | None:
    value = data.get("seq")
    if value is None:
        return None
    if not isinstance(value, int) or isinstance(value, bool) or not 0 <= value < 2**63:
        raise InvalidInput(
            "seq must be a whole number from 0 that the device increases with each position, "
            "or be left out.",
            "seq باید عددی صحیح و نامنفی باشد که دستگاه با هر موقعیت یکی بالا می‌برد، یا "
            "فرستاده نشود.",
            field="seq",
        )
    return value


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
