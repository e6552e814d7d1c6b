"""Tenant isolation as a property: on random account trees, every key reads and writes
exactly its own scope through the HTTP API.

Each example builds distributors with partners, standalone partners, customers and keys
of both roles, then compares what each key gets from the API with the scope computed
here in Python:

- a distributor key sees its own partners, and the customers of its own account and of
  those partners;
- a partner key sees only its own customers and gets 403 on /v1/partners;
- POST /v1/customers succeeds exactly when partnerId and
  partnerMemberIdForCustomerSupport are in scope, and a reader key always gets 403.
"""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

import httpx
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import delete, select
from sqlalchemy.ext.asyncio import AsyncEngine

from partners_api.domain.enums import AccountType, PartnerState, Role
from partners_api.http.app import create_app
from partners_api.settings import Settings
from partners_api.storage import tables
from partners_api.storage.database import create_engine
from partners_api.storage.tables import metadata
from tests.api.conftest import Accounts
from tests.api.helpers import assert_problem, field_errors
from tests.api.listing_data import get_list, listed_ids, update_row

# Names share letters on purpose, so that the name filter matches some partners and not
# others. "Straße" case-folds to "strasse", which the filter "SS" must match.
ACCOUNT_NAMES = ("Alpha", "alphabet", "Beta", "Gamma Delta", "Straße", "Omega")
NAME_FILTERS = ("al", "ET", "a", "SS", "ta", "zz")
PARTNER_STATES = tuple(state.value for state in PartnerState)
# An id that names no row, mixed into every id filter and lookup.
UNKNOWN_ID = uuid.UUID("00000000-0000-7000-8000-000000000001")
SUPPORT_FIELD = "partnerMemberIdForCustomerSupport"


@dataclass(frozen=True)
class AccountSpec:
    """A generated account: its name, state and number of customers."""

    name: str
    state: str
    customers: int


@dataclass(frozen=True)
class TreeSpec:
    """A generated tree: distributors with their partners, standalone partners, and keys.

    Each key is an index into the accounts in creation order, taken modulo their number,
    and a role. At most four keys per tree keep each example short.
    """

    distributors: tuple[tuple[AccountSpec, tuple[AccountSpec, ...]], ...]
    standalone: tuple[AccountSpec, ...]
    keys: tuple[tuple[int, Role], ...]


account_specs = st.builds(
    AccountSpec,
    name=st.sampled_from(ACCOUNT_NAMES),
    state=st.sampled_from(PARTNER_STATES),
    customers=st.integers(min_value=0, max_value=2),
)
tree_specs = st.builds(
    TreeSpec,
    distributors=st.lists(
        st.tuples(account_specs, st.lists(account_specs, max_size=3).map(tuple)),
        min_size=1,
        max_size=3,
    ).map(tuple),
    standalone=st.lists(account_specs, max_size=2).map(tuple),
    keys=st.lists(
        st.tuples(st.integers(min_value=0, max_value=13), st.sampled_from(list(Role))),
        min_size=1,
        max_size=4,
    ).map(tuple),
)


@dataclass
class Account:
    id: uuid.UUID
    type: AccountType
    parent_id: uuid.UUID | None
    name: str
    state: str
    member_ids: list[uuid.UUID] = field(default_factory=list)


@dataclass(frozen=True)
class Customer:
    id: uuid.UUID
    owner_id: uuid.UUID


@dataclass(frozen=True)
class Key:
    account: Account
    role: Role
    headers: dict[str, str]


@dataclass
class Tree:
    """The rows an example created, with the ids the database gave them."""

    accounts: dict[uuid.UUID, Account] = field(default_factory=dict)
    customers: list[Customer] = field(default_factory=list)
    keys: list[Key] = field(default_factory=list)
    # Members of customers: never valid as partnerMemberIdForCustomerSupport.
    customer_member_ids: list[uuid.UUID] = field(default_factory=list)

    def partners_of(self, key: Key) -> set[uuid.UUID]:
        return {a.id for a in self.accounts.values() if a.parent_id == key.account.id}

    def customers_of(self, key: Key) -> set[uuid.UUID]:
        owners = {key.account.id}
        if key.account.type is AccountType.DISTRIBUTOR:
            owners |= self.partners_of(key)
        return {customer.id for customer in self.customers if customer.owner_id in owners}


async def empty_tables(engine: AsyncEngine) -> None:
    async with engine.begin() as connection:
        for table in reversed(metadata.sorted_tables):
            await connection.execute(delete(table))


def customer_body(**fields: Any) -> dict[str, Any]:
    return {
        "customerName": "Isolation Customer",
        "email": f"{uuid.uuid4().hex[:16]}@isolation.example.com",
        "firstName": "Iris",
        "lastName": "Olsen",
        "countryId": "us",
        **fields,
    }


async def build_tree(
    spec: TreeSpec, client: httpx.AsyncClient, engine: AsyncEngine, accounts: Accounts
) -> Tree:
    """Create the accounts, customers and keys of ``spec`` through the service."""
    tree = Tree()
    placed: list[tuple[AccountSpec, uuid.UUID]] = []
    for distributor_spec, partner_specs in spec.distributors:
        distributor_id = await accounts.distributor(distributor_spec.name)
        tree.accounts[distributor_id] = Account(
            distributor_id, AccountType.DISTRIBUTOR, None, distributor_spec.name, "Active"
        )
        placed.append((distributor_spec, distributor_id))
        for partner_spec in partner_specs:
            partner_id = await accounts.partner(partner_spec.name, distributor_id)
            tree.accounts[partner_id] = Account(
                partner_id, AccountType.PARTNER, distributor_id, partner_spec.name, "Active"
            )
            placed.append((partner_spec, partner_id))
    for partner_spec in spec.standalone:
        partner_id = await accounts.partner(partner_spec.name)
        tree.accounts[partner_id] = Account(
            partner_id, AccountType.PARTNER, None, partner_spec.name, "Active"
        )
        placed.append((partner_spec, partner_id))

    for account_spec, account_id in placed:
        account = tree.accounts[account_id]
        if account.type is AccountType.PARTNER and account_spec.state != "Active":
            await update_row(engine, tables.accounts, account_id, state=account_spec.state)
            account.state = account_spec.state
        if account_spec.customers:
            # Each account's customers come from a key of its own, which is not checked.
            owner_headers = await accounts.key(account_id)
            for _ in range(account_spec.customers):
                response = await client.post(
                    "/v1/customers", json=customer_body(), headers=owner_headers
                )
                assert response.status_code == 201, response.text
                tree.customers.append(Customer(uuid.UUID(response.json()["id"]), account_id))
    for index, role in spec.keys:
        account = tree.accounts[placed[index % len(placed)][1]]
        tree.keys.append(Key(account, role, await accounts.key(account.id, role)))

    async with engine.connect() as connection:
        rows = await connection.execute(
            select(tables.members.c.id, tables.members.c.account_id, tables.members.c.customer_id)
        )
        for member_id, account_id, customer_id in rows:
            if account_id is not None:
                tree.accounts[account_id].member_ids.append(member_id)
            elif customer_id is not None:
                tree.customer_member_ids.append(member_id)
    return tree


def partner_filters(tree: Tree, data: st.DataObject) -> dict[str, Any]:
    """Draw a filter of GET /v1/partners from names, ids in and out of scope, and states."""
    filters: dict[str, Any] = {}
    if data.draw(st.booleans(), label="filter by name"):
        filters["name"] = data.draw(st.sampled_from(NAME_FILTERS), label="name filter")
    if data.draw(st.booleans(), label="filter by ids"):
        candidates = [*tree.accounts, UNKNOWN_ID]
        chosen = data.draw(st.lists(st.sampled_from(candidates), min_size=1, max_size=4))
        filters["id"] = [str(account_id) for account_id in chosen]
    if data.draw(st.booleans(), label="filter by state"):
        states = data.draw(st.lists(st.sampled_from(PARTNER_STATES), min_size=1, max_size=2))
        filters["state"] = states[0] if len(states) == 1 else states
    return filters


def partner_matches(account: Account, filters: Mapping[str, Any]) -> bool:
    if "name" in filters and filters["name"].casefold() not in account.name.casefold():
        return False
    if "id" in filters and str(account.id) not in filters["id"]:
        return False
    if "state" in filters:
        states = filters["state"] if isinstance(filters["state"], list) else [filters["state"]]
        if account.state not in states:
            return False
    return True


def statuses(responses: Iterable[tuple[uuid.UUID, httpx.Response]]) -> dict[uuid.UUID, int]:
    return {item_id: response.status_code for item_id, response in responses}


async def check_partner_reads(
    client: httpx.AsyncClient, tree: Tree, key: Key, data: st.DataObject
) -> None:
    if key.account.type is AccountType.PARTNER:
        assert_problem(await get_list(client, "partners", key.headers), 403)
        assert_problem(await client.get(f"/v1/partners/{key.account.id}", headers=key.headers), 403)
        return

    in_scope = tree.partners_of(key)
    filters = partner_filters(tree, data)
    response = await get_list(client, "partners", key.headers, filters=filters)
    expected = {
        account_id for account_id in in_scope if partner_matches(tree.accounts[account_id], filters)
    }
    assert set(listed_ids(response)) == expected, filters
    assert response.headers["X-Total-Count"] == str(len(expected))

    lookups = [
        (account_id, await client.get(f"/v1/partners/{account_id}", headers=key.headers))
        for account_id in [*tree.accounts, UNKNOWN_ID]
    ]
    expected_statuses = {
        account_id: 200 if account_id in in_scope else 404 for account_id, _ in lookups
    }
    assert statuses(lookups) == expected_statuses


async def check_customer_reads(
    client: httpx.AsyncClient, tree: Tree, key: Key, data: st.DataObject
) -> None:
    in_scope = tree.customers_of(key)
    all_ids = [customer.id for customer in tree.customers]

    response = await get_list(client, "customers", key.headers)
    assert set(listed_ids(response)) == in_scope
    assert response.headers["X-Total-Count"] == str(len(in_scope))

    chosen = data.draw(
        st.lists(st.sampled_from([*all_ids, UNKNOWN_ID]), min_size=1, max_size=4),
        label="customer id filter",
    )
    filters = {"id": [str(customer_id) for customer_id in chosen]}
    response = await get_list(client, "customers", key.headers, filters=filters)
    assert set(listed_ids(response)) == in_scope & set(chosen)

    lookups = [
        (customer_id, await client.get(f"/v1/customers/{customer_id}", headers=key.headers))
        for customer_id in [*all_ids, UNKNOWN_ID]
    ]
    expected_statuses = {
        customer_id: 200 if customer_id in in_scope else 404 for customer_id, _ in lookups
    }
    assert statuses(lookups) == expected_statuses


def expected_owner(tree: Tree, key: Key, partner_id: uuid.UUID | None) -> uuid.UUID | None:
    """Return the account that would own the customer, or None when partnerId is out of scope."""
    if partner_id is None or partner_id == key.account.id:
        return key.account.id
    if key.account.type is AccountType.DISTRIBUTOR and partner_id in tree.partners_of(key):
        return partner_id
    return None


async def check_customer_creates(
    client: httpx.AsyncClient, tree: Tree, key: Key, data: st.DataObject
) -> None:
    account_ids: list[uuid.UUID | None] = [None, *tree.accounts, UNKNOWN_ID]
    member_ids: list[uuid.UUID | None] = [None, UNKNOWN_ID, *tree.customer_member_ids]
    for account in tree.accounts.values():
        member_ids.extend(account.member_ids)

    for _ in range(data.draw(st.integers(min_value=1, max_value=3), label="creates")):
        partner_id = data.draw(st.sampled_from(account_ids), label="partnerId")
        member_id = data.draw(st.sampled_from(member_ids), label=SUPPORT_FIELD)
        fields: dict[str, str] = {}
        if partner_id is not None:
            fields["partnerId"] = str(partner_id)
        if member_id is not None:
            fields[SUPPORT_FIELD] = str(member_id)
        response = await client.post(
            "/v1/customers", json=customer_body(**fields), headers=key.headers
        )

        if key.role is Role.PARTNER_READER:
            assert_problem(response, 403)
            continue
        owner_id = expected_owner(tree, key, partner_id)
        if owner_id is None:
            assert set(field_errors(response)) == {"partnerId"}, fields
            continue
        if member_id is not None and member_id not in tree.accounts[owner_id].member_ids:
            assert set(field_errors(response)) == {SUPPORT_FIELD}, fields
            continue
        assert response.status_code == 201, (fields, response.text)
        created = response.json()
        assert created["partner"]["id"] == str(owner_id)
        assert created[SUPPORT_FIELD] == fields.get(SUPPORT_FIELD)


async def run_example(database_url: str, spec: TreeSpec, data: st.DataObject) -> None:
    engine = create_engine(database_url)
    try:
        await empty_tables(engine)
        app_settings = Settings(database_url=database_url)
        accounts = Accounts(engine, app_settings)
        transport = httpx.ASGITransport(app=create_app(app_settings, engine))
        async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as client:
            tree = await build_tree(spec, client, engine, accounts)
            for key in tree.keys:
                await check_partner_reads(client, tree, key, data)
                await check_customer_reads(client, tree, key, data)
            # Creates come last, so that every read above compares against the generated tree.
            for key in tree.keys:
                await check_customer_creates(client, tree, key, data)
    finally:
        await engine.dispose()


# The test is synchronous and runs each example in its own event loop with its own
# engine: anyio 4.16's pytest plugin fails an async @given test that uses async fixtures
# with ClosedResourceError. database_url is a function-scoped fixture, but it is only the
# URL of the session's database, and each example empties the tables itself.
@settings(
    max_examples=20,
    deadline=None,
    derandomize=True,
    database=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
@given(spec=tree_specs, data=st.data())
def test_keys_see_only_their_scope(database_url: str, spec: TreeSpec, data: st.DataObject) -> None:
    asyncio.run(run_example(database_url, spec, data))
