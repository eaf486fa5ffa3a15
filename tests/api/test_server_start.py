"""What a production server does as it starts, before the first call arrives."""

from __future__ import annotations

import gc

from fastapi import FastAPI

from panah.main import _settle


def test_a_starting_server_builds_the_routing_context_and_freezes_what_it_holds(
    app: FastAPI,
) -> None:
    cache = app.state.intake_context
    assert cache._cached is None  # nothing built before the first call …
    try:
        _settle(app)
        # … now it is, and the collector no longer walks it (or the app) in full collections.
        assert cache._cached is not None
        assert gc.get_freeze_count() > 0
    finally:
        gc.unfreeze()  # the test process goes on building apps


def test_a_database_not_yet_migrated_does_not_stop_the_server_starting(app: FastAPI) -> None:
    from sqlalchemy.orm import sessionmaker

    from panah.core.db import make_engine

    empty = make_engine("sqlite://")
    app.state.session_factory = sessionmaker(bind=empty)
    try:
        _settle(app)  # logs a warning; the context is built on the first call instead
        assert app.state.intake_context._cached is None
    finally:
        gc.unfreeze()
        empty.dispose()
