"""Idempotent retries of POST requests through the ``Idempotency-Key`` header.

A client that sends ``Idempotency-Key`` with a create may send the same request again,
with the same key, until it gets a response: the create runs once, and every retry within
``idempotency_ttl_hours`` gets the first response again, with ``Idempotent-Replayed:
true``. Keys are scoped to the API key that sent them. The behaviour follows the IETF
httpapi draft "The Idempotency-Key HTTP Header Field" and Stripe's idempotent requests.

The record of a key lives in the ``idempotency_keys`` table, so every server process
reads the same record. A request goes through these steps:

1. Before the request's own transaction starts, the ``idempotency`` dependency
   authenticates the token (from the authentication cache, or in a short read
   transaction when the key is not cached), reads the body and claims the key in short
   transactions of its own. It first reads the record in a read transaction. A record
   with a response is replayed, a record of another request (other body, method or
   path) is a 422, and a record without a response is a 409 while it is younger than
   ``idempotency_stale_seconds``. Without a live record it inserts one without a
   response, in a write transaction that also purges the API key's expired records. If
   another request inserted the same key in between, the primary key rejects the insert
   and the record is read again.
2. The route runs in the request's transaction (``http.dependencies.get_connection``)
   and stores its response into the record in that same transaction, through
   ``IdempotentRequest.save``. The object and the response it is replayed from commit
   together or not at all.
3. When the route raises a 4xx error, the transaction rolls back, and the dependency
   stores that error response in a new short transaction, so a retry replays it too.
   When the route raises anything else (a 5xx, a 503, a cancellation), a 401, 403 or
   429, or the commit fails, the dependency deletes the record instead, so a retry runs
   the create.

Why the claim comes first: on SQLite the request's write transaction holds the database's
write lock from ``BEGIN IMMEDIATE`` on, so a second transaction opened inside it would
wait for that lock until the busy timeout. FastAPI resolves a route's dependencies in
the order of its parameters, so the routes declare ``Idempotency`` before ``Connection``.
Function-scoped dependencies exit in reverse order, so step 3 runs after the request's
transaction has committed or rolled back, and before the response is sent. Because the
record is read without the write lock, a request that finds another one's record
without a response gets its 409 at once on SQLite too.

Each claim is identified by the record's ``created_at``. A request that took longer than
``idempotency_stale_seconds`` may find that a retry has taken its record over. Its save
then fails with a 409, which rolls its create back, so the key still creates one object.

The body is compared as a SHA-256 of the method, the path and the body: a body that is
valid JSON is re-serialised with sorted object keys and no whitespace, so key order and
formatting do not matter, and any other body is compared byte for byte.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import hashlib
import logging
import uuid
from collections.abc import AsyncIterator, Callable
from typing import Annotated, Any

import orjson
from fastapi import Depends, Header, Request
from sqlalchemy import RowMapping
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine

from partners_api.domain.clock import utc_now
from partners_api.domain.partners import require_distributor
from partners_api.domain.principal import Principal
from partners_api.exceptions import (
    BadRequestError,
    IdempotencyKeyInUseError,
    PartnersAPIError,
    ValidationError,
)
from partners_api.http import errors
from partners_api.http.body import read_limited_body
from partners_api.http.dependencies import (
    authenticate_request,
    check_admin,
    get_engine,
    settings_of,
)
from partners_api.http.responses import JSONResponse, ProblemResponse
from partners_api.settings import Settings
from partners_api.storage import idempotency as idempotency_rows
from partners_api.storage.database import read_transaction, write_transaction

logger = logging.getLogger("partners_api.http")

HEADER = "Idempotency-Key"
REPLAYED_HEADER = "Idempotent-Replayed"
MAX_KEY_LENGTH = 255
# Attempts to claim a key after losing an insert race. More losses in a row mean that
# other requests keep taking and releasing the key, so the client gets a 409.
_CLAIM_ATTEMPTS = 3
# Errors that the route's dependencies raise before the create runs. A retry goes
# through the same checks before it could return a replay, so storing them is useless.
# A 429 of the rate limit must not stop a later retry from running the create either.
_NOT_STORED_STATUSES = frozenset({401, 403, 429})


@dataclasses.dataclass(frozen=True)
class Claim:
    """A key that this request holds: the record it inserted at ``created_at``."""

    api_key_id: uuid.UUID
    key: str
    created_at: dt.datetime


@dataclasses.dataclass
class IdempotentRequest:
    """The Idempotency-Key state of one POST request.

    Without the header both ``claim`` and ``replay`` are None and ``save`` returns the
    response unchanged.
    """

    claim: Claim | None = None
    replay: JSONResponse | None = None
    saved: bool = False

    async def save(self, connection: AsyncConnection, response: JSONResponse) -> JSONResponse:
        """Store ``response`` into the claimed record in the request's transaction."""
        if self.claim is None:
            return response
        stored = await idempotency_rows.store_response(
            connection,
            self.claim.api_key_id,
            self.claim.key,
            created_at=self.claim.created_at,
            status=response.status_code,
            body=orjson.loads(response.body),
            location=response.headers.get("location"),
        )
        if not stored:
            # Raising rolls the create back, so the request that took the key over
            # creates the one object.
            raise IdempotencyKeyInUseError(
                f"This request took so long that a retry with the same {HEADER} took the "
                "key over; its result is not saved. Retry later to get that retry's response."
            )
        self.saved = True
        return response


class IdempotencyDependency:
    """The Idempotency-Key dependency of a route whose callers ``authorize`` checks.

    ``authorize`` raises the route's 403; it runs before the key and the body are read,
    so a caller's errors keep their usual order: 401, then 403, then the header and body.
    """

    def __init__(self, authorize: Callable[[Principal], object]) -> None:
        self.authorize = authorize

    async def __call__(
        self,
        request: Request,
        idempotency_key: Annotated[
            str | None,
            Header(
                alias=HEADER,
                description=(
                    "1 to 255 printable ASCII characters chosen by the client, such as a UUID. "
                    "A retry with the same key and body within 24 hours (the default of "
                    "PARTNERS_API_IDEMPOTENCY_TTL_HOURS) returns the first response again, "
                    "with Idempotent-Replayed: true."
                ),
            ),
        ] = None,
    ) -> AsyncIterator[IdempotentRequest]:
        """Claim the request's Idempotency-Key, or find the response to replay.

        The parameter documents the header in the OpenAPI document. The value is read
        from ``request`` so that a repeated header can be rejected.
        """
        values = request.headers.getlist(HEADER)
        if not values:
            yield IdempotentRequest()
            return

        settings = settings_of(request)
        engine = get_engine(request)
        # The caller's errors keep their usual order: 401, then 403, then the header and body.
        # The route's own Caller dependency reuses this authentication.
        principal = await authenticate_request(request)
        self.authorize(principal)
        api_key_id = principal.key_id
        key = _check_key(values)
        body = await read_limited_body(request, settings.max_body_bytes)
        request_hash = request_fingerprint(request.method, request.url.path, body)

        outcome = await _claim(
            engine,
            settings,
            api_key_id=api_key_id,
            key=key,
            method=request.method,
            path=request.url.path,
            request_hash=request_hash,
        )
        if isinstance(outcome, JSONResponse):
            yield IdempotentRequest(replay=outcome)
            return

        state = IdempotentRequest(claim=outcome)
        try:
            yield state
        except PartnersAPIError as exc:
            if _stores_error(exc):
                await _store_error(engine, request, outcome, exc)
            else:
                await _release(engine, outcome)
            raise
        except BaseException:
            await _release(engine, outcome)
            raise
        if not state.saved:
            # A route that returned without saving leaves nothing to replay.
            await _release(engine, outcome)


def _require_distributor_admin(principal: Principal) -> None:
    # The same checks, in the same order, as the DistributorAdmin dependency.
    check_admin(principal)
    require_distributor(principal)


CustomerIdempotency = Annotated[
    IdempotentRequest, Depends(IdempotencyDependency(check_admin), scope="function")
]
PartnerIdempotency = Annotated[
    IdempotentRequest, Depends(IdempotencyDependency(_require_distributor_admin), scope="function")
]


def request_fingerprint(method: str, path: str, body: bytes) -> str:
    """Return the hex SHA-256 that identifies a request's method, path and body."""
    try:
        canonical = orjson.dumps(orjson.loads(body), option=orjson.OPT_SORT_KEYS)
    except orjson.JSONDecodeError:
        canonical = body
    digest = hashlib.sha256()
    digest.update(f"{method}\n{path}\n".encode())
    digest.update(canonical)
    return digest.hexdigest()


def _check_key(values: list[str]) -> str:
    if len(values) > 1:
        raise _invalid_key(f"Send one {HEADER} header; the request has {len(values)}.")
    key = values[0]
    if not 1 <= len(key) <= MAX_KEY_LENGTH:
        raise _invalid_key(
            f"The {HEADER} header has {len(key)} characters; send 1 to {MAX_KEY_LENGTH}."
        )
    if not all(" " <= character <= "~" for character in key):
        raise _invalid_key(
            f"The {HEADER} header may contain only printable ASCII characters; "
            "send a UUID, for example."
        )
    return key


def _invalid_key(message: str) -> BadRequestError:
    return BadRequestError(message, errors={HEADER: message})


async def _claim(
    engine: AsyncEngine,
    settings: Settings,
    *,
    api_key_id: uuid.UUID,
    key: str,
    method: str,
    path: str,
    request_hash: str,
) -> Claim | JSONResponse:
    """Insert the in-progress record of ``key``; return the claim or the response to replay.

    Raises ``ValidationError`` when the key belongs to another request and
    ``IdempotencyKeyInUseError`` while the request that holds it still runs.
    """
    stale_after = dt.timedelta(seconds=settings.idempotency_stale_seconds)
    for _ in range(_CLAIM_ATTEMPTS):
        now = utc_now()
        async with read_transaction(engine) as connection:
            record = await idempotency_rows.get_record(connection, api_key_id, key)
        if record is not None and record["expires_at"] <= now:
            record = None  # The purge below deletes it.
        if record is not None:
            _check_same_request(record, method=method, path=path, request_hash=request_hash)
            if record["response_status"] is not None:
                return _replay(record)
            if record["created_at"] > now - stale_after:
                raise _in_use()
            logger.warning(
                "Taking over the %s of API key %s created at %s, which never finished",
                HEADER,
                api_key_id,
                record["created_at"],
            )

        try:
            async with write_transaction(engine) as connection:
                await idempotency_rows.purge_expired(connection, now, api_key_id=api_key_id)
                if record is not None:
                    await idempotency_rows.delete_in_progress(
                        connection, api_key_id, key, created_at=record["created_at"]
                    )
                await idempotency_rows.insert_in_progress(
                    connection,
                    {
                        "api_key_id": api_key_id,
                        "key": key,
                        "method": method,
                        "path": path,
                        "request_hash": request_hash,
                        "created_at": now,
                        "expires_at": now + dt.timedelta(hours=settings.idempotency_ttl_hours),
                    },
                )
        except IntegrityError:
            # Another request inserted the key since the read; read its record.
            continue
        return Claim(api_key_id=api_key_id, key=key, created_at=now)
    raise _in_use()


def _check_same_request(record: RowMapping, *, method: str, path: str, request_hash: str) -> None:
    if record["method"] != method or record["path"] != path:
        message = (
            f"This {HEADER} was already used for {record['method']} {record['path']}; "
            "send a new key for each request."
        )
        raise ValidationError({HEADER: message}, detail=message)
    if record["request_hash"] != request_hash:
        message = (
            f"This {HEADER} was already used with another request body; send the same "
            "body to retry, or a new key for a new request."
        )
        raise ValidationError({HEADER: message}, detail=message)


def _in_use() -> IdempotencyKeyInUseError:
    message = (
        f"A request with this {HEADER} is still running; retry in a few seconds to get "
        "its response."
    )
    return IdempotencyKeyInUseError(message, errors={HEADER: message})


def _replay(record: RowMapping) -> JSONResponse:
    status: int = record["response_status"]
    headers = {REPLAYED_HEADER: "true"}
    if record["response_location"] is not None:
        headers["Location"] = record["response_location"]
    response_class = ProblemResponse if status >= 400 else JSONResponse
    return response_class(record["response_body"], status_code=status, headers=headers)


def _stores_error(exc: PartnersAPIError) -> bool:
    if isinstance(exc, IdempotencyKeyInUseError):
        return False
    return 400 <= exc.status < 500 and exc.status not in _NOT_STORED_STATUSES


async def _store_error(
    engine: AsyncEngine, request: Request, claim: Claim, exc: PartnersAPIError
) -> None:
    """Store the problem response of ``exc`` for replay; on failure release the key."""
    response = await errors.handle_api_error(request, exc)
    body: Any = orjson.loads(response.body)
    try:
        async with write_transaction(engine) as connection:
            await idempotency_rows.store_response(
                connection,
                claim.api_key_id,
                claim.key,
                created_at=claim.created_at,
                status=response.status_code,
                body=body,
                location=None,
            )
    except Exception:
        logger.exception(
            "Failed to store the %s error response of %s %r (API key %s)",
            exc.status,
            HEADER,
            claim.key,
            claim.api_key_id,
        )
        await _release(engine, claim)


async def _release(engine: AsyncEngine, claim: Claim) -> None:
    """Delete the in-progress record of ``claim`` so that a retry runs the create again.

    A failure is logged and not raised, so the request's own error reaches the client.
    The record then stays until it is stale.
    """
    try:
        async with write_transaction(engine) as connection:
            await idempotency_rows.delete_in_progress(
                connection, claim.api_key_id, claim.key, created_at=claim.created_at
            )
    except Exception:
        logger.exception(
            "Failed to release %s %r of API key %s; it is released once stale",
            HEADER,
            claim.key,
            claim.api_key_id,
        )
