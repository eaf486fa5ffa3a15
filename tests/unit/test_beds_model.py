"""The bed finder's rules, pure: the provinces in their order, who is coming, and which
shelters can take a mother and her children in one room now."""

from __future__ import annotations

from datetime import date

import pytest

from panah.centres.beds import model
from panah.centres.beds.model import PROVINCE_BORDERS, Child, Party, make_party
from panah.centres.shelters.model import Bed, Suits
from panah.core.errors import InvalidInput

W, C, G = Suits.woman_alone, Suits.woman_with_children, Suits.girl_under_18
CAPITALS = {"IR-02": (36.56, 53.06), "IR-01": (37.28, 49.59), "IR-20": (35.58, 53.39),
            "IR-23": (35.69, 51.42), "IR-26": (36.27, 50.00), "IR-27": (36.84, 54.44),
            "IR-30": (35.83, 50.99)}


def test_mazandaran_is_searched_first_then_its_neighbours_nearest_capital_first() -> None:
    order = model.province_order("IR-02", CAPITALS)
    assert order == ["IR-02", "IR-20", "IR-27", "IR-23", "IR-30", "IR-26", "IR-01"]


def test_borders_are_mutual_and_cover_all_31_provinces() -> None:
    assert len(PROVINCE_BORDERS) == 31
    for code, near in PROVINCE_BORDERS.items():
        assert code not in near
        for other in near:
            assert code in PROVINCE_BORDERS[other], (code, other)


def test_gilan_and_golestan_do_not_border_across_the_sea() -> None:
    assert "IR-27" not in PROVINCE_BORDERS["IR-01"]


def _room(shelter: int, room: int, suits: frozenset[Suits], n: int, *, first: int,
          children: int = 0, accessible: int = 0) -> list[Bed]:
    return [Bed(id=first + i, shelter_id=shelter, room_id=room, suits=suits,
                accessible=i < accessible, child_bed=i >= n)
            for i in range(n + children)]


FREE = [
    *_room(1, 10, frozenset({W}), 2, first=100),
    *_room(1, 11, frozenset({C}), 2, first=110, children=1),
    *_room(2, 20, frozenset({G}), 2, first=200),
    *_room(3, 30, frozenset({W, C}), 3, first=300, accessible=1),
]
PLACES = {1: "IR-02", 2: "IR-02", 3: "IR-23"}
ORDER = ["IR-02", "IR-23", "IR-01"]


def test_a_mother_and_her_son_are_matched_to_rooms_for_mothers_own_province_first() -> None:
    found = model.match(FREE, Party(31, children=(Child(6, "m"),)), PLACES, ORDER)
    assert [(m.shelter_id, m.suitable_beds) for m in found] == [(1, 3), (3, 3)]


def test_a_woman_needing_an_accessible_bed_finds_only_the_room_that_has_one() -> None:
    found = model.match(FREE, Party(45, accessible=True), PLACES, ORDER)
    assert [m.shelter_id for m in found] == [3]


def test_a_girl_alone_finds_only_girls_rooms() -> None:
    found = model.match(FREE, Party(16), PLACES, ORDER)
    assert [(m.shelter_id, m.suitable_beds) for m in found] == [(2, 2)]


def test_a_family_too_big_for_any_one_room_finds_nothing() -> None:
    party = Party(35, children=(Child(2), Child(4), Child(6), Child(8)))
    assert model.match(FREE, party, PLACES, ORDER) == []


def test_a_shelter_outside_the_order_is_left_out_and_refused() -> None:
    found = model.match(FREE, Party(30), PLACES, ["IR-23"])
    assert [m.shelter_id for m in found] == [3]
    with pytest.raises(InvalidInput, match="reach"):
        model.check_reach("IR-02", ["IR-23"])


def test_the_party_needs_an_age_children_under_18_and_no_children_for_a_girl() -> None:
    with pytest.raises(InvalidInput, match="age"):
        make_party(None)
    with pytest.raises(InvalidInput, match="under 18"):
        make_party(40, [(18, None)])
    with pytest.raises(InvalidInput, match="girl under 18"):
        make_party(16, [(1, None)])
    assert make_party(31, [(6, "m")]).size == 2


def test_childrens_ages_are_read_in_persian_or_latin_digits() -> None:
    assert model.read_children("۶، 3m ,10f") == [(6, None), (3, "m"), (10, "f")]
    with pytest.raises(InvalidInput):
        model.read_children("six")


def test_a_party_survives_being_stored() -> None:
    party = Party(31, True, (Child(6, "m"), Child(3)))
    assert model.party_from_json(party.as_json()) == party


def test_arrival_is_today_or_within_30_days() -> None:
    today = date(2026, 3, 22)
    model.check_arrival(today, today)
    with pytest.raises(InvalidInput, match="today or later"):
        model.check_arrival(date(2026, 3, 21), today)
    with pytest.raises(InvalidInput, match="30 days"):
        model.check_arrival(date(2026, 4, 30), today)


def test_declining_for_another_reason_needs_a_note() -> None:
    with pytest.raises(InvalidInput, match="note"):
        model.check_decline("other", " ")
    with pytest.raises(InvalidInput):
        model.check_decline("full", None)
    assert model.check_decline("safety_risk", None)[0].value == "safety_risk"


def test_age_on_counts_whole_years() -> None:
    assert model.age_on(date(1995, 3, 23), date(2026, 3, 22)) == 30
    assert model.age_on(date(1995, 3, 22), date(2026, 3, 22)) == 31
