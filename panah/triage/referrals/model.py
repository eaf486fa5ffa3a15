"""Referrals to partner agencies (police 110, EMS 115, the 1480 line, hospitals …): their
lifecycle, acknowledgement deadlines, escalation, and consent.

**Lifecycle.** ``requested`` → ``received`` (the partner acknowledges) → ``accepted`` or
``rejected``; ``accepted`` → ``in_progress`` → ``completed``. A partner may also answer
straight from ``requested`` (accept or reject without a separate acknowledgement: an API call
that accepts has plainly received). The 123 side may ``cancel`` a referral until the partner
accepts it; after that the partner owns the work and it is finished, not withdrawn.
``rejected``, ``completed`` and ``cancelled`` are final; a rejected referral goes back to the
counsellor, who refers elsewhere or acts (no outcome is "not our remit").

**Acknowledgement deadline.** The partner must *decide* (accept or reject) within 5 minutes
for immediate danger, 15 for high risk, 60 for medium, 24 hours for low risk or information.
A "received" alone does not stop the clock: a referral still waiting for a decision at its
deadline escalates to the shift supervisor, once (``escalated_at`` records it).

**Kind.** A ``warm_transfer`` conferences the caller live to the partner; a ``handover``
sends the case by the partner API. Both are tracked the same way.

**Consent.** A referral records whether the person gave consent, refused it, or was not
asked. Without consent it may go only under the immediate-danger override: urgency
``immediate`` or ``high`` (the validated screens put danger to life there) *and* a written
reason, which the service writes to the audit log. Medium or lower risk never overrides.
The rule is one for the 123 line and case work: :mod:`panah.cases.consent.model`.

Pure: no database, no clock; ``now`` is passed in.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum

# The one consent rule, shared with case work (re-exported: triage's callers import it here).
from panah.cases.consent.model import OVERRIDE_URGENCIES as OVERRIDE_URGENCIES
from panah.cases.consent.model import ConsentStatus as ConsentStatus
from panah.cases.consent.model import check_consent as check_consent
from panah.core.errors import Conflict, InvalidInput
from panah.intake.model import RiskLevel


class ReferralState(StrEnum):
    requested = "requested"
    received = "received"
    accepted = "accepted"
    rejected = "rejected"
    in_progress = "in_progress"
    completed = "completed"
    cancelled = "cancelled"

    @property
    def label_en(self) -> str:
        return _STATE_LABELS[self][0]

    @property
    def label_fa(self) -> str:
        return _STATE_LABELS[self][1]


_STATE_LABELS: dict[ReferralState, tuple[str, str]] = {
    ReferralState.requested: ("requested", "درخواست‌شده"),
    ReferralState.received: ("received", "دریافت‌شده"),
    ReferralState.accepted: ("accepted", "پذیرفته‌شده"),
    ReferralState.rejected: ("rejected", "ردشده"),
    ReferralState.in_progress: ("in progress", "در حال انجام"),
    ReferralState.completed: ("completed", "انجام‌شده"),
    ReferralState.cancelled: ("cancelled", "لغوشده"),
}

TRANSITIONS: dict[ReferralState, frozenset[ReferralState]] = {
    ReferralState.requested: frozenset({
        ReferralState.received, ReferralState.accepted, ReferralState.rejected,
        ReferralState.cancelled,
    }),
    ReferralState.received: frozenset({
        ReferralState.accepted, ReferralState.rejected, ReferralState.cancelled,
    }),
    ReferralState.accepted: frozenset({ReferralState.in_progress}),
    ReferralState.in_progress: frozenset({ReferralState.completed}),
    ReferralState.rejected: frozenset(),
    ReferralState.completed: frozenset(),
    ReferralState.cancelled: frozenset(),
}

# Still waiting for the partner's decision: these escalate at the deadline.
AWAITING_DECISION = frozenset({ReferralState.requested, ReferralState.received})


def can_move(current: ReferralState, target: ReferralState) -> bool:
    return target in TRANSITIONS[current]


def check_move(current: ReferralState, target: ReferralState) -> None:
    """Refuse an impossible lifecycle move with what is possible instead."""
    if can_move(current, target):
        return
    allowed = sorted(TRANSITIONS[current], key=list(ReferralState).index)
    if current is target:
        en = f"The referral is already {current.label_en}; reload it."
        fa = f"این ارجاع هم‌اکنون {current.label_fa} است؛ آن را دوباره بارگذاری کنید."
    elif not allowed:
        en = (f"The referral is {current.label_en} and cannot change any more; make a new "
              "referral if more is needed.")
        fa = (f"این ارجاع {current.label_fa} است و دیگر تغییر نمی‌کند؛ اگر کار دیگری لازم "
              "است، ارجاع تازه‌ای بسازید.")
    else:
        en = (f"A {current.label_en} referral cannot become {target.label_en}; it can "
              f"become: {', '.join(s.label_en for s in allowed)}.")
        fa = (f"ارجاع {current.label_fa} نمی‌تواند {target.label_fa} شود؛ می‌تواند این‌ها "
              f"شود: {'، '.join(s.label_fa for s in allowed)}.")
    raise Conflict(en, fa, current=current.value, target=target.value,
                   allowed=[s.value for s in allowed])


ACK_WITHIN: dict[RiskLevel, timedelta] = {
    RiskLevel.immediate: timedelta(minutes=5),
    RiskLevel.high: timedelta(minutes=15),
    RiskLevel.medium: timedelta(minutes=60),
    RiskLevel.low: timedelta(hours=24),
    RiskLevel.information: timedelta(hours=24),
}


def ack_deadline(requested_at: datetime, *, urgency: RiskLevel) -> datetime:
    """When the partner must have accepted or rejected a referral made at ``requested_at``."""
    return requested_at + ACK_WITHIN[urgency]


class HandoverKind(StrEnum):
    warm_transfer = "warm_transfer"  # the caller is conferenced live to the partner
    handover = "handover"  # the case goes through the partner API


@dataclass(frozen=True, slots=True)
class ReferralView:
    """What the pure rules need to know of a stored referral."""

    id: str
    agency_code: str
    state: ReferralState
    urgency: RiskLevel
    requested_at: datetime
    kind: HandoverKind = HandoverKind.handover
    consent: ConsentStatus = ConsentStatus.not_asked
    override_reason: str | None = None
    escalated_at: datetime | None = None

    @property
    def ack_due_at(self) -> datetime:
        return ack_deadline(self.requested_at, urgency=self.urgency)


def escalation_due(referral: ReferralView, *, now: datetime) -> bool:
    """True when the referral is still waiting for the partner's decision at or after its
    deadline and has not been escalated yet: the service then tells the supervisor and sets
    ``escalated_at``, so it happens once."""
    return (referral.state in AWAITING_DECISION
            and referral.escalated_at is None
            and now >= referral.ack_due_at)


PARTNER_NOTE_MAX = 2000  # as the partner API's note

# What a partner may answer (cancelling is the 123 side's), in the order a desk sees them.
PARTNER_MOVES: tuple[ReferralState, ...] = (
    ReferralState.received, ReferralState.accepted, ReferralState.rejected,
    ReferralState.in_progress, ReferralState.completed,
)


def partner_moves(current: ReferralState) -> tuple[ReferralState, ...]:
    """The answers a partner can give to a referral in ``current`` state now."""
    return tuple(s for s in PARTNER_MOVES if can_move(current, s))


def check_partner_answer(target: ReferralState, note: str | None) -> str | None:
    """A partner's answer from its inbox: one of its moves, and a decline says why (the
    counsellor reads the reason to refer elsewhere or act: no wrong door). Returns the
    note, trimmed (``None`` when empty)."""
    if target not in PARTNER_MOVES:
        raise InvalidInput(
            "Choose acknowledge, accept, decline, started or done.",
            "یکی از این‌ها را برگزینید: دریافت شد، می‌پذیریم، نمی‌پذیریم، آغاز شد، انجام شد.",
            field="state", state=target.value)
    text = " ".join((note or "").split()) or None
    if text is not None and len(text) > PARTNER_NOTE_MAX:
        raise InvalidInput(
            f"Keep the note under {PARTNER_NOTE_MAX} characters.",
            f"یادداشت را کوتاه‌تر از {PARTNER_NOTE_MAX} نویسه بنویسید.", field="note")
    if target is ReferralState.rejected and text is None:
        raise InvalidInput(
            "Say why you decline this referral: the 123 counsellor reads it to refer the "
            "person elsewhere.",
            "بنویسید چرا این ارجاع را نمی‌پذیرید: کارشناس ۱۲۳ آن را می‌خواند تا فرد را به "
            "جای دیگری ارجاع دهد.",
            field="note")
    return text
