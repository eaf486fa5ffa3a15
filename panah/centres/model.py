"""The rules of a province's organisation: what a centre is, when it is open, its shelter,
and which centre answers for each county (شهرستان معین: a county without a centre of its
own is answered by its covering county's centre).

Pure: no database, clock or settings.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from enum import StrEnum

from panah.core.errors import Conflict, InvalidInput


class CentreKind(StrEnum):
    line_123 = "line_123"  # provincial 123 centre
    crisis_centre = "crisis_centre"  # مرکز مداخله در بحران (with or without shelter)
    county_centre = "county_centre"  # county social-emergency centre
    community_base = "community_base"  # پایگاه خدمات اجتماعی


KIND_LABELS: dict[CentreKind, tuple[str, str]] = {
    CentreKind.line_123: ("Provincial 123 centre", "مرکز استانی خط ۱۲۳"),
    CentreKind.crisis_centre: ("Crisis-intervention centre", "مرکز مداخله در بحران"),
    CentreKind.county_centre: ("County social-emergency centre",
                               "مرکز اورژانس اجتماعی شهرستان"),
    CentreKind.community_base: ("Community social-service base", "پایگاه خدمات اجتماعی"),
}

ALWAYS = "24/7"
MAX_BEDS = 1000
_ALWAYS_WORDS = frozenset({"", "24/7", "24x7", "24*7", "شبانه روزی", "شبانه‌روزی", "always"})
_SPAN = re.compile(r"^([01]?\d|2[0-3]):([0-5]\d)\s*-\s*([01]?\d|2[0-3]):([0-5]\d)$")
_TO_LATIN = str.maketrans("۰۱۲۳۴۵۶۷۸۹٠١٢٣٤٥٦٧٨٩", "0123456789" * 2)
RULE_EN = "the covering-county rule (شهرستان معین)"
RULE_FA = "قاعدهٔ شهرستان معین"


def parse_kind(value: str) -> CentreKind:
    try:
        return CentreKind(value)
    except ValueError:
        known = [k.value for k in CentreKind]
        raise InvalidInput(f"Unknown kind of centre {value!r}; use one of {known}.",
                           f"نوع مرکز ناشناخته است ({value!r})؛ یکی از این‌ها را بنویسید: "
                           f"{known}.", field="kind") from None


def parse_hours(text: str) -> str:
    """When a centre is open, as it is stored and shown: ``24/7``, or spans of Iran time
    such as ``08:00-14:00, 16:00-20:00`` (a span may run past midnight: ``20:00-08:00``).
    Empty, ``24/7`` and ``شبانه‌روزی`` mean always open; Persian digits are read."""
    cleaned = " ".join(text.translate(_TO_LATIN).split()).replace("،", ",")
    if cleaned.lower() in _ALWAYS_WORDS:
        return ALWAYS
    spans = []
    for part in (p.strip() for p in cleaned.split(",")):
        found = _SPAN.match(part)
        if found is None:
            raise InvalidInput(
                f"Write the hours as 24/7 or as spans such as 08:00-14:00, separated by "
                f"commas; {part!r} is not a span.",
                f"ساعت کار را «24/7» یا به شکل بازه‌هایی مانند 08:00-14:00 بنویسید که با ویرگول "
                f"جدا شده‌اند؛ «{part}» بازه نیست.", field="hours")
        start = f"{int(found.group(1)):02d}:{found.group(2)}"
        end = f"{int(found.group(3)):02d}:{found.group(4)}"
        if start == end:
            raise InvalidInput(
                f"The span {part} starts where it ends; for a centre that never closes write "
                "24/7.", f"بازهٔ {part} همان‌جا که آغاز می‌شود پایان می‌یابد؛ برای مرکز "
                "شبانه‌روزی «24/7» بنویسید.", field="hours")
        spans.append(f"{start}-{end}")
    return ", ".join(spans)


def check_shelter(has_shelter: bool, beds: int) -> None:
    """Shelter beds only where there is a shelter, and a shelter has at least one bed."""
    if not 0 <= beds <= MAX_BEDS:
        raise InvalidInput(f"Shelter beds are a number from 0 to {MAX_BEDS}.",
                           f"شمار تخت‌های خانهٔ امن عددی از ۰ تا {MAX_BEDS} است.",
                           field="shelter_beds")
    if beds and not has_shelter:
        raise InvalidInput("Beds are counted only where the centre has a shelter: tick "
                           "'has a shelter' or set the beds to 0.",
                           "تخت فقط برای مرکزی که خانهٔ امن دارد شمرده می‌شود: «خانهٔ امن دارد» "
                           "را بزنید یا شمار تخت‌ها را ۰ کنید.", field="shelter_beds")
    if has_shelter and not beds:
        raise InvalidInput("A shelter has at least one bed: give the number of beds.",
                           "خانهٔ امن دست‌کم یک تخت دارد: شمار تخت‌ها را بنویسید.",
                           field="shelter_beds")


# ---- which centre answers for each county (شهرستان معین) -----------------------------


@dataclass(frozen=True, slots=True)
class CountyName:
    id: int
    key: str
    province_code: str
    name_fa: str
    name_en: str


@dataclass(frozen=True, slots=True)
class Answer:
    """A county and the centre that answers for it now."""

    county: CountyName
    centre_code: str
    centre_name_fa: str
    centre_name_en: str
    own: bool = False  # the county's own centre (not a covering county's)


@dataclass(frozen=True, slots=True)
class CoveragePlan:
    """What saving a centre writes: each county it answers for with its covering county
    (``None``: the centre's own county), and the counties it takes from other centres."""

    rows: tuple[tuple[int, int | None], ...]
    taken: tuple[Answer, ...]


def _names(counties: Sequence[CountyName]) -> tuple[str, str]:
    return (", ".join(c.name_en for c in counties), "، ".join(c.name_fa for c in counties))


def plan_coverage(*, centre_code: str, kind: CentreKind, province_code: str,
                  own: CountyName | None, covers: Sequence[CountyName],
                  answered: Sequence[Answer]) -> CoveragePlan:
    """The counties a centre answers for: those it ``covers`` and, for a county centre,
    its own county. Each county is answered by exactly one centre, of its own province: a
    county of another province is refused, a county another centre answered moves here
    (``taken``), and one this centre answered but no longer names is refused while no
    other centre would answer it."""
    if own is not None and own.province_code != province_code:
        raise InvalidInput(
            f"{own.name_en} is not in {province_code}: a centre lies in a county of its own "
            "province.", f"{own.name_fa} در استان {province_code} نیست: مرکز در یکی از "
            "شهرستان‌های استان خودش است.", field="county")
    foreign = [c for c in covers if c.province_code != province_code]
    if foreign:
        en, fa = _names(foreign)
        raise InvalidInput(
            f"{en} lies outside {province_code}. Under {RULE_EN} a centre answers only for "
            "counties of its own province; the other province's own centres answer there.",
            f"{fa} بیرون از استان {province_code} است. بنا بر {RULE_FA} هر مرکز فقط پاسخ‌گوی "
            "شهرستان‌های استان خودش است و آن‌جا را مراکز همان استان پاسخ می‌دهند.",
            field="covers", rule="county_service", counties=[c.key for c in foreign])
    wanted = {c.id: c for c in covers}
    if kind is CentreKind.county_centre and own is not None:
        wanted.setdefault(own.id, own)
    if wanted and own is None:
        raise InvalidInput(
            "A centre that answers for counties lies in a county itself: choose its county.",
            "مرکزی که پاسخ‌گوی شهرستان‌هاست خودش در یک شهرستان است: شهرستان آن را انتخاب کنید.",
            field="county")
    check_left(centre_code, answered, keep=set(wanted))
    taken = tuple(a for a in answered if a.county.id in wanted and a.centre_code != centre_code)
    check_own_kept(taken)
    own_id = own.id if own is not None else None
    rows = tuple((county_id, None if county_id == own_id else own_id)
                 for county_id in sorted(wanted))
    return CoveragePlan(rows, taken)


def check_left(centre_code: str, answered: Sequence[Answer], *, keep: set[int]) -> None:
    """Refuse a change that leaves a county with no centre: one that ``centre_code``
    answers for now and would no longer (not in ``keep``), naming each such county."""
    left = [a.county for a in answered
            if a.centre_code == centre_code and a.county.id not in keep]
    if left:
        en, fa = _names(left)
        raise Conflict(
            f"{en} would be left with no centre to answer for it. Under {RULE_EN} every "
            "county is answered by exactly one centre: first have another centre (its own, "
            "or a covering county's) answer for it.",
            f"{fa} بی‌مرکز می‌ماند. بنا بر {RULE_FA} هر شهرستان را دقیقاً یک مرکز پاسخ می‌دهد: "
            "نخست مرکز دیگری (مرکز خودش یا مرکز شهرستان معین) را پاسخ‌گوی آن کنید.",
            field="covers", rule="county_service", counties=[c.key for c in left])


def check_own_kept(taken: Sequence[Answer]) -> None:
    """Refuse taking a county from its own centre: a county with a centre of its own is
    answered by it (change that centre first)."""
    held = [a for a in taken if a.own]
    if held:
        en, fa = _names([a.county for a in held])
        centres = ", ".join(sorted({a.centre_code for a in held}))
        raise Conflict(
            f"{en} has a centre of its own ({centres}). Under {RULE_EN} a county with its "
            "own centre is answered by it: to move the county, first change that centre.",
            f"{fa} مرکز خودش را دارد ({centres}). بنا بر {RULE_FA} شهرستانی که مرکز دارد را "
            "همان مرکز پاسخ می‌دهد: برای جابه‌جایی، نخست آن مرکز را تغییر دهید.",
            field="covers", rule="county_service", counties=[a.county.key for a in held])


def unanswered(counties: Sequence[CountyName], answered: Sequence[Answer]
               ) -> list[CountyName]:
    """The counties no centre answers for (routing sends their callers to the provincial
    123 centre, but the organisation has a gap to fill)."""
    done = {a.county.id for a in answered}
    return [c for c in counties if c.id not in done]
