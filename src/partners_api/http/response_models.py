"""Pydantic models of the JSON bodies that the routes send, and the documented responses
built from them, for the OpenAPI document only.

The routes build plain dicts (``domain/views.py``, ``domain/apikeys.py``) and serialise
them with orjson, so no request passes through these models. They are named in the
``responses`` of the routes, never as ``response_model``, which would validate every
response again. Field names and order follow the dicts exactly, and the tests check
real responses against the schemas generated from these models.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field
from pydantic.config import JsonDict
from pydantic.json_schema import SkipJsonSchema

from partners_api.domain.enums import AccountType, CustomerState, OriginType, PartnerState, Role
from partners_api.domain.views import zero_customer_counters
from partners_api.exceptions import PartnersAPIError
from partners_api.http.errors import PROBLEM_TYPE_BASE

# Milliseconds take one to three digits, the last one not zero, and a whole second has none.
TIMESTAMP_PATTERN = r"^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}(\.[0-9]{0,2}[1-9])?$"

Timestamp = Annotated[
    str,
    Field(
        description=(
            "UTC time in ISO 8601 without an offset, such as 2026-03-19T15:35:29.75. "
            "Milliseconds are given with trailing zeros dropped, and a whole second has "
            "no fraction."
        ),
        pattern=TIMESTAMP_PATTERN,
    ),
]
Id = Annotated[
    str,
    Field(
        description="UUID, lower-case and hyphenated. This service creates version 7 UUIDs.",
        json_schema_extra={"format": "uuid"},
    ),
]
Count = Annotated[int, Field(ge=0)]


def _drop_default(schema: JsonDict) -> None:
    schema.pop("default", None)


def optional_key(description: str) -> Any:
    """Declare a field whose key is absent or has a value, but is never null in the JSON.

    The field's type must be ``X | SkipJsonSchema[None]``, so that the schema shows X only.
    """
    return Field(default=None, description=description, json_schema_extra=_drop_default)


# Response examples: those of the SIP Caller Partners REST API reference, plus the keys that
# this service always sends (logo, partnerMemberIdForCustomerSupport).


def _member_example(member_id: str, email: str, phone: str, role: str) -> dict[str, Any]:
    return {
        "id": member_id,
        "name": "John Doe",
        "email": email,
        "phoneNumber": phone,
        "languageId": "en",
        "timeZoneId": "US/Eastern",
        "roles": [role],
    }


PARTNER_EXAMPLE: dict[str, Any] = {
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
            _member_example(
                "019cea04-b016-75ea-8b2f-a87a96005e82",
                "john.doe@acme.example.com",
                "+1 234 555-0002",
                "PartnerAdmin",
            )
        ],
    },
    "logo": None,
    "counters": {"apiKeys": {"created": 0, "deleted": 0}},
    "customersCount": 1,
    "createdAt": "2026-03-14T01:45:01.717",
    "updatedAt": "2026-03-14T01:45:01.717",
}

CUSTOMER_EXAMPLE: dict[str, Any] = {
    "id": "019d06bc-cce2-7310-99b4-fc67f0090456",
    "name": "Example Customer",
    "countryId": "us",
    "state": "Trialing",
    "planId": "ent-4sc-y",
    "ownerType": "Customer",
    "signUpData": {"originType": "PartnerApiKey", "websiteUrl": "https://customer.example.com"},
    "contactData": {
        "members": [
            _member_example(
                "019d06bc-ccea-7ad7-b6bd-76bb684636fd",
                "john.doe@customer.example.com",
                "+1 234 555-0001",
                "AccountAdmin",
            )
        ]
    },
    "partner": {
        "id": "019cea04-b00f-76a3-b584-025a91dc697f",
        "name": "Example Partner",
        "type": "Partner",
    },
    "partnerMemberIdForCustomerSupport": None,
    "counters": zero_customer_counters(),
    "ttsUsage": {
        "monthlyPeriod": {"startAt": "2026-03-19T15:00:00", "endAt": "2026-04-19T15:00:00"},
        "maxChars": 1500000,
        "usedChars": 0,
        "isLimitReached": False,
        "usageDetails": [],
    },
    "createdAt": "2026-03-19T15:35:29.75",
    "updatedAt": "2026-03-19T15:35:29.75",
}

ME_EXAMPLE: dict[str, Any] = {
    "id": "019d0cfc-19eb-7017-8166-f007ebfbe70d",
    "name": "PartnerAdmin key",
    "role": "PartnerAdmin",
    "expiresAt": None,
    "account": {
        "id": "019cea04-b00f-76a3-b584-025a91dc697e",
        "name": "Distributor Name",
        "type": "Distributor",
    },
}


class _Body(BaseModel):
    # Attribute docstrings become the field descriptions, and titles keep the JSON names.
    model_config = ConfigDict(
        use_attribute_docstrings=True, field_title_generator=lambda name, _info: name
    )


class PublicContact(_Body):
    """Public contact data of an account. Each field is null when it was never set."""

    web: str | None
    email: str | None
    phone: str | None


class Parent(_Body):
    """The distributor above a partner."""

    id: Id
    name: str
    type: Literal["Distributor"]
    contactData: PublicContact


class _MemberBase(_Body):
    id: Id
    name: str
    """First and last name, separated by one space."""
    email: str
    """Email address, unique across all members of all accounts, ignoring case."""
    phoneNumber: str | None
    """Phone number in international form, or null when none was given."""
    languageId: str
    """ISO 639-1 language code in lower case."""
    timeZoneId: str
    """IANA time zone name."""


class Member(_MemberBase):
    """A person of a partner account."""

    roles: list[Role]


class CustomerMember(_MemberBase):
    """A person of a customer account."""

    roles: list[Literal["AccountAdmin"]]


class SignUpData(_Body):
    """Origin of the account's sign-up."""

    originType: OriginType
    """PartnerApiKey for accounts created through this API."""
    comments: str | SkipJsonSchema[None] = optional_key(
        "Comments of a sign-up through the web site. Accounts created by this service do "
        "not have the field."
    )
    websiteUrl: str | None = None
    """Web site of a customer, null when the request gave none. Partners created by this
    service do not have the field."""


class PartnerContactData(_Body):
    public: PublicContact
    members: list[Member]
    """The partner's people. The person named in the creation request is the first, with
    the role PartnerAdmin."""


class Logo(_Body):
    """The partner's logo file and the maximum height to show it at, in pixels."""

    file: str
    maxHeight: int | None


class CreatedDeleted(_Body):
    created: Count
    deleted: Count


class PartnerCounters(_Body):
    apiKeys: CreatedDeleted
    """API keys of the partner created and revoked so far."""


class Partner(_Body):
    """A partner of the calling distributor."""

    model_config = ConfigDict(json_schema_extra={"examples": [PARTNER_EXAMPLE]})

    id: Id
    name: str
    type: Literal["Partner"]
    code: str
    """Unique code of 2 to 63 lower-case letters, digits and hyphens."""
    countryIds: list[str]
    """ISO 3166-1 alpha-2 country codes in lower case."""
    state: PartnerState
    level: str
    """One of the partner levels configured on the server (Basic and Certified unless
    PARTNERS_API_PARTNER_LEVELS sets others)."""
    parent: Parent
    signUpData: SignUpData
    contactData: PartnerContactData
    logo: Logo | None = None
    """This service always sends the field, null when the partner has no logo."""
    counters: PartnerCounters
    customersCount: Count
    """Customers owned by the partner itself."""
    createdAt: Timestamp
    updatedAt: Timestamp


class DialerCounts(_Body):
    powerDialer: Count
    predictiveDialer: Count
    progressiveDialer: Count


class CampaignCounters(_Body):
    created: Count
    deleted: Count
    activated: DialerCounts
    """Campaigns activated so far, by dialer."""


class WebhookEventCounters(_Body):
    created: Count
    delivered: Count


class DialerCallCounts(_Body):
    answer: Count
    noAnswer: Count
    busy: Count
    callError: Count


class AgentAnswerCounts(_Body):
    numberConnected: Count
    numberNotConnected: Count
    numberConnectionUnknown: Count
    numberNotCalled: Count


class ProgressiveDialerCallCounts(_Body):
    agentAnswer: AgentAnswerCounts
    """Calls that the agent answered, by what happened to the call to the number."""
    agentNoAnswer: Count
    agentBusy: Count
    agentCallError: Count


class CallCounters(_Body):
    powerDialer: DialerCallCounts
    predictiveDialer: DialerCallCounts
    progressiveDialer: ProgressiveDialerCallCounts


class CustomerCounters(_Body):
    """Usage counters of a customer. This service creates them at zero and never changes
    them."""

    phoneSystems: CreatedDeleted
    callflows: CreatedDeleted
    campaigns: CampaignCounters
    apiKeys: CreatedDeleted
    webhookEndpoints: CreatedDeleted
    webhookEvents: WebhookEventCounters
    calls: CallCounters


class MonthlyPeriod(_Body):
    """The current monthly period. Periods start at the creation time truncated to the
    hour and follow each other by calendar months."""

    startAt: Timestamp
    endAt: Timestamp


class TtsUsage(_Body):
    """Text-to-speech characters used in the current monthly period."""

    monthlyPeriod: MonthlyPeriod
    maxChars: Count
    usedChars: Count
    isLimitReached: bool
    """True when usedChars is at least maxChars."""
    usageDetails: list[dict[str, Any]]
    """Always empty: this service keeps no per-use records."""


class AccountRef(_Body):
    """An account by id, name and type."""

    id: Id
    name: str
    type: AccountType


class CustomerContactData(_Body):
    members: list[CustomerMember]
    """The customer's people. The person named in the creation request has the role
    AccountAdmin."""


class Customer(_Body):
    """A customer of the calling partner or distributor, or of one of its partners."""

    model_config = ConfigDict(json_schema_extra={"examples": [CUSTOMER_EXAMPLE]})

    id: Id
    name: str
    countryId: str
    """ISO 3166-1 alpha-2 country code in lower case."""
    state: CustomerState
    planId: str
    """New customers get the trial plan configured on the server, ent-4sc-y by default."""
    ownerType: Literal["Customer"]
    signUpData: SignUpData
    contactData: CustomerContactData
    partner: AccountRef
    """The partner or distributor that owns the customer."""
    partnerMemberIdForCustomerSupport: Id | None = None
    """Member of the owner who supports the customer. This service always sends the
    field, null when the creation request named no member."""
    counters: CustomerCounters
    ttsUsage: TtsUsage
    createdAt: Timestamp
    updatedAt: Timestamp


class Me(_Body):
    """The API key that sent the request."""

    model_config = ConfigDict(json_schema_extra={"examples": [ME_EXAMPLE]})

    id: Id
    name: str
    role: Role
    """PartnerReader may read partners and customers, PartnerAdmin may also create them."""
    expiresAt: Timestamp | None
    """Null when the key does not expire."""
    account: AccountRef
    """The partner or distributor account the key belongs to."""


class Problem(_Body):
    """An error, as an RFC 9457 problem details object."""

    type: str = Field(json_schema_extra={"format": "uri"})
    """https://api.sipcaller.com/problems/ followed by a slug: bad-request, unauthorized,
    forbidden, not-found, conflict, content-too-large, unsupported-media-type,
    validation-error, service-unavailable or internal-error, or http-<status> for other
    HTTP errors such as http-405."""
    title: str
    """The HTTP reason phrase of the status."""
    status: int
    detail: str
    """Explanation of the error and of how to fix it."""
    message: str
    """The same text as detail, for clients such as react-admin that show message."""
    requestId: str | None
    """The X-Request-ID of the response, to quote to support."""
    errors: dict[str, str] | SkipJsonSchema[None] = optional_key(
        "One message per invalid item, keyed by its dotted path: a body field such as "
        "contactData.email, body for the body as a whole, or filter.<key>, sort or range for "
        "list parameters. Absent when the error concerns no single item."
    )


class Health(_Body):
    """The process is running."""

    status: Literal["ok"]


class Readiness(_Body):
    """The process is running and its database responds to queries."""

    status: Literal["ok"]
    database: Literal["reachable"]


# Documented responses: headers, and the response objects of the OpenAPI operations


def header(description: str, schema_type: str = "string") -> dict[str, Any]:
    schema: dict[str, Any] = {"type": schema_type}
    if schema_type == "integer":
        schema["minimum"] = 0
    return {"description": description, "schema": schema}


REQUEST_ID_HEADER = header(
    "The X-Request-ID of the request when it has 1 to 200 printable ASCII characters and "
    "no spaces, else a new UUID. Every response has it."
)
TOTAL_COUNT_HEADER = header("Number of items that match the filter, over all pages.", "integer")
WWW_AUTHENTICATE_HEADER = header(
    'The challenge `Bearer realm="SIP Caller Partners API"`, followed by '
    '`, error="invalid_token"` when a token was sent but is not a valid key.'
)
RETRY_AFTER_HEADER = header("Seconds to wait before retrying.", "integer")


def list_headers(resource: str) -> dict[str, Any]:
    content_range = header(
        f"Zero-based positions of the returned items and the total, such as "
        f"`{resource} 0-24/1234`, or `{resource} */1234` when the page is empty."
    )
    return {"Content-Range": content_range, "X-Total-Count": TOTAL_COUNT_HEADER}


def location_header(resource: str) -> dict[str, Any]:
    return {"Location": header(f"Path of the new object, such as `/v1/{resource}/<id>`.")}


def success_response(
    description: str, model: Any, headers: Mapping[str, Any] | None = None
) -> dict[str, Any]:
    """Document a 2xx response whose body ``model`` describes, for a route's ``responses``."""
    return {
        "description": description,
        "model": model,
        "headers": {"X-Request-ID": REQUEST_ID_HEADER, **(headers or {})},
    }


def problem_response(
    error: type[PartnersAPIError],
    description: str,
    detail: str,
    errors: Mapping[str, str] | None = None,
    headers: Mapping[str, Any] | None = None,
) -> dict[str, Any]:
    """Document an error response with the status of ``error`` and an example body."""
    example: dict[str, Any] = {
        "type": PROBLEM_TYPE_BASE + error.type_slug,
        "title": error.title,
        "status": error.status,
        "detail": detail,
        "message": detail,
        "requestId": "5f0c6f7e-3c1a-4b8e-9d2a-7c4e1b9a0d31",
    }
    if errors:
        example["errors"] = dict(errors)
    media_type = {"schema": {"$ref": "#/components/schemas/Problem"}, "example": example}
    return {
        "description": description,
        "headers": {"X-Request-ID": REQUEST_ID_HEADER, **(headers or {})},
        "content": {"application/problem+json": media_type},
    }
