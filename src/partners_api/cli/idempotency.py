"""The ``idempotency`` command group: housekeeping of the Idempotency-Key records."""

from __future__ import annotations

import asyncio

import click

from partners_api.cli.db import GlobalOptions, open_database, pass_options
from partners_api.cli.output import json_option, print_result
from partners_api.domain.clock import utc_now
from partners_api.storage import idempotency
from partners_api.storage.database import write_transaction


async def purge_expired_keys(database_url: str) -> int:
    """Delete every expired Idempotency-Key record; return how many went."""
    async with open_database(database_url) as engine, write_transaction(engine) as connection:
        return await idempotency.purge_expired(connection, utc_now())


@click.group("idempotency")
def idempotency_group() -> None:
    """Manage the Idempotency-Key records of POST requests."""


@idempotency_group.command("purge")
@json_option
@pass_options
def purge_command(options: GlobalOptions, as_json: bool) -> None:
    """Delete the expired records of every API key.

    Requests already delete their own key's expired records in passing; run this from
    cron to clear the records of keys that stopped sending requests.
    """
    deleted = asyncio.run(purge_expired_keys(options.database_url))
    print_result(
        {"deleted": deleted},
        [f"Deleted {deleted} expired Idempotency-Key records."],
        as_json=as_json,
    )
