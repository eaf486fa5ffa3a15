"""Bulk import and export of the organisation: the page /admin/import and its JSON twin
/api/org/import, with /api/org/export and /api/org/template for the files.

The route needs ``manage_organisation``; each kind's own permission (``manage_people`` for
users) is checked by :mod:`panah.org.service`, as is the actor's province.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, File, Form, Query, Request, UploadFile
from fastapi.responses import HTMLResponse, Response

from panah.core.errors import InvalidInput, PanahError
from panah.org.columns import KINDS, Kind, kind_named
from panah.org.files import MAX_BYTES
from panah.org.report import ImportReport
from panah.org.schemas import ImportReportPublic
from panah.org.service import export, file_name, kinds_for, run_import, template
from panah.security.policy import Actor
from panah.security.roles import Permission
from panah.web.deps import Uow, require

router = APIRouter(tags=["organisation import"])
Keeper = Annotated[Actor, Depends(require(Permission.manage_organisation))]
PAGE = "/admin/import"
KIND_HELP = "users, centres, vehicles, posts, directory (services) or agencies"
KindName = Annotated[str, Query(max_length=20, description=KIND_HELP)]
Format = Annotated[str, Query(alias="format", max_length=5, pattern="^(csv|xlsx)$")]
MEDIA = {"csv": "text/csv; charset=utf-8",
         "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"}


def _kind(name: str) -> Kind:
    kind = kind_named(name)
    if kind is None:
        raise InvalidInput(f"Unknown kind «{name}»: choose one of {KIND_HELP}.",
                           f"نوع «{name}» شناخته نیست؛ یکی از کاربران، مراکز، خودروها، "
                           "پایگاه‌ها، خدمات یا دستگاه‌های همکار را برگزینید.", field="kind")
    return kind


def _read(upload: UploadFile) -> bytes:
    return upload.file.read(MAX_BYTES + 1)  # one byte more: the reader refuses it whole


def _download(data: bytes, kind: Kind, fmt: str, what: str) -> Response:
    name = file_name(kind, fmt, what=what)
    return Response(data, media_type=MEDIA[fmt],
                    headers={"Content-Disposition": f'attachment; filename="{name}"'})


# ---- the page -----------------------------------------------------------------------------


def _page(request: Request, actor: Actor, *, report: ImportReport | None = None,
          error: PanahError | None = None, chosen: str = "", status: int = 200) -> Response:
    kinds = kinds_for(actor)
    context = {"kinds": [KINDS[k] for k in kinds], "report": report, "error": error,
               "chosen": chosen or (kinds[0].value if kinds else "")}
    return request.app.state.templates.TemplateResponse(  # type: ignore[no-any-return]
        request, "admin/import.html", context, status_code=status)


@router.get(PAGE, response_class=HTMLResponse)
def import_page(request: Request, actor: Keeper) -> Response:
    """Upload a file of one kind; download a blank template or the current rows."""
    return _page(request, actor)


@router.post(PAGE, response_class=HTMLResponse)
def import_form(
    request: Request, actor: Keeper, uow: Uow,
    file: Annotated[UploadFile, File()],
    kind: Annotated[str, Form(max_length=20)],
    dry_run: Annotated[bool, Form()] = False,
    partial: Annotated[bool, Form()] = False,
) -> Response:
    """Check or import the file and show the report, row by row."""
    data = _read(file)
    try:
        report = run_import(uow.session, actor=actor, now=uow.now, kind=_kind(kind),
                            file_name=file.filename or "", data=data, dry_run=dry_run,
                            partial=partial)
    except PanahError as error:
        return _page(request, actor, error=error, chosen=kind, status=422)
    return _page(request, actor, report=report, chosen=kind,
                 status=200 if report.exit_code == 0 else 422)


# ---- the API ------------------------------------------------------------------------------


@router.post("/api/org/import", response_model=ImportReportPublic)
def import_file(
    actor: Keeper, uow: Uow,
    file: Annotated[UploadFile, File(description="A .csv or .xlsx file")],
    kind: Annotated[str, Form(max_length=20, description=KIND_HELP)],
    dry_run: Annotated[bool, Form(description="Check every row; store nothing")] = False,
    partial: Annotated[bool, Form(description="Keep the good rows when others are "
                                              "refused")] = False,
) -> dict[str, object]:
    """Import a file of one kind. Nothing is stored when any row is refused, unless
    ``partial``; the report names every refused row, its column and the rule."""
    data = _read(file)
    report = run_import(uow.session, actor=actor, now=uow.now, kind=_kind(kind),
                        file_name=file.filename or "", data=data, dry_run=dry_run,
                        partial=partial)
    return report.as_dict()


@router.get("/api/org/export", response_class=Response,
            responses={200: {"content": {m: {} for m in MEDIA.values()}}})
def export_file(actor: Keeper, uow: Uow, kind: KindName, fmt: Format = "xlsx") -> Response:
    """Every row of a kind the actor manages, in the columns the import reads."""
    chosen = _kind(kind)
    data = export(uow.session, actor=actor, now=uow.now, kind=chosen, fmt=fmt)
    return _download(data, chosen, fmt, "export")


@router.get("/api/org/template", response_class=Response,
            responses={200: {"content": {m: {} for m in MEDIA.values()}}})
def template_file(actor: Keeper, kind: KindName, fmt: Format = "xlsx") -> Response:
    """A blank file of a kind: Persian and English headers and one example row."""
    chosen = _kind(kind)
    return _download(template(chosen, fmt), chosen, fmt, "template")
