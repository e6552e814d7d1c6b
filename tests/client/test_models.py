"""The models return the API's JSON unchanged, keep unknown fields and type timestamps."""

from __future__ import annotations

import copy
import datetime as dt
import json
from typing import Any

import httpx
import pytest

from partners_api.client import Customer, Me, Partner
from tests.client.conftest import MakeClient, RecordingTransport
from tests.client.seeding import Tenant, customer_body, partner_body

# The partner example of the published API description: no logo, and sign-up data from
# the web site with comments.
PUBLISHED_PARTNER: dict[str, Any] = {
    "id": "019cea04-b015-7f54-a7dd-6e5c198f15a9",
    "name": "ACME",
    "type": "Partner",
    "code": "acme",
    "countryIds": ["us"],
    "state": "Active",
    "level": "Basic",
    "parent": {
        "id": "019cea04-b00f-76a3-b584-025a91dc697e",
        "name": "Distributor Name",
        "type": "Distributor",
        "contactData": {
            "web": "https://distributor.example.com",
            "email": "sales@distributor.example.com",
            "phone": "+1 234 555 0000",
        },
    },
    "signUpData": {
        "comments": "We want to become a SIP Caller partner.",
        "originType": "HomeSite",
        "websiteUrl": "https://acme.example.com",
    },
    "contactData": {
        "public": {
            "web": "https://acme.example.com",
            "email": "sales@acme.example.com",
            "phone": "+1 234-555-0001",
        },
        "members": [
            {
                "id": "019cea04-b016-75ea-8b2f-a87a96005e82",
                "name": "John Doe",
                "email": "john.doe@acme.example.com",
                "phoneNumber": "+1 234 555-0002",
                "languageId": "en",
                "timeZoneId": "US/Eastern",
                "roles": ["PartnerAdmin"],
            }
        ],
    },
    "counters": {"apiKeys": {"created": 0, "deleted": 0}},
    "customersCount": 1,
    "createdAt": "2026-03-14T01:45:01.717",
    "updatedAt": "2026-03-14T01:45:01.717",
}


def bodies(transport: RecordingTransport) -> list[Any]:
    """Send the recorded GET requests again and return their raw JSON bodies."""
    raw = httpx.Client(transport=httpx.HTTPTransport())
    with raw:
        return [
            raw.send(request).json() for request in transport.requests if request.method == "GET"
        ]


def test_models_dump_raw_json_of_server(make_client: MakeClient, tenant: Tenant) -> None:
    transport = RecordingTransport()
    client = make_client(tenant.admin_token, transport=transport)
    partner = client.create_partner(partner_body("Dumped"))
    customer = client.create_customer(customer_body("Dumped"))

    fetched_partner = client.get_partner(partner.id)
    fetched_customer = client.get_customer(customer.id)
    me = client.me()
    listed = list(client.list_customers())

    raw_partner, raw_customer, raw_me, raw_list = bodies(transport)
    assert fetched_partner.model_dump(by_alias=True, mode="json") == raw_partner
    assert fetched_customer.model_dump(by_alias=True, mode="json") == raw_customer
    assert me.model_dump(by_alias=True, mode="json") == raw_me
    assert [item.model_dump(mode="json") for item in listed] == raw_list
    assert json.loads(fetched_customer.model_dump_json()) == raw_customer


def test_published_partner_dumps_unchanged() -> None:
    partner = Partner.model_validate(PUBLISHED_PARTNER)

    assert partner.model_dump(by_alias=True, mode="json") == PUBLISHED_PARTNER
    assert partner.logo is None
    assert partner.signUpData.comments == "We want to become a SIP Caller partner."


def test_unknown_fields_are_kept() -> None:
    data = copy.deepcopy(PUBLISHED_PARTNER)
    data["resellerTier"] = {"rank": 3}
    data["contactData"]["members"][0]["title"] = "CTO"

    partner = Partner.model_validate(data)

    assert partner.model_extra == {"resellerTier": {"rank": 3}}
    assert partner.contactData.members[0].model_extra == {"title": "CTO"}
    assert partner.model_dump(mode="json") == data


def test_timestamps_are_utc_datetimes() -> None:
    partner = Partner.model_validate(PUBLISHED_PARTNER)

    assert partner.createdAt == dt.datetime(2026, 3, 14, 1, 45, 1, 717000, tzinfo=dt.UTC)
    assert partner.model_dump()["createdAt"] == partner.createdAt


@pytest.mark.parametrize(
    "text", ["2026-03-19T15:35:29.75", "2026-03-19T15:00:00", "2026-03-19T15:35:29.001"]
)
def test_timestamps_dump_in_api_form(text: str) -> None:
    me = Me.model_validate(
        {
            "id": "k",
            "name": "Key",
            "role": "PartnerAdmin",
            "expiresAt": text,
            "account": {"id": "a", "name": "A", "type": "Distributor"},
        }
    )

    assert me.model_dump(mode="json")["expiresAt"] == text


def test_customer_without_service_extension_dumps_unchanged(
    make_client: MakeClient, tenant: Tenant
) -> None:
    client = make_client(tenant.admin_token)
    data = client.create_customer(customer_body("Published")).model_dump(mode="json")
    del data["partnerMemberIdForCustomerSupport"]

    customer = Customer.model_validate(data)

    assert customer.partnerMemberIdForCustomerSupport is None
    assert customer.model_dump(mode="json") == data
