"""Accounts, keys and customers written straight through the domain and storage layers,
so that the client tests start from known data without going through the API."""

from __future__ import annotations

import asyncio
import datetime as dt
import uuid
from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy.ext.asyncio import AsyncEngine

from partners_api.domain import views
from partners_api.domain.accounts import create_account
from partners_api.domain.apikeys import create_key
from partners_api.domain.enums import AccountType, CustomerState, OriginType, Role
from partners_api.domain.ids import new_id
from partners_api.domain.schemas import PartnerCreate
from partners_api.settings import Settings
from partners_api.storage import customers as customer_rows
from partners_api.storage.database import create_engine, write_transaction

CUSTOMERS_CREATED_AT = dt.datetime(2026, 3, 1, 12, 0, 0)


@dataclass(frozen=True)
class Tenant:
    """A distributor with one partner, and the tokens of their keys."""

    distributor_id: str
    admin_token: str
    reader_token: str
    partner_id: str
    partner_admin_token: str


async def _account(
    engine: AsyncEngine, name: str, account_type: AccountType, parent: uuid.UUID | None
) -> uuid.UUID:
    unique = uuid.uuid4().hex[:12]
    body = PartnerCreate.model_validate(
        {
            "email": f"admin-{unique}@example.com",
            "firstName": "Ada",
            "lastName": "Admin",
            "partnerName": name,
            "code": f"client-test-{unique}",
        }
    )
    async with write_transaction(engine) as connection:
        return await create_account(
            connection,
            Settings(),
            body,
            account_type=account_type,
            parent_id=parent,
            origin=OriginType.OPERATOR_CLI,
        )


async def _token(engine: AsyncEngine, account: uuid.UUID, role: Role) -> str:
    async with write_transaction(engine) as connection:
        _, token = await create_key(connection, account, role)
    return token


async def create_tenant(engine: AsyncEngine) -> Tenant:
    """Create a distributor, a partner under it, and their keys."""
    distributor = await _account(engine, "Client Test Distributor", AccountType.DISTRIBUTOR, None)
    partner = await _account(engine, "Client Test Partner", AccountType.PARTNER, distributor)
    return Tenant(
        distributor_id=str(distributor),
        admin_token=await _token(engine, distributor, Role.PARTNER_ADMIN),
        reader_token=await _token(engine, distributor, Role.PARTNER_READER),
        partner_id=str(partner),
        partner_admin_token=await _token(engine, partner, Role.PARTNER_ADMIN),
    )


async def insert_customers(
    engine: AsyncEngine,
    owner_id: str,
    names: Sequence[str],
    *,
    country_ids: Sequence[str] = ("us",),
) -> list[str]:
    """Insert customers owned by the distributor ``owner_id``, in the order of ``names``.

    Ids are UUIDv7, so the API's default sort (by id) returns them in this order.
    Countries cycle through ``country_ids``. Return the ids.
    """
    owner = uuid.UUID(owner_id)
    ids: list[str] = []
    async with write_transaction(engine) as connection:
        for index, name in enumerate(names):
            customer_id = new_id()
            await customer_rows.insert_customer(
                connection,
                {
                    "id": customer_id,
                    "partner_id": owner,
                    "distributor_id": owner,
                    "name": name,
                    "name_key": name.casefold(),
                    "country_id": country_ids[index % len(country_ids)],
                    "state": CustomerState.TRIALING.value,
                    "plan_id": "ent-4sc-y",
                    "owner_type": "Customer",
                    "sign_up_data": {"originType": OriginType.PARTNER_CONSOLE.value},
                    "support_member_id": None,
                    "counters": views.zero_customer_counters(),
                    "tts_max_chars": 1_500_000,
                    "tts_used_chars": 0,
                    "created_at": CUSTOMERS_CREATED_AT,
                    "updated_at": CUSTOMERS_CREATED_AT,
                },
            )
            ids.append(str(customer_id))
    return ids


def seed_tenant(database_url: str) -> Tenant:
    """Create a tenant from synchronous code, with an engine of its own."""

    async def run() -> Tenant:
        engine = create_engine(database_url)
        try:
            return await create_tenant(engine)
        finally:
            await engine.dispose()

    return asyncio.run(run())


def seed_customers(
    database_url: str,
    owner_id: str,
    names: Sequence[str],
    *,
    country_ids: Sequence[str] = ("us",),
) -> list[str]:
    """Insert customers from synchronous code, as ``insert_customers`` does."""

    async def run() -> list[str]:
        engine = create_engine(database_url)
        try:
            return await insert_customers(engine, owner_id, names, country_ids=country_ids)
        finally:
            await engine.dispose()

    return asyncio.run(run())


def numbered_names(count: int, prefix: str = "Customer") -> list[str]:
    """Return ``count`` names that sort in the order of their numbers."""
    return [f"{prefix} {number:04d}" for number in range(count)]


def customer_body(label: str) -> dict[str, object]:
    """Return a valid POST /v1/customers body with an email unique to this run."""
    return {
        "customerName": f"{label} Customer",
        "email": f"{label.lower().replace(' ', '-')}-{uuid.uuid4().hex[:12]}@example.com",
        "firstName": "Maria",
        "lastName": "Garcia",
        "countryId": "us",
    }


def partner_body(label: str) -> dict[str, object]:
    """Return a valid POST /v1/partners body with a code and email unique to this run."""
    unique = uuid.uuid4().hex[:12]
    return {
        "partnerName": f"{label} Partner",
        "code": f"{label.lower().replace(' ', '-')}-{unique}",
        "email": f"owner-{unique}@example.com",
        "firstName": "John",
        "lastName": "Doe",
        "countryIds": ["us", "ca"],
    }
