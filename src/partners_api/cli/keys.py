"""The ``key`` command group: create, list and revoke API keys.

As in the SIP Caller console, a key's role and expiry are fixed when it is created, so
there is no update command: create a new key and revoke the old one instead.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import uuid
from typing import Any

import click

from partners_api.cli.db import GlobalOptions, open_database, pass_options
from partners_api.cli.output import CLIError, json_option, print_result
from partners_api.domain import apikeys
from partners_api.domain.audit import OPERATOR
from partners_api.domain.clock import utc_now
from partners_api.domain.enums import Role
from partners_api.domain.ids import parse_id
from partners_api.exceptions import NotFoundError
from partners_api.storage.database import read_transaction, write_transaction

_ID_EXAMPLE = "019cea04-b015-7f54-a7dd-6e5c198f15a9"


def parse_id_option(value: str, option: str) -> uuid.UUID:
    """Parse an id given on the command line, or raise ``CLIError`` naming ``option``."""
    parsed = parse_id(value.strip())
    if parsed is None:
        raise CLIError(f"Invalid {option} {value!r}: expected an id such as {_ID_EXAMPLE}.")
    return parsed


async def create_api_key(
    database_url: str,
    account_id: uuid.UUID,
    role: Role,
    *,
    name: str | None = None,
    expires_in_days: int | None = None,
) -> dict[str, Any]:
    """Create a key and return ``{"id", "token", ...the key view}``."""
    async with open_database(database_url) as engine, write_transaction(engine) as connection:
        view, token = await apikeys.create_key(
            connection,
            account_id,
            role,
            name=name,
            expires_in_days=expires_in_days,
            actor=OPERATOR,
        )
    return {"id": view["id"], "token": token, **view}


async def list_api_keys(
    database_url: str, account_id: uuid.UUID | None = None
) -> list[dict[str, Any]]:
    """Return the views of the keys, oldest first. Tokens cannot be read back."""
    async with open_database(database_url) as engine, read_transaction(engine) as connection:
        return await apikeys.list_keys(connection, account_id)


async def revoke_api_key(database_url: str, key_id: uuid.UUID) -> dict[str, Any]:
    async with open_database(database_url) as engine, write_transaction(engine) as connection:
        return await apikeys.revoke_key(connection, key_id, actor=OPERATOR)


def key_status(view: dict[str, Any], now: dt.datetime) -> str:
    if view["revokedAt"] is not None:
        return "revoked"
    expires_at = view["expiresAt"]
    if expires_at is not None and dt.datetime.fromisoformat(expires_at) <= now:
        return "expired"
    return "active"


def _describe_key(view: dict[str, Any]) -> str:
    account = view["account"]
    return (
        f"{view['id']} {view['name']!r} ({view['role']}) of the {account['type'].lower()} "
        f"{account['name']!r} ({account['id']})"
    )


@click.group("key")
def key_group() -> None:
    """Manage API keys. A key's role and expiry never change after it is created."""


@key_group.command("create")
@click.option(
    "--account",
    "account",
    required=True,
    help="Id of the partner or distributor account that the key acts for.",
)
@click.option(
    "--role",
    type=click.Choice([role.value for role in Role]),
    required=True,
    help="PartnerAdmin can read and create partners and customers. PartnerReader can only read.",
)
@click.option("--name", help="Label of the key, at most 200 characters. Default: '<role> key'.")
@click.option(
    "--expires-in",
    "expires_in_days",
    type=int,
    help="Days until the key expires, 1 to 3650. Default: the key never expires.",
)
@json_option
@pass_options
def create(
    options: GlobalOptions,
    account: str,
    role: str,
    name: str | None,
    expires_in_days: int | None,
    as_json: bool,
) -> None:
    """Create an API key and print its token, which is shown only this once."""
    account_id = parse_id_option(account, "--account")
    try:
        key = asyncio.run(
            create_api_key(
                options.database_url,
                account_id,
                Role(role),
                name=name,
                expires_in_days=expires_in_days,
            )
        )
    except NotFoundError as exc:
        raise CLIError(f"--account: {exc.detail}") from exc
    print_result(
        key,
        [
            f"Created the API key {_describe_key(key)}.",
            f"Expires: {key['expiresAt'] or 'never'} (UTC).",
            "Token, shown only this once, so store it now:",
            key["token"],
        ],
        as_json=as_json,
    )


@key_group.command("list")
@click.option("--account", help="List only the keys of this account id.")
@json_option
@pass_options
def list_command(options: GlobalOptions, account: str | None, as_json: bool) -> None:
    """List API keys with their status. Tokens are never shown."""
    account_id = None if account is None else parse_id_option(account, "--account")
    keys = asyncio.run(list_api_keys(options.database_url, account_id))
    now = utc_now()
    lines = [f"{key_status(key, now):<8} {_describe_key(key)}" for key in keys]
    print_result(keys, lines or ["No API keys."], as_json=as_json)


@key_group.command("revoke")
@click.argument("key_id")
@json_option
@pass_options
def revoke(options: GlobalOptions, key_id: str, as_json: bool) -> None:
    """Revoke the key KEY_ID at once. Revoking a revoked key changes nothing."""
    parsed = parse_id_option(key_id, "KEY_ID")
    key = asyncio.run(revoke_api_key(options.database_url, parsed))
    print_result(
        key,
        [f"Revoked the API key {_describe_key(key)} at {key['revokedAt']} (UTC)."],
        as_json=as_json,
    )
