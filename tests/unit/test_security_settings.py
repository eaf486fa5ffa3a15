"""Production signs in with Secure cookies and a second factor unless told otherwise."""

from __future__ import annotations

import pytest

from panah.config import SecondFactor, Settings
from tests.unit.test_config import PRODUCTION_KEYS


def _production(**values: object) -> Settings:
    return Settings(  # type: ignore[call-arg]
        environment="production", secret_key="s" * 48, _env_file=None,  # type: ignore[arg-type]
        **PRODUCTION_KEYS, **values,
    )


@pytest.fixture(autouse=True)
def _no_security_variables(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ("PANAH_SECOND_FACTOR", "PANAH_SECURE_COOKIES", "PANAH_ENVIRONMENT"):
        monkeypatch.delenv(name, raising=False)


def test_production_defaults_to_secure_cookies_and_a_required_second_factor() -> None:
    settings = _production()
    assert settings.secure_cookies is True
    assert settings.second_factor is SecondFactor.required


def test_the_local_demo_needs_neither_https_nor_an_authenticator_app() -> None:
    settings = Settings(_env_file=None)  # type: ignore[call-arg]
    assert settings.secure_cookies is False
    assert settings.second_factor is SecondFactor.optional


def test_production_keeps_what_is_set_explicitly(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PANAH_SECOND_FACTOR", "optional")
    monkeypatch.setenv("PANAH_SECURE_COOKIES", "false")
    settings = _production()
    assert settings.second_factor is SecondFactor.optional
    assert settings.secure_cookies is False


def test_development_may_require_the_second_factor(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PANAH_SECOND_FACTOR", "required")
    assert Settings(_env_file=None).second_factor is SecondFactor.required  # type: ignore[call-arg]


def test_an_unknown_second_factor_mode_fails_loudly() -> None:
    with pytest.raises(ValueError, match="second_factor"):
        Settings(second_factor="sometimes", _env_file=None)  # type: ignore[arg-type, call-arg]
