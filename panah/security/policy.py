"""The one function that decides every access: :func:`decide` (and its yes/no, :func:`is_allowed`).

Pure: the caller gathers the facts (who asks, what the resource is, whether a break-glass
is open) and the function answers with a reason, so the audit log can say *why* access
was given. The rules, in order:

1. The role must hold the permission (``ROLE_PERMISSIONS``).
2. A resource that belongs to a place is seen only within the actor's scope: its centre,
   its province, or the nation.
3. Case records are need-to-know: the case team, and the supervisors of the case's
   province. Anyone else with the permission may open a case only by break-glass.
4. A restricted category (sexual abuse, gender dysphoria, shelter address) needs an
   explicit grant, team or not; break-glass is the only way past it, and is reported.
5. Break-glass never widens the scope: it reaches the cases of the actor's own area, and
   beyond it only the case of the person the actor is talking to right now (a contact
   assigned to them and not closed, from the client's number: ``Resource.handled_by``).
   A case transferred out of the actor's province is reached the same way
   (``Resource.transferred_from``): access moves with the case, and the sending
   province looks back only with a reason, audited.
   Only roles that open case files may break glass (not the field crew or the community
   worker: ``ROLE_PERMISSIONS[Permission.break_glass]``).

An administrator with a province is that province's administrator (:func:`scope_of`); a
national account (``Resource.nation_wide``) is beyond every provincial scope.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum

from panah.security.roles import (
    ROLE_PERMISSIONS,
    ROLE_SCOPE,
    SUPERVISING_ROLES,
    Permission,
    Role,
    Scope,
)


@dataclass(frozen=True, slots=True)
class Actor:
    """Who is asking: enough of a user to decide access without the database."""

    user_id: int
    username: str
    role: Role
    province_code: str | None = None
    centre_id: int | None = None
    grants: frozenset[str] = field(default_factory=frozenset)  # restricted categories granted
    national: bool = False  # a partner key with no province reaches the nation
    full_name: str = ""  # for display only; never used to decide


@dataclass(frozen=True, slots=True)
class Resource:
    """What is being reached: where it belongs and, for a case, who is on its team."""

    kind: str
    province_code: str | None = None
    centre_id: int | None = None
    team: frozenset[int] = frozenset()
    restricted_category: str | None = None
    need_to_know: bool = False  # True for case records
    # For a contact of the 123 line: the queues it is offered on (its province's, then
    # backups after overflow, "national" for the national pool). Empty: not a queued thing.
    offered_to: frozenset[str] = frozenset()
    # For a case: who is handling, right now, a contact from its client's number (assigned
    # to them, not closed). Break-glass reaches such a case from outside its province.
    handled_by: frozenset[int] = frozenset()
    # For a case: the provinces it was transferred out of. Their staff no longer reach it,
    # except by break-glass with a reason (audited): the one way past the scope besides
    # ``handled_by``.
    transferred_from: frozenset[str] = frozenset()
    # Belongs to the whole nation although it has no province (a national account: the
    # national office, an analyst, a national admin): only a national scope reaches it.
    nation_wide: bool = False


class Why(StrEnum):
    public = "public"
    role = "role"  # the role allows it and nothing narrower applies
    scope = "scope"  # within the actor's centre, province or the nation
    team = "team"
    supervisor = "supervisor"
    break_glass = "break_glass"
    # refusals
    anonymous = "anonymous"
    not_in_role = "not_in_role"
    out_of_scope = "out_of_scope"
    not_on_team = "not_on_team"
    restricted = "restricted"


@dataclass(frozen=True, slots=True)
class Decision:
    allowed: bool
    why: Why

    def __bool__(self) -> bool:
        return self.allowed


def decide(
    actor: Actor | None,
    permission: Permission,
    resource: Resource | None = None,
    *,
    break_glass: bool = False,
) -> Decision:
    if permission is Permission.public:
        return Decision(True, Why.public)
    if actor is None:
        return Decision(False, Why.anonymous)
    if actor.role not in ROLE_PERMISSIONS[permission]:
        return Decision(False, Why.not_in_role)
    if resource is None:
        return Decision(True, Why.role)
    glass = break_glass and actor.role in ROLE_PERMISSIONS[Permission.break_glass]
    if not _within_scope(actor, resource) and not (glass and _glass_reaches(actor, resource)):
        return Decision(False, Why.out_of_scope)
    if resource.need_to_know:
        return _need_to_know(actor, resource, glass)
    return Decision(True, Why.scope)


def is_allowed(
    actor: Actor | None,
    permission: Permission,
    resource: Resource | None = None,
    *,
    break_glass: bool = False,
) -> bool:
    return decide(actor, permission, resource, break_glass=break_glass).allowed


def _glass_reaches(actor: Actor, resource: Resource) -> bool:
    """Beyond the actor's scope, break-glass reaches the case of the person they are
    talking to now, and a case transferred out of their own province."""
    return (actor.user_id in resource.handled_by
            or (actor.province_code is not None
                and actor.province_code in resource.transferred_from))


def _need_to_know(actor: Actor, resource: Resource, glass: bool) -> Decision:
    granted = (
        resource.restricted_category is None or resource.restricted_category in actor.grants
    )
    if actor.user_id in resource.team:
        known = Decision(True, Why.team)
    elif actor.role in SUPERVISING_ROLES and actor.province_code == resource.province_code:
        known = Decision(True, Why.supervisor)
    else:
        known = Decision(False, Why.not_on_team)
    if known and granted:
        return known
    if glass:
        return Decision(True, Why.break_glass)
    return known if not known else Decision(False, Why.restricted)


def scope_of(actor: Actor) -> Scope:
    """How far ``actor`` reaches: their role's scope, the nation for a partner key with no
    province, and their own province for an administrator who has one (a provincial admin)."""
    if actor.national:
        return Scope.nation
    if actor.role is Role.admin and actor.province_code is not None:
        return Scope.province
    return ROLE_SCOPE[actor.role]


def _within_scope(actor: Actor, resource: Resource) -> bool:
    scope = scope_of(actor)
    if scope is Scope.nation:
        return True
    if resource.offered_to:
        return "national" in resource.offered_to or actor.province_code in resource.offered_to
    if resource.province_code is None:
        return not resource.nation_wide
    if actor.province_code != resource.province_code:
        return False
    if scope is Scope.province or resource.need_to_know:
        return True  # a case record's own rule (the team) is narrower than the centre
    # Centre scope: the actor's own centre, or a resource whose team the actor is on.
    return actor.user_id in resource.team or (
        resource.centre_id is not None and resource.centre_id == actor.centre_id
    )
