"""CORS: off by default; when origins are set, react-admin in a browser can read the API."""

from __future__ import annotations

from collections.abc import AsyncIterator

import httpx
import pytest
from sqlalchemy.ext.asyncio import AsyncEngine

from partners_api.http.app import create_app
from partners_api.settings import Settings
from tests.api.conftest import Accounts

pytestmark = pytest.mark.anyio

CONSOLE = "https://console.example.com"


@pytest.fixture
async def cors_client(database_url: str, engine: AsyncEngine) -> AsyncIterator[httpx.AsyncClient]:
    settings = Settings(database_url=database_url, cors_origins=[CONSOLE])
    transport = httpx.ASGITransport(app=create_app(settings, engine))
    async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as client:
        yield client


def _header_set(value: str) -> set[str]:
    return {item.strip().lower() for item in value.split(",")}


async def test_cors_preflight_allows_react_admin_headers(
    cors_client: httpx.AsyncClient,
) -> None:
    response = await cors_client.options(
        "/v1/partners",
        headers={
            "Origin": CONSOLE,
            "Access-Control-Request-Method": "POST",
            "Access-Control-Request-Headers": (
                "authorization, content-type, range, idempotency-key, prefer"
            ),
        },
    )

    assert response.status_code == 200
    assert response.headers["access-control-allow-origin"] == CONSOLE
    allowed = _header_set(response.headers["access-control-allow-headers"])
    assert {"authorization", "content-type", "range", "idempotency-key", "prefer"} <= allowed
    assert "POST" in response.headers["access-control-allow-methods"]


async def test_cors_response_exposes_paging_headers(
    cors_client: httpx.AsyncClient, accounts: Accounts
) -> None:
    distributor = await accounts.distributor()
    headers = {**await accounts.key(distributor), "Origin": CONSOLE}

    response = await cors_client.get("/v1/partners", headers=headers)

    assert response.status_code == 200
    assert response.headers["access-control-allow-origin"] == CONSOLE
    exposed = _header_set(response.headers["access-control-expose-headers"])
    assert {"content-range", "x-total-count", "location", "x-request-id"} <= exposed
    assert "preference-applied" in exposed


async def test_cors_other_origin_gets_no_grant(
    cors_client: httpx.AsyncClient, accounts: Accounts
) -> None:
    distributor = await accounts.distributor()
    headers = {**await accounts.key(distributor), "Origin": "https://elsewhere.example.com"}

    response = await cors_client.get("/v1/partners", headers=headers)

    assert response.status_code == 200
    assert "access-control-allow-origin" not in response.headers


async def test_cors_off_by_default(client: httpx.AsyncClient, accounts: Accounts) -> None:
    distributor = await accounts.distributor()
    headers = {**await accounts.key(distributor), "Origin": CONSOLE}

    response = await client.get("/v1/partners", headers=headers)
    preflight = await client.options(
        "/v1/partners",
        headers={"Origin": CONSOLE, "Access-Control-Request-Method": "GET"},
    )

    assert "access-control-allow-origin" not in response.headers
    assert "access-control-allow-origin" not in preflight.headers
    assert preflight.status_code == 405
