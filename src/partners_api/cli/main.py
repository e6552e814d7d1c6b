"""The ``partners-api`` command group: global options and the translation of domain
errors into one-line CLI errors."""

from __future__ import annotations

import re
from typing import Any

import click

from partners_api.cli import accounts, audit, bench, demo, idempotency, keys, serve
from partners_api.cli.db import GlobalOptions, db_group
from partners_api.cli.output import CLIError
from partners_api.console import OneLineErrorGroup
from partners_api.exceptions import PartnersAPIError
from partners_api.settings import DEFAULT_DATABASE_URL
from partners_api.storage.database import DatabaseURLError

# Request body fields, as the domain names them in its errors, and the options that
# set them. The --email option sets both the member email and contactData.email.
FIELD_OPTIONS = {
    "email": "--email",
    "partnerName": "--name",
    "firstName": "--first-name",
    "lastName": "--last-name",
    "code": "--code",
    "countryIds": "--country",
    "contactData.web": "--web",
    "contactData.email": "--email",
    "contactData.phone": "--phone",
    "level": "--level",
    "languageId": "--language",
    "timeZoneId": "--time-zone",
    "name": "--name",
    "expiresInDays": "--expires-in",
}
# An index at the end of a field path, such as the 1 of countryIds.1.
_ARRAY_INDEX = re.compile(r"\.\d+$")


def option_for_field(field: str) -> str:
    """Return the option that sets a body field, or the field itself when none does."""
    return FIELD_OPTIONS.get(_ARRAY_INDEX.sub("", field), field)


def user_error(exc: PartnersAPIError) -> CLIError:
    """Turn a domain error into one line, each field error prefixed by its option."""
    if isinstance(exc, DatabaseURLError):
        return CLIError(f"{exc.detail} Set it with --database-url or PARTNERS_API_DATABASE_URL.")
    if not exc.errors:
        return CLIError(exc.detail)
    parts: list[str] = []
    for field, message in exc.errors.items():
        part = f"{option_for_field(field)}: {message}"
        # --email sets two fields, which then report the same error twice.
        if part not in parts:
            parts.append(part)
    return CLIError(" ".join(parts))


class PartnersAPIGroup(OneLineErrorGroup):
    """The ``partners-api`` group: domain errors of its commands become ``CLIError``."""

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except PartnersAPIError as exc:
            raise user_error(exc) from exc


@click.group(cls=PartnersAPIGroup)
@click.option(
    "--database-url",
    envvar="PARTNERS_API_DATABASE_URL",
    default=DEFAULT_DATABASE_URL,
    show_default=True,
    show_envvar=True,
    help="SQLAlchemy URL of the database: sqlite:///file.db or postgresql://user@host/name.",
)
@click.version_option(package_name="partners-api")
@click.pass_context
def cli(ctx: click.Context, database_url: str) -> None:
    """Operate the SIP Caller Partners API: database, accounts, API keys and the server."""
    ctx.obj = GlobalOptions(database_url=database_url)


cli.add_command(db_group)
cli.add_command(accounts.distributor_group)
cli.add_command(accounts.partner_group)
cli.add_command(keys.key_group)
cli.add_command(audit.audit_group)
cli.add_command(serve.serve)
cli.add_command(demo.demo)
cli.add_command(idempotency.idempotency_group)
cli.add_command(bench.bench_group)
