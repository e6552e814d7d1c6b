"""Paging of the list methods against a real server: range, Content-Range, limit, filter
and sort."""

from __future__ import annotations

import datetime as dt
import json

import pytest

from partners_api.client import Page
from tests.client.conftest import MakeClient, RecordingTransport
from tests.client.seeding import Tenant, numbered_names, seed_customers


def sent_ranges(transport: RecordingTransport) -> list[list[int]]:
    return [json.loads(request.url.params["range"]) for request in transport.requests]


def test_list_customers_pages_through_all(
    make_client: MakeClient, tenant: Tenant, server_database_url: str
) -> None:
    ids = seed_customers(server_database_url, tenant.distributor_id, numbered_names(230))
    transport = RecordingTransport()
    client = make_client(tenant.admin_token, transport=transport)

    listed = [customer.id for customer in client.list_customers(page_size=25)]

    assert listed == ids
    assert len(set(listed)) == 230
    expected_ranges = [[start, start + 24] for start in range(0, 250, 25)]
    assert sent_ranges(transport) == expected_ranges


def test_list_customers_page_size_divides_total(
    make_client: MakeClient, tenant: Tenant, server_database_url: str
) -> None:
    ids = seed_customers(server_database_url, tenant.distributor_id, numbered_names(50))
    transport = RecordingTransport()
    client = make_client(tenant.admin_token, transport=transport)

    listed = [customer.id for customer in client.list_customers(page_size=25)]

    assert listed == ids
    # The total of the second page shows that no third page exists.
    assert sent_ranges(transport) == [[0, 24], [25, 49]]


def test_list_customers_limit_stops_early(
    make_client: MakeClient, tenant: Tenant, server_database_url: str
) -> None:
    ids = seed_customers(server_database_url, tenant.distributor_id, numbered_names(80))
    transport = RecordingTransport()
    client = make_client(tenant.admin_token, transport=transport)

    listed = [customer.id for customer in client.list_customers(page_size=25, limit=30)]

    assert listed == ids[:30]
    assert sent_ranges(transport) == [[0, 24], [25, 29]]


def test_list_customers_limit_above_total(
    make_client: MakeClient, tenant: Tenant, server_database_url: str
) -> None:
    ids = seed_customers(server_database_url, tenant.distributor_id, numbered_names(7))
    client = make_client(tenant.admin_token)

    listed = [customer.id for customer in client.list_customers(page_size=5, limit=100)]

    assert listed == ids


def test_list_limit_zero_sends_nothing(make_client: MakeClient, tenant: Tenant) -> None:
    transport = RecordingTransport()
    client = make_client(tenant.admin_token, transport=transport)

    assert list(client.list_customers(limit=0)) == []
    assert transport.requests == []


def test_list_sends_nothing_before_iteration(make_client: MakeClient, tenant: Tenant) -> None:
    transport = RecordingTransport()
    client = make_client(tenant.admin_token, transport=transport)

    iterator = client.list_customers()

    assert transport.requests == []
    assert list(iterator) == []
    assert len(transport.requests) == 1


def test_list_customers_empty(make_client: MakeClient, tenant: Tenant) -> None:
    transport = RecordingTransport()
    client = make_client(tenant.admin_token, transport=transport)

    assert list(client.list_customers(page_size=25)) == []
    assert len(transport.requests) == 1


def test_list_customers_page_empty(make_client: MakeClient, tenant: Tenant) -> None:
    client = make_client(tenant.admin_token)

    page = client.list_customers_page()

    assert page == Page(items=[], start=0, end=None, total=0)
    assert page.next_start is None


def test_list_customers_page_positions(
    make_client: MakeClient, tenant: Tenant, server_database_url: str
) -> None:
    ids = seed_customers(server_database_url, tenant.distributor_id, numbered_names(30))
    client = make_client(tenant.admin_token)

    first = client.list_customers_page(start=0, size=25)
    last = client.list_customers_page(start=25, size=25)
    past_end = client.list_customers_page(start=40, size=25)

    assert [item.id for item in first.items] == ids[:25]
    assert (first.start, first.end, first.total, first.next_start) == (0, 24, 30, 25)
    assert [item.id for item in last.items] == ids[25:]
    assert (last.start, last.end, last.total, last.next_start) == (25, 29, 30, None)
    assert (past_end.items, past_end.end, past_end.total) == ([], None, 30)


def test_list_customers_filter_and_sort(
    make_client: MakeClient, tenant: Tenant, server_database_url: str
) -> None:
    names = ["Café Uno", "Café Dos", "Café Tres", "Tea House", "café cuatro"]
    ids = seed_customers(
        server_database_url, tenant.distributor_id, names, country_ids=["us", "ar", "de"]
    )
    transport = RecordingTransport()
    client = make_client(tenant.admin_token, transport=transport)

    listed = list(
        client.list_customers(
            filter={
                "name": "CAFÉ",
                "countryId": ["us", "ar"],
                "createdAt_gte": dt.date(2026, 3, 1),
            },
            sort=("name", "DESC"),
            page_size=2,
        )
    )

    # Countries cycle us, ar, de: Café Tres (de) is filtered out, and so is Tea House.
    assert [customer.name for customer in listed] == ["Café Uno", "Café Dos", "café cuatro"]
    assert {customer.id for customer in listed} == {ids[0], ids[1], ids[4]}
    params = transport.requests[0].url.params
    assert json.loads(params["filter"]) == {
        "name": "CAFÉ",
        "countryId": ["us", "ar"],
        "createdAt_gte": "2026-03-01",
    }
    assert json.loads(params["sort"]) == ["name", "DESC"]
    assert sent_ranges(transport) == [[0, 1], [2, 3]]


def test_list_partners_filter_by_code(make_client: MakeClient, tenant: Tenant) -> None:
    client = make_client(tenant.admin_token)

    listed = list(client.list_partners(filter={"state": "Active"}))
    partner = client.get_partner(tenant.partner_id)
    by_code = list(client.list_partners(filter={"code": [partner.code]}, sort=("code", "ASC")))

    assert [item.id for item in listed] == [tenant.partner_id]
    assert by_code == [partner]


def test_list_partners_page(make_client: MakeClient, tenant: Tenant) -> None:
    client = make_client(tenant.admin_token)

    page = client.list_partners_page(filter={"level": ["Basic", "Certified"]}, size=10)

    assert [item.id for item in page.items] == [tenant.partner_id]
    assert (page.start, page.end, page.total) == (0, 0, 1)


@pytest.mark.parametrize(
    ("page_size", "limit"),
    [(0, None), (-1, None), (10, -1)],
    ids=["zero-page-size", "negative-page-size", "negative-limit"],
)
def test_list_invalid_arguments_raise_at_call(
    make_client: MakeClient, tenant: Tenant, page_size: int, limit: int | None
) -> None:
    client = make_client(tenant.admin_token)

    with pytest.raises(ValueError, match="must be"):
        client.list_customers(page_size=page_size, limit=limit)


def test_list_page_invalid_start(make_client: MakeClient, tenant: Tenant) -> None:
    client = make_client(tenant.admin_token)

    with pytest.raises(ValueError, match="start must be 0 or more"):
        client.list_customers_page(start=-1)
