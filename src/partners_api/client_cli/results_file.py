"""The results file of an import: each input row with its line, status, id and error.

Rows are appended as they finish, so that an interrupted import leaves a record of
what it did. When the import ends, the file is rewritten in line order.
"""

from __future__ import annotations

import codecs
import csv
import os
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import IO

from partners_api.client_cli.csv_input import CsvFile
from partners_api.client_cli.errors import CLIError

RESULT_COLUMNS = ("line", "status", "id", "error")


class RowStatus:
    """Values of the ``status`` column."""

    CREATED = "created"
    # Created by an earlier run of the same file: the server returned its stored result.
    REPLAYED = "replayed"
    FAILED = "failed"
    # Not sent, because the import stopped first.
    SKIPPED = "skipped"


@dataclass(frozen=True)
class RowResult:
    line: int
    status: str
    id: str = ""
    error: str = ""
    # The row failed with 409 Conflict (not written to the file).
    conflict: bool = False


EARLIER_RUN_NOTE = "An earlier run created this row with the id shown."
# A row that an earlier run created fails when its body, and so its Idempotency-Key,
# differs now: most often because the runs had different options.
OTHER_OPTIONS_NOTE = (
    "An earlier run with other options (such as --partner) created this row with the id shown."
)


def read_earlier_ids(path: Path, source: CsvFile) -> dict[int, str]:
    """Return the ids of the rows that an earlier results file at ``path`` lists as
    created or replayed, by line, for the rows whose input cells are unchanged.

    Returns an empty dict when ``path`` does not exist. Raises ``CLIError`` when it
    exists but cannot be read, because rewriting it would lose its ids.
    """
    cells = {row.line: row.cells for row in source.rows}
    ids: dict[int, str] = {}
    try:
        with path.open(encoding="utf-8-sig", newline="") as earlier:
            for record in csv.DictReader(earlier, delimiter=source.delimiter):
                line, status, item_id = record.get("line"), record.get("status"), record.get("id")
                if not (line and line.isdigit() and item_id):
                    continue
                if status not in (RowStatus.CREATED, RowStatus.REPLAYED):
                    continue
                row_cells = cells.get(int(line))
                earlier_cells = tuple(record.get(name) for name in source.header)
                if row_cells is not None and earlier_cells == row_cells:
                    ids[int(line)] = item_id
    except FileNotFoundError:
        return {}
    except (OSError, UnicodeDecodeError, csv.Error) as exc:
        raise CLIError(
            f"Cannot read the results file {path} of an earlier run ({exc}), and this run "
            "would replace it and lose its ids. Move it away and run the command again."
        ) from exc
    return ids


def keep_earlier_id(result: RowResult, earlier_ids: dict[int, str]) -> RowResult:
    """Return ``result`` with the id that an earlier run recorded, when this run failed
    or skipped the row and so has no id of its own."""
    earlier_id = earlier_ids.get(result.line)
    if earlier_id is None or result.id:
        return result
    if result.status not in (RowStatus.FAILED, RowStatus.SKIPPED):
        return result
    note = OTHER_OPTIONS_NOTE if result.status == RowStatus.FAILED else EARLIER_RUN_NOTE
    return RowResult(
        result.line,
        result.status,
        id=earlier_id,
        error=f"{note} This run: {result.error}",
        conflict=result.conflict,
    )


def results_path(input_path: Path) -> Path:
    """Return ``NAME.results.csv`` beside ``NAME.csv`` (or beside any other name)."""
    stem = input_path.stem if input_path.suffix.lower() == ".csv" else input_path.name
    return input_path.with_name(f"{stem}.results.csv")


class ResultsFile:
    """Writes the results file in the input's dialect: same delimiter, same BOM."""

    def __init__(self, path: Path, source: CsvFile) -> None:
        self.path = path
        self.source = source
        self._source = source
        self._cells = {row.line: row.cells for row in source.rows}
        self._output: IO[str] | None = None
        self._writer: csv.DictWriter[str] | None = None

    @property
    def _header(self) -> list[str]:
        return [*self._source.header, *RESULT_COLUMNS]

    def _open(self, path: Path) -> tuple[IO[str], csv.DictWriter[str]]:
        try:
            output = path.open("w", encoding="utf-8", newline="")
        except OSError as exc:
            raise CLIError(f"Cannot write the results file {path}: {exc.strerror}.") from exc
        if self._source.has_bom:
            output.write(codecs.BOM_UTF8.decode("utf-8"))
        writer = csv.DictWriter(
            output, fieldnames=self._header, delimiter=self._source.delimiter, lineterminator="\n"
        )
        writer.writeheader()
        return output, writer

    def _row(self, result: RowResult) -> dict[str, str]:
        row = dict(zip(self._source.header, self._cells[result.line], strict=True))
        row.update(line=str(result.line), status=result.status, id=result.id, error=result.error)
        return row

    def start(self) -> None:
        """Create or empty the file and write its header."""
        self._output, self._writer = self._open(self.path)
        self._output.flush()

    def append(self, result: RowResult) -> None:
        if self._output is None or self._writer is None:
            raise RuntimeError("ResultsFile.append called before start")
        self._writer.writerow(self._row(result))
        self._output.flush()

    def finish(self, results: Iterable[RowResult]) -> None:
        """Replace the file with every result in line order."""
        if self._output is not None:
            self._output.close()
            self._output = None
        temporary = self.path.with_name(f".{self.path.name}.{os.getpid()}.tmp")
        output, writer = self._open(temporary)
        with output:
            for result in sorted(results, key=lambda item: item.line):
                writer.writerow(self._row(result))
        os.replace(temporary, self.path)
