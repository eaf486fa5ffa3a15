"""One item of a case's timeline, as every part of the case's history gives it (pure).

Each part of the case's work (contacts, triage, referrals, incidents and visit reports,
appointments, services, notes, transfers, consent) answers ``timeline_items(session, *,
actor, case_id, now) -> list[TimelineItem]`` in its own ``queries`` module, leaving out
what ``actor`` may not see; :mod:`panah.cases.thread.queries` puts them in one line.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime


@dataclass(frozen=True, slots=True)
class TimelineItem:
    at: datetime
    kind: str  # contact | triage | referral | incident | unit_status | visit_report |
    # appointment | service | plan | status | assessment | note | transfer | consent | client
    label_key: str  # an i18n key saying what happened ("timeline.visit_report")
    text: str = ""  # the item's own words (a note, a report), already decrypted
    actor: str | None = None  # who did it (a full name or username)
    link: str | None = None  # a page to open (the contact, the incident)
    facts: tuple[tuple[str, str], ...] = ()  # (i18n key, value) pairs shown beside it
    # The item's words in English where they are generated, not written by someone (a crew
    # status, an agency's name); the page shows ``text`` in Persian. A fact's value that
    # starts with "t:" is an i18n key shown translated ("t:line.risk.high").
    text_en: str | None = None


def bilingual(fa: str, en: str) -> str:
    """A fact's value in both languages (a province's or an agency's name): the page shows
    the one of its language."""
    return f"l:{fa}|{en}"
