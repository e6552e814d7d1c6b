"""Routes of /v1/partners."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Path, Request

from partners_api.domain import partners
from partners_api.domain.ids import parse_id
from partners_api.domain.list_specs import partners_list_spec
from partners_api.domain.listing import CountMode
from partners_api.domain.schemas import PARTNER_LEVELS_CONTEXT, PartnerCreate, parse_body
from partners_api.exceptions import NotFoundError
from partners_api.http import openapi
from partners_api.http.body import read_json
from partners_api.http.dependencies import (
    AppSettings,
    Connection,
    DistributorAdmin,
    DistributorReader,
)
from partners_api.http.idempotency import PartnerIdempotency
from partners_api.http.listing import parse_list_query
from partners_api.http.listing_params import (
    FilterParam,
    PreferHeader,
    RangeHeader,
    RangeParam,
    SortParam,
)
from partners_api.http.prefer import requested_count_mode
from partners_api.http.responses import JSONResponse, list_response

router = APIRouter(prefix="/v1/partners", tags=["partners"])


@router.get("", **openapi.list_partners)
async def list_partners(
    connection: Connection,
    principal: DistributorReader,
    settings: AppSettings,
    filter_param: FilterParam = None,
    sort_param: SortParam = None,
    range_param: RangeParam = None,
    range_header: RangeHeader = None,
    prefer_header: PreferHeader = None,
) -> JSONResponse:
    query = parse_list_query(
        partners_list_spec(settings.partner_levels),
        filter_param=filter_param,
        sort_param=sort_param,
        range_param=range_param,
        range_header=range_header,
        max_span=settings.max_range_span,
        max_filter_values=settings.max_filter_values,
    )
    requested = requested_count_mode(prefer_header)
    total, items = await partners.list_partners(
        connection, principal, query, requested or CountMode.EXACT
    )
    return list_response(
        "partners", query.start, total, items, count_requested=requested is not None
    )


@router.get("/{partner_id}", **openapi.get_partner)
async def get_partner(
    partner_id: Annotated[
        str,
        Path(description="The partner's id, a UUID such as 019cea04-b015-7f54-a7dd-6e5c198f15a9."),
    ],
    connection: Connection,
    principal: DistributorReader,
) -> JSONResponse:
    parsed = parse_id(partner_id)
    if parsed is None:
        raise NotFoundError(f"Partner {partner_id!r} not found; partner ids are UUIDs.")
    return JSONResponse(await partners.get_partner(connection, principal, parsed))


@router.post("", status_code=201, **openapi.create_partner)
async def create_partner(
    idempotency: PartnerIdempotency,
    request: Request,
    connection: Connection,
    principal: DistributorAdmin,
    settings: AppSettings,
) -> JSONResponse:
    # Idempotency comes first: it claims the key before Connection opens the transaction.
    if idempotency.replay is not None:
        return idempotency.replay
    body = parse_body(
        PartnerCreate,
        await read_json(request, settings.max_body_bytes),
        context={PARTNER_LEVELS_CONTEXT: settings.partner_levels},
    )
    partner = await partners.create_partner(connection, settings, principal, body)
    response = JSONResponse(
        partner, status_code=201, headers={"Location": f"/v1/partners/{partner['id']}"}
    )
    return await idempotency.save(connection, response)
