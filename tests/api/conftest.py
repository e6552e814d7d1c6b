"""Fixtures for the HTTP API tests: the app, a client and a small account tree."""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass

import httpx
import pytest
from sqlalchemy.ext.asyncio import AsyncEngine

from partners_api.domain.accounts import create_account
from partners_api.domain.apikeys import create_key
from partners_api.domain.enums import AccountType, OriginType, Role
from partners_api.domain.schemas import PartnerCreate
from partners_api.http.app import create_app
from partners_api.settings import Settings
from partners_api.storage.database import write_transaction


@pytest.fixture
def settings(database_url: str) -> Settings:
    # Rate limiting is off here because several tests send more requests with one key
    # than a default bucket contains. The rate-limit tests build settings of their own.
    return Settings(database_url=database_url, rate_limit_burst=0)


@asynccontextmanager
async def app_client(settings: Settings, engine: AsyncEngine) -> AsyncIterator[httpx.AsyncClient]:
    """Open a client of a new app with ``settings`` on ``engine``."""
    app = create_app(settings, engine)
    transport = httpx.ASGITransport(app=app, raise_app_exceptions=False)
    async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as client:
        yield client


@pytest.fixture
async def client(settings: Settings, engine: AsyncEngine) -> AsyncIterator[httpx.AsyncClient]:
    async with app_client(settings, engine) as client:
        yield client


@pytest.fixture
async def uncached_client(
    settings: Settings, engine: AsyncEngine
) -> AsyncIterator[httpx.AsyncClient]:
    """A client of an app that reads the API key on every request, for tests that expect
    a revocation to take effect at once."""
    uncached = settings.model_copy(update={"auth_cache_seconds": 0})
    async with app_client(uncached, engine) as client:
        yield client


@dataclass
class Accounts:
    """Creates accounts and keys straight through the domain layer."""

    engine: AsyncEngine
    settings: Settings

    async def distributor(self, name: str = "Distributor", **fields: object) -> uuid.UUID:
        return await self._account(name, AccountType.DISTRIBUTOR, None, **fields)

    async def partner(
        self, name: str = "Partner", parent: uuid.UUID | None = None, **fields: object
    ) -> uuid.UUID:
        return await self._account(name, AccountType.PARTNER, parent, **fields)

    async def key(self, account: uuid.UUID, role: Role = Role.PARTNER_ADMIN) -> dict[str, str]:
        """Return the Authorization header of a new key of ``account``."""
        async with write_transaction(self.engine) as connection:
            _, token = await create_key(connection, account, role)
        return {"Authorization": f"Bearer {token}"}

    async def _account(
        self, name: str, account_type: AccountType, parent: uuid.UUID | None, **fields: object
    ) -> uuid.UUID:
        body = PartnerCreate.model_validate(
            {
                "email": f"{uuid.uuid4().hex[:12]}@example.com",
                "firstName": "Ada",
                "lastName": "Admin",
                "partnerName": name,
                "code": f"acct-{uuid.uuid4().hex[:12]}",
                **fields,
            }
        )
        async with write_transaction(self.engine) as connection:
            return await create_account(
                connection,
                self.settings,
                body,
                account_type=account_type,
                parent_id=parent,
                origin=OriginType.OPERATOR_CLI,
            )


@pytest.fixture
def accounts(engine: AsyncEngine, settings: Settings) -> Accounts:
    return Accounts(engine, settings)
