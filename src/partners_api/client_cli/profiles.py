"""Named connection profiles (API URL and token) stored in the user's config folder.

The file is JSON, ``{"default": NAME, "profiles": {NAME: {"url": ..., "token": ...}}}``,
named ``profiles.json`` in ``platformdirs.user_config_dir("partners")`` or in the folder
that ``PARTNERS_CONFIG_DIR`` names. It contains API tokens, so every write creates a new
file with mode 0600 and renames it over the old one. Other users therefore cannot read
a token at any moment, not even between a write and a chmod.
"""

from __future__ import annotations

import json
import os
import re
import stat
import urllib.parse
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

import click
import platformdirs

from partners_api.client_cli.errors import CLIError

CONFIG_DIR_VARIABLE = "PARTNERS_CONFIG_DIR"
PROFILES_FILE_NAME = "profiles.json"
FILE_MODE = 0o600
DIRECTORY_MODE = 0o700

# Letters, digits, dot, underscore and hyphen, starting with a letter or digit.
_PROFILE_NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]{0,63}")
# Characters of a token shown by mask_token: "scp_" and four random characters.
_TOKEN_SHOWN_CHARS = 8


@dataclass(frozen=True)
class Profile:
    """An API base URL and, optionally, the token to send to it."""

    url: str
    token: str | None = None


@dataclass
class ProfileFile:
    """The contents of the profiles file."""

    profiles: dict[str, Profile] = field(default_factory=dict)
    default: str | None = None


def config_dir() -> Path:
    """Return the folder of the profiles file: ``PARTNERS_CONFIG_DIR`` or the platform's
    user config folder for ``partners``."""
    override = os.environ.get(CONFIG_DIR_VARIABLE)
    if override:
        return Path(override)
    return Path(platformdirs.user_config_dir("partners"))


def profiles_path() -> Path:
    return config_dir() / PROFILES_FILE_NAME


def mask_token(token: str | None) -> str:
    """Return a form of ``token`` that is safe to print: its first 8 characters, or
    nothing of a token too short to hide the rest."""
    if not token:
        return "(none)"
    if len(token) <= 2 * _TOKEN_SHOWN_CHARS:
        return "****"
    return token[:_TOKEN_SHOWN_CHARS] + "…"


def check_profile_name(name: str) -> str:
    if _PROFILE_NAME.fullmatch(name) is None:
        raise CLIError(
            f"Invalid profile name {name!r}: use 1 to 64 letters, digits, dots, underscores "
            "or hyphens, starting with a letter or digit."
        )
    return name


def check_base_url(url: str) -> str:
    """Check that ``url`` is an absolute http or https URL; return it without a trailing
    slash."""
    parts = urllib.parse.urlsplit(url.strip())
    if parts.scheme not in ("http", "https") or not parts.netloc:
        raise CLIError(
            f"Invalid API URL {url!r}: use an absolute http or https URL such as "
            "https://partners-api.example.com."
        )
    if parts.query or parts.fragment:
        raise CLIError(f"Invalid API URL {url!r}: remove the query and fragment.")
    return url.strip().rstrip("/")


def _parse_profiles(data: object, path: Path) -> ProfileFile:
    invalid = CLIError(
        f"The profiles file {path} is not in the expected format. "
        "Fix it, or delete it and run 'partners config set-profile' again."
    )
    if not isinstance(data, dict):
        raise invalid
    entries = data.get("profiles", {})
    default = data.get("default")
    if not isinstance(entries, dict) or not (default is None or isinstance(default, str)):
        raise invalid
    profiles: dict[str, Profile] = {}
    for name, entry in entries.items():
        if not isinstance(entry, dict) or not isinstance(entry.get("url"), str):
            raise invalid
        token = entry.get("token")
        if not (token is None or isinstance(token, str)):
            raise invalid
        profiles[name] = Profile(url=entry["url"], token=token)
    return ProfileFile(profiles=profiles, default=default if default in profiles else None)


def load_profiles(path: Path | None = None) -> ProfileFile:
    """Read the profiles file; a missing file has no profiles.

    A file that other users may read still loads, with a warning on stderr, because
    refusing it would lock the user out of a file they can fix with chmod.
    """
    path = path or profiles_path()
    try:
        text = path.read_text(encoding="utf-8")
        mode = stat.S_IMODE(path.stat().st_mode)
    except FileNotFoundError:
        return ProfileFile()
    except OSError as exc:
        raise CLIError(f"Cannot read the profiles file {path}: {exc.strerror}.") from exc
    if os.name == "posix" and mode & 0o077:
        click.echo(
            f"Warning: {path} has mode {mode:04o}, so other users may read its tokens; "
            f"run 'chmod 600 {path}'.",
            err=True,
        )
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise CLIError(
            f"The profiles file {path} is not valid JSON ({exc.msg} at line {exc.lineno}). "
            "Fix it, or delete it and run 'partners config set-profile' again."
        ) from exc
    return _parse_profiles(data, path)


def _serialise(profiles: ProfileFile) -> str:
    entries: dict[str, Mapping[str, str | None]] = {
        name: {"url": profile.url, "token": profile.token}
        for name, profile in sorted(profiles.profiles.items())
    }
    return json.dumps({"default": profiles.default, "profiles": entries}, indent=2) + "\n"


def save_profiles(profiles: ProfileFile, path: Path | None = None) -> Path:
    """Write the profiles file as a new file of mode 0600 that replaces the old one."""
    path = path or profiles_path()
    temporary = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    try:
        path.parent.mkdir(mode=DIRECTORY_MODE, parents=True, exist_ok=True)
        temporary.unlink(missing_ok=True)
        # O_EXCL and the mode argument create the file with mode 0600 (less the umask)
        # before any byte of a token is in it.
        descriptor = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL, FILE_MODE)
        with os.fdopen(descriptor, "w", encoding="utf-8") as output:
            output.write(_serialise(profiles))
            output.flush()
            os.fsync(output.fileno())
        os.replace(temporary, path)
    except OSError as exc:
        temporary.unlink(missing_ok=True)
        raise CLIError(f"Cannot write the profiles file {path}: {exc.strerror}.") from exc
    return path


def set_profile(
    name: str, url: str, token: str | None, *, make_default: bool, path: Path | None = None
) -> ProfileFile:
    """Add or replace the profile ``name``; keep its old token when ``token`` is None.

    The first profile saved becomes the default one.
    """
    check_profile_name(name)
    url = check_base_url(url)
    profiles = load_profiles(path)
    old = profiles.profiles.get(name)
    if token is None and old is not None:
        token = old.token
    profiles.profiles[name] = Profile(url=url, token=token)
    if make_default or profiles.default is None:
        profiles.default = name
    save_profiles(profiles, path)
    return profiles


def delete_profile(name: str, path: Path | None = None) -> ProfileFile:
    """Remove the profile ``name``; when it was the default, no profile is the default."""
    profiles = load_profiles(path)
    if name not in profiles.profiles:
        raise unknown_profile(name, profiles)
    del profiles.profiles[name]
    if profiles.default == name:
        profiles.default = None
    save_profiles(profiles, path)
    return profiles


def set_default_profile(name: str, path: Path | None = None) -> ProfileFile:
    profiles = load_profiles(path)
    if name not in profiles.profiles:
        raise unknown_profile(name, profiles)
    profiles.default = name
    save_profiles(profiles, path)
    return profiles


def unknown_profile(name: str, profiles: ProfileFile) -> CLIError:
    known = ", ".join(sorted(profiles.profiles)) or "none yet"
    return CLIError(
        f"Profile {name!r} not found (profiles: {known}). "
        f"Create it with 'partners config set-profile {name} --url URL --token-stdin'."
    )
