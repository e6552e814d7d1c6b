"""``create`` from options, JSON and stdin; local body checks; ``whoami``."""

from __future__ import annotations

import json
from pathlib import Path

from tests.client_cli import error_line, run_json, run_ok, run_partners
from tests.client_cli.served_api import Api

CUSTOMER_OPTIONS = [
    "--name", "Road Runner", "--email", "owner@roadrunner.example.com",
    "--first-name", "Maria", "--last-name", "Garcia", "--country", "us",
]  # fmt: skip


def test_create_customer_from_options(api: Api, config_dir: Path) -> None:
    created = run_json(
        ["customers", "create", *CUSTOMER_OPTIONS, "--partner", api.partner_id,
         "--phone", "+1 234 555 0001", "--time-zone", "US/Eastern"],
        config_dir=config_dir,
        env=api.env(),
    )  # fmt: skip
    assert created["name"] == "Road Runner"
    assert created["partner"]["id"] == api.partner_id
    member = created["contactData"]["members"][0]
    assert member["email"] == "owner@roadrunner.example.com"
    assert member["phoneNumber"] == "+1 234 555 0001"
    assert member["timeZoneId"] == "US/Eastern"
    fetched = run_json(["customers", "get", created["id"]], config_dir=config_dir, env=api.env())
    assert fetched["id"] == created["id"]


def test_create_options_override_json(api: Api, config_dir: Path) -> None:
    body = {
        "customerName": "From JSON",
        "email": "json@example.com",
        "firstName": "J",
        "lastName": "Son",
        "countryId": "ar",
    }
    created = run_json(
        ["customers", "create", "--json", json.dumps(body), "--country", "br"],
        config_dir=config_dir,
        env=api.env(),
    )
    assert created["name"] == "From JSON"
    assert created["countryId"] == "br"


def test_create_partner_from_stdin(api: Api, config_dir: Path) -> None:
    body = {
        "email": "john.doe@partner.example.com",
        "firstName": "John",
        "lastName": "Doe",
        "partnerName": "Example Partner",
        "contactData": {"web": "https://partner.example.com"},
    }
    result = run_partners(
        ["partners", "create", "--json-file", "-", "--country", "us", "--country", "ca",
         "--phone", "+1 234 555 0000", "--logo-file", "logo.png", "--logo-max-height", "60",
         "--format", "json"],
        config_dir=config_dir,
        env=api.env(),
        input=json.dumps(body),
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    created = json.loads(result.stdout)
    assert created["code"] == "example-partner"
    assert created["countryIds"] == ["us", "ca"]
    assert created["contactData"]["public"] == {
        "web": "https://partner.example.com",
        "email": None,
        "phone": "+1 234 555 0000",
    }
    assert created["logo"] == {"file": "logo.png", "maxHeight": 60}


def test_invalid_body_is_not_sent(api: Api, config_dir: Path) -> None:
    result = run_partners(
        ["customers", "create", "--name", "Bad", "--email", "not-an-email",
         "--first-name", "A", "--last-name", "B", "--country", "xx"],
        config_dir=config_dir,
        env=api.env(),
    )  # fmt: skip
    line = error_line(result)
    assert "Invalid customer body, nothing was sent." in line
    assert "email: 'not-an-email' is not a valid email address" in line
    assert "countryId: 'xx' is not an assigned ISO 3166-1 alpha-2 country code" in line
    assert api.total("customers") == 0


def test_invalid_create_input(api: Api, config_dir: Path) -> None:
    cases = [
        (["--json", "{"], "Invalid JSON in --json: Expecting property name"),
        (["--json", "[]"], "expected a JSON object"),
        ([], "No customer body: give it with --json, --json-file or the field options"),
        (["--json", "{}", "--json-file", "-"], "not both"),
    ]
    for args, expected in cases:
        result = run_partners(["customers", "create", *args], config_dir=config_dir, env=api.env())
        assert expected in error_line(result)


def test_same_idempotency_key_returns_first_customer(api: Api, config_dir: Path) -> None:
    args = ["customers", "create", *CUSTOMER_OPTIONS, "--idempotency-key", "road-runner-1"]
    first = run_ok([*args, "--format", "json"], config_dir=config_dir, env=api.env())
    second = run_ok([*args, "--format", "json"], config_dir=config_dir, env=api.env())
    assert json.loads(second.stdout)["id"] == json.loads(first.stdout)["id"]
    assert "nothing new was created" in second.stderr
    assert api.total("customers") == 1


def test_conflict_is_reported_with_field(api: Api, config_dir: Path) -> None:
    run_ok(["customers", "create", *CUSTOMER_OPTIONS], config_dir=config_dir, env=api.env())
    result = run_partners(
        ["customers", "create", *CUSTOMER_OPTIONS], config_dir=config_dir, env=api.env()
    )
    line = error_line(result, exit_code=1)
    assert line.startswith("Error: 409 Conflict: ")
    assert "owner@roadrunner.example.com" in line


def test_reader_key_cannot_create(api: Api, config_dir: Path) -> None:
    result = run_partners(
        ["customers", "create", *CUSTOMER_OPTIONS],
        config_dir=config_dir,
        env=api.env(api.distributor_reader),
    )
    assert "403 Forbidden" in error_line(result, exit_code=1)


def test_whoami_shows_account_role_and_scope(api: Api, config_dir: Path) -> None:
    me = run_json(["whoami"], config_dir=config_dir, env=api.env())
    assert me["role"] == "PartnerAdmin"
    assert me["account"] == {
        "id": api.distributor_id,
        "name": "Test Distributor",
        "type": "Distributor",
    }
    assert me["scope"].startswith("the distributor's partners")
    assert me["allowed"] == "list, get and create"
    assert me["url"] == api.url

    partner = run_json(["whoami"], config_dir=config_dir, env=api.env(api.partner_admin))
    assert partner["account"]["type"] == "Partner"
    assert partner["scope"].startswith("the partner's own customers")

    result = run_ok(
        ["whoami", "--format", "table"],
        config_dir=config_dir,
        env={**api.env(api.distributor_reader), "COLUMNS": "100"},
    )
    assert "PartnerReader" in result.stdout
    assert "list and get only" in result.stdout
    assert "Test Distributor" in result.stdout
    assert api.distributor_reader not in result.output


def test_conflict_detail_is_not_repeated(api: Api, config_dir: Path) -> None:
    run_ok(["customers", "create", *CUSTOMER_OPTIONS], config_dir=config_dir, env=api.env())
    result = run_partners(
        ["customers", "create", *CUSTOMER_OPTIONS], config_dir=config_dir, env=api.env()
    )
    line = error_line(result, exit_code=1)
    message = line.removeprefix("Error: 409 Conflict: ").split(" (request id")[0]
    # The server's email field error repeats its detail, which is printed once.
    assert message.count("owner@roadrunner.example.com") == 1, message
    assert " email: " not in message


def test_missing_json_file_message_ends_with_period(api: Api, config_dir: Path) -> None:
    result = run_partners(
        ["customers", "create", "--json-file", "/nonexistent/body.json"],
        config_dir=config_dir,
        env=api.env(),
    )
    line = error_line(result)
    assert "No such file or directory. See '" in line
