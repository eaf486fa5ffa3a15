"""Phone numbers: E.164 from whatever a caller, a PBX or a form gives; landline area codes.

Iranian landlines carry a two-digit area code (``011`` Mazandaran, ``021`` Tehran …), which
``phonenumbers`` reports as the national destination code; ``panah/geo/data/provinces.tsv``
maps each of the 31 to its province. A mobile or a foreign number has no province: the
location chain then relies on the other sources.
"""

from __future__ import annotations

import re
from functools import cache, lru_cache

import phonenumbers
from phonenumbers import NumberParseException, PhoneNumber, PhoneNumberType

from panah.core.errors import InvalidInput
from panah.geo.reference import province_facts
from panah.geo.text import to_ascii_digits
from panah.intake.model import LocationFix, LocationSource

REGION = "IR"
MAX_INPUT = 40
# Separators people and exchanges put in numbers, and invisible direction marks.
_SEPARATORS = re.compile(r"[\s\-().\u200c\u200e\u200f\u202a-\u202e\u2066-\u2069\ufeff]")
_ALLOWED = re.compile(r"^\+?\d+$")
_MOBILE_TYPES = frozenset({PhoneNumberType.MOBILE, PhoneNumberType.FIXED_LINE_OR_MOBILE})


class PhoneError(InvalidInput):
    code = "invalid_phone"


def _refuse(raw: str, reason_en: str, reason_fa: str) -> PhoneError:
    # The number itself is personal data: it stays out of the message, only its length is told.
    return PhoneError(
        f"The phone number is not usable: {reason_en}. Give it in national form "
        "(09121234567, 02112345678) or international form (+989121234567).",
        f"شماره تلفن قابل استفاده نیست: {reason_fa}. آن را به شکل ملی "
        "(۰۹۱۲۱۲۳۴۵۶۷، ۰۲۱۱۲۳۴۵۶۷۸) یا بین‌المللی (+۹۸۹۱۲۱۲۳۴۵۶۷) بنویسید.",
        length=len(raw),
    )


@lru_cache(maxsize=4096)  # the webhook and the writer read the same number moments apart
def to_e164(raw: str) -> str:
    """``"۰۹۱۲ ۱۲۳ ۴۵۶۷"``, ``"0098 912…"`` or ``"+98 912…"`` → ``"+989121234567"``.

    National forms are read as Iranian; a valid foreign number in international form is
    kept (a traveller's own SIM). Raise :class:`PhoneError` otherwise.
    """
    text = _SEPARATORS.sub("", to_ascii_digits(raw))
    if not text:
        raise _refuse(raw, "it is empty", "خالی است")
    if len(text) > MAX_INPUT or not _ALLOWED.match(text):
        raise _refuse(raw, "only digits, spaces and a leading + are allowed",
                      "تنها رقم، فاصله و یک + در آغاز پذیرفته است")
    try:
        number = phonenumbers.parse(text, REGION)
    except NumberParseException:
        raise _refuse(raw, "it cannot be read as a number", "به شکل شماره خوانده نمی‌شود") from None
    if not phonenumbers.is_valid_number(number):
        raise _refuse(raw, "no such number exists (wrong length or prefix)",
                      "چنین شماره‌ای وجود ندارد (طول یا پیش‌شماره نادرست است)")
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


def _parse_e164(e164: str) -> PhoneNumber:
    if not e164.startswith("+"):
        raise _refuse(e164, "expected E.164 (starting with +)", "شکل E.164 (آغاز با +) لازم است")
    try:
        return phonenumbers.parse(e164, None)
    except NumberParseException:
        raise _refuse(e164, "it cannot be read as a number", "به شکل شماره خوانده نمی‌شود") from None


def is_mobile(e164: str) -> bool:
    """True for mobile numbers (and where the numbering plan cannot tell mobile from fixed)."""
    return phonenumbers.number_type(_parse_e164(e164)) in _MOBILE_TYPES


# Iran's numbering plan gives every national number starting with 9 to mobile networks.
IRAN_MOBILE = "+989"


@cache
def area_codes() -> dict[str, str]:
    """National destination code without the trunk 0 (``"11"``) → province code."""
    return {p.area_code.lstrip("0"): p.code for p in province_facts()}


def area_code(e164: str) -> str | None:
    """The area code (``"011"``) of an Iranian fixed line, else ``None``."""
    if e164.startswith(IRAN_MOBILE):  # most 123 callers: no need to ask the numbering plan
        return None
    number = _parse_e164(e164)
    if phonenumbers.region_code_for_number(number) != REGION:
        return None
    if phonenumbers.number_type(number) != PhoneNumberType.FIXED_LINE:
        return None
    length = phonenumbers.length_of_national_destination_code(number)
    return "0" + phonenumbers.national_significant_number(number)[:length] if length else None


def area_code_province(e164: str) -> str | None:
    """The province of an Iranian landline by its area code; ``None`` for mobiles and abroad."""
    code = area_code(e164)
    return area_codes().get(code[1:]) if code else None


def area_code_fix(e164: str) -> LocationFix | None:
    """A province-only location candidate from a landline's area code, if it has one."""
    code = area_code(e164)
    province = area_codes().get(code[1:]) if code else None
    if province is None:
        return None
    return LocationFix(source=LocationSource.area_code, province_code=province, detail=code or "")
