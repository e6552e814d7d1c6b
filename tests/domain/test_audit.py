"""The audit trail in the domain layer: the actor, --since parsing, and events that share
the transaction of their change."""

from __future__ import annotations

import datetime as dt
import uuid

import pytest
from sqlalchemy import RowMapping, func, select
from sqlalchemy.ext.asyncio import AsyncEngine

from partners_api.domain import apikeys, audit
from partners_api.domain.accounts import create_account
from partners_api.domain.enums import AccountType, OriginType, Role
from partners_api.domain.principal import Principal
from partners_api.domain.schemas import PartnerCreate
from partners_api.settings import Settings
from partners_api.storage.database import write_transaction
from partners_api.storage.tables import accounts, audit_events


class RollbackRequested(Exception):
    """Raised inside a transaction to roll it back."""


def account_body(code: str) -> PartnerCreate:
    return PartnerCreate.model_validate(
        {
            "email": f"admin@{code}.example.com",
            "firstName": "Ada",
            "lastName": "Admin",
            "partnerName": code.title(),
            "code": code,
        }
    )


async def create_operator_account(
    engine: AsyncEngine, code: str, account_type: AccountType = AccountType.PARTNER
) -> uuid.UUID:
    async with write_transaction(engine) as connection:
        return await create_account(
            connection,
            Settings(),
            account_body(code),
            account_type=account_type,
            parent_id=None,
            origin=OriginType.OPERATOR_CLI,
        )


async def read_events(engine: AsyncEngine) -> list[RowMapping]:
    statement = select(audit_events).order_by(audit_events.c.occurred_at, audit_events.c.id)
    async with engine.connect() as connection:
        return list((await connection.execute(statement)).mappings().all())


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2026-03-19", dt.datetime(2026, 3, 19)),
        ("2026-03-19T15:35:29", dt.datetime(2026, 3, 19, 15, 35, 29)),
        ("2026-03-19T15:35:29.75", dt.datetime(2026, 3, 19, 15, 35, 29, 750000)),
        ("2026-03-19T15:35:29Z", dt.datetime(2026, 3, 19, 15, 35, 29)),
        ("2026-03-19T17:35:29+02:00", dt.datetime(2026, 3, 19, 15, 35, 29)),
        ("2026-03-19T00:30:00-01:00", dt.datetime(2026, 3, 19, 1, 30)),
        (" 2026-03-19 ", dt.datetime(2026, 3, 19)),
    ],
)
def test_parse_since_valid(text: str, expected: dt.datetime) -> None:
    parsed = audit.parse_since(text)
    assert parsed == expected
    assert parsed.tzinfo is None


@pytest.mark.parametrize(
    "text", ["", "yesterday", "2026-13-01", "2026-02-30", "19/03/2026", "2026-03-19T25:00"]
)
def test_parse_since_invalid(text: str) -> None:
    with pytest.raises(ValueError, match="Invalid date") as raised:
        audit.parse_since(text)
    assert "\n" not in str(raised.value)


def test_actor_from_principal() -> None:
    principal = Principal(
        key_id=uuid.uuid4(),
        key_name="CRM sync",
        role=Role.PARTNER_ADMIN,
        expires_at=None,
        account_id=uuid.uuid4(),
        account_type=AccountType.DISTRIBUTOR,
        account_name="Distributor",
        request_id="request-1",
    )
    actor = audit.Actor.from_principal(principal)
    assert actor.account_id == principal.account_id
    assert actor.api_key_id == principal.key_id
    assert actor.request_id == "request-1"


def test_operator_has_no_key_or_request() -> None:
    assert audit.OPERATOR.account_id is None
    assert audit.OPERATOR.api_key_id is None
    assert audit.OPERATOR.request_id is None


@pytest.mark.anyio
async def test_operator_event_names_new_account(engine: AsyncEngine) -> None:
    distributor = await create_operator_account(engine, "dist", AccountType.DISTRIBUTOR)
    partner = await create_operator_account(engine, "part")

    events = await read_events(engine)
    assert [event["action"] for event in events] == ["distributor.created", "partner.created"]
    assert [event["object_type"] for event in events] == ["distributor", "partner"]
    assert [event["object_id"] for event in events] == [distributor, partner]
    assert [event["account_id"] for event in events] == [distributor, partner]
    assert [event["api_key_id"] for event in events] == [None, None]
    assert [event["request_id"] for event in events] == [None, None]


@pytest.mark.anyio
async def test_rolled_back_create_leaves_no_event(engine: AsyncEngine) -> None:
    with pytest.raises(RollbackRequested):
        async with write_transaction(engine) as connection:
            account_id = await create_account(
                connection,
                Settings(),
                account_body("gone"),
                account_type=AccountType.PARTNER,
                parent_id=None,
                origin=OriginType.OPERATOR_CLI,
            )
            await apikeys.create_key(connection, account_id, Role.PARTNER_ADMIN)
            raise RollbackRequested

    async with engine.connect() as connection:
        account_count = await connection.scalar(select(func.count()).select_from(accounts))
    assert account_count == 0
    assert await read_events(engine) == []


@pytest.mark.anyio
async def test_key_events_of_actor(engine: AsyncEngine) -> None:
    account_id = await create_operator_account(engine, "keyed")
    actor = audit.Actor(account_id=uuid.uuid4(), api_key_id=uuid.uuid4(), request_id="r-1")
    async with write_transaction(engine) as connection:
        view, _ = await apikeys.create_key(connection, account_id, Role.PARTNER_READER, actor=actor)
        key_id = uuid.UUID(view["id"])
        await apikeys.revoke_key(connection, key_id, actor=actor)

    events = (await read_events(engine))[1:]
    assert [event["action"] for event in events] == ["api_key.created", "api_key.revoked"]
    for event in events:
        assert event["object_type"] == "api_key"
        assert event["object_id"] == key_id
        assert event["account_id"] == actor.account_id
        assert event["api_key_id"] == actor.api_key_id
        assert event["request_id"] == "r-1"


@pytest.mark.anyio
async def test_second_revocation_records_nothing(engine: AsyncEngine) -> None:
    account_id = await create_operator_account(engine, "twice")
    async with write_transaction(engine) as connection:
        view, _ = await apikeys.create_key(connection, account_id, Role.PARTNER_ADMIN)
    key_id = uuid.UUID(view["id"])

    for _ in range(2):
        async with write_transaction(engine) as connection:
            await apikeys.revoke_key(connection, key_id)

    revocations = [
        event for event in await read_events(engine) if event["action"] == "api_key.revoked"
    ]
    assert len(revocations) == 1
    assert revocations[0]["account_id"] == account_id
    assert revocations[0]["api_key_id"] is None


@pytest.mark.anyio
async def test_list_events_newest_first_and_filtered(engine: AsyncEngine) -> None:
    first = await create_operator_account(engine, "first")
    second = await create_operator_account(engine, "second")
    async with write_transaction(engine) as connection:
        await apikeys.create_key(connection, first, Role.PARTNER_ADMIN)

    async with engine.connect() as connection:
        everything = await audit.list_events(connection, limit=10)
        of_first = await audit.list_events(connection, account_id=first, limit=10)
        newest = await audit.list_events(connection, limit=1)
        future = await audit.list_events(connection, since=dt.datetime(2999, 1, 1), limit=10)

    assert [event["action"] for event in everything] == [
        "api_key.created",
        "partner.created",
        "partner.created",
    ]
    assert [event["objectId"] for event in everything[1:]] == [str(second), str(first)]
    assert [event["action"] for event in of_first] == ["api_key.created", "partner.created"]
    assert {event["accountId"] for event in of_first} == {str(first)}
    assert newest == everything[:1]
    assert future == []
    assert set(everything[0]) == {
        "id",
        "occurredAt",
        "action",
        "accountId",
        "apiKeyId",
        "requestId",
        "objectType",
        "objectId",
    }
