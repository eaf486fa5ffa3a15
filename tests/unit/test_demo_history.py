"""The demo's synthetic history: the same seed draws the same facts; Mazandaran's Nowruz
fills the line; nothing is in the future, nothing is left due or open; no one is named."""

from __future__ import annotations

import re
from dataclasses import replace
from datetime import UTC, date, datetime, timedelta
from statistics import mean

import jdatetime
import pytest

from panah.demo_history.model import (
    KEY_PREFIX,
    ContactFact,
    Neighbour,
    Place,
    ProvinceSetup,
    draw_day,
    generate,
    history_days,
    is_nowruz,
)
from panah.reports.periods import iran_day
from tests.conftest import NOWRUZ

NEGAR, SHIRIN = 1, 2  # Mazandaran's counsellors
GOLNAR = 7  # Gilan's counsellor
MAZANDARAN = ProvinceSetup(
    code="IR-02", population=3_283_582,
    places=(Place("Q1880437", 500_000, "MZN-C-SARI", 36.56, 53.06),
            Place("Q1001890", 130_000, "MZN-C-CHALUS", 36.65, 51.42)),
    handlers=(NEGAR, SHIRIN),
    neighbours=(Neighbour("IR-27"), Neighbour("IR-01", (GOLNAR,))),
    agencies=((11, "police"), (12, "ems"), (13, "counselling_line")),
    units=(101, 102, 103), nowruz_peak=True)
GILAN = replace(MAZANDARAN, code="IR-01", population=2_530_696, handlers=(GOLNAR,),
                neighbours=(Neighbour("IR-02", (NEGAR, SHIRIN)),), units=(),
                nowruz_peak=False)
SEED = 1405


def jalali(year: int, month: int, day: int) -> date:
    day_: date = jdatetime.date(year, month, day).togregorian()
    return day_


def days_of(setup: ProvinceSetup, first: date, last: date, now: datetime = NOWRUZ,
            seed: int = SEED) -> list[ContactFact]:
    return [f for day in generate(setup, first=first, last=last, seed=seed, now=now)
            for f in day]


ESFAND = days_of(MAZANDARAN, jalali(1404, 12, 1), jalali(1404, 12, 29))


def test_the_same_seed_draws_the_same_day_and_another_seed_another() -> None:
    day = jalali(1404, 11, 10)
    assert draw_day(MAZANDARAN, day, seed=SEED) == draw_day(MAZANDARAN, day, seed=SEED)
    assert draw_day(MAZANDARAN, day, seed=SEED) != draw_day(MAZANDARAN, day, seed=SEED + 1)


def test_a_day_draws_the_same_facts_in_a_long_run_and_a_short_one() -> None:
    day = jalali(1404, 12, 10)
    alone = days_of(MAZANDARAN, day, day)
    assert alone == [f for f in ESFAND if f.key.startswith(f"{KEY_PREFIX}IR-02:{day}")]


def test_mazandaran_line_fills_at_nowruz_and_empties_after() -> None:
    nowruz = days_of(MAZANDARAN, jalali(1404, 1, 1), jalali(1404, 1, 14), now=NOWRUZ)
    after = days_of(MAZANDARAN, jalali(1404, 2, 1), jalali(1404, 2, 14), now=NOWRUZ)
    assert len(nowruz) > 2 * len(after)
    assert all(is_nowruz(iran_day(f.offered_at)) for f in nowruz)


def test_gilan_has_no_nowruz_peak() -> None:
    nowruz = days_of(GILAN, jalali(1404, 1, 1), jalali(1404, 1, 14))
    after = days_of(GILAN, jalali(1404, 2, 1), jalali(1404, 2, 14))
    assert 0.8 < len(nowruz) / len(after) < 1.2


def test_mazandaran_gets_about_its_share_of_the_national_600_000_calls() -> None:
    # 600,000 a year for 79.9 million people: ~67 a day for Mazandaran's 3.28 million.
    assert 55 < len(ESFAND) / 29 < 75


def test_nowruz_answers_fewer_within_20_seconds_and_loses_more_callers() -> None:
    nowruz = days_of(MAZANDARAN, jalali(1404, 1, 1), jalali(1404, 1, 14))

    def within_20s(facts: list[ContactFact]) -> float:
        waits = [(f.answered_at - f.offered_at).total_seconds() for f in facts
                 if f.answered_at]
        return mean(w <= 20 for w in waits)

    def abandoned(facts: list[ContactFact]) -> float:
        return mean(f.abandoned_at is not None for f in facts)

    assert within_20s(ESFAND) > 0.8
    assert within_20s(nowruz) < within_20s(ESFAND) - 0.1
    assert abandoned(nowruz) > abandoned(ESFAND)


def test_each_contact_is_keyed_by_the_iran_day_it_came() -> None:
    # Early on 1 Farvardin in Iran is still 29 Esfand in UTC: the key says Farvardin.
    first = days_of(MAZANDARAN, jalali(1405, 1, 1), jalali(1405, 1, 1))
    assert first and all(f.key.startswith(f"{KEY_PREFIX}IR-02:2026-03-21:") for f in first)
    assert all(iran_day(f.offered_at) == date(2026, 3, 21) for f in first)
    assert any(f.offered_at.date() == date(2026, 3, 20) for f in first)


def test_nothing_is_in_the_future_nor_still_going_on() -> None:
    facts = days_of(MAZANDARAN, jalali(1405, 1, 1), jalali(1405, 1, 2), now=NOWRUZ)
    assert facts
    assert all(f.last_at <= NOWRUZ for f in facts)
    unfinished = days_of(MAZANDARAN, jalali(1405, 1, 2), jalali(1405, 1, 2),
                         now=NOWRUZ + timedelta(days=3))
    assert len(unfinished) > len([f for f in facts if f.key.find("2026-03-22") > 0])


def test_history_runs_up_to_yesterday_over_whole_jalali_months() -> None:
    first, last = history_days(NOWRUZ, 13)
    assert first == jalali(1404, 1, 1)
    assert last == jalali(1405, 1, 1)


def test_every_abandoned_caller_is_called_back_and_the_task_is_done() -> None:
    lost = [f for f in ESFAND if f.abandoned_at]
    assert lost
    for fact in lost:
        callback, hung_up = fact.callback, fact.abandoned_at
        assert callback is not None and hung_up is not None and fact.answered_at is None
        assert fact.state == "callback_done"
        assert callback.due_at == hung_up + timedelta(minutes=10)
        assert 1 <= len(callback.attempts) <= 3
        assert all(at >= hung_up for at, _ in callback.attempts)
        assert callback.done_at > callback.attempts[-1][0]


def test_referrals_were_all_decided_and_most_acknowledged_in_time() -> None:
    referrals = [f.referral for f in ESFAND if f.referral]
    assert referrals
    assert {r.state for r in referrals} <= {"completed", "rejected"}
    assert all(r.requested_at < r.received_at <= r.decided_at for r in referrals)
    in_time = mean(r.received_at <= r.ack_due_at for r in referrals)
    assert 0.8 < in_time < 1


def test_a_suicide_attempt_goes_to_ems_or_a_hospital() -> None:
    facts = [f for f in ESFAND if f.referral and f.categories == ("suicide_attempt",)]
    assert all(f.referral and f.referral.agency_id == 12 for f in facts)


def test_about_one_in_six_social_emergencies_gets_a_mobile_team() -> None:
    months = days_of(MAZANDARAN, jalali(1404, 7, 1), jalali(1404, 11, 30))
    emergency = [f for f in months if f.categories and f.outcome not in (
        "information_given",) and f.categories[0] in _EMERGENCY]
    teams = [f for f in emergency if f.outcome == "mobile_team_requested"]
    assert 0.12 < len(teams) / len(emergency) < 0.2
    for fact in teams:
        dispatch = fact.dispatch
        assert dispatch is not None and dispatch.unit_id in MAZANDARAN.units
        statuses = [status for status, _, _ in dispatch.events]
        assert statuses == ["dispatched", "en_route", "on_scene", "available_on_move",
                            "available_at_post"]
        times = [at for _, _, at in dispatch.events]
        assert times == sorted(times) and fact.offered_at < dispatch.requested_at < times[0]


_EMERGENCY = {"family_conflict", "child_abuse", "spouse_abuse", "suicidal_thoughts",
              "elder_abuse", "suicide_attempt", "runaway", "woman_at_risk", "street_child",
              "disability_abuse", "sexual_abuse"}


def test_a_province_without_units_never_asks_for_a_team() -> None:
    facts = days_of(GILAN, jalali(1404, 12, 1), jalali(1404, 12, 29))
    assert not [f for f in facts if f.outcome == "mobile_team_requested" or f.dispatch]


def test_most_answered_calls_are_misdials_silence_or_pranks() -> None:
    answered = [f for f in ESFAND if f.answered_at]
    idle = mean(f.outcome in ("silent_misdial", "nuisance") for f in answered)
    assert 0.65 < idle < 0.8  # about three in four (2015, national)


def test_a_long_wait_overflows_and_gilan_answers_some_of_mazandarans_callers() -> None:
    overflowed = [f for f in ESFAND if len(f.offered_to) > 1]
    assert overflowed and all(f.offered_to[:3] == ("IR-02", "IR-27", "IR-01")
                              for f in overflowed)
    assert {f.answered_by for f in overflowed if f.answered_at} >= {GOLNAR}
    assert {f.answered_by for f in ESFAND if len(f.offered_to) == 1} <= {NEGAR, SHIRIN, None}
    assert any(f.offered_to[-1] == "national" for f in overflowed)
    assert all(f.province_code == "IR-02" for f in overflowed)


def test_callers_are_hashes_only_and_some_call_again() -> None:
    hashes = [f.caller_hash for f in ESFAND]
    assert all(re.fullmatch(r"[0-9a-f]{64}", h) for h in hashes)
    assert len(set(hashes)) < 0.9 * len(hashes)
    assert not hasattr(ESFAND[0], "caller") and not hasattr(ESFAND[0], "summary")


def test_contacts_come_from_the_counties_in_proportion_to_their_people() -> None:
    sari = mean(f.county_key == "Q1880437" for f in ESFAND)
    assert 0.7 < sari < 0.88  # 500,000 of 630,000
    assert {f.centre_code for f in ESFAND} == {"MZN-C-SARI", "MZN-C-CHALUS"}


@pytest.mark.parametrize("now", [NOWRUZ, datetime(2026, 9, 1, 12, tzinfo=UTC)])
def test_nothing_is_offered_before_the_first_day_or_after_the_last(now: datetime) -> None:
    first, last = history_days(now, 2)
    facts = days_of(GILAN, first, last, now=now)
    assert facts
    assert all(first <= iran_day(f.offered_at) <= last for f in facts)
