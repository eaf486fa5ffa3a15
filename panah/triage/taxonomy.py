"""What a contact is about: the categories of the 123 line, in Persian and English (pure).

Two groups. *Social emergency*: the target groups of the service, whose codes are exactly
those of :class:`panah.cases.model.CaseCategory`, so a contact's category opens a case file
of the same name (``sexual_abuse`` is among them because case files have it; it is
restricted). *Information and referral*: the ~80% of contacts that are something else;
their case files are of category ``other``.

A category may suggest risk protocols: suicidal thoughts or an attempt → the C-SSRS
Screener; spouse abuse or a girl or woman at risk → the Lethality Screen; child abuse, a
street or working child, or a runaway → the immediate child-safety check. The counsellor
may run others; these are the ones the console offers first.

A category is *restricted* when its name is in
:data:`panah.security.roles.RESTRICTED_CATEGORIES`: its case files need an explicit grant.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from enum import StrEnum
from types import MappingProxyType

from panah.cases.model import CaseCategory
from panah.core.errors import InvalidInput
from panah.security.roles import RESTRICTED_CATEGORIES
from panah.triage.protocols import ProtocolId


class Category(StrEnum):
    # social emergency: the same codes as CaseCategory
    child_abuse = "child_abuse"
    spouse_abuse = "spouse_abuse"
    elder_abuse = "elder_abuse"
    disability_abuse = "disability_abuse"
    sexual_abuse = "sexual_abuse"
    suicidal_thoughts = "suicidal_thoughts"
    suicide_attempt = "suicide_attempt"
    runaway = "runaway"
    woman_at_risk = "woman_at_risk"
    family_conflict = "family_conflict"
    street_child = "street_child"
    gender_dysphoria = "gender_dysphoria"
    # information and referral
    information_request = "information_request"
    referral_request = "referral_request"
    legal_question = "legal_question"
    counselling_request = "counselling_request"
    addiction = "addiction"
    financial_hardship = "financial_hardship"
    housing = "housing"
    service_complaint = "service_complaint"
    other = "other"


class CategoryGroup(StrEnum):
    social_emergency = "social_emergency"
    information_referral = "information_referral"


@dataclass(frozen=True, slots=True)
class CategoryInfo:
    code: Category
    group: CategoryGroup
    label_fa: str
    label_en: str
    protocols: tuple[ProtocolId, ...] = ()

    @property
    def restricted(self) -> bool:
        return self.code.value in RESTRICTED_CATEGORIES

    @property
    def case_category(self) -> CaseCategory:
        """The category of the case file a contact of this category opens."""
        value = self.code.value
        return CaseCategory(value) if value in _CASE_CODES else CaseCategory.other


_CODES = frozenset(c.value for c in Category)
_CASE_CODES = frozenset(c.value for c in CaseCategory)
_SUICIDE = (ProtocolId.cssrs_screener,)
_LETHALITY = (ProtocolId.lethality_screen,)
_CHILD = (ProtocolId.child_safety_check,)
_E, _I = CategoryGroup.social_emergency, CategoryGroup.information_referral

_ROWS: tuple[CategoryInfo, ...] = (
    CategoryInfo(Category.child_abuse, _E, "کودک‌آزاری", "Child abuse", _CHILD),
    CategoryInfo(Category.spouse_abuse, _E, "همسرآزاری", "Spouse abuse", _LETHALITY),
    CategoryInfo(Category.elder_abuse, _E, "سالمندآزاری", "Elder abuse"),
    CategoryInfo(Category.disability_abuse, _E, "معلول‌آزاری",
                 "Abuse of a person with a disability"),
    CategoryInfo(Category.sexual_abuse, _E, "آزار جنسی", "Sexual abuse"),
    CategoryInfo(Category.suicidal_thoughts, _E, "افکار خودکشی", "Suicidal thoughts", _SUICIDE),
    CategoryInfo(Category.suicide_attempt, _E, "اقدام به خودکشی", "Suicide attempt", _SUICIDE),
    CategoryInfo(Category.runaway, _E, "فرار از منزل", "Runaway girl or boy", _CHILD),
    CategoryInfo(Category.woman_at_risk, _E, "دختران و زنان در معرض آسیب",
                 "Girl or woman at risk or harmed", _LETHALITY),
    CategoryInfo(Category.family_conflict, _E, "اختلافات حاد خانوادگی",
                 "Acute family conflict"),
    CategoryInfo(Category.street_child, _E, "کودکان کار و خیابان", "Street or working child",
                 _CHILD),
    CategoryInfo(Category.gender_dysphoria, _E, "ملال جنسیتی در معرض آسیب",
                 "Gender dysphoria, at risk"),
    CategoryInfo(Category.information_request, _I, "درخواست اطلاعات", "Information request"),
    CategoryInfo(Category.referral_request, _I, "ارجاع به خدمات دیگر",
                 "Referral to another service"),
    CategoryInfo(Category.legal_question, _I, "پرسش حقوقی", "Legal question"),
    CategoryInfo(Category.counselling_request, _I, "درخواست مشاوره و حمایت روانی",
                 "Counselling or psychological support"),
    CategoryInfo(Category.addiction, _I, "اعتیاد", "Addiction"),
    CategoryInfo(Category.financial_hardship, _I, "فقر و مشکلات مالی",
                 "Poverty or financial hardship"),
    CategoryInfo(Category.housing, _I, "مشکل مسکن", "Housing"),
    CategoryInfo(Category.service_complaint, _I, "شکایت از خدمات", "Complaint about a service"),
    CategoryInfo(Category.other, _I, "سایر", "Other"),
)

TAXONOMY: Mapping[Category, CategoryInfo] = MappingProxyType({row.code: row for row in _ROWS})


def in_group(group: CategoryGroup) -> tuple[CategoryInfo, ...]:
    """The categories of a group, in the order the console lists them."""
    return tuple(row for row in _ROWS if row.group is group)


def check_categories(codes: Iterable[str]) -> tuple[Category, ...]:
    """The codes as categories, duplicates dropped and order kept; an unknown code is refused.

    No codes is not refused: whether a contact needs a category yet is the caller's rule.
    """
    if isinstance(codes, str):
        codes = [codes]  # one code, not a sequence of letters
    found: dict[Category, None] = {}
    for code in codes:
        if not isinstance(code, str) or code not in _CODES:
            raise _unknown(code)
        found.setdefault(Category(code), None)
    return tuple(found)


def suggested_protocols(categories: Iterable[Category]) -> tuple[ProtocolId, ...]:
    """The protocols the categories suggest, each once, in :class:`ProtocolId` order."""
    wanted = {pid for category in categories for pid in TAXONOMY[category].protocols}
    return tuple(pid for pid in ProtocolId if pid in wanted)


def restricted_categories(categories: Iterable[Category]) -> tuple[Category, ...]:
    """Those of the categories whose case files need an explicit grant."""
    return tuple(dict.fromkeys(c for c in categories if TAXONOMY[c].restricted))


def _unknown(code: object) -> InvalidInput:
    known = ", ".join(Category)
    return InvalidInput(
        f"Unknown contact category {code!r}. Choose one of: {known}.",
        f"دسته‌بندی «{code}» برای تماس شناخته نیست. یکی از این دسته‌بندی‌ها را انتخاب کنید:"
        f" {known}.",
        category=str(code), allowed=[c.value for c in Category],
    )
