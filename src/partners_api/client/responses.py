"""Turning responses into models or exceptions, the same way for both clients."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from typing import Any, Generic, TypeVar
from urllib.parse import quote

import httpx
import pydantic

from partners_api.client.errors import (
    REQUEST_ID_HEADER,
    UnexpectedResponseError,
    error_from_response,
)
from partners_api.client.models import APIModel
from partners_api.client.retry import parse_retry_after

ModelT = TypeVar("ModelT", bound=APIModel)

IDEMPOTENCY_KEY_HEADER = "Idempotency-Key"
REPLAYED_HEADER = "Idempotent-Replayed"


@dataclass(frozen=True)
class Created(Generic[ModelT]):
    """The object that a create returned, and how it was returned.

    ``replayed`` is True when the server had already run a create with the same
    Idempotency-Key and returned its stored response instead of creating again.
    ``request_id`` names the request that returned it, and ``idempotency_key`` is the
    key that was sent.
    """

    item: ModelT
    replayed: bool
    request_id: str | None
    idempotency_key: str


def idempotency_key_or_new(idempotency_key: str | None) -> str:
    """Return the caller's key, or a new random UUID when there is none."""
    if idempotency_key is None:
        return str(uuid.uuid4())
    if not idempotency_key:
        raise ValueError("idempotency_key must not be empty; pass None to generate one")
    return idempotency_key


def item_path(collection: str, item_id: str) -> str:
    """Return ``/collection/<id>`` with the id as one escaped path segment."""
    if not item_id:
        raise ValueError("the id must not be empty")
    segment = quote(item_id, safe="")
    # Dot segments would otherwise be resolved away, to the collection or the API root.
    if segment in {".", ".."}:
        segment = segment.replace(".", "%2E")
    return f"/{collection}/{segment}"


def raise_for_status(response: httpx.Response) -> None:
    """Raise the ``APIError`` of an error status, or ``UnexpectedResponseError`` for 1xx/3xx."""
    if response.is_success:
        return
    if response.status_code >= 400:
        retry_after = parse_retry_after(response.headers.get("retry-after"))
        raise error_from_response(response, retry_after=retry_after)
    raise UnexpectedResponseError(
        f"Unexpected status {response.status_code} {response.reason_phrase} "
        f"from {response.request.method} {response.request.url}.",
        status_code=response.status_code,
        request_id=response.headers.get(REQUEST_ID_HEADER),
    )


def parse_item(model: type[ModelT], response: httpx.Response) -> ModelT:
    """Return the object in the body of a successful ``response``."""
    return _validate(model, _json_body(response), response)


def parse_items(model: type[ModelT], response: httpx.Response) -> list[ModelT]:
    """Return the objects in the JSON array of a successful list ``response``."""
    body = _json_body(response)
    if not isinstance(body, list):
        raise _unexpected(response, f"expected a JSON array, got {type(body).__name__}")
    return [_validate(model, item, response) for item in body]


def parse_created(
    model: type[ModelT], response: httpx.Response, idempotency_key: str
) -> Created[ModelT]:
    """Return the created object of a ``201`` response, with whether it was a replay."""
    return Created(
        item=parse_item(model, response),
        replayed=response.headers.get(REPLAYED_HEADER, "").strip().lower() == "true",
        request_id=response.headers.get(REQUEST_ID_HEADER),
        idempotency_key=idempotency_key,
    )


def _json_body(response: httpx.Response) -> Any:
    try:
        return response.json()
    except ValueError as exc:
        raise _unexpected(response, f"the body is not JSON ({exc})") from exc


def _validate(model: type[ModelT], data: Any, response: httpx.Response) -> ModelT:
    try:
        return model.model_validate(data)
    except pydantic.ValidationError as exc:
        raise _unexpected(response, f"the body is not a valid {model.__name__}: {exc}") from exc


def _unexpected(response: httpx.Response, problem: str) -> UnexpectedResponseError:
    return UnexpectedResponseError(
        f"Unexpected response to {response.request.method} {response.request.url}: {problem}.",
        status_code=response.status_code,
        request_id=response.headers.get(REQUEST_ID_HEADER),
    )
