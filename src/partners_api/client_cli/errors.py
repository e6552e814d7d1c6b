"""The one user-error type of the ``partners`` command and its exit statuses."""

from __future__ import annotations

import click


class CLIError(click.ClickException):
    """A user error: click prints ``Error: <message>`` on one stderr line and exits with
    status 2, as for its own usage errors. Bad options, files and profiles raise it."""

    exit_code = 2

    def __init__(self, message: str) -> None:
        # Messages quote server errors and user input, which may span lines.
        super().__init__(" ".join(line.strip() for line in message.splitlines()))


class RequestFailedError(CLIError):
    """A failure that the server or the network reported, with exit status 1."""

    exit_code = 1


class ImportInterruptedError(CLIError):
    """An import stopped with Ctrl-C, with exit status 130, as shells report a SIGINT."""

    exit_code = 130


class ImportTerminatedError(CLIError):
    """An import stopped by SIGTERM, with exit status 143 (128 + 15), as shells report it."""

    exit_code = 143
