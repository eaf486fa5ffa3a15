"""Consent records and the one consent rule shared by the 123 line and case work (pure).

**Covering.** A consent record covers an act (a transfer, a referral, sharing information)
when its purpose is that act, its recipient is the act's recipient (a province code for a
transfer, an agency code for a referral), it was given at or before the act and it has not
been withdrawn by then. Withdrawal stops future acts; what was done before stays done.

**Override.** Without consent an act may go only under the immediate-danger override:
urgency ``immediate`` or ``high`` *and* a written reason, which the service writes to the
audit log. Medium or lower risk never overrides. This is one rule for a contact's referral
(triage records ``given`` / ``refused`` / ``not_asked``) and for a case's transfer or
referral (a covering consent record, or none): :func:`check_consent`.

No database, no clock: ``now`` is passed in.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

from panah.core.errors import InvalidInput
from panah.intake.model import RiskLevel


class ConsentStatus(StrEnum):
    given = "given"
    refused = "refused"
    not_asked = "not_asked"


class ConsentPurpose(StrEnum):
    transfer = "transfer"  # the recipient is a province code (IR-23)
    referral = "referral"  # the recipient is a partner agency's code
    share_information = "share_information"


class ConsentMethod(StrEnum):
    verbal = "verbal"
    written = "written"


OVERRIDE_URGENCIES = frozenset({RiskLevel.immediate, RiskLevel.high})


@dataclass(frozen=True, slots=True)
class Act:
    """What consent is asked for, in both languages, for the messages."""

    en: str  # "refer", "transfer the case"
    fa: str  # "ارجاع", "انتقال پرونده"


REFERRAL = Act("refer", "ارجاع")
TRANSFER = Act("transfer the case", "انتقال پرونده")


@dataclass(frozen=True, slots=True)
class ConsentView:
    """What the rule needs to know of a stored consent record."""

    id: int
    purpose: ConsentPurpose
    recipient: str
    given_at: datetime
    withdrawn_at: datetime | None = None

    def withdrawn_by(self, at: datetime) -> bool:
        return self.withdrawn_at is not None and self.withdrawn_at <= at


def covers(consent: ConsentView, *, purpose: ConsentPurpose, recipient: str,
           at: datetime) -> bool:
    """True when ``consent`` allows ``purpose`` to ``recipient`` at ``at``."""
    return (consent.purpose is purpose
            and consent.recipient.strip().casefold() == recipient.strip().casefold()
            and consent.given_at <= at
            and not consent.withdrawn_by(at))


def covering(consents: Iterable[ConsentView], *, purpose: ConsentPurpose, recipient: str,
             at: datetime) -> ConsentView | None:
    """The most recent consent covering the act, if any."""
    found = [c for c in consents if covers(c, purpose=purpose, recipient=recipient, at=at)]
    return max(found, key=lambda c: (c.given_at, c.id)) if found else None


def check_consent(
    consent: ConsentStatus, *, urgency: RiskLevel, override_reason: str | None,
    act: Act = REFERRAL,
) -> bool:
    """Refuse an act made without consent unless the immediate-danger override applies.

    Returns ``True`` when the override is used (the service must audit-log it with its
    reason), ``False`` when the person consented.
    """
    if consent is ConsentStatus.given:
        return False
    asked = consent is ConsentStatus.refused
    if urgency not in OVERRIDE_URGENCIES:
        raise InvalidInput(
            ("The person refused consent" if asked else "Consent was not asked")
            + f" and the risk is {urgency.value}: ask for consent, or {act.en} only if the "
            "risk is high or immediate and you give the reason.",
            ("فرد رضایت نداد" if asked else "از فرد رضایت پرسیده نشد")
            + f" و خطر در سطح فوری یا بالا نیست: رضایت بگیرید؛ بدون رضایت تنها در خطر بالا "
            f"یا فوری و با نوشتن دلیل می‌توان {act.fa} را انجام داد.",
            field="consent", consent=consent.value, urgency=urgency.value,
        )
    if not (override_reason or "").strip():
        raise InvalidInput(
            f"To {act.en} without consent, give the reason for the immediate-danger "
            "override: write why the person's life or safety cannot wait for consent.",
            f"{act.fa} بدون رضایت به دلیل نیاز دارد: بنویسید چرا جان یا امنیت فرد منتظر "
            "رضایت نمی‌ماند.",
            field="override_reason", consent=consent.value, urgency=urgency.value,
        )
    return True


def check_covered(
    consent: ConsentView | None, *, purpose: ConsentPurpose, recipient: str,
    urgency: RiskLevel, override_reason: str | None, act: Act, at: datetime,
) -> bool:
    """A case's act needs a consent record covering it, or the override (as
    :func:`check_consent`). Returns ``True`` when the override is used. A reason given
    beside a covering consent is not an override: consent decides."""
    if consent is not None and covers(consent, purpose=purpose, recipient=recipient, at=at):
        return False
    if not (override_reason or "").strip():
        withdrawn = consent is not None and consent.withdrawn_by(at)
        raise InvalidInput(
            f"No consent record covers this: to {act.en} to {recipient}, record the client's "
            f"consent for {purpose.value} to {recipient} first"
            + (" (the consent named was withdrawn)" if withdrawn else "")
            + ", or, in immediate danger, give the override reason.",
            f"هیچ رضایت ثبت‌شده‌ای این کار را پوشش نمی‌دهد: برای {act.fa} به {recipient} "
            "نخست رضایت مددجو را ثبت کنید"
            + (" (رضایت نام‌برده پس گرفته شده است)" if withdrawn else "")
            + "، یا در خطر فوری دلیل اقدام بدون رضایت را بنویسید.",
            field="consent_id", purpose=purpose.value, recipient=recipient,
        )
    return check_consent(ConsentStatus.not_asked, urgency=urgency,
                         override_reason=override_reason, act=act)


def check_recipient(purpose: ConsentPurpose, recipient: str) -> str:
    """A transfer's recipient is a province code (IR-23); others an agency code."""
    text = recipient.strip()
    if purpose is ConsentPurpose.transfer:
        text = text.upper()
        if not (len(text) == 5 and text.startswith("IR-") and text[3:].isdigit()):
            raise InvalidInput(
                "Consent to a transfer names the receiving province by its code, e.g. IR-23.",
                "رضایت به انتقال، استان گیرنده را با کد آن نام می‌برد، مانند IR-23.",
                field="recipient")
    elif not text:
        raise InvalidInput("Say to whom the client agreed (the agency's code).",
                           "بنویسید مددجو با ارجاع به چه کسی موافقت کرد (کد سازمان).",
                           field="recipient")
    return text


def check_withdrawal(consent: ConsentView, *, now: datetime) -> None:
    """A consent can be withdrawn once, and not before it was given."""
    if consent.withdrawn_at is not None:
        raise InvalidInput("This consent was already withdrawn; nothing more to do.",
                           "این رضایت پیش‌تر پس گرفته شده است؛ کار دیگری لازم نیست.",
                           field="consent_id")
    if now < consent.given_at:
        raise InvalidInput("A consent cannot be withdrawn before it was given; check the time.",
                           "رضایت را پیش از زمان دادنش نمی‌توان پس گرفت؛ زمان را بررسی کنید.",
                           field="consent_id")
