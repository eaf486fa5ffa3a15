"""Hand-over documents (NENA EIDO subset, FHIR R4) and their validation: real, strict."""

from __future__ import annotations

import copy
import json
import xml.etree.ElementTree as ET
from dataclasses import replace
from datetime import timedelta
from typing import Any

import pytest

from panah.core.errors import InvalidInput
from panah.intake.model import RiskLevel
from panah.triage.referrals.exchange import (
    SCHEMAS,
    Agency,
    Place,
    ReferralExport,
    consent,
    eido_incident,
    pidf_lo,
    referral_bundle,
    service_request,
    task,
    validate,
    validate_bundle,
)
from panah.triage.referrals.model import ConsentStatus, ReferralState
from tests.conftest import NOWRUZ

# Journey 1: Nowruz, Chalus: the counsellor refers a violent husband to police 110.
CHALUS = ReferralExport(
    referral_id="r-1042", incident_id="c-88", client_ref="cl-7f3a",
    sender=Agency("123-IR-02", "ir-02.line123.example.ir", "psap"),
    receiver=Agency("110-IR-02", "ir-02.police110.example.ir", "police"),
    category_code="spouse_abuse", service_text="Police attendance", risk=RiskLevel.high,
    state=ReferralState.requested, requested_at=NOWRUZ,
    updated_at=NOWRUZ + timedelta(minutes=1),
    place=Place("IR-02", "chalus", lat=36.6551, lon=51.4204, radius_m=25,
                civic_text="Chalus, Nowruz post 3"),
    consent=ConsentStatus.given, consent_at=NOWRUZ,
    reference_url="https://panah.example.ir/api/partner/referrals/r-1042",
    fhir_base="https://panah.example.ir/fhir/",
)
PIDF = "{urn:ietf:params:xml:ns:pidf:geopriv10}"
GML = "{http://www.opengis.net/gml}"
GS = "{http://www.opengis.net/pidflo/1.0}"
CA = "{urn:ietf:params:xml:ns:pidf:geopriv10:civicAddr}"


def invalid(document: dict[str, Any], schema: str) -> InvalidInput:
    with pytest.raises(InvalidInput) as caught:
        validate(document, schema)
    assert caught.value.message_en and caught.value.message_fa
    return caught.value


def test_the_police_hand_over_is_a_valid_eido_subset() -> None:
    document = eido_incident(CHALUS)
    validate(document, "eido-incident")
    incident = document["incidentComponent"]
    assert incident["incidentTrackingIdentifier"] == (
        "urn:emergency:uid:incidentid:c-88:ir-02.line123.example.ir")
    assert incident["incidentTypeCommonRegistryText"] == "Domestic Violence"
    assert incident["incidentStatusCommonRegistryText"] == ["Active"]
    assert incident["incidentCommonPriorityNumber"] == 8
    assert document["lastUpdateTimeStamp"] == "2026-03-22T06:31:00Z"
    assert [a["incidentOwningAgencyIndicator"] for a in document["agencyComponent"]] == [
        True, False]
    assert document["additionalDataComponent"][0]["additionalDataByReferenceUrl"] == (
        CHALUS.reference_url)


def test_the_hand_over_carries_the_count_of_people_and_nothing_about_them() -> None:
    document = eido_incident(replace(CHALUS, person_count=3))
    validate(document, "eido-incident")
    assert len(document["personComponent"]) == 3
    assert len(document["incidentComponent"]["personReference"]) == 3
    assert all(set(p) == {"$id", "lastUpdateTimeStamp", "updatedByAgencyReference",
                          "personIncidentRoleRegistryText", "additionalDataReference"}
               for p in document["personComponent"])
    text = json.dumps(document)
    assert CHALUS.client_ref not in text
    for component in ("notesComponent", "callComponent", "callbackComponent"):
        assert component not in document


def test_a_hand_over_without_people_leaves_the_person_component_out() -> None:
    document = eido_incident(replace(CHALUS, person_count=0))
    validate(document, "eido-incident")
    assert "personComponent" not in document
    assert "personReference" not in document["incidentComponent"]


def test_the_location_is_a_pidf_lo_circle_with_the_province_in_the_civic_address() -> None:
    location = eido_incident(CHALUS)["locationComponent"][0]
    assert location["locationDescriptionText"] == "Chalus, Nowruz post 3"
    root = ET.fromstring(location["locationByValue"])  # noqa: S314 - our own output
    info = root.find(f".//{PIDF}location-info")
    assert info is not None
    assert info.findtext(f"{GS}Circle/{GML}pos") == "36.655100 51.420400"
    assert info.findtext(f"{GS}Circle/{GS}radius") == "25"
    assert info.findtext(f"{CA}civicAddress/{CA}A1") == "IR-02"
    assert info.findtext(f"{CA}civicAddress/{CA}A2") == "chalus"


def test_a_point_without_radius_is_a_gml_point_and_no_point_is_civic_only() -> None:
    point = ET.fromstring(pidf_lo(Place("IR-02", lat=36.6, lon=51.4), entity="pres:x@y"))  # noqa: S314
    assert point.find(f".//{GML}Point/{GML}pos") is not None
    civic = ET.fromstring(pidf_lo(Place("IR-02 & <x>"), entity="pres:x@y"))  # noqa: S314
    assert civic.find(f".//{GML}pos") is None
    assert civic.findtext(f".//{CA}A1") == "IR-02 & <x>"  # escaped, still well-formed


@pytest.mark.parametrize("field", ["callerName", "callerPhone"])
def test_a_sensitive_extra_field_anywhere_fails_eido_validation(field: str) -> None:
    top = eido_incident(CHALUS) | {field: "Maryam"}
    assert invalid(top, "eido-incident").details["path"] == "/"
    nested = eido_incident(CHALUS)
    nested["incidentComponent"][field] = "Maryam"
    assert invalid(nested, "eido-incident").details["path"] == "/incidentComponent"
    person = eido_incident(CHALUS)
    person["personComponent"][0]["ncPersonComponent"] = {"personFullName": "Maryam"}
    assert invalid(person, "eido-incident").details["path"] == "/personComponent/0"


def test_notes_and_free_text_cannot_be_added_to_the_hand_over() -> None:
    document = eido_incident(CHALUS)
    document["notesComponent"] = [{"$id": "urn:x:n", "notesActionComments": "she said …"}]
    error = invalid(document, "eido-incident")
    assert "notesComponent" in error.message_en
    coded = eido_incident(CHALUS)
    coded["incidentComponent"]["incidentTypeInternalCode"] = "husband has a knife, 0911…"
    assert invalid(coded, "eido-incident").details["path"] == (
        "/incidentComponent/incidentTypeInternalCode")


def test_a_wrong_eido_status_or_priority_fails_validation() -> None:
    document = eido_incident(CHALUS)
    document["incidentComponent"]["incidentStatusCommonRegistryText"] = ["Pending"]
    assert invalid(document, "eido-incident").details["path"] == (
        "/incidentComponent/incidentStatusCommonRegistryText/0")
    document = eido_incident(CHALUS)
    document["incidentComponent"]["incidentCommonPriorityNumber"] = 11
    invalid(document, "eido-incident")


@pytest.mark.parametrize("stamp", ["2026-03-22T06:31:00", "2026-02-30T06:31:00Z",
                                   "22/03/2026 06:31", "2026-03-22 06:31:00Z"])
def test_a_timestamp_without_a_zone_or_on_no_real_day_fails_validation(stamp: str) -> None:
    document = eido_incident(CHALUS) | {"lastUpdateTimeStamp": stamp}
    assert invalid(document, "eido-incident").details["path"] == "/lastUpdateTimeStamp"


@pytest.mark.parametrize(("risk", "priority"), [
    (RiskLevel.immediate, "stat"), (RiskLevel.high, "asap"), (RiskLevel.medium, "urgent"),
    (RiskLevel.low, "routine"), (RiskLevel.information, "routine"),
])
def test_the_service_request_priority_follows_the_risk(risk: RiskLevel, priority: str) -> None:
    request = service_request(replace(CHALUS, risk=risk))
    validate(request, "fhir-servicerequest")
    assert request["priority"] == priority


def test_the_service_request_names_the_partner_and_the_person_only_by_reference() -> None:
    request = service_request(CHALUS)
    assert request["intent"] == "order"
    assert request["subject"] == {"reference": "Patient/cl-7f3a"}
    assert request["performer"] == [{"reference": "Organization/110-IR-02"}]
    assert request["reasonCode"] == [{"text": "spouse_abuse"}]
    assert request["authoredOn"] == "2026-03-22T06:30:00Z"


@pytest.mark.parametrize(("state", "task_status", "request_status"), [
    (ReferralState.requested, "requested", "active"),
    (ReferralState.received, "received", "active"),
    (ReferralState.accepted, "accepted", "active"),
    (ReferralState.rejected, "rejected", "revoked"),
    (ReferralState.in_progress, "in-progress", "active"),
    (ReferralState.completed, "completed", "completed"),
    (ReferralState.cancelled, "cancelled", "revoked"),
])
def test_every_referral_state_maps_to_valid_fhir_statuses(
    state: ReferralState, task_status: str, request_status: str
) -> None:
    export = replace(CHALUS, state=state)
    validate(task(export), "fhir-task")
    validate(service_request(export), "fhir-servicerequest")
    assert task(export)["status"] == task_status
    assert service_request(export)["status"] == request_status


def test_the_task_deadline_is_the_acknowledgement_deadline() -> None:
    assert task(CHALUS)["restriction"]["period"]["end"] == "2026-03-22T06:45:00Z"
    immediate = task(replace(CHALUS, risk=RiskLevel.immediate))
    assert immediate["restriction"]["period"]["end"] == "2026-03-22T06:35:00Z"
    assert task(CHALUS)["focus"] == {"reference": "ServiceRequest/r-1042"}
    assert task(CHALUS)["owner"] == {"reference": "Organization/110-IR-02"}


def test_a_consent_given_is_an_active_opt_in_permit() -> None:
    document = consent(CHALUS)
    validate(document, "fhir-consent")
    assert document["status"] == "active"
    assert document["policyRule"]["coding"][0]["code"] == "OPTIN"
    assert document["provision"]["type"] == "permit"
    assert document["category"][0]["coding"][0] == {
        "system": "http://loinc.org", "code": "59284-0", "display": "Patient Consent"}
    assert document["scope"]["coding"][0]["code"] == "patient-privacy"


@pytest.mark.parametrize("answer", [ConsentStatus.refused, ConsentStatus.not_asked])
def test_the_immediate_danger_override_is_recorded_without_the_written_reason(
    answer: ConsentStatus,
) -> None:
    reason = "Husband threatening with a knife; children in the villa."
    document = consent(replace(CHALUS, consent=answer, override_reason=reason,
                               risk=RiskLevel.immediate))
    validate(document, "fhir-consent")
    assert document["policyRule"]["coding"][0]["code"] == "NOCONSENT"
    assert "override" in document["policyRule"]["text"]
    assert reason not in json.dumps(document)


def test_a_referral_without_consent_or_override_gets_no_documents() -> None:
    with pytest.raises(InvalidInput):
        consent(replace(CHALUS, consent=ConsentStatus.refused))
    with pytest.raises(InvalidInput):
        referral_bundle(replace(CHALUS, consent=ConsentStatus.not_asked, risk=RiskLevel.medium,
                                override_reason="worried"))


def test_the_bundle_holds_the_three_resources_at_panahs_fhir_endpoint() -> None:
    bundle = referral_bundle(CHALUS)
    validate_bundle(bundle)
    assert bundle["type"] == "collection"
    assert [e["fullUrl"] for e in bundle["entry"]] == [
        "https://panah.example.ir/fhir/ServiceRequest/r-1042",
        "https://panah.example.ir/fhir/Task/r-1042",
        "https://panah.example.ir/fhir/Consent/r-1042",
    ]


def test_a_wrong_fhir_status_or_intent_fails_validation() -> None:
    assert invalid(service_request(CHALUS) | {"status": "pending"},
                   "fhir-servicerequest").details["path"] == "/status"
    assert invalid(task(CHALUS) | {"status": "in_progress"}, "fhir-task").details["path"] == (
        "/status")
    assert invalid(task(CHALUS) | {"intent": "request"}, "fhir-task").details["path"] == (
        "/intent")
    assert invalid(consent(CHALUS) | {"status": "given"}, "fhir-consent").details["path"] == (
        "/status")


def test_identity_cannot_slip_into_a_fhir_resource() -> None:
    named = service_request(CHALUS)
    named["subject"] = {"reference": "Patient/cl-7f3a", "display": "Maryam Ahmadi"}
    assert invalid(named, "fhir-servicerequest").details["path"] == "/subject"
    assert invalid(task(CHALUS) | {"callerName": "Maryam"}, "fhir-task").details["path"] == "/"
    assert invalid(service_request(CHALUS) | {"reasonCode": [{"text": "She said he hit her"}]},
                   "fhir-servicerequest").details["path"] == "/reasonCode/0/text"


def test_a_bundle_with_a_bad_resource_names_its_entry() -> None:
    bundle = referral_bundle(CHALUS)
    broken = copy.deepcopy(bundle)
    broken["entry"][1]["resource"]["status"] = "in_progress"
    with pytest.raises(InvalidInput) as caught:
        validate_bundle(broken)
    assert caught.value.details["path"] == "/entry/1/resource/status"
    patient = copy.deepcopy(bundle)
    patient["entry"].append({"resource": {"resourceType": "Patient", "name": "Maryam"}})
    with pytest.raises(InvalidInput):
        validate_bundle(patient)
    with pytest.raises(InvalidInput):
        validate_bundle(bundle | {"type": "searchset"})


def test_naive_times_bad_points_and_plain_http_are_refused_before_building() -> None:
    with pytest.raises(InvalidInput):
        eido_incident(replace(CHALUS, updated_at=NOWRUZ.replace(tzinfo=None)))
    with pytest.raises(InvalidInput):
        service_request(replace(CHALUS, reference_url="http://panah.example.ir/r-1042"))
    for place in (Place("IR-02", lat=36.6), Place("IR-02", lat=51.4, lon=236.6)):
        with pytest.raises(InvalidInput):
            eido_incident(replace(CHALUS, place=place))


def test_validation_knows_its_schemas_only() -> None:
    assert set(SCHEMAS) == {"eido-incident", "fhir-servicerequest", "fhir-task", "fhir-consent"}
    with pytest.raises(ValueError, match="unknown schema"):
        validate({}, "fhir-patient")
