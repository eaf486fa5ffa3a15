"""Who may know where a shelter is, and how occupancy is counted day by day (pure).

Farideh manages the Sari shelter (Mazandaran, centre 7); Mina is a Mazandaran supervisor;
Shirin a social worker at Farideh's own centre; Leila manages a shelter in Chalus."""

from __future__ import annotations

from datetime import date

import pytest

from panah.centres.shelters.model import BedUse, address_need, occupancy
from panah.core.errors import InvalidInput
from panah.security.policy import Actor
from panah.security.roles import Role

SARI_CENTRE, CHALUS_CENTRE = 7, 8
MZN = "IR-02"


def _actor(role: Role, province: str | None = MZN, centre: int | None = None) -> Actor:
    return Actor(1, role.value, role, province, centre)


def test_the_shelters_own_manager_needs_its_address() -> None:
    farideh = _actor(Role.shelter_manager, centre=SARI_CENTRE)
    assert address_need(farideh, MZN, SARI_CENTRE)


def test_a_shelter_manager_of_another_centre_does_not() -> None:
    leila = _actor(Role.shelter_manager, centre=CHALUS_CENTRE)
    assert not address_need(leila, MZN, SARI_CENTRE)


@pytest.mark.parametrize("role", [Role.supervisor, Role.provincial_manager])
def test_the_provinces_supervisors_need_it(role: Role) -> None:
    assert address_need(_actor(role), MZN, SARI_CENTRE)
    assert not address_need(_actor(role, province="IR-01"), MZN, SARI_CENTRE)


@pytest.mark.parametrize("role", [Role.counsellor, Role.field_crew, Role.social_worker,
                                  Role.psychologist, Role.community_worker, Role.dispatcher,
                                  Role.national_office, Role.analyst, Role.admin,
                                  Role.partner_agency])
def test_nobody_else_needs_it_not_even_at_the_shelters_own_centre(role: Role) -> None:
    shirin = _actor(role, centre=SARI_CENTRE)
    assert not address_need(shirin, MZN, SARI_CENTRE)
    assert not address_need(_actor(role, province=None), MZN, SARI_CENTRE)


DAY = date(2026, 3, 22)


def _day(n: int) -> date:
    return date.fromordinal(DAY.toordinal() + n)


def test_a_woman_checked_in_occupies_her_bed_from_that_day_to_her_checkout_day() -> None:
    uses = [BedUse(1, _day(1), _day(3))]
    days = occupancy({1, 2}, uses, DAY, _day(4))
    assert [d.occupied for d in days] == [0, 1, 1, 1, 0]  # the checkout day still counts
    assert [d.free for d in days] == [2, 1, 1, 1, 2]
    assert all(d.total == 2 for d in days)


def test_a_bed_handed_over_on_the_same_day_counts_once() -> None:
    uses = [BedUse(1, DAY, _day(2)), BedUse(1, _day(2), None)]
    assert [d.occupied for d in occupancy({1}, uses, _day(1), _day(3))] == [1, 1, 1]


def test_a_planned_stay_holds_the_bed_but_does_not_occupy_it() -> None:
    uses = [BedUse(2, _day(1), None, planned=True), BedUse(1, DAY, None)]
    first, second = occupancy({1, 2, 3}, uses, DAY, _day(1))
    assert (first.occupied, first.held, first.free) == (1, 1, 2)
    assert (second.occupied, second.held, second.free) == (1, 2, 1)


def test_a_bed_since_taken_out_of_use_still_counts_on_the_days_it_was_used() -> None:
    [day] = occupancy({2}, [BedUse(1, DAY, DAY)], DAY, DAY)
    assert (day.total, day.occupied, day.free) == (2, 1, 1)


def test_the_last_day_comes_after_the_first() -> None:
    with pytest.raises(InvalidInput):
        occupancy({1}, [], _day(1), DAY)
