"""Routes of /v1/customers."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Path, Request

from partners_api.domain import customers
from partners_api.domain.ids import parse_id
from partners_api.domain.list_specs import CUSTOMERS_LIST_SPEC
from partners_api.domain.listing import CountMode
from partners_api.domain.schemas import CustomerCreate, parse_body
from partners_api.exceptions import NotFoundError
from partners_api.http import openapi
from partners_api.http.body import read_json
from partners_api.http.dependencies import (
    Admin,
    AppSettings,
    Connection,
    Reader,
    SingleReadConnection,
)
from partners_api.http.idempotency import CustomerIdempotency
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

router = APIRouter(prefix="/v1/customers", tags=["customers"])


@router.get("", **openapi.list_customers)
async def list_customers(
    connection: Connection,
    principal: Reader,
    settings: AppSettings,
    filter_param: FilterParam = None,
    sort_param: SortParam = None,
    range_param: RangeParam = None,
    range_header: RangeHeader = None,
    prefer_header: PreferHeader = None,
) -> JSONResponse:
    query = parse_list_query(
        CUSTOMERS_LIST_SPEC,
        filter_param=filter_param,
        sort_param=sort_param,
        range_param=range_param,
        range_header=range_header,
        max_span=settings.max_range_span,
        max_filter_values=settings.max_filter_values,
    )
    requested = requested_count_mode(prefer_header)
    total, items = await customers.list_customers(
        connection, principal, query, requested or CountMode.EXACT
    )
    return list_response(
        "customers", query.start, total, items, count_requested=requested is not None
    )


@router.get("/{customer_id}", **openapi.get_customer)
async def get_customer(
    customer_id: Annotated[
        str,
        Path(description="The customer's id, a UUID such as 019d06bc-cce2-7310-99b4-fc67f0090456."),
    ],
    connection: SingleReadConnection,
    principal: Reader,
) -> JSONResponse:
    parsed = parse_id(customer_id)
    if parsed is None:
        raise NotFoundError(f"Customer {customer_id!r} not found; customer ids are UUIDs.")
    return JSONResponse(await customers.get_customer(connection, principal, parsed))


@router.post("", status_code=201, **openapi.create_customer)
async def create_customer(
    idempotency: CustomerIdempotency,
    request: Request,
    connection: Connection,
    principal: Admin,
    settings: AppSettings,
) -> JSONResponse:
    # Idempotency comes first: it claims the key before Connection opens the transaction.
    if idempotency.replay is not None:
        return idempotency.replay
    body = parse_body(CustomerCreate, await read_json(request, settings.max_body_bytes))
    customer = await customers.create_customer(connection, settings, principal, body)
    response = JSONResponse(
        customer, status_code=201, headers={"Location": f"/v1/customers/{customer['id']}"}
    )
    return await idempotency.save(connection, response)
