"""The one policy function: declared permissions, roles, anonymous visitors."""

from __future__ import annotations

import pytest

from panah.security.policy import Actor, is_allowed
from panah.security.roles import ROLE_PERMISSIONS, Permission, Role


def _actor(role: Role) -> Actor:
    return Actor(user_id=1, username=role.value, role=role, province_code="IR-02")


def test_every_permission_has_a_rule() -> None:
    assert set(ROLE_PERMISSIONS) == set(Permission)


def test_anonymous_visitor_gets_only_public() -> None:
    assert is_allowed(None, Permission.public)
    assert not any(is_allowed(None, p) for p in Permission if p is not Permission.public)


@pytest.mark.parametrize("role", list(Role))
def test_every_role_may_sign_in_and_out(role: Role) -> None:
    assert is_allowed(_actor(role), Permission.authenticated)


def test_analyst_does_not_see_the_live_map_and_partners_see_no_staff_pages() -> None:
    assert not is_allowed(_actor(Role.analyst), Permission.view_map)
    assert not is_allowed(_actor(Role.partner_agency), Permission.view_map)
    assert not is_allowed(_actor(Role.partner_agency), Permission.view_organisation)
    assert is_allowed(_actor(Role.counsellor), Permission.view_map)


def test_only_admin_and_national_office_import_boundaries() -> None:
    allowed = {r for r in Role if is_allowed(_actor(r), Permission.manage_geography)}
    assert allowed == {Role.admin, Role.national_office}
