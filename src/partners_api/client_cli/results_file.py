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


def results_path(input_path: Path) -> Path:
    """Return ``NAME.results.csv`` beside ``NAME.csv`` (or beside any other name)."""
    stem = input_path.stem if input_path.suffix.lower() == ".csv" else input_path.name
    return input_path.with_name(f"{stem}.results.csv")


class ResultsFile:
    """Writes the results file in the input's dialect: same delimiter, same BOM."""

    def __init__(self, path: Path, source: CsvFile) -> None:
        self.path = path
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
