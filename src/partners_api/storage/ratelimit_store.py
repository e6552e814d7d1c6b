"""Token bucket stores of the rate limiter: one in this process, and one in Redis.

A bucket holds up to ``burst`` tokens and gains ``rate`` tokens per second. Each request
takes one token, and a request that finds less than one token is rejected without taking
any. A bucket seen for the first time starts full.
"""

from __future__ import annotations

import asyncio
import math
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Protocol

import redis.asyncio
from redis.commands.core import AsyncScript


@dataclass(frozen=True)
class BucketPolicy:
    """The limit of every bucket: ``rate`` tokens per second, up to ``burst`` tokens."""

    rate: float
    burst: int

    def __post_init__(self) -> None:
        if self.rate <= 0 or self.burst < 1:
            raise ValueError(f"invalid bucket policy: rate {self.rate}, burst {self.burst}")

    @property
    def seconds_to_fill(self) -> float:
        """Seconds that an empty bucket takes to become full."""
        return self.burst / self.rate

    def refill(self, tokens: float, elapsed: float) -> float:
        """Return the tokens after ``elapsed`` seconds, counting a negative ``elapsed`` as 0."""
        return min(float(self.burst), tokens + max(0.0, elapsed) * self.rate)

    def decide(self, allowed: bool, tokens: float) -> BucketDecision:
        """Build the decision from the tokens left once the request was counted."""
        return BucketDecision(
            allowed=allowed,
            remaining=math.floor(tokens),
            retry_after=0.0 if allowed else (1.0 - tokens) / self.rate,
            reset_after=(self.burst - tokens) / self.rate,
        )


@dataclass(frozen=True)
class BucketDecision:
    """The outcome of one request against its bucket, with times in seconds from now."""

    allowed: bool
    remaining: int
    # Time until the bucket has one whole token again, or 0 when the request was allowed.
    retry_after: float
    # Time until the bucket is full again.
    reset_after: float


class BucketStore(Protocol):
    async def take(self, key: str) -> BucketDecision:
        """Take one token from the bucket of ``key`` if it has one."""
        ...

    async def aclose(self) -> None: ...


class MemoryBucketStore:
    """Buckets in this process's memory, so each server process has its own limit.

    ``clock`` returns seconds from any fixed start, and tests inject a fake one. Buckets
    that have refilled completely are dropped, so the store keeps only the keys seen in
    about the last ``seconds_to_fill`` seconds.
    """

    def __init__(self, policy: BucketPolicy, clock: Callable[[], float] = time.monotonic) -> None:
        self.policy = policy
        self._clock = clock
        self._lock = asyncio.Lock()
        # Key to (tokens, time of the last update).
        self._buckets: dict[str, tuple[float, float]] = {}
        self._last_sweep = clock()

    async def take(self, key: str) -> BucketDecision:
        async with self._lock:
            now = self._clock()
            self._sweep(now)
            stored = self._buckets.get(key)
            if stored is None:
                tokens = float(self.policy.burst)
            else:
                tokens = self.policy.refill(stored[0], now - stored[1])
            allowed = tokens >= 1.0
            if allowed:
                tokens -= 1.0
            self._buckets[key] = (tokens, now)
            return self.policy.decide(allowed, tokens)

    def _sweep(self, now: float) -> None:
        """Drop the buckets that are full again, at most once per ``seconds_to_fill``."""
        full_after = self.policy.seconds_to_fill
        if now - self._last_sweep < full_after:
            return
        self._last_sweep = now
        self._buckets = {
            key: (tokens, updated)
            for key, (tokens, updated) in self._buckets.items()
            if now - updated < full_after
        }

    async def aclose(self) -> None:
        self._buckets.clear()


# KEYS[1] is the bucket's hash. ARGV contains the rate per second, the burst and the key's
# time to live in milliseconds. The script reads the clock with TIME, so every process
# that shares the bucket uses the Redis server's clock. The time is stored as the
# seconds and microseconds strings that TIME returns, which keeps it exact, and the
# tokens are written with 17 significant digits so that no precision is lost. The
# script returns whether the request was allowed (1 or 0) and the tokens left, as a
# string, because Redis truncates Lua numbers to integers in replies.
BUCKET_SCRIPT = """
local rate = tonumber(ARGV[1])
local burst = tonumber(ARGV[2])
local now = redis.call('TIME')
local stored = redis.call('HMGET', KEYS[1], 'tokens', 'seconds', 'microseconds')
local tokens = burst
if stored[1] and stored[2] and stored[3] then
    local elapsed = (tonumber(now[1]) - tonumber(stored[2]))
        + (tonumber(now[2]) - tonumber(stored[3])) / 1000000
    if elapsed < 0 then
        elapsed = 0
    end
    tokens = math.min(burst, tonumber(stored[1]) + elapsed * rate)
end
local allowed = 0
if tokens >= 1 then
    tokens = tokens - 1
    allowed = 1
end
local text = string.format('%.17g', tokens)
redis.call('HSET', KEYS[1], 'tokens', text, 'seconds', now[1], 'microseconds', now[2])
redis.call('PEXPIRE', KEYS[1], ARGV[3])
return {allowed, text}
"""


class RedisBucketStore:
    """Buckets in Redis, so that every process using the same Redis shares one limit.

    Each bucket is a hash under ``key_prefix`` + key. It expires one second after it
    would be full again, since a missing bucket starts full anyway. The script runs
    with EVALSHA, and redis-py loads it with SCRIPT LOAD when the server does not have
    it, for example after a restart. Errors of the Redis client propagate to the caller.
    """

    def __init__(self, client: redis.asyncio.Redis, policy: BucketPolicy, key_prefix: str) -> None:
        self.policy = policy
        self.key_prefix = key_prefix
        self._client = client
        self._script: AsyncScript = client.register_script(BUCKET_SCRIPT)
        self._ttl_ms = math.ceil(policy.seconds_to_fill * 1000) + 1000

    @classmethod
    def from_url(
        cls, url: str, policy: BucketPolicy, key_prefix: str, *, timeout: float
    ) -> RedisBucketStore:
        """Create the store without connecting, because the first request connects.

        ``timeout`` bounds, in seconds, both the connection attempt and each command.
        """
        client = redis.asyncio.Redis.from_url(
            url, socket_connect_timeout=timeout, socket_timeout=timeout
        )
        return cls(client, policy, key_prefix)

    async def take(self, key: str) -> BucketDecision:
        reply = await self._script(
            keys=[self.key_prefix + key],
            args=[repr(self.policy.rate), self.policy.burst, self._ttl_ms],
        )
        allowed, tokens = reply
        return self.policy.decide(int(allowed) == 1, float(tokens))

    async def aclose(self) -> None:
        await self._client.aclose()
