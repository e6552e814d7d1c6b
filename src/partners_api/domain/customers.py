"""Customers as a partner's or distributor's API key sees them: list, get and create."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from functools import partial
from typing import Any

from sqlalchemy import RowMapping
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncConnection

from partners_api.domain import views
from partners_api.domain.accounts import email_conflict
from partners_api.domain.audit import Actor, AuditAction, ObjectType, record_event
from partners_api.domain.clock import utc_now
from partners_api.domain.enums import (
    CUSTOMER_MEMBER_ROLE,
    AccountType,
    CustomerState,
    OriginType,
)
from partners_api.domain.fields import name_key
from partners_api.domain.ids import new_id
from partners_api.domain.listing import CountMode, ListQuery, ListTotal, page_with_total
from partners_api.domain.principal import Principal
from partners_api.domain.schemas import CustomerCreate
from partners_api.exceptions import NotFoundError, ValidationError
from partners_api.settings import Settings
from partners_api.storage import accounts as account_rows
from partners_api.storage import counts
from partners_api.storage import customers as customer_rows
from partners_api.storage import members as member_rows
from partners_api.storage.errors import violated_unique_constraint

_OWNER_TYPE = "Customer"


def _scope(principal: Principal) -> Any:
    return customer_rows.scope_condition(
        principal.account_id, is_distributor=principal.is_distributor
    )


async def list_customers(
    connection: AsyncConnection,
    principal: Principal,
    query: ListQuery,
    count_mode: CountMode = CountMode.EXACT,
) -> tuple[ListTotal, list[views.JSON]]:
    """Return the total of ``query``, computed as ``count_mode`` selects, and its customers."""
    scope = _scope(principal)
    rows, total = await page_with_total(
        query,
        count_mode,
        fetch=partial(customer_rows.list_customers, connection, scope),
        count=partial(customer_rows.count_customers, connection, scope, query),
        estimate=partial(customer_rows.estimate_customers, connection, scope, query)
        if counts.has_planner_estimates(connection)
        else None,
    )
    if not rows:
        return total, []
    return total, customer_views(rows)


async def get_customer(
    connection: AsyncConnection, principal: Principal, customer_id: uuid.UUID
) -> views.JSON:
    record = await customer_rows.get_customer(
        connection, customer_id, principal.account_id, is_distributor=principal.is_distributor
    )
    if record is None:
        raise NotFoundError(f"Customer {customer_id} not found.")
    return customer_views([record])[0]


async def create_customer(
    connection: AsyncConnection, settings: Settings, principal: Principal, body: CustomerCreate
) -> views.JSON:
    """Create a Trialing customer owned by the key's account or one of its partners,
    with the audit event of the key."""
    owner = await _resolve_owner(connection, principal, body.partnerId)
    support_member_id = await _resolve_support_member(
        connection, owner["id"], body.partnerMemberIdForCustomerSupport
    )
    now = utc_now()
    customer_id = new_id()
    is_distributor = owner["type"] == AccountType.DISTRIBUTOR.value
    sign_up: dict[str, Any] = {
        "originType": OriginType.PARTNER_API_KEY.value,
        "websiteUrl": body.websiteUrl,
    }
    customer: dict[str, Any] = {
        "id": customer_id,
        "partner_id": owner["id"],
        "distributor_id": owner["id"] if is_distributor else owner["parent_id"],
        "name": body.customerName,
        "name_key": name_key(body.customerName),
        "country_id": body.countryId,
        "state": CustomerState.TRIALING.value,
        "plan_id": settings.trial_plan_id,
        "owner_type": _OWNER_TYPE,
        "sign_up_data": sign_up,
        "support_member_id": support_member_id,
        "counters": views.zero_customer_counters(),
        "tts_max_chars": settings.tts_max_chars,
        "tts_used_chars": 0,
        "created_at": now,
        "updated_at": now,
    }
    member: dict[str, Any] = {
        "id": new_id(),
        "account_id": None,
        "customer_id": customer_id,
        "first_name": body.firstName,
        "last_name": body.lastName,
        "email": body.email,
        "email_key": body.email.lower(),
        "phone_number": body.phoneNumber,
        "language_id": body.languageId,
        "time_zone_id": body.timeZoneId,
        "roles": [CUSTOMER_MEMBER_ROLE],
        "created_at": now,
    }
    # A taken email is found by the unique index rather than by a query first: one
    # statement fewer on every create, and the only check that is reliable under concurrency.
    try:
        await customer_rows.insert_customer(connection, customer)
        await member_rows.insert_member(connection, member)
    except IntegrityError as exc:
        if violated_unique_constraint(exc, "uq_members_email_key", "members", "email_key"):
            raise email_conflict(body.email) from exc
        raise
    await account_rows.add_customer(connection, owner["id"])
    await record_event(
        connection,
        Actor.from_principal(principal),
        AuditAction.CUSTOMER_CREATED,
        ObjectType.CUSTOMER,
        customer_id,
        concerned_account_id=owner["id"],
    )
    # The object is built from the values just written, which the database stores as
    # given (timestamps are already cut to milliseconds), rather than read back.
    row = {**customer, "partner_name": owner["name"], "partner_type": owner["type"]}
    return customer_views([customer_rows.CustomerRecord(row=row, members=[member])])[0]


async def _resolve_owner(
    connection: AsyncConnection, principal: Principal, partner_id: str | None
) -> RowMapping:
    own_account = await account_rows.get_account(connection, principal.account_id)
    if own_account is None:
        raise NotFoundError(f"Account {principal.account_id} of this API key no longer exists.")
    if partner_id is None:
        return own_account
    wanted = uuid.UUID(partner_id)
    if wanted == principal.account_id:
        return own_account
    if principal.is_distributor:
        account = await account_rows.get_account(connection, wanted)
        if account is not None and account["parent_id"] == principal.account_id:
            return account
        hint = "name one of your partners, or omit partnerId for your own account"
    else:
        hint = "a partner key may name only its own account; omit partnerId"
    raise ValidationError({"partnerId": f"Partner {partner_id} not found; {hint}."})


async def _resolve_support_member(
    connection: AsyncConnection, owner_id: uuid.UUID, member_id: str | None
) -> uuid.UUID | None:
    if member_id is None:
        return None
    member = await member_rows.get_account_member(connection, uuid.UUID(member_id), owner_id)
    if member is None:
        raise ValidationError(
            {
                "partnerMemberIdForCustomerSupport": f"Member {member_id} not found in the "
                f"account {owner_id} that will own the customer; name one of its members."
            }
        )
    return uuid.UUID(member_id)


def customer_views(records: Sequence[customer_rows.CustomerRecord]) -> list[views.JSON]:
    """Represent customers loaded with their owner and members."""
    now = utc_now()
    return [
        views.customer_view(
            record.row,
            {
                "id": record.row["partner_id"],
                "name": record.row["partner_name"],
                "type": record.row["partner_type"],
            },
            record.members,
            now,
        )
        for record in records
    ]
