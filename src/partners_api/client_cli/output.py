"""Writing command results as a table, JSON, JSON Lines or CSV.

The JSON, JSON Lines and CSV writers stream: they write each object as it arrives, so
an export of every page keeps at most one page in memory. Only the table
needs every row before it can size its columns.
"""

from __future__ import annotations

import csv
import enum
import json
import sys
import textwrap
from collections.abc import Callable, Iterable, Mapping, Sequence
from typing import IO, Any, TypeVar

import click

from partners_api.client_cli.flatten import flatten
from partners_api.client_cli.tables import Column, render_list_table, render_object_table

CommandT = TypeVar("CommandT", bound=Callable[..., Any])

# Rows a CSV writer reads before it writes the header, to learn the columns.
CSV_HEADER_SAMPLE_ROWS = 100


class OutputFormat(enum.StrEnum):
    TABLE = "table"
    JSON = "json"
    JSONL = "jsonl"
    CSV = "csv"


def format_option(
    *, allow_table: bool = True, default: OutputFormat | None = None
) -> Callable[[CommandT], CommandT]:
    """Return the ``--format`` option of a command that prints objects."""
    choices = [fmt.value for fmt in OutputFormat if allow_table or fmt is not OutputFormat.TABLE]
    if default is None:
        help_text = "Output format. Default: table on a terminal, json otherwise."
    else:
        help_text = f"Output format. Default: {default.value}."
    return click.option(
        "--format",
        "output_format",
        type=click.Choice(choices),
        default=default.value if default else None,
        help=help_text,
    )


def choose_format(value: str | None) -> OutputFormat:
    """Return the format asked for, or table on a terminal and JSON in a pipe or file."""
    if value is not None:
        return OutputFormat(value)
    return OutputFormat.TABLE if sys.stdout.isatty() else OutputFormat.JSON


def _dump_json(value: object) -> str:
    return json.dumps(value, indent=2, ensure_ascii=False)


def write_object(obj: Mapping[str, Any], fmt: OutputFormat, *, title: str | None = None) -> None:
    """Write one object: a field/value table, a JSON object, one JSON line or a CSV row."""
    stream = sys.stdout
    if fmt is OutputFormat.TABLE:
        render_object_table(obj, title=title)
    elif fmt is OutputFormat.JSON:
        stream.write(_dump_json(obj) + "\n")
    elif fmt is OutputFormat.JSONL:
        stream.write(json.dumps(obj, ensure_ascii=False) + "\n")
    else:
        CsvStreamWriter(stream).write_all([obj])
    stream.flush()


def write_items(
    items: Iterable[Mapping[str, Any]],
    fmt: OutputFormat,
    *,
    columns: Sequence[Column],
    csv_extra_columns: Sequence[str] = (),
    stream: IO[str] | None = None,
) -> int:
    """Write a list of objects and return how many were written.

    ``columns`` are the table's columns. ``csv_extra_columns`` are dotted columns that
    a CSV file gets even when no object of its first rows has them, such as optional
    keys of the API's objects.
    """
    output = stream or sys.stdout
    if fmt is OutputFormat.TABLE:
        rows = list(items)
        render_list_table(rows, columns)
        return len(rows)
    if fmt is OutputFormat.CSV:
        return CsvStreamWriter(output, extra_columns=csv_extra_columns).write_all(items)
    if fmt is OutputFormat.JSONL:
        count = 0
        for item in items:
            output.write(json.dumps(item, ensure_ascii=False) + "\n")
            count += 1
        output.flush()
        return count
    return _write_json_array(items, output)


def _write_json_array(items: Iterable[Mapping[str, Any]], output: IO[str]) -> int:
    # "[" is written with the first object, so that an error while the first page is
    # fetched leaves stdout empty rather than holding half an array.
    count = 0
    for item in items:
        output.write("[\n" if count == 0 else ",\n")
        output.write(textwrap.indent(_dump_json(item), "  "))
        count += 1
    output.write("\n]\n" if count else "[]\n")
    output.flush()
    return count


def _insert_column(columns: list[str], column: str) -> None:
    """Insert ``column`` after the last column of the same parent (or the parent itself),
    else at the end."""
    parent = column.rpartition(".")[0]
    position = len(columns)
    if parent:
        siblings = [
            index
            for index, name in enumerate(columns)
            if name == parent or name.startswith(parent + ".")
        ]
        if siblings:
            position = siblings[-1] + 1
    columns.insert(position, column)


def csv_columns(rows: Iterable[Mapping[str, str]], extra_columns: Sequence[str] = ()) -> list[str]:
    """Return the columns of flattened rows in first-seen order, with ``extra_columns``.

    A column first seen in a later row goes after the columns of the same parent object,
    so that ``signUpData.websiteUrl`` stays beside ``signUpData.originType``.

    A column that is also the parent of other columns (``logo`` beside ``logo.file``,
    from an object that is null in some rows) is dropped, because its cells are empty.
    """
    ordered: list[str] = []
    seen: set[str] = set()
    for row in rows:
        for column in [*row, *extra_columns]:
            if column not in seen:
                seen.add(column)
                _insert_column(ordered, column)
    return [
        column for column in ordered if not any(other.startswith(column + ".") for other in ordered)
    ]


class CsvStreamWriter:
    """Writes flattened objects as CSV rows, with the header taken from the first rows.

    The columns are fixed once the first 100 rows (or all rows, if fewer) are seen. A
    later row with a non-empty value in a column that the header lacks loses that value,
    and one warning on stderr names such columns.
    """

    def __init__(self, stream: IO[str], *, extra_columns: Sequence[str] = ()) -> None:
        self._stream = stream
        self._extra_columns = extra_columns
        self._writer = csv.writer(stream, lineterminator="\n")
        self._columns: list[str] | None = None
        self._column_set: set[str] = set()
        self._pending: list[dict[str, str]] = []
        self._dropped: set[str] = set()
        self.count = 0

    def write_all(self, items: Iterable[Mapping[str, Any]]) -> int:
        for item in items:
            self.write(item)
        self.close()
        return self.count

    def write(self, item: Mapping[str, Any]) -> None:
        row = flatten(item)
        self.count += 1
        if self._columns is None:
            self._pending.append(row)
            if len(self._pending) >= CSV_HEADER_SAMPLE_ROWS:
                self._write_header()
            return
        self._write_row(row)

    def close(self) -> None:
        if self._columns is None:
            self._write_header()
        if self._dropped:
            click.echo(
                "Warning: the CSV output has no column for "
                f"{', '.join(sorted(self._dropped))}, which appeared after the first "
                f"{CSV_HEADER_SAMPLE_ROWS} rows; use --format jsonl to keep every field.",
                err=True,
            )
        self._stream.flush()

    def _write_header(self) -> None:
        self._columns = csv_columns(self._pending, self._extra_columns)
        self._column_set = set(self._columns)
        if self._columns:
            self._writer.writerow(self._columns)
        pending, self._pending = self._pending, []
        for row in pending:
            self._write_row(row)

    def _write_row(self, row: Mapping[str, str]) -> None:
        columns = self._columns or []
        if row.keys() - self._column_set:
            self._dropped.update(
                name for name, value in row.items() if value and name not in self._column_set
            )
        self._writer.writerow([row.get(column, "") for column in columns])
