"""Security headers on every kind of response."""

from __future__ import annotations

import re
from collections.abc import AsyncIterator
from typing import Any

import httpx
import pytest
from sqlalchemy.ext.asyncio import AsyncEngine

from partners_api.domain import customers
from partners_api.domain.enums import Role
from partners_api.http.app import create_app
from partners_api.http.security_headers import API_CSP, DOCS_CSP
from partners_api.settings import Settings
from tests.api.conftest import Accounts

pytestmark = pytest.mark.anyio

COMMON_HEADERS = {
    "x-content-type-options": "nosniff",
    "x-frame-options": "DENY",
    "referrer-policy": "no-referrer",
    "cache-control": "no-store",
}


async def _client(settings: Settings, engine: AsyncEngine) -> httpx.AsyncClient:
    transport = httpx.ASGITransport(app=create_app(settings, engine), raise_app_exceptions=False)
    return httpx.AsyncClient(transport=transport, base_url="http://testserver")


@pytest.fixture
async def client(sqlite_url: str, engine: AsyncEngine) -> AsyncIterator[httpx.AsyncClient]:
    async with await _client(Settings(database_url=sqlite_url), engine) as client:
        yield client


@pytest.fixture
def database_url(sqlite_url: str) -> str:
    """Headers do not depend on the back end, so these tests run on SQLite only."""
    return sqlite_url


def assert_security_headers(response: httpx.Response, csp: str = API_CSP) -> None:
    for name, value in COMMON_HEADERS.items():
        assert response.headers.get(name) == value, name
        assert len(response.headers.get_list(name)) == 1, name
    assert response.headers.get("content-security-policy") == csp
    assert "strict-transport-security" not in response.headers


@pytest.mark.parametrize(
    ("method", "path", "status"),
    [
        ("GET", "/healthz", 200),
        ("GET", "/v1/openapi.json", 200),
        ("GET", "/v1/nowhere", 404),
        ("DELETE", "/v1/customers", 405),
        ("GET", "/v1/me", 401),
        ("POST", "/v1/customers", 401),
    ],
)
async def test_headers_on_responses(
    client: httpx.AsyncClient, method: str, path: str, status: int
) -> None:
    response = await client.request(method, path)
    assert response.status_code == status, response.text
    assert_security_headers(response)


async def test_headers_on_authenticated_json(
    client: httpx.AsyncClient, engine: AsyncEngine, sqlite_url: str
) -> None:
    accounts = Accounts(engine, Settings(database_url=sqlite_url))
    headers = await accounts.key(await accounts.partner("ACME"), Role.PARTNER_READER)
    response = await client.get("/v1/customers", headers=headers)
    assert response.status_code == 200, response.text
    assert_security_headers(response)


async def test_headers_on_unexpected_500(
    client: httpx.AsyncClient,
    engine: AsyncEngine,
    sqlite_url: str,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    accounts = Accounts(engine, Settings(database_url=sqlite_url))
    headers = await accounts.key(await accounts.partner("ACME"), Role.PARTNER_READER)

    async def fail(*_args: Any, **_kwargs: Any) -> None:
        raise RuntimeError("boom")

    monkeypatch.setattr(customers, "list_customers", fail)
    response = await client.get("/v1/customers", headers=headers)
    assert response.status_code == 500
    assert "boom" not in response.text
    assert_security_headers(response)


async def test_docs_policy_allows_swagger(client: httpx.AsyncClient) -> None:
    response = await client.get("/docs")
    assert response.status_code == 200
    assert_security_headers(response, csp=DOCS_CSP)
    # Every script and stylesheet that the page loads comes from the host DOCS_CSP allows.
    sources = re.findall(r'(?:src|href)="(https?://[^"]+)"', response.text)
    assert sources
    for source in sources:
        assert source.startswith(("https://cdn.jsdelivr.net/", "https://fastapi.tiangolo.com/"))


async def test_hsts_when_behind_https(engine: AsyncEngine, sqlite_url: str) -> None:
    settings = Settings(database_url=sqlite_url, behind_https=True)
    async with await _client(settings, engine) as client:
        for path in ("/healthz", "/v1/nowhere"):
            response = await client.get(path)
            assert response.headers["strict-transport-security"] == "max-age=31536000"


def test_hsts_off_by_default() -> None:
    assert Settings().behind_https is False
