"""Use cases of people: save (create or update), disable, and one-time links.

Each runs inside the caller's unit of work and never commits. Every check comes before
the first write, so a refusal leaves nothing half-made. ``actor`` None is the machine's
operator at the command line (``panah users``), who may do anything; it is audited as
such (no actor on the audit row, reason ``command line``).
"""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import datetime
from typing import Any, cast

from sqlalchemy import CursorResult, delete, select, update
from sqlalchemy.orm import Session

from panah.centres.orm import Centre
from panah.core.clock import as_utc
from panah.core.errors import Conflict, InvalidInput, NotFound
from panah.geo.orm import Province
from panah.security import totp
from panah.security.audit import AuditAction
from panah.security.audit_orm import append
from panah.security.orm import AccessLink, LoginChallenge, User, WebSession
from panah.security.passwords import hash_password
from panah.security.people import model
from panah.security.people.model import CentrePlace, LinkPurpose, LinkState
from panah.security.people.schemas import PersonIn
from panah.security.policy import Actor
from panah.security.roles import Role
from panah.security.sessions import actor_of

# A new person has no password until they set one through their one-time link: a hash
# argon2 can never match (it is no hash at all).
NO_PASSWORD = "!"  # noqa: S105
COMMAND_LINE = "command line"
ACCESS_PATH = "/access/"


def has_password(user: User) -> bool:
    return not user.password_hash.startswith(NO_PASSWORD)


def _hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def _audit(session: Session, *, now: datetime, actor: Actor | None, action: AuditAction,
           user: User, reason: str) -> None:
    append(session, now=now, actor=actor, action=action, subject_type="user",
           subject_id=str(user.id), reason=reason if actor is not None else
           f"{reason} ({COMMAND_LINE})")


def find_user(session: Session, username: str) -> User:
    user = session.scalar(select(User).where(User.username == username.strip().lower()))
    if user is None:
        raise NotFound(f"Nobody has the username {username!r}.",
                       f"کسی با نام کاربری {username!r} نیست.", username=username)
    return user


def _check_acts_on(actor: Actor | None, user: User) -> None:
    """An actor acts on a person only if they could grant that person's role there."""
    if actor is None:
        return
    grant = model.may_grant(actor, Role(user.role), user.province_code)
    if not grant:
        raise grant.error()


# ---- saving a person ------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Cleaned:
    """A person's fields, checked, ready to write."""

    username: str
    full_name: str
    role: Role
    province_code: str | None
    centre: Centre | None
    skills: list[str]
    languages: list[str]
    is_woman: bool
    phone: str | None
    active: bool


def _centre(session: Session, code: str | None) -> Centre | None:
    if code is None:
        return None
    centre = session.scalar(select(Centre).where(Centre.code == code))
    if centre is None:
        raise InvalidInput(f"There is no centre with the code {code!r}.",
                           f"مرکزی با کد {code!r} نیست.", field="centre_code", centre=code)
    return centre


def clean(session: Session, data: PersonIn) -> Cleaned:
    """Every field checked, with the rules of :mod:`model`; raises the first refusal."""
    province = data.province_code
    if province is not None and session.get(Province, province) is None:
        raise InvalidInput(f"There is no province {province!r}.", f"استان {province!r} نیست.",
                           field="province_code")
    centre = _centre(session, data.centre)
    place = CentrePlace(centre.code, centre.province_code) if centre is not None else None
    error = model.placement_error(data.role, province, place)
    if error is not None:
        raise error
    return Cleaned(
        username=model.clean_username(data.username),
        full_name=model.clean_full_name(data.full_name),
        role=data.role, province_code=province, centre=centre,
        skills=model.parse_skills(data.skills),
        languages=[lang.value for lang in model.parse_languages(data.languages)],
        is_woman=data.is_woman, phone=model.clean_phone(data.phone), active=data.active,
    )


def save_person(session: Session, *, actor: Actor | None, now: datetime,
                data: PersonIn) -> tuple[User, bool]:
    """Create the person of ``data.username``, or update them; ``(user, created)``.

    Refused (``Forbidden``) when the actor may not grant the role there, or may not act on
    the person as they are now; a new person has no password (make them a one-time link).
    """
    fields = clean(session, data)
    if actor is not None:
        grant = model.may_grant(actor, fields.role, fields.province_code)
        if not grant:
            raise grant.error()
    user = session.scalar(select(User).where(User.username == fields.username))
    created = user is None
    if user is None:
        user = User(username=fields.username, password_hash=NO_PASSWORD, created_at=now,
                    language="fa")
    else:
        _check_acts_on(actor, user)
        if actor is not None:
            own = model.own_account_error(
                actor, user.id, role=fields.role, province_code=fields.province_code,
                active=fields.active, current=(Role(user.role), user.province_code))
            if own is not None:
                raise own
    changed = _write(user, fields)
    toggled = not created and user.is_active != fields.active
    if created:
        user.is_active, user.disabled_at = fields.active, None if fields.active else now
        session.add(user)
    elif toggled and not fields.active:
        _end_access(session, user, now=now)
    elif toggled:
        user.is_active, user.disabled_at = True, None
    session.flush()
    if created or changed or toggled:
        _audit(session, now=now, actor=actor,
               action=AuditAction.create if created else AuditAction.update, user=user,
               reason=_describe(fields, changed, created, toggled))
    return user, created


def _write(user: User, fields: Cleaned) -> list[str]:
    """Set the fields; the names of those that changed (never their values: personal)."""
    values: dict[str, Any] = {
        "full_name": fields.full_name, "role": fields.role.value,
        "province_code": fields.province_code,
        "centre_id": fields.centre.id if fields.centre is not None else None,
        "skills": ",".join(fields.skills), "languages": ",".join(fields.languages),
        "is_woman": fields.is_woman, "phone": fields.phone,
    }
    changed = [name for name, value in values.items() if getattr(user, name, None) != value]
    for name, value in values.items():
        setattr(user, name, value)
    return changed


def _describe(fields: Cleaned, changed: list[str], created: bool, toggled: bool) -> str:
    where = fields.province_code or "national"
    head = f"role {fields.role.value} in {where}"
    if created:
        return f"person created: {head}" + ("" if fields.active else ", disabled")
    if toggled:
        changed = [*changed, "enabled" if fields.active else "disabled: every session ended"]
    return f"person changed ({', '.join(changed)}): {head}"


def create_person(session: Session, *, actor: Actor | None, now: datetime,
                  data: PersonIn) -> User:
    """A new person; ``Conflict`` when the username is taken."""
    if session.scalar(select(User.id).where(User.username == data.username.lower())):
        raise Conflict(f"The username {data.username!r} is taken: choose another, or edit "
                       "that person.",
                       f"نام کاربری {data.username!r} گرفته شده است: نام دیگری برگزینید یا "
                       "همان شخص را ویرایش کنید.", field="username")
    return save_person(session, actor=actor, now=now, data=data)[0]


def update_person(session: Session, *, actor: Actor | None, now: datetime, username: str,
                  data: PersonIn) -> User:
    """Change an existing person (the username stays)."""
    user = find_user(session, username)
    return save_person(session, actor=actor, now=now,
                       data=data.model_copy(update={"username": user.username}))[0]


# ---- disabling ------------------------------------------------------------------------


def _end_access(session: Session, user: User, *, now: datetime) -> None:
    """Disable the account and end every session, pending sign-in and unused link of it."""
    user.is_active, user.disabled_at = False, now
    for table in (WebSession, LoginChallenge):
        session.execute(delete(table).where(table.user_id == user.id))
    session.execute(delete(AccessLink).where(AccessLink.user_id == user.id,
                                             AccessLink.used_at.is_(None)))


def disable_person(session: Session, *, actor: Actor | None, now: datetime,
                   username: str) -> User:
    """Disable an account: every session of it ends at once (audited)."""
    user = find_user(session, username)
    _check_acts_on(actor, user)
    if actor is not None:
        own = model.own_account_error(actor, user.id, role=Role(user.role),
                                      province_code=user.province_code, active=False,
                                      current=(Role(user.role), user.province_code))
        if own is not None:
            raise own
    if user.is_active:
        _end_access(session, user, now=now)
        session.flush()
        _audit(session, now=now, actor=actor, action=AuditAction.update, user=user,
               reason="person disabled: every session ended")
    return user


# ---- one-time links -------------------------------------------------------------------


def issue_access_link(session: Session, *, actor: Actor | None, now: datetime, username: str,
                      purpose: LinkPurpose) -> tuple[str, AccessLink]:
    """A new one-time link for ``username``: its token (shown once; only its hash is kept)
    and its row. A newer link replaces every unused older one."""
    user = find_user(session, username)
    _check_acts_on(actor, user)
    if not user.is_active:
        raise InvalidInput("This account is disabled: enable it before making a link.",
                           "این حساب غیرفعال است: پیش از ساختن پیوند آن را فعال کنید.",
                           field="username")
    session.execute(delete(AccessLink).where(AccessLink.user_id == user.id,
                                             AccessLink.used_at.is_(None)))
    token = secrets.token_urlsafe(32)
    link = AccessLink(token_hash=_hash(token), user_id=user.id, purpose=purpose.value,
                      created_at=now, created_by=actor.user_id if actor else None,
                      expires_at=model.link_expires_at(now))
    session.add(link)
    session.flush()
    _audit(session, now=now, actor=actor, action=AuditAction.grant, user=user,
           reason=f"one-time link made: {purpose.value}")
    return token, link


@dataclass(frozen=True, slots=True)
class LinkView:
    """What the one-time link's page shows before a password is set."""

    state: LinkState
    purpose: LinkPurpose | None = None
    username: str = ""
    full_name: str = ""


def _link(session: Session, token: str) -> tuple[AccessLink | None, User | None]:
    link = session.get(AccessLink, _hash(token))
    user = session.get(User, link.user_id) if link is not None else None
    return link, user


def access_link_view(session: Session, *, now: datetime, token: str) -> LinkView:
    """Whether the link is usable, and for whom. Unknown or replaced: ``used``."""
    link, user = _link(session, token)
    if link is None or user is None or not user.is_active:
        return LinkView(LinkState.used)
    state = model.link_state(expires_at=as_utc(link.expires_at),
                             used_at=link.used_at, now=now)
    return LinkView(state, LinkPurpose(link.purpose), user.username, user.full_name)


def link_error(state: LinkState) -> InvalidInput:
    if state is LinkState.expired:
        return InvalidInput("This link has expired. Ask your administrator for a new one.",
                            "این پیوند منقضی شده است. از مدیر سامانه پیوند تازه بخواهید.",
                            state=state.value)
    return InvalidInput("This link was already used or replaced by a newer one. Ask your "
                        "administrator for a new link, or sign in if you set your password.",
                        "این پیوند پیش‌تر به کار رفته یا پیوند تازه‌تری جای آن را گرفته است. "
                        "از مدیر سامانه پیوند تازه بخواهید، یا اگر گذرواژه را گذاشته‌اید وارد "
                        "شوید.", state=state.value)


def use_access_link(session: Session, *, now: datetime, token: str, password: str) -> User:
    """Set the person's password through their link (checked by the password rules); for a
    second-factor link also forget the authenticator app, so the next sign-in sets up a
    new one. Works once: the link is claimed with a conditional UPDATE."""
    view = access_link_view(session, now=now, token=token)
    if view.state is not LinkState.usable:
        raise link_error(view.state)
    link, user = _link(session, token)
    assert link is not None and user is not None  # noqa: S101 - usable means both exist
    model.check_password(password, username=user.username, full_name=user.full_name)
    claimed = session.execute(
        update(AccessLink).where(AccessLink.token_hash == link.token_hash,
                                 AccessLink.used_at.is_(None))
        .values(used_at=now).execution_options(synchronize_session=False))
    if cast(CursorResult[Any], claimed).rowcount != 1:
        raise link_error(LinkState.used)
    user.password_hash = hash_password(password)
    if view.purpose is LinkPurpose.second_factor:
        user.totp_secret = user.totp_enabled_at = user.totp_last_step = None
    for table in (WebSession, LoginChallenge):  # a new password ends the old sessions
        session.execute(delete(table).where(table.user_id == user.id))
    session.flush()
    _audit(session, now=now, actor=actor_of(user), action=AuditAction.update, user=user,
           reason=f"password set through a one-time link ({link.purpose})")
    return user


# ---- the command line -----------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class FirstEnrolment:
    """What the command line prints so the person sets up their authenticator app: the
    same secret the web's first sign-in then asks a code for."""

    secret: str
    secret_groups: str
    uri: str


def create_user(session: Session, *, now: datetime, data: PersonIn,
                password: str) -> tuple[User, FirstEnrolment]:
    """A person made by the machine's operator with a password (checked by the rules),
    and an authenticator app begun: the first sign-in asks its code and confirms it."""
    fields = clean(session, data)
    model.check_password(password, username=fields.username, full_name=fields.full_name)
    user = create_person(session, actor=None, now=now, data=data)
    user.password_hash = hash_password(password)
    secret = totp.new_secret()
    user.totp_secret, user.totp_enabled_at, user.totp_last_step = secret, None, None
    session.flush()
    return user, FirstEnrolment(secret, totp.grouped(secret),
                                totp.provisioning_uri(secret, username=user.username))
