"""Partners as a distributor's API key sees them: list, get and create."""

from __future__ import annotations

import uuid

from sqlalchemy.ext.asyncio import AsyncConnection

from partners_api.domain import views
from partners_api.domain.accounts import create_account, load_account_view
from partners_api.domain.audit import Actor
from partners_api.domain.enums import AccountType, OriginType
from partners_api.domain.listing import ListQuery
from partners_api.domain.principal import Principal
from partners_api.domain.schemas import PartnerCreate
from partners_api.exceptions import NotFoundError, PermissionDeniedError
from partners_api.settings import Settings
from partners_api.storage import accounts as account_rows
from partners_api.storage import members as member_rows


def require_distributor(principal: Principal) -> None:
    """Raise ``PermissionDeniedError`` unless the key belongs to a distributor."""
    if not principal.is_distributor:
        raise PermissionDeniedError(
            "Only distributor API keys may list or create partners; this key belongs to "
            f"the partner account {principal.account_id}."
        )


async def list_partners(
    connection: AsyncConnection, principal: Principal, query: ListQuery
) -> tuple[int, list[views.JSON]]:
    """Return the total matching ``query`` and the partners of its range."""
    require_distributor(principal)
    total = await account_rows.count_children(connection, principal.account_id, query)
    if query.start >= total:
        return total, []
    rows = await account_rows.list_children(connection, principal.account_id, query)
    parent = await account_rows.get_account(connection, principal.account_id)
    members = await member_rows.by_account(connection, [row["id"] for row in rows])
    items = [views.account_view(row, parent, members.get(row["id"], [])) for row in rows]
    return total, items


async def get_partner(
    connection: AsyncConnection, principal: Principal, partner_id: uuid.UUID
) -> views.JSON:
    require_distributor(principal)
    account = await account_rows.get_account(connection, partner_id)
    if account is None or account["parent_id"] != principal.account_id:
        raise NotFoundError(f"Partner {partner_id} not found.")
    return await load_account_view(connection, partner_id)


async def create_partner(
    connection: AsyncConnection, settings: Settings, principal: Principal, body: PartnerCreate
) -> views.JSON:
    """Create a partner under the key's distributor, Active, with the body's person as admin."""
    require_distributor(principal)
    partner_id = await create_account(
        connection,
        settings,
        body,
        account_type=AccountType.PARTNER,
        parent_id=principal.account_id,
        origin=OriginType.PARTNER_API_KEY,
        actor=Actor.from_principal(principal),
    )
    return await load_account_view(connection, partner_id)
