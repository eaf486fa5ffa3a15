"""The taxonomy and the risk protocols as the counsellor's console asks them: the
categories, a protocol's questions, and where a screen stands given the answers so far.
Nothing here reads or stores anything: the definitions are Panah's own (``protocol_data``)."""

from __future__ import annotations

from dataclasses import dataclass

from panah.core.errors import InvalidInput
from panah.triage import protocol_data
from panah.triage.protocols import (
    Answers,
    Protocol,
    Question,
    check_answers,
    next_question,
    score,
)
from panah.triage.schemas import (
    CategoryPublic,
    NextQuestionOut,
    ProtocolPublic,
    category_public,
    protocol_public,
    question_public,
    score_out,
)
from panah.triage.taxonomy import TAXONOMY


def categories() -> list[CategoryPublic]:
    """What a contact can be about: the target groups, then information and referral."""
    return [category_public(c) for c in TAXONOMY.values()]


def protocol(protocol_id: str) -> ProtocolPublic:
    """A risk protocol (its latest version); NotFound for an unknown one."""
    return protocol_public(protocol_data.get(protocol_id))


def next_step(protocol_id: str, answers: Answers, believes_high_danger: bool,
              ) -> NextQuestionOut:
    """The question to ask next given the answers so far (the branching), or the score
    when every question that is needed has an answer."""
    found = protocol_data.get(protocol_id)
    check_answers(found, answers, partial=True)
    question = next_question(found, answers)
    if question is not None:
        return NextQuestionOut(question=question_public(question), complete=False)
    result = score(found, answers, counsellor_believes_high_danger=believes_high_danger)
    return NextQuestionOut(question=None, complete=True, score=score_out(result))


@dataclass(frozen=True, slots=True)
class ScreenProgress:
    """Where a screen in the panel stands: the question to ask next (``None``: none is
    left) and whether the answers so far are enough to finish it."""

    question: Question | None
    can_finish: bool


def screen_progress(protocol_id: str, answers: Answers) -> ScreenProgress:
    """Where the screen stands; InvalidInput if an answer so far does not fit."""
    found = protocol_data.get(protocol_id)
    check_answers(found, answers, partial=True)
    return ScreenProgress(next_question(found, answers), _complete(found, answers))


def _complete(found: Protocol, answers: Answers) -> bool:
    try:
        check_answers(found, answers)
    except InvalidInput:
        return False
    return True
