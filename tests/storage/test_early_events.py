"""Ghost calls, on every backend: an answer or a hang-up that overtakes its call's offer is
held, stored like every event, and applied when the call is offered (in the same batch, a
later one, or by the timer when another process offered it at the same moment), so a
caller who hung up never waits in the queue; one whose call never comes is refused after
an hour, with the reason."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select

from panah.core.db import unit_of_work
from panah.intake.inbound.events import Receipt, receive_many
from panah.intake.inbound.scheduled import HOLD_FOR, apply_waiting, give_up
from panah.intake.model import Channel
from panah.intake.orm import Callback, Contact, HeldEvent, InboundEvent
from panah.intake.routing.context import routing_context
from panah.intake.service import NewContact, open_contact
from tests.storage.intake_line import CHALUS, NOW, Line, call


def state_of(line: Line, call_id: str) -> str:
    with unit_of_work(line.factory) as session:
        return session.scalars(select(Contact.state).where(
            Contact.external_id == call_id)).one()


def event(line: Line, key: str) -> tuple[str, int | None]:
    with unit_of_work(line.factory) as session:
        row = session.scalars(select(InboundEvent).where(InboundEvent.key == key)).one()
        return row.status, row.contact_id


def test_a_hang_up_before_its_offer_is_held_then_applied_when_the_call_is_offered(
    line: Line,
) -> None:
    (early,) = receive_many(line.factory, [call("call.ended", "g1")], now=NOW,
                            process=line.process)
    assert isinstance(early, Receipt) and (early.status, early.contact_id) == ("held", None)
    assert line.count(HeldEvent) == 1 and event(line, "g1-call.ended")[0] == "held"

    (offered,) = receive_many(line.factory, [call("call.offered", "g1", location=CHALUS)],
                              now=NOW, process=line.process)
    assert isinstance(offered, Receipt) and offered.status == "processed"
    assert state_of(line, "g1") == "callback_due"  # the caller is gone: call back, not queue
    assert event(line, "g1-call.ended") == ("processed", offered.contact_id)
    assert line.count(HeldEvent) == 0
    assert line.count(Callback, Callback.contact_id == offered.contact_id) == 1


def test_events_that_overtake_their_offer_in_one_batch_are_applied_in_that_batch(
    line: Line,
) -> None:
    outcomes = receive_many(line.factory, [
        call("call.ended", "g2"), call("call.answered", "g2"),
        call("call.offered", "g2", location=CHALUS), call("call.offered", "g3")],
        now=NOW, process=line.process)
    ended, answered, offered, _ = outcomes
    assert all(isinstance(o, Receipt) and o.status == "processed" for o in outcomes)
    assert ended.contact_id == answered.contact_id == offered.contact_id  # type: ignore[union-attr]
    assert state_of(line, "g2") == "wrap_up" and state_of(line, "g3") == "queued"
    assert line.count(HeldEvent) == 0


def test_a_call_offered_elsewhere_at_the_same_moment_is_settled_by_the_timer(
    line: Line,
) -> None:
    receive_many(line.factory, [call("call.ended", "g4")], now=NOW, process=line.process)
    with unit_of_work(line.factory) as session:  # another process opened it, unaware
        contact_id = open_contact(session, new=NewContact(Channel.voice, "g4", "+989121112222"),
                                  context=routing_context(session), now=NOW).id
    assert state_of(line, "g4") == "queued"
    with unit_of_work(line.factory) as session:
        assert apply_waiting(session, now=NOW + timedelta(seconds=1)) == 1
    assert state_of(line, "g4") == "callback_due"
    assert event(line, "g4-call.ended") == ("processed", contact_id)


def test_a_held_event_whose_call_never_comes_is_refused_after_an_hour_with_why(
    line: Line,
) -> None:
    receive_many(line.factory, [call("call.ended", "g5")], now=NOW, process=line.process)
    with unit_of_work(line.factory) as session:
        assert give_up(session, now=NOW + HOLD_FOR - timedelta(seconds=1)) == 0
        assert give_up(session, now=NOW + HOLD_FOR + timedelta(seconds=1)) == 1
    assert event(line, "g5-call.ended") == ("rejected", None)
    with unit_of_work(line.factory) as session:
        error = session.scalars(select(InboundEvent.error).where(
            InboundEvent.key == "g5-call.ended")).one()
    assert error is not None and "g5" in error and line.count(HeldEvent) == 0
