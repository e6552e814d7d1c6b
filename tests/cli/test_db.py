from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from pathlib import Path

import pytest

from partners_api.cli.db import head_revisions
from partners_api.cli.main import FIELD_OPTIONS, option_for_field, user_error
from partners_api.exceptions import ConflictError, NotFoundError, ValidationError
from tests.cli import error_line, migrate_to, run_cli, run_json, sqlite_file_url


@pytest.fixture
def workdir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.chdir(tmp_path)
    return tmp_path


@pytest.fixture
def schemaless_postgres(postgres_url: str) -> Iterator[str]:
    """The PostgreSQL test database with every table dropped, restored afterwards."""
    migrate_to(postgres_url, "base")
    yield postgres_url
    migrate_to(postgres_url, "head")


def _tables(path: Path) -> set[str]:
    with sqlite3.connect(path) as connection:
        rows = connection.execute("SELECT name FROM sqlite_master WHERE type = 'table'")
        return {row[0] for row in rows}


def test_upgrade_creates_tables(workdir: Path) -> None:
    path = workdir / "fresh.db"
    result = run_cli(["--database-url", sqlite_file_url(path), "db", "upgrade"])
    assert result.exit_code == 0, result.output
    assert "is at revision" in result.stdout
    assert {"accounts", "customers", "members", "api_keys"} <= _tables(path)


def test_upgrade_idempotent(database_url: str) -> None:
    first = run_json(["--database-url", database_url, "db", "upgrade"])
    second = run_json(["--database-url", database_url, "db", "upgrade"])
    assert first["revisions"] == sorted(head_revisions())
    assert second == first


def test_default_url_in_working_folder(workdir: Path) -> None:
    result = run_cli(["db", "upgrade"])
    assert result.exit_code == 0, result.output
    assert (workdir / "partners-api.db").exists()


def test_envvar_sets_database(workdir: Path) -> None:
    path = workdir / "from-env.db"
    result = run_cli(["db", "upgrade"], env={"PARTNERS_API_DATABASE_URL": sqlite_file_url(path)})
    assert result.exit_code == 0, result.output
    assert path.exists()
    assert not (workdir / "partners-api.db").exists()


def test_unreachable_database_exit_1(workdir: Path) -> None:
    url = sqlite_file_url(workdir / "missing-folder" / "x.db")
    line = error_line(run_cli(["--database-url", url, "db", "upgrade"]), exit_code=1)
    assert "Cannot open the SQLite database" in line
    assert "missing-folder" in line


@pytest.mark.parametrize("url", ["mysql://user@127.0.0.1/db", "not a url"])
def test_unsupported_url_rejected(workdir: Path, url: str) -> None:
    line = error_line(run_cli(["--database-url", url, "key", "list"]))
    assert "--database-url" in line


@pytest.mark.postgresql
def test_postgres_without_schema(schemaless_postgres: str) -> None:
    line = error_line(run_cli(["--database-url", schemaless_postgres, "key", "list"]))
    assert "partners-api db upgrade" in line

    run_json(["--database-url", schemaless_postgres, "db", "upgrade"])
    assert run_json(["--database-url", schemaless_postgres, "key", "list"]) == []


def test_sqlite_migrated_by_data_commands(workdir: Path) -> None:
    path = workdir / "auto.db"
    assert run_json(["--database-url", sqlite_file_url(path), "key", "list"]) == []
    assert "api_keys" in _tables(path)


def test_field_options_map() -> None:
    assert option_for_field("countryIds.3") == "--country"
    assert option_for_field("contactData.web") == "--web"
    assert option_for_field("partnerName") == "--name"
    assert option_for_field("body") == "body"
    assert set(FIELD_OPTIONS.values()) >= {"--email", "--time-zone", "--language", "--level"}


def test_user_error_one_option_per_field() -> None:
    error = ValidationError({"email": "Bad address.", "contactData.email": "Bad address."})
    assert user_error(error).message == "--email: Bad address."


def test_user_error_without_fields() -> None:
    assert user_error(NotFoundError("Key 1 not found.")).message == "Key 1 not found."
    conflict = ConflictError("Taken.", errors={"code": "Taken."})
    assert user_error(conflict).message == "--code: Taken."
    assert user_error(conflict).exit_code == 2


def test_version_option() -> None:
    result = run_cli(["--version"])
    assert result.exit_code == 0
    assert "version" in result.stdout
