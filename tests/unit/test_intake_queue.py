"""Queue order: risk, then waiting time, ageing with a stated bound, and skills."""

from __future__ import annotations

from datetime import timedelta

import pytest

from panah.core.errors import InvalidInput
from panah.intake.model import Language, RiskLevel
from panah.intake.queue.model import (
    AgeingPolicy,
    Counsellor,
    QueueEntry,
    SkillPolicy,
    effective_level,
    next_for,
    order_queue,
)
from tests.conftest import NOWRUZ

NOW = NOWRUZ
STEP = AgeingPolicy().step  # 2 minutes
BOUND = AgeingPolicy().immediate_after  # 15 minutes


def entry(id_: str, risk: RiskLevel, waited: timedelta = timedelta(0), **kw: object) -> QueueEntry:
    return QueueEntry(id_, risk, NOW - waited, **kw)  # type: ignore[arg-type]


def ids(entries: list[QueueEntry]) -> list[str]:
    return [e.id for e in entries]


# Named counsellors of the Mazandaran line.
negar = Counsellor("negar", frozenset({Language.persian, Language.mazandarani}), is_woman=True)
bahram = Counsellor("bahram", frozenset({Language.persian}), is_woman=False)
ayaz = Counsellor("ayaz", frozenset({Language.persian, Language.azeri}), is_woman=False)


def test_risk_comes_first_when_everyone_arrived_together() -> None:
    entries = [entry(r.value, r) for r in reversed(list(RiskLevel))]
    assert ids(order_queue(entries, now=NOW)) == [
        "immediate", "high", "medium", "low", "information",
    ]


def test_within_a_risk_level_the_longest_wait_goes_first() -> None:
    entries = [entry("b", RiskLevel.medium, timedelta(seconds=10)),
               entry("a", RiskLevel.medium, timedelta(seconds=50))]
    assert ids(order_queue(entries, now=NOW)) == ["a", "b"]


def test_ties_are_broken_by_id_deterministically() -> None:
    entries = [entry("c", RiskLevel.low), entry("a", RiskLevel.low), entry("b", RiskLevel.low)]
    assert ids(order_queue(entries, now=NOW)) == ["a", "b", "c"]
    assert ids(order_queue(list(reversed(entries)), now=NOW)) == ["a", "b", "c"]


def test_each_step_waited_lifts_a_contact_one_level() -> None:
    assert effective_level(entry("x", RiskLevel.information), now=NOW) == 4
    assert effective_level(entry("x", RiskLevel.information, STEP), now=NOW) == 3
    assert effective_level(entry("x", RiskLevel.information, 2 * STEP), now=NOW) == 2
    assert effective_level(entry("x", RiskLevel.information, 3 * STEP - timedelta(seconds=1)),
                           now=NOW) == 2


def test_ageing_alone_lifts_no_higher_than_high_before_the_bound() -> None:
    almost = BOUND - timedelta(seconds=1)
    assert effective_level(entry("x", RiskLevel.information, almost), now=NOW) == 1
    assert effective_level(entry("x", RiskLevel.information, BOUND), now=NOW) == 0


def test_a_low_risk_contact_eventually_overtakes_a_newer_high_risk_one() -> None:
    low = entry("low", RiskLevel.low, 2 * STEP + timedelta(seconds=1))
    high = entry("high", RiskLevel.high, timedelta(seconds=1))
    assert ids(order_queue([high, low], now=NOW)) == ["low", "high"]
    # one second earlier in its wait, it was still behind
    assert ids(order_queue([high, low], now=NOW - timedelta(seconds=2))) == ["high", "low"]


def test_immediate_danger_is_never_overtaken_within_the_bound() -> None:
    newcomer = entry("danger", RiskLevel.immediate)
    for minutes in range(int(BOUND / timedelta(minutes=1))):
        for risk in (RiskLevel.high, RiskLevel.medium, RiskLevel.low, RiskLevel.information):
            waiting = entry("waiting", risk, timedelta(minutes=minutes, seconds=59))
            assert ids(order_queue([waiting, newcomer], now=NOW))[0] == "danger"


def test_after_the_bound_the_longest_waiting_contact_goes_first() -> None:
    newcomer = entry("danger", RiskLevel.immediate)
    waiting = entry("waiting", RiskLevel.information, BOUND)
    assert ids(order_queue([newcomer, waiting], now=NOW)) == ["waiting", "danger"]


def test_no_one_waits_forever_behind_a_stream_of_new_high_risk_contacts() -> None:
    info = entry("info", RiskLevel.information, BOUND)
    stream = [entry(f"new-{i}", RiskLevel.immediate, timedelta(seconds=i)) for i in range(50)]
    assert ids(order_queue([*stream, info], now=NOW))[0] == "info"


def test_the_ageing_policy_is_a_parameter_and_refuses_nonsense() -> None:
    fast = AgeingPolicy(step=timedelta(seconds=10), immediate_after=timedelta(minutes=1))
    assert effective_level(entry("x", RiskLevel.low, timedelta(seconds=20)), now=NOW,
                           ageing=fast) == 1
    with pytest.raises(InvalidInput):
        AgeingPolicy(step=timedelta(0))


def test_a_clock_slightly_behind_an_entry_does_not_reorder() -> None:
    future = QueueEntry("f", RiskLevel.low, NOW + timedelta(seconds=5))
    assert effective_level(future, now=NOW) == RiskLevel.low.rank


# ---- skills ------------------------------------------------------------------------------


def test_a_counsellor_gets_the_first_contact_they_can_serve() -> None:
    entries = [entry("azeri", RiskLevel.high, language=Language.azeri),
               entry("persian", RiskLevel.medium)]
    online = [bahram, ayaz]
    assert next_for(bahram, entries, NOW, online=online).id == "persian"  # type: ignore[union-attr]
    assert next_for(ayaz, entries, NOW, online=online).id == "azeri"  # type: ignore[union-attr]


def test_a_request_for_a_woman_counsellor_is_honoured() -> None:
    entries = [entry("asks-woman", RiskLevel.high, wants_woman_counsellor=True),
               entry("other", RiskLevel.low)]
    online = [negar, bahram]
    assert next_for(bahram, entries, NOW, online=online).id == "other"  # type: ignore[union-attr]
    assert next_for(negar, entries, NOW, online=online).id == "asks-woman"  # type: ignore[union-attr]


def test_with_no_woman_online_the_request_falls_back_after_the_stated_wait() -> None:
    wait = SkillPolicy().woman_fallback  # 2 minutes
    waiting = entry("asks-woman", RiskLevel.high, wait - timedelta(seconds=1),
                    wants_woman_counsellor=True)
    assert next_for(bahram, [waiting], NOW, online=[bahram]) is None
    assert next_for(bahram, [waiting], NOW + timedelta(seconds=1), online=[bahram]) is waiting


def test_an_unspoken_language_falls_back_to_persian_after_the_stated_wait() -> None:
    wait = SkillPolicy().language_fallback  # 60 seconds
    baluchi = entry("baluchi", RiskLevel.medium, wait - timedelta(seconds=1),
                    language=Language.baluchi)
    assert next_for(bahram, [baluchi], NOW, online=[bahram, negar]) is None
    assert next_for(bahram, [baluchi], NOW + timedelta(seconds=1),
                    online=[bahram, negar]) is baluchi


def test_no_persian_fallback_while_someone_online_speaks_the_language() -> None:
    azeri = entry("azeri", RiskLevel.medium, timedelta(minutes=10), language=Language.azeri)
    assert next_for(bahram, [azeri], NOW, online=[bahram, ayaz]) is None
    assert next_for(ayaz, [azeri], NOW, online=[bahram, ayaz]) is azeri


def test_the_fallback_wait_is_a_parameter() -> None:
    kurdish = entry("kurdish", RiskLevel.low, timedelta(seconds=5), language=Language.kurdish)
    quick = SkillPolicy(language_fallback=timedelta(seconds=5))
    assert next_for(bahram, [kurdish], NOW, skills=quick) is kurdish


def test_the_counsellor_counts_as_online_even_when_not_listed() -> None:
    azeri = entry("azeri", RiskLevel.medium, timedelta(minutes=10), language=Language.azeri)
    assert next_for(ayaz, [azeri], NOW) is azeri


def test_skills_follow_queue_order_including_ageing() -> None:
    old_low = entry("old-low", RiskLevel.low, 3 * STEP)
    new_high = entry("new-high", RiskLevel.high)
    assert next_for(bahram, [new_high, old_low], NOW).id == "old-low"  # type: ignore[union-attr]


def test_an_empty_queue_gives_nothing() -> None:
    assert next_for(negar, [], NOW) is None
