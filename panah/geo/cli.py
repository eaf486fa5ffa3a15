"""``panah geo``: import boundaries, show the status, locate a point."""

from __future__ import annotations

import json
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from sqlalchemy.orm import Session

if TYPE_CHECKING:
    from panah.geo.schemas import LocatePublic

from panah.core.clock import SystemClock
from panah.core.errors import InvalidInput

app = typer.Typer(
    help="Geography: provinces and counties, boundary import, locating a point.",
    no_args_is_help=True,
)
console = Console()
err_console = Console(stderr=True)


@contextmanager
def _session() -> Iterator[Session]:
    from panah.config import get_settings
    from panah.core.db import make_engine, make_session_factory, unit_of_work

    try:
        settings = get_settings()
    except ValueError as error:
        err_console.print(f"[red]Configuration error / خطای پیکربندی:[/red]\n{error}")
        raise typer.Exit(2) from error
    engine = make_engine(settings.database_url)
    try:
        with unit_of_work(make_session_factory(engine)) as session:
            yield session
    finally:
        engine.dispose()


def _print_json(data: object) -> None:
    sys.stdout.write(json.dumps(data, ensure_ascii=False, default=str) + "\n")


@app.command("import")
def import_(
    path: Annotated[
        Path,
        typer.Argument(help="Folder with provinces.geojson and counties/IR-XX.geojson."),
    ],
    as_json: Annotated[bool, typer.Option("--json", help="Print the result as JSON.")] = False,
) -> None:
    """Import province and county polygons (replaces the previous boundaries)."""
    from panah.geo.service import import_boundaries

    try:
        with _session() as session, _progress(quiet=as_json) as progress:
            record = import_boundaries(
                session, path, now=SystemClock().now(), progress=progress
            )
            result = {"id": record.id, "provinces": record.provinces,
                      "counties": record.counties, "sha256": record.sha256,
                      "source": record.source}
    except InvalidInput as error:
        err_console.print(f"[red]Import refused:[/red] {error.message_en}")
        err_console.print(f"[red]ورود رد شد:[/red] {error.message_fa}")
        raise typer.Exit(2) from error
    if as_json:
        _print_json(result)
        return
    console.print(
        f"Imported {result['provinces']} provinces and {result['counties']} counties "
        f"from {result['source']} (sha256 {str(result['sha256'])[:12]}…)."
    )


@contextmanager
def _progress(*, quiet: bool) -> Iterator[Callable[[int, int], None] | None]:
    if quiet:
        yield None
        return
    columns = (TextColumn("Reading boundaries / خواندن مرزها"), BarColumn(),
               MofNCompleteColumn(), TimeElapsedColumn())
    with Progress(*columns, console=console, transient=True) as bar:
        task = bar.add_task("import", total=None)

        def report(done: int, total: int) -> None:
            bar.update(task, completed=done, total=total)

        yield report


@app.command()
def status(
    as_json: Annotated[bool, typer.Option("--json", help="Print the status as JSON.")] = False,
) -> None:
    """Show whether locating uses imported polygons or the built-in approximation."""
    from panah.geo.schemas import GeoStatusPublic
    from panah.geo.service import boundary_status

    with _session() as session:
        state = GeoStatusPublic.build(boundary_status(session))
    if as_json:
        _print_json(state.model_dump(mode="json"))
        return
    if state.approximate:
        console.print(
            "Mode: [yellow]approximate[/yellow] — no boundaries imported; locating uses the "
            "built-in approximation (GeoNames places and county points).\n"
            "Import boundaries with: panah geo import PATH"
        )
    else:
        console.print(
            f"Mode: [green]polygons[/green] — {state.provinces_with_polygons} provinces, "
            f"{state.counties_with_polygons} counties; imported {state.last_import_at} "
            f"from {state.last_import_source} (sha256 {state.last_import_sha256})"
        )
    console.print(f"Reference data: {state.provinces} provinces, {state.counties} counties.")


@app.command()
def locate(
    lat: Annotated[float, typer.Option(help="Latitude in degrees (WGS 84), e.g. 36.655.")],
    lon: Annotated[float, typer.Option(help="Longitude in degrees (WGS 84), e.g. 51.4205.")],
    as_json: Annotated[bool, typer.Option("--json", help="Print the answer as JSON.")] = False,
) -> None:
    """Find the province and county of a point (exit 0 also for a point outside Iran)."""
    from panah.geo.schemas import LocatePublic
    from panah.geo.service import build_locator

    try:
        with _session() as session:
            locator = build_locator(session)
            answer = LocatePublic.build(lat, lon, locator.locate(lat, lon), locator.method)
    except InvalidInput as error:
        err_console.print(f"[red]{error.message_en}\n{error.message_fa}[/red]")
        raise typer.Exit(2) from error
    if as_json:
        _print_json(answer.model_dump(mode="json"))
        return
    _print_answer(answer)


def _print_answer(answer: LocatePublic) -> None:
    note = " [yellow](approximate)[/yellow]" if answer.approximate else ""
    if answer.outside_iran:
        console.print(f"({answer.lat}, {answer.lon}): outside Iran / بیرون از ایران{note}")
        return
    console.print(
        f"({answer.lat}, {answer.lon}): {answer.county} ({answer.county_fa}), "
        f"{answer.province_name_en} ({answer.province_name_fa}), {answer.province}{note}"
    )
