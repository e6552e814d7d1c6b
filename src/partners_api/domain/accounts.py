"""Creation of partner and distributor accounts, shared by the API and the CLI."""

from __future__ import annotations

import uuid
from typing import Any

from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncConnection

from partners_api.domain import views
from partners_api.domain.audit import OPERATOR, Actor, account_created_event, record_event
from partners_api.domain.clock import utc_now
from partners_api.domain.enums import AccountType, OriginType, PartnerState, Role
from partners_api.domain.fields import check_partner_level, name_key, slugify_code
from partners_api.domain.ids import new_id
from partners_api.domain.schemas import PartnerCreate
from partners_api.exceptions import ConflictError, NotFoundError, ValidationError
from partners_api.settings import Settings
from partners_api.storage import accounts as account_rows
from partners_api.storage import members as member_rows
from partners_api.storage.errors import violated_unique_constraint


async def create_account(
    connection: AsyncConnection,
    settings: Settings,
    body: PartnerCreate,
    *,
    account_type: AccountType,
    parent_id: uuid.UUID | None,
    origin: OriginType,
    account_id: uuid.UUID | None = None,
    actor: Actor = OPERATOR,
) -> uuid.UUID:
    """Insert an account, its first member (a PartnerAdmin) and the audit event of
    ``actor``; return the account id.

    Raises ``ValidationError`` for a level outside the settings or a name that yields no
    code, and ``ConflictError`` for a code or member email already in use.
    """
    level = body.level or settings.default_partner_level
    try:
        check_partner_level(level, settings.partner_levels)
    except ValueError as exc:
        raise ValidationError({"level": str(exc)}) from exc

    code = body.code or slugify_code(body.partnerName)
    if code is None:
        raise ValidationError(
            {
                "code": "No code can be derived from partnerName; send a code of 2 to 63 "
                "lower-case letters, digits or hyphens."
            }
        )
    if await account_rows.code_exists(connection, code):
        raise _code_conflict(code, defaulted=body.code is None)
    if await member_rows.email_exists(connection, body.email):
        raise email_conflict(body.email)

    now = utc_now()
    account_id = account_id or new_id()
    contact = body.contactData.model_dump(exclude_none=True) if body.contactData else {}
    account: dict[str, Any] = {
        "id": account_id,
        "type": account_type.value,
        "parent_id": parent_id,
        "name": body.partnerName,
        "name_key": name_key(body.partnerName),
        "code": code,
        "country_ids": list(body.countryIds),
        "state": PartnerState.ACTIVE.value,
        "level": level,
        "sign_up_data": {"originType": origin.value},
        "contact_data": contact,
        "logo": body.logo.model_dump() if body.logo else None,
        "customers_count": 0,
        "api_keys_created": 0,
        "api_keys_deleted": 0,
        "created_at": now,
        "updated_at": now,
    }
    member: dict[str, Any] = {
        "id": new_id(),
        "account_id": account_id,
        "customer_id": None,
        "first_name": body.firstName,
        "last_name": body.lastName,
        "email": body.email,
        "email_key": body.email.lower(),
        "phone_number": contact.get("phone"),
        "language_id": body.languageId,
        "time_zone_id": body.timeZoneId,
        "roles": [Role.PARTNER_ADMIN.value],
        "created_at": now,
    }
    try:
        await account_rows.insert_account(connection, account)
        await member_rows.insert_member(connection, member)
    except IntegrityError as exc:
        # A concurrent request took the code or the email between the checks above
        # and the insert.
        if violated_unique_constraint(exc, "uq_accounts_code", "accounts", "code"):
            raise _code_conflict(code, defaulted=body.code is None) from exc
        if violated_unique_constraint(exc, "uq_members_email_key", "members", "email_key"):
            raise email_conflict(body.email) from exc
        raise
    action, object_type = account_created_event(account_type)
    await record_event(
        connection, actor, action, object_type, account_id, concerned_account_id=account_id
    )
    return account_id


async def load_account_view(connection: AsyncConnection, account_id: uuid.UUID) -> views.JSON:
    """Load one account with its parent and members as its API representation."""
    record = await account_rows.get_account_record(connection, account_id)
    if record is None:
        raise NotFoundError(f"Account {account_id} not found.")
    return views.account_view(record.row, account_rows.parent_of(record), record.members)


def _code_conflict(code: str, *, defaulted: bool) -> ConflictError:
    if defaulted:
        message = (
            f"The code {code!r}, derived from partnerName, is already in use; "
            "send a code of your own."
        )
    else:
        message = f"The code {code!r} is already in use; send another code."
    return ConflictError(message, errors={"code": message})


def email_conflict(email: str) -> ConflictError:
    message = f"A member with the email {email!r} already exists; use another email."
    return ConflictError(message, errors={"email": message})
