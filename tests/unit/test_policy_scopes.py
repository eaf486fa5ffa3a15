"""policy.decide: scope, need-to-know, restricted categories and break-glass, branch by branch.

Expectations are written out from the security issue's text, not derived from the tables
they check.
"""

from __future__ import annotations

import pytest

from panah.security.policy import Actor, Resource, Why, decide
from panah.security.roles import Permission, Role, needs_second_factor

MZ, GL = "IR-02", "IR-01"
SARI_CIC, CHALUS = 3, 7


def actor(role: Role, uid: int = 10, province: str | None = MZ, centre: int | None = SARI_CIC,
          grants: frozenset[str] = frozenset(), national: bool = False) -> Actor:
    return Actor(user_id=uid, username=role.value, role=role, province_code=province,
                 centre_id=centre, grants=grants, national=national)


def case(province: str = MZ, team: set[int] | None = None, restricted: str | None = None,
         centre: int | None = SARI_CIC) -> Resource:
    return Resource("case", province_code=province, centre_id=centre,
                    team=frozenset(team or set()), restricted_category=restricted,
                    need_to_know=True)


def test_team_member_opens_their_case() -> None:
    assert decide(actor(Role.social_worker), Permission.view_case, case(team={10})).why is Why.team


def test_colleague_in_the_same_centre_but_not_on_the_team_is_refused() -> None:
    decision = decide(actor(Role.psychologist, uid=11), Permission.view_case, case(team={10}))
    assert not decision and decision.why is Why.not_on_team


def test_supervisor_of_the_province_opens_any_case_there() -> None:
    d = decide(actor(Role.supervisor, uid=50, centre=None), Permission.view_case, case(team={10}))
    assert d.allowed and d.why is Why.supervisor


def test_supervisor_of_another_province_is_out_of_scope() -> None:
    d = decide(actor(Role.supervisor, uid=50, province=GL), Permission.view_case, case())
    assert not d and d.why is Why.out_of_scope


def test_team_member_moved_to_another_centre_still_sees_the_case() -> None:
    d = decide(actor(Role.social_worker, centre=CHALUS), Permission.view_case, case(team={10}))
    assert d.why is Why.team


@pytest.mark.parametrize("role", [Role.national_office, Role.analyst, Role.admin,
                                  Role.partner_agency, Role.dispatcher])
def test_roles_without_case_access_are_refused_even_nationally(role: Role) -> None:
    d = decide(actor(role, province=None, centre=None), Permission.view_case, case(team={10}))
    assert not d and d.why is Why.not_in_role


def test_restricted_case_needs_a_grant_even_on_the_team() -> None:
    resource = case(team={10}, restricted="sexual_abuse")
    refused = decide(actor(Role.social_worker), Permission.view_case, resource)
    assert not refused and refused.why is Why.restricted
    granted = actor(Role.social_worker, grants=frozenset({"sexual_abuse"}))
    assert decide(granted, Permission.view_case, resource).why is Why.team


def test_a_grant_for_one_category_does_not_open_another() -> None:
    other = actor(Role.social_worker, grants=frozenset({"gender_dysphoria"}))
    assert not decide(other, Permission.view_case, case(team={10}, restricted="sexual_abuse"))


def test_supervisor_also_needs_the_grant() -> None:
    supervisor = actor(Role.supervisor, uid=50)
    d = decide(supervisor, Permission.view_case, case(restricted="sexual_abuse"))
    assert not d and d.why is Why.restricted


def test_break_glass_opens_need_to_know_and_restriction_within_the_province_only() -> None:
    # Issue 14 (security 2): break-glass once skipped the scope check too; it no longer
    # crosses provinces (see tests/unit/test_policy_break_glass.py).
    colleague = actor(Role.psychologist, uid=99, centre=None)
    resource = case(team={10}, restricted="gender_dysphoria")
    assert not decide(colleague, Permission.view_case, resource)
    d = decide(colleague, Permission.view_case, resource, break_glass=True)
    assert d.allowed and d.why is Why.break_glass
    stranger = actor(Role.psychologist, uid=99, province=GL, centre=None)
    d = decide(stranger, Permission.view_case, resource, break_glass=True)
    assert not d and d.why is Why.out_of_scope


def test_break_glass_never_lifts_the_role() -> None:
    d = decide(actor(Role.analyst), Permission.view_case, case(), break_glass=True)
    assert not d and d.why is Why.not_in_role


def test_anonymous_is_refused_and_public_is_open() -> None:
    assert decide(None, Permission.view_case).why is Why.anonymous
    assert decide(None, Permission.public).allowed


def test_centre_scope_sees_its_centre_only() -> None:
    place = Resource("unit", province_code=MZ, centre_id=CHALUS)
    assert decide(actor(Role.field_crew, centre=CHALUS), Permission.view_map, place)
    d = decide(actor(Role.field_crew, centre=SARI_CIC), Permission.view_map, place)
    assert not d and d.why is Why.out_of_scope


def test_province_scope_and_nation_scope() -> None:
    place = Resource("unit", province_code=GL)
    assert not decide(actor(Role.dispatcher), Permission.view_map, place)
    assert decide(actor(Role.national_office, province=None), Permission.view_map, place)


def test_partner_key_is_provincial_unless_national() -> None:
    place = Resource("referral", province_code=GL)
    assert not decide(actor(Role.partner_agency), Permission.partner_api, place)
    assert decide(actor(Role.partner_agency, national=True), Permission.partner_api, place)


@pytest.mark.parametrize(
    ("role", "needed"),
    [(Role.counsellor, True), (Role.social_worker, True), (Role.supervisor, True),
     (Role.admin, True), (Role.national_office, True), (Role.analyst, False),
     (Role.partner_agency, False)],
)
def test_second_factor_for_roles_that_see_case_data_or_administer(role: Role, needed: bool) -> None:
    assert needs_second_factor(role) is needed


def test_analyst_gets_only_de_identified_data() -> None:
    analyst = actor(Role.analyst, province=None, centre=None)
    assert decide(analyst, Permission.export_deidentified)
    for permission in (Permission.view_case, Permission.find_client, Permission.break_glass,
                       Permission.review_access):
        assert not decide(analyst, permission)


def test_a_contact_is_reachable_from_every_queue_it_is_offered_on() -> None:
    overflowed = Resource("contact", province_code=MZ, offered_to=frozenset({MZ, "IR-27"}))
    golestan = actor(Role.counsellor, province="IR-27", centre=None)
    assert decide(golestan, Permission.answer_contacts, overflowed)
    assert not decide(actor(Role.counsellor, province=GL), Permission.answer_contacts, overflowed)
    national = Resource("contact", offered_to=frozenset({"national"}))
    assert decide(actor(Role.counsellor, province=GL), Permission.answer_contacts, national)
