"""AuthCache on its own, with a clock that the tests move by hand."""

from __future__ import annotations

import asyncio
import datetime as dt
import uuid

import pytest

from partners_api.domain.apikeys import LAST_USED_PRECISION, hash_token
from partners_api.domain.auth_cache import AuthCache
from partners_api.domain.clock import utc_now
from partners_api.domain.enums import AccountType, Role
from partners_api.domain.principal import Principal
from partners_api.exceptions import AuthenticationError

pytestmark = pytest.mark.anyio

TTL_SECONDS = 5.0


class ManualClock:
    """A monotonic clock that advances only when a test calls ``advance``."""

    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now

    def advance(self, seconds: float) -> None:
        self.now += seconds


class Keys:
    """A loader that counts its calls and returns one principal per digest."""

    def __init__(self) -> None:
        self.principals: dict[str, Principal] = {}
        self.loads: list[str] = []

    def add(self, *, expires_at: dt.datetime | None = None) -> str:
        digest = hash_token(f"scp_{uuid.uuid4().hex}")
        self.principals[digest] = principal(expires_at=expires_at)
        return digest

    async def load(self, digest: str) -> Principal:
        self.loads.append(digest)
        await asyncio.sleep(0)
        found = self.principals.get(digest)
        if found is None:
            raise AuthenticationError("The token is unknown.", invalid_token=True)
        return found


def principal(
    *, expires_at: dt.datetime | None = None, last_used_at: dt.datetime | None = None
) -> Principal:
    return Principal(
        key_id=uuid.uuid4(),
        key_name="Test key",
        role=Role.PARTNER_ADMIN,
        expires_at=expires_at,
        account_id=uuid.uuid4(),
        account_type=AccountType.DISTRIBUTOR,
        account_name="Test Distributor",
        last_used_at=last_used_at,
    )


@pytest.fixture
def clock() -> ManualClock:
    return ManualClock()


@pytest.fixture
def cache(clock: ManualClock) -> AuthCache:
    return AuthCache(TTL_SECONDS, clock=clock)


async def test_hit_within_ttl_skips_load(cache: AuthCache, clock: ManualClock) -> None:
    keys = Keys()
    digest = keys.add()
    first = await cache.authenticate(digest, keys.load)
    clock.advance(TTL_SECONDS - 0.001)
    second = await cache.authenticate(digest, keys.load)

    assert second == first
    assert keys.loads == [digest]


async def test_entry_reloaded_at_ttl(cache: AuthCache, clock: ManualClock) -> None:
    keys = Keys()
    digest = keys.add()
    await cache.authenticate(digest, keys.load)
    clock.advance(TTL_SECONDS)
    await cache.authenticate(digest, keys.load)

    assert keys.loads == [digest, digest]


async def test_zero_ttl_loads_every_time(clock: ManualClock) -> None:
    cache = AuthCache(0, clock=clock)
    keys = Keys()
    digest = keys.add()
    await cache.authenticate(digest, keys.load)
    await cache.authenticate(digest, keys.load)

    assert keys.loads == [digest, digest]
    assert len(cache) == 0


async def test_failure_not_cached(cache: AuthCache) -> None:
    keys = Keys()
    digest = hash_token("scp_unknown")
    for _ in range(2):
        with pytest.raises(AuthenticationError, match="unknown"):
            await cache.authenticate(digest, keys.load)
    keys.principals[digest] = principal()
    await cache.authenticate(digest, keys.load)

    assert keys.loads == [digest] * 3
    assert len(cache) == 1


async def test_expired_entry_rejected_and_dropped(cache: AuthCache) -> None:
    keys = Keys()
    # Keys.load does not check the expiry as apikeys.load_principal does, so the entry is
    # cached as a key that expired after it was read would be.
    digest = keys.add(expires_at=utc_now() - dt.timedelta(seconds=1))
    await cache.authenticate(digest, keys.load)

    with pytest.raises(AuthenticationError, match="expired"):
        await cache.authenticate(digest, keys.load)
    assert len(cache) == 0
    assert keys.loads == [digest]


async def test_least_recently_used_evicted(clock: ManualClock) -> None:
    cache = AuthCache(TTL_SECONDS, max_entries=2, clock=clock)
    keys = Keys()
    first, second, third = keys.add(), keys.add(), keys.add()
    for digest in (first, second, first, third):
        await cache.authenticate(digest, keys.load)
    keys.loads.clear()
    for digest in (first, third, second):
        await cache.authenticate(digest, keys.load)

    assert keys.loads == [second]
    assert len(cache) == 2


async def test_concurrent_misses_load_once(cache: AuthCache) -> None:
    keys = Keys()
    digest = keys.add()
    release = asyncio.Event()

    async def slow_load(token_digest: str) -> Principal:
        await release.wait()
        return await keys.load(token_digest)

    tasks = [asyncio.create_task(cache.authenticate(digest, slow_load)) for _ in range(5)]
    await asyncio.sleep(0)
    release.set()
    results = await asyncio.gather(*tasks)

    assert keys.loads == [digest]
    assert all(result == results[0] for result in results)


async def test_failed_shared_load_retried_by_waiters(cache: AuthCache) -> None:
    keys = Keys()
    digest = hash_token("scp_late")
    release = asyncio.Event()

    async def failing_first(token_digest: str) -> Principal:
        if not keys.loads:
            await release.wait()
            keys.loads.append(token_digest)
            raise AuthenticationError("The token is unknown.", invalid_token=True)
        return await keys.load(token_digest)

    leader = asyncio.create_task(cache.authenticate(digest, failing_first))
    await asyncio.sleep(0)
    waiter = asyncio.create_task(cache.authenticate(digest, failing_first))
    await asyncio.sleep(0)
    keys.principals[digest] = principal()
    release.set()

    with pytest.raises(AuthenticationError):
        await leader
    assert await waiter == keys.principals[digest]
    assert keys.loads == [digest, digest]


async def test_cancelled_waiter_leaves_load_running(cache: AuthCache) -> None:
    keys = Keys()
    digest = keys.add()
    release = asyncio.Event()

    async def slow_load(token_digest: str) -> Principal:
        await release.wait()
        return await keys.load(token_digest)

    leader = asyncio.create_task(cache.authenticate(digest, slow_load))
    await asyncio.sleep(0)
    waiter = asyncio.create_task(cache.authenticate(digest, slow_load))
    await asyncio.sleep(0)
    waiter.cancel()
    release.set()

    assert await leader == keys.principals[digest]
    with pytest.raises(asyncio.CancelledError):
        await waiter
    assert keys.loads == [digest]


async def test_use_recorded_once_a_minute(cache: AuthCache) -> None:
    keys = Keys()
    digest = keys.add()
    cached = await cache.authenticate(digest, keys.load)
    now = utc_now()

    first = cache.claim_use_record(digest, cached, now)
    # The request's principal was read before the first use was recorded.
    second = cache.claim_use_record(digest, cached, now + dt.timedelta(seconds=30))
    later = cache.claim_use_record(digest, cached, now + LAST_USED_PRECISION)

    assert (first, second, later) == (True, False, True)


async def test_use_without_entry_decided_by_principal(clock: ManualClock) -> None:
    cache = AuthCache(0, clock=clock)
    now = utc_now()
    recent = principal(last_used_at=now - dt.timedelta(seconds=10))
    old = principal(last_used_at=now - LAST_USED_PRECISION)

    assert cache.claim_use_record("digest", recent, now) is False
    assert cache.claim_use_record("digest", old, now) is True
    assert cache.claim_use_record("digest", principal(), now) is True


@pytest.mark.parametrize(("ttl", "max_entries"), [(-1.0, 10), (5.0, 0)])
def test_invalid_bounds_rejected(ttl: float, max_entries: int) -> None:
    with pytest.raises(ValueError, match="Invalid cache bounds"):
        AuthCache(ttl, max_entries=max_entries)
