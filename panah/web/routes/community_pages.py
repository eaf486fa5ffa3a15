"""Community social-service bases (pages): the base's week calendar, the attendance sheet
(tablet-sized), the programme with its weekly schedule, the neighbourhood with its profile, its
needs assessments and a new programme there, enrolling the base's participants, and the
participant with the referral to case work (issue 17).

Thin: each page calls the same domain functions and access dependencies as the JSON API.
"""

from __future__ import annotations

from datetime import date
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Form, Query, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from pydantic import ValidationError

from panah.cases.model import CaseCategory
from panah.centres.community import queries, service
from panah.centres.community.model import (
    AgeGroup,
    Amenity,
    Audience,
    Issue,
    Mark,
    NeighbourhoodKind,
    ProgrammeKind,
    Sex,
)
from panah.centres.community.schemas import (
    AssessmentCreate,
    AttendanceUpdate,
    EnrolBody,
    MarkBody,
    NeedBody,
    NeighbourhoodCreate,
    ParticipantCreate,
    ProgrammeCreate,
    ReferralCreate,
    SessionCreate,
)
from panah.core.days import read_day
from panah.core.errors import PanahError
from panah.intake.model import RiskLevel
from panah.security.policy import Actor
from panah.security.roles import Permission
from panah.web.access import community_access
from panah.web.deps import Uow, require
from panah.web.i18n import latin_digits

router = APIRouter(tags=["community pages"], include_in_schema=False)
Worker = Annotated[Actor, Depends(require(Permission.community_work))]
BaseId = Annotated[int, Depends(community_access("base_id"))]
ProgrammeId = Annotated[int, Depends(community_access("programme_id"))]
SessionId = Annotated[int, Depends(community_access("base_session_id"))]
NeighbourhoodId = Annotated[int, Depends(community_access("neighbourhood_id"))]
ParticipantId = Annotated[int, Depends(community_access("participant_id"))]
FORM_MISTAKE = PanahError(
    "Some fields are missing or malformed: check the form and send it again.",
    "برخی خانه‌ها خالی یا نادرست است: فرم را بررسی کنید و دوباره بفرستید.")
CHOICES = {"kinds": [k.value for k in ProgrammeKind], "age_groups": [a.value for a in AgeGroup],
           "sexes": [s.value for s in Sex], "marks": [m.value for m in Mark],
           "categories": [c.value for c in CaseCategory], "risks": [r.value for r in RiskLevel],
           "nkinds": [k.value for k in NeighbourhoodKind], "issues": [i.value for i in Issue],
           "amenities": [a.value for a in Amenity], "audiences": [a.value for a in Audience]}
NEEDS_MISTAKE = PanahError(
    "Check the needs: each row has the residents' words, how many raised it (1 or more) and "
    "its rank (1 the most pressing); the day they met and how many took part are needed too.",
    "نیازها را بررسی کنید: هر ردیف موضوعی به گفتهٔ ساکنان، شمار کسانی که آن را مطرح کردند (یک "
    "یا بیشتر) و رتبهٔ آن (۱ فوری‌ترین) دارد؛ روز نشست و شمار شرکت‌کنندگان هم لازم است.")
NEED_ROWS = 5  # rows of the needs form; empty rows are left out


def _page(request: Request, template: str, context: dict[str, Any], status: int = 200
          ) -> Response:
    return request.app.state.templates.TemplateResponse(  # type: ignore[no-any-return]
        request, template, CHOICES | context, status_code=status)


def _problem(problem: Exception, mistake: PanahError = FORM_MISTAKE) -> PanahError:
    return problem if isinstance(problem, PanahError) else mistake


async def _fields(request: Request) -> dict[str, str]:
    return {key: str(value) for key, value in (await request.form()).items()}


async def _all_fields(request: Request) -> dict[str, list[str]]:
    """Every value of every field (ticked boxes share a name)."""
    found: dict[str, list[str]] = {}
    for key, value in (await request.form()).multi_items():
        found.setdefault(key, []).append(str(value))
    return found


def _number(text: str) -> str | None:
    """A count typed in Persian or Latin digits; empty is none."""
    return latin_digits(text.strip()) or None


def _profile_form(fields: dict[str, list[str]]) -> dict[str, Any]:
    one = {key: values[-1] for key, values in fields.items()}
    return one | {"issues": fields.get("issues", []), "amenities": fields.get("amenities", [])}


def _profile(form: dict[str, Any]) -> NeighbourhoodCreate:
    return NeighbourhoodCreate(
        name=form.get("name", ""), kind=form.get("kind", ""),
        county_id=_number(form.get("county_id", "")),  # type: ignore[arg-type]
        households=_number(form.get("households", "")),  # type: ignore[arg-type]
        population=_number(form.get("population", "")),  # type: ignore[arg-type]
        issues=form["issues"], amenities=form["amenities"], note=form.get("note") or None)


@router.get("/community", response_class=HTMLResponse)
def calendar_page(
    request: Request, uow: Uow, actor: Worker,
    base_id: Annotated[str | None, Query(max_length=12)] = None,
    week: Annotated[str | None, Query(max_length=12)] = None,
) -> Response:
    """The base's programme calendar: a week of sessions, coloured by programme kind."""
    try:
        day = read_day(week) if week else None
    except ValueError:
        day = None
    base = int(base_id) if base_id and base_id.isdigit() else None
    if base is None and not queries.bases_of(uow.session, actor):
        return _page(request, "community/no_base.html", {})  # a crisis centre's worker
    return _calendar(request, uow, actor, base, day)


def _calendar(request: Request, uow: Uow, actor: Actor, base_id: int | None,
              day: date | None, status: int = 200, **more: Any) -> Response:
    found = queries.calendar_week(uow.session, actor=actor, base_id=base_id, day=day,
                                  now=uow.now)
    counties = queries.counties_of(uow.session, found.base_id)
    return _page(request, "community/calendar.html",
                 {"week": found, "counties": counties} | more, status)


@router.post("/community/bases/{base_id}/neighbourhoods", response_class=HTMLResponse)
def neighbourhood_form(request: Request, uow: Uow, actor: Worker, base_id: BaseId,
                       fields: Annotated[dict[str, list[str]], Depends(_all_fields)]
                       ) -> Response:
    """A neighbourhood the base serves, with its profile; then its page."""
    form = _profile_form(fields)
    try:
        data = _profile(form)
        with uow.session.begin_nested():
            place = service.create_neighbourhood(uow.session, actor=actor, base_id=base_id,
                                                 data=data, now=uow.now)
    except (ValidationError, PanahError) as problem:
        return _calendar(request, uow, actor, base_id, None, 422,
                         place_error=_problem(problem), place_form=form)
    return RedirectResponse(f"/community/neighbourhoods/{place.id}", status_code=303)


def _sheet(request: Request, uow: Uow, base_session_id: int, status: int = 200,
           **more: Any) -> Response:
    sheet = queries.session_sheet(uow.session, base_session_id=base_session_id, now=uow.now)
    return _page(request, "community/session.html", {"sheet": sheet} | more, status)


@router.get("/community/sessions/{base_session_id}", response_class=HTMLResponse)
def session_page(request: Request, uow: Uow, base_session_id: SessionId,
                 saved: Annotated[str | None, Query(max_length=2)] = None) -> Response:
    """The attendance sheet: every enrolled participant with large present / absent /
    excused toggles, "held", save; add a participant on the spot."""
    return _sheet(request, uow, base_session_id, saved=bool(saved))


@router.post("/community/sessions/{base_session_id}", response_class=HTMLResponse)
def attendance_form(request: Request, uow: Uow, actor: Worker, base_session_id: SessionId,
                    fields: Annotated[dict[str, str], Depends(_fields)]) -> Response:
    """Save the sheet: ``mark_<participant id>`` for each one marked; ``held`` marks the
    session held too."""
    try:
        marks = [MarkBody(participant_id=int(key.removeprefix("mark_")), mark=Mark(value))
                 for key, value in fields.items()
                 if key.startswith("mark_") and key[5:].isdigit() and value]
        with uow.session.begin_nested():
            service.take_attendance(uow.session, actor=actor, base_session_id=base_session_id,
                                    data=AttendanceUpdate(marks=marks,
                                                          held=fields.get("held") == "1"),
                                    now=uow.now)
    except (ValidationError, ValueError, PanahError) as problem:
        return _sheet(request, uow, base_session_id, 422, error=_problem(problem))
    return RedirectResponse(f"/community/sessions/{base_session_id}?saved=1", status_code=303)


@router.post("/community/sessions/{base_session_id}/participants", response_class=HTMLResponse)
def add_participant_form(
    request: Request, uow: Uow, actor: Worker, base_session_id: SessionId,
    name: Annotated[str, Form(max_length=80)] = "",
    age_group: Annotated[str, Form(max_length=20)] = "",
    sex: Annotated[str, Form(max_length=10)] = "",
    phone: Annotated[str, Form(max_length=30)] = "",
) -> Response:
    """Someone new came: a light record, enrolled in the session's programme."""
    sheet = queries.session_sheet(uow.session, base_session_id=base_session_id, now=uow.now)
    form = {"name": name, "age_group": age_group, "sex": sex, "phone": phone}
    try:
        data = ParticipantCreate(name=name, age_group=age_group, sex=sex,  # type: ignore[arg-type]
                                 phone=phone or None)
        with uow.session.begin_nested():
            service.add_participant(uow.session, actor=actor, programme_id=sheet.programme_id,
                                    data=data, now=uow.now)
    except (ValidationError, PanahError) as problem:
        return _sheet(request, uow, base_session_id, 422, add_error=_problem(problem),
                      add_form=form)
    return RedirectResponse(f"/community/sessions/{base_session_id}#sheet", status_code=303)


def _programme(request: Request, uow: Uow, programme_id: int, status: int = 200,
               **more: Any) -> Response:
    found = queries.programme_page(uow.session, programme_id=programme_id)
    enrolable = queries.enrolable(uow.session, programme_id)
    return _page(request, "community/programme.html",
                 {"programme": found, "enrolable": enrolable} | more, status)


@router.get("/community/programmes/{programme_id}", response_class=HTMLResponse)
def programme_page(request: Request, uow: Uow, programme_id: ProgrammeId) -> Response:
    """The programme: its sessions, its participants, and a weekly schedule form."""
    return _programme(request, uow, programme_id)


@router.post("/community/programmes/{programme_id}/sessions", response_class=HTMLResponse)
def schedule_form(
    request: Request, uow: Uow, actor: Worker, programme_id: ProgrammeId,
    day: Annotated[str, Form(max_length=12)] = "",
    time: Annotated[str, Form(max_length=5)] = "",
    minutes: Annotated[str, Form(max_length=4)] = "90",
    place: Annotated[str, Form(max_length=160)] = "",
    topic: Annotated[str, Form(max_length=200)] = "",
    weeks: Annotated[str, Form(max_length=3)] = "1",
) -> Response:
    """One session or "every <that weekday> at <time> for <weeks> weeks"."""
    form = {"day": day, "time": time, "minutes": minutes, "place": place, "topic": topic,
            "weeks": weeks}
    try:
        data = SessionCreate(day=day, time=time, minutes=_number(minutes) or 90,  # type: ignore[arg-type]
                             place=place, topic=topic or None,
                             weeks=_number(weeks) or 1)  # type: ignore[arg-type]
        with uow.session.begin_nested():
            service.schedule_sessions(uow.session, actor=actor, programme_id=programme_id,
                                      data=data, now=uow.now)
    except (ValidationError, PanahError) as problem:
        return _programme(request, uow, programme_id, 422, error=_problem(problem), form=form)
    return RedirectResponse(f"/community/programmes/{programme_id}#sessions", status_code=303)


@router.post("/community/programmes/{programme_id}/enrolments", response_class=HTMLResponse)
def enrol_form(request: Request, uow: Uow, actor: Worker, programme_id: ProgrammeId,
               participant_id: Annotated[str, Form(max_length=12)] = "") -> Response:
    """Enrol one of the base's participants (picked from the list) in the programme."""
    try:
        data = EnrolBody(participant_id=participant_id)  # type: ignore[arg-type]
        with uow.session.begin_nested():
            service.enrol(uow.session, actor=actor, programme_id=programme_id,
                          participant_id=data.participant_id, now=uow.now)
    except (ValidationError, PanahError) as problem:
        return _programme(request, uow, programme_id, 422, enrol_error=_problem(problem))
    return RedirectResponse(f"/community/programmes/{programme_id}#participants",
                            status_code=303)


def _neighbourhood(request: Request, uow: Uow, actor: Actor, neighbourhood_id: int,
                   status: int = 200, **more: Any) -> Response:
    found = queries.neighbourhood_page(uow.session, neighbourhood_id=neighbourhood_id)
    return _page(request, "community/neighbourhood.html", {
        "place": found, "me": actor.user_id, "need_rows": range(1, NEED_ROWS + 1),
        "counties": queries.counties_of(uow.session, found.base_id),
        "facilitators": queries.facilitators(uow.session, found.base_id)} | more, status)


@router.get("/community/neighbourhoods/{neighbourhood_id}", response_class=HTMLResponse)
def neighbourhood_page(request: Request, uow: Uow, actor: Worker,
                       neighbourhood_id: NeighbourhoodId) -> Response:
    """The neighbourhood's profile and its residents' needs assessments, with forms to edit
    the profile, record an assessment and start a programme there."""
    return _neighbourhood(request, uow, actor, neighbourhood_id)


@router.post("/community/neighbourhoods/{neighbourhood_id}/profile",
             response_class=HTMLResponse)
def profile_form(request: Request, uow: Uow, actor: Worker,
                 neighbourhood_id: NeighbourhoodId,
                 fields: Annotated[dict[str, list[str]], Depends(_all_fields)]) -> Response:
    """The neighbourhood's profile as it is now."""
    form = _profile_form(fields)
    try:
        data = _profile(form)
        with uow.session.begin_nested():
            service.update_neighbourhood(uow.session, actor=actor,
                                         neighbourhood_id=neighbourhood_id, data=data,
                                         now=uow.now)
    except (ValidationError, PanahError) as problem:
        return _neighbourhood(request, uow, actor, neighbourhood_id, 422,
                              profile_error=_problem(problem), profile_form=form)
    return RedirectResponse(f"/community/neighbourhoods/{neighbourhood_id}#profile",
                            status_code=303)


@router.post("/community/neighbourhoods/{neighbourhood_id}/assessments",
             response_class=HTMLResponse)
def assessment_form(request: Request, uow: Uow, actor: Worker,
                    neighbourhood_id: NeighbourhoodId,
                    fields: Annotated[dict[str, str], Depends(_fields)]) -> Response:
    """The residents' own needs, ranked by them: ``topic_<n>``, ``raised_by_<n>``,
    ``priority_<n>`` for each row (empty rows are left out)."""
    try:
        needs = [NeedBody(topic=fields.get(f"topic_{n}", ""),
                          raised_by=_number(fields.get(f"raised_by_{n}", "")),  # type: ignore[arg-type]
                          priority=_number(fields.get(f"priority_{n}", "")))  # type: ignore[arg-type]
                 for n in range(1, NEED_ROWS + 1)
                 if fields.get(f"topic_{n}", "").strip()
                 or fields.get(f"raised_by_{n}", "").strip()]
        data = AssessmentCreate(held_on=fields.get("held_on", ""),
                                residents=_number(fields.get("residents", "")),  # type: ignore[arg-type]
                                needs=needs, note=fields.get("note") or None)
        with uow.session.begin_nested():
            service.add_assessment(uow.session, actor=actor, neighbourhood_id=neighbourhood_id,
                                   data=data, now=uow.now)
    except (ValidationError, PanahError) as problem:
        return _neighbourhood(request, uow, actor, neighbourhood_id, 422,
                              needs_error=_problem(problem, NEEDS_MISTAKE), needs_form=fields)
    return RedirectResponse(f"/community/neighbourhoods/{neighbourhood_id}#needs",
                            status_code=303)


@router.post("/community/neighbourhoods/{neighbourhood_id}/programmes",
             response_class=HTMLResponse)
def programme_form(
    request: Request, uow: Uow, actor: Worker, neighbourhood_id: NeighbourhoodId,
    kind: Annotated[str, Form(max_length=30)] = "",
    title: Annotated[str, Form(max_length=160)] = "",
    audience: Annotated[str, Form(max_length=30)] = "",
    starts_on: Annotated[str, Form(max_length=12)] = "",
    ends_on: Annotated[str, Form(max_length=12)] = "",
    capacity: Annotated[str, Form(max_length=4)] = "",
    facilitator_id: Annotated[str, Form(max_length=12)] = "",
) -> Response:
    """A programme in the neighbourhood; then its page, to add its weekly sessions."""
    form = {"kind": kind, "title": title, "audience": audience, "starts_on": starts_on,
            "ends_on": ends_on, "capacity": capacity, "facilitator_id": facilitator_id}
    try:
        data = ProgrammeCreate(kind=kind, title=title, audience=audience,  # type: ignore[arg-type]
                               starts_on=starts_on, ends_on=ends_on,
                               capacity=_number(capacity),  # type: ignore[arg-type]
                               facilitator_id=_number(facilitator_id))  # type: ignore[arg-type]
        with uow.session.begin_nested():
            programme = service.create_programme(uow.session, actor=actor,
                                                 neighbourhood_id=neighbourhood_id, data=data,
                                                 now=uow.now)
    except (ValidationError, PanahError) as problem:
        return _neighbourhood(request, uow, actor, neighbourhood_id, 422,
                              programme_error=_problem(problem), programme_form=form)
    return RedirectResponse(f"/community/programmes/{programme.id}#sessions", status_code=303)


def _participant(request: Request, uow: Uow, actor: Actor, participant_id: int,
                 status: int = 200, **more: Any) -> Response:
    found = queries.participant_page(uow.session, actor=actor, participant_id=participant_id)
    return _page(request, "community/participant.html", {"person": found} | more, status)


@router.get("/community/participants/{participant_id}", response_class=HTMLResponse)
def participant_page(request: Request, uow: Uow, actor: Worker,
                     participant_id: ParticipantId) -> Response:
    """A participant's light record, and the referral to case work."""
    return _participant(request, uow, actor, participant_id)


@router.post("/community/participants/{participant_id}/referral", response_class=HTMLResponse)
def referral_form(
    request: Request, uow: Uow,
    actor: Annotated[Actor, Depends(require(Permission.create_case))],
    participant_id: ParticipantId,
    reason: Annotated[str, Form(max_length=2000)] = "",
    category: Annotated[str, Form(max_length=30)] = "",
    risk: Annotated[str, Form(max_length=10)] = "medium",
) -> Response:
    """Refer to case work: a case opens in the base's province, linked to the participant."""
    form = {"reason": reason, "category": category, "risk": risk}
    try:
        data = ReferralCreate(reason=reason, category=category, risk=risk)  # type: ignore[arg-type]
        with uow.session.begin_nested():
            service.refer(uow.session, actor=actor, participant_id=participant_id, data=data,
                          now=uow.now)
    except (ValidationError, PanahError) as problem:
        return _participant(request, uow, actor, participant_id, 422,
                            error=_problem(problem), form=form)
    return RedirectResponse(f"/community/participants/{participant_id}#referral",
                            status_code=303)
