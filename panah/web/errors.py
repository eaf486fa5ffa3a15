"""The one place that maps domain errors to HTTP status codes and pages."""

from __future__ import annotations

from urllib.parse import quote

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, RedirectResponse, Response

from panah.core.errors import (
    Conflict,
    Forbidden,
    InvalidInput,
    NotAuthenticated,
    NotFound,
    PanahError,
    TooManyRequests,
)

STATUS: dict[type[PanahError], int] = {
    InvalidInput: 422,
    NotFound: 404,
    Conflict: 409,
    NotAuthenticated: 401,
    Forbidden: 403,
    TooManyRequests: 429,
}


def status_for(error: PanahError) -> int:
    for kind in type(error).__mro__:
        if kind in STATUS:
            return STATUS[kind]  # type: ignore[index]
    return 400


def wants_html(request: Request) -> bool:
    return not request.url.path.startswith("/api/") and "text/html" in request.headers.get(
        "accept", ""
    )


async def on_panah_error(request: Request, error: PanahError) -> Response:
    return error_response(request, error)


def error_response(request: Request, error: PanahError) -> Response:
    """The answer for ``error``: a sign-in redirect, an error page, or JSON."""
    status = status_for(error)
    if isinstance(error, NotAuthenticated) and wants_html(request):
        target = quote(str(request.url.path))
        return RedirectResponse(f"/login?next={target}", status_code=303)
    if wants_html(request):
        templates = request.app.state.templates
        return templates.TemplateResponse(  # type: ignore[no-any-return]
            request, "error.html", {"error": error, "status": status}, status_code=status
        )
    return JSONResponse(error.as_dict(), status_code=status, headers=_retry_after(error))


def _retry_after(error: PanahError) -> dict[str, str] | None:
    wait = error.details.get("retry_after_s") if isinstance(error, TooManyRequests) else None
    return {"Retry-After": str(wait)} if isinstance(wait, int) else None


def kept_error(request: Request, error: PanahError) -> Response:
    """The answer for ``error`` when the request's work is committed all the same (a field
    update kept as history although it did not apply, a refusal kept on the audit chain):
    a route returns it instead of raising, so its unit of work commits."""
    return error_response(request, error)


async def on_validation_error(request: Request, error: RequestValidationError) -> Response:
    problems = [
        {"where": ".".join(str(p) for p in e.get("loc", ())), "problem": e.get("msg", "")}
        for e in error.errors()
    ]
    body = {
        "error": "invalid_input",
        "message": "Some fields are missing or malformed; see details and send them again.",
        "message_fa": "برخی از فیلدها خالی یا نادرست‌اند؛ جزئیات را ببینید و دوباره بفرستید.",
        "details": problems,
    }
    return JSONResponse(body, status_code=422)


def install(app: FastAPI) -> None:
    app.add_exception_handler(PanahError, on_panah_error)  # type: ignore[arg-type]
    app.add_exception_handler(RequestValidationError, on_validation_error)  # type: ignore[arg-type]
