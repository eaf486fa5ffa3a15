"""Clients' pure rules: identity fields, name keys for duplicates, the duplicate score and
the merge rules (no database, no web; ``today`` passed in).

Duplicates are found on keyed hashes only (a blind index): the name key and each name
token are normalised here, hashed by the service, and compared as opaque strings, so a
stolen database does not reveal names. :func:`duplicate_matches` works on such facts.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from datetime import date
from enum import StrEnum

import jdatetime

from panah.cases.model import is_valid_national_code
from panah.core.errors import InvalidInput
from panah.geo.text import to_ascii_digits


class NoNationalCodeReason(StrEnum):
    """Why a client has no Iranian national code (many are Afghan migrants)."""

    foreign_national = "foreign_national"
    undocumented = "undocumented"
    refused = "refused"
    unknown_yet = "unknown_yet"
    child = "child"


class Disability(StrEnum):
    none = "none"
    physical = "physical"
    visual = "visual"
    hearing = "hearing"
    intellectual = "intellectual"
    psychosocial = "psychosocial"
    multiple = "multiple"


# Languages clients speak (ISO 639 codes): Persian, Kurdish (Sorani, Kurmanji), Azerbaijani,
# Gilaki, Mazandarani, Arabic, Pashto, Dari, Balochi, Turkmen, Luri, English, Urdu.
LANGUAGES = ("fa", "ckb", "ku", "az", "glk", "mzn", "ar", "ps", "prs", "bal", "tk", "lrc",
             "en", "ur")
_COUNTRY = re.compile(r"^[A-Z]{2}$")


class MatchLevel(StrEnum):
    certain = "certain"
    strong = "strong"
    possible = "possible"


_RANK = {MatchLevel.certain: 0, MatchLevel.strong: 1, MatchLevel.possible: 2}


# ---- identity fields -------------------------------------------------------------------


def national_code_digits(raw: str) -> str:
    """The code as ten ASCII digits: Persian/Arabic digits folded, dashes and spaces gone."""
    return re.sub(r"[\s\-‐-―_/.]", "", to_ascii_digits(raw))


def check_national_code(raw: str | None, reason: str | None) -> str | None:
    """The valid code, or None when it is missing with a reason; else InvalidInput."""
    if raw and raw.strip():
        code = national_code_digits(raw)
        if not is_valid_national_code(code):
            raise InvalidInput(
                "The national code must be 10 digits with a valid check digit. Check it "
                "with the client, or leave it empty and say why there is none.",
                "کد ملی باید ده رقم با رقم کنترل درست باشد. آن را با مددجو بررسی کنید یا "
                "خالی بگذارید و دلیل نبودنش را بگویید.", field="national_code")
        return code
    if reason not in set(NoNationalCodeReason):
        raise InvalidInput(
            "Without a national code, say why (foreign national, undocumented, refused, not "
            "known yet, child).",
            "اگر کد ملی نیست، دلیلش را بگویید (اتباع خارجی، بدون مدرک، نخواست بگوید، هنوز "
            "معلوم نیست، کودک).", field="no_national_code_reason")
    return None


def parse_jalali_date(text: str, *, today: date) -> date:
    """A Jalali date as people write it ("1380/05/14", "۱۳۸۰-۵-۱۴") → the Gregorian date.
    A day that does not exist in the Jalali calendar, or a birth date after ``today``, is
    refused naming the field."""
    parts = re.split(r"[/\-.\s]+", to_ascii_digits(text).strip())
    try:
        year, month, day = (int(p) for p in parts)
        born: date = jdatetime.date(year, month, day).togregorian()
    except (ValueError, TypeError):
        raise InvalidInput(
            f"{text!r} is not a day of the Iranian calendar. Write it as year/month/day, "
            "e.g. 1380/05/14 (Esfand has 30 days only in a leap year).",
            f"«{text}» روزی از تقویم خورشیدی نیست. آن را به شکل سال/ماه/روز بنویسید، مثلاً "
            "۱۳۸۰/۰۵/۱۴ (اسفند فقط در سال کبیسه ۳۰ روز دارد).", field="birth_date") from None
    if born > today:
        raise InvalidInput("The birth date is in the future. Check the year with the client.",
                           "تاریخ تولد در آینده است. سال را با مددجو بررسی کنید.",
                           field="birth_date")
    return born


def jalali_text(day: date) -> str:
    """The Gregorian ``day`` written in the Jalali calendar, "1380/05/14"."""
    return str(jdatetime.date.fromgregorian(date=day).strftime("%Y/%m/%d"))


def check_nationality(code: str) -> str:
    code = code.strip().upper()
    if not _COUNTRY.match(code):
        raise InvalidInput("Nationality is a two-letter country code, e.g. IR or AF.",
                           "ملیت کد دوحرفی کشور است، مثلاً IR یا AF.", field="nationality")
    return code


def check_languages(codes: list[str]) -> list[str]:
    cleaned = list(dict.fromkeys(c.strip().lower() for c in codes if c.strip()))
    unknown = [c for c in cleaned if c not in LANGUAGES]
    if unknown:
        raise InvalidInput(f"Unknown languages {unknown}: choose from {', '.join(LANGUAGES)}.",
                           f"زبان‌های ناشناخته {unknown}: از فهرست زبان‌ها برگزینید.",
                           field="languages")
    return cleaned


# ---- names ---------------------------------------------------------------------------

_FOLD = str.maketrans({
    "ي": "ی", "ى": "ی", "ئ": "ی", "ك": "ک", "ة": "ه", "ۀ": "ه", "أ": "ا", "إ": "ا",
    "آ": "ا", "ٱ": "ا", "ؤ": "و", "ء": None, "\u0640": None,  # tatweel
    "\u200d": None, "\u200e": None, "\u200f": None, "\ufeff": None,
})
# Harakat, tanwin, shadda, sukun, hamza marks, superscript alef, Quranic marks.
_MARKS = re.compile("[\u064b-\u065f\u0670\u06d6-\u06ed]")
_SEPARATORS = re.compile(r"[\s\u200c\-_.,،]+")


def _folded(name: str) -> str:
    text = unicodedata.normalize("NFKC", to_ascii_digits(name)).translate(_FOLD)
    return _MARKS.sub("", text).lower()


def name_tokens(name: str) -> list[str]:
    """The name's words, folded ("زهرا احمدی‌نژاد" → ["زهرا", "احمدی", "نژاد"])."""
    return [t for t in _SEPARATORS.split(_folded(name)) if t]


def name_key(name: str) -> str:
    """One key for the spellings of a name: "محمد رضا" = "محمدرضا" = "محمد‌رضا" = "مُحمّدرضا"."""
    return "".join(name_tokens(name))


# ---- duplicates ------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class ClientFacts:
    """What duplicate detection knows of a client: keyed hashes and the birth year."""

    client_id: int
    national_code_hash: str | None = None
    phone_hashes: frozenset[str] = frozenset()
    name_key_hash: str | None = None
    token_hashes: frozenset[str] = frozenset()
    birth_year: int | None = None


@dataclass(frozen=True, slots=True)
class Match:
    client_id: int
    level: MatchLevel
    reasons: tuple[str, ...]  # national_code | phone | name_birth_year | name | tokens_birth_year


def match_of(candidate: ClientFacts, other: ClientFacts) -> Match | None:
    """How surely ``other`` is the same person as ``candidate``, and why; None if not."""
    same_year = candidate.birth_year is not None and candidate.birth_year == other.birth_year
    same_name = candidate.name_key_hash is not None and (
        candidate.name_key_hash == other.name_key_hash)
    shared_tokens = len(candidate.token_hashes & other.token_hashes)
    found: list[tuple[MatchLevel, str]] = []
    if candidate.national_code_hash and candidate.national_code_hash == other.national_code_hash:
        found.append((MatchLevel.certain, "national_code"))
    if candidate.phone_hashes & other.phone_hashes:
        found.append((MatchLevel.strong, "phone"))
    if same_name:
        found.append((MatchLevel.strong, "name_birth_year") if same_year
                     else (MatchLevel.possible, "name"))
    elif shared_tokens >= 2 and same_year:
        found.append((MatchLevel.possible, "tokens_birth_year"))
    if not found:
        return None
    level = min((lvl for lvl, _ in found), key=_RANK.__getitem__)
    return Match(other.client_id, level, tuple(reason for _, reason in found))


def duplicate_matches(candidate: ClientFacts, others: list[ClientFacts]) -> list[Match]:
    """The others that may be the same person, surest first (then by id)."""
    matches = [m for o in others if o.client_id != candidate.client_id
               if (m := match_of(candidate, o)) is not None]
    return sorted(matches, key=lambda m: (_RANK[m.level], m.client_id))


# ---- merges -----------------------------------------------------------------------------


def check_merge(*, survivor_id: int, merged_id: int, survivor_merged_into: int | None,
                merged_merged_into: int | None, reason: str) -> None:
    """The rules of merging ``merged_id`` into ``survivor_id``; InvalidInput names the rule."""
    if survivor_id == merged_id:
        raise InvalidInput("A client cannot be merged into itself: choose the other record "
                           "of the same person.",
                           "مددجو را نمی‌توان با خودش ادغام کرد: پروندهٔ دیگرِ همان شخص را "
                           "برگزینید.", field="other_client_id")
    if survivor_merged_into is not None or merged_merged_into is not None:
        raise InvalidInput("One of these clients was already merged into another; merge "
                           "into the surviving record instead, or undo the earlier merge.",
                           "یکی از این دو مددجو پیش‌تر در دیگری ادغام شده است؛ با رکورد "
                           "باقی‌مانده ادغام کنید یا ادغام قبلی را برگردانید.",
                           field="other_client_id")
    if len(reason.strip()) < 10:
        raise InvalidInput("Say why these two records are the same person (at least 10 "
                           "characters).",
                           "بنویسید چرا این دو رکورد یک نفرند (دست‌کم ۱۰ نویسه).",
                           field="reason")
