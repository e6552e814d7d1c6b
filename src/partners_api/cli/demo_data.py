"""The fixed records of the demo database.

The distributor, ACME, "Example Partner", "Example Customer" and "Example Reseller"
carry the ids, names and timestamps that the Partners API reference uses in its
examples, so the example requests of GET and POST /v1/partners and /v1/customers run
unchanged against the demo. The other records give the list filters and paging
something to show. Timestamps are naive UTC.
"""

from __future__ import annotations

import datetime as dt
import uuid
from dataclasses import dataclass

from partners_api.domain.enums import AccountType, CustomerState, OriginType, PartnerState

DISTRIBUTOR_ID = uuid.UUID("019cea04-b00f-76a3-b584-025a91dc697e")
ACME_ID = uuid.UUID("019cea04-b015-7f54-a7dd-6e5c198f15a9")
EXAMPLE_PARTNER_ID = uuid.UUID("019cea04-b00f-76a3-b584-025a91dc697f")
EXAMPLE_RESELLER_ID = uuid.UUID("019cea04-b002-7271-be0b-3fdbbc483ab9")
EXAMPLE_RESELLER_MEMBER_ID = uuid.UUID("019cea04-b005-73e2-9d0f-8ccf53da5c0c")
EXAMPLE_CUSTOMER_ID = uuid.UUID("019d06bc-cce2-7310-99b4-fc67f0090456")

# Member emails are unique across all accounts and customers, and the reference's
# POST /customers example creates john.doe@customer.example.com, so the demo's
# "Example Customer" member uses another address.
EXAMPLE_CUSTOMER_MEMBER_EMAIL = "john.doe@example-customer.example.com"


def _at(text: str) -> dt.datetime:
    return dt.datetime.fromisoformat(text)


@dataclass(frozen=True)
class DemoMember:
    id: str
    first_name: str
    last_name: str
    email: str
    phone_number: str | None = None
    language_id: str = "en"
    time_zone_id: str = "US/Eastern"


@dataclass(frozen=True)
class DemoAccount:
    id: uuid.UUID
    type: AccountType
    parent_id: uuid.UUID | None
    name: str
    code: str
    country_ids: list[str]
    state: PartnerState
    level: str
    sign_up_data: dict[str, str]
    contact_data: dict[str, str]
    created_at: dt.datetime
    member: DemoMember


@dataclass(frozen=True)
class DemoCustomer:
    id: str
    partner_id: uuid.UUID
    name: str
    country_id: str
    state: CustomerState
    plan_id: str
    sign_up_data: dict[str, str]
    created_at: dt.datetime
    member: DemoMember
    support_member_id: uuid.UUID | None = None
    # None means the customer has used all of its monthly characters.
    tts_used_chars: int | None = 0


# Parents come before their partners, because accounts.parent_id is a foreign key.
ACCOUNTS = (
    DemoAccount(
        id=DISTRIBUTOR_ID,
        type=AccountType.DISTRIBUTOR,
        parent_id=None,
        name="Distributor Name",
        code="distributor-name",
        country_ids=["us"],
        state=PartnerState.ACTIVE,
        level="Basic",
        sign_up_data={"originType": OriginType.OPERATOR_CLI.value},
        contact_data={
            "web": "https://distributor.example.com",
            "email": "sales@distributor.example.com",
            "phone": "+1 234 555 0000",
        },
        created_at=_at("2026-03-14T01:45:01.711"),
        member=DemoMember(
            "019cea04-b00f-76a9-838b-31a9857ad19a",
            "Dana",
            "Reed",
            "dana.reed@distributor.example.com",
            "+1 234 555 0003",
        ),
    ),
    DemoAccount(
        id=ACME_ID,
        type=AccountType.PARTNER,
        parent_id=DISTRIBUTOR_ID,
        name="ACME",
        code="acme",
        country_ids=["us"],
        state=PartnerState.ACTIVE,
        level="Basic",
        sign_up_data={
            "comments": "We want to become a SIP Caller partner.",
            "originType": OriginType.HOME_SITE.value,
            "websiteUrl": "https://acme.example.com",
        },
        contact_data={
            "web": "https://acme.example.com",
            "email": "sales@acme.example.com",
            "phone": "+1 234-555-0001",
        },
        created_at=_at("2026-03-14T01:45:01.717"),
        member=DemoMember(
            "019cea04-b016-75ea-8b2f-a87a96005e82",
            "John",
            "Doe",
            "john.doe@acme.example.com",
            "+1 234 555-0002",
        ),
    ),
    # Its code and member email differ from "example-partner" and
    # john.doe@partner.example.com, which the reference's POST /partners example creates.
    DemoAccount(
        id=EXAMPLE_PARTNER_ID,
        type=AccountType.PARTNER,
        parent_id=DISTRIBUTOR_ID,
        name="Example Partner",
        code="example-partner-east",
        country_ids=["us", "ca"],
        state=PartnerState.ACTIVE,
        level="Basic",
        sign_up_data={"originType": OriginType.PARTNER_CONSOLE.value},
        contact_data={"web": "https://east.partner.example.com"},
        created_at=_at("2026-03-14T01:45:01.711"),
        member=DemoMember(
            "019cea04-b00f-756c-a76a-13c9f1b26476",
            "Paul",
            "Martin",
            "paul.martin@east.partner.example.com",
        ),
    ),
    DemoAccount(
        id=EXAMPLE_RESELLER_ID,
        type=AccountType.PARTNER,
        parent_id=DISTRIBUTOR_ID,
        name="Example Reseller",
        code="example-reseller",
        country_ids=["us"],
        state=PartnerState.ACTIVE,
        level="Certified",
        sign_up_data={"originType": OriginType.PARTNER_API_KEY.value},
        contact_data={
            "web": "https://reseller.example.com",
            "email": "sales@reseller.example.com",
            "phone": "+1 234 555 0004",
        },
        created_at=_at("2026-03-14T01:45:01.698"),
        member=DemoMember(
            str(EXAMPLE_RESELLER_MEMBER_ID),
            "Rachel",
            "Kim",
            "rachel.kim@reseller.example.com",
            "+1 234 555 0005",
            time_zone_id="America/Chicago",
        ),
    ),
    DemoAccount(
        id=uuid.UUID("019cb2c4-68e1-70d7-bbfd-1da37c73920e"),
        type=AccountType.PARTNER,
        parent_id=DISTRIBUTOR_ID,
        name="Globex",
        code="globex",
        country_ids=["ca", "us"],
        state=PartnerState.PENDING,
        level="Certified",
        sign_up_data={
            "comments": "We resell call-center software in Canada.",
            "originType": OriginType.HOME_SITE.value,
            "websiteUrl": "https://globex.example.com",
        },
        contact_data={"web": "https://globex.example.com", "email": "sales@globex.example.com"},
        created_at=_at("2026-03-03T08:15:42.305"),
        member=DemoMember(
            "019cb2c4-68e1-7884-a2be-50c23b53890d",
            "Henry",
            "Scott",
            "henry.scott@globex.example.com",
            time_zone_id="America/Toronto",
        ),
    ),
    DemoAccount(
        id=uuid.UUID("019ccd8a-7fe4-7f1c-8002-b2908623024d"),
        type=AccountType.PARTNER,
        parent_id=DISTRIBUTOR_ID,
        name="Initech",
        code="initech",
        country_ids=["gb", "ie"],
        state=PartnerState.SUSPENDED,
        level="Basic",
        sign_up_data={"originType": OriginType.PARTNER_CONSOLE.value},
        contact_data={"email": "sales@initech.example.com", "phone": "+44 20 7946 0000"},
        created_at=_at("2026-03-08T13:02:11.940"),
        member=DemoMember(
            "019ccd8a-7fe4-7fdc-aa8a-0d3d1f0ab9e0",
            "Olivia",
            "Brown",
            "olivia.brown@initech.example.com",
            "+44 20 7946 0001",
            time_zone_id="Europe/London",
        ),
    ),
    DemoAccount(
        id=uuid.UUID("019d4f4f-307a-7e11-8442-8db803bca50c"),
        type=AccountType.PARTNER,
        parent_id=DISTRIBUTOR_ID,
        name="Umbrella Telecom",
        code="umbrella-telecom",
        country_ids=["ar", "br", "cl"],
        state=PartnerState.ACTIVE,
        level="Certified",
        sign_up_data={"originType": OriginType.PARTNER_API_KEY.value},
        contact_data={"web": "https://umbrella.example.com", "phone": "+54 11 5555 0000"},
        created_at=_at("2026-04-02T17:48:03.066"),
        member=DemoMember(
            "019d4f4f-307a-7ac9-8c1c-3848d2d1c6cb",
            "Lucía",
            "Fernández",
            "lucia.fernandez@umbrella.example.com",
            language_id="es",
            time_zone_id="America/Argentina/Buenos_Aires",
        ),
    ),
)

_UMBRELLA_ID = ACCOUNTS[-1].id
_INITECH_ID = ACCOUNTS[-2].id

CUSTOMERS = (
    DemoCustomer(
        id=str(EXAMPLE_CUSTOMER_ID),
        partner_id=EXAMPLE_PARTNER_ID,
        name="Example Customer",
        country_id="us",
        state=CustomerState.TRIALING,
        plan_id="ent-4sc-y",
        sign_up_data={
            "originType": OriginType.PARTNER_CONSOLE.value,
            "websiteUrl": "https://customer.example.com",
        },
        created_at=_at("2026-03-19T15:35:29.750"),
        member=DemoMember(
            "019d06bc-ccea-7ad7-b6bd-76bb684636fd",
            "John",
            "Doe",
            EXAMPLE_CUSTOMER_MEMBER_EMAIL,
            "+1 234 555-0001",
        ),
    ),
    DemoCustomer(
        id="019cf696-d2e8-70d8-8942-28310c48bfea",
        partner_id=ACME_ID,
        name="Road Runner Logistics",
        country_id="us",
        state=CustomerState.ACTIVE,
        plan_id="ent-4sc-m",
        sign_up_data={"originType": OriginType.PARTNER_CONSOLE.value},
        created_at=_at("2026-03-16T12:20:05.480"),
        member=DemoMember(
            "019cf696-d2e8-755d-ac96-ec1cac801974",
            "Maria",
            "Garcia",
            "maria.garcia@roadrunner.example.com",
            "+1 312 555 0147",
            time_zone_id="America/Chicago",
        ),
        tts_used_chars=42_300,
    ),
    DemoCustomer(
        id="019cd6fe-51b1-727d-b43c-beb0d4889cd3",
        partner_id=EXAMPLE_PARTNER_ID,
        name="Maple Leaf Dental",
        country_id="ca",
        state=CustomerState.ACTIVE,
        plan_id="pro-2sc-y",
        sign_up_data={
            "originType": OriginType.PARTNER_API_KEY.value,
            "websiteUrl": "https://mapleleafdental.example.com",
        },
        created_at=_at("2026-03-10T09:05:17.233"),
        member=DemoMember(
            "019cd6fe-51b1-74bb-a0cf-34dce8e4fb44",
            "Chloe",
            "Tremblay",
            "chloe.tremblay@mapleleafdental.example.com",
            language_id="fr",
            time_zone_id="America/Toronto",
        ),
    ),
    DemoCustomer(
        id="019d5e0c-f440-7fc8-bbec-71bd0dcfc3b5",
        partner_id=_UMBRELLA_ID,
        name="Pampas Call Center",
        country_id="ar",
        state=CustomerState.PAST_DUE,
        plan_id="ent-4sc-y",
        sign_up_data={"originType": OriginType.PARTNER_API_KEY.value},
        created_at=_at("2026-04-05T14:30:00.512"),
        member=DemoMember(
            "019d5e0c-f440-7b0e-a07d-7b359a1e3337",
            "Martín",
            "López",
            "martin.lopez@pampas.example.com",
            "+54 11 5555 0101",
            language_id="es",
            time_zone_id="America/Argentina/Buenos_Aires",
        ),
        tts_used_chars=None,
    ),
    DemoCustomer(
        id="019d67a3-a507-7205-b4c9-fbf2184ea532",
        partner_id=_UMBRELLA_ID,
        name="Rio Outbound",
        country_id="br",
        state=CustomerState.TRIALING,
        plan_id="ent-4sc-y",
        sign_up_data={"originType": OriginType.PARTNER_CONSOLE.value},
        created_at=_at("2026-04-07T11:11:11.111"),
        member=DemoMember(
            "019d67a3-a507-7fa4-aefd-b66c48c08a23",
            "Ana",
            "Souza",
            "ana.souza@rio-outbound.example.com",
            language_id="pt",
            time_zone_id="America/Sao_Paulo",
        ),
    ),
    DemoCustomer(
        id="019cd37d-43d2-7dbe-b320-e2ec2e2d9d46",
        partner_id=_INITECH_ID,
        name="Thames Insurance",
        country_id="gb",
        state=CustomerState.CANCELED,
        plan_id="pro-2sc-m",
        sign_up_data={"originType": OriginType.PARTNER_CONSOLE.value},
        created_at=_at("2026-03-09T16:45:27.890"),
        member=DemoMember(
            "019cd37d-43d2-7f63-a2d4-bcba2f6da243",
            "George",
            "Wilson",
            "george.wilson@thames-insurance.example.com",
            "+44 20 7946 0102",
            time_zone_id="Europe/London",
        ),
    ),
    DemoCustomer(
        id="019d0063-e544-76e2-a0de-a38761dc92a5",
        partner_id=EXAMPLE_RESELLER_ID,
        name="Northwind Support",
        country_id="us",
        state=CustomerState.SUSPENDED,
        plan_id="pro-2sc-m",
        sign_up_data={"originType": OriginType.PARTNER_API_KEY.value},
        created_at=_at("2026-03-18T10:00:40.004"),
        member=DemoMember(
            "019d0063-e544-7c90-bb94-80c1e0e58467",
            "Emma",
            "Davis",
            "emma.davis@northwind.example.com",
            time_zone_id="America/Chicago",
        ),
        support_member_id=EXAMPLE_RESELLER_MEMBER_ID,
    ),
    # A customer that the distributor owns itself.
    DemoCustomer(
        id="019d241e-519f-7705-8327-3d4014ce78d5",
        partner_id=DISTRIBUTOR_ID,
        name="Contoso Collections",
        country_id="us",
        state=CustomerState.ACTIVE,
        plan_id="ent-4sc-y",
        sign_up_data={"originType": OriginType.PARTNER_API_KEY.value},
        created_at=_at("2026-03-25T08:30:59.999"),
        member=DemoMember(
            "019d241e-519f-71c6-94b5-194ed28eb862",
            "Liam",
            "Miller",
            "liam.miller@contoso.example.com",
            "+1 646 555 0199",
        ),
    ),
    # Matches the filter of the reference's GET /v1/customers example: its name contains
    # "Customer Name", and it is a Trialing ent-4sc-y customer in ar created in March 2026.
    DemoCustomer(
        id="019d0f3a-6c21-7b4e-9a53-2e7d81c4f0a6",
        partner_id=EXAMPLE_RESELLER_ID,
        name="Customer Name S.A.",
        country_id="ar",
        state=CustomerState.TRIALING,
        plan_id="ent-4sc-y",
        sign_up_data={
            "originType": OriginType.PARTNER_API_KEY.value,
            "websiteUrl": "https://customer-name.example.com",
        },
        created_at=_at("2026-03-21T10:12:44.120"),
        member=DemoMember(
            "019d0f3a-6c21-7f10-8d4a-5b9e0c3a71d2",
            "Sofía",
            "Ruiz",
            "sofia.ruiz@customer-name.example.com",
            "+54 11 5555 0188",
            language_id="es",
            time_zone_id="America/Argentina/Buenos_Aires",
        ),
    ),
)
