"""``panah audit verify`` on every backend: an intact chain passes, each tampering is named."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.unit.test_security_cli import TAMPERING, Chain, open_chain, problems_of, use_database
from tests.unit.test_security_cli import verify_json as audit_verify_json


@pytest.fixture
def chain(empty_database_url: str, monkeypatch: pytest.MonkeyPatch) -> Iterator[Chain]:
    use_database(monkeypatch, empty_database_url)
    yield from open_chain(empty_database_url)


def test_intact_chain_passes_on_every_backend(chain: Chain) -> None:
    chain.append_events(5)
    code, report = audit_verify_json()
    assert (code, report["intact"], report["events"], report["head"]["seq"]) == (0, True, 5, 5)


@pytest.mark.parametrize(("sql", "kind", "seq"), TAMPERING.values(), ids=TAMPERING.keys())
def test_tampering_is_named_on_every_backend(chain: Chain, sql: str, kind: str, seq: int) -> None:
    chain.append_events(5)
    chain.run(sql)
    code, report = audit_verify_json()
    assert (code, problems_of(report)) == (1, [(kind, seq)])
