"""Routes that are not resources: the caller's own key and the health probes."""

from __future__ import annotations

from fastapi import APIRouter, Request
from sqlalchemy import text

from partners_api.domain.apikeys import principal_view
from partners_api.http import openapi
from partners_api.http.dependencies import Caller, get_engine
from partners_api.http.responses import JSONResponse

router = APIRouter()


@router.get("/v1/me", tags=["keys"], **openapi.get_me)
async def get_me(principal: Caller) -> JSONResponse:
    return JSONResponse(principal_view(principal))


@router.get("/healthz", tags=["health"], **openapi.healthz)
async def healthz() -> JSONResponse:
    return JSONResponse({"status": "ok"})


@router.get("/readyz", tags=["health"], **openapi.readyz)
async def readyz(request: Request) -> JSONResponse:
    # Database errors raised here become a 503 through the global handlers.
    async with get_engine(request).connect() as connection:
        await connection.execute(text("SELECT 1"))
    return JSONResponse({"status": "ok", "database": "reachable"})
