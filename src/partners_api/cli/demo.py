"""The ``demo`` command: build a fresh database of example records, then serve it."""

from __future__ import annotations

import asyncio
import datetime as dt
import uuid
from collections import Counter
from pathlib import Path
from typing import Any

import click
from sqlalchemy.engine import URL
from sqlalchemy.ext.asyncio import AsyncConnection

from partners_api.cli import demo_data
from partners_api.cli.db import check_connection, load_settings
from partners_api.cli.demo_data import DemoAccount, DemoMember
from partners_api.cli.output import CLIError, json_option, print_result
from partners_api.cli.serve import (
    base_url,
    check_port_free,
    listen_options,
    run_server,
)
from partners_api.domain import apikeys, views
from partners_api.domain.enums import CUSTOMER_MEMBER_ROLE, AccountType, Role
from partners_api.domain.fields import name_key
from partners_api.settings import Settings
from partners_api.storage import accounts as account_rows
from partners_api.storage import customers as customer_rows
from partners_api.storage import members as member_rows
from partners_api.storage import migrate
from partners_api.storage.database import (
    create_engine,
    redact_url,
    to_async_url,
    write_transaction,
)

DEFAULT_DEMO_DATABASE_URL = "sqlite:///partners-api-demo.db"

# Token labels in the output, with the account and role of each demo key.
DEMO_KEYS = {
    "distributorAdmin": (demo_data.DISTRIBUTOR_ID, Role.PARTNER_ADMIN),
    "distributorReader": (demo_data.DISTRIBUTOR_ID, Role.PARTNER_READER),
    "acmeAdmin": (demo_data.ACME_ID, Role.PARTNER_ADMIN),
}


def _member_row(
    member: DemoMember,
    *,
    account_id: uuid.UUID | None,
    customer_id: uuid.UUID | None,
    role: str,
    created_at: dt.datetime,
) -> dict[str, Any]:
    return {
        "id": uuid.UUID(member.id),
        "account_id": account_id,
        "customer_id": customer_id,
        "first_name": member.first_name,
        "last_name": member.last_name,
        "email": member.email,
        "email_key": member.email.lower(),
        "phone_number": member.phone_number,
        "language_id": member.language_id,
        "time_zone_id": member.time_zone_id,
        "roles": [role],
        "created_at": created_at,
    }


def account_rows_of_demo() -> list[tuple[dict[str, Any], dict[str, Any]]]:
    """Return each demo account row with its member row, parents first.

    ``customers_count`` is counted from the demo customers, so it matches their rows.
    """
    counts = Counter(customer.partner_id for customer in demo_data.CUSTOMERS)
    rows = []
    for account in demo_data.ACCOUNTS:
        row = {
            "id": account.id,
            "type": account.type.value,
            "parent_id": account.parent_id,
            "name": account.name,
            "name_key": name_key(account.name),
            "code": account.code,
            "country_ids": account.country_ids,
            "state": account.state.value,
            "level": account.level,
            "sign_up_data": account.sign_up_data,
            "contact_data": account.contact_data,
            "logo": None,
            "customers_count": counts[account.id],
            "api_keys_created": 0,
            "api_keys_deleted": 0,
            "created_at": account.created_at,
            "updated_at": account.created_at,
        }
        member = _member_row(
            account.member,
            account_id=account.id,
            customer_id=None,
            role=Role.PARTNER_ADMIN.value,
            created_at=account.created_at,
        )
        rows.append((row, member))
    return rows


def customer_rows_of_demo(tts_max_chars: int) -> list[tuple[dict[str, Any], dict[str, Any]]]:
    """Return each demo customer row with its member row.

    ``distributor_id`` follows the rule of the customers table: the owner itself when
    it is a distributor, otherwise the owner's parent.
    """
    owners: dict[uuid.UUID, DemoAccount] = {account.id: account for account in demo_data.ACCOUNTS}
    rows = []
    for customer in demo_data.CUSTOMERS:
        owner = owners[customer.partner_id]
        is_distributor = owner.type is AccountType.DISTRIBUTOR
        customer_id = uuid.UUID(customer.id)
        used = tts_max_chars if customer.tts_used_chars is None else customer.tts_used_chars
        row = {
            "id": customer_id,
            "partner_id": owner.id,
            "distributor_id": owner.id if is_distributor else owner.parent_id,
            "name": customer.name,
            "name_key": name_key(customer.name),
            "country_id": customer.country_id,
            "state": customer.state.value,
            "plan_id": customer.plan_id,
            "owner_type": "Customer",
            "sign_up_data": customer.sign_up_data,
            "support_member_id": customer.support_member_id,
            "counters": views.zero_customer_counters(),
            "tts_max_chars": tts_max_chars,
            "tts_used_chars": min(used, tts_max_chars),
            "created_at": customer.created_at,
            "updated_at": customer.created_at,
        }
        member = _member_row(
            customer.member,
            account_id=None,
            customer_id=customer_id,
            role=CUSTOMER_MEMBER_ROLE,
            created_at=customer.created_at,
        )
        rows.append((row, member))
    return rows


async def insert_demo_records(connection: AsyncConnection, settings: Settings) -> None:
    """Insert the demo accounts and customers with their fixed ids and timestamps."""
    for account, member in account_rows_of_demo():
        await account_rows.insert_account(connection, account)
        await member_rows.insert_member(connection, member)
    for customer, member in customer_rows_of_demo(settings.tts_max_chars):
        await customer_rows.insert_customer(connection, customer)
        await member_rows.insert_member(connection, member)


async def create_demo_keys(connection: AsyncConnection) -> dict[str, str]:
    """Create the demo API keys and return their tokens by label."""
    tokens = {}
    for label, (account_id, role) in DEMO_KEYS.items():
        name = f"Demo {role.value} key"
        _, token = await apikeys.create_key(connection, account_id, role, name=name)
        tokens[label] = token
    return tokens


def _sqlite_file(url: URL) -> Path:
    if url.database in (None, "", ":memory:"):
        raise CLIError(
            "The demo needs a database file, such as sqlite:///partners-api-demo.db. "
            "An in-memory SQLite database is lost when the command ends."
        )
    return Path(url.database)


def remove_sqlite_file(path: Path) -> None:
    """Delete a SQLite database file and its write-ahead log and shared-memory files."""
    for suffix in ("", "-wal", "-shm"):
        Path(f"{path}{suffix}").unlink(missing_ok=True)


async def build_demo(database_url: str, settings: Settings, *, reset: bool) -> dict[str, str]:
    """Build a fresh demo database at ``database_url`` and return the tokens of its keys.

    A SQLite file is deleted first. A PostgreSQL database loses every table, so it is
    rebuilt only when ``reset`` is true, and otherwise ``CLIError`` is raised.
    """
    url = to_async_url(database_url)
    is_sqlite = url.get_backend_name() == "sqlite"
    if is_sqlite:
        remove_sqlite_file(_sqlite_file(url))
    elif not reset:
        raise CLIError(
            f"The demo drops every table of {redact_url(database_url)} and refills it. "
            "Pass --reset to confirm, or use a SQLite file."
        )

    engine = create_engine(database_url, pool_size=2)
    try:
        await check_connection(engine)
        if not is_sqlite:
            await migrate.downgrade(engine, "base")
        await migrate.upgrade(engine)
        async with write_transaction(engine) as connection:
            await insert_demo_records(connection, settings)
            return await create_demo_keys(connection)
    finally:
        await engine.dispose()


def demo_summary(database_url: str, tokens: dict[str, str], host: str, port: int) -> dict[str, Any]:
    """Return the ``--json`` output: where the demo is and how to call it."""
    url = base_url(host, port)
    admin_token = tokens["distributorAdmin"]
    curl = f"curl -s -H 'Authorization: Bearer {admin_token}' '{url}/v1/partners'"
    return {
        "database_url": redact_url(database_url),
        "base_url": url,
        "tokens": tokens,
        "curl": curl,
    }


def _summary_lines(summary: dict[str, Any]) -> list[str]:
    tokens = summary["tokens"]
    return [
        f"Built the demo database {summary['database_url']}: the distributor "
        f"'Distributor Name' with {len(demo_data.ACCOUNTS) - 1} partners and "
        f"{len(demo_data.CUSTOMERS)} customers.",
        f"The member of 'Example Customer' is {demo_data.EXAMPLE_CUSTOMER_MEMBER_EMAIL}, so "
        "the reference's POST /v1/customers example can create john.doe@customer.example.com.",
        "API keys (each token is shown only this once):",
        f"  Distributor Name, PartnerAdmin:  {tokens['distributorAdmin']}",
        f"  Distributor Name, PartnerReader: {tokens['distributorReader']}",
        f"  ACME, PartnerAdmin:              {tokens['acmeAdmin']}",
        "Try:",
        f"  {summary['curl']}",
    ]


def _demo_database_url(ctx: click.Context, database_url: str | None) -> str:
    if database_url is not None:
        return database_url
    # `partners-api --database-url URL demo` names the database explicitly too, but the
    # PARTNERS_API_DATABASE_URL variable does not count, because it may name a database
    # in use.
    root = ctx.find_root()
    if root.get_parameter_source("database_url") is click.core.ParameterSource.COMMANDLINE:
        return str(root.params["database_url"])
    return DEFAULT_DEMO_DATABASE_URL


@click.command("demo")
@click.option(
    "--database-url",
    help=f"Database to replace with the demo. Default: {DEFAULT_DEMO_DATABASE_URL}. "
    "PARTNERS_API_DATABASE_URL is ignored here.",
)
@listen_options
@click.option("--reset", is_flag=True, help="Allow dropping every table of a PostgreSQL database.")
@click.option("--no-serve", is_flag=True, help="Build the database and print the keys only.")
@json_option
@click.pass_context
def demo(
    ctx: click.Context,
    database_url: str | None,
    host: str,
    port: int,
    reset: bool,
    no_serve: bool,
    as_json: bool,
) -> None:
    """Build a fresh demo database and serve it.

    The demo has a distributor with its partners and customers, and three API keys.
    The records that the Partners API reference shows (ACME, Example Partner, Example
    Customer, Example Reseller) keep its ids and timestamps, so its example requests
    work as written. Two differences: the member of Example Customer is
    john.doe@example-customer.example.com, because member emails are unique and the
    POST /v1/customers example creates john.doe@customer.example.com. And the API key
    counters include the demo keys, so ACME shows one created key.
    """
    url = _demo_database_url(ctx, database_url)
    settings = load_settings(url)
    if not no_serve:
        check_port_free(host, port)
    tokens = asyncio.run(build_demo(url, settings, reset=reset))
    summary = demo_summary(url, tokens, host, port)
    print_result(summary, _summary_lines(summary), as_json=as_json)
    if not no_serve:
        run_server(url, host=host, port=port, workers=1)
