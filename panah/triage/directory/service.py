"""Keeping the directory: partner agencies and services saved by code (upsert), an agency's
staff and machine account, deactivation and deletion. Each use case checks the actor's
reach (``model.may_manage``), validates everything before it writes, audits and flushes;
none commits (the caller's unit of work does, so a bulk import runs many in one)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import delete, func, select
from sqlalchemy.orm import Session

from panah.core.errors import Forbidden, InvalidInput, NotFound
from panah.geo.orm import Province
from panah.geo.text import to_ascii_digits
from panah.intake.routing.phones import to_e164
from panah.security.access import audit
from panah.security.audit import AuditAction
from panah.security.orm import User
from panah.security.policy import Actor
from panah.security.roles import Role
from panah.triage.directory.model import (
    check_deletable,
    check_needs,
    is_short_number,
    may_manage,
    search_text_of,
)
from panah.triage.directory.queries import county_named
from panah.triage.directory.schemas import AgencyIn, ResourceIn
from panah.triage.orm import Agency, AgencyStaff, Referral, Resource
from panah.triage.referrals.queries import OPEN_STATES

# --- checks shared by the use cases ---------------------------------------------------


def check_reach(actor: Actor, province_code: str | None, *, code: str) -> None:
    """Refuse (403) an entry beyond the actor's reach: another province's, or a national
    one for a provincial administrator."""
    decision = may_manage(actor, province_code)
    if decision:
        return
    where_en = province_code or "the whole country"
    where_fa = province_code or "کل کشور"
    raise Forbidden(
        f"You may not change {code}: it belongs to {where_en}, and you keep the directory "
        "of your own province only.",
        f"شما اجازهٔ تغییر {code} را ندارید: این مورد از آنِ {where_fa} است و شما تنها "
        "فهرست استان خود را نگه می‌دارید.",
        why=decision.why.value, code=code, province_code=province_code)


def _place(session: Session, province_code: str | None,
           county: str | None) -> tuple[str | None, str | None]:
    """(province code, county key): the county, by key or name, must lie in the province;
    a county given alone brings its province."""
    if province_code is not None and session.get(Province, province_code) is None:
        raise InvalidInput(f"There is no province {province_code}.",
                           f"استانی با کد {province_code} نیست.", field="province_code")
    if county is None:
        return province_code, None
    found = county_named(session, county, province_code=province_code)
    return found.province_code, found.key


def _phone(raw: str | None) -> str | None:
    """A short service number (110, ۱۴۸۰) as ASCII digits; a full one in E.164."""
    if raw is None:
        return None
    digits = to_ascii_digits(raw).strip()
    if is_short_number(digits):
        return digits
    try:
        return to_e164(raw)
    except InvalidInput as error:
        raise InvalidInput(
            "The phone is neither a short service number (110, 1480) nor a full number: "
            + error.message_en, "تلفن نه شمارهٔ کوتاه خدمت (۱۱۰، ۱۴۸۰) است و نه شماره‌ای "
            "کامل: " + error.message_fa, field="phone") from None


def _agency(session: Session, code: str) -> Agency:
    row = session.scalar(select(Agency).where(Agency.code == code))
    if row is None:
        raise NotFound(f"There is no agency {code} in the directory.",
                       f"سازمانی با کد {code} در فهرست نیست.", code=code)
    return row


def _resource(session: Session, code: str) -> Resource:
    row = session.scalar(select(Resource).where(Resource.code == code))
    if row is None:
        raise NotFound(f"There is no service {code} in the directory.",
                       f"خدمتی با کد {code} در فهرست نیست.", code=code)
    return row


def _audit(session: Session, actor: Actor, action: AuditAction, kind: str, code: str,
           now: datetime, reason: str | None = None) -> None:
    audit(session, actor, action, kind, code, now=now, reason=reason)


# --- agencies -------------------------------------------------------------------------


def save_agency(session: Session, *, actor: Actor, now: datetime,
                data: AgencyIn) -> tuple[Agency, bool]:
    """Add the agency ``data.code``, or change it if it exists (also (de)activating it)."""
    row = session.scalar(select(Agency).where(Agency.code == data.code))
    if row is not None:
        check_reach(actor, row.province_code, code=data.code)  # no taking another's entry
    province_code, county_key = _place(session, data.province_code, data.county)
    check_reach(actor, province_code, code=data.code)
    phone = _phone(data.phone)
    created = row is None
    if row is None:
        row = Agency(code=data.code)
        session.add(row)
    row.domain, row.name_fa = data.domain.value, data.name_fa
    row.name_en = data.name_en or data.name_fa
    row.province_code, row.county_key, row.phone = province_code, county_key, phone
    row.active = data.active
    session.flush()
    _audit(session, actor, AuditAction.create if created else AuditAction.update,
           "agency", data.code, now, None if data.active else "inactive")
    return row, created


def set_agency_active(session: Session, *, actor: Actor, now: datetime, code: str,
                      active: bool) -> Agency:
    """Deactivate an agency (it receives no new referral; its referrals stay) or bring it
    back."""
    row = _agency(session, code)
    check_reach(actor, row.province_code, code=code)
    row.active = active
    session.flush()
    _audit(session, actor, AuditAction.update, "agency", code, now,
           "active" if active else "inactive")
    return row


def _partner_accounts(session: Session, agency: Agency,
                      usernames: Sequence[str]) -> list[User]:
    """The accounts named, each a partner-agency account that is active and belongs to
    the agency's province (any province, for a national agency)."""
    wanted = list(dict.fromkeys(u.strip() for u in usernames if u.strip()))
    found = {u.username: u for u in session.scalars(
        select(User).where(User.username.in_(wanted)))} if wanted else {}
    for name in wanted:
        user = found.get(name)
        if user is None:
            raise InvalidInput(f"There is no account {name!r}.",
                               f"حسابی با نام کاربری «{name}» نیست.", field="usernames",
                               username=name)
        if user.role != Role.partner_agency.value:
            raise InvalidInput(
                f"{name} is not a partner-agency account: only those sign in to an "
                "agency's inbox.", f"{name} حساب دستگاه همکار نیست: تنها چنین حساب‌هایی "
                "به صندوق ارجاع سازمان وارد می‌شوند.", field="usernames", username=name)
        if not user.is_active or user.disabled_at is not None:
            raise InvalidInput(f"The account {name} is disabled.",
                               f"حساب {name} غیرفعال است.", field="usernames", username=name)
        if agency.province_code is not None and user.province_code != agency.province_code:
            raise InvalidInput(
                f"{name} belongs to {user.province_code or 'no province'}, not to "
                f"{agency.province_code} where {agency.code} is.",
                f"{name} از استان {user.province_code or '—'} است، نه {agency.province_code}"
                f" که {agency.code} در آن است.", field="usernames", username=name)
    return [found[name] for name in wanted]


def set_agency_staff(session: Session, *, actor: Actor, now: datetime, code: str,
                     usernames: Sequence[str]) -> Agency:
    """Who signs in to the agency's referral inbox: the whole list, replacing the old."""
    row = _agency(session, code)
    check_reach(actor, row.province_code, code=code)
    users = _partner_accounts(session, row, usernames)
    session.execute(delete(AgencyStaff).where(AgencyStaff.agency_id == row.id))
    session.add_all(AgencyStaff(agency_id=row.id, user_id=u.id) for u in users)
    session.flush()
    _audit(session, actor, AuditAction.update, "agency", code, now,
           "staff:" + ",".join(u.username for u in users))
    return row


def set_agency_account(session: Session, *, actor: Actor, now: datetime, code: str,
                       username: str | None) -> Agency:
    """The machine account whose API keys the agency's system uses (none: no API)."""
    row = _agency(session, code)
    check_reach(actor, row.province_code, code=code)
    users = _partner_accounts(session, row, [username] if username else [])
    row.user_id = users[0].id if users else None
    session.flush()
    _audit(session, actor, AuditAction.update, "agency", code, now,
           "account:" + (users[0].username if users else ""))
    return row


def delete_agency(session: Session, *, actor: Actor, now: datetime, code: str) -> None:
    """Remove an agency that never had a referral; one that had is refused (409): deactivate
    it instead."""
    row = _agency(session, code)
    check_reach(actor, row.province_code, code=code)
    open_states = [s.value for s in OPEN_STATES]
    opened = session.scalar(select(func.count()).where(
        Referral.agency_id == row.id, Referral.state.in_(open_states))) or 0
    past = session.scalar(select(func.count()).where(
        Referral.agency_id == row.id, Referral.state.not_in(open_states))) or 0
    check_deletable(code, open_referrals=opened, referrals=past)
    session.execute(delete(AgencyStaff).where(AgencyStaff.agency_id == row.id))
    session.delete(row)
    session.flush()
    _audit(session, actor, AuditAction.delete, "agency", code, now)


# --- services -------------------------------------------------------------------------


def save_resource(session: Session, *, actor: Actor, now: datetime,
                  data: ResourceIn) -> tuple[Resource, bool]:
    """Add the service ``data.code``, or change it if it exists; counsellors' searches
    find it at once (its search text is rebuilt here)."""
    row = session.scalar(select(Resource).where(Resource.code == data.code))
    if row is not None:
        check_reach(actor, row.province_code, code=data.code)
    province_code, county_key = _place(session, data.province_code, data.county)
    check_reach(actor, province_code, code=data.code)
    needs = check_needs(data.needs)
    phone = _phone(data.phone)
    created = row is None
    if row is None:
        row = Resource(code=data.code)
        session.add(row)
    name_en = data.name_en or data.name_fa
    row.name_fa, row.name_en = data.name_fa, name_en
    row.description_fa, row.description_en = data.description_fa, data.description_en
    row.needs = ",".join(needs)
    row.province_code, row.county_key, row.phone = province_code, county_key, phone
    row.address_fa, row.hours_fa = data.address_fa, data.hours_fa
    row.search_text = search_text_of(data.name_fa, name_en, data.description_fa,
                                     data.description_en, needs=needs)
    session.flush()
    _audit(session, actor, AuditAction.create if created else AuditAction.update,
           "directory_service", data.code, now)
    return row, created


def delete_resource(session: Session, *, actor: Actor, now: datetime, code: str) -> None:
    """Remove a service from the directory (nothing refers to a service: it goes)."""
    row = _resource(session, code)
    check_reach(actor, row.province_code, code=code)
    session.delete(row)
    session.flush()
    _audit(session, actor, AuditAction.delete, "directory_service", code, now)
