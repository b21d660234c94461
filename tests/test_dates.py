"""Dates of articles and the bounds of a date filter."""

from datetime import date, datetime, timedelta, timezone

import pytest

from newssearch.dates import coerce_bound, from_utc_naive, parse_bound, parse_date, to_utc_naive

UTC = timezone.utc


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2020-01-07T10:30:00Z", datetime(2020, 1, 7, 10, 30, tzinfo=UTC)),
        ("2020-01-07T10:30:00+03:00", datetime(2020, 1, 7, 10, 30, tzinfo=timezone(timedelta(hours=3)))),
        ("2020-01-07", datetime(2020, 1, 7, tzinfo=UTC)),
        ("2-MAR-1987 09:15:22.00", datetime(1987, 3, 2, 9, 15, 22, tzinfo=UTC)),  # Reuters-21578
        ("Tue, 07 Jan 2020 10:30:00 GMT", datetime(2020, 1, 7, 10, 30, tzinfo=UTC)),
        ("January 7, 2020", datetime(2020, 1, 7, tzinfo=UTC)),
    ],
)
def test_common_date_formats_parse_to_aware_datetimes(text, expected):
    assert parse_date(text) == expected and parse_date(text).tzinfo is not None


@pytest.mark.parametrize("text", [None, "", "   ", "not a date", "32/13/2020"])
def test_no_date_is_none(text):
    assert parse_date(text) is None


@pytest.mark.parametrize(
    ("text", "start", "end"),
    [
        ("2020", datetime(2020, 1, 1, tzinfo=UTC), datetime(2020, 12, 31, 23, 59, 59, 999999, tzinfo=UTC)),
        ("2020-02", datetime(2020, 2, 1, tzinfo=UTC), datetime(2020, 2, 29, 23, 59, 59, 999999, tzinfo=UTC)),
        ("2020-2-3", datetime(2020, 2, 3, tzinfo=UTC), datetime(2020, 2, 3, 23, 59, 59, 999999, tzinfo=UTC)),
        ("9999", datetime(9999, 1, 1, tzinfo=UTC), datetime.max.replace(tzinfo=UTC)),
    ],
)
def test_a_partial_bound_covers_its_whole_period(text, start, end):
    assert parse_bound(text) == start
    assert parse_bound(text, end=True) == end


@pytest.mark.parametrize(
    ("text", "message"),
    [("2020-13", "not a valid month"), ("2020-02-30", "not a valid date"), ("soon", "not a date")],
)
def test_a_bad_bound_says_what_is_wrong(text, message):
    with pytest.raises(ValueError, match=message):
        parse_bound(text)


def test_the_api_takes_datetimes_dates_and_text():
    naive = datetime(2020, 1, 7, 10, 30)
    assert coerce_bound(naive) == naive.replace(tzinfo=UTC)  # naive is UTC
    assert coerce_bound(date(2020, 1, 7)) == datetime(2020, 1, 7, tzinfo=UTC)
    assert coerce_bound(date(2020, 1, 7), end=True) == datetime(2020, 1, 7, 23, 59, 59, 999999, tzinfo=UTC)
    assert coerce_bound("2020-01", end=True) == datetime(2020, 1, 31, 23, 59, 59, 999999, tzinfo=UTC)
    assert coerce_bound(None) is None
    with pytest.raises(ValueError, match="not a date"):
        coerce_bound(20200107)


def test_whoosh_dates_are_naive_utc_and_come_back_aware():
    local = datetime(2020, 1, 7, 10, 30, tzinfo=timezone(timedelta(hours=3)))
    stored = to_utc_naive(local)
    assert stored == datetime(2020, 1, 7, 7, 30) and stored.tzinfo is None
    assert from_utc_naive(stored) == local
