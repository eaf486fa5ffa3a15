"""The contact taxonomy: codes aligned with case files, validation, suggested protocols."""

from __future__ import annotations

import pytest

from panah.cases.model import CaseCategory
from panah.core.errors import InvalidInput
from panah.triage.protocol_data import PROTOCOLS
from panah.triage.protocols import ProtocolId
from panah.triage.taxonomy import (
    TAXONOMY,
    Category,
    CategoryGroup,
    check_categories,
    in_group,
    restricted_categories,
    suggested_protocols,
)

ARABIC_YEH_KAF = {"\u064a", "\u0643"}  # ي and ك: Persian text uses ی and ک


def test_every_category_has_one_entry_with_both_labels() -> None:
    assert set(TAXONOMY) == set(Category)
    for code, info in TAXONOMY.items():
        assert info.code is code
        assert info.label_fa.strip() and info.label_en.strip()
        assert not ARABIC_YEH_KAF & set(info.label_fa), code


def test_persian_labels_are_the_service_names() -> None:
    assert TAXONOMY[Category.child_abuse].label_fa == "کودک‌آزاری"
    assert TAXONOMY[Category.disability_abuse].label_fa == "معلول‌آزاری"
    assert TAXONOMY[Category.street_child].label_fa == "کودکان کار و خیابان"
    assert TAXONOMY[Category.gender_dysphoria].label_fa == "ملال جنسیتی در معرض آسیب"


def test_social_emergency_codes_are_exactly_the_case_file_categories_but_other() -> None:
    emergency = {info.code.value for info in in_group(CategoryGroup.social_emergency)}
    assert emergency == {c.value for c in CaseCategory} - {"other"}


@pytest.mark.parametrize("code", list(Category))
def test_a_contact_category_opens_a_case_file_of_the_same_name_or_other(code: Category) -> None:
    info = TAXONOMY[code]
    expected = (CaseCategory(code.value) if info.group is CategoryGroup.social_emergency
                else CaseCategory.other)
    assert info.case_category is expected


def test_information_and_referral_group_covers_the_other_calls() -> None:
    codes = [info.code for info in in_group(CategoryGroup.information_referral)]
    assert codes == [
        Category.information_request, Category.referral_request, Category.legal_question,
        Category.counselling_request, Category.addiction, Category.financial_hardship,
        Category.housing, Category.service_complaint, Category.other,
    ]
    assert all(not TAXONOMY[c].protocols for c in codes)


def test_sexual_abuse_and_gender_dysphoria_are_restricted_and_nothing_else() -> None:
    restricted = {code for code, info in TAXONOMY.items() if info.restricted}
    assert restricted == {Category.sexual_abuse, Category.gender_dysphoria}


def test_restricted_categories_of_a_contact_keep_order_once_each() -> None:
    given = [Category.gender_dysphoria, Category.child_abuse, Category.sexual_abuse,
             Category.gender_dysphoria]
    assert restricted_categories(given) == (Category.gender_dysphoria, Category.sexual_abuse)
    assert restricted_categories([Category.spouse_abuse]) == ()


def test_check_categories_drops_duplicates_and_keeps_order() -> None:
    codes = ["spouse_abuse", "child_abuse", "spouse_abuse", "housing", "child_abuse"]
    assert check_categories(codes) == (
        Category.spouse_abuse, Category.child_abuse, Category.housing,
    )


def test_check_categories_takes_one_code_given_as_a_string() -> None:
    assert check_categories("suicide_attempt") == (Category.suicide_attempt,)


def test_no_categories_is_not_refused() -> None:
    assert check_categories([]) == ()


@pytest.mark.parametrize("bad", ["child-abuse", "Child_Abuse", "", "violence"])
def test_an_unknown_code_is_refused_in_both_languages_saying_what_to_use(bad: str) -> None:
    with pytest.raises(InvalidInput) as caught:
        check_categories(["spouse_abuse", bad])
    error = caught.value
    assert repr(bad) in error.message_en and "child_abuse" in error.message_en
    assert f"«{bad}»" in error.message_fa and "انتخاب کنید" in error.message_fa
    assert error.details["category"] == bad


def test_a_code_that_is_not_text_is_refused() -> None:
    with pytest.raises(InvalidInput):
        check_categories([3])  # type: ignore[list-item]


@pytest.mark.parametrize(
    ("categories", "protocols"),
    [
        ([Category.suicidal_thoughts], (ProtocolId.cssrs_screener,)),
        ([Category.suicide_attempt], (ProtocolId.cssrs_screener,)),
        ([Category.spouse_abuse], (ProtocolId.lethality_screen,)),
        ([Category.woman_at_risk], (ProtocolId.lethality_screen,)),
        ([Category.child_abuse], (ProtocolId.child_safety_check,)),
        ([Category.street_child], (ProtocolId.child_safety_check,)),
        ([Category.runaway], (ProtocolId.child_safety_check,)),
        ([Category.elder_abuse], ()),
        ([Category.family_conflict], ()),
        ([Category.information_request], ()),
        ([], ()),
    ],
)
def test_each_category_suggests_its_protocols(
    categories: list[Category], protocols: tuple[ProtocolId, ...]
) -> None:
    assert suggested_protocols(categories) == protocols


def test_several_categories_suggest_each_protocol_once_in_a_fixed_order() -> None:
    contact = [Category.child_abuse, Category.spouse_abuse, Category.suicidal_thoughts,
               Category.suicide_attempt, Category.street_child]
    expected = (ProtocolId.cssrs_screener, ProtocolId.lethality_screen,
                ProtocolId.child_safety_check)
    assert suggested_protocols(contact) == expected
    assert suggested_protocols(reversed(contact)) == expected


def test_every_suggested_protocol_is_in_the_registry() -> None:
    for info in TAXONOMY.values():
        for protocol_id in info.protocols:
            assert protocol_id.value in PROTOCOLS


def test_every_page_spells_a_category_as_the_taxonomy_does_and_only_there() -> None:
    import json

    from panah.web.i18n import CATALOGUES, translate

    for info in TAXONOMY.values():
        assert translate("fa", f"category.{info.code.value}") == info.label_fa
        assert translate("en", f"category.{info.code.value}") == info.label_en
    assert translate("fa", "category.runaway") == "فرار از منزل"  # not "فرار از خانه"
    for lang in ("fa", "en"):  # the catalogues do not keep a second spelling
        written = json.loads((CATALOGUES / f"{lang}.json").read_text(encoding="utf-8"))
        assert [key for key in written if key.startswith("category.")] == []
