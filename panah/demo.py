"""Demo data: Mazandaran as the demo province (``panah demo load``).

The organisation is a set of spreadsheets in :mod:`panah.demo_data` (CSV, Persian and
English headers, as ``panah org template`` writes them), imported by the bulk import's
own service (:func:`panah.org.service.run_import`) acting as the machine's operator: the
demo and a real province go through one path and the same rules. ``national/`` holds the
national accounts and services, ``mazandaran/`` the demo province (a provincial 123 centre
in Sari, crisis-intervention centres, county centres with the counties they cover
(شهرستان معین), community bases, permanent and Nowruz posts, vehicles, one user per role,
the partner agencies and the services directory), ``gilan/`` a neighbour to show that a
province sees only its own, ``tehran/`` a crisis centre and its people where a traveller's
case is transferred home (issue 16).

What the use cases do not cover stays code, after the import: demo passwords, the crews'
names and the field crew's link to MZN-01, then the demo contacts, cases, triage,
referrals and incidents. Loading twice changes nothing: every row is upserted by its key.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Sequence
from datetime import date, datetime
from importlib import resources

import jdatetime
from sqlalchemy import select
from sqlalchemy.orm import Session

from panah.cases.demo import load_demo_cases
from panah.core.errors import InvalidInput
from panah.dispatch.demo import load_dispatch_demo
from panah.dispatch.orm import CrewMember, Unit
from panah.intake.demo import load_demo_contacts
from panah.org.columns import Kind
from panah.org.report import ImportReport
from panah.org.service import run_import
from panah.security.orm import User
from panah.security.passwords import hash_password
from panah.security.people.service import has_password
from panah.security.policy import Actor
from panah.security.roles import Role
from panah.triage.demo import load_triage_demo

PROVINCE = "IR-02"
OPERATOR = Actor(0, "operator", Role.admin)  # as ``panah org import``: national, no user row
DATA = "panah.demo_data"
# (folder, the province its files are imported for: None is the nation)
REGIONS: tuple[tuple[str, str | None], ...] = (
    ("mazandaran", PROVINCE), ("national", None), ("gilan", "IR-01"),
    ("tehran", "IR-23"))  # where the Nowruz traveller's case goes home (issue 16)
# In this order: a vehicle needs its centre and post, a person their centre.
FILES: tuple[tuple[Kind, str], ...] = (
    (Kind.centres, "centres.csv"), (Kind.posts, "posts.csv"), (Kind.vehicles, "vehicles.csv"),
    (Kind.users, "users.csv"), (Kind.agencies, "agencies.csv"),
    (Kind.resources, "directory.csv"))
SHOWN_PROBLEMS = 5

# The crews of the Mazandaran units: call sign → (name, role, is_woman) of each member.
CREWS: dict[str, tuple[tuple[str, str, bool], ...]] = {
    "MZN-01": (("مریم رضایی", "social_worker", True), ("علی محمدی", "psychologist", False)),
    "MZN-02": (("زهرا حسینی", "social_worker", True), ("رضا کریمی", "psychologist", False)),
    "MZN-03": (("حسین احمدی", "social_worker", False), ("فاطمه موسوی", "psychologist", True)),
    "MZN-04": (("سارا جعفری", "social_worker", True), ("مهدی قاسمی", "psychologist", False)),
    "MZN-05": (("محمد نوری", "social_worker", False), ("نرگس کاظمی", "psychologist", True)),
    "MZN-06": (("لیلا صادقی", "social_worker", True), ("امیر رحیمی", "psychologist", False)),
    "MZN-07": (("نازنین یوسفی", "social_worker", True), ("سعید مرادی", "psychologist", False)),
    "MZN-08": (("جواد حیدری", "social_worker", False), ("الهام اکبری", "psychologist", True)),
    "MZN-09": (("مینا شریفی", "social_worker", True), ("حمید عباسی", "psychologist", False)),
    "MZN-10": (("پریسا نجفی", "social_worker", True), ("کامران سلیمانی", "psychologist", False)),
    "MZN-11": (("رویا امینی", "social_worker", True), ("بهروز طاهری", "psychologist", False)),
}
# The field crew account is MZN-01's social worker.
FIELD_CREW = ("field_crew", "MZN-01", "مریم رضایی")


def data_file(folder: str, name: str) -> bytes | None:
    """A demo data file's bytes, or None when the folder has no such file."""
    found = resources.files(DATA).joinpath(folder, name)
    return found.read_bytes() if found.is_file() else None


def _table(data: bytes) -> list[list[str]]:
    return list(csv.reader(io.StringIO(data.decode("utf-8-sig"))))


def _coverage() -> tuple[tuple[str, ...], dict[str, str]]:
    """From the demo's centres file: the counties with a centre of their own, and each
    county without one → its covering county (English names, as the reference data's)."""
    rows = _table(data_file("mazandaran", "centres.csv") or b"")
    keys = rows[1]
    own: list[str] = []
    covering: dict[str, str] = {}
    for row in rows[2:]:
        values = dict(zip(keys, row, strict=False))
        if values["kind"] != "مرکز اورژانس اجتماعی شهرستان":
            continue
        county = values["county"].removesuffix(" County")
        own.append(county)
        for covered in filter(None, (c.strip() for c in values["covers"].split(","))):
            covering[covered.removesuffix(" County")] = county
    return tuple(own), covering


COUNTY_CENTRES, COVERING = _coverage()


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


def _jalali(text: str) -> jdatetime.date:
    year, month, day = (int(part) for part in text.replace("/", "-").split("-"))
    return jdatetime.date(year, month, day)


def shift_nowruz(data: bytes, today: date) -> bytes:
    """The posts file with each dated row's Jalali dates moved by whole years so that its
    end falls in the next Nowruz window's year (the file holds a reference year's)."""
    rows = _table(data)
    keys = rows[1]
    start_at, end_at = keys.index("active_from"), keys.index("active_to")
    target = jdatetime.date.fromgregorian(date=next_nowruz_window(today)[1]).year
    for row in rows[2:]:
        if not row[end_at].strip():
            continue
        start, end = _jalali(row[start_at]), _jalali(row[end_at])
        years = target - end.year
        row[start_at] = jdatetime.date(start.year + years, start.month, start.day).strftime(
            "%Y-%m-%d")
        row[end_at] = jdatetime.date(end.year + years, end.month, end.day).strftime("%Y-%m-%d")
    out = io.StringIO()
    csv.writer(out, lineterminator="\n").writerows(rows)
    return out.getvalue().encode("utf-8")


def _refused(folder: str, name: str, report: ImportReport) -> InvalidInput:
    problems = (*report.file_problems, *report.problems)[:SHOWN_PROBLEMS]
    en = "; ".join(f"row {p.row}: {p.message_en}" for p in problems)
    fa = "؛ ".join(f"سطر {p.row}: {p.message_fa}" for p in problems)
    return InvalidInput(
        f"The demo file {folder}/{name} was refused ({en}). Is the reference geography "
        "loaded (`panah db upgrade`)?",
        f"پروندهٔ نمایشی {folder}/{name} پذیرفته نشد ({fa}). آیا داده‌های جغرافیایی مرجع "
        "بارگذاری شده است؟", field="demo")


def import_organisation(session: Session, *, now: datetime) -> list[ImportReport]:
    """Every demo data file through the bulk import, as the operator; raises (leaving
    nothing of that file) when any row is refused."""
    reports = []
    for folder, province in REGIONS:
        for kind, name in FILES:
            data = data_file(folder, name)
            if data is None:
                continue
            if kind is Kind.posts:
                data = shift_nowruz(data, now.date())
            report = run_import(session, actor=OPERATOR, now=now, kind=kind, file_name=name,
                                data=data, province=province)
            if not report.stored or report.problems:
                raise _refused(folder, name, report)
            reports.append(report)
    return reports


def _set_passwords(session: Session, usernames: Sequence[str], *, password: str
                   ) -> list[tuple[str, str]]:
    """A demo password for each demo user who has none yet; their (username, role)."""
    users = {u.username: u for u in session.scalars(
        select(User).where(User.username.in_(usernames)))}
    logins = []
    for username in usernames:
        user = users[username]
        if not has_password(user):
            user.password_hash = hash_password(password)
        logins.append((username, user.role))
    return logins


def _load_crews(session: Session) -> None:
    units = {u.call_sign: u for u in session.scalars(
        select(Unit).where(Unit.call_sign.in_(CREWS)))}
    for call_sign, crew in CREWS.items():
        unit = units[call_sign]
        for full_name, role, is_woman in crew:
            member = session.scalar(select(CrewMember).where(
                CrewMember.unit_id == unit.id, CrewMember.full_name == full_name))
            if member is None:
                member = CrewMember(unit_id=unit.id, full_name=full_name)
                session.add(member)
            member.role, member.is_woman = role, is_woman
    session.flush()
    username, call_sign, full_name = FIELD_CREW
    user_id = session.scalar(select(User.id).where(User.username == username))
    member = session.scalar(select(CrewMember).where(
        CrewMember.unit_id == units[call_sign].id, CrewMember.full_name == full_name))
    if user_id is not None and member is not None:
        member.user_id = user_id


def load_demo(session: Session, *, now: datetime, password: str) -> list[tuple[str, str]]:
    """Load the Mazandaran demo; return the (username, role) logins it created or kept."""
    reports = import_organisation(session, now=now)
    usernames = [s.key for r in reports if r.kind is Kind.users for s in r.saved]
    logins = _set_passwords(session, usernames, password=password)
    _load_crews(session)
    session.flush()
    load_demo_cases(session, now=now)
    load_demo_contacts(session, now=now)
    load_triage_demo(session, now=now)
    load_dispatch_demo(session, now=now)
    return logins
