"""Enumerations whose string values appear in the API's JSON."""

from __future__ import annotations

from enum import StrEnum


class AccountType(StrEnum):
    DISTRIBUTOR = "Distributor"
    PARTNER = "Partner"


class PartnerState(StrEnum):
    PENDING = "Pending"
    ACTIVE = "Active"
    SUSPENDED = "Suspended"


class CustomerState(StrEnum):
    TRIALING = "Trialing"
    ACTIVE = "Active"
    PAST_DUE = "PastDue"
    SUSPENDED = "Suspended"
    CANCELED = "Canceled"


class Role(StrEnum):
    """Role of an API key, and of a partner or distributor member."""

    PARTNER_ADMIN = "PartnerAdmin"
    PARTNER_READER = "PartnerReader"


CUSTOMER_MEMBER_ROLE = "AccountAdmin"


class OriginType(StrEnum):
    """Channel through which an account signed up: ``signUpData.originType`` in the JSON."""

    PARTNER_API_KEY = "PartnerApiKey"
    PARTNER_CONSOLE = "PartnerConsole"
    HOME_SITE = "HomeSite"
    OPERATOR_CLI = "OperatorCli"
