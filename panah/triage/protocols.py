"""Risk protocols: the types, the branching, the checks and the scoring (pure).

A protocol is data (see ``protocol_data``): questions in the order they are asked, each with
an ``ask_if`` condition on earlier answers (the branching) and an ``optional_if`` condition
(once it holds the question may still be asked but need not be answered), and scoring
rules, each a condition with the risk level it gives. This module reads that data and
nothing else: no database, no web, no settings, no clock.

**Answers** are a mapping of question id to ``True``/``False`` (yes/no questions) or a
choice value (choice questions). Unanswered questions are simply absent.

**Checking** (:func:`check_answers`) refuses, with a Persian and English message naming the
question: an answer to a question the protocol does not have; a value of the wrong kind
(``"yes"`` for a yes/no question, a choice not offered); an answer to a question the
branching skips (stricter than ignoring it: a skipped answer means an earlier answer was
changed or mistyped, and scoring must not silently disagree with what was asked); and,
unless ``partial=True``, a required question left unanswered.

**Scoring** (:func:`score`) takes the most urgent level of the rules that fire, or the
protocol's default level when none does. The reasons are the rules that fired at that
level, each naming the questions whose answers triggered it. A counsellor who believes the
person is in high danger raises the level to *high* in every protocol (for the Lethality
Screen this is the LAP's "practitioner's belief" trigger); judgement never lowers a level,
and *immediate* stays immediate.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from enum import StrEnum

from panah.core.errors import InvalidInput
from panah.intake.model import RiskLevel

Answer = bool | str
Answers = Mapping[str, Answer]

VERSION_PATTERN = re.compile(r"(\d{4})-(\d+)")


class ProtocolId(StrEnum):
    """Ordered as they are suggested when a contact needs several."""

    cssrs_screener = "cssrs_screener"
    lethality_screen = "lethality_screen"
    child_safety_check = "child_safety_check"


class AnswerType(StrEnum):
    yes_no = "yes_no"
    choice = "choice"


@dataclass(frozen=True, slots=True)
class Choice:
    value: str
    text_fa: str
    text_en: str


@dataclass(frozen=True, slots=True)
class Condition:
    """Holds when at least ``at_least`` of ``answers`` (question id, value) were given."""

    answers: tuple[tuple[str, Answer], ...]
    at_least: int = 1

    def matched(self, given: Answers) -> tuple[str, ...]:
        """The question ids whose answer is the one this condition looks for."""
        return tuple(
            qid for qid, value in self.answers if qid in given and _same(given[qid], value)
        )

    def holds(self, given: Answers) -> bool:
        return len(self.matched(given)) >= self.at_least

    @property
    def question_ids(self) -> tuple[str, ...]:
        return tuple(qid for qid, _ in self.answers)


def yes(*question_ids: str, at_least: int = 1) -> Condition:
    """A yes to at least ``at_least`` of the questions (one, unless told)."""
    return Condition(tuple((qid, True) for qid in question_ids), at_least)


def answered(question_id: str, value: Answer) -> Condition:
    return Condition(((question_id, value),))


@dataclass(frozen=True, slots=True)
class Question:
    id: str
    text_fa: str
    text_en: str
    kind: AnswerType = AnswerType.yes_no
    choices: tuple[Choice, ...] = ()
    ask_if: Condition | None = None  # None: always asked
    optional_if: Condition | None = None  # None: required whenever asked
    note_fa: str = ""  # guidance for the counsellor, not read out
    note_en: str = ""

    def is_asked(self, given: Answers) -> bool:
        return self.ask_if is None or self.ask_if.holds(given)

    def is_required(self, given: Answers) -> bool:
        return self.is_asked(given) and not (
            self.optional_if is not None and self.optional_if.holds(given)
        )

    def accepts(self, value: object) -> bool:
        if self.kind is AnswerType.yes_no:
            return isinstance(value, bool)
        return isinstance(value, str) and value in {c.value for c in self.choices}


@dataclass(frozen=True, slots=True)
class Rule:
    """When ``condition`` holds the screen is at least ``level``, for the reason given."""

    level: RiskLevel
    condition: Condition
    reason_fa: str
    reason_en: str


@dataclass(frozen=True, slots=True)
class Protocol:
    id: ProtocolId
    version: str  # "YYYY-N": Panah's release of this definition
    title_fa: str
    title_en: str
    source: str  # where the instrument comes from, or that it is Panah's own
    questions: tuple[Question, ...]
    rules: tuple[Rule, ...]
    default_level: RiskLevel
    default_reason_fa: str
    default_reason_en: str

    def __post_init__(self) -> None:
        check_protocol(self)

    @property
    def version_key(self) -> tuple[int, int]:
        """Orders versions: "2025-1" after "2024-3"."""
        match = VERSION_PATTERN.fullmatch(self.version)
        return (int(match[1]), int(match[2])) if match else (0, 0)

    def question(self, question_id: str) -> Question | None:
        return next((q for q in self.questions if q.id == question_id), None)


@dataclass(frozen=True, slots=True)
class Reason:
    level: RiskLevel
    text_fa: str
    text_en: str
    question_ids: tuple[str, ...]  # the answers that triggered it (none for a default)


@dataclass(frozen=True, slots=True)
class ScreenResult:
    protocol_id: ProtocolId
    version: str
    level: RiskLevel
    reasons: tuple[Reason, ...]
    counsellor_override: bool = False  # the level came from the counsellor's judgement


def asked(protocol: Protocol, answers: Answers) -> tuple[Question, ...]:
    """The questions the branching asks, given the answers so far, in order."""
    return tuple(q for q in protocol.questions if q.is_asked(answers))


def next_question(protocol: Protocol, answers: Answers) -> Question | None:
    """The next question to put, or ``None`` when every question asked is answered.

    Optional questions are offered too (they inform the safety plan); the counsellor may
    pass them by, and :meth:`Question.is_required` says which may be passed.
    """
    return next((q for q in asked(protocol, answers) if q.id not in answers), None)


def check_answers(protocol: Protocol, answers: Answers, *, partial: bool = False) -> None:
    """Refuse answers the protocol cannot score (see the module docstring for the rules).

    ``partial=True`` checks an unfinished screen: everything but unanswered questions.
    """
    for qid, value in answers.items():
        question = protocol.question(qid)
        if question is None:
            raise _refusal(protocol, qid, "unknown")
        if not question.accepts(value):
            raise _refusal(protocol, qid, "value", value=value)
        if not question.is_asked(answers):
            raise _refusal(protocol, qid, "skipped")
    if partial:
        return
    for question in protocol.questions:
        if question.id not in answers and question.is_required(answers):
            raise _refusal(protocol, question.id, "missing")


def score(
    protocol: Protocol, answers: Answers, *, counsellor_believes_high_danger: bool = False
) -> ScreenResult:
    """The risk level of a finished screen and why; refuses answers it cannot score."""
    check_answers(protocol, answers)
    fired = [_reason(protocol, rule, answers) for rule in protocol.rules
             if rule.condition.holds(answers)]
    level = combine(r.level for r in fired) if fired else protocol.default_level
    reasons = [r for r in fired if r.level is level] or [
        Reason(level, protocol.default_reason_fa, protocol.default_reason_en, ())
    ]
    raised = counsellor_believes_high_danger and level.rank > RiskLevel.high.rank
    if raised:
        level = RiskLevel.high
        reasons = [OVERRIDE_REASON]
    return ScreenResult(protocol.id, protocol.version, level, tuple(reasons), raised)


OVERRIDE_REASON = Reason(
    RiskLevel.high,
    "کارشناس بر اساس قضاوت حرفه‌ای خود معتقد است فرد در خطر بالاست، هرچند پاسخ‌ها به‌تنهایی"
    " به این سطح نمی‌رسند.",
    "The counsellor believes the person is in high danger (practitioner's belief), though"
    " the answers alone do not reach that level.",
    (),
)


ANSWERS_FA, ANSWERS_EN = " پاسخ‌ها: ", " Answers: "  # between a rule's reason and its answers


def _reason(protocol: Protocol, rule: Rule, answers: Answers) -> Reason:
    """The rule's reason, followed by the answers that made it fire (each with its question)."""
    ids = rule.condition.matched(answers)
    fa, en = reason_texts(protocol, rule.reason_fa, rule.reason_en, ids, answers)
    return Reason(rule.level, fa, en, ids)


def reason_texts(protocol: Protocol, reason_fa: str, reason_en: str, ids: Iterable[str],
                 answers: Answers) -> tuple[str, str]:
    """A reason in both languages, followed by the answers to ``ids``, each named by its
    question's text (never its id)."""
    given = [line for line in answered_questions(protocol, answers) if line.question_id in ids]
    if not given:
        return reason_fa, reason_en
    fa = "؛ ".join(f"«{a.question_fa}» {a.answer_fa}" for a in given)
    en = "; ".join(f"\u201c{a.question_en}\u201d {a.answer_en}" for a in given)
    return f"{reason_fa}{ANSWERS_FA}{fa}.", f"{reason_en}{ANSWERS_EN}{en}."


@dataclass(frozen=True, slots=True)
class AnsweredQuestion:
    """One answer of a screen, with its question's text, in both languages."""

    question_id: str
    question_fa: str
    question_en: str
    answer_fa: str
    answer_en: str


def answered_questions(protocol: Protocol, answers: Answers) -> tuple[AnsweredQuestion, ...]:
    """The answers given, in the order the protocol asks its questions; an answer to a
    question the protocol does not have (an older definition) keeps its id as its text."""
    known = [q.id for q in protocol.questions]
    ordered = [qid for qid in known if qid in answers] + [q for q in answers if q not in known]
    return tuple(AnsweredQuestion(
        qid, *_question_texts(protocol, qid),
        _answer_text(protocol, qid, answers[qid], "fa"),
        _answer_text(protocol, qid, answers[qid], "en")) for qid in ordered)


def _question_texts(protocol: Protocol, qid: str) -> tuple[str, str]:
    question = protocol.question(qid)
    return (question.text_fa, question.text_en) if question else (qid, qid)


def _answer_text(protocol: Protocol, qid: str, value: Answer, language: str) -> str:
    if isinstance(value, bool):
        return {("en", True): "Yes", ("en", False): "No", ("fa", True): "بله",
                ("fa", False): "خیر"}[(language, value)]
    question = protocol.question(qid)
    choice = next((c for c in question.choices if c.value == value), None) if question else None
    if choice is None:
        return value
    return choice.text_en if language == "en" else choice.text_fa


def combine(levels: Iterable[RiskLevel]) -> RiskLevel:
    """The most urgent of several levels; ``information`` when there are none."""
    return min(levels, key=lambda level: level.rank, default=RiskLevel.information)


def _same(given: Answer, wanted: Answer) -> bool:
    # A yes/no answer must never match a choice value, nor the reverse.
    return isinstance(given, bool) == isinstance(wanted, bool) and given == wanted


_REFUSALS: dict[str, tuple[str, str]] = {
    "unknown": (
        "Question '{qid}' is not in {title_en} ({version}). Answer only its questions.",
        "پرسش «{qid}» در {title_fa} (نسخهٔ {version}) نیست. فقط به پرسش‌های همین"
        " پروتکل پاسخ دهید.",
    ),
    "value": (
        "Question '{qid}' of {title_en} cannot take {value!r}. Answer {expected}.",
        "پرسش «{qid}» در {title_fa} پاسخ {value!r} را نمی‌پذیرد. {expected_fa} را ثبت کنید.",
    ),
    "skipped": (
        "Question '{qid}' of {title_en} is not asked after the earlier answers. Remove its"
        " answer, or correct the earlier answer it depends on.",
        "با پاسخ‌های پیشین، پرسش «{qid}» در {title_fa} پرسیده نمی‌شود. پاسخ آن را بردارید"
        " یا پاسخ پیشینی را که به آن بسته است اصلاح کنید.",
    ),
    "missing": (
        "Question '{qid}' of {title_en} is unanswered, and the screen needs it. Ask it and"
        " record the answer.",
        "پرسش «{qid}» در {title_fa} بی‌پاسخ مانده است و این غربالگری به پاسخ آن نیاز دارد."
        " آن را بپرسید و پاسخ را ثبت کنید.",
    ),
}


def _refusal(protocol: Protocol, qid: str, why: str, value: object = None) -> InvalidInput:
    question = protocol.question(qid)
    expected, expected_fa = "yes or no (true or false)", "«بله» یا «خیر» (true یا false)"
    if question is not None and question.kind is AnswerType.choice:
        values = ", ".join(c.value for c in question.choices)
        expected, expected_fa = f"one of: {values}", f"یکی از این‌ها: {values}"
    fields = {
        "qid": qid, "version": protocol.version, "value": value, "expected": expected,
        "expected_fa": expected_fa, "title_en": protocol.title_en, "title_fa": protocol.title_fa,
    }
    en, fa = _REFUSALS[why]
    return InvalidInput(
        en.format(**fields), fa.format(**fields),
        protocol_id=protocol.id.value, version=protocol.version, question_id=qid, problem=why,
    )


def check_protocol(protocol: Protocol) -> None:
    """Refuse a definition the engine could not follow: it is data, so it is checked."""
    if protocol.version_key == (0, 0):
        raise _bad_definition(protocol, f"version {protocol.version!r} is not YYYY-N")
    seen: dict[str, Question] = {}
    for question in protocol.questions:
        if question.id in seen:
            raise _bad_definition(protocol, f"question {question.id!r} appears twice")
        if (question.kind is AnswerType.choice) != bool(question.choices):
            raise _bad_definition(protocol, f"question {question.id!r}: choices only for choice")
        for condition in (question.ask_if, question.optional_if):
            if condition is not None:
                _check_condition(protocol, condition, seen, question.id)
        seen[question.id] = question
    for rule in protocol.rules:
        _check_condition(protocol, rule.condition, seen, "a rule")


def _check_condition(
    protocol: Protocol, condition: Condition, earlier: Mapping[str, Question], where: str
) -> None:
    # A branch may look only at earlier questions, so answering in order is always possible.
    if not 1 <= condition.at_least <= len(condition.answers):
        raise _bad_definition(protocol, f"{where}: at_least outside 1..{len(condition.answers)}")
    for qid, value in condition.answers:
        question = earlier.get(qid)
        if question is None or not question.accepts(value):
            raise _bad_definition(protocol, f"{where}: {qid}={value!r} is not an earlier answer")


def _bad_definition(protocol: Protocol, problem: str) -> InvalidInput:
    return InvalidInput(
        f"The definition of protocol {protocol.id.value} {protocol.version} is wrong:"
        f" {problem}. Correct panah/triage/protocol_data.py.",
        f"تعریف پروتکل {protocol.id.value} نسخهٔ {protocol.version} نادرست است:"
        f" {problem}. فایل panah/triage/protocol_data.py را اصلاح کنید.",
        protocol_id=protocol.id.value, version=protocol.version,
    )
