"""One place mounts every router."""

from __future__ import annotations

from fastapi import FastAPI

from panah.web.routes import auth, geo, health, pages


def mount_routes(app: FastAPI) -> None:
    for module in (health, auth, pages, geo):
        app.include_router(module.router)
