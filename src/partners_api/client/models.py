"""Pydantic models of the objects that the API returns: ``Partner``, ``Customer`` and ``Me``.

Attribute names are the API's JSON field names, camelCase included (``customer.countryId``,
``partner.contactData.members[0].email``), so there are no aliases, and
``model.model_dump(mode="json")`` (with or without ``by_alias=True``) returns the JSON that
the API sent:

- Fields that the API does not document are kept, because every model allows extra
  fields, and they are dumped again in their place.
- Keys that the API sends only in some cases (``signUpData.comments``, ``logo``) are
  dumped only when the response had them.
- Timestamps are ``datetime`` objects in UTC (with ``tzinfo``). In JSON mode they are
  dumped in the API's form: no offset, and milliseconds without trailing zeros.
- Enumerated values such as ``state``, ``level`` and ``role`` are plain strings, so that a
  value that a newer server adds does not break an older client.
"""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any, ClassVar

from pydantic import (
    AfterValidator,
    BaseModel,
    ConfigDict,
    PlainSerializer,
    SerializerFunctionWrapHandler,
    model_serializer,
)


def _as_utc(value: dt.datetime) -> dt.datetime:
    # The API sends UTC times without an offset.
    if value.tzinfo is None:
        return value.replace(tzinfo=dt.UTC)
    return value.astimezone(dt.UTC)


def _format_timestamp(value: dt.datetime) -> str:
    if value.tzinfo is not None:
        value = value.astimezone(dt.UTC).replace(tzinfo=None)
    text = value.replace(microsecond=0).isoformat()
    if value.microsecond:
        text += "." + f"{value.microsecond:06d}".rstrip("0")
    return text


Timestamp = Annotated[
    dt.datetime,
    AfterValidator(_as_utc),
    PlainSerializer(_format_timestamp, return_type=str, when_used="json"),
]
"""A UTC time, such as ``2026-03-19T15:35:29.75`` in the JSON."""


class APIModel(BaseModel):
    """Base of the response models: extra fields are kept, optional keys dumped only if sent."""

    model_config = ConfigDict(extra="allow")

    # Fields whose key the API leaves out in some responses. They default to None and are
    # dumped only when the response contained them, so that a dump returns the same keys.
    optional_keys: ClassVar[frozenset[str]] = frozenset()

    @model_serializer(mode="wrap")
    def _drop_absent_optional_keys(self, handler: SerializerFunctionWrapHandler) -> Any:
        data = handler(self)
        if isinstance(data, dict):
            for name in self.optional_keys - self.model_fields_set:
                data.pop(name, None)
        return data


class PublicContact(APIModel):
    """Public contact data of an account; each field is None when never set."""

    web: str | None
    email: str | None
    phone: str | None


class Parent(APIModel):
    """The distributor above a partner."""

    id: str
    name: str
    type: str
    contactData: PublicContact


class Member(APIModel):
    """A person of a partner or customer account."""

    id: str
    name: str
    email: str
    phoneNumber: str | None
    languageId: str
    timeZoneId: str
    roles: list[str]


class SignUpData(APIModel):
    """Origin of the account's sign-up.

    ``comments`` and ``websiteUrl`` are sent for some accounts only.
    """

    optional_keys = frozenset({"comments", "websiteUrl"})

    originType: str
    comments: str | None = None
    websiteUrl: str | None = None


class PartnerContactData(APIModel):
    """Public contact data and people of a partner."""

    public: PublicContact
    members: list[Member]


class Logo(APIModel):
    """A partner's logo file and the height to show it at, in pixels."""

    file: str
    maxHeight: int | None


class CreatedDeleted(APIModel):
    """Counts of objects created and deleted."""

    created: int
    deleted: int


class PartnerCounters(APIModel):
    """Usage counters of a partner."""

    apiKeys: CreatedDeleted


class Partner(APIModel):
    """A partner of the calling distributor."""

    optional_keys = frozenset({"logo"})

    id: str
    name: str
    type: str
    code: str
    countryIds: list[str]
    state: str
    level: str
    parent: Parent
    signUpData: SignUpData
    contactData: PartnerContactData
    logo: Logo | None = None
    counters: PartnerCounters
    customersCount: int
    createdAt: Timestamp
    updatedAt: Timestamp


class AccountRef(APIModel):
    """An account by id, name and type (``Distributor`` or ``Partner``)."""

    id: str
    name: str
    type: str


class CustomerContactData(APIModel):
    """People of a customer."""

    members: list[Member]


class DialerCounts(APIModel):
    """A count per dialer."""

    powerDialer: int
    predictiveDialer: int
    progressiveDialer: int


class CampaignCounters(APIModel):
    """Campaigns created, deleted and activated per dialer."""

    created: int
    deleted: int
    activated: DialerCounts


class WebhookEventCounters(APIModel):
    """Webhook events created and delivered."""

    created: int
    delivered: int


class DialerCallCounts(APIModel):
    """Calls of a power or predictive dialer, by outcome."""

    answer: int
    noAnswer: int
    busy: int
    callError: int


class AgentAnswerCounts(APIModel):
    """Progressive dialer calls that the agent answered, by outcome of the number's call."""

    numberConnected: int
    numberNotConnected: int
    numberConnectionUnknown: int
    numberNotCalled: int


class ProgressiveDialerCallCounts(APIModel):
    """Calls of the progressive dialer, by outcome."""

    agentAnswer: AgentAnswerCounts
    agentNoAnswer: int
    agentBusy: int
    agentCallError: int


class CallCounters(APIModel):
    """Calls per dialer."""

    powerDialer: DialerCallCounts
    predictiveDialer: DialerCallCounts
    progressiveDialer: ProgressiveDialerCallCounts


class CustomerCounters(APIModel):
    """Usage counters of a customer."""

    phoneSystems: CreatedDeleted
    callflows: CreatedDeleted
    campaigns: CampaignCounters
    apiKeys: CreatedDeleted
    webhookEndpoints: CreatedDeleted
    webhookEvents: WebhookEventCounters
    calls: CallCounters


class MonthlyPeriod(APIModel):
    """The text-to-speech usage period that contains the time of the request."""

    startAt: Timestamp
    endAt: Timestamp


class TtsUsage(APIModel):
    """Text-to-speech characters allowed and used in the current period."""

    monthlyPeriod: MonthlyPeriod
    maxChars: int
    usedChars: int
    isLimitReached: bool
    usageDetails: list[dict[str, Any]]


class Customer(APIModel):
    """A customer of the calling account or of one of its partners."""

    optional_keys = frozenset({"partnerMemberIdForCustomerSupport"})

    id: str
    name: str
    countryId: str
    state: str
    planId: str
    ownerType: str
    signUpData: SignUpData
    contactData: CustomerContactData
    partner: AccountRef
    partnerMemberIdForCustomerSupport: str | None = None
    counters: CustomerCounters
    ttsUsage: TtsUsage
    createdAt: Timestamp
    updatedAt: Timestamp


class Me(APIModel):
    """The calling API key: its id, name, role, expiry and account."""

    id: str
    name: str
    role: str
    expiresAt: Timestamp | None
    account: AccountRef
