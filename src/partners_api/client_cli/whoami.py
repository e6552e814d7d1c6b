"""The ``whoami`` command: the calling key's account, role and scope (``GET /v1/me``)."""

from __future__ import annotations

from typing import Any

import click

from partners_api.client import Me
from partners_api.client_cli.context import global_options
from partners_api.client_cli.output import choose_format, format_option, write_object

_SCOPES = {
    "Distributor": "the distributor's partners, and the customers of the distributor "
    "and of its partners",
    "Partner": "the partner's own customers; partner endpoints return 403",
}
_ROLE_RIGHTS = {
    "PartnerAdmin": "list, get and create",
    "PartnerReader": "list and get only",
}


def describe_me(me: Me, url: str, profile: str | None) -> dict[str, Any]:
    """Return the ``/v1/me`` object with the URL, the profile and the key's scope and
    rights in words."""
    data: dict[str, Any] = me.model_dump(by_alias=True, mode="json")
    data["scope"] = _SCOPES.get(me.account.type, f"unknown account type {me.account.type!r}")
    data["allowed"] = _ROLE_RIGHTS.get(me.role, f"unknown role {me.role!r}")
    data["url"] = url
    data["profile"] = profile
    return data


@click.command("whoami")
@format_option()
def whoami(output_format: str | None) -> None:
    """Show the API key in use: its account, role and what it can see."""
    options = global_options()
    connection = options.connect()
    with options.client() as client:
        me = client.me()
    write_object(
        describe_me(me, connection.url, connection.profile),
        choose_format(output_format),
        title=f"API key {me.name!r}",
    )
