"""The ``import`` command of ``partners`` and ``customers``: check every row of a CSV
file, then create them with a progress bar and write a results file."""

from __future__ import annotations

import signal
import threading
from pathlib import Path

import click
from rich.console import Console
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    TextColumn,
    TimeElapsedColumn,
    TimeRemainingColumn,
)

from partners_api.client import (
    AuthenticationError,
    PartnersClient,
    PermissionDeniedError,
    RetryPolicy,
    TransportError,
)
from partners_api.client_cli.context import (
    GlobalOptions,
    connection_hint,
    global_options,
    sentence,
)
from partners_api.client_cli.csv_input import read_csv_file
from partners_api.client_cli.errors import (
    CLIError,
    ImportInterruptedError,
    ImportTerminatedError,
    RequestFailedError,
)
from partners_api.client_cli.importer import ImportOutcome, ImportRun, describe_row_error
from partners_api.client_cli.resources import Resource
from partners_api.client_cli.results_file import (
    ResultsFile,
    RowResult,
    RowStatus,
    read_earlier_ids,
    results_path,
)
from partners_api.client_cli.row_bodies import DEFAULT_LIST_SEPARATOR, RowBody, validate_rows

MAX_CONCURRENCY = 32
# Attempts of a request whose response has a Retry-After header.
IMPORT_ATTEMPTS = 10
# Attempts of a request that gets a connection error, or a 429 or 503 without
# Retry-After: the client's default.
OTHER_ATTEMPTS = RetryPolicy().max_attempts


class ImportRetryPolicy(RetryPolicy):
    """The retries of an import.

    An import sends many requests in a row and meets the rate limit more often than one
    command does, so it retries a 429 or 503 with Retry-After up to ``IMPORT_ATTEMPTS``
    times. Connection errors keep the client's default, so that an import against a
    server that is down stops after a few seconds, not after ten backoffs of up to 30 s.
    """

    def delay(self, retry_number: int, retry_after: float | None) -> float | None:
        if retry_after is None and retry_number >= OTHER_ATTEMPTS:
            return None
        return super().delay(retry_number, retry_after)


IMPORT_RETRY = ImportRetryPolicy(max_attempts=IMPORT_ATTEMPTS)


def _check_rows(
    resource: Resource, path: Path, delimiter: str | None, list_separator: str, partner: str | None
) -> tuple[list[RowBody], ResultsFile, int]:
    csv_file = read_csv_file(path, delimiter)
    defaults = {"partnerId": partner} if partner else {}
    valid, errors = validate_rows(
        csv_file,
        resource.request_model,
        defaults=defaults,
        list_separator=list_separator,
        unique_fields=resource.unique_fields,
    )
    total = len(csv_file.rows)
    if total == 0:
        raise CLIError(f"{path} has a header row but no data rows.")
    if errors:
        for error in errors:
            click.echo(str(error), err=True)
        invalid_lines = len({error.line for error in errors})
        verb = "is" if invalid_lines == 1 else "are"
        raise CLIError(
            f"{invalid_lines} of {_count(total, 'row')} of {path} {verb} invalid, so "
            "nothing was sent. Correct them and run the command again."
        )
    return valid, ResultsFile(results_path(path), csv_file), total


def _count(number: int, noun: str) -> str:
    return f"{number} {noun}" if number == 1 else f"{number} {noun}s"


def _summary(resource: Resource, outcome: ImportOutcome) -> str:
    parts = [f"{outcome.count(RowStatus.CREATED)} created"]
    replayed = outcome.count(RowStatus.REPLAYED)
    if replayed:
        parts.append(f"{replayed} already created by an earlier run")
    parts.append(f"{outcome.count(RowStatus.FAILED)} failed")
    skipped = outcome.count(RowStatus.SKIPPED)
    if skipped:
        parts.append(f"{skipped} not sent")
    return f"{resource.name.capitalize()}: {', '.join(parts)}."


def _run(
    resource: Resource,
    rows: list[RowBody],
    results: ResultsFile,
    concurrency: int,
    earlier_ids: dict[int, str],
) -> ImportOutcome:
    stderr = Console(stderr=True)
    progress = Progress(
        TextColumn("{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        TimeRemainingColumn(),
        console=stderr,
        disable=not stderr.is_terminal,
    )
    task = progress.add_task(f"Creating {resource.name}", total=len(rows))

    def advance(result: RowResult) -> None:
        progress.advance(task)

    clients = ThreadClients(global_options())
    # Without a terminal there is no progress bar, and a slow start would look like a hang.
    click.echo(
        f"Sending {_count(len(rows), 'row')} to {clients.url} with "
        f"{_count(concurrency, 'thread')}. Results: {results.path}",
        err=True,
    )
    try:
        with progress:
            run = ImportRun(
                lambda body, key: resource.create_item(clients.current(), body, key),
                rows,
                resource=resource.name,
                concurrency=concurrency,
                results_file=results,
                on_result=advance,
                earlier_ids=earlier_ids,
            )
            return run.run()
    finally:
        clients.close()


RERUN = "Run the same command again to finish: rows already created are not created twice."


def _raise_for_outcome(resource: Resource, outcome: ImportOutcome, results_path: Path) -> None:
    """Raise the error that ends an import that was interrupted, stopped or had failed
    rows, with what to do next."""
    if outcome.interrupted:
        if outcome.signal_number == signal.SIGTERM:
            raise ImportTerminatedError(f"Interrupted by SIGTERM. {RERUN}")
        raise ImportInterruptedError(f"Interrupted. {RERUN}")
    stopped_by = outcome.stopped_by
    if stopped_by is not None:
        reason = sentence(describe_row_error(stopped_by))
        connection = global_options().connection
        if isinstance(stopped_by, AuthenticationError | PermissionDeniedError):
            # Running again with the same token fails the same way.
            source = connection.token_source if connection else "the environment or profile"
            raise RequestFailedError(
                f"The import stopped: {reason} The token came from {source}: use a valid "
                "PartnerAdmin token, with --profile NAME or PARTNERS_API_TOKEN."
            )
        if isinstance(stopped_by, TransportError) and connection is not None:
            reason += f" {connection_hint(connection)}"
        raise RequestFailedError(f"The import stopped: {reason} {RERUN}")
    failed = [result for result in outcome.results if result.status == RowStatus.FAILED]
    if not failed:
        return
    message = f"{_count(len(failed), 'row')} failed; see the error column of {results_path}."
    conflicts = sum(1 for result in failed if result.conflict)
    if conflicts:
        options = " (--partner)" if resource.name == "customers" else ""
        message += (
            f" {conflicts} of them got 409 Conflict. If an earlier run created those rows, "
            f"run the import with the same options{options} as that run: they are part "
            "of each row's body and so of its Idempotency-Key."
        )
    raise RequestFailedError(
        f"{message} Correct the rows and run the command again: rows already created are "
        "not created twice."
    )


class ThreadClients:
    """One ``PartnersClient`` per worker thread, because httpx does not document its
    blocking client as safe to share between threads."""

    def __init__(self, options: GlobalOptions) -> None:
        self._options = options
        # Resolve the URL and token here, so that a bad profile fails before any thread.
        self.connection = options.connect()
        self.url = self.connection.url
        self._local = threading.local()
        self._lock = threading.Lock()
        self._clients: list[PartnersClient] = []

    def current(self) -> PartnersClient:
        client: PartnersClient | None = getattr(self._local, "client", None)
        if client is None:
            client = self._options.client(retry=IMPORT_RETRY)
            self._local.client = client
            with self._lock:
                self._clients.append(client)
        return client

    def close(self) -> None:
        with self._lock:
            for client in self._clients:
                client.close()
            self._clients.clear()


def import_command(resource: Resource) -> click.Command:
    """Build the ``import`` command of ``resource``."""

    @click.command("import")
    @click.argument(
        "csv_path", metavar="FILE", type=click.Path(exists=True, dir_okay=False, path_type=Path)
    )
    @click.option(
        "--concurrency",
        type=click.IntRange(1, MAX_CONCURRENCY),
        default=4,
        show_default=True,
        help="Requests in flight at once.",
    )
    @click.option("--dry-run", is_flag=True, help="Check every row, send nothing.")
    @click.option(
        "--delimiter",
        type=click.Choice([",", ";"]),
        help="Cell delimiter. Default: whichever of , and ; the header row has more of.",
    )
    @click.option(
        "--list-separator",
        default=DEFAULT_LIST_SEPARATOR,
        show_default=True,
        help="Separator of the items in a list column such as countryIds.",
    )
    def command(
        csv_path: Path,
        concurrency: int,
        dry_run: bool,
        delimiter: str | None,
        list_separator: str,
        partner: str | None = None,
    ) -> None:
        rows, results, total = _check_rows(resource, csv_path, delimiter, list_separator, partner)
        if dry_run:
            click.echo(
                f"Checked {_count(total, 'row')} of {csv_path}: all valid. "
                "Nothing was sent (--dry-run)."
            )
            return
        earlier_ids = read_earlier_ids(results.path, results.source)
        outcome = _run(resource, rows, results, concurrency, earlier_ids)
        click.echo(f"{_summary(resource, outcome)} Results: {results.path}", err=True)
        _raise_for_outcome(resource, outcome, results.path)

    command.help = (
        f"Create {resource.name} from a CSV file.\n\n"
        "The header row names the body fields of POST /v1/"
        f"{resource.name}, nested ones dotted (such as contactData.email); list fields "
        "such as countryIds separate their items with |. The file is UTF-8, with or "
        "without a BOM, and comma or semicolon delimited. Every row is checked first, and "
        "if any is invalid, every error is printed with its line and nothing is sent. "
        "Each row's Idempotency-Key is a hash of its body, so running the same file again "
        "after an interruption or a failure creates nothing twice. The outcome of each "
        "row is written to FILE.results.csv."
    )
    if resource.name == "customers":
        command = click.option(
            "--partner",
            metavar="ID",
            help="partnerId of rows whose partnerId cell is empty or absent.",
        )(command)
    return command
