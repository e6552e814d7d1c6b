"""The example requests and responses of the Partners API document, copied verbatim.

Each response and request body below is the text of one JSON example in the document,
parsed when this module is imported. The query and ``--data-raw`` constants are the
exact arguments of the document's curl commands.
"""

from __future__ import annotations

import json
from typing import Any


def _parse(text: str) -> Any:
    return json.loads(text)


# GET /v1/partners: the ``--data-urlencode`` arguments in the order of the curl command.
PARTNERS_LIST_QUERY: list[tuple[str, str]] = [
    (
        "filter",
        '{"name":"ACME","countryIds_ovl":["us"],"code":"acme","state":"Active","level":["Basic","Certified"],"createdAt_gte":"2026-03-01","createdAt_lte":"2026-04-01"}',
    ),
    ("sort", '["name","DESC"]'),
    ("range", "[0,99]"),
]

PARTNERS_LIST_RESPONSE: list[dict[str, Any]] = _parse(
    """
[
  {
    "id": "019cea04-b015-7f54-a7dd-6e5c198f15a9",
    "name": "ACME",
    "type": "Partner",
    "code": "acme",
    "countryIds": [
      "us"
    ],
    "state": "Active",
    "level": "Basic",
    "parent": {
      "id": "019cea04-b00f-76a3-b584-025a91dc697e",
      "name": "Distributor Name",
      "type": "Distributor",
      "contactData": {
        "web": "https://distributor.example.com",
        "email": "sales@distributor.example.com",
        "phone": "+1 234 555 0000"
      }
    },
    "signUpData": {
      "comments": "We want to become a SIP Caller partner.",
      "originType": "HomeSite",
      "websiteUrl": "https://acme.example.com"
    },
    "contactData": {
      "public": {
        "web": "https://acme.example.com",
        "email": "sales@acme.example.com",
        "phone": "+1 234-555-0001"
      },
      "members": [
        {
          "id": "019cea04-b016-75ea-8b2f-a87a96005e82",
          "name": "John Doe",
          "email": "john.doe@acme.example.com",
          "phoneNumber": "+1 234 555-0002",
          "languageId": "en",
          "timeZoneId": "US/Eastern",
          "roles": [
            "PartnerAdmin"
          ]
        }
      ]
    },
    "counters": {
      "apiKeys": {
        "created": 0,
        "deleted": 0
      }
    },
    "customersCount": 1,
    "createdAt": "2026-03-14T01:45:01.717",
    "updatedAt": "2026-03-14T01:45:01.717"
  }
]
"""
)

PARTNER_CREATE_BODY: dict[str, Any] = _parse(
    """
{
  "email": "john.doe@partner.example.com",
  "firstName": "John",
  "lastName": "Doe",
  "partnerName": "Example Partner",
  "type": "Partner",
  "code": "example-partner",
  "level": "Basic",
  "languageId": "en",
  "timeZoneId": "US/Eastern",
  "countryIds": [
    "us",
    "ca"
  ],
  "contactData": {
    "web": "https://partner.example.com",
    "email": "john.doe@partner.example.com",
    "phone": "+1 234 555-0000"
  },
  "logo": {
    "file": "example-partner.png",
    "maxHeight": 60
  }
}
"""
)

PARTNER_CREATE_DATA_RAW = '{ "email": "john.doe@partner.example.com", "firstName": "John", "lastName": "Doe", "partnerName": "Example Partner", "type": "Partner", "code": "example-partner", "level": "Basic", "languageId": "en", "timeZoneId": "US/Eastern", "countryIds": [ "us", "ca" ], "contactData": { "web": "https://partner.example.com", "email": "john.doe@partner.example.com", "phone": "+1 234 555-0000" }, "logo": { "file": "example-partner.png", "maxHeight": 60 } }'  # noqa: E501

PARTNER_CREATED_RESPONSE: dict[str, Any] = _parse(
    """
{
  "id": "019d0cfc-19eb-7017-8166-f007ebfbe70c",
  "name": "Eample Partner",
  "type": "Partner",
  "code": "example-partner",
  "countryIds": [
    "us",
    "ca"
  ],
  "state": "Active",
  "level": "Basic",
  "parent": {
    "id": "019cea04-b002-7271-be0b-3fdbbc483aba",
    "name": "Example Distributor",
    "type": "Distributor",
    "contactData": {
      "web": "https://distributor.example.com",
      "email": "sales@distributor.example.com",
      "phone": "+1 234 555 0001"
    }
  },
  "signUpData": {
    "originType": "PartnerApiKey"
  },
  "contactData": {
    "public": {
      "web": "https://partner.example.com",
      "email": "john.doe@partner.example.com",
      "phone": "+1 234 555-0000"
    },
    "members": [
      {
        "id": "019d0cfc-19eb-7c4d-9b70-b6e5e926be3f",
        "name": "John Doe",
        "email": "john.doe@partner.example.com",
        "phoneNumber": "+1 234 555-0000",
        "languageId": "en",
        "timeZoneId": "US/Eastern",
        "roles": [
          "PartnerAdmin"
        ]
      }
    ]
  },
  "counters": {
    "apiKeys": {
      "created": 0,
      "deleted": 0
    }
  },
  "customersCount": 0,
  "createdAt": "2026-03-20T20:42:21.545",
  "updatedAt": "2026-03-20T20:42:21.545"
}
"""
)

# GET /v1/customers: the ``--data-urlencode`` arguments in the order of the curl command.
CUSTOMERS_LIST_QUERY: list[tuple[str, str]] = [
    (
        "filter",
        '{"name":"Customer Name","countryId":["us","ar"],"planId":["ent-4sc-y"],"state":["Trialing"],"createdAt_gte":"2026-03-01","createdAt_lte":"2026-04-01"}',  # noqa: E501
    ),
    ("sort", '["name","DESC"]'),
    ("range", "[0,99]"),
]

CUSTOMERS_LIST_RESPONSE: list[dict[str, Any]] = _parse(
    """
[
  {
    "id": "019d06bc-cce2-7310-99b4-fc67f0090456",
    "name": "Example Customer",
    "countryId": "us",
    "state": "Trialing",
    "planId": "ent-4sc-y",
    "ownerType": "Customer",
    "signUpData": {
      "originType": "PartnerConsole",
      "websiteUrl": "https://customer.example.com"
    },
    "contactData": {
      "members": [
        {
          "id": "019d06bc-ccea-7ad7-b6bd-76bb684636fd",
          "name": "John Doe",
          "email": "john.doe@customer.example.com",
          "phoneNumber": "+1 234 555-0001",
          "languageId": "en",
          "timeZoneId": "US/Eastern",
          "roles": [
            "AccountAdmin"
          ]
        }
      ]
    },
    "partner": {
      "id": "019cea04-b00f-76a3-b584-025a91dc697f",
      "name": "Example Partner",
      "type": "Partner"
    },
    "counters": {
      "phoneSystems": {
        "created": 0,
        "deleted": 0
      },
      "callflows": {
        "created": 0,
        "deleted": 0
      },
      "campaigns": {
        "created": 0,
        "deleted": 0,
        "activated": {
          "powerDialer": 0,
          "predictiveDialer": 0,
          "progressiveDialer": 0
        }
      },
      "apiKeys": {
        "created": 0,
        "deleted": 0
      },
      "webhookEndpoints": {
        "created": 0,
        "deleted": 0
      },
      "webhookEvents": {
        "created": 0,
        "delivered": 0
      },
      "calls": {
        "powerDialer": {
          "answer": 0,
          "noAnswer": 0,
          "busy": 0,
          "callError": 0
        },
        "predictiveDialer": {
          "answer": 0,
          "noAnswer": 0,
          "busy": 0,
          "callError": 0
        },
        "progressiveDialer": {
          "agentAnswer": {
            "numberConnected": 0,
            "numberNotConnected": 0,
            "numberConnectionUnknown": 0,
            "numberNotCalled": 0
          },
          "agentNoAnswer": 0,
          "agentBusy": 0,
          "agentCallError": 0
        }
      }
    },
    "ttsUsage": {
      "monthlyPeriod": {
        "startAt": "2026-03-19T15:00:00",
        "endAt": "2026-04-19T15:00:00"
      },
      "maxChars": 1500000,
      "usedChars": 0,
      "isLimitReached": false,
      "usageDetails": []
    },
    "createdAt": "2026-03-19T15:35:29.75",
    "updatedAt": "2026-03-19T15:35:29.75"
  }
]
"""
)

CUSTOMER_CREATE_BODY: dict[str, Any] = _parse(
    """
{
  "countryId": "us",
  "languageId": "en",
  "timeZoneId": "US/Eastern",
  "email": "john.doe@customer.example.com",
  "customerName": "Example Customer",
  "firstName": "John",
  "lastName": "Doe",
  "websiteUrl": "https://customer.example.com",
  "phoneNumber": "+1 234 555-0001",
  "partnerId": "019cea04-b002-7271-be0b-3fdbbc483ab9",
  "partnerMemberIdForCustomerSupport": "019cea04-b005-73e2-9d0f-8ccf53da5c0c"
}
"""
)

CUSTOMER_CREATE_DATA_RAW = '{ "countryId": "us", "languageId": "en", "timeZoneId": "US/Eastern", "email": "john.doe@customer.example.com", "customerName": "Example Customer", "firstName": "John", "lastName": "Doe", "websiteUrl": "https://customer.example.com", "phoneNumber": "+1 234 555-0001", "partnerId": "019cea04-b002-7271-be0b-3fdbbc483ab9", "partnerMemberIdForCustomerSupport": "019cea04-b005-73e2-9d0f-8ccf53da5c0c"}'  # noqa: E501

CUSTOMER_CREATED_RESPONSE: dict[str, Any] = _parse(
    """
{
  "id": "019d1bbc-85f8-7336-8034-ad4707badc52",
  "name": "Example Customer",
  "countryId": "us",
  "state": "Trialing",
  "planId": "ent-4sc-y",
  "ownerType": "Customer",
  "signUpData": {
    "originType": "PartnerApiKey",
    "websiteUrl": "https://customer.example.com"
  },
  "contactData": {
    "members": [
      {
        "id": "019d1bbc-85ff-74eb-87df-1f50fb2fcfc3",
        "name": "John Doe",
        "email": "john.doe@customer.example.com",
        "phoneNumber": "+1 234 555-0001",
        "languageId": "en",
        "timeZoneId": "US/Eastern",
        "roles": [
          "AccountAdmin"
        ]
      }
    ]
  },
  "partner": {
    "id": "019cea04-b002-7271-be0b-3fdbbc483ab8",
    "name": "Example Partner",
    "type": "Partner"
  },
  "counters": {
    "phoneSystems": {
      "created": 0,
      "deleted": 0
    },
    "callflows": {
      "created": 0,
      "deleted": 0
    },
    "campaigns": {
      "created": 0,
      "deleted": 0,
      "activated": {
        "powerDialer": 0,
        "predictiveDialer": 0,
        "progressiveDialer": 0
      }
    },
    "apiKeys": {
      "created": 0,
      "deleted": 0
    },
    "webhookEndpoints": {
      "created": 0,
      "deleted": 0
    },
    "webhookEvents": {
      "created": 0,
      "delivered": 0
    },
    "calls": {
      "powerDialer": {
        "answer": 0,
        "noAnswer": 0,
        "busy": 0,
        "callError": 0
      },
      "predictiveDialer": {
        "answer": 0,
        "noAnswer": 0,
        "busy": 0,
        "callError": 0
      },
      "progressiveDialer": {
        "agentAnswer": {
          "numberConnected": 0,
          "numberNotConnected": 0,
          "numberConnectionUnknown": 0,
          "numberNotCalled": 0
        },
        "agentNoAnswer": 0,
        "agentBusy": 0,
        "agentCallError": 0
      }
    }
  },
  "ttsUsage": {
    "monthlyPeriod": {
      "startAt": "2026-03-23T17:00:00",
      "endAt": "2026-04-23T17:00:00"
    },
    "maxChars": 1500000,
    "usedChars": 0,
    "isLimitReached": false,
    "usageDetails": []
  },
  "createdAt": "2026-03-23T17:27:13.137",
  "updatedAt": "2026-03-23T17:27:13.137"
}
"""
)
