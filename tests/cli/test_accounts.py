from __future__ import annotations

import asyncio
import json
import uuid
from pathlib import Path
from typing import Any

import pytest

from partners_api.domain.accounts import load_account_view
from partners_api.domain.views import JSON
from partners_api.storage import accounts as account_rows
from partners_api.storage.database import create_engine, read_transaction
from tests.cli import clear_database, error_line, run_cli, run_json, sqlite_file_url

REQUIRED = ["--name", "Example Partner", "--email", "john.doe@partner.example.com",
            "--first-name", "John", "--last-name", "Doe"]  # fmt: skip
FULL = [
    *REQUIRED,
    "--code", "example-partner",
    "--country", "us",
    "--country", "ca",
    "--web", "https://partner.example.com",
    "--phone", "+1 234 555-0000",
    "--level", "Certified",
    "--language", "es",
    "--time-zone", "US/Eastern",
]  # fmt: skip
ACCOUNT_FIELDS = {
    "id", "name", "type", "code", "countryIds", "state", "level", "parent", "signUpData",
    "contactData", "logo", "counters", "customersCount", "createdAt", "updatedAt",
}  # fmt: skip


@pytest.fixture
def url(database_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> str:
    """A migrated, empty database of each back end."""
    monkeypatch.chdir(tmp_path)
    clear_database(database_url)
    return database_url


@pytest.fixture
def file_url(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> str:
    """A migrated SQLite file, so that a test can count rows after a rejected command."""
    monkeypatch.chdir(tmp_path)
    url = sqlite_file_url(tmp_path / "accounts.db")
    run_json(["--database-url", url, "db", "upgrade"])
    return url


async def _load(url: str, account_id: str) -> JSON:
    engine = create_engine(url)
    try:
        async with read_transaction(engine) as connection:
            return await load_account_view(connection, uuid.UUID(account_id))
    finally:
        await engine.dispose()


def load_view(url: str, account_id: str) -> JSON:
    return asyncio.run(_load(url, account_id))


async def _count_accounts(url: str) -> int:
    engine = create_engine(url)
    try:
        async with read_transaction(engine) as connection:
            return len(await account_rows.list_all(connection))
    finally:
        await engine.dispose()


def count_accounts(url: str) -> int:
    return asyncio.run(_count_accounts(url))


@pytest.mark.parametrize(("group", "account_type"), [("distributor", "Distributor"),
                                                     ("partner", "Partner")])  # fmt: skip
def test_create_json_shape(url: str, group: str, account_type: str) -> None:
    view = run_json(["--database-url", url, group, "create", *FULL])

    assert set(view) == ACCOUNT_FIELDS
    assert view["type"] == account_type
    assert view["name"] == "Example Partner"
    assert view["code"] == "example-partner"
    assert view["countryIds"] == ["us", "ca"]
    assert view["state"] == "Active"
    assert view["level"] == "Certified"
    assert view["parent"] is None
    assert view["signUpData"] == {"originType": "OperatorCli"}
    assert view["contactData"]["public"] == {
        "web": "https://partner.example.com",
        "email": "john.doe@partner.example.com",
        "phone": "+1 234 555-0000",
    }
    [member] = view["contactData"]["members"]
    assert member["name"] == "John Doe"
    assert member["email"] == "john.doe@partner.example.com"
    assert member["phoneNumber"] == "+1 234 555-0000"
    assert member["languageId"] == "es"
    assert member["timeZoneId"] == "US/Eastern"
    assert member["roles"] == ["PartnerAdmin"]
    assert view["counters"] == {"apiKeys": {"created": 0, "deleted": 0}}
    assert view["customersCount"] == 0
    assert load_view(url, view["id"]) == view


def test_create_defaults(url: str) -> None:
    view = run_json(["--database-url", url, "partner", "create", *REQUIRED])

    assert view["code"] == "example-partner"
    assert view["level"] == "Basic"
    assert view["countryIds"] == []
    assert view["contactData"]["public"] == {
        "web": None,
        "email": "john.doe@partner.example.com",
        "phone": None,
    }
    [member] = view["contactData"]["members"]
    assert member["languageId"] == "en"
    assert member["timeZoneId"] == "UTC"
    assert member["phoneNumber"] is None


def test_create_text_output(url: str) -> None:
    result = run_cli(["--database-url", url, "distributor", "create", *REQUIRED])

    assert result.exit_code == 0, result.output
    first_line = result.stdout.splitlines()[0]
    assert first_line.startswith("Created the distributor 'Example Partner' with id ")
    account_id = first_line.split(" with id ")[1].split(",")[0]
    assert load_view(url, account_id)["type"] == "Distributor"
    assert f"partners-api key create --account {account_id}" in result.stdout


def _replace(args: list[str], option: str, value: str) -> list[str]:
    replaced = list(args)
    if option in replaced:
        replaced[replaced.index(option) + 1] = value
    else:
        replaced += [option, value]
    return replaced


@pytest.mark.parametrize(
    ("option", "value"),
    [
        ("--name", "   "),
        ("--email", "not-an-email"),
        ("--first-name", ""),
        ("--last-name", "x" * 201),
        ("--code", "Not A Code"),
        ("--country", "zz"),
        ("--web", "ftp://partner.example.com"),
        ("--phone", "555-0000"),
        ("--level", "Gold"),
        ("--language", "xx"),
        ("--time-zone", "Mars/Olympus_Mons"),
    ],
)
def test_bad_option_named(file_url: str, option: str, value: str) -> None:
    args = _replace(REQUIRED, option, value)
    result = run_cli(["--database-url", file_url, "partner", "create", *args])

    line = error_line(result)
    assert line.startswith(f"Error: {option}: "), line
    assert count_accounts(file_url) == 0


def test_second_country_named(file_url: str) -> None:
    args = [*REQUIRED, "--country", "us", "--country", "qq"]
    line = error_line(run_cli(["--database-url", file_url, "partner", "create", *args]))
    assert line.startswith("Error: --country: 'qq'"), line


def test_several_bad_options(file_url: str) -> None:
    args = _replace(_replace(REQUIRED, "--email", "nope"), "--first-name", "")
    line = error_line(run_cli(["--database-url", file_url, "partner", "create", *args]))
    assert "--email: " in line
    assert "--first-name: " in line


def test_duplicate_code_rejected(url: str) -> None:
    run_json(["--database-url", url, "partner", "create", *REQUIRED, "--code", "acme"])
    other = _replace(REQUIRED, "--email", "jane@other.example.com")
    result = run_cli(["--database-url", url, "distributor", "create", *other, "--code", "acme"])

    line = error_line(result)
    assert line.startswith("Error: --code: "), line
    assert "'acme'" in line
    assert "already in use" in line


def test_duplicate_email_rejected(url: str) -> None:
    run_json(["--database-url", url, "partner", "create", *REQUIRED, "--code", "first"])
    result = run_cli(["--database-url", url, "partner", "create", *REQUIRED, "--code", "second"])

    line = error_line(result)
    assert line.startswith("Error: --email: "), line
    assert "already exists" in line


def test_missing_option_usage_error(file_url: str) -> None:
    result = run_cli(["--database-url", file_url, "partner", "create", "--name", "X"])
    assert result.exit_code == 2
    assert "Missing option" in result.stderr


def test_invalid_env_setting_named(file_url: str) -> None:
    env = {"PARTNERS_API_DEFAULT_PARTNER_LEVEL": "Gold"}
    args = ["--database-url", file_url, "partner", "create", *REQUIRED]
    line = error_line(run_cli(args, env=env))
    assert "Invalid settings" in line
    assert "'Gold'" in line


def test_env_levels_accepted(file_url: str) -> None:
    env = {"PARTNERS_API_PARTNER_LEVELS": "Basic,Gold"}
    args = ["--database-url", file_url, "partner", "create", *REQUIRED, "--level", "Gold"]
    result = run_cli([*args, "--json"], env=env)
    assert result.exit_code == 0, result.output
    view: dict[str, Any] = json.loads(result.stdout)
    assert view["level"] == "Gold"
