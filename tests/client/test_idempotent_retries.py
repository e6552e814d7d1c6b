"""A create whose first attempt fails, before or after the server committed it, is retried
with the same Idempotency-Key and leaves exactly one object on the server.

The faults come from a loopback proxy in front of a real server, so the client meets
real dropped connections, timeouts and 503 responses.
"""

from __future__ import annotations

import pytest

from partners_api.client import AsyncPartnersClient, RetryPolicy
from tests.api.server_process import Server
from tests.client.conftest import MakeClient, Sleeps
from tests.client.flaky_proxy import Fault, FlakyProxy, flaky_proxy
from tests.client.seeding import Tenant, customer_body, partner_body

# Whether the server had committed the create when the first attempt failed, so that the
# retry gets the stored response back.
COMMITTED_BEFORE_FAULT = {
    Fault.DROP_BEFORE: False,
    Fault.UNAVAILABLE_BEFORE: False,
    Fault.DROP_AFTER: True,
    Fault.UNAVAILABLE_AFTER: True,
    Fault.STALL_AFTER: True,
}
FAULTS = [pytest.param(fault, id=fault.value) for fault in Fault]
# Seconds: under a stalling proxy the client gives up on a response after STALL_TIMEOUT,
# and the proxy delays the response for longer. Other faults need no short timeout.
STALL_TIMEOUT = 1.0
STALL_SECONDS = 2.0
DEFAULT_TIMEOUT = 30.0


def timeout_for(fault: Fault) -> float:
    return STALL_TIMEOUT if fault is Fault.STALL_AFTER else DEFAULT_TIMEOUT


def count_customers(make_client: MakeClient, tenant: Tenant, name: str) -> int:
    """Count the tenant's customers with ``name``, asking the server without the proxy."""
    direct = make_client(tenant.admin_token)
    return direct.list_customers_page(filter={"name": name}).total


def assert_one_key_for_both_attempts(proxy: FlakyProxy) -> None:
    posts = [request for request in proxy.requests if request.method == "POST"]
    assert len(posts) == 2
    assert posts[0].idempotency_key
    assert posts[0].idempotency_key == posts[1].idempotency_key
    assert proxy.faults_applied == 1


@pytest.mark.parametrize("fault", FAULTS)
def test_failed_first_attempt_creates_one_customer(
    make_client: MakeClient, tenant: Tenant, server: Server, sleeps: Sleeps, fault: Fault
) -> None:
    body = customer_body(f"Retry {fault.value}")

    with flaky_proxy(server.base_url, fault, stall_seconds=STALL_SECONDS) as proxy:
        client = make_client(
            tenant.admin_token, base_url=proxy.base_url, timeout=timeout_for(fault)
        )
        created = client.create_customer_result(body)

    assert created.item.name == body["customerName"]
    assert created.replayed is COMMITTED_BEFORE_FAULT[fault]
    assert_one_key_for_both_attempts(proxy)
    assert count_customers(make_client, tenant, str(body["customerName"])) == 1
    assert len(sleeps) == 1


def test_retry_after_503_creates_one_customer(
    make_client: MakeClient, tenant: Tenant, server: Server, sleeps: Sleeps
) -> None:
    body = customer_body("Retry After")

    with flaky_proxy(server.base_url, Fault.UNAVAILABLE_AFTER) as proxy:
        client = make_client(tenant.admin_token, base_url=proxy.base_url)
        customer = client.create_customer(body)

    assert count_customers(make_client, tenant, customer.name) == 1
    # The proxy's 503 carries Retry-After: 1, longer than the backoff of 0.01 s.
    assert sleeps == [1.0]


def test_dropped_connection_creates_one_partner(
    make_client: MakeClient, tenant: Tenant, server: Server
) -> None:
    body = partner_body("Dropped")

    with flaky_proxy(server.base_url, Fault.DROP_AFTER) as proxy:
        client = make_client(tenant.admin_token, base_url=proxy.base_url)
        created = client.create_partner_result(body)

    assert created.replayed is True
    assert_one_key_for_both_attempts(proxy)
    direct = make_client(tenant.admin_token)
    assert direct.list_partners_page(filter={"code": body["code"]}).total == 1


def test_caller_key_is_sent_on_every_attempt(
    make_client: MakeClient, tenant: Tenant, server: Server
) -> None:
    body = customer_body("Caller Key")

    with flaky_proxy(server.base_url, Fault.DROP_AFTER) as proxy:
        client = make_client(tenant.admin_token, base_url=proxy.base_url)
        created = client.create_customer_result(body, idempotency_key="row-7-of-import")

    assert created.idempotency_key == "row-7-of-import"
    assert [request.idempotency_key for request in proxy.requests] == ["row-7-of-import"] * 2


def test_stalled_get_is_retried(make_client: MakeClient, tenant: Tenant, server: Server) -> None:
    with flaky_proxy(
        server.base_url, Fault.STALL_AFTER, method="GET", stall_seconds=STALL_SECONDS
    ) as proxy:
        client = make_client(tenant.admin_token, base_url=proxy.base_url, timeout=STALL_TIMEOUT)
        me = client.me()

    assert me.account.id == tenant.distributor_id
    assert [request.target for request in proxy.requests] == ["/v1/me", "/v1/me"]


@pytest.mark.anyio
@pytest.mark.parametrize("fault", FAULTS)
async def test_async_failed_first_attempt_creates_one_customer(
    make_client: MakeClient, tenant: Tenant, server: Server, fault: Fault
) -> None:
    body = customer_body(f"Async Retry {fault.value}")
    sleeps: list[float] = []

    async def record_sleep(seconds: float) -> None:
        sleeps.append(seconds)

    with flaky_proxy(server.base_url, fault, stall_seconds=STALL_SECONDS) as proxy:
        async with AsyncPartnersClient(
            proxy.base_url,
            tenant.admin_token,
            timeout=timeout_for(fault),
            retry=RetryPolicy(max_attempts=3, backoff_base=0.01),
            sleep=record_sleep,
        ) as client:
            created = await client.create_customer_result(body)

    assert created.replayed is COMMITTED_BEFORE_FAULT[fault]
    assert_one_key_for_both_attempts(proxy)
    assert count_customers(make_client, tenant, str(body["customerName"])) == 1
    assert len(sleeps) == 1
