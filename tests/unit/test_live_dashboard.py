"""The live dashboard's rules, as a spec: a tile's level from its thresholds, the
defaults, the checks a province's thresholds must pass, and which waiting contacts raise
the immediate-danger alert (Mazandaran's queue at 10:00 on the second day of Nowruz)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from panah.core.errors import InvalidInput
from panah.intake.model import RiskLevel
from panah.reports.live.model import (
    DEFAULTS,
    RULES,
    Direction,
    Level,
    Threshold,
    TileKey,
    Waiting,
    by_risk,
    check_threshold,
    danger_alerts,
    level,
    longest_wait_s,
    share_pct,
    with_defaults,
)

NOW = datetime(2026, 3, 22, 6, 30, tzinfo=UTC)  # 1405/01/02 10:00 in Tehran


def waiting(contact_id: int, risk: RiskLevel, seconds: float, channel: str = "voice") -> Waiting:
    return Waiting(contact_id, risk, NOW - timedelta(seconds=seconds), channel)


# ---- levels -------------------------------------------------------------------------------

def test_a_longest_wait_of_45_seconds_is_amber_under_the_defaults_and_61_is_red() -> None:
    rule = RULES[TileKey.longest_wait_s]
    assert level(19, rule.default, rule.direction) is Level.ok
    assert level(20, rule.default, rule.direction) is Level.amber  # the threshold itself counts
    assert level(45, rule.default, rule.direction) is Level.amber
    assert level(60, rule.default, rule.direction) is Level.red
    assert level(61, rule.default, rule.direction) is Level.red


def test_an_answer_rate_falling_to_85_percent_turns_amber_and_to_80_red() -> None:
    rule = RULES[TileKey.answered_20s_hour_pct]
    assert rule.direction is Direction.down
    assert level(95.5, rule.default, rule.direction) is Level.ok
    assert level(90, rule.default, rule.direction) is Level.amber
    assert level(85, rule.default, rule.direction) is Level.amber
    assert level(80, rule.default, rule.direction) is Level.red


def test_no_contact_offered_in_the_hour_shows_no_figure_rather_than_a_red_zero() -> None:
    rule = RULES[TileKey.answered_20s_hour_pct]
    assert level(None, rule.default, rule.direction) is Level.none
    assert share_pct(0, 0) is None
    assert share_pct(17, 20) == 85.0


def test_the_last_free_shelter_bed_taken_turns_the_beds_tile_red() -> None:
    rule = RULES[TileKey.shelter_free_beds]
    assert level(4, rule.default, rule.direction) is Level.ok
    assert level(3, rule.default, rule.direction) is Level.amber
    assert level(0, rule.default, rule.direction) is Level.red


# ---- defaults and a province's own thresholds -----------------------------------------------

def test_the_defaults_are_those_the_issue_names() -> None:
    assert DEFAULTS[TileKey.longest_wait_s] == Threshold(20, 60)
    assert DEFAULTS[TileKey.immediate_wait_s].red == 10
    assert set(DEFAULTS) == set(TileKey)


def test_a_province_that_set_one_tile_keeps_the_defaults_for_the_others() -> None:
    every = with_defaults({TileKey.longest_wait_s: Threshold(10, 30)})
    assert every[TileKey.longest_wait_s] == Threshold(10, 30)
    assert every[TileKey.abandoned_today] == DEFAULTS[TileKey.abandoned_today]
    assert len(every) == len(TileKey)


def test_amber_above_red_is_refused_naming_the_amber_field_in_both_languages() -> None:
    with pytest.raises(InvalidInput) as refused:
        check_threshold(TileKey.longest_wait_s, 90, 60)
    assert refused.value.details["field"] == "longest_wait_s_amber"
    assert "amber" in refused.value.message_en and "زرد" in refused.value.message_fa


def test_for_a_less_is_worse_tile_amber_below_red_is_refused() -> None:
    with pytest.raises(InvalidInput) as refused:
        check_threshold(TileKey.answered_20s_today_pct, 70, 80)
    assert refused.value.details["field"] == "answered_20s_today_pct_amber"
    assert check_threshold(TileKey.answered_20s_today_pct, 95, 85) == Threshold(95, 85)


@pytest.mark.parametrize(("amber", "red", "field"), [
    (-1, 10, "longest_wait_s_amber"), (5, -0.5, "longest_wait_s_red"),
])
def test_a_negative_threshold_is_refused_naming_its_field(amber: float, red: float,
                                                           field: str) -> None:
    with pytest.raises(InvalidInput) as refused:
        check_threshold(TileKey.longest_wait_s, amber, red)
    assert refused.value.details["field"] == field


def test_a_percentage_threshold_above_100_is_refused() -> None:
    with pytest.raises(InvalidInput) as refused:
        check_threshold(TileKey.answered_20s_hour_pct, 120, 80)
    assert refused.value.details["field"] == "answered_20s_hour_pct_amber"


def test_equal_amber_and_red_are_allowed_one_step_straight_to_red() -> None:
    assert check_threshold(TileKey.waiting, 4, 4) == Threshold(4, 4)


# ---- the immediate-danger alert ---------------------------------------------------------------

def test_a_teenager_in_immediate_danger_waiting_12_seconds_alerts_the_supervisor() -> None:
    queue = [waiting(7, RiskLevel.immediate, 12, "web_chat"), waiting(8, RiskLevel.high, 50)]
    alerts = danger_alerts(queue, NOW, DEFAULTS)
    assert [(a.contact_id, a.channel, a.waited_s) for a in alerts] == [(7, "web_chat", 12)]


def test_immediate_danger_waiting_less_than_the_threshold_raises_no_alert_yet() -> None:
    assert danger_alerts([waiting(7, RiskLevel.immediate, 9)], NOW, DEFAULTS) == []


def test_a_high_risk_caller_waiting_a_minute_is_not_an_immediate_danger_alert() -> None:
    assert danger_alerts([waiting(8, RiskLevel.high, 60)], NOW, DEFAULTS) == []


def test_the_alert_follows_the_provinces_own_threshold() -> None:
    quick = with_defaults({TileKey.immediate_wait_s: Threshold(0, 3)})
    assert [a.contact_id for a in danger_alerts([waiting(7, RiskLevel.immediate, 4)], NOW,
                                                quick)] == [7]


def test_two_contacts_in_danger_are_listed_the_longest_wait_first() -> None:
    queue = [waiting(3, RiskLevel.immediate, 11), waiting(4, RiskLevel.immediate, 40)]
    assert [a.contact_id for a in danger_alerts(queue, NOW, DEFAULTS)] == [4, 3]


def test_a_clock_a_little_behind_the_queue_never_makes_a_negative_wait() -> None:
    queue = [waiting(5, RiskLevel.medium, -3)]
    assert longest_wait_s(queue, NOW) == 0


def test_the_longest_wait_of_immediate_danger_ignores_other_risks() -> None:
    queue = [waiting(1, RiskLevel.low, 300), waiting(2, RiskLevel.immediate, 6)]
    assert longest_wait_s(queue, NOW) == 300
    assert longest_wait_s(queue, NOW, RiskLevel.immediate) == 6
    assert longest_wait_s([], NOW) is None


def test_waiting_by_risk_lists_every_risk_the_most_urgent_first() -> None:
    counts = by_risk([waiting(1, RiskLevel.high, 1), waiting(2, RiskLevel.high, 2)])
    assert list(counts) == list(RiskLevel)
    assert counts[RiskLevel.high] == 2 and counts[RiskLevel.immediate] == 0
