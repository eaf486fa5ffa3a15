"""Flags raised for a repeat caller, from earlier contacts and case files (pure)."""

from __future__ import annotations

from datetime import timedelta

import pytest

from panah.intake.model import ContactState, RiskLevel
from panah.triage.history import CaseFact, Earlier, Flag, flags
from tests.conftest import NOWRUZ


def earlier(ago: timedelta, risk: RiskLevel = RiskLevel.medium, *, lost: bool = False,
            n: int = 1) -> Earlier:
    return Earlier(n, NOWRUZ - ago, risk, ContactState.closed, lost)


def test_a_first_time_caller_raises_nothing() -> None:
    assert flags([], [], NOWRUZ) == []


@pytest.mark.parametrize(
    ("risk", "ago", "expected"),
    [
        (RiskLevel.immediate, timedelta(days=89), [Flag.earlier_immediate]),
        (RiskLevel.immediate, timedelta(days=91), []),  # long ago: the count shows it
        (RiskLevel.high, timedelta(days=3), [Flag.earlier_high]),
        (RiskLevel.medium, timedelta(days=3), []),
    ],
)
def test_earlier_danger_is_raised_while_recent(risk: RiskLevel, ago: timedelta,
                                               expected: list[Flag]) -> None:
    assert flags([earlier(ago, risk)], [], NOWRUZ) == expected


def test_immediate_danger_outranks_high_risk() -> None:
    both = [earlier(timedelta(days=1), RiskLevel.high),
            earlier(timedelta(days=2), RiskLevel.immediate, n=2)]
    assert flags(both, [], NOWRUZ) == [Flag.earlier_immediate]


def test_an_open_case_is_raised_and_a_protected_one_says_so_without_details() -> None:
    assert flags([], [CaseFact(1, open=True, restricted=False)], NOWRUZ) == [Flag.open_case]
    assert flags([], [CaseFact(1, open=True, restricted=True),
                      CaseFact(2, open=True, restricted=False)], NOWRUZ) == [
        Flag.protected_case]
    assert flags([], [CaseFact(1, open=False, restricted=True)], NOWRUZ) == []


def test_someone_who_keeps_calling_or_keeps_getting_lost_is_raised() -> None:
    two = [earlier(timedelta(hours=h), n=h) for h in (5, 23)]
    assert flags(two, [], NOWRUZ) == [Flag.many_recent]  # this contact is the third
    assert flags(two[:1], [], NOWRUZ) == []
    assert flags([earlier(timedelta(hours=25)), *two[:1]], [], NOWRUZ) == []
    lost = [earlier(timedelta(hours=h), lost=True, n=h) for h in (2, 20)]
    assert flags(lost, [], NOWRUZ) == [Flag.many_recent, Flag.lost_before]
    old_lost = [earlier(timedelta(hours=h), lost=True, n=h) for h in (2, 30)]
    assert Flag.lost_before not in flags(old_lost, [], NOWRUZ)


def test_repeated_nuisance_is_raised_after_three_in_a_week_and_not_before() -> None:
    def nuisance(n: int, days: float) -> Earlier:
        return Earlier(n, NOWRUZ - timedelta(days=days), RiskLevel.information,
                       ContactState.closed, nuisance=True)

    assert Flag.repeated_nuisance not in flags([nuisance(1, 1), nuisance(2, 2)], [], NOWRUZ)
    assert Flag.repeated_nuisance in flags([nuisance(1, 1), nuisance(2, 2), nuisance(3, 6)],
                                           [], NOWRUZ)
    assert Flag.repeated_nuisance not in flags(  # one of them is older than the week
        [nuisance(1, 1), nuisance(2, 2), nuisance(3, 8)], [], NOWRUZ)
