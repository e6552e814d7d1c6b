"""The ASGI application factory."""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import FastAPI
from sqlalchemy.ext.asyncio import AsyncEngine
from starlette.middleware.cors import CORSMiddleware
from starlette.types import ASGIApp

from partners_api import __version__
from partners_api.domain.auth_cache import AuthCache
from partners_api.http import customers, errors, openapi, partners, system
from partners_api.http.access_log import AccessLogMiddleware
from partners_api.http.ratelimit import RateLimitHeadersMiddleware, create_rate_limiter
from partners_api.http.request_id import RequestIDMiddleware
from partners_api.http.security_headers import SecurityHeadersMiddleware
from partners_api.http.timeout import RequestTimeoutMiddleware, statement_timeout_seconds
from partners_api.settings import Settings, get_settings
from partners_api.storage.database import create_engine, redact_url

logger = logging.getLogger("partners_api.http")

_CORS_ALLOWED_HEADERS = [
    "Authorization",
    "Content-Type",
    "Range",
    "Idempotency-Key",
    "X-Request-ID",
    "Prefer",
]
_CORS_EXPOSED_HEADERS = [
    "Content-Range",
    "X-Total-Count",
    "Location",
    "X-Request-ID",
    "RateLimit",
    "RateLimit-Policy",
    "Retry-After",
    "Idempotent-Replayed",
    "Preference-Applied",
]


class PartnersAPI(FastAPI):
    """FastAPI with the access log and the security headers outside its error middleware.

    Middleware added with ``add_middleware`` sits inside Starlette's
    ServerErrorMiddleware, which sends the 500 of an unexpected error itself. Wrapping
    the whole stack puts the headers on that 500 too and logs it.
    """

    def build_middleware_stack(self) -> ASGIApp:
        settings: Settings = self.state.settings
        stack = super().build_middleware_stack()
        stack = SecurityHeadersMiddleware(stack, behind_https=settings.behind_https)
        return AccessLogMiddleware(stack)


def create_app(settings: Settings | None = None, engine: AsyncEngine | None = None) -> FastAPI:
    """Build the application; an ``engine`` passed in is left open on shutdown."""
    settings = settings or get_settings()

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        owned = engine is None
        app.state.engine = engine or create_engine(
            settings.database_url,
            pool_size=settings.database_pool_size,
            statement_timeout_seconds=statement_timeout_seconds(settings.request_timeout_seconds),
        )
        logger.info("Serving with the database %s", redact_url(settings.database_url))
        try:
            yield
        finally:
            if app.state.rate_limiter is not None:
                await app.state.rate_limiter.aclose()
            if owned:
                await app.state.engine.dispose()

    app = PartnersAPI(
        title="SIP Caller Partners API",
        version=__version__,
        description=(
            "Onboarding of partners and customers for SIP Caller distributors and partners."
        ),
        openapi_url="/v1/openapi.json",
        docs_url="/docs",
        redoc_url=None,
        lifespan=lifespan,
    )
    app.state.settings = settings
    # Built here rather than in the lifespan, which clients such as httpx's ASGITransport
    # never run. Building opens no connection, so this is safe outside an event loop.
    app.state.rate_limiter = create_rate_limiter(settings)
    app.state.auth_cache = AuthCache(settings.auth_cache_seconds)
    if engine is not None:
        app.state.engine = engine
    app.include_router(partners.router)
    app.include_router(customers.router)
    app.include_router(system.router)
    errors.install(app)
    if settings.cors_origins:
        app.add_middleware(
            CORSMiddleware,
            allow_origins=settings.cors_origins,
            allow_methods=["GET", "POST", "OPTIONS"],
            allow_headers=_CORS_ALLOWED_HEADERS,
            expose_headers=_CORS_EXPOSED_HEADERS,
        )
    # Inside RequestIDMiddleware, so the 503 of a timeout carries the request id.
    app.add_middleware(RequestTimeoutMiddleware, timeout_seconds=settings.request_timeout_seconds)
    app.add_middleware(RateLimitHeadersMiddleware)
    app.add_middleware(RequestIDMiddleware)
    openapi.customize(app)
    return app
