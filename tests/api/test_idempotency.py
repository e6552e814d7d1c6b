"""Idempotency-Key on POST /v1/partners and POST /v1/customers, on both databases."""

from __future__ import annotations

import asyncio
import datetime as dt
import uuid
from collections.abc import Awaitable, Callable
from typing import Any

import httpx
import pytest
from sqlalchemy import func, select, update
from sqlalchemy.ext.asyncio import AsyncEngine

from partners_api.domain import customers as customer_service
from partners_api.domain.clock import utc_now
from partners_api.domain.enums import Role
from partners_api.exceptions import ServiceUnavailableError
from partners_api.http.idempotency import request_fingerprint
from partners_api.storage import idempotency as idempotency_rows
from partners_api.storage.database import write_transaction
from partners_api.storage.tables import idempotency_keys
from tests.api.conftest import Accounts
from tests.api.helpers import assert_problem

pytestmark = pytest.mark.anyio


def customer_body(number: int) -> dict[str, Any]:
    return {
        "customerName": f"Customer {number}",
        "email": f"admin{number}@customer.example.com",
        "firstName": "Jane",
        "lastName": "Roe",
        "countryId": "us",
    }


def partner_body(number: int) -> dict[str, Any]:
    return {
        "partnerName": f"Partner {number}",
        "email": f"admin{number}@partner.example.com",
        "firstName": "Ada",
        "lastName": "Admin",
    }


@pytest.fixture
async def distributor(accounts: Accounts) -> uuid.UUID:
    return await accounts.distributor("Idempotent Distributor")


@pytest.fixture
async def headers(accounts: Accounts, distributor: uuid.UUID) -> dict[str, str]:
    return await accounts.key(distributor)


def with_key(headers: dict[str, str], key: str) -> dict[str, str]:
    return {**headers, "Idempotency-Key": key}


async def count(client: httpx.AsyncClient, path: str, headers: dict[str, str]) -> int:
    response = await client.get(path, headers=headers)
    assert response.status_code == 200, response.text
    return int(response.headers["x-total-count"])


async def record_count(engine: AsyncEngine) -> int:
    async with engine.connect() as connection:
        result = await connection.execute(select(func.count()).select_from(idempotency_keys))
        return int(result.scalar_one())


@pytest.mark.parametrize(
    ("path", "make_body"), [("/v1/customers", customer_body), ("/v1/partners", partner_body)]
)
async def test_retry_replays_first_response(
    client: httpx.AsyncClient,
    headers: dict[str, str],
    path: str,
    make_body: Callable[[int], dict[str, Any]],
) -> None:
    body = make_body(1)
    first = await client.post(path, json=body, headers=with_key(headers, "retry-1"))
    second = await client.post(path, json=body, headers=with_key(headers, "retry-1"))

    assert first.status_code == 201, first.text
    assert "idempotent-replayed" not in first.headers
    assert second.status_code == 201, second.text
    assert second.headers["idempotent-replayed"] == "true"
    assert second.headers["location"] == first.headers["location"]
    assert second.headers["content-type"] == first.headers["content-type"]
    assert second.content == first.content
    assert await count(client, path, headers) == 1


async def test_key_order_and_spacing_ignored(
    client: httpx.AsyncClient, headers: dict[str, str]
) -> None:
    body = customer_body(1)
    compact = httpx.Request("POST", "/", json=body).content
    reordered = b'{ "countryId": "us", ' + compact[1:].replace(b',"countryId":"us"', b"")

    first = await client.post("/v1/customers", content=compact, headers=with_key(headers, "k"))
    second = await client.post("/v1/customers", content=reordered, headers=with_key(headers, "k"))

    assert first.status_code == 201, first.text
    assert second.status_code == 201, second.text
    assert second.headers["idempotent-replayed"] == "true"
    assert await count(client, "/v1/customers", headers) == 1


def test_fingerprint_covers_method_path_body() -> None:
    base = request_fingerprint("POST", "/v1/customers", b'{"a": 1, "b": [2]}')

    assert request_fingerprint("POST", "/v1/customers", b'{"b":[2],"a":1}') == base
    assert request_fingerprint("POST", "/v1/partners", b'{"a": 1, "b": [2]}') != base
    assert request_fingerprint("PUT", "/v1/customers", b'{"a": 1, "b": [2]}') != base
    assert request_fingerprint("POST", "/v1/customers", b'{"a": 1, "b": [3]}') != base
    assert request_fingerprint("POST", "/v1/customers", b"not json") != base


async def test_other_body_rejected(client: httpx.AsyncClient, headers: dict[str, str]) -> None:
    first = await client.post(
        "/v1/customers", json=customer_body(1), headers=with_key(headers, "k")
    )
    second = await client.post(
        "/v1/customers", json=customer_body(2), headers=with_key(headers, "k")
    )

    assert first.status_code == 201, first.text
    problem = assert_problem(second, 422)
    assert "Idempotency-Key" in problem["detail"]
    assert "Idempotency-Key" in problem["errors"]
    assert await count(client, "/v1/customers", headers) == 1


async def test_other_endpoint_rejected(client: httpx.AsyncClient, headers: dict[str, str]) -> None:
    first = await client.post(
        "/v1/customers", json=customer_body(1), headers=with_key(headers, "k")
    )
    second = await client.post(
        "/v1/partners", json=customer_body(1), headers=with_key(headers, "k")
    )

    assert first.status_code == 201, first.text
    problem = assert_problem(second, 422)
    assert "Idempotency-Key" in problem["detail"]
    assert "/v1/customers" in problem["detail"]
    assert await count(client, "/v1/partners", headers) == 0


async def insert_in_progress(
    client: httpx.AsyncClient,
    engine: AsyncEngine,
    headers: dict[str, str],
    *,
    key: str,
    body: dict[str, Any],
    created_at: dt.datetime,
) -> None:
    """Insert the record of a request that claimed ``key`` and has not finished."""
    me = await client.get("/v1/me", headers=headers)
    assert me.status_code == 200, me.text
    content = httpx.Request("POST", "/", json=body).content
    async with write_transaction(engine) as connection:
        await idempotency_rows.insert_in_progress(
            connection,
            {
                "api_key_id": uuid.UUID(me.json()["id"]),
                "key": key,
                "method": "POST",
                "path": "/v1/customers",
                "request_hash": request_fingerprint("POST", "/v1/customers", content),
                "created_at": created_at,
                "expires_at": created_at + dt.timedelta(hours=24),
            },
        )


async def test_in_progress_record_conflicts(
    client: httpx.AsyncClient, headers: dict[str, str], engine: AsyncEngine
) -> None:
    body = customer_body(1)
    await insert_in_progress(
        client, engine, headers, key="running", body=body, created_at=utc_now()
    )

    response = await client.post("/v1/customers", json=body, headers=with_key(headers, "running"))

    problem = assert_problem(response, 409)
    assert problem["type"].endswith("/idempotency-key-in-use")
    assert "retry" in problem["detail"]
    assert response.headers["retry-after"] == "1"
    assert "Idempotency-Key" in problem["errors"]
    assert await count(client, "/v1/customers", headers) == 0
    assert await record_count(engine) == 1


async def test_stale_in_progress_record_taken_over(
    client: httpx.AsyncClient, headers: dict[str, str], engine: AsyncEngine
) -> None:
    body = customer_body(1)
    abandoned_at = utc_now() - dt.timedelta(hours=1)
    await insert_in_progress(
        client, engine, headers, key="stale", body=body, created_at=abandoned_at
    )

    response = await client.post("/v1/customers", json=body, headers=with_key(headers, "stale"))
    replayed = await client.post("/v1/customers", json=body, headers=with_key(headers, "stale"))

    assert response.status_code == 201, response.text
    assert "idempotent-replayed" not in response.headers
    assert replayed.headers["idempotent-replayed"] == "true"
    assert await count(client, "/v1/customers", headers) == 1


async def test_concurrent_request_conflicts(
    client: httpx.AsyncClient, headers: dict[str, str], monkeypatch: pytest.MonkeyPatch
) -> None:
    started = asyncio.Event()
    release = asyncio.Event()
    original = customer_service.create_customer

    async def slow_create(*args: Any, **kwargs: Any) -> Any:
        started.set()
        await release.wait()
        return await original(*args, **kwargs)

    monkeypatch.setattr(customer_service, "create_customer", slow_create)
    body = customer_body(1)
    first_task = asyncio.create_task(
        client.post("/v1/customers", json=body, headers=with_key(headers, "k"))
    )
    await asyncio.wait_for(started.wait(), timeout=10)

    second = await asyncio.wait_for(
        client.post("/v1/customers", json=body, headers=with_key(headers, "k")), timeout=10
    )
    release.set()
    first = await asyncio.wait_for(first_task, timeout=10)
    third = await client.post("/v1/customers", json=body, headers=with_key(headers, "k"))

    problem = assert_problem(second, 409)
    assert "retry" in problem["detail"]
    assert first.status_code == 201, first.text
    assert third.status_code == 201, third.text
    assert third.headers["idempotent-replayed"] == "true"
    assert third.content == first.content
    assert await count(client, "/v1/customers", headers) == 1


async def test_validation_error_replayed(
    client: httpx.AsyncClient, headers: dict[str, str]
) -> None:
    body = {**customer_body(1), "countryId": "zz"}
    first = await client.post("/v1/customers", json=body, headers=with_key(headers, "bad"))
    second = await client.post("/v1/customers", json=body, headers=with_key(headers, "bad"))

    first_problem = assert_problem(first, 422)
    assert "countryId" in first_problem["errors"]
    assert second.status_code == 422
    assert second.headers["content-type"] == "application/problem+json"
    assert second.headers["idempotent-replayed"] == "true"
    # The replayed body is the first one, whose requestId names the first request.
    assert second.content == first.content
    assert await count(client, "/v1/customers", headers) == 0


async def test_conflict_of_create_replayed(
    client: httpx.AsyncClient, headers: dict[str, str]
) -> None:
    body = customer_body(1)
    assert (await client.post("/v1/customers", json=body, headers=headers)).status_code == 201
    first = await client.post("/v1/customers", json=body, headers=with_key(headers, "dup"))
    second = await client.post("/v1/customers", json=body, headers=with_key(headers, "dup"))

    assert_problem(first, 409)
    assert second.status_code == 409
    assert second.headers["idempotent-replayed"] == "true"
    assert second.content == first.content


FailingCreate = Callable[..., Awaitable[Any]]


def failing_once(original: FailingCreate, error: Exception) -> FailingCreate:
    calls = 0

    async def create(*args: Any, **kwargs: Any) -> Any:
        nonlocal calls
        calls += 1
        if calls == 1:
            raise error
        return await original(*args, **kwargs)

    return create


@pytest.mark.parametrize(
    ("error", "status"),
    [
        (ServiceUnavailableError("The database is unavailable; retry in a few seconds."), 503),
        (RuntimeError("simulated failure"), 500),
    ],
)
async def test_retry_after_server_error_creates(
    client: httpx.AsyncClient,
    headers: dict[str, str],
    engine: AsyncEngine,
    monkeypatch: pytest.MonkeyPatch,
    error: Exception,
    status: int,
) -> None:
    create = failing_once(customer_service.create_customer, error)
    monkeypatch.setattr(customer_service, "create_customer", create)
    body = customer_body(1)

    failed = await client.post("/v1/customers", json=body, headers=with_key(headers, "k"))
    assert_problem(failed, status)
    assert await record_count(engine) == 0

    retried = await client.post("/v1/customers", json=body, headers=with_key(headers, "k"))
    replayed = await client.post("/v1/customers", json=body, headers=with_key(headers, "k"))

    assert retried.status_code == 201, retried.text
    assert "idempotent-replayed" not in retried.headers
    assert replayed.headers["idempotent-replayed"] == "true"
    assert replayed.content == retried.content
    assert await count(client, "/v1/customers", headers) == 1


async def test_keys_scoped_to_api_key(
    client: httpx.AsyncClient, accounts: Accounts, distributor: uuid.UUID, headers: dict[str, str]
) -> None:
    other_headers = await accounts.key(distributor)
    first = await client.post(
        "/v1/customers", json=customer_body(1), headers=with_key(headers, "shared")
    )
    second = await client.post(
        "/v1/customers", json=customer_body(2), headers=with_key(other_headers, "shared")
    )

    assert first.status_code == 201, first.text
    assert second.status_code == 201, second.text
    assert "idempotent-replayed" not in second.headers
    assert second.json()["id"] != first.json()["id"]
    assert await count(client, "/v1/customers", headers) == 2


async def test_expired_key_reusable(
    client: httpx.AsyncClient, headers: dict[str, str], engine: AsyncEngine
) -> None:
    first = await client.post(
        "/v1/customers", json=customer_body(1), headers=with_key(headers, "old")
    )
    async with write_transaction(engine) as connection:
        await connection.execute(
            update(idempotency_keys).values(expires_at=utc_now() - dt.timedelta(seconds=1))
        )

    second = await client.post(
        "/v1/customers", json=customer_body(2), headers=with_key(headers, "old")
    )

    assert first.status_code == 201, first.text
    assert second.status_code == 201, second.text
    assert "idempotent-replayed" not in second.headers
    assert await count(client, "/v1/customers", headers) == 2
    assert await record_count(engine) == 1


async def test_purge_deletes_expired_records(
    client: httpx.AsyncClient, headers: dict[str, str], engine: AsyncEngine
) -> None:
    for number in (1, 2):
        response = await client.post(
            "/v1/customers", json=customer_body(number), headers=with_key(headers, f"k{number}")
        )
        assert response.status_code == 201, response.text
    async with write_transaction(engine) as connection:
        await connection.execute(
            update(idempotency_keys)
            .where(idempotency_keys.c.key == "k1")
            .values(expires_at=utc_now() - dt.timedelta(seconds=1))
        )

    async with write_transaction(engine) as connection:
        purged = await idempotency_rows.purge_expired(connection, utc_now())

    assert purged == 1
    assert await record_count(engine) == 1


@pytest.mark.parametrize(
    "value",
    ["", "x" * 256, "caf\u00e9", "tab\there"],
    ids=["empty", "too-long", "non-ascii", "control-character"],
)
async def test_invalid_key_rejected(
    client: httpx.AsyncClient, headers: dict[str, str], engine: AsyncEngine, value: str
) -> None:
    response = await client.post(
        "/v1/customers",
        json=customer_body(1),
        headers=[
            *((name.encode(), header.encode()) for name, header in headers.items()),
            (b"Idempotency-Key", value.encode("latin-1")),
        ],
    )

    problem = assert_problem(response, 400)
    assert "Idempotency-Key" in problem["detail"]
    assert "Idempotency-Key" in problem["errors"]
    assert await count(client, "/v1/customers", headers) == 0
    assert await record_count(engine) == 0


async def test_repeated_header_rejected(client: httpx.AsyncClient, headers: dict[str, str]) -> None:
    response = await client.post(
        "/v1/customers",
        json=customer_body(1),
        headers=[*headers.items(), ("Idempotency-Key", "a"), ("Idempotency-Key", "b")],
    )

    problem = assert_problem(response, 400)
    assert "Idempotency-Key" in problem["detail"]


async def test_longest_key_accepted(client: httpx.AsyncClient, headers: dict[str, str]) -> None:
    key = "k" * 255
    response = await client.post(
        "/v1/customers", json=customer_body(1), headers=with_key(headers, key)
    )

    assert response.status_code == 201, response.text


async def test_without_header_unchanged(
    client: httpx.AsyncClient, headers: dict[str, str], engine: AsyncEngine
) -> None:
    body = customer_body(1)
    first = await client.post("/v1/customers", json=body, headers=headers)
    second = await client.post("/v1/customers", json=body, headers=headers)

    assert first.status_code == 201, first.text
    assert "idempotent-replayed" not in first.headers
    assert_problem(second, 409)
    assert "idempotent-replayed" not in second.headers
    assert await record_count(engine) == 0


async def test_unauthenticated_request_claims_nothing(
    client: httpx.AsyncClient, engine: AsyncEngine
) -> None:
    response = await client.post(
        "/v1/customers",
        json=customer_body(1),
        headers={"Authorization": "Bearer scp_unknown", "Idempotency-Key": "k"},
    )

    assert_problem(response, 401)
    assert await record_count(engine) == 0


async def test_forbidden_response_not_stored(
    client: httpx.AsyncClient, accounts: Accounts, distributor: uuid.UUID, engine: AsyncEngine
) -> None:
    reader_headers = await accounts.key(distributor, Role.PARTNER_READER)
    body = customer_body(1)
    first = await client.post("/v1/customers", json=body, headers=with_key(reader_headers, "r"))
    second = await client.post("/v1/customers", json=body, headers=with_key(reader_headers, "r"))

    assert_problem(first, 403)
    assert_problem(second, 403)
    assert "idempotent-replayed" not in second.headers
    assert await record_count(engine) == 0
