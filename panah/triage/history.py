"""Repeat contacts: what a counsellor should know about a number before answering.

Pure. The caller's earlier contacts and cases are found by the keyed hash of the number
(``service.caller_hash``, the same hash case files keep for a client's phone), so nothing
is decrypted to find them; this module only decides which facts to raise as flags.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum

from panah.intake.model import ContactState, RiskLevel
from panah.triage.outcomes import Outcome, nuisance_flag

RECENT_RISK = timedelta(days=90)  # an earlier contact in danger this recent is raised
BURST = timedelta(hours=24)
BURST_CONTACTS = 3  # this many contacts within BURST, this one counted: someone keeps trying
LOST_CONTACTS = 2  # this many lost (hung up before an answer) within BURST


class Flag(StrEnum):
    earlier_immediate = "earlier_immediate"  # in immediate danger before (90 days)
    earlier_high = "earlier_high"  # at high risk before (90 days)
    open_case = "open_case"  # a case file is open for this number
    protected_case = "protected_case"  # an open case of a restricted category
    many_recent = "many_recent"  # three or more contacts in the last 24 hours
    lost_before = "lost_before"  # two or more lost calls in the last 24 hours
    repeated_nuisance = "repeated_nuisance"  # closed as nuisance again and again: never blocked


@dataclass(frozen=True, slots=True)
class Earlier:
    id: int
    offered_at: datetime
    risk: RiskLevel
    state: ContactState
    lost: bool = False  # the caller hung up before anyone answered (whatever came after)
    nuisance: bool = False  # closed with the outcome "nuisance"


@dataclass(frozen=True, slots=True)
class CaseFact:
    id: int
    open: bool
    restricted: bool


def flags(earlier: Sequence[Earlier], cases: Sequence[CaseFact], now: datetime) -> list[Flag]:
    """The flags to show, most serious first; an empty list means nothing to raise."""
    recent = [c for c in earlier if now - c.offered_at <= RECENT_RISK]
    burst = [c for c in earlier if now - c.offered_at <= BURST]
    raised = []
    if any(c.risk is RiskLevel.immediate for c in recent):
        raised.append(Flag.earlier_immediate)
    elif any(c.risk is RiskLevel.high for c in recent):
        raised.append(Flag.earlier_high)
    if any(c.open and c.restricted for c in cases):
        raised.append(Flag.protected_case)
    elif any(c.open for c in cases):
        raised.append(Flag.open_case)
    if len(burst) + 1 >= BURST_CONTACTS:
        raised.append(Flag.many_recent)
    if sum(c.lost for c in burst) >= LOST_CONTACTS:
        raised.append(Flag.lost_before)
    if nuisance_flag([(c.offered_at, Outcome.nuisance) for c in earlier if c.nuisance],
                     now=now) is not None:
        raised.append(Flag.repeated_nuisance)  # shown to the counsellor; the call still rings
    return raised
