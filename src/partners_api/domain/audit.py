"""The audit trail: who created an account, a customer or an API key, and who revoked a key.

Each event is written by the domain function that makes the change, on the same
connection and so in the same transaction: a rolled-back change leaves no event, and a
committed one always has its event. Events never contain a token.
"""

from __future__ import annotations

import datetime as dt
import uuid
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from sqlalchemy import RowMapping
from sqlalchemy.ext.asyncio import AsyncConnection

from partners_api.domain.clock import format_timestamp, utc_now
from partners_api.domain.enums import AccountType
from partners_api.domain.ids import new_id
from partners_api.domain.principal import Principal
from partners_api.storage import audit as audit_rows


class AuditAction(StrEnum):
    PARTNER_CREATED = "partner.created"
    DISTRIBUTOR_CREATED = "distributor.created"
    CUSTOMER_CREATED = "customer.created"
    API_KEY_CREATED = "api_key.created"
    API_KEY_REVOKED = "api_key.revoked"


class ObjectType(StrEnum):
    PARTNER = "partner"
    DISTRIBUTOR = "distributor"
    CUSTOMER = "customer"
    API_KEY = "api_key"


@dataclass(frozen=True)
class Actor:
    """The maker of a change: an API key in a request, or the operator's CLI.

    ``account_id`` is None for the operator, who acts for no account of their own, so
    the event records the account that the change concerns instead.
    """

    account_id: uuid.UUID | None
    api_key_id: uuid.UUID | None = None
    request_id: str | None = None

    @classmethod
    def from_principal(cls, principal: Principal) -> Actor:
        return cls(
            account_id=principal.account_id,
            api_key_id=principal.key_id,
            request_id=principal.request_id,
        )


OPERATOR = Actor(account_id=None)


def account_created_event(account_type: AccountType) -> tuple[AuditAction, ObjectType]:
    """Return the action and object type that record the creation of an account."""
    if account_type is AccountType.DISTRIBUTOR:
        return AuditAction.DISTRIBUTOR_CREATED, ObjectType.DISTRIBUTOR
    return AuditAction.PARTNER_CREATED, ObjectType.PARTNER


async def record_event(
    connection: AsyncConnection,
    actor: Actor,
    action: AuditAction,
    object_type: ObjectType,
    object_id: uuid.UUID,
    *,
    concerned_account_id: uuid.UUID,
) -> None:
    """Insert one audit event in the caller's transaction.

    ``concerned_account_id`` is the account the change belongs to (the new account, the
    customer's owner, the key's account). It is recorded only when the actor has no
    account, that is for the operator.
    """
    account_id = concerned_account_id if actor.account_id is None else actor.account_id
    await audit_rows.insert_event(
        connection,
        {
            "id": new_id(),
            "occurred_at": utc_now(),
            "action": action.value,
            "account_id": account_id,
            "api_key_id": actor.api_key_id,
            "request_id": actor.request_id,
            "object_type": object_type.value,
            "object_id": object_id,
        },
    )


async def list_events(
    connection: AsyncConnection,
    *,
    account_id: uuid.UUID | None = None,
    since: dt.datetime | None = None,
    limit: int,
) -> list[dict[str, Any]]:
    """Return the views of up to ``limit`` events, newest first.

    ``since`` is a naive UTC datetime, and only events at or after it are returned.
    """
    rows = await audit_rows.list_events(connection, account_id=account_id, since=since, limit=limit)
    return [event_view(row) for row in rows]


def event_view(row: RowMapping) -> dict[str, Any]:
    def optional_id(value: uuid.UUID | None) -> str | None:
        return None if value is None else str(value)

    return {
        "id": str(row["id"]),
        "occurredAt": format_timestamp(row["occurred_at"]),
        "action": row["action"],
        "accountId": str(row["account_id"]),
        "apiKeyId": optional_id(row["api_key_id"]),
        "requestId": row["request_id"],
        "objectType": row["object_type"],
        "objectId": str(row["object_id"]),
    }


def parse_since(text: str) -> dt.datetime:
    """Parse a date (midnight UTC) or an ISO 8601 timestamp into a naive UTC datetime.

    A timestamp without an offset is taken as UTC. Raises ``ValueError`` for anything else.
    """
    try:
        parsed = dt.datetime.fromisoformat(text.strip())
    except ValueError:
        raise ValueError(
            f"Invalid date {text!r}: expected a date such as 2026-03-19 or an ISO 8601 "
            "timestamp such as 2026-03-19T15:35:29Z."
        ) from None
    if parsed.tzinfo is not None:
        parsed = parsed.astimezone(dt.UTC).replace(tzinfo=None)
    return parsed
