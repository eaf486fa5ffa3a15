"""Sign-in throttling: when to lock an account and when to slow down a client address.

Pure: the caller loads the recent failures from ``login_failure`` and passes them with
``now``; these functions only decide. Two limits, each over a sliding window:

* an account (a typed username, existing or not) with ``account_failures`` failures within
  ``window`` is locked until ``window`` after the last of them, even for the right password;
* a client address with ``address_failures`` failures within ``window`` is told to wait
  (HTTP 429 with ``Retry-After``), whatever username it tries next.

Attempts refused because the account is locked are recorded for the address only: counting
them against the account would let anyone keep a colleague locked out forever by trying
once every quarter of an hour.
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum

from panah.core.errors import NotAuthenticated, PanahError


@dataclass(frozen=True, slots=True)
class Limits:
    account_failures: int = 5
    address_failures: int = 30
    window: timedelta = timedelta(minutes=15)

    @property
    def horizon(self) -> timedelta:
        """How far back a failure can still matter: a lock ends ``window`` after the last
        of a run of failures that itself spans up to ``window``."""
        return 2 * self.window


LIMITS = Limits()


class AccountLocked(NotAuthenticated):
    """Refused without checking the password; the message says until when."""

    code = "account_locked"


class TooManyAttempts(PanahError):
    """Too many failures from one client address: answered with 429 and Retry-After."""

    code = "too_many_attempts"


class Verdict(StrEnum):
    allowed = "allowed"
    account_locked = "account_locked"
    address_throttled = "address_throttled"


@dataclass(frozen=True, slots=True)
class ThrottleDecision:
    verdict: Verdict
    locked_until: datetime | None = None  # for account_locked
    retry_after: int | None = None  # whole seconds, for address_throttled

    @property
    def allowed(self) -> bool:
        return self.verdict is Verdict.allowed


def locked_until(
    failures: Iterable[datetime], *, now: datetime, limits: Limits = LIMITS
) -> datetime | None:
    """When the account's lock ends, or ``None`` if it is not locked at ``now``.

    Locked when the last ``account_failures`` failures fall within ``window`` of each
    other, until ``window`` after the last one.
    """
    recent = sorted(failures)[-limits.account_failures :]
    if len(recent) < limits.account_failures:
        return None
    if recent[-1] - recent[0] > limits.window:
        return None
    until = recent[-1] + limits.window
    return until if now < until else None


def retry_after(
    failures: Iterable[datetime], *, now: datetime, limits: Limits = LIMITS
) -> int | None:
    """Seconds until the address is under its limit again, or ``None`` if it is already."""
    recent = sorted(at for at in failures if now - limits.window < at <= now)
    excess = len(recent) - limits.address_failures
    if excess < 0:
        return None
    # Once the oldest `excess + 1` failures leave the window, one more attempt is allowed.
    frees_at = recent[excess] + limits.window
    return math.ceil((frees_at - now).total_seconds())  # > 0: every failure is after now - window


def decide(
    *,
    account_failures: Iterable[datetime],
    address_failures: Iterable[datetime],
    now: datetime,
    limits: Limits = LIMITS,
) -> ThrottleDecision:
    """May this attempt be checked at all? The address limit is judged first."""
    wait = retry_after(address_failures, now=now, limits=limits)
    if wait is not None:
        return ThrottleDecision(Verdict.address_throttled, retry_after=wait)
    until = locked_until(account_failures, now=now, limits=limits)
    if until is not None:
        return ThrottleDecision(Verdict.account_locked, locked_until=until)
    return ThrottleDecision(Verdict.allowed)
