"""The words of the shelters (issue 17): who a room suits, where a stay stands, where a
woman went on leaving, where a request for a bed stands.

Pure: no database, clock or settings. The rules that use these words live beside them
(suitability and the address's need here, a stay's end and alerts in ``stays.model``,
matching in ``beds.model``).
"""

from __future__ import annotations

from collections.abc import Collection, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from enum import StrEnum

from panah.core.errors import InvalidInput
from panah.security.policy import Actor
from panah.security.roles import Role


class Suits(StrEnum):
    """Who a room is for (a room may suit several). A room suiting neither children nor
    girls is for adults only."""

    woman_alone = "woman_alone"  # a woman on her own
    woman_with_children = "woman_with_children"  # a mother and the children who come with her
    girl_under_18 = "girl_under_18"  # a girl on her own, under 18


class StayStatus(StrEnum):
    planned = "planned"  # a bed is held from the moment it is planned (a request accepted)
    checked_in = "checked_in"
    checked_out = "checked_out"
    cancelled = "cancelled"  # planned, never arrived


# A stay in one of these holds its people's beds (``ShelterStayPerson.held_bed_id``).
HOLDING = frozenset({StayStatus.planned, StayStatus.checked_in})


class Relation(StrEnum):
    """Who a person of a stay is to the client of the case."""

    client = "client"
    child = "child"  # a child who comes with her mother takes a bed too


class Destination(StrEnum):
    """Where she went on leaving."""

    relative_home = "relative_home"  # منزل بستگان
    own_home = "own_home"  # returned home (with a safety plan)
    independent_living = "independent_living"
    another_shelter = "another_shelter"
    health_care = "health_care"  # hospital or treatment centre
    left_without_notice = "left_without_notice"
    other = "other"


class RequestStatus(StrEnum):
    pending = "pending"
    accepted = "accepted"  # a planned stay holds the beds
    declined = "declined"  # with a reason
    withdrawn = "withdrawn"  # by whoever asked


class DeclineReason(StrEnum):
    no_suitable_bed = "no_suitable_bed"
    not_suitable_for_shelter = "not_suitable_for_shelter"  # e.g. needs hospital care
    safety_risk = "safety_risk"  # the abuser knows this shelter, or risk to other residents
    other = "other"


# ---- who a bed suits (pure) ------------------------------------------------------------

ADULT_AGE = 18
CHILD_BED_MAX_AGE = 11  # a child's bed (cot or small bed) is for a child up to 11
RULE_ROOM_EN = ("the room rule (a room takes only those it suits; adults-only rooms take no "
                "girls or children)")
RULE_ROOM_FA = ("قاعدهٔ اتاق (هر اتاق فقط کسانی را می‌پذیرد که برایشان است؛ اتاق بزرگسالان دختر "
                "یا کودک نمی‌پذیرد)")


@dataclass(frozen=True, slots=True)
class Person:
    """Someone who would stay: the client or a child who comes with her."""

    relation: Relation
    age_years: int
    needs_accessible: bool = False
    sex: str | None = None  # "f" / "m" (a boy may come with his mother)


@dataclass(frozen=True, slots=True)
class Bed:
    """A bed as the rules see it. Free or held is decided from stays, elsewhere."""

    id: int
    shelter_id: int
    room_id: int
    suits: frozenset[Suits]
    accessible: bool = False
    child_bed: bool = False
    room_name: str = ""
    label: str = ""


def parse_suits(text: str) -> frozenset[Suits]:
    """``"woman_alone,girl_under_18"`` as stored → the set; unknown words refused."""
    words = [w.strip() for w in text.split(",") if w.strip()]
    try:
        return frozenset(Suits(w) for w in words)
    except ValueError:
        known = ", ".join(s.value for s in Suits)
        raise InvalidInput(f"A room suits some of: {known}; {text!r} is not among them.",
                           f"اتاق برای برخی از این‌هاست: {known}؛ «{text}» در میان آن‌ها نیست.",
                           field="suits") from None


def check_party(people: Sequence[Person]) -> None:
    """One client, and the children who come with her; ages 0 to 120."""
    clients = [p for p in people if p.relation is Relation.client]
    if len(clients) != 1:
        raise InvalidInput("A stay is for one client and the children who come with her: "
                           "name exactly one client.",
                           "اسکان برای یک مددجو و کودکانی است که همراه او می‌آیند: دقیقاً "
                           "یک مددجو بنویسید.", field="people")
    for person in people:
        if not 0 <= person.age_years <= 120:
            raise InvalidInput("An age is a whole number of years from 0 to 120.",
                               "سن عددی درست از ۰ تا ۱۲۰ سال است.", field="age_years")
        if person.relation is Relation.child and person.age_years >= ADULT_AGE:
            raise InvalidInput("A child who comes with her mother is under 18; an adult "
                               "needs a stay of her own.",
                               "کودک همراه مادر زیر ۱۸ سال است؛ بزرگسال اسکان جداگانه "
                               "می‌خواهد.", field="age_years")


def audience(people: Sequence[Person]) -> Suits:
    """Whom the party is, for the rooms: a girl under 18, a woman with her children, or a
    woman alone."""
    check_party(people)
    client = next(p for p in people if p.relation is Relation.client)
    if client.age_years < ADULT_AGE:
        return Suits.girl_under_18
    if any(p.relation is Relation.child for p in people):
        return Suits.woman_with_children
    return Suits.woman_alone


def bed_refusal(bed: Bed, person: Person, party: Suits) -> tuple[str, str] | None:
    """Why ``bed`` does not suit ``person`` of a party of ``party`` (English, Persian), or
    None when it does."""
    if party not in bed.suits:
        return (f"Room {bed.room_name} is not for {party.value.replace('_', ' ')}: "
                f"{RULE_ROOM_EN}.", f"اتاق {bed.room_name} برای این گروه نیست: {RULE_ROOM_FA}.")
    if person.needs_accessible and not bed.accessible:
        return (f"Bed {bed.label} is not accessible, and this person needs an accessible "
                "bed.", f"تخت {bed.label} مناسب افراد دارای معلولیت نیست و این فرد به آن "
                "نیاز دارد.")
    if bed.child_bed and (person.relation is not Relation.child
                          or person.age_years > CHILD_BED_MAX_AGE):
        return (f"Bed {bed.label} is a child's bed, for a child up to {CHILD_BED_MAX_AGE}.",
                f"تخت {bed.label} تخت کودک است، برای کودک تا {CHILD_BED_MAX_AGE} سال.")
    return None


def check_bed(bed: Bed, person: Person, party: Suits) -> None:
    refusal = bed_refusal(bed, person, party)
    if refusal is not None:
        raise InvalidInput(refusal[0], refusal[1], field="bed_id")


def _preference(bed: Bed, person: Person) -> tuple[int, int]:
    # Keep accessible beds for those who need them and child beds for children.
    spare_access = int(bed.accessible and not person.needs_accessible)
    child_fit = 0 if bed.child_bed == (person.relation is Relation.child) else 1
    return (spare_access, child_fit)


def _assign_in_room(beds: Sequence[Bed], people: Sequence[Person],
                    party: Suits) -> tuple[int, ...] | None:
    order = sorted(range(len(people)), key=lambda i: (not people[i].needs_accessible,
                                                      people[i].relation is Relation.child))
    left = list(beds)
    chosen: dict[int, int] = {}
    for i in order:
        fits = [b for b in left if bed_refusal(b, people[i], party) is None]
        if not fits:
            return None
        best = min(fits, key=lambda b: (*_preference(b, people[i]), b.id))
        chosen[i] = best.id
        left.remove(best)
    return tuple(chosen[i] for i in range(len(people)))


def assign_beds(free: Sequence[Bed], people: Sequence[Person]) -> tuple[int, ...] | None:
    """Beds for the whole party in one room (a mother stays with her children), one per
    person in the order given, or None when no room of ``free`` can take them all."""
    party = audience(people)
    rooms: dict[int, list[Bed]] = {}
    for bed in sorted(free, key=lambda b: (b.shelter_id, b.room_id, b.id)):
        rooms.setdefault(bed.room_id, []).append(bed)
    for beds in rooms.values():
        found = _assign_in_room(beds, people, party)
        if found is not None:
            return found
    return None


# ---- who may know where a shelter is (pure) ----------------------------------------------

RULE_ADDRESS_EN = ("the shelter's address is given only to its manager and the province's "
                   "supervisors: ask the shelter through a bed request")
RULE_ADDRESS_FA = ("نشانی خانهٔ امن فقط به مدیر آن و سرپرستان استان داده می‌شود: از راه "
                   "درخواست تخت با خانهٔ امن در تماس باشید")
_NEED_ROLES = frozenset({Role.supervisor, Role.provincial_manager})


def address_need(actor: Actor, shelter_province: str, shelter_centre_id: int) -> bool:
    """Whether ``actor`` needs the shelter's address and phone: its own manager (a shelter
    manager of the centre that runs it) and the supervisors and provincial manager of its
    province; nobody else (not the case team, the crews, national roles or partners)."""
    if actor.role is Role.shelter_manager:
        return actor.centre_id == shelter_centre_id
    return actor.role in _NEED_ROLES and actor.province_code == shelter_province


# ---- occupancy (pure) -------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class BedUse:
    """A bed taken by someone of a stay, as days in Iran time. Checked in: ``start`` is the
    day of check-in and ``end`` the day of check-out (None while she stays). Planned:
    ``start`` is the day it was planned and ``end`` None while it stays planned."""

    bed_id: int
    start: date
    end: date | None
    planned: bool = False


@dataclass(frozen=True, slots=True)
class DayFigures:
    day: date
    total: int  # beds: active ones, and any bed someone used that day
    occupied: int  # beds someone checked in used that day
    held: int  # occupied, or held by a planned stay
    free: int  # total minus held


def _covers(use: BedUse, day: date) -> bool:
    # In on or before the day and not out before it: the check-out day still counts.
    return use.start <= day and (use.end is None or use.end >= day)


def occupancy(active_beds: Collection[int], uses: Sequence[BedUse], first: date,
              last: date) -> list[DayFigures]:
    """Per day from ``first`` to ``last``: beds, occupied, held and free. A bed counts once
    a day however many people used it (a check-out and a check-in on the same day)."""
    if last < first:
        raise InvalidInput("The last day comes on or after the first.",
                           "روز پایانی باید همان روز آغاز یا پس از آن باشد.", field="to")
    days = []
    day = first
    while day <= last:
        occupied = {u.bed_id for u in uses if not u.planned and _covers(u, day)}
        held = occupied | {u.bed_id for u in uses if u.planned and _covers(u, day)}
        total = len(set(active_beds) | held)
        days.append(DayFigures(day, total, len(occupied), len(held), total - len(held)))
        day += timedelta(days=1)
    return days
