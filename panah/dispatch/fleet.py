"""The fleet as an administrator sets it up (issue 15): posts where units wait, the units
themselves (retiring one included), and each unit's own tracker key.

``save_post`` and ``save_unit`` follow the organisation contract: keyed by the post's
code and the unit's call sign (saving an existing key updates it), permission and
province checked first, then every rule, then the write and its audit record, flushed,
never committed: the caller's unit of work (a request, or a bulk import) decides. Nothing
is written before every check has passed, so a refusal leaves nothing half-made.

The pure rules are in ``panah.dispatch.fleet_model``; the read side in
``panah.dispatch.fleet_queries``.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import delete, func, select
from sqlalchemy.orm import Session

from panah.centres.orm import Centre
from panah.centres.places import check_in_province, find_county
from panah.core.errors import Conflict, Forbidden, InvalidInput, NotAuthenticated, NotFound
from panah.dispatch import fleet_model as rules
from panah.dispatch.field import PositionReport, record_position
from panah.dispatch.fleet_queries import post_rows, unit_rows  # noqa: F401  (the contract)
from panah.dispatch.model import UnitStatus
from panah.dispatch.orm import CrewMember, CrewSeat, Post, Shift, ShiftMember, Unit
from panah.dispatch.schemas import PositionIn, PositionOut, PostIn, TrackerKeyCreated, UnitIn
from panah.dispatch.service import Locate
from panah.geo.orm import County
from panah.security.access import audit
from panah.security.audit import AuditAction
from panah.security.orm import User
from panah.security.policy import Actor, Resource, decide
from panah.security.roles import Permission

MANAGE = Permission.manage_organisation
# Every new unit gets the crew seats the service staffs: a social worker (a woman
# preferred: most callers are women and girls at risk) and a psychologist.
STANDARD_SEATS = (("social_worker", True), ("psychologist", False))


def check_reach(actor: Actor, province_code: str | None, kind: str = "organisation") -> None:
    """Refuse an actor who may not manage the organisation of ``province_code``."""
    if not decide(actor, MANAGE, Resource(kind, province_code=province_code)):
        raise Forbidden(
            "You manage your own province's centres, posts and vehicles only."
            if actor.province_code else
            "Your role does not allow managing centres, posts and vehicles.",
            "شما فقط مراکز، پایگاه‌ها و خودروهای استان خود را مدیریت می‌کنید."
            if actor.province_code else
            "نقش شما اجازهٔ مدیریت مراکز، پایگاه‌ها و خودروها را نمی‌دهد.",
            permission=MANAGE.value, province_code=province_code)


# ---- posts ----------------------------------------------------------------------------------


def save_post(session: Session, *, actor: Actor, now: datetime, data: PostIn
              ) -> tuple[Post, bool]:
    """Create or update the post ``data.code``."""
    if data.province_code is not None:
        check_reach(actor, data.province_code, "post")
    rules.check_post_dates(data.kind.value, data.active_from, data.active_to)
    # In the province given, else the actor's own (a national admin: anywhere).
    county = find_county(session, data.county,
                         province_code=data.province_code or actor.province_code)
    province = county.province_code
    check_reach(actor, province, "post")
    check_in_province(session, data.lat, data.lon, province, what=("the post", "پایگاه"))
    post = session.scalar(select(Post).where(Post.code == data.code))
    if post is not None:
        _same_province(session, post, province)
    created = post is None
    if post is None:
        post = Post(code=data.code)
        session.add(post)
    post.kind, post.name_fa, post.name_en = data.kind.value, data.name_fa, data.name_en
    post.county_id, post.lat, post.lon = county.id, data.lat, data.lon
    post.active_from, post.active_to = data.active_from, data.active_to
    session.flush()
    audit(session, actor, AuditAction.create if created else AuditAction.update, "post",
          data.code, now=now)
    return post, created


def _same_province(session: Session, post: Post, province: str) -> None:
    county = session.get(County, post.county_id)
    if county is not None and county.province_code != province:
        raise Conflict(
            f"The post code {post.code} is already used in {county.province_code}: choose "
            "another code.",
            f"کد پایگاه {post.code} در استان {county.province_code} به کار رفته است: کد "
            "دیگری انتخاب کنید.", field="code", rule="code_in_other_province")


def post_province(session: Session, post: Post) -> str | None:
    county = session.get(County, post.county_id)
    return county.province_code if county else None


# ---- units ----------------------------------------------------------------------------------


def save_unit(session: Session, *, actor: Actor, now: datetime, data: UnitIn
              ) -> tuple[Unit, bool]:
    """Create or update the unit ``data.call_sign``; ``active=False`` retires it."""
    rules.check_call_sign(data.call_sign)
    centre = _centre(session, data.home_centre_code)
    province = centre.province_code
    check_reach(actor, province, "unit")
    post = _post_in(session, data.post_code, province)
    wanted = _wanted_crew(session, data, province)
    unit = session.scalar(select(Unit).where(Unit.call_sign == data.call_sign))
    if unit is not None and unit.province_code not in (None, province):
        raise Conflict(
            f"The call sign {data.call_sign} is already used by a unit of "
            f"{unit.province_code}: call signs are unique in the country; choose another.",
            f"شناسهٔ {data.call_sign} را خودرویی در استان {unit.province_code} دارد: شناسهٔ "
            "خودرو در کل کشور یکتاست؛ شناسهٔ دیگری انتخاب کنید.",
            field="call_sign", rule="call_sign_in_other_province")
    if unit is not None and not data.active and unit.retired_at is None and (
            unit.incident_id is not None):
        raise Conflict(
            f"{data.call_sign} is on an incident: clear it before retiring the unit.",
            f"{data.call_sign} در مأموریت است: پیش از کنار گذاشتن خودرو مأموریت را ببندید.",
            field="active", rule="retire_on_incident")
    plan = None
    if wanted is not None:
        members = _roster(session, unit, now) if unit is not None else []
        plan = rules.plan_roster(members, wanted, _given(data))
    created = unit is None
    if unit is None:
        unit = Unit(call_sign=data.call_sign, status=_first_status(post).value,
                    status_since=now, version=0)
        session.add(unit)
    unit.kind, unit.home_centre_id, unit.province_code = data.kind.value, centre.id, province
    unit.post_id = post.id if post is not None else None
    if created:
        _add_seats(session, unit)
    _set_active(unit, data.active, now)
    session.flush()
    reason = None if data.active else "retired"
    audit(session, actor, AuditAction.create if created else AuditAction.update, "unit",
          data.call_sign, now=now, reason=reason)
    if plan is not None and wanted is not None:
        _apply_roster(session, unit, plan, wanted)
        if plan.changed:
            audit(session, actor, AuditAction.update, "unit_crew", data.call_sign, now=now,
                  reason=_crew_reason(data))
    return unit, created


# ---- the crew roster ------------------------------------------------------------------------


def _given(data: UnitIn) -> frozenset[str]:
    """The seats whose list ``data`` gives (the others keep their members)."""
    lists = {"social_worker": data.social_workers, "psychologist": data.psychologists}
    return frozenset(seat for seat, names in lists.items() if names is not None)


def _wanted_crew(session: Session, data: UnitIn, province: str
                 ) -> dict[int, tuple[rules.Account, str]] | None:
    """The accounts the unit's lists name, checked (user id → account and seat); None when
    neither list is given."""
    seats = rules.wanted_seats({"social_worker": data.social_workers,
                                "psychologist": data.psychologists})
    if seats is None:
        return None
    found = {u.username.lower(): u for u in session.scalars(
        select(User).where(func.lower(User.username).in_(list(seats))))}
    wanted: dict[int, tuple[rules.Account, str]] = {}
    for name, seat in seats.items():
        user = found.get(name)
        account = None if user is None else rules.Account(
            user.id, user.username, user.full_name, user.role, user.province_code,
            user.is_active and user.disabled_at is None, user.is_woman)
        checked = rules.check_crew_account(name, account, seat=seat, province_code=province)
        wanted[checked.user_id] = (checked, seat)
    return wanted


def _roster(session: Session, unit: Unit, now: datetime) -> list[rules.Member]:
    """The unit's account-holding members, each with whether a shift (now or planned) or
    an open incident holds them."""
    rows = list(session.scalars(select(CrewMember).where(
        CrewMember.unit_id == unit.id, CrewMember.user_id.is_not(None)).order_by(CrewMember.id)))
    held = set(session.scalars(
        select(ShiftMember.crew_member_id).join(Shift, Shift.id == ShiftMember.shift_id)
        .where(Shift.unit_id == unit.id, Shift.ends_at > now)))
    on_incident = unit.incident_id is not None
    return [rules.Member(m.id, m.user_id, m.full_name, m.role, m.id in held, on_incident)
            for m in rows if m.user_id is not None]


def _apply_roster(session: Session, unit: Unit, plan: rules.RosterPlan,
                  wanted: dict[int, tuple[rules.Account, str]]) -> None:
    leaving = [m.member_id for m in plan.remove]
    if leaving:
        # Only ended shifts still name them (a current or planned one was refused).
        session.execute(delete(ShiftMember).where(ShiftMember.crew_member_id.in_(leaving)))
        session.execute(delete(CrewMember).where(CrewMember.id.in_(leaving)))
    seats = {m.member_id: seat for m, seat in plan.reseat}
    for member in session.scalars(select(CrewMember).where(
            CrewMember.unit_id == unit.id, CrewMember.user_id.in_(list(wanted)))):
        account = wanted[member.user_id][0] if member.user_id is not None else None
        if account is not None:  # the account's name and gender as they are now
            member.full_name, member.is_woman = account.full_name, account.is_woman
        member.role = seats.get(member.id, member.role)
    session.add_all(CrewMember(unit_id=unit.id, user_id=account.user_id,
                               full_name=account.full_name, role=seat,
                               is_woman=account.is_woman) for account, seat in plan.add)
    session.flush()


def _crew_reason(data: UnitIn) -> str:
    parts = [f"{field}={','.join(names)}" for field, names in
             (("social_workers", data.social_workers), ("psychologists", data.psychologists))
             if names is not None]
    return "; ".join(parts)


def _first_status(post: Post | None) -> UnitStatus:
    return UnitStatus.available_at_post if post is not None else UnitStatus.available_on_move


def _add_seats(session: Session, unit: Unit) -> None:
    session.flush()  # the unit's id
    for seq, (role, prefer_woman) in enumerate(STANDARD_SEATS):
        session.add(CrewSeat(unit_id=unit.id, seq=seq, role=role, prefer_woman=prefer_woman))


def _set_active(unit: Unit, active: bool, now: datetime) -> None:
    if active and unit.retired_at is not None:
        unit.retired_at = None
        unit.version = (unit.version or 0) + 1
    elif not active and unit.retired_at is None:
        unit.retired_at = now
        unit.version = (unit.version or 0) + 1  # a claim read before retiring now fails


def _centre(session: Session, code: str) -> Centre:
    centre = session.scalar(select(Centre).where(Centre.code == code))
    if centre is None:
        raise InvalidInput(
            f"There is no centre {code!r}: add the centre first, or check its code.",
            f"مرکزی با کد «{code}» نیست: اول مرکز را بسازید یا کد را بررسی کنید.",
            field="home_centre_code", value=code)
    return centre


def _post_in(session: Session, code: str | None, province: str) -> Post | None:
    if code is None:
        return None
    post = session.scalar(select(Post).where(Post.code == code))
    if post is None:
        raise InvalidInput(
            f"There is no post {code!r}: add the post first, or check its code.",
            f"پایگاهی با کد «{code}» نیست: اول پایگاه را بسازید یا کد را بررسی کنید.",
            field="post_code", value=code)
    if post_province(session, post) != province:
        raise InvalidInput(
            f"The post {code} is not in the province of the unit's home centre ({province}).",
            f"پایگاه {code} در استان مرکز خودرو ({province}) نیست.",
            field="post_code", value=code, rule="post_in_other_province")
    return post


def unit_by_sign(session: Session, call_sign: str) -> Unit:
    """A unit by its call sign, in service or retired (the fleet list shows both)."""
    unit = session.scalar(select(Unit).where(Unit.call_sign == call_sign))
    if unit is None:
        raise NotFound(f"There is no unit {call_sign}.", f"خودرویی با شناسهٔ {call_sign} نیست.")
    return unit


# ---- tracker keys ---------------------------------------------------------------------------


def issue_tracker_key(session: Session, *, actor: Actor, now: datetime, call_sign: str
                      ) -> TrackerKeyCreated:
    """A new key for the unit's tracker, shown in the answer once (only a hash is kept);
    the unit's previous key stops working at once."""
    unit = unit_by_sign(session, call_sign)
    check_reach(actor, unit.province_code, "unit")
    if unit.retired_at is not None:
        raise Conflict(f"{call_sign} is retired: put it back in service first.",
                       f"{call_sign} کنار گذاشته شده است: اول آن را به خدمت برگردانید.",
                       field="call_sign")
    key = rules.new_tracker_key()
    unit.tracker_key_prefix, unit.tracker_key_hash = key.prefix, key.secret_hash
    unit.tracker_key_at = now
    session.flush()
    audit(session, actor, AuditAction.api_key_created, "unit_tracker_key", call_sign, now=now,
          reason=key.prefix)
    return TrackerKeyCreated(call_sign=call_sign, key=key.text, prefix=key.prefix,
                             created_at=now)


def unit_of_tracker(session: Session, key_text: str | None) -> Unit:
    """The unit in service whose tracker holds ``key_text``; else refused (401)."""
    key = rules.parse_tracker_key(key_text or "")
    unit = None if key is None else session.scalar(
        select(Unit).where(Unit.tracker_key_prefix == key.prefix))
    if key is None or unit is None or not rules.tracker_key_matches(key, unit.tracker_key_hash):
        raise NotAuthenticated(
            "This tracker key is not valid. Send the unit's whole key as 'X-Tracker-Key: "
            "pnt_…', or ask the province's administrator for a new one.",
            "این کلید ردیاب معتبر نیست. کل کلید خودرو را به شکل 'X-Tracker-Key: pnt_…' "
            "بفرستید یا از مدیر استان کلید تازه بخواهید.")
    if unit.retired_at is not None:
        raise NotAuthenticated(f"{unit.call_sign} is retired: its tracker is not accepted.",
                               f"{unit.call_sign} کنار گذاشته شده است: ردیاب آن پذیرفته نیست.")
    return unit


def check_unit_key(unit: Unit, key_text: str | None) -> None:
    """Over MQTT, a unit that has a tracker key must send it (the payload's ``key``): a
    position without it or with another is refused. A unit with no key yet is trusted as
    the broker's own access list lets it publish."""
    if unit.tracker_key_hash is None:
        return
    key = rules.parse_tracker_key(key_text or "")
    if key is None or key.prefix != unit.tracker_key_prefix or not rules.tracker_key_matches(
            key, unit.tracker_key_hash):
        raise NotAuthenticated(
            f"{unit.call_sign} has a tracker key: send it as the position's \"key\".",
            f"{unit.call_sign} کلید ردیاب دارد: آن را در فیلد \"key\" موقعیت بفرستید.",
            field="key")


def tracker_fix(session: Session, *, key_text: str | None, position: PositionIn,
                locate: Locate, now: datetime) -> PositionOut:
    """A position from a tracker holding its unit's own key (a wrong key stores nothing)."""
    unit = unit_of_tracker(session, key_text)
    report = PositionReport(lat=position.lat, lon=position.lon, at=position.at,
                            accuracy_m=position.accuracy_m, speed_kmh=position.speed_kmh,
                            heading_deg=position.heading_deg, source="http")
    row, stored = record_position(session, unit=unit, report=report, now=now, locate=locate)
    return PositionOut(id=row.id, stored=stored, unit_lat=unit.lat, unit_lon=unit.lon,
                       position_at=unit.position_at)
