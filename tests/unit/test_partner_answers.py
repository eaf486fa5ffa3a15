"""What a partner may answer from its inbox (pure rules of panah.triage.referrals.model)."""

from __future__ import annotations

import pytest

from panah.core.errors import InvalidInput
from panah.triage.referrals.model import (
    PARTNER_NOTE_MAX,
    ReferralState,
    check_partner_answer,
    partner_moves,
)

S = ReferralState


@pytest.mark.parametrize(("state", "moves"), [
    (S.requested, (S.received, S.accepted, S.rejected)),
    (S.received, (S.accepted, S.rejected)),
    (S.accepted, (S.in_progress,)),
    (S.in_progress, (S.completed,)),
    (S.rejected, ()), (S.completed, ()), (S.cancelled, ()),
])
def test_a_partner_is_offered_only_the_answers_the_lifecycle_allows(
    state: ReferralState, moves: tuple[ReferralState, ...]
) -> None:
    assert partner_moves(state) == moves


def test_withdrawing_is_the_123_lines_not_the_partners() -> None:
    assert S.cancelled not in partner_moves(S.requested)
    with pytest.raises(InvalidInput) as refused:
        check_partner_answer(S.cancelled, None)
    assert refused.value.details["field"] == "state"


@pytest.mark.parametrize("note", [None, "", "   \n "])
def test_declining_without_a_reason_is_refused_in_both_languages(note: str | None) -> None:
    with pytest.raises(InvalidInput) as refused:
        check_partner_answer(S.rejected, note)
    assert "Say why you decline" in refused.value.message_en
    assert "بنویسید چرا" in refused.value.message_fa


def test_a_note_is_trimmed_and_kept_within_bounds() -> None:
    assert check_partner_answer(S.rejected, "  not  our\n district ") == "not our district"
    assert check_partner_answer(S.accepted, " ") is None
    with pytest.raises(InvalidInput):
        check_partner_answer(S.accepted, "x" * (PARTNER_NOTE_MAX + 1))
