"""Risk protocols: branching, refusals and every scoring branch of each screen."""

from __future__ import annotations

import dataclasses

import pytest

from panah.core.errors import InvalidInput, NotFound
from panah.intake.model import RiskLevel
from panah.triage.protocol_data import (
    CHILD_SAFETY_CHECK,
    CSSRS_SCREENER,
    LETHALITY_SCREEN,
    PROTOCOLS,
    VERSIONS,
    get,
)
from panah.triage.protocols import (
    Answers,
    Protocol,
    ProtocolId,
    Question,
    Rule,
    check_answers,
    combine,
    next_question,
    score,
    yes,
)

CSSRS, LAP, CHILD = CSSRS_SCREENER, LETHALITY_SCREEN, CHILD_SAFETY_CHECK
ARABIC_YEH_KAF = {"\u064a", "\u0643"}


def sequence(protocol: Protocol, replies: Answers) -> list[str]:
    """Ask the protocol through, replying from ``replies``, and list the ids asked."""
    given: dict[str, bool | str] = {}
    while (question := next_question(protocol, given)) is not None:
        given[question.id] = replies[question.id]
    return list(given)


def refusal(protocol: Protocol, answers: Answers, **kw: bool) -> InvalidInput:
    with pytest.raises(InvalidInput) as caught:
        check_answers(protocol, answers, **kw)
    return caught.value


# ---------------------------------------------------------------- C-SSRS Screener

CSSRS_NO: dict[str, bool | str] = {
    "danger_now": False, "q1_wish_dead": False, "q2_suicidal_thoughts": False,
    "q6_behaviour": False,
}
CSSRS_Q2_YES: dict[str, bool | str] = {
    **CSSRS_NO, "q2_suicidal_thoughts": True, "q3_method": False, "q4_intent": False,
    "q5_plan": False,
}


def test_cssrs_no_to_every_question_is_low_not_information() -> None:
    result = score(CSSRS, CSSRS_NO)
    assert result.level is RiskLevel.low
    assert result.reasons[0].question_ids == ()
    assert (result.protocol_id, result.version) == (ProtocolId.cssrs_screener, "2024-1")


@pytest.mark.parametrize(
    ("changes", "level", "triggers"),
    [
        ({"q1_wish_dead": True}, RiskLevel.low, ("q1_wish_dead", "q2_suicidal_thoughts")),
        ({"q3_method": True}, RiskLevel.medium, ("q3_method",)),
        ({"q4_intent": True}, RiskLevel.high, ("q4_intent",)),
        ({"q5_plan": True}, RiskLevel.high, ("q5_plan",)),
        ({"q4_intent": True, "q5_plan": True}, RiskLevel.high, ("q4_intent", "q5_plan")),
        ({"q6_behaviour": True, "q6_recent": False}, RiskLevel.medium, ("q6_behaviour",)),
        ({"q6_behaviour": True, "q6_recent": True}, RiskLevel.high, ("q6_recent",)),
        ({"q3_method": True, "q6_behaviour": True, "q6_recent": True}, RiskLevel.high,
         ("q6_recent",)),
    ],
)
def test_cssrs_level_follows_the_screener_triage(
    changes: dict[str, bool], level: RiskLevel, triggers: tuple[str, ...]
) -> None:
    result = score(CSSRS, {**CSSRS_Q2_YES, **changes})
    assert result.level is level
    assert [r.question_ids for r in result.reasons] == [triggers]
    assert all(r.level is level for r in result.reasons)


def test_cssrs_non_specific_thoughts_only_is_low() -> None:
    result = score(CSSRS, CSSRS_Q2_YES)
    assert result.level is RiskLevel.low
    assert result.reasons[0].question_ids == ("q2_suicidal_thoughts",)


def test_cssrs_wish_to_be_dead_alone_is_low_with_q2_no() -> None:
    assert score(CSSRS, {**CSSRS_NO, "q1_wish_dead": True}).level is RiskLevel.low


def test_cssrs_lifetime_behaviour_with_q2_no_is_medium() -> None:
    answers = {**CSSRS_NO, "q6_behaviour": True, "q6_recent": False}
    assert score(CSSRS, answers).level is RiskLevel.medium


def test_cssrs_acting_now_is_immediate_and_the_rest_may_wait() -> None:
    result = score(CSSRS, {"danger_now": True})
    assert result.level is RiskLevel.immediate
    assert result.reasons[0].question_ids == ("danger_now",)
    assert score(CSSRS, {**CSSRS_Q2_YES, "danger_now": True, "q5_plan": True}).level is (
        RiskLevel.immediate
    )


def test_cssrs_no_to_q2_skips_to_q6() -> None:
    asked = sequence(CSSRS, {**CSSRS_NO, "q1_wish_dead": True})
    assert asked == ["danger_now", "q1_wish_dead", "q2_suicidal_thoughts", "q6_behaviour"]


def test_cssrs_yes_to_q2_asks_q3_to_q5_then_q6() -> None:
    assert sequence(CSSRS, CSSRS_Q2_YES) == [
        "danger_now", "q1_wish_dead", "q2_suicidal_thoughts", "q3_method", "q4_intent",
        "q5_plan", "q6_behaviour",
    ]


def test_cssrs_yes_to_q6_asks_whether_it_was_in_the_past_3_months() -> None:
    replies = {**CSSRS_NO, "q6_behaviour": True, "q6_recent": True}
    assert sequence(CSSRS, replies)[-2:] == ["q6_behaviour", "q6_recent"]
    question = next_question(CSSRS, {**CSSRS_NO, "q6_behaviour": True})
    assert question is not None and question.id == "q6_recent"
    assert next_question(CSSRS, CSSRS_NO) is None


def test_cssrs_answer_to_q3_after_no_to_q2_is_refused_as_skipped() -> None:
    error = refusal(CSSRS, {**CSSRS_NO, "q3_method": False})
    assert error.details["question_id"] == "q3_method"
    assert error.details["problem"] == "skipped"
    assert "q3_method" in error.message_en and "q3_method" in error.message_fa


def test_cssrs_yes_to_q6_without_the_follow_up_is_refused_naming_it() -> None:
    error = refusal(CSSRS, {**CSSRS_NO, "q6_behaviour": True})
    assert error.details["question_id"] == "q6_recent"
    assert error.details["problem"] == "missing"
    assert "q6_recent" in error.message_en and "q6_recent" in error.message_fa
    with pytest.raises(InvalidInput):
        score(CSSRS, {**CSSRS_NO, "q6_behaviour": True})


def test_cssrs_yes_to_q2_requires_q3_to_q5() -> None:
    answers = {k: v for k, v in CSSRS_Q2_YES.items() if k != "q4_intent"}
    assert refusal(CSSRS, answers).details["question_id"] == "q4_intent"


def test_a_partial_screen_is_checked_except_for_what_is_not_yet_asked() -> None:
    check_answers(CSSRS, {"danger_now": False, "q1_wish_dead": True}, partial=True)
    error = refusal(CSSRS, {"danger_now": "no"}, partial=True)
    assert error.details["problem"] == "value"


def test_the_first_question_of_every_protocol_is_danger_now() -> None:
    for protocol in PROTOCOLS.values():
        first = next_question(protocol, {})
        assert first is not None and first.id == "danger_now"


# ---------------------------------------------------------------- Lethality Screen

LAP_COUNTED = ["q4_gun", "q5_choked", "q6_jealous_controlling", "q7_separated",
               "q8_unemployed", "q9_tried_suicide", "q10_child_not_theirs", "q11_stalks"]
LAP_NO: dict[str, bool | str] = {
    "danger_now": False, "q1_weapon": False, "q2_threat_to_kill": False,
    "q3_might_kill": False, **dict.fromkeys(LAP_COUNTED, False),
}


def test_lethality_no_to_everything_is_low() -> None:
    result = score(LAP, LAP_NO)
    assert result.level is RiskLevel.low and not result.counsellor_override


@pytest.mark.parametrize("trigger", ["q1_weapon", "q2_threat_to_kill", "q3_might_kill"])
def test_yes_to_any_of_q1_to_q3_is_high_danger_whatever_else(trigger: str) -> None:
    result = score(LAP, {**LAP_NO, trigger: True})
    assert result.level is RiskLevel.high
    assert result.reasons[0].question_ids == (trigger,)
    # The answer is named by its question's text, never by the question's id.
    question = LAP.question(trigger)
    assert question is not None
    assert question.text_en in result.reasons[0].text_en
    assert question.text_fa in result.reasons[0].text_fa
    assert trigger not in result.reasons[0].text_en + result.reasons[0].text_fa


def test_yes_to_threatened_to_kill_is_high_danger_whatever_else() -> None:
    # Once the trigger is met, Q4–Q11 are still offered but need no answer.
    answers = {"danger_now": False, "q1_weapon": False, "q2_threat_to_kill": True,
               "q3_might_kill": False}
    assert score(LAP, answers).level is RiskLevel.high
    question = next_question(LAP, answers)
    assert question is not None and question.id == "q4_gun"
    assert not question.is_required(answers)


@pytest.mark.parametrize(
    ("yes_count", "level"),
    [(0, RiskLevel.low), (1, RiskLevel.medium), (2, RiskLevel.medium), (3, RiskLevel.medium),
     (4, RiskLevel.high), (5, RiskLevel.high), (8, RiskLevel.high)],
)
def test_lethality_counts_q4_to_q11_and_four_is_the_threshold(
    yes_count: int, level: RiskLevel
) -> None:
    answers = {**LAP_NO, **dict.fromkeys(LAP_COUNTED[:yes_count], True)}
    result = score(LAP, answers)
    assert result.level is level
    if yes_count:
        assert result.reasons[0].question_ids == tuple(LAP_COUNTED[:yes_count])


def test_three_of_q4_to_q11_is_medium_but_four_is_high() -> None:
    three = {**LAP_NO, "q5_choked": True, "q7_separated": True, "q11_stalks": True}
    assert score(LAP, three).level is RiskLevel.medium
    assert score(LAP, {**three, "q4_gun": True}).level is RiskLevel.high


@pytest.mark.parametrize(
    "answers", [LAP_NO, {**LAP_NO, "q8_unemployed": True}], ids=["none", "one"]
)
def test_counsellors_belief_raises_a_screened_out_lethality_screen_to_high(
    answers: Answers,
) -> None:
    result = score(LAP, answers, counsellor_believes_high_danger=True)
    assert result.level is RiskLevel.high and result.counsellor_override
    assert "practitioner" in result.reasons[0].text_en
    assert "قضاوت حرفه‌ای" in result.reasons[0].text_fa


def test_counsellors_belief_never_lowers_or_replaces_a_higher_level() -> None:
    high = score(LAP, {**LAP_NO, "q1_weapon": True}, counsellor_believes_high_danger=True)
    assert high.level is RiskLevel.high and not high.counsellor_override
    now = score(LAP, {"danger_now": True}, counsellor_believes_high_danger=True)
    assert now.level is RiskLevel.immediate and not now.counsellor_override


def test_counsellors_belief_raises_other_screens_too() -> None:
    result = score(CHILD, CHILD_NO, counsellor_believes_high_danger=True)
    assert result.level is RiskLevel.high and result.counsellor_override


def test_abuser_present_now_is_immediate_and_the_rest_may_wait() -> None:
    result = score(LAP, {"danger_now": True})
    assert result.level is RiskLevel.immediate
    assert score(LAP, {**LAP_NO, "danger_now": True, "q1_weapon": True}).level is (
        RiskLevel.immediate
    )


def test_lethality_asks_every_question_in_order() -> None:
    assert sequence(LAP, LAP_NO) == list(LAP_NO)
    assert sequence(LAP, {**LAP_NO, "q1_weapon": True})[4] == "q4_gun"


def test_lethality_q1_to_q3_are_required_when_not_in_danger_now() -> None:
    answers = {k: v for k, v in LAP_NO.items() if k != "q3_might_kill"}
    assert refusal(LAP, answers).details["question_id"] == "q3_might_kill"


def test_lethality_q4_to_q11_are_required_without_a_trigger() -> None:
    answers = {k: v for k, v in LAP_NO.items() if k != "q9_tried_suicide"}
    assert refusal(LAP, answers).details["question_id"] == "q9_tried_suicide"


# ---------------------------------------------------------------- child-safety check

CHILD_NO: dict[str, bool | str] = {
    "danger_now": False, "injured": False, "alone": False, "abuser_access": False,
    "under_six": False, "disability": False, "previous_reports": "no",
}


@pytest.mark.parametrize(
    ("changes", "level"),
    [
        ({}, RiskLevel.low),
        ({"previous_reports": "unknown"}, RiskLevel.low),
        ({"under_six": True}, RiskLevel.medium),
        ({"disability": True}, RiskLevel.medium),
        ({"previous_reports": "yes"}, RiskLevel.medium),
        ({"alone": True}, RiskLevel.high),
        ({"abuser_access": True, "under_six": True}, RiskLevel.high),
        ({"injured": True}, RiskLevel.immediate),
        ({"injured": True, "abuser_access": True}, RiskLevel.immediate),
    ],
)
def test_child_check_level(changes: dict[str, bool | str], level: RiskLevel) -> None:
    assert score(CHILD, {**CHILD_NO, **changes}).level is level


def test_child_in_danger_now_is_immediate_and_the_rest_may_wait() -> None:
    result = score(CHILD, {"danger_now": True})
    assert result.level is RiskLevel.immediate
    assert result.reasons[0].question_ids == ("danger_now",)


def test_child_check_reason_names_the_choice_given() -> None:
    reason = score(CHILD, {**CHILD_NO, "previous_reports": "yes"}).reasons[0]
    assert reason.question_ids == ("previous_reports",)
    assert ("\u201cHas this child been reported to 123 or the Welfare Organization before?\u201d"
            " Yes") in reason.text_en
    assert ("«آیا پیش از این دربارهٔ این کودک به ۱۲۳ یا بهزیستی گزارشی داده شده است؟» بله"
            in reason.text_fa)
    assert "previous_reports" not in reason.text_en + reason.text_fa


def test_child_check_is_labelled_as_panahs_own() -> None:
    assert "Panah's own" in CHILD.title_en and "پناه" in CHILD.title_fa
    assert "not a published" in CHILD.source


@pytest.mark.parametrize("value", ["maybe", True, ""])
def test_child_check_refuses_a_choice_it_does_not_offer(value: bool | str) -> None:
    error = refusal(CHILD, {**CHILD_NO, "previous_reports": value})
    assert error.details["problem"] == "value"
    assert "yes, no, unknown" in error.message_en and "yes, no, unknown" in error.message_fa


# ---------------------------------------------------------------- refusals, any protocol

@pytest.mark.parametrize("value", ["yes", "true", 1, 0, None])
def test_a_yes_no_question_takes_only_true_or_false(value: object) -> None:
    error = refusal(LAP, {**LAP_NO, "q5_choked": value})  # type: ignore[dict-item]
    assert error.details == {"protocol_id": "lethality_screen", "version": "2024-1",
                             "question_id": "q5_choked", "problem": "value"}
    assert "yes or no" in error.message_en and "«بله» یا «خیر»" in error.message_fa


def test_an_answer_to_a_question_the_protocol_lacks_is_refused() -> None:
    error = refusal(CSSRS, {**CSSRS_NO, "q7_anything": True})
    assert error.details["problem"] == "unknown"
    assert "q7_anything" in error.message_en and "q7_anything" in error.message_fa


def test_an_empty_screen_is_refused_naming_the_first_question() -> None:
    assert refusal(CHILD, {}).details["question_id"] == "danger_now"


# ---------------------------------------------------------------- combine and registry

@pytest.mark.parametrize(
    ("levels", "most_urgent"),
    [
        ([RiskLevel.low, RiskLevel.high, RiskLevel.medium], RiskLevel.high),
        ([RiskLevel.information, RiskLevel.immediate], RiskLevel.immediate),
        ([RiskLevel.low], RiskLevel.low),
        ([], RiskLevel.information),
    ],
)
def test_combine_gives_the_most_urgent(levels: list[RiskLevel], most_urgent: RiskLevel) -> None:
    assert combine(levels) is most_urgent
    assert combine(iter(levels)) is most_urgent


def test_registry_holds_the_three_protocols_at_their_latest_version() -> None:
    assert list(PROTOCOLS) == ["cssrs_screener", "lethality_screen", "child_safety_check"]
    assert get("cssrs_screener") is CSSRS
    assert get("lethality_screen", "2024-1") is LAP
    assert VERSIONS["child_safety_check"] == {"2024-1": CHILD}


def test_an_unknown_protocol_or_version_is_not_found_in_both_languages() -> None:
    with pytest.raises(NotFound) as caught:
        get("phq9")
    assert "cssrs_screener" in caught.value.message_en and "phq9" in caught.value.message_fa
    with pytest.raises(NotFound) as caught:
        get("cssrs_screener", "1999-1")
    assert "2024-1" in caught.value.message_en and "1999-1" in caught.value.message_fa


def test_versions_order_by_year_then_number() -> None:
    later = dataclasses.replace(CSSRS, version="2024-10")
    assert later.version_key > dataclasses.replace(CSSRS, version="2024-9").version_key
    assert dataclasses.replace(CSSRS, version="2025-1").version_key > later.version_key


def test_protocol_texts_use_persian_letters_and_every_question_has_both_languages() -> None:
    for protocol in PROTOCOLS.values():
        texts = [protocol.title_fa, protocol.default_reason_fa]
        texts += [q.text_fa for q in protocol.questions] + [q.note_fa for q in protocol.questions]
        texts += [r.reason_fa for r in protocol.rules]
        assert not ARABIC_YEH_KAF & set("".join(texts)), protocol.id
        assert all(q.text_fa and q.text_en for q in protocol.questions)


# ---------------------------------------------------------------- definitions are checked

Q = Question("a", "الف؟", "A?")


@pytest.mark.parametrize(
    ("changes", "problem"),
    [
        ({"version": "v2"}, "YYYY-N"),
        ({"questions": (Q, Q)}, "twice"),
        ({"questions": (Question("b", "ب؟", "B?", ask_if=yes("a")), Q)}, "earlier"),
        ({"questions": (Q, Question("b", "ب؟", "B?", ask_if=yes("a", at_least=2)))},
         "at_least"),
        ({"rules": (Rule(RiskLevel.high, yes("zzz"), "ز", "Z"),)}, "earlier"),
    ],
)
def test_a_protocol_definition_the_engine_cannot_follow_is_refused(
    changes: dict[str, object], problem: str
) -> None:
    base: dict[str, object] = {"questions": (Q,), "rules": ()}
    with pytest.raises(InvalidInput) as caught:
        dataclasses.replace(CHILD, **{**base, **changes})  # type: ignore[arg-type]
    assert problem in caught.value.message_en


def test_a_screens_answers_are_read_by_their_questions_in_the_order_they_are_asked() -> None:
    from panah.triage.protocols import answered_questions

    given = answered_questions(CHILD, {**CHILD_NO, "previous_reports": "unknown",
                                       "danger_now": True})
    assert [a.question_id for a in given] == [q.id for q in CHILD.questions
                                              if q.id in {**CHILD_NO, "danger_now": 1}]
    first = given[0]
    assert (first.question_fa, first.answer_fa) == ("آیا کودک همین الان در خطر است؟", "بله")
    assert (first.question_en, first.answer_en) == ("Is the child in danger right now?", "Yes")
    reports = next(a for a in given if a.question_id == "previous_reports")
    assert (reports.answer_fa, reports.answer_en) == ("نمی‌دانم", "Don't know")
    # An answer to a question an older definition had keeps its id: it is not dropped.
    assert answered_questions(CHILD, {"retired_question": True})[0].question_fa == (
        "retired_question")
