"""Profiles: the file and its mode, masked tokens, the default profile, and which of
profile, environment and options wins."""

from __future__ import annotations

import json
import os
import stat
from collections.abc import Iterator
from pathlib import Path

import pytest

from partners_api.client_cli.connection import resolve_connection
from partners_api.client_cli.errors import CLIError
from partners_api.client_cli.profiles import PROFILES_FILE_NAME, load_profiles
from tests.api.server_process import free_port
from tests.client_cli import error_line, run_json, run_ok, run_partners
from tests.client_cli.served_api import Api

TOKEN = "scp_" + "A" * 39 + "tail"
OTHER_TOKEN = "scp_" + "B" * 39 + "tail"


@pytest.fixture
def umask_022() -> Iterator[None]:
    previous = os.umask(0o022)
    yield
    os.umask(previous)


def _save(config_dir: Path, name: str, url: str, token: str | None, *more: str) -> None:
    args = ["config", "set-profile", name, "--url", url, *more]
    if token is not None:
        args.append("--token-stdin")
    result = run_partners(args, config_dir=config_dir, input=token)
    assert result.exit_code == 0, result.output
    if token is not None:
        assert token not in result.output


def test_profile_file_is_created_with_mode_0600(
    config_dir: Path, umask_022: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    def no_chmod(*args: object, **kwargs: object) -> None:
        raise AssertionError("the profiles file must be created with its mode, not chmod-ed")

    monkeypatch.setattr(os, "chmod", no_chmod)
    monkeypatch.setattr(Path, "chmod", no_chmod)
    _save(config_dir, "demo", "http://127.0.0.1:8010", TOKEN)
    path = config_dir / PROFILES_FILE_NAME
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert stat.S_IMODE(config_dir.stat().st_mode) == 0o700
    # A rewrite replaces the file and keeps the mode.
    _save(config_dir, "second", "http://127.0.0.1:8011", OTHER_TOKEN)
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert [entry.name for entry in config_dir.iterdir()] == [PROFILES_FILE_NAME]


def test_profile_file_stores_url_and_token(config_dir: Path) -> None:
    _save(config_dir, "demo", "http://127.0.0.1:8010/", TOKEN)
    stored = json.loads((config_dir / PROFILES_FILE_NAME).read_text())
    assert stored == {
        "default": "demo",
        "profiles": {"demo": {"url": "http://127.0.0.1:8010", "token": TOKEN}},
    }


def test_list_profiles_masks_tokens(config_dir: Path) -> None:
    _save(config_dir, "demo", "http://127.0.0.1:8010", TOKEN)
    _save(config_dir, "staging", "http://127.0.0.1:8011", OTHER_TOKEN)
    for output_format in ("table", "json", "jsonl", "csv"):
        result = run_ok(
            ["config", "list-profiles", "--format", output_format], config_dir=config_dir
        )
        assert TOKEN not in result.output
        assert OTHER_TOKEN not in result.output
        assert "scp_AAAA…" in result.stdout
    listed = run_json(["config", "list-profiles"], config_dir=config_dir)
    assert listed == [
        {"name": "demo", "default": True, "url": "http://127.0.0.1:8010", "token": "scp_AAAA…"},
        {"name": "staging", "default": False, "url": "http://127.0.0.1:8011", "token": "scp_BBBB…"},
    ]


def test_default_profile_follows_commands(config_dir: Path) -> None:
    _save(config_dir, "first", "http://127.0.0.1:8010", TOKEN)
    _save(config_dir, "second", "http://127.0.0.1:8011", OTHER_TOKEN, "--default")
    assert load_profiles(config_dir / PROFILES_FILE_NAME).default == "second"
    run_ok(["config", "set-default", "first"], config_dir=config_dir)
    assert load_profiles(config_dir / PROFILES_FILE_NAME).default == "first"
    result = run_ok(["config", "delete-profile", "first"], config_dir=config_dir)
    assert "No profile is the default now." in result.stdout
    profiles = load_profiles(config_dir / PROFILES_FILE_NAME)
    assert profiles.default is None
    assert list(profiles.profiles) == ["second"]


def test_set_profile_without_token_keeps_old_one(config_dir: Path) -> None:
    _save(config_dir, "demo", "http://127.0.0.1:8010", TOKEN)
    _save(config_dir, "demo", "http://127.0.0.1:9000", None)
    profile = load_profiles(config_dir / PROFILES_FILE_NAME).profiles["demo"]
    assert profile.url == "http://127.0.0.1:9000"
    assert profile.token == TOKEN


@pytest.mark.parametrize(
    ("args", "stdin", "expected"),
    [
        (["set-profile", "demo", "--url", "ftp://x", "--token-stdin"], TOKEN, "Invalid API URL"),
        (["set-profile", "bad name", "--url", "http://127.0.0.1:1"], None, "Invalid profile name"),
        (["set-profile", "demo", "--url", "http://127.0.0.1:1", "--token-stdin"], "\n", "No token"),
        (["set-profile", "x", "--url", "http://127.0.0.1:1", "--token-stdin"], "a b", "whitespace"),
        (["delete-profile", "missing"], None, "Profile 'missing' not found"),
        (["set-default", "missing"], None, "Profile 'missing' not found"),
    ],
)
def test_invalid_config_commands(
    config_dir: Path, args: list[str], stdin: str | None, expected: str
) -> None:
    result = run_partners(["config", *args], config_dir=config_dir, input=stdin)
    assert expected in error_line(result)


def test_unreadable_profiles_file_is_reported(config_dir: Path) -> None:
    config_dir.mkdir()
    (config_dir / PROFILES_FILE_NAME).write_text("{not json")
    (config_dir / PROFILES_FILE_NAME).chmod(0o600)
    result = run_partners(["config", "list-profiles"], config_dir=config_dir)
    assert "is not valid JSON" in error_line(result)


def test_group_readable_file_gets_warning(config_dir: Path) -> None:
    _save(config_dir, "demo", "http://127.0.0.1:8010", TOKEN)
    (config_dir / PROFILES_FILE_NAME).chmod(0o644)
    result = run_ok(["config", "list-profiles"], config_dir=config_dir)
    assert "has mode 0644, so other users may read its tokens" in result.stderr


def test_resolution_prefers_option_then_environment(
    config_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("PARTNERS_CONFIG_DIR", str(config_dir))
    _save(config_dir, "demo", "http://127.0.0.1:8010", TOKEN)
    _save(config_dir, "other", "http://127.0.0.1:8011", OTHER_TOKEN)

    from_profile = resolve_connection(profile_name=None, url_option=None, environ={})
    assert (from_profile.url, from_profile.token) == ("http://127.0.0.1:8010", TOKEN)
    assert from_profile.token_source == "profile 'demo'"

    named = resolve_connection(profile_name="other", url_option=None, environ={})
    assert (named.url, named.token) == ("http://127.0.0.1:8011", OTHER_TOKEN)

    environ = {"PARTNERS_API_URL": "http://127.0.0.1:9001", "PARTNERS_API_TOKEN": "scp_env"}
    from_env = resolve_connection(profile_name="other", url_option=None, environ=environ)
    assert (from_env.url, from_env.token) == ("http://127.0.0.1:9001", "scp_env")
    assert from_env.token_source == "PARTNERS_API_TOKEN"

    from_option = resolve_connection(
        profile_name=None, url_option="http://127.0.0.1:9002", environ=environ
    )
    assert from_option.url == "http://127.0.0.1:9002"
    assert from_option.url_source == "--url"


def test_resolution_without_url_or_token_fails(
    config_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("PARTNERS_CONFIG_DIR", str(config_dir))
    with pytest.raises(CLIError, match="No API URL"):
        resolve_connection(profile_name=None, url_option=None, environ={})
    with pytest.raises(CLIError, match="No API token"):
        resolve_connection(
            profile_name=None, url_option=None, environ={"PARTNERS_API_URL": "http://127.0.0.1:1"}
        )
    with pytest.raises(CLIError, match="Profile 'nope' not found"):
        resolve_connection(profile_name="nope", url_option=None, environ={})


def test_whoami_uses_default_profile(api: Api, config_dir: Path) -> None:
    _save(config_dir, "local", api.url, api.distributor_reader)
    me = run_json(["whoami"], config_dir=config_dir)
    assert me["role"] == "PartnerReader"
    assert me["account"]["id"] == api.distributor_id
    assert me["profile"] == "local"


def test_environment_overrides_profile(api: Api, config_dir: Path) -> None:
    # The profile points at a closed loopback port with a token the server does not know,
    # so the command succeeds only if both values come from the environment.
    _save(config_dir, "stale", f"http://127.0.0.1:{free_port()}", TOKEN)
    me = run_json(["whoami"], config_dir=config_dir, env=api.env(api.partner_admin))
    assert me["account"]["id"] == api.partner_id
    assert me["url"] == api.url


def test_profile_option_and_url_option(api: Api, config_dir: Path) -> None:
    _save(config_dir, "reader", f"http://127.0.0.1:{free_port()}", api.distributor_reader)
    _save(config_dir, "admin", api.url, api.distributor_admin)
    me = run_json(["--profile", "admin", "whoami"], config_dir=config_dir)
    assert me["role"] == "PartnerAdmin"
    me = run_json(["--profile", "reader", "--url", api.url, "whoami"], config_dir=config_dir)
    assert me["role"] == "PartnerReader"
    me = run_json(["whoami"], config_dir=config_dir, env={"PARTNERS_PROFILE": "admin"})
    assert me["role"] == "PartnerAdmin"


def test_unknown_token_error_hides_token(api: Api, config_dir: Path) -> None:
    _save(config_dir, "wrong", api.url, TOKEN)
    result = run_partners(["whoami"], config_dir=config_dir)
    line = error_line(result, exit_code=1)
    assert "401 Unauthorized: The token is unknown." in line
    assert "The token came from profile 'wrong'." in line
    assert TOKEN not in result.output


def test_unreachable_server_fails_with_status_1(config_dir: Path) -> None:
    env = {"PARTNERS_API_URL": f"http://127.0.0.1:{free_port()}", "PARTNERS_API_TOKEN": TOKEN}
    result = run_partners(["--timeout", "2", "whoami"], config_dir=config_dir, env=env)
    line = error_line(result, exit_code=1)
    assert "ConnectError" in line
    assert TOKEN not in result.output


def test_deleted_default_profile_is_named(config_dir: Path) -> None:
    _save(config_dir, "first", "http://127.0.0.1:9001", TOKEN)
    _save(config_dir, "second", "http://127.0.0.1:9002", OTHER_TOKEN)
    run_ok(["config", "delete-profile", "first"], config_dir=config_dir)
    line = error_line(run_partners(["whoami"], config_dir=config_dir))
    assert "no default profile is set (saved profiles: 'second')" in line
    assert "'partners config set-default NAME'" in line
    assert "--profile NAME" in line


def test_profile_without_token_is_named(config_dir: Path) -> None:
    _save(config_dir, "notoken", "http://127.0.0.1:9001", None)
    line = error_line(run_partners(["whoami"], config_dir=config_dir))
    assert "profile 'notoken' has no token" in line
    assert "'partners config set-profile notoken --url http://127.0.0.1:9001 --token-stdin'" in line
