"""The one function that decides every access."""

from __future__ import annotations

from dataclasses import dataclass

from panah.security.roles import ROLE_PERMISSIONS, Permission, Role


@dataclass(frozen=True, slots=True)
class Actor:
    """Who is asking: enough of a user to decide access without the database."""

    user_id: int
    username: str
    role: Role
    province_code: str | None = None
    centre_id: int | None = None


def is_allowed(actor: Actor | None, permission: Permission) -> bool:
    if permission is Permission.public:
        return True
    if actor is None:
        return False
    return actor.role in ROLE_PERMISSIONS[permission]
