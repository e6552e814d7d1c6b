from __future__ import annotations

import asyncio
import uuid
from collections import Counter
from pathlib import Path
from typing import Any

import httpx
import pytest
from sqlalchemy import select

from partners_api.cli import demo as demo_module
from partners_api.domain import apikeys
from partners_api.domain.accounts import load_account_view
from partners_api.domain.customers import get_customer
from partners_api.exceptions import AuthenticationError
from partners_api.http.app import create_app
from partners_api.settings import Settings
from partners_api.storage.database import create_engine, read_transaction
from partners_api.storage.tables import accounts, customers
from tests.cli import error_line, run_cli, run_json, sqlite_file_url

DISTRIBUTOR_CONTACT = {
    "web": "https://distributor.example.com",
    "email": "sales@distributor.example.com",
    "phone": "+1 234 555 0000",
}
ACME_ID = "019cea04-b015-7f54-a7dd-6e5c198f15a9"
# The ACME record of the GET /partners example, plus the view's logo field. ACME's
# demo key counts as one created key.
ACME = {
    "id": ACME_ID,
    "name": "ACME",
    "type": "Partner",
    "code": "acme",
    "countryIds": ["us"],
    "state": "Active",
    "level": "Basic",
    "parent": {
        "id": "019cea04-b00f-76a3-b584-025a91dc697e",
        "name": "Distributor Name",
        "type": "Distributor",
        "contactData": DISTRIBUTOR_CONTACT,
    },
    "signUpData": {
        "comments": "We want to become a SIP Caller partner.",
        "originType": "HomeSite",
        "websiteUrl": "https://acme.example.com",
    },
    "contactData": {
        "public": {
            "web": "https://acme.example.com",
            "email": "sales@acme.example.com",
            "phone": "+1 234-555-0001",
        },
        "members": [
            {
                "id": "019cea04-b016-75ea-8b2f-a87a96005e82",
                "name": "John Doe",
                "email": "john.doe@acme.example.com",
                "phoneNumber": "+1 234 555-0002",
                "languageId": "en",
                "timeZoneId": "US/Eastern",
                "roles": ["PartnerAdmin"],
            }
        ],
    },
    "logo": None,
    "counters": {"apiKeys": {"created": 1, "deleted": 0}},
    "customersCount": 1,
    "createdAt": "2026-03-14T01:45:01.717",
    "updatedAt": "2026-03-14T01:45:01.717",
}
# The customer of the GET /customers example, with the demo's member email.
EXAMPLE_CUSTOMER_ID = "019d06bc-cce2-7310-99b4-fc67f0090456"
EXAMPLE_CUSTOMER_FIELDS = {
    "id": EXAMPLE_CUSTOMER_ID,
    "name": "Example Customer",
    "countryId": "us",
    "state": "Trialing",
    "planId": "ent-4sc-y",
    "ownerType": "Customer",
    "signUpData": {"originType": "PartnerConsole", "websiteUrl": "https://customer.example.com"},
    "contactData": {
        "members": [
            {
                "id": "019d06bc-ccea-7ad7-b6bd-76bb684636fd",
                "name": "John Doe",
                "email": "john.doe@example-customer.example.com",
                "phoneNumber": "+1 234 555-0001",
                "languageId": "en",
                "timeZoneId": "US/Eastern",
                "roles": ["AccountAdmin"],
            }
        ]
    },
    "partner": {"id": "019cea04-b00f-76a3-b584-025a91dc697f", "name": "Example Partner",
                "type": "Partner"},
    "partnerMemberIdForCustomerSupport": None,
    "createdAt": "2026-03-19T15:35:29.75",
    "updatedAt": "2026-03-19T15:35:29.75",
}  # fmt: skip
POST_PARTNERS_EXAMPLE = {
    "email": "john.doe@partner.example.com",
    "firstName": "John",
    "lastName": "Doe",
    "partnerName": "Example Partner",
    "type": "Partner",
    "code": "example-partner",
    "level": "Basic",
    "languageId": "en",
    "timeZoneId": "US/Eastern",
    "countryIds": ["us", "ca"],
    "contactData": {
        "web": "https://partner.example.com",
        "email": "john.doe@partner.example.com",
        "phone": "+1 234 555-0000",
    },
    "logo": {"file": "example-partner.png", "maxHeight": 60},
}
POST_CUSTOMERS_EXAMPLE = {
    "countryId": "us",
    "languageId": "en",
    "timeZoneId": "US/Eastern",
    "email": "john.doe@customer.example.com",
    "customerName": "Example Customer",
    "firstName": "John",
    "lastName": "Doe",
    "websiteUrl": "https://customer.example.com",
    "phoneNumber": "+1 234 555-0001",
    "partnerId": "019cea04-b002-7271-be0b-3fdbbc483ab9",
    "partnerMemberIdForCustomerSupport": "019cea04-b005-73e2-9d0f-8ccf53da5c0c",
}


@pytest.fixture
def workdir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.chdir(tmp_path)
    return tmp_path


@pytest.fixture
def demo(workdir: Path) -> dict[str, Any]:
    """The --json summary of a demo built in the default file of the working folder."""
    summary: dict[str, Any] = run_json(["demo", "--no-serve"])
    return summary


async def _views(url: str, token: str) -> tuple[dict[str, Any], dict[str, Any], dict[str, Any]]:
    engine = create_engine(url)
    try:
        async with read_transaction(engine) as connection:
            principal = await apikeys.authenticate(connection, token)
            acme = await load_account_view(connection, uuid.UUID(ACME_ID))
            distributor = await load_account_view(connection, principal.account_id)
            customer = await get_customer(connection, principal, uuid.UUID(EXAMPLE_CUSTOMER_ID))
            return acme, distributor, customer
    finally:
        await engine.dispose()


def test_default_file(demo: dict[str, Any], workdir: Path) -> None:
    assert (workdir / "partners-api-demo.db").exists()
    assert demo["database_url"] == "sqlite:///partners-api-demo.db"
    assert demo["base_url"] == "http://127.0.0.1:8000"


def test_documented_records(demo: dict[str, Any]) -> None:
    url = demo["database_url"]
    acme, distributor, customer = asyncio.run(_views(url, demo["tokens"]["distributorReader"]))

    assert acme == ACME
    assert distributor["id"] == "019cea04-b00f-76a3-b584-025a91dc697e"
    assert distributor["type"] == "Distributor"
    assert distributor["code"] == "distributor-name"
    assert distributor["countryIds"] == ["us"]
    assert distributor["contactData"]["public"] == DISTRIBUTOR_CONTACT
    assert [member["roles"] for member in distributor["contactData"]["members"]] == [
        ["PartnerAdmin"]
    ]
    assert distributor["counters"]["apiKeys"]["created"] == 2

    tts_usage = customer.pop("ttsUsage")
    counters = customer.pop("counters")
    assert customer == EXAMPLE_CUSTOMER_FIELDS
    assert tts_usage["maxChars"] == Settings().tts_max_chars
    assert tts_usage["usedChars"] == 0
    assert tts_usage["monthlyPeriod"]["startAt"].endswith("T15:00:00")
    assert counters["calls"]["progressiveDialer"]["agentAnswer"]["numberNotCalled"] == 0


async def _counts(url: str) -> tuple[list[Any], list[Any]]:
    engine = create_engine(url)
    try:
        async with read_transaction(engine) as connection:
            account_rows = (await connection.execute(select(accounts))).mappings().all()
            customer_rows = (await connection.execute(select(customers))).mappings().all()
            return list(account_rows), list(customer_rows)
    finally:
        await engine.dispose()


def test_counts_consistent(demo: dict[str, Any]) -> None:
    account_rows, customer_rows = asyncio.run(_counts(demo["database_url"]))
    by_id = {row["id"]: row for row in account_rows}
    owned = Counter(row["partner_id"] for row in customer_rows)

    assert len(account_rows) >= 7
    assert len(customer_rows) >= 6
    assert {row["state"] for row in account_rows} == {"Active", "Pending", "Suspended"}
    assert len({row["state"] for row in customer_rows}) >= 4
    for account in account_rows:
        assert account["customers_count"] == owned[account["id"]], account["name"]
    for customer in customer_rows:
        owner = by_id[customer["partner_id"]]
        expected = owner["id"] if owner["type"] == "Distributor" else owner["parent_id"]
        assert customer["distributor_id"] == expected, customer["name"]


async def _post_examples(url: str, tokens: dict[str, str]) -> dict[str, httpx.Response]:
    settings = Settings(database_url=url)
    engine = create_engine(url)
    app = create_app(settings, engine)
    transport = httpx.ASGITransport(app=app)
    admin = {"Authorization": f"Bearer {tokens['distributorAdmin']}"}
    reader = {"Authorization": f"Bearer {tokens['distributorReader']}"}
    acme = {"Authorization": f"Bearer {tokens['acmeAdmin']}"}
    try:
        async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as client:
            return {
                "partners": await client.get("/v1/partners", headers=reader),
                "acme_customers": await client.get("/v1/customers", headers=acme),
                "post_partner": await client.post(
                    "/v1/partners", headers=admin, json=POST_PARTNERS_EXAMPLE
                ),
                "post_customer": await client.post(
                    "/v1/customers", headers=admin, json=POST_CUSTOMERS_EXAMPLE
                ),
                "reader_post": await client.post(
                    "/v1/customers", headers=reader, json=POST_CUSTOMERS_EXAMPLE
                ),
            }
    finally:
        await engine.dispose()


def test_tokens_and_examples_work(demo: dict[str, Any]) -> None:
    responses = asyncio.run(_post_examples(demo["database_url"], demo["tokens"]))

    partners = responses["partners"].json()
    assert responses["partners"].status_code == 200
    assert len(partners) == 6
    acme = next(partner for partner in partners if partner["id"] == ACME_ID)
    assert acme == ACME
    assert responses["acme_customers"].status_code == 200
    assert [customer["name"] for customer in responses["acme_customers"].json()] == [
        "Road Runner Logistics"
    ]
    assert responses["post_partner"].status_code == 201, responses["post_partner"].text
    assert responses["post_partner"].json()["code"] == "example-partner"
    assert responses["post_customer"].status_code == 201, responses["post_customer"].text
    created = responses["post_customer"].json()
    assert created["partner"]["id"] == POST_CUSTOMERS_EXAMPLE["partnerId"]
    assert created["partnerMemberIdForCustomerSupport"] == "019cea04-b005-73e2-9d0f-8ccf53da5c0c"
    assert responses["reader_post"].status_code == 403


def test_text_output(workdir: Path) -> None:
    result = run_cli(["demo", "--no-serve", "--port", "9123"])

    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    tokens = {line.split(":")[0].strip(): line.split()[-1] for line in lines if "scp_" in line}
    admin = tokens["Distributor Name, PartnerAdmin"]
    assert tokens["Distributor Name, PartnerReader"].startswith("scp_")
    assert tokens["ACME, PartnerAdmin"].startswith("scp_")
    curl = f"curl -s -H 'Authorization: Bearer {admin}' 'http://127.0.0.1:9123/v1/partners'"
    assert lines[-1].strip() == curl
    assert "john.doe@example-customer.example.com" in result.stdout


async def _authenticate(url: str, token: str) -> None:
    engine = create_engine(url)
    try:
        async with read_transaction(engine) as connection:
            await apikeys.authenticate(connection, token)
    finally:
        await engine.dispose()


def test_rebuild_is_fresh(demo: dict[str, Any]) -> None:
    again = run_json(["demo", "--no-serve"])

    assert again["tokens"]["acmeAdmin"] != demo["tokens"]["acmeAdmin"]
    with pytest.raises(AuthenticationError, match="unknown"):
        asyncio.run(_authenticate(again["database_url"], demo["tokens"]["acmeAdmin"]))
    asyncio.run(_authenticate(again["database_url"], again["tokens"]["acmeAdmin"]))


def test_envvar_ignored_group_option_used(workdir: Path) -> None:
    env = {"PARTNERS_API_DATABASE_URL": sqlite_file_url(workdir / "real.db")}
    result = run_cli(["demo", "--no-serve"], env=env)
    assert result.exit_code == 0, result.output
    assert not (workdir / "real.db").exists()

    chosen = sqlite_file_url(workdir / "chosen.db")
    summary = run_json(["--database-url", chosen, "demo", "--no-serve"])
    assert summary["database_url"] == chosen
    assert (workdir / "chosen.db").exists()


def test_serves_after_build(workdir: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    calls: list[dict[str, Any]] = []

    def record(database_url: str, **options: Any) -> None:
        calls.append({"database_url": database_url, **options})

    monkeypatch.setattr(demo_module, "run_server", record)
    port = 8123
    result = run_cli(["demo", "--port", str(port)])

    assert result.exit_code == 0, result.output
    assert calls == [
        {
            "database_url": "sqlite:///partners-api-demo.db",
            "host": "127.0.0.1",
            "port": port,
            "workers": 1,
        }
    ]


def test_postgres_needs_reset(workdir: Path) -> None:
    # No connection is made: the URL is rejected first.
    url = "postgresql://demo:secret@127.0.0.1:5432/demo"
    line = error_line(run_cli(["demo", "--no-serve", "--database-url", url]))
    assert "--reset" in line
    assert "secret" not in line


@pytest.mark.postgresql
def test_postgres_refused_untouched(postgres_url: str, workdir: Path) -> None:
    before = run_json(["--database-url", postgres_url, "key", "list"])
    error_line(run_cli(["demo", "--no-serve", "--database-url", postgres_url]))
    assert run_json(["--database-url", postgres_url, "key", "list"]) == before


@pytest.mark.postgresql
def test_postgres_reset(postgres_url: str, workdir: Path) -> None:
    summary = run_json(["demo", "--no-serve", "--reset", "--database-url", postgres_url])
    acme, _, customer = asyncio.run(_views(postgres_url, summary["tokens"]["distributorReader"]))
    assert acme == ACME
    assert customer["createdAt"] == EXAMPLE_CUSTOMER_FIELDS["createdAt"]
