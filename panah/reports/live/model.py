"""The live dashboard's rules (pure): its tiles, their thresholds and defaults, a tile's
level, and which waiting contacts raise the immediate-danger alert.

**Tiles.** Each tile shows one figure of a province (or the nation) now. A tile has a
*direction*: for most, more is worse (the longest wait, contacts abandoned); for a few,
less is worse (the share answered within 20 s, free shelter beds). A province's
supervisors set two thresholds per tile, amber and red; where they set none, the defaults
below hold.

**Level.** More-is-worse: red from ``red`` up, else amber from ``amber`` up, else ok.
Less-is-worse: red from ``red`` down, else amber from ``amber`` down, else ok. A tile with
no figure (no contact offered in the last hour: no share to show) is ``none``, never red.

**The immediate-danger alert.** A contact in immediate danger that has waited at least the
red threshold of the ``immediate_wait_s`` tile (default 10 s) alerts the supervisor; the
alert stands as long as the contact waits (it is not dismissed), the longest wait first.

Pure: ``now`` is passed in.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

from panah.core.errors import InvalidInput
from panah.intake.model import RiskLevel
from panah.reports.statistics import model as statistics_model

_FA_DIGITS = str.maketrans("0123456789.", "۰۱۲۳۴۵۶۷۸۹٫")
ANSWER_TARGET_S = statistics_model.ANSWER_TARGET_S  # as the statistics count it


class Level(StrEnum):
    none = "none"  # no figure to judge
    ok = "ok"
    amber = "amber"
    red = "red"


class Direction(StrEnum):
    up = "up"  # more is worse
    down = "down"  # less is worse


class TileKey(StrEnum):
    waiting = "waiting"
    longest_wait_s = "longest_wait_s"
    immediate_wait_s = "immediate_wait_s"
    answered_20s_hour_pct = "answered_20s_hour_pct"
    answered_20s_today_pct = "answered_20s_today_pct"
    abandoned_today = "abandoned_today"
    callbacks_overdue = "callbacks_overdue"
    incident_oldest_min = "incident_oldest_min"
    referrals_overdue = "referrals_overdue"
    shelter_free_beds = "shelter_free_beds"
    cases_flagged = "cases_flagged"


@dataclass(frozen=True, slots=True)
class Threshold:
    amber: float
    red: float


@dataclass(frozen=True, slots=True)
class TileRule:
    key: TileKey
    direction: Direction
    default: Threshold
    name_en: str
    name_fa: str
    maximum: float = 100_000.0  # a percentage stops at 100


RULES: dict[TileKey, TileRule] = {rule.key: rule for rule in (
    TileRule(TileKey.waiting, Direction.up, Threshold(3, 8),
             "Contacts waiting", "تماس‌های در انتظار"),
    TileRule(TileKey.longest_wait_s, Direction.up, Threshold(20, 60),
             "Longest wait (seconds)", "طولانی‌ترین انتظار (ثانیه)"),
    TileRule(TileKey.immediate_wait_s, Direction.up, Threshold(5, 10),
             "Immediate danger waiting (seconds)", "انتظار تماس در خطر فوری (ثانیه)"),
    TileRule(TileKey.answered_20s_hour_pct, Direction.down, Threshold(90, 80),
             "Answered within 20 s, last hour (%)", "پاسخ در ۲۰ ثانیه، ساعت گذشته (درصد)",
             maximum=100),
    TileRule(TileKey.answered_20s_today_pct, Direction.down, Threshold(90, 80),
             "Answered within 20 s, today (%)", "پاسخ در ۲۰ ثانیه، امروز (درصد)", maximum=100),
    TileRule(TileKey.abandoned_today, Direction.up, Threshold(5, 15),
             "Abandoned today", "رهاشده امروز"),
    TileRule(TileKey.callbacks_overdue, Direction.up, Threshold(1, 3),
             "Callbacks overdue", "تماس‌های برگشتی دیرشده"),
    TileRule(TileKey.incident_oldest_min, Direction.up, Threshold(30, 60),
             "Oldest open incident (minutes)", "قدیمی‌ترین رخداد باز (دقیقه)"),
    TileRule(TileKey.referrals_overdue, Direction.up, Threshold(1, 5),
             "Referrals past their deadline", "ارجاع‌های گذشته از مهلت"),
    TileRule(TileKey.shelter_free_beds, Direction.down, Threshold(3, 0),
             "Free shelter beds", "تخت‌های خالی خانهٔ امن"),
    TileRule(TileKey.cases_flagged, Direction.up, Threshold(1, 5),
             "Cases flagged", "پرونده‌های هشداردار"),
)}
DEFAULTS: dict[TileKey, Threshold] = {key: rule.default for key, rule in RULES.items()}


def level(value: float | None, threshold: Threshold, direction: Direction) -> Level:
    """The level of a tile showing ``value`` (see the module's docstring)."""
    if value is None:
        return Level.none
    if direction is Direction.up:
        if value >= threshold.red:
            return Level.red
        return Level.amber if value >= threshold.amber else Level.ok
    if value <= threshold.red:
        return Level.red
    return Level.amber if value <= threshold.amber else Level.ok


def with_defaults(saved: Mapping[TileKey, Threshold]) -> dict[TileKey, Threshold]:
    """Every tile's thresholds: the province's where it set them, else the default."""
    return {key: saved.get(key, default) for key, default in DEFAULTS.items()}


_COLOUR_FA = {"amber": "زرد", "red": "قرمز"}


def _fa(number: float) -> str:
    return f"{number:g}".translate(_FA_DIGITS)


def check_threshold(key: TileKey, amber: float, red: float) -> Threshold:
    """The thresholds of one tile, or InvalidInput naming the field (``<key>_amber`` or
    ``<key>_red`` in ``details``; the tile's name and the colour in the message, in both
    languages) and saying what to do."""
    rule = RULES[key]
    for name, value in (("amber", amber), ("red", red)):
        if not 0 <= value <= rule.maximum:
            raise InvalidInput(
                f"{rule.name_en} — {name}: write a number from 0 to {rule.maximum:g}.",
                f"{rule.name_fa} — {_COLOUR_FA[name]}: عددی از ۰ تا {_fa(rule.maximum)} "
                "بنویسید.", field=f"{key.value}_{name}")
    if rule.direction is Direction.up and amber > red:
        raise InvalidInput(
            f"{rule.name_en} — amber: {amber:g} is above red ({red:g}); more is worse here, "
            "so amber must come first: make amber at most red.",
            f"{rule.name_fa} — زرد: {_fa(amber)} از قرمز ({_fa(red)}) بیشتر است؛ اینجا هرچه "
            "بیشتر، بدتر، پس زرد باید زودتر بیاید: زرد را برابر یا کمتر از قرمز بگذارید.",
            field=f"{key.value}_amber")
    if rule.direction is Direction.down and amber < red:
        raise InvalidInput(
            f"{rule.name_en} — amber: {amber:g} is below red ({red:g}); less is worse here, "
            "so amber must come first: make amber at least red.",
            f"{rule.name_fa} — زرد: {_fa(amber)} از قرمز ({_fa(red)}) کمتر است؛ اینجا هرچه "
            "کمتر، بدتر، پس زرد باید زودتر بیاید: زرد را برابر یا بیشتر از قرمز بگذارید.",
            field=f"{key.value}_amber")
    return Threshold(float(amber), float(red))


# ---- waiting contacts --------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Waiting:
    """A contact waiting in the queue now."""

    contact_id: int
    risk: RiskLevel
    since: datetime  # when it joined the queue
    channel: str


@dataclass(frozen=True, slots=True)
class DangerAlert:
    contact_id: int
    channel: str
    waited_s: int


def waited_s(contact: Waiting, now: datetime) -> int:
    """Whole seconds waited; never negative (a clock a little ahead must not alarm)."""
    return max(int((now - contact.since).total_seconds()), 0)


def longest_wait_s(waiting: Sequence[Waiting], now: datetime,
                   risk: RiskLevel | None = None) -> int | None:
    """The longest wait (of one risk, if given); ``None`` when nobody waits."""
    waits = [waited_s(c, now) for c in waiting if risk is None or c.risk is risk]
    return max(waits, default=None)


def danger_alerts(waiting: Sequence[Waiting], now: datetime,
                  thresholds: Mapping[TileKey, Threshold]) -> list[DangerAlert]:
    """The contacts in immediate danger waiting past the alert threshold, longest first."""
    after = thresholds.get(TileKey.immediate_wait_s, DEFAULTS[TileKey.immediate_wait_s]).red
    found = [DangerAlert(c.contact_id, c.channel, waited_s(c, now)) for c in waiting
             if c.risk is RiskLevel.immediate and waited_s(c, now) >= after]
    return sorted(found, key=lambda a: (-a.waited_s, a.contact_id))


def by_risk(waiting: Sequence[Waiting]) -> dict[RiskLevel, int]:
    """How many wait at each risk, every risk listed, the most urgent first."""
    return {risk: sum(c.risk is risk for c in waiting) for risk in RiskLevel}


def share_pct(part: int, whole: int) -> float | None:
    """``part`` of ``whole`` in percent, one decimal; ``None`` when there is no whole."""
    return round(100.0 * part / whole, 1) if whole else None
