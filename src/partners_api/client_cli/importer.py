"""Sending the rows of an import: a thread pool of creates, each with an Idempotency-Key
derived from the row, so that a second run of the same file creates nothing twice.

The key of a row is a hash of the resource and of the row's request body. A second run
sends the same bodies with the same keys, so the server returns its stored response for
the rows it already created (for 24 hours by default, its
PARTNERS_API_IDEMPOTENCY_TTL_HOURS) and creates only the rest. The key does not depend
on the rest of the file or on the row's line. So after a failed row is corrected, or a
row is added or removed, every other row keeps its key. Its stored 201 is then replayed,
where a new key would get a 409 for the email that the first run already used.
"""

from __future__ import annotations

import hashlib
import json
import signal
import threading
import time
from collections.abc import Callable, Mapping, Sequence
from concurrent.futures import Future, ThreadPoolExecutor, as_completed
from dataclasses import dataclass, field
from typing import Any

from partners_api.client import (
    APIError,
    AuthenticationError,
    ConfigurationError,
    ConflictError,
    Created,
    PartnersClientError,
    PermissionDeniedError,
    TransportError,
)
from partners_api.client_cli.context import describe_api_error
from partners_api.client_cli.results_file import (
    ResultsFile,
    RowResult,
    RowStatus,
    keep_earlier_id,
)
from partners_api.client_cli.row_bodies import RowBody

KEY_IN_USE_PROBLEM = "idempotency-key-in-use"
# A second run can reach the server while a request of the killed first run still
# has the row's key. The server then answers 409 idempotency-key-in-use, and the
# request is sent again after KEY_IN_USE_WAIT_SECONDS, at most this many times.
KEY_IN_USE_ATTEMPTS = 10
KEY_IN_USE_WAIT_SECONDS = 1.0

NOT_SENT = "Not sent: the import stopped first."

CreateFunction = Callable[[Mapping[str, Any], str], Created[Any]]


def row_idempotency_key(resource: str, body: Mapping[str, Any]) -> str:
    """Return the Idempotency-Key of a row: a SHA-256 of the resource and the body, with
    the keys sorted, so that the same body always gets the same key."""
    material = json.dumps(
        [resource, body], sort_keys=True, separators=(",", ":"), ensure_ascii=False
    )
    digest = hashlib.sha256(material.encode("utf-8")).hexdigest()
    return f"partners-import-{resource}-{digest}"


@dataclass
class ImportOutcome:
    """The results of every row that finished, and the error that stopped the import."""

    results: list[RowResult] = field(default_factory=list)
    stopped_by: PartnersClientError | None = None
    interrupted: bool = False
    # SIGINT or SIGTERM when ``interrupted``.
    signal_number: int = signal.SIGINT

    def count(self, status: str) -> int:
        return sum(1 for result in self.results if result.status == status)


class Terminated(BaseException):
    """Raised in the main thread by the SIGTERM handler of ``ImportRun.run``. It derives
    from BaseException, as KeyboardInterrupt does, so that no ``except Exception``
    between the signal and ``run`` catches it."""


def _raise_terminated(signal_number: int, frame: object) -> None:
    raise Terminated


def describe_row_error(exc: PartnersClientError) -> str:
    """Return the error of a row on one line, as the results file shows it."""
    if isinstance(exc, APIError):
        return describe_api_error(exc)
    return str(exc)


class ImportRun:
    """Creates the objects of ``rows`` with ``concurrency`` threads.

    An authentication, permission or configuration error, or a server that cannot be
    reached after the client's retries, stops the run: rows not yet sent are marked
    skipped, because every one of them would fail the same way.
    """

    def __init__(
        self,
        create: CreateFunction,
        rows: Sequence[RowBody],
        *,
        resource: str,
        concurrency: int,
        results_file: ResultsFile,
        on_result: Callable[[RowResult], None],
        earlier_ids: Mapping[int, str] | None = None,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        self._create = create
        self._rows = rows
        self._resource = resource
        self._concurrency = concurrency
        self._results_file = results_file
        self._on_result = on_result
        # Ids that the results file of an earlier run lists, by line.
        self._earlier_ids = dict(earlier_ids or {})
        self._sleep = sleep
        self._stop = threading.Event()
        self._stop_lock = threading.Lock()
        self._outcome = ImportOutcome()
        # Lines already recorded, read and written by the calling thread only.
        self._recorded: set[int] = set()

    def run(self) -> ImportOutcome:
        """Send every row; return the outcome, with ``interrupted`` set after Ctrl-C
        (SIGINT) or SIGTERM.

        The results file gets each result as it arrives, and is rewritten in line order
        at the end. After a signal, the rows in flight finish, and the rows that were not
        sent are in it as skipped. SIGTERM is handled only when ``run`` is called in the
        main thread, because only that thread may set a signal handler.
        """
        if threading.current_thread() is not threading.main_thread():
            return self._run()
        previous_handler = signal.signal(signal.SIGTERM, _raise_terminated)
        try:
            return self._run()
        finally:
            # None means that the previous handler was not set from Python.
            signal.signal(signal.SIGTERM, previous_handler or signal.SIG_DFL)

    def _run(self) -> ImportOutcome:
        self._results_file.start()
        pool = ThreadPoolExecutor(max_workers=self._concurrency, thread_name_prefix="import")
        futures: list[Future[RowResult]] = [pool.submit(self._send, row) for row in self._rows]
        try:
            for future in as_completed(futures):
                self._record(future.result())
        except (KeyboardInterrupt, Terminated) as exc:
            self._outcome.interrupted = True
            if isinstance(exc, Terminated):
                self._outcome.signal_number = signal.SIGTERM
            self._stop.set()
            pool.shutdown(wait=True, cancel_futures=True)
            # Rows that were in flight when Ctrl-C came in still finished: keep them.
            for future in futures:
                if future.done() and not future.cancelled():
                    self._record(future.result())
            for row in self._rows:
                if row.row.line not in self._recorded:
                    self._record(RowResult(row.row.line, RowStatus.SKIPPED, error=NOT_SENT))
        finally:
            # After any other exception, rows not yet started must not be sent.
            self._stop.set()
            pool.shutdown(wait=True, cancel_futures=True)
            self._results_file.finish(self._outcome.results)
        return self._outcome

    def _record(self, result: RowResult) -> None:
        if result.line in self._recorded:
            return
        result = keep_earlier_id(result, self._earlier_ids)
        self._recorded.add(result.line)
        self._outcome.results.append(result)
        self._results_file.append(result)
        self._on_result(result)

    def _send(self, row: RowBody) -> RowResult:
        line = row.row.line
        if self._stop.is_set():
            return RowResult(line, RowStatus.SKIPPED, error=NOT_SENT)
        key = row_idempotency_key(self._resource, row.body)
        attempt = 1
        while True:
            try:
                created = self._create(row.body, key)
            except ConflictError as exc:
                if exc.problem_type == KEY_IN_USE_PROBLEM and attempt < KEY_IN_USE_ATTEMPTS:
                    attempt += 1
                    self._sleep(KEY_IN_USE_WAIT_SECONDS)
                    continue
                return RowResult(
                    line, RowStatus.FAILED, error=describe_row_error(exc), conflict=True
                )
            except (
                AuthenticationError,
                ConfigurationError,
                PermissionDeniedError,
                TransportError,
            ) as exc:
                self._stop_run(exc)
                return RowResult(line, RowStatus.FAILED, error=describe_row_error(exc))
            except PartnersClientError as exc:
                return RowResult(line, RowStatus.FAILED, error=describe_row_error(exc))
            status = RowStatus.REPLAYED if created.replayed else RowStatus.CREATED
            return RowResult(line, status, id=str(created.item.id))

    def _stop_run(self, exc: PartnersClientError) -> None:
        with self._stop_lock:
            if self._outcome.stopped_by is None:
                self._outcome.stopped_by = exc
            self._stop.set()
