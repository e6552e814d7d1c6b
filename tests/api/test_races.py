"""Concurrent writes on PostgreSQL: unique codes and emails, and exact customer counts.

The requests go through the ASGI app with asyncio.gather, so they share one engine and
its connection pool, and once through a `partners-api serve` process with two workers.
"""

from __future__ import annotations

import asyncio
import threading
import uuid
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncEngine

from partners_api.http.app import create_app
from partners_api.settings import Settings
from partners_api.storage import tables
from partners_api.storage.database import create_engine
from tests.api.conftest import Accounts
from tests.api.helpers import field_errors
from tests.api.server_process import running_server
from tests.cli import run_json

pytestmark = [pytest.mark.anyio, pytest.mark.postgresql]

SAME_CODE_REQUESTS = 20
CUSTOMER_REQUESTS = 200
SAME_EMAIL_REQUESTS = 10
# 15 connections plus 15 of overflow: enough to keep 200 requests moving without taking
# a third of the default max_connections of 100 from the shared server.
POOL_SIZE = 15
SERVER_WORKERS = 2
HTTP_TIMEOUT_SECONDS = 30.0


def partner_body(code: str, email: str, name: str = "Race Partner") -> dict[str, Any]:
    return {
        "email": email,
        "firstName": "Rita",
        "lastName": "Racer",
        "partnerName": name,
        "code": code,
    }


def customer_body(email: str, **fields: Any) -> dict[str, Any]:
    return {
        "customerName": "Race Customer",
        "email": email,
        "firstName": "Carl",
        "lastName": "Concurrent",
        "countryId": "us",
        **fields,
    }


def unique_email(prefix: str) -> str:
    return f"{prefix}-{uuid.uuid4().hex[:12]}@race.example.com"


@pytest.fixture
async def race_engine(postgres_url: str) -> AsyncIterator[AsyncEngine]:
    engine = create_engine(postgres_url, pool_size=POOL_SIZE)
    yield engine
    await engine.dispose()


@pytest.fixture
def race_settings(postgres_url: str) -> Settings:
    # Rate limiting would reject some of the 200 requests of one key with 429, and these
    # tests are about the database, so it is off.
    return Settings(database_url=postgres_url, rate_limit_per_second=0)


@pytest.fixture
async def race_client(
    race_settings: Settings, race_engine: AsyncEngine
) -> AsyncIterator[httpx.AsyncClient]:
    transport = httpx.ASGITransport(app=create_app(race_settings, race_engine))
    async with httpx.AsyncClient(
        transport=transport, base_url="http://testserver", timeout=HTTP_TIMEOUT_SECONDS
    ) as client:
        yield client


@pytest.fixture
def race_accounts(race_engine: AsyncEngine, race_settings: Settings) -> Accounts:
    return Accounts(race_engine, race_settings)


async def count_rows(engine: AsyncEngine, statement: Any) -> int:
    async with engine.connect() as connection:
        value: int = (await connection.execute(statement)).scalar_one()
        return value


async def test_same_partner_code_created_once(
    race_client: httpx.AsyncClient, race_engine: AsyncEngine, race_accounts: Accounts
) -> None:
    distributor = await race_accounts.distributor("Race Distributor")
    headers = await race_accounts.key(distributor)
    code = f"race-{uuid.uuid4().hex[:12]}"

    responses = await asyncio.gather(
        *(
            race_client.post(
                "/v1/partners", json=partner_body(code, unique_email("code")), headers=headers
            )
            for _ in range(SAME_CODE_REQUESTS)
        )
    )

    statuses = sorted(response.status_code for response in responses)
    assert statuses == [201] + [409] * (SAME_CODE_REQUESTS - 1), [r.text for r in responses]
    for response in responses:
        if response.status_code == 409:
            assert set(field_errors(response, 409)) == {"code"}
    stored = select(func.count()).where(tables.accounts.c.code == code)
    assert await count_rows(race_engine, stored) == 1


async def test_concurrent_customers_counted_exactly(
    race_client: httpx.AsyncClient, race_engine: AsyncEngine, race_accounts: Accounts
) -> None:
    distributor = await race_accounts.distributor("Counting Distributor")
    partner = await race_accounts.partner("Counting Partner", distributor)
    headers = await race_accounts.key(distributor)

    responses = await asyncio.gather(
        *(
            race_client.post(
                "/v1/customers",
                json=customer_body(unique_email("count"), partnerId=str(partner)),
                headers=headers,
            )
            for _ in range(CUSTOMER_REQUESTS)
        )
    )

    failures = [response.text for response in responses if response.status_code != 201]
    assert failures == []
    created = {response.json()["id"] for response in responses}
    assert len(created) == CUSTOMER_REQUESTS
    view = await race_client.get(f"/v1/partners/{partner}", headers=headers)
    assert view.status_code == 200, view.text
    assert view.json()["customersCount"] == CUSTOMER_REQUESTS
    stored = select(func.count()).where(tables.customers.c.partner_id == partner)
    assert await count_rows(race_engine, stored) == CUSTOMER_REQUESTS


async def test_same_member_email_created_once(
    race_client: httpx.AsyncClient, race_engine: AsyncEngine, race_accounts: Accounts
) -> None:
    distributor = await race_accounts.distributor("Email Distributor")
    headers = await race_accounts.key(distributor)
    email = unique_email("shared")

    # Partners and customers compete for one email: members of both share one unique index.
    customer_posts = [
        race_client.post("/v1/customers", json=customer_body(email), headers=headers)
        for _ in range(SAME_EMAIL_REQUESTS)
    ]
    partner_posts = [
        race_client.post(
            "/v1/partners",
            json=partner_body(f"email-race-{uuid.uuid4().hex[:12]}", email),
            headers=headers,
        )
        for _ in range(SAME_EMAIL_REQUESTS)
    ]
    responses = await asyncio.gather(*customer_posts, *partner_posts)

    statuses = sorted(response.status_code for response in responses)
    assert statuses == [201] + [409] * (2 * SAME_EMAIL_REQUESTS - 1), [r.text for r in responses]
    for response in responses:
        if response.status_code == 409:
            assert set(field_errors(response, 409)) == {"email"}
    stored = select(func.count()).where(tables.members.c.email_key == email.lower())
    assert await count_rows(race_engine, stored) == 1


def test_same_partner_code_across_workers(postgres_url: str, tmp_path: Path) -> None:
    suffix = uuid.uuid4().hex[:10]
    account = run_json([
        "--database-url", postgres_url, "distributor", "create", "--name", f"Workers {suffix}",
        "--email", f"admin-{suffix}@workers.example.com", "--first-name", "Ada",
        "--last-name", "Admin", "--code", f"workers-{suffix}",
    ])  # fmt: skip
    key = run_json([
        "--database-url", postgres_url, "key", "create", "--account", account["id"],
        "--role", "PartnerAdmin",
    ])  # fmt: skip
    headers = {"Authorization": f"Bearer {key['token']}"}
    code = f"race-{suffix}"
    start = threading.Barrier(SAME_CODE_REQUESTS)
    statuses: list[int] = []
    errors: list[Exception] = []
    lock = threading.Lock()

    def post_partner(base_url: str) -> None:
        # One client per thread, so every request has a connection of its own, and the
        # kernel spreads the connections over the workers.
        try:
            with httpx.Client(
                base_url=base_url, trust_env=False, timeout=HTTP_TIMEOUT_SECONDS
            ) as client:
                start.wait(timeout=HTTP_TIMEOUT_SECONDS)
                body = partner_body(code, unique_email("workers"))
                response = client.post("/v1/partners", json=body, headers=headers)
            with lock:
                statuses.append(response.status_code)
        except Exception as exc:
            # The assert on ``errors`` reports the failure in the test's own thread.
            with lock:
                errors.append(exc)

    log = tmp_path / "serve.log"
    with running_server(postgres_url, log, workers=SERVER_WORKERS) as server:
        threads = [
            threading.Thread(target=post_partner, args=(server.base_url,))
            for _ in range(SAME_CODE_REQUESTS)
        ]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=2 * HTTP_TIMEOUT_SECONDS)

    assert errors == []
    assert sorted(statuses) == [201] + [409] * (SAME_CODE_REQUESTS - 1), log.read_text()
