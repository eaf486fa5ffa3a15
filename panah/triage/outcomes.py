"""How a contact ends: its outcomes, and the rule "no outcome, no close".

**No wrong door.** Every contact ends with an action: counselled, a team or an appointment or
a shelter bed asked for, handed to a partner agency (whose acknowledgement ``referrals``
tracks), information from the directory, or a callback booked. There is deliberately *no*
"out of remit" outcome: a contact the 123 line cannot serve itself is a ``referral`` to the
agency that can.

**What each outcome needs** (``check_close`` refuses a close that lacks it):

* ``counselled`` — a note of the phone intervention;
* ``referral`` — the partner agency's code;
* ``information_given`` — at least one directory entry id (what the caller was told);
* ``callback_scheduled`` — a due time later than ``now``;
* ``mobile_team_requested``, ``centre_appointment``, ``shelter_request`` — nothing more here:
  the incident, appointment or bed request they stand for is created by its own domain.

**Silent/misdial and nuisance stand alone.** They say that nothing substantive happened, so
they cannot be combined with a substantive outcome (nor with each other). A silent caller who
may be unable to speak is not a misdial: record a ``callback_scheduled`` (or a team) instead.

**Nuisance numbers are flagged, never blocked.** ``nuisance_flag`` tells the counsellor that a
number has had ≥ 3 nuisance outcomes in the last 7 days, so they answer knowing it; the
contact is still answered and routed like any other (the next call may be the real one).

Pure: no database, no clock; ``now`` is passed in.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum

from panah.core.errors import InvalidInput
from panah.geo.text import to_persian_digits


class Outcome(StrEnum):
    counselled = "counselled"
    mobile_team_requested = "mobile_team_requested"
    centre_appointment = "centre_appointment"
    shelter_request = "shelter_request"
    referral = "referral"  # to a partner agency
    information_given = "information_given"  # from the directory
    callback_scheduled = "callback_scheduled"
    silent_misdial = "silent_misdial"
    nuisance = "nuisance"

    @property
    def label_en(self) -> str:
        return _LABELS[self][0]

    @property
    def label_fa(self) -> str:
        return _LABELS[self][1]

    @property
    def substantive(self) -> bool:
        """Something was done for someone (not a silent line, a misdial or a nuisance)."""
        return self not in NON_SUBSTANTIVE


NON_SUBSTANTIVE = frozenset({Outcome.silent_misdial, Outcome.nuisance})

_LABELS: dict[Outcome, tuple[str, str]] = {
    Outcome.counselled: ("Counselled (phone intervention)", "مشاوره و مداخلهٔ تلفنی"),
    Outcome.mobile_team_requested: ("Mobile team requested", "درخواست اعزام تیم سیار"),
    Outcome.centre_appointment: ("Crisis-centre appointment",
                                 "نوبت در مرکز مداخله در بحران"),
    Outcome.shelter_request: ("Shelter requested", "درخواست اسکان موقت (خانهٔ امن)"),
    Outcome.referral: ("Referred to a partner agency", "ارجاع به دستگاه همکار"),
    Outcome.information_given: ("Information given from the directory",
                                "اطلاع‌رسانی از راهنمای خدمات"),
    Outcome.callback_scheduled: ("Callback scheduled", "تماس برگشتی زمان‌بندی شد"),
    Outcome.silent_misdial: ("Silent call or misdial", "تماس بی‌صدا یا اشتباهی"),
    Outcome.nuisance: ("Nuisance call", "تماس مزاحم"),
}


@dataclass(frozen=True, slots=True)
class OutcomeInput:
    """One outcome a counsellor records, with what it needs (see the module docstring)."""

    outcome: Outcome
    note: str = ""  # counselled: the phone-intervention note
    directory_entry_ids: tuple[str, ...] = ()  # information_given
    due_at: datetime | None = None  # callback_scheduled
    agency_code: str | None = None  # referral: the partner agency


def parse_outcome(value: str) -> Outcome:
    """An outcome from its code; "out of remit" is refused with what to record instead."""
    try:
        return Outcome(value)
    except ValueError:
        pass
    if value.replace("-", "_").replace(" ", "_").lower() in {"out_of_remit", "not_our_remit"}:
        raise InvalidInput(
            "'Out of remit' is not an outcome: refer the contact to the agency that can help "
            "(outcome 'referral' with the agency) or give information from the directory.",
            "«خارج از حیطه» پیامد نیست: تماس را به دستگاهی که می‌تواند کمک کند ارجاع دهید "
            "(پیامد «ارجاع» با نام دستگاه) یا از راهنمای خدمات اطلاع‌رسانی کنید.",
            field="outcome", value=value,
        )
    raise InvalidInput(
        f"'{value}' is not an outcome; choose one of: {', '.join(Outcome)}.",
        f"«{value}» پیامد شناخته‌شده‌ای نیست؛ یکی از پیامدهای فهرست را برگزینید.",
        field="outcome", value=value,
    )


def _missing(item: OutcomeInput, en: str, fa: str, field: str) -> InvalidInput:
    return InvalidInput(
        f"The outcome '{item.outcome.label_en}' {en}",
        f"پیامد «{item.outcome.label_fa}» {fa}",
        field=field, outcome=item.outcome.value,
    )


def _check_one(item: OutcomeInput, *, now: datetime) -> None:
    outcome = item.outcome
    if outcome is Outcome.counselled and not item.note.strip():
        raise _missing(item, "needs a note of the intervention: write what was done and agreed.",
                       "به یادداشت مداخله نیاز دارد: بنویسید چه شد و چه توافقی شد.", "note")
    if outcome is Outcome.referral and not (item.agency_code or "").strip():
        raise _missing(item, "needs the partner agency: choose who the contact is handed to.",
                       "به دستگاه همکار نیاز دارد: برگزینید تماس به چه دستگاهی سپرده می‌شود.",
                       "agency_code")
    if outcome is Outcome.information_given and not any(
            entry.strip() for entry in item.directory_entry_ids):
        raise _missing(item, "needs at least one directory entry: pick what the caller was told.",
                       "دست‌کم به یک مورد از راهنمای خدمات نیاز دارد: برگزینید چه چیزی گفته شد.",
                       "directory_entry_ids")
    if outcome is Outcome.callback_scheduled:
        _check_due(item, now=now)


def _check_due(item: OutcomeInput, *, now: datetime) -> None:
    due = item.due_at
    if due is None:
        raise _missing(item, "needs a due time: say when to call back.",
                       "به زمان نیاز دارد: بگویید کی تماس گرفته شود.", "due_at")
    if due.tzinfo is None:
        raise _missing(item, "needs a due time with its time zone.",
                       "به زمانی همراه با منطقهٔ زمانی نیاز دارد.", "due_at")
    if due <= now:
        raise _missing(item, "needs a due time in the future: choose a later time.",
                       "به زمانی در آینده نیاز دارد: زمان دیرتری برگزینید.", "due_at")


def _check_combination(outcomes: Sequence[OutcomeInput]) -> None:
    kinds = {item.outcome for item in outcomes}
    alone = kinds & NON_SUBSTANTIVE
    if not alone or len(kinds) == 1:
        return
    lone = Outcome.nuisance if Outcome.nuisance in alone else Outcome.silent_misdial
    raise InvalidInput(
        f"'{lone.label_en}' means nothing else happened, so it cannot be recorded with other "
        "outcomes: remove it, or record only it.",
        f"«{lone.label_fa}» یعنی کار دیگری انجام نشد، پس با پیامدهای دیگر ثبت نمی‌شود: "
        "یا آن را بردارید یا تنها همان را ثبت کنید.",
        field="outcomes", outcome=lone.value,
    )


def check_close(outcomes: Sequence[OutcomeInput], *, now: datetime) -> None:
    """Refuse to close a contact without an outcome, or with one that lacks what it needs,
    or with silent/misdial or nuisance next to anything else. Returns when it may close."""
    if not outcomes:
        raise InvalidInput(
            "A contact cannot be closed without an outcome: record what was done (counselled, "
            "a team, an appointment, a referral, information or a callback).",
            "تماس بدون پیامد بسته نمی‌شود: ثبت کنید چه کاری انجام شد (مشاوره، تیم سیار، نوبت، "
            "ارجاع، اطلاع‌رسانی یا تماس برگشتی).",
            field="outcomes",
        )
    _check_combination(outcomes)
    for item in outcomes:
        _check_one(item, now=now)


NUISANCE_THRESHOLD = 3
NUISANCE_WINDOW = timedelta(days=7)


@dataclass(frozen=True, slots=True)
class NuisanceFlag:
    """Shown to the counsellor beside the contact; it changes nothing in routing."""

    count: int
    since: datetime
    reason_en: str
    reason_fa: str


def nuisance_flag(
    history: Sequence[tuple[datetime, Outcome]], *, now: datetime
) -> NuisanceFlag | None:
    """A flag when a number's history holds ≥ 3 nuisance outcomes in the 7 days up to ``now``.

    The number is never blocked: the flag is advice to the counsellor, who still answers
    (a frequent nuisance caller may one day call in real danger). ``None`` when not flagged.
    """
    since = now - NUISANCE_WINDOW
    count = sum(1 for at, outcome in history
                if outcome is Outcome.nuisance and since < at <= now)
    if count < NUISANCE_THRESHOLD:
        return None
    return NuisanceFlag(
        count=count, since=since,
        reason_en=f"{count} nuisance calls from this number in the last 7 days. Answer as "
                  "usual: the number is not blocked.",
        reason_fa=f"{to_persian_digits(count)} تماس مزاحم از این شماره در ۷ روز گذشته. "
                  "مانند همیشه پاسخ دهید: این شماره مسدود نمی‌شود.",
    )
