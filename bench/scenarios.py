"""The requests that the benchmark sends, with the ids and keys of one dataset."""

from __future__ import annotations

import asyncio
import json
import sqlite3
import uuid
from dataclasses import dataclass
from typing import Any
from urllib.parse import quote

import asyncpg

DEEP_START = 100_000
# The API document's example filter of GET /partners.
DOCUMENT_PARTNERS_FILTER = {
    "name": "ACME",
    "countryIds_ovl": ["us"],
    "code": "acme",
    "state": "Active",
    "level": ["Basic", "Certified"],
    "createdAt_gte": "2026-03-01",
    "createdAt_lte": "2026-04-01",
}
CREATE_BODY = json.dumps(
    {
        "customerName": "Benchmark Customer {unique}",
        "firstName": "Bench",
        "lastName": "Mark",
        "email": "bench-{unique}@example.com",
        "countryId": "us",
        "languageId": "en",
        "timeZoneId": "US/Eastern",
    }
)


@dataclass(frozen=True)
class Scenario:
    name: str
    kind: str  # how the baseline builds the response: customers, customer, partners, me, create
    target: str  # path and query string
    method: str = "GET"
    body: str = ""
    # The Prefer header of a list request, such as "count=none".
    prefer: str = ""
    # Run on every dataset; the others only on the largest.
    core: bool = False

    @property
    def resource(self) -> str:
        return self.target.split("?")[0].split("/")[2]


@dataclass(frozen=True)
class Facts:
    distributor_id: str
    distributor_customers: int
    partner_id: str
    customer_id: str
    admin_token: str


def _list_target(resource: str, filters: dict[str, Any], start: int, size: int) -> str:
    query = [
        ("sort", json.dumps(["createdAt", "DESC"], separators=(",", ":"))),
        ("range", json.dumps([start, start + size - 1], separators=(",", ":"))),
    ]
    if filters:
        query.insert(0, ("filter", json.dumps(filters, separators=(",", ":"))))
    return f"/v1/{resource}?" + "&".join(f"{k}={quote(v, safe='')}" for k, v in query)


def build(facts: Facts) -> list[Scenario]:
    """Return the scenarios of a dataset, core ones first."""
    customer_filters: list[tuple[str, dict[str, Any], bool]] = [
        ("unfiltered", {}, True),
        ("partnerId", {"partnerId": [facts.partner_id]}, True),
        ("name", {"name": "nordic"}, True),
        ("state+countryId", {"state": ["Active"], "countryId": ["us"]}, False),
        ("createdAt month", {"createdAt_gte": "2025-06-01", "createdAt_lt": "2025-07-01"}, False),
    ]
    scenarios = []
    for size in (25, 100):
        for label, filters, core in customer_filters:
            scenarios.append(
                Scenario(
                    name=f"customers {label}, {size}",
                    kind="customers",
                    target=_list_target("customers", filters, 0, size),
                    core=core and size == 25,
                )
            )
    scenarios.append(
        Scenario(
            "partners, document filter", "partners",
            _list_target("partners", DOCUMENT_PARTNERS_FILTER, 0, 25),
        )
    )  # fmt: skip
    for count in ("planned", "none"):
        scenarios.append(
            Scenario(
                f"customers unfiltered, 25, count={count}", "customers",
                _list_target("customers", {}, 0, 25), prefer=f"count={count}",
            )
        )  # fmt: skip
    if facts.distributor_customers >= DEEP_START + 25:
        scenarios.append(
            Scenario(
                f"customers start {DEEP_START:,}, 25", "customers",
                _list_target("customers", {}, DEEP_START, 25), core=True,
            )
        )  # fmt: skip
    scenarios += [
        Scenario("customer by id", "customer", f"/v1/customers/{facts.customer_id}", core=True),
        Scenario("create customer", "create", "/v1/customers", "POST", CREATE_BODY),
        Scenario("me", "me", "/v1/me", core=True),
    ]
    return sorted(scenarios, key=lambda scenario: not scenario.core)


def _facts_from(keys: list[dict[str, Any]], rows: tuple[Any, int, Any, Any]) -> Facts:
    distributor, count, partner, customer = rows
    distributor_id = str(uuid.UUID(str(distributor)))
    token = next(
        key["token"]
        for key in keys
        if key["accountId"] == distributor_id and key["role"] == "PartnerAdmin"
    )
    return Facts(
        distributor_id=distributor_id,
        distributor_customers=count,
        partner_id=str(uuid.UUID(str(partner))),
        customer_id=str(uuid.UUID(str(customer))),
        admin_token=token,
    )


_TOP_DISTRIBUTOR = (
    "SELECT distributor_id, count(*) FROM customers WHERE distributor_id IS NOT NULL "
    "GROUP BY distributor_id ORDER BY count(*) DESC, distributor_id LIMIT 1"
)
_TOP_PARTNER = (
    "SELECT partner_id FROM customers WHERE distributor_id = {p} AND partner_id <> {p} "
    "GROUP BY partner_id ORDER BY count(*) DESC, partner_id LIMIT 1"
)
_SOME_CUSTOMER = "SELECT id FROM customers WHERE distributor_id = {p} ORDER BY id LIMIT 1"


def facts(database_url: str, keys: list[dict[str, Any]]) -> Facts:
    """Pick the distributor with the most customers, its biggest partner, one of its
    customers, and its PartnerAdmin token from the keys file of ``bench seed``."""
    if database_url.startswith("sqlite:///"):
        path = database_url.removeprefix("sqlite:///")
        with sqlite3.connect(path) as connection:
            distributor, count = connection.execute(_TOP_DISTRIBUTOR).fetchone()
            (partner,) = connection.execute(
                _TOP_PARTNER.format(p="?"), (distributor, distributor)
            ).fetchone()
            (customer,) = connection.execute(
                _SOME_CUSTOMER.format(p="?"), (distributor,)
            ).fetchone()
        return _facts_from(keys, (distributor, count, partner, customer))

    async def query() -> tuple[Any, int, Any, Any]:
        connection = await asyncpg.connect(database_url)
        try:
            distributor, count = await connection.fetchrow(_TOP_DISTRIBUTOR)
            partner = await connection.fetchval(_TOP_PARTNER.format(p="$1"), distributor)
            customer = await connection.fetchval(_SOME_CUSTOMER.format(p="$1"), distributor)
        finally:
            await connection.close()
        return distributor, count, partner, customer

    return _facts_from(keys, asyncio.run(query()))
