"""Alembic migrations run from the installed package, from any working folder."""

from __future__ import annotations

import logging
from pathlib import Path

from alembic import command
from alembic.config import Config
from sqlalchemy.engine import Connection
from sqlalchemy.ext.asyncio import AsyncEngine

logger = logging.getLogger("partners_api.storage")

MIGRATIONS_DIR = Path(__file__).with_name("migrations")


def alembic_config(connection: Connection | None = None) -> Config:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    config.attributes["connection"] = connection
    return config


async def upgrade(engine: AsyncEngine, revision: str = "head") -> None:
    """Apply every migration up to ``revision`` on ``engine``'s database."""
    async with engine.begin() as connection:
        await connection.run_sync(_upgrade_sync, revision)
    logger.info("Database schema is at revision %s", revision)


async def downgrade(engine: AsyncEngine, revision: str = "base") -> None:
    """Revert the migrations down to ``revision`` (``base`` drops every table)."""
    async with engine.begin() as connection:
        await connection.run_sync(_downgrade_sync, revision)


def _upgrade_sync(connection: Connection, revision: str) -> None:
    command.upgrade(alembic_config(connection), revision)


def _downgrade_sync(connection: Connection, revision: str) -> None:
    command.downgrade(alembic_config(connection), revision)
