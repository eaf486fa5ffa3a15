"""``panah demo history`` on SQLite and PostgreSQL: bulk inserts, once; ``replace`` writes the
same again; the timers find nothing due in it; the demo's own rows are left alone."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta
from typing import Any

import pytest
from sqlalchemy import Engine, event, func, select
from sqlalchemy.orm import Session, sessionmaker

from panah.core.clock import FrozenClock
from panah.core.db import unit_of_work
from panah.core.errors import InvalidInput
from panah.core.timers import tick
from panah.demo_history.service import check_history, write_history
from panah.dispatch.orm import Assignment, Incident, UnitStatusEvent
from panah.intake.orm import Callback, CallbackAttempt, Contact, OutboundSms
from panah.integrations.sms import LoggingSmsProvider
from panah.security.orm import User
from panah.triage.orm import ContactCategory, ContactOutcome, DispatchRequest, Referral
from tests.conftest import NOWRUZ
from tests.storage.conftest import demo_database

HISTORY = Contact.external_id.like("history:%")


@pytest.fixture
def demo(empty_database_url: str) -> Iterator[tuple[Engine, sessionmaker[Session]]]:
    engine, factory = demo_database(empty_database_url, NOWRUZ)
    yield engine, factory
    engine.dispose()


def _statements(engine: Engine) -> list[str]:
    seen: list[str] = []

    @event.listens_for(engine, "before_cursor_execute")
    def count(_c: Any, _cur: Any, statement: str, *_args: Any) -> None:
        seen.append(statement)

    return seen


def _history_rows(session: Session) -> dict[str, int]:
    contacts = select(Contact.id).where(HISTORY).scalar_subquery()
    incidents = select(Incident.id).where(Incident.contact_id.in_(contacts)).scalar_subquery()

    def count(model: Any, column: Any, ids: Any = contacts) -> int:
        return session.scalar(select(func.count()).select_from(model)
                              .where(column.in_(ids))) or 0

    return {
        "contact": count(Contact, Contact.id),
        "category": count(ContactCategory, ContactCategory.contact_id),
        "outcome": count(ContactOutcome, ContactOutcome.contact_id),
        "callback": count(Callback, Callback.contact_id),
        "referral": count(Referral, Referral.contact_id),
        "dispatch_request": count(DispatchRequest, DispatchRequest.contact_id),
        "incident": count(Incident, Incident.contact_id),
        "assignment": count(Assignment, Assignment.incident_id, incidents),
        "status_event": count(UnitStatusEvent, UnitStatusEvent.incident_id, incidents),
    }


def test_history_is_written_in_bulk_once_and_replace_writes_the_same_again(
        demo: tuple[Engine, sessionmaker[Session]]) -> None:
    engine, factory = demo
    with unit_of_work(factory) as session:
        demo_contacts = session.scalar(select(func.count()).select_from(Contact))
        assert check_history(session, codes=[], months=2) == ["IR-01", "IR-02", "IR-23"]
    statements = _statements(engine)
    with unit_of_work(factory) as session:
        first = write_history(session, code="IR-02", months=2, seed=1405, now=NOWRUZ)
    inserts = [s for s in statements if s.lstrip().upper().startswith("INSERT")]
    assert first.contacts > 1500  # Esfand and 1 Farvardin
    assert len(inserts) < 40  # two months: a few statements per table per month, never a row each
    with unit_of_work(factory) as session:
        rows = _history_rows(session)
        keys = session.scalars(select(Contact.external_id).where(HISTORY)
                               .order_by(Contact.external_id)).all()
    assert rows["contact"] == first.contacts
    assert all(rows[table] > 0 for table in rows), rows

    with unit_of_work(factory) as session:
        again = write_history(session, code="IR-02", months=2, seed=1405, now=NOWRUZ)
        assert (again.contacts, again.already) == (0, first.contacts)
        assert _history_rows(session) == rows

    with unit_of_work(factory) as session:
        replaced = write_history(session, code="IR-02", months=2, seed=1405, now=NOWRUZ,
                                 replace=True)
    assert (replaced.removed, replaced.contacts) == (first.contacts, first.contacts)
    with unit_of_work(factory) as session:
        assert _history_rows(session) == rows
        assert session.scalars(select(Contact.external_id).where(HISTORY)
                               .order_by(Contact.external_id)).all() == keys
        total = session.scalar(select(func.count()).select_from(Contact))
        assert total == (demo_contacts or 0) + first.contacts  # the demo's own are kept


def test_history_is_finished_and_the_timers_find_nothing_due_in_it(
        demo: tuple[Engine, sessionmaker[Session]]) -> None:
    _, factory = demo
    with unit_of_work(factory) as session:
        for code in ("IR-02", "IR-01"):
            write_history(session, code=code, months=2, seed=7, now=NOWRUZ)
        contacts = select(Contact.id).where(HISTORY).scalar_subquery()
        assert session.scalar(select(func.max(Contact.offered_at)).where(HISTORY)) is not None
        for column in (Contact.offered_at, Contact.closed_at, Callback.done_at,
                       Referral.completed_at, Incident.closed_at, UnitStatusEvent.at,
                       CallbackAttempt.at):
            latest = session.scalar(select(func.max(column)))
            assert latest is None or latest.replace(tzinfo=NOWRUZ.tzinfo) <= NOWRUZ
        states = {
            "contact": set(session.scalars(select(Contact.state).where(HISTORY).distinct())),
            "callback": set(session.scalars(select(Callback.state).where(
                Callback.contact_id.in_(contacts)).distinct())),
            "referral": set(session.scalars(select(Referral.state).where(
                Referral.contact_id.in_(contacts)).distinct())),
            "incident": set(session.scalars(select(Incident.state).where(
                Incident.contact_id.in_(contacts)).distinct())),
        }
        assert states == {"contact": {"closed", "callback_done"}, "callback": {"done"},
                          "referral": {"completed", "rejected"}, "incident": {"closed"}}
        assert not session.scalar(select(func.count()).select_from(Contact).where(
            HISTORY, Contact.next_overflow_at.is_not(None)))
        gilan = session.scalar(select(User.id).where(User.username == "counsellor_gilan"))
        assert session.scalar(select(func.count()).select_from(Contact).where(
            Contact.external_id.like("history:IR-02:%"), Contact.assigned_to == gilan))

    tick(factory, clock=FrozenClock(NOWRUZ + timedelta(minutes=1)), sms=LoggingSmsProvider())
    with unit_of_work(factory) as session:
        assert not session.scalar(select(func.count()).select_from(Referral).where(
            Referral.contact_id.in_(contacts), Referral.escalated_at.is_not(None)))
        assert set(session.scalars(select(Callback.state).where(
            Callback.contact_id.in_(contacts)).distinct())) == {"done"}
        assert not session.scalar(select(func.count()).select_from(OutboundSms).where(
            OutboundSms.contact_id.in_(contacts)))


def test_a_province_without_a_line_in_the_demo_is_refused_naming_the_option(
        demo: tuple[Engine, sessionmaker[Session]]) -> None:
    _, factory = demo
    with unit_of_work(factory) as session, pytest.raises(InvalidInput) as refused:
        check_history(session, codes=["IR-08"], months=13)
    assert refused.value.details["field"] == "province" and "IR-02" in str(refused.value)
    with unit_of_work(factory) as session, pytest.raises(InvalidInput) as refused:
        check_history(session, codes=[], months=0)
    assert refused.value.details["field"] == "months"


def _history_cli(database_url: str, *args: str) -> tuple[int, str]:
    from typer.testing import CliRunner

    from panah.cli import app as cli
    from tests.conftest import TEST_ENCRYPTION_KEYS, TEST_HASH_KEY

    env = {"PANAH_DATABASE_URL": database_url, "PANAH_ENCRYPTION_KEYS": TEST_ENCRYPTION_KEYS,
           "PANAH_HASH_KEY": TEST_HASH_KEY, "PANAH_ENVIRONMENT": "test", "COLUMNS": "200"}
    result = CliRunner().invoke(cli, ["demo", "history", *args], env=env)
    return result.exit_code, result.output


def test_the_command_writes_gilan_once_and_says_so_the_second_time(database_url: str) -> None:
    code, output = _history_cli(database_url, "--months", "1", "--province", "IR-01")
    assert code == 0, output
    written = int(output.split("IR-01")[-1].split("│")[2])
    assert written > 100
    code, output = _history_cli(database_url, "--months", "1", "--province", "IR-01")
    assert code == 0 and "already written: nothing written again" in output
    assert "پیش‌تر نوشته شده بود" in output


def test_the_command_refuses_a_province_the_demo_has_no_line_for(database_url: str) -> None:
    code, output = _history_cli(database_url, "--province", "IR-08")
    assert code == 2
    assert "--province: IR-08 has no line in the demo" in output
    assert "در داده‌های نمایشی خط ۱۲۳ ندارد" in output
