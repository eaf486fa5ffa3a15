"""Case categories and the pure rules about them (no database, no web).

The full triage taxonomy arrives with the triage issue; these are the seeds' target groups
a case file can be opened for, with the categories that are restricted by policy.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from panah.security.roles import RESTRICTED_CATEGORIES


class CaseCategory(StrEnum):
    child_abuse = "child_abuse"
    spouse_abuse = "spouse_abuse"
    elder_abuse = "elder_abuse"
    disability_abuse = "disability_abuse"
    sexual_abuse = "sexual_abuse"  # restricted
    suicidal_thoughts = "suicidal_thoughts"
    suicide_attempt = "suicide_attempt"
    runaway = "runaway"
    woman_at_risk = "woman_at_risk"
    family_conflict = "family_conflict"
    street_child = "street_child"
    gender_dysphoria = "gender_dysphoria"  # restricted
    other = "other"


class CaseStatus(StrEnum):
    """open → assessment → plan → services → closure_requested → closed (issue 16)."""

    open = "open"
    assessment = "assessment"
    plan = "plan"
    services = "services"
    closure_requested = "closure_requested"
    closed = "closed"


class CaseOrigin(StrEnum):
    """Where a case began: one thread from the first contact."""

    contact = "contact"
    incident = "incident"  # a mobile team's visit report
    partner = "partner"  # a partner agency's hand-over
    walk_in = "walk_in"  # at a centre (a contact of channel walk_in)
    direct = "direct"  # opened on the cases page


def restricted_category(category: CaseCategory) -> str | None:
    """The restricted category a case of ``category`` falls under, if any."""
    return category.value if category.value in RESTRICTED_CATEGORIES else None


@dataclass(frozen=True, slots=True)
class AgeBand:
    low: int
    high: int | None

    @property
    def label(self) -> str:
        return f"{self.low}+" if self.high is None else f"{self.low}-{self.high}"


def age_band(birth_year: int | None, year: int) -> str:
    """A de-identified age: bands wide enough not to single a person out."""
    if birth_year is None or birth_year > year:
        return "unknown"
    age = year - birth_year
    for band in (AgeBand(0, 11), AgeBand(12, 17), AgeBand(18, 29), AgeBand(30, 44),
                 AgeBand(45, 59)):
        if band.high is not None and age <= band.high:
            return band.label
    return AgeBand(60, None).label


def is_valid_national_code(code: str) -> bool:
    """Iran's کد ملی: ten digits whose last is a mod-11 check digit of the first nine."""
    if len(code) != 10 or not code.isascii() or not code.isdigit() or len(set(code)) == 1:
        return False
    remainder = sum(int(code[i]) * (10 - i) for i in range(9)) % 11
    check = remainder if remainder < 2 else 11 - remainder
    return int(code[9]) == check
