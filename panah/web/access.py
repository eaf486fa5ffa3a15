"""Resource-level access as FastAPI dependencies: load, decide, audit — before the route runs.

A dependency here runs before the request body is validated, so a refusal is always 403
(never a 422 that would hint the caller got through), and it records the attempt in the
audit chain in its own committed transaction, so a read is on record before any data
leaves and a refused attempt is on record although the request fails.
"""


import inspect
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Annotated

from fastapi import Depends, Path, Request
from sqlalchemy.orm import Session, sessionmaker

from panah.cases.clients.service import client_resource, merge_resource
from panah.cases.consent.queries import consent_resource
from panah.cases.queries import case_need_to_know, case_place
from panah.cases.service import decide_case_access
from panah.cases.thread.queries import visit_resource
from panah.cases.transfers.queries import transfer_resource
from panah.centres.appointments.queries import (
    appointment_case,
    appointment_resource,
    worker_resource,
)
from panah.centres.beds.queries import request_origin_resource, shelter_request_resource
from panah.centres.community.queries import (
    base_resource,
    neighbourhood_resource,
    participant_resource,
    programme_resource,
    session_resource,
)
from panah.centres.shelters.model import RULE_ADDRESS_EN, RULE_ADDRESS_FA
from panah.centres.shelters.queries import shelter_resource
from panah.centres.stays.queries import stay_resource
from panah.core.db import unit_of_work
from panah.core.errors import Forbidden, NotFound
from panah.dispatch.queries import incident_resource, unit_resource
from panah.intake.queries import contact_resource, line_resource
from panah.security.access import audit, deny, with_grants
from panah.security.audit import AuditAction
from panah.security.policy import Actor, Decision, Resource, decide
from panah.security.roles import Permission
from panah.triage.queries.resources import (
    dispatch_request_resource,
    follow_up_resource,
    referral_resource,
)
from panah.web.deps import get_clock, require


@dataclass(frozen=True, slots=True)
class CaseAccess:
    """A case the actor may reach, and why (team, supervisor or break_glass)."""

    case_id: int
    actor: Actor
    why: str


RESOURCE_ATTRIBUTE = "panah_resource"  # tests/api/test_access_matrix.py reads it


@dataclass(frozen=True, slots=True)
class ResourceMarker:
    """What a resource dependency checks, so a test can ask the same question of the policy:
    the path parameter, the permission, and how to load the resource's facts."""

    kind: str
    param: str
    permission: Permission
    load: Callable[[Session, int], Resource | None]


def case_access(
    permission: Permission, *, need_to_know: bool = True
) -> Callable[..., CaseAccess]:
    """A dependency giving :class:`CaseAccess` to ``case_id`` for ``permission`` or refusing.

    ``need_to_know=False`` checks only the case's place (for supervisors' reviews).
    """
    guard = require(permission)

    def dependency(
        request: Request,
        case_id: Annotated[int, Path(ge=1, le=2**31 - 1)],
        actor: Annotated[Actor, Depends(guard)],
    ) -> CaseAccess:
        now = get_clock(request).now()
        factory = request.app.state.session_factory
        with unit_of_work(factory) as session:
            found = decide_case_access(session, actor=actor, case_id=case_id,
                                       permission=permission, need_to_know=need_to_know,
                                       now=now)
        if not found.decision:
            record_denial(factory, found.actor, permission, found.decision, "case", case_id,
                          now)
            raise _refusal(found.actor, found.resource, found.decision, case_id)
        return CaseAccess(case_id=case_id, actor=found.actor, why=found.decision.why.value)

    dependency.__name__ = f"case_access_{permission.value}"
    marker = ResourceMarker("case", "case_id", permission,
                            case_need_to_know if need_to_know else case_place)
    setattr(dependency, RESOURCE_ATTRIBUTE, marker)
    return dependency


def record_denial(factory: sessionmaker[Session], actor: Actor, permission: Permission,
                  decision: Decision, kind: str, subject_id: object, now: datetime) -> None:
    """A refused attempt goes on the audit chain in its own committed transaction, so it
    stays on record although the request fails."""
    with unit_of_work(factory) as session:
        deny(session, actor=actor, permission=permission, decision=decision,
             subject_type=kind, subject_id=subject_id, now=now)


def _refusal(actor: Actor, resource: Resource, decision: Decision, case_id: int) -> Forbidden:
    can_break = bool(decide(actor, Permission.view_case, resource, break_glass=True))
    return Forbidden(
        "This case is need-to-know: you are not on its team"
        + (" or lack the grant its category needs" if decision.why == "restricted" else "")
        + (". In an emergency, open it by break-glass with a stated reason; your supervisor "
           "is told." if can_break else "."),
        "این پرونده «فقط برای افراد لازم» است: شما عضو تیم آن نیستید"
        + (" یا مجوز دستهٔ آن را ندارید" if decision.why == "restricted" else "")
        + ("؛ در وضعیت اضطراری با ذکر دلیل «دسترسی اضطراری» بگیرید؛ سرپرست شما باخبر می‌شود."
           if can_break else "."),
        why=decision.why.value, case_id=case_id, break_glass=can_break,
    )


ViewCase = Annotated[CaseAccess, Depends(case_access(Permission.view_case))]
EditCase = Annotated[CaseAccess, Depends(case_access(Permission.edit_case))]
ReviewCase = Annotated[
    CaseAccess, Depends(case_access(Permission.review_access, need_to_know=False))
]


def _province_access(permission: Permission, kind: str,
                     refusal: tuple[str, str]) -> Callable[..., str]:
    """A dependency giving the code of a province the actor may reach for ``kind`` (their
    own; any for national roles); else 403 with ``refusal`` (English, Persian), audited."""
    guard = require(permission)

    def dependency(
        request: Request,
        province_code: Annotated[str, Path(pattern=r"^IR-\d\d$")],
        actor: Annotated[Actor, Depends(guard)],
    ) -> str:
        now = get_clock(request).now()
        with unit_of_work(request.app.state.session_factory) as session:
            resource = line_resource(session, province_code)
            if resource is None:
                raise NotFound(f"There is no province {province_code}.",
                               f"استانی با کد {province_code} نیست.")
            decision = decide(actor, permission, resource)
        if not decision:
            record_denial(request.app.state.session_factory, actor, permission, decision,
                          kind, province_code, now)
            raise Forbidden(refusal[0], refusal[1], why=decision.why.value,
                            province_code=province_code)
        return province_code

    dependency.__name__ = f"{kind}_access_{permission.value}"
    setattr(dependency, RESOURCE_ATTRIBUTE,
            ResourceMarker(kind, "province_code", permission, line_resource))  # type: ignore[arg-type]
    return dependency


def line_access(permission: Permission) -> Callable[..., str]:
    """A province whose 123 line the actor may manage (their own; any for national roles)."""
    return _province_access(permission, "line", (
        "You manage your own province's line only.",
        "شما فقط خط استان خود را مدیریت می‌کنید."))


@dataclass(frozen=True, slots=True)
class Guarded:
    """A kind of resource reached by an integer id in the path, whose place (province,
    queues) the policy decides on: what to load, and what to say when it is missing or
    out of reach (``{id}`` is filled in)."""

    kind: str
    param: str
    load: Callable[[Session, int], Resource | None]
    missing: tuple[str, str]  # English, Persian
    refused: tuple[str, str]
    audit_reads: bool = True


def id_access(spec: Guarded, permission: Permission) -> Callable[..., int]:
    """A dependency giving the id in ``spec.param`` of a resource the actor may reach,
    auditing the read (when ``spec.audit_reads``); else 404 or 403 (audited)."""
    guard = require(permission)

    def dependency(request: Request, actor: Actor, **path: int) -> int:
        subject_id = path[spec.param]
        now = get_clock(request).now()
        factory = request.app.state.session_factory
        with unit_of_work(factory) as session:
            resource = spec.load(session, subject_id)
            if resource is None:
                raise NotFound(spec.missing[0].format(id=subject_id),
                               spec.missing[1].format(id=subject_id))
            if resource.restricted_category is not None:  # the grants the actor holds now
                actor = with_grants(session, actor)
            decision = decide(actor, permission, resource)
            if decision and spec.audit_reads:
                audit(session, actor, AuditAction.read, spec.kind, subject_id, now=now,
                      reason=decision.why)
        if not decision:
            record_denial(factory, actor, permission, decision, spec.kind, subject_id, now)
            raise Forbidden(spec.refused[0], spec.refused[1], why=decision.why.value,
                            **{spec.param: subject_id})
        return subject_id

    # FastAPI reads the parameters from the signature: the path parameter takes its name.
    keyword = inspect.Parameter.KEYWORD_ONLY
    dependency.__signature__ = inspect.Signature([  # type: ignore[attr-defined]
        inspect.Parameter("request", keyword, annotation=Request),
        inspect.Parameter(spec.param, keyword,
                          annotation=Annotated[int, Path(ge=1, le=2**31 - 1)]),
        inspect.Parameter("actor", keyword, annotation=Annotated[Actor, Depends(guard)]),
    ])
    dependency.__name__ = f"{spec.kind}_access_{permission.value}"
    setattr(dependency, RESOURCE_ATTRIBUTE,
            ResourceMarker(spec.kind, spec.param, permission, spec.load))
    return dependency


CONTACT = Guarded(
    "contact", "contact_id", contact_resource,
    ("There is no contact {id}.", "تماسی با شمارهٔ {id} نیست."),
    ("This contact belongs to another province's line.",
     "این تماس از آنِ خط ۱۲۳ استان دیگری است."))


def contact_access(permission: Permission) -> Callable[..., int]:
    """A contact the actor may reach: its province's queue, or the national pool for an
    unlocated one."""
    return id_access(CONTACT, permission)


FOLLOW_UP = Guarded(
    "follow_up", "follow_up_id", follow_up_resource,
    ("There is no follow-up {id}.", "پیگیری‌ای با شمارهٔ {id} نیست."),
    ("This follow-up belongs to another province's line: its counsellors make the call.",
     "این پیگیری از آنِ خط ۱۲۳ استان دیگری است و کارشناسان همان استان تماس می‌گیرند."),
    audit_reads=False)


def follow_up_access(permission: Permission) -> Callable[..., int]:
    """A follow-up call the actor may make: one of their province's, or of a contact never
    placed in one."""
    return id_access(FOLLOW_UP, permission)


REFERRAL = Guarded(
    "referral", "referral_id", referral_resource,
    ("There is no referral {id}.", "ارجاعی با شمارهٔ {id} نیست."),
    ("This referral belongs to another province's line.",
     "این ارجاع از آنِ خط ۱۲۳ استان دیگری است."))


def referral_access(permission: Permission) -> Callable[..., int]:
    """A referral whose contact the actor may reach (as ``contact_access``)."""
    return id_access(REFERRAL, permission)


UNIT = Guarded(
    "unit", "unit_id", unit_resource,
    ("There is no unit {id} in service; reload the page.",
     "خودرویی با شمارهٔ {id} در خدمت نیست؛ صفحه را تازه کنید."),
    ("This unit is not yours: a crew updates its own centre's units, a dispatcher "
     "their province's.",
     "این خودرو از آنِ شما نیست: هر تیم خودروهای مرکز خود و هر اعزام‌گر خودروهای استان "
     "خود را به‌روز می‌کند."),
    audit_reads=False)


def unit_access(permission: Permission) -> Callable[..., int]:
    return id_access(UNIT, permission)


INCIDENT = Guarded(
    "incident", "incident_id", incident_resource,
    ("There is no incident {id}.", "رخدادی با شمارهٔ {id} نیست."),
    ("This incident belongs to another province's dispatch.",
     "این رخداد از آنِ اعزام استان دیگری است."))


def incident_access(permission: Permission) -> Callable[..., int]:
    return id_access(INCIDENT, permission)


DISPATCH_REQUEST = Guarded(
    "dispatch_request", "request_id", dispatch_request_resource,
    ("There is no dispatch request {id}.", "درخواست اعزامی با شمارهٔ {id} نیست."),
    ("This request belongs to another province's dispatch.",
     "این درخواست از آنِ اعزام استان دیگری است."))


def dispatch_request_access(permission: Permission) -> Callable[..., int]:
    return id_access(DISPATCH_REQUEST, permission)


CLIENT = Guarded(
    "client", "client_id", client_resource,
    ("There is no client {id}.", "مددجویی با شمارهٔ {id} نیست."),
    ("A client is need-to-know: you reach a client through a case of theirs you are on, "
     "or as a supervisor of their province.",
     "اطلاعات مددجو «فقط برای افراد لازم» است: از راه پرونده‌ای از او که در تیمش هستید، "
     "یا در مقام سرپرست استان او، به آن می‌رسید."))


def client_access(permission: Permission) -> Callable[..., int]:
    """A client the actor may reach: through the teams of the client's cases, or as a
    supervisor of the client's province (reads audited)."""
    return id_access(CLIENT, permission)


CLIENT_MERGE = Guarded(
    "client_merge", "merge_id", merge_resource,
    ("There is no client merge {id}.", "ادغامی با شمارهٔ {id} نیست."),
    ("This merge's client is not yours to change: ask a supervisor of their province.",
     "مددجوی این ادغام در دسترس شما نیست: از سرپرست استان او بخواهید."))


def client_merge_access(permission: Permission) -> Callable[..., int]:
    """A client merge whose surviving client the actor may reach (as ``client_access``)."""
    return id_access(CLIENT_MERGE, permission)


# ---- appointments at a crisis centre (issue 16) ------------------------------------------


@dataclass(frozen=True, slots=True)
class AppointmentAccess:
    """An appointment the actor may act on, through its case (team, supervisor or
    break-glass), with the actor's restricted-category grants."""

    appointment_id: int
    case_id: int
    actor: Actor


APPOINTMENT = Guarded(
    "appointment", "appointment_id", appointment_resource,
    ("There is no appointment {id}.", "نوبتی با شمارهٔ {id} نیست."),
    ("This appointment's case is need-to-know: you are not on its team.",
     "پروندهٔ این نوبت «فقط برای افراد لازم» است: شما عضو تیم آن نیستید."))


def appointment_access(permission: Permission) -> Callable[..., AppointmentAccess]:
    """An appointment reached as its case is (``case_access``: the team, the province's
    supervisors, break-glass; grants counted; audited); else 404 or 403 (audited)."""
    guard = require(permission)

    def dependency(
        request: Request,
        appointment_id: Annotated[int, Path(ge=1, le=2**31 - 1)],
        actor: Annotated[Actor, Depends(guard)],
    ) -> AppointmentAccess:
        now = get_clock(request).now()
        factory = request.app.state.session_factory
        with unit_of_work(factory) as session:
            case_id = appointment_case(session, appointment_id)
            if case_id is None:
                raise NotFound(*(m.format(id=appointment_id) for m in APPOINTMENT.missing))
            found = decide_case_access(session, actor=actor, case_id=case_id,
                                       permission=permission, need_to_know=True, now=now)
        if not found.decision:
            record_denial(factory, found.actor, permission, found.decision, "appointment",
                          appointment_id, now)
            raise Forbidden(*APPOINTMENT.refused, why=found.decision.why.value,
                            appointment_id=appointment_id)
        return AppointmentAccess(appointment_id, case_id, found.actor)

    dependency.__name__ = f"appointment_access_{permission.value}"
    setattr(dependency, RESOURCE_ATTRIBUTE, ResourceMarker(
        "appointment", "appointment_id", permission, appointment_resource))
    return dependency


EditAppointment = Annotated[AppointmentAccess, Depends(appointment_access(Permission.edit_case))]

WORKER = Guarded(
    "worker", "user_id", worker_resource,
    ("There is no user {id}.", "کاربری با شمارهٔ {id} نیست."),
    ("A worker's hours are set by the worker or a supervisor of their province.",
     "ساعت کاری هر کارشناس را خود او یا سرپرست استانش تنظیم می‌کند."),
    audit_reads=False)


def worker_access(permission: Permission) -> Callable[..., int]:
    """A worker whose hours the actor may see or set: themself, or a supervisor of the
    worker's province."""
    return id_access(WORKER, permission)


VISIT = Guarded(
    "visit", "incident_id", visit_resource,
    ("There is no incident {id}.", "رخدادی با شمارهٔ {id} نیست."),
    ("This visit belongs to another province: its centres open the case.",
     "این بازدید از آنِ استان دیگری است و مراکز همان استان پرونده را باز می‌کنند."))


def visit_access(permission: Permission) -> Callable[..., int]:
    """An incident's visit, to open a case from: any centre of its province may (a social
    worker's centre scope reaches the whole province's visits; see ``visit_resource``)."""
    return id_access(VISIT, permission)


CONSENT = Guarded(
    "consent", "consent_id", consent_resource,
    ("There is no consent record {id}.", "رضایتی با شمارهٔ {id} ثبت نشده است."),
    ("This consent belongs to a case you are not on.",
     "این رضایت از آنِ پرونده‌ای است که شما عضو تیم آن نیستید."))


def consent_access(permission: Permission) -> Callable[..., int]:
    """A consent record, reached as its case is (team, supervisors, break-glass)."""
    return id_access(CONSENT, permission)


TRANSFER = Guarded(
    "transfer", "transfer_id", transfer_resource,
    ("There is no transfer {id}.", "انتقالی با شمارهٔ {id} نیست."),
    ("This transfer is between two other provinces.",
     "این انتقال میان دو استان دیگر است."))


def transfer_access(permission: Permission) -> Callable[..., int]:
    """A transfer row: the sending and the receiving province's roles reach it (not the
    case: that keeps its own need-to-know)."""
    return id_access(TRANSFER, permission)


# ---- shelters (issue 17) --------------------------------------------------------------------

SHELTER = Guarded(
    "shelter", "shelter_id", shelter_resource,
    ("There is no shelter {id}.", "خانهٔ امنی با شمارهٔ {id} نیست."),
    ("This shelter is not yours: its manager and its province's supervisors run it.",
     "این خانهٔ امن از آنِ شما نیست: مدیر آن و سرپرستان استانش آن را اداره می‌کنند."),
    audit_reads=False)


def shelter_access(permission: Permission) -> Callable[..., int]:
    """A shelter the actor may run (manage_shelters: its own centre's manager, the
    province's supervisors) or see (view_occupancy: also the nation's roles)."""
    return id_access(SHELTER, permission)


SHELTER_ADDRESS = (RULE_ADDRESS_EN[0].upper() + RULE_ADDRESS_EN[1:] + ".", RULE_ADDRESS_FA + ".")


@dataclass(frozen=True, slots=True)
class ShelterAddressAccess:
    shelter_id: int
    actor: Actor


def shelter_address_access(
    request: Request,
    shelter_id: Annotated[int, Path(ge=1, le=2**31 - 1)],
    actor: Annotated[Actor, Depends(require(Permission.authenticated))],
) -> ShelterAddressAccess:
    """Who needs a shelter's address and phone: exactly those who run it (manage_shelters
    within its place, which is ``shelters.model.address_need``). Anyone else, whatever
    their role, hears the rule; every reveal and every refusal is audited."""
    now = get_clock(request).now()
    factory = request.app.state.session_factory
    with unit_of_work(factory) as session:
        resource = shelter_resource(session, shelter_id)
        if resource is None:
            raise NotFound(*(m.format(id=shelter_id) for m in SHELTER.missing))
        decision = decide(actor, Permission.manage_shelters, resource)
        if decision:
            audit(session, actor, AuditAction.read, "shelter_address", shelter_id, now=now,
                  reason=decision.why)
    if not decision:
        record_denial(factory, actor, Permission.manage_shelters, decision, "shelter_address",
                      shelter_id, now)
        raise Forbidden(*SHELTER_ADDRESS, why="address_need", shelter_id=shelter_id)
    return ShelterAddressAccess(shelter_id, actor)


setattr(shelter_address_access, RESOURCE_ATTRIBUTE, ResourceMarker(
    "shelter_address", "shelter_id", Permission.manage_shelters, shelter_resource))


# Stays (issue 17, part B). Restored by the shelters helper after its edit of this file
# dropped them by mistake: the stays helper's own versions take precedence.
STAY = Guarded(
    "shelter_stay", "stay_id", stay_resource,
    ("There is no stay {id}.", "اسکانی با شمارهٔ {id} نیست."),
    ("This stay is not yours: its shelter's manager and its province's supervisors "
     "handle it.",
     "این اسکان از آنِ شما نیست: مدیر خانهٔ امن آن و سرپرستان استان به آن رسیدگی می‌کنند."))


def stay_access(permission: Permission) -> Callable[..., int]:
    """A stay reached as its shelter is (its manager, the province's supervisors; reads
    audited)."""
    return id_access(STAY, permission)


def stay_policy_access(permission: Permission) -> Callable[..., str]:
    """A province whose stay policy the actor may see or set (their own; any for national
    roles)."""
    return _province_access(permission, "stay_policy", (
        "A province's stay policy is its own supervisors' to set.",
        "سیاست اسکان هر استان را سرپرستان همان استان تعیین می‌کنند."))


_BASE_REFUSED = (
    "This base is not yours: a community worker works in her own base, a supervisor in the "
    "bases of their province.",
    "این پایگاه از آنِ شما نیست: مددکار هر پایگاه در پایگاه خود و سرپرست در پایگاه‌های استان "
    "خود کار می‌کند.")
COMMUNITY = {
    "base_id": Guarded("community_base", "base_id", base_resource,
                       ("There is no community base {id}.",
                        "پایگاه خدمات اجتماعی با شمارهٔ {id} نیست."), _BASE_REFUSED,
                       audit_reads=False),
    "neighbourhood_id": Guarded("community_neighbourhood", "neighbourhood_id",
                                neighbourhood_resource,
                                ("There is no neighbourhood {id}.", "محله‌ای با شمارهٔ {id} نیست."),
                                _BASE_REFUSED, audit_reads=False),
    "programme_id": Guarded("community_programme", "programme_id", programme_resource,
                            ("There is no programme {id}.", "برنامه‌ای با شمارهٔ {id} نیست."),
                            _BASE_REFUSED, audit_reads=False),
    "base_session_id": Guarded("community_session", "base_session_id", session_resource,
                               ("There is no session {id}.", "جلسه‌ای با شمارهٔ {id} نیست."),
                               _BASE_REFUSED, audit_reads=False),
    "participant_id": Guarded("community_participant", "participant_id", participant_resource,
                              ("There is no participant {id}.",
                               "شرکت‌کننده‌ای با شمارهٔ {id} نیست."), _BASE_REFUSED),
}


def community_access(param: str) -> Callable[..., int]:
    """A community base's thing (``param`` names it: base_id, neighbourhood_id,
    programme_id, base_session_id, participant_id) in a base the actor works in: her own
    base, or her province's as a supervisor. A participant's record read is audited."""
    return id_access(COMMUNITY[param], Permission.community_work)


# ---- requests for beds (issue 17) ----------------------------------------------------------

SHELTER_REQUEST = Guarded(
    "shelter_request", "shelter_request_id", shelter_request_resource,
    ("There is no bed request {id}.", "درخواست تختی با شمارهٔ {id} نیست."),
    ("This request is for a shelter you do not run: its manager and its province's "
     "supervisors answer it.",
     "این درخواست برای خانهٔ امنی است که شما اداره نمی‌کنید: مدیر آن و سرپرستان استانش "
     "پاسخ می‌دهند."))


def shelter_request_access(permission: Permission) -> Callable[..., int]:
    """A bed request as its shelter answers it (manage_shelters: the shelter's manager, the
    supervisors of the shelter's province)."""
    return id_access(SHELTER_REQUEST, permission)


REQUEST_ORIGIN = Guarded(
    "shelter_request", "shelter_request_id", request_origin_resource,
    ("There is no bed request {id}.", "درخواست تختی با شمارهٔ {id} نیست."),
    ("This request was made elsewhere: the worker who asked, or a supervisor of their "
     "province, takes it back.",
     "این درخواست را کس دیگری داده است: همان مددکار یا سرپرست استان او آن را پس می‌گیرد."))


def request_origin_access(permission: Permission) -> Callable[..., int]:
    """A bed request as those who asked reach it (the asker, their centre, the supervisors
    of the province it came from)."""
    return id_access(REQUEST_ORIGIN, permission)
