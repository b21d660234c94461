"""Dates of articles and the bounds of a date filter."""

import warnings
from datetime import date, datetime, timedelta, timezone

import pytest

from newssearch.dates import (
    DateError,
    article_date,
    coerce_bound,
    format_date,
    from_utc_naive,
    parse_bound,
    parse_date,
    read_date,
    reading_file,
    to_utc_naive,
)

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
    [
        ("2020-13", "not a valid month"),
        ("2020-02-30", "not a valid date"),
        ("soon", "not a date"),
        ("yesterday", "is relative"),  # a bound that cannot be placed is refused, not guessed
        ("March 5", "has no year"),
        ("01/03/1987", "day first or month first"),
    ],
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


# Partial dates, zones, day/month orders and relative dates. Nothing here depends on today's date: before dates
# were read with their precision, the missing parts came from today, so these failed on all but a few days a year.


@pytest.mark.parametrize(
    ("text", "start", "precision"),
    [
        ("2021", datetime(2021, 1, 1, tzinfo=UTC), "year"),
        ("March 2021", datetime(2021, 3, 1, tzinfo=UTC), "month"),
        ("Mar 1987", datetime(1987, 3, 1, tzinfo=UTC), "month"),
        ("2021-03", datetime(2021, 3, 1, tzinfo=UTC), "month"),
        ("2021-03-06", datetime(2021, 3, 6, tzinfo=UTC), "day"),
        ("6 March 2021", datetime(2021, 3, 6, tzinfo=UTC), "day"),
        ("25/03/1987", datetime(1987, 3, 25, tzinfo=UTC), "day"),  # only one way to read it
        ("03/25/1987", datetime(1987, 3, 25, tzinfo=UTC), "day"),
        ("2021-03-06T10:00:00Z", datetime(2021, 3, 6, 10, tzinfo=UTC), "time"),
        ("March 6, 2021 10:00 EST", datetime(2021, 3, 6, 15, tzinfo=UTC), "time"),
        ("2021-03-06 10:00 PST", datetime(2021, 3, 6, 18, tzinfo=UTC), "time"),
        ("Sat, 06 Mar 2021 10:00:00 BST", datetime(2021, 3, 6, 9, tzinfo=UTC), "time"),
        ("6 March 2021 10:00 CEST", datetime(2021, 3, 6, 8, tzinfo=UTC), "time"),
    ],
)
def test_a_date_is_read_with_its_precision_as_the_start_of_its_period(text, start, precision):
    dated = read_date(text)
    assert dated.value == start and dated.precision == precision and dated.note is None


@pytest.mark.parametrize(
    ("text", "kind"),
    [
        ("yesterday", "relative"),
        ("2 hours ago", "relative"),
        ("Last Tuesday", "relative"),
        ("March 5", "no year"),
        ("Tuesday", "no year"),
        ("10:00 EST", "no year"),
        ("01/03/1987", "ambiguous"),
        ("4.3.2021", "ambiguous"),
        ("soon", "unreadable"),
        ("Last updated 12 March 2021", "unreadable"),  # a date with words around it, not a relative one
        ("x" * 500, "unreadable"),
    ],
)
def test_a_date_that_depends_on_when_or_where_it_was_written_is_not_guessed(text, kind):
    with pytest.raises(DateError) as info:
        read_date(text)
    assert info.value.kind == kind
    assert parse_date(text) is None


def test_day_and_month_can_be_given_their_order():
    assert read_date("01/03/1987", dayfirst=True).value == datetime(1987, 3, 1, tzinfo=UTC)
    assert read_date("01/03/1987", dayfirst=False).value == datetime(1987, 1, 3, tzinfo=UTC)
    assert read_date("4.3.2021", dayfirst=True).value == datetime(2021, 3, 4, tzinfo=UTC)


def test_an_unknown_zone_is_read_as_utc_with_a_note_and_no_warning():
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # dateutil's UnknownTimezoneWarning would raise here
        dated = read_date("6 March 2021 10:00 IST")  # India, Ireland or Israel: not guessed
    assert dated.value == datetime(2021, 3, 6, 10, tzinfo=UTC) and "IST" in dated.note


@pytest.mark.parametrize(
    ("text", "start", "end"),
    [
        (
            "March 1987",
            datetime(1987, 3, 1, tzinfo=UTC),
            datetime(1987, 3, 31, 23, 59, 59, 999999, tzinfo=UTC),
        ),
        ("Mar 1987", datetime(1987, 3, 1, tzinfo=UTC), datetime(1987, 3, 31, 23, 59, 59, 999999, tzinfo=UTC)),
        (
            "Dec 2020",
            datetime(2020, 12, 1, tzinfo=UTC),
            datetime(2020, 12, 31, 23, 59, 59, 999999, tzinfo=UTC),
        ),
        (
            "5 March 1987",
            datetime(1987, 3, 5, tzinfo=UTC),
            datetime(1987, 3, 5, 23, 59, 59, 999999, tzinfo=UTC),
        ),
        ("1987-03-05 10:00", datetime(1987, 3, 5, 10, tzinfo=UTC), datetime(1987, 3, 5, 10, tzinfo=UTC)),
    ],
)
def test_a_bound_in_words_covers_its_whole_period(text, start, end):
    assert parse_bound(text) == start
    assert parse_bound(text, end=True) == end
    assert coerce_bound(text) == start and coerce_bound(text, end=True) == end


@pytest.mark.parametrize(
    ("precision", "short", "full"),
    [
        ("year", "2021", "2021"),
        ("month", "2021-03", "2021-03"),
        ("day", "2021-03-01", "2021-03-01"),
        ("time", "2021-03-01", "2021-03-01T00:00:00+00:00"),
    ],
)
def test_a_date_is_shown_at_its_precision(precision, short, full):
    value = datetime(2021, 3, 1, tzinfo=UTC)
    assert format_date(value, precision, time=False) == short
    assert format_date(value, precision) == full


def test_a_file_settles_the_order_of_its_ambiguous_dates():
    european = "id,date\n1,25/03/1987\n2,01/04/1987\n"
    with reading_file(european) as notes:
        assert article_date("01/04/1987") == (datetime(1987, 4, 1, tzinfo=UTC), "day")
    assert notes.notes() == [
        "1 date with day and month either way round (such as '01/04/1987'): read day first, as the file's other "
        "dates are"
    ]
    with reading_file("id,date\n1,03/25/1987\n2,04/01/1987\n"):
        assert article_date("04/01/1987") == (datetime(1987, 4, 1, tzinfo=UTC), "day")
    for text in ("id,date\n1,01/03/1987\n", "id,date\n1,25/03/1987\n2,03/25/1987\n3,01/03/1987\n"):
        with reading_file(text) as notes:
            assert article_date("01/03/1987") == (None, "time")
        assert notes.counts == {"ambiguous": 1}


def test_a_file_notes_each_kind_of_date_not_read_as_written_once():
    with reading_file("") as notes:
        for text in ("yesterday", "2 hours ago", "March 5", "2021-03-06 10:00 XST", "2021", None, ""):
            article_date(text)
    assert notes.counts == {"relative": 2, "no year": 1, "zone": 1}
    assert (
        notes.notes()[0]
        == "2 dates relative to when the story was written (such as 'yesterday'): left undated"
    )


def test_a_date_the_file_settles_but_that_is_still_not_a_date_is_noted_not_raised():
    with reading_file("id,date\n1,25/03/1987\n2,01/04/1987 at noonish\n") as notes:
        assert article_date("01/04/1987 at noonish") == (None, "time")
    assert notes.counts == {"unreadable": 1}
