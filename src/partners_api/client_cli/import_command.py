"""The ``import`` command of ``partners`` and ``customers``: check every row of a CSV
file, then create them with a progress bar and write a results file."""

from __future__ import annotations

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

from partners_api.client import PartnersClient, RetryPolicy
from partners_api.client_cli.context import GlobalOptions, global_options
from partners_api.client_cli.csv_input import read_csv_file
from partners_api.client_cli.errors import CLIError, ImportInterruptedError, RequestFailedError
from partners_api.client_cli.importer import ImportOutcome, ImportRun, describe_row_error
from partners_api.client_cli.resources import Resource
from partners_api.client_cli.results_file import (
    ResultsFile,
    RowResult,
    RowStatus,
    results_path,
)
from partners_api.client_cli.row_bodies import DEFAULT_LIST_SEPARATOR, RowBody, validate_rows

MAX_CONCURRENCY = 32
# An import sends many requests in a row and meets the rate limit more often than one
# command does, so it retries 429 and 503 more times than the client's default.
IMPORT_RETRY = RetryPolicy(max_attempts=10)


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
        raise CLIError(
            f"{invalid_lines} of {_count(total, 'row')} of {path} are invalid, so nothing "
            "was sent. "
            "Correct them and run the command again."
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
    resource: Resource, rows: list[RowBody], results: ResultsFile, concurrency: int
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
    try:
        with progress:
            run = ImportRun(
                lambda body, key: resource.create_item(clients.current(), body, key),
                rows,
                resource=resource.name,
                concurrency=concurrency,
                results_file=results,
                on_result=advance,
            )
            return run.run()
    finally:
        clients.close()


class ThreadClients:
    """One ``PartnersClient`` per worker thread, because httpx does not document its
    blocking client as safe to share between threads."""

    def __init__(self, options: GlobalOptions) -> None:
        self._options = options
        # Resolve the URL and token here, so that a bad profile fails before any thread.
        options.connect()
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
        outcome = _run(resource, rows, results, concurrency)
        click.echo(f"{_summary(resource, outcome)} Results: {results.path}", err=True)
        rerun = "Run the same command again to finish: rows already created are not created twice."
        if outcome.interrupted:
            raise ImportInterruptedError(f"Interrupted. {rerun}")
        if outcome.stopped_by is not None:
            reason = describe_row_error(outcome.stopped_by)
            raise RequestFailedError(f"The import stopped: {reason} {rerun}")
        failed = outcome.count(RowStatus.FAILED)
        if failed:
            raise RequestFailedError(
                f"{_count(failed, 'row')} failed; see the error column of {results.path}. "
                "Correct them and run the command again: rows already created are not "
                "created twice."
            )

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
