"""Service settings, read from environment variables prefixed with ``PARTNERS_API_``."""

from __future__ import annotations

from functools import lru_cache
from typing import Annotated

from pydantic import Field, field_validator, model_validator
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict

DEFAULT_DATABASE_URL = "sqlite:///partners-api.db"


class Settings(BaseSettings):
    """Settings of one server process or CLI command."""

    model_config = SettingsConfigDict(env_prefix="PARTNERS_API_", extra="ignore")

    database_url: str = Field(
        default=DEFAULT_DATABASE_URL,
        description="SQLAlchemy URL of the database: sqlite:///file.db or postgresql://...",
    )
    database_pool_size: int = Field(default=20, ge=1, le=1000)
    trial_plan_id: str = Field(default="ent-4sc-y", min_length=1)
    tts_max_chars: int = Field(default=1_500_000, ge=0)
    partner_levels: Annotated[list[str], NoDecode] = Field(
        default=["Basic", "Certified"],
        description="Accepted partner levels, comma-separated in the environment.",
    )
    default_partner_level: str = "Basic"
    max_range_span: int = Field(default=1000, ge=1)
    max_filter_values: int = Field(default=1000, ge=1)
    max_body_bytes: int = Field(default=1024 * 1024, ge=1024)
    cors_origins: Annotated[list[str], NoDecode] = Field(
        default=[],
        description=(
            "Origins allowed by CORS, comma-separated in the environment; empty disables CORS."
        ),
    )

    # Operational safety: the request timeout and the security headers, in the HTTP
    # layer's timeout and security_headers modules.
    request_timeout_seconds: float = Field(
        default=30.0,
        gt=0,
        allow_inf_nan=False,
        description=(
            "Seconds a request may run before it is cancelled and answered with 503; "
            "PostgreSQL statements are limited to a little less."
        ),
    )
    behind_https: bool = Field(
        default=False,
        description=(
            "Whether clients reach the service over HTTPS, as behind a TLS proxy; "
            "true adds Strict-Transport-Security to every response."
        ),
    )

    # The in-process cache of authenticated API keys, in the domain's auth_cache module.
    auth_cache_seconds: float = Field(
        default=5.0,
        ge=0,
        allow_inf_nan=False,
        description=(
            "Seconds for which a server process reuses a successful authentication without "
            "reading the API key again. Each process has its own cache, so a key revoked "
            "elsewhere is rejected within this many seconds; 0 disables the cache."
        ),
    )

    # Rate limiting per API key, in the HTTP layer's ratelimit module.
    rate_limit_per_second: float = Field(
        default=20.0,
        ge=0,
        allow_inf_nan=False,
        description=(
            "Requests per second that one API key may make on average; 0 disables rate limiting."
        ),
    )
    rate_limit_burst: int = Field(
        default=40,
        ge=0,
        description=(
            "Requests that one API key may make at once after a pause; 0 disables rate limiting."
        ),
    )
    redis_url: str | None = Field(
        default=None,
        description=(
            "redis:// URL of the Redis server that holds the rate limit buckets, so that "
            "every server process shares one limit; unset keeps the buckets in each process."
        ),
    )
    rate_limit_key_prefix: str = Field(
        default="partners-api:ratelimit:",
        min_length=1,
        description="Prefix of the Redis keys of the rate limit buckets.",
    )

    @property
    def rate_limit_enabled(self) -> bool:
        return self.rate_limit_per_second > 0 and self.rate_limit_burst > 0

    # Idempotency-Key records of POST requests, in the HTTP layer's idempotency module.
    idempotency_ttl_hours: int = Field(
        default=24,
        ge=1,
        le=24 * 366,
        description=(
            "Hours for which an Idempotency-Key and the response of its first request are "
            "kept; a retry within them replays that response."
        ),
    )
    idempotency_stale_seconds: int = Field(
        default=300,
        ge=1,
        description=(
            "Seconds after which a request that still holds its Idempotency-Key counts as "
            "abandoned, so that a retry may take the key over; keep it above the request "
            "timeout."
        ),
    )

    @field_validator("partner_levels", "cors_origins", mode="before")
    @classmethod
    def _split_comma_separated(cls, value: object) -> object:
        if isinstance(value, str):
            return [item.strip() for item in value.split(",") if item.strip()]
        return value

    @field_validator("partner_levels")
    @classmethod
    def _require_levels(cls, value: list[str]) -> list[str]:
        if not value:
            raise ValueError("at least one partner level is required")
        return value

    @model_validator(mode="after")
    def _check_default_level(self) -> Settings:
        if self.default_partner_level not in self.partner_levels:
            raise ValueError(
                f"default_partner_level {self.default_partner_level!r} is not one of "
                f"partner_levels {self.partner_levels}"
            )
        return self


@lru_cache
def get_settings() -> Settings:
    """Return the settings of this process, read once from the environment."""
    return Settings()
