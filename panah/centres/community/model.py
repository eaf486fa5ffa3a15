"""Community social-service bases (پایگاه خدمات اجتماعی): the pure words and rules.

No database, no clock: ``now`` is passed in. Sessions are stored in UTC and typed and shown
on Iran's wall clock in the Jalali calendar (the appointments' helpers). Attendance is
taken only for a session that has begun and is not cancelled; a session is held (marked so)
only after its start.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from enum import StrEnum

from panah.centres.appointments.model import Weekday, iran_moment, iran_weekday
from panah.core.errors import InvalidInput

MIN_MINUTES = 15
MAX_MINUTES = 240
MAX_WEEKS = 52


class NeighbourhoodKind(StrEnum):
    deprived = "deprived"  # محلهٔ کم‌برخوردار
    informal_settlement = "informal_settlement"  # سکونتگاه غیررسمی


class Issue(StrEnum):
    """The main social issues of a neighbourhood's profile."""

    unemployment = "unemployment"
    addiction = "addiction"
    school_dropout = "school_dropout"
    child_labour = "child_labour"
    domestic_violence = "domestic_violence"
    housing = "housing"
    health_access = "health_access"
    divorce = "divorce"


class Amenity(StrEnum):
    """Resources a neighbourhood has (where a programme can meet, who can help)."""

    school = "school"
    mosque = "mosque"
    health_house = "health_house"
    park = "park"
    community_hall = "community_hall"
    library = "library"
    sports_ground = "sports_ground"


class ProgrammeKind(StrEnum):
    parenting = "parenting"
    life_skills = "life_skills"
    addiction_prevention = "addiction_prevention"
    children_activities = "children_activities"
    women_empowerment = "women_empowerment"
    other = "other"


class Audience(StrEnum):
    children = "children"
    adolescents = "adolescents"
    women = "women"
    parents = "parents"
    families = "families"
    everyone = "everyone"


class SessionStatus(StrEnum):
    planned = "planned"
    held = "held"
    cancelled = "cancelled"


class Mark(StrEnum):
    present = "present"
    absent = "absent"
    excused = "excused"


class AgeGroup(StrEnum):
    child = "child"  # under 12
    adolescent = "adolescent"  # 12 to 17
    young_adult = "young_adult"  # 18 to 29
    adult = "adult"  # 30 to 59
    elder = "elder"  # 60 and over


class Sex(StrEnum):
    female = "female"
    male = "male"


@dataclass(frozen=True, slots=True)
class Need:
    """One need the residents raised: their words, how many raised it, its rank (1 first)."""

    topic: str
    raised_by: int
    priority: int


# ---- the rules ----------------------------------------------------------------------------


def check_attendance(status: SessionStatus, starts_at: datetime, now: datetime) -> None:
    """Attendance is taken for a session that has begun and was not cancelled."""
    if status is SessionStatus.cancelled:
        raise InvalidInput(
            "This session was cancelled: no attendance is taken for a cancelled session.",
            "این جلسه لغو شده است: برای جلسهٔ لغوشده حضور و غیاب ثبت نمی‌شود.",
            rule="no_attendance_for_cancelled_session")
    if starts_at > now:
        raise InvalidInput(
            "This session has not happened yet: attendance is taken only once a session has "
            "begun. Come back at or after its start.",
            "این جلسه هنوز برگزار نشده است: حضور و غیاب فقط پس از آغاز جلسه ثبت می‌شود؛ از "
            "زمان شروع جلسه به بعد برگردید.",
            rule="no_attendance_before_session")


def check_hold(status: SessionStatus, starts_at: datetime, now: datetime) -> None:
    """A session is marked held once it has begun, and not after it was cancelled."""
    if status is SessionStatus.cancelled:
        raise InvalidInput(
            "This session was cancelled; a cancelled session cannot be marked held.",
            "این جلسه لغو شده است و نمی‌توان آن را برگزارشده ثبت کرد.",
            rule="no_attendance_for_cancelled_session")
    if starts_at > now:
        raise InvalidInput(
            "This session has not happened yet: mark it held at or after its start.",
            "این جلسه هنوز برگزار نشده است: از زمان شروع آن به بعد آن را برگزارشده ثبت کنید.",
            rule="no_attendance_before_session")


def check_cancel(status: SessionStatus) -> None:
    if status is SessionStatus.held:
        raise InvalidInput(
            "This session was held; a held session cannot be cancelled.",
            "این جلسه برگزار شده است و لغو نمی‌شود.", rule="held_session_stays")


def check_enrolled(marked: Iterable[int], enrolled: Iterable[int]) -> None:
    """Attendance is taken only for the programme's participants."""
    strangers = sorted(set(marked) - set(enrolled))
    if strangers:
        raise InvalidInput(
            f"Participants {strangers} are not enrolled in this programme: enrol them first "
            "(add a participant on the sheet), then mark them.",
            f"شرکت‌کنندگان {_fa(strangers)} در این برنامه ثبت‌نام نشده‌اند: نخست آنان را ثبت‌نام "
            "کنید (افزودن شرکت‌کننده در همین برگه)، سپس حضورشان را ثبت کنید.",
            field="participant_id", rule="attendance_of_enrolled_only")


def check_capacity(enrolled: int, capacity: int) -> None:
    if enrolled >= capacity:
        raise InvalidInput(
            f"The programme is full ({capacity} places): raise its capacity or start another "
            "group.",
            f"ظرفیت برنامه ({_fa(capacity)} نفر) پر است: ظرفیت را بیشتر کنید یا گروه دیگری "
            "راه بیندازید.", rule="programme_capacity")


def check_dates(starts_on: date, ends_on: date) -> None:
    if ends_on < starts_on:
        raise InvalidInput(
            "The programme ends before it starts: the end date must be on or after the start.",
            "پایان برنامه پیش از آغاز آن است: تاریخ پایان باید همان روز آغاز یا پس از آن باشد.",
            field="ends_on")


def check_within(day: date, starts_on: date, ends_on: date) -> None:
    """A session falls within its programme's dates."""
    if not starts_on <= day <= ends_on:
        raise InvalidInput(
            "A session falls within its programme's dates: choose a day between the start and "
            "the end of the programme, or change the programme's dates.",
            "جلسه باید در بازهٔ تاریخ‌های برنامه باشد: روزی میان آغاز و پایان برنامه برگزینید یا "
            "تاریخ‌های برنامه را تغییر دهید.", field="day", rule="session_within_programme")


def check_minutes(minutes: int) -> None:
    if not MIN_MINUTES <= minutes <= MAX_MINUTES:
        raise InvalidInput(
            f"A session lasts {MIN_MINUTES} to {MAX_MINUTES} minutes.",
            f"هر جلسه {_fa(MIN_MINUTES)} تا {_fa(MAX_MINUTES)} دقیقه است.", field="minutes")


def weekly_days(first: date, weekday: Weekday, weeks: int) -> list[date]:
    """The days of a weekly schedule: ``weeks`` times ``weekday``, the first on or after
    ``first`` ("every Monday for 8 weeks")."""
    if not 1 <= weeks <= MAX_WEEKS:
        raise InvalidInput(
            f"A weekly schedule runs 1 to {MAX_WEEKS} weeks.",
            f"برنامهٔ هفتگی ۱ تا {_fa(MAX_WEEKS)} هفته است.", field="weeks")
    start = first + timedelta(days=(int(weekday) - int(iran_weekday(first))) % 7)
    return [start + timedelta(weeks=n) for n in range(weeks)]


def weekly_starts(first: date, weekday: Weekday, at: time, weeks: int,
                  starts_on: date, ends_on: date) -> list[datetime]:
    """The UTC starts of a weekly schedule within the programme's dates (all or nothing)."""
    days = weekly_days(first, weekday, weeks)
    for day in days:
        check_within(day, starts_on, ends_on)
    return [iran_moment(day, at) for day in days]


def rank_needs(needs: Sequence[Need]) -> list[Need]:
    """The residents' needs in their order (rank 1 first); each rank once, topics named."""
    if not needs:
        raise InvalidInput("Write at least one need the residents raised.",
                           "دست‌کم یک نیازی را که ساکنان گفتند بنویسید.", field="needs")
    ranks = [n.priority for n in needs]
    if len(set(ranks)) != len(ranks) or any(r < 1 for r in ranks):
        raise InvalidInput(
            "Give each need its own rank (1 the most pressing, then 2, 3 ...).",
            "به هر نیاز رتبهٔ جداگانه بدهید (۱ فوری‌ترین، سپس ۲، ۳ و ...).", field="needs")
    if any(not n.topic.strip() for n in needs) or any(n.raised_by < 1 for n in needs):
        raise InvalidInput(
            "Each need has a topic and how many residents raised it (one or more).",
            "هر نیاز یک موضوع و شمار ساکنانی که آن را مطرح کردند (یک یا بیشتر) دارد.",
            field="needs")
    return sorted(needs, key=lambda n: n.priority)


def week_of(day: date) -> list[date]:
    """The Saturday-first week of ``day``."""
    saturday = day - timedelta(days=int(iran_weekday(day)))
    return [saturday + timedelta(days=n) for n in range(7)]


def _fa(value: object) -> str:
    return str(value).translate(str.maketrans("0123456789", "۰۱۲۳۴۵۶۷۸۹"))
