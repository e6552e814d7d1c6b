"""429 and Retry-After from a real server with a low rate limit."""

from __future__ import annotations

import logging
import time
from collections.abc import Iterator

import pytest

from partners_api.client import PartnersClient, RateLimitError, RetryPolicy
from tests.api.server_process import Server, running_server
from tests.client.conftest import MakeClient, RecordingTransport
from tests.client.seeding import Tenant, customer_body

# Each key may send BURST requests at once, then one a second, and a 429 carries
# Retry-After: 1.
BURST = 2


@pytest.fixture(scope="module")
def server(server_database_url: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    """A server with a burst of 2 requests and 1 request a second per key."""
    log = tmp_path_factory.mktemp("serve") / "serve.log"
    settings = {
        "PARTNERS_API_RATE_LIMIT_BURST": str(BURST),
        "PARTNERS_API_RATE_LIMIT_PER_SECOND": "1",
    }
    with running_server(server_database_url, log, settings=settings) as running:
        yield running


def use_up_burst(client: PartnersClient) -> None:
    for _ in range(BURST):
        client.me()


def test_429_waits_for_real_retry_after(
    server: Server, tenant: Tenant, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO, logger="partners_api.client")
    transport = RecordingTransport()
    # The default sleep, time.sleep, so that the server's bucket really refills.
    with PartnersClient(
        server.base_url,
        tenant.admin_token,
        retry=RetryPolicy(max_attempts=3, backoff_base=0.01),
        transport=transport,
    ) as client:
        use_up_burst(client)
        started = time.monotonic()
        me = client.me()
        elapsed = time.monotonic() - started

    assert me.account.id == tenant.distributor_id
    assert len(transport.requests) == BURST + 2
    assert elapsed >= 1.0
    retries = [record.getMessage() for record in caplog.records]
    assert len(retries) == 1
    assert "in 1.00 s (attempt 2 of 3) after 429 Too Many Requests" in retries[0]


def test_429_without_retries_raises_rate_limit_error(
    make_client: MakeClient, tenant: Tenant, server: Server
) -> None:
    client = make_client(tenant.admin_token, retry=RetryPolicy(max_attempts=1))
    use_up_burst(client)

    with pytest.raises(RateLimitError) as caught:
        client.me()

    error = caught.value
    assert error.status_code == 429
    assert error.retry_after == 1.0
    assert error.problem_type == "rate-limited"
    assert error.request_id
    assert f"Request ID: {error.request_id}" in str(error)


def test_retry_after_above_backoff_max_raises_at_once(
    make_client: MakeClient, tenant: Tenant, server: Server
) -> None:
    sleeps: list[float] = []
    client = PartnersClient(
        server.base_url,
        tenant.admin_token,
        retry=RetryPolicy(max_attempts=5, backoff_max=0.5),
        sleep=sleeps.append,
    )
    with client:
        use_up_burst(client)
        with pytest.raises(RateLimitError) as caught:
            client.me()

    assert caught.value.retry_after == 1.0
    assert sleeps == []


def test_create_after_429_creates_one_customer(server: Server, tenant: Tenant) -> None:
    body = customer_body("Limited")
    # Real sleeps again: the create and the count each wait for the bucket to refill.
    with PartnersClient(
        server.base_url,
        tenant.admin_token,
        retry=RetryPolicy(max_attempts=3, backoff_base=0.01),
    ) as client:
        use_up_burst(client)
        created = client.create_customer_result(body)
        total = client.list_customers_page(filter={"name": str(body["customerName"])}).total

    assert created.replayed is False
    assert total == 1
