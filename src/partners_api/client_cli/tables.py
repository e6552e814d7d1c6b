"""Tables for the terminal, drawn with rich to the width of the terminal."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from rich import box
from rich.console import Console
from rich.measure import Measurement
from rich.table import Table
from rich.text import Text

from partners_api.client_cli.flatten import LIST_JOINER, flatten, format_cell, value_at

# Width in characters below which a column of wrapped values is left out rather than
# squeezed, unless its values are all shorter.
WRAPPED_MIN_WIDTH = 16
UNLIMITED_WIDTH = 100_000


@dataclass(frozen=True)
class Column:
    """A table column: its heading and the dotted path of its value in each object.

    Values of a ``wrap`` column may wrap onto several lines. Other values stay on one
    line, so that ids and dates can be copied whole. When the table does not fit the
    terminal, the columns with the highest ``priority`` numbers are left out first.
    """

    heading: str
    path: str
    priority: int = 0
    wrap: bool = False


PARTNER_COLUMNS = (
    Column("ID", "id"),
    Column("Name", "name", wrap=True),
    Column("Code", "code", priority=1),
    Column("State", "state", priority=1),
    Column("Level", "level", priority=2),
    Column("Customers", "customersCount", priority=3),
    Column("Countries", "countryIds", priority=4, wrap=True),
    Column("Created (UTC)", "createdAt", priority=5),
)
CUSTOMER_COLUMNS = (
    Column("ID", "id"),
    Column("Name", "name", wrap=True),
    Column("State", "state", priority=1),
    Column("Country", "countryId", priority=2),
    Column("Email", "contactData.members.0.email", priority=2, wrap=True),
    Column("Owner", "partner.name", priority=3, wrap=True),
    Column("Plan", "planId", priority=4),
    Column("Created (UTC)", "createdAt", priority=5),
)


def stdout_console() -> Console:
    """Return a console on the current stdout, which rich sizes to the terminal, or to
    ``COLUMNS`` (80 by default) when stdout is not a terminal."""
    return Console(soft_wrap=False, highlight=False)


def _cell_text(value: object) -> Text:
    # Text, not str, so that brackets in names are shown as typed, not read as markup.
    if isinstance(value, list):
        return Text(LIST_JOINER.join(format_cell(item) for item in value))
    return Text(format_cell(value))


def _build_table(
    rows: Sequence[Sequence[Text]], columns: Sequence[Column], floors: Sequence[int]
) -> Table:
    table = Table(box=box.SIMPLE_HEAD, pad_edge=False, header_style="bold")
    for column, floor in zip(columns, floors, strict=True):
        if column.wrap:
            table.add_column(column.heading, overflow="fold", min_width=floor)
        else:
            table.add_column(column.heading, no_wrap=True)
    for row in rows:
        table.add_row(*row)
    return table


def _cells(rows: Sequence[Mapping[str, Any]], columns: Sequence[Column]) -> list[list[Text]]:
    return [[_cell_text(value_at(row, column.path)) for column in columns] for row in rows]


def _floors(cells: Sequence[Sequence[Text]], columns: Sequence[Column]) -> list[int]:
    """Return the narrowest width of each column: its longest value, but at most
    WRAPPED_MIN_WIDTH for a wrapped column, whose values fold below that."""
    floors = []
    for index, column in enumerate(columns):
        longest = max((row[index].cell_len for row in cells), default=0)
        floors.append(min(longest, WRAPPED_MIN_WIDTH) if column.wrap else longest)
    return floors


def _fits(console: Console, rows: Sequence[Mapping[str, Any]], columns: Sequence[Column]) -> bool:
    cells = _cells(rows, columns)
    floors = _floors(cells, columns)
    # rich measures text by its longest word, but wrapped columns fold words, so the
    # probe gives each wrapped column one cell of its narrowest width instead.
    probe_cells = [
        [
            Text("x" * floor) if column.wrap else cell
            for column, floor, cell in zip(columns, floors, row, strict=True)
        ]
        for row in cells
    ]
    probe = _build_table(probe_cells, columns, floors)
    # rich caps a measurement at the width it is given, so measure without a cap.
    unlimited = console.options.update_width(UNLIMITED_WIDTH)
    return Measurement.get(console, unlimited, probe).minimum <= console.width


def fit_columns(
    console: Console, rows: Sequence[Mapping[str, Any]], columns: Sequence[Column]
) -> list[Column]:
    """Return the columns that fit the console's width together.

    Columns go in order of their priority number, highest first, until the rest fit.
    Then each column that went is put back, lowest number first, if it still fits, as
    a narrow column may fit where a wide one of the same priority did not. The first
    column always stays.
    """
    kept = list(columns)
    removed: list[Column] = []
    while len(kept) > 1 and not _fits(console, rows, kept):
        column = max(kept[1:], key=lambda candidate: candidate.priority)
        kept.remove(column)
        removed.append(column)
    for column in sorted(removed, key=lambda candidate: candidate.priority):
        trial = [candidate for candidate in columns if candidate in kept or candidate is column]
        if _fits(console, rows, trial):
            kept = trial
    return kept


def render_list_table(rows: Sequence[Mapping[str, Any]], columns: Sequence[Column]) -> None:
    """Print one row per object, as many columns as fit the terminal; wrapped columns
    fold long values."""
    console = stdout_console()
    if not rows:
        console.print("No matching objects.")
        return
    kept = fit_columns(console, rows, columns)
    cells = _cells(rows, kept)
    console.print(_build_table(cells, kept, _floors(cells, kept)))
    hidden = [column.heading for column in columns if column not in kept]
    if hidden:
        Console(stderr=True, highlight=False).print(
            Text(
                f"Columns left out to fit the terminal: {', '.join(hidden)}. "
                "Widen the terminal, or use --format json for every field."
            )
        )


def render_object_table(obj: Mapping[str, Any], *, title: str | None = None) -> None:
    """Print the fields of one object as two columns: the dotted field and its value."""
    table = Table(
        box=box.SIMPLE_HEAD,
        pad_edge=False,
        header_style="bold",
        title=Text(title) if title else None,
    )
    console = stdout_console()
    # Counter paths are long; half the width for them leaves the values readable.
    table.add_column("Field", overflow="fold", max_width=max(WRAPPED_MIN_WIDTH, console.width // 2))
    table.add_column("Value", overflow="fold")
    for path, text in flatten(obj, index_lists=True).items():
        table.add_row(Text(path), Text(text))
    console.print(table)
