"""Partner agencies' API keys: a page for administrators, and the same as a JSON API.

A new key's text is in the answer to its creation and nowhere else, ever after.
"""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

from fastapi import APIRouter, Depends, Form, Path, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from pydantic import BaseModel, Field
from sqlalchemy import select

from panah.core.errors import InvalidInput
from panah.geo.orm import Province
from panah.security.apikeys import LABEL_MAX, create_key, list_keys, partner_accounts, revoke_key
from panah.security.orm import ApiKey, User
from panah.security.policy import Actor
from panah.security.roles import Permission
from panah.web.deps import Uow, get_clock, require

router = APIRouter(tags=["api keys"])
Manager = Annotated[Actor, Depends(require(Permission.manage_api_keys))]
KeyId = Annotated[int, Path(ge=1, le=2**31 - 1)]  # an Integer column, 32 bits on PostgreSQL
PAGE = "/admin/api-keys"


class ApiKeyCreate(BaseModel):
    username: str = Field(max_length=80, description="The partner agency's account")
    label: str = Field(max_length=LABEL_MAX, description="Who holds it: 'Police 110 Sari'")
    province_code: str | None = Field(
        default=None, max_length=5, description="IR-02 and the like; none for a national key"
    )


class ApiKeyPublic(BaseModel):
    id: int
    username: str
    label: str
    province_code: str | None
    scope: str  # "province" or "national"
    prefix: str
    created_at: datetime
    revoked_at: datetime | None
    last_used_at: datetime | None

    @classmethod
    def build(cls, key: ApiKey, user: User) -> ApiKeyPublic:
        return cls(
            id=key.id, username=user.username, label=key.label, province_code=key.province_code,
            scope="national" if key.province_code is None else "province", prefix=key.prefix,
            created_at=key.created_at, revoked_at=key.revoked_at, last_used_at=key.last_used_at,
        )


class ApiKeyCreated(ApiKeyPublic):
    key: str = Field(description="The whole key. Shown this once: store it now.")


# ---- the page -------------------------------------------------------------------------------


def _page(
    request: Request,
    uow: Uow,
    *,
    created: tuple[ApiKey, str] | None = None,
    error: InvalidInput | None = None,
    status: int = 200,
) -> Response:
    context = {
        "keys": list_keys(uow.session),
        "partners": partner_accounts(uow.session),
        "provinces": list(uow.session.scalars(select(Province))),
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
        created = create_key(
            uow.session, actor=actor, username=username, label=label,
            province_code=province_code or None, now=get_clock(request).now(),
        )
    except InvalidInput as error:
        return _page(request, uow, error=error, status=422)
    return _page(request, uow, created=created, status=201)


@router.post(f"{PAGE}/{{key_id}}/revoke")
def revoke_api_key_form(request: Request, actor: Manager, uow: Uow, key_id: KeyId) -> Response:
    """Revoke a key; its next request is refused."""
    revoke_key(uow.session, actor=actor, key_id=key_id, now=get_clock(request).now())
    return RedirectResponse(PAGE, status_code=303)


# ---- the JSON API ---------------------------------------------------------------------------


@router.get("/api/admin/api-keys", response_model=list[ApiKeyPublic])
def api_keys(actor: Manager, uow: Uow) -> list[ApiKeyPublic]:
    """Every partner key, the newest first (never the key text)."""
    return [ApiKeyPublic.build(key, user) for key, user in list_keys(uow.session)]


@router.post("/api/admin/api-keys", response_model=ApiKeyCreated, status_code=201)
def create_api_key(
    request: Request, actor: Manager, uow: Uow, body: ApiKeyCreate
) -> ApiKeyCreated:
    """Create a key for a partner-agency account; the answer holds the key, once."""
    key, text = create_key(
        uow.session, actor=actor, username=body.username, label=body.label,
        province_code=body.province_code, now=get_clock(request).now(),
    )
    user = uow.session.get_one(User, key.user_id)
    return ApiKeyCreated(**ApiKeyPublic.build(key, user).model_dump(), key=text)


@router.post("/api/admin/api-keys/{key_id}/revoke", response_model=ApiKeyPublic)
def revoke_api_key(request: Request, actor: Manager, uow: Uow, key_id: KeyId) -> ApiKeyPublic:
    """Revoke a key at once; revoking it again changes nothing."""
    key = revoke_key(uow.session, actor=actor, key_id=key_id, now=get_clock(request).now())
    return ApiKeyPublic.build(key, uow.session.get_one(User, key.user_id))
