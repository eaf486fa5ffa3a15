"""A user's own account: signing out, and the second factor, set up at sign-in (the
second step) or later from the account page.

Use cases inside the caller's unit of work; none commits. A refused code returns what the
page shows again instead of raising: the refusal is recorded and must be committed.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy.orm import Session

from panah.core.errors import PanahError
from panah.security import totp
from panah.security.audit import AuditAction
from panah.security.audit_orm import append
from panah.security.orm import User
from panah.security.policy import Actor
from panah.security.sessions import (
    Outcome,
    SignIn,
    check_code,
    code_error,
    end_session,
    enrolment_secret,
    resolve_challenge,
    sign_in_with_code,
)


@dataclass(frozen=True, slots=True)
class Enrolment:
    """What setting up an authenticator app needs: the secret (kept until its first code
    is right), grouped for typing, and as an ``otpauth://`` URI for the QR code."""

    secret: str
    secret_groups: str
    uri: str


def _enrolment(user: User) -> Enrolment:
    secret = enrolment_secret(user)
    return Enrolment(secret, totp.grouped(secret),
                     totp.provisioning_uri(secret, username=user.username))


def sign_out(session: Session, *, actor: Actor, token: str, now: datetime) -> None:
    """End the session of ``token`` and record the sign-out."""
    end_session(session, token=token)
    append(
        session, now=now, actor=actor, action=AuditAction.logout,
        subject_type="user", subject_id=str(actor.user_id),
    )


# ---- the second step of signing in ------------------------------------------------------


@dataclass(frozen=True, slots=True)
class SecondFactorPrompt:
    """The second step's page: the code alone, or setting up an app first (``enrolment``)."""

    enrolment: Enrolment | None


def _prompt(user: User) -> SecondFactorPrompt:
    return SecondFactorPrompt(_enrolment(user) if user.totp_enabled_at is None else None)


def second_factor_prompt(session: Session, *, token: str, now: datetime) -> SecondFactorPrompt:
    """What the pending sign-in of ``token`` asks for; ``NotAuthenticated`` when it ended."""
    _, user = resolve_challenge(session, token=token, now=now)
    return _prompt(user)


@dataclass(frozen=True, slots=True)
class CodeAnswer:
    """The sign-in's outcome for a code, with the prompt to show again if it was refused."""

    sign_in: SignIn
    prompt: SecondFactorPrompt | None


def answer_code(
    session: Session, *, challenge_token: str, code: str, address: str, now: datetime,
    hours: float,
) -> CodeAnswer:
    """Check a second-step code (see :func:`sign_in_with_code`); ``NotAuthenticated`` when
    the pending sign-in has ended."""
    result = sign_in_with_code(session, challenge_token=challenge_token, code=code,
                               address=address, now=now, hours=hours)
    if result.outcome is not Outcome.refused:
        return CodeAnswer(result, None)
    _, user = resolve_challenge(session, token=challenge_token, now=now)
    return CodeAnswer(result, _prompt(user))


# ---- the account page -------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class AccountSecondFactor:
    """The account page's second factor: on since when, or how to set one up."""

    totp_enabled_at: datetime | None
    enrolment: Enrolment | None


def _account(user: User) -> AccountSecondFactor:
    on = user.totp_enabled_at
    return AccountSecondFactor(on, _enrolment(user) if on is None else None)


def account_second_factor(session: Session, *, actor: Actor) -> AccountSecondFactor:
    """Whether ``actor``'s account has an authenticator app, and how to set one up."""
    return _account(session.get_one(User, actor.user_id))


@dataclass(frozen=True, slots=True)
class Enrolled:
    """The answer to a first code from the account page: ``error`` and the page to show
    again when it was refused; neither when the app is on (now or already)."""

    error: PanahError | None = None
    account: AccountSecondFactor | None = None


def enrol_second_factor(
    session: Session, *, actor: Actor, code: str, now: datetime
) -> Enrolled:
    """Confirm a new authenticator app with its first code (audited)."""
    user = session.get_one(User, actor.user_id)
    if user.totp_enabled_at is not None:
        return Enrolled()
    result = check_code(session, user=user, code=code, now=now)
    if not result.accepted:
        return Enrolled(code_error(result), _account(user))
    append(
        session, now=now, actor=actor, action=AuditAction.second_factor_enrolled,
        subject_type="user", subject_id=str(user.id),
    )
    return Enrolled()
