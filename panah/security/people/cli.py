"""``panah users``: the machine operator's commands for people.

``users create`` makes the first administrator of a fresh install (production included):
a password typed twice (or read from a file) and checked by the password rules, and the
authenticator app to set up, printed as a QR code in the terminal and as its secret. The
first sign-in on the web asks a code from that app.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.table import Table
from sqlalchemy.exc import DBAPIError
from sqlalchemy.orm import Session

from panah.config import Settings
from panah.core.errors import PanahError

app = typer.Typer(help="People: create the first administrator, list, disable, one-time links.",
                  no_args_is_help=True)
console = Console()
err_console = Console(stderr=True)
JsonOption = Annotated[bool, typer.Option("--json", help="Machine-readable output.")]


def _fail(error: PanahError | str, code: int = 2) -> typer.Exit:
    en, fa = (error.message_en, error.message_fa) if isinstance(error, PanahError) else (error, "")
    err_console.print(f"[red]{en}[/red]" + (f"\n[red]{fa}[/red]" if fa else ""))
    return typer.Exit(code)


def _settings() -> Settings:
    from panah.config import get_settings
    from panah.security.keys import install_keyring

    try:
        settings = get_settings()
        install_keyring(settings)
    except ValueError as error:  # pydantic's ValidationError is a ValueError
        raise _fail(f"Configuration error / خطای پیکربندی:\n{error}") from error
    except PanahError as error:
        raise _fail(error) from error
    return settings


@contextmanager
def _work() -> Iterator[tuple[Session, Settings]]:
    """A unit of work on the configured database; a domain refusal exits with code 2."""
    from panah.core.db import make_engine, make_session_factory, unit_of_work

    settings = _settings()
    engine = make_engine(settings.database_url)
    try:
        with unit_of_work(make_session_factory(engine)) as session:
            yield session, settings
    except PanahError as error:
        raise _fail(error) from error
    except DBAPIError as error:
        raise _fail(
            f"Database error: {error.orig}. Check PANAH_DATABASE_URL and run `panah db upgrade`."
            "\nخطای پایگاه داده. PANAH_DATABASE_URL را بررسی و `panah db upgrade` را اجرا کنید."
        ) from error
    finally:
        engine.dispose()


def _now() -> datetime:
    from panah.core.clock import SystemClock

    return SystemClock().now()


def _read_password(path: Path | None) -> str:
    if path is not None:
        try:
            lines = path.read_text(encoding="utf-8").splitlines()
        except OSError as error:
            raise _fail(f"Cannot read {path}: {error.strerror}.") from error
        return lines[0] if lines else ""
    return str(typer.prompt("Password / گذرواژه", hide_input=True, confirmation_prompt=True))


@app.command("create")
def create(
    username: Annotated[str, typer.Option(help="Latin letters, digits, '.', '_', '-'.")],
    role: Annotated[str, typer.Option(
        help="The role's key or its English or Persian name: admin, counsellor, dispatcher, "
        "supervisor, provincial_manager, …")],
    province: Annotated[str | None, typer.Option(
        help="IR-XX: the province; none for a national account.")] = None,
    full_name: Annotated[str | None, typer.Option(help="The person's full name.")] = None,
    centre: Annotated[str | None, typer.Option(help="The centre's code, for a centre role.")
                      ] = None,
    password_file: Annotated[Path | None, typer.Option(
        help="Read the password from this file's first line instead of asking.")] = None,
) -> None:
    """Create a person with a password (the first administrator, in production too), and
    print the authenticator app to set up for their first sign-in."""
    from panah.security.people.schemas import PersonIn
    from panah.security.people.service import create_user

    password = _read_password(password_file)
    try:
        data = PersonIn.model_validate({"username": username, "full_name": full_name or username,
                                        "role": role, "province_code": province,
                                        "centre": centre})
    except ValueError as error:
        raise _fail(str(error)) from error
    with _work() as (session, _):
        user, enrolment = create_user(session, now=_now(), data=data,
                                      password=password)
        username = user.username
    _print_enrolment(username, enrolment.uri, enrolment.secret_groups)


def _print_enrolment(username: str, uri: str, secret: str) -> None:
    import segno

    console.print(f"Created {username}. Set up an authenticator app now: scan this code, or "
                  "type the secret. The first sign-in asks a code from it.\n"
                  f"{username} ساخته شد. اکنون برنامهٔ احرازگر را راه بیندازید: این کد را "
                  "بخوانید یا رمز را وارد کنید. نخستین ورود کدی از آن می‌خواهد.")
    segno.make(uri, error="m").terminal(out=sys.stdout, compact=True)
    console.print(f"Secret / رمز: {secret}")
    console.print(f"URI: {uri}", soft_wrap=True)


@app.command("list")
def list_people(as_json: JsonOption = False) -> None:
    """Every person: username, name, role, province, whether active."""
    from sqlalchemy import select

    from panah.security.orm import User

    with _work() as (session, _):
        rows = [{"username": u.username, "full_name": u.full_name, "role": u.role,
                 "province_code": u.province_code, "active": u.is_active}
                for u in session.scalars(select(User).order_by(User.username))]
    if as_json:
        sys.stdout.write(json.dumps(rows, ensure_ascii=False) + "\n")
        return
    table = Table()
    for column in ("username", "full_name", "role", "province_code", "active"):
        table.add_column(column)
    for row in rows:
        table.add_row(*(str(row[c] if row[c] is not None else "") for c in row))
    console.print(table)


@app.command("disable")
def disable(username: Annotated[str, typer.Argument(help="Whose account.")]) -> None:
    """Disable an account: every session of it ends at once."""
    from panah.security.people.service import disable_person

    with _work() as (session, _):
        disable_person(session, actor=None, now=_now(), username=username)
    console.print(f"{username} is disabled; every session of it has ended.\n"
                  f"حساب {username} غیرفعال شد و همهٔ نشست‌هایش پایان یافت.")


@app.command("link")
def link(
    username: Annotated[str, typer.Argument(help="For whom.")],
    purpose: Annotated[str, typer.Option(
        help="password (set a password) or second-factor (set up the app again).")
    ] = "password",
    base_url: Annotated[str | None, typer.Option(
        help="The site's address as people reach it (default: PANAH_HOST and PANAH_PORT).")
    ] = None,
) -> None:
    """Make a one-time link to set a password or the second factor again; print its URL."""
    from panah.security.people.model import LinkPurpose
    from panah.security.people.service import ACCESS_PATH, issue_access_link

    try:
        chosen = LinkPurpose(purpose.replace("-", "_"))
    except ValueError as error:
        raise _fail("--purpose is password or second-factor.") from error
    with _work() as (session, settings):
        token, made = issue_access_link(session, actor=None, now=_now(),
                                        username=username, purpose=chosen)
        expires = made.expires_at
    base = (base_url or f"http://{settings.host}:{settings.port}").rstrip("/")
    console.print(f"{base}{ACCESS_PATH}{token}", soft_wrap=True)
    console.print(f"Works once, until {expires:%Y-%m-%d %H:%M} UTC.\n"
                  "یک بار کار می‌کند، تا زمان بالا (به وقت جهانی).")
