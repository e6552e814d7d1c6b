"""``AsyncPartnersClient``: the asynchronous client of the Partners API."""

from __future__ import annotations

from collections.abc import AsyncIterator, Awaitable, Callable, Mapping
from types import TracebackType
from typing import Any, Self

import anyio
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


class AsyncPartnersClient:
    """An asynchronous client of the Partners API.

    It takes the arguments of ``PartnersClient``, with an ``httpx.AsyncBaseTransport``
    and an async ``sleep`` (``anyio.sleep``). Use it with ``async with``, or await
    ``aclose()``. The list methods return async iterators: ``async for customer in
    client.list_customers(): ...``.

    ``base_url`` is the server's root or its ``/v1`` base (``PARTNERS_API_URL`` when
    None), ``token`` the API key (``PARTNERS_API_TOKEN`` when None) and ``timeout`` the
    seconds per request and attempt. Raises ``ConfigurationError`` when the URL or token is
    missing or invalid.
    """

    def __init__(
        self,
        base_url: str | None = None,
        token: str | None = None,
        *,
        timeout: float = 30.0,
        retry: RetryPolicy | None = None,
        transport: httpx.AsyncBaseTransport | None = None,
        user_agent: str | None = None,
        sleep: Callable[[float], Awaitable[None]] | None = None,
    ) -> None:
        config = resolve_config(base_url, token, timeout=timeout, user_agent=user_agent)
        self.base_url = config.base_url
        self.retry = retry or RetryPolicy()
        self._sleep = sleep or anyio.sleep
        self._http = httpx.AsyncClient(
            base_url=config.base_url,
            headers=config.headers,
            timeout=config.timeout,
            transport=transport,
        )

    async def __aenter__(self) -> Self:
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        await self.aclose()

    async def aclose(self) -> None:
        """Close the connections of the client."""
        await self._http.aclose()

    async def me(self) -> Me:
        """Return the calling API key, with its role and account."""
        return parse_item(Me, await self._request("GET", "/me"))

    def list_partners(
        self,
        filter: Mapping[str, object] | None = None,
        sort: tuple[str, str] | None = None,
        page_size: int = 100,
        limit: int | None = None,
    ) -> AsyncIterator[Partner]:
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
    ) -> AsyncIterator[Customer]:
        """Yield the customers that match ``filter``, as ``list_partners`` does partners."""
        return self._iterate("customers", Customer, ListQuery(filter, sort), page_size, limit)

    async def list_partners_page(
        self,
        filter: Mapping[str, object] | None = None,
        sort: tuple[str, str] | None = None,
        start: int = 0,
        size: int = 25,
    ) -> Page[Partner]:
        """Return the ``size`` partners from position ``start`` with one request."""
        return await self._page("partners", Partner, ListQuery(filter, sort), start, size)

    async def list_customers_page(
        self,
        filter: Mapping[str, object] | None = None,
        sort: tuple[str, str] | None = None,
        start: int = 0,
        size: int = 25,
    ) -> Page[Customer]:
        """Return the ``size`` customers from position ``start`` with one request."""
        return await self._page("customers", Customer, ListQuery(filter, sort), start, size)

    async def get_partner(self, id: str) -> Partner:
        """Return the partner with this id; raise ``NotFoundError`` outside the key's scope."""
        return parse_item(Partner, await self._request("GET", item_path("partners", id)))

    async def get_customer(self, id: str) -> Customer:
        """Return the customer with this id; raise ``NotFoundError`` outside the key's scope."""
        return parse_item(Customer, await self._request("GET", item_path("customers", id)))

    async def create_partner(
        self, body: Mapping[str, object], *, idempotency_key: str | None = None
    ) -> Partner:
        """Create a partner from the API's request ``body`` and return it.

        Every attempt sends the same ``Idempotency-Key``: ``idempotency_key``, or a new
        UUID. The server therefore creates the partner at most once across the retries.
        The same body with the same key, sent again while the server keeps the key (24
        hours by default), returns the same partner.
        """
        return (await self.create_partner_result(body, idempotency_key=idempotency_key)).item

    async def create_customer(
        self, body: Mapping[str, object], *, idempotency_key: str | None = None
    ) -> Customer:
        """Create a customer from the API's request ``body`` and return it.

        The ``Idempotency-Key`` is sent as by ``create_partner``.
        """
        return (await self.create_customer_result(body, idempotency_key=idempotency_key)).item

    async def create_partner_result(
        self, body: Mapping[str, object], *, idempotency_key: str | None = None
    ) -> Created[Partner]:
        """Create a partner as ``create_partner`` does; also return whether it was a replay."""
        return await self._create("partners", Partner, body, idempotency_key)

    async def create_customer_result(
        self, body: Mapping[str, object], *, idempotency_key: str | None = None
    ) -> Created[Customer]:
        """Create a customer as ``create_customer`` does; also return whether it was a replay."""
        return await self._create("customers", Customer, body, idempotency_key)

    def _iterate(
        self,
        collection: str,
        model: type[ModelT],
        query: ListQuery,
        page_size: int,
        limit: int | None,
    ) -> AsyncIterator[ModelT]:
        # Checked here, so that a bad argument raises at the call and not at the first item.
        cursor: PageCursor[ModelT] = PageCursor(page_size, limit)
        return self._pages(collection, model, query, cursor)

    async def _pages(
        self, collection: str, model: type[ModelT], query: ListQuery, cursor: PageCursor[ModelT]
    ) -> AsyncIterator[ModelT]:
        while not cursor.done:
            page = await self._page(collection, model, query, cursor.start, cursor.next_size())
            for item in cursor.advance(page):
                yield item

    async def _page(
        self, collection: str, model: type[ModelT], query: ListQuery, start: int, size: int
    ) -> Page[ModelT]:
        response = await self._request("GET", f"/{collection}", params=query.params(start, size))
        return build_page(parse_items(model, response), start, page_total(response))

    async def _create(
        self,
        collection: str,
        model: type[ModelT],
        body: Mapping[str, object],
        idempotency_key: str | None,
    ) -> Created[ModelT]:
        key = idempotency_key_or_new(idempotency_key)
        response = await self._request(
            "POST", f"/{collection}", json=dict(body), headers={IDEMPOTENCY_KEY_HEADER: key}
        )
        return parse_created(model, response, key)

    async def _request(
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
                response = await self._http.send(request)
            except httpx.RequestError as error:
                delay = state.delay_after_error(error)
            else:
                response_delay = state.delay_after_response(response)
                if response_delay is None:
                    raise_for_status(response)
                    return response
                delay = response_delay
                await response.aclose()
            await self._sleep(delay)
