"""The ``config`` commands: save, list and delete connection profiles."""

from __future__ import annotations

import sys

import click

from partners_api.client_cli.errors import CLIError
from partners_api.client_cli.output import OutputFormat, choose_format, format_option, write_items
from partners_api.client_cli.profiles import (
    ProfileFile,
    delete_profile,
    load_profiles,
    mask_token,
    profiles_path,
    set_default_profile,
    set_profile,
)
from partners_api.client_cli.tables import Column

PROFILE_COLUMNS = (
    Column("Name", "name"),
    Column("Default", "default"),
    Column("URL", "url"),
    Column("Token", "token"),
)


def read_token() -> str:
    """Read the token from stdin: a hidden prompt on a terminal, else the whole input."""
    if sys.stdin.isatty():
        token: str = click.prompt("API token", hide_input=True)
    else:
        token = sys.stdin.read()
    token = token.strip()
    if not token:
        raise CLIError(
            "No token on stdin: pipe the token in, such as "
            "'partners config set-profile NAME --url URL --token-stdin < token.txt'."
        )
    if any(char.isspace() for char in token):
        raise CLIError("The token on stdin contains whitespace; send the token alone.")
    return token


def _describe(name: str, profiles: ProfileFile) -> str:
    profile = profiles.profiles[name]
    default = " It is the default profile." if profiles.default == name else ""
    return (
        f"Saved profile {name!r} ({profile.url}, token {mask_token(profile.token)}) "
        f"in {profiles_path()}.{default}"
    )


@click.group("config")
def config_group() -> None:
    """Save the API URL and token under a profile name."""


@config_group.command("set-profile")
@click.argument("name")
@click.option(
    "--url", required=True, help="API base URL, such as https://partners-api.example.com."
)
@click.option(
    "--token-stdin",
    is_flag=True,
    help="Read the API token from stdin (a hidden prompt on a terminal). Without it, "
    "an existing profile keeps its token.",
)
@click.option("--default", "make_default", is_flag=True, help="Make this the default profile.")
def set_profile_command(name: str, url: str, token_stdin: bool, make_default: bool) -> None:
    """Create or update the profile NAME.

    The token is read from stdin, never from an option, so that it stays out of the
    shell history and the process list. The first profile becomes the default one.
    """
    token = read_token() if token_stdin else None
    profiles = set_profile(name, url, token, make_default=make_default)
    click.echo(_describe(name, profiles))


@config_group.command("list-profiles")
@format_option()
def list_profiles_command(output_format: str | None) -> None:
    """List the saved profiles, with a masked prefix of each token."""
    profiles = load_profiles()
    rows = [
        {
            "name": name,
            "default": name == profiles.default,
            "url": profile.url,
            "token": mask_token(profile.token),
        }
        for name, profile in sorted(profiles.profiles.items())
    ]
    fmt = choose_format(output_format)
    if fmt is OutputFormat.TABLE and not rows:
        click.echo(
            "No profiles yet. Save one with "
            "'partners config set-profile NAME --url URL --token-stdin'."
        )
        return
    write_items(rows, fmt, columns=PROFILE_COLUMNS)


@config_group.command("delete-profile")
@click.argument("name")
def delete_profile_command(name: str) -> None:
    """Delete the profile NAME and its token."""
    was_default = load_profiles().default == name
    delete_profile(name)
    note = " No profile is the default now." if was_default else ""
    click.echo(f"Deleted profile {name!r}.{note}")


@config_group.command("set-default")
@click.argument("name")
def set_default_command(name: str) -> None:
    """Make NAME the profile used when --profile is not given."""
    set_default_profile(name)
    click.echo(f"Profile {name!r} is the default profile now.")
