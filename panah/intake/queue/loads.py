"""The supervisor's view of the queues: for each queue of the province and of its overflow,
how many contacts are offered to it, how many are urgent, and the one waiting longest.

Pure: the waiting contacts (as the counsellor's queue lists them) and the province's line
are passed in.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from panah.intake.model import NATIONAL_QUEUE, RiskLevel
from panah.intake.routing.model import LineConfig
from panah.intake.schemas import ContactSummary

URGENT = frozenset({RiskLevel.immediate, RiskLevel.high})


@dataclass(frozen=True, slots=True)
class QueueLoad:
    """One queue as a supervisor sees it: contacts offered to it, the urgent ones, the oldest.

    ``kind``: own (the province's queue), backup and partner (where its overflow goes),
    national (the pool), incoming (another province's queue whose overflow reached us).
    """

    queue: str
    kind: str
    waiting: int
    urgent: int
    oldest: ContactSummary | None


def queue_loads(contacts: Sequence[ContactSummary], line: LineConfig | None) -> list[QueueLoad]:
    """Every queue of the province and of its overflow, even when empty, then any other
    queue the waiting contacts are offered to."""
    kinds: dict[str, str] = {}
    if line is not None:
        kinds[line.queue] = "own"
        for queue in line.backup_queues:
            kinds.setdefault(queue, "backup")
        for queue in line.overflow_partners:
            kinds.setdefault(queue, "partner")
        if line.national_pool:
            kinds.setdefault(NATIONAL_QUEUE, "national")
    for contact in contacts:
        for queue in contact.offered_to:
            kinds.setdefault(queue, "national" if queue == NATIONAL_QUEUE else "incoming")
    return [_load(queue, kind, contacts) for queue, kind in kinds.items()]


def _load(queue: str, kind: str, contacts: Sequence[ContactSummary]) -> QueueLoad:
    offered = [c for c in contacts if queue in c.offered_to]
    return QueueLoad(queue=queue, kind=kind, waiting=len(offered),
                     urgent=sum(c.risk in URGENT for c in offered),
                     oldest=max(offered, key=lambda c: c.waited_s, default=None))
