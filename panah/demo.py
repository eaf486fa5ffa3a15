"""Demo data: Mazandaran as the demo province (``panah demo load``).

A provincial 123 centre in Sari, crisis-intervention centres, county centres with covering
counties (شهرستان معین) for the counties that have none, community bases, mobile units with
crews at permanent posts and at the Nowruz hotspots, and one user per role. Loading twice
changes nothing: every row is found by its code or username first.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import TypeVar

import jdatetime
from sqlalchemy import select
from sqlalchemy.orm import Session

from panah.cases.demo import load_demo_cases
from panah.centres.orm import Centre, CentreKind, CountyService
from panah.core.db import Base
from panah.core.errors import InvalidInput
from panah.dispatch.demo import load_dispatch_demo
from panah.dispatch.orm import CrewMember, CrewSeat, Post, PostKind, Unit, UnitKind
from panah.geo.orm import County
from panah.intake.demo import load_demo_contacts
from panah.security.orm import User
from panah.security.passwords import hash_password
from panah.security.roles import Role
from panah.triage.demo import load_triage_demo

PROVINCE = "IR-02"
M = TypeVar("M", bound=Base)

# County (English name in the reference data) → (Persian centre name, English, lat, lon).
COUNTY_CENTRES: dict[str, tuple[str, str, float, float]] = {
    "Sari": ("مرکز اورژانس اجتماعی ساری", "Sari social emergency centre", 36.5650, 53.0590),
    "Amol": ("مرکز اورژانس اجتماعی آمل", "Amol social emergency centre", 36.4700, 52.3500),
    "Babol": ("مرکز اورژانس اجتماعی بابل", "Babol social emergency centre", 36.5500, 52.6780),
    "Qaem Shahr": ("مرکز اورژانس اجتماعی قائم‌شهر", "Qaem Shahr social emergency centre", 36.4660, 52.8670),
    "Behshahr": ("مرکز اورژانس اجتماعی بهشهر", "Behshahr social emergency centre", 36.6920, 53.5520),
    "Neka": ("مرکز اورژانس اجتماعی نکا", "Neka social emergency centre", 36.6500, 53.2990),
    "Juybar": ("مرکز اورژانس اجتماعی جویبار", "Juybar social emergency centre", 36.6400, 52.9120),
    "Babolsar": ("مرکز اورژانس اجتماعی بابلسر", "Babolsar social emergency centre", 36.6990, 52.6500),
    "Mahmudabad": ("مرکز اورژانس اجتماعی محمودآباد", "Mahmudabad social emergency centre", 36.6320, 52.2630),
    "Nur": ("مرکز اورژانس اجتماعی نور", "Nur social emergency centre", 36.5720, 52.0150),
    "Nowshahr": ("مرکز اورژانس اجتماعی نوشهر", "Nowshahr social emergency centre", 36.6480, 51.4960),
    "Chalus": ("مرکز اورژانس اجتماعی چالوس", "Chalus social emergency centre", 36.6550, 51.4200),
    "Tonekabon": ("مرکز اورژانس اجتماعی تنکابن", "Tonekabon social emergency centre", 36.8160, 50.8740),
    "Ramsar": ("مرکز اورژانس اجتماعی رامسر", "Ramsar social emergency centre", 36.9180, 50.6480),
    "Savadkuh": ("مرکز اورژانس اجتماعی سوادکوه", "Savadkuh social emergency centre", 36.1180, 53.0550),
}

# County without its own centre → its covering county (شهرستان معین).
COVERING: dict[str, str] = {
    "Abbasabad": "Tonekabon",
    "Kelardasht": "Chalus",
    "Fereydunkenar": "Babolsar",
    "Galugah": "Behshahr",
    "Miandorud": "Sari",
    "North Savadkuh": "Savadkuh",
    "Simorgh": "Qaem Shahr",
}


@dataclass(frozen=True)
class PostSpec:
    code: str
    county: str
    name_fa: str
    name_en: str
    lat: float
    lon: float
    nowruz: bool


POSTS: tuple[PostSpec, ...] = (
    PostSpec("MZN-P-SARI", "Sari", "پایگاه ساری", "Sari post", 36.5650, 53.0590, False),
    PostSpec("MZN-P-AMOL", "Amol", "پایگاه آمل", "Amol post", 36.4700, 52.3500, False),
    PostSpec("MZN-P-BABOL", "Babol", "پایگاه بابل", "Babol post", 36.5500, 52.6780, False),
    PostSpec("MZN-P-QAEM", "Qaem Shahr", "پایگاه قائم‌شهر", "Qaem Shahr post", 36.4660, 52.8670, False),
    PostSpec("MZN-P-TONEKABON", "Tonekabon", "پایگاه تنکابن", "Tonekabon post", 36.8160, 50.8740, False),
    PostSpec("MZN-N-CHALUS", "Chalus", "پایگاه نوروزی ساحل چالوس", "Chalus beach Nowruz post", 36.6620, 51.4300, True),
    PostSpec("MZN-N-RAMSAR", "Ramsar", "پایگاه نوروزی رامسر", "Ramsar Nowruz post", 36.9230, 50.6550, True),
    PostSpec("MZN-N-BABOLSAR", "Babolsar", "پایگاه نوروزی ساحل بابلسر", "Babolsar beach Nowruz post", 36.7090, 52.6580, True),
    PostSpec("MZN-N-KELARDASHT", "Kelardasht", "پایگاه نوروزی کلاردشت", "Kelardasht Nowruz post", 36.5090, 51.1640, True),
    PostSpec("MZN-N-HARAZ", "Amol", "پایگاه نوروزی جادهٔ هراز", "Haraz road Nowruz post", 36.2100, 52.3050, True),
    PostSpec("MZN-N-MARZANABAD", "Chalus", "پایگاه نوروزی جادهٔ چالوس (مرزن‌آباد)", "Chalus road Nowruz post (Marzanabad)", 36.4440, 51.2930, True),
)

# (call sign, kind, post code, home county, crew: (name, role, is_woman)).
UNITS: tuple[tuple[str, str, str, str, tuple[tuple[str, str, bool], ...]], ...] = (
    ("MZN-01", UnitKind.adapted_van, "MZN-N-CHALUS", "Chalus",
     (("مریم رضایی", "social_worker", True), ("علی محمدی", "psychologist", False))),
    ("MZN-02", UnitKind.sedan, "MZN-N-RAMSAR", "Ramsar",
     (("زهرا حسینی", "social_worker", True), ("رضا کریمی", "psychologist", False))),
    ("MZN-03", UnitKind.adapted_van, "MZN-N-BABOLSAR", "Babolsar",
     (("حسین احمدی", "social_worker", False), ("فاطمه موسوی", "psychologist", True))),
    ("MZN-04", UnitKind.sedan, "MZN-N-KELARDASHT", "Chalus",
     (("سارا جعفری", "social_worker", True), ("مهدی قاسمی", "psychologist", False))),
    ("MZN-05", UnitKind.adapted_van, "MZN-N-HARAZ", "Amol",
     (("محمد نوری", "social_worker", False), ("نرگس کاظمی", "psychologist", True))),
    ("MZN-06", UnitKind.adapted_van, "MZN-P-SARI", "Sari",
     (("لیلا صادقی", "social_worker", True), ("امیر رحیمی", "psychologist", False))),
    ("MZN-07", UnitKind.sedan, "MZN-P-AMOL", "Amol",
     (("نازنین یوسفی", "social_worker", True), ("سعید مرادی", "psychologist", False))),
    ("MZN-08", UnitKind.adapted_van, "MZN-P-BABOL", "Babol",
     (("جواد حیدری", "social_worker", False), ("الهام اکبری", "psychologist", True))),
    ("MZN-09", UnitKind.sedan, "MZN-P-QAEM", "Qaem Shahr",
     (("مینا شریفی", "social_worker", True), ("حمید عباسی", "psychologist", False))),
    ("MZN-10", UnitKind.adapted_van, "MZN-P-TONEKABON", "Tonekabon",
     (("پریسا نجفی", "social_worker", True), ("کامران سلیمانی", "psychologist", False))),
    ("MZN-11", UnitKind.sedan, "MZN-N-MARZANABAD", "Chalus",
     (("رویا امینی", "social_worker", True), ("بهروز طاهری", "psychologist", False))),
)

# username (= role) → (Persian full name, role, province, centre code or None).
USERS: tuple[tuple[str, str, Role, str | None, str | None], ...] = (
    ("counsellor", "نگار کارشناس", Role.counsellor, PROVINCE, "MZN-123"),
    ("dispatcher", "بهرام اعزام", Role.dispatcher, PROVINCE, "MZN-123"),
    ("field_crew", "مریم رضایی", Role.field_crew, PROVINCE, "MZN-C-CHALUS"),
    ("social_worker", "شیرین مددکار", Role.social_worker, PROVINCE, "MZN-CIC-SARI"),
    ("psychologist", "کاوه روان", Role.psychologist, PROVINCE, "MZN-CIC-SARI"),
    ("psychiatrist", "دکتر پرویز پزشک", Role.psychiatrist, PROVINCE, "MZN-CIC-SARI"),
    ("legal_adviser", "آزاده حقوقی", Role.legal_adviser, PROVINCE, "MZN-CIC-SARI"),
    ("shelter_manager", "فرشته پناهی", Role.shelter_manager, PROVINCE, "MZN-CIC-SARI"),
    ("community_worker", "یاسر محله", Role.community_worker, PROVINCE, "MZN-CB-SARI"),
    ("supervisor", "منصوره سرپرست", Role.supervisor, PROVINCE, "MZN-123"),
    ("provincial_manager", "داوود مدیر", Role.provincial_manager, PROVINCE, None),
    ("national_office", "ستاد ملی", Role.national_office, None, None),
    ("analyst", "تحلیلگر آمار", Role.analyst, None, None),
    ("partner_agency", "پلیس ۱۱۰ مازندران", Role.partner_agency, PROVINCE, None),
    # Partner agencies' staff who sign in to the referral inbox (panah.triage.demo links
    # them to their agencies): a police 110 desk officer and an EMS 115 dispatcher.
    ("police_110", "سروان کاوه انتظامی، پلیس ۱۱۰ مازندران", Role.partner_agency, PROVINCE, None),
    ("ems_115", "مهسا امدادی، اورژانس ۱۱۵ مازندران", Role.partner_agency, PROVINCE, None),
    ("admin", "مدیر سامانه", Role.admin, None, None),
    ("integration", "مرکز تلفن و درگاه پیامک", Role.integration, None, None),
    ("counsellor_gilan", "گیلان کارشناس", Role.counsellor, "IR-01", "GLN-123"),
)


# What callers may ask of the 123 staff: languages spoken and whether she is a woman.
SKILLS: dict[str, tuple[str, bool]] = {
    "counsellor": ("persian,mazandarani", True),
    "supervisor": ("persian,azeri", True),
    "counsellor_gilan": ("persian,gilaki", False),
}


def next_nowruz_window(today: date) -> tuple[date, date]:
    """From 25 Esfand to 15 Farvardin around the next (or current) Nowruz."""
    year = jdatetime.date.fromgregorian(date=today).year
    end = jdatetime.date(year, 1, 15).togregorian()
    if today > end:
        year += 1
    return (
        jdatetime.date(year - 1, 12, 25).togregorian(),
        jdatetime.date(year, 1, 15).togregorian(),
    )


def _counties(session: Session) -> dict[str, County]:
    rows = session.scalars(select(County).where(County.province_code == PROVINCE)).all()
    found = {c.name_en.removesuffix(" County"): c for c in rows}
    missing = (set(COUNTY_CENTRES) | set(COVERING)) - set(found)
    if missing:
        raise InvalidInput(
            f"Reference geography is not loaded (missing {sorted(missing)}); "
            "run `panah db upgrade` and load the reference data first.",
            "جغرافیای مرجع بارگذاری نشده است؛ نخست پایگاه داده را به‌روز و داده‌های مرجع را بارگذاری کنید.",
        )
    return found


def _get_or_add(session: Session, model: type[M], **key: object) -> M:
    row = session.scalar(select(model).filter_by(**key))
    if row is None:
        row = model(**key)
        session.add(row)
    return row


def _centre(session: Session, code: str, **fields: object) -> Centre:
    row = _get_or_add(session, Centre, code=code)
    for name, value in fields.items():
        setattr(row, name, value)
    return row


def _load_centres(session: Session, counties: dict[str, County]) -> dict[str, Centre]:
    sari = counties["Sari"]
    centres = {
        "MZN-123": _centre(
            session, "MZN-123", kind=CentreKind.line_123, name_fa="مرکز استانی خط ۱۲۳ مازندران",
            name_en="Mazandaran provincial 123 centre", province_code=PROVINCE,
            county_id=sari.id, lat=36.5633, lon=53.0601, has_shelter=False, shelter_beds=0,
        ),
        "MZN-CIC-SARI": _centre(
            session, "MZN-CIC-SARI", kind=CentreKind.crisis_centre,
            name_fa="مرکز مداخله در بحران ساری (با خانهٔ امن زنان و دختران)",
            name_en="Sari crisis-intervention centre (with shelter for women and girls)",
            province_code=PROVINCE, county_id=sari.id, lat=36.5580, lon=53.0700,
            has_shelter=True, shelter_beds=12,
        ),
        "MZN-CIC-CHALUS": _centre(
            session, "MZN-CIC-CHALUS", kind=CentreKind.crisis_centre,
            name_fa="مرکز مداخله در بحران چالوس", name_en="Chalus crisis-intervention centre",
            province_code=PROVINCE, county_id=counties["Chalus"].id, lat=36.6500, lon=51.4150,
            has_shelter=True, shelter_beds=6,
        ),
        "MZN-CB-SARI": _centre(
            session, "MZN-CB-SARI", kind=CentreKind.community_base,
            name_fa="پایگاه خدمات اجتماعی محلهٔ کمربندی ساری",
            name_en="Sari ring-road neighbourhood social-service base", province_code=PROVINCE,
            county_id=sari.id, lat=36.5500, lon=53.0450, has_shelter=False, shelter_beds=0,
        ),
        "MZN-CB-BABOL": _centre(
            session, "MZN-CB-BABOL", kind=CentreKind.community_base,
            name_fa="پایگاه خدمات اجتماعی حاشیهٔ بابل", name_en="Babol outskirts social-service base",
            province_code=PROVINCE, county_id=counties["Babol"].id, lat=36.5300, lon=52.6900,
            has_shelter=False, shelter_beds=0,
        ),
    }
    for county_name, (name_fa, name_en, lat, lon) in COUNTY_CENTRES.items():
        code = f"MZN-C-{county_name.upper().replace(' ', '')}"
        centres[code] = _centre(
            session, code, kind=CentreKind.county_centre, name_fa=name_fa, name_en=name_en,
            province_code=PROVINCE, county_id=counties[county_name].id, lat=lat, lon=lon,
            has_shelter=False, shelter_beds=0,
        )
    centres["GLN-123"] = _centre(
        session, "GLN-123", kind=CentreKind.line_123, name_fa="مرکز استانی خط ۱۲۳ گیلان",
        name_en="Gilan provincial 123 centre", province_code="IR-01", county_id=None,
        lat=37.2761, lon=49.5886, has_shelter=False, shelter_beds=0,
    )
    session.flush()
    return centres


def _load_coverage(session: Session, counties: dict[str, County], centres: dict[str, Centre]) -> None:
    for county_name in COUNTY_CENTRES:
        _service(session, counties[county_name], centres, county_name, None)
    for county_name, covering in COVERING.items():
        _service(session, counties[county_name], centres, covering, counties[covering])


def _service(
    session: Session,
    county: County,
    centres: dict[str, Centre],
    centre_county: str,
    covering: County | None,
) -> None:
    centre = centres[f"MZN-C-{centre_county.upper().replace(' ', '')}"]
    row = session.get(CountyService, county.id) or CountyService(county_id=county.id)
    row.centre_id = centre.id
    row.covering_county_id = covering.id if covering else None
    session.add(row)


def _load_posts(session: Session, counties: dict[str, County], today: date) -> dict[str, Post]:
    start, end = next_nowruz_window(today)
    posts: dict[str, Post] = {}
    for spec in POSTS:
        row = _get_or_add(session, Post, code=spec.code)
        row.kind = PostKind.nowruz if spec.nowruz else PostKind.permanent
        row.name_fa, row.name_en = spec.name_fa, spec.name_en
        row.county_id = counties[spec.county].id
        row.lat, row.lon = spec.lat, spec.lon
        row.active_from, row.active_to = (start, end) if spec.nowruz else (None, None)
        posts[spec.code] = row
    session.flush()
    return posts


def _load_seats(session: Session, unit: Unit) -> None:
    """Two seats per unit: a social worker (a woman preferred: most callers are women
    and girls at risk) and a psychologist."""
    for seq, (role, prefer_woman) in enumerate((("social_worker", True),
                                                 ("psychologist", False))):
        seat = _get_or_add(session, CrewSeat, unit_id=unit.id, seq=seq)
        seat.role, seat.prefer_woman = role, prefer_woman


def _load_units(
    session: Session, centres: dict[str, Centre], posts: dict[str, Post], now: datetime
) -> dict[str, Unit]:
    units: dict[str, Unit] = {}
    for call_sign, kind, post_code, county_name, crew in UNITS:
        unit = _get_or_add(session, Unit, call_sign=call_sign)
        unit.kind = kind
        unit.home_centre_id = centres[f"MZN-C-{county_name.upper().replace(' ', '')}"].id
        unit.post_id = posts[post_code].id
        unit.status = unit.status or "available_at_post"
        unit.province_code = PROVINCE
        unit.status_since = unit.status_since or now
        session.flush()
        _load_seats(session, unit)
        for full_name, role, is_woman in crew:
            member = _get_or_add(session, CrewMember, unit_id=unit.id, full_name=full_name)
            member.role, member.is_woman = role, is_woman
        units[call_sign] = unit
    session.flush()
    return units


def _load_users(
    session: Session, centres: dict[str, Centre], *, now: datetime, password: str
) -> list[tuple[str, str]]:
    logins = []
    for username, full_name, role, province, centre_code in USERS:
        user = session.scalar(select(User).where(User.username == username))
        if user is None:
            user = User(username=username, created_at=now, password_hash=hash_password(password))
            session.add(user)
        user.full_name, user.role, user.province_code = full_name, role.value, province
        user.centre_id = centres[centre_code].id if centre_code else None
        user.is_active = True
        user.languages, user.is_woman = SKILLS.get(username, ("persian", False))
        logins.append((username, role.value))
    session.flush()
    return logins


def _link_field_crew(session: Session, units: dict[str, Unit]) -> None:
    user = session.scalar(select(User).where(User.username == "field_crew"))
    member = session.scalar(
        select(CrewMember).where(
            CrewMember.unit_id == units["MZN-01"].id, CrewMember.full_name == "مریم رضایی"
        )
    )
    if user is not None and member is not None:
        member.user_id = user.id


def load_demo(session: Session, *, now: datetime, password: str) -> list[tuple[str, str]]:
    """Load the Mazandaran demo; return the (username, role) logins it created or kept."""
    counties = _counties(session)
    centres = _load_centres(session, counties)
    _load_coverage(session, counties, centres)
    posts = _load_posts(session, counties, now.date())
    units = _load_units(session, centres, posts, now)
    logins = _load_users(session, centres, now=now, password=password)
    _link_field_crew(session, units)
    session.flush()
    load_demo_cases(session, now=now)
    load_demo_contacts(session, now=now)
    load_triage_demo(session, now=now)
    load_dispatch_demo(session, now=now)
    return logins
