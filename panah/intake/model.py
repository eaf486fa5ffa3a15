"""The 123 line's shared vocabulary: channels, contact states, risk, locations, routing trails.

Pure types only (no database, no web, no clock). The decisions that use them live beside:
``aml`` (parse Advanced Mobile Location SMS), ``phones`` (E.164 and area codes),
``location`` (the location chain), ``routing`` (location → county → centre → queue),
``queue`` (order by risk, waiting time and skills), ``overflow`` (backup centres and
callbacks).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum

NATIONAL_QUEUE = "national"


class Channel(StrEnum):
    voice = "voice"
    sms = "sms"
    web_chat = "web_chat"
    web_report = "web_report"  # a third party reports someone else's danger
    walk_in = "walk_in"
    partner = "partner"  # handed over by a partner agency (110, 115, 1480 …)


class ContactState(StrEnum):
    offered = "offered"
    queued = "queued"
    assigned = "assigned"
    answered = "answered"
    wrap_up = "wrap_up"
    closed = "closed"
    abandoned = "abandoned"
    callback_due = "callback_due"
    callback_done = "callback_done"


# Allowed lifecycle moves; anything else is refused with the reason.
TRANSITIONS: dict[ContactState, frozenset[ContactState]] = {
    ContactState.offered: frozenset({ContactState.queued, ContactState.abandoned}),
    ContactState.queued: frozenset({ContactState.assigned, ContactState.abandoned}),
    ContactState.assigned: frozenset(
        {ContactState.answered, ContactState.queued, ContactState.abandoned}
    ),
    ContactState.answered: frozenset({ContactState.wrap_up, ContactState.closed}),
    ContactState.wrap_up: frozenset({ContactState.closed}),
    ContactState.closed: frozenset(),
    ContactState.abandoned: frozenset({ContactState.callback_due, ContactState.closed}),
    ContactState.callback_due: frozenset({ContactState.callback_done, ContactState.closed}),
    ContactState.callback_done: frozenset({ContactState.closed}),
}


def can_move(current: ContactState, target: ContactState) -> bool:
    return target in TRANSITIONS[current]


class RiskLevel(StrEnum):
    """Most urgent first. ``rank`` orders them: immediate danger is 0."""

    immediate = "immediate"
    high = "high"
    medium = "medium"
    low = "low"
    information = "information"

    @property
    def rank(self) -> int:
        return list(RiskLevel).index(self)


class Language(StrEnum):
    """Languages a contact may need and a counsellor may speak (ISO 639-ish names)."""

    persian = "persian"
    azeri = "azeri"
    kurdish = "kurdish"
    arabic = "arabic"
    baluchi = "baluchi"
    turkmen = "turkmen"
    luri = "luri"
    gilaki = "gilaki"
    mazandarani = "mazandarani"
    english = "english"


class LocationSource(StrEnum):
    """Best first: the order the location chain tries them in."""

    aml = "aml"  # handset GNSS/Wi-Fi fix in an Advanced Mobile Location SMS
    network = "network"  # cell location carried by the telephony event
    browser = "browser"  # navigator.geolocation on the help page
    named_place = "named_place"  # a place the caller names, found in the gazetteer
    area_code = "area_code"  # the landline's area code: a province, no point
    unknown = "unknown"


@dataclass(frozen=True, slots=True)
class LocationFix:
    """One candidate location with where it came from and how uncertain it is."""

    source: LocationSource
    lat: float | None = None
    lon: float | None = None
    radius_m: float | None = None  # uncertainty radius (AML ``rd``, browser accuracy …)
    at: datetime | None = None  # when the fix was taken, if the source says
    province_code: str | None = None  # area codes give a province without a point
    detail: str = ""  # e.g. the place name as typed, or the area code

    @property
    def has_point(self) -> bool:
        return self.lat is not None and self.lon is not None


@dataclass(frozen=True, slots=True)
class TrailStep:
    """One line of a routing trail: what was tried, what came of it, in both languages."""

    step: str  # e.g. "location:aml", "locate", "centre", "queue", "overflow"
    outcome: str  # "used", "skipped", "rejected", "chosen", "offered" …
    detail_en: str
    detail_fa: str
    data: dict[str, object] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class RouteDecision:
    """Where a contact goes and why. ``queue`` is a province code or ``"national"``."""

    queue: str
    province_code: str | None
    county_key: str | None
    centre_code: str | None
    location: LocationFix
    approximate: bool
    trail: tuple[TrailStep, ...]
