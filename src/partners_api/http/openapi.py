"""OpenAPI metadata of each route (placeholder until the full schemas land)."""

from __future__ import annotations

from typing import Any

from fastapi import FastAPI

list_partners: dict[str, Any] = {"summary": "List partners"}
get_partner: dict[str, Any] = {"summary": "Get a partner"}
create_partner: dict[str, Any] = {"summary": "Create a partner"}
list_customers: dict[str, Any] = {"summary": "List customers"}
get_customer: dict[str, Any] = {"summary": "Get a customer"}
create_customer: dict[str, Any] = {"summary": "Create a customer"}
get_me: dict[str, Any] = {"summary": "Describe the calling API key"}
healthz: dict[str, Any] = {"summary": "Process is up"}
readyz: dict[str, Any] = {"summary": "Database is reachable"}


def customize(app: FastAPI) -> None:
    """Add what FastAPI cannot derive from the routes to ``app``'s OpenAPI document."""
