"""AsyncPartnersClient against the app in process, through httpx's ASGI transport.

Faults of the first create come from a transport that wraps the ASGI one, so that the
app really commits (or never receives) the create whose response is lost.
"""

from __future__ import annotations

import enum
import json
import time
from collections.abc import AsyncIterator

import httpx
import pytest
from sqlalchemy.ext.asyncio import AsyncEngine

from partners_api.client import (
    AsyncPartnersClient,
    AuthenticationError,
    ConflictError,
    Customer,
    NotFoundError,
    Page,
    PermissionDeniedError,
    RateLimitError,
    RetryPolicy,
    TransportError,
    ValidationError,
)
from partners_api.http.app import create_app
from partners_api.settings import Settings
from tests.client.seeding import (
    Tenant,
    create_tenant,
    customer_body,
    insert_customers,
    numbered_names,
    partner_body,
)

pytestmark = pytest.mark.anyio

BASE_URL = "http://testserver"


class Fault(enum.Enum):
    """What happens to the first POST that the transport receives."""

    NONE = "none"
    DROP_BEFORE = "drop-before"
    DROP_AFTER = "drop-after"
    UNAVAILABLE_BEFORE = "503-before"
    UNAVAILABLE_AFTER = "503-after"


class FlakyASGITransport(httpx.AsyncBaseTransport):
    """The ASGI transport of the app, failing the first POST with ``fault``, and keeping
    every request that it handles."""

    def __init__(self, inner: httpx.ASGITransport, fault: Fault = Fault.NONE) -> None:
        self.inner = inner
        self.fault = fault
        self.requests: list[httpx.Request] = []

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        self.requests.append(request)
        posts = sum(1 for sent in self.requests if sent.method == "POST")
        failing = request.method == "POST" and posts == 1 and self.fault is not Fault.NONE
        if failing and self.fault is Fault.DROP_BEFORE:
            raise httpx.RemoteProtocolError("Server disconnected on purpose.", request=request)
        if failing and self.fault is Fault.UNAVAILABLE_BEFORE:
            return unavailable()
        response = await self.inner.handle_async_request(request)
        await response.aread()
        if failing and self.fault is Fault.DROP_AFTER:
            raise httpx.RemoteProtocolError("Server disconnected on purpose.", request=request)
        if failing and self.fault is Fault.UNAVAILABLE_AFTER:
            return unavailable()
        return response

    def ranges(self) -> list[list[int]]:
        return [json.loads(request.url.params["range"]) for request in self.requests]


def unavailable() -> httpx.Response:
    return httpx.Response(
        503,
        headers={"Retry-After": "1", "X-Request-ID": "wrapper-503"},
        json={"title": "Service Unavailable", "status": 503, "detail": "Failed on purpose."},
    )


@pytest.fixture
def settings(database_url: str) -> Settings:
    return Settings(database_url=database_url, rate_limit_burst=0)


@pytest.fixture
async def app_transport(settings: Settings, engine: AsyncEngine) -> httpx.ASGITransport:
    return httpx.ASGITransport(app=create_app(settings, engine))


@pytest.fixture
async def tenant(engine: AsyncEngine) -> Tenant:
    return await create_tenant(engine)


class Clients:
    """Builds async clients of the in-process app that record their sleeps."""

    def __init__(self, app_transport: httpx.ASGITransport) -> None:
        self.app_transport = app_transport
        self.sleeps: list[float] = []
        self.opened: list[AsyncPartnersClient] = []

    async def record_sleep(self, seconds: float) -> None:
        self.sleeps.append(seconds)

    def build(
        self, token: str, fault: Fault = Fault.NONE
    ) -> tuple[AsyncPartnersClient, FlakyASGITransport]:
        transport = FlakyASGITransport(self.app_transport, fault)
        client = AsyncPartnersClient(
            BASE_URL,
            token,
            retry=RetryPolicy(max_attempts=3, backoff_base=0.01),
            transport=transport,
            sleep=self.record_sleep,
        )
        self.opened.append(client)
        return client, transport


@pytest.fixture
async def clients(app_transport: httpx.ASGITransport) -> AsyncIterator[Clients]:
    built = Clients(app_transport)
    yield built
    for client in built.opened:
        await client.aclose()


async def test_async_list_customers_pages_through_all(
    clients: Clients, tenant: Tenant, engine: AsyncEngine
) -> None:
    ids = await insert_customers(engine, tenant.distributor_id, numbered_names(230))
    client, transport = clients.build(tenant.admin_token)

    listed = [customer.id async for customer in client.list_customers(page_size=25)]

    assert listed == ids
    assert transport.ranges() == [[start, start + 24] for start in range(0, 250, 25)]


async def test_async_list_limit_and_sort(
    clients: Clients, tenant: Tenant, engine: AsyncEngine
) -> None:
    ids = await insert_customers(engine, tenant.distributor_id, numbered_names(60))
    client, transport = clients.build(tenant.admin_token)

    listed = [
        customer.id
        async for customer in client.list_customers(
            filter={"countryId": "us"}, sort=("name", "DESC"), page_size=20, limit=45
        )
    ]

    assert listed == list(reversed(ids))[:45]
    assert transport.ranges() == [[0, 19], [20, 39], [40, 44]]
    assert json.loads(transport.requests[0].url.params["sort"]) == ["name", "DESC"]
    assert json.loads(transport.requests[0].url.params["filter"]) == {"countryId": "us"}


async def test_async_list_empty(clients: Clients, tenant: Tenant) -> None:
    client, transport = clients.build(tenant.admin_token)

    listed = [customer async for customer in client.list_customers()]
    page = await client.list_partners_page(filter={"state": []})

    assert listed == []
    assert len(transport.requests) == 2
    assert page == Page(items=[], start=0, end=None, total=0)


async def test_async_list_limit_zero_sends_nothing(clients: Clients, tenant: Tenant) -> None:
    client, transport = clients.build(tenant.admin_token)

    assert [customer async for customer in client.list_customers(limit=0)] == []
    assert transport.requests == []


async def test_async_me_create_and_get(clients: Clients, tenant: Tenant) -> None:
    client, _ = clients.build(tenant.admin_token)

    me = await client.me()
    partner = await client.create_partner(partner_body("Async"))
    customer = await client.create_customer({**customer_body("Async"), "partnerId": partner.id})

    fetched = await client.get_partner(partner.id)
    newest = [item async for item in client.list_partners(sort=("createdAt", "DESC"), limit=1)]

    assert me.account.id == tenant.distributor_id
    assert await client.get_customer(customer.id) == customer
    assert customer.partner.id == partner.id
    # The new customer raised the partner's count and changed nothing else.
    assert fetched.customersCount == 1
    assert fetched.model_copy(update={"customersCount": 0}) == partner
    assert newest == [fetched]


async def test_async_errors_carry_request_id(clients: Clients, tenant: Tenant) -> None:
    admin, _ = clients.build(tenant.admin_token)
    reader, _ = clients.build(tenant.reader_token)
    stranger, _ = clients.build("scp_" + "D" * 43)
    body = customer_body("Async Errors")
    await admin.create_customer(body)

    with pytest.raises(AuthenticationError) as unauthorized:
        await stranger.me()
    with pytest.raises(PermissionDeniedError) as forbidden:
        await reader.create_customer(customer_body("Forbidden"))
    with pytest.raises(NotFoundError) as missing:
        await admin.get_partner("019cea04-b015-7f54-a7dd-6e5c198f15a9")
    with pytest.raises(ValidationError) as invalid:
        await admin.create_customer({**customer_body("Invalid"), "countryId": "xx"})
    with pytest.raises(ConflictError) as conflict:
        await admin.create_customer({**body, "customerName": "Same Email"})

    for caught, status in [
        (unauthorized, 401),
        (forbidden, 403),
        (missing, 404),
        (invalid, 422),
        (conflict, 409),
    ]:
        assert caught.value.status_code == status
        assert caught.value.request_id
    assert list(invalid.value.errors) == ["countryId"]
    assert list(conflict.value.errors) == ["email"]


@pytest.mark.parametrize(
    ("fault", "replayed"),
    [
        (Fault.DROP_BEFORE, False),
        (Fault.UNAVAILABLE_BEFORE, False),
        (Fault.DROP_AFTER, True),
        (Fault.UNAVAILABLE_AFTER, True),
    ],
    ids=lambda value: value.value if isinstance(value, Fault) else None,
)
async def test_async_failed_first_create_creates_one_customer(
    clients: Clients, tenant: Tenant, fault: Fault, replayed: bool
) -> None:
    client, transport = clients.build(tenant.admin_token, fault)
    body = customer_body(f"In Process {fault.value}")

    created = await client.create_customer_result(body)

    assert created.replayed is replayed
    posts = [request for request in transport.requests if request.method == "POST"]
    assert len(posts) == 2
    assert posts[0].headers["Idempotency-Key"] == posts[1].headers["Idempotency-Key"]
    page = await client.list_customers_page(filter={"name": str(body["customerName"])})
    assert page.total == 1
    assert page.items == [created.item]
    assert len(clients.sleeps) == 1


async def test_async_lasting_drop_raises_transport_error(clients: Clients, tenant: Tenant) -> None:
    client, transport = clients.build(tenant.admin_token)

    async def always_drop(request: httpx.Request) -> httpx.Response:
        transport.requests.append(request)
        raise httpx.ReadError("Connection reset on purpose.", request=request)

    transport.handle_async_request = always_drop  # type: ignore[method-assign]

    with pytest.raises(TransportError) as caught:
        await client.create_customer(customer_body("Never"))

    assert caught.value.attempts == 3
    assert caught.value.method == "POST"
    assert isinstance(caught.value.__cause__, httpx.ReadError)
    assert len(transport.requests) == 3


async def test_async_429_waits_for_real_retry_after(
    database_url: str, engine: AsyncEngine, tenant: Tenant
) -> None:
    limited = Settings(database_url=database_url, rate_limit_burst=1, rate_limit_per_second=1)
    app = create_app(limited, engine)
    try:
        # The default sleep, anyio.sleep, so that the app's bucket really refills.
        async with AsyncPartnersClient(
            BASE_URL,
            tenant.admin_token,
            retry=RetryPolicy(max_attempts=3, backoff_base=0.01),
            transport=httpx.ASGITransport(app=app),
        ) as client:
            await client.me()
            started = time.monotonic()
            me = await client.me()
            elapsed = time.monotonic() - started
        async with AsyncPartnersClient(
            BASE_URL,
            tenant.admin_token,
            retry=RetryPolicy(max_attempts=1),
            transport=httpx.ASGITransport(app=app),
        ) as impatient:
            with pytest.raises(RateLimitError) as caught:
                await impatient.me()
    finally:
        await app.state.rate_limiter.aclose()

    assert me.account.id == tenant.distributor_id
    assert elapsed >= 1.0
    assert caught.value.retry_after == 1.0


async def test_async_list_items_are_models(clients: Clients, tenant: Tenant) -> None:
    client, _ = clients.build(tenant.admin_token)
    created = await client.create_customer(customer_body("Typed"))

    page = await client.list_customers_page(size=5)

    assert page.items == [created]
    assert isinstance(page.items[0], Customer)
