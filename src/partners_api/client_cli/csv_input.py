"""Reading a CSV file of create requests: encoding, delimiter, header and rows.

A file is UTF-8, with or without a byte order mark, and its first row names the
columns. The delimiter is a comma or a semicolon, whichever the header row has more
of, unless the caller names one. Line numbers count physical lines from 1, the
header's, so that they match what a text editor shows.
"""

from __future__ import annotations

import codecs
import csv
import hashlib
import io
from dataclasses import dataclass
from pathlib import Path

from partners_api.client_cli.errors import CLIError

SNIFFED_DELIMITERS = (",", ";")


@dataclass(frozen=True)
class CsvRow:
    """A data row: the line it starts on and its cells, one per header column."""

    line: int
    cells: tuple[str, ...]
    # Cells beyond the header's columns; a row with any is invalid.
    extra_cells: int = 0


@dataclass(frozen=True)
class CsvFile:
    """A CSV file as read: how it was encoded and delimited, its header and its rows."""

    path: Path
    sha256: str
    has_bom: bool
    delimiter: str
    header: tuple[str, ...]
    rows: tuple[CsvRow, ...]


def _decode(path: Path, data: bytes) -> tuple[str, bool]:
    has_bom = data.startswith(codecs.BOM_UTF8)
    body = data[len(codecs.BOM_UTF8) :] if has_bom else data
    try:
        return body.decode("utf-8"), has_bom
    except UnicodeDecodeError as exc:
        line = body[: exc.start].count(b"\n") + 1
        raise CLIError(
            f"{path} is not valid UTF-8: byte 0x{body[exc.start]:02X} on line {line} is invalid. "
            "Save the file as UTF-8 (in Excel: 'CSV UTF-8') and run the command again."
        ) from exc


def sniff_delimiter(text: str) -> str:
    """Return the comma or semicolon, whichever the first line has more of (comma on a tie)."""
    first_line = text.split("\n", 1)[0]
    counts = {delimiter: first_line.count(delimiter) for delimiter in SNIFFED_DELIMITERS}
    return max(SNIFFED_DELIMITERS, key=lambda delimiter: counts[delimiter])


def _check_header(path: Path, header: list[str]) -> tuple[str, ...]:
    names = tuple(name.strip() for name in header)
    if not any(names):
        raise CLIError(f"{path} has no header row: its first line must name the columns.")
    empty = [str(index + 1) for index, name in enumerate(names) if not name]
    if empty:
        raise CLIError(
            f"The header row of {path} has no name for column {', '.join(empty)}; "
            "name every column or delete the empty ones."
        )
    duplicates = sorted({name for name in names if names.count(name) > 1})
    if duplicates:
        raise CLIError(
            f"The header row of {path} names {', '.join(duplicates)} more than once; "
            "keep one column per field."
        )
    return names


def _is_blank(cells: list[str]) -> bool:
    return all(not cell.strip() for cell in cells)


def read_csv_file(path: Path, delimiter: str | None = None) -> CsvFile:
    """Read and split ``path``; raise ``CLIError`` for a file that cannot be read at all.

    Rows whose cells are all empty (as spreadsheets write below the data) are skipped.
    A row with fewer cells than the header gets empty cells, and a row with more is
    kept with ``extra_cells`` set, so that its error is reported with the others.
    """
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise CLIError(f"Cannot read {path}: {exc.strerror}.") from exc
    text, has_bom = _decode(path, data)
    chosen = delimiter or sniff_delimiter(text)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=chosen, strict=True)

    rows: list[CsvRow] = []
    header: tuple[str, ...] | None = None
    start_line = 1
    try:
        for record in reader:
            line, start_line = start_line, reader.line_num + 1
            if header is None:
                header = _check_header(path, record)
                continue
            if _is_blank(record):
                continue
            cells = list(record[: len(header)])
            cells.extend("" for _ in range(len(header) - len(cells)))
            extra = max(0, len(record) - len(header))
            # Cells past the header that are empty are trailing delimiters, not data.
            if extra and _is_blank(record[len(header) :]):
                extra = 0
            rows.append(CsvRow(line=line, cells=tuple(cells), extra_cells=extra))
    except csv.Error as exc:
        raise CLIError(
            f"{path} is not valid CSV at line {reader.line_num}: {exc}. "
            "Check the quotes on that line."
        ) from exc
    if header is None:
        raise CLIError(f"{path} is empty: it needs a header row and at least one data row.")
    return CsvFile(
        path=path,
        sha256=hashlib.sha256(data).hexdigest(),
        has_bom=has_bom,
        delimiter=chosen,
        header=header,
        rows=tuple(rows),
    )
