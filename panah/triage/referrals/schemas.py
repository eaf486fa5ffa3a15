"""API shapes of referrals to partner agencies and of hand-overs from them.

The 123 side sees a referral whole (``ReferralPublic``); a partner sees only what its work
needs (``PartnerReferralPublic``: the EIDO incident document, which names nobody); a
hand-over in (``HandoverIn``) becomes a contact and is answered by ``HandoverReceipt``.
The builders at the end turn stored rows into these shapes.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import TYPE_CHECKING, Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator
from sqlalchemy.orm import Session

from panah.core.clock import as_utc
from panah.intake.model import RiskLevel
from panah.intake.orm import Contact
from panah.intake.schemas import PointIn
from panah.triage.referrals.export import export_document
from panah.triage.referrals.model import ConsentStatus, HandoverKind, ReferralState
from panah.triage.taxonomy import Category

if TYPE_CHECKING:  # the read side builds records and answers with these shapes
    from panah.triage.referrals.queries import ReferralRecord

AgencyCode = Annotated[str, Field(min_length=1, max_length=60, pattern=r"^[A-Za-z0-9_.-]+$",
                                  description="The agency's code in the directory, "
                                              "e.g. 110-IR-02")]
# The partner's own reference; stored as "<agency code>:<reference>", within 120 characters.
PartnerReference = Annotated[str, Field(min_length=1, max_length=59,
                                        pattern=r"^[\w.:@/+=-]+$")]
Note = Annotated[str, Field(min_length=1, max_length=2000)]
# What a partner may answer; cancelling is the 123 side's (POST /api/referrals/{id}/cancel).
PartnerState = Literal["received", "accepted", "rejected", "in_progress", "completed"]


class ReferralCreate(BaseModel):
    """A counsellor refers the contact to a partner agency."""

    model_config = ConfigDict(extra="forbid")

    agency_code: AgencyCode
    urgency: RiskLevel | None = Field(
        default=None, description="How soon the partner must decide: immediate 5 min, high "
        "15, medium 60, low/information 24 h. Default: the contact's risk now")
    consent: ConsentStatus = Field(description="given, refused or not_asked")
    override_reason: Note | None = Field(
        default=None, description="Without consent: why life or safety cannot wait (high or "
                                  "immediate urgency only). Stored encrypted, never sent.")
    kind: HandoverKind = Field(default=HandoverKind.handover,
                               description="warm_transfer: the caller is conferenced live")
    category: Category | None = Field(default=None, description="The triage category")


class ReferralPublic(BaseModel):
    """A referral as the 123 side sees it, with its acknowledgement deadline."""

    id: int
    contact_id: int
    agency_code: str
    agency_name_fa: str
    agency_name_en: str
    province_code: str | None = Field(description="The contact's province")
    state: ReferralState
    state_fa: str
    urgency: RiskLevel
    kind: HandoverKind
    category: str | None
    consent: ConsentStatus
    override_used: bool = Field(description="Sent without consent under the immediate-danger "
                                            "override (the reason is in the audit log)")
    requested_at: datetime
    ack_due_at: datetime = Field(description="When the partner must have accepted or rejected")
    received_at: datetime | None
    decided_at: datetime | None
    completed_at: datetime | None
    escalated_at: datetime | None = Field(description="When the supervisor was alerted")
    overdue: bool = Field(description="Still waiting for the partner's decision past the "
                                      "deadline")
    partner_reference: str | None
    partner_note: str | None
    version: int = Field(description="Send it back as `version` to move only this version")


class ReferralStatusUpdate(BaseModel):
    """A partner acknowledges or moves a referral addressed to it."""

    model_config = ConfigDict(extra="forbid")

    state: PartnerState
    reference: Annotated[str, Field(min_length=1, max_length=120)] | None = Field(
        default=None, description="The partner's own case or incident number")
    note: Note | None = Field(default=None, description="For the 123 counsellor")
    version: int | None = Field(default=None, ge=1, le=2**31 - 1,
                                description="The version you saw; a newer one answers 409")


class PartnerReferralPublic(BaseModel):
    """A referral as the partner sees it: the tracking fields and the EIDO incident (the
    place, the kind of incident and the priority; nothing that names or reaches a person)."""

    id: int
    agency_code: str
    state: ReferralState
    urgency: RiskLevel
    kind: HandoverKind
    requested_at: datetime
    ack_due_at: datetime
    version: int
    partner_reference: str | None
    eido: dict[str, Any] = Field(description="NENA EIDO incident (Panah's subset)")


class HandoverIn(BaseModel):
    """A partner hands a case to the 123 line (e.g. police 110 a family dispute)."""

    model_config = ConfigDict(extra="forbid")

    reference: PartnerReference = Field(
        description="Your incident number: sending it again creates nothing new")
    agency_code: AgencyCode | None = Field(
        default=None, description="Which of your agencies hands it over; needed only when "
                                  "your account has several")
    description: Note = Field(description="What happened, briefly; stored encrypted")
    urgency: RiskLevel = RiskLevel.medium
    category: Category | None = None
    location: PointIn | None = Field(default=None, description="Where the person is (WGS84)")
    located_at: datetime | None = Field(default=None, description="When that point was taken")
    province_code: Annotated[str, Field(pattern=r"^IR-\d\d$")] | None = Field(
        default=None, description="The province, when you have no point")
    phone: Annotated[str, Field(min_length=3, max_length=30)] | None = Field(
        default=None, description="A number the counsellor can call the person back on")

    @field_validator("located_at")
    @classmethod
    def _in_utc(cls, value: datetime | None) -> datetime | None:
        """Stored times are UTC; a time without a zone is taken as UTC."""
        if value is None:
            return None
        try:
            return (value if value.tzinfo else value.replace(tzinfo=UTC)).astimezone(UTC)
        except OverflowError:
            raise ValueError("located_at is out of range") from None


class HandoverReceipt(BaseModel):
    contact_id: int
    created: bool = Field(description="false: this reference was handed over before")
    queue: str = Field(description="The 123 queue it went to: a province code or national")
    province_code: str | None
    state: str
    status_url: str


class HandoverStatusPublic(BaseModel):
    """How far the 123 line has got with a hand-over."""

    contact_id: int
    reference: str
    state: str
    queue: str
    risk: RiskLevel
    answered: bool
    closed: bool


# --- builders -------------------------------------------------------------------------------

def _at(moment: datetime | None) -> datetime | None:
    return as_utc(moment) if moment is not None else None


def referral_public(record: ReferralRecord, now: datetime) -> ReferralPublic:
    r, agency = record.referral, record.agency
    state = ReferralState(r.state)
    return ReferralPublic(
        id=r.id, contact_id=r.contact_id, agency_code=agency.code,
        agency_name_fa=agency.name_fa, agency_name_en=agency.name_en,
        province_code=record.province_code, state=state, state_fa=state.label_fa,
        urgency=RiskLevel(r.urgency), kind=HandoverKind(r.kind), category=r.category,
        consent=ConsentStatus(r.consent), override_used=r.override_reason is not None,
        requested_at=as_utc(r.requested_at), ack_due_at=as_utc(r.ack_due_at),
        received_at=_at(r.received_at), decided_at=_at(r.decided_at),
        completed_at=_at(r.completed_at), escalated_at=_at(r.escalated_at),
        overdue=record.overdue(now), partner_reference=r.partner_reference,
        partner_note=r.partner_note, version=r.version)


def partner_referral_public(session: Session, record: ReferralRecord,
                            base_url: str) -> PartnerReferralPublic:
    """The partner's view, with the EIDO incident built (and validated) from the rows."""
    referral = record.referral
    return PartnerReferralPublic(
        id=referral.id, agency_code=record.agency.code,
        state=ReferralState(referral.state), urgency=RiskLevel(referral.urgency),
        kind=HandoverKind(referral.kind), requested_at=as_utc(referral.requested_at),
        ack_due_at=as_utc(referral.ack_due_at), version=referral.version,
        partner_reference=referral.partner_reference,
        eido=export_document(session, referral, "eido", base_url=base_url))


def handover_receipt(contact: Contact, created: bool) -> HandoverReceipt:
    return HandoverReceipt(
        contact_id=contact.id, created=created, queue=contact.queue,
        province_code=contact.province_code, state=contact.state,
        status_url=f"/api/partner/handovers/{contact.id}")


def handover_status_public(contact: Contact, reference: str) -> HandoverStatusPublic:
    return HandoverStatusPublic(
        contact_id=contact.id, reference=reference, state=contact.state,
        queue=contact.queue, risk=RiskLevel(contact.risk),
        answered=contact.answered_at is not None, closed=contact.closed_at is not None)
