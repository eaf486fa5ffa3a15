"""Partner agencies' API keys: a page for administrators, and the same as a JSON API.

A new key's text is in the answer to its creation and nowhere else, ever after.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Form, Path, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from panah.core.errors import InvalidInput
from panah.security.apikeys import issue_key, list_keys, revoke_key
from panah.security.policy import Actor
from panah.security.queries import api_keys_page as keys_page
from panah.security.roles import Permission
from panah.security.schemas import LABEL_MAX, ApiKeyCreate, ApiKeyCreated, ApiKeyPublic
from panah.web.deps import Uow, require

router = APIRouter(tags=["api keys"])
Manager = Annotated[Actor, Depends(require(Permission.manage_api_keys))]
KeyId = Annotated[int, Path(ge=1, le=2**31 - 1)]  # an Integer column, 32 bits on PostgreSQL
PAGE = "/admin/api-keys"


# ---- the page -------------------------------------------------------------------------------


def _page(
    request: Request,
    uow: Uow,
    *,
    created: ApiKeyCreated | None = None,
    error: InvalidInput | None = None,
    status: int = 200,
) -> Response:
    page = keys_page(uow.session)
    context = {
        "keys": page.keys,
        "partners": page.partners,
        "provinces": page.provinces,
        "created": created,
        "error": error,
    }
    return request.app.state.templates.TemplateResponse(  # type: ignore[no-any-return]
        request, "admin/api_keys.html", context, status_code=status
    )


@router.get(PAGE, response_class=HTMLResponse)
def api_keys_page(request: Request, actor: Manager, uow: Uow) -> Response:
    """Every partner key, a form for a new one and a button to revoke each."""
    return _page(request, uow)


@router.post(PAGE, response_class=HTMLResponse)
def create_api_key_form(
    request: Request,
    actor: Manager,
    uow: Uow,
    username: Annotated[str, Form(max_length=80)],
    label: Annotated[str, Form(max_length=LABEL_MAX)],
    province_code: Annotated[str, Form(max_length=5)] = "",
) -> Response:
    """Create a key and show its text, once."""
    try:
        with uow.session.begin_nested():  # a refusal leaves nothing saved
            created = issue_key(
                uow.session, actor=actor, username=username, label=label,
                province_code=province_code or None, now=uow.now,
            )
    except InvalidInput as error:
        return _page(request, uow, error=error, status=422)
    return _page(request, uow, created=created, status=201)


@router.post(f"{PAGE}/{{key_id}}/revoke")
def revoke_api_key_form(actor: Manager, uow: Uow, key_id: KeyId) -> Response:
    """Revoke a key; its next request is refused."""
    revoke_key(uow.session, actor=actor, key_id=key_id, now=uow.now)
    return RedirectResponse(PAGE, status_code=303)


# ---- the JSON API ---------------------------------------------------------------------------


@router.get("/api/admin/api-keys", response_model=list[ApiKeyPublic])
def api_keys(actor: Manager, uow: Uow) -> list[ApiKeyPublic]:
    """Every partner key, the newest first (never the key text)."""
    return list_keys(uow.session)


@router.post("/api/admin/api-keys", response_model=ApiKeyCreated, status_code=201)
def create_api_key(actor: Manager, uow: Uow, body: ApiKeyCreate) -> ApiKeyCreated:
    """Create a key for a partner-agency account; the answer holds the key, once."""
    return issue_key(
        uow.session, actor=actor, username=body.username, label=body.label,
        province_code=body.province_code, now=uow.now,
    )


@router.post("/api/admin/api-keys/{key_id}/revoke", response_model=ApiKeyPublic)
def revoke_api_key(actor: Manager, uow: Uow, key_id: KeyId) -> ApiKeyPublic:
    """Revoke a key at once; revoking it again changes nothing."""
    return revoke_key(uow.session, actor=actor, key_id=key_id, now=uow.now)
