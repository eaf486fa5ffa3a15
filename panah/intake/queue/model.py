"""Queue order: risk first, then waiting time, with ageing so no one waits forever; skills.

**Ageing.** A contact's *effective level* starts at its risk rank (immediate 0, high 1,
medium 2, low 3, information 4) and rises one level for every ``step`` it has waited
(default 2 minutes), but ageing alone lifts it no higher than *high*. Only after
``immediate_after`` (default 15 minutes) does a waiting contact reach the immediate level.
Order: effective level, then enqueue time (the longer wait first), then id.

What follows, and is tested:

- a low-risk contact that has waited 2 steps (4 min) is level with *high* and, being older,
  goes ahead of any high-risk contact that arrived after it;
- a contact in immediate danger is never put behind a contact that has waited less than
  ``immediate_after`` (15 min) — ageing can only tie it after that, and then the older wins;
- no one waits forever: after ``immediate_after`` a contact is behind only contacts that
  arrived before it.

**Skills.** A counsellor serves a contact when they speak its language and, if a woman
counsellor was asked for, is a woman. When no online counsellor speaks the contact's
language, the contact falls back to Persian after ``language_fallback`` (default 60 s): the
caller hears someone rather than no one. When no woman counsellor is online, a request for
one falls back after ``woman_fallback`` (default 2 minutes), for the same reason.

Pure: ``now`` is passed in.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from panah.core.errors import InvalidInput
from panah.intake.model import Language, RiskLevel

HIGH_RANK = RiskLevel.high.rank


@dataclass(frozen=True, slots=True)
class AgeingPolicy:
    step: timedelta = timedelta(minutes=2)
    immediate_after: timedelta = timedelta(minutes=15)

    def __post_init__(self) -> None:
        if self.step <= timedelta(0) or self.immediate_after <= timedelta(0):
            raise InvalidInput(
                "Ageing step and immediate_after must be positive durations.",
                "گام افزایش اولویت و immediate_after باید مدت‌هایی مثبت باشند.",
                step_s=self.step.total_seconds(),
                immediate_after_s=self.immediate_after.total_seconds(),
            )


@dataclass(frozen=True, slots=True)
class SkillPolicy:
    language_fallback: timedelta = timedelta(seconds=60)
    woman_fallback: timedelta = timedelta(minutes=2)


@dataclass(frozen=True, slots=True)
class QueueEntry:
    id: str
    risk: RiskLevel
    enqueued_at: datetime
    language: Language = Language.persian
    wants_woman_counsellor: bool = False


@dataclass(frozen=True, slots=True)
class Counsellor:
    id: str
    languages: frozenset[Language] = field(default_factory=lambda: frozenset({Language.persian}))
    is_woman: bool = False


def waited(entry: QueueEntry, now: datetime) -> timedelta:
    """Time in the queue; never negative (a clock a little ahead must not reorder)."""
    return max(now - entry.enqueued_at, timedelta(0))


def effective_level(
    entry: QueueEntry, *, now: datetime, ageing: AgeingPolicy = AgeingPolicy()
) -> int:
    """The level (0 = immediate) the entry is ordered at now, after ageing."""
    wait = waited(entry, now)
    if entry.risk is RiskLevel.immediate or wait >= ageing.immediate_after:
        return RiskLevel.immediate.rank
    lifts = int(wait / ageing.step)
    return max(entry.risk.rank - lifts, HIGH_RANK)


def order_queue(
    entries: Sequence[QueueEntry], *, now: datetime, ageing: AgeingPolicy = AgeingPolicy()
) -> list[QueueEntry]:
    """Entries in the order they should be answered."""
    return sorted(
        entries,
        key=lambda e: (effective_level(e, now=now, ageing=ageing), e.enqueued_at, e.id),
    )


def can_serve(
    counsellor: Counsellor,
    entry: QueueEntry,
    *,
    now: datetime,
    online: Sequence[Counsellor],
    skills: SkillPolicy = SkillPolicy(),
) -> bool:
    """Whether ``counsellor`` should take ``entry`` now, given who else is online."""
    return held_for(counsellor, entry, now=now, online=online, skills=skills) is None


def held_for(
    counsellor: Counsellor,
    entry: QueueEntry,
    *,
    now: datetime,
    online: Sequence[Counsellor],
    skills: SkillPolicy = SkillPolicy(),
) -> str | None:
    """Why ``counsellor`` should leave ``entry`` to someone else for now: ``"woman"`` (a
    woman counsellor was asked for) or ``"language:<name>"``; ``None`` when they should
    take it. Each hold ends after its fallback time if nobody suited is online."""
    wait = waited(entry, now)
    if entry.wants_woman_counsellor and not counsellor.is_woman:
        woman_online = any(c.is_woman for c in online)
        if woman_online or wait < skills.woman_fallback:
            return "woman"
    if entry.language in counsellor.languages:
        return None
    spoken = any(entry.language in c.languages for c in online)
    if not spoken and wait >= skills.language_fallback and (
            Language.persian in counsellor.languages):
        return None
    return f"language:{entry.language.value}"


# The language codes contacts carry (ISO 639) and the languages counsellors speak.
LANGUAGE_CODES: dict[str, Language] = {
    "fa": Language.persian, "az": Language.azeri, "azb": Language.azeri,
    "ku": Language.kurdish, "ckb": Language.kurdish, "kmr": Language.kurdish,
    "sdh": Language.kurdish, "ar": Language.arabic, "bal": Language.baluchi,
    "tk": Language.turkmen, "lrc": Language.luri, "luz": Language.luri,
    "glk": Language.gilaki, "mzn": Language.mazandarani, "en": Language.english,
}


def language_of(code: str) -> Language:
    """A contact's language code as a language; an unknown code counts as Persian."""
    return LANGUAGE_CODES.get(code.strip().lower(), Language.persian)


def next_for(
    counsellor: Counsellor,
    entries: Sequence[QueueEntry],
    now: datetime,
    *,
    online: Sequence[Counsellor] = (),
    ageing: AgeingPolicy = AgeingPolicy(),
    skills: SkillPolicy = SkillPolicy(),
) -> QueueEntry | None:
    """The first entry, in queue order, that ``counsellor`` can serve; ``None`` if none.

    ``online`` is every counsellor online on this queue (``counsellor`` is counted in it
    whether listed or not).
    """
    everyone = [*online, counsellor] if counsellor not in online else list(online)
    for entry in order_queue(entries, now=now, ageing=ageing):
        if can_serve(counsellor, entry, now=now, online=everyone, skills=skills):
            return entry
    return None
