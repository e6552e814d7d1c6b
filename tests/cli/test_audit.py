"""Audit events of the operator's commands, and ``partners-api audit list``."""

from __future__ import annotations

import asyncio
import datetime as dt
import uuid
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import update

from partners_api.domain import apikeys
from partners_api.domain.audit import Actor
from partners_api.domain.enums import Role
from partners_api.storage.database import create_engine, write_transaction
from partners_api.storage.tables import audit_events
from tests.cli import clear_database, error_line, run_cli, run_json

EVENT_FIELDS = {
    "id", "occurredAt", "action", "accountId", "apiKeyId", "requestId", "objectType", "objectId",
}  # fmt: skip
TOKEN_PREFIX = "scp_"


@pytest.fixture
def url(database_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> str:
    """A migrated, empty database of each back end."""
    monkeypatch.chdir(tmp_path)
    clear_database(database_url)
    return database_url


def create_account(url: str, kind: str, code: str) -> str:
    view = run_json([
        "--database-url", url, kind, "create", "--name", code.title(), "--code", code,
        "--email", f"admin@{code}.example.com", "--first-name", "Ada", "--last-name", "Admin",
    ])  # fmt: skip
    account_id: str = view["id"]
    return account_id


def create_key(url: str, account_id: str) -> dict[str, Any]:
    args = ["--database-url", url, "key", "create", "--account", account_id]
    key: dict[str, Any] = run_json([*args, "--role", "PartnerAdmin"])
    return key


def audit_list(url: str, *options: str) -> list[dict[str, Any]]:
    events: list[dict[str, Any]] = run_json(["--database-url", url, "audit", "list", *options])
    return events


async def _move_event(url: str, event_id: str, occurred_at: dt.datetime) -> None:
    engine = create_engine(url)
    try:
        async with engine.begin() as connection:
            await connection.execute(
                update(audit_events)
                .where(audit_events.c.id == uuid.UUID(event_id))
                .values(occurred_at=occurred_at)
            )
    finally:
        await engine.dispose()


def move_event(url: str, event_id: str, occurred_at: dt.datetime) -> None:
    """Set the time of one event, so that --since has an old event to leave out."""
    asyncio.run(_move_event(url, event_id, occurred_at))


def test_account_creates_recorded(url: str) -> None:
    distributor = create_account(url, "distributor", "dist")
    partner = create_account(url, "partner", "part")

    events = audit_list(url)

    assert [event["action"] for event in events] == ["partner.created", "distributor.created"]
    assert [event["objectType"] for event in events] == ["partner", "distributor"]
    assert [event["objectId"] for event in events] == [partner, distributor]
    assert [event["accountId"] for event in events] == [partner, distributor]
    for event in events:
        assert set(event) == EVENT_FIELDS
        assert event["apiKeyId"] is None
        assert event["requestId"] is None


def test_key_create_and_revoke_recorded(url: str) -> None:
    account_id = create_account(url, "partner", "keyed")
    key = create_key(url, account_id)
    for _ in range(2):
        run_json(["--database-url", url, "key", "revoke", key["id"]])

    events = audit_list(url)

    assert [event["action"] for event in events] == [
        "api_key.revoked",
        "api_key.created",
        "partner.created",
    ]
    for event in events[:2]:
        assert event["objectType"] == "api_key"
        assert event["objectId"] == key["id"]
        assert event["accountId"] == account_id
        assert event["apiKeyId"] is None
        assert event["requestId"] is None


def test_rejected_create_recorded_nothing(url: str) -> None:
    create_account(url, "partner", "taken")
    args = [
        "--database-url", url, "partner", "create", "--name", "Again", "--code", "taken",
        "--email", "other@taken.example.com", "--first-name", "Ada", "--last-name", "Admin",
    ]  # fmt: skip
    error_line(run_cli(args))

    assert [event["action"] for event in audit_list(url)] == ["partner.created"]


def test_list_filters_by_account(url: str) -> None:
    first = create_account(url, "partner", "first")
    second = create_account(url, "partner", "second")
    create_key(url, first)

    events = audit_list(url, "--account", first)

    assert [event["action"] for event in events] == ["api_key.created", "partner.created"]
    assert {event["accountId"] for event in events} == {first}
    assert [event["objectId"] for event in audit_list(url, "--account", second)] == [second]


def test_list_limit_keeps_newest(url: str) -> None:
    create_account(url, "partner", "first")
    second = create_account(url, "partner", "second")

    events = audit_list(url, "--limit", "1")

    assert [event["objectId"] for event in events] == [second]


def test_list_filters_by_since(url: str) -> None:
    create_account(url, "partner", "old")
    create_account(url, "partner", "new")
    old_event, new_event = audit_list(url)[::-1]
    move_event(url, old_event["id"], dt.datetime(2020, 1, 1, 12, 0))

    cases = {
        "2020-01-01": [new_event["id"], old_event["id"]],
        "2020-01-02": [new_event["id"]],
        "2020-01-01T12:00:00": [new_event["id"], old_event["id"]],
        "2020-01-01T12:00:00.001": [new_event["id"]],
        "2020-01-01T13:30:00+02:00": [new_event["id"], old_event["id"]],
        "2020-01-01T11:30:00-02:00": [new_event["id"]],
        "2020-01-01T11:00:00Z": [new_event["id"], old_event["id"]],
        "2999-01-01": [],
    }
    for since, expected in cases.items():
        events = audit_list(url, "--since", since)
        assert [event["id"] for event in events] == expected, since

    assert old_event["occurredAt"] != "2020-01-01T12:00:00"
    moved = audit_list(url, "--account", old_event["accountId"])
    assert moved[0]["occurredAt"] == "2020-01-01T12:00:00"


@pytest.mark.parametrize("since", ["yesterday", "2026-02-30", "19/03/2026", ""])
def test_list_bad_since_one_line(url: str, since: str) -> None:
    line = error_line(run_cli(["--database-url", url, "audit", "list", "--since", since]))
    assert "--since" in line
    assert "2026-03-19" in line


@pytest.mark.parametrize(
    ("options", "option"),
    [(["--account", "not-an-id"], "--account"), (["--limit", "0"], "--limit")],
)
def test_list_bad_option_one_line(url: str, options: list[str], option: str) -> None:
    line = error_line(run_cli(["--database-url", url, "audit", "list", *options]))
    assert option in line


def test_list_text_never_shows_token(url: str) -> None:
    account_id = create_account(url, "partner", "secret")
    key = create_key(url, account_id)
    assert key["token"].startswith(TOKEN_PREFIX)
    run_json(["--database-url", url, "key", "revoke", key["id"]])

    text = run_cli(["--database-url", url, "audit", "list"])
    as_json = run_cli(["--database-url", url, "audit", "list", "--json"])

    assert text.exit_code == 0, text.output
    assert as_json.exit_code == 0, as_json.output
    lines = text.stdout.splitlines()
    assert len(lines) == 3
    assert lines[0].split()[1] == "api_key.revoked"
    assert f"api_key {key['id']} by the operator for account {account_id}" in lines[0]
    assert TOKEN_PREFIX not in text.output
    assert TOKEN_PREFIX not in as_json.output
    assert key["token"] not in text.output + as_json.output


def test_list_empty_text(url: str) -> None:
    result = run_cli(["--database-url", url, "audit", "list"])
    assert result.exit_code == 0, result.output
    assert result.stdout == "No audit events.\n"


async def _create_key_as_api_key(url: str, account_id: str, actor: Actor) -> None:
    engine = create_engine(url)
    try:
        async with write_transaction(engine) as connection:
            await apikeys.create_key(
                connection, uuid.UUID(account_id), Role.PARTNER_READER, actor=actor
            )
    finally:
        await engine.dispose()


def test_list_text_names_key_and_request(url: str) -> None:
    account_id = create_account(url, "distributor", "caller")
    actor = Actor(account_id=uuid.UUID(account_id), api_key_id=uuid.uuid4(), request_id="req-7")
    asyncio.run(_create_key_as_api_key(url, account_id, actor))

    result = run_cli(["--database-url", url, "audit", "list", "--limit", "1"])

    assert result.exit_code == 0, result.output
    line = result.stdout.strip()
    assert " api_key.created api_key " in line
    assert line.endswith(f"by account {account_id} with API key {actor.api_key_id} (request req-7)")
