"""Helpers of the API tests: checks of problem+json bodies, and rows inserted with the
storage layer when a test needs fixed ids or creation times."""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Sequence
from typing import Any

import httpx
from sqlalchemy.ext.asyncio import AsyncEngine

from partners_api.domain import views
from partners_api.domain.enums import AccountType, CustomerState, OriginType, Role
from partners_api.storage import accounts as account_rows
from partners_api.storage import customers as customer_rows
from partners_api.storage import members as member_rows
from partners_api.storage.database import write_transaction

PROBLEM_MEDIA_TYPE = "application/problem+json"
PROBLEM_TYPE_PREFIX = "https://api.sipcaller.com/problems/"


def assert_problem(response: httpx.Response, status: int) -> dict[str, Any]:
    """Check that ``response`` is a problem+json error of ``status``; return its body."""
    assert response.status_code == status, response.text
    assert response.headers["content-type"] == PROBLEM_MEDIA_TYPE
    body: dict[str, Any] = response.json()
    assert body["status"] == status
    assert body["type"].startswith(PROBLEM_TYPE_PREFIX)
    assert isinstance(body["title"], str)
    assert body["title"]
    assert isinstance(body["detail"], str)
    assert body["detail"]
    assert body["message"] == body["detail"]
    assert body["requestId"] == response.headers["x-request-id"]
    assert len(response.headers.get_list("x-request-id")) == 1
    return body


def field_errors(response: httpx.Response, status: int = 422) -> dict[str, str]:
    """Return the ``errors`` object of a problem+json error of ``status``."""
    body = assert_problem(response, status)
    errors: dict[str, str] = body["errors"]
    return errors


async def insert_account(
    engine: AsyncEngine,
    *,
    account_id: uuid.UUID,
    name: str,
    code: str,
    account_type: AccountType = AccountType.PARTNER,
    parent_id: uuid.UUID | None = None,
    country_ids: Sequence[str] = (),
    level: str = "Basic",
    state: str = "Active",
    sign_up_data: dict[str, Any] | None = None,
    contact_data: dict[str, Any] | None = None,
    customers_count: int = 0,
    created_at: dt.datetime | None = None,
) -> None:
    """Insert an account row as the storage layer stores it, without any member."""
    created = created_at or dt.datetime(2026, 3, 1, 12, 0, 0)
    values = {
        "id": account_id,
        "type": account_type.value,
        "parent_id": parent_id,
        "name": name,
        "name_key": name.casefold(),
        "code": code,
        "country_ids": list(country_ids),
        "state": state,
        "level": level,
        "sign_up_data": sign_up_data or {"originType": OriginType.OPERATOR_CLI.value},
        "contact_data": contact_data or {},
        "logo": None,
        "customers_count": customers_count,
        "api_keys_created": 0,
        "api_keys_deleted": 0,
        "created_at": created,
        "updated_at": created,
    }
    async with write_transaction(engine) as connection:
        await account_rows.insert_account(connection, values)


async def insert_member(
    engine: AsyncEngine,
    *,
    member_id: uuid.UUID,
    email: str,
    account_id: uuid.UUID | None = None,
    customer_id: uuid.UUID | None = None,
    first_name: str = "John",
    last_name: str = "Doe",
    phone_number: str | None = None,
    language_id: str = "en",
    time_zone_id: str = "UTC",
    roles: Sequence[str] = (Role.PARTNER_ADMIN.value,),
    created_at: dt.datetime | None = None,
) -> None:
    """Insert a member of an account or, with ``customer_id``, of a customer."""
    values = {
        "id": member_id,
        "account_id": account_id,
        "customer_id": customer_id,
        "first_name": first_name,
        "last_name": last_name,
        "email": email,
        "email_key": email.lower(),
        "phone_number": phone_number,
        "language_id": language_id,
        "time_zone_id": time_zone_id,
        "roles": list(roles),
        "created_at": created_at or dt.datetime(2026, 3, 1, 12, 0, 0),
    }
    async with write_transaction(engine) as connection:
        await member_rows.insert_member(connection, values)


async def insert_customer(
    engine: AsyncEngine,
    *,
    customer_id: uuid.UUID,
    partner_id: uuid.UUID,
    distributor_id: uuid.UUID | None,
    name: str,
    country_id: str = "us",
    plan_id: str = "ent-4sc-y",
    state: str = CustomerState.TRIALING.value,
    sign_up_data: dict[str, Any] | None = None,
    created_at: dt.datetime | None = None,
) -> None:
    """Insert a customer row; its owner's ``customersCount`` is left as it is."""
    created = created_at or dt.datetime(2026, 3, 1, 12, 0, 0)
    values = {
        "id": customer_id,
        "partner_id": partner_id,
        "distributor_id": distributor_id,
        "name": name,
        "name_key": name.casefold(),
        "country_id": country_id,
        "state": state,
        "plan_id": plan_id,
        "owner_type": "Customer",
        "sign_up_data": sign_up_data or {"originType": OriginType.PARTNER_CONSOLE.value},
        "support_member_id": None,
        "counters": views.zero_customer_counters(),
        "tts_max_chars": 1_500_000,
        "tts_used_chars": 0,
        "created_at": created,
        "updated_at": created,
    }
    async with write_transaction(engine) as connection:
        await customer_rows.insert_customer(connection, values)
