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
    database_pool_size: int = Field(default=10, ge=1, le=1000)
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
