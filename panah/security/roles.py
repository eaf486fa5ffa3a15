"""Roles and permissions. The security issue fills in the full matrix and scopes."""

from __future__ import annotations

from enum import StrEnum


class Role(StrEnum):
    counsellor = "counsellor"  # کارشناس خط ۱۲۳
    dispatcher = "dispatcher"
    field_crew = "field_crew"
    social_worker = "social_worker"
    psychologist = "psychologist"
    psychiatrist = "psychiatrist"
    legal_adviser = "legal_adviser"
    shelter_manager = "shelter_manager"
    community_worker = "community_worker"
    supervisor = "supervisor"
    provincial_manager = "provincial_manager"
    national_office = "national_office"
    analyst = "analyst"
    partner_agency = "partner_agency"
    admin = "admin"


class Permission(StrEnum):
    """What a route needs. ``public`` is a declaration too: open to anyone, on purpose."""

    public = "public"
    authenticated = "authenticated"  # any signed-in user (home page, logout)
    view_map = "view_map"
    view_geography = "view_geography"
    manage_geography = "manage_geography"
    view_organisation = "view_organisation"


_STAFF = frozenset(Role) - {Role.partner_agency}

# Who may do what. Scope (centre, county, province, nation) comes with the security issue.
ROLE_PERMISSIONS: dict[Permission, frozenset[Role]] = {
    Permission.public: frozenset(Role),
    Permission.authenticated: frozenset(Role),
    Permission.view_map: _STAFF - {Role.analyst},
    Permission.view_geography: _STAFF,
    Permission.manage_geography: frozenset({Role.admin, Role.national_office}),
    Permission.view_organisation: _STAFF,
}


def roles_allowed(permission: Permission) -> frozenset[Role]:
    return ROLE_PERMISSIONS[permission]
