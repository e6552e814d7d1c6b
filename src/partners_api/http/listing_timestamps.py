"""Parse the date or timestamp bound of a TIMESTAMP list filter such as ``createdAt_gte``."""

from __future__ import annotations

import datetime as dt
import re

from partners_api.domain.listing import Comparison, TimestampFilter
from partners_api.http.listing_errors import InvalidParameter, quote

# Bounds must fall within these years after conversion to UTC. Stopping one year short
# of datetime.MAXYEAR leaves room for adding a day, so later arithmetic cannot overflow.
_MIN_BOUND_YEAR = 1
_MAX_BOUND_YEAR = 9998

_DATE_PATTERN = re.compile(r"\d{4}-\d{2}-\d{2}", re.ASCII)
# The subset of ISO 8601 that datetime.fromisoformat parses in Python 3.11, limited to
# extended dates with at least hours and minutes. Basic and week dates such as 20260301
# or 2026-W09-1 are rejected, because they would be taken as midnight timestamps
# without the date-only widening.
_TIMESTAMP_PATTERN = re.compile(
    r"\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?(?:Z|[+-]\d{2}(?::?\d{2})?)?",
    re.ASCII,
)

_DATE_HINT = "use YYYY-MM-DD or an ISO 8601 timestamp such as 2026-03-01T12:00:00Z"


def parse_timestamp(
    path: str, key: str, name: str, comparison: Comparison, text: str
) -> TimestampFilter:
    """Parse a date or timestamp bound, widening a date to whole days."""
    try:
        if _DATE_PATTERN.fullmatch(text):
            comparison, bound = _widen_date(dt.date.fromisoformat(text), comparison)
        elif _TIMESTAMP_PATTERN.fullmatch(text):
            bound = _to_naive_utc(dt.datetime.fromisoformat(text))
        else:
            raise ValueError(text)
    except ValueError as exc:
        raise InvalidParameter(
            path, f"Invalid date {quote(text)} for filter '{key}'; {_DATE_HINT}."
        ) from exc
    except OverflowError as exc:
        raise _out_of_range(path, key, text) from exc

    if not _MIN_BOUND_YEAR <= bound.year <= _MAX_BOUND_YEAR:
        raise _out_of_range(path, key, text)
    return TimestampFilter(field=name, comparison=comparison, bound=bound)


def _out_of_range(path: str, key: str, text: str) -> InvalidParameter:
    return InvalidParameter(
        path,
        f"Date {quote(text)} for filter '{key}' is out of range; it must fall in the "
        f"years {_MIN_BOUND_YEAR} to {_MAX_BOUND_YEAR} in UTC.",
    )


def _widen_date(day: dt.date, comparison: Comparison) -> tuple[Comparison, dt.datetime]:
    """Turn a date bound into a midnight bound that includes or excludes the whole day."""
    midnight = dt.datetime(day.year, day.month, day.day)
    # Adding a day raises OverflowError on 9999-12-31. The caller reports that as out of range.
    if comparison is Comparison.GTE:
        return Comparison.GTE, midnight
    if comparison is Comparison.GT:
        return Comparison.GTE, midnight + dt.timedelta(days=1)
    if comparison is Comparison.LTE:
        return Comparison.LT, midnight + dt.timedelta(days=1)
    return Comparison.LT, midnight


def _to_naive_utc(moment: dt.datetime) -> dt.datetime:
    """Convert to UTC and drop the offset. A timestamp without an offset is taken as UTC."""
    if moment.tzinfo is None:
        return moment
    return moment.astimezone(dt.UTC).replace(tzinfo=None)
