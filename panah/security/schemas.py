"""API shapes of the security domain: partner agencies' keys and who a key acts as."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

from pydantic import BaseModel, Field

if TYPE_CHECKING:
    from panah.security.orm import ApiKey, User

LABEL_MAX = 120


class ApiKeyCreate(BaseModel):
    username: str = Field(max_length=80, description="The partner agency's account")
    label: str = Field(max_length=LABEL_MAX, description="Who holds it: 'Police 110 Sari'")
    province_code: str | None = Field(
        default=None, max_length=5, description="IR-02 and the like; none for a national key"
    )


class ApiKeyPublic(BaseModel):
    id: int
    username: str
    label: str
    province_code: str | None
    scope: str  # "province" or "national"
    prefix: str
    created_at: datetime
    revoked_at: datetime | None
    last_used_at: datetime | None

    @classmethod
    def build(cls, key: ApiKey, user: User) -> ApiKeyPublic:
        return cls(
            id=key.id, username=user.username, label=key.label, province_code=key.province_code,
            scope="national" if key.province_code is None else "province", prefix=key.prefix,
            created_at=key.created_at, revoked_at=key.revoked_at, last_used_at=key.last_used_at,
        )


class ApiKeyCreated(ApiKeyPublic):
    key: str = Field(description="The whole key. Shown this once: store it now.")


class WhoAmIPublic(BaseModel):
    username: str
    agency: str  # the account's full name, e.g. "Police 110 Mazandaran"
    label: str | None  # the key's label; none when signed in through the web
    scope: str  # "national" or "province"
    province_code: str | None
