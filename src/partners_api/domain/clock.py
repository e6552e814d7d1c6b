"""UTC timestamps as the API stores and prints them, and the monthly TTS period."""

from __future__ import annotations

import datetime as dt
from calendar import monthrange


def utc_now() -> dt.datetime:
    """Return the current UTC time, naive, truncated to milliseconds as stored."""
    now = dt.datetime.now(dt.UTC).replace(tzinfo=None)
    return now.replace(microsecond=now.microsecond // 1000 * 1000)


def format_timestamp(value: dt.datetime) -> str:
    """Format a naive UTC datetime as the API does: ``2026-03-19T15:35:29.75``.

    ISO 8601 without an offset, milliseconds with trailing zeros dropped, and no
    fraction at all on a whole second (``2026-03-19T15:00:00``).
    """
    text = value.isoformat(timespec="seconds")
    millis = value.microsecond // 1000
    if millis:
        text += f".{millis:03d}".rstrip("0")
    return text


def tts_monthly_period(
    created_at: dt.datetime, now: dt.datetime
) -> tuple[dt.datetime, dt.datetime]:
    """Return the TTS usage period that contains ``now``.

    Periods start at the creation time truncated to the hour and roll forward by
    calendar months counted from that anchor, so a customer created on 31 January
    has periods starting 28 (or 29) February, then 31 March.
    """
    anchor = created_at.replace(minute=0, second=0, microsecond=0)
    months = (now.year - anchor.year) * 12 + (now.month - anchor.month)
    months = max(months, 0)
    start = add_months(anchor, months)
    if start > now and months > 0:
        months -= 1
        start = add_months(anchor, months)
    return start, add_months(anchor, months + 1)


def add_months(value: dt.datetime, months: int) -> dt.datetime:
    """Add calendar months, clamping the day to the end of a shorter month (31 January
    plus one month is 28 or 29 February), as ``dateutil.relativedelta`` does, at a
    fraction of its cost: lists compute this for every customer."""
    index = value.month - 1 + months
    year, month = value.year + index // 12, index % 12 + 1
    return value.replace(year=year, month=month, day=min(value.day, monthrange(year, month)[1]))
