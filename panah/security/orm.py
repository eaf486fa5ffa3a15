"""Users, their server-side web sessions, sign-in state and partner API keys."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Boolean, DateTime, ForeignKey, Index, Integer, String, false
from sqlalchemy.orm import Mapped, mapped_column

from panah.core.db import Base
from panah.security.crypto import EncryptedText


class User(Base):
    __tablename__ = "app_user"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    username: Mapped[str] = mapped_column(String(80), unique=True)
    full_name: Mapped[str] = mapped_column(String(120))
    password_hash: Mapped[str] = mapped_column(String(200))
    role: Mapped[str] = mapped_column(String(30))
    province_code: Mapped[str | None] = mapped_column(ForeignKey("province.code"))
    centre_id: Mapped[int | None] = mapped_column(ForeignKey("centre.id"))
    language: Mapped[str] = mapped_column(String(2), default="fa")
    is_active: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    # TOTP: a secret with no totp_enabled_at is an enrolment begun but not yet confirmed.
    totp_secret: Mapped[str | None] = mapped_column(EncryptedText("app_user.totp_secret"))
    totp_enabled_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    totp_last_step: Mapped[int | None] = mapped_column(Integer)  # the last code used: no replay
    # What callers may ask of a counsellor: the languages they speak (comma-separated names,
    # panah.intake.model.Language) and whether she is a woman (some callers ask for one).
    languages: Mapped[str] = mapped_column(String(120), default="persian",
                                           server_default="persian")
    is_woman: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    # Issue 15: what else a counsellor or a crew member is trained for (comma-separated keys,
    # panah.security.people.model.SKILLS), the phone the field app reaches them on
    # (personal: sealed), and since when the account is disabled.
    skills: Mapped[str] = mapped_column(String(200), default="", server_default="")
    phone: Mapped[str | None] = mapped_column(EncryptedText("app_user.phone"))
    disabled_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))


class AccessLink(Base):
    """A one-time link to set a password (a new account, a forgotten password) or to set up
    the second factor again (a lost phone). The link holds a random token; only its hash
    is stored. It works once, until ``expires_at``; a newer link for the user replaces it.
    """

    __tablename__ = "access_link"

    token_hash: Mapped[str] = mapped_column(String(64), primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("app_user.id", ondelete="CASCADE"), index=True)
    purpose: Mapped[str] = mapped_column(String(20))  # people.model.LinkPurpose
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    created_by: Mapped[int | None] = mapped_column(Integer)  # no FK: the command line has no user
    expires_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    used_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))


class Presence(Base):
    """When a user last had the 123 console open (its queue polls every few seconds)."""

    __tablename__ = "presence"

    user_id: Mapped[int] = mapped_column(ForeignKey("app_user.id", ondelete="CASCADE"),
                                         primary_key=True)
    seen_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), index=True)


class WebSession(Base):
    """A signed-in browser. The cookie holds a random token; only its hash is stored."""

    __tablename__ = "web_session"

    token_hash: Mapped[str] = mapped_column(String(64), primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("app_user.id", ondelete="CASCADE"), index=True)
    csrf_token: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    expires_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), index=True)


class LoginChallenge(Base):
    """A password that was right, waiting for its second factor: never a session.

    Kept apart from ``web_session`` so no code path can mistake it for a signed-in user.
    The cookie holds a random token; only its hash is stored. It lives a few minutes.
    """

    __tablename__ = "login_challenge"

    token_hash: Mapped[str] = mapped_column(String(64), primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("app_user.id", ondelete="CASCADE"), index=True)
    next_path: Mapped[str] = mapped_column(String(500), default="/")
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    expires_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), index=True)


class LoginFailure(Base):
    """One refused sign-in, kept for the throttling window (see ``panah.security.throttle``).

    ``username`` is what was typed (lower-cased), whether or not such a user exists, so an
    unknown name is throttled exactly like a real one and reveals nothing.
    """

    __tablename__ = "login_failure"
    __table_args__ = (
        Index("ix_login_failure_username_at", "username", "at"),
        Index("ix_login_failure_address_at", "address", "at"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    username: Mapped[str] = mapped_column(String(80))
    address: Mapped[str] = mapped_column(String(64))
    at: Mapped[datetime] = mapped_column(DateTime(timezone=True), index=True)
    # wrong_password, wrong_code, or while_locked (counts against the address only)
    kind: Mapped[str] = mapped_column(String(20))


class ApiKey(Base):
    """A partner agency's key: ``pnh_<prefix>_<secret>``, shown once when it is created."""

    __tablename__ = "api_key"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("app_user.id"), index=True)
    label: Mapped[str] = mapped_column(String(120))
    province_code: Mapped[str | None] = mapped_column(ForeignKey("province.code"))  # None: nation
    prefix: Mapped[str] = mapped_column(String(16), unique=True)  # public, to find the row
    # SHA-256 of the secret part. The secret is 32 random bytes, so it cannot be guessed or
    # found in a dictionary: a fast hash is enough (argon2 is for low-entropy passwords, and
    # would cost ~50 ms on every API request).
    secret_hash: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    created_by: Mapped[int | None] = mapped_column(ForeignKey("app_user.id"))
    revoked_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    last_used_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
