"""Partners as a distributor's API key sees them: list, get and create."""

from __future__ import annotations

import uuid
from functools import partial

from sqlalchemy.ext.asyncio import AsyncConnection

from partners_api.domain import views
from partners_api.domain.accounts import create_account, load_account_view
from partners_api.domain.audit import Actor
from partners_api.domain.enums import AccountType, OriginType
from partners_api.domain.listing import CountMode, ListQuery, ListTotal, page_with_total
from partners_api.domain.principal import Principal
from partners_api.domain.schemas import PartnerCreate
from partners_api.exceptions import NotFoundError, PermissionDeniedError
from partners_api.settings import Settings
from partners_api.storage import accounts as account_rows
from partners_api.storage import counts


def require_distributor(principal: Principal) -> None:
    """Raise ``PermissionDeniedError`` unless the key belongs to a distributor."""
    if not principal.is_distributor:
        raise PermissionDeniedError(
            "Only distributor API keys may list or create partners; this key belongs to "
            f"the partner account {principal.account_id}."
        )


async def list_partners(
    connection: AsyncConnection,
    principal: Principal,
    query: ListQuery,
    count_mode: CountMode = CountMode.EXACT,
) -> tuple[ListTotal, list[views.JSON]]:
    """Return the total of ``query``, computed as ``count_mode`` selects, and its partners."""
    require_distributor(principal)
    parent_id = principal.account_id
    rows, total = await page_with_total(
        query,
        count_mode,
        fetch=partial(account_rows.list_children, connection, parent_id),
        count=partial(account_rows.count_children, connection, parent_id, query),
        estimate=partial(account_rows.estimate_children, connection, parent_id, query)
        if counts.has_planner_estimates(connection)
        else None,
    )
    items = [
        views.account_view(record.row, account_rows.parent_of(record), record.members)
        for record in rows
    ]
    return total, items


async def get_partner(
    connection: AsyncConnection, principal: Principal, partner_id: uuid.UUID
) -> views.JSON:
    require_distributor(principal)
    record = await account_rows.get_account_record(
        connection, partner_id, parent_id=principal.account_id
    )
    if record is None:
        raise NotFoundError(f"Partner {partner_id} not found.")
    return views.account_view(record.row, account_rows.parent_of(record), record.members)


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
