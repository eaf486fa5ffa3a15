"""How much one source may send to the 123 line, and what its "in danger" is worth (pure)."""

from __future__ import annotations

from datetime import timedelta

from panah.intake.limits.model import (
    EMERGENCY_NUMBERS,
    LIMITS,
    WINDOW,
    Counted,
    Limit,
    Source,
    expired_before,
    judge,
    wait_minutes,
)
from tests.conftest import NOWRUZ

MINUTE = timedelta(minutes=1)


def counted(count: int, minutes_ago: float = 0) -> Counted:
    return Counted(count, NOWRUZ - timedelta(minutes=minutes_ago))


def test_a_person_starting_several_chats_within_minutes_never_meets_a_limit() -> None:
    # A page reloaded, a chat started again, a report as well: a few within minutes.
    for n in range(1, 4):
        decision = judge({Source.address: counted(n, 2), Source.visitor: counted(n, 2)},
                         now=NOWRUZ)
        assert decision.admitted


def test_the_limits_stop_a_flood_within_a_handful() -> None:
    assert LIMITS[Source.visitor].most <= LIMITS[Source.address].most <= 6
    assert all(limit.window == WINDOW == 10 * MINUTE for limit in LIMITS.values())
    # Texts join one conversation: far above what a person types on a phone, far below a flood.
    assert 30 <= LIMITS[Source.sms].most <= 100


def test_the_first_contact_of_a_window_may_be_immediate_and_later_ones_may_not() -> None:
    assert judge({Source.address: counted(1)}, now=NOWRUZ).danger_honoured
    assert not judge({Source.address: counted(2)}, now=NOWRUZ).danger_honoured
    # The first from a new visitor on a busy address is not the address's first.
    assert not judge({Source.address: counted(3), Source.visitor: counted(1)},
                     now=NOWRUZ).danger_honoured


def test_one_over_the_limit_is_refused_until_the_window_ends() -> None:
    most = LIMITS[Source.address].most
    decision = judge({Source.address: counted(most + 1, minutes_ago=4)}, now=NOWRUZ)
    assert not decision.admitted and not decision.danger_honoured
    assert decision.retry_after_s == 6 * 60  # the window began 4 minutes ago
    assert decision.first_refusal
    assert not judge({Source.address: counted(most + 2, 4)}, now=NOWRUZ).first_refusal


def test_a_visitor_over_its_limit_is_refused_though_its_address_is_not() -> None:
    decision = judge({Source.address: counted(1), Source.visitor: counted(5, 1)},
                     now=NOWRUZ, limits={Source.address: Limit(6, WINDOW),
                                         Source.visitor: Limit(4, WINDOW)})
    assert not decision.admitted and decision.retry_after_s == 9 * 60


def test_the_longest_wait_of_the_sources_over_their_limits_is_the_one_told() -> None:
    decision = judge({Source.address: counted(7, 9), Source.visitor: counted(5, 1)},
                     now=NOWRUZ)
    assert decision.retry_after_s == 9 * 60


def test_a_window_that_began_a_full_window_ago_is_over() -> None:
    assert expired_before(NOWRUZ, LIMITS[Source.address]) == NOWRUZ - WINDOW


def test_a_wait_is_told_in_whole_minutes_rounded_up() -> None:
    assert (wait_minutes(1), wait_minutes(60), wait_minutes(61), wait_minutes(600)) == (
        1, 1, 2, 10)


def test_the_numbers_to_call_are_123_110_and_115() -> None:
    assert [n for n, _, _ in EMERGENCY_NUMBERS] == ["123", "110", "115"]
