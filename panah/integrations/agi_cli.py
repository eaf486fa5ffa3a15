"""``panah agi``: the FastAGI routing service an Asterisk/Issabel PBX asks for a call's queue."""

from __future__ import annotations

import asyncio
import contextlib
import logging
from typing import Annotated

import typer
from rich.console import Console

from panah.integrations.fastagi import AGI_PORT, FastAgiServer, Resolver

app = typer.Typer(
    help="FastAGI routing service for an Asterisk/Issabel PBX (the 123 line).",
    no_args_is_help=True,
)
console = Console(stderr=True)
SERVE_HELP = (
    "Answer FastAGI requests from the PBX (dialplan: AGI(agi://HOST:4573/route)) with "
    "PANAH_QUEUE and related channel variables.\n\n"
    "Each request opens (or finds, on a retry) the call's contact in the database named by "
    "PANAH_DATABASE_URL and answers with its queue, province, centre and contact id; if "
    "routing fails or is slow, the national queue. See docs/telephony.md."
)
LOG_FORMAT = "%(asctime)s %(levelname)s %(name)s: %(message)s"


@app.command("serve", help=SERVE_HELP)
def serve(
    host: Annotated[str, typer.Option(
        envvar="PANAH_AGI_HOST",
        help="Address to listen on: the PBX's private network only (AGI has no login).",
    )] = "127.0.0.1",
    port: Annotated[int, typer.Option(
        envvar="PANAH_AGI_PORT", min=0, max=65535, help="TCP port (FastAGI's is 4573).",
    )] = AGI_PORT,
    timeout: Annotated[float, typer.Option(
        min=0.05, max=30.0, help="Seconds to wait for a routing answer before the national queue.",
    )] = 2.0,
) -> None:
    """Answer FastAGI requests from the PBX with PANAH_QUEUE (see SERVE_HELP)."""
    with contextlib.suppress(KeyboardInterrupt):
        asyncio.run(_serve(host, port, timeout))


def _resolver() -> Resolver:
    """The real resolver on the configured database; the unwired one if it cannot start."""
    from panah.cli import _settings
    from panah.core.clock import SystemClock
    from panah.core.db import make_engine, make_session_factory
    from panah.intake.channels.agi import PanahResolver

    settings = _settings()
    return PanahResolver(make_session_factory(make_engine(settings.database_url)), SystemClock())


async def _serve(host: str, port: int, timeout: float) -> None:
    server = FastAgiServer(_resolver(), host=host, port=port, timeout=timeout)
    try:
        await server.start()
    except OSError as error:
        console.print(f"[red]Cannot listen on {host}:{port}: {error.strerror or error}\n"
                      f"امکان گوش دادن روی {host}:{port} نیست.[/red]")
        raise typer.Exit(2) from error
    logging.basicConfig(level=logging.INFO, format=LOG_FORMAT)
    console.print(f"FastAGI on {host}:{server.port} — dialplan: AGI(agi://{host}:{server.port}/route)")
    await server.serve_forever()
