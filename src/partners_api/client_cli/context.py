"""The options of the ``partners`` group, shared by every command, and the client built
from them."""

from __future__ import annotations

import os
from dataclasses import dataclass, field

import click

from partners_api.client import (
    APIError,
    AuthenticationError,
    ConfigurationError,
    PartnersClient,
    PartnersClientError,
    RetryPolicy,
    TransportError,
)
from partners_api.client_cli.connection import Connection, resolve_connection
from partners_api.client_cli.errors import CLIError, RequestFailedError


@dataclass
class GlobalOptions:
    """``--profile``, ``--url`` and ``--timeout``, and the connection chosen from them."""

    profile: str | None
    url: str | None
    timeout: float
    connection: Connection | None = field(default=None, init=False)

    def connect(self) -> Connection:
        """Choose the URL and token once per command; see ``resolve_connection``."""
        if self.connection is None:
            self.connection = resolve_connection(
                profile_name=self.profile, url_option=self.url, environ=os.environ
            )
        return self.connection

    def client(self, retry: RetryPolicy | None = None) -> PartnersClient:
        connection = self.connect()
        return PartnersClient(connection.url, connection.token, timeout=self.timeout, retry=retry)


def global_options() -> GlobalOptions:
    """Return the options of the current command's root group."""
    options = click.get_current_context().find_object(GlobalOptions)
    if options is None:
        # A command invoked on its own, as tests may do, gets the defaults.
        options = GlobalOptions(profile=None, url=None, timeout=30.0)
    return options


def sentence(text: str) -> str:
    """Return ``text`` ending with a period, unless it ends with ``.``, ``?`` or ``!``."""
    text = text.rstrip()
    return text if text.endswith((".", "?", "!")) else f"{text}."


def connection_hint(connection: Connection) -> str:
    """Return the next step after a connection error, with the URL and its source."""
    return (
        f"Check that the server is running at {connection.url} "
        f"(the URL came from {connection.url_source})."
    )


def describe_api_error(exc: APIError) -> str:
    """Return the status, detail and field errors of ``exc`` on one line. A field error
    that repeats the detail is left out."""
    text = f"{exc.status_code} {exc.title}"
    if exc.detail:
        text += f": {exc.detail}"
    detail = (exc.detail or "").strip().rstrip(".")
    for field_path, message in exc.errors.items():
        if message.strip().rstrip(".") == detail:
            continue
        text += f" {field_path}: {message}"
    if exc.request_id:
        text += f" (request id {exc.request_id})"
    return text


def user_error(exc: PartnersClientError, connection: Connection | None) -> CLIError:
    """Turn a client exception into one ``Error:`` line; bad configuration exits with 2,
    any failure of the request with 1."""
    if isinstance(exc, ConfigurationError):
        return CLIError(str(exc))
    if isinstance(exc, TransportError) and connection is not None:
        return RequestFailedError(f"{sentence(str(exc))} {connection_hint(connection)}")
    if not isinstance(exc, APIError):
        return RequestFailedError(str(exc))
    message = describe_api_error(exc)
    if isinstance(exc, AuthenticationError) and connection is not None:
        message += f" The token came from {connection.token_source}."
    return RequestFailedError(message)
