"""RetryPolicy's backoff and Retry-After rules, and retries of refused connections and 503."""

from __future__ import annotations

import datetime as dt
import logging

import httpx
import pytest

from partners_api.client import PartnersClient, RetryPolicy, ServerError, TransportError
from partners_api.client.retry import parse_retry_after
from tests.api.server_process import free_port

TOKEN = "scp_" + "B" * 43
NOW = dt.datetime(2026, 3, 20, 12, 0, 0, tzinfo=dt.UTC)


def test_backoff_without_jitter_doubles_up_to_max() -> None:
    policy = RetryPolicy(backoff_base=0.5, backoff_max=3.0, jitter=False)

    assert [policy.backoff(number) for number in range(1, 6)] == [0.5, 1.0, 2.0, 3.0, 3.0]


def test_backoff_with_jitter_stays_within_bound() -> None:
    policy = RetryPolicy(backoff_base=0.5, backoff_max=3.0)

    for number in range(1, 8):
        bound = min(3.0, 0.5 * 2 ** (number - 1))
        samples = [policy.backoff(number) for _ in range(200)]
        assert all(0 <= sample <= bound for sample in samples)
        # Full jitter spreads the waits over the whole interval.
        assert min(samples) < bound / 4
        assert max(samples) > bound * 3 / 4


def test_backoff_of_huge_retry_number_is_max() -> None:
    policy = RetryPolicy(backoff_max=30.0, jitter=False)

    assert policy.backoff(5000) == 30.0


def test_delay_honours_longer_retry_after() -> None:
    policy = RetryPolicy(backoff_base=0.5, backoff_max=30.0, jitter=False)

    assert policy.delay(1, retry_after=4.0) == 4.0
    assert policy.delay(1, retry_after=0.1) == 0.5
    assert policy.delay(1, retry_after=None) == 0.5


def test_delay_gives_up_after_max_attempts() -> None:
    policy = RetryPolicy(max_attempts=3, jitter=False)

    assert policy.delay(2, None) is not None
    assert policy.delay(3, None) is None


def test_delay_gives_up_when_retry_after_exceeds_max() -> None:
    policy = RetryPolicy(backoff_max=10.0)

    assert policy.delay(1, retry_after=11.0) is None


@pytest.mark.parametrize(
    "arguments",
    [{"max_attempts": 0}, {"backoff_base": -1.0}, {"backoff_max": -0.5}],
    ids=["no-attempts", "negative-base", "negative-max"],
)
def test_invalid_policy_raises(arguments: dict[str, float]) -> None:
    with pytest.raises(ValueError, match="must"):
        RetryPolicy(**arguments)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("header", "seconds"),
    [
        ("3", 3.0),
        (" 120 ", 120.0),
        ("Fri, 20 Mar 2026 12:00:07 GMT", 7.0),
        ("Fri, 20 Mar 2026 11:59:00 GMT", 0.0),
        ("soon", None),
        ("-1", None),
        ("1.5", None),
        (None, None),
    ],
)
def test_parse_retry_after(header: str | None, seconds: float | None) -> None:
    assert parse_retry_after(header, now=NOW) == seconds


def test_refused_connection_raises_transport_error(caplog: pytest.LogCaptureFixture) -> None:
    port = free_port()
    sleeps: list[float] = []
    caplog.set_level(logging.INFO, logger="partners_api.client")

    with PartnersClient(
        f"http://127.0.0.1:{port}",
        TOKEN,
        retry=RetryPolicy(max_attempts=3, backoff_base=0.25, jitter=False),
        sleep=sleeps.append,
    ) as client:
        with pytest.raises(TransportError) as caught:
            client.me()

    error = caught.value
    assert error.attempts == 3
    assert error.method == "GET"
    assert error.url == f"http://127.0.0.1:{port}/v1/me"
    assert isinstance(error.__cause__, httpx.ConnectError)
    assert str(error).startswith(f"GET http://127.0.0.1:{port}/v1/me failed after 3 attempts")
    assert sleeps == [0.25, 0.5]
    retries = [record.getMessage() for record in caplog.records]
    assert len(retries) == 2
    assert retries[0].startswith(f"Retrying GET http://127.0.0.1:{port}/v1/me in 0.25 s")


def test_no_retries_with_one_attempt() -> None:
    sleeps: list[float] = []

    with PartnersClient(
        f"http://127.0.0.1:{free_port()}",
        TOKEN,
        retry=RetryPolicy(max_attempts=1),
        sleep=sleeps.append,
    ) as client:
        with pytest.raises(TransportError) as caught:
            client.me()

    assert caught.value.attempts == 1
    assert sleeps == []


def test_lasting_503_raises_server_error() -> None:
    """A stub transport replaces a server whose database stays unreachable."""
    calls = 0

    def answer(request: httpx.Request) -> httpx.Response:
        nonlocal calls
        calls += 1
        return httpx.Response(
            503,
            headers={"Retry-After": "2", "X-Request-ID": f"attempt-{calls}"},
            json={"title": "Service Unavailable", "status": 503, "detail": "Database down."},
        )

    sleeps: list[float] = []
    with PartnersClient(
        "http://127.0.0.1:9",
        TOKEN,
        retry=RetryPolicy(max_attempts=4, backoff_base=0.1, jitter=False),
        transport=httpx.MockTransport(answer),
        sleep=sleeps.append,
    ) as client:
        with pytest.raises(ServerError) as caught:
            client.me()

    assert calls == 4
    assert sleeps == [2.0, 2.0, 2.0]
    assert caught.value.status_code == 503
    assert caught.value.request_id == "attempt-4"


def test_503_then_success_returns_result() -> None:
    responses = iter(
        [
            httpx.Response(503, headers={"Retry-After": "1"}),
            httpx.Response(
                200,
                json={
                    "id": "k",
                    "name": "Key",
                    "role": "PartnerReader",
                    "expiresAt": None,
                    "account": {"id": "a", "name": "Account", "type": "Partner"},
                },
            ),
        ]
    )
    sleeps: list[float] = []

    with PartnersClient(
        "http://127.0.0.1:9",
        TOKEN,
        transport=httpx.MockTransport(lambda request: next(responses)),
        sleep=sleeps.append,
    ) as client:
        me = client.me()

    assert me.role == "PartnerReader"
    assert sleeps == [1.0]
