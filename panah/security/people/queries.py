"""Read models of people: the people an administrator may manage (the list, one person,
the spreadsheet rows) and what the forms offer (roles they may grant, provinces, centres).

An administrator sees exactly the people they may act on (``model.may_grant``): a
national administrator everyone, a provincial one the non-national people of their
province other than administrators.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from panah.centres.orm import Centre
from panah.core.errors import Forbidden
from panah.geo.orm import Province
from panah.security.orm import User
from panah.security.people import model
from panah.security.people.schemas import PersonIn, PersonPublic
from panah.security.people.service import find_user, has_password
from panah.security.policy import Actor, scope_of
from panah.security.roles import Role, Scope


def _split(text: str | None) -> list[str]:
    return [part for part in (text or "").split(",") if part]


def _managed(session: Session, actor: Actor, *, province_code: str | None = None,
             role: Role | None = None) -> list[tuple[User, str | None]]:
    """The people ``actor`` may act on, by name, with their centre's code."""
    query = select(User, Centre.code).outerjoin(Centre, Centre.id == User.centre_id)
    if scope_of(actor) is not Scope.nation:
        query = query.where(User.province_code == actor.province_code)
    if province_code:
        query = query.where(User.province_code == province_code)
    if role is not None:
        query = query.where(User.role == role.value)
    rows = session.execute(query.order_by(User.full_name, User.username)).all()
    return [(user, code) for user, code in rows
            if model.may_grant(actor, Role(user.role), user.province_code)]


def _public(user: User, centre: str | None) -> PersonPublic:
    return PersonPublic(
        id=user.id, username=user.username, full_name=user.full_name, role=Role(user.role),
        province_code=user.province_code, centre=centre, skills=_split(user.skills),
        languages=_split(user.languages), is_woman=user.is_woman, phone=user.phone,
        active=user.is_active, disabled_at=user.disabled_at, has_password=has_password(user),
        second_factor=user.totp_enabled_at is not None, created_at=user.created_at,
    )


def people(session: Session, *, actor: Actor, province_code: str | None = None,
           role: Role | None = None, text: str = "") -> list[PersonPublic]:
    """The people ``actor`` manages, by name; filtered by province, role and a part of the
    name or username."""
    wanted = text.strip().lower()
    return [_public(user, code)
            for user, code in _managed(session, actor, province_code=province_code, role=role)
            if not wanted or wanted in user.username or wanted in user.full_name.lower()]


def person(session: Session, *, actor: Actor, username: str) -> PersonPublic:
    """One person ``actor`` manages; ``NotFound`` or ``Forbidden`` otherwise."""
    user = find_user(session, username)
    grant = model.may_grant(actor, Role(user.role), user.province_code)
    if not grant:
        raise grant.error()
    centre = session.get(Centre, user.centre_id) if user.centre_id is not None else None
    return _public(user, centre.code if centre is not None else None)


def person_rows(session: Session, *, actor: Actor) -> list[PersonIn]:
    """Every person ``actor`` manages, as spreadsheet rows (what an import takes back)."""
    return [PersonIn(username=user.username, full_name=user.full_name, role=Role(user.role),
                     province_code=user.province_code, centre=code,
                     skills=_split(user.skills), languages=_split(user.languages),
                     is_woman=user.is_woman, phone=user.phone, active=user.is_active)
            for user, code in _managed(session, actor)]


@dataclass(frozen=True, slots=True)
class Choice:
    value: str
    label_fa: str
    label_en: str


@dataclass(frozen=True, slots=True)
class PeopleForm:
    """What the people page's forms offer ``actor``: only what they may grant."""

    roles: list[Role]
    provinces: list[Choice]
    centres: list[Choice]
    skills: list[Choice]
    languages: list[Choice]
    provincial: bool  # the actor is a provincial administrator: the province is fixed


def people_form(session: Session, *, actor: Actor) -> PeopleForm:
    if not model.may_grant(actor, Role.counsellor, actor.province_code):
        raise Forbidden("Only an administrator manages people.",
                        "فقط مدیر سامانه کاربران را مدیریت می‌کند.")
    provincial = scope_of(actor) is not Scope.nation
    province_query = select(Province).order_by(Province.name_fa)
    centre_query = select(Centre).order_by(Centre.province_code, Centre.name_fa)
    if provincial:
        province_query = province_query.where(Province.code == actor.province_code)
        centre_query = centre_query.where(Centre.province_code == actor.province_code)
    roles = [role for role in Role if model.may_grant(
        actor, role, None if role in model.NATIONAL_ROLES else actor.province_code)]
    return PeopleForm(
        roles=roles,
        provinces=[Choice(p.code, p.name_fa, p.name_en) for p in session.scalars(province_query)],
        centres=[Choice(c.code, c.name_fa, c.name_en) for c in session.scalars(centre_query)],
        skills=[Choice(key, fa, en) for key, (en, fa) in model.SKILLS.items()],
        languages=[Choice(lang.value, fa, en)
                   for lang, (en, fa) in model.LANGUAGE_NAMES.items()],
        provincial=provincial,
    )

