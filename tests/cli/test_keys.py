from __future__ import annotations

import asyncio
import datetime as dt
from pathlib import Path
from typing import Any

import pytest

from partners_api.domain.apikeys import authenticate
from partners_api.domain.clock import utc_now
from partners_api.domain.principal import Principal
from partners_api.exceptions import AuthenticationError
from partners_api.storage.database import create_engine, read_transaction
from tests.cli import clear_database, error_line, run_cli, run_json, sqlite_file_url

UNKNOWN_ID = "019cea04-b015-7f54-a7dd-6e5c198f15a9"


@pytest.fixture
def url(database_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> str:
    monkeypatch.chdir(tmp_path)
    clear_database(database_url)
    return database_url


@pytest.fixture
def file_url(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> str:
    monkeypatch.chdir(tmp_path)
    return sqlite_file_url(tmp_path / "keys.db")


def create_partner(url: str, code: str = "acme") -> str:
    view = run_json([
        "--database-url", url, "partner", "create", "--name", "ACME", "--code", code,
        "--email", f"admin@{code}.example.com", "--first-name", "Ada", "--last-name", "Admin",
    ])  # fmt: skip
    account_id: str = view["id"]
    return account_id


def create_key(url: str, account_id: str, *options: str) -> dict[str, Any]:
    args = ["--database-url", url, "key", "create", "--account", account_id, *options]
    key: dict[str, Any] = run_json(args)
    return key


async def _authenticate(url: str, token: str) -> Principal:
    engine = create_engine(url)
    try:
        async with read_transaction(engine) as connection:
            return await authenticate(connection, token)
    finally:
        await engine.dispose()


def authenticate_token(url: str, token: str) -> Principal:
    return asyncio.run(_authenticate(url, token))


def test_create_json(url: str) -> None:
    account_id = create_partner(url)
    key = create_key(url, account_id, "--role", "PartnerReader", "--name", "CRM sync")

    assert list(key)[:2] == ["id", "token"]
    assert key["token"].startswith("scp_")
    assert key["name"] == "CRM sync"
    assert key["role"] == "PartnerReader"
    assert key["account"] == {"id": account_id, "name": "ACME", "type": "Partner"}
    assert key["expiresAt"] is None
    assert key["revokedAt"] is None
    principal = authenticate_token(url, key["token"])
    assert str(principal.key_id) == key["id"]
    assert principal.role.value == "PartnerReader"
    assert str(principal.account_id) == account_id


def test_create_text_shows_token_once(file_url: str) -> None:
    account_id = create_partner(file_url)
    args = ["--database-url", file_url, "key", "create", "--account", account_id]
    result = run_cli([*args, "--role", "PartnerAdmin"])

    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    assert "shown only this once" in result.stdout
    token = lines[-1]
    assert token.startswith("scp_")
    assert authenticate_token(file_url, token).role.value == "PartnerAdmin"
    assert "'PartnerAdmin key'" in lines[0]


def test_create_expires_in(file_url: str) -> None:
    account_id = create_partner(file_url)
    key = create_key(file_url, account_id, "--role", "PartnerAdmin", "--expires-in", "30")

    expires_at = dt.datetime.fromisoformat(key["expiresAt"])
    expected = utc_now() + dt.timedelta(days=30)
    assert abs(expires_at - expected) < dt.timedelta(minutes=1)


@pytest.mark.parametrize(
    ("options", "option"),
    [
        (["--account", "not-an-id"], "--account"),
        (["--account", UNKNOWN_ID], "--account"),
        (["--expires-in", "0"], "--expires-in"),
        (["--expires-in", "3651"], "--expires-in"),
        (["--name", "n" * 201], "--name"),
    ],
)
def test_create_bad_option_named(file_url: str, options: list[str], option: str) -> None:
    account_id = create_partner(file_url)
    args = ["--database-url", file_url, "key", "create", "--account", account_id]
    result = run_cli([*args, "--role", "PartnerAdmin", *options])

    line = error_line(result)
    assert option in line
    assert run_json(["--database-url", file_url, "key", "list"]) == []


def test_unknown_account_message(file_url: str) -> None:
    args = ["--database-url", file_url, "key", "create", "--account", UNKNOWN_ID]
    line = error_line(run_cli([*args, "--role", "PartnerAdmin"]))
    assert line == (
        f"Error: --account: Account {UNKNOWN_ID} not found; create it first or check the id."
    )


def test_create_unknown_role_usage_error(file_url: str) -> None:
    account_id = create_partner(file_url)
    args = ["--database-url", file_url, "key", "create", "--account", account_id]
    result = run_cli([*args, "--role", "Owner"])
    assert result.exit_code == 2
    assert "'--role'" in result.stderr


def test_list_never_shows_tokens(url: str) -> None:
    first = create_partner(url, "first")
    second = create_partner(url, "second")
    keys = [
        create_key(url, first, "--role", "PartnerAdmin"),
        create_key(url, first, "--role", "PartnerReader", "--expires-in", "7"),
        create_key(url, second, "--role", "PartnerAdmin"),
    ]

    listed = run_json(["--database-url", url, "key", "list"])
    text = run_cli(["--database-url", url, "key", "list"])

    assert [key["id"] for key in listed] == [key["id"] for key in keys]
    assert all("token" not in key for key in listed)
    for key in keys:
        assert key["token"] not in str(listed)
        assert key["token"] not in text.output
        assert key["token"].removeprefix("scp_")[:8] not in text.output
    assert text.stdout.count("active") == 3


def test_list_filters_by_account(file_url: str) -> None:
    first = create_partner(file_url, "first")
    second = create_partner(file_url, "second")
    create_key(file_url, first, "--role", "PartnerAdmin")
    second_key = create_key(file_url, second, "--role", "PartnerAdmin")

    listed = run_json(["--database-url", file_url, "key", "list", "--account", second])
    assert [key["id"] for key in listed] == [second_key["id"]]


def test_list_empty_text(file_url: str) -> None:
    result = run_cli(["--database-url", file_url, "key", "list"])
    assert result.exit_code == 0, result.output
    assert result.stdout == "No API keys.\n"


def test_revoke_stops_token(url: str) -> None:
    account_id = create_partner(url)
    key = create_key(url, account_id, "--role", "PartnerAdmin")

    revoked = run_json(["--database-url", url, "key", "revoke", key["id"]])

    assert revoked["id"] == key["id"]
    assert revoked["revokedAt"] is not None
    assert "token" not in revoked
    with pytest.raises(AuthenticationError, match="revoked"):
        authenticate_token(url, key["token"])
    text = run_cli(["--database-url", url, "key", "list"])
    assert text.stdout.startswith("revoked ")


def test_revoke_twice_unchanged(file_url: str) -> None:
    account_id = create_partner(file_url)
    key = create_key(file_url, account_id, "--role", "PartnerAdmin")
    first = run_json(["--database-url", file_url, "key", "revoke", key["id"]])
    second = run_json(["--database-url", file_url, "key", "revoke", key["id"]])
    assert second["revokedAt"] == first["revokedAt"]


def test_revoke_text(file_url: str) -> None:
    account_id = create_partner(file_url)
    key = create_key(file_url, account_id, "--role", "PartnerReader")
    result = run_cli(["--database-url", file_url, "key", "revoke", key["id"]])
    assert result.exit_code == 0, result.output
    assert result.stdout.startswith(f"Revoked the API key {key['id']} ")


@pytest.mark.parametrize(("key_id", "expected"), [("nope", "KEY_ID"), (UNKNOWN_ID, "not found")])
def test_revoke_bad_key(file_url: str, key_id: str, expected: str) -> None:
    line = error_line(run_cli(["--database-url", file_url, "key", "revoke", key_id]))
    assert expected in line


def test_no_update_command(file_url: str) -> None:
    result = run_cli(["--database-url", file_url, "key", "update", UNKNOWN_ID])
    assert result.exit_code == 2
    assert "No such command 'update'" in result.stderr
