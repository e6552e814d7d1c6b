"""Fixtures of the client tests: a `partners-api serve` process per module and back end,
and a fresh tenant per test.

A server start takes about a second, so the server of a module serves all its tests.
Each test gets a distributor of its own, and the API's scope rules keep the data of the
other tests out of its lists, so the tables need not be emptied between tests.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from typing import Protocol

import httpx
import pytest

from partners_api.client import PartnersClient, RetryPolicy
from tests.api.server_process import Server, running_server
from tests.client.seeding import Tenant, seed_tenant

# Retries in tests wait through a recording function instead of real seconds.
Sleeps = list[float]


@pytest.fixture(
    scope="module",
    params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgresql)],
)
def server_database_url(request: pytest.FixtureRequest) -> str:
    """The URL of a migrated database of each back end, for a module's server."""
    fixture = "sqlite_url" if request.param == "sqlite" else "postgres_url"
    url: str = request.getfixturevalue(fixture)
    return url


@pytest.fixture(scope="module")
def server(server_database_url: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    """A server without rate limits, shared by the tests of a module."""
    log = tmp_path_factory.mktemp("serve") / "serve.log"
    settings = {"PARTNERS_API_RATE_LIMIT_BURST": "0"}
    with running_server(server_database_url, log, settings=settings) as running:
        yield running


@pytest.fixture
def tenant(server_database_url: str) -> Tenant:
    return seed_tenant(server_database_url)


@pytest.fixture(autouse=True)
def no_client_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    """Remove the developer's client settings and proxies, so that requests stay on loopback."""
    for name in list(os.environ):
        if name in {"PARTNERS_API_URL", "PARTNERS_API_TOKEN"} or name.lower().endswith("_proxy"):
            monkeypatch.delenv(name)


@pytest.fixture
def sleeps() -> Sleeps:
    return []


class RecordingTransport(httpx.HTTPTransport):
    """The network transport of ``httpx``, keeping every request that it sends."""

    def __init__(self) -> None:
        super().__init__()
        self.requests: list[httpx.Request] = []

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        self.requests.append(request)
        return super().handle_request(request)


class MakeClient(Protocol):
    def __call__(
        self,
        token: str,
        *,
        base_url: str | None = None,
        retry: RetryPolicy | None = None,
        transport: httpx.BaseTransport | None = None,
        timeout: float = 30.0,
    ) -> PartnersClient: ...


@pytest.fixture
def make_client(server: Server, sleeps: Sleeps) -> Iterator[MakeClient]:
    """Build clients of the module's server that record their sleeps; close them after."""
    clients: list[PartnersClient] = []

    def build(
        token: str,
        *,
        base_url: str | None = None,
        retry: RetryPolicy | None = None,
        transport: httpx.BaseTransport | None = None,
        timeout: float = 30.0,
    ) -> PartnersClient:
        client = PartnersClient(
            base_url or server.base_url,
            token,
            timeout=timeout,
            retry=retry or RetryPolicy(max_attempts=3, backoff_base=0.01),
            transport=transport,
            sleep=sleeps.append,
        )
        clients.append(client)
        return client

    yield build
    for client in clients:
        client.close()
