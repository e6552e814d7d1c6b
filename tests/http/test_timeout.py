"""The request timeout: a slow request gets a 503 and its transaction is rolled back."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from typing import Any

import httpx
import pytest
from sqlalchemy import func, select, text
from sqlalchemy.exc import DBAPIError
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine

from partners_api.domain import customers
from partners_api.domain.enums import Role
from partners_api.http.app import create_app
from partners_api.http.timeout import statement_timeout_seconds
from partners_api.settings import Settings
from partners_api.storage.database import create_engine
from partners_api.storage.tables import accounts as accounts_table
from partners_api.storage.tables import customers as customers_table
from tests.api.conftest import Accounts
from tests.api.helpers import assert_problem

pytestmark = pytest.mark.anyio

CUSTOMER = {
    "customerName": "Road Runner",
    "email": "owner@roadrunner.example.com",
    "firstName": "Maria",
    "lastName": "Garcia",
    "countryId": "us",
}


async def _client(settings: Settings, engine: AsyncEngine) -> httpx.AsyncClient:
    transport = httpx.ASGITransport(app=create_app(settings, engine), raise_app_exceptions=False)
    return httpx.AsyncClient(transport=transport, base_url="http://testserver")


@pytest.fixture
async def slow_client(database_url: str, engine: AsyncEngine) -> AsyncIterator[httpx.AsyncClient]:
    settings = Settings(database_url=database_url, request_timeout_seconds=0.5)
    async with await _client(settings, engine) as client:
        yield client


async def _count(engine: AsyncEngine, table: Any) -> int:
    async with engine.connect() as connection:
        count: int = (
            await connection.execute(select(func.count()).select_from(table))
        ).scalar_one()
        return count


async def test_slow_write_rolled_back(
    slow_client: httpx.AsyncClient,
    engine: AsyncEngine,
    database_url: str,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    accounts = Accounts(engine, Settings(database_url=database_url))
    partner = await accounts.partner("ACME")
    headers = await accounts.key(partner, Role.PARTNER_ADMIN)
    create_customer = customers.create_customer

    async def create_then_stall(*args: Any, **kwargs: Any) -> dict[str, Any]:
        created = await create_customer(*args, **kwargs)
        await asyncio.sleep(30)
        return created

    monkeypatch.setattr(customers, "create_customer", create_then_stall)
    loop = asyncio.get_running_loop()
    started = loop.time()
    response = await slow_client.post("/v1/customers", headers=headers, json=CUSTOMER)
    elapsed = loop.time() - started

    body = assert_problem(response, 503)
    assert body["type"].endswith("/timeout")
    assert response.headers["retry-after"] == "5"
    assert elapsed < 5
    assert await _count(engine, customers_table) == 0
    async with engine.connect() as connection:
        counter = select(accounts_table.c.customers_count).where(accounts_table.c.id == partner)
        assert (await connection.execute(counter)).scalar_one() == 0

    # The rollback released the write lock, so the next write goes through.
    monkeypatch.setattr(customers, "create_customer", create_customer)
    retried = await slow_client.post("/v1/customers", headers=headers, json=CUSTOMER)
    assert retried.status_code == 201, retried.text
    assert await _count(engine, customers_table) == 1


async def test_slow_read_answered_503(
    slow_client: httpx.AsyncClient,
    engine: AsyncEngine,
    database_url: str,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    accounts = Accounts(engine, Settings(database_url=database_url))
    headers = await accounts.key(await accounts.partner("ACME"), Role.PARTNER_READER)

    async def stall(*_args: Any, **_kwargs: Any) -> None:
        await asyncio.sleep(30)

    monkeypatch.setattr(customers, "list_customers", stall)
    response = await slow_client.get("/v1/customers", headers=headers)

    body = assert_problem(response, 503)
    assert body["type"].endswith("/timeout")
    assert "0.5 seconds" in body["detail"]


async def test_fast_request_unaffected(slow_client: httpx.AsyncClient) -> None:
    response = await slow_client.get("/healthz")
    assert response.status_code == 200


def test_statement_timeout_below_request() -> None:
    assert statement_timeout_seconds(30) == 29
    assert statement_timeout_seconds(5) == pytest.approx(4.5)
    assert statement_timeout_seconds(0.5) == pytest.approx(0.45)


@pytest.mark.postgresql
async def test_postgres_statement_timeout(postgres_url: str) -> None:
    engine = create_engine(postgres_url, statement_timeout_seconds=0.2)
    try:
        async with engine.connect() as connection:
            with pytest.raises(DBAPIError) as raised:
                await connection.execute(text("SELECT pg_sleep(5)"))
        assert getattr(raised.value.orig, "sqlstate", None) == "57014"
    finally:
        await engine.dispose()


@pytest.mark.postgresql
async def test_postgres_slow_query_answered_503(
    postgres_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    # The server's statement_timeout fires before the request timeout of 10 s.
    engine = create_engine(postgres_url, statement_timeout_seconds=0.3)
    try:
        settings = Settings(database_url=postgres_url, request_timeout_seconds=10)
        accounts = Accounts(engine, settings)
        headers = await accounts.key(await accounts.partner("ACME"), Role.PARTNER_READER)

        async def slow_query(connection: AsyncConnection, *_args: Any) -> None:
            await connection.execute(text("SELECT pg_sleep(5)"))

        monkeypatch.setattr(customers, "list_customers", slow_query)
        async with await _client(settings, engine) as client:
            response = await client.get("/v1/customers", headers=headers)
            body = assert_problem(response, 503)
            assert body["type"].endswith("/timeout")
            # The connection went back to the pool in a usable state.
            assert (await client.get("/v1/me", headers=headers)).status_code == 200
    finally:
        await engine.dispose()
