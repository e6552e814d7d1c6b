"""The token buckets of the rate limiter, in memory and in the machine's Redis.

The Redis tests use the server at PARTNERS_API_TEST_REDIS_URL (default: the local
server), under a key prefix of their own that they delete afterwards. When Redis is
unreachable they are skipped, except under CI=true, where that fails the run.
"""

from __future__ import annotations

import asyncio
import logging
import math
import os
import socket
import uuid
from collections.abc import AsyncIterator

import pytest
import redis.asyncio
import redis.exceptions

from partners_api.exceptions import TooManyRequestsError
from partners_api.http.ratelimit import RateLimiter, create_rate_limiter
from partners_api.settings import Settings
from partners_api.storage.ratelimit_store import (
    BucketPolicy,
    MemoryBucketStore,
    RedisBucketStore,
)

pytestmark = pytest.mark.anyio

DEFAULT_REDIS_URL = "redis://127.0.0.1:6379/0"


class FakeClock:
    """A monotonic clock that moves only when a test advances it."""

    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now

    def advance(self, seconds: float) -> None:
        self.now += seconds


def redis_test_url() -> str:
    return os.environ.get("PARTNERS_API_TEST_REDIS_URL", DEFAULT_REDIS_URL)


async def require_redis() -> str:
    """Return the test Redis URL, or skip (fail under CI=true) when Redis does not reply."""
    url = redis_test_url()
    client = redis.asyncio.Redis.from_url(url, socket_connect_timeout=2, socket_timeout=2)
    try:
        await client.ping()
    except (redis.exceptions.RedisError, OSError) as exc:
        reason = f"Redis unreachable at {url}: {exc!r}"
        if os.environ.get("CI") == "true":
            pytest.fail(f"{reason}; CI requires the Redis tests to run.")
        pytest.skip(reason)
    finally:
        await client.aclose()
    return url


async def delete_keys(url: str, prefix: str) -> None:
    client = redis.asyncio.Redis.from_url(url)
    try:
        keys = [key async for key in client.scan_iter(match=f"{prefix}*")]
        if keys:
            await client.delete(*keys)
    finally:
        await client.aclose()


def unused_loopback_url() -> str:
    """Return a redis:// URL on a loopback port that this test bound and closed again."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
    return f"redis://127.0.0.1:{port}/0"


@pytest.fixture
async def redis_prefix() -> AsyncIterator[tuple[str, str]]:
    """The test Redis URL and a key prefix unique to this test, deleted afterwards."""
    url = await require_redis()
    prefix = f"partners-api-test:{uuid.uuid4().hex}:"
    yield url, prefix
    await delete_keys(url, prefix)


# In-process buckets


async def test_memory_bucket_allows_burst() -> None:
    clock = FakeClock()
    store = MemoryBucketStore(BucketPolicy(rate=2.0, burst=3), clock)

    decisions = [await store.take("key") for _ in range(4)]

    assert [decision.allowed for decision in decisions] == [True, True, True, False]
    assert [decision.remaining for decision in decisions] == [2, 1, 0, 0]


async def test_memory_bucket_retry_after() -> None:
    clock = FakeClock()
    store = MemoryBucketStore(BucketPolicy(rate=2.0, burst=3), clock)
    for _ in range(3):
        await store.take("key")
    clock.advance(0.2)

    rejected = await store.take("key")

    assert not rejected.allowed
    # 0.2 s at 2 tokens per second gave 0.4 tokens, so 0.6 are missing: 0.3 s.
    assert rejected.retry_after == pytest.approx(0.3)
    assert rejected.reset_after == pytest.approx((3 - 0.4) / 2.0)


async def test_memory_bucket_refills() -> None:
    clock = FakeClock()
    store = MemoryBucketStore(BucketPolicy(rate=2.0, burst=3), clock)
    for _ in range(3):
        await store.take("key")

    clock.advance(0.5)
    after_one_token = await store.take("key")
    clock.advance(10.0)
    after_full_refill = await store.take("key")

    assert after_one_token.allowed
    assert after_one_token.remaining == 0
    assert after_full_refill.allowed
    assert after_full_refill.remaining == 2


async def test_memory_bucket_rejection_takes_nothing() -> None:
    clock = FakeClock()
    store = MemoryBucketStore(BucketPolicy(rate=1.0, burst=1), clock)
    await store.take("key")
    for _ in range(5):
        assert not (await store.take("key")).allowed

    clock.advance(1.0)

    assert (await store.take("key")).allowed


async def test_memory_bucket_keys_independent() -> None:
    clock = FakeClock()
    store = MemoryBucketStore(BucketPolicy(rate=1.0, burst=1), clock)

    first = await store.take("one")
    second = await store.take("two")
    again = await store.take("one")

    assert first.allowed
    assert second.allowed
    assert not again.allowed


async def test_memory_bucket_drops_full_buckets() -> None:
    clock = FakeClock()
    store = MemoryBucketStore(BucketPolicy(rate=1.0, burst=2), clock)
    await store.take("old")
    clock.advance(5.0)

    decision = await store.take("new")

    assert decision.allowed
    assert set(store._buckets) == {"new"}


async def test_memory_bucket_concurrent_takes() -> None:
    store = MemoryBucketStore(BucketPolicy(rate=0.001, burst=10), FakeClock())

    decisions = await asyncio.gather(*(store.take("key") for _ in range(25)))

    assert sum(decision.allowed for decision in decisions) == 10


def test_bucket_policy_rejects_zero_rate() -> None:
    with pytest.raises(ValueError, match="invalid bucket policy"):
        BucketPolicy(rate=0.0, burst=5)


# The limiter and its header values


def test_limiter_disabled_by_zero() -> None:
    assert create_rate_limiter(Settings(rate_limit_per_second=0)) is None
    assert create_rate_limiter(Settings(rate_limit_burst=0)) is None


def test_limiter_policy_header() -> None:
    limiter = create_rate_limiter(Settings(rate_limit_per_second=20, rate_limit_burst=40))

    assert limiter is not None
    assert limiter.policy_header == '"default";q=40;w=2'


def test_limiter_policy_window_rounds_up() -> None:
    limiter = create_rate_limiter(Settings(rate_limit_per_second=3, rate_limit_burst=10))

    assert limiter is not None
    assert limiter.policy_header == '"default";q=10;w=4'


async def test_limiter_header_value() -> None:
    clock = FakeClock()
    policy = BucketPolicy(rate=2.0, burst=4)
    limiter = RateLimiter(MemoryBucketStore(policy, clock), policy, shared=False)

    decision = await limiter.take("key")

    assert decision is not None
    # 3 tokens are left, and the missing one comes back in 0.5 s, written as 1.
    assert limiter.header_value(decision) == '"default";r=3;t=1'


def test_too_many_requests_retry_after_minimum() -> None:
    error = TooManyRequestsError("slow down", retry_after=0)

    assert error.status == 429
    assert error.type_slug == "rate-limited"
    assert error.retry_after == 1


# Redis buckets


async def test_redis_bucket_allows_burst(redis_prefix: tuple[str, str]) -> None:
    url, prefix = redis_prefix
    policy = BucketPolicy(rate=0.5, burst=3)
    store = RedisBucketStore.from_url(url, policy, prefix, timeout=2.0)
    try:
        decisions = [await store.take("key") for _ in range(4)]
        other = await store.take("other")
    finally:
        await store.aclose()

    assert [decision.allowed for decision in decisions] == [True, True, True, False]
    assert [decision.remaining for decision in decisions] == [2, 1, 0, 0]
    assert 0 < decisions[-1].retry_after <= 2.0
    assert math.ceil(decisions[-1].retry_after) == 2
    assert other.allowed


async def test_redis_bucket_refills(redis_prefix: tuple[str, str]) -> None:
    url, prefix = redis_prefix
    policy = BucketPolicy(rate=1.0, burst=2)
    store = RedisBucketStore.from_url(url, policy, prefix, timeout=2.0)
    try:
        for _ in range(2):
            await store.take("key")
        rejected = await store.take("key")
        await asyncio.sleep(1.1)
        refilled = await store.take("key")
    finally:
        await store.aclose()

    assert not rejected.allowed
    assert refilled.allowed


async def test_redis_bucket_has_ttl(redis_prefix: tuple[str, str]) -> None:
    url, prefix = redis_prefix
    policy = BucketPolicy(rate=1.0, burst=5)
    store = RedisBucketStore.from_url(url, policy, prefix, timeout=2.0)
    client = redis.asyncio.Redis.from_url(url)
    try:
        await store.take("key")
        ttl_ms = await client.pttl(f"{prefix}key")
    finally:
        await client.aclose()
        await store.aclose()

    # The bucket fills in 5 s, and the key lives one second longer.
    assert 5000 < ttl_ms <= 6000


async def test_redis_bucket_shared_by_clients(redis_prefix: tuple[str, str]) -> None:
    url, prefix = redis_prefix
    policy = BucketPolicy(rate=0.01, burst=4)
    stores = [RedisBucketStore.from_url(url, policy, prefix, timeout=2.0) for _ in range(2)]
    try:
        decisions = [await stores[index % 2].take("key") for index in range(8)]
    finally:
        for store in stores:
            await store.aclose()

    assert sum(decision.allowed for decision in decisions) == 4


async def test_redis_bucket_concurrent_takes(redis_prefix: tuple[str, str]) -> None:
    url, prefix = redis_prefix
    policy = BucketPolicy(rate=0.01, burst=10)
    store = RedisBucketStore.from_url(url, policy, prefix, timeout=2.0)
    try:
        decisions = await asyncio.gather(*(store.take("key") for _ in range(25)))
    finally:
        await store.aclose()

    assert sum(decision.allowed for decision in decisions) == 10


async def test_redis_limiter_fails_open(caplog: pytest.LogCaptureFixture) -> None:
    settings = Settings(redis_url=unused_loopback_url(), rate_limit_burst=1)
    limiter = create_rate_limiter(settings)
    assert limiter is not None
    try:
        with caplog.at_level(logging.WARNING, logger="partners_api.http"):
            decisions = [await limiter.take("key") for _ in range(3)]
    finally:
        await limiter.aclose()

    assert decisions == [None, None, None]
    warnings = [record for record in caplog.records if "Rate limiting is off" in record.message]
    assert len(warnings) == 1
