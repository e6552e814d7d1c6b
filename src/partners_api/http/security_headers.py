"""Security headers on every response, including errors, 404s, 500s and the docs page."""

from __future__ import annotations

from starlette.datastructures import MutableHeaders
from starlette.types import ASGIApp, Message, Receive, Scope, Send

# The JSON API loads nothing and is never framed.
API_CSP = "default-src 'none'; frame-ancestors 'none'"
# FastAPI's Swagger UI page (fastapi 0.165) loads its script and stylesheet from
# cdn.jsdelivr.net and its icon from fastapi.tiangolo.com, starts Swagger UI with an
# inline script, and fetches the OpenAPI document and "Try it out" requests from this
# origin. Swagger UI also sets inline styles and uses data: images.
# NOTE: 'unsafe-inline' weakens this policy. The docs page contains no data of the API.
DOCS_CSP = (
    "default-src 'none'; "
    "script-src https://cdn.jsdelivr.net 'unsafe-inline'; "
    "style-src https://cdn.jsdelivr.net 'unsafe-inline'; "
    "img-src https://fastapi.tiangolo.com data:; "
    "connect-src 'self'; "
    "frame-ancestors 'none'"
)
DOCS_PATH = "/docs"
HSTS_VALUE = "max-age=31536000"

_COMMON_HEADERS = {
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    "Referrer-Policy": "no-referrer",
    # Responses carry private account data, so no cache may keep them.
    "Cache-Control": "no-store",
}


class SecurityHeadersMiddleware:
    """Add the security headers to each HTTP response that does not set them itself.

    ``behind_https`` adds ``Strict-Transport-Security``. Browsers ignore that header on
    plain HTTP, and a wrong one locks clients out of the host, so it is off by default.
    """

    def __init__(self, app: ASGIApp, *, behind_https: bool = False) -> None:
        self.app = app
        self.headers = dict(_COMMON_HEADERS)
        if behind_https:
            self.headers["Strict-Transport-Security"] = HSTS_VALUE

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        path: str = scope["path"]
        is_docs = path == DOCS_PATH or path.startswith(DOCS_PATH + "/")
        csp = DOCS_CSP if is_docs else API_CSP

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = MutableHeaders(scope=message)
                for name, value in self.headers.items():
                    headers.setdefault(name, value)
                headers.setdefault("Content-Security-Policy", csp)
            await send(message)

        await self.app(scope, receive, send_with_headers)
