"""Hand-over documents for partner agencies, and their validation against JSON Schemas.

**Police 110 / EMS 115: a subset of NENA EIDO** (NENA-STA-024; JSON as in NENA-STA-021):
the prologue (``$id``, ``lastUpdateTimeStamp``, ``updatedByAgencyReference``); the incident
(tracking id, common incident type and status, priority 0–10); both agencies (the sender owns
the 123 incident); the location, whose ``locationByValue`` is PIDF-LO as the standard says (a
WGS84 circle with the uncertainty radius, or a point, and a civic address with the ISO
3166-2:IR province in ``A1``); one person component per person at risk holding only a role
(the count, no identity); and one ``additionalDataComponent`` whose
``additionalDataByReferenceUrl`` is where the partner fetches the details with its own
credentials. Notes, calls, callbacks and NIEM person data are outside the subset, and
``additionalProperties: false`` at every level of the schema refuses them. The
incident-type texts (``INCIDENT_TYPES``) are ours, to agree with each partner.

**Care referrals: FHIR R4** ``ServiceRequest`` (priority: immediate → stat, high → asap,
medium → urgent, low/information → routine), ``Task`` (status = the referral state;
``restriction.period.end`` = the acknowledgement deadline) and ``Consent``, in a
``collection`` Bundle at Panah's FHIR endpoint (Panah holds the Task, the partner updates
it). References carry ids, never a ``display`` name. Consent given: ``active``, policy rule
``OPTIN``, ``permit``. Immediate-danger override (``referrals.check_consent``): ``active``,
``permit``, policy rule ``NOCONSENT`` (v3 ActCode: disclosure by policy without consent) and
a fixed text saying whether the person refused or was not asked; the written reason stays in
Panah's audit log.

Pure: no database, no clock, no network.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from functools import cache
from importlib import resources
from typing import Any
from urllib.parse import urlsplit
from xml.sax.saxutils import escape, quoteattr

from jsonschema import Draft202012Validator, FormatChecker
from jsonschema.exceptions import best_match

from panah.core.errors import InvalidInput
from panah.intake.model import RiskLevel
from panah.triage.referrals.model import ConsentStatus, ReferralState, ack_deadline, check_consent

Document = dict[str, Any]

SCHEMAS = ("eido-incident", "fhir-servicerequest", "fhir-task", "fhir-consent")
_SCHEMA_OF_RESOURCE = {"ServiceRequest": "fhir-servicerequest", "Task": "fhir-task",
                       "Consent": "fhir-consent"}


@dataclass(frozen=True, slots=True)
class Agency:
    """``code`` is a short id (FHIR-safe, e.g. ``"110-IR-02"``); ``domain`` its NENA agency
    identifier (a host name); ``responder`` the IANA ``urn:emergency:service:responder``
    sub-service (``police``, ``ems``, ``psap`` …)."""

    code: str
    domain: str
    responder: str


@dataclass(frozen=True, slots=True)
class Place:
    """Where help is needed: a point when one is known, and always the province."""

    province_code: str  # ISO 3166-2:IR, e.g. "IR-02"
    county_code: str | None = None
    lat: float | None = None
    lon: float | None = None
    radius_m: float | None = None
    civic_text: str = ""  # a place ("Chalus, Nowruz post 3"), never a person


@dataclass(frozen=True, slots=True)
class ReferralExport:
    """Everything the builders need; nothing that names or reaches a person."""

    referral_id: str
    incident_id: str
    client_ref: str  # a pseudonymous client reference
    sender: Agency
    receiver: Agency
    category_code: str  # the triage taxonomy's code
    service_text: str  # what is asked, e.g. "Police attendance"
    risk: RiskLevel
    state: ReferralState
    requested_at: datetime
    updated_at: datetime
    place: Place
    consent: ConsentStatus
    consent_at: datetime
    reference_url: str  # https: where the partner fetches the details
    fhir_base: str  # Panah's FHIR endpoint
    override_reason: str | None = None
    person_count: int = 1

    @property
    def ack_due_at(self) -> datetime:
        return ack_deadline(self.requested_at, urgency=self.risk)


INCIDENT_TYPES: dict[str, str] = {
    "child_abuse": "Child Abuse", "spouse_abuse": "Domestic Violence",
    "woman_at_risk": "Domestic Violence", "family_conflict": "Domestic Disturbance",
    "elder_abuse": "Elder Abuse", "disability_abuse": "Vulnerable Adult Abuse",
    "suicidal_thoughts": "Suicide Threat", "suicide_attempt": "Suicide Attempt",
    "runaway": "Missing Person", "street_child": "Welfare Check",
}
DEFAULT_INCIDENT_TYPE = "Welfare Check"

PRIORITY_NUMBER = {RiskLevel.immediate: 10, RiskLevel.high: 8, RiskLevel.medium: 5,
                   RiskLevel.low: 3, RiskLevel.information: 1}
FHIR_PRIORITY = {RiskLevel.immediate: "stat", RiskLevel.high: "asap",
                 RiskLevel.medium: "urgent", RiskLevel.low: "routine",
                 RiskLevel.information: "routine"}
# FHIR's Task.status names the same states (in-progress with a hyphen).
TASK_STATUS = {state: state.value.replace("_", "-") for state in ReferralState}


# Not listed: "active" and "Active". A rejected or cancelled request is revoked: this partner
# will not do it, and the counsellor refers elsewhere.
REQUEST_STATUS = {ReferralState.completed: "completed", ReferralState.rejected: "revoked",
                  ReferralState.cancelled: "revoked"}
INCIDENT_STATUS = {ReferralState.completed: "Closed", ReferralState.cancelled: "Cancelled"}


def _ts(at: datetime) -> str:
    if at.tzinfo is None:
        raise InvalidInput("A time in a hand-over needs its time zone; pass an aware datetime.",
                           "زمان در سند ارجاع باید منطقهٔ زمانی داشته باشد.", value=str(at))
    return at.astimezone(UTC).isoformat(timespec="seconds").replace("+00:00", "Z")


def _check_export(export: ReferralExport) -> None:
    if urlsplit(export.reference_url).scheme != "https":
        raise InvalidInput(
            "The reference URL must be https: partners fetch details only over TLS.",
            "نشانی جزئیات باید https باشد: دستگاه‌ها جزئیات را تنها با TLS می‌گیرند.",
            field="reference_url")
    lat, lon = export.place.lat, export.place.lon
    if (lat is None) != (lon is None) or (
            lat is not None and lon is not None and not (-90 <= lat <= 90 and -180 <= lon <= 180)):
        raise InvalidInput(
            "The point is not a WGS84 latitude and longitude: give both, in range, or neither.",
            "نقطه، عرض و طول جغرافیایی WGS84 نیست: هر دو را در بازهٔ درست بدهید یا هیچ‌کدام را.",
            field="place")


# --- NENA EIDO ------------------------------------------------------------------------------

_PIDF_NS = ('xmlns="urn:ietf:params:xml:ns:pidf" '
            'xmlns:gp="urn:ietf:params:xml:ns:pidf:geopriv10" '
            'xmlns:gml="http://www.opengis.net/gml" '
            'xmlns:gs="http://www.opengis.net/pidflo/1.0" '
            'xmlns:ca="urn:ietf:params:xml:ns:pidf:geopriv10:civicAddr"')
_WGS84 = 'srsName="urn:ogc:def:crs:EPSG::4326"'


def pidf_lo(place: Place, *, entity: str) -> str:
    """A PIDF-LO presence document (RFC 4119, RFC 5491 shapes, RFC 5139 civic address)."""
    shape = ""
    if place.lat is not None and place.lon is not None:
        pos = f"<gml:pos>{place.lat:.6f} {place.lon:.6f}</gml:pos>"
        if place.radius_m is not None:
            shape = (f"<gs:Circle {_WGS84}>{pos}<gs:radius "
                     f'uom="urn:ogc:def:uom:EPSG::9001">{place.radius_m:g}</gs:radius>'
                     "</gs:Circle>")
        else:
            shape = f"<gml:Point {_WGS84}>{pos}</gml:Point>"
    county = f"<ca:A2>{escape(place.county_code)}</ca:A2>" if place.county_code else ""
    civic = (f"<ca:civicAddress><ca:country>IR</ca:country>"
             f"<ca:A1>{escape(place.province_code)}</ca:A1>{county}</ca:civicAddress>")
    return (f"<presence {_PIDF_NS} entity={quoteattr(entity)}><tuple id=\"location\"><status>"
            f"<gp:geopriv><gp:location-info>{shape}{civic}</gp:location-info>"
            "<gp:usage-rules/></gp:geopriv></status></tuple></presence>")


def _ref(component_id: str) -> dict[str, str]:
    return {"$ref": component_id}


def _agency(agency: Agency, *, owner: bool, stamp: Document) -> Document:
    return {"$id": f"urn:emergency:uid:agency:{agency.domain}", **stamp,
            "agencyType": [f"urn:emergency:service:responder.{agency.responder}"],
            "incidentOwningAgencyIndicator": owner}


def eido_incident(export: ReferralExport) -> Document:
    """The incident hand-over for police or EMS as an EIDO subset (see the module doc)."""
    _check_export(export)
    sender = f"urn:emergency:uid:agency:{export.sender.domain}"
    stamp: Document = {"lastUpdateTimeStamp": _ts(export.updated_at),
                       "updatedByAgencyReference": _ref(sender)}
    base = f"urn:panah:{export.sender.code}:referral:{export.referral_id}"
    details = f"{base}:details"
    people = [f"{base}:person:{n}" for n in range(1, export.person_count + 1)]
    document: Document = {
        "$id": f"{base}:eido:{export.updated_at.astimezone(UTC):%Y%m%dT%H%M%SZ}",
        **stamp,
        "eidoVersion": "1.0",
        "issuingElementIdentification": export.sender.domain,
        "incidentComponent": _eido_incident_component(export, stamp, base, people),
        "agencyComponent": [_agency(export.sender, owner=True, stamp=stamp),
                            _agency(export.receiver, owner=False, stamp=stamp)],
        "locationComponent": [_eido_location(export, stamp, f"{base}:location")],
        "additionalDataComponent": [{"$id": details, **stamp,
                                     "additionalDataByReferenceUrl": export.reference_url,
                                     "urlPurpose": "urn:panah:referral-details"}],
    }
    if people:
        document["personComponent"] = [
            {"$id": person, **stamp, "personIncidentRoleRegistryText": ["Victim"],
             "additionalDataReference": [_ref(details)]} for person in people]
    return document


def _eido_incident_component(
    export: ReferralExport, stamp: Document, base: str, people: list[str]
) -> Document:
    component: Document = {
        "$id": f"{base}:incident", **stamp,
        "incidentTrackingIdentifier":
            f"urn:emergency:uid:incidentid:{export.incident_id}:{export.sender.domain}",
        "incidentTypeCommonRegistryText":
            INCIDENT_TYPES.get(export.category_code, DEFAULT_INCIDENT_TYPE),
        "incidentTypeInternalCode": export.category_code,
        "incidentStatusCommonRegistryText": [INCIDENT_STATUS.get(export.state, "Active")],
        "incidentCommonPriorityNumber": PRIORITY_NUMBER[export.risk],
        "documentIdentification": export.referral_id,
        "locationReference": [_ref(f"{base}:location")],
    }
    if people:
        component["personReference"] = [_ref(person) for person in people]
    return component


def _eido_location(export: ReferralExport, stamp: Document, location_id: str) -> Document:
    entity = f"pres:{export.referral_id}@{export.sender.domain}"
    component: Document = {
        "$id": location_id, **stamp,
        "locationTypeDescriptionRegistryText": "CurrentIncident",
        "locationByValue": pidf_lo(export.place, entity=entity),
    }
    if export.place.civic_text:
        component["locationDescriptionText"] = export.place.civic_text
    return component


# --- FHIR R4 --------------------------------------------------------------------------------

def _org(agency: Agency) -> dict[str, str]:
    return {"reference": f"Organization/{agency.code}"}


def service_request(export: ReferralExport) -> Document:
    """The care referral: what is asked of the partner, for whom (by reference), how urgent."""
    _check_export(export)
    return {
        "resourceType": "ServiceRequest",
        "id": export.referral_id,
        "status": REQUEST_STATUS.get(export.state, "active"),
        "intent": "order",
        "category": [{"coding": [{"system": "http://snomed.info/sct", "code": "3457005",
                                  "display": "Patient referral"}]}],
        "code": {"text": export.service_text},
        "subject": {"reference": f"Patient/{export.client_ref}"},
        "requester": _org(export.sender),
        "performer": [_org(export.receiver)],
        "authoredOn": _ts(export.requested_at),
        "priority": FHIR_PRIORITY[export.risk],
        "reasonCode": [{"text": export.category_code}],
        "supportingInfo": [{"reference": f"Consent/{export.referral_id}"}],
    }


def task(export: ReferralExport) -> Document:
    """The partner's work on the referral; its status is the referral's state."""
    return {
        "resourceType": "Task",
        "id": export.referral_id,
        "status": TASK_STATUS[export.state],
        "intent": "order",
        "code": {"coding": [{"system": "http://hl7.org/fhir/CodeSystem/task-code",
                             "code": "fulfill"}]},
        "focus": {"reference": f"ServiceRequest/{export.referral_id}"},
        "for": {"reference": f"Patient/{export.client_ref}"},
        "requester": _org(export.sender),
        "owner": _org(export.receiver),
        "authoredOn": _ts(export.requested_at),
        "lastModified": _ts(export.updated_at),
        "restriction": {"period": {"end": _ts(export.ack_due_at)}},
    }


_V3_ACT = "http://terminology.hl7.org/CodeSystem/v3-ActCode"
_OVERRIDE_TEXT = {
    ConsentStatus.refused: "Immediate-danger override: the person refused consent; shared "
                           "without consent to protect life.",
    ConsentStatus.not_asked: "Immediate-danger override: consent could not be asked; shared "
                             "without consent to protect life.",
}


def consent(export: ReferralExport) -> Document:
    """The consent to share with the partner, or the override that stands in for it.
    Refuses (InvalidInput) a referral that has neither."""
    overridden = check_consent(export.consent, urgency=export.risk,
                               override_reason=export.override_reason)
    rule: Document = {"coding": [{"system": _V3_ACT, "code": "OPTIN"}]}
    if overridden:
        rule = {"coding": [{"system": _V3_ACT, "code": "NOCONSENT"}],
                "text": _OVERRIDE_TEXT[export.consent]}
    return {
        "resourceType": "Consent",
        "id": export.referral_id,
        "status": "active",
        "scope": {"coding": [{"system": "http://terminology.hl7.org/CodeSystem/consentscope",
                              "code": "patient-privacy"}]},
        "category": [{"coding": [{"system": "http://loinc.org", "code": "59284-0",
                                  "display": "Patient Consent"}]}],
        "patient": {"reference": f"Patient/{export.client_ref}"},
        "dateTime": _ts(export.consent_at),
        "organization": [_org(export.sender)],
        "policyRule": rule,
        "provision": {"type": "permit", "actor": [{
            "role": {"coding": [{
                "system": "http://terminology.hl7.org/CodeSystem/v3-ParticipationType",
                "code": "IRCP"}]},
            "reference": _org(export.receiver)}]},
    }


def referral_bundle(export: ReferralExport) -> Document:
    """The ServiceRequest, Task and Consent of one referral in a ``collection`` Bundle."""
    resources_ = [service_request(export), task(export), consent(export)]
    base = export.fhir_base.rstrip("/")
    return {
        "resourceType": "Bundle",
        "id": export.referral_id,
        "type": "collection",
        "timestamp": _ts(export.updated_at),
        "entry": [{"fullUrl": f"{base}/{r['resourceType']}/{r['id']}", "resource": r}
                  for r in resources_],
    }


# --- validation -----------------------------------------------------------------------------

_RFC3339 = re.compile(r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})")


def _is_date_time(value: object) -> bool:
    """RFC 3339 with a zone, on a real day (jsonschema's own check needs an extra package)."""
    if not isinstance(value, str):
        return True
    try:
        return _RFC3339.fullmatch(value) is not None and bool(datetime.fromisoformat(value))
    except ValueError:
        return False


def _is_uri(value: object) -> bool:
    return not isinstance(value, str) or bool(urlsplit(value).scheme)


@cache
def _validator(schema_name: str) -> Any:
    if schema_name not in SCHEMAS:
        raise ValueError(f"unknown schema {schema_name!r}; known: {', '.join(SCHEMAS)}")
    schema = json.loads(resources.files("panah.triage.referrals.formats").joinpath(
        f"{schema_name}.schema.json").read_text(encoding="utf-8"))
    Draft202012Validator.check_schema(schema)
    checker = FormatChecker(formats=())  # only ours: no silent skip for a missing package
    checker.checks("date-time")(_is_date_time)
    checker.checks("uri")(_is_uri)
    return Draft202012Validator(schema, format_checker=checker)


def _first_error(document: Mapping[str, Any], schema_name: str) -> tuple[str, str] | None:
    error = best_match(_validator(schema_name).iter_errors(document))
    if error is None:
        return None
    return "/" + "/".join(str(part) for part in error.absolute_path), str(error.message)


def _invalid(schema_name: str, path: str, message: str) -> InvalidInput:
    return InvalidInput(
        f"The {schema_name} document is not valid at {path}: {message}. "
        "Fix the referral data or the builder, then send again.",
        f"سند {schema_name} در {path} معتبر نیست: {message}. "
        "داده‌های ارجاع یا سازندهٔ سند را درست کنید و دوباره بفرستید.",
        schema=schema_name, path=path,
    )


def validate(document: Mapping[str, Any], schema_name: str) -> None:
    """Refuse (InvalidInput) a document that does not match the named schema, saying where
    (a JSON Pointer) and why. ``schema_name`` is one of ``SCHEMAS``."""
    found = _first_error(document, schema_name)
    if found is not None:
        raise _invalid(schema_name, *found)


def validate_bundle(bundle: Mapping[str, Any]) -> None:
    """Validate a referral Bundle: its shape, and each resource against its own schema."""
    if bundle.get("resourceType") != "Bundle" or bundle.get("type") not in (
            "collection", "transaction"):
        raise _invalid("bundle", "/", "it is not a collection or transaction Bundle")
    for n, entry in enumerate(bundle.get("entry", [])):
        resource = entry.get("resource", {})
        name = _SCHEMA_OF_RESOURCE.get(str(resource.get("resourceType")))
        if name is None:
            raise _invalid("bundle", f"/entry/{n}/resource/resourceType",
                           "Panah sends only ServiceRequest, Task and Consent")
        found = _first_error(resource, name)
        if found is not None:
            path, message = found
            raise _invalid(name, f"/entry/{n}/resource{path}".rstrip("/"), message)
