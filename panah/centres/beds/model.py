"""Finding a bed (issue 17), pure: the provinces to search in their order, who is coming
(without names), and which shelters can take the whole party in one room now.

No database, clock or settings: the caller passes the free beds, the shelters' places and
``today``.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from panah.centres.shelters.model import (
    ADULT_AGE,
    Bed,
    DeclineReason,
    Person,
    Relation,
    assign_beds,
    check_party,
)
from panah.core.errors import InvalidInput

# Land borders between Iran's provinces (ISO 3166-2:IR). Facts of geography, carried here so
# the search order needs no imported boundaries; checked against the OpenStreetMap province
# boundaries (© OpenStreetMap contributors, ODbL) by intersecting the polygons, Dec 2026.
# Sea borders (Gilan–Golestan across the Caspian) do not count.
PROVINCE_BORDERS: Mapping[str, frozenset[str]] = {
    code: frozenset(near.split(",")) for code, near in {
        "IR-00": "IR-10,IR-13,IR-15,IR-23,IR-25,IR-26,IR-30",
        "IR-01": "IR-02,IR-19,IR-24,IR-26",
        "IR-02": "IR-01,IR-20,IR-23,IR-26,IR-27,IR-30",
        "IR-03": "IR-04,IR-19,IR-24",
        "IR-04": "IR-03,IR-12,IR-19",
        "IR-05": "IR-12,IR-13,IR-15,IR-16",
        "IR-06": "IR-14,IR-15,IR-16,IR-17,IR-18",
        "IR-07": "IR-08,IR-10,IR-17,IR-18,IR-21,IR-22",
        "IR-08": "IR-07,IR-11,IR-21,IR-22,IR-29",
        "IR-09": "IR-20,IR-28,IR-29",
        "IR-10": "IR-00,IR-07,IR-14,IR-15,IR-17,IR-20,IR-21,IR-25,IR-29",
        "IR-11": "IR-08,IR-22,IR-29",
        "IR-12": "IR-04,IR-05,IR-13,IR-19",
        "IR-13": "IR-00,IR-05,IR-12,IR-15,IR-19,IR-26",
        "IR-14": "IR-06,IR-10,IR-15,IR-17",
        "IR-15": "IR-00,IR-05,IR-06,IR-10,IR-13,IR-14,IR-16",
        "IR-16": "IR-05,IR-06,IR-15",
        "IR-17": "IR-06,IR-07,IR-10,IR-14,IR-18",
        "IR-18": "IR-06,IR-07,IR-17,IR-22",
        "IR-19": "IR-01,IR-03,IR-04,IR-12,IR-13,IR-24,IR-26",
        "IR-20": "IR-02,IR-09,IR-10,IR-23,IR-25,IR-27,IR-28,IR-29",
        "IR-21": "IR-07,IR-08,IR-10,IR-29",
        "IR-22": "IR-07,IR-08,IR-11,IR-18",
        "IR-23": "IR-00,IR-02,IR-20,IR-25,IR-30",
        "IR-24": "IR-01,IR-03,IR-19",
        "IR-25": "IR-00,IR-10,IR-20,IR-23",
        "IR-26": "IR-00,IR-01,IR-02,IR-13,IR-19,IR-30",
        "IR-27": "IR-02,IR-20,IR-28",
        "IR-28": "IR-09,IR-20,IR-27",
        "IR-29": "IR-08,IR-09,IR-10,IR-11,IR-20,IR-21",
        "IR-30": "IR-00,IR-02,IR-23,IR-26",
    }.items()
}

RULE_REACH_EN = ("the bed finder's reach (a shelter in the client's province or a "
                 "neighbouring one)")
RULE_REACH_FA = "قاعدهٔ دامنهٔ جست‌وجو (خانهٔ امن در استان مددجو یا استان‌های هم‌مرز آن)"
MAX_CHILDREN = 8


def _km(a: tuple[float, float], b: tuple[float, float]) -> float:
    """Great-circle distance between two (lat, lon) points."""
    lat1, lon1, lat2, lon2 = map(math.radians, (*a, *b))
    h = (math.sin((lat2 - lat1) / 2) ** 2
         + math.cos(lat1) * math.cos(lat2) * math.sin((lon2 - lon1) / 2) ** 2)
    return 6371.0 * 2 * math.asin(math.sqrt(h))


def province_order(home: str, capitals: Mapping[str, tuple[float, float]]) -> list[str]:
    """The provinces to search: ``home`` first, then the provinces bordering it, nearest
    capital first (``capitals``: code → (lat, lon); one without a capital comes last)."""
    near = PROVINCE_BORDERS.get(home, frozenset())
    origin = capitals.get(home)

    def distance(code: str) -> float:
        there = capitals.get(code)
        return _km(origin, there) if origin and there else math.inf

    return [home, *sorted(near, key=lambda c: (distance(c), c))]


# ---- who is coming, without names ------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Child:
    age: int
    sex: str | None = None  # "f" / "m"


@dataclass(frozen=True, slots=True)
class Party:
    """Who would stay, without names: the client (age, whether she needs an accessible
    bed) and the children who come with her."""

    client_age: int
    accessible: bool = False
    children: tuple[Child, ...] = ()

    def people(self) -> list[Person]:
        """The client first, then the children, as the shelters' rules read them."""
        return [Person(Relation.client, self.client_age, self.accessible, "f"),
                *(Person(Relation.child, c.age, False, c.sex) for c in self.children)]

    def as_json(self) -> dict[str, Any]:
        return {"adults": [{"age": self.client_age, "accessible": self.accessible}],
                "children": [{"age": c.age, "sex": c.sex} for c in self.children]}

    @property
    def size(self) -> int:
        return 1 + len(self.children)


def make_party(client_age: int | None, children: Sequence[tuple[int, str | None]] = (),
               accessible: bool = False) -> Party:
    """A party checked against the shelters' rules: one client of a known age, at most
    eight children, each under 18."""
    if client_age is None:
        raise InvalidInput("Write the client's age: a bed is found for her first.",
                           "سن مددجو را بنویسید: تخت نخست برای او یافته می‌شود.",
                           field="client_age")
    if len(children) > MAX_CHILDREN:
        raise InvalidInput(f"At most {MAX_CHILDREN} children come with their mother; ask the "
                           "supervisor for a larger family.",
                           f"حداکثر {MAX_CHILDREN} کودک همراه مادر می‌آیند؛ برای خانوادهٔ "
                           "بزرگ‌تر با سرپرست هماهنگ کنید.", field="children")
    for _, sex in children:
        if sex not in (None, "f", "m"):
            raise InvalidInput("A child's sex is f or m.", "جنس کودک f یا m است.",
                               field="children")
    party = Party(client_age, accessible, tuple(Child(age, sex) for age, sex in children))
    check_party(party.people())
    if party.children and client_age < ADULT_AGE:
        raise InvalidInput("A girl under 18 is placed on her own, in a room for girls; her "
                           "children need the supervisor's decision.",
                           "دختر زیر ۱۸ سال به تنهایی در اتاق دختران پذیرش می‌شود؛ برای "
                           "کودکانش با سرپرست هماهنگ کنید.", field="children")
    return party


def party_from_json(data: Mapping[str, Any]) -> Party:
    """A request's stored ``people`` back as a party."""
    adult = (data.get("adults") or [{}])[0]
    return Party(int(adult.get("age", 0)), bool(adult.get("accessible", False)),
                 tuple(Child(int(c["age"]), c.get("sex")) for c in data.get("children") or []))


def read_children(text: str) -> list[tuple[int, str | None]]:
    """``"6, 3m, 10f"`` (Persian or Latin digits) → ages with an optional sex."""
    found: list[tuple[int, str | None]] = []
    cleaned = text.translate(str.maketrans("۰۱۲۳۴۵۶۷۸۹٬،", "0123456789,,"))
    for part in cleaned.replace(" ", ",").split(","):
        word = part.strip().lower()
        if not word:
            continue
        sex = word[-1] if word[-1] in "fm" else None
        digits = word[:-1] if sex else word
        if not digits.isdigit():
            raise InvalidInput("Write the children's ages separated by commas, e.g. 6, 3.",
                               "سن کودکان را با ویرگول جدا کنید، مانند ۶، ۳.",
                               field="children")
        found.append((int(digits), sex))
    return found


def check_arrival(arrives_on: date, today: date) -> None:
    if arrives_on < today:
        raise InvalidInput("The day she arrives is today or later.",
                           "روز ورود امروز یا پس از آن است.", field="arrives_on")
    if (arrives_on - today).days > 30:
        raise InvalidInput("A bed is held for an arrival within 30 days; ask again nearer "
                           "the day.", "تخت برای ورود تا ۳۰ روز آینده نگه داشته می‌شود؛ "
                           "نزدیک‌تر به آن روز درخواست دهید.", field="arrives_on")


# ---- matching ---------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Match:
    shelter_id: int
    province_code: str
    suitable_beds: int  # free beds in the rooms that can take the whole party now
    rooms: int


def suitable_beds(free: Sequence[Bed], party: Party) -> tuple[int, int]:
    """(beds, rooms): the free beds of the rooms that can take the whole party at once."""
    people = party.people()
    rooms: dict[int, list[Bed]] = {}
    for bed in free:
        rooms.setdefault(bed.room_id, []).append(bed)
    fitting = [beds for beds in rooms.values() if assign_beds(beds, people) is not None]
    return sum(len(b) for b in fitting), len(fitting)


def match(free: Sequence[Bed], party: Party, places: Mapping[int, str],
          order: Sequence[str]) -> list[Match]:
    """The shelters of ``places`` (shelter id → province) in the provinces of ``order`` that
    can take the whole party in one room now, in the order of ``order`` (then by id)."""
    rank = {code: i for i, code in enumerate(order)}
    by_shelter: dict[int, list[Bed]] = {}
    for bed in free:
        if places.get(bed.shelter_id) in rank:
            by_shelter.setdefault(bed.shelter_id, []).append(bed)
    found = []
    for shelter_id, beds in by_shelter.items():
        count, rooms = suitable_beds(beds, party)
        if count:
            found.append(Match(shelter_id, places[shelter_id], count, rooms))
    return sorted(found, key=lambda m: (rank[m.province_code], m.shelter_id))


def check_reach(shelter_province: str, order: Sequence[str]) -> None:
    if shelter_province not in order:
        raise InvalidInput(f"This shelter is beyond {RULE_REACH_EN}: choose one the finder "
                           "shows, or ask the supervisor to arrange a transfer.",
                           f"این خانهٔ امن بیرون از {RULE_REACH_FA} است: یکی از نتایج جست‌وجو "
                           "را برگزینید یا از سرپرست بخواهید انتقال را هماهنگ کند.",
                           field="shelter_id")


def check_decline(reason: str, note: str | None) -> tuple[DeclineReason, str | None]:
    try:
        why = DeclineReason(reason)
    except ValueError:
        known = ", ".join(r.value for r in DeclineReason)
        raise InvalidInput(f"Choose why the shelter declines: one of {known}.",
                           "دلیل نپذیرفتن را از فهرست برگزینید.", field="reason") from None
    cleaned = (note or "").strip() or None
    if why is DeclineReason.other and (cleaned is None or len(cleaned) < 3):
        raise InvalidInput("Declining for another reason needs a note saying which.",
                           "برای «دلیل دیگر» توضیح بنویسید که چه دلیلی.", field="note")
    return why, cleaned


def age_on(birth: date, today: date) -> int:
    """Whole years from ``birth`` to ``today``."""
    return today.year - birth.year - ((today.month, today.day) < (birth.month, birth.day))
