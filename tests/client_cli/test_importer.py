"""The import engine without a server: Idempotency-Keys, retries of a key still in use,
and Ctrl-C."""

from __future__ import annotations

import csv
import threading
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import pytest

from partners_api.client import ConflictError, Created, Customer, ServerError
from partners_api.client_cli.csv_input import read_csv_file
from partners_api.client_cli.importer import ImportRun, row_idempotency_key
from partners_api.client_cli.results_file import ResultsFile, RowResult
from partners_api.client_cli.row_bodies import RowBody, validate_rows
from partners_api.domain.schemas import CustomerCreate

PROBLEM_BASE = "https://api.sipcaller.com/problems/"
ROWS = 6


def _customer(customer_id: str) -> Customer:
    # model_construct skips validation, and the engine reads only the id.
    fields: dict[str, Any] = {"id": customer_id}
    return Customer.model_construct(**fields)


def _rows(tmp_path: Path) -> tuple[list[RowBody], ResultsFile]:
    source = tmp_path / "customers.csv"
    lines = [f"C{index},c{index}@example.com,A,B,us" for index in range(ROWS)]
    source.write_text(
        "customerName,email,firstName,lastName,countryId\n" + "\n".join(lines) + "\n",
        encoding="utf-8",
    )
    csv_file = read_csv_file(source)
    valid, errors = validate_rows(
        csv_file, CustomerCreate, defaults={}, list_separator="|", unique_fields=("email",)
    )
    assert errors == []
    return valid, ResultsFile(tmp_path / "customers.results.csv", csv_file)


def _results(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as file:
        return list(csv.DictReader(file))


def test_idempotency_key_depends_on_body_only() -> None:
    body = {"customerName": "A", "email": "a@example.com", "countryId": "us"}
    reordered = {"countryId": "us", "email": "a@example.com", "customerName": "A"}
    key = row_idempotency_key("customers", body)
    assert key == row_idempotency_key("customers", reordered)
    assert key != row_idempotency_key("partners", body)
    assert key != row_idempotency_key("customers", {**body, "countryId": "ca"})
    assert key.startswith("partners-import-customers-")
    assert len(key) <= 255
    assert key.isascii()


def test_key_in_use_is_sent_again(tmp_path: Path) -> None:
    rows, results_file = _rows(tmp_path)
    attempts: dict[str, int] = {}
    lock = threading.Lock()

    def create(body: Mapping[str, Any], key: str) -> Created[Customer]:
        with lock:
            attempts[key] = attempts.get(key, 0) + 1
            count = attempts[key]
        if count < 3:
            problem = {"type": PROBLEM_BASE + "idempotency-key-in-use", "title": "Conflict"}
            raise ConflictError(409, problem, request_id="r1")
        return Created(
            item=_customer(body["email"]), replayed=True, request_id="r2", idempotency_key=key
        )

    outcome = ImportRun(
        create,
        rows,
        resource="customers",
        concurrency=2,
        results_file=results_file,
        on_result=lambda result: None,
        sleep=lambda seconds: None,
    ).run()
    assert sorted(attempts.values()) == [3] * ROWS
    assert outcome.count("replayed") == ROWS
    rows_written = _results(results_file.path)
    assert [row["id"] for row in rows_written] == [f"c{index}@example.com" for index in range(ROWS)]


def test_server_error_fails_only_its_row(tmp_path: Path) -> None:
    rows, results_file = _rows(tmp_path)

    def create(body: Mapping[str, Any], key: str) -> Created[Customer]:
        if body["email"] == "c2@example.com":
            raise ServerError(
                500, {"title": "Internal Server Error", "detail": "boom"}, request_id="r9"
            )
        return Created(
            item=_customer(body["email"]), replayed=False, request_id=None, idempotency_key=key
        )

    outcome = ImportRun(
        create, rows, resource="customers", concurrency=3, results_file=results_file,
        on_result=lambda result: None,
    ).run()  # fmt: skip
    assert outcome.stopped_by is None
    written = _results(results_file.path)
    assert [row["status"] for row in written] == [
        "created", "created", "failed", "created", "created", "created",
    ]  # fmt: skip
    assert written[2]["error"] == "500 Internal Server Error: boom (request id r9)"


def test_ctrl_c_keeps_finished_rows(tmp_path: Path) -> None:
    rows, results_file = _rows(tmp_path)
    release = threading.Event()

    def create(body: Mapping[str, Any], key: str) -> Created[Customer]:
        # Rows after the first two wait, so that Ctrl-C finds some rows not yet sent.
        if body["email"] not in ("c0@example.com", "c1@example.com"):
            assert release.wait(timeout=10)
        return Created(
            item=_customer(body["email"]), replayed=False, request_id=None, idempotency_key=key
        )

    def interrupt_after_two(result: RowResult) -> None:
        # The callback runs in the calling thread, where Ctrl-C raises KeyboardInterrupt.
        if result.line == 3:
            release.set()
            raise KeyboardInterrupt

    outcome = ImportRun(
        create, rows, resource="customers", concurrency=1, results_file=results_file,
        on_result=interrupt_after_two,
    ).run()  # fmt: skip
    assert outcome.interrupted
    written = _results(results_file.path)
    assert [int(row["line"]) for row in written] == list(range(2, ROWS + 2))
    statuses = [row["status"] for row in written]
    assert statuses[:2] == ["created", "created"]
    # Line 4 finishes when the worker had started it before Ctrl-C, else it is skipped.
    assert statuses[2] in ("created", "skipped")
    assert statuses[3:] == ["skipped", "skipped", "skipped"]
    assert written[5]["error"] == "Not sent: the import stopped first."


@pytest.mark.parametrize("status", ["created", "skipped"])
def test_results_file_keeps_input_cells(tmp_path: Path, status: str) -> None:
    _, results_file = _rows(tmp_path)
    results_file.start()
    results_file.finish(
        [RowResult(line=3, status=status, id="x"), RowResult(line=2, status=status)]
    )
    written = _results(results_file.path)
    assert [row["line"] for row in written] == ["2", "3"]
    assert written[1]["customerName"] == "C1"
    assert written[1]["id"] == "x"
