"""The ``partners`` command group: global options, and the translation of client errors
into one-line errors."""

from __future__ import annotations

import logging
import os
import sys
from collections.abc import Sequence
from typing import Any, NoReturn

import click

from partners_api.client import PartnersClientError
from partners_api.client_cli.config_commands import config_group
from partners_api.client_cli.connection import PROFILE_VARIABLE, URL_VARIABLE
from partners_api.client_cli.context import GlobalOptions, user_error
from partners_api.client_cli.errors import RequestFailedError
from partners_api.client_cli.resource_commands import customers_group, partners_group
from partners_api.client_cli.whoami import whoami
from partners_api.console import OneLineErrorGroup

# Logger of partners_api.client, which logs each retry at INFO level.
CLIENT_LOGGER = "partners_api.client"


class _StderrHandler(logging.Handler):
    """Writes log messages to the current stderr, which click's test runner replaces."""

    def emit(self, record: logging.LogRecord) -> None:
        click.echo(self.format(record), err=True)


def show_client_log(ctx: click.Context) -> None:
    """Print the client's log messages (its retries) on stderr until the command ends."""
    logger = logging.getLogger(CLIENT_LOGGER)
    handler = _StderrHandler()
    previous_level = logger.level
    logger.addHandler(handler)
    logger.setLevel(logging.INFO)

    def restore() -> None:
        logger.removeHandler(handler)
        logger.setLevel(previous_level)

    ctx.call_on_close(restore)


class PartnersGroup(OneLineErrorGroup):
    """The ``partners`` group: client errors of its commands become ``CLIError``, and an
    interrupted command exits with the status of a failed request."""

    program_name = "partners"
    abort_exit_code = RequestFailedError.exit_code

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except BrokenPipeError:
            # Handled here, because click's main turns it into exit status 1.
            _exit_on_closed_stdout()
        except PartnersClientError as exc:
            options = ctx.find_object(GlobalOptions)
            raise user_error(exc, options.connection if options else None) from exc

    def run(
        self,
        args: Sequence[str] | None,
        prog_name: str | None,
        complete_var: str | None,
        **extra: Any,
    ) -> Any:
        try:
            return super().run(args, prog_name, complete_var, **extra)
        except BrokenPipeError:
            _exit_on_closed_stdout()


def _exit_on_closed_stdout() -> NoReturn:
    """Exit with status 0 after the reader of stdout went away, as
    `partners customers list | head -1` does.

    The reader has what it wanted, so the exit status is 0, as with other tools that
    catch the error (a tool killed by SIGPIPE gets 141 instead). click would exit with 1.
    Stdout is pointed at /dev/null so that the interpreter's final flush is silent.
    """
    devnull = os.open(os.devnull, os.O_WRONLY)
    os.dup2(devnull, sys.stdout.fileno())
    sys.exit(0)


@click.group(cls=PartnersGroup)
@click.option(
    "--profile",
    envvar=PROFILE_VARIABLE,
    show_envvar=True,
    help="Profile to use, from 'partners config list-profiles'. Default: the default profile.",
)
@click.option(
    "--url",
    help=f"API base URL, such as https://partners-api.example.com. Overrides {URL_VARIABLE} "
    "and the profile.",
)
@click.option(
    "--timeout",
    type=click.FloatRange(min=0, min_open=True),
    default=30.0,
    show_default=True,
    help="Seconds to wait for each response.",
)
@click.option("-v", "--verbose", is_flag=True, help="Log each retry of a request on stderr.")
@click.version_option(package_name="partners-api")
@click.pass_context
def cli(
    ctx: click.Context, profile: str | None, url: str | None, timeout: float, verbose: bool
) -> None:
    """Manage the partners and customers of a SIP Caller Partners API account.

    The API URL and token come from a saved profile, or from PARTNERS_API_URL and
    PARTNERS_API_TOKEN, which override the profile. Exit status: 0 on success, 1 when
    the server or the network reports a failure, 2 for invalid input.
    """
    if verbose:
        show_client_log(ctx)
    ctx.obj = GlobalOptions(profile=profile, url=url, timeout=timeout)


cli.add_command(config_group)
cli.add_command(partners_group)
cli.add_command(customers_group)
cli.add_command(whoami)
