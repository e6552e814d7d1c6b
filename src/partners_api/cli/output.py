"""Printing command results as JSON or short text, and the CLI's one user-error type."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable
from typing import Any, TypeVar

import click

CommandT = TypeVar("CommandT", bound=Callable[..., Any])


class CLIError(click.ClickException):
    """A user error: click prints ``Error: <message>`` on one stderr line and exits
    with status 2, as for its own usage errors."""

    exit_code = 2

    def __init__(self, message: str) -> None:
        # Messages quote database errors and user input, which may span lines.
        super().__init__(" ".join(line.strip() for line in message.splitlines()))


class UnavailableError(CLIError):
    """An unreachable database or a port that cannot be listened on, with exit status 1."""

    exit_code = 1


def json_option(command: CommandT) -> CommandT:
    """Add the ``--json`` flag, passed to the command as ``as_json``."""
    option = click.option(
        "--json", "as_json", is_flag=True, help="Print the result as JSON instead of text."
    )
    return option(command)


def print_json(data: object) -> None:
    click.echo(json.dumps(data, indent=2, ensure_ascii=False))


def print_result(data: object, text: Iterable[str], *, as_json: bool) -> None:
    """Print ``data`` as JSON with ``--json``, otherwise the lines of ``text``."""
    if as_json:
        print_json(data)
        return
    for line in text:
        click.echo(line)
