"""Rate limiting per API key, with the RateLimit header fields on authenticated responses.

Each API key has a token bucket (see ``storage.ratelimit_store``). ``enforce`` runs
right after authentication: it takes a token, stores the decision in the request's
``scope["state"]`` and raises ``TooManyRequestsError`` when the bucket is empty.
``RateLimitHeadersMiddleware`` then writes ``RateLimit-Policy`` and ``RateLimit`` on
the response, whether it came from the route or from an error handler. Requests that
never got as far as authentication carry neither field.

The fields follow draft-ietf-httpapi-ratelimit-headers-10 (September 2025): both are
Structured Field Lists with one item, the policy name ``"default"``. The policy has
``q`` (the burst) and ``w`` (the seconds an empty bucket takes to fill, rounded up),
and the current state has ``r`` (whole tokens left) and ``t`` (seconds until the
bucket is full again, rounded up).

When Redis fails, requests are let through without a limit and without the fields,
and a warning is logged at most once per ``REDIS_WARNING_INTERVAL`` seconds.
"""

from __future__ import annotations

import logging
import math
import time

import redis.exceptions
from starlette.datastructures import MutableHeaders
from starlette.requests import Request
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from partners_api.exceptions import TooManyRequestsError
from partners_api.settings import Settings
from partners_api.storage.ratelimit_store import (
    BucketDecision,
    BucketPolicy,
    BucketStore,
    MemoryBucketStore,
    RedisBucketStore,
)

logger = logging.getLogger("partners_api.http")

POLICY_NAME = "default"
STATE_KEY = "rate_limit"
REDIS_WARNING_INTERVAL = 60.0
# NOTE: an estimate, not a measurement. A Redis on the same network usually replies in
# well under a millisecond, so half a second only cuts off a server that hangs.
REDIS_TIMEOUT_SECONDS = 0.5


class RateLimiter:
    """The bucket store of the application, and the header values of its policy."""

    def __init__(self, store: BucketStore, policy: BucketPolicy, *, shared: bool) -> None:
        self.store = store
        self.policy = policy
        # Whether the buckets live in Redis, whose errors are caught by ``take``.
        self.shared = shared
        self.policy_header = (
            f'"{POLICY_NAME}";q={policy.burst};w={max(1, math.ceil(policy.seconds_to_fill))}'
        )
        self._failures = 0
        self._last_warning: float | None = None

    async def take(self, key_id: str) -> BucketDecision | None:
        """Take a token for ``key_id``, or return None when Redis failed and the request passes."""
        if not self.shared:
            return await self.store.take(key_id)
        try:
            return await self.store.take(key_id)
        except (redis.exceptions.RedisError, OSError) as exc:
            self._warn_redis_failure(key_id, exc)
            return None

    def _warn_redis_failure(self, key_id: str, exc: Exception) -> None:
        self._failures += 1
        now = time.monotonic()
        if self._last_warning is not None and now - self._last_warning < REDIS_WARNING_INTERVAL:
            return
        logger.warning(
            "Rate limiting is off because Redis failed on the bucket of API key %s (%s: %s). "
            "%d request(s) passed without a limit since the last warning. Check "
            "PARTNERS_API_REDIS_URL and the Redis server.",
            key_id,
            type(exc).__name__,
            exc,
            self._failures,
        )
        self._failures = 0
        self._last_warning = now

    def header_value(self, decision: BucketDecision) -> str:
        """Return the ``RateLimit`` field for ``decision``."""
        reset = math.ceil(decision.reset_after)
        return f'"{POLICY_NAME}";r={decision.remaining};t={reset}'

    async def aclose(self) -> None:
        await self.store.aclose()


def create_rate_limiter(settings: Settings) -> RateLimiter | None:
    """Build the limiter of ``settings``, or return None when rate limiting is off.

    No connection is opened here. A Redis store connects on its first request.
    """
    if not settings.rate_limit_enabled:
        return None
    policy = BucketPolicy(settings.rate_limit_per_second, settings.rate_limit_burst)
    if not settings.redis_url:
        return RateLimiter(MemoryBucketStore(policy), policy, shared=False)
    store = RedisBucketStore.from_url(
        settings.redis_url,
        policy,
        settings.rate_limit_key_prefix,
        timeout=REDIS_TIMEOUT_SECONDS,
    )
    return RateLimiter(store, policy, shared=True)


async def enforce(request: Request, key_id: str) -> None:
    """Count the request against the bucket of ``key_id``, and raise 429 when it is empty.

    A request is counted once, however many dependencies authenticate it.
    """
    limiter: RateLimiter | None = getattr(request.app.state, "rate_limiter", None)
    if limiter is None or STATE_KEY in request.scope.get("state", {}):
        return
    decision = await limiter.take(key_id)
    if decision is None:
        return
    request.scope.setdefault("state", {})[STATE_KEY] = (
        limiter.policy_header,
        limiter.header_value(decision),
    )
    if not decision.allowed:
        retry_after = max(1, math.ceil(decision.retry_after))
        raise TooManyRequestsError(
            f"Too many requests with this API key: the limit is {limiter.policy.burst} "
            f"requests at once and {limiter.policy.rate:g} per second on average. "
            f"Retry in {retry_after} s.",
            retry_after=retry_after,
        )


class RateLimitHeadersMiddleware:
    """Add ``RateLimit-Policy`` and ``RateLimit`` to responses whose request was counted.

    ``enforce`` leaves both values in ``scope["state"]``, which every copy of the scope
    shares, so error responses built by the exception handlers get them too.
    """

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        state = scope.setdefault("state", {})

        async def send_with_fields(message: Message) -> None:
            fields: tuple[str, str] | None = state.get(STATE_KEY)
            if message["type"] == "http.response.start" and fields is not None:
                headers = MutableHeaders(scope=message)
                headers["RateLimit-Policy"], headers["RateLimit"] = fields
            await send(message)

        await self.app(scope, receive, send_with_fields)
