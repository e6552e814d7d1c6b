"""Request dependencies: the transaction, the caller and the caller's role.

One dependency owns the transaction of a request: it commits when the endpoint returns
and before the response is sent, so a 2xx always means the write is durable, and it
rolls back when anything raises. Services run inside it and never commit.

The caller comes from the application's ``AuthCache`` and does not depend on the
transaction, so a cached key costs no database round trip. When the key must be read,
the read uses the request's transaction if the route has opened one, so a request never
takes two pooled connections for it; otherwise it uses a short read transaction.
"""

from __future__ import annotations

import dataclasses
from collections.abc import AsyncIterator
from typing import Annotated

from fastapi import Depends, Request
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine

from partners_api.domain import apikeys
from partners_api.domain.auth_cache import AuthCache
from partners_api.domain.clock import utc_now
from partners_api.domain.enums import Role
from partners_api.domain.partners import require_distributor
from partners_api.domain.principal import Principal
from partners_api.exceptions import AuthenticationError, PermissionDeniedError
from partners_api.http.ratelimit import enforce as enforce_rate_limit
from partners_api.settings import Settings
from partners_api.storage.database import read_transaction, single_read, write_transaction

_READ_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})


@dataclasses.dataclass(frozen=True)
class _Authentication:
    """The caller of a request and the digest of its token, kept in ``request.state``."""

    principal: Principal
    token_digest: str


def settings_of(request: Request) -> Settings:
    settings: Settings = request.app.state.settings
    return settings


# Dependencies are coroutines even where they do not await: FastAPI runs a plain
# function dependency in a worker thread, a hand-off that costs more than the function.
async def get_settings(request: Request) -> Settings:
    return settings_of(request)


def get_engine(request: Request) -> AsyncEngine:
    engine: AsyncEngine = request.app.state.engine
    return engine


def get_auth_cache(request: Request) -> AuthCache:
    cache: AuthCache = request.app.state.auth_cache
    return cache


async def get_connection(request: Request) -> AsyncIterator[AsyncConnection]:
    engine = get_engine(request)
    transaction = read_transaction if request.method in _READ_METHODS else write_transaction
    async with transaction(engine) as connection:
        # Lent to the caller dependency, so that a key read on a cache miss uses this
        # transaction instead of a second pooled connection.
        request.state.connection = connection
        try:
            yield connection
        finally:
            request.state.connection = None


Connection = Annotated[AsyncConnection, Depends(get_connection, scope="function")]


async def get_single_read_connection(request: Request) -> AsyncIterator[AsyncConnection]:
    async with single_read(get_engine(request)) as connection:
        request.state.connection = connection
        try:
            yield connection
        finally:
            request.state.connection = None


# For a GET that runs one statement: no BEGIN and COMMIT on PostgreSQL.
SingleReadConnection = Annotated[
    AsyncConnection, Depends(get_single_read_connection, scope="function")
]
AppSettings = Annotated[Settings, Depends(get_settings)]


def bearer_token(request: Request) -> str:
    """Return the token of ``Authorization: Bearer <token>``; the scheme is case-insensitive."""
    header = request.headers.get("authorization")
    if header is None or not header.strip():
        raise AuthenticationError(
            "Missing API key: send it as 'Authorization: Bearer <token>'.", invalid_token=False
        )
    scheme, _, token = header.strip().partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        raise AuthenticationError(
            "The Authorization header must have the form 'Bearer <token>'.", invalid_token=False
        )
    return token.strip()


async def authenticate_request(request: Request) -> Principal:
    """Authenticate the request's bearer token and count the request against its key's
    rate limit, once per request however many dependencies call this.

    Raises ``AuthenticationError`` (401) or ``TooManyRequestsError`` (429).
    """
    done: _Authentication | None = getattr(request.state, "authentication", None)
    if done is not None:
        return done.principal
    digest = apikeys.token_digest(bearer_token(request))
    cached = await get_auth_cache(request).authenticate(
        digest, lambda token_digest: _load_principal(request, token_digest)
    )
    principal = dataclasses.replace(cached, request_id=getattr(request.state, "request_id", None))
    request.state.authentication = _Authentication(principal, digest)
    request.state.api_key_id = str(principal.key_id)
    await enforce_rate_limit(request, str(principal.key_id))
    return principal


async def _load_principal(request: Request, digest: str) -> Principal:
    connection: AsyncConnection | None = getattr(request.state, "connection", None)
    if connection is not None:
        return await apikeys.load_principal(connection, digest)
    async with read_transaction(get_engine(request)) as own:
        return await apikeys.load_principal(own, digest)


async def get_principal(request: Request) -> Principal:
    principal = await authenticate_request(request)
    authentication: _Authentication = request.state.authentication
    now = utc_now()
    if not get_auth_cache(request).claim_use_record(authentication.token_digest, principal, now):
        return principal
    connection: AsyncConnection | None = getattr(request.state, "connection", None)
    if request.method not in _READ_METHODS and connection is not None:
        await apikeys.record_use(connection, principal.key_id, now)
    else:
        # Reads run in a read-only transaction, or in none, so the write gets a short one
        # of its own. A write request with a transaction must not do this: on SQLite that
        # transaction holds the write lock, and a second writer would wait until the busy
        # timeout.
        async with write_transaction(get_engine(request)) as bookkeeping:
            await apikeys.record_use(bookkeeping, principal.key_id, now)
    return principal


Caller = Annotated[Principal, Depends(get_principal)]


def check_admin(principal: Principal) -> None:
    """Raise ``PermissionDeniedError`` unless the caller's key may create."""
    if principal.role is not Role.PARTNER_ADMIN:
        raise PermissionDeniedError(
            f"This API key has the role {principal.role.value}, which may only read; "
            "creating partners or customers needs a PartnerAdmin key."
        )


async def require_admin(principal: Caller) -> Principal:
    check_admin(principal)
    return principal


Reader = Caller
Admin = Annotated[Principal, Depends(require_admin)]


async def require_distributor_reader(principal: Caller) -> Principal:
    require_distributor(principal)
    return principal


async def require_distributor_admin(principal: Admin) -> Principal:
    require_distributor(principal)
    return principal


DistributorReader = Annotated[Principal, Depends(require_distributor_reader)]
DistributorAdmin = Annotated[Principal, Depends(require_distributor_admin)]
