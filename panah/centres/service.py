"""Use cases of centres: save a centre (created or updated by its code) with the counties
it answers for (شهرستان معین). Inside the caller's unit of work; never commits.

Everything is read and checked before anything is written, so a refusal leaves nothing
half-made; a change of coverage gets a new revision, which routing rebuilds on.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import func, or_, select
from sqlalchemy.orm import Session

from panah.centres.changes import changed_on_commit
from panah.centres.model import CoveragePlan, check_shelter, parse_hours, plan_coverage
from panah.centres.orm import Centre, CountyService
from panah.centres.places import check_in_province, county_name, find_county
from panah.centres.queries import answers, may_manage
from panah.centres.schemas import CentreIn
from panah.core.errors import Forbidden, InvalidInput
from panah.geo.orm import County, Province
from panah.security.access import audit
from panah.security.audit import AuditAction
from panah.security.policy import Actor

WHAT = ("the centre", "مرکز")


def check_may_manage(actor: Actor, province_code: str) -> None:
    if not may_manage(actor, province_code):
        raise Forbidden(
            f"You manage your own province's organisation only; {province_code} is not "
            "yours to change.",
            f"شما فقط سازمان استان خود را مدیریت می‌کنید؛ تغییر استان {province_code} با شما "
            "نیست.", province_code=province_code, permission="manage_organisation")


def save_centre(session: Session, *, actor: Actor, now: datetime, data: CentreIn
                ) -> tuple[Centre, bool]:
    """Create or update the centre ``data.code`` and the counties it answers for; a county
    another centre answered moves here (audited), one left with no centre is refused."""
    existing = session.scalar(select(Centre).where(Centre.code == data.code))
    provinces = {data.province_code} | ({existing.province_code} if existing else set())
    for code in sorted(provinces):
        check_may_manage(actor, code)
    province = session.get(Province, data.province_code)
    if province is None:
        raise InvalidInput(f"There is no province {data.province_code}.",
                           f"استانی با کد {data.province_code} نیست.", field="province_code")
    own = _county(session, data.county, data.province_code, "county") if data.county else None
    covers = [_county(session, text, data.province_code, "covers") for text in data.covers]
    hours = parse_hours(data.hours)
    check_shelter(data.has_shelter, data.shelter_beds)
    plan = plan_coverage(
        centre_code=data.code, kind=data.kind, province_code=data.province_code,
        own=county_name(own) if own else None, covers=[county_name(c) for c in covers],
        answered=answers(session, provinces))
    lat, lon = _place(session, data, own, province, existing)
    created = existing is None
    centre = existing or Centre(code=data.code)
    renamed = not created and (centre.name_fa, centre.name_en) != (data.name_fa, data.name_en)
    centre.kind, centre.name_fa, centre.name_en = data.kind.value, data.name_fa, data.name_en
    centre.province_code, centre.county_id = data.province_code, own.id if own else None
    centre.lat, centre.lon, centre.hours = lat, lon, hours
    centre.has_shelter, centre.shelter_beds = data.has_shelter, data.shelter_beds
    session.add(centre)
    session.flush()
    moved = _write_coverage(session, centre, plan, renamed=renamed)
    audit(session, actor, AuditAction.create if created else AuditAction.update, "centre",
          centre.code, now=now, reason=_summary(plan, moved))
    session.flush()
    return centre, created


def _county(session: Session, text: str, province_code: str, field: str) -> County:
    """The county ``text`` names in the province; one of another province is returned
    too (the coverage plan refuses it naming the rule); else refused with close names."""
    try:
        return find_county(session, text, province_code=province_code, field=field)
    except InvalidInput as refused:
        try:
            return find_county(session, text, field=field)
        except InvalidInput:
            raise refused from None


def _place(session: Session, data: CentreIn, own: County | None, province: Province,
           existing: Centre | None) -> tuple[float, float]:
    """Where the centre is: as given (inside the province), else where it was, else its
    county's seat, else the province's capital."""
    if (data.lat is None) != (data.lon is None):
        raise InvalidInput("Give both the latitude and the longitude, or neither (the "
                           "county's seat is used).",
                           "عرض و طول جغرافیایی را با هم بنویسید، یا هیچ‌کدام را (مرکز "
                           "شهرستان به کار می‌رود).", field="lat")
    if data.lat is not None and data.lon is not None:
        check_in_province(session, data.lat, data.lon, province.code, what=WHAT)
        return data.lat, data.lon
    if existing is not None and existing.county_id == (own.id if own else None):
        return existing.lat, existing.lon
    if own is not None and own.seat_lat is not None and own.seat_lon is not None:
        return own.seat_lat, own.seat_lon
    return province.capital_lat, province.capital_lon


def _write_coverage(session: Session, centre: Centre, plan: CoveragePlan, *,
                    renamed: bool) -> int:
    """Write the plan's rows; give each changed row (and, when the centre was renamed,
    each of its rows: routing shows its name) the next revision. How many changed."""
    wanted = [county_id for county_id, _ in plan.rows]
    rows = {r.county_id: r for r in session.scalars(select(CountyService).where(or_(
        CountyService.county_id.in_(wanted), CountyService.centre_id == centre.id)))}
    changed = []
    for county_id, covering in plan.rows:
        row = rows.get(county_id)
        if row is None:
            row = CountyService(county_id=county_id, centre_id=centre.id,
                                covering_county_id=covering)
            session.add(row)
        elif (row.centre_id, row.covering_county_id) == (centre.id, covering) and not renamed:
            continue
        row.centre_id, row.covering_county_id = centre.id, covering
        changed.append(row)
    if renamed:
        changed += [r for r in rows.values() if r.centre_id == centre.id and r not in changed]
    if changed:
        revision = (session.scalar(select(func.max(CountyService.revision))) or 0) + 1
        for row in changed:
            row.revision = revision
        changed_on_commit(session)
    return len(changed)


def _summary(plan: CoveragePlan, moved: int) -> str:
    taken = "; ".join(f"{a.county.key} from {a.centre_code}" for a in plan.taken)
    return (f"answers for {len(plan.rows)} counties, {moved} rows changed"
            + (f"; took {taken}" if taken else ""))
