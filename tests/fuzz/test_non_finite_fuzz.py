"""Fuzz every number input in ``/openapi.json`` with NaN and infinity: never a 5xx, and a 422
in both languages wherever the input is read.

JSON has no NaN or infinity, but Python's parser (and so FastAPI's) reads ``NaN``,
``Infinity`` and ``1e999`` (which overflows to infinity) in a body all the same; a query
takes them as text. For each operation, each number it takes (query, path or a body
property, however deeply nested) is sent as each of those, the rest of the request
filled with plain values, as a signed-in user whose role reaches the route. Operations
are read from the running app's schema, so later routes are fuzzed without editing this.
"""

from __future__ import annotations

import json
import re
import sqlite3
from collections.abc import Iterator
from typing import Any

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

from tests.api.route_samples import PATH_SAMPLES
from tests.conftest import login
from tests.fuzz.test_openapi_fuzz import SESSION_COOKIE, _csrf_token

pytestmark = pytest.mark.fuzz

BODY_VALUES = ("NaN", "Infinity", "-Infinity", "1e999")
QUERY_VALUES = ("nan", "inf", "-Infinity", "1e999")
MARK = "__non_finite__"
USERS = ("admin", "counsellor", "supervisor", "dispatcher")


def _resolve(schema: dict[str, Any], spec: dict[str, Any]) -> dict[str, Any]:
    while "$ref" in schema:
        name = schema["$ref"].rsplit("/", 1)[1]
        schema = spec["components"]["schemas"][name]
    return schema


def _is_number(schema: dict[str, Any], spec: dict[str, Any]) -> bool:
    schema = _resolve(schema, spec)
    options = schema.get("anyOf", []) + schema.get("oneOf", [])
    return schema.get("type") == "number" or any(_is_number(o, spec) for o in options)


def _plain(schema: dict[str, Any], spec: dict[str, Any]) -> Any:
    """A plain value of ``schema``: the first of an enum, the bound of a number, one of
    each required property."""
    schema = _resolve(schema, spec)
    if "anyOf" in schema or "oneOf" in schema:
        options = [o for o in schema.get("anyOf", schema.get("oneOf", []))
                   if _resolve(o, spec).get("type") != "null"]
        return _plain(options[0], spec) if options else None
    if "enum" in schema:
        return schema["enum"][0]
    kind = schema.get("type")
    if kind == "object":
        return {name: _plain(prop, spec) for name, prop in schema.get("properties", {}).items()
                if name in schema.get("required", [])}
    if kind == "array":
        return []
    if kind in {"number", "integer"}:
        return schema.get("minimum", schema.get("exclusiveMinimum", 0)) + (kind == "integer")
    if kind == "boolean":
        return False
    return "x" * max(1, schema.get("minLength", 1))


def _numbers_in_body(schema: dict[str, Any], spec: dict[str, Any],
                     seen: frozenset[str] = frozenset()) -> Iterator[tuple[str, ...]]:
    """The path of every number property in a body schema (nested objects included)."""
    ref = schema.get("$ref", "")
    if ref in seen:
        return
    resolved = _resolve(schema, spec)
    for option in resolved.get("anyOf", []) + resolved.get("oneOf", []):
        yield from _numbers_in_body(option, spec, seen | {ref})
    for name, prop in resolved.get("properties", {}).items():
        if _is_number(prop, spec):
            yield (name,)
        else:
            yield from ((name, *rest) for rest in _numbers_in_body(prop, spec, seen | {ref}))


def _body_with(schema: dict[str, Any], spec: dict[str, Any], path: tuple[str, ...],
               value: str) -> str:
    body = _plain(schema, spec)
    node, target = body, _resolve(schema, spec)
    for name in path[:-1]:
        target = _resolve(target["properties"][name], spec)
        target = next((_resolve(o, spec) for o in target.get("anyOf", [])
                       if _resolve(o, spec).get("type") == "object"), target)
        node = node.setdefault(name, _plain(target, spec))
    node[path[-1]] = MARK
    return json.dumps(body).replace(f'"{MARK}"', value)


def _requests(spec: dict[str, Any], samples: dict[str, object],
              ) -> Iterator[tuple[str, str, dict[str, Any], str]]:
    """(method, path, query, label) for each non-finite value of each number input."""
    for path, methods in spec["paths"].items():
        for method, operation in methods.items():
            params = operation.get("parameters", [])
            query = {p["name"]: _plain(p["schema"], spec) for p in params
                     if p["in"] == "query" and p.get("required")}
            url = re.sub(r"{(\w+)}", lambda m: str(samples[m.group(1)]), path)
            for param in params:
                if param["in"] in {"query", "path"} and _is_number(param["schema"], spec):
                    for value in QUERY_VALUES:
                        where = param["name"]
                        if param["in"] == "path":
                            yield method, path.replace(f"{{{where}}}", value), query, where
                        else:
                            yield method, url, {**query, where: value}, f"query.{where}"
            content = operation.get("requestBody", {}).get("content", {})
            schema = content.get("application/json", {}).get("schema")
            if schema is None:
                continue
            for number in _numbers_in_body(schema, spec):
                for value in BODY_VALUES:
                    body = _body_with(schema, spec, number, value)
                    yield method, url, {**query, "__body__": body}, "body." + ".".join(number)


def test_non_finite_numbers_anywhere_get_a_422_and_never_a_server_error(
    app: FastAPI, database_url: str
) -> None:
    spec = app.openapi()
    with sqlite3.connect(database_url.removeprefix("sqlite:///")) as db:
        samples = {name: lookup(db)["inside"] for name, lookup in PATH_SAMPLES.items()}
    clients = {}
    for username in USERS:
        client = TestClient(app, follow_redirects=False, raise_server_exceptions=False)
        login(client, username)
        cookie = client.cookies.get(SESSION_COOKIE)
        assert cookie
        client.headers["X-CSRF-Token"] = _csrf_token(client, app, cookie)
        clients[username] = client
    faults, read, sent = [], 0, 0
    for method, url, query, where in _requests(spec, samples):
        body = query.pop("__body__", None)
        for username, client in clients.items():
            response = client.request(method.upper(), url, params=query, content=body,
                                      headers={"Content-Type": "application/json"})
            sent += 1
            if response.status_code >= 500:
                faults.append(f"{username} {method.upper()} {url} {where}: "
                              f"{response.status_code} {response.text[:200]}")
            if response.status_code in {401, 403}:
                continue  # this role does not reach the route: the next one may
            problems = response.json().get("details", []) if response.status_code == 422 else []
            if response.status_code != 422 or not response.json().get("message_fa") or not any(
                    "finite" in p["problem"] for p in problems):
                faults.append(f"{username} {method.upper()} {url} {where}: "
                              f"{response.status_code} {response.text[:200]}")
            read += 1
            break
    for client in clients.values():
        client.close()
    assert not faults, "\n".join(faults)
    assert read >= 60 and sent >= read  # lat, lon, radius … of every route that takes them
