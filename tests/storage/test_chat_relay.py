"""Live chat across server processes: a message stored by one process reaches the sockets
open in another through PostgreSQL's LISTEN/NOTIFY (ids only, the text read back from
the database). Needs PostgreSQL: SQLite deployments run one process (``panah serve``
refuses several)."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime
from typing import Any

import pytest

from panah.core.db import unit_of_work
from panah.intake.channels import chat, notify
from panah.intake.model import Channel
from panah.intake.routing.context import routing_context
from panah.intake.service import NewContact, open_contact
from tests.storage.conftest import PG_URL, demo_database, reset_postgres

NOW = datetime(2026, 3, 22, 6, 30, tzinfo=UTC)
pytestmark = pytest.mark.skipif(not PG_URL, reason="needs PANAH_TEST_DATABASE_URL (PostgreSQL)")


@pytest.fixture
def postgres_url() -> Iterator[str]:
    url = PG_URL.replace("postgresql://", "postgresql+psycopg://", 1)
    reset_postgres(url)
    yield url
    reset_postgres(url)


class Page:
    """A socket that keeps what it is sent."""

    def __init__(self) -> None:
        self.frames: asyncio.Queue[dict[str, Any]] = asyncio.Queue()

    async def send_json(self, data: Any, mode: str = "text") -> None:
        await self.frames.put(data)


def test_a_message_stored_by_another_process_reaches_the_pages_open_here(
    postgres_url: str, monkeypatch: pytest.MonkeyPatch,
) -> None:
    engine, factory = demo_database(postgres_url, NOW)
    with unit_of_work(factory) as session:
        contact = open_contact(session, new=NewContact(Channel.web_chat, "chat-1", None),
                               context=routing_context(session), now=NOW)
        contact_id = contact.id

    def write(text: str) -> int:
        with unit_of_work(factory) as session:
            found = chat.get_contact(session, contact_id)
            return chat.post(session, contact=found, sender="caller", text=text, now=NOW).id

    async def scenario() -> None:
        hub, page = chat.ChatHub.empty(), Page()
        hub.join(contact_id, page)
        listener = chat.ChatListener(postgres_url, hub, factory,
                                     asyncio.get_running_loop()).start()
        try:
            assert await asyncio.to_thread(listener.listening.wait, 10)
            # Written here: this process pushes its own messages itself, not twice.
            await asyncio.to_thread(write, "از همین فرایند")
            # Written by "another process" (another origin in the announcement).
            with monkeypatch.context() as patch:
                patch.setattr(notify, "ORIGIN", "another-process")
                other = await asyncio.to_thread(write, "کمک می‌خواهم")
            frame = await asyncio.wait_for(page.frames.get(), 10)
            assert (frame["id"], frame["text"], frame["sender"]) == (other, "کمک می‌خواهم",
                                                                    "caller")
            await asyncio.sleep(0.5)
            assert page.frames.empty() and listener.heard == 1
        finally:
            await asyncio.to_thread(listener.stop)

    # A loop of its own, in a thread: the browser tests keep one running in this thread.
    with ThreadPoolExecutor(1) as pool:
        pool.submit(asyncio.run, scenario()).result(timeout=60)
    engine.dispose()


def test_a_take_and_a_close_in_another_process_reach_the_visitors_page_here(
    postgres_url: str, monkeypatch: pytest.MonkeyPatch,
) -> None:
    from sqlalchemy import select

    from panah.intake.service import take
    from panah.security.orm import User
    from panah.security.sessions import actor_of
    from panah.triage.service import close_contact

    engine, factory = demo_database(postgres_url, NOW)
    with unit_of_work(factory) as session:
        contact_id = open_contact(session, new=NewContact(Channel.web_chat, "chat-2", None),
                                  context=routing_context(session), now=NOW).id
        negar = actor_of(session.scalars(select(User).where(User.username == "counsellor")).one())

    def elsewhere(step: str) -> None:
        with monkeypatch.context() as patch, unit_of_work(factory) as session:
            patch.setattr(notify, "ORIGIN", "another-process")
            if step == "take":
                take(session, actor=negar, contact_id=contact_id, now=NOW)
            else:
                close_contact(session, contact_id=contact_id, actor=negar, now=NOW,
                              outcomes=[{"outcome": "counselled", "note": "آرام شد."}])

    async def scenario() -> None:
        hub, page = chat.ChatHub.empty(), Page()
        hub.join(contact_id, page)
        listener = chat.ChatListener(postgres_url, hub, factory,
                                     asyncio.get_running_loop()).start()
        try:
            assert await asyncio.to_thread(listener.listening.wait, 10)
            await asyncio.to_thread(elsewhere, "take")
            assert await asyncio.wait_for(page.frames.get(), 10) == {
                "type": "state", "state": "answered"}
            await asyncio.to_thread(elsewhere, "close")
            assert await asyncio.wait_for(page.frames.get(), 10) == {
                "type": "state", "state": "closed"}
        finally:
            await asyncio.to_thread(listener.stop)

    with ThreadPoolExecutor(1) as pool:
        pool.submit(asyncio.run, scenario()).result(timeout=60)
    engine.dispose()
