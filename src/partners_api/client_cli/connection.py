"""Choosing the API URL and token of a command from its options, the environment and
the profiles file."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from partners_api.client_cli.errors import CLIError
from partners_api.client_cli.profiles import (
    Profile,
    check_base_url,
    load_profiles,
    unknown_profile,
)

URL_VARIABLE = "PARTNERS_API_URL"
TOKEN_VARIABLE = "PARTNERS_API_TOKEN"  # noqa: S105 (a variable name, not a token)
PROFILE_VARIABLE = "PARTNERS_PROFILE"

_SETUP_HINT = "or save a profile with 'partners config set-profile NAME --url URL --token-stdin'"


@dataclass(frozen=True)
class Connection:
    """The API URL and token of a command, and the source of each value."""

    url: str
    token: str = ""
    profile: str | None = None
    url_source: str = ""
    token_source: str = ""


def _select_profile(name: str | None) -> tuple[str | None, Profile | None, list[str]]:
    """Return the chosen profile's name and profile, and the names of all profiles."""
    profiles = load_profiles()
    names = sorted(profiles.profiles)
    if name is not None:
        if name not in profiles.profiles:
            raise unknown_profile(name, profiles)
        return name, profiles.profiles[name], names
    if profiles.default is not None:
        return profiles.default, profiles.profiles[profiles.default], names
    return None, None, names


def _no_default_profile(missing: str, names: list[str]) -> CLIError:
    saved = ", ".join(repr(name) for name in names)
    return CLIError(
        f"No API {missing}: no default profile is set (saved profiles: {saved}). Choose "
        "one with 'partners config set-default NAME', or pass --profile NAME."
    )


def resolve_connection(
    *, profile_name: str | None, url_option: str | None, environ: Mapping[str, str]
) -> Connection:
    """Choose the API URL and token.

    The URL comes from ``--url``, else ``PARTNERS_API_URL``, else the profile. The token
    comes from ``PARTNERS_API_TOKEN``, else the profile. The profile is the one named by
    ``--profile`` (or ``PARTNERS_PROFILE``), else the default profile, if any.
    Raises ``CLIError`` when no URL or no token is found, or the named profile does not
    exist.
    """
    name, profile, names = _select_profile(profile_name)
    profile_label = f"profile {name!r}"

    if url_option:
        url, url_source = url_option, "--url"
    elif environ.get(URL_VARIABLE):
        url, url_source = environ[URL_VARIABLE], URL_VARIABLE
    elif profile is not None:
        url, url_source = profile.url, profile_label
    elif names:
        raise _no_default_profile("URL", names)
    else:
        raise CLIError(f"No API URL: pass --url, set {URL_VARIABLE}, {_SETUP_HINT}.")

    if environ.get(TOKEN_VARIABLE):
        token, token_source = environ[TOKEN_VARIABLE].strip(), TOKEN_VARIABLE
    elif profile is not None and profile.token:
        token, token_source = profile.token, profile_label
    elif profile is not None:
        raise CLIError(
            f"No API token: profile {name!r} has no token, and {TOKEN_VARIABLE} is not set. "
            f"Add a token with 'partners config set-profile {name} --url {profile.url} "
            f"--token-stdin', or set {TOKEN_VARIABLE}."
        )
    elif names:
        raise _no_default_profile("token", names)
    else:
        raise CLIError(f"No API token: set {TOKEN_VARIABLE} {_SETUP_HINT}.")

    return Connection(
        url=check_base_url(url),
        token=token,
        profile=name,
        url_source=url_source,
        token_source=token_source,
    )
