"""``PartnersClient``: the blocking client of the Partners API."""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator, Mapping
from types import TracebackType
from typing import Any, Self

import httpx

from partners_api.client.config import resolve_config
from partners_api.client.models import Customer, Me, Partner
from partners_api.client.paging import ListQuery, Page, PageCursor, build_page, page_total
from partners_api.client.responses import (
    IDEMPOTENCY_KEY_HEADER,
    Created,
    ModelT,
    idempotency_key_or_new,
    item_path,
    parse_created,
    parse_item,
    parse_items,
    raise_for_status,
)
from partners_api.client.retry import RetryPolicy, RetryState


class PartnersClient:
    """A blocking client of the Partners API.

    ``base_url`` is the server's root, such as ``http://127.0.0.1:8000``, or its ``/v1``
    base; ``PARTNERS_API_URL`` is read when it is None. ``token`` is the API key,
    ``PARTNERS_API_TOKEN`` when None. ``timeout`` is in seconds, per request and attempt.
    ``retry`` sets the retries of connection errors, 429 and 503. ``transport`` replaces
    ``httpx``'s network transport, for tests. ``sleep`` is the function that waits
    between attempts (``time.sleep``).

    Raises ``ConfigurationError`` when the URL or token is missing or invalid. Use it as a
    context manager, or call ``close()``.
    """

    def __init__(
        self,
        base_url: str | None = None,
        token: str | None = None,
        *,
        timeout: float = 30.0,
        retry: RetryPolicy | None = None,
        transport: httpx.BaseTransport | None = None,
        user_agent: str | None = None,
        sleep: Callable[[float], None] | None = None,
    ) -> None:
        config = resolve_config(base_url, token, timeout=timeout, user_agent=user_agent)
        self.base_url = config.base_url
        self.retry = retry or RetryPolicy()
        self._sleep = sleep or time.sleep
        self._http = httpx.Client(
            base_url=config.base_url,
            headers=config.headers,
            timeout=config.timeout,
            transport=transport,
        )

    def __enter__(self) -> Self:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.close()

    def close(self) -> None:
        """Close the connections of the client."""
        self._http.close()

    def me(self) -> Me:
        """Return the calling API key, with its role and account."""
        return parse_item(Me, self._request("GET", "/me"))

    def list_partners(
        self,
        filter: Mapping[str, object] | None = None,
        sort: tuple[str, str] | None = None,
        page_size: int = 100,
        limit: int | None = None,
    ) -> Iterator[Partner]:
        """Yield the partners that match ``filter``, in the order of ``sort``, page by page.

        ``filter`` is the API's filter object, such as ``{"state": ["Active"]}``, and
        ``sort`` a pair such as ``("name", "DESC")``. ``page_size`` items are requested at
        a time, and at most ``limit`` are yielded. No request is sent before the first item
        is asked for.
        """
        return self._iterate("partners", Partner, ListQuery(filter, sort), page_size, limit)

    def list_customers(
        self,
        filter: Mapping[str, object] | None = None,
        sort: tuple[str, str] | None = None,
        page_size: int = 100,
        limit: int | None = None,
    ) -> Iterator[Customer]:
        """Yield the customers that match ``filter``, as ``list_partners`` does partners."""
        return self._iterate("customers", Customer, ListQuery(filter, sort), page_size, limit)

    def list_partners_page(
        self,
        filter: Mapping[str, object] | None = None,
        sort: tuple[str, str] | None = None,
        start: int = 0,
        size: int = 25,
    ) -> Page[Partner]:
        """Return the ``size`` partners from position ``start`` with one request."""
        return self._page("partners", Partner, ListQuery(filter, sort), start, size)

    def list_customers_page(
        self,
        filter: Mapping[str, object] | None = None,
        sort: tuple[str, str] | None = None,
        start: int = 0,
        size: int = 25,
    ) -> Page[Customer]:
        """Return the ``size`` customers from position ``start`` with one request."""
        return self._page("customers", Customer, ListQuery(filter, sort), start, size)

    def get_partner(self, id: str) -> Partner:
        """Return the partner with this id; raise ``NotFoundError`` outside the key's scope."""
        return parse_item(Partner, self._request("GET", item_path("partners", id)))

    def get_customer(self, id: str) -> Customer:
        """Return the customer with this id; raise ``NotFoundError`` outside the key's scope."""
        return parse_item(Customer, self._request("GET", item_path("customers", id)))

    def create_partner(
        self, body: Mapping[str, object], *, idempotency_key: str | None = None
    ) -> Partner:
        """Create a partner from the API's request ``body`` and return it.

        Every attempt sends the same ``Idempotency-Key``: ``idempotency_key``, or a new
        UUID. The server therefore creates the partner at most once across the retries.
        The same body with the same key, sent again while the server keeps the key (24
        hours by default), returns the same partner.
        """
        return self.create_partner_result(body, idempotency_key=idempotency_key).item

    def create_customer(
        self, body: Mapping[str, object], *, idempotency_key: str | None = None
    ) -> Customer:
        """Create a customer from the API's request ``body`` and return it.

        The ``Idempotency-Key`` is sent as by ``create_partner``.
        """
        return self.create_customer_result(body, idempotency_key=idempotency_key).item

    def create_partner_result(
        self, body: Mapping[str, object], *, idempotency_key: str | None = None
    ) -> Created[Partner]:
        """Create a partner as ``create_partner`` does; also return whether it was a replay."""
        return self._create("partners", Partner, body, idempotency_key)

    def create_customer_result(
        self, body: Mapping[str, object], *, idempotency_key: str | None = None
    ) -> Created[Customer]:
        """Create a customer as ``create_customer`` does; also return whether it was a replay."""
        return self._create("customers", Customer, body, idempotency_key)

    def _iterate(
        self,
        collection: str,
        model: type[ModelT],
        query: ListQuery,
        page_size: int,
        limit: int | None,
    ) -> Iterator[ModelT]:
        # Checked here, so that a bad argument raises at the call and not at the first item.
        cursor: PageCursor[ModelT] = PageCursor(page_size, limit)
        return self._pages(collection, model, query, cursor)

    def _pages(
        self, collection: str, model: type[ModelT], query: ListQuery, cursor: PageCursor[ModelT]
    ) -> Iterator[ModelT]:
        while not cursor.done:
            page = self._page(collection, model, query, cursor.start, cursor.next_size())
            yield from cursor.advance(page)

    def _page(
        self, collection: str, model: type[ModelT], query: ListQuery, start: int, size: int
    ) -> Page[ModelT]:
        response = self._request("GET", f"/{collection}", params=query.params(start, size))
        return build_page(parse_items(model, response), start, page_total(response))

    def _create(
        self,
        collection: str,
        model: type[ModelT],
        body: Mapping[str, object],
        idempotency_key: str | None,
    ) -> Created[ModelT]:
        key = idempotency_key_or_new(idempotency_key)
        response = self._request(
            "POST", f"/{collection}", json=dict(body), headers={IDEMPOTENCY_KEY_HEADER: key}
        )
        return parse_created(model, response, key)

    def _request(
        self,
        method: str,
        path: str,
        *,
        params: Mapping[str, str] | None = None,
        json: Any = None,
        headers: Mapping[str, str] | None = None,
    ) -> httpx.Response:
        """Send a request with retries and return its successful response, or raise."""
        request = self._http.build_request(method, path, params=params, json=json, headers=headers)
        state = RetryState(
            self.retry,
            method,
            str(request.url),
            retry_errors=method == "GET" or IDEMPOTENCY_KEY_HEADER in request.headers,
        )
        while True:
            try:
                response = self._http.send(request)
            except httpx.RequestError as error:
                delay = state.delay_after_error(error)
            else:
                response_delay = state.delay_after_response(response)
                if response_delay is None:
                    raise_for_status(response)
                    return response
                delay = response_delay
                response.close()
            self._sleep(delay)
