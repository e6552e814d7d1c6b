"""The ``partners`` and ``customers`` command groups: list, get, create and export.

Both groups are built by one function from their ``Resource``, so that every option
means the same for both. ``import`` is added from ``import_command``.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Iterator
from typing import IO, Any, TypeVar

import click

from partners_api.client_cli.context import global_options
from partners_api.client_cli.errors import CLIError
from partners_api.client_cli.filters import describe_filter_keys, parse_filters, parse_sort
from partners_api.client_cli.import_command import import_command
from partners_api.client_cli.output import (
    OutputFormat,
    choose_format,
    format_option,
    write_items,
    write_object,
)
from partners_api.client_cli.request_body import build_create_body, check_create_body
from partners_api.client_cli.resources import CUSTOMERS, PARTNERS, Resource

CommandT = TypeVar("CommandT", bound=Callable[..., Any])

DEFAULT_LIMIT = 100
DEFAULT_PAGE_SIZE = 100
# The server's default maximum range span (PARTNERS_API_MAX_RANGE_SPAN); a server set
# lower rejects larger pages with 400.
MAX_PAGE_SIZE = 1000
_UUID = re.compile(r"[0-9a-fA-F]{8}-(?:[0-9a-fA-F]{4}-){3}[0-9a-fA-F]{12}")


def query_options(resource: Resource) -> Callable[[CommandT], CommandT]:
    """Add ``--filter``, ``--filter-json``, ``--sort`` and ``--page-size``."""
    keys = describe_filter_keys(resource.name)

    def decorate(command: CommandT) -> CommandT:
        options = [
            click.option(
                "--filter",
                "filters",
                multiple=True,
                metavar="KEY=VALUE",
                help=f"Filter KEY=VALUE, repeatable; all must match. Keys ({keys}).",
            ),
            click.option(
                "--filter-json",
                metavar="JSON",
                help='Filter as the API\'s JSON object, such as \'{"state":["Active"]}\'.',
            ),
            click.option(
                "--sort",
                metavar="FIELD[:asc|desc]",
                help="Sort field and direction (asc by default). Default: id, the creation order.",
            ),
            click.option(
                "--page-size",
                type=click.IntRange(1, MAX_PAGE_SIZE),
                help=f"Objects per request, at most {MAX_PAGE_SIZE}; larger pages need fewer "
                f"requests. Default: {DEFAULT_PAGE_SIZE}, or the --limit plus one.",
            ),
        ]
        for option in reversed(options):
            command = option(command)
        return command

    return decorate


def _json_items(items: Iterable[Any]) -> Iterator[dict[str, Any]]:
    for item in items:
        data: dict[str, Any] = item.model_dump(by_alias=True, mode="json")
        yield data


class _Limited:
    """Yields at most ``limit`` items and records whether the source had more."""

    def __init__(self, items: Iterator[dict[str, Any]], limit: int | None) -> None:
        self._items = items
        self._limit = limit
        self.more = False

    def __iter__(self) -> Iterator[dict[str, Any]]:
        for count, item in enumerate(self._items):
            if self._limit is not None and count >= self._limit:
                self.more = True
                return
            yield item


def _count_items(count: int, resource: Resource) -> str:
    return f"{count} {resource.singular if count == 1 else resource.name}"


def _check_id(resource: Resource, item_id: str) -> str:
    if _UUID.fullmatch(item_id) is None:
        raise CLIError(
            f"Invalid {resource.singular} id {item_id!r}: use the 36-character id that "
            f"'partners {resource.name} list' shows."
        )
    return item_id


def resource_group(resource: Resource) -> click.Group:
    """Build the command group of ``resource``."""
    group = click.Group(
        resource.name, help=f"List, show, create, import and export {resource.name}."
    )

    @group.command("list")
    @query_options(resource)
    @click.option(
        "--limit",
        type=click.IntRange(min=1),
        help=f"Show at most this many {resource.name}. Default: {DEFAULT_LIMIT}.",
    )
    @click.option("--all", "all_pages", is_flag=True, help="Show every match, page by page.")
    @format_option()
    def list_command(
        filters: tuple[str, ...],
        filter_json: str | None,
        sort: str | None,
        page_size: int | None,
        limit: int | None,
        all_pages: bool,
        output_format: str | None,
    ) -> None:
        if all_pages and limit is not None:
            raise CLIError("Give --limit or --all, not both.")
        query = {
            "filter": parse_filters(filters, filter_json, resource.name),
            "sort": parse_sort(sort, resource.name),
        }
        fmt = choose_format(output_format)
        shown = None if all_pages else (limit or DEFAULT_LIMIT)
        with global_options().client() as client:
            if shown is None:
                items = resource.list_items(
                    client, page_size=page_size or DEFAULT_PAGE_SIZE, **query
                )
            else:
                # One object beyond the limit is fetched to learn whether more match,
                # for the hint below. By default it comes in the same request.
                size = page_size or min(shown + 1, MAX_PAGE_SIZE)
                items = resource.list_items(client, page_size=size, limit=shown + 1, **query)
            limited = _Limited(_json_items(items), shown)
            count = write_items(
                limited,
                fmt,
                columns=resource.table_columns,
                csv_extra_columns=resource.csv_extra_columns,
            )
        if limited.more:
            click.echo(
                f"Showing the first {_count_items(count, resource)}; more match. "
                "Use --limit N or --all to see more.",
                err=True,
            )

    list_command.help = (
        f"List {resource.name}, the first {DEFAULT_LIMIT} unless --limit or --all is given."
    )

    @group.command("get")
    @click.argument("item_id", metavar="ID")
    @format_option()
    def get_command(item_id: str, output_format: str | None) -> None:
        checked_id = _check_id(resource, item_id)
        with global_options().client() as client:
            item = resource.get_item(client, checked_id)
        write_object(item.model_dump(by_alias=True, mode="json"), choose_format(output_format))

    get_command.help = f"Show the {resource.singular} with this id."

    @group.command("export")
    @query_options(resource)
    @format_option(allow_table=False, default=OutputFormat.CSV)
    @click.option(
        "--output",
        "-o",
        type=click.File("w", encoding="utf-8", lazy=True),
        default="-",
        help="File to write. Default: stdout.",
    )
    def export_command(
        filters: tuple[str, ...],
        filter_json: str | None,
        sort: str | None,
        page_size: int | None,
        output_format: str,
        output: IO[str],
    ) -> None:
        query = {
            "filter": parse_filters(filters, filter_json, resource.name),
            "sort": parse_sort(sort, resource.name),
        }
        with global_options().client() as client:
            items = resource.list_items(client, page_size=page_size or DEFAULT_PAGE_SIZE, **query)
            count = write_items(
                _json_items(items),
                OutputFormat(output_format),
                columns=resource.table_columns,
                csv_extra_columns=resource.csv_extra_columns,
                stream=output,
            )
        click.echo(f"Exported {_count_items(count, resource)}.", err=True)

    export_command.help = (
        f"Write every matching {resource.singular} as CSV, JSON or JSON Lines.\n\n"
        "Pages are written as they arrive, so memory use does not grow with the number "
        "of objects."
    )

    _add_create_command(group, resource)
    group.add_command(import_command(resource))
    return group


def _field_options(resource: Resource) -> Callable[[CommandT], CommandT]:
    def decorate(command: CommandT) -> CommandT:
        for option in reversed(resource.field_options):
            command = click.option(
                option.option,
                option.parameter,
                multiple=option.multiple,
                type=int if option.integer else str,
                help=option.help,
            )(command)
        return command

    return decorate


def _add_create_command(group: click.Group, resource: Resource) -> None:
    @group.command("create")
    @click.option("--json", "json_text", metavar="JSON", help="Request body as a JSON object.")
    @click.option(
        "--json-file",
        type=click.File("r", encoding="utf-8"),
        help="File with the request body as a JSON object; - reads stdin.",
    )
    @_field_options(resource)
    @click.option(
        "--idempotency-key",
        metavar="KEY",
        help="Idempotency-Key to send. Sending the same body with the same key again "
        "returns the first result instead of creating twice. Default: a new UUID.",
    )
    @format_option()
    def create_command(
        json_text: str | None,
        json_file: IO[str] | None,
        idempotency_key: str | None,
        output_format: str | None,
        **field_values: Any,
    ) -> None:
        body = build_create_body(resource, json_text, json_file, field_values)
        check_create_body(resource, body)
        with global_options().client() as client:
            created = resource.create_item(client, body, idempotency_key)
        if created.replayed:
            click.echo(
                f"The server returned the {resource.singular} created earlier with this "
                "Idempotency-Key; nothing new was created.",
                err=True,
            )
        write_object(
            created.item.model_dump(by_alias=True, mode="json"), choose_format(output_format)
        )

    create_command.help = (
        f"Create a {resource.singular}.\n\n"
        "The body comes from --json or --json-file, from the field options, or from both, "
        "and the options replace the JSON's fields. The body is checked before it is sent."
    )


partners_group = resource_group(PARTNERS)
customers_group = resource_group(CUSTOMERS)
