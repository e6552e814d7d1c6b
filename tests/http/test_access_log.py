"""The access log: one JSON line per request, without the bearer token."""

from __future__ import annotations

import json
import logging
from collections.abc import AsyncIterator
from typing import Any

import httpx
import pytest
from sqlalchemy.ext.asyncio import AsyncEngine

from partners_api.domain import customers
from partners_api.domain.enums import Role
from partners_api.http.app import create_app
from partners_api.settings import Settings
from tests.api.conftest import Accounts

pytestmark = pytest.mark.anyio

ACCESS_LOGGER = "partners_api.access"
FIELDS = {
    "time",
    "requestId",
    "method",
    "path",
    "queryLength",
    "status",
    "durationMs",
    "apiKeyId",
    "client",
    "responseBytes",
}


@pytest.fixture
def database_url(sqlite_url: str) -> str:
    """The log does not depend on the back end, so these tests run on SQLite only."""
    return sqlite_url


@pytest.fixture
async def client(sqlite_url: str, engine: AsyncEngine) -> AsyncIterator[httpx.AsyncClient]:
    app = create_app(Settings(database_url=sqlite_url), engine)
    transport = httpx.ASGITransport(app=app, raise_app_exceptions=False)
    async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as client:
        yield client


def access_lines(caplog: pytest.LogCaptureFixture) -> list[dict[str, Any]]:
    records = [record for record in caplog.records if record.name == ACCESS_LOGGER]
    return [json.loads(record.getMessage()) for record in records]


async def test_line_fields(
    client: httpx.AsyncClient,
    engine: AsyncEngine,
    sqlite_url: str,
    caplog: pytest.LogCaptureFixture,
) -> None:
    accounts = Accounts(engine, Settings(database_url=sqlite_url))
    headers = await accounts.key(await accounts.partner("ACME"), Role.PARTNER_READER)
    token = headers["Authorization"].removeprefix("Bearer ")
    caplog.set_level(logging.DEBUG)

    response = await client.get(
        "/v1/customers?filter=%7B%22name%22%3A%22secret-search%22%7D",
        headers={**headers, "X-Request-ID": "trace-1"},
    )
    me = await client.get("/v1/me", headers=headers)

    assert response.status_code == 200, response.text
    for record in caplog.records:
        assert token not in record.getMessage()
        assert token not in repr(record.args)
    assert token not in caplog.text
    lines = access_lines(caplog)
    # The filter value stays out of the access log; only the query's length is logged.
    assert all("secret-search" not in json.dumps(line) for line in lines)
    assert len(lines) == 2
    line = lines[0]
    assert set(line) == FIELDS
    assert line["requestId"] == "trace-1"
    assert line["method"] == "GET"
    assert line["path"] == "/v1/customers"
    assert line["queryLength"] == len("filter=%7B%22name%22%3A%22secret-search%22%7D")
    assert line["status"] == 200
    assert isinstance(line["durationMs"], float)
    assert line["durationMs"] >= 0
    assert line["apiKeyId"] == me.json()["id"]
    assert line["client"] == "127.0.0.1"
    assert line["responseBytes"] == len(response.content)
    assert line["time"].endswith("+00:00")


async def test_unauthenticated_line(
    client: httpx.AsyncClient, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO, logger=ACCESS_LOGGER)
    response = await client.get("/v1/me", headers={"Authorization": "Bearer scp_not-a-real-key"})

    assert response.status_code == 401
    assert "scp_not-a-real-key" not in caplog.text
    [line] = access_lines(caplog)
    assert line["status"] == 401
    assert line["apiKeyId"] is None
    assert line["requestId"] == response.headers["x-request-id"]


async def test_unexpected_error_logged_once(
    client: httpx.AsyncClient,
    engine: AsyncEngine,
    sqlite_url: str,
    caplog: pytest.LogCaptureFixture,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    accounts = Accounts(engine, Settings(database_url=sqlite_url))
    headers = await accounts.key(await accounts.partner("ACME"), Role.PARTNER_READER)

    async def fail(*_args: Any, **_kwargs: Any) -> None:
        raise RuntimeError("boom")

    monkeypatch.setattr(customers, "list_customers", fail)
    caplog.set_level(logging.INFO, logger=ACCESS_LOGGER)
    response = await client.get("/v1/customers", headers=headers)

    assert response.status_code == 500
    [line] = access_lines(caplog)
    assert line["status"] == 500
    assert line["apiKeyId"] is not None
    assert line["requestId"] == response.headers["x-request-id"]


async def test_long_path_truncated(
    client: httpx.AsyncClient, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO, logger=ACCESS_LOGGER)
    await client.get("/v1/" + "a" * 5000)
    [line] = access_lines(caplog)
    assert len(line["path"]) == 512 + len("...")
    assert line["status"] == 404
