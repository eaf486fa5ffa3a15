"""Case-file use cases. Each runs inside the caller's unit of work and never commits.

Access is decided before these run (``panah.web.access``); they still check what only
they can see, such as whether the proposed team members work in the case's province.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import UTC, datetime
from typing import Any

import phonenumbers
from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from panah.cases.clients.index import index_client
from panah.cases.clients.orm import ClientPhone
from panah.cases.model import CaseCategory, is_valid_national_code, restricted_category
from panah.cases.orm import Case, CaseNote, CaseTeamMember, Client
from panah.cases.schemas import (
    BreakGlassPublic,
    CaseCreate,
    CaseSummary,
    ClientMatch,
    GrantPublic,
    NotePublic,
)
from panah.cases.transfers.model import TransferState
from panah.cases.transfers.orm import CaseTransfer
from panah.core.errors import InvalidInput, NotFound
from panah.geo.orm import County, Province
from panah.geo.text import to_ascii_digits
from panah.intake.model import ContactState
from panah.intake.orm import Contact
from panah.security.access import (
    audit,
    grant_category,
    has_open_break_glass,
    open_break_glass,
    revoke_grant,
    users_of,
    with_grants,
)
from panah.security.audit import AuditAction
from panah.security.crypto import current_keyring, keyed_hash
from panah.security.orm import User
from panah.security.policy import Actor, Decision, Resource, decide
from panah.security.roles import ROLE_SCOPE, Permission, Scope
from panah.triage.taxonomy import Category


def normalise_phone(raw: str) -> str:
    """E.164 for any way an Iranian (or foreign, with +) number is written."""
    text = to_ascii_digits(raw).strip()
    try:
        number = phonenumbers.parse(text, "IR")
    except phonenumbers.NumberParseException:
        number = None
    if number is None or not phonenumbers.is_valid_number(number):
        raise InvalidInput(
            f"{raw!r} is not a phone number we can dial. Write it as 0911 123 4567 or +98….",
            f"{raw!r} شمارهٔ تلفن معتبری نیست. آن را مانند ۰۹۱۱ ۱۲۳ ۴۵۶۷ یا ‎+98… بنویسید.",
            field="phone",
        )
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


def normalise_national_code(raw: str) -> str:
    code = to_ascii_digits(raw).replace("-", "").replace(" ", "")
    if not is_valid_national_code(code):
        raise InvalidInput(
            "The national code must be 10 digits with a valid check digit. Check it with the "
            "client, or leave it empty.",
            "کد ملی باید ده رقم با رقم کنترل درست باشد. آن را با مددجو بررسی کنید یا خالی بگذارید.",
            field="national_code",
        )
    return code


def phone_hash(e164: str) -> str:
    return keyed_hash(current_keyring(), e164, normalise=str.strip)


def national_code_hash(code: str) -> str:
    return keyed_hash(current_keyring(), code, normalise=str.strip)


def case_resource(case: Case, team: set[int] | None = None) -> Resource:
    members = team if team is not None else {m.user_id for m in case.team}
    return Resource(
        kind="case", province_code=case.province_code, centre_id=case.centre_id,
        team=frozenset(members), restricted_category=case.restricted_category,
        need_to_know=True,
    )


# A contact someone is handling now: taken and not yet closed.
HANDLING = (ContactState.assigned.value, ContactState.answered.value, ContactState.wrap_up.value)


def handling_now(session: Session, case: Case) -> frozenset[int]:
    """Who is talking to the case's client right now: the counsellors a contact from the
    client's number is assigned to and not closed (the 123 line and case files hash numbers
    with the same key)."""
    hashed = case.client.phone_hash if case.client is not None else None
    if not hashed:
        return frozenset()
    return frozenset(session.scalars(select(Contact.assigned_to).where(
        Contact.caller_hash == hashed, Contact.state.in_(HANDLING),
        Contact.assigned_to.is_not(None))))


def transferred_from(session: Session, case: Case) -> frozenset[str]:
    """The provinces the case was transferred out of (accepted transfers)."""
    return frozenset(session.scalars(select(CaseTransfer.from_province).where(
        CaseTransfer.case_id == case.id,
        CaseTransfer.state == TransferState.accepted.value)))


def case_facts(session: Session, case: Case) -> Resource:
    """The case as the policy sees it, with who is handling its client now and the
    provinces it was transferred out of (break-glass reaches such a case from another
    province: see ``policy.decide``)."""
    return replace(case_resource(case), handled_by=handling_now(session, case),
                   transferred_from=transferred_from(session, case))


@dataclass(frozen=True, slots=True)
class CaseDecision:
    """The policy's answer about one case, with the facts it was given."""

    actor: Actor  # with the restricted-category grants they hold now
    resource: Resource
    decision: Decision


def decide_case_access(session: Session, *, actor: Actor, case_id: int,
                       permission: Permission, need_to_know: bool, now: datetime,
                       ) -> CaseDecision:
    """May ``actor`` do ``permission`` on the case? A granted read is audited here, in the
    caller's unit of work; ``need_to_know=False`` asks about the case's place only (a
    supervisor's review)."""
    actor = with_grants(session, actor)
    case = session.get(Case, case_id)
    if case is None:
        raise NotFound(f"There is no case {case_id}.", f"پرونده‌ای با شمارهٔ {case_id} نیست.")
    resource = (case_facts(session, case) if need_to_know
                else Resource("case", province_code=case.province_code))
    glass = has_open_break_glass(session, actor, case_id, now)
    decision = decide(actor, permission, resource, break_glass=glass)
    if decision and permission is Permission.view_case:
        audit(session, actor, AuditAction.read, "case", case_id, now=now, reason=decision.why)
    return CaseDecision(actor, resource, decision)


def open_case(session: Session, *, actor: Actor, data: CaseCreate, now: datetime) -> Case:
    province = _province_for(session, actor, data)
    if data.county_id is not None:
        county = session.get(County, data.county_id)
        if county is None or county.province_code != province:
            raise InvalidInput("That county is not in the case's province.",
                               "آن شهرستان در استان پرونده نیست.", field="county_id")
    lead = [data.lead_user_id] if data.lead_user_id else []
    team = _team(session, actor, province, [*data.team_user_ids, *lead])
    client = _client_for(session, actor, data, province, now)
    case = Case(
        client=client, province_code=province, county_id=data.county_id,
        centre_id=actor.centre_id if actor.province_code == province else None,
        category=data.category.value, restricted_category=restricted_category(data.category),
        status="open", opened_at=now, opened_by=actor.user_id,
        types=",".join(case_types(data.category, data.types)),
        risk=data.risk.value if data.risk else None, opened_from=data.opened_from.value,
        lead_user_id=data.lead_user_id, assigned_at=now if data.lead_user_id else None,
    )
    members = users_of(session, set(team))
    case.team = [CaseTeamMember(user_id=uid, added_at=now, added_by=actor.user_id,
                                discipline=members[uid].role) for uid in team]
    if data.first_note:
        case.notes = [CaseNote(author_id=actor.user_id, at=now, text=data.first_note)]
    session.add(case)
    session.flush()
    if data.client_id is None:
        index_client(session, client)  # its blind indexes, for duplicates
    audit(session, actor, AuditAction.create, "case", case.id, now=now)
    return case


def _client_for(session: Session, actor: Actor, data: CaseCreate, province: str,
                now: datetime) -> Client:
    if data.client_id is not None:
        # The clients part's loader decides, as for the client's page (imported here: that
        # module builds on this one).
        from panah.cases.clients.service import may_reach

        client = session.get(Client, data.client_id)
        if (client is None or client.erased_at is not None
                or not may_reach(session, with_grants(session, actor), Permission.view_case,
                                 client.id)):
            raise InvalidInput(
                "There is no such client among those you may reach: look the person up again "
                "by phone or national code, or ask a supervisor of their province to open the "
                "case.",
                "چنین مددجویی در میان مددجویانی که به آن‌ها دسترسی دارید نیست: دوباره با تلفن "
                "یا کد ملی جست‌وجو کنید، یا از سرپرست استان او بخواهید پرونده را باز کند.",
                field="client_id")
        return client
    phone = normalise_phone(data.phone) if data.phone else None
    code = normalise_national_code(data.national_code) if data.national_code else None
    return Client(
        name=data.client_name.strip(), phone=phone, phone_hash=phone_hash(phone) if phone else None,
        national_code=code, national_code_hash=national_code_hash(code) if code else None,
        birth_year=data.birth_year, gender=data.gender, province_code=province, created_at=now,
    )


def case_types(category: CaseCategory, more: list[str]) -> list[str]:
    """The case's types from the triage taxonomy (one list): its category first, then the
    others named, each once; an unknown code is refused naming it."""
    known = {c.value for c in Category}
    unknown = [t for t in more if t not in known]
    if unknown:
        raise InvalidInput(f"Unknown case types {unknown}: choose from the triage categories.",
                           f"نوع‌های ناشناخته {unknown}: از دسته‌های غربالگری برگزینید.",
                           field="types")
    return list(dict.fromkeys([category.value, *more]))


def mark_in_touch(case: Case, at: datetime) -> None:
    """The team was in touch with the client at ``at`` (a service, an attended appointment,
    a contact): "no contact for 14 days" counts from the latest such moment."""
    if case.last_contact_at is None or _aware(case.last_contact_at) < at:
        case.last_contact_at = at


def _aware(moment: datetime) -> datetime:
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=UTC)


def _province_for(session: Session, actor: Actor, data: CaseCreate) -> str:
    province = data.province_code or actor.province_code
    if province is None or session.get(Province, province) is None:
        raise InvalidInput("Say which province the case belongs to (province_code, e.g. IR-02).",
                           "استان پرونده را مشخص کنید (province_code، مثلاً IR-02).",
                           field="province_code")
    if ROLE_SCOPE[actor.role] is not Scope.nation and province != actor.province_code:
        raise InvalidInput("You can open cases only in your own province; refer or transfer "
                           "the person to the other province's centre instead.",
                           "فقط در استان خودتان می‌توانید پرونده باز کنید؛ فرد را به مرکز آن "
                           "استان ارجاع دهید.", field="province_code")
    return province


def _team(session: Session, actor: Actor, province: str, user_ids: list[int]) -> list[int]:
    wanted = {actor.user_id, *user_ids}
    users = users_of(session, wanted)
    strangers = sorted(uid for uid in wanted
                       if uid not in users or users[uid].province_code != province)
    if strangers:
        raise InvalidInput(
            f"Users {strangers} do not exist or do not work in {province}; a case team is "
            "made of that province's staff.",
            f"کاربران {strangers} وجود ندارند یا در {province} کار نمی‌کنند؛ تیم پرونده از "
            "کارکنان همان استان است.",
            field="team_user_ids",
        )
    return sorted(wanted)


def add_note(session: Session, *, actor: Actor, case_id: int, text: str, now: datetime) -> CaseNote:
    note = CaseNote(case_id=case_id, author_id=actor.user_id, at=now, text=text)
    session.add(note)
    session.flush()
    audit(session, actor, AuditAction.update, "case", case_id, now=now, reason="note")
    return note


def visible_cases(session: Session, actor: Actor) -> list[Case]:
    """The cases ``actor`` may open without break-glass, newest first."""
    query = select(Case).order_by(Case.id.desc())
    if ROLE_SCOPE[actor.role] is not Scope.nation:
        query = query.where(Case.province_code == actor.province_code)
    return [c for c in session.scalars(query) if decide(actor, Permission.view_case,
                                                          case_resource(c))]


def find_cases_of(session: Session, *, actor: Actor, phone: str | None,
                  national_code: str | None, now: datetime) -> list[tuple[Case, bool]]:
    """Cases of the person with this phone or national code, nationwide, each with whether
    ``actor`` may open it. Looked up by keyed hash; nothing is decrypted here."""
    conditions = []
    if phone:
        conditions.append(any_phone(phone_hash(normalise_phone(phone))))
    if national_code:
        code = normalise_national_code(national_code)
        conditions.append(Client.national_code_hash == national_code_hash(code))
    if not conditions:
        raise InvalidInput("Give a phone number or a national code to look up.",
                           "برای جست‌وجو شمارهٔ تلفن یا کد ملی بدهید.", field="phone")
    return _cases_where(session, actor, or_(*conditions), now)


def cases_of_phone_hash(session: Session, *, actor: Actor, hashed: str,
                        now: datetime) -> list[tuple[Case, bool]]:
    """As :func:`find_cases_of`, for a number known only by its keyed hash (a contact's
    caller: the 123 line and case files hash numbers with the same key)."""
    return _cases_where(session, actor, any_phone(hashed), now)


def any_phone(hashed: str) -> Any:
    """A client with this number among any of its phones (the first, or in client_phone)."""
    return or_(Client.phone_hash == hashed, Client.id.in_(
        select(ClientPhone.client_id).where(ClientPhone.phone_hash == hashed)))


def _cases_where(session: Session, actor: Actor, condition: Any,
                 now: datetime) -> list[tuple[Case, bool]]:
    cases = session.scalars(
        select(Case).join(Client, Client.id == Case.client_id).where(condition)
        .order_by(Case.id.desc())
    ).all()
    client_ids = [str(i) for i in sorted({c.client_id for c in cases})] or ["none"]
    for client_id in client_ids:
        audit(session, actor, AuditAction.read, "client", client_id, now=now, reason="lookup")
    return [(c, bool(decide(actor, Permission.view_case, case_resource(c)))) for c in cases]


def team_members(session: Session, case: Case) -> list[User]:
    users = users_of(session, {m.user_id for m in case.team})
    return [users[m.user_id] for m in case.team if m.user_id in users]


def category_of(case: Case) -> CaseCategory:
    return CaseCategory(case.category)


# ---- the use cases as the API and the pages answer them ---------------------------------


def create_case(session: Session, *, actor: Actor, data: CaseCreate, now: datetime,
                ) -> CaseSummary:
    """Open a case file (see :func:`open_case`); ``actor`` is on its team."""
    return CaseSummary.build(open_case(session, actor=actor, data=data, now=now))


def write_note(session: Session, *, actor: Actor, case_id: int, text: str,
               now: datetime) -> NotePublic:
    """Add a note to the case (stored encrypted; audited)."""
    note = add_note(session, actor=actor, case_id=case_id, text=text, now=now)
    return NotePublic(id=note.id, at=note.at, author=actor.username, text=note.text)


def break_glass(session: Session, *, actor: Actor, case_id: int, reason: str,
                now: datetime) -> BreakGlassPublic:
    """Open a case outside need-to-know for an hour, with a stated reason (reported to the
    supervisor; see :func:`panah.security.access.open_break_glass`)."""
    case = session.get(Case, case_id)
    if case is None:
        raise NotFound(f"There is no case {case_id}.", f"پرونده‌ای با شمارهٔ {case_id} نیست.")
    row = open_break_glass(session, actor=with_grants(session, actor), case_id=case_id,
                           resource=case_facts(session, case), reason=reason, now=now)
    return BreakGlassPublic(id=row.id, case_id=case_id, username=actor.username,
                            reason=row.reason, opened_at=row.opened_at,
                            expires_at=row.expires_at, reviewed_at=None)


def lookup_client(session: Session, *, actor: Actor, phone: str | None,
                  national_code: str | None, now: datetime) -> list[ClientMatch]:
    """Earlier cases of a person (see :func:`find_cases_of`), with details only of those
    ``actor`` may open."""
    found = find_cases_of(session, actor=with_grants(session, actor), phone=phone,
                          national_code=national_code, now=now)
    return [ClientMatch(case_id=c.id, reference=c.reference, status=c.status,
                        opened_at=c.opened_at, visible=seen,
                        category=CaseCategory(c.category) if seen else None)
            for c, seen in found]


def grant_restricted(session: Session, *, actor: Actor, user_id: int, category: str,
                     now: datetime) -> GrantPublic:
    """Let a user open cases of a restricted category (audited; granting twice is one
    grant)."""
    return GrantPublic.build(grant_category(session, actor=actor, user_id=user_id,
                                            category=category, now=now))


def revoke_restricted(session: Session, *, actor: Actor, grant_id: int,
                      now: datetime) -> GrantPublic:
    """Withdraw a grant for a restricted category (audited)."""
    return GrantPublic.build(revoke_grant(session, actor=actor, grant_id=grant_id, now=now))
