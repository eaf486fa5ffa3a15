"""Transfers of a case between provinces (pure rules: no database, no clock).

A traveller's case opened in Mazandaran at Nowruz follows her home: the sending province
asks, the receiving province accepts (naming its lead worker) or declines with a reason.
``requested`` → ``accepted`` | ``declined`` | ``cancelled`` (by the sending side); all three
are final. One pending transfer per case at a time; never to the case's own province; the
client's consent to a transfer to that province, or the immediate-danger override
(:mod:`panah.cases.consent.model`). A transfer whose consent was withdrawn while it waited
can no longer be accepted.
"""

from __future__ import annotations

from enum import StrEnum

from panah.core.errors import Conflict, InvalidInput

REASON_MAX = 2000


class TransferState(StrEnum):
    requested = "requested"
    accepted = "accepted"
    declined = "declined"
    cancelled = "cancelled"

    @property
    def label_en(self) -> str:
        return _LABELS[self][0]

    @property
    def label_fa(self) -> str:
        return _LABELS[self][1]


_LABELS: dict[TransferState, tuple[str, str]] = {
    TransferState.requested: ("waiting for the receiving province", "در انتظار استان گیرنده"),
    TransferState.accepted: ("accepted", "پذیرفته‌شده"),
    TransferState.declined: ("declined", "نپذیرفته"),
    TransferState.cancelled: ("cancelled", "لغوشده"),
}


class Side(StrEnum):
    """Which end of a transfer an actor is on."""

    sending = "sending"
    receiving = "receiving"
    neither = "neither"


def side_of(province_code: str | None, *, from_province: str, to_province: str) -> Side:
    if province_code == to_province:
        return Side.receiving
    if province_code == from_province:
        return Side.sending
    return Side.neither


def check_reason(reason: str | None, *, field: str = "reason") -> str:
    """A transfer says why (the receiving province reads it): required, trimmed, bounded."""
    text = " ".join((reason or "").split())
    if not text:
        raise InvalidInput(
            "Say why the case should move (the receiving province reads it): e.g. the client "
            "lives there and goes home after Nowruz.",
            "بنویسید چرا پرونده باید منتقل شود (استان گیرنده آن را می‌خواند)؛ مثلاً مددجو "
            "ساکن آن‌جاست و پس از نوروز برمی‌گردد.", field=field)
    if len(text) > REASON_MAX:
        raise InvalidInput(f"Keep the reason under {REASON_MAX} characters.",
                           f"دلیل را کوتاه‌تر از {REASON_MAX} نویسه بنویسید.", field=field)
    return text


def check_request(*, from_province: str, to_province: str, pending: bool,
                  closed: bool) -> None:
    """May a transfer of a case in ``from_province`` to ``to_province`` be asked now?"""
    if to_province == from_province:
        raise InvalidInput(
            f"The case is already in {to_province}: a transfer goes to another province. "
            "To move it between centres, change its lead worker instead.",
            f"پرونده هم‌اکنون در {to_province} است: انتقال به استان دیگری است. برای جابه‌جایی "
            "میان مراکز، مسئول پرونده را تغییر دهید.", field="to_province")
    if closed:
        raise InvalidInput("A closed case is not transferred; open a new case there if needed.",
                           "پروندهٔ بسته منتقل نمی‌شود؛ در صورت نیاز آن‌جا پروندهٔ تازه باز کنید.",
                           field="case_id")
    if pending:
        raise Conflict(
            "This case already has a transfer waiting for an answer: cancel it, or wait for "
            "the receiving province to answer, before asking again.",
            "این پرونده یک درخواست انتقال در انتظار پاسخ دارد: پیش از درخواست دوباره آن را لغو "
            "کنید یا منتظر پاسخ استان گیرنده بمانید.", rule="one_pending_transfer")


def check_decision(state: TransferState, *, side: Side, acting: Side) -> None:
    """Only a waiting transfer is answered, and each side does its own part: the
    receiving province accepts or declines, the sending one cancels."""
    if state is not TransferState.requested:
        raise Conflict(
            f"This transfer is already {state.label_en}; reload the page.",
            f"این انتقال هم‌اکنون {state.label_fa} است؛ صفحه را تازه کنید.",
            state=state.value, rule="transfer_answered")
    if side is not acting:
        if acting is Side.receiving:
            en, fa = ("Only the receiving province accepts or declines a transfer.",
                      "فقط استان گیرنده انتقال را می‌پذیرد یا رد می‌کند.")
        else:
            en, fa = ("Only the sending province cancels its transfer request.",
                      "فقط استان فرستنده درخواست انتقال خود را لغو می‌کند.")
        raise InvalidInput(en, fa, field="transfer_id", rule="transfer_side")


def check_accept(*, consent_withdrawn: bool) -> None:
    """A transfer under consent the client has since withdrawn cannot be accepted."""
    if consent_withdrawn:
        raise Conflict(
            "The client withdrew the consent this transfer was asked under, so it can no "
            "longer be accepted: decline it, and the sending province asks the client again.",
            "مددجو رضایتی را که این انتقال بر پایهٔ آن درخواست شد پس گرفته است، پس دیگر "
            "نمی‌توان آن را پذیرفت: آن را رد کنید تا استان فرستنده دوباره از مددجو بپرسد.",
            rule="consent_withdrawn")


def check_decline(reason: str | None) -> str:
    """A decline says why: the sending province reads it to find another way."""
    text = " ".join((reason or "").split())
    if not text:
        raise InvalidInput(
            "Say why you decline this transfer: the sending province reads it to find "
            "another way for the client.",
            "بنویسید چرا این انتقال را نمی‌پذیرید: استان فرستنده آن را می‌خواند تا راه دیگری "
            "برای مددجو بیابد.", field="reason", rule="decline_reason")
    return check_reason(text)


def team_text(user_ids: list[int]) -> str:
    """The sending team at the time of transfer, kept on the transfer row."""
    return ",".join(str(uid) for uid in sorted(set(user_ids)))


def team_ids(text: str | None) -> list[int]:
    return [int(part) for part in (text or "").split(",") if part.strip().isdigit()]
