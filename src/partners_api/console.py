"""The click group shared by the two command lines, ``partners-api`` and ``partners``."""

from __future__ import annotations

import sys
from collections.abc import Sequence
from typing import Any

import click
from click.exceptions import NoArgsIsHelpError


class OneLineErrorGroup(click.Group):
    """A group that reports every user error as one ``Error:`` line on stderr.

    click's usage errors would print the usage and a hint over three lines; here they are
    one line that names the command's --help. ``abort_exit_code`` is the exit status of
    an interrupted command. ``run`` is the part of ``main`` that subclasses extend to
    handle more errors.
    """

    program_name = "partners-api"
    abort_exit_code = 1

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
            result = self.run(args, prog_name, complete_var, **extra)
        except NoArgsIsHelpError as exc:
            # No command given: the group's help is the whole message.
            click.echo(exc.format_message(), err=True)
            sys.exit(exc.exit_code)
        except click.UsageError as exc:
            command = exc.ctx.command_path if exc.ctx is not None else self.program_name
            message = exc.format_message().rstrip()
            # click's messages do not all end with a period ("...: No such file or directory").
            if not message.endswith((".", "?", "!")):
                message += "."
            click.echo(f"Error: {message} See '{command} --help'.", err=True)
            sys.exit(exc.exit_code)
        except click.ClickException as exc:
            exc.show()
            sys.exit(exc.exit_code)
        except click.Abort:
            click.echo("Aborted.", err=True)
            sys.exit(self.abort_exit_code)
        # Without standalone mode click returns the exit code of --help and ctx.exit().
        sys.exit(result if isinstance(result, int) else 0)

    def run(
        self,
        args: Sequence[str] | None,
        prog_name: str | None,
        complete_var: str | None,
        **extra: Any,
    ) -> Any:
        """Run the command line without click's own error handling."""
        return super().main(args, prog_name, complete_var, False, **extra)
