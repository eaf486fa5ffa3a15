"""A stored referral as hand-over documents: the EIDO incident and the FHIR Bundle.

Reads the rows, builds a :class:`panah.triage.referrals.exchange.ReferralExport` (nothing that names
or reaches a person: the caller's number, name and the counsellor's notes are never read
here) and validates each document before it leaves. A document that fails validation is
Panah's bug, not the reader's, so it raises :class:`ExportError` (a 500), never a 4xx.

**Identifiers.** The directory does not record partners' NENA agency domains yet, so they
are derived under :data:`NENA_NAMESPACE` from the agency code (``110-IR-02`` →
``110-ir-02.agency.panah.ir``), and the sender is the contact's provincial 123 centre
(``ir-02.line123.panah.ir``). Documents refer to the person only as ``c-<contact id>``,
which means nothing outside Panah.
"""

from __future__ import annotations

import re
from typing import Any, Literal

from sqlalchemy.orm import Session

from panah.core.clock import as_utc
from panah.core.errors import InvalidInput
from panah.intake.model import RiskLevel
from panah.intake.orm import Contact, ContactLocation
from panah.triage.orm import Agency, Referral
from panah.triage.referrals import exchange
from panah.triage.referrals.model import ConsentStatus, ReferralState

NENA_NAMESPACE = "panah.ir"
# IANA urn:emergency:service:responder sub-services; other domains keep their own name,
# to agree with each partner (as exchange.INCIDENT_TYPES).
RESPONDERS = {"police": "police", "ems": "ems", "fire": "fire"}
SERVICE_TEXT = {"police": "Police attendance", "ems": "Emergency medical care"}
DEFAULT_CATEGORY = "other"
Format = Literal["eido", "fhir"]


class ExportError(RuntimeError):
    """A document Panah built does not match its own schema: a bug to fix, reported as 500."""


def _slug(text: str) -> str:
    """A DNS label and FHIR id: letters, digits and hyphens."""
    return re.sub(r"[^a-z0-9-]+", "-", text.lower()).strip("-") or "unknown"


def _sender(contact: Contact) -> exchange.Agency:
    province = _slug(contact.province_code or "national")
    return exchange.Agency(code=f"123-{province}", domain=f"{province}.line123.{NENA_NAMESPACE}",
                           responder="psap")


def _receiver(agency: Agency) -> exchange.Agency:
    slug = _slug(agency.code)
    responder = RESPONDERS.get(agency.domain, re.sub(r"[^a-z0-9_-]", "", agency.domain.lower()))
    return exchange.Agency(code=slug, domain=f"{slug}.agency.{NENA_NAMESPACE}",
                           responder=responder or "other")


def _best_point(contact: Contact) -> ContactLocation | None:
    """The location routing used (its source), newest first; else the newest with a point."""
    points = [loc for loc in reversed(contact.locations)
              if loc.lat is not None and loc.lon is not None]
    used = [loc for loc in points if loc.source == contact.location_source]
    return next(iter(used or points), None)


def place_of(contact: Contact, agency: Agency) -> exchange.Place:
    """Where help is needed, as a partner may know it: the province, the county and the
    best point with its accuracy; never a person."""
    point = _best_point(contact)
    return exchange.Place(
        province_code=contact.province_code or agency.province_code or "",
        county_code=contact.county_key,
        lat=point.lat if point else None, lon=point.lon if point else None,
        radius_m=point.radius_m if point else None)


def referral_export(session: Session, referral: Referral, *,
                    base_url: str) -> exchange.ReferralExport:
    """What the builders need of ``referral``; ``base_url`` is Panah's public https origin."""
    contact = session.get_one(Contact, referral.contact_id)
    agency = session.get_one(Agency, referral.agency_id)
    base = base_url.rstrip("/")
    requested_at = as_utc(referral.requested_at)
    return exchange.ReferralExport(
        referral_id=str(referral.id), incident_id=f"c-{contact.id}",
        client_ref=f"c-{contact.id}", sender=_sender(contact), receiver=_receiver(agency),
        category_code=referral.category or DEFAULT_CATEGORY,
        service_text=SERVICE_TEXT.get(agency.domain, f"Referral to {agency.name_en}")[:200],
        risk=RiskLevel(referral.urgency), state=ReferralState(referral.state),
        requested_at=requested_at, updated_at=as_utc(referral.updated_at),
        place=place_of(contact, agency), consent=ConsentStatus(referral.consent),
        consent_at=requested_at,
        reference_url=f"{base}/api/partner/referrals/{referral.id}",
        fhir_base=f"{base}/fhir", override_reason=referral.override_reason)


def document(export: exchange.ReferralExport, fmt: Format) -> dict[str, Any]:
    """The EIDO incident or the FHIR Bundle of ``export``, validated."""
    try:
        if fmt == "eido":
            built = exchange.eido_incident(export)
            exchange.validate(built, "eido-incident")
        else:
            built = exchange.referral_bundle(export)
            exchange.validate_bundle(built)
    except InvalidInput as problem:
        raise ExportError(f"referral {export.referral_id}: {problem.message_en}") from problem
    return built


def export_document(session: Session, referral: Referral, fmt: Format, *,
                    base_url: str) -> dict[str, Any]:
    """One validated document of ``referral``. It carries the referral's own times, so the
    same referral gives the same document."""
    return document(referral_export(session, referral, base_url=base_url), fmt)
