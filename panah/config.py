"""One typed settings object, read from ``PANAH_*`` variables and a ``.env`` file.

Nothing here is read at import time: :func:`get_settings` builds the object when the
application or a command starts, so tests can pass their own ``Settings``.
"""

from __future__ import annotations

import secrets
from enum import StrEnum
from pathlib import Path
from typing import Annotated

from pydantic import Field, field_validator, model_validator
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict

PLACEHOLDER_SECRETS = {"", "changeme", "change-me", "secret", "panah"}


class Environment(StrEnum):
    development = "development"
    test = "test"
    production = "production"


class SecondFactor(StrEnum):
    """Whether staff who can see case or contact data must sign in with a TOTP code."""

    required = "required"
    optional = "optional"  # only users who enrolled are asked for a code


class Settings(BaseSettings):
    """Every setting Panah reads. README lists them with their defaults."""

    model_config = SettingsConfigDict(
        env_prefix="PANAH_", env_file=".env", env_file_encoding="utf-8", extra="ignore"
    )

    environment: Environment = Environment.development
    database_url: str = "sqlite:///./var/panah.db"
    secret_key: str = Field(default="", repr=False)
    secret_key_file: Path | None = None
    host: str = "127.0.0.1"
    port: int = Field(default=8123, ge=1, le=65535)
    default_language: str = "fa"
    session_hours: float = Field(default=12.0, gt=0, le=24 * 7)
    # Both default by environment (see _environment_defaults): left unset, production gets
    # Secure cookies and a required second factor; development and tests get neither.
    secure_cookies: bool = False
    second_factor: SecondFactor = SecondFactor.optional
    boundaries_path: Path | None = None
    log_level: str = "INFO"
    trusted_hosts: Annotated[list[str], NoDecode] = Field(default_factory=lambda: ["*"])
    # Proxies whose X-Forwarded-For / -Proto headers are believed (addresses or networks,
    # comma-separated). None by default: a forged header must not move the sign-in limit.
    forwarded_allow_ips: Annotated[list[str], NoDecode] = Field(default_factory=list)
    # Field encryption: "k2:BASE64,k1:BASE64" (current key first) and a separate lookup key.
    encryption_keys: str = Field(default="", repr=False)
    encryption_keys_file: Path | None = None
    hash_key: str = Field(default="", repr=False)
    hash_key_file: Path | None = None
    dev_keys_path: Path = Path("./var/panah-dev-keys.json")
    # Audit seal keys: "a2:BASE64,a1:BASE64" (current first), HMAC-SHA256 over each row.
    audit_keys: str = Field(default="", repr=False)
    audit_keys_file: Path | None = None
    # Where the timer appends the signed head of the audit chain (JSON lines); unset: no
    # anchoring on a schedule (`panah audit anchor` still writes one on demand).
    audit_anchor_file: Path | None = None
    audit_anchor_minutes: int = Field(default=15, ge=1, le=24 * 60)
    # Streets under every map from the deployment's own tile server, as a Leaflet URL
    # template (https://tiles.example.ir/{z}/{x}/{y}.png); unset: the offline boundary
    # layer only, and no page calls another server.
    tile_url: str = ""
    tile_attribution: str = "© OpenStreetMap contributors"
    timers: bool = True  # run the 123 line's timers (overflow, SMS outbox) inside `panah serve`
    sms_url: str | None = None  # an https:// SMS gateway; unset: texts are logged, not sent
    sms_token: str = Field(default="", repr=False)
    # MQTT broker for unit positions and team channels (mqtt://host:1883 or mqtts://…);
    # unset: positions come over HTTP and channels over websockets only.
    mqtt_url: str | None = Field(default=None, repr=False)  # may carry a password
    mqtt_url_file: Path | None = None
    # Stable across restarts and unique per server process (the broker keeps its session).
    mqtt_client_id: str | None = Field(default=None, max_length=64)
    # A routing engine's matrix API for travel times (osrm or valhalla, and its URL);
    # unset: the built-in travel model (distance × terrain detour, road speeds, congestion).
    routing_engine: str | None = None
    # A radio gateway for team channels (see panah/integrations/radio.py); unset: logged.
    radio_url: str | None = None
    radio_token: str = Field(default="", repr=False)
    routing_url: str | None = None
    retention_closed_case_years: int = Field(default=10, ge=1, le=100)
    retention_login_failure_days: int = Field(default=90, ge=1, le=3650)

    @field_validator("default_language")
    @classmethod
    def _known_language(cls, value: str) -> str:
        if value not in {"fa", "en"}:
            raise ValueError("PANAH_DEFAULT_LANGUAGE must be 'fa' or 'en'")
        return value

    @field_validator("database_url")
    @classmethod
    def _known_database(cls, value: str) -> str:
        if not value.startswith(("sqlite", "postgresql")):
            raise ValueError(
                "PANAH_DATABASE_URL must be a sqlite:/// or postgresql+psycopg:// URL"
            )
        if value.startswith("postgresql://") or value.startswith("postgres://"):
            value = "postgresql+psycopg://" + value.split("://", 1)[1]
        return value

    @field_validator("tile_url")
    @classmethod
    def _tile_template(cls, value: str) -> str:
        value = value.strip()
        if value and not (value.startswith(("https://", "http://"))
                          and all(part in value for part in ("{z}", "{x}", "{y}"))):
            raise ValueError("PANAH_TILE_URL must be an http(s) URL template with {z}, {x} "
                             "and {y}, such as https://tiles.example.ir/{z}/{x}/{y}.png")
        return value

    @field_validator("trusted_hosts", "forwarded_allow_ips", mode="before")
    @classmethod
    def _split_hosts(cls, value: object) -> object:
        if isinstance(value, str):
            return [h.strip() for h in value.split(",") if h.strip()]
        return value

    @model_validator(mode="after")
    def _secret(self) -> Settings:
        if self.secret_key_file is not None:
            self.secret_key = self.secret_key_file.read_text(encoding="utf-8").strip()
        if self.encryption_keys_file is not None:
            self.encryption_keys = self.encryption_keys_file.read_text(encoding="utf-8").strip()
        if self.hash_key_file is not None:
            self.hash_key = self.hash_key_file.read_text(encoding="utf-8").strip()
        if self.audit_keys_file is not None:
            self.audit_keys = self.audit_keys_file.read_text(encoding="utf-8").strip()
        if self.mqtt_url_file is not None:
            self.mqtt_url = self.mqtt_url_file.read_text(encoding="utf-8").strip() or None
        if self.secret_key.lower() in PLACEHOLDER_SECRETS:
            if self.environment is Environment.production:
                raise ValueError(
                    "PANAH_SECRET_KEY (or PANAH_SECRET_KEY_FILE) must be set to a long random "
                    "value in production"
                )
            # Development and tests get a throw-away key: sessions end on restart.
            self.secret_key = secrets.token_urlsafe(32)
        if self.environment is Environment.production and len(self.secret_key) < 32:
            raise ValueError("PANAH_SECRET_KEY must be at least 32 characters in production")
        if self.environment is Environment.production and not (
            self.encryption_keys and self.hash_key
        ):
            raise ValueError(
                "PANAH_ENCRYPTION_KEYS and PANAH_HASH_KEY (or their *_FILE forms) must be set "
                "in production; make them with `panah keys generate`"
            )
        if self.environment is Environment.production and not self.audit_keys:
            raise ValueError(
                "PANAH_AUDIT_KEYS (or PANAH_AUDIT_KEYS_FILE) must be set in production: the "
                "audit chain is sealed with it. Make one with `panah keys generate --id a1` "
                "and use its entry"
            )
        return self

    @model_validator(mode="after")
    def _environment_defaults(self) -> Settings:
        # Production serves real case data over HTTPS: cookies go only over TLS and staff
        # with access to case or contact data need a second factor. The local demo must be
        # usable without HTTPS or an authenticator app, so elsewhere both stay off unless set.
        # Anything set explicitly (PANAH_SECURE_COOKIES, PANAH_SECOND_FACTOR) is kept.
        if self.environment is Environment.production:
            if "secure_cookies" not in self.model_fields_set:
                self.secure_cookies = True
            if "second_factor" not in self.model_fields_set:
                self.second_factor = SecondFactor.required
        return self

    @property
    def is_sqlite(self) -> bool:
        return self.database_url.startswith("sqlite")


def get_settings(**overrides: object) -> Settings:
    return Settings(**overrides)  # type: ignore[arg-type]
