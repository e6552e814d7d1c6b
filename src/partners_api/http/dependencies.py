"""Request dependencies: the transaction, the caller and the caller's role.

One dependency owns the transaction of a request: it commits when the endpoint returns
and before the response is sent, so a 2xx always means the write is durable, and it
rolls back when anything raises. Services run inside it and never commit.
"""

from __future__ import annotations

import dataclasses
from collections.abc import AsyncIterator
from typing import Annotated

from fastapi import Depends, Request
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine

from partners_api.domain import apikeys
from partners_api.domain.clock import utc_now
from partners_api.domain.enums import Role
from partners_api.domain.partners import require_distributor
from partners_api.domain.principal import Principal
from partners_api.exceptions import AuthenticationError, PermissionDeniedError
from partners_api.http.ratelimit import enforce as enforce_rate_limit
from partners_api.settings import Settings
from partners_api.storage.database import read_transaction, write_transaction

_READ_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})


def get_settings(request: Request) -> Settings:
    settings: Settings = request.app.state.settings
    return settings


def get_engine(request: Request) -> AsyncEngine:
    engine: AsyncEngine = request.app.state.engine
    return engine


async def get_connection(request: Request) -> AsyncIterator[AsyncConnection]:
    engine = get_engine(request)
    if request.method in _READ_METHODS:
        async with read_transaction(engine) as connection:
            yield connection
    else:
        async with write_transaction(engine) as connection:
            yield connection


Connection = Annotated[AsyncConnection, Depends(get_connection, scope="function")]
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


async def get_principal(request: Request, connection: Connection) -> Principal:
    token = bearer_token(request)
    principal = dataclasses.replace(
        await apikeys.authenticate(connection, token),
        request_id=getattr(request.state, "request_id", None),
    )
    request.state.api_key_id = str(principal.key_id)
    await enforce_rate_limit(request, str(principal.key_id))
    now = utc_now()
    if not apikeys.needs_use_recorded(principal, now):
        return principal
    if request.method not in _READ_METHODS:
        await apikeys.record_use(connection, principal.key_id, now)
    else:
        # Reads run in a read-only transaction, so the write gets a short one of its own.
        # Write requests must not do this: on SQLite their transaction already holds the
        # write lock, and a second writer would wait for it until the busy timeout.
        async with write_transaction(get_engine(request)) as bookkeeping:
            await apikeys.record_use(bookkeeping, principal.key_id, now)
    return principal


Caller = Annotated[Principal, Depends(get_principal)]


def require_admin(principal: Caller) -> Principal:
    if principal.role is not Role.PARTNER_ADMIN:
        raise PermissionDeniedError(
            f"This API key has the role {principal.role.value}, which may only read; "
            "creating partners or customers needs a PartnerAdmin key."
        )
    return principal


Reader = Caller
Admin = Annotated[Principal, Depends(require_admin)]


def require_distributor_reader(principal: Caller) -> Principal:
    require_distributor(principal)
    return principal


def require_distributor_admin(principal: Admin) -> Principal:
    require_distributor(principal)
    return principal


DistributorReader = Annotated[Principal, Depends(require_distributor_reader)]
DistributorAdmin = Annotated[Principal, Depends(require_distributor_admin)]
