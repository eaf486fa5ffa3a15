"""Break-glass stays within the actor's own area (issue 14, security 2).

A Gilan counsellor opened Mazandaran case files by break-glass: the policy let it skip the
scope check. Now break-glass lifts need-to-know and the restricted-category grant only for
a case of the actor's own province, or for the case of the person the actor is talking to
right now (a contact assigned to them and not closed, from the case's client's number);
and roles with no case work (the field crew, the community worker) cannot break glass.
"""

from __future__ import annotations

import pytest

from panah.security.policy import Actor, Resource, Why, decide
from panah.security.roles import ROLE_PERMISSIONS, Permission, Role

MZ, GL = "IR-02", "IR-01"
SARI_CIC = 3
ZAHRA, REZA, MARYAM = 21, 31, 41  # Mazandaran social worker; Gilan counsellor; Gilan supervisor


def person(role: Role, uid: int, province: str) -> Actor:
    return Actor(uid, role.value, role, province, SARI_CIC if province == MZ else None)


def mazandaran_case(team: frozenset[int] = frozenset({ZAHRA}),
                    handled_by: frozenset[int] = frozenset(),
                    restricted: str | None = None) -> Resource:
    return Resource("case", province_code=MZ, centre_id=SARI_CIC, team=team,
                    restricted_category=restricted, need_to_know=True, handled_by=handled_by)


def test_a_gilan_counsellor_cannot_break_glass_into_a_mazandaran_case() -> None:
    reza = person(Role.counsellor, REZA, GL)
    decision = decide(reza, Permission.view_case, mazandaran_case(), break_glass=True)
    assert not decision and decision.why is Why.out_of_scope
    assert not decide(reza, Permission.edit_case, mazandaran_case(), break_glass=True)


def test_a_gilan_supervisor_cannot_break_glass_into_a_mazandaran_case() -> None:
    maryam = person(Role.supervisor, MARYAM, GL)
    decision = decide(maryam, Permission.view_case, mazandaran_case(), break_glass=True)
    assert not decision and decision.why is Why.out_of_scope


def test_the_gilan_counsellor_talking_to_the_client_now_may_break_glass_into_her_case() -> None:
    reza = person(Role.counsellor, REZA, GL)
    handled = mazandaran_case(handled_by=frozenset({REZA}), restricted="sexual_abuse")
    assert not decide(reza, Permission.view_case, handled)  # not without break-glass
    decision = decide(reza, Permission.view_case, handled, break_glass=True)
    assert decision and decision.why is Why.break_glass


def test_someone_elses_call_with_the_client_opens_nothing_for_the_gilan_counsellor() -> None:
    reza = person(Role.counsellor, REZA, GL)
    other = mazandaran_case(handled_by=frozenset({REZA + 1}))
    assert not decide(reza, Permission.view_case, other, break_glass=True)


def test_a_mazandaran_counsellor_off_the_team_breaks_glass_in_her_own_province() -> None:
    sara = person(Role.counsellor, 51, MZ)
    decision = decide(sara, Permission.view_case, mazandaran_case(), break_glass=True)
    assert decision and decision.why is Why.break_glass


@pytest.mark.parametrize("role", [Role.field_crew, Role.community_worker])
def test_roles_with_no_case_work_cannot_break_glass_even_at_home(role: Role) -> None:
    crew = person(role, 61, MZ)
    assert not decide(crew, Permission.break_glass)
    decision = decide(crew, Permission.view_case, mazandaran_case(), break_glass=True)
    assert not decision and decision.why is Why.not_on_team
    handled = mazandaran_case(handled_by=frozenset({61}))
    assert not decide(crew, Permission.view_case, handled, break_glass=True)


def test_only_roles_that_open_case_files_may_break_glass() -> None:
    glass = ROLE_PERMISSIONS[Permission.break_glass]
    assert glass <= ROLE_PERMISSIONS[Permission.view_case]
    assert not glass & {Role.field_crew, Role.community_worker, Role.dispatcher,
                        Role.analyst, Role.partner_agency, Role.integration}

