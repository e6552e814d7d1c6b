"""The database connection: URL normalisation, engine set-up and sessions."""

from __future__ import annotations

import weakref
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

import orjson
from sqlalchemy import event
from sqlalchemy.engine import URL, ExceptionContext, make_url
from sqlalchemy.exc import ArgumentError, OperationalError
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine, create_async_engine

from partners_api.exceptions import BadRequestError

# Async drivers the service picks for plain URLs, so that operators can write the
# usual postgresql:// or sqlite:/// form.
_ASYNC_DRIVERS = {"postgresql": "asyncpg", "sqlite": "aiosqlite"}
_SQLITE_BUSY_TIMEOUT_MS = 30_000
_CONNECT_TIMEOUT_SECONDS = 5


class DatabaseURLError(BadRequestError):
    """The configured database URL is not one the service can use."""


def to_async_url(url: str) -> URL:
    """Parse a SQLAlchemy URL and select the service's async driver for it.

    ``postgresql://``, ``postgres://`` and ``postgresql+asyncpg://`` become asyncpg;
    ``sqlite:///`` becomes aiosqlite. Other back ends raise ``DatabaseURLError``.
    """
    try:
        parsed = make_url(url)
    except ArgumentError as exc:
        raise DatabaseURLError(
            f"Invalid database URL {_redact(url)!r}: use sqlite:///file.db or "
            "postgresql://user@host:5432/dbname."
        ) from exc
    backend = parsed.get_backend_name()
    if backend == "postgres":
        backend = "postgresql"
    if backend not in _ASYNC_DRIVERS:
        raise DatabaseURLError(
            f"Unsupported database {backend!r} in the database URL: use sqlite:/// or postgresql://."
        )
    # Any driver named in the URL (postgresql+psycopg2, say) is replaced: the service
    # runs on asyncio and ships one async driver per back end.
    driver = _ASYNC_DRIVERS[backend]
    return parsed.set(drivername=f"{backend}+{driver}")


def _redact(url: str) -> str:
    try:
        return make_url(url).render_as_string(hide_password=True)
    except ArgumentError:
        return "<unparsable URL>"


def redact_url(url: str | URL) -> str:
    """Render a database URL with its password hidden, for logs and messages."""
    if isinstance(url, URL):
        return url.render_as_string(hide_password=True)
    return _redact(url)


def is_sqlite(engine: AsyncEngine) -> bool:
    return engine.dialect.name == "sqlite"


_POOL_RECYCLE_SECONDS = 1800


def _json_text(value: Any) -> str:
    return orjson.dumps(value).decode()


def create_engine(
    url: str, *, pool_size: int = 20, statement_timeout_seconds: float | None = None
) -> AsyncEngine:
    """Create the async engine for ``url`` with the settings each back end needs.

    ``statement_timeout_seconds`` sets PostgreSQL's ``statement_timeout`` on every
    connection, so the server cancels a statement that runs longer. SQLite ignores it.
    """
    async_url = to_async_url(url)
    options: dict[str, Any] = {}
    if async_url.get_backend_name() == "postgresql":
        # asyncpg waits 60 s for a connection by default; a client should learn
        # sooner that the database is unreachable.
        # JIT compilation pays off for long analytical queries. For this API's counts,
        # whose estimated cost can cross jit_above_cost at a million rows, it added about
        # 11 ms to a 220 ms count in bench/, and it never shortens a short query.
        server_settings = {"jit": "off"}
        if statement_timeout_seconds is not None:
            milliseconds = max(1, round(statement_timeout_seconds * 1000))
            server_settings["statement_timeout"] = str(milliseconds)
        connect_args: dict[str, Any] = {
            "timeout": _CONNECT_TIMEOUT_SECONDS,
            "server_settings": server_settings,
        }
        options.update(
            # The pool keeps pool_size connections open. Overflow connections are closed
            # as soon as they are returned, so an overflow as large as the pool made each
            # request above pool_size open and close a connection. In bench/, GET by id
            # at 16 requests per process fell from about 2,000 to 1,100 a second. The
            # small overflow serves the few requests that briefly need a second
            # connection, such as a read that records its key's last use.
            pool_size=pool_size,
            max_overflow=max(1, pool_size // 4),
            # No ping before each checkout: it costs a round trip on every request (about
            # a tenth of a GET's time in bench/). A connection that the server has lost
            # fails its first statement instead. _treat_unavailable_as_disconnect turns
            # that into a 503 and makes the pool discard every older connection, so only
            # one request per process gets that 503. Recycling bounds the age of a
            # connection that a firewall may have dropped while it sat idle.
            pool_pre_ping=False,
            pool_recycle=_POOL_RECYCLE_SECONDS,
            connect_args=connect_args,
        )
    # orjson parses the JSON columns of a 100-row page several times faster than json.
    engine = create_async_engine(
        async_url, json_serializer=_json_text, json_deserializer=orjson.loads, **options
    )
    if engine.dialect.name == "sqlite":
        _configure_sqlite(engine)
    else:
        event.listen(engine.sync_engine, "handle_error", _treat_unavailable_as_disconnect)
    return engine


# SQLSTATEs of a PostgreSQL server that is shutting down, starting up or unreachable:
# admin_shutdown, crash_shutdown, cannot_connect_now, and the connection_exception class.
_UNAVAILABLE_SQLSTATES = frozenset({"57P01", "57P02", "57P03"})


def _treat_unavailable_as_disconnect(context: ExceptionContext) -> BaseException | None:
    """Report a server that is shutting down or starting up, or a broken connection, as lost.

    SQLAlchemy's asyncpg dialect raises these as a plain ``DBAPIError``, for which the
    HTTP layer would return a 500. As an ``OperationalError`` marked as a disconnect they
    become a 503, and the pool discards the connection instead of reusing it.
    """
    sqlstate = getattr(context.original_exception, "sqlstate", None) or ""
    unavailable = sqlstate in _UNAVAILABLE_SQLSTATES or sqlstate.startswith("08")
    # asyncpg raises InternalClientError ("another operation is in progress") on a
    # connection whose protocol state an interrupted statement left behind, as when the
    # server shuts down mid-query. Such a connection is unusable, like a lost one.
    broken = type(context.original_exception).__name__ == "InternalClientError"
    if not unavailable and not broken:
        return None
    context.is_disconnect = True
    return OperationalError(context.statement, context.parameters, context.original_exception)


def _configure_sqlite(engine: AsyncEngine) -> None:
    # pysqlite's own transaction handling delays BEGIN and cannot take the write lock
    # up front; SQLAlchemy's documented recipe hands BEGIN to us instead.
    @event.listens_for(engine.sync_engine, "connect")
    def _on_connect(dbapi_connection: Any, _record: Any) -> None:
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA foreign_keys = ON")
        cursor.execute(f"PRAGMA busy_timeout = {_SQLITE_BUSY_TIMEOUT_MS}")
        cursor.execute("PRAGMA journal_mode = WAL")
        cursor.execute("PRAGMA synchronous = NORMAL")
        cursor.close()

    @event.listens_for(engine.sync_engine, "begin")
    def _on_begin(connection: Any) -> None:
        # Writers take the lock at BEGIN so that two writers wait on busy_timeout
        # instead of failing with "database is locked" when both upgrade a read lock.
        mode = connection.get_execution_options().get("sqlite_begin", "DEFERRED")
        connection.exec_driver_sql(f"BEGIN {mode}")


@asynccontextmanager
async def write_transaction(engine: AsyncEngine) -> AsyncIterator[AsyncConnection]:
    """Open a transaction meant to write; on SQLite it takes the write lock at once."""
    bind = engine.execution_options(sqlite_begin="IMMEDIATE") if is_sqlite(engine) else engine
    async with bind.begin() as connection:
        yield connection


@asynccontextmanager
async def read_transaction(engine: AsyncEngine) -> AsyncIterator[AsyncConnection]:
    """Open a read-only unit of work that sees one snapshot, so a page and its total agree.

    PostgreSQL's default READ COMMITTED takes a new snapshot per statement, so reads run
    at REPEATABLE READ. SQLite's transactions already read one snapshot.
    """
    bind = _repeatable_read(engine) if engine.dialect.name == "postgresql" else engine
    async with bind.begin() as connection:
        yield connection


@asynccontextmanager
async def single_read(engine: AsyncEngine) -> AsyncIterator[AsyncConnection]:
    """Open a connection for a read of one statement, which sees one snapshot by itself.

    On PostgreSQL it runs without a transaction (autocommit), which saves the round trips
    of BEGIN and COMMIT. SQLite reads in a transaction as ``read_transaction`` does.
    """
    if engine.dialect.name != "postgresql":
        async with read_transaction(engine) as connection:
            yield connection
        return
    async with _autocommit(engine).connect() as connection:
        yield connection


_snapshot_engines: weakref.WeakKeyDictionary[AsyncEngine, AsyncEngine] = weakref.WeakKeyDictionary()
_autocommit_engines: weakref.WeakKeyDictionary[AsyncEngine, AsyncEngine] = (
    weakref.WeakKeyDictionary()
)


def _autocommit(engine: AsyncEngine) -> AsyncEngine:
    autocommit_engine = _autocommit_engines.get(engine)
    if autocommit_engine is None:
        autocommit_engine = engine.execution_options(isolation_level="AUTOCOMMIT")
        _autocommit_engines[engine] = autocommit_engine
    return autocommit_engine


def _repeatable_read(engine: AsyncEngine) -> AsyncEngine:
    # execution_options() builds a new proxy engine on each call; build one per engine.
    snapshot_engine = _snapshot_engines.get(engine)
    if snapshot_engine is None:
        snapshot_engine = engine.execution_options(
            isolation_level="REPEATABLE READ", postgresql_readonly=True
        )
        _snapshot_engines[engine] = snapshot_engine
    return snapshot_engine
