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

from panah.cases.orm import Case
from panah.cases.service import case_resource
from panah.core.db import unit_of_work
from panah.core.errors import Forbidden, NotFound
from panah.security.access import audit, has_open_break_glass, with_grants
from panah.security.audit import AuditAction
from panah.security.policy import Actor, Decision, Resource, decide
from panah.security.roles import Permission
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


def load_case(session: Session, case_id: int) -> Resource | None:
    case = session.get(Case, case_id)
    return case_resource(case) if case is not None else None


def load_case_place(session: Session, case_id: int) -> Resource | None:
    case = session.get(Case, case_id)
    return Resource("case", province_code=case.province_code) if case is not None else None


def case_access(
    permission: Permission, *, need_to_know: bool = True
) -> Callable[..., CaseAccess]:
    """A dependency giving :class:`CaseAccess` to ``case_id`` for ``permission`` or refusing.

    ``need_to_know=False`` checks only the case's place (for supervisors' reviews).
    """
    guard = require(permission)
    action = AuditAction.read if permission is Permission.view_case else AuditAction.update

    def dependency(
        request: Request,
        case_id: Annotated[int, Path(ge=1, le=2**31 - 1)],
        actor: Annotated[Actor, Depends(guard)],
    ) -> CaseAccess:
        now = get_clock(request).now()
        factory = request.app.state.session_factory
        with unit_of_work(factory) as session:
            actor = with_grants(session, actor)
            case = session.get(Case, case_id)
            if case is None:
                raise NotFound(f"There is no case {case_id}.", f"پرونده‌ای با شمارهٔ {case_id} نیست.")
            resource = case_resource(case)
            if not need_to_know:
                resource = Resource("case", province_code=case.province_code)
            glass = has_open_break_glass(session, actor, case_id, now)
            decision = decide(actor, permission, resource, break_glass=glass)
            if decision and action is AuditAction.read:
                audit(session, actor, action, "case", case_id, now=now, reason=decision.why)
        if not decision:
            record_denial(factory, actor, permission, decision, "case", case_id, now)
            raise _refusal(actor, resource, decision, case_id)
        return CaseAccess(case_id=case_id, actor=actor, why=decision.why.value)

    dependency.__name__ = f"case_access_{permission.value}"
    marker = ResourceMarker("case", "case_id", permission,
                            load_case if need_to_know else load_case_place)
    setattr(dependency, RESOURCE_ATTRIBUTE, marker)
    return dependency


def record_denial(factory: sessionmaker[Session], actor: Actor, permission: Permission,
                  decision: Decision, kind: str, subject_id: object, now: datetime) -> None:
    """A refused attempt goes on the audit chain in its own committed transaction, so it
    stays on record although the request fails."""
    with unit_of_work(factory) as session:
        audit(session, actor, AuditAction.denied, kind, subject_id, now=now,
              reason=f"{permission.value}:{decision.why}")


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


def load_contact(session: Session, contact_id: int) -> Resource | None:
    from panah.intake.orm import Contact

    contact = session.get(Contact, contact_id)
    if contact is None:
        return None
    offered = frozenset(q for q in contact.offered_to.split(",") if q)
    return Resource("contact", province_code=contact.province_code, offered_to=offered)


def load_line(session: Session, province_code: str) -> Resource | None:
    from panah.geo.orm import Province

    found = session.get(Province, province_code)
    return Resource("line", province_code=found.code) if found is not None else None


def line_access(permission: Permission) -> Callable[..., str]:
    """A dependency giving the code of a province whose 123 line the actor may manage
    (their own; any for national roles); else 403 (audited)."""
    guard = require(permission)

    def dependency(
        request: Request,
        province_code: Annotated[str, Path(pattern=r"^IR-\d\d$")],
        actor: Annotated[Actor, Depends(guard)],
    ) -> str:
        now = get_clock(request).now()
        with unit_of_work(request.app.state.session_factory) as session:
            resource = load_line(session, province_code)
            if resource is None:
                raise NotFound(f"There is no province {province_code}.",
                               f"استانی با کد {province_code} نیست.")
            decision = decide(actor, permission, resource)
        if not decision:
            record_denial(request.app.state.session_factory, actor, permission, decision,
                          "line", province_code, now)
            raise Forbidden("You manage your own province's line only.",
                            "شما فقط خط استان خود را مدیریت می‌کنید.",
                            why=decision.why.value, province_code=province_code)
        return province_code

    dependency.__name__ = f"line_access_{permission.value}"
    setattr(dependency, RESOURCE_ATTRIBUTE,
            ResourceMarker("line", "province_code", permission, load_line))  # type: ignore[arg-type]
    return dependency


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
    "contact", "contact_id", load_contact,
    ("There is no contact {id}.", "تماسی با شمارهٔ {id} نیست."),
    ("This contact belongs to another province's line.",
     "این تماس از آنِ خط ۱۲۳ استان دیگری است."))


def contact_access(permission: Permission) -> Callable[..., int]:
    """A contact the actor may reach: its province's queue, or the national pool for an
    unlocated one."""
    return id_access(CONTACT, permission)


def load_follow_up(session: Session, follow_up_id: int) -> Resource | None:
    from panah.triage.orm import FollowUp

    row = session.get(FollowUp, follow_up_id)
    return Resource("follow_up", province_code=row.province_code) if row is not None else None


FOLLOW_UP = Guarded(
    "follow_up", "follow_up_id", load_follow_up,
    ("There is no follow-up {id}.", "پیگیری‌ای با شمارهٔ {id} نیست."),
    ("This follow-up belongs to another province's line: its counsellors make the call.",
     "این پیگیری از آنِ خط ۱۲۳ استان دیگری است و کارشناسان همان استان تماس می‌گیرند."),
    audit_reads=False)


def follow_up_access(permission: Permission) -> Callable[..., int]:
    """A follow-up call the actor may make: one of their province's, or of a contact never
    placed in one."""
    return id_access(FOLLOW_UP, permission)


def load_referral(session: Session, referral_id: int) -> Resource | None:
    """A referral's place is its contact's: the same province and queues reach it."""
    from panah.triage.orm import Referral

    referral = session.get(Referral, referral_id)
    contact = load_contact(session, referral.contact_id) if referral is not None else None
    if contact is None:
        return None
    return Resource("referral", province_code=contact.province_code,
                    offered_to=contact.offered_to)


REFERRAL = Guarded(
    "referral", "referral_id", load_referral,
    ("There is no referral {id}.", "ارجاعی با شمارهٔ {id} نیست."),
    ("This referral belongs to another province's line.",
     "این ارجاع از آنِ خط ۱۲۳ استان دیگری است."))


def referral_access(permission: Permission) -> Callable[..., int]:
    """A referral whose contact the actor may reach (as ``contact_access``)."""
    return id_access(REFERRAL, permission)


def load_unit(session: Session, unit_id: int) -> Resource | None:
    """A unit belongs to its home centre's province; its crew are its team, so a crew
    member reaches their own unit and no other."""
    from sqlalchemy import select

    from panah.dispatch.orm import CrewMember, Unit

    unit = session.get(Unit, unit_id)
    if unit is None or unit.retired_at is not None:
        return None
    crew = frozenset(u for u in session.scalars(
        select(CrewMember.user_id).where(CrewMember.unit_id == unit_id)) if u is not None)
    return Resource("unit", province_code=unit.province_code, centre_id=unit.home_centre_id,
                    team=crew)


UNIT = Guarded(
    "unit", "unit_id", load_unit,
    ("There is no unit {id} in service; reload the page.",
     "خودرویی با شمارهٔ {id} در خدمت نیست؛ صفحه را تازه کنید."),
    ("This unit is not yours: a crew updates its own centre's units, a dispatcher "
     "their province's.",
     "این خودرو از آنِ شما نیست: هر تیم خودروهای مرکز خود و هر اعزام‌گر خودروهای استان "
     "خود را به‌روز می‌کند."),
    audit_reads=False)


def unit_access(permission: Permission) -> Callable[..., int]:
    return id_access(UNIT, permission)


def load_incident(session: Session, incident_id: int) -> Resource | None:
    from panah.dispatch.orm import Incident

    row = session.get(Incident, incident_id)
    return Resource("incident", province_code=row.province_code) if row is not None else None


INCIDENT = Guarded(
    "incident", "incident_id", load_incident,
    ("There is no incident {id}.", "رخدادی با شمارهٔ {id} نیست."),
    ("This incident belongs to another province's dispatch.",
     "این رخداد از آنِ اعزام استان دیگری است."))


def incident_access(permission: Permission) -> Callable[..., int]:
    return id_access(INCIDENT, permission)


def load_dispatch_request(session: Session, request_id: int) -> Resource | None:
    from panah.triage.orm import DispatchRequest

    row = session.get(DispatchRequest, request_id)
    return Resource("dispatch_request", province_code=row.province_code) if row else None


DISPATCH_REQUEST = Guarded(
    "dispatch_request", "request_id", load_dispatch_request,
    ("There is no dispatch request {id}.", "درخواست اعزامی با شمارهٔ {id} نیست."),
    ("This request belongs to another province's dispatch.",
     "این درخواست از آنِ اعزام استان دیگری است."))


def dispatch_request_access(permission: Permission) -> Callable[..., int]:
    return id_access(DISPATCH_REQUEST, permission)
