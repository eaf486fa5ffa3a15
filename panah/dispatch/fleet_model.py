"""The fleet's pure rules: a call sign's and a post code's shape, a post's dates, a day
typed in Jalali or Gregorian, and a unit's tracker key (``pnt_<prefix>_<secret>``).

No database, no clock: the use cases in ``panah.dispatch.fleet`` call these.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import re
import secrets
from dataclasses import dataclass
from datetime import date

from panah.core.days import read_day
from panah.core.errors import Conflict, InvalidInput

CALL_SIGN = re.compile(r"^[A-Za-z0-9][A-Za-z0-9-]{0,39}$")  # as MQTT topics name a unit
TRACKER_SCHEME = "pnt"
TRACKER_PREFIX_BYTES = 6  # 12 hex characters: finds the unit, not a secret
TRACKER_SECRET_BYTES = 32
_TRACKER_KEY = re.compile(r"^pnt_([0-9a-f]{12})_([A-Za-z0-9_-]{43})$")
NOWRUZ = "nowruz"


# ---- posts ----------------------------------------------------------------------------------


def check_post_dates(kind: str, active_from: date | None, active_to: date | None) -> None:
    """A Nowruz post opens and closes on dates (closing after it opens); a permanent one
    has none: refused with what to fix."""
    if kind == NOWRUZ:
        if active_from is None or active_to is None:
            raise InvalidInput(
                "A Nowruz post needs the dates it opens and closes. Give both dates, or make "
                "it a permanent post.",
                "پایگاه نوروزی تاریخ شروع و پایان می‌خواهد. هر دو تاریخ را بنویسید یا آن را "
                "پایگاه دائمی کنید.", field="active_from", rule="nowruz_needs_dates")
        if active_to < active_from:
            raise InvalidInput(
                "The post would close before it opens: the end date must be on or after the "
                "start date.",
                "پایگاه پیش از باز شدن بسته می‌شود: تاریخ پایان باید همان روز شروع یا بعد از "
                "آن باشد.", field="active_to", rule="ends_before_starts")
        return
    if active_from is not None or active_to is not None:
        raise InvalidInput(
            "A permanent post is open all year and has no dates. Remove the dates, or make it "
            "a Nowruz post.",
            "پایگاه دائمی در همهٔ سال باز است و تاریخ ندارد. تاریخ‌ها را پاک کنید یا آن را "
            "پایگاه نوروزی کنید.", field="active_from", rule="permanent_has_no_dates")


def parse_day(text: str, *, field: str) -> date | None:
    """A day typed as ``1405/01/01`` (Jalali, Persian digits welcome) or ``2026-03-21``
    (Gregorian); empty is none."""
    if not text.strip():
        return None
    try:
        return read_day(text)
    except ValueError:
        raise InvalidInput(
            f"{text!r} is not a date. Write it as 1405/01/01 (Jalali) or 2026-03-21.",
            f"«{text}» تاریخ نیست. آن را به شکل ۱۴۰۵/۰۱/۰۱ (شمسی) یا 2026-03-21 بنویسید.",
            field=field) from None


# ---- units ----------------------------------------------------------------------------------


def check_call_sign(call_sign: str) -> None:
    if not CALL_SIGN.match(call_sign):
        raise InvalidInput(
            f"{call_sign!r} is not a call sign: use Latin letters, digits and dashes, at most "
            "40, e.g. MZN-12.",
            f"«{call_sign}» شناسهٔ خودرو نیست: حروف لاتین، رقم و خط تیره، حداکثر ۴۰ نویسه، "
            "مثلاً MZN-12.", field="call_sign")


def unit_state(retired: bool, status: str) -> str:
    """What the fleet list shows: ``retired`` for a unit out of service, else its status."""
    return "retired" if retired else status


# ---- the crew roster ------------------------------------------------------------------------

# Who may sit in a unit's crew seats: the field team, and the social workers and
# psychologists who ride with it. The seat (``SEATS``) comes from the list a person is in.
CREW_ROLES = frozenset({"field_crew", "social_worker", "psychologist"})
SEATS = ("social_worker", "psychologist")
_SEAT_NAMES = {"social_worker": ("social workers", "مددکاران اجتماعی"),
               "psychologist": ("psychologists", "روان‌شناسان")}


@dataclass(frozen=True, slots=True)
class Account:
    """What the roster needs of an account."""

    user_id: int
    username: str
    full_name: str
    role: str
    province_code: str | None
    active: bool
    is_woman: bool


@dataclass(frozen=True, slots=True)
class Member:
    """An account-holding member of a unit's roster as it stands."""

    member_id: int
    user_id: int
    full_name: str
    seat: str
    on_shift: bool  # on a shift now or planned
    on_incident: bool  # the unit is on an open incident


@dataclass(frozen=True, slots=True)
class RosterPlan:
    remove: tuple[Member, ...]  # members leaving the roster
    reseat: tuple[tuple[Member, str], ...]  # members changing seat
    add: tuple[tuple[Account, str], ...]  # accounts joining, in their seat

    @property
    def changed(self) -> bool:
        return bool(self.remove or self.reseat or self.add)


def _field(seat: str) -> str:
    return f"{seat}s"


def wanted_seats(lists: dict[str, list[str] | None]) -> dict[str, str] | None:
    """``{username (lower case): seat}`` from the unit's lists (None: no list given). A
    name twice in one list counts once; a name in both lists is refused."""
    if all(names is None for names in lists.values()):
        return None
    seats: dict[str, str] = {}
    for seat in SEATS:
        for name in lists.get(seat) or []:
            key = name.strip().lower()
            if seats.get(key, seat) != seat:
                raise InvalidInput(
                    f"{name} is in both lists: one person fills one seat of a unit; keep "
                    "them in social workers or in psychologists.",
                    f"«{name}» در هر دو فهرست آمده است: هر نفر یک جایگاه خودرو را پر می‌کند؛ "
                    "او را یا در مددکاران اجتماعی نگه دارید یا در روان‌شناسان.",
                    field=_field(seat), value=name, rule="crew_one_seat")
            seats[key] = seat
    return seats


def check_crew_account(username: str, account: Account | None, *, seat: str,
                       province_code: str | None) -> Account:
    """An account may join a unit's roster if it exists, is active, is of the unit's
    province and has a crew role; else refused naming the rule."""
    field = _field(seat)
    if account is None:
        raise InvalidInput(
            f"There is no account {username!r} for the {_SEAT_NAMES[seat][0]} of the unit: add "
            "the person first (the users file or page), or check the username.",
            f"حسابی با نام کاربری «{username}» برای {_SEAT_NAMES[seat][1]} خودرو نیست: اول "
            "آن شخص را بسازید (فایل یا صفحهٔ کاربران) یا نام کاربری را بررسی کنید.",
            field=field, value=username, rule="crew_unknown_user")
    if not account.active:
        raise InvalidInput(
            f"{account.username} is disabled: a disabled account cannot be on a crew.",
            f"حساب «{account.username}» غیرفعال است: حساب غیرفعال در تیم خودرو نمی‌نشیند.",
            field=field, value=username, rule="crew_disabled_user")
    if account.role not in CREW_ROLES:
        raise InvalidInput(
            f"{account.username} is a {account.role}: a unit's crew are field crew, social "
            "workers or psychologists.",
            f"نقش «{account.username}» {account.role} است: تیم خودرو از نیروی سیار، مددکار "
            "اجتماعی یا روان‌شناس است.", field=field, value=username, rule="crew_role")
    if account.province_code != province_code:
        raise InvalidInput(
            f"{account.username} works in {account.province_code or 'no province'}, not in "
            f"the unit's province ({province_code}): a crew is of its unit's province.",
            f"«{account.username}» در استان {account.province_code or '(بدون استان)'} کار "
            f"می‌کند، نه در استان خودرو ({province_code}): تیم خودرو از همان استان است.",
            field=field, value=username, rule="crew_other_province")
    return account


def plan_roster(members: list[Member], wanted: dict[int, tuple[Account, str]],
                given: frozenset[str]) -> RosterPlan:
    """What changes for the account-holding ``members`` to become ``wanted`` (user id →
    account and seat). A seat whose list was not ``given`` keeps its members. A member on
    a shift now or planned, or on the crew of an open incident, is never removed."""
    kept = {m.user_id for m in members if m.seat not in given}
    clash = [m for m in members if m.user_id in wanted and m.seat not in given
             and wanted[m.user_id][1] != m.seat]
    if clash:
        m = clash[0]
        raise InvalidInput(
            f"{m.full_name} is already on this unit's crew as a {m.seat.replace('_', ' ')}: "
            "give both lists to move them.",
            f"«{m.full_name}» هم‌اکنون در همین خودرو در جایگاه دیگری است: برای جابه‌جایی "
            "هر دو فهرست را بدهید.", field=_field(wanted[m.user_id][1]), rule="crew_one_seat")
    remove = tuple(m for m in members if m.user_id not in wanted and m.user_id not in kept)
    for m in remove:
        _check_leaves(m)
    reseat = tuple((m, wanted[m.user_id][1]) for m in members
                   if m.user_id in wanted and wanted[m.user_id][1] != m.seat)
    present = {m.user_id for m in members}
    add = tuple(wanted[uid] for uid in wanted if uid not in present)
    return RosterPlan(remove, reseat, add)


def _check_leaves(member: Member) -> None:
    if member.on_shift:
        raise Conflict(
            f"{member.full_name} is on a shift of this unit (now or planned): they stay on "
            "the crew until the shift is over.",
            f"«{member.full_name}» در شیفت این خودرو است (اکنون یا برنامه‌ریزی‌شده): تا پایان "
            "شیفت در تیم می‌ماند.", field=_field(member.seat), rule="crew_on_shift")
    if member.on_incident:
        raise Conflict(
            f"{member.full_name} is on the crew of an open incident: close the incident "
            "before changing the crew.",
            f"«{member.full_name}» در تیم یک مأموریت باز است: پیش از تغییر تیم، مأموریت را "
            "ببندید.", field=_field(member.seat), rule="crew_on_incident")


# ---- tracker keys ---------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class TrackerKey:
    prefix: str
    secret: str

    @property
    def text(self) -> str:
        return f"{TRACKER_SCHEME}_{self.prefix}_{self.secret}"

    @property
    def secret_hash(self) -> str:
        return tracker_secret_hash(self.secret)


def new_tracker_key() -> TrackerKey:
    return TrackerKey(prefix=secrets.token_hex(TRACKER_PREFIX_BYTES),
                      secret=secrets.token_urlsafe(TRACKER_SECRET_BYTES))


def parse_tracker_key(text: str) -> TrackerKey | None:
    """The parts of a well-formed key, or None."""
    found = _TRACKER_KEY.match(text.strip())
    return TrackerKey(found.group(1), found.group(2)) if found else None


def tracker_secret_hash(secret: str) -> str:
    # SHA-256, not a slow hash: the secret is 32 random bytes, beyond any guessing.
    return hashlib.sha256(secret.encode("ascii")).hexdigest()


def tracker_key_matches(key: TrackerKey, stored_hash: str | None) -> bool:
    return stored_hash is not None and hmac.compare_digest(key.secret_hash, stored_hash)


def key_in_payload(payload: bytes) -> str | None:
    """The ``key`` field of an MQTT position's JSON payload, if it has a text one."""
    try:
        data = json.loads(payload.decode("utf-8"))
    except (ValueError, RecursionError):
        return None
    key = data.get("key") if isinstance(data, dict) else None
    return key if isinstance(key, str) else None
