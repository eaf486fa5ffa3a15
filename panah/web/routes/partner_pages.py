"""The partner inbox: a partner agency's staff (police 110, EMS 115, a hospital) sign in,
see the referrals to their agencies, acknowledge, accept or decline them, and hand a case
to 123.

Thin: the pages call the same use cases as the partner API (``panah.triage.referrals``),
which stays for systems. A referral of another agency is a 404, as in the API: which
agency a referral went to is the domain's rule, not a place the policy decides on.
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Form, Path, Query, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from pydantic import ValidationError

from panah.core.errors import Conflict, InvalidInput
from panah.security.policy import Actor
from panah.security.roles import Permission
from panah.triage.referrals import inbox, service
from panah.triage.referrals.schemas import HandoverIn
from panah.web.deps import Routing, Uow, require
from panah.web.i18n import latin_digits

router = APIRouter(tags=["partner pages"], include_in_schema=False)
Partner = Annotated[Actor, Depends(require(Permission.partner_api))]
ReferralId = Annotated[int, Path(ge=1, le=2**31 - 1)]
Shown = Annotated[int | None, Query(ge=1, le=2**31 - 1)]
Text = Annotated[str, Form(max_length=4000)]
Short = Annotated[str, Form(max_length=200)]

# What to say when a field of the hand-over form is missing or malformed.
HANDOVER_PROBLEMS: dict[str, tuple[str, str]] = {
    "description": ("Write what happened, briefly (up to 2,000 characters).",
                    "بنویسید چه شده است، کوتاه (تا ۲۰۰۰ نویسه)."),
    "reference": ("Your reference may hold letters, digits and . : - / only, up to 59.",
                  "شمارهٔ پروندهٔ شما تنها حرف، رقم و . : - / دارد و تا ۵۹ نویسه است."),
    "location": ("Give the point as latitude and longitude in degrees (such as 36.65 and "
                 "51.42), or leave both empty and choose the province.",
                 "نقطه را با عرض و طول جغرافیایی به درجه بنویسید (مانند ۳۶٫۶۵ و ۵۱٫۴۲) یا هر "
                 "دو را خالی بگذارید و استان را برگزینید."),
    "province_code": ("Choose the province.", "استان را برگزینید."),
    "urgency": ("Choose how urgent it is.", "بگویید چقدر فوری است."),
    "category": ("Choose what it is about from the list.", "موضوع را از فهرست برگزینید."),
    "phone": ("Write a phone number the counsellor can call back, or leave it empty.",
              "شماره‌ای برای تماس کارشناس بنویسید یا آن را خالی بگذارید."),
}
POINT_FIELDS = ("lat", "lon")


def _page(request: Request, template: str, context: dict[str, Any], status: int = 200
          ) -> Response:
    return request.app.state.templates.TemplateResponse(  # type: ignore[no-any-return]
        request, template, context, status_code=status
    )


def _inbox_context(page: inbox.InboxPage, **extra: Any) -> dict[str, Any]:
    return {"agencies": page.agencies, "open": page.open, "finished": page.finished,
            "handovers": page.handovers, "provinces": page.provinces, **extra}


@router.get("/partner", response_class=HTMLResponse)
def inbox_page(request: Request, actor: Partner, uow: Uow, answered: Shown = None,
               handed: Shown = None) -> Response:
    """Referrals to your agencies, the earliest deadline first (where, what and how
    urgent; never who), with the answers you can give; and the cases you handed to 123."""
    page = inbox.partner_inbox(uow.session, actor=actor, now=uow.now)
    return _page(request, "partner/inbox.html",
                 _inbox_context(page, answered=answered, handed=handed))


def _version(text: str) -> int | None:
    """The version the form was drawn from; anything else is a version that never was, so
    the answer is refused as stale rather than applied to what the person did not see."""
    if not text:
        return None
    return int(text) if text.isdigit() and len(text) < 10 else 0


@router.post("/partner/referrals/{referral_id}/answer", response_class=HTMLResponse)
def answer_form(
    request: Request, actor: Partner, uow: Uow, referral_id: ReferralId,
    state: Short = "", version: Short = "", reference: Short = "", note: Text = "",
) -> Response:
    """Acknowledge, accept, decline (with the reason), started or done; a mistake or a
    referral that changed meanwhile comes back on the inbox with the reason."""
    try:
        with uow.session.begin_nested():  # a refusal leaves nothing saved
            inbox.answer_referral(
                uow.session, actor=actor, referral_id=referral_id, state=state,
                version=_version(version),
                reference=reference, note=note, now=uow.now)
    except (InvalidInput, Conflict) as problem:
        page = inbox.partner_inbox(uow.session, actor=actor, now=uow.now)
        context = _inbox_context(page, error=problem, error_for=referral_id, form={
            "state": state, "reference": reference, "note": note})
        return _page(request, "partner/inbox.html", context,
                     status=409 if isinstance(problem, Conflict) else 422)
    return RedirectResponse(f"/partner?answered={referral_id}#referral-{referral_id}",
                            status_code=303)


@router.get("/partner/handover", response_class=HTMLResponse)
def handover_page(request: Request, actor: Partner, uow: Uow) -> Response:
    """The form to hand a case to 123: what happened, where, and how urgent."""
    form = inbox.handover_form(uow.session, actor=actor)
    return _page(request, "partner/handover.html", {"form": form, "values": {}})


def _handover_in(values: dict[str, str]) -> HandoverIn:
    """The form as the partner API's hand-over (digits as typed, Persian or Latin)."""
    lat, lon = (latin_digits(values[k]).replace("٫", ".").strip() for k in POINT_FIELDS)
    point = {"lat": lat, "lon": lon, "radius_m": None} if lat or lon else None
    return HandoverIn.model_validate({
        "reference": values["reference"].strip() or values["form_reference"],
        "agency_code": values["agency_code"] or None,
        "description": values["description"].strip(),
        "urgency": values["urgency"] or "medium",
        "category": values["category"] or None,
        "location": point,
        "province_code": None if point else (values["province_code"] or None),
        "phone": latin_digits(values["phone"]).strip() or None,
    })


def _problem(error: ValidationError) -> InvalidInput:
    first = error.errors()[0]
    field = str(first.get("loc", ("",))[0])
    en, fa = HANDOVER_PROBLEMS.get(field, HANDOVER_PROBLEMS["description"])
    return InvalidInput(en, fa, field=field)


@router.post("/partner/handover", response_class=HTMLResponse)
def handover_submit(
    request: Request, actor: Partner, uow: Uow, context: Routing,
    agency_code: Short = "", description: Text = "", urgency: Short = "",
    category: Short = "", province_code: Short = "", lat: Short = "", lon: Short = "",
    phone: Short = "", reference: Short = "", form_reference: Short = "",
) -> Response:
    """Hand the case to 123: it becomes a contact, routed by its place like any other;
    the inbox then shows which queue it reached. A mistake brings the form back as typed."""
    values = {"agency_code": agency_code, "description": description, "urgency": urgency,
              "category": category, "province_code": province_code, "lat": lat, "lon": lon,
              "phone": phone, "reference": reference, "form_reference": form_reference}
    try:
        payload = _handover_in(values)
        with uow.session.begin_nested():  # a refusal leaves nothing saved
            receipt = service.partner_handover(uow.session, payload=payload, context=context,
                                               actor=actor, now=uow.now)
    except (ValidationError, InvalidInput) as problem:
        error = _problem(problem) if isinstance(problem, ValidationError) else problem
        form = inbox.handover_form(uow.session, actor=actor)
        return _page(request, "partner/handover.html",
                     {"form": form, "values": values, "error": error}, status=422)
    return RedirectResponse(f"/partner?handed={receipt.contact_id}#handover-"
                            f"{receipt.contact_id}", status_code=303)
