"""Every output format of list and get, and the table's fit to the terminal width."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

from tests.client_cli import error_line, run_json, run_ok, run_partners
from tests.client_cli.served_api import Api, seed_customers

CUSTOMERS = 3


def test_list_in_every_format(api: Api, config_dir: Path) -> None:
    seed_customers(api, CUSTOMERS)
    env = api.env()
    expected = run_json(["customers", "list", "--sort", "name"], config_dir=config_dir, env=env)
    assert [item["name"] for item in expected] == [
        f"Seeded Customer {index:04d}" for index in range(CUSTOMERS)
    ]

    lines = run_ok(
        ["customers", "list", "--sort", "name", "--format", "jsonl"], config_dir=config_dir, env=env
    )
    assert [json.loads(line) for line in lines.stdout.splitlines()] == expected

    result = run_ok(
        ["customers", "list", "--sort", "name", "--format", "csv"], config_dir=config_dir, env=env
    )
    rows = list(csv.DictReader(io.StringIO(result.stdout)))
    assert [row["id"] for row in rows] == [item["id"] for item in expected]
    assert rows[0]["partner.name"] == "Test Partner"
    assert rows[0]["contactData.members.email"] == "seeded0000@example.com"
    assert rows[0]["contactData.members.roles"] == "AccountAdmin"
    assert rows[0]["ttsUsage.maxChars"] == "1500000"

    result = run_ok(
        ["customers", "list", "--sort", "name", "--format", "table"],
        config_dir=config_dir,
        env={**env, "COLUMNS": "200"},
    )
    for item in expected:
        assert item["id"] in result.stdout
        assert item["name"] in result.stdout
    assert "seeded0001@example.com" in result.stdout
    assert result.stderr == ""


def test_piped_output_defaults_to_json(api: Api, config_dir: Path) -> None:
    seed_customers(api, 1)
    result = run_ok(["customers", "list", "--sort", "name"], config_dir=config_dir, env=api.env())
    assert json.loads(result.stdout)[0]["name"] == "Seeded Customer 0000"


def test_get_in_every_format(api: Api, config_dir: Path) -> None:
    env = api.env()
    partner = run_json(["partners", "get", api.partner_id], config_dir=config_dir, env=env)
    assert partner["id"] == api.partner_id
    assert partner["parent"]["id"] == api.distributor_id

    result = run_ok(
        ["partners", "get", api.partner_id, "--format", "jsonl"], config_dir=config_dir, env=env
    )
    assert json.loads(result.stdout) == partner

    result = run_ok(
        ["partners", "get", api.partner_id, "--format", "csv"], config_dir=config_dir, env=env
    )
    (row,) = list(csv.DictReader(io.StringIO(result.stdout)))
    assert row["parent.name"] == "Test Distributor"
    assert row["contactData.members.email"] == partner["contactData"]["members"][0]["email"]

    result = run_ok(
        ["partners", "get", api.partner_id, "--format", "table"],
        config_dir=config_dir,
        env={**env, "COLUMNS": "120"},
    )
    assert "contactData.members.0.email" in result.stdout
    assert partner["contactData"]["members"][0]["email"] in result.stdout


def test_table_fits_terminal_width(api: Api, config_dir: Path) -> None:
    seed_customers(api, CUSTOMERS)
    ids = [
        item["id"] for item in run_json(["customers", "list"], config_dir=config_dir, env=api.env())
    ]
    for width in (200, 100, 60):
        env = {**api.env(), "COLUMNS": str(width)}
        result = run_ok(["customers", "list", "--format", "table"], config_dir=config_dir, env=env)
        lines = result.stdout.splitlines()
        assert max(len(line) for line in lines) <= width, result.stdout
        # Ids never wrap, so that they can be copied whole.
        for customer_id in ids:
            assert customer_id in result.stdout
        if width == 200:
            assert "Created (UTC)" in result.stdout
            assert result.stderr == ""
    assert "Columns left out to fit the terminal:" in result.stderr
    assert "Created (UTC)" not in result.stdout


def test_limit_prints_hint_when_more_match(api: Api, config_dir: Path) -> None:
    seed_customers(api, CUSTOMERS)
    result = run_ok(
        ["customers", "list", "--limit", "2", "--format", "jsonl"],
        config_dir=config_dir,
        env=api.env(),
    )
    assert len(result.stdout.splitlines()) == 2
    assert "Showing the first 2 customers; more match." in result.stderr
    result = run_ok(
        ["customers", "list", "--limit", "3", "--format", "jsonl"],
        config_dir=config_dir,
        env=api.env(),
    )
    assert len(result.stdout.splitlines()) == 3
    assert result.stderr == ""


def test_server_error_leaves_stdout_empty(api: Api, config_dir: Path) -> None:
    result = run_partners(
        ["customers", "list", "--filter-json", '{"state": "active"}', "--format", "json"],
        config_dir=config_dir,
        env=api.env(),
    )
    line = error_line(result, exit_code=1)
    assert "400 Bad Request" in line
    assert "filter.state: Invalid state 'active'" in line
    assert "(request id " in line
    assert result.stdout == ""


def test_partner_key_cannot_list_partners(api: Api, config_dir: Path) -> None:
    result = run_partners(
        ["partners", "list"], config_dir=config_dir, env=api.env(api.partner_admin)
    )
    assert "403 Forbidden" in error_line(result, exit_code=1)


def test_get_unknown_and_malformed_ids(api: Api, config_dir: Path) -> None:
    unknown = "019cea04-b015-7f54-a7dd-6e5c198f15a9"
    result = run_partners(["customers", "get", unknown], config_dir=config_dir, env=api.env())
    assert "404 Not Found" in error_line(result, exit_code=1)
    result = run_partners(["customers", "get", "42"], config_dir=config_dir, env=api.env())
    assert "Invalid customer id '42'" in error_line(result)
