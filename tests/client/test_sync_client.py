"""PartnersClient against a real server: me, get and create, with Idempotency-Key."""

from __future__ import annotations

import uuid

import pytest

from partners_api.client import ConflictError, Customer, Partner, PartnersClient, ValidationError
from tests.api.server_process import Server
from tests.client.conftest import MakeClient, RecordingTransport
from tests.client.seeding import Tenant, customer_body, partner_body


def test_me_returns_key_and_account(make_client: MakeClient, tenant: Tenant) -> None:
    client = make_client(tenant.reader_token)

    me = client.me()

    assert me.role == "PartnerReader"
    assert me.expiresAt is None
    assert me.account.id == tenant.distributor_id
    assert me.account.type == "Distributor"


def test_create_partner_then_get(make_client: MakeClient, tenant: Tenant) -> None:
    client = make_client(tenant.admin_token)
    body = {
        **partner_body("Created"),
        "contactData": {"web": "https://created.example.com", "phone": "+1 234 555-0000"},
        "logo": {"file": "created.png"},
    }

    created = client.create_partner(body)
    fetched = client.get_partner(created.id)

    assert isinstance(created, Partner)
    assert fetched == created
    assert created.code == body["code"]
    assert created.countryIds == ["us", "ca"]
    assert created.parent.id == tenant.distributor_id
    assert created.contactData.public.web == "https://created.example.com"
    assert created.contactData.members[0].phoneNumber == "+1 234 555-0000"
    assert created.logo is not None
    assert created.logo.maxHeight is None
    assert created.createdAt == created.updatedAt


def test_create_customer_for_partner_then_get(make_client: MakeClient, tenant: Tenant) -> None:
    client = make_client(tenant.admin_token)
    partner = client.get_partner(tenant.partner_id)
    support = partner.contactData.members[0].id
    body = {
        **customer_body("Owned"),
        "partnerId": tenant.partner_id,
        "partnerMemberIdForCustomerSupport": support,
        "websiteUrl": "https://owned.example.com",
    }

    created = client.create_customer(body)
    fetched = client.get_customer(created.id)

    assert isinstance(created, Customer)
    assert fetched == created
    assert created.partner.id == tenant.partner_id
    assert created.partnerMemberIdForCustomerSupport == support
    assert created.signUpData.websiteUrl == "https://owned.example.com"
    assert created.contactData.members[0].roles == ["AccountAdmin"]
    assert created.ttsUsage.isLimitReached is False


def test_partner_key_creates_own_customer(make_client: MakeClient, tenant: Tenant) -> None:
    client = make_client(tenant.partner_admin_token)

    created = client.create_customer(customer_body("Partner Owned"))
    listed = list(client.list_customers())

    assert created.partner.id == tenant.partner_id
    assert listed == [created]


def test_create_sends_new_uuid4_key_each_time(make_client: MakeClient, tenant: Tenant) -> None:
    transport = RecordingTransport()
    client = make_client(tenant.admin_token, transport=transport)

    first = client.create_customer_result(customer_body("Key One"))
    second = client.create_customer_result(customer_body("Key Two"))

    keys = [request.headers["Idempotency-Key"] for request in transport.requests]
    assert keys == [first.idempotency_key, second.idempotency_key]
    assert keys[0] != keys[1]
    assert all(uuid.UUID(key).version == 4 for key in keys)
    assert first.request_id
    assert first.request_id != second.request_id


def test_same_key_and_body_replays_create(make_client: MakeClient, tenant: Tenant) -> None:
    client = make_client(tenant.admin_token)
    body = customer_body("Replayed")

    first = client.create_customer_result(body, idempotency_key="import-row-1")
    again = client.create_customer_result(body, idempotency_key="import-row-1")

    assert first.replayed is False
    assert again.replayed is True
    assert again.item == first.item
    assert again.request_id != first.request_id
    assert client.list_customers_page(filter={"name": first.item.name}).total == 1


def test_same_key_other_body_raises_validation_error(
    make_client: MakeClient, tenant: Tenant
) -> None:
    client = make_client(tenant.admin_token)
    client.create_customer(customer_body("First Body"), idempotency_key="reused-key")

    with pytest.raises(ValidationError) as caught:
        client.create_customer(customer_body("Second Body"), idempotency_key="reused-key")

    assert list(caught.value.errors) == ["Idempotency-Key"]


def test_replayed_conflict_is_raised_again(make_client: MakeClient, tenant: Tenant) -> None:
    client = make_client(tenant.admin_token)
    body = customer_body("Twice")
    client.create_customer(body)
    duplicate = {**body, "customerName": "Duplicate"}

    with pytest.raises(ConflictError):
        client.create_customer(duplicate, idempotency_key="duplicate-email")
    with pytest.raises(ConflictError) as caught:
        client.create_customer(duplicate, idempotency_key="duplicate-email")

    assert list(caught.value.errors) == ["email"]


def test_empty_idempotency_key_raises(make_client: MakeClient, tenant: Tenant) -> None:
    client = make_client(tenant.admin_token)

    with pytest.raises(ValueError, match="idempotency_key must not be empty"):
        client.create_customer(customer_body("Empty Key"), idempotency_key="")


def test_empty_id_raises(make_client: MakeClient, tenant: Tenant) -> None:
    client = make_client(tenant.admin_token)

    with pytest.raises(ValueError, match="the id must not be empty"):
        client.get_partner("")


def test_requests_carry_user_agent_and_token(
    make_client: MakeClient, tenant: Tenant, server: Server
) -> None:
    transport = RecordingTransport()
    client = make_client(tenant.admin_token, transport=transport)
    custom = PartnersClient(
        server.base_url, tenant.admin_token, transport=transport, user_agent="onboarding/2.1"
    )

    client.me()
    with custom:
        custom.me()

    default_agent, custom_agent = (request.headers["User-Agent"] for request in transport.requests)
    assert default_agent.startswith("partners-api-client/")
    assert custom_agent == "onboarding/2.1"
    assert transport.requests[0].headers["Authorization"] == f"Bearer {tenant.admin_token}"
