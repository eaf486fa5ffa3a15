"""Importing and exporting the organisation in bulk (issue 15, item 4).

An import reads the file, matches its header, parses every row (:mod:`panah.org.model`),
then saves each good row through its domain's own use case (:mod:`panah.org.ports`), each
in a savepoint of its own inside one savepoint for the whole file: a row the domain
refuses leaves nothing, and when any row is refused (without ``partial``) or the run is a
dry run, the whole file's savepoint is rolled back. One audit event tells what was done,
with counts only: never a row's personal data.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from datetime import datetime
from typing import Any

from pydantic import BaseModel, ValidationError
from sqlalchemy import select
from sqlalchemy.orm import Session

from panah.core.errors import Conflict, Forbidden, InvalidInput, NotFound
from panah.geo.orm import County, Province
from panah.org.columns import KINDS, Kind, KindSpec
from panah.org.files import FORMATS, BadFile, read_sheet, write_sheet
from panah.org.model import (
    Gazette,
    ParsedRow,
    PlaceName,
    Problem,
    cell_text,
    duplicates,
    format_value,
    out_of_reach,
    parse_row,
    read_header,
)
from panah.org.ports import Port, find_port, port_for
from panah.org.report import ImportReport, Saved
from panah.security.audit import AuditAction
from panah.security.audit_orm import append
from panah.security.policy import Actor, decide, scope_of
from panah.security.roles import Scope

Progress = Callable[[int, int], None]  # (rows done, rows in all)
REFUSALS = (InvalidInput, Conflict, Forbidden, NotFound)


def gazette(session: Session) -> Gazette:
    """Every province and county, to resolve the names rows give."""
    provinces = tuple(PlaceName(code, fa, en) for code, fa, en in session.execute(
        select(Province.code, Province.name_fa, Province.name_en).order_by(Province.code)))
    counties = tuple(PlaceName(key, fa, en, province) for key, fa, en, province in
                     session.execute(select(County.key, County.name_fa, County.name_en,
                                            County.province_code).order_by(County.key)))
    return Gazette(provinces, counties)


def check_allowed(actor: Actor, kind: Kind, port: Port) -> None:
    """Only those who may manage ``kind`` import or export it."""
    if not decide(actor, port.permission):
        spec = KINDS[kind]
        raise Forbidden(f"Your role does not allow importing or exporting {spec.en}.",
                        f"نقش شما اجازهٔ ورود یا خروج گروهی {spec.fa} را نمی‌دهد.",
                        permission=port.permission.value)


def reach_of(actor: Actor, province: str | None) -> str | None:
    """The one province rows must belong to: a provincial actor's own, or the one the
    operator named; None for the nation."""
    own = actor.province_code if scope_of(actor) is not Scope.nation else None
    if own is not None and province is not None and province != own:
        raise Forbidden(f"You administer {own} only; you cannot import for {province}.",
                        f"شما فقط استان {own} را اداره می‌کنید؛ برای استان {province} "
                        "نمی‌توانید وارد کنید.")
    return own or province


def run_import(
    session: Session, *, actor: Actor, now: datetime, kind: Kind, file_name: str,
    data: bytes, dry_run: bool = False, partial: bool = False, province: str | None = None,
    ports: Mapping[Kind, Port] | None = None, progress: Progress | None = None,
) -> ImportReport:
    """Import ``data`` (the file ``file_name``) as rows of ``kind``; see the module."""
    port = port_for(kind, ports)
    check_allowed(actor, kind, port)
    reach = reach_of(actor, province)
    spec = KINDS[kind]
    report = ImportReport(kind, file_name, dry_run, partial, 0)
    try:
        sheet = read_sheet(file_name, data)
    except BadFile as error:
        return _audited(session, actor, now, _bad(report, [
            Problem(0, None, error.message_en, error.message_fa)]))
    header = read_header(spec, sheet.rows)
    if header.problems:
        return _audited(session, actor, now, _bad(report, header.problems))
    places = gazette(session)
    rows = [parse_row(spec, header, cells, number, places)
            for number, cells in enumerate(sheet.rows[header.first_row - 1:],
                                           start=header.first_row)
            if any(cell_text(cell) for cell in cells)]
    duplicates(spec, rows)
    for row in rows:
        _within(spec, row, reach, places)
    saved, stored = _save_all(session, actor=actor, now=now, spec=spec, port=port, rows=rows,
                              keep=lambda problems: not dry_run and (partial or not problems),
                              progress=progress)
    problems = tuple(p for row in rows for p in row.problems)
    done = ImportReport(kind, file_name, dry_run, partial, len(rows), tuple(saved), problems,
                        stored=stored)
    return _audited(session, actor, now, done)


def _bad(report: ImportReport, problems: Sequence[Problem]) -> ImportReport:
    return ImportReport(report.kind, report.file_name, report.dry_run, report.partial, 0,
                        file_problems=tuple(problems))


def _within(spec: KindSpec, row: ParsedRow, reach: str | None, places: Gazette) -> None:
    """A row with no province takes the reach's; one of another province is refused. A kind
    with no place of its own (vehicles: their home centre's) is left to its domain."""
    if reach is None or not ({"province_code", "county"} & set(spec.keys)):
        return
    if row.province_code is None and "province_code" in spec.keys:
        row.values["province_code"] = row.province_code = reach
    out_of_reach(row, reach, places)


def _save_all(
    session: Session, *, actor: Actor, now: datetime, spec: KindSpec, port: Port,
    rows: Sequence[ParsedRow], keep: Callable[[bool], bool], progress: Progress | None,
) -> tuple[list[Saved], bool]:
    """Save every good row, each in its savepoint, all inside the file's savepoint, which is
    kept only if ``keep(any row refused)``."""
    saved: list[Saved] = []
    whole = session.begin_nested()
    try:
        for done, row in enumerate(rows, start=1):
            if row.ok:
                created = _save_row(session, actor=actor, now=now, port=port, row=row)
                if created is not None:
                    saved.append(Saved(row.number, str(row.values.get(spec.key, "")), created))
            if progress is not None:
                progress(done, len(rows))
    except BaseException:
        whole.rollback()
        raise
    stored = keep(any(not row.ok for row in rows))
    if stored:
        whole.commit()
    else:
        whole.rollback()
    return saved, stored


def _save_row(session: Session, *, actor: Actor, now: datetime, port: Port,
              row: ParsedRow) -> bool | None:
    """Whether the row was created (False: updated); None when refused (its problems)."""
    fields = port.model.model_fields
    try:
        data = port.model.model_validate({k: v for k, v in row.values.items() if k in fields})
    except ValidationError as error:
        for problem in error.errors():
            _refuse_invalid(row, problem)
        return None
    try:
        with session.begin_nested():
            _, created = port.save(session, actor=actor, now=now, data=data)
    except REFUSALS as error:
        column = error.details.get("field")
        row.refuse(column if isinstance(column, str) else None, error.message_en,
                   error.message_fa)
        return None
    return bool(created)


def _refuse_invalid(row: ParsedRow, problem: Mapping[str, Any]) -> None:
    where = problem.get("loc") or ()
    column = str(where[0]) if where else None
    given = problem.get("input")
    shown = given if isinstance(given, str | int | float) else ""
    row.refuse(column, f"{column}: {problem.get('msg', 'not accepted')}.",
               f"مقدار «{shown}» در ستون {column} پذیرفته نیست ({problem.get('msg', '')}).")


def _audited(session: Session, actor: Actor, now: datetime,
             report: ImportReport) -> ImportReport:
    """One event for the whole import: what, how many, whether kept. No row's data."""
    reason = (f"org import {report.kind.value}: outcome={report.outcome.value} "
              f"rows={report.rows} created={report.created} updated={report.updated} "
              f"refused={len(report.refused_rows)} dry_run={report.dry_run} "
              f"partial={report.partial}")
    append(session, now=now, actor=actor,
           action=AuditAction.update if report.stored else AuditAction.review,
           subject_type="org_import", subject_id=report.kind.value, reason=reason)
    session.flush()
    return report


# ---- export and templates ---------------------------------------------------------------


def check_format(fmt: str) -> str:
    fmt = fmt.strip().lower().lstrip(".")
    if fmt not in FORMATS:
        raise InvalidInput(f"The format must be csv or xlsx, not «{fmt}».",
                           f"قالب باید csv یا xlsx باشد، نه «{fmt}».", field="format")
    return fmt


def as_cells(spec: KindSpec, item: BaseModel) -> list[str]:
    values = item.model_dump()
    return [format_value(c, values.get(c.key)) for c in spec.columns]


def export(session: Session, *, actor: Actor, now: datetime, kind: Kind, fmt: str,
           ports: Mapping[Kind, Port] | None = None) -> bytes:
    """Every row of ``kind`` the actor may manage, as a file the import reads back."""
    fmt = check_format(fmt)
    port = port_for(kind, ports)
    check_allowed(actor, kind, port)
    spec = KINDS[kind]
    items = port.rows(session, actor=actor)
    append(session, now=now, actor=actor, action=AuditAction.export,
           subject_type="org_export", subject_id=kind.value,
           reason=f"org export {kind.value}: rows={len(items)} format={fmt}")
    return write_sheet(spec, [as_cells(spec, item) for item in items], fmt)


def template(kind: Kind, fmt: str) -> bytes:
    """The kind's headers and one example row: a file to fill in."""
    spec = KINDS[kind]
    return write_sheet(spec, [[c.example for c in spec.columns]], check_format(fmt))


def file_name(kind: Kind, fmt: str, *, what: str) -> str:
    return f"panah-{kind.value}-{what}.{fmt}"


def kinds_for(actor: Actor, ports: Mapping[Kind, Port] | None = None) -> list[Kind]:
    """The kinds ``actor`` may import and export (whose domain offers them)."""
    found = []
    for kind in Kind:
        port = ports.get(kind) if ports is not None else find_port(kind)
        if port is not None and decide(actor, port.permission):
            found.append(kind)
    return found
