"""Sign-in throttling: account lockout and per-address slowing, as pure decisions."""

from __future__ import annotations

from datetime import datetime, timedelta

from panah.security.throttle import (
    LIMITS,
    Limits,
    Verdict,
    decide,
    locked_until,
    retry_after,
)
from tests.conftest import NOWRUZ

MINUTE = timedelta(minutes=1)


def _minutes(*offsets: float) -> list[datetime]:
    return [NOWRUZ + timedelta(minutes=m) for m in offsets]


def test_the_limits_are_five_per_account_and_thirty_per_address_in_fifteen_minutes() -> None:
    assert (LIMITS.account_failures, LIMITS.address_failures) == (5, 30)
    assert LIMITS.window == timedelta(minutes=15)
    assert LIMITS.horizon == timedelta(minutes=30)


def test_four_failures_do_not_lock_an_account() -> None:
    assert locked_until(_minutes(0, 1, 2, 3), now=NOWRUZ + 4 * MINUTE) is None


def test_five_failures_lock_until_fifteen_minutes_after_the_last() -> None:
    failures = _minutes(0, 1, 2, 3, 4)
    assert locked_until(failures, now=NOWRUZ + 4 * MINUTE) == NOWRUZ + 19 * MINUTE
    assert locked_until(failures, now=NOWRUZ + 18 * MINUTE) == NOWRUZ + 19 * MINUTE


def test_the_lock_ends_fifteen_minutes_after_the_last_failure() -> None:
    assert locked_until(_minutes(0, 1, 2, 3, 4), now=NOWRUZ + 19 * MINUTE) is None


def test_five_failures_spread_over_more_than_fifteen_minutes_do_not_lock() -> None:
    assert locked_until(_minutes(0, 4, 8, 12, 16), now=NOWRUZ + 16 * MINUTE) is None


def test_only_the_latest_failures_count_and_order_does_not_matter() -> None:
    # Ten failures given out of order: the lock runs from the latest five.
    failures = _minutes(14, 0, 1, 2, 3, 4, 13, 12, 11, 10)
    assert locked_until(failures, now=NOWRUZ + 14 * MINUTE) == NOWRUZ + 29 * MINUTE


def test_an_address_under_thirty_failures_may_go_on() -> None:
    assert retry_after(_minutes(*range(29)), now=NOWRUZ + 29 * MINUTE) is None


def test_thirty_failures_from_an_address_make_it_wait_for_the_oldest_to_expire() -> None:
    failures = [NOWRUZ + timedelta(seconds=10 * i) for i in range(30)]  # over 290 seconds
    now = NOWRUZ + timedelta(seconds=300)
    # The first failure leaves the window at 15:00, 600 seconds from now.
    assert retry_after(failures, now=now) == 600


def test_failures_outside_the_window_do_not_count_for_an_address() -> None:
    old = _minutes(*[-20] * 30)
    assert retry_after(old, now=NOWRUZ) is None


def test_retry_after_rounds_up_to_whole_seconds() -> None:
    limits = Limits(address_failures=1)
    failures = [NOWRUZ - LIMITS.window + timedelta(milliseconds=200)]
    assert retry_after(failures, now=NOWRUZ, limits=limits) == 1


def test_an_address_far_over_its_limit_waits_until_it_is_under_again() -> None:
    limits = Limits(address_failures=2)
    failures = _minutes(0, 1, 2, 3)
    # Four in the window, limit two: three must expire; the third at 2 + 15 minutes.
    assert retry_after(failures, now=NOWRUZ + 3 * MINUTE, limits=limits) == 14 * 60


def test_decide_allows_a_clean_attempt() -> None:
    decision = decide(account_failures=[], address_failures=[], now=NOWRUZ)
    assert decision.allowed and decision.verdict is Verdict.allowed
    assert decision.locked_until is None and decision.retry_after is None


def test_decide_reports_a_locked_account_with_its_end() -> None:
    failures = _minutes(0, 1, 2, 3, 4)
    decision = decide(account_failures=failures, address_failures=failures, now=NOWRUZ + 5 * MINUTE)
    assert decision.verdict is Verdict.account_locked and not decision.allowed
    assert decision.locked_until == NOWRUZ + 19 * MINUTE


def test_decide_judges_the_address_before_the_account() -> None:
    account = _minutes(0, 1, 2, 3, 4)
    address = [NOWRUZ + timedelta(seconds=i) for i in range(30)]
    decision = decide(account_failures=account, address_failures=address, now=NOWRUZ + 5 * MINUTE)
    assert decision.verdict is Verdict.address_throttled
    assert decision.retry_after == 10 * 60
