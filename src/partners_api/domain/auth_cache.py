"""An in-process cache of successful authentications, so that a busy key is not read from
the database on every request.

Entries are keyed by the SHA-256 digest of the token, never by the token, and an entry
is used for at most ``ttl_seconds`` after the key was read. Each server process and
worker has its own cache, so a key revoked elsewhere (``partners-api key revoke``,
another process) keeps working in a process for up to ``ttl_seconds``. The key's
expiry is checked against the clock on every use, so an expired key is rejected at
once. Unknown, revoked and expired tokens are never cached, so a new key works at once.

The cache is used from one event loop and holds no lock across an ``await``: every
read and update of the entries is synchronous.
"""

from __future__ import annotations

import asyncio
import dataclasses
import datetime as dt
import time
from collections import OrderedDict
from collections.abc import Awaitable, Callable

from partners_api.domain import apikeys
from partners_api.domain.clock import utc_now
from partners_api.domain.principal import Principal
from partners_api.exceptions import AuthenticationError

# An entry takes about 700 bytes with short key and account names, and about 1.2 KB
# with 200-character names (both measured with tracemalloc), so the bound keeps the
# cache to a few megabytes. NOTE: the bound is a guess at the keys one process serves
# at once; more active keys than this only cost extra reads.
DEFAULT_MAX_ENTRIES = 4096

Loader = Callable[[str], Awaitable[Principal]]


@dataclasses.dataclass(slots=True)
class _Entry:
    principal: Principal
    # time.monotonic() before the key was read, so the entry never outlives a
    # revocation committed after the read's snapshot by more than the TTL.
    loaded_at: float


class AuthCache:
    """Principals of recently authenticated tokens, least recently used first.

    ``ttl_seconds`` 0 turns the cache off: every request then reads its key.
    """

    def __init__(
        self,
        ttl_seconds: float,
        *,
        max_entries: int = DEFAULT_MAX_ENTRIES,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        if ttl_seconds < 0 or max_entries < 1:
            raise ValueError(
                f"Invalid cache bounds: ttl_seconds={ttl_seconds}, max_entries={max_entries}; "
                "use a TTL of 0 or more and at least one entry."
            )
        self.ttl_seconds = ttl_seconds
        self.max_entries = max_entries
        self._clock = clock
        self._entries: OrderedDict[str, _Entry] = OrderedDict()
        # Loads in progress, so that concurrent misses for one digest read the key once.
        # The future's result is None when the load failed.
        self._loading: dict[str, asyncio.Future[_Entry | None]] = {}

    @property
    def enabled(self) -> bool:
        return self.ttl_seconds > 0

    def __len__(self) -> int:
        return len(self._entries)

    async def authenticate(self, digest: str, load: Loader) -> Principal:
        """Return the caller of the token whose SHA-256 is ``digest``.

        A fresh entry is used without calling ``load``; otherwise ``load(digest)`` reads
        the key and its result is cached. Raises ``AuthenticationError`` when ``load``
        does, or when the key of a cached entry has expired.
        """
        if not self.enabled:
            return await load(digest)
        entry = self._fresh_entry(digest)
        if entry is not None:
            try:
                apikeys.check_not_expired(entry.principal, utc_now())
            except AuthenticationError:
                self._entries.pop(digest, None)
                raise
            return entry.principal
        return await self._load(digest, load)

    def claim_use_record(self, digest: str, principal: Principal, now: dt.datetime) -> bool:
        """Tell whether the request should record its key's use at ``now``.

        When it should, the cached entry is marked as used at ``now`` before the caller
        writes, so the requests that follow within a minute, concurrent ones included,
        do not write again. ``principal`` decides when nothing is cached.
        """
        entry = self._entries.get(digest)
        current = principal if entry is None else entry.principal
        if not apikeys.needs_use_recorded(current, now):
            return False
        if entry is not None:
            entry.principal = dataclasses.replace(entry.principal, last_used_at=now)
        return True

    def _fresh_entry(self, digest: str) -> _Entry | None:
        entry = self._entries.get(digest)
        if entry is None:
            return None
        if not self._is_fresh(entry):
            del self._entries[digest]
            return None
        self._entries.move_to_end(digest)
        return entry

    def _is_fresh(self, entry: _Entry) -> bool:
        return self._clock() - entry.loaded_at < self.ttl_seconds

    async def _load(self, digest: str, load: Loader) -> Principal:
        pending = self._loading.get(digest)
        if pending is not None:
            # shield() keeps this request's cancellation from cancelling the shared load.
            shared = await asyncio.shield(pending)
            if shared is not None and self._is_fresh(shared):
                apikeys.check_not_expired(shared.principal, utc_now())
                return shared.principal
            # The shared load failed or took longer than the TTL, so read the key here.
            return await load(digest)

        future: asyncio.Future[_Entry | None] = asyncio.get_running_loop().create_future()
        self._loading[digest] = future
        loaded_at = self._clock()
        try:
            principal = await load(digest)
        except BaseException:
            future.set_result(None)
            raise
        finally:
            del self._loading[digest]
        entry = _Entry(principal, loaded_at)
        self._store(digest, entry)
        future.set_result(entry)
        return principal

    def _store(self, digest: str, entry: _Entry) -> None:
        self._entries[digest] = entry
        self._entries.move_to_end(digest)
        while len(self._entries) > self.max_entries:
            self._entries.popitem(last=False)
