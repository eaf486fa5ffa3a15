"""The layout holds: who may import whom, and no database calls in the web layer.

An AST walk over the package (imports inside functions and under ``TYPE_CHECKING``
count too), so a rule broken by a later change fails here with the file and line.

- The 123 line's intake sits under triage and dispatch: nothing in ``panah.intake``
  imports ``panah.triage`` or ``panah.dispatch``.
- No domain imports ``panah.web``: the web layer calls the domains, never the reverse.
  (``panah.main`` and ``panah.cli`` assemble the application and are no domain.)
- ``panah/web`` (Python, templates and scripts) holds no ``select(``, ``.execute(``,
  ``.scalars(`` or ``.query(``: reads and use cases belong in their domain.
"""

from __future__ import annotations

import ast
import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

PACKAGE = Path(__file__).resolve().parents[2] / "panah"
NOT_DOMAINS = frozenset({"web", "main", "cli", "migrations", "__init__"})
DATABASE_CALL = re.compile(r"select\(|\.execute\(|\.scalars\(|\.query\(")


@dataclass(frozen=True)
class Import:
    module: str  # the importing module, e.g. panah.intake.service
    line: int
    target: str  # what it imports, e.g. panah.triage.orm

    def __str__(self) -> str:
        return f"{self.module}:{self.line} imports {self.target}"


def module_name(path: Path) -> str:
    return ".".join(("panah", *path.relative_to(PACKAGE).with_suffix("").parts))


def imports_of(source: str, module: str) -> Iterator[Import]:
    """Every module that ``source`` imports, wherever the import stands, in line order."""
    package = module.rsplit(".", 1)[0]
    nodes = sorted((n for n in ast.walk(ast.parse(source))
                    if isinstance(n, ast.Import | ast.ImportFrom)), key=lambda n: n.lineno)
    for node in nodes:
        if isinstance(node, ast.Import):
            for alias in node.names:
                yield Import(module, node.lineno, alias.name)
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:  # relative: resolve against the importing package
                parts = package.split(".")
                base = ".".join(parts[: len(parts) - node.level + 1] + ([base] if base else []))
            for alias in node.names:
                yield Import(module, node.lineno, f"{base}.{alias.name}" if base else alias.name)


def package_imports() -> list[Import]:
    found = []
    for path in sorted(PACKAGE.rglob("*.py")):
        module = module_name(path)
        found += [i for i in imports_of(path.read_text(encoding="utf-8"), module)
                  if i.target.startswith("panah.")]
    return found


def domain_of(module: str) -> str:
    return module.split(".")[1]


def under(target: str, package: str) -> bool:
    return target == package or target.startswith(package + ".")


def broken_rules(imports: list[Import]) -> list[str]:
    """Each import that breaks a layering rule, as a sentence naming file and line."""
    broken = []
    for found in imports:
        domain = domain_of(found.module)
        if domain == "intake" and (under(found.target, "panah.triage")
                                   or under(found.target, "panah.dispatch")):
            broken.append(f"{found}: intake sits below triage and dispatch")
        if domain not in NOT_DOMAINS and under(found.target, "panah.web"):
            broken.append(f"{found}: a domain never imports the web layer")
    return broken


def database_calls_in_web() -> list[str]:
    calls = []
    for path in sorted((PACKAGE / "web").rglob("*")):
        if path.suffix not in {".py", ".html", ".js"}:
            continue
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            if DATABASE_CALL.search(line):
                calls.append(f"{path.relative_to(PACKAGE.parent)}:{number}: {line.strip()}")
    return calls


def test_intake_imports_neither_triage_nor_dispatch_and_no_domain_imports_the_web() -> None:
    imports = package_imports()
    assert len(imports) > 500  # it really read the package
    assert broken_rules(imports) == []


def test_the_web_layer_makes_no_database_calls() -> None:
    assert database_calls_in_web() == []


def test_a_forbidden_import_is_caught_wherever_it_stands() -> None:
    """Self-check: the walk finds imports inside functions, relative ones and
    ``TYPE_CHECKING`` blocks, and names the rule each breaks."""
    source = (
        "from typing import TYPE_CHECKING\n"
        "if TYPE_CHECKING:\n"
        "    from panah.dispatch.orm import Unit\n"
        "def later():\n"
        "    import panah.triage.service\n"
        "from ..web import deps\n"
    )
    imports = list(imports_of(source, "panah.intake.queue.model"))
    assert [i.target for i in imports if i.target.startswith("panah.")] == [
        "panah.dispatch.orm.Unit", "panah.triage.service", "panah.intake.web.deps"]
    caught = broken_rules(list(imports_of(
        "from panah.triage import history\nfrom panah.web.deps import Uow\n",
        "panah.intake.service")))
    assert caught == [
        "panah.intake.service:1 imports panah.triage.history: intake sits below triage and "
        "dispatch",
        "panah.intake.service:2 imports panah.web.deps.Uow: a domain never imports the web "
        "layer",
    ]
    assert broken_rules(list(imports_of("from panah.web.deps import Uow\n",
                                        "panah.main"))) == []
