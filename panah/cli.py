"""The ``panah`` command. Every command has ``--help``; machine-readable output with ``--json``."""

from __future__ import annotations

import json
import sys
from typing import TYPE_CHECKING, Annotated

import typer
from rich.console import Console
from rich.table import Table

from panah.config import Environment, Settings, get_settings

if TYPE_CHECKING:
    from panah.reports.monthly.model import MonthlyReport

app = typer.Typer(
    help="Panah (پناه): the social emergency service — 123 line, mobile teams, crisis centres.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
)
db_app = typer.Typer(help="Database: migrations and reference data.", no_args_is_help=True)
demo_app = typer.Typer(help="Demo data (Mazandaran).", no_args_is_help=True)
app.add_typer(db_app, name="db")
app.add_typer(demo_app, name="demo")

console = Console()
DEMO_PASSWORD_DEFAULT = "panah-demo"  # noqa: S105 - printed demo login, refused in production


def _settings(*, keys: bool = True) -> Settings:
    """The settings, with the field-encryption key ring installed unless ``keys`` is False."""
    from panah.core.errors import PanahError
    from panah.security.keys import install_keyring

    try:
        settings = get_settings()
        if keys:
            install_keyring(settings)
    except ValueError as error:  # pydantic's ValidationError is a ValueError
        console.print(f"[red]Configuration error / خطای پیکربندی:[/red]\n{error}")
        raise typer.Exit(2) from error
    except PanahError as error:
        console.print(f"[red]{error}[/red]")
        raise typer.Exit(2) from error
    return settings


def server_options(settings: Settings) -> dict[str, object]:
    """What ``panah serve`` tells uvicorn besides where to listen: forwarded headers are
    believed only from the proxies in PANAH_FORWARDED_ALLOW_IPS (none by default; uvicorn
    itself would believe any local address), and no ``Server`` header names the server."""
    proxies = settings.forwarded_allow_ips
    return {"proxy_headers": bool(proxies), "forwarded_allow_ips": list(proxies),
            "server_header": False, "log_level": "info"}


@app.command()
def serve(
    host: Annotated[str | None, typer.Option(help="Address to listen on (PANAH_HOST).")] = None,
    port: Annotated[int | None, typer.Option(help="Port (PANAH_PORT, default 8123).")] = None,
    workers: Annotated[int, typer.Option(
        min=1, help="Server processes; more than one needs PostgreSQL. One per core carries "
        "the most calls (docs/benchmarks.md).")] = 1,
) -> None:
    """Serve the web application and API."""
    import uvicorn

    from panah.main import create_app

    settings = _settings()
    bind_host, bind_port = host or settings.host, port or settings.port
    if workers > 1 and not settings.database_url.startswith("postgresql"):
        console.print(
            "[red]Several worker processes need PostgreSQL (PANAH_DATABASE_URL=postgresql+"
            "psycopg://…): on SQLite a chat message would not reach a page that another "
            "process serves. Run with --workers 1.\n"
            "چند فرایند کارگر به PostgreSQL نیاز دارد: با SQLite پیام گفت‌وگو به صفحه‌ای که "
            "فرایند دیگری می‌گرداند نمی‌رسد. با --workers 1 اجرا کنید.[/red]")
        raise typer.Exit(2)
    console.print(f"Panah on http://{bind_host}:{bind_port}  (API: /docs, /openapi.json)")
    if workers > 1:  # each process builds its own app from the same settings (environment)
        uvicorn.run("panah.main:create_app", factory=True, host=bind_host, port=bind_port,
                    workers=workers, **server_options(settings))  # type: ignore[arg-type]
        return
    uvicorn.run(create_app(settings), host=bind_host, port=bind_port,
                **server_options(settings))  # type: ignore[arg-type]


@db_app.command("upgrade")
def db_upgrade(
    revision: Annotated[str, typer.Argument(help="Target revision.")] = "heads",
) -> None:
    """Apply migrations, then load the reference geography (provinces and counties)."""
    from panah.core.db import make_engine, make_session_factory, unit_of_work
    from panah.core.migrate import upgrade
    from panah.geo.service import load_reference

    settings = _settings()
    with console.status("Migrating / به‌روزرسانی پایگاه داده…"):
        upgrade(settings.database_url, revision)
        engine = make_engine(settings.database_url)
        with unit_of_work(make_session_factory(engine)) as session:
            load_reference(session)
        engine.dispose()
    console.print(f"Database is at {revision}; reference geography loaded.")


@demo_app.command("load")
def demo_load(
    password: Annotated[
        str, typer.Option(envvar="PANAH_DEMO_PASSWORD", help="Password of every demo user.")
    ] = DEMO_PASSWORD_DEFAULT,
    as_json: Annotated[bool, typer.Option("--json", help="Print the logins as JSON.")] = False,
) -> None:
    """Load the Mazandaran demo: centres, covering counties, posts, units, one user per role."""
    from panah.core.clock import SystemClock
    from panah.core.db import make_engine, make_session_factory, unit_of_work
    from panah.demo import load_demo
    from panah.geo.service import load_reference

    settings = _settings()
    if settings.environment is Environment.production:
        console.print(
            "[red]Refusing to load demo users in production (PANAH_ENVIRONMENT=production).\n"
            "در محیط عملیاتی کاربران نمایشی بارگذاری نمی‌شوند.[/red]"
        )
        raise typer.Exit(2)
    engine = make_engine(settings.database_url)
    with unit_of_work(make_session_factory(engine)) as session:
        load_reference(session)
        logins = load_demo(session, now=SystemClock().now(), password=password)
    engine.dispose()
    if as_json:
        sys.stdout.write(json.dumps([{"username": u, "role": r, "password": password}
                                     for u, r in logins], ensure_ascii=False) + "\n")
        return
    _print_logins(logins, password, settings)


@demo_app.command("history")
def demo_history(
    months: Annotated[int, typer.Option(help="Jalali months back, the current one included.")
                      ] = 13,
    province: Annotated[list[str] | None, typer.Option(
        help="A demo province (IR-02 …); repeat for several. Default: every demo province.")
    ] = None,
    seed: Annotated[int, typer.Option(help="The same seed writes the same history.")] = 1405,
    replace: Annotated[bool, typer.Option(
        "--replace", help="Remove the synthetic history written before, then write it again.")
    ] = False,
) -> None:
    """Write synthetic history for the demo's statistics, dashboards and monthly report.

    Contacts by the hour over the last Jalali months, with their callbacks, referrals and
    team call-outs, all finished; no names, numbers or notes. Run 'panah demo load' first;
    a second run writes nothing."""
    from panah.demo_history.cli import run_history

    settings = _settings()
    if settings.environment is Environment.production:
        console.print("[red]Refusing to write synthetic history in production "
                      "(PANAH_ENVIRONMENT=production).\n"
                      "در محیط عملیاتی تاریخچهٔ ساختگی نوشته نمی‌شود.[/red]")
        raise typer.Exit(2)
    raise typer.Exit(run_history(settings, console, months=months, codes=province or [],
                                 seed=seed, replace=replace))


def _print_logins(logins: list[tuple[str, str]], password: str, settings: Settings) -> None:
    table = Table(title=f"Demo logins — http://{settings.host}:{settings.port}/login")
    table.add_column("username")
    table.add_column("role")
    table.add_column("password")
    for username, role in logins:
        table.add_row(username, role, password)
    console.print(table)


def _mount_geo() -> None:
    from panah.geo.cli import app as geo_app

    app.add_typer(geo_app, name="geo")


_mount_geo()


def _mount_security() -> None:
    from panah.security.cli import audit_app, keys_app

    app.add_typer(audit_app, name="audit")
    app.add_typer(keys_app, name="keys")


_mount_security()


def _monthly_pdf(report: MonthlyReport) -> bytes:
    from panah.web.monthly_document import to_pdf  # the web's template, only when asked

    return to_pdf(report)


def _mount_data() -> None:
    from panah.reports.cli import export_app, report_app, retention_app
    from panah.reports.monthly.cli import use_pdf_renderer

    use_pdf_renderer(_monthly_pdf)

    app.add_typer(export_app, name="export")
    app.add_typer(retention_app, name="retention")
    app.add_typer(report_app, name="report")


_mount_data()


def _mount_intake() -> None:
    from panah.intake.cli import route

    app.command("route")(route)


_mount_intake()


def _mount_agi() -> None:
    from panah.integrations.agi_cli import app as agi_app

    app.add_typer(agi_app, name="agi")


_mount_agi()


def _mount_org() -> None:
    from panah.org.cli import app as org_app

    app.add_typer(org_app, name="org")


_mount_org()


def _mount_people() -> None:
    from panah.security.people.cli import app as users_app

    app.add_typer(users_app, name="users")


_mount_people()


if __name__ == "__main__":
    app()
