"""Parse an Advanced Mobile Location SMS (ETSI TS 103 625, text format).

A handset that dials an emergency number sends the network operator's SMS gateway a text
such as::

    A"ML=1;lt=+36.65490;lg=+51.42050;rd=25;top=20260321093011;lc=68;pm=G;si=432112345678901;
    ei=356938035643809;mcc=432;mnc=11;ml=124

``lt``/``lg`` are WGS 84 degrees, ``rd`` the uncertainty radius in metres, ``top`` the time of
positioning (UTC, ``YYYYMMDDhhmmss``), ``lc`` the level of confidence in percent, ``pm`` the
positioning method (G = GNSS, W = Wi-Fi, C = cell, N = none: "no location", sent with zero
coordinates and ``rd=N``), ``si``/``ei`` the IMSI (often truncated) and IMEI, ``mcc``/``mnc``
the network, ``ml`` the message length as the handset counted it.

Tolerated, because gateways in the wild do it: whitespace and line breaks around fields, a
trailing ``;``, upper-case keys, unknown extra keys (kept in ``extra``), and the header's
double quote arriving as a typographic quote, an HTML entity, a backslash-escaped quote or
dropped altogether. ``ml`` is kept but not enforced: handsets and gateways disagree on what
it counts. Refused, with the field and the reason: anything else malformed.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import UTC, datetime
from enum import StrEnum

from panah.core.errors import InvalidInput
from panah.intake.model import LocationFix, LocationSource

MAX_LENGTH = 1000  # a concatenated SMS of six parts; anything longer is not an AML message
SUPPORTED_VERSION = 1

# A, an optional double quote in any of the forms gateways turn it into, ML, =, version.
_HEADER = re.compile(
    r"""^A\s*(?:"|\\"|&quot;|&\#34;|“|”|„|″|'')?\s*ML\s*=\s*(?P<version>[^;]*)""",
    re.IGNORECASE,
)
_LATITUDE = re.compile(r"^[+-]?\d{1,2}(?:\.\d{1,10})?$")
_LONGITUDE = re.compile(r"^[+-]?\d{1,3}(?:\.\d{1,10})?$")
_DECIMAL = re.compile(r"^\+?\d{1,7}(?:\.\d{1,3})?$")
_DIGITS = re.compile(r"^\d+$")
# Identifier fields: (pattern, English description, Persian description).
_IDENTIFIERS: dict[str, tuple[re.Pattern[str], str, str]] = {
    "si": (re.compile(r"^\d{5,15}$"), "5 to 15 digits (IMSI)", "۵ تا ۱۵ رقم (IMSI)"),
    "ei": (re.compile(r"^\d{14,16}$"), "14 to 16 digits (IMEI)", "۱۴ تا ۱۶ رقم (IMEI)"),
    "mcc": (re.compile(r"^\d{3}$"), "3 digits", "۳ رقم"),
    "mnc": (re.compile(r"^\d{2,3}$"), "2 or 3 digits", "۲ یا ۳ رقم"),
}


class PositioningMethod(StrEnum):
    gnss = "G"
    wifi = "W"
    cell = "C"
    none = "N"  # the handset could not position itself: no point in the message


class AmlError(InvalidInput):
    """A refused AML message: ``field`` names the part that was wrong."""

    code = "invalid_aml"

    def __init__(self, field_name: str, reason_en: str, reason_fa: str, **details: object) -> None:
        super().__init__(
            f"AML message refused: {field_name}: {reason_en}. Pass the SMS text on exactly as "
            "received; if it is complete, route the contact by its other locations.",
            f"پیامک AML پذیرفته نشد: {field_name}: {reason_fa}. متن پیامک را همان‌گونه که "
            "رسیده است بفرستید؛ اگر کامل است، تماس را با دیگر موقعیت‌هایش مسیریابی کنید.",
            field=field_name,
            **details,
        )
        self.field = field_name


@dataclass(frozen=True, slots=True)
class AmlMessage:
    version: int
    method: PositioningMethod
    lat: float | None = None
    lon: float | None = None
    radius_m: float | None = None
    positioned_at: datetime | None = None
    confidence: int | None = None  # percent
    imsi: str | None = None
    imei: str | None = None
    mcc: str | None = None
    mnc: str | None = None
    declared_length: int | None = None  # ``ml``, as the handset counted it
    extra: dict[str, str] = field(default_factory=dict)

    @property
    def has_point(self) -> bool:
        return self.lat is not None and self.lon is not None

    def to_fix(self) -> LocationFix:
        """The message as a location candidate (without a point when ``pm=N``)."""
        return LocationFix(
            source=LocationSource.aml,
            lat=self.lat,
            lon=self.lon,
            radius_m=self.radius_m,
            at=self.positioned_at,
            detail=f"pm={self.method.value}"
            + (f";lc={self.confidence}" if self.confidence is not None else ""),
        )


def parse_aml(text: str) -> AmlMessage:
    """Parse one AML SMS text; raise :class:`AmlError` saying which field is wrong and why."""
    body = _check_text(text)
    header = _HEADER.match(body)
    if header is None:
        raise AmlError(
            "header", 'the text does not start with A"ML=<version>',
            'متن با A"ML=<نسخه> آغاز نمی‌شود', start=body[:12],
        )
    version = _version(header.group("version").strip())
    fields = _fields(body[header.end():])
    method = _method(fields)
    point = _point(fields) if method is not PositioningMethod.none else (None, None)
    return AmlMessage(
        version=version,
        method=method,
        lat=point[0],
        lon=point[1],
        radius_m=_radius(fields.get("rd")),
        positioned_at=_time(fields, required=method is not PositioningMethod.none),
        confidence=_confidence(fields.get("lc")),
        imsi=_identifier(fields, "si"),
        imei=_identifier(fields, "ei"),
        mcc=_identifier(fields, "mcc"),
        mnc=_identifier(fields, "mnc"),
        declared_length=_length(fields.get("ml")),
        extra={k: v for k, v in fields.items() if k not in _KNOWN},
    )


_KNOWN = frozenset({"lt", "lg", "rd", "top", "lc", "pm", "si", "ei", "mcc", "mnc", "ml"})


def _check_text(text: str) -> str:
    body = text.strip().lstrip("\ufeff")
    if not body:
        raise AmlError("text", "the message is empty", "پیامک خالی است")
    if len(body) > MAX_LENGTH:
        raise AmlError(
            "text", f"the message is longer than {MAX_LENGTH} characters",
            f"پیامک بلندتر از {MAX_LENGTH} نویسه است", length=len(body),
        )
    return body


def _version(raw: str) -> int:
    if not _DIGITS.match(raw):
        raise AmlError("A\"ML", f"version {raw!r} is not a number", f"نسخهٔ {raw!r} عدد نیست")
    if int(raw) != SUPPORTED_VERSION:
        raise AmlError(
            "A\"ML", f"version {raw} is not supported (only version {SUPPORTED_VERSION})",
            f"نسخهٔ {raw} پشتیبانی نمی‌شود (تنها نسخهٔ {SUPPORTED_VERSION})", version=raw,
        )
    return SUPPORTED_VERSION


def _fields(rest: str) -> dict[str, str]:
    fields: dict[str, str] = {}
    for part in rest.split(";"):
        part = part.strip()
        if not part:
            continue  # the separator after the header, or a trailing ';'
        key, sep, value = part.partition("=")
        key = key.strip().lower()
        if not sep or not key:
            raise AmlError(
                part[:20], "expected key=value", "باید به شکل کلید=مقدار باشد", part=part[:40]
            )
        if key in fields:
            raise AmlError(key, "the key appears twice", "این کلید دو بار آمده است")
        fields[key] = value.strip()
    return fields


def _method(fields: dict[str, str]) -> PositioningMethod:
    raw = fields.get("pm")
    if raw is None:
        raise AmlError("pm", "the positioning method is missing", "روش موقعیت‌یابی نیامده است")
    try:
        return PositioningMethod(raw.upper())
    except ValueError:
        raise AmlError(
            "pm", f"{raw!r} is not one of G, W, C, N", f"{raw!r} یکی از G، W، C، N نیست"
        ) from None


def _point(fields: dict[str, str]) -> tuple[float, float]:
    return (
        _coordinate(fields, "lt", _LATITUDE, 90.0, "latitude", "عرض جغرافیایی"),
        _coordinate(fields, "lg", _LONGITUDE, 180.0, "longitude", "طول جغرافیایی"),
    )


def _coordinate(
    fields: dict[str, str], key: str, pattern: re.Pattern[str], limit: float,
    name_en: str, name_fa: str,
) -> float:
    raw = fields.get(key)
    if raw is None or raw == "":
        raise AmlError(
            key, f"the {name_en} is missing although pm is not N",
            f"{name_fa} نیامده است، با آنکه pm برابر N نیست",
        )
    if not pattern.match(raw):
        raise AmlError(key, f"{raw!r} is not a {name_en} in degrees",
                       f"{raw!r} {name_fa} به درجه نیست")
    value = float(raw)
    if abs(value) > limit:
        raise AmlError(
            key, f"{name_en} {value} is outside [-{limit:g}, {limit:g}]",
            f"{name_fa} {value} بیرون از بازهٔ [{limit:g}-، {limit:g}] است", value=value,
        )
    return value


def _radius(raw: str | None) -> float | None:
    if raw is None or raw.upper() == "N" or raw == "":
        return None
    if not _DECIMAL.match(raw):
        raise AmlError("rd", f"{raw!r} is not a radius in metres",
                       f"{raw!r} شعاع به متر نیست")
    return float(raw)


def _time(fields: dict[str, str], *, required: bool) -> datetime | None:
    raw = fields.get("top")
    if raw is None or raw == "":
        if required:
            raise AmlError("top", "the time of positioning is missing",
                           "زمان موقعیت‌یابی نیامده است")
        return None
    bad = AmlError("top", f"{raw!r} is not a UTC time YYYYMMDDhhmmss",
                   f"{raw!r} زمان UTC به شکل YYYYMMDDhhmmss نیست")
    if len(raw) != 14 or not _DIGITS.match(raw):
        raise bad
    try:
        return datetime.strptime(raw, "%Y%m%d%H%M%S").replace(tzinfo=UTC)
    except ValueError:
        raise bad from None


def _confidence(raw: str | None) -> int | None:
    if raw is None or raw == "":
        return None
    if not _DIGITS.match(raw) or int(raw) > 100:
        raise AmlError("lc", f"{raw!r} is not a percentage 0–100",
                       f"{raw!r} درصدی میان ۰ و ۱۰۰ نیست")
    return int(raw)


def _identifier(fields: dict[str, str], key: str) -> str | None:
    raw = fields.get(key)
    if raw is None or raw == "":
        return None
    pattern, expected_en, expected_fa = _IDENTIFIERS[key]
    if not pattern.match(raw):
        raise AmlError(key, f"{raw!r} is not {expected_en}", f"{raw!r} {expected_fa} نیست")
    return raw


def _length(raw: str | None) -> int | None:
    if raw is None or raw == "":
        return None
    if not _DIGITS.match(raw) or len(raw) > 4:
        raise AmlError("ml", f"{raw!r} is not a message length", f"{raw!r} طول پیامک نیست")
    return int(raw)
