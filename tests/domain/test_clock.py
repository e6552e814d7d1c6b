from __future__ import annotations

import calendar
import datetime as dt

import pytest
from hypothesis import given
from hypothesis import strategies as st

from partners_api.domain.clock import add_months, format_timestamp, tts_monthly_period, utc_now


def at(text: str) -> dt.datetime:
    return dt.datetime.fromisoformat(text)


# format_timestamp


@pytest.mark.parametrize(
    ("moment", "text"),
    [
        (dt.datetime(2026, 3, 19, 15, 35, 29, 750000), "2026-03-19T15:35:29.75"),
        (dt.datetime(2026, 3, 23, 17, 27, 13, 137000), "2026-03-23T17:27:13.137"),
        (dt.datetime(2026, 3, 14, 1, 45, 1, 717000), "2026-03-14T01:45:01.717"),
        (dt.datetime(2026, 3, 19, 15, 0, 0), "2026-03-19T15:00:00"),
        (dt.datetime(2026, 3, 19, 15, 0, 0, 100000), "2026-03-19T15:00:00.1"),
        (dt.datetime(2026, 3, 19, 15, 0, 0, 5000), "2026-03-19T15:00:00.005"),
        (dt.datetime(2026, 3, 19, 15, 0, 0, 10000), "2026-03-19T15:00:00.01"),
        (dt.datetime(2026, 12, 31, 23, 59, 59, 999000), "2026-12-31T23:59:59.999"),
    ],
)
def test_format_timestamp(moment: dt.datetime, text: str) -> None:
    assert format_timestamp(moment) == text


def test_format_timestamp_drops_microseconds_below_a_millisecond() -> None:
    assert format_timestamp(dt.datetime(2026, 3, 19, 15, 0, 0, 999)) == "2026-03-19T15:00:00"
    assert format_timestamp(dt.datetime(2026, 3, 19, 15, 0, 0, 1999)) == "2026-03-19T15:00:00.001"


def test_format_timestamp_round_trips_through_fromisoformat() -> None:
    moment = dt.datetime(2026, 3, 19, 15, 35, 29, 750000)
    assert dt.datetime.fromisoformat(format_timestamp(moment)) == moment


def test_utc_now_is_naive_and_whole_milliseconds() -> None:
    now = utc_now()
    assert now.tzinfo is None
    assert now.microsecond % 1000 == 0
    assert abs(now - dt.datetime.now(dt.UTC).replace(tzinfo=None)) < dt.timedelta(minutes=1)


# tts_monthly_period


def test_period_of_new_customer_starts_at_the_hour() -> None:
    created = at("2026-03-19T15:35:29.750")
    assert tts_monthly_period(created, created) == (
        at("2026-03-19T15:00:00"),
        at("2026-04-19T15:00:00"),
    )


def test_period_of_document_example() -> None:
    created = at("2026-03-23T17:27:13.137")
    start, end = tts_monthly_period(created, created)
    assert format_timestamp(start) == "2026-03-23T17:00:00"
    assert format_timestamp(end) == "2026-04-23T17:00:00"


@pytest.mark.parametrize(
    ("now", "start", "end"),
    [
        # The last instant of the first period, then the boundary itself, which
        # belongs to the next period.
        ("2026-04-19T14:59:59.999", "2026-03-19T15:00:00", "2026-04-19T15:00:00"),
        ("2026-04-19T15:00:00", "2026-04-19T15:00:00", "2026-05-19T15:00:00"),
        ("2026-04-19T15:00:00.001", "2026-04-19T15:00:00", "2026-05-19T15:00:00"),
        # Earlier in a later month than the anchor day: still the previous period.
        ("2026-11-02T08:00:00", "2026-10-19T15:00:00", "2026-11-19T15:00:00"),
        ("2026-11-19T14:00:00", "2026-10-19T15:00:00", "2026-11-19T15:00:00"),
        ("2026-11-30T23:59:59", "2026-11-19T15:00:00", "2026-12-19T15:00:00"),
        # Across the year end and many years later.
        ("2027-01-05T00:00:00", "2026-12-19T15:00:00", "2027-01-19T15:00:00"),
        ("2036-03-19T15:00:00", "2036-03-19T15:00:00", "2036-04-19T15:00:00"),
    ],
)
def test_period_rolls_forward(now: str, start: str, end: str) -> None:
    created = at("2026-03-19T15:35:29.750")
    assert tts_monthly_period(created, at(now)) == (at(start), at(end))


@pytest.mark.parametrize(
    ("now", "start", "end"),
    [
        ("2027-02-10T00:00:00", "2027-01-31T10:00:00", "2027-02-28T10:00:00"),
        ("2027-02-28T09:59:59", "2027-01-31T10:00:00", "2027-02-28T10:00:00"),
        ("2027-02-28T10:00:00", "2027-02-28T10:00:00", "2027-03-31T10:00:00"),
        ("2027-03-15T00:00:00", "2027-02-28T10:00:00", "2027-03-31T10:00:00"),
        ("2027-03-31T10:00:00", "2027-03-31T10:00:00", "2027-04-30T10:00:00"),
        ("2027-05-01T00:00:00", "2027-04-30T10:00:00", "2027-05-31T10:00:00"),
    ],
)
def test_period_clamps_to_month_end(now: str, start: str, end: str) -> None:
    created = at("2027-01-31T10:20:00")
    assert tts_monthly_period(created, at(now)) == (at(start), at(end))


def test_period_clamps_to_leap_day() -> None:
    created = at("2028-01-31T10:20:00")
    assert tts_monthly_period(created, at("2028-02-29T12:00:00")) == (
        at("2028-02-29T10:00:00"),
        at("2028-03-31T10:00:00"),
    )


def test_period_of_leap_day_customer() -> None:
    created = at("2028-02-29T06:30:00")
    assert tts_monthly_period(created, at("2028-03-29T05:59:59")) == (
        at("2028-02-29T06:00:00"),
        at("2028-03-29T06:00:00"),
    )
    assert tts_monthly_period(created, at("2029-02-28T06:00:00")) == (
        at("2029-02-28T06:00:00"),
        at("2029-03-29T06:00:00"),
    )
    assert tts_monthly_period(created, at("2032-02-29T06:00:00")) == (
        at("2032-02-29T06:00:00"),
        at("2032-03-29T06:00:00"),
    )


def test_period_of_day_30_keeps_day_after_february() -> None:
    created = at("2027-01-30T23:59:59.999")
    assert tts_monthly_period(created, at("2027-03-01T00:00:00")) == (
        at("2027-02-28T23:00:00"),
        at("2027-03-30T23:00:00"),
    )


def test_period_before_creation_is_first_period() -> None:
    created = at("2026-03-19T15:35:29.750")
    assert tts_monthly_period(created, at("2026-03-19T15:10:00")) == (
        at("2026-03-19T15:00:00"),
        at("2026-04-19T15:00:00"),
    )


def clamped(year: int, month: int, day: int) -> int:
    return min(day, calendar.monthrange(year, month)[1])


def next_month(year: int, month: int) -> tuple[int, int]:
    return (year + 1, 1) if month == 12 else (year, month + 1)


@given(
    created=st.datetimes(min_value=dt.datetime(2000, 1, 1), max_value=dt.datetime(2100, 1, 1)),
    elapsed=st.timedeltas(min_value=dt.timedelta(0), max_value=dt.timedelta(days=3660)),
)
def test_period_contains_now_and_follows_anchor(
    created: dt.datetime, elapsed: dt.timedelta
) -> None:
    now = created + elapsed
    start, end = tts_monthly_period(created, now)

    assert start <= now < end
    assert (start.hour, start.minute, start.second, start.microsecond) == (created.hour, 0, 0, 0)
    assert start.day == clamped(start.year, start.month, created.day)
    end_year, end_month = next_month(start.year, start.month)
    assert end == start.replace(
        year=end_year, month=end_month, day=clamped(end_year, end_month, created.day)
    )


@given(
    value=st.datetimes(min_value=dt.datetime(1900, 1, 1), max_value=dt.datetime(2200, 1, 1)),
    months=st.integers(min_value=0, max_value=600),
)
def test_add_months_moves_by_calendar_months_and_clamps_the_day(
    value: dt.datetime, months: int
) -> None:
    result = add_months(value, months)

    assert (result.year - value.year) * 12 + result.month - value.month == months
    assert result.day == min(value.day, calendar.monthrange(result.year, result.month)[1])
    assert result.time() == value.time()


def test_add_months_from_january_31_gives_the_last_day_of_february() -> None:
    assert add_months(dt.datetime(2024, 1, 31, 8), 1) == dt.datetime(2024, 2, 29, 8)
    assert add_months(dt.datetime(2025, 1, 31, 8), 1) == dt.datetime(2025, 2, 28, 8)
    assert add_months(dt.datetime(2025, 1, 31, 8), 2) == dt.datetime(2025, 3, 31, 8)
