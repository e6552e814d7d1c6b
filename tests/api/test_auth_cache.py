"""The in-process authentication cache, on both databases: which requests read the API
key, how long a revocation takes to reach a process, and what is never cached."""

from __future__ import annotations

import asyncio
import datetime as dt
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

import httpx
import pytest
from sqlalchemy import event, update
from sqlalchemy.ext.asyncio import AsyncEngine

from partners_api.domain.apikeys import create_key, hash_token, revoke_key
from partners_api.domain.auth_cache import AuthCache
from partners_api.domain.clock import utc_now
from partners_api.domain.enums import Role
from partners_api.http.app import create_app
from partners_api.settings import Settings
from partners_api.storage.database import write_transaction
from partners_api.storage.tables import api_keys
from tests.api.conftest import Accounts, app_client
from tests.api.helpers import assert_problem

pytestmark = pytest.mark.anyio

# Long enough that no entry goes stale during a test that expects a cached key.
LONG_TTL_SECONDS = 60.0
SHORT_TTL_SECONDS = 0.2
# Added to each wait, because the event loop may wake a sleeper slightly early.
WAIT_MARGIN_SECONDS = 0.1


@dataclass
class Key:
    id: uuid.UUID
    token: str

    @property
    def headers(self) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.token}"}


@dataclass
class StatementLog:
    """The SQL statements and the transactions that an engine ran while recording."""

    statements: list[str] = field(default_factory=list)
    transactions: int = 0

    @property
    def key_lookups(self) -> int:
        return sum("api_keys.token_hash =" in statement for statement in self.statements)

    @property
    def key_updates(self) -> int:
        return sum(
            statement.lstrip().startswith("UPDATE api_keys") for statement in self.statements
        )


@contextmanager
def recorded(engine: AsyncEngine) -> Iterator[StatementLog]:
    log = StatementLog()

    def on_statement(*args: Any) -> None:
        # before_cursor_execute(connection, cursor, statement, parameters, context, many)
        log.statements.append(args[2])

    def on_begin(_connection: Any) -> None:
        log.transactions += 1

    event.listen(engine.sync_engine, "before_cursor_execute", on_statement)
    event.listen(engine.sync_engine, "begin", on_begin)
    try:
        yield log
    finally:
        event.remove(engine.sync_engine, "before_cursor_execute", on_statement)
        event.remove(engine.sync_engine, "begin", on_begin)


async def new_key(
    engine: AsyncEngine, account: uuid.UUID, *, expires_in_days: int | None = None
) -> Key:
    async with write_transaction(engine) as connection:
        view, token = await create_key(
            connection, account, Role.PARTNER_ADMIN, expires_in_days=expires_in_days
        )
    return Key(uuid.UUID(view["id"]), token)


async def revoke(engine: AsyncEngine, key: Key) -> None:
    async with write_transaction(engine) as connection:
        await revoke_key(connection, key.id)


async def set_key_columns(engine: AsyncEngine, key: Key, **values: object) -> None:
    async with write_transaction(engine) as connection:
        await connection.execute(update(api_keys).where(api_keys.c.id == key.id).values(**values))


def assert_invalid_token(response: httpx.Response, reason: str) -> None:
    body = assert_problem(response, 401)
    assert 'error="invalid_token"' in response.headers["www-authenticate"]
    assert reason in body["detail"]


def with_ttl(settings: Settings, seconds: float) -> Settings:
    return settings.model_copy(update={"auth_cache_seconds": seconds})


def test_default_ttl_is_five_seconds() -> None:
    assert Settings.model_fields["auth_cache_seconds"].default == 5.0


# Requests served from the cache


async def test_cached_key_not_read_again(
    client: httpx.AsyncClient, accounts: Accounts, engine: AsyncEngine
) -> None:
    key = await new_key(engine, await accounts.distributor())
    with recorded(engine) as first:
        first_response = await client.get("/v1/customers", headers=key.headers)
    with recorded(engine) as second:
        second_response = await client.get("/v1/customers", headers=key.headers)

    assert first_response.status_code == 200
    assert second_response.status_code == 200
    assert first.key_lookups == 1
    assert second.key_lookups == 0
    # The route itself still reads the customers in its transaction.
    assert second.transactions == 1


async def test_me_from_cache_opens_no_transaction(
    client: httpx.AsyncClient, accounts: Accounts, engine: AsyncEngine
) -> None:
    key = await new_key(engine, await accounts.partner())
    first = await client.get("/v1/me", headers=key.headers)
    with recorded(engine) as log:
        second = await client.get("/v1/me", headers=key.headers)

    assert first.status_code == 200
    assert second.status_code == 200
    assert second.json() == first.json()
    assert log.statements == []
    assert log.transactions == 0


@pytest.mark.parametrize("ttl", [5.0, 0.0])
async def test_use_recorded_once_a_minute(
    settings: Settings, accounts: Accounts, engine: AsyncEngine, ttl: float
) -> None:
    key = await new_key(engine, await accounts.distributor())
    async with app_client(with_ttl(settings, ttl), engine) as client:
        with recorded(engine) as log:
            statuses = [(await client.get("/v1/me", headers=key.headers)).status_code]
            statuses.append((await client.get("/v1/partners", headers=key.headers)).status_code)
            for _ in range(3):
                statuses.append((await client.get("/v1/me", headers=key.headers)).status_code)

    assert statuses == [200] * 5
    assert log.key_updates == 1


async def test_idempotent_post_reads_key_once(
    client: httpx.AsyncClient, accounts: Accounts, engine: AsyncEngine
) -> None:
    key = await new_key(engine, await accounts.distributor())
    body = {
        "customerName": "Cached Customer",
        "email": "admin@cached.example.com",
        "firstName": "Jane",
        "lastName": "Roe",
        "countryId": "us",
    }
    headers = {**key.headers, "Idempotency-Key": str(uuid.uuid4())}
    with recorded(engine) as log:
        response = await client.post("/v1/customers", json=body, headers=headers)

    assert response.status_code == 201, response.text
    assert log.key_lookups == 1


# Revocation and expiry


async def test_revoked_key_works_while_cached(
    settings: Settings, accounts: Accounts, engine: AsyncEngine
) -> None:
    key = await new_key(engine, await accounts.distributor())
    async with app_client(with_ttl(settings, LONG_TTL_SECONDS), engine) as client:
        before = await client.get("/v1/me", headers=key.headers)
        await revoke(engine, key)
        after = await client.get("/v1/me", headers=key.headers)

    assert before.status_code == 200
    # The documented cost of the cache: this process learns of the revocation only
    # when the entry is older than auth_cache_seconds.
    assert after.status_code == 200


async def test_revocation_honoured_after_ttl(
    settings: Settings, accounts: Accounts, engine: AsyncEngine
) -> None:
    key = await new_key(engine, await accounts.distributor())
    async with app_client(with_ttl(settings, SHORT_TTL_SECONDS), engine) as client:
        before = await client.get("/v1/me", headers=key.headers)
        await revoke(engine, key)
        await asyncio.sleep(SHORT_TTL_SECONDS + WAIT_MARGIN_SECONDS)
        on_me = await client.get("/v1/me", headers=key.headers)
        on_customers = await client.get("/v1/customers", headers=key.headers)

    assert before.status_code == 200
    assert_invalid_token(on_me, "revoked")
    assert_invalid_token(on_customers, "revoked")


async def test_expired_key_rejected_while_cached(
    settings: Settings, accounts: Accounts, engine: AsyncEngine
) -> None:
    key = await new_key(engine, await accounts.distributor(), expires_in_days=1)
    expires_at = utc_now() + dt.timedelta(seconds=1)
    await set_key_columns(engine, key, expires_at=expires_at)
    async with app_client(with_ttl(settings, LONG_TTL_SECONDS), engine) as client:
        before = await client.get("/v1/me", headers=key.headers)
        remaining = (expires_at - utc_now()).total_seconds()
        await asyncio.sleep(max(remaining, 0) + WAIT_MARGIN_SECONDS)
        with recorded(engine) as log:
            after = await client.get("/v1/me", headers=key.headers)

    assert before.status_code == 200, "the first request came after the key's expiry"
    assert_invalid_token(after, "expired")
    # Rejected from the cached entry, which was still fresh.
    assert log.key_lookups == 0


async def test_zero_ttl_reads_key_every_request(
    uncached_client: httpx.AsyncClient, accounts: Accounts, engine: AsyncEngine
) -> None:
    key = await new_key(engine, await accounts.distributor())
    with recorded(engine) as log:
        first = await uncached_client.get("/v1/me", headers=key.headers)
        second = await uncached_client.get("/v1/me", headers=key.headers)
    await revoke(engine, key)
    after = await uncached_client.get("/v1/me", headers=key.headers)

    assert first.status_code == 200
    assert second.status_code == 200
    assert log.key_lookups == 2
    assert_invalid_token(after, "revoked")


# Failures are not cached


async def test_unknown_token_not_cached(
    client: httpx.AsyncClient, accounts: Accounts, engine: AsyncEngine
) -> None:
    key = await new_key(engine, await accounts.distributor())
    await set_key_columns(engine, key, token_hash=hash_token("scp_another-token"))
    with recorded(engine) as log:
        unknown = [await client.get("/v1/me", headers=key.headers) for _ in range(2)]
    await set_key_columns(engine, key, token_hash=hash_token(key.token))
    known = await client.get("/v1/me", headers=key.headers)

    for response in unknown:
        assert_invalid_token(response, "unknown")
    assert log.key_lookups == 2
    assert known.status_code == 200


async def test_expired_token_not_cached(
    client: httpx.AsyncClient, accounts: Accounts, engine: AsyncEngine
) -> None:
    key = await new_key(engine, await accounts.distributor(), expires_in_days=1)
    await set_key_columns(engine, key, expires_at=utc_now() - dt.timedelta(minutes=1))
    expired = await client.get("/v1/me", headers=key.headers)
    await set_key_columns(engine, key, expires_at=utc_now() + dt.timedelta(days=1))
    renewed = await client.get("/v1/me", headers=key.headers)

    assert_invalid_token(expired, "expired")
    assert renewed.status_code == 200


async def test_revoked_token_not_cached(
    client: httpx.AsyncClient, accounts: Accounts, engine: AsyncEngine
) -> None:
    key = await new_key(engine, await accounts.distributor())
    await revoke(engine, key)
    with recorded(engine) as log:
        responses = [await client.get("/v1/me", headers=key.headers) for _ in range(2)]

    for response in responses:
        assert_invalid_token(response, "revoked")
    assert log.key_lookups == 2


# Size bound


async def test_cache_evicts_least_recently_used(
    settings: Settings, accounts: Accounts, engine: AsyncEngine
) -> None:
    distributor = await accounts.distributor()
    first, second, third = [await new_key(engine, distributor) for _ in range(3)]
    app = create_app(settings, engine)
    cache = AuthCache(LONG_TTL_SECONDS, max_entries=2)
    app.state.auth_cache = cache
    transport = httpx.ASGITransport(app=app, raise_app_exceptions=False)
    async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as client:
        for key in (first, second, first, third):
            assert (await client.get("/v1/me", headers=key.headers)).status_code == 200
        size = len(cache)
        with recorded(engine) as kept:
            for key in (first, third):
                assert (await client.get("/v1/me", headers=key.headers)).status_code == 200
        with recorded(engine) as evicted:
            assert (await client.get("/v1/me", headers=second.headers)).status_code == 200

    assert size == 2
    assert kept.key_lookups == 0
    assert evicted.key_lookups == 1
