"""The JSON representations of accounts and customers, field for field as the API
document's examples show them."""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Mapping, Sequence
from typing import Any

from partners_api.domain.clock import format_timestamp, tts_monthly_period

JSON = dict[str, Any]
Row = Mapping[Any, Any]

_CONTACT_FIELDS = ("web", "email", "phone")


def zero_customer_counters() -> JSON:
    """Return the counters of a new customer: every documented counter at zero."""

    def created_deleted() -> JSON:
        return {"created": 0, "deleted": 0}

    def dialer_calls() -> JSON:
        return {"answer": 0, "noAnswer": 0, "busy": 0, "callError": 0}

    return {
        "phoneSystems": created_deleted(),
        "callflows": created_deleted(),
        "campaigns": {
            **created_deleted(),
            "activated": {"powerDialer": 0, "predictiveDialer": 0, "progressiveDialer": 0},
        },
        "apiKeys": created_deleted(),
        "webhookEndpoints": created_deleted(),
        "webhookEvents": {"created": 0, "delivered": 0},
        "calls": {
            "powerDialer": dialer_calls(),
            "predictiveDialer": dialer_calls(),
            "progressiveDialer": {
                "agentAnswer": {
                    "numberConnected": 0,
                    "numberNotConnected": 0,
                    "numberConnectionUnknown": 0,
                    "numberNotCalled": 0,
                },
                "agentNoAnswer": 0,
                "agentBusy": 0,
                "agentCallError": 0,
            },
        },
    }


def public_contact(contact: Mapping[str, Any]) -> JSON:
    return {field: contact.get(field) for field in _CONTACT_FIELDS}


def member_view(member: Row) -> JSON:
    return {
        "id": str(member["id"]),
        "name": f"{member['first_name']} {member['last_name']}",
        "email": member["email"],
        "phoneNumber": member["phone_number"],
        "languageId": member["language_id"],
        "timeZoneId": member["time_zone_id"],
        "roles": list(member["roles"]),
    }


def account_view(account: Row, parent: Row | None, members: Sequence[Row]) -> JSON:
    """Represent a partner or distributor account (the partner object of the API)."""
    return {
        "id": str(account["id"]),
        "name": account["name"],
        "type": account["type"],
        "code": account["code"],
        "countryIds": list(account["country_ids"]),
        "state": account["state"],
        "level": account["level"],
        "parent": None
        if parent is None
        else {
            "id": str(parent["id"]),
            "name": parent["name"],
            "type": parent["type"],
            "contactData": public_contact(parent["contact_data"]),
        },
        "signUpData": dict(account["sign_up_data"]),
        "contactData": {
            "public": public_contact(account["contact_data"]),
            "members": [member_view(member) for member in members],
        },
        "logo": account["logo"],
        "counters": {
            "apiKeys": {
                "created": account["api_keys_created"],
                "deleted": account["api_keys_deleted"],
            }
        },
        "customersCount": account["customers_count"],
        "createdAt": format_timestamp(account["created_at"]),
        "updatedAt": format_timestamp(account["updated_at"]),
    }


def customer_view(customer: Row, owner: Row, members: Sequence[Row], now: dt.datetime) -> JSON:
    """Represent a customer; ``now`` picks the TTS period the customer is in."""
    period_start, period_end = tts_monthly_period(customer["created_at"], now)
    max_chars = customer["tts_max_chars"]
    used_chars = customer["tts_used_chars"]
    support_member: uuid.UUID | None = customer["support_member_id"]
    return {
        "id": str(customer["id"]),
        "name": customer["name"],
        "countryId": customer["country_id"],
        "state": customer["state"],
        "planId": customer["plan_id"],
        "ownerType": customer["owner_type"],
        "signUpData": dict(customer["sign_up_data"]),
        "contactData": {"members": [member_view(member) for member in members]},
        "partner": {"id": str(owner["id"]), "name": owner["name"], "type": owner["type"]},
        "partnerMemberIdForCustomerSupport": None
        if support_member is None
        else str(support_member),
        "counters": customer["counters"],
        "ttsUsage": {
            "monthlyPeriod": {
                "startAt": format_timestamp(period_start),
                "endAt": format_timestamp(period_end),
            },
            "maxChars": max_chars,
            "usedChars": used_chars,
            "isLimitReached": used_chars >= max_chars,
            "usageDetails": [],
        },
        "createdAt": format_timestamp(customer["created_at"]),
        "updatedAt": format_timestamp(customer["updated_at"]),
    }
