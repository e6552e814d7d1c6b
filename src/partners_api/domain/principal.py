"""The caller of a request, as its API key identifies it."""

from __future__ import annotations

import datetime as dt
import uuid
from dataclasses import dataclass

from partners_api.domain.enums import AccountType, Role


@dataclass(frozen=True)
class Principal:
    key_id: uuid.UUID
    key_name: str
    role: Role
    expires_at: dt.datetime | None
    account_id: uuid.UUID
    account_type: AccountType
    account_name: str
    last_used_at: dt.datetime | None = None
    # The X-Request-ID of the request this caller made, for the audit trail.
    request_id: str | None = None

    @property
    def is_distributor(self) -> bool:
        return self.account_type is AccountType.DISTRIBUTOR
