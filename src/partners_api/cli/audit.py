"""The ``audit`` command group: read the audit trail of creates and key changes."""

from __future__ import annotations

import asyncio
import datetime as dt
import uuid
from typing import Any

import click

from partners_api.cli.db import GlobalOptions, open_database, pass_options
from partners_api.cli.keys import parse_id_option
from partners_api.cli.output import CLIError, json_option, print_result
from partners_api.domain import audit
from partners_api.storage.database import read_transaction

DEFAULT_LIMIT = 100


async def list_audit_events(
    database_url: str,
    *,
    account_id: uuid.UUID | None,
    since: dt.datetime | None,
    limit: int,
) -> list[dict[str, Any]]:
    """Return the views of up to ``limit`` events, newest first."""
    async with open_database(database_url) as engine, read_transaction(engine) as connection:
        return await audit.list_events(connection, account_id=account_id, since=since, limit=limit)


def describe_event(event: dict[str, Any]) -> str:
    """Format one event as a line of text: time, action, object and actor."""
    head = f"{event['occurredAt']} {event['action']} {event['objectType']} {event['objectId']}"
    if event["apiKeyId"] is None:
        return f"{head} by the operator for account {event['accountId']}"
    request = event["requestId"] or "none"
    return (
        f"{head} by account {event['accountId']} with API key {event['apiKeyId']} "
        f"(request {request})"
    )


@click.group("audit")
def audit_group() -> None:
    """Read the audit trail: account, customer and API key creations, key revocations."""


@audit_group.command("list")
@click.option("--account", help="List only the events recorded for this account id.")
@click.option(
    "--since",
    help="List only events at or after this UTC date (2026-03-19) or ISO 8601 timestamp "
    "(2026-03-19T15:35:29Z; UTC when it has no offset).",
)
@click.option(
    "--limit",
    type=click.IntRange(min=1),
    default=DEFAULT_LIMIT,
    show_default=True,
    help="Maximum number of events to list.",
)
@json_option
@pass_options
def list_command(
    options: GlobalOptions,
    account: str | None,
    since: str | None,
    limit: int,
    as_json: bool,
) -> None:
    """List audit events, newest first. Times are UTC."""
    account_id = None if account is None else parse_id_option(account, "--account")
    since_time = None
    if since is not None:
        try:
            since_time = audit.parse_since(since)
        except ValueError as exc:
            raise CLIError(f"--since: {exc}") from exc
    events = asyncio.run(
        list_audit_events(
            options.database_url, account_id=account_id, since=since_time, limit=limit
        )
    )
    lines = [describe_event(event) for event in events]
    print_result(events, lines or ["No audit events."], as_json=as_json)
