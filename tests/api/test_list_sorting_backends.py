"""SQLite and PostgreSQL return the same list for the same data and request.

The test builds identical partners (same ids) and customers in both databases, each
served by its own app, and compares the names that each request returns.
"""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass

import httpx
import pytest
from sqlalchemy import delete

from partners_api.domain.accounts import create_account
from partners_api.domain.enums import AccountType, OriginType
from partners_api.domain.schemas import PartnerCreate
from partners_api.http.app import create_app
from partners_api.settings import Settings
from partners_api.storage.database import create_engine, write_transaction
from partners_api.storage.tables import metadata
from tests.api.conftest import Accounts
from tests.api.listing_data import get_list, listed_names

pytestmark = [pytest.mark.anyio, pytest.mark.postgresql]

# Mixed case, accents, ligatures, punctuation and digits. Several names are equal after
# case folding ("straße" and "STRASSE", "école" and "ÉCOLE"), so ties are broken by id.
PARTNER_NAMES = [
    "zeta",
    "Zeta Corp",
    "Äpfel & Co",
    "apfel",
    "Ápex",
    "apex",
    "école",
    "Ecole",
    "ÉCOLE",
    "O'Brien",
    "o-brien",
    "(parens)",
    "_under",
    "~tilde",
    "Ærø",
    "Øst",
    "straße",
    "STRASSE",
    "Ñandú",
    "nandu",
    "123 go",
    "ﬁnance",
    "Finance",
    "100% Sure",
    "back\\slash",
]

# Customer ids are random, so these names stay distinct after case folding.
CUSTOMER_NAMES = [
    "zeta",
    "Äpfel & Co",
    "Ápex",
    "apex",
    "école",
    "Ecole",
    "O'Brien",
    "o-brien",
    "(parens)",
    "_under",
    "~tilde",
    "Ærø",
    "Øst",
    "STRASSE",
    "Ñandú",
    "nandu",
    "123 go",
    "ﬁnance",
    "100% Sure",
]

# (filter, sort, range) of each request sent to both databases.
REQUESTS: list[tuple[dict[str, object] | None, list[str], list[int] | None]] = [
    (None, ["name", "ASC"], None),
    (None, ["name", "DESC"], None),
    ({"name": "É"}, ["name", "ASC"], None),
    ({"name": "strasse"}, ["name", "desc"], None),
    ({"name": "FI"}, ["name", "ASC"], None),
    ({"name": "%"}, ["name", "ASC"], None),
    (None, ["name", "ASC"], [5, 14]),
]


@dataclass
class Backend:
    client: httpx.AsyncClient
    accounts: Accounts


@asynccontextmanager
async def _backend(url: str) -> AsyncIterator[Backend]:
    """Serve an emptied database at ``url`` with its own app and client."""
    settings = Settings(database_url=url)
    engine = create_engine(url)
    try:
        async with engine.begin() as connection:
            for table in reversed(metadata.sorted_tables):
                await connection.execute(delete(table))
        app = create_app(settings, engine)
        transport = httpx.ASGITransport(app=app, raise_app_exceptions=False)
        async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as client:
            yield Backend(client, Accounts(engine, settings))
    finally:
        await engine.dispose()


async def _create_account(
    backend: Backend,
    account_id: uuid.UUID,
    name: str,
    account_type: AccountType,
    parent: uuid.UUID | None,
) -> None:
    body = PartnerCreate.model_validate(
        {
            "email": f"{account_id.hex[:12]}@example.com",
            "firstName": "Ada",
            "lastName": "Admin",
            "partnerName": name,
            "code": f"acct-{account_id.hex[:12]}",
        }
    )
    async with write_transaction(backend.accounts.engine) as connection:
        await create_account(
            connection,
            backend.accounts.settings,
            body,
            account_type=account_type,
            parent_id=parent,
            origin=OriginType.OPERATOR_CLI,
            account_id=account_id,
        )


async def _build(
    backend: Backend, distributor: uuid.UUID, partners: dict[uuid.UUID, str]
) -> tuple[dict[str, str], dict[str, str]]:
    """Create the accounts and customers, and return a distributor key and a partner key."""
    await _create_account(backend, distributor, "Distributor", AccountType.DISTRIBUTOR, None)
    for partner_id, name in partners.items():
        await _create_account(backend, partner_id, name, AccountType.PARTNER, distributor)
    distributor_key = await backend.accounts.key(distributor)
    partner_key = await backend.accounts.key(next(iter(partners)))
    for index, name in enumerate(CUSTOMER_NAMES):
        body = {
            "customerName": name,
            "email": f"customer-{index}@example.com",
            "firstName": "Carla",
            "lastName": "Customer",
            "countryId": "us",
        }
        response = await backend.client.post("/v1/customers", json=body, headers=partner_key)
        assert response.status_code == 201, response.text
    return distributor_key, partner_key


async def test_list_same_order_on_both_databases(sqlite_url: str, postgres_url: str) -> None:
    distributor = uuid.uuid4()
    # The ids are random, so ties between names are broken in an order unrelated to creation.
    partners = {uuid.uuid4(): name for name in PARTNER_NAMES}

    async with _backend(sqlite_url) as sqlite, _backend(postgres_url) as postgres:
        sqlite_keys = await _build(sqlite, distributor, partners)
        postgres_keys = await _build(postgres, distributor, partners)

        for resource, key_index in (("partners", 0), ("customers", 1)):
            for filters, sort, range_ in REQUESTS:
                from_sqlite = await get_list(
                    sqlite.client,
                    resource,
                    sqlite_keys[key_index],
                    filters=filters,
                    sort=sort,
                    range_=range_,
                )
                from_postgres = await get_list(
                    postgres.client,
                    resource,
                    postgres_keys[key_index],
                    filters=filters,
                    sort=sort,
                    range_=range_,
                )
                request = (resource, filters, sort, range_)
                assert listed_names(from_sqlite) == listed_names(from_postgres), request
                assert listed_names(from_sqlite) != [], request

        # Both databases also agree with the documented order: case-folded name, then id.
        full = await get_list(sqlite.client, "partners", sqlite_keys[0], sort=["name", "ASC"])
        by_name_key = sorted(partners.items(), key=lambda item: (item[1].casefold(), item[0]))
        assert listed_names(full) == [name for _, name in by_name_key]
