"""The ``distributor create`` and ``partner create`` commands."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from typing import Any

import click

from partners_api.cli.db import GlobalOptions, load_settings, open_database, pass_options
from partners_api.cli.output import CommandT, json_option, print_result
from partners_api.domain import views
from partners_api.domain.accounts import create_account, load_account_view
from partners_api.domain.audit import OPERATOR
from partners_api.domain.enums import AccountType, OriginType
from partners_api.domain.schemas import PartnerCreate, parse_body
from partners_api.storage.database import write_transaction


def account_body(
    *,
    name: str,
    email: str,
    first_name: str,
    last_name: str,
    code: str | None = None,
    countries: tuple[str, ...] = (),
    web: str | None = None,
    phone: str | None = None,
    level: str | None = None,
    language: str | None = None,
    time_zone: str | None = None,
) -> PartnerCreate:
    """Validate the options as the body of ``POST /partners`` would be validated.

    Raises ``ValidationError`` with the body field names, which the CLI maps back to
    the options.
    """
    contact = {"web": web, "email": email, "phone": phone}
    data: dict[str, Any] = {
        "email": email,
        "firstName": first_name,
        "lastName": last_name,
        "partnerName": name,
        "code": code,
        "level": level,
        "languageId": language,
        "timeZoneId": time_zone,
        "countryIds": list(countries),
        "contactData": {key: value for key, value in contact.items() if value is not None},
    }
    # An absent option takes the body's default, as an absent JSON field would.
    present = {key: value for key, value in data.items() if value is not None}
    return parse_body(PartnerCreate, present)


async def create_account_record(
    database_url: str, body: PartnerCreate, account_type: AccountType
) -> views.JSON:
    """Create a distributor or a partner without a distributor and return its API view."""
    settings = load_settings(database_url)
    async with open_database(database_url) as engine:
        async with write_transaction(engine) as connection:
            account_id = await create_account(
                connection,
                settings,
                body,
                account_type=account_type,
                parent_id=None,
                origin=OriginType.OPERATOR_CLI,
                actor=OPERATOR,
            )
            return await load_account_view(connection, account_id)


def _account_options(command: CommandT) -> CommandT:
    options: list[Callable[[CommandT], CommandT]] = [
        click.option("--name", required=True, help="Display name of the account."),
        click.option(
            "--email",
            required=True,
            help="Email of the first member (a PartnerAdmin), also the public contact email.",
        ),
        click.option("--first-name", required=True, help="First name of the first member."),
        click.option("--last-name", required=True, help="Last name of the first member."),
        click.option(
            "--code",
            help="Unique code: 2 to 63 lower-case letters, digits or hyphens. "
            "Default: derived from --name.",
        ),
        click.option(
            "--country",
            "countries",
            multiple=True,
            help="ISO 3166-1 alpha-2 code of a country the account works in (repeatable).",
        ),
        click.option("--web", help="Public website URL (http or https)."),
        click.option(
            "--phone", help="Public phone number in international form, such as '+1 234 555 0000'."
        ),
        click.option(
            "--level",
            help="Partner level, one of PARTNERS_API_PARTNER_LEVELS. "
            "Default: PARTNERS_API_DEFAULT_PARTNER_LEVEL, which is Basic unless set.",
        ),
        click.option(
            "--language", help="ISO 639-1 language code of the first member. Default: en."
        ),
        click.option(
            "--time-zone",
            help="IANA time zone of the first member, such as US/Eastern. Default: UTC.",
        ),
        json_option,
    ]
    for option in reversed(options):
        command = option(command)
    return command


def _run_create(options: GlobalOptions, account_type: AccountType, fields: dict[str, Any]) -> None:
    as_json = bool(fields.pop("as_json"))
    body = account_body(**fields)
    view = asyncio.run(create_account_record(options.database_url, body, account_type))
    member = view["contactData"]["members"][0]
    kind = account_type.value.lower()
    print_result(
        view,
        [
            f"Created the {kind} {view['name']!r} with id {view['id']}, code {view['code']}, "
            f"level {view['level']}.",
            f"First member: {member['name']} <{member['email']}>, PartnerAdmin, id {member['id']}.",
            f"Create its API key with: partners-api key create --account {view['id']} "
            "--role PartnerAdmin",
        ],
        as_json=as_json,
    )


@click.group("distributor")
def distributor_group() -> None:
    """Manage distributor accounts."""


@distributor_group.command("create")
@_account_options
@pass_options
def create_distributor(options: GlobalOptions, /, **fields: Any) -> None:
    """Create a distributor account and its first member, a PartnerAdmin."""
    _run_create(options, AccountType.DISTRIBUTOR, fields)


@click.group("partner")
def partner_group() -> None:
    """Manage partner accounts that have no distributor."""


@partner_group.command("create")
@_account_options
@pass_options
def create_partner(options: GlobalOptions, /, **fields: Any) -> None:
    """Create a partner without a distributor, and its first member, a PartnerAdmin.

    Partners under a distributor are created by the distributor's own API key with
    POST /v1/partners.
    """
    _run_create(options, AccountType.PARTNER, fields)
