"""Signing in: password, throttling, the second factor and server-side sessions.

Every function works inside the caller's transaction. A sign-in is one or two steps:

1. :func:`sign_in_with_password` checks the throttle and the password. If the user needs a
   second factor it stores a short-lived :class:`LoginChallenge` (not a session) and says
   so; otherwise it starts the session.
2. :func:`sign_in_with_code` checks the TOTP code against that challenge (enrolling the
   authenticator app if this is its first code) and only then starts the session.

Refusals are recorded in ``login_failure`` and in the audit chain. The caller must commit
them even though it answers with an error (so it returns an outcome instead of raising).
"""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum
from functools import cache
from typing import Any, cast

from sqlalchemy import CursorResult, delete, or_, select, update
from sqlalchemy.orm import Session

from panah.core.clock import as_utc
from panah.core.errors import InvalidInput, NotAuthenticated, PanahError
from panah.security import throttle, totp
from panah.security.audit import AuditAction
from panah.security.audit_orm import append
from panah.security.orm import LoginChallenge, LoginFailure, User, WebSession
from panah.security.passwords import hash_password, verify_password
from panah.security.policy import Actor
from panah.security.roles import Role

CHALLENGE_MINUTES = 5
UNKNOWN_SUBJECT = "unknown"  # audit subject of a sign-in with a username nobody has
_PERSIAN_DIGITS = str.maketrans("0123456789", "۰۱۲۳۴۵۶۷۸۹")


def _fa(number: int) -> str:
    """A number in Persian digits, for the Persian half of a message."""
    return str(number).translate(_PERSIAN_DIGITS)


def _hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def _wrong_password() -> NotAuthenticated:
    return NotAuthenticated(
        "Wrong username or password. Check both and try again.",
        "نام کاربری یا گذرواژه نادرست است. هر دو را بررسی کنید و دوباره تلاش کنید.",
    )


def _disabled() -> NotAuthenticated:
    return NotAuthenticated(
        "This account is disabled. Ask your administrator if you should still have access.",
        "این حساب غیرفعال است. اگر هنوز باید دسترسی داشته باشید از مدیر سامانه بپرسید.",
        reason="disabled",
    )


def normalise_username(username: str) -> str:
    return username.strip().lower()[:80]


def authenticate(session: Session, *, username: str, password: str) -> User:
    user = session.scalar(select(User).where(User.username == normalise_username(username)))
    if user is None or not user.is_active or not verify_password(user.password_hash, password):
        raise _wrong_password()
    return user


# ---- sessions ---------------------------------------------------------------------------


def start_session(session: Session, *, user: User, now: datetime, hours: float) -> str:
    """Store a new session for ``user`` and return the token for the cookie."""
    token = secrets.token_urlsafe(32)
    session.add(
        WebSession(
            token_hash=_hash(token),
            user_id=user.id,
            csrf_token=secrets.token_urlsafe(24),
            created_at=now,
            expires_at=now + timedelta(hours=hours),
        )
    )
    return token


def resolve_session(session: Session, *, token: str, now: datetime) -> tuple[Actor, WebSession]:
    row = session.get(WebSession, _hash(token))
    if row is None or as_utc(row.expires_at) <= now:
        raise NotAuthenticated(
            "Your session has ended. Sign in again.", "نشست شما پایان یافته است. دوباره وارد شوید."
        )
    user = session.get(User, row.user_id)
    if user is None or not user.is_active:
        raise NotAuthenticated("This account is disabled.", "این حساب غیرفعال است.")
    return actor_of(user), row


def end_session(session: Session, *, token: str) -> None:
    session.execute(delete(WebSession).where(WebSession.token_hash == _hash(token)))


def actor_of(user: User) -> Actor:
    return Actor(
        user_id=user.id,
        username=user.username,
        role=Role(user.role),
        province_code=user.province_code,
        centre_id=user.centre_id,
        full_name=user.full_name,
    )



# ---- throttling state -------------------------------------------------------------------


class FailureKind(StrEnum):
    wrong_password = "wrong_password"  # noqa: S105 - a kind of failure, not a password
    wrong_code = "wrong_code"
    while_locked = "while_locked"  # counts against the address, never the account


def throttle_state(
    session: Session, *, username: str, address: str, now: datetime
) -> throttle.ThrottleDecision:
    since = now - throttle.LIMITS.horizon
    account = session.scalars(
        select(LoginFailure.at).where(
            LoginFailure.username == username,
            LoginFailure.at >= since,
            LoginFailure.kind != FailureKind.while_locked.value,
        )
    )
    by_address = session.scalars(
        select(LoginFailure.at).where(LoginFailure.address == address, LoginFailure.at >= since)
    )
    return throttle.decide(
        account_failures=[as_utc(at) for at in account],
        address_failures=[as_utc(at) for at in by_address],
        now=now,
    )


def record_failure(
    session: Session, *, username: str, address: str, now: datetime, kind: FailureKind
) -> None:
    """Remember a refusal, and forget those too old to matter to any decision."""
    session.execute(delete(LoginFailure).where(LoginFailure.at < now - throttle.LIMITS.horizon))
    session.add(LoginFailure(username=username, address=address[:64], at=now, kind=kind.value))
    session.flush()


def clear_failures(session: Session, *, username: str) -> None:
    session.execute(delete(LoginFailure).where(LoginFailure.username == username))


# ---- the second-factor challenge -----------------------------------------------------


def start_challenge(session: Session, *, user: User, now: datetime, next_path: str) -> str:
    """Store a pending second step for ``user``; return the token for its cookie."""
    session.execute(delete(LoginChallenge).where(LoginChallenge.expires_at <= now))  # abandoned
    token = secrets.token_urlsafe(32)
    session.add(
        LoginChallenge(
            token_hash=_hash(token),
            user_id=user.id,
            next_path=next_path[:500],
            created_at=now,
            expires_at=now + timedelta(minutes=CHALLENGE_MINUTES),
        )
    )
    return token


def resolve_challenge(
    session: Session, *, token: str, now: datetime
) -> tuple[LoginChallenge, User]:
    row = session.get(LoginChallenge, _hash(token))
    user = session.get(User, row.user_id) if row is not None else None
    if row is None or as_utc(row.expires_at) <= now or user is None or not user.is_active:
        raise NotAuthenticated(
            f"This sign-in took longer than {CHALLENGE_MINUTES} minutes or was already used. "
            "Sign in again with your password.",
            f"این ورود بیش از {_fa(CHALLENGE_MINUTES)} دقیقه طول کشید یا پیش‌تر به کار رفته است. "
            "دوباره با گذرواژه وارد شوید.",
        )
    return row, user


def end_challenge(session: Session, *, token: str) -> None:
    session.execute(delete(LoginChallenge).where(LoginChallenge.token_hash == _hash(token)))


def enrolment_secret(user: User) -> str:
    """The secret to show while ``user`` sets up an app: kept until its first code is right."""
    if user.totp_enabled_at is not None:
        raise InvalidInput(
            "This account already has an authenticator app. Ask an administrator to reset it.",
            "این حساب برنامهٔ احرازگر دارد. برای بازنشانی آن از مدیر سامانه بخواهید.",
        )
    if user.totp_secret is None:
        user.totp_secret = totp.new_secret()
    return user.totp_secret


def check_code(session: Session, *, user: User, code: str, now: datetime) -> totp.Verification:
    """Verify ``code`` and, if right, mark its step used (and the enrolment confirmed).

    The step is claimed with a conditional UPDATE, so two requests racing with the same
    code cannot both succeed.
    """
    if user.totp_secret is None:
        return totp.Verification(totp.CodeCheck.wrong)
    result = totp.verify(user.totp_secret, code, now=now, last_step=user.totp_last_step)
    if not result.accepted or result.step is None:
        return result
    claimed = session.execute(
        update(User)
        .where(User.id == user.id)
        .where(or_(User.totp_last_step.is_(None), User.totp_last_step < result.step))
        .values(totp_last_step=result.step)
        .execution_options(synchronize_session=False)
    )
    if cast(CursorResult[Any], claimed).rowcount != 1:
        return totp.Verification(totp.CodeCheck.replayed, result.step)
    session.expire(user, ["totp_last_step"])
    if user.totp_enabled_at is None:
        user.totp_enabled_at = now
    return result


# ---- the two steps of signing in --------------------------------------------------------


class Outcome(StrEnum):
    signed_in = "signed_in"  # ``token`` is a session token
    second_factor = "second_factor"  # ``token`` is a challenge token
    refused = "refused"  # ``error`` says why
    locked = "locked"  # ``locked_until`` says until when
    throttled = "throttled"  # ``retry_after`` says how many seconds to wait


@dataclass(frozen=True, slots=True)
class SignIn:
    outcome: Outcome
    token: str | None = None
    next_path: str = "/"
    error: PanahError | None = None
    locked_until: datetime | None = None
    retry_after: int | None = None


@dataclass(frozen=True, slots=True)
class Attempt:
    """Where a sign-in comes from and when: what throttling and the audit need."""

    username: str
    address: str
    now: datetime


def sign_in_with_password(
    session: Session,
    *,
    attempt: Attempt,
    password: str,
    second_factor_required: bool,
    next_path: str,
    hours: float,
) -> SignIn:
    user = session.scalar(select(User).where(User.username == attempt.username))
    refusal = _throttled(session, attempt, user)
    if refusal is not None:
        return refusal
    if not _password_matches(user, password) or user is None:  # (None: for the type checker)
        return _fail(session, attempt, user, FailureKind.wrong_password, _wrong_password())
    if not user.is_active:  # told only to whoever knows the password
        _audit(session, attempt, user, AuditAction.login_failed, reason="account disabled")
        return SignIn(Outcome.refused, error=_disabled())
    step = totp.second_step(
        required=second_factor_required,
        role=Role(user.role),
        enrolled=user.totp_enabled_at is not None,
    )
    if step is totp.SecondStep.none:
        return _succeed(session, attempt, user, next_path=next_path, hours=hours)
    token = start_challenge(session, user=user, now=attempt.now, next_path=next_path)
    return SignIn(Outcome.second_factor, token=token, next_path=next_path)


@cache
def _decoy_hash() -> str:
    return hash_password(secrets.token_urlsafe(16))


def _password_matches(user: User | None, password: str) -> bool:
    """Check the password; for an unknown user check a decoy, so timing tells nothing."""
    if user is None:
        verify_password(_decoy_hash(), password)
        return False
    return verify_password(user.password_hash, password)


def sign_in_with_code(
    session: Session, *, challenge_token: str, code: str, address: str, now: datetime,
    hours: float,
) -> SignIn:
    """The second step: a right, unused code turns the challenge into a session."""
    challenge, user = resolve_challenge(session, token=challenge_token, now=now)
    attempt = Attempt(username=user.username, address=address, now=now)
    refusal = _throttled(session, attempt, user)
    if refusal is not None:
        if refusal.outcome is Outcome.locked:
            end_challenge(session, token=challenge_token)
        return refusal
    enrolling = user.totp_enabled_at is None
    result = check_code(session, user=user, code=code, now=now)
    if not result.accepted:
        failed = _fail(session, attempt, user, FailureKind.wrong_code, code_error(result))
        if failed.outcome is Outcome.locked:
            end_challenge(session, token=challenge_token)
        return failed
    if enrolling:
        _audit(session, attempt, user, AuditAction.second_factor_enrolled)
    end_challenge(session, token=challenge_token)
    return _succeed(session, attempt, user, next_path=challenge.next_path, hours=hours)


def code_error(result: totp.Verification) -> PanahError:
    if result.outcome is totp.CodeCheck.replayed:
        return NotAuthenticated(
            "This code was already used. Wait for the next code in your authenticator app "
            "and type that one.",
            "این کد پیش‌تر به کار رفته است. منتظر کد بعدی در برنامهٔ احرازگر بمانید و آن را "
            "وارد کنید.",
        )
    if result.outcome is totp.CodeCheck.malformed:
        return InvalidInput(
            f"Type the {totp.DIGITS}-digit code your authenticator app shows now.",
            f"کد {_fa(totp.DIGITS)} رقمی‌ای را که برنامهٔ احرازگر اکنون نشان می‌دهد وارد کنید.",
        )
    return NotAuthenticated(
        "That code is not right. Type the code your authenticator app shows now; check that "
        "the phone's clock is set automatically.",
        "این کد درست نیست. کدی را که برنامهٔ احرازگر اکنون نشان می‌دهد وارد کنید؛ مطمئن شوید "
        "ساعت گوشی خودکار تنظیم می‌شود.",
    )


def _throttled(session: Session, attempt: Attempt, user: User | None) -> SignIn | None:
    state = throttle_state(
        session, username=attempt.username, address=attempt.address, now=attempt.now
    )
    if state.verdict is throttle.Verdict.address_throttled:
        return SignIn(Outcome.throttled, retry_after=state.retry_after)
    if state.verdict is throttle.Verdict.account_locked:
        record_failure(
            session, username=attempt.username, address=attempt.address, now=attempt.now,
            kind=FailureKind.while_locked,
        )
        _audit(session, attempt, user, AuditAction.login_failed, reason="account locked")
        return SignIn(Outcome.locked, locked_until=state.locked_until)
    return None


def _fail(
    session: Session, attempt: Attempt, user: User | None, kind: FailureKind, error: PanahError
) -> SignIn:
    record_failure(
        session, username=attempt.username, address=attempt.address, now=attempt.now, kind=kind
    )
    _audit(session, attempt, user, AuditAction.login_failed, reason=kind.value)
    state = throttle_state(
        session, username=attempt.username, address=attempt.address, now=attempt.now
    )
    if state.verdict is throttle.Verdict.account_locked:
        limits = throttle.LIMITS
        _audit(
            session, attempt, user, AuditAction.lockout,
            reason=f"{limits.account_failures} failed sign-ins within "
            f"{limits.window.total_seconds() / 60:g} minutes",
        )
        return SignIn(Outcome.locked, locked_until=state.locked_until)
    return SignIn(Outcome.refused, error=error)


def _succeed(
    session: Session, attempt: Attempt, user: User, *, next_path: str, hours: float
) -> SignIn:
    clear_failures(session, username=attempt.username)
    token = start_session(session, user=user, now=attempt.now, hours=hours)
    _audit(session, attempt, user, AuditAction.login)
    return SignIn(Outcome.signed_in, token=token, next_path=next_path)


def _audit(
    session: Session,
    attempt: Attempt,
    user: User | None,
    action: AuditAction,
    *,
    reason: str | None = None,
) -> None:
    # Never the typed username of an unknown user: people type passwords into that field.
    append(
        session,
        now=attempt.now,
        actor=actor_of(user) if user is not None else None,
        action=action,
        subject_type="user",
        subject_id=str(user.id) if user is not None else UNKNOWN_SUBJECT,
        reason=reason,
    )
