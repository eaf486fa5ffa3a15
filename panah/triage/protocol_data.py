"""The risk protocols Panah asks, as versioned data, and the registry that finds them.

A change to a question's wording, its branching or a scoring rule is a new version (a new
``Protocol`` with the next ``"YYYY-N"``), never an edit of a released one: a stored screen
names the id and version it was scored by, and must still read the same way.

**C-SSRS Screener** (``cssrs_screener``; Columbia Suicide Severity Rating Scale, screen
version, "since last contact / past month"). Panah asks first whether the person is acting
now or has the means at hand. Then Q1, Q2; Q3–Q5 only when Q2 is yes; Q6 always; its
follow-up "within the past 3 months?" only when Q6 is yes. Scoring (the C-SSRS triage):

- acting now / means at hand → immediate (the other questions become optional);
- yes to Q4 (intent) or Q5 (plan with intent), or Q6 within the past 3 months → high;
- yes to Q3 (method), or Q6 not within the past 3 months (lifetime) → medium;
- yes to Q1 or Q2 only → low;
- no to everything → low, not information: the screen is put because the contact was about
  suicide, and a negative screen does not turn that contact into an information call.

**Lethality Screen** (``lethality_screen``; Lethality Assessment Program, Maryland model).
Panah asks first whether the abuser is there now / the person is in danger now. Then Q1–Q11,
all asked in order (the answers inform the safety plan). Scoring, as the LAP:

- abuser present / in danger now → immediate (the other questions become optional);
- yes to any of Q1–Q3 → high, whatever else (the automatic trigger); Q4–Q11 are then
  still asked but optional;
- no to Q1–Q3 but yes to at least four of Q4–Q11 → high (three is not enough);
- the counsellor's belief that the person is in high danger → high (``score`` keyword);
- yes to one to three of Q4–Q11 → medium; no to everything → low.

**Immediate child-safety check** (``child_safety_check``) is Panah's own short check, not a
published instrument. Danger now or an injury needing care → immediate; the alleged abuser
with the child or able to reach them tonight, or the child alone without a caring adult →
high; vulnerability only (under 6, a disability, earlier reports) → medium; none → low.
Once the child is in danger now the other questions become optional.
"""

from __future__ import annotations

from collections.abc import Mapping
from types import MappingProxyType

from panah.core.errors import NotFound
from panah.intake.model import RiskLevel
from panah.triage.protocols import (
    AnswerType,
    Choice,
    Protocol,
    ProtocolId,
    Question,
    Rule,
    answered,
    yes,
)

# ---------------------------------------------------------------- C-SSRS Screener

_CSSRS_AFTER_Q2 = yes("q2_suicidal_thoughts")
_CSSRS_ACTING = yes("danger_now")

CSSRS_SCREENER = Protocol(
    id=ProtocolId.cssrs_screener,
    version="2024-1",
    title_fa="مقیاس درجه‌بندی شدت خودکشی کلمبیا (C-SSRS)، نسخهٔ غربالگری، یک ماه گذشته",
    title_en="Columbia Suicide Severity Rating Scale (C-SSRS) Screener, past month",
    source="C-SSRS Screener, recent version (Posner et al., The Columbia Lighthouse Project);"
    " the 'acting now / means at hand' question is Panah's.",
    questions=(
        Question(
            "danger_now",
            "آیا همین الان قصد دارید به خودتان آسیب بزنید، یا وسیلهٔ این کار همین حالا"
            " در دسترستان است؟",
            "Are you about to harm yourself right now, or do you have the means with you now?",
        ),
        Question(
            "q1_wish_dead",
            "در یک ماه گذشته، آیا آرزو کرده‌اید که کاش مرده بودید، یا کاش می‌خوابیدید و"
            " دیگر بیدار نمی‌شدید؟",
            "In the past month, have you wished you were dead or wished you could go to"
            " sleep and not wake up?",
            optional_if=_CSSRS_ACTING,
        ),
        Question(
            "q2_suicidal_thoughts",
            "در یک ماه گذشته، آیا واقعاً به کشتن خودتان فکر کرده‌اید؟",
            "In the past month, have you actually had any thoughts of killing yourself?",
            optional_if=_CSSRS_ACTING,
        ),
        Question(
            "q3_method",
            "آیا به این فکر کرده‌اید که چطور ممکن است این کار را بکنید؟",
            "Have you been thinking about how you might do this?",
            ask_if=_CSSRS_AFTER_Q2, optional_if=_CSSRS_ACTING,
        ),
        Question(
            "q4_intent",
            "آیا این افکار را داشته‌اید و تا اندازه‌ای قصد داشته‌اید به آن‌ها عمل کنید؟",
            "Have you had these thoughts and had some intention of acting on them?",
            ask_if=_CSSRS_AFTER_Q2, optional_if=_CSSRS_ACTING,
        ),
        Question(
            "q5_plan",
            "آیا جزئیات اینکه چطور خودتان را بکشید مشخص کرده‌اید یا شروع به مشخص کردنش"
            " کرده‌اید؟ آیا قصد دارید این نقشه را اجرا کنید؟",
            "Have you started to work out or worked out the details of how to kill yourself?"
            " Do you intend to carry out this plan?",
            ask_if=_CSSRS_AFTER_Q2, optional_if=_CSSRS_ACTING,
        ),
        Question(
            "q6_behaviour",
            "آیا تا به حال کاری برای پایان دادن به زندگی‌تان کرده‌اید، شروع به انجامش"
            " کرده‌اید یا برایش آماده شده‌اید؟",
            "Have you ever done anything, started to do anything, or prepared to do anything"
            " to end your life?",
            optional_if=_CSSRS_ACTING,
            note_fa="برای نمونه: جمع کردن قرص، تهیهٔ سلاح، بخشیدن دارایی‌ها، نوشتن وصیت‌نامه"
            " یا نامهٔ خداحافظی، بیرون آوردن قرص‌ها بی‌آنکه بخورد، رفتن به پشت‌بام بی‌آنکه"
            " بپرد؛ یا واقعاً قرص خوردن، بریدن خود یا اقدام به حلق‌آویز کردن خود.",
            note_en="For example: collected pills, obtained a weapon, gave away valuables,"
            " wrote a will or a goodbye note, took out pills but did not swallow them, went"
            " to the roof but did not jump; or actually took pills, cut or tried to hang"
            " themselves.",
        ),
        Question(
            "q6_recent",
            "آیا این در سه ماه گذشته بوده است؟",
            "Was this within the past 3 months?",
            ask_if=yes("q6_behaviour"), optional_if=_CSSRS_ACTING,
        ),
    ),
    rules=(
        Rule(RiskLevel.immediate, _CSSRS_ACTING,
             "همین حالا در حال اقدام است یا وسیله در دسترس دارد: خطر فوری.",
             "About to act, or has the means at hand: immediate danger."),
        Rule(RiskLevel.high, yes("q4_intent", "q5_plan"),
             "قصد خودکشی، با نقشه یا بی‌نقشه: خطر بالا.",
             "Suicidal intent, with or without a specific plan: high risk."),
        Rule(RiskLevel.high, yes("q6_recent"),
             "رفتار خودکشی در سه ماه گذشته: خطر بالا.",
             "Suicidal behaviour within the past 3 months: high risk."),
        Rule(RiskLevel.medium, yes("q3_method"),
             "فکر خودکشی همراه با فکر روش، بی‌قصد: خطر متوسط.",
             "Suicidal thoughts with a method, without intent: moderate risk."),
        Rule(RiskLevel.medium, yes("q6_behaviour"),
             "رفتار خودکشی در طول زندگی، نه در سه ماه گذشته: خطر متوسط.",
             "Suicidal behaviour in the lifetime, not in the past 3 months: moderate risk."),
        Rule(RiskLevel.low, yes("q1_wish_dead", "q2_suicidal_thoughts"),
             "فقط آرزوی مرگ یا فکر کلی خودکشی: خطر کم.",
             "Only a wish to be dead or non-specific suicidal thoughts: low risk."),
    ),
    default_level=RiskLevel.low,
    default_reason_fa="پاسخ همهٔ پرسش‌ها «خیر» بود: خطر کم (غربالگری خودکشی هرگز کمتر از"
    " «کم» نمی‌دهد).",
    default_reason_en="No to every question: low risk (a suicide screen never scores below"
    " low).",
)

# ---------------------------------------------------------------- Lethality Screen

_LAP_IN_DANGER = yes("danger_now")
_LAP_TRIGGER = ("q1_weapon", "q2_threat_to_kill", "q3_might_kill")
_LAP_COUNTED = ("q4_gun", "q5_choked", "q6_jealous_controlling", "q7_separated",
                "q8_unemployed", "q9_tried_suicide", "q10_child_not_theirs", "q11_stalks")
_LAP_SCREENED_IN = yes("danger_now", *_LAP_TRIGGER)


def _lap(qid: str, text_fa: str, text_en: str) -> Question:
    optional = _LAP_SCREENED_IN if qid in _LAP_COUNTED else _LAP_IN_DANGER
    return Question(qid, text_fa, text_en, optional_if=optional)


LETHALITY_SCREEN = Protocol(
    id=ProtocolId.lethality_screen,
    version="2024-1",
    title_fa="غربالگری خطر مرگبار خشونت همسر (برنامهٔ ارزیابی خطر مرگبار، الگوی مریلند)",
    title_en="Lethality Screen (Lethality Assessment Program, Maryland model)",
    source="Lethality Screen of the Lethality Assessment Program (Maryland Network Against"
    " Domestic Violence); the 'there now / in danger now' question is Panah's.",
    questions=(
        Question("danger_now",
                 "آیا او همین الان پیش شماست، یا همین حالا در خطر هستید؟",
                 "Is he or she there with you now, or are you in danger right now?"),
        _lap("q1_weapon",
             "آیا او تا به حال با سلاح به شما حمله کرده یا شما را با سلاح تهدید کرده است؟",
             "Has he or she ever used a weapon against you or threatened you with a weapon?"),
        _lap("q2_threat_to_kill",
             "آیا او تهدید کرده است که شما یا فرزندانتان را می‌کشد؟",
             "Has he or she threatened to kill you or your children?"),
        _lap("q3_might_kill",
             "آیا فکر می‌کنید او ممکن است بخواهد شما را بکشد؟",
             "Do you think he or she might try to kill you?"),
        _lap("q4_gun",
             "آیا او اسلحهٔ گرم دارد یا می‌تواند به‌آسانی تهیه کند؟",
             "Does he or she have a gun or can he or she get one easily?"),
        _lap("q5_choked",
             "آیا او تا به حال سعی کرده است گلوی شما را بفشارد یا خفه‌تان کند؟",
             "Has he or she ever tried to choke or strangle you?"),
        _lap("q6_jealous_controlling",
             "آیا او حسادتی شدید و خشونت‌آمیز یا همیشگی دارد، یا بیشتر کارهای روزانهٔ"
             " شما را کنترل می‌کند؟",
             "Is he or she violently or constantly jealous, or does he or she control most"
             " of your daily activities?"),
        _lap("q7_separated",
             "آیا پس از زندگی مشترک یا ازدواج، او را ترک کرده‌اید یا از او جدا شده‌اید؟",
             "Have you left him or her, or separated, after living together or being"
             " married?"),
        _lap("q8_unemployed",
             "آیا او بیکار است؟",
             "Is he or she unemployed?"),
        _lap("q9_tried_suicide",
             "آیا او تا به حال اقدام به خودکشی کرده است؟",
             "Has he or she ever tried to kill himself or herself?"),
        _lap("q10_child_not_theirs",
             "آیا فرزندی دارید که او می‌داند فرزند خودش نیست؟",
             "Do you have a child that he or she knows is not his or hers?"),
        _lap("q11_stalks",
             "آیا او شما را تعقیب می‌کند، زیر نظر دارد، یا پیام‌های تهدیدآمیز برایتان"
             " می‌گذارد؟",
             "Does he or she follow or spy on you or leave threatening messages?"),
    ),
    rules=(
        Rule(RiskLevel.immediate, _LAP_IN_DANGER,
             "آزارگر همین حالا حاضر است یا فرد همین حالا در خطر است: خطر فوری.",
             "The abuser is present or the person is in danger right now: immediate danger."),
        Rule(RiskLevel.high, yes(*_LAP_TRIGGER),
             "پاسخ «بله» به دست‌کم یکی از پرسش‌های ۱ تا ۳: خطر بالا، پاسخ‌های دیگر هرچه باشد.",
             "Yes to at least one of Q1–Q3: high danger whatever the other answers."),
        Rule(RiskLevel.high, yes(*_LAP_COUNTED, at_least=4),
             "پاسخ «بله» به دست‌کم چهار پرسش از پرسش‌های ۴ تا ۱۱: خطر بالا.",
             "Yes to at least four of Q4–Q11: high danger."),
        Rule(RiskLevel.medium, yes(*_LAP_COUNTED),
             "پاسخ «بله» به یک تا سه پرسش از پرسش‌های ۴ تا ۱۱: خطر متوسط.",
             "Yes to one to three of Q4–Q11: medium danger."),
    ),
    default_level=RiskLevel.low,
    default_reason_fa="پاسخ همهٔ پرسش‌ها «خیر» بود: خطر کم.",
    default_reason_en="No to every question: low danger.",
)

# ---------------------------------------------------------------- child-safety check

_CHILD_IN_DANGER = yes("danger_now")


def _child(qid: str, text_fa: str, text_en: str) -> Question:
    return Question(qid, text_fa, text_en, optional_if=_CHILD_IN_DANGER)


CHILD_SAFETY_CHECK = Protocol(
    id=ProtocolId.child_safety_check,
    version="2024-1",
    title_fa="بررسی فوری ایمنی کودک (بررسی خود پناه، نه یک ابزار منتشرشده)",
    title_en="Immediate child-safety check (Panah's own check, not a published instrument)",
    source="Panah's own check; not a published or validated instrument.",
    questions=(
        Question("danger_now",
                 "آیا کودک همین الان در خطر است؟",
                 "Is the child in danger right now?"),
        _child("injured",
               "آیا کودک آسیب دیده است و به مراقبت پزشکی نیاز دارد؟",
               "Is the child injured and in need of medical care?"),
        _child("alone",
               "آیا کودک تنهاست و هیچ بزرگسال مراقبی کنارش نیست؟",
               "Is the child alone, without a caring adult?"),
        _child("abuser_access",
               "آیا کسی که به کودک آسیب زده الان پیش اوست، یا امشب به او دسترسی دارد؟",
               "Is the person who harmed the child with the child now, or able to reach"
               " the child tonight?"),
        _child("under_six",
               "آیا کودک کمتر از ۶ سال دارد؟",
               "Is the child under 6 years old?"),
        _child("disability",
               "آیا کودک معلولیت دارد؟",
               "Does the child have a disability?"),
        Question("previous_reports",
                 "آیا پیش از این دربارهٔ این کودک به ۱۲۳ یا بهزیستی گزارشی داده شده است؟",
                 "Has this child been reported to 123 or the Welfare Organization before?",
                 kind=AnswerType.choice,
                 choices=(Choice("yes", "بله", "Yes"), Choice("no", "خیر", "No"),
                          Choice("unknown", "نمی‌دانم", "Don't know")),
                 optional_if=_CHILD_IN_DANGER),
    ),
    rules=(
        Rule(RiskLevel.immediate, yes("danger_now", "injured"),
             "کودک همین حالا در خطر است یا آسیبی دارد که مراقبت پزشکی می‌خواهد: خطر فوری.",
             "The child is in danger now or has an injury needing care: immediate danger."),
        Rule(RiskLevel.high, yes("abuser_access", "alone"),
             "آزارگر به کودک دسترسی دارد یا کودک بی‌مراقب تنهاست: خطر بالا.",
             "The alleged abuser can reach the child, or the child is alone without a"
             " caring adult: high risk."),
        Rule(RiskLevel.medium, yes("under_six", "disability"),
             "کودک خردسال است یا معلولیت دارد: خطر متوسط.",
             "The child is under 6 or has a disability: medium risk."),
        Rule(RiskLevel.medium, answered("previous_reports", "yes"),
             "پیش از این دربارهٔ کودک گزارش داده شده است: خطر متوسط.",
             "The child has been reported before: medium risk."),
    ),
    default_level=RiskLevel.low,
    default_reason_fa="هیچ نشانهٔ خطر یا آسیب‌پذیری گزارش نشد: خطر کم.",
    default_reason_en="No sign of danger or vulnerability was reported: low risk.",
)

# ---------------------------------------------------------------- registry

ALL_VERSIONS: tuple[Protocol, ...] = (CSSRS_SCREENER, LETHALITY_SCREEN, CHILD_SAFETY_CHECK)


def _by_id(protocols: tuple[Protocol, ...]) -> dict[str, dict[str, Protocol]]:
    versions: dict[str, dict[str, Protocol]] = {}
    for protocol in sorted(protocols, key=lambda p: (list(ProtocolId).index(p.id), p.version_key)):
        versions.setdefault(protocol.id.value, {})[protocol.version] = protocol
    return versions


VERSIONS: Mapping[str, Mapping[str, Protocol]] = MappingProxyType(
    {pid: MappingProxyType(by_version) for pid, by_version in _by_id(ALL_VERSIONS).items()}
)
# The latest version of each protocol: what a new screen is asked by.
PROTOCOLS: Mapping[str, Protocol] = MappingProxyType(
    {pid: list(by_version.values())[-1] for pid, by_version in VERSIONS.items()}
)


def get(protocol_id: str, version: str | None = None) -> Protocol:
    """A protocol by id, at ``version`` or (``None``) its latest; unknown → NotFound."""
    by_version = VERSIONS.get(protocol_id)
    if by_version is None:
        known = ", ".join(VERSIONS)
        raise NotFound(
            f"There is no risk protocol {protocol_id!r}. Use one of: {known}.",
            f"پروتکل خطری با شناسهٔ «{protocol_id}» وجود ندارد. یکی از این‌ها را به کار"
            f" ببرید: {known}.",
            protocol_id=protocol_id,
        )
    if version is None:
        return PROTOCOLS[protocol_id]
    protocol = by_version.get(version)
    if protocol is None:
        known = ", ".join(by_version)
        raise NotFound(
            f"Protocol {protocol_id} has no version {version!r}. Use one of: {known}.",
            f"پروتکل {protocol_id} نسخهٔ «{version}» ندارد. یکی از این نسخه‌ها را به کار"
            f" ببرید: {known}.",
            protocol_id=protocol_id, version=version,
        )
    return protocol
