"""Server-side sessions: create, resolve and end them inside the caller's transaction."""

from __future__ import annotations

import hashlib
import secrets
from datetime import UTC, datetime, timedelta

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from panah.core.errors import NotAuthenticated
from panah.security.orm import User, WebSession
from panah.security.passwords import verify_password
from panah.security.policy import Actor
from panah.security.roles import Role


def _hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def authenticate(session: Session, *, username: str, password: str) -> User:
    user = session.scalar(select(User).where(User.username == username.strip().lower()))
    if user is None or not user.is_active or not verify_password(user.password_hash, password):
        raise NotAuthenticated(
            "Wrong username or password. Check both and try again.",
            "نام کاربری یا گذرواژه نادرست است. هر دو را بررسی کنید و دوباره تلاش کنید.",
        )
    return user


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
    if row is None or _aware(row.expires_at) <= now:
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
    )


def _aware(moment: datetime) -> datetime:
    # SQLite returns naive datetimes; everything Panah stores is UTC.
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)
