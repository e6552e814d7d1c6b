"""A served database for the ``partners`` tests: a distributor, its partner, their keys,
and customers inserted in bulk."""

from __future__ import annotations

import asyncio
import datetime as dt
import uuid
from dataclasses import dataclass

import httpx

from partners_api.domain.accounts import create_account
from partners_api.domain.apikeys import create_key
from partners_api.domain.enums import AccountType, OriginType, Role
from partners_api.domain.schemas import PartnerCreate
from partners_api.settings import Settings
from partners_api.storage.database import create_engine, write_transaction
from tests.api.helpers import insert_customer, insert_member
from tests.api.server_process import Server

# Server settings that turn the rate limit off.
UNLIMITED = {"PARTNERS_API_RATE_LIMIT_BURST": "0"}


@dataclass(frozen=True)
class Api:
    """A running server, its database and the accounts and tokens in it."""

    server: Server
    database_url: str
    distributor_id: str
    partner_id: str
    distributor_admin: str
    distributor_reader: str
    partner_admin: str

    @property
    def url(self) -> str:
        return self.server.base_url

    def env(self, token: str | None = None) -> dict[str, str]:
        """Return PARTNERS_API_URL and PARTNERS_API_TOKEN (the distributor admin's)."""
        return {"PARTNERS_API_URL": self.url, "PARTNERS_API_TOKEN": token or self.distributor_admin}

    def total(self, resource: str, filter_json: str | None = None) -> int:
        """Return the server's count of ``resource`` in the distributor's scope."""
        params = {"range": "[0,0]"}
        if filter_json:
            params["filter"] = filter_json
        headers = {"Authorization": f"Bearer {self.distributor_reader}"}
        with httpx.Client(base_url=self.url, trust_env=False) as client:
            response = client.get(f"/v1/{resource}", params=params, headers=headers)
        response.raise_for_status()
        return int(response.headers["x-total-count"])


def _account_body(name: str) -> PartnerCreate:
    suffix = uuid.uuid4().hex[:10]
    return PartnerCreate.model_validate(
        {
            "email": f"admin-{suffix}@example.com",
            "firstName": "Ada",
            "lastName": "Admin",
            "partnerName": name,
            "code": f"acct-{suffix}",
        }
    )


async def _create_accounts(database_url: str) -> dict[str, str]:
    settings = Settings(database_url=database_url)
    engine = create_engine(database_url)
    try:
        async with write_transaction(engine) as connection:
            distributor = await create_account(
                connection,
                settings,
                _account_body("Test Distributor"),
                account_type=AccountType.DISTRIBUTOR,
                parent_id=None,
                origin=OriginType.OPERATOR_CLI,
            )
            partner = await create_account(
                connection,
                settings,
                _account_body("Test Partner"),
                account_type=AccountType.PARTNER,
                parent_id=distributor,
                origin=OriginType.OPERATOR_CLI,
            )
            _, admin = await create_key(connection, distributor, Role.PARTNER_ADMIN)
            _, reader = await create_key(connection, distributor, Role.PARTNER_READER)
            _, partner_admin = await create_key(connection, partner, Role.PARTNER_ADMIN)
    finally:
        await engine.dispose()
    return {
        "distributor_id": str(distributor),
        "partner_id": str(partner),
        "distributor_admin": admin,
        "distributor_reader": reader,
        "partner_admin": partner_admin,
    }


async def _insert_customers(
    database_url: str, owner: uuid.UUID, distributor: uuid.UUID, count: int
) -> None:
    engine = create_engine(database_url)
    start = dt.datetime(2026, 3, 1, 12, 0, 0)
    try:
        for index in range(count):
            customer_id = uuid.uuid4()
            await insert_customer(
                engine,
                customer_id=customer_id,
                partner_id=owner,
                distributor_id=distributor,
                name=f"Seeded Customer {index:04d}",
                created_at=start + dt.timedelta(seconds=index),
            )
            await insert_member(
                engine,
                member_id=uuid.uuid4(),
                email=f"seeded{index:04d}@example.com",
                customer_id=customer_id,
                roles=["AccountAdmin"],
            )
    finally:
        await engine.dispose()


def seed_customers(api: Api, count: int) -> None:
    """Insert ``count`` customers of the partner straight into the database."""
    asyncio.run(
        _insert_customers(
            api.database_url, uuid.UUID(api.partner_id), uuid.UUID(api.distributor_id), count
        )
    )


def create_accounts(database_url: str) -> dict[str, str]:
    """Create a distributor, its partner and their keys; return the ids and tokens."""
    return asyncio.run(_create_accounts(database_url))
