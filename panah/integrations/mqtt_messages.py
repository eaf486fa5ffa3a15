"""MQTT topics and payloads of Panah (pure: no network). See ``panah.integrations.mqtt``
for the topic scheme and the bus that carries them."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from panah.core.errors import InvalidInput

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
