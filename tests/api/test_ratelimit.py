"""Rate limiting per API key through the ASGI app, on SQLite only.

The limit and its header fields do not depend on the database, so this module replaces
the two-back-end ``database_url`` fixture with the SQLite one.
"""

from __future__ import annotations

import re
import uuid
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

import httpx
import pytest
from sqlalchemy.ext.asyncio import AsyncEngine

from partners_api.domain.enums import Role
from partners_api.http.app import create_app
from partners_api.settings import Settings
from tests.api.conftest import Accounts
from tests.api.helpers import assert_problem
from tests.http.test_ratelimit import delete_keys, require_redis, unused_loopback_url

pytestmark = pytest.mark.anyio

POLICY_FIELD = re.compile(r'"default";q=(\d+);w=(\d+)')
STATE_FIELD = re.compile(r'"default";r=(\d+);t=(\d+)')


@pytest.fixture
def database_url(sqlite_url: str) -> str:
    return sqlite_url


@asynccontextmanager
async def serve_app(settings: Settings, engine: AsyncEngine) -> AsyncIterator[httpx.AsyncClient]:
    """Run the app of ``settings`` in process, and close its rate limiter afterwards."""
    app = create_app(settings, engine)
    transport = httpx.ASGITransport(app=app, raise_app_exceptions=False)
    try:
        async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as client:
            yield client
    finally:
        if app.state.rate_limiter is not None:
            await app.state.rate_limiter.aclose()


def remaining(response: httpx.Response) -> int:
    match = STATE_FIELD.fullmatch(response.headers["ratelimit"])
    assert match is not None, response.headers["ratelimit"]
    return int(match.group(1))


async def check_limit_per_key(client: httpx.AsyncClient, accounts: Accounts) -> None:
    """With a burst of 3 and a slow refill, the fourth request of a key gets 429."""
    distributor = await accounts.distributor()
    limited_key = await accounts.key(distributor)
    other_key = await accounts.key(distributor)

    allowed = [await client.get("/v1/me", headers=limited_key) for _ in range(3)]
    rejected = await client.get("/v1/me", headers=limited_key)
    other = await client.get("/v1/me", headers=other_key)

    assert [response.status_code for response in allowed] == [200, 200, 200]
    assert [remaining(response) for response in allowed] == [2, 1, 0]
    body = assert_problem(rejected, 429)
    assert body["type"].endswith("/rate-limited")
    assert body["title"] == "Too Many Requests"
    retry_after = rejected.headers["retry-after"]
    assert retry_after.isdigit()
    assert int(retry_after) >= 1
    assert remaining(rejected) == 0
    assert rejected.headers["ratelimit-policy"].startswith('"default";q=3;')
    assert other.status_code == 200
    assert remaining(other) == 2


async def test_limit_per_key(engine: AsyncEngine, accounts: Accounts, sqlite_url: str) -> None:
    settings = Settings(database_url=sqlite_url, rate_limit_burst=3, rate_limit_per_second=0.01)
    async with serve_app(settings, engine) as client:
        await check_limit_per_key(client, accounts)


async def test_fields_on_authenticated_responses(
    engine: AsyncEngine, accounts: Accounts, sqlite_url: str
) -> None:
    # The slow refill keeps the remaining tokens exact, however long the requests take.
    settings = Settings(database_url=sqlite_url, rate_limit_burst=40, rate_limit_per_second=0.01)
    distributor = await accounts.distributor()
    admin = await accounts.key(distributor)
    reader = await accounts.key(distributor, Role.PARTNER_READER)
    async with serve_app(settings, engine) as client:
        responses = {
            200: await client.get("/v1/me", headers=admin),
            404: await client.get(f"/v1/customers/{uuid.uuid4()}", headers=admin),
            422: await client.post("/v1/customers", json={}, headers=admin),
            403: await client.post("/v1/customers", json={}, headers=reader),
        }

    for status, response in responses.items():
        assert response.status_code == status, response.text
        policy = POLICY_FIELD.fullmatch(response.headers.get("ratelimit-policy", ""))
        assert policy is not None, f"RateLimit-Policy on {status}: {response.headers}"
        assert policy.groups() == ("40", "4000")
        state = STATE_FIELD.fullmatch(response.headers.get("ratelimit", ""))
        assert state is not None, f"RateLimit on {status}: {response.headers}"
    assert remaining(responses[200]) == 39
    assert remaining(responses[422]) == 37


async def test_fields_absent_without_key(engine: AsyncEngine, sqlite_url: str) -> None:
    settings = Settings(database_url=sqlite_url)
    async with serve_app(settings, engine) as client:
        health = await client.get("/healthz")
        unauthenticated = await client.get("/v1/me")
        invalid_key = await client.get("/v1/me", headers={"Authorization": "Bearer nope"})

    assert health.status_code == 200
    assert unauthenticated.status_code == 401
    assert invalid_key.status_code == 401
    for response in (health, unauthenticated, invalid_key):
        assert "ratelimit" not in response.headers
        assert "ratelimit-policy" not in response.headers


async def test_limit_disabled(engine: AsyncEngine, accounts: Accounts, sqlite_url: str) -> None:
    settings = Settings(database_url=sqlite_url, rate_limit_burst=0)
    key = await accounts.key(await accounts.distributor())
    async with serve_app(settings, engine) as client:
        responses = [await client.get("/v1/me", headers=key) for _ in range(5)]

    assert [response.status_code for response in responses] == [200] * 5
    assert "ratelimit" not in responses[-1].headers


async def test_redis_limit_per_key(
    engine: AsyncEngine, accounts: Accounts, sqlite_url: str
) -> None:
    url = await require_redis()
    prefix = f"partners-api-test:{uuid.uuid4().hex}:"
    settings = Settings(
        database_url=sqlite_url,
        rate_limit_burst=3,
        rate_limit_per_second=0.01,
        redis_url=url,
        rate_limit_key_prefix=prefix,
    )
    try:
        async with serve_app(settings, engine) as client:
            await check_limit_per_key(client, accounts)
    finally:
        await delete_keys(url, prefix)


async def test_redis_unreachable_fails_open(
    engine: AsyncEngine, accounts: Accounts, sqlite_url: str
) -> None:
    settings = Settings(
        database_url=sqlite_url,
        rate_limit_burst=1,
        rate_limit_per_second=0.01,
        redis_url=unused_loopback_url(),
    )
    key = await accounts.key(await accounts.distributor())
    async with serve_app(settings, engine) as client:
        responses = [await client.get("/v1/me", headers=key) for _ in range(3)]

    assert [response.status_code for response in responses] == [200, 200, 200]
    assert "ratelimit" not in responses[0].headers


async def test_idempotency_errors_use_tokens(
    engine: AsyncEngine, accounts: Accounts, sqlite_url: str
) -> None:
    settings = Settings(database_url=sqlite_url, rate_limit_burst=3, rate_limit_per_second=0.01)
    distributor = await accounts.distributor()
    headers = {**await accounts.key(distributor), "Idempotency-Key": ""}
    async with serve_app(settings, engine) as client:
        responses = [await client.post("/v1/customers", json={}, headers=headers) for _ in range(4)]

    assert [response.status_code for response in responses] == [400, 400, 400, 429]
    assert [remaining(response) for response in responses[:3]] == [2, 1, 0]
    assert_problem(responses[3], 429)
