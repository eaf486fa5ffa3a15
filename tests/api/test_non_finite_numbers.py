"""NaN and infinity are not numbers a person means: every float input refuses them with a
422 that says so in Persian and English, never a 500.

The second test walks every route of the app (query, path, header, cookie, form and body
inputs, and every pydantic model a body reaches), so a float input added later is held to
the same rule without editing this file.
"""

from __future__ import annotations

import types
import typing
from collections.abc import Iterator
from typing import Any

from fastapi import FastAPI
from fastapi.routing import APIRoute
from fastapi.testclient import TestClient
from pydantic import BaseModel

from tests.api.test_route_permissions import effective_routes
from tests.conftest import login

NOT_FINITE: tuple[object, ...] = (float("nan"), float("inf"), float("-inf"), "NaN", "1e999",
                                  "-Infinity")
PARAMS = ("query_params", "path_params", "header_params", "cookie_params", "body_params")


def test_a_latitude_of_1e999_or_nan_is_a_422_in_both_languages_not_a_500(
    client: TestClient,
) -> None:
    login(client, "counsellor")
    for lat in ("1e999", "nan", "NaN", "inf", "-Infinity"):
        response = client.get("/api/geo/locate", params={"lat": lat, "lon": "51.42"})
        assert response.status_code == 422, (lat, response.text)
        body = response.json()
        assert body["message"] and body["message_fa"]
        assert [d["where"] for d in body["details"]] == ["query.lat"]
        assert "finite" in body["details"][0]["problem"]
    assert client.get("/api/geo/locate", params={"lat": "36.655", "lon": "51.42"}
                      ).status_code == 200


def _floats(annotation: Any) -> bool:
    return annotation is float or any(_floats(a) for a in typing.get_args(annotation))


def _models(annotation: Any) -> Iterator[type[BaseModel]]:
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        yield annotation
        for field in annotation.model_fields.values():
            yield from _models(field.annotation)
    elif typing.get_origin(annotation) is not None or isinstance(annotation, types.UnionType):
        for argument in typing.get_args(annotation):
            yield from _models(argument)


def _dependants(dependant: Any) -> Iterator[Any]:
    yield dependant
    for child in dependant.dependencies:
        yield from _dependants(child)


def _accepted(app: FastAPI) -> tuple[list[str], int]:
    """Every float input that takes a non-finite value (or refuses it for another reason
    than "not a finite number"), and how many inputs were tried."""
    accepted, tried, seen = [], 0, set()
    for original, route in effective_routes(app.routes):
        if not isinstance(original, APIRoute):
            continue
        for dependant in _dependants(route.dependant):
            for kind in PARAMS:
                for param in getattr(dependant, kind):
                    annotation = param.field_info.annotation
                    if _floats(annotation) and kind != "body_params":
                        for value in NOT_FINITE:
                            tried += 1
                            _, errors = param.validate(value, {}, loc=(kind,))
                            if [e["type"] for e in errors] != ["finite_number"]:
                                accepted.append(f"{route.path} {kind} {param.name}={value}")
                    for model in _models(annotation):
                        for name, field in model.model_fields.items():
                            if not _floats(field.annotation) or (model, name) in seen:
                                continue
                            seen.add((model, name))
                            for value in NOT_FINITE:
                                tried += 1
                                errors = _errors(model, name, value)
                                if "finite_number" not in errors:
                                    accepted.append(f"{route.path} {model.__name__}.{name}="
                                                    f"{value}: {errors}")
    return accepted, tried


def _errors(model: type[BaseModel], name: str, value: object) -> list[str]:
    try:
        model.model_validate({name: value})
    except ValueError as error:
        return [e["type"] for e in error.errors() if e["loc"][:1] == (name,)]  # type: ignore[attr-defined]
    return []


def test_every_float_input_of_every_route_refuses_nan_and_infinity(app: FastAPI) -> None:
    accepted, tried = _accepted(app)
    assert not accepted, "\n".join(accepted)
    assert tried >= 20 * len(NOT_FINITE)  # it found the float inputs (lat, lon, radius …)
