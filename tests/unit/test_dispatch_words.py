"""The board reads right in Persian (issue 14, journey 7): every code the board, the crew's
phone and the incident page show — a unit's status, an incident's state, why a unit was
left out, a request's state ("taken"), who called, a visit's outcome — has its words in
both catalogues, and none of the board's words is developer text."""

from __future__ import annotations

import json

import pytest

from panah.dispatch.field import REPORT_OUTCOMES
from panah.dispatch.model import CAUTIONS, CallerKind, IncidentState
from panah.dispatch.recommend import EXCLUSION_REASONS
from panah.web.i18n import CATALOGUES
from panah.web.routes.dispatch_pages import WORD_GROUPS

REQUEST_STATES = ("requested", "taken")  # triage's request: waiting, then taken by dispatch
LANGS = ("fa", "en")


def catalogue(lang: str) -> dict[str, str]:
    loaded: dict[str, str] = json.loads((CATALOGUES / f"{lang}.json").read_text("utf-8"))
    return loaded


KEYS = sorted({
    *(f"incident.state.{s.value}" for s in IncidentState),
    *(f"board.excluded_reason.{r}" for r in EXCLUSION_REASONS),
    *(f"triage.state.{s}" for s in REQUEST_STATES),
    *(f"dispatch.caller.{k.value}" for k in CallerKind),
    *(f"field.outcome.{o}" for o in REPORT_OUTCOMES),
    *(f"triage.caution.{c}" for c in CAUTIONS),
    *(f"{group}.{code}" for group, codes in WORD_GROUPS.items() for code in codes),
})


@pytest.mark.parametrize("lang", LANGS)
def test_every_state_reason_caller_and_outcome_has_its_words(lang: str) -> None:
    words = catalogue(lang)
    missing = [key for key in KEYS if not words.get(key)]
    assert missing == []


def test_taken_is_said_in_persian_not_shown_as_a_code() -> None:
    assert catalogue("fa")["triage.state.taken"] != "taken"
    assert catalogue("fa")["board.excluded_reason.taken"] != "taken"


@pytest.mark.parametrize("lang", LANGS)
def test_the_boards_words_name_no_setting_and_no_api_path(lang: str) -> None:
    words = catalogue(lang)
    board = {k: v for k, v in words.items()
             if k.startswith(("board.", "incident.", "dispatch.", "field."))}
    developer = {k: v for k, v in board.items()
                 if "PANAH_" in v or "/api/" in v or "MQTT" in v or "HTTP" in v}
    assert developer == {}
