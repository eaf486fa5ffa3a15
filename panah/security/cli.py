"""``panah audit`` and ``panah keys``: check the audit chain; make, rotate and count keys.

The three key functions (:func:`encrypted_columns`, :func:`key_status`, :func:`rotate_all`)
work on any declarative metadata, so they are tested on a scratch table and the commands
pick up every ``EncryptedText`` column Panah's models declare, including ones added later.
Exit codes: 0 all is well, 1 the command found a problem (a broken chain, values under a
key missing from the ring), 2 it could not run (configuration, unreadable key file).
"""

from __future__ import annotations

import json
import sys
from collections import Counter
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table
from sqlalchemy import Column, MetaData, Text, func, select, type_coerce
from sqlalchemy.exc import DBAPIError
from sqlalchemy.orm import Mapper, Session

from panah.config import Settings
from panah.core.errors import PanahError
from panah.security.audit import Anchor, AuditRecord, ChainProblem
from panah.security.crypto import EncryptedText, KeyRing, generate_key, key_id_of, rotate_column

audit_app = typer.Typer(help="Audit log: check the tamper-evident chain.", no_args_is_help=True)
keys_app = typer.Typer(
    help="Field-encryption keys: make new ones, move data to the current key, see what "
    "each key still protects.",
    no_args_is_help=True,
)
console = Console()
err_console = Console(stderr=True)
UNREADABLE = "?"  # the key id reported for a stored value that is not a token at all

JsonOption = Annotated[bool, typer.Option("--json", help="Print the result as JSON.")]


# ---- the key functions ------------------------------------------------------------------


@dataclass(frozen=True)
class EncryptedColumn:
    """One ``EncryptedText`` column and the mapped attribute that writes it."""

    table: str
    column: str
    model: type[Any]
    attribute: str

    @property
    def label(self) -> str:
        return f"{self.table}.{self.column}"

    def sql_column(self) -> Column[Any]:
        column: Column[Any] = self.model.__table__.c[self.column]
        return column


def encrypted_columns(
    metadata: MetaData, mappers: Iterable[Mapper[Any]] | None = None
) -> list[EncryptedColumn]:
    """Every ``EncryptedText`` column of ``metadata``, in table and column order.

    ``mappers`` are where the mapped class of each table is found; by default Panah's own
    (``Base.registry``). A table with an encrypted column but no mapped class is an error:
    its values could be neither rotated nor read.
    """
    if mappers is None:
        from panah.core.db import Base

        mappers = Base.registry.mappers
    by_table = {m.local_table: m for m in mappers if not m.single}
    found: list[EncryptedColumn] = []
    for table in sorted(metadata.tables.values(), key=lambda t: t.name):
        for column in table.columns:
            if not isinstance(column.type, EncryptedText):
                continue
            mapper = by_table.get(table)
            if mapper is None:
                raise LookupError(f"{table.name}.{column.name} is encrypted but not mapped")
            attribute = mapper.get_property_by_column(column).key
            found.append(EncryptedColumn(table.name, column.name, mapper.class_, attribute))
    return found


def key_status(session: Session, columns: Iterable[EncryptedColumn]) -> dict[str, Counter[str]]:
    """How many stored values each key id seals, per column (``NULL`` values not counted)."""
    status: dict[str, Counter[str]] = {}
    for item in columns:
        column = item.sql_column()
        raw = type_coerce(column, Text)  # the token as stored, without decrypting
        query = select(raw).where(column.is_not(None)).execution_options(yield_per=2000)
        status[item.label] = Counter(key_id_of(t) or UNREADABLE for t in session.scalars(query))
    return status


Report = Callable[[EncryptedColumn, int], None]


def rotate_all(
    session: Session,
    ring: KeyRing,
    columns: Iterable[EncryptedColumn],
    progress: Report | None = None,
) -> dict[str, int]:
    """Re-seal every value of ``columns`` under the ring's current key; rows moved per column.

    The caller owns the transaction, so a failure half-way (a tampered value, a key missing
    from the ring) leaves every column as it was.
    """
    moved: dict[str, int] = {}
    for item in columns:
        moved[item.label] = rotate_column(session, item.model, item.attribute, ring)
        if progress is not None:
            progress(item, moved[item.label])
    return moved


# ---- plumbing shared by the commands ----------------------------------------------------


def _print_json(data: object) -> None:
    sys.stdout.write(json.dumps(data, ensure_ascii=False, default=str) + "\n")


def _fail(error: PanahError | str, code: int = 2) -> typer.Exit:
    en, fa = (error.message_en, error.message_fa) if isinstance(error, PanahError) else (error, "")
    err_console.print(f"[red]{en}[/red]" + (f"\n[red]{fa}[/red]" if fa else ""))
    return typer.Exit(code)


def _load_settings() -> Settings:
    from panah.config import get_settings

    try:
        return get_settings()
    except ValueError as error:  # pydantic's ValidationError is a ValueError
        raise _fail(f"Configuration error / خطای پیکربندی:\n{error}") from error


def _install_ring(settings: Settings) -> KeyRing:
    """The ring the application would use, installed for every ``EncryptedText`` column."""
    from panah.security.keys import install_keyring

    try:
        return install_keyring(settings)
    except PanahError as error:
        raise _fail(error) from error


@contextmanager
def _session(settings: Settings) -> Iterator[Session]:
    from panah.core.db import make_engine, make_session_factory, unit_of_work

    engine = make_engine(settings.database_url)
    try:
        with unit_of_work(make_session_factory(engine)) as session:
            yield session
    except DBAPIError as error:  # unreachable, or not migrated: say what to do, no traceback
        raise _fail(
            f"Database error: {error.orig}. Check PANAH_DATABASE_URL and run `panah db upgrade`."
            f"\nخطای پایگاه داده. PANAH_DATABASE_URL را بررسی و `panah db upgrade` را اجرا کنید."
        ) from error
    finally:
        engine.dispose()


@contextmanager
def _bar(title: str, total: int | None, *, quiet: bool) -> Iterator[Callable[[int], None]]:
    """A progress bar on standard error (none with ``--json``); yields ``advance(n)``."""
    if quiet:
        yield lambda _n: None
        return
    columns = (TextColumn(title), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn())
    with Progress(*columns, console=err_console, transient=True) as bar:
        task = bar.add_task(title, total=total)
        yield lambda n: bar.advance(task, n)


# ---- panah audit verify -----------------------------------------------------------------


def _counted(
    records: Iterable[AuditRecord], advance: Callable[[int], None]
) -> Iterator[AuditRecord]:
    pending = 0
    for record in records:
        yield record
        pending += 1
        if pending == 1000:  # redrawing per row would cost more than the hashing
            advance(pending)
            pending = 0
    advance(pending)


def _problem_json(problem: ChainProblem) -> dict[str, object]:
    return {
        "kind": problem.kind.value,
        "seq": problem.seq,
        "message_en": problem.message_en,
        "message_fa": problem.message_fa,
    }


def _read_hmac_key(path: Path | None) -> bytes | None:
    if path is None:
        return None
    try:
        key = path.read_bytes().strip()  # a key file written by `echo` ends with a newline
    except OSError as error:
        raise _fail(
            f"Cannot read the HMAC key file {path}: {error.strerror}\n"
            f"پروندهٔ کلید HMAC خوانده نشد: {path}"
        ) from error
    if not key:
        raise _fail(f"The HMAC key file {path} is empty.\nپروندهٔ کلید HMAC خالی است: {path}")
    return key


def _tapped(records: Iterable[AuditRecord], wanted: set[int],
            hashes: dict[int, str]) -> Iterator[AuditRecord]:
    """``records``, noting the hash of each row whose seq is ``wanted`` (anchored)."""
    for record in records:
        if record.seq in wanted:
            hashes[record.seq] = record.hash
        yield record


def _read_anchor_file(path: Path) -> list[Anchor]:
    from panah.security.anchors import read_anchors

    try:
        return read_anchors(path)
    except OSError as error:
        raise _fail(f"Cannot read the anchor file {path}: {error.strerror}\n"
                    f"پروندهٔ لنگرها خوانده نشد: {path}") from error
    except PanahError as error:
        raise _fail(error) from error


@audit_app.command("verify")
def audit_verify(
    as_json: JsonOption = False,
    hmac_key_file: Annotated[
        Path | None,
        typer.Option(help="File holding the unnamed HMAC key of rows sealed before "
                     "PANAH_AUDIT_KEYS, if any."),
    ] = None,
    anchors: Annotated[
        Path | None,
        typer.Option("--anchors", help="File of anchored heads (JSON lines from `panah audit "
                     "anchor` or the timer): each must still be in the chain, signed."),
    ] = None,
) -> None:
    """Walk the whole audit chain; exit 1 and name each row if anything was tampered with.

    Rows are checked against the audit keys (PANAH_AUDIT_KEYS); with ``--anchors``, every
    anchored head must still be in the chain with the same hash, and its signature valid.
    """
    from panah.security.audit import check_anchors, verify_chain
    from panah.security.audit_orm import AuditEvent, current_seal_keys, iter_records

    hmac_key = _read_hmac_key(hmac_key_file)
    settings = _load_settings()
    _install_ring(settings)
    keys = current_seal_keys()
    ring = dict(keys.keys) if keys is not None else {}
    anchored = _read_anchor_file(anchors) if anchors is not None else []
    hashes: dict[int, str] = {}
    with _session(settings) as session:
        events = session.scalar(select(func.count()).select_from(AuditEvent)) or 0
        last = session.execute(
            select(AuditEvent.seq, AuditEvent.hash, AuditEvent.at)
            .order_by(AuditEvent.seq.desc())
            .limit(1)
        ).first()
        with _bar("Checking the audit chain / بررسی زنجیرهٔ ممیزی", events, quiet=as_json) as bar:
            records = _tapped(_counted(iter_records(session), bar),
                              {a.seq for a in anchored}, hashes)
            problems = verify_chain(records, hmac_key=hmac_key, keys=ring)
            for _ in records:  # verification may stop early: the anchors need every hash
                pass
    problems += check_anchors(anchored, hashes, keys=ring)
    head = {"seq": last.seq, "hash": last.hash, "at": last.at} if last else None
    if as_json:
        _print_json(
            {
                "intact": not problems,
                "events": events,
                "head": head,
                **({"anchors": len(anchored)} if anchors is not None else {}),
                "problems": [_problem_json(p) for p in problems],
            }
        )
    else:
        _print_verdict(problems, events, head)
    if problems:
        raise typer.Exit(1)


@audit_app.command("anchor")
def audit_anchor(
    out: Annotated[
        Path | None,
        typer.Option("--out", help="Append the signed head to this file (JSON lines); "
                     "default PANAH_AUDIT_ANCHOR_FILE, else the log."),
    ] = None,
    as_json: JsonOption = False,
) -> None:
    """Sign the audit chain's head (seq, hash, time) with the current audit key and keep
    it outside the database: appended to a file, or written to the log."""
    from panah.core.clock import SystemClock
    from panah.security.anchors import anchor_head

    settings = _load_settings()
    _install_ring(settings)
    target = out or settings.audit_anchor_file
    try:
        with _session(settings) as session:
            anchor = anchor_head(session, now=SystemClock().now(), out=target)
    except PanahError as error:
        raise _fail(error) from error
    except OSError as error:
        raise _fail(f"Cannot write the anchor file {target}: {error.strerror}\n"
                    f"پروندهٔ لنگرها نوشته نشد: {target}") from error
    if as_json:
        _print_json({"anchor": json.loads(anchor.line()) if anchor else None,
                     "out": str(target) if target else None})
        return
    if anchor is None:
        console.print("The audit chain is empty: nothing to anchor.\n"
                      "زنجیرهٔ ممیزی خالی است: چیزی برای لنگر انداختن نیست.")
        return
    where = f"appended to {target}" if target else "written to the log"
    console.print(f"Head seq {anchor.seq} anchored ({where}):\n{anchor.line()}\n"
                  f"سرِ زنجیره (ردیف {anchor.seq}) امضا و نگه داشته شد.", highlight=False,
                  soft_wrap=True)


def _print_verdict(problems: list[ChainProblem], events: int, head: dict[str, Any] | None) -> None:
    where = f"head seq {head['seq']}, hash {head['hash']}" if head else "empty chain"
    if not problems:
        console.print(
            f"[green]Audit chain intact[/green]: {events} events, {where}.\n"
            f"زنجیرهٔ ممیزی سالم است: {events} رویداد."
        )
        return
    table = Table(title=f"Audit chain NOT intact / زنجیرهٔ ممیزی دست‌کاری شده ({where})")
    for name in ("kind", "seq", "problem", "مشکل"):
        table.add_column(name, overflow="fold")
    for problem in problems:
        table.add_row(problem.kind.value, str(problem.seq), problem.message_en, problem.message_fa)
    console.print(table)
    console.print(
        f"[red]{len(problems)} problem(s) in {events} events. Report a security incident.\n"
        f"{len(problems)} مشکل در {events} رویداد. رخداد امنیتی گزارش کنید.[/red]"
    )


# ---- panah keys generate / rotate / status ----------------------------------------------

INSTRUCTIONS_EN = (
    "Put the new entry FIRST in PANAH_ENCRYPTION_KEYS (e.g. 'NEW:...,OLD:...') and restart.",
    "Keep every old entry in the list until `panah keys rotate` has run and "
    "`panah keys status` shows no values left under it; then remove it.",
    "Use the hash key only for a new installation (PANAH_HASH_KEY): changing it on an "
    "existing database breaks lookups by phone number and national code.",
    "Store keys in a secret store or a *_FILE, never in the database or in a backup beside it.",
)
INSTRUCTIONS_FA = (
    "مدخل تازه را در ابتدای PANAH_ENCRYPTION_KEYS بگذارید (مثلاً 'NEW:...,OLD:...') و برنامه "
    "را دوباره راه‌اندازی کنید.",
    "همهٔ کلیدهای قدیمی را نگه دارید تا `panah keys rotate` اجرا شود و `panah keys status` "
    "نشان دهد هیچ مقداری زیر آن‌ها نمانده است؛ سپس حذفشان کنید.",
    "کلید درهم‌سازی فقط برای نصب تازه است (PANAH_HASH_KEY): تغییر آن روی پایگاه دادهٔ موجود "
    "جست‌وجو با شمارهٔ تلفن و کد ملی را از کار می‌اندازد.",
    "کلیدها را در انبار رازها یا یک *_FILE نگه دارید، هرگز در پایگاه داده یا پشتیبان کنار آن.",
)


@keys_app.command("generate")
def keys_generate(
    key_id: Annotated[
        str | None,
        typer.Option("--id", help="Key id: 1-32 letters, digits, '-' or '_' (default k<date>)."),
    ] = None,
    as_json: JsonOption = False,
) -> None:
    """Print a new encryption key entry and a new hash key; touches no database."""
    key_id = key_id or f"k{datetime.now(UTC):%Y%m%d}"
    key = generate_key()
    try:
        KeyRing.parse(f"{key_id}:{key}")  # the same checks the application applies
    except PanahError as error:
        raise _fail(error) from error
    result = {
        "key_id": key_id,
        "entry": f"{key_id}:{key}",
        "hash_key": generate_key(),
        "instructions_en": list(INSTRUCTIONS_EN),
        "instructions_fa": list(INSTRUCTIONS_FA),
    }
    if as_json:
        _print_json(result)
        return
    console.print("New PANAH_ENCRYPTION_KEYS entry / مدخل تازهٔ کلید رمزنگاری:", highlight=False)
    console.print(f"  {result['entry']}", highlight=False, soft_wrap=True)
    console.print("New PANAH_HASH_KEY / کلید درهم‌سازی تازه:", highlight=False)
    console.print(f"  {result['hash_key']}", highlight=False, soft_wrap=True)
    for number, (en, fa) in enumerate(zip(INSTRUCTIONS_EN, INSTRUCTIONS_FA, strict=True), 1):
        console.print(f"{number}. {en}\n   {fa}", highlight=False, soft_wrap=True)


def _panah_columns() -> list[EncryptedColumn]:
    from panah.core.db import Base, import_all_models

    import_all_models()
    return encrypted_columns(Base.metadata)


@keys_app.command("rotate")
def keys_rotate(as_json: JsonOption = False) -> None:
    """Re-seal every encrypted value under the current key (the first in the ring)."""
    settings = _load_settings()
    ring = _install_ring(settings)
    columns = _panah_columns()
    try:
        with _session(settings) as session:
            before = key_status(session, columns)
            stale = sum(
                n for counts in before.values() for k, n in counts.items() if k != ring.current_id
            )
            title = f"Re-sealing under {ring.current_id} / رمزگذاری دوباره"
            with _bar(title, stale, quiet=as_json) as advance:
                moved = rotate_all(session, ring, columns, lambda _c, n: advance(n))
    except PanahError as error:  # nothing was changed: the unit of work rolled back
        raise _fail(error, 1) from error
    if as_json:
        _print_json(
            {
                "current_key": ring.current_id,
                "moved": sum(moved.values()),
                "columns": [{"column": c, "moved": n} for c, n in moved.items()],
            }
        )
        return
    table = Table(title=f"Moved to {ring.current_id} / منتقل‌شده")
    table.add_column("column")
    table.add_column("rows moved", justify="right")
    for label, count in moved.items():
        table.add_row(label, str(count))
    console.print(table)
    console.print(
        f"{sum(moved.values())} values moved to {ring.current_id}; run `panah keys status` "
        "to see which old keys can be dropped.\n"
        f"{sum(moved.values())} مقدار به کلید {ring.current_id} منتقل شد؛ برای دیدن کلیدهای "
        "قدیمی قابل حذف `panah keys status` را اجرا کنید."
    )


@keys_app.command("status")
def keys_status(as_json: JsonOption = False) -> None:
    """Per encrypted column, how many values each key seals; which old keys can be dropped.

    Exits 1 when some values are sealed under a key that is not in the ring (unreadable).
    """
    settings = _load_settings()
    ring = _install_ring(settings)
    columns = _panah_columns()
    with _session(settings) as session:
        status = key_status(session, columns)
    totals: Counter[str] = sum(status.values(), Counter())
    unknown = sorted(k for k in totals if k not in ring.keys)
    droppable = [k for k in ring.keys if k != ring.current_id and not totals[k]]
    if as_json:
        _print_json(
            {
                "current_key": ring.current_id,
                "ring": list(ring.keys),
                "columns": [
                    {"column": label, "values": sum(counts.values()), "keys": dict(counts)}
                    for label, counts in status.items()
                ],
                "totals": dict(totals),
                "droppable": droppable,
                "unknown": unknown,
            }
        )
    else:
        _print_status(ring, status, droppable, unknown)
    if unknown:
        raise typer.Exit(1)


def _print_status(
    ring: KeyRing, status: dict[str, Counter[str]], droppable: list[str], unknown: list[str]
) -> None:
    key_ids = list(ring.keys) + unknown
    table = Table(title="Values per key / مقدارها به تفکیک کلید")
    table.add_column("column")
    for key_id in key_ids:
        table.add_column(
            key_id + (" (current)" if key_id == ring.current_id else ""), justify="right"
        )
    for label, counts in status.items():
        table.add_row(label, *(str(counts[k]) for k in key_ids))
    console.print(table if status else "No encrypted columns. / ستون رمزشده‌ای نیست.")
    if droppable:
        console.print(
            f"No values left under {', '.join(droppable)}: safe to remove from "
            f"PANAH_ENCRYPTION_KEYS.\nهیچ مقداری زیر {', '.join(droppable)} نمانده؛ "
            "می‌توان آن را از PANAH_ENCRYPTION_KEYS حذف کرد."
        )
    if unknown:
        console.print(
            f"[red]Values sealed under {', '.join(unknown)}, which is not in the "
            "ring: they cannot be read. Add the key back.\nمقدارهایی با کلیدی بیرون از "
            "دسته‌کلید رمز شده‌اند و خوانده نمی‌شوند؛ کلید را برگردانید.[/red]"
        )
