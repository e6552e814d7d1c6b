"""When and how long the client waits before it sends a request again."""

from __future__ import annotations

import datetime as dt
import email.utils
import logging
import random
from dataclasses import dataclass

import httpx

from partners_api.client.errors import REQUEST_ID_HEADER, TransportError

logger = logging.getLogger("partners_api.client")

# 429: the key's token bucket was empty, and nothing of the request was carried out.
# 503: the database was unreachable, or the request ran too long and was rolled back.
# The API sends both with Retry-After, as its only transient failures.
# A 500 is a server fault that the same request would most likely hit again, so it is
# raised at once. The API never sends 502 or 504 itself: they come from a proxy in front
# of it, about whose state the client knows nothing, so they are raised as well.
RETRY_STATUSES = frozenset({429, 503})

# Errors raised before or while the request was sent, or while the response was awaited.
# A GET is safe to send again after any of them. A create is sent again only because it
# always carries an Idempotency-Key, so the server runs it once at most.
RETRY_EXCEPTIONS: tuple[type[httpx.TransportError], ...] = (
    httpx.ConnectError,
    httpx.ConnectTimeout,
    httpx.ReadError,
    httpx.ReadTimeout,
    httpx.WriteError,
    httpx.WriteTimeout,
    httpx.PoolTimeout,
    httpx.RemoteProtocolError,
)


@dataclass(frozen=True)
class RetryPolicy:
    """How often and how long to retry connection errors, 429 and 503.

    Retry ``n`` (1 for the first) waits a random time between 0 and
    ``min(backoff_max, backoff_base * 2 ** (n - 1))`` seconds ("full jitter"), or exactly
    that bound with ``jitter=False``. A longer wait requested by a ``Retry-After`` header
    takes precedence. When ``Retry-After`` requests more than ``backoff_max``, the client
    raises the error at once instead of waiting that long. ``max_attempts`` counts the
    first request, so 1 turns retries off.
    """

    max_attempts: int = 5
    backoff_base: float = 0.5
    backoff_max: float = 30.0
    jitter: bool = True

    def __post_init__(self) -> None:
        if self.max_attempts < 1:
            raise ValueError(f"max_attempts must be 1 or more, got {self.max_attempts}")
        if self.backoff_base < 0 or self.backoff_max < 0:
            raise ValueError(
                f"backoff_base and backoff_max must not be negative, got "
                f"{self.backoff_base} and {self.backoff_max}"
            )

    def backoff(self, retry_number: int) -> float:
        """Return the seconds to wait before retry ``retry_number`` (1 for the first)."""
        bound = min(self.backoff_max, self.backoff_base * 2.0 ** min(retry_number - 1, 64))
        if not self.jitter:
            return bound
        return random.uniform(0, bound)  # noqa: S311 (spreads retries, not a secret)

    def delay(self, retry_number: int, retry_after: float | None) -> float | None:
        """Return the seconds to wait before retry ``retry_number``, or None not to retry.

        None means that the attempts are used up, or that ``retry_after`` exceeds
        ``backoff_max``.
        """
        if retry_number >= self.max_attempts:
            return None
        if retry_after is not None and retry_after > self.backoff_max:
            return None
        return max(self.backoff(retry_number), retry_after or 0.0)


def parse_retry_after(value: str | None, now: dt.datetime | None = None) -> float | None:
    """Return the seconds of a ``Retry-After`` header: delay-seconds or an HTTP date.

    A date in the past gives 0. A missing or invalid value gives None.
    """
    if value is None:
        return None
    text = value.strip()
    if text.isdigit():
        return float(text)
    try:
        when = email.utils.parsedate_to_datetime(text)
    except (TypeError, ValueError):
        return None
    if when.tzinfo is None:
        # RFC 9110 dates are in GMT, but parsedate_to_datetime leaves "-0000" naive.
        when = when.replace(tzinfo=dt.UTC)
    current = now or dt.datetime.now(dt.UTC)
    return max(0.0, (when - current).total_seconds())


class RetryState:
    """The attempts of one request: decides after each one whether to retry and how long
    to wait, and raises ``TransportError`` when a connection failure is final."""

    def __init__(self, policy: RetryPolicy, method: str, url: str, *, retry_errors: bool) -> None:
        self.policy = policy
        self.method = method
        self.url = url
        self.retry_errors = retry_errors
        self.attempts = 0

    def delay_after_response(self, response: httpx.Response) -> float | None:
        """Return the seconds to wait before sending again, or None to keep ``response``."""
        self.attempts += 1
        if response.status_code not in RETRY_STATUSES:
            return None
        retry_after = parse_retry_after(response.headers.get("retry-after"))
        delay = self.policy.delay(self.attempts, retry_after)
        if delay is not None:
            logger.info(
                "Retrying %s %s in %.2f s (attempt %d of %d) after %d %s, request id %s",
                self.method, self.url, delay, self.attempts + 1, self.policy.max_attempts,
                response.status_code, response.reason_phrase,
                response.headers.get(REQUEST_ID_HEADER),
            )  # fmt: skip
        return delay

    def delay_after_error(self, error: httpx.RequestError) -> float:
        """Return the seconds to wait before sending again, or raise ``TransportError``."""
        self.attempts += 1
        delay = None
        if self.retry_errors and isinstance(error, RETRY_EXCEPTIONS):
            delay = self.policy.delay(self.attempts, None)
        if delay is None:
            raise TransportError(
                f"{self.method} {self.url} failed after {self.attempts} "
                f"attempt{'s' if self.attempts > 1 else ''}: {describe_error(error)}",
                method=self.method,
                url=self.url,
                attempts=self.attempts,
            ) from error
        logger.info(
            "Retrying %s %s in %.2f s (attempt %d of %d) after %s",
            self.method, self.url, delay, self.attempts + 1, self.policy.max_attempts,
            describe_error(error),
        )  # fmt: skip
        return delay


def describe_error(error: httpx.RequestError) -> str:
    """Return the class and message of an ``httpx`` error, such as ``ConnectError: ...``."""
    message = str(error) or "no details"
    return f"{type(error).__name__}: {message}"
