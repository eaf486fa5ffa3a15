"""The directory a counsellor looks things up in during triage: partner agencies (police
110, EMS 115, the 1480 line, courts, hospitals, NGOs) and the services callers are told of.

Search works in Persian and English. Every text is compared in the form
:func:`search_key` gives it (:func:`panah.geo.text.match_key` word by word: Arabic and
Persian letter forms, digits, hamza and ZWNJ made equal, lower case), so ``كمك`` finds
``کمک`` and ``مشاوره`` finds ``مشاوره‌ی``. A resource's :attr:`~Resource.search_text` holds
its names, descriptions and the labels of its needs in that form, built when it is loaded
(:func:`search_text_of`). A query matches when each of its words is found in that text;
when nothing in the area matches, words within a typo or two are accepted instead
(rapidfuzz), so a misspelt query still finds something.

Ranking is by place first: the caller's own county, then the province (province-wide
services before those of another county of the province: a shelter in Sari serves a caller
in Chalus), then national lines; within a place by how well the words match, then by name.
Agencies are listed the same way, but those of another county are left out when a county is
given: a referral goes to the county's own police station, not the next county's.

Keeping the directory: the needs a service serves are category codes of the taxonomy
(:func:`check_needs`); a national administrator keeps every entry, a provincial one the
entries of their own province only (:func:`may_manage`); an agency that ever had a
referral is deactivated, never deleted (:func:`check_deletable`).

Pure: the ranking (:func:`rank`), the search keys and the rules of keeping it; the
look-ups that read the tables are in ``queries``, the changes in ``service``.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from enum import IntEnum, StrEnum
from typing import Protocol, TypeVar

from rapidfuzz import fuzz

from panah.core.errors import Conflict, InvalidInput
from panah.geo.text import match_key, normalize_fa
from panah.security.policy import Actor, Decision, Resource, Why, decide
from panah.security.roles import ROLE_SCOPE, Permission, Scope
from panah.triage.taxonomy import TAXONOMY, Category

FUZZY_MIN = 80.0  # rapidfuzz ratio of a query word to a text word for a typo to count
MAX_LIMIT = 100
_CATEGORY_CODES = frozenset(c.value for c in Category)


class AgencyDomain(StrEnum):
    """What kind of partner an agency is; the order is the order a directory lists them."""

    police = "police"  # پلیس ۱۱۰
    ems = "ems"  # اورژانس ۱۱۵
    counselling_line = "counselling_line"  # صدای مشاور ۱۴۸۰
    judiciary = "judiciary"  # دادگستری و دادسرا
    hospital = "hospital"
    welfare = "welfare"  # بهزیستی
    ngo = "ngo"


class PlaceTier(IntEnum):
    """How near a directory entry is to the place asked about; lower is nearer."""

    county = 0
    province = 1  # province-wide
    other_county = 2  # another county of the same province
    national = 3


class Listed(Protocol):
    """What ranking needs of an entry (a :class:`Resource`, or a plain object in tests)."""

    @property
    def county_key(self) -> str | None: ...
    @property
    def province_code(self) -> str | None: ...
    @property
    def search_text(self) -> str: ...
    @property
    def name_fa(self) -> str: ...
    @property
    def name_en(self) -> str: ...


L = TypeVar("L", bound=Listed)


@dataclass(frozen=True, slots=True)
class Place:
    """Where the directory is asked about: a county (and its province), a province, or
    nowhere in particular (``Place()``: everything, national entries included)."""

    county_key: str | None = None
    province_code: str | None = None


# --- search text (pure) ---------------------------------------------------------------


def search_key(text: str | None) -> str:
    """Text in the form search compares it: words in :func:`match_key` form, one space
    apart (a word joined by ZWNJ becomes one word)."""
    if not text:
        return ""
    keys = (match_key(word) for word in normalize_fa(text).split(" "))
    return " ".join(key for key in keys if key)


def search_text_of(*texts: str | None, needs: Iterable[str] = ()) -> str:
    """The stored search text of a directory entry: its names and descriptions, and the
    Persian and English labels of the needs it serves (so "اعتیاد" finds an addiction
    clinic whose name does not say it)."""
    labels = []
    for code in needs:
        if code in _CATEGORY_CODES:
            info = TAXONOMY[Category(code)]
            labels += [info.label_fa, info.label_en]
    return search_key(" ".join(t for t in (*texts, *labels) if t))


def _word_score(word: str, words: Sequence[str]) -> float:
    """How well one query word is found among the text's words: 1 whole, 0.9 at a word's
    start, 0.75 inside one; 0 when absent."""
    best = 0.0
    for candidate in words:
        if candidate == word:
            return 1.0
        if candidate.startswith(word):
            best = max(best, 0.9)
        elif word in candidate:
            best = max(best, 0.75)
    return best


def text_score(query: str, text: str) -> float:
    """0–100: every word of ``query`` (in :func:`search_key` form) found in ``text``; 0
    when one is missing. Spacing is forgiven: "مرکز گذری" matches "مرکزگذری"."""
    words = query.split(" ")
    text_words = text.split(" ")
    scores = [_word_score(w, text_words) for w in words]
    if all(scores):
        return 100.0 * sum(scores) / len(scores)
    compact = query.replace(" ", "")
    return 70.0 if compact and compact in text.replace(" ", "") else 0.0


def fuzzy_score(query: str, text: str) -> float:
    """0–100 for a query with typos: the weakest of its words' best rapidfuzz ratios (each
    word must be close to some word of the text), or 0 below :data:`FUZZY_MIN`."""
    text_words = text.split(" ")
    worst = 100.0
    for word in query.split(" "):
        best = max((fuzz.ratio(word, w) for w in text_words), default=0.0)
        worst = min(worst, best)
    return worst * 0.6 if worst >= FUZZY_MIN else 0.0


# --- ranking (pure) -------------------------------------------------------------------


def place_tier(county_key: str | None, province_code: str | None, *,
               place: Place) -> PlaceTier | None:
    """How near an entry of ``county_key``/``province_code`` is to ``place``; ``None``
    when it belongs to another province."""
    if province_code is None:
        return PlaceTier.national
    if place.county_key is not None and county_key == place.county_key:
        return PlaceTier.county
    if place.province_code is not None and province_code != place.province_code:
        return None
    return PlaceTier.province if county_key is None else PlaceTier.other_county


def rank(entries: Iterable[L], *, query: str | None, place: Place, language: str = "fa",
         limit: int = 20) -> list[L]:
    """The entries matching ``query`` (any text; ``None`` or blank: all) in ``place``,
    nearest first, then best match, then by name in ``language``. Typos are forgiven only
    when nothing matches exactly."""
    key = search_key(query)
    near = [(tier, e) for e in entries
            if (tier := place_tier(e.county_key, e.province_code, place=place)) is not None]
    scored = [(tier, text_score(key, e.search_text) if key else 100.0, e) for tier, e in near]
    found = [item for item in scored if item[1] > 0]
    if key and not found:
        found = [(tier, fuzzy_score(key, e.search_text), e) for tier, _, e in scored]
        found = [item for item in found if item[1] > 0]

    def name(entry: L) -> str:
        return entry.name_en.casefold() if language == "en" else entry.name_fa

    found.sort(key=lambda item: (item[0], -round(item[1], 1), name(item[2])))
    return [entry for _, _, entry in found[:max(limit, 0)]]


# --- keeping the directory (pure) -----------------------------------------------------


def check_needs(codes: Iterable[str]) -> tuple[str, ...]:
    """The needs a service serves, as category codes of the taxonomy: blanks dropped,
    duplicates once, order kept; an unknown code refused with the list to choose from."""
    found: dict[str, None] = {}
    for raw in codes:
        code = raw.strip()
        if not code:
            continue
        if code not in _CATEGORY_CODES:
            known = ", ".join(c.value for c in Category)
            raise InvalidInput(
                f"{code!r} is not a need the directory knows. Use the category codes of "
                f"the triage taxonomy: {known}.",
                f"«{code}» نیازی نیست که فهرست خدمات بشناسد. از کدهای دسته‌بندی تریاژ "
                f"استفاده کنید: {known}.",
                field="needs", need=code, allowed=[c.value for c in Category])
        found.setdefault(code, None)
    return tuple(found)


def is_short_number(phone: str) -> bool:
    """A service number dialled without an area code (110, 115, 123, 1480): 3 to 5
    ASCII digits. Anything longer is a full number, kept in E.164."""
    return 3 <= len(phone) <= 5 and phone.isascii() and phone.isdigit()


def reaches_nation(actor: Actor) -> bool:
    """Whether the actor acts for the whole country: a national role with no province of
    its own (an administrator given a province is that province's administrator), or a
    national partner key."""
    return actor.national or (ROLE_SCOPE[actor.role] is Scope.nation
                               and actor.province_code is None)


def may_manage(actor: Actor, province_code: str | None) -> Decision:
    """Whether ``actor`` may add, change or remove a directory entry of ``province_code``
    (``None``: a national entry, such as the 1480 line). National administrators keep
    every entry; a provincial one the entries of their own province only, never the
    national ones nor another province's."""
    decision = decide(actor, Permission.manage_organisation,
                      Resource("directory_entry", province_code=province_code))
    if not decision:
        return decision
    if reaches_nation(actor):
        return decision
    if province_code is None or province_code != actor.province_code:
        return Decision(False, Why.out_of_scope)
    return decision


def check_deletable(code: str, *, open_referrals: int, referrals: int) -> None:
    """An agency is removed only when no referral was ever made to it: one with open
    referrals is still at work, and one with past referrals is their history. Either
    may be deactivated instead (it then receives no new referral)."""
    if open_referrals:
        raise Conflict(
            f"Agency {code} has {open_referrals} open referral(s): it cannot be deleted "
            "while they are under way. Deactivate it instead so that it receives no new "
            "referral, and delete it once they are closed, if it never had others.",
            f"سازمان {code} {open_referrals} ارجاع باز دارد و تا انجام آن‌ها حذف‌شدنی نیست. "
            "به‌جای حذف، آن را غیرفعال کنید تا ارجاع تازه‌ای نگیرد.",
            field="agency", open_referrals=open_referrals)
    if referrals:
        raise Conflict(
            f"Agency {code} has {referrals} past referral(s), which are part of the record: "
            "it cannot be deleted. Deactivate it instead: it then receives no new referral.",
            f"سازمان {code} {referrals} ارجاع پیشین دارد که بخشی از پرونده‌هاست و حذف‌شدنی "
            "نیست. به‌جای حذف، آن را غیرفعال کنید تا ارجاع تازه‌ای نگیرد.",
            field="agency", referrals=referrals)
