"""The ``serve`` command: run the API with uvicorn after checking settings and schema."""

from __future__ import annotations

import asyncio
import copy
import errno
import os
import signal
import socket
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from types import FrameType
from typing import Any

import click
import uvicorn

from partners_api.cli.db import (
    GlobalOptions,
    load_settings,
    open_database,
    pass_options,
    setting_env_var,
    setting_flag,
)
from partners_api.cli.output import CLIError, CommandT, UnavailableError
from partners_api.settings import get_settings
from partners_api.storage.database import to_async_url

APP_FACTORY = "partners_api.http.app:create_app"
DEFAULT_HOST = "127.0.0.1"
DEFAULT_PORT = 8000
DEFAULT_SHUTDOWN_TIMEOUT_SECONDS = 30


@dataclass(frozen=True)
class SettingFlag:
    """A ``serve`` flag that sets the Settings field of the same name."""

    field: str
    type: type[int] | type[float] | type[bool] | type[str]
    help: str


# Every Settings field except database_url, which the group's --database-url sets.
SETTING_FLAGS = (
    SettingFlag("trial_plan_id", str, "Plan id of new customers, who start as Trialing."),
    SettingFlag("tts_max_chars", int, "Monthly text-to-speech characters of a new customer."),
    SettingFlag("partner_levels", str, "Accepted partner levels, comma-separated."),
    SettingFlag("default_partner_level", str, "Level of a partner created without one."),
    SettingFlag("max_range_span", int, "Maximum number of items in one page of a list."),
    SettingFlag("max_filter_values", int, "Maximum number of values in one list filter."),
    SettingFlag("max_body_bytes", int, "Maximum request body size, in bytes."),
    SettingFlag("cors_origins", str, "Origins allowed by CORS, comma-separated. Default: none."),
    SettingFlag("database_pool_size", int, "PostgreSQL connections per worker process."),
    SettingFlag(
        "request_timeout_seconds",
        float,
        "Seconds a request may run before it is cancelled with a 503. Default: 30.",
    ),
    SettingFlag(
        "behind_https",
        bool,
        "true if clients connect over HTTPS, which adds Strict-Transport-Security. Default: false.",
    ),
    SettingFlag(
        "auth_cache_seconds",
        float,
        "Seconds each process reuses a successful authentication, so a key revoked "
        "elsewhere is rejected within this many seconds; 0 disables. Default: 5.",
    ),
    SettingFlag(
        "rate_limit_per_second",
        float,
        "Requests per second one API key may make on average; 0 disables. Default: 20.",
    ),
    SettingFlag(
        "rate_limit_burst",
        int,
        "Requests one API key may make at once after a pause; 0 disables. Default: 40.",
    ),
    SettingFlag(
        "redis_url",
        str,
        "redis:// URL of the Redis server that keeps rate limits shared by every process.",
    ),
    SettingFlag("rate_limit_key_prefix", str, "Prefix of the rate limit keys in Redis."),
    SettingFlag(
        "idempotency_ttl_hours",
        int,
        "Hours an Idempotency-Key and its first response are kept. Default: 24.",
    ),
    SettingFlag(
        "idempotency_stale_seconds",
        int,
        "Seconds after which an unfinished request releases its Idempotency-Key. Default: 300.",
    ),
)


def setting_options(command: CommandT) -> CommandT:
    """Add one flag per setting. An absent flag leaves the environment variable in effect."""
    for flag in reversed(SETTING_FLAGS):
        option: Callable[[CommandT], CommandT] = click.option(
            setting_flag(flag.field),
            flag.field,
            type=flag.type,
            default=None,
            help=f"{flag.help} Sets {setting_env_var(flag.field)}.",
        )
        command = option(command)
    return command


# A server bound to every address is reached through the loopback address.
_WILDCARD_HOSTS = {"0.0.0.0": "127.0.0.1", "::": "::1"}  # noqa: S104


def base_url(host: str, port: int) -> str:
    """Return the URL that a client on this machine uses for ``host`` and ``port``."""
    client_host = _WILDCARD_HOSTS.get(host, host)
    if ":" in client_host:
        client_host = f"[{client_host}]"
    return f"http://{client_host}:{port}"


def check_port_free(host: str, port: int) -> None:
    """Bind ``host:port`` once, as uvicorn will, to report a busy port in one line."""
    try:
        address_info = socket.getaddrinfo(
            host, port, type=socket.SOCK_STREAM, flags=socket.AI_PASSIVE
        )
    except socket.gaierror as exc:
        raise CLIError(f"Invalid --host {host!r}: {exc.strerror}.") from exc
    family, kind, protocol, _, address = address_info[0]
    with socket.socket(family, kind, protocol) as probe:
        # uvicorn sets SO_REUSEADDR too, and without it a port in TIME_WAIT would seem busy.
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            probe.bind(address)
        except OSError as exc:
            if exc.errno == errno.EADDRINUSE:
                raise UnavailableError(
                    f"Port {port} on {host} is already in use. Stop the other server "
                    "or choose another --port."
                ) from exc
            raise UnavailableError(f"Cannot listen on {host}:{port}: {exc.strerror}.") from exc


async def prepare_database(database_url: str) -> None:
    """Migrate SQLite, or check that the PostgreSQL schema is current."""
    async with open_database(database_url):
        pass


def _require_database_file(database_url: str) -> None:
    url = to_async_url(database_url)
    if url.get_backend_name() == "sqlite" and url.database in (None, "", ":memory:"):
        raise CLIError(
            "An in-memory SQLite database is empty in every worker and lost on exit. "
            "Use a file such as sqlite:///partners-api.db."
        )


def run_server(
    database_url: str,
    *,
    host: str,
    port: int,
    workers: int,
    flags: Mapping[str, object] | None = None,
    shutdown_timeout: int = DEFAULT_SHUTDOWN_TIMEOUT_SECONDS,
) -> None:
    """Validate the settings, prepare the database and run uvicorn until stopped.

    The flags and the database URL are exported as ``PARTNERS_API_*`` variables, so each
    uvicorn worker process reads the settings validated here. On SIGTERM or SIGINT
    uvicorn stops accepting connections and waits up to ``shutdown_timeout`` seconds for
    the requests in flight before it cancels them.
    """
    flags = flags or {}
    settings = load_settings(database_url, flags)
    _require_database_file(settings.database_url)
    check_port_free(host, port)
    asyncio.run(prepare_database(settings.database_url))

    os.environ[setting_env_var("database_url")] = settings.database_url
    for field, value in flags.items():
        if value is not None:
            os.environ[setting_env_var(field)] = str(value)
    # A single worker runs in this process, where get_settings() may already be cached.
    get_settings.cache_clear()

    previous_handler = signal.signal(signal.SIGTERM, _exit_after_sigterm)
    try:
        _run_uvicorn(host, port, workers, shutdown_timeout)
    finally:
        signal.signal(signal.SIGTERM, previous_handler)


def _exit_after_sigterm(_signum: int, _frame: FrameType | None) -> None:
    # uvicorn (0.55) handles SIGTERM itself, shuts down gracefully and then raises the
    # signal again with the previous handler in place. A stop that the operator asked
    # for is a success, so the command exits 0 rather than being killed by the signal.
    raise SystemExit(0)


def _run_uvicorn(host: str, port: int, workers: int, shutdown_timeout: int) -> None:
    uvicorn.run(
        APP_FACTORY,
        factory=True,
        host=host,
        port=port,
        workers=workers,
        log_level="info",
        log_config=log_config(),
        # partners_api.access logs each request once, as JSON.
        access_log=False,
        timeout_graceful_shutdown=shutdown_timeout,
        proxy_headers=False,
    )


def log_config() -> dict[str, Any]:
    """Return uvicorn's logging configuration with the service's own loggers added.

    uvicorn configures only its own loggers, so without this the ``partners_api`` logs
    (start-up, database outages, unexpected errors) would be dropped. The access log
    goes to stdout as bare messages, because each message is already a JSON line.
    """
    config = copy.deepcopy(uvicorn.config.LOGGING_CONFIG)
    config["loggers"]["partners_api"] = {
        "handlers": ["default"],
        "level": "INFO",
        "propagate": False,
    }
    config["formatters"]["json_message"] = {"format": "%(message)s"}
    config["handlers"]["json_stdout"] = {
        "formatter": "json_message",
        "class": "logging.StreamHandler",
        "stream": "ext://sys.stdout",
    }
    config["loggers"]["partners_api.access"] = {
        "handlers": ["json_stdout"],
        "level": "INFO",
        "propagate": False,
    }
    return config


def listen_options(command: CommandT) -> CommandT:
    """Add the --host and --port options of a command that runs the server."""
    command = click.option(
        "--port",
        type=click.IntRange(1, 65535),
        default=DEFAULT_PORT,
        show_default=True,
        help="TCP port to listen on.",
    )(command)
    return click.option(
        "--host", default=DEFAULT_HOST, show_default=True, help="Address to listen on."
    )(command)


@click.command("serve")
@listen_options
@click.option(
    "--workers",
    type=click.IntRange(min=1),
    default=1,
    show_default=True,
    help="Number of worker processes.",
)
@click.option(
    "--shutdown-timeout",
    type=click.IntRange(min=1),
    default=DEFAULT_SHUTDOWN_TIMEOUT_SECONDS,
    show_default=True,
    help=(
        "Seconds to wait on SIGTERM for requests in flight before they are cancelled. "
        "Keep it above --request-timeout-seconds."
    ),
)
@setting_options
@pass_options
def serve(
    options: GlobalOptions,
    /,
    host: str,
    port: int,
    workers: int,
    shutdown_timeout: int,
    **flags: Any,
) -> None:
    """Serve the API over HTTP.

    On SQLite the migrations are applied first. On PostgreSQL the schema must already
    be current (`partners-api db upgrade`).
    """
    run_server(
        options.database_url,
        host=host,
        port=port,
        workers=workers,
        flags=flags,
        shutdown_timeout=shutdown_timeout,
    )
