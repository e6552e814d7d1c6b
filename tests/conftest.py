"""Fixtures shared by every test: one database per back end and session, emptied per test.

The PostgreSQL tests use the server at PARTNERS_API_TEST_POSTGRES_URL (default: the local
server) and create a database of their own for the run. When the server is unreachable
they are skipped, except under CI=true, where that fails the run.
"""

from __future__ import annotations

import asyncio
import os
import uuid
from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import asyncpg
import pytest
from sqlalchemy import delete
from sqlalchemy.engine import make_url
from sqlalchemy.ext.asyncio import AsyncEngine

from partners_api.storage.database import create_engine
from partners_api.storage.migrate import upgrade
from partners_api.storage.tables import metadata

DEFAULT_POSTGRES_URL = "postgresql://postgres@127.0.0.1:5432/postgres"


@pytest.fixture(scope="session")
def anyio_backend() -> str:
    return "asyncio"


def _postgres_admin_url() -> str:
    return os.environ.get("PARTNERS_API_TEST_POSTGRES_URL", DEFAULT_POSTGRES_URL)


def _asyncpg_dsn(url: str) -> str:
    return make_url(url).set(drivername="postgresql").render_as_string(hide_password=False)


async def _postgres_execute(url: str, statement: str) -> None:
    connection = await asyncpg.connect(_asyncpg_dsn(url), timeout=5)
    try:
        await connection.execute(statement)
    finally:
        await connection.close()


async def _migrate(url: str) -> None:
    engine = create_engine(url)
    try:
        await upgrade(engine)
    finally:
        await engine.dispose()


@pytest.fixture(scope="session")
def sqlite_url(tmp_path_factory: pytest.TempPathFactory) -> str:
    path = Path(tmp_path_factory.mktemp("sqlite")) / "partners-api-test.db"
    url = f"sqlite:///{path}"
    asyncio.run(_migrate(url))
    return url


@pytest.fixture(scope="session")
def postgres_url() -> Iterator[str]:
    admin_url = _postgres_admin_url()
    name = f"partners_api_test_{uuid.uuid4().hex[:12]}"
    try:
        asyncio.run(_postgres_execute(admin_url, f'CREATE DATABASE "{name}"'))
    except (OSError, asyncpg.PostgresError, TimeoutError) as exc:
        reason = f"PostgreSQL unreachable at {make_url(admin_url).render_as_string()}: {exc!r}"
        if os.environ.get("CI") == "true":
            pytest.fail(f"{reason}; CI requires the PostgreSQL tests to run.")
        pytest.skip(reason)
    url = make_url(admin_url).set(database=name).render_as_string(hide_password=False)
    asyncio.run(_migrate(url))
    yield url
    asyncio.run(_postgres_execute(admin_url, f'DROP DATABASE "{name}" WITH (FORCE)'))


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgresql)])
def database_url(request: pytest.FixtureRequest) -> str:
    """The URL of a migrated database of each back end."""
    fixture = "sqlite_url" if request.param == "sqlite" else "postgres_url"
    url: str = request.getfixturevalue(fixture)
    return url


@pytest.fixture
async def engine(database_url: str) -> AsyncIterator[AsyncEngine]:
    """An engine on an emptied database."""
    engine = create_engine(database_url)
    async with engine.begin() as connection:
        for table in reversed(metadata.sorted_tables):
            await connection.execute(delete(table))
    yield engine
    await engine.dispose()
