"""Time-based one-time codes (TOTP, RFC 6238): the second factor of a sign-in.

Pure: every function takes ``now`` (or a step) and the stored facts; nothing here reads
the clock, the database or the settings. Codes are the usual six digits every 30 seconds,
SHA-1, so any authenticator app works. A code is accepted one step early or late (clocks
on phones drift), and never twice: the caller stores the step of the last accepted code,
and a code from that step or an earlier one is refused as a replay.
"""

from __future__ import annotations

import hmac
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

import pyotp

from panah.security.roles import Role, needs_second_factor

STEP_SECONDS = 30
DIGITS = 6
WINDOW = 1  # steps accepted either side of now
ISSUER = "Panah"


class SecondStep(StrEnum):
    """What a sign-in needs after the right password."""

    none = "none"  # the password is enough: start the session
    enrol = "enrol"  # set up an authenticator app first, then give a code
    code = "code"  # give a code from the app already set up


def second_step(*, required: bool, role: Role, enrolled: bool) -> SecondStep:
    """Enrolled users always give a code; others must enrol only where it is required."""
    if enrolled:
        return SecondStep.code
    if required and needs_second_factor(role):
        return SecondStep.enrol
    return SecondStep.none


def new_secret() -> str:
    """A random base32 secret of 160 bits, the size RFC 4226 recommends."""
    return pyotp.random_base32()


def grouped(secret: str, size: int = 4) -> str:
    """``JBSWY3DPEHPK3PXP`` → ``JBSW Y3DP EHPK 3PXP``: easier to type into an app."""
    return " ".join(secret[i : i + size] for i in range(0, len(secret), size))


def provisioning_uri(secret: str, *, username: str, issuer: str = ISSUER) -> str:
    """The ``otpauth://`` URI an authenticator app reads (from a QR code or a link)."""
    return pyotp.TOTP(secret, digits=DIGITS, interval=STEP_SECONDS).provisioning_uri(
        name=username, issuer_name=issuer
    )


def step_at(now: datetime) -> int:
    """The number of the 30-second step ``now`` falls in (counted from the Unix epoch)."""
    if now.tzinfo is None:
        raise ValueError("TOTP needs a timezone-aware time")
    return int(now.timestamp()) // STEP_SECONDS


def code_at(secret: str, step: int) -> str:
    """The code an authenticator app shows during ``step``."""
    return pyotp.TOTP(secret, digits=DIGITS, interval=STEP_SECONDS).generate_otp(step)


class CodeCheck(StrEnum):
    accepted = "accepted"
    malformed = "malformed"  # not six digits
    wrong = "wrong"
    replayed = "replayed"  # right, but from a step already used


@dataclass(frozen=True, slots=True)
class Verification:
    outcome: CodeCheck
    step: int | None = None  # the step the code belongs to, when it matched one

    @property
    def accepted(self) -> bool:
        return self.outcome is CodeCheck.accepted


def verify(
    secret: str, code: str, *, now: datetime, last_step: int | None, window: int = WINDOW
) -> Verification:
    """Check ``code`` against the steps around ``now``; refuse steps up to ``last_step``.

    Spaces are ignored (apps show ``123 456``); the caller turns Persian digits into ASCII.
    """
    digits = "".join(code.split())
    if len(digits) != DIGITS or not (digits.isascii() and digits.isdigit()):
        return Verification(CodeCheck.malformed)
    current = step_at(now)
    for step in range(current - window, current + window + 1):
        if hmac.compare_digest(code_at(secret, step), digits):
            if last_step is not None and step <= last_step:
                return Verification(CodeCheck.replayed, step)
            return Verification(CodeCheck.accepted, step)
    return Verification(CodeCheck.wrong)
