"""Where each kind is saved and read: the domains' own use cases (issue 15's contract).

``save_<kind>(session, *, actor, now, data: <Kind>In) -> (row, created)`` and
``<kind>_rows(session, *, actor) -> list[<Kind>In]`` live in their domains; the bulk part
only finds them. Looked up when first needed, so a kind whose domain lacks them is refused
with a clear message rather than breaking the others.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from pydantic import BaseModel

from panah.core.errors import InvalidInput
from panah.org.columns import KINDS, Kind
from panah.security.roles import Permission

Save = Callable[..., tuple[Any, bool]]
Rows = Callable[..., Sequence[BaseModel]]


@dataclass(frozen=True, slots=True)
class Port:
    """How one kind is saved and exported, and the permission that takes."""

    model: type[BaseModel]
    save: Save
    rows: Rows
    permission: Permission


@dataclass(frozen=True, slots=True)
class _Where:
    model: tuple[str, str]
    save: tuple[str, str]
    rows: tuple[str, ...]  # the export read model's name, then the modules to look in
    permission: Permission


_PEOPLE, _CENTRES = "panah.security.people", "panah.centres"
_FLEET, _DIRECTORY = "panah.dispatch", "panah.triage.directory"
WHERE: Mapping[Kind, _Where] = {
    Kind.users: _Where((f"{_PEOPLE}.schemas", "PersonIn"), (f"{_PEOPLE}.service", "save_person"),
                       ("person_rows", f"{_PEOPLE}.queries"), Permission.manage_people),
    Kind.centres: _Where((f"{_CENTRES}.schemas", "CentreIn"),
                         (f"{_CENTRES}.service", "save_centre"),
                         ("centre_rows", f"{_CENTRES}.queries"), Permission.manage_organisation),
    Kind.vehicles: _Where((f"{_FLEET}.schemas", "UnitIn"), (f"{_FLEET}.fleet", "save_unit"),
                          ("unit_rows", f"{_FLEET}.queries", f"{_FLEET}.fleet"),
                          Permission.manage_organisation),
    Kind.posts: _Where((f"{_FLEET}.schemas", "PostIn"), (f"{_FLEET}.fleet", "save_post"),
                       ("post_rows", f"{_FLEET}.queries", f"{_FLEET}.fleet"),
                       Permission.manage_organisation),
    Kind.agencies: _Where((f"{_DIRECTORY}.schemas", "AgencyIn"),
                          (f"{_DIRECTORY}.service", "save_agency"),
                          ("agency_rows", f"{_DIRECTORY}.queries"),
                          Permission.manage_organisation),
    Kind.resources: _Where((f"{_DIRECTORY}.schemas", "ResourceIn"),
                           (f"{_DIRECTORY}.service", "save_resource"),
                           ("resource_rows", f"{_DIRECTORY}.queries"),
                           Permission.manage_organisation),
}


def _find(module: str, name: str) -> Any:
    try:
        return getattr(importlib.import_module(module), name, None)
    except ModuleNotFoundError:
        return None


def find_port(kind: Kind) -> Port | None:
    """The domain's use cases for ``kind``, or None while its domain has none."""
    where = WHERE[kind]
    model, save = _find(*where.model), _find(*where.save)
    name, *modules = where.rows
    rows = next((found for m in modules if (found := _find(m, name)) is not None), None)
    if model is None or save is None or rows is None:
        return None
    return Port(model, save, rows, where.permission)


def port_for(kind: Kind, ports: Mapping[Kind, Port] | None = None) -> Port:
    """``kind``'s port (from ``ports`` when given: tests pass fakes); refused when its
    domain does not offer it."""
    found = ports.get(kind) if ports is not None else find_port(kind)
    if found is None:
        spec = KINDS[kind]
        raise InvalidInput(
            f"Importing and exporting {spec.en} is not available in this version.",
            f"ورود و خروج گروهی {spec.fa} در این نسخه در دسترس نیست.", field="kind")
    return found
