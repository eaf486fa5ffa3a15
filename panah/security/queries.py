"""The security domain's read side for pages and the partner API. Nothing here writes."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from panah.geo.queries import RegionName, province_names
from panah.security.apikeys import list_keys
from panah.security.orm import ApiKey, User
from panah.security.policy import Actor
from panah.security.roles import KEY_ROLES
from panah.security.schemas import ApiKeyPublic, WhoAmIPublic


@dataclass(frozen=True, slots=True)
class PartnerAccount:
    """An active partner-agency or integration account: one a key may be made for."""

    username: str
    full_name: str


@dataclass(frozen=True, slots=True)
class ApiKeysPage:
    """The administrators' page of partner keys: every key (the newest first), the
    accounts a new key may be for, and the provinces a key may be limited to."""

    keys: list[ApiKeyPublic]
    partners: list[PartnerAccount]
    provinces: list[RegionName]


def api_keys_page(session: Session) -> ApiKeysPage:
    accounts = session.scalars(
        select(User).where(User.role.in_(KEY_ROLES), User.is_active).order_by(User.username)
    )
    return ApiKeysPage(
        keys=list_keys(session),
        partners=[PartnerAccount(u.username, u.full_name) for u in accounts],
        provinces=province_names(session),
    )


def whoami(session: Session, *, actor: Actor, key_id: int | None) -> WhoAmIPublic:
    """The agency behind ``actor`` (signed in with key ``key_id``, or through the web) and
    the area it reaches."""
    key = session.get(ApiKey, key_id) if key_id is not None else None
    user = session.get_one(User, actor.user_id)
    return WhoAmIPublic(
        username=actor.username,
        agency=user.full_name,
        label=key.label if key is not None else None,
        scope="national" if actor.national else "province",
        province_code=actor.province_code,
    )
