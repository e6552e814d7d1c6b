"""The ``partners-api`` command group: global options and the translation of domain
errors into one-line CLI errors."""

from __future__ import annotations

import re
import sys
from collections.abc import Sequence
from typing import Any

import click
from click.exceptions import NoArgsIsHelpError

from partners_api.cli import accounts, audit, bench, demo, idempotency, keys, serve
from partners_api.cli.db import GlobalOptions, db_group
from partners_api.cli.output import CLIError
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


class PartnersAPIGroup(click.Group):
    """A group that reports every user error as one ``Error:`` line on stderr.

    Domain errors of its commands become ``CLIError``. click's usage errors (a missing
    option, an invalid choice) would print the usage and a hint over three lines, so
    they are printed as one line that names the command's --help instead.
    """

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except PartnersAPIError as exc:
            raise user_error(exc) from exc

    def main(
        self,
        args: Sequence[str] | None = None,
        prog_name: str | None = None,
        complete_var: str | None = None,
        standalone_mode: bool = True,
        **extra: Any,
    ) -> Any:
        if not standalone_mode:
            return super().main(args, prog_name, complete_var, False, **extra)
        try:
            result = super().main(args, prog_name, complete_var, False, **extra)
        except NoArgsIsHelpError as exc:
            # No command given: the group's help is the whole message.
            click.echo(exc.format_message(), err=True)
            sys.exit(exc.exit_code)
        except click.UsageError as exc:
            command = exc.ctx.command_path if exc.ctx is not None else "partners-api"
            click.echo(f"Error: {exc.format_message()} See '{command} --help'.", err=True)
            sys.exit(exc.exit_code)
        except click.ClickException as exc:
            exc.show()
            sys.exit(exc.exit_code)
        except click.Abort:
            click.echo("Aborted.", err=True)
            sys.exit(1)
        # Without standalone mode click returns the exit code of --help and ctx.exit().
        sys.exit(result if isinstance(result, int) else 0)


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
