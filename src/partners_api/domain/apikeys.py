"""API keys: creation, revocation and the authentication of a bearer token.

A token is ``scp_`` followed by 43 URL-safe base64 characters (256 random bits). The
prefix lets secret scanners recognise a leaked token. Only the SHA-256 of the token is
stored, so a database dump reveals no usable token.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import secrets
import uuid
from collections.abc import Sequence
from typing import Any

from sqlalchemy import RowMapping
from sqlalchemy.ext.asyncio import AsyncConnection

from partners_api.domain.audit import OPERATOR, Actor, AuditAction, ObjectType, record_event
from partners_api.domain.clock import format_timestamp, utc_now
from partners_api.domain.enums import AccountType, Role
from partners_api.domain.ids import new_id
from partners_api.domain.principal import Principal
from partners_api.exceptions import AuthenticationError, BadRequestError, NotFoundError
from partners_api.storage import accounts as account_rows
from partners_api.storage import apikeys as key_rows

TOKEN_PREFIX = "scp_"  # noqa: S105 (a public prefix, not a secret)
_TOKEN_BYTES = 32
_MAX_TOKEN_LENGTH = 200
_MAX_EXPIRY_DAYS = 3650
# last_used_at is rewritten at most once a minute per key, so that a busy key does not
# turn every read into a write.
LAST_USED_PRECISION = dt.timedelta(minutes=1)


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


async def create_key(
    connection: AsyncConnection,
    account_id: uuid.UUID,
    role: Role,
    *,
    name: str | None = None,
    expires_in_days: int | None = None,
    actor: Actor = OPERATOR,
) -> tuple[dict[str, Any], str]:
    """Create a key for a partner or distributor account, with the audit event of
    ``actor``; return its view and its token.

    The token is returned here and nowhere else: it cannot be read back later.
    """
    account = await account_rows.get_account(connection, account_id)
    if account is None:
        raise NotFoundError(f"Account {account_id} not found; create it first or check the id.")
    if expires_in_days is not None and not 1 <= expires_in_days <= _MAX_EXPIRY_DAYS:
        message = f"Invalid expiry of {expires_in_days} days; use 1 to {_MAX_EXPIRY_DAYS} days."
        raise BadRequestError(message, errors={"expiresInDays": message})
    label = (name or "").strip() or f"{role.value} key"
    if len(label) > 200:
        message = "Invalid key name: use at most 200 characters."
        raise BadRequestError(message, errors={"name": message})

    token = TOKEN_PREFIX + secrets.token_urlsafe(_TOKEN_BYTES)
    now = utc_now()
    key_id = new_id()
    values: dict[str, Any] = {
        "id": key_id,
        "account_id": account_id,
        "name": label,
        "role": role.value,
        "token_hash": hash_token(token),
        "created_at": now,
        "expires_at": None if expires_in_days is None else now + dt.timedelta(days=expires_in_days),
        "revoked_at": None,
        "last_used_at": None,
    }
    await key_rows.insert_key(connection, values)
    await account_rows.count_api_key(connection, account_id, created=True)
    await record_event(
        connection,
        actor,
        AuditAction.API_KEY_CREATED,
        ObjectType.API_KEY,
        key_id,
        concerned_account_id=account_id,
    )
    row = await key_rows.get_key(connection, key_id)
    if row is None:
        raise RuntimeError(f"API key {key_id} vanished inside its own transaction")
    return key_view(row), token


async def revoke_key(
    connection: AsyncConnection, key_id: uuid.UUID, *, actor: Actor = OPERATOR
) -> dict[str, Any]:
    """Revoke a key and record the audit event of ``actor``.

    Revoking a revoked key changes nothing, records no event and is not an error.
    """
    row = await key_rows.get_key(connection, key_id)
    if row is None:
        raise NotFoundError(f"API key {key_id} not found; `partners-api key list` shows the ids.")
    if await key_rows.mark_revoked(connection, key_id, utc_now()):
        await account_rows.count_api_key(connection, row["account_id"], created=False)
        await record_event(
            connection,
            actor,
            AuditAction.API_KEY_REVOKED,
            ObjectType.API_KEY,
            key_id,
            concerned_account_id=row["account_id"],
        )
    revoked = await key_rows.get_key(connection, key_id)
    if revoked is None:
        raise RuntimeError(f"API key {key_id} vanished inside its own transaction")
    return key_view(revoked)


async def list_keys(
    connection: AsyncConnection, account_id: uuid.UUID | None = None
) -> list[dict[str, Any]]:
    rows: Sequence[RowMapping] = await key_rows.list_keys(connection, account_id)
    return [key_view(row) for row in rows]


async def authenticate(connection: AsyncConnection, token: str) -> Principal:
    """Return the caller that ``token`` identifies, or raise ``AuthenticationError``."""
    return await load_principal(connection, token_digest(token))


def token_digest(token: str) -> str:
    """Hash a bearer token for lookup, or raise ``AuthenticationError`` if it is not a key."""
    if not token.startswith(TOKEN_PREFIX) or len(token) > _MAX_TOKEN_LENGTH:
        raise _invalid_token("The token is not a SIP Caller API key.")
    return hash_token(token)


async def load_principal(connection: AsyncConnection, digest: str) -> Principal:
    """Read the caller whose token hashes to ``digest``, or raise ``AuthenticationError``
    if the key is unknown, revoked or expired."""
    row = await key_rows.get_by_token_hash(connection, digest)
    # The lookup is by digest, so timing reveals nothing about the token itself; the
    # constant-time comparison guards against a future lookup that compares prefixes.
    if row is None or not hmac.compare_digest(row["token_hash"], digest):
        raise _invalid_token("The token is unknown.")
    if row["revoked_at"] is not None:
        raise _invalid_token("The token was revoked.")
    principal = Principal(
        key_id=row["id"],
        key_name=row["name"],
        role=Role(row["role"]),
        expires_at=row["expires_at"],
        account_id=row["account_id"],
        account_type=AccountType(row["account_type"]),
        account_name=row["account_name"],
        last_used_at=row["last_used_at"],
    )
    check_not_expired(principal, utc_now())
    return principal


def check_not_expired(principal: Principal, now: dt.datetime) -> None:
    """Raise ``AuthenticationError`` if the caller's key has expired at ``now``."""
    if principal.expires_at is not None and principal.expires_at <= now:
        raise _invalid_token("The token has expired.")


def needs_use_recorded(principal: Principal, now: dt.datetime) -> bool:
    """Tell whether the key's ``last_used_at`` is older than its precision of one minute."""
    last_used = principal.last_used_at
    return last_used is None or now - last_used >= LAST_USED_PRECISION


async def record_use(connection: AsyncConnection, key_id: uuid.UUID, now: dt.datetime) -> None:
    """Set the key's ``last_used_at`` to ``now`` unless another request did within a minute."""
    await key_rows.touch(connection, key_id, now, not_after=now - LAST_USED_PRECISION)


def key_view(row: RowMapping) -> dict[str, Any]:
    def timestamp(value: dt.datetime | None) -> str | None:
        return None if value is None else format_timestamp(value)

    return {
        "id": str(row["id"]),
        "name": row["name"],
        "role": row["role"],
        "account": {
            "id": str(row["account_id"]),
            "name": row["account_name"],
            "type": row["account_type"],
        },
        "createdAt": timestamp(row["created_at"]),
        "expiresAt": timestamp(row["expires_at"]),
        "revokedAt": timestamp(row["revoked_at"]),
        "lastUsedAt": timestamp(row["last_used_at"]),
    }


def principal_view(principal: Principal) -> dict[str, Any]:
    """Represent the caller for ``GET /v1/me``."""
    return {
        "id": str(principal.key_id),
        "name": principal.key_name,
        "role": principal.role.value,
        "expiresAt": None
        if principal.expires_at is None
        else format_timestamp(principal.expires_at),
        "account": {
            "id": str(principal.account_id),
            "name": principal.account_name,
            "type": principal.account_type.value,
        },
    }


def _invalid_token(detail: str) -> AuthenticationError:
    return AuthenticationError(
        f"{detail} Send a valid API key as 'Authorization: Bearer <token>'.", invalid_token=True
    )
