"""Tests of ``partners-api bench seed`` on small counts, on both databases."""

from __future__ import annotations

import asyncio
import json
import stat
import uuid
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import func, select

from partners_api.domain import apikeys
from partners_api.domain.enums import AccountType, Role
from partners_api.storage.database import create_engine
from partners_api.storage.tables import account_countries, accounts, customers, members
from tests.cli import clear_database, error_line, run_cli, run_json, sqlite_file_url

SMALL_COUNTS = ["--distributors", "3", "--partners", "20", "--customers", "500"]


def seed_args(keys_file: Path, *extra: str) -> list[str]:
    return ["bench", "seed", *SMALL_COUNTS, "--keys-file", str(keys_file), *extra]


async def _fetch(url: str, query: Any) -> list[Any]:
    engine = create_engine(url)
    try:
        async with engine.connect() as connection:
            return list((await connection.execute(query)).all())
    finally:
        await engine.dispose()


def fetch(url: str, query: Any) -> list[Any]:
    return asyncio.run(_fetch(url, query))


async def _authenticate(url: str, token: str) -> Any:
    engine = create_engine(url)
    try:
        async with engine.connect() as connection:
            return await apikeys.authenticate(connection, token)
    finally:
        await engine.dispose()


@pytest.fixture
def seeded(database_url: str, tmp_path: Path) -> tuple[str, dict[str, Any], Path]:
    """Empty the database, seed it with the small counts, and return its URL, the
    summary and the keys file."""
    clear_database(database_url)
    keys_file = tmp_path / "keys.json"
    summary = run_json(["--database-url", database_url, *seed_args(keys_file)])
    return database_url, summary, keys_file


def test_seed_counts_match(seeded: tuple[str, dict[str, Any], Path]) -> None:
    url, summary, _ = seeded
    types = dict(fetch(url, select(accounts.c.type, func.count()).group_by(accounts.c.type)))
    assert types == {"Distributor": 3, "Partner": 20}
    assert fetch(url, select(func.count()).select_from(customers)) == [(500,)]
    assert fetch(url, select(func.count()).select_from(members)) == [(523,)]
    assert summary["customers"] == 500
    assert summary["members"] == 523
    assert summary["apiKeys"] == 2 * 23
    assert summary["rows"] > 0
    assert summary["elapsedSeconds"] >= 0


def test_seed_customers_count_matches_rows(seeded: tuple[str, dict[str, Any], Path]) -> None:
    url, _, _ = seeded
    stored = dict(fetch(url, select(accounts.c.id, accounts.c.customers_count)))
    counted = dict(
        fetch(url, select(customers.c.partner_id, func.count()).group_by(customers.c.partner_id))
    )
    assert sum(stored.values()) == 500
    for account_id, count in stored.items():
        assert counted.get(account_id, 0) == count, account_id


def test_seed_distributor_id_consistent(seeded: tuple[str, dict[str, Any], Path]) -> None:
    url, _, _ = seeded
    owners = {
        row.id: row
        for row in fetch(url, select(accounts.c.id, accounts.c.type, accounts.c.parent_id))
    }
    rows = fetch(url, select(customers.c.partner_id, customers.c.distributor_id))
    owned_by_distributor = 0
    for partner_id, distributor_id in rows:
        owner = owners[partner_id]
        if owner.type == AccountType.DISTRIBUTOR.value:
            owned_by_distributor += 1
            assert distributor_id == owner.id
        else:
            assert distributor_id == owner.parent_id
    assert owned_by_distributor > 0


def test_seed_account_countries_rows(seeded: tuple[str, dict[str, Any], Path]) -> None:
    url, _, _ = seeded
    expected = {
        (account_id, country)
        for account_id, countries in fetch(url, select(accounts.c.id, accounts.c.country_ids))
        for country in countries
    }
    stored = set(fetch(url, select(account_countries.c.account_id, account_countries.c.country_id)))
    assert stored == expected
    for _, country in stored:
        assert country == country.lower()


def test_seed_keys_file_authenticates(seeded: tuple[str, dict[str, Any], Path]) -> None:
    url, summary, keys_file = seeded
    assert stat.S_IMODE(keys_file.stat().st_mode) == 0o600
    entries = json.loads(keys_file.read_text())
    assert len(entries) == summary["apiKeys"]
    assert {entry["role"] for entry in entries} == {"PartnerAdmin", "PartnerReader"}
    for entry in entries[:4] + entries[-2:]:
        principal = asyncio.run(_authenticate(url, entry["token"]))
        assert principal.account_id == uuid.UUID(entry["accountId"])
        assert principal.account_type.value == entry["accountType"]
        assert principal.role is Role(entry["role"])


def test_seed_output_has_no_tokens(database_url: str, tmp_path: Path) -> None:
    clear_database(database_url)
    keys_file = tmp_path / "keys.json"
    result = run_cli(["--database-url", database_url, *seed_args(keys_file)])
    assert result.exit_code == 0, result.output
    assert "scp_" not in result.output
    assert str(keys_file) in result.stdout


def test_seed_rejects_database_with_accounts(
    seeded: tuple[str, dict[str, Any], Path], tmp_path: Path
) -> None:
    url, _, _ = seeded
    other_keys = tmp_path / "other.json"
    line = error_line(run_cli(["--database-url", url, *seed_args(other_keys)]))
    assert "already contains accounts" in line
    assert not other_keys.exists()
    assert fetch(url, select(func.count()).select_from(customers)) == [(500,)]


def test_seed_same_seed_same_rows(tmp_path: Path) -> None:
    loads = []
    for name in ("first", "second"):
        url = sqlite_file_url(tmp_path / f"{name}.db")
        run_json(["--database-url", url, *seed_args(tmp_path / f"{name}.json", "--seed", "7")])
        account_rows = fetch(url, select(accounts).order_by(accounts.c.id))
        customer_rows = fetch(url, select(customers).order_by(customers.c.id))
        member_rows = fetch(url, select(members).order_by(members.c.id))
        loads.append((account_rows, customer_rows, member_rows))
    first, second = loads
    # The api_keys rows are left out: their tokens are random and their times real.
    assert first[0] == second[0]
    assert first[1] == second[1]
    assert first[2] == second[2]


def test_seed_other_seed_other_rows(tmp_path: Path) -> None:
    names = []
    for seed_value in ("1", "2"):
        url = sqlite_file_url(tmp_path / f"seed-{seed_value}.db")
        run_json(
            [
                "--database-url",
                url,
                *seed_args(tmp_path / f"{seed_value}.json", "--seed", seed_value),
            ]
        )
        names.append(fetch(url, select(customers.c.id, customers.c.name).order_by(customers.c.id)))
    assert names[0] != names[1]


def test_seed_ids_follow_creation_time(seeded: tuple[str, dict[str, Any], Path]) -> None:
    url, _, _ = seeded
    rows = fetch(url, select(customers.c.id, customers.c.created_at).order_by(customers.c.id))
    times = [created_at for _, created_at in rows]
    assert times == sorted(times)
    for customer_id, _ in rows:
        assert customer_id.version == 7


@pytest.mark.parametrize(
    ("option", "value"),
    [("--distributors", "-1"), ("--partners", "-5"), ("--customers", "-1")],
)
def test_seed_negative_count_rejected(tmp_path: Path, option: str, value: str) -> None:
    url = sqlite_file_url(tmp_path / "bench.db")
    args = ["--database-url", url, "bench", "seed", option, value]
    line = error_line(run_cli([*args, "--keys-file", str(tmp_path / "keys.json")]))
    assert option in line


def test_seed_customers_without_accounts_rejected(tmp_path: Path) -> None:
    url = sqlite_file_url(tmp_path / "bench.db")
    args = ["--database-url", url, "bench", "seed", "--distributors", "0", "--partners", "0"]
    line = error_line(run_cli([*args, "--keys-file", str(tmp_path / "keys.json")]))
    assert "at least one distributor or partner" in line
    assert not (tmp_path / "keys.json").exists()


def test_seed_partners_without_distributors(tmp_path: Path) -> None:
    url = sqlite_file_url(tmp_path / "bench.db")
    args = ["--distributors", "0", "--partners", "5", "--customers", "40"]
    keys_file = tmp_path / "keys.json"
    summary = run_json(
        ["--database-url", url, "bench", "seed", *args, "--keys-file", str(keys_file)]
    )
    assert summary["customers"] == 40
    assert fetch(
        url,
        select(func.count()).select_from(customers).where(customers.c.distributor_id.is_not(None)),
    ) == [(0,)]


def test_seed_requires_keys_file(tmp_path: Path) -> None:
    url = sqlite_file_url(tmp_path / "bench.db")
    line = error_line(run_cli(["--database-url", url, "bench", "seed", *SMALL_COUNTS]))
    assert "--keys-file" in line


def test_seed_unwritable_keys_file(tmp_path: Path) -> None:
    url = sqlite_file_url(tmp_path / "bench.db")
    keys_file = tmp_path / "missing-folder" / "keys.json"
    line = error_line(run_cli(["--database-url", url, *seed_args(keys_file)]))
    assert "keys file" in line
    # The keys file is opened before the database, so nothing was created.
    assert not (tmp_path / "bench.db").exists()
