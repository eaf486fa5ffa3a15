"""The application factory. Importing this module has no side effects."""

from __future__ import annotations

import asyncio
import contextlib
import gc
import logging
import socket
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import timedelta
from pathlib import Path

from fastapi import FastAPI
from fastapi.staticfiles import StaticFiles
from starlette.middleware.trustedhost import TrustedHostMiddleware

from panah import __version__
from panah.config import Settings, get_settings
from panah.core.clock import Clock, SystemClock
from panah.core.db import make_engine, make_session_factory, unit_of_work
from panah.dispatch.avl import BusListener
from panah.geo.travel import DEFAULT_MODEL
from panah.intake.channels.chat import ChatHub
from panah.intake.routing.context import ContextCache
from panah.integrations.mqtt import bus_from_settings
from panah.integrations.radio import radio_from_settings
from panah.integrations.routing_engine import routing_from_settings
from panah.integrations.sms import provider_from_settings
from panah.security.anchors import Schedule, configure_anchoring
from panah.security.apikeys import KeyHints
from panah.security.keys import install_keyring
from panah.web import errors
from panah.web.headers import SecurityHeaders, docs_router
from panah.web.i18n import make_templates
from panah.web.routes import mount_routes

WEB = Path(__file__).resolve().parent / "web"
SWAGGER_UI = "swagger-ui-5.36.0"
log = logging.getLogger(__name__)


def _settle(app: FastAPI) -> None:
    """Build what every call needs (the routing context: boundaries, coverage, lines) and
    exempt everything held so far from the cyclic garbage collector. A full collection
    otherwise walks the boundary polygons and the whole app, stopping the process for
    about 0.1 s (measured; see docs/benchmarks.md) a few times a minute under load.
    """
    try:
        with unit_of_work(app.state.session_factory) as session:
            app.state.intake_context.get(session)
    except Exception:  # an empty database (not migrated yet): built on the first call
        log.warning("the routing context could not be built at start", exc_info=True)
    gc.collect()
    gc.freeze()


def _start_bus(app: FastAPI) -> None:
    """Listen for unit positions and channel messages over MQTT when a broker is
    configured; say so when not."""
    state = app.state
    status = state.bus.status()
    if not status.configured:
        log.info("%s", status.detail_en)
    state.bus_listener = BusListener(
        state.session_factory, state.clock,
        lambda session: state.intake_context.get(session).locate)
    state.bus.start(state.bus_listener)


@asynccontextmanager
async def _lifespan(app: FastAPI) -> AsyncIterator[None]:
    """Start the 123 line's timer loop with the server (``PANAH_TIMERS``) and, on
    PostgreSQL, the chat listener that joins this process to the others; stop both after."""
    task = listener = None
    if app.state.settings.environment == "production":
        await asyncio.to_thread(_settle, app)
    if app.state.engine.dialect.name == "postgresql":
        from panah.intake.channels.chat import ChatListener

        listener = ChatListener(app.state.settings.database_url, app.state.chat_hub,
                                app.state.session_factory, asyncio.get_running_loop()).start()
    if app.state.settings.timers:
        from panah.core.timers import run_forever, tick
        from panah.intake.inbound.recovery import recover

        state = app.state
        await asyncio.to_thread(recover, state.session_factory, clock=state.clock)
        task = asyncio.create_task(run_forever(
            lambda: tick(state.session_factory, clock=state.clock, sms=state.sms,
                         bus=state.bus, radio=state.radio)))
    _start_bus(app)
    try:
        yield
    finally:
        await asyncio.to_thread(app.state.bus.stop)
        if listener is not None:
            await asyncio.to_thread(listener.stop)
        if task is not None:
            task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await task


def create_app(settings: Settings | None = None, *, clock: Clock | None = None) -> FastAPI:
    settings = settings or get_settings()
    app = FastAPI(
        lifespan=_lifespan,
        docs_url=None,  # served by panah.web.headers from the vendored Swagger UI
        redoc_url=None,  # it would load its script from a CDN
        title="Panah — social emergency service",
        version=__version__,
        description="Panah (پناه): the 123 line, mobile crisis teams, crisis centres and "
        "community bases of a national social emergency service.",
    )
    install_keyring(settings)
    configure_anchoring(Schedule(settings.audit_anchor_file,
                                 timedelta(minutes=settings.audit_anchor_minutes)))
    engine = make_engine(settings.database_url)
    app.state.settings = settings
    app.state.engine = engine
    app.state.session_factory = make_session_factory(engine)
    app.state.clock = clock or SystemClock()
    app.state.templates = make_templates(WEB / "templates")
    app.state.templates.env.globals["tiles"] = (
        {"url": settings.tile_url, "attribution": settings.tile_attribution}
        if settings.tile_url else None)
    app.state.sms = provider_from_settings(settings.sms_url, settings.sms_token)
    app.state.chat_hub = ChatHub.empty()
    app.state.channel_hub = ChatHub.empty()  # the same hub, keyed by team channel
    app.state.radio = radio_from_settings(settings.radio_url, settings.radio_token)
    app.state.intake_context = ContextCache()
    app.state.intake_writer = None  # made on the first inbound event
    app.state.key_hints = KeyHints()
    app.state.travel = routing_from_settings(settings.routing_engine, settings.routing_url,
                                             DEFAULT_MODEL)
    app.state.bus = bus_from_settings(settings.mqtt_url, client_id=settings.mqtt_client_id
                                      or f"panah-{socket.gethostname()}-{settings.port}"[:64])
    errors.install(app)
    # Swagger UI (for /docs) is third-party code kept outside panah/web, whose own code is
    # checked for database calls line by line; it is served under the vendored assets' path.
    app.mount(f"/static/vendor/{SWAGGER_UI}",
              StaticFiles(directory=WEB.parent / "vendor" / SWAGGER_UI), name="swagger-ui")
    app.mount("/static", StaticFiles(directory=WEB / "static"), name="static")
    mount_routes(app)
    app.include_router(docs_router)
    app.add_middleware(SecurityHeaders, settings=settings)
    if "*" not in settings.trusted_hosts:
        app.add_middleware(TrustedHostMiddleware, allowed_hosts=settings.trusted_hosts)
    return app
