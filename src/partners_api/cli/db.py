"""The ``db`` command group, and the database set-up shared by every command that
touches data: settings, the connection check and the schema check."""

from __future__ import annotations

import asyncio
import contextlib
import sqlite3
from collections.abc import AsyncIterator, Mapping
from contextlib import asynccontextmanager
from dataclasses import dataclass

import click
import pydantic
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import text
from sqlalchemy.engine import Connection
from sqlalchemy.exc import DBAPIError
from sqlalchemy.ext.asyncio import AsyncEngine

from partners_api.cli.output import CLIError, UnavailableError, json_option, print_result
from partners_api.settings import Settings
from partners_api.storage import migrate
from partners_api.storage.database import create_engine, is_sqlite, redact_url

ENV_PREFIX = str(Settings.model_config.get("env_prefix", ""))


@dataclass(frozen=True)
class GlobalOptions:
    """Options of the ``partners-api`` group that every command reads."""

    database_url: str


pass_options = click.make_pass_decorator(GlobalOptions)


def setting_flag(field: str) -> str:
    return "--" + field.replace("_", "-")


def setting_env_var(field: str) -> str:
    return ENV_PREFIX + field.upper()


def load_settings(database_url: str, flags: Mapping[str, object] | None = None) -> Settings:
    """Build the settings from the environment, ``database_url`` and command-line flags.

    ``flags`` maps Settings field names to flag values; None means the flag was not
    given. Invalid values raise ``CLIError`` naming the flag or environment variable.
    """
    flags_set = {field: value for field, value in (flags or {}).items() if value is not None}
    try:
        return Settings(database_url=database_url, **flags_set)  # type: ignore[arg-type]
    except pydantic.ValidationError as exc:
        raise _settings_error(exc, flags_set) from exc


def _settings_error(exc: pydantic.ValidationError, flags_set: Mapping[str, object]) -> CLIError:
    messages = []
    for error in exc.errors():
        reason = error["msg"].removeprefix("Value error, ")
        if not error["loc"]:
            messages.append(
                f"Invalid settings: {reason}. Check the flags and the {ENV_PREFIX}* "
                "environment variables."
            )
            continue
        field = str(error["loc"][0])
        source = setting_flag(field) if field in flags_set else setting_env_var(field)
        messages.append(f"Invalid {source} {error['input']!r}: {reason}.")
    return CLIError(" ".join(messages))


def head_revisions() -> set[str]:
    """Return the newest migration revisions shipped with this package."""
    return set(ScriptDirectory.from_config(migrate.alembic_config()).get_heads())


def _known_revisions() -> set[str]:
    script = ScriptDirectory.from_config(migrate.alembic_config())
    return {revision.revision for revision in script.walk_revisions()}


def _current_revisions_sync(connection: Connection) -> set[str]:
    return set(MigrationContext.configure(connection).get_current_heads())


async def current_revisions(engine: AsyncEngine) -> set[str]:
    """Return the revisions recorded in the database, an empty set when it has no schema."""
    async with engine.connect() as connection:
        return await connection.run_sync(_current_revisions_sync)


def shown_url(engine: AsyncEngine) -> str:
    """Render the engine's URL as the operator wrote it: no driver, no password."""
    url = engine.url
    return redact_url(url.set(drivername=url.get_backend_name()))


def _check_sqlite_file(engine: AsyncEngine) -> None:
    # NOTE: aiosqlite 0.22 stops its worker thread after a failed connect without
    # waiting for it, and the thread then reports to the closed event loop, which prints
    # a traceback after the one-line error. Opening the file with sqlite3 first avoids that.
    try:
        with contextlib.closing(sqlite3.connect(engine.url.database or ":memory:")) as probe:
            probe.execute("PRAGMA schema_version")
    except sqlite3.Error as exc:
        raise UnavailableError(
            f"Cannot open the SQLite database {shown_url(engine)}: {exc}. "
            "Check that its folder exists and is writable."
        ) from exc


async def check_connection(engine: AsyncEngine) -> None:
    """Open one connection and raise ``UnavailableError`` when that fails."""
    if is_sqlite(engine):
        _check_sqlite_file(engine)
    try:
        async with engine.connect() as connection:
            await connection.execute(text("SELECT 1"))
    except (DBAPIError, OSError, TimeoutError) as exc:
        reason = exc.orig if isinstance(exc, DBAPIError) else exc
        raise UnavailableError(
            f"Cannot connect to the database {shown_url(engine)}: {reason}. "
            "Check --database-url or PARTNERS_API_DATABASE_URL and that the database is running."
        ) from exc


def _describe(revisions: set[str]) -> str:
    return ", ".join(sorted(revisions))


async def require_current_schema(engine: AsyncEngine) -> None:
    """Raise ``CLIError`` unless the database schema is at the newest revision."""
    current = await current_revisions(engine)
    heads = head_revisions()
    if current == heads:
        return
    url = shown_url(engine)
    if not current:
        raise CLIError(
            f"The database {url} has no Partners API tables. Run `partners-api db upgrade` first."
        )
    unknown = current - _known_revisions()
    if unknown:
        raise CLIError(
            f"The database {url} is at revision {_describe(unknown)}, which this version of "
            "partners-api does not know. Install the partners-api version that created it."
        )
    raise CLIError(
        f"The database {url} is at revision {_describe(current)}, not {_describe(heads)}. "
        "Run `partners-api db upgrade` first."
    )


async def prepare_schema(engine: AsyncEngine) -> None:
    """Migrate a SQLite database, or check that a PostgreSQL schema is current.

    Migrating SQLite is cheap and idempotent, so a single-file set-up needs no separate
    step. PostgreSQL migrations stay an explicit operator step (``db upgrade``).
    """
    if is_sqlite(engine):
        await migrate.upgrade(engine)
    else:
        await require_current_schema(engine)


@asynccontextmanager
async def open_database(database_url: str, *, pool_size: int = 2) -> AsyncIterator[AsyncEngine]:
    """Create an engine, check the connection and the schema, and dispose of it on exit."""
    engine = create_engine(database_url, pool_size=pool_size)
    try:
        await check_connection(engine)
        await prepare_schema(engine)
        yield engine
    finally:
        await engine.dispose()


async def upgrade_database(database_url: str) -> list[str]:
    """Apply every migration to the database and return the revisions it is then at."""
    engine = create_engine(database_url, pool_size=2)
    try:
        await check_connection(engine)
        await migrate.upgrade(engine)
        return sorted(await current_revisions(engine))
    finally:
        await engine.dispose()


@click.group("db")
def db_group() -> None:
    """Manage the database schema."""


@db_group.command("upgrade")
@json_option
@pass_options
def upgrade(options: GlobalOptions, as_json: bool) -> None:
    """Apply the database migrations up to the newest one. Running it again changes nothing."""
    revisions = asyncio.run(upgrade_database(options.database_url))
    url = redact_url(options.database_url)
    print_result(
        {"database_url": url, "revisions": revisions},
        [f"The database {url} is at revision {_describe(set(revisions))}, the newest."],
        as_json=as_json,
    )
