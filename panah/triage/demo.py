"""Demo directory: partner agencies and services for Mazandaran (by county) and Gilan.

**Demo data, not a real directory.** The national short numbers (110, 115, 1480) are the
real ones; every other phone number, address and opening time is invented, and every name
carries "(نمایشی)" / "(demo)" so nobody mistakes it for the real thing. A deployment loads
its province's verified directory instead.

The partner staff of the demo (``police_110``, ``ems_115``) are linked to their agencies,
so they can sign in to the referral inbox. Also two demo follow-up calls (one in
Mazandaran, one overdue in Gilan) on the demo contacts, so the follow-up list and its
escalation have something to show. Loading twice changes nothing: agencies and services
are found by code, staff links by agency and user, follow-ups by their contact.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from panah.geo.orm import County
from panah.intake.model import RiskLevel
from panah.intake.orm import Contact
from panah.security.orm import User
from panah.triage.directory.model import AgencyDomain, search_text_of
from panah.triage.followups.model import CSSRS, LETHALITY
from panah.triage.followups.service import schedule_follow_ups
from panah.triage.orm import Agency, AgencyStaff, FollowUp, Resource

MAZANDARAN, GILAN = "IR-02", "IR-01"
FA, EN = " (نمایشی)", " (demo)"
PARTNER_USER = "partner_agency"  # the demo partner account: Mazandaran police 110
# Partner staff who sign in to the inbox (demo users): the Mazandaran police 110 desk serves
# every police office of the province; the EMS 115 dispatcher, the province's EMS.
STAFF: dict[str, tuple[str, ...]] = {"police_110": ("police-110-ir02",),
                                     "ems_115": ("ems-115-ir02",)}
# Counties with a county court and prosecutor's office in the demo directory.
COURT_COUNTIES = ("Chalus", "Sari", "Babol", "Babolsar", "Amol", "Nowshahr", "Ramsar",
                  "Tonekabon")
_P, _E, _L, _J, _H, _W, _N = (AgencyDomain.police, AgencyDomain.ems,
                              AgencyDomain.counselling_line, AgencyDomain.judiciary,
                              AgencyDomain.hospital, AgencyDomain.welfare, AgencyDomain.ngo)

# (code, domain, Persian name, English name, province, county (English) or None, phone)
AGENCIES: tuple[tuple[str, AgencyDomain, str, str, str | None, str | None, str], ...] = (
    ("line-1480", _L, "صدای مشاور بهزیستی ۱۴۸۰", "Welfare counselling line 1480", None, None,
     "1480"),
    ("police-110-ir02", _P, "فرماندهی انتظامی استان مازندران (پلیس ۱۱۰)",
     "Mazandaran provincial police command (Police 110)", MAZANDARAN, None, "110"),
    ("ems-115-ir02", _E, "اورژانس پیش‌بیمارستانی و مدیریت حوادث مازندران (۱۱۵)",
     "Mazandaran pre-hospital emergency (EMS 115)", MAZANDARAN, None, "115"),
    ("judiciary-ir02", _J, "دادگستری کل استان مازندران", "Mazandaran provincial judiciary",
     MAZANDARAN, None, "+981133100100"),
    ("hospital-ir02-zare", _H, "بیمارستان روان‌پزشکی زارع ساری (اورژانس روان‌پزشکی)",
     "Zare psychiatric hospital, Sari (psychiatric emergency)", MAZANDARAN, None,
     "+981133100200"),
    ("hospital-ir02-chalus", _H, "بیمارستان طالقانی چالوس (بخش روان‌پزشکی)",
     "Taleghani hospital, Chalus (psychiatric ward)", MAZANDARAN, "Chalus", "+981152100200"),
    ("welfare-ir02", _W, "اداره‌ی کل بهزیستی استان مازندران",
     "Mazandaran provincial welfare organisation", MAZANDARAN, None, "+981133100300"),
    ("ngo-ir02-women", _N, "انجمن حمایت از زنان آسیب‌دیده‌ی مازندران",
     "Mazandaran association for women harmed by violence", MAZANDARAN, None,
     "+981133100400"),
    ("ngo-ir02-child-rights", _N, "انجمن حمایت از حقوق کودکان، شعبه‌ی مازندران",
     "Society for the protection of children's rights, Mazandaran branch", MAZANDARAN, None,
     "+981133100500"),
    ("police-110-ir01", _P, "فرماندهی انتظامی استان گیلان (پلیس ۱۱۰)",
     "Gilan provincial police command (Police 110)", GILAN, None, "110"),
    ("ems-115-ir01", _E, "اورژانس پیش‌بیمارستانی و مدیریت حوادث گیلان (۱۱۵)",
     "Gilan pre-hospital emergency (EMS 115)", GILAN, None, "115"),
    ("judiciary-ir01", _J, "دادگستری کل استان گیلان", "Gilan provincial judiciary", GILAN,
     None, "+981333100100"),
    ("hospital-ir01-shafa", _H, "بیمارستان روان‌پزشکی شفای رشت (اورژانس روان‌پزشکی)",
     "Shafa psychiatric hospital, Rasht (psychiatric emergency)", GILAN, None,
     "+981333100200"),
    ("welfare-ir01", _W, "اداره‌ی کل بهزیستی استان گیلان", "Gilan provincial welfare organisation",
     GILAN, None, "+981333100300"),
    ("ngo-ir01-women", _N, "انجمن حمایت از زنان و کودکان گیلان",
     "Gilan association for the protection of women and children", GILAN, None,
     "+981333100400"),
)


@dataclass(frozen=True, slots=True)
class ResourceSpec:
    code: str
    name_fa: str
    name_en: str
    description_fa: str
    description_en: str
    needs: tuple[str, ...]
    province: str | None
    county: str | None  # English name, as in the reference data without " County"
    phone: str | None
    address_fa: str | None
    hours_fa: str


def _r(code: str, names: tuple[str, str], descriptions: tuple[str, str], needs: str,
       where: tuple[str | None, str | None], phone: str | None, address_fa: str | None,
       hours_fa: str = "شنبه تا چهارشنبه، ۸ تا ۱۴") -> ResourceSpec:
    return ResourceSpec(code, *names, *descriptions, tuple(needs.split()), *where, phone,
                        address_fa, hours_fa)


_MZ, _GL = MAZANDARAN, GILAN
_DAY_NIGHT = "شبانه‌روزی"
_COUNSEL = "counselling_request family_conflict"
# The services, by need: shelter, legal, addiction, psychiatric, children, money, housing,
# counselling. Descriptions say what to tell the caller: who it is for and how to go.
RESOURCES: tuple[ResourceSpec, ...] = (
    _r("res-1480", ("صدای مشاور بهزیستی ۱۴۸۰", "Welfare counselling line 1480"),
       ("مشاوره‌ی تلفنی رایگان و بی‌نام برای مشکلات خانوادگی، روانی و پیشگیری از خودکشی.",
        "Free, anonymous telephone counselling: family, mental health, suicide prevention."),
       "counselling_request family_conflict suicidal_thoughts", (None, None), "1480", None,
       "همه‌روزه، ۸ تا ۲۴"),
    _r("res-ir02-sari-shelter", ("پذیرش خانه‌ی امن زنان و دختران، مرکز مداخله در بحران ساری",
                                 "Shelter intake for women and girls, Sari crisis centre"),
       ("اسکان موقت و امن برای زنان و دختران در معرض خشونت؛ پذیرش از راه ۱۲۳ یا تیم سیار.",
        "Safe temporary accommodation for women and girls at risk; admitted through 123 "
        "or a mobile team."), "spouse_abuse woman_at_risk runaway housing", (_MZ, "Sari"),
       "123", "ساری، مرکز مداخله در بحران بهزیستی", _DAY_NIGHT),
    _r("res-ir02-chalus-shelter", ("پذیرش اسکان موقت، مرکز مداخله در بحران چالوس",
                                   "Temporary accommodation intake, Chalus crisis centre"),
       ("اسکان کوتاه‌مدت زنان و کودکان در بحران، در غرب استان.",
        "Short stays for women and children in crisis, in the west of the province."),
       "spouse_abuse woman_at_risk runaway housing", (_MZ, "Chalus"), "123",
       "چالوس، مرکز مداخله در بحران بهزیستی", _DAY_NIGHT),
    _r("res-ir02-legal-aid", ("کلینیک مشاوره‌ی حقوقی رایگان کانون وکلای مازندران",
                              "Mazandaran bar association free legal aid clinic"),
       ("مشاوره‌ی حقوقی رایگان در طلاق، حضانت، نفقه و شکایت از خشونت خانگی.",
        "Free legal advice on divorce, custody, maintenance and complaints of domestic "
        "violence."), "legal_question spouse_abuse family_conflict", (_MZ, None),
       "+981133200100", "ساری، کانون وکلای دادگستری مازندران"),
    _r("res-ir02-chalus-legal", ("دفتر معاضدت قضایی دادگستری چالوس",
                                 "Chalus court legal aid office"),
       ("وکیل معاضدتی رایگان برای کسانی که توان پرداخت حق‌الوکاله ندارند.",
        "A free court-appointed lawyer for those who cannot pay one."),
       "legal_question spouse_abuse", (_MZ, "Chalus"), "+981152200100",
       "چالوس، دادگستری شهرستان"),
    _r("res-ir02-sari-camp", ("کمپ ترک اعتیاد اقامتی ساری", "Sari residential addiction camp"),
       ("درمان اقامتی میان‌مدت اعتیاد با پذیرش داوطلبانه؛ زیر نظر بهزیستی.",
        "Medium-term residential addiction treatment, voluntary admission; licensed by "
        "the welfare organisation."), "addiction", (_MZ, "Sari"), "+981133200200",
       "ساری، جاده‌ی فرح‌آباد", _DAY_NIGHT),
    _r("res-ir02-babol-drop-in", ("مرکز گذری کاهش آسیب اعتیاد بابل",
                                  "Babol harm-reduction drop-in centre"),
       ("غذا، استحمام، سرنگ و کاندوم رایگان و ارجاع به درمان برای مصرف‌کنندگان مواد.",
        "Meals, showers, clean needles and condoms free of charge, and referral to "
        "treatment, for people who use drugs."), "addiction housing", (_MZ, "Babol"),
       "+981132200300", "بابل، خیابان شریعتی", "همه‌روزه، ۸ تا ۲۰"),
    _r("res-ir02-chalus-mmt", ("مرکز درمان سرپایی اعتیاد چالوس (متادون)",
                               "Chalus outpatient addiction clinic (methadone)"),
       ("درمان نگهدارنده با متادون و بوپرنورفین و مشاوره‌ی خانواده.",
        "Methadone and buprenorphine maintenance, with family counselling."),
       "addiction", (_MZ, "Chalus"), "+981152200300", "چالوس، خیابان ۱۷ شهریور",
       "همه‌روزه، ۸ تا ۱۸"),
    _r("res-ir02-psych-er", ("اورژانس روان‌پزشکی بیمارستان زارع ساری",
                             "Psychiatric emergency, Zare hospital, Sari"),
       ("ارزیابی و بستری اضطراری در خطر خودکشی یا روان‌پریشی حاد.",
        "Emergency assessment and admission for suicide risk or acute psychosis."),
       "suicidal_thoughts suicide_attempt counselling_request", (_MZ, "Sari"),
       "+981133200400", "ساری، بلوار امیرمازندرانی", _DAY_NIGHT),
    _r("res-ir02-chalus-psych", ("بخش روان‌پزشکی بیمارستان طالقانی چالوس",
                                 "Psychiatric ward, Taleghani hospital, Chalus"),
       ("ویزیت روان‌پزشک و بستری کوتاه‌مدت در غرب استان.",
        "Psychiatrist visits and short admissions in the west of the province."),
       "suicidal_thoughts suicide_attempt", (_MZ, "Chalus"), "+981152200400",
       "چالوس، بیمارستان طالقانی", _DAY_NIGHT),
    _r("res-ir02-babolsar-children", ("مرکز ساماندهی کودکان کار و خیابان بابلسر",
                                      "Babolsar centre for street and working children"),
       ("شناسایی، پذیرش روزانه، آموزش و حمایت از خانواده‌ی کودکان کار.",
        "Outreach, day care, schooling and family support for working children."),
       "street_child child_abuse", (_MZ, "Babolsar"), "+981135200500",
       "بابلسر، خیابان امام", "شنبه تا پنجشنبه، ۸ تا ۱۶"),
    _r("res-ir02-sari-children", ("مرکز ساماندهی کودکان کار و خیابان ساری",
                                  "Sari centre for street and working children"),
       ("پذیرش شبانه‌روزی کودکان بی‌سرپرست یا در خطر و پیگیری وضعیت خانواده.",
        "Round-the-clock care for children without a safe home, and family follow-up."),
       "street_child child_abuse runaway", (_MZ, "Sari"), "+981133200500",
       "ساری، خیابان فرهنگ", _DAY_NIGHT),
    _r("res-ir02-emdad", ("کمیته امداد امام خمینی استان مازندران",
                          "Imam Khomeini Relief Committee, Mazandaran"),
       ("حمایت مالی، سبد غذایی و بیمه برای خانواده‌های کم‌درآمد؛ تشکیل پرونده در دفتر شهرستان.",
        "Cash support, food parcels and insurance for low-income families; register at "
        "the county office."), "financial_hardship", (_MZ, None), "+981133200600",
       "ساری، میدان ساعت"),
    _r("res-ir02-chalus-emdad", ("دفتر کمیته امداد چالوس", "Relief Committee office, Chalus"),
       ("کمک هزینه‌ی فوری و معرفی به خیریه‌های محلی.",
        "Emergency grants and introductions to local charities."),
       "financial_hardship", (_MZ, "Chalus"), "+981152200600", "چالوس، خیابان هراز"),
    _r("res-ir02-babol-food-bank", ("بانک غذای خیریه‌ی بابل", "Babol charity food bank"),
       ("بسته‌ی غذایی هفتگی برای خانواده‌های نیازمند با معرفی مددکار.",
        "Weekly food parcels for families in need, on a social worker's referral."),
       "financial_hardship", (_MZ, "Babol"), "+981132200600", "بابل، خیابان مدرس"),
    _r("res-ir02-housing", ("بنیاد مسکن استان مازندران، مسکن مددجویان",
                            "Mazandaran housing foundation, housing for welfare clients"),
       ("کمک ودیعه‌ی اجاره و وام مسکن برای مددجویان بهزیستی و زنان سرپرست خانوار.",
        "Rent deposit help and housing loans for welfare clients and women heads of "
        "household."), "housing financial_hardship", (_MZ, None), "+981133200700",
       "ساری، بلوار پاسداران"),
    _r("res-ir02-chalus-counselling", ("مرکز مشاوره‌ی بهزیستی چالوس",
                                       "Chalus welfare counselling centre"),
       ("مشاوره‌ی فردی، زوج و خانواده با هزینه‌ی کم؛ نوبت تلفنی.",
        "Individual, couple and family counselling at low cost; book by phone."),
       _COUNSEL, (_MZ, "Chalus"), "+981152200700", "چالوس، خیابان ۱۷ شهریور"),
    _r("res-ir02-nowshahr-counselling", ("مرکز مشاوره‌ی خانواده نوشهر",
                                         "Nowshahr family counselling centre"),
       ("مشاوره‌ی خانواده و پیش از ازدواج.", "Family and pre-marriage counselling."),
       _COUNSEL, (_MZ, "Nowshahr"), "+981152300700", "نوشهر، خیابان فردوسی"),
    _r("res-ir02-ramsar-counselling", ("مرکز مشاوره بهزیستی رامسر",
                                       "Ramsar welfare counselling centre"),
       ("مشاوره‌ی روان‌شناختی و خانواده.", "Psychological and family counselling."),
       _COUNSEL, (_MZ, "Ramsar"), "+981154200700", "رامسر، خیابان مطهری"),
    _r("res-ir02-tonekabon-counselling", ("مرکز مشاوره بهزیستی تنکابن",
                                          "Tonekabon welfare counselling centre"),
       ("مشاوره‌ی فردی و خانواده.", "Individual and family counselling."),
       _COUNSEL, (_MZ, "Tonekabon"), "+981154300700", "تنکابن، خیابان طالقانی"),
    _r("res-ir02-sari-counselling", ("مرکز مشاوره‌ی خانواده بهزیستی ساری",
                                     "Sari welfare family counselling centre"),
       ("مشاوره‌ی خانواده، طلاق و فرزندپروری.", "Family, divorce and parenting counselling."),
       _COUNSEL, (_MZ, "Sari"), "+981133200800", "ساری، خیابان انقلاب"),
    _r("res-ir02-babol-counselling", ("مرکز مشاوره و خدمات روان‌شناختی بهزیستی بابل",
                                      "Babol welfare counselling and psychology centre"),
       ("مشاوره‌ی روان‌شناختی، درمان افسردگی و اضطراب.",
        "Psychological counselling; treatment of depression and anxiety."),
       _COUNSEL, (_MZ, "Babol"), "+981132200800", "بابل، خیابان گنج‌افروز"),
    _r("res-ir02-amol-counselling", ("مرکز مشاوره‌ی بهزیستی آمل",
                                     "Amol welfare counselling centre"),
       ("مشاوره‌ی خانواده و ازدواج.", "Family and marriage counselling."),
       _COUNSEL, (_MZ, "Amol"), "+981144200800", "آمل، خیابان هراز"),
    _r("res-ir02-amol-elders", ("مرکز روزانه‌ی سالمندان آمل", "Amol day centre for older people"),
       ("نگهداری روزانه، توان‌بخشی و حمایت از سالمندان آسیب‌دیده.",
        "Day care, rehabilitation and support for older people who have been harmed."),
       "elder_abuse disability_abuse", (_MZ, "Amol"), "+981144200900",
       "آمل، خیابان امام رضا"),
    _r("res-ir02-sari-disability", ("مرکز توان‌بخشی افراد دارای معلولیت ساری",
                                    "Sari rehabilitation centre for people with disabilities"),
       ("توان‌بخشی، مددکاری و پذیرش موقت افراد دارای معلولیت در خطر.",
        "Rehabilitation, social work and temporary care for people with disabilities at "
        "risk."), "disability_abuse", (_MZ, "Sari"), "+981133200900",
       "ساری، خیابان قارن"),
    _r("res-ir02-babolsar-community", ("پایگاه خدمات اجتماعی بابلسر",
                                       "Babolsar community social-service base"),
       ("مددکاری و حمایت از خانواده‌ها در محله‌های کم‌برخوردار.",
        "Social work and family support in deprived neighbourhoods."),
       "family_conflict financial_hardship street_child", (_MZ, "Babolsar"),
       "+981135200800", "بابلسر، محله‌ی بیشه‌سر"),
    _r("res-ir01-rasht-shelter", ("پذیرش خانه‌ی امن، مرکز مداخله در بحران رشت",
                                  "Shelter intake, Rasht crisis centre"),
       ("اسکان موقت زنان و دختران در معرض خشونت؛ پذیرش از راه ۱۲۳.",
        "Temporary accommodation for women and girls at risk; admitted through 123."),
       "spouse_abuse woman_at_risk runaway housing", (_GL, "Rasht"), "123",
       "رشت، مرکز مداخله در بحران بهزیستی", _DAY_NIGHT),
    _r("res-ir01-rasht-counselling", ("مرکز مشاوره‌ی بهزیستی رشت",
                                      "Rasht welfare counselling centre"),
       ("مشاوره‌ی فردی و خانواده.", "Individual and family counselling."),
       _COUNSEL, (_GL, "Rasht"), "+981333200700", "رشت، خیابان سعدی"),
    _r("res-ir01-rasht-drop-in", ("مرکز گذری کاهش آسیب رشت", "Rasht harm-reduction drop-in"),
       ("خدمات کاهش آسیب و ارجاع به درمان اعتیاد.", "Harm reduction and referral to "
        "addiction treatment."), "addiction", (_GL, "Rasht"), "+981333200300",
       "رشت، خیابان لاکانی", "همه‌روزه، ۸ تا ۲۰"),
    _r("res-ir01-psych-er", ("اورژانس روان‌پزشکی بیمارستان شفای رشت",
                             "Psychiatric emergency, Shafa hospital, Rasht"),
       ("ارزیابی و بستری اضطراری در خطر خودکشی.",
        "Emergency assessment and admission for suicide risk."),
       "suicidal_thoughts suicide_attempt", (_GL, None), "+981333200400",
       "رشت، خیابان سردار جنگل", _DAY_NIGHT),
    _r("res-ir01-emdad", ("کمیته امداد امام خمینی استان گیلان",
                          "Imam Khomeini Relief Committee, Gilan"),
       ("حمایت مالی و سبد غذایی برای خانواده‌های کم‌درآمد.",
        "Cash support and food parcels for low-income families."),
       "financial_hardship", (_GL, None), "+981333200600", "رشت، میدان شهرداری"),
)


def _county_keys(session: Session) -> dict[tuple[str, str], County]:
    rows = session.scalars(select(County).where(County.province_code.in_((MAZANDARAN, GILAN))))
    return {(c.province_code, c.name_en.removesuffix(" County")): c for c in rows}


def _upsert(session: Session, model: type[Agency] | type[Resource], code: str,
            **fields: object) -> None:
    row = session.scalar(select(model).where(model.code == code))
    if row is None:
        row = model(code=code)
        session.add(row)
    for name, value in fields.items():
        setattr(row, name, value)


def _county_key(counties: dict[tuple[str, str], County], province: str | None,
                county: str | None) -> str | None:
    return counties[(province, county)].key if province and county else None


def _load_agencies(session: Session, counties: dict[tuple[str, str], County]) -> int:
    partner = session.scalar(select(User.id).where(User.username == PARTNER_USER))
    rows = list(AGENCIES)
    for (province, english), county in sorted(counties.items()):
        if province != MAZANDARAN:
            continue
        place_fa = county.name_fa.removeprefix("شهرستان ").strip()
        slug = english.lower().replace(" ", "-")
        rows.append((f"police-110-ir02-{slug}", _P, f"پلیس ۱۱۰، فرماندهی انتظامی {place_fa}",
                     f"Police 110, {english} county police command", province, english, "110"))
        if english in COURT_COUNTIES:
            rows.append((f"judiciary-ir02-{slug}", _J,
                         f"دادگستری و دادسرای عمومی و انقلاب شهرستان {place_fa}",
                         f"{english} county court and public prosecutor", province, english,
                         f"+98115{COURT_COUNTIES.index(english)}100100"))
    for code, domain, name_fa, name_en, in_province, in_county, phone in rows:
        _upsert(session, Agency, code, domain=domain.value, name_fa=name_fa + FA,
                name_en=name_en + EN, province_code=in_province,
                county_key=_county_key(counties, in_province, in_county), phone=phone,
                active=True,
                user_id=partner if domain is _P and in_province == MAZANDARAN else None)
    return len(rows)


def _link_staff(session: Session) -> int:
    """Link each demo staff user to the agencies whose codes start with theirs (the police
    desk to the province's police command and every county's); once each."""
    linked = 0
    for username, prefixes in STAFF.items():
        user_id = session.scalar(select(User.id).where(User.username == username))
        if user_id is None:
            continue
        mine = set(session.scalars(select(AgencyStaff.agency_id)
                                   .where(AgencyStaff.user_id == user_id)))
        for agency in session.scalars(select(Agency).order_by(Agency.code)):
            if agency.code.startswith(prefixes) and agency.id not in mine:
                session.add(AgencyStaff(agency_id=agency.id, user_id=user_id))
                linked += 1
    return linked


def _load_resources(session: Session, counties: dict[tuple[str, str], County]) -> int:
    for spec in RESOURCES:
        name_fa, name_en = spec.name_fa + FA, spec.name_en + EN
        _upsert(session, Resource, spec.code, name_fa=name_fa, name_en=name_en,
                description_fa=spec.description_fa, description_en=spec.description_en,
                needs=",".join(spec.needs), province_code=spec.province,
                county_key=_county_key(counties, spec.province, spec.county),
                phone=spec.phone, address_fa=spec.address_fa, hours_fa=spec.hours_fa,
                search_text=search_text_of(name_fa, name_en, spec.description_fa,
                                           spec.description_en, needs=spec.needs))
    return len(RESOURCES)


# (demo contact's external id, screens, hours before the demo's now that it closed)
DEMO_FOLLOW_UPS: tuple[tuple[str, Sequence[tuple[str, RiskLevel]], int], ...] = (
    ("demo-call-1", ((LETHALITY, RiskLevel.high),), 2),  # Chalus: due in 22 hours
    ("demo-call-2", ((CSSRS, RiskLevel.medium),), 25),  # Gilan: one overdue, one in 47 h
)


def _load_follow_ups(session: Session, *, now: datetime) -> int:
    made = 0
    for external_id, screens, hours_ago in DEMO_FOLLOW_UPS:
        contact = session.scalar(select(Contact).where(Contact.external_id == external_id))
        if contact is None or session.scalar(
                select(FollowUp.id).where(FollowUp.contact_id == contact.id).limit(1)):
            continue
        made += len(schedule_follow_ups(session, contact=contact, screens=screens,
                                        closed_at=now - timedelta(hours=hours_ago), actor=None))
    return made


def load_triage_demo(session: Session, *, now: datetime) -> int:
    """Load (or refresh) the demo directory and the demo follow-ups; returns the rows
    written. Needs the reference geography, the demo users and the demo contacts."""
    counties = _county_keys(session)
    written = _load_agencies(session, counties) + _load_resources(session, counties)
    session.flush()
    written += _link_staff(session)
    return written + _load_follow_ups(session, now=now)
