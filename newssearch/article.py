"""``Article``, one story going into the index or read back from it, checked when it is made.

``Article(...)`` takes what a script or a notebook has at hand and makes it what the index expects: a date given as
text (``"2020-03-14"``, ``"2020-03"``, ``"March 14, 2020 10:30 EST"``: whatever ``dates.read_date`` reads) or as a
``datetime.date`` becomes a timezone-aware ``datetime`` with its ``date_precision``, a naive ``datetime`` is UTC,
and one text where a list of names belongs is one name. Anything else is refused at once, with a ``TypeError``
(a value of the wrong type) or a ``ValueError`` (an empty id, a date that cannot be read) naming the field,
rather than failing deep inside ``add()``. It stays a plain dataclass.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, datetime, timezone

from newssearch.dates import PRECISIONS, DateError, DatePrecision, read_date, to_utc_naive
from newssearch.values import texts

#: The metadata keys (any case) whose values are topics too: Reuters' ``topics``, a JSON record's ``topic``.
TOPIC_KEYS = ("topics", "topic")
_TEXT_FIELDS = ("headline", "body")
_OPTIONAL_TEXT_FIELDS = ("source", "place", "url", "author", "section", "path")
_LIST_FIELDS = tuple((name, f"Article.{name}") for name in ("people", "organizations", "places", "topics"))


def _kind(value: object) -> str:
    return type(value).__name__


@dataclass
class Entities:
    """Named entities found in an article, each list deduplicated in order of first mention."""

    people: list[str] = field(default_factory=list)
    organizations: list[str] = field(default_factory=list)
    places: list[str] = field(default_factory=list)

    def __post_init__(self) -> None:
        for name in ("people", "organizations", "places"):
            setattr(self, name, texts(getattr(self, name), f"Entities.{name}"))


@dataclass
class Article:
    """One news article, as read from a corpus file or given to ``NewsIndex.add``.

    Checked when made (``TypeError`` for a value of the wrong type, ``ValueError`` for an unusable one, each naming
    the field): ``id`` is non-blank text; ``date`` may be given as a ``datetime`` (a naive one is UTC), a
    ``datetime.date`` or text (``"2020-03-14"``, ``"2020-03"``, ``"March 14, 2020 10:30 EST"``) and is kept
    timezone-aware, with its ``date_precision``; ``people``, ``organizations``, ``places`` and ``topics`` take
    one name as one item.
    """

    id: str
    headline: str = ""
    body: str = ""
    date: datetime | None = None
    source: str | None = None
    place: str | None = None
    url: str | None = None
    author: str | None = None
    section: str | None = None  # the section or category the publisher filed it under
    people: list[str] = field(default_factory=list)
    organizations: list[str] = field(default_factory=list)
    places: list[str] = field(default_factory=list)
    path: str | None = None
    #: What came with the story that has no field of its own (shown by ``show``, not searched); values under the
    #: key ``topics`` or ``topic`` (any case) are searched as topics too.
    metadata: dict[str, list[str]] = field(default_factory=dict)
    #: What ``date`` holds: a ``"year"`` or ``"month"`` is dated by its first day, a ``"day"`` by its midnight UTC.
    date_precision: DatePrecision = "time"
    #: The subjects the story is filed under (``topic:`` in a query). Metadata values under ``topics`` or
    #: ``topic`` are topics too (and stay in the metadata).
    topics: list[str] = field(default_factory=list)

    def __post_init__(self) -> None:
        if not isinstance(self.id, str):
            raise TypeError(f"Article.id must be text, not {_kind(self.id)}")
        if not self.id.strip():
            raise ValueError("Article.id must not be empty")
        for name in _TEXT_FIELDS:
            if not isinstance(getattr(self, name), str):
                raise TypeError(f"Article.{name} must be text, not {_kind(getattr(self, name))}")
        for name in _OPTIONAL_TEXT_FIELDS:
            value = getattr(self, name)
            if value is not None and not isinstance(value, str):
                raise TypeError(f"Article.{name} must be text or None, not {_kind(value)}")
        for name, label in _LIST_FIELDS:
            setattr(self, name, texts(getattr(self, name), label))
        self.metadata = _metadata(self.metadata)
        if self.date_precision not in PRECISIONS:
            raise ValueError(
                f"Article.date_precision must be one of {', '.join(PRECISIONS)}, not {self.date_precision!r}"
            )
        self.date, self.date_precision = _date(self.date, self.date_precision)


def _metadata(value: object) -> dict[str, list[str]]:
    """The metadata as text keys and lists of texts (one text is a list of one); the dict given is not changed."""
    if type(value) is not dict and not isinstance(value, Mapping):
        raise TypeError(f"Article.metadata must be a dict of texts, not {_kind(value)}")
    out: dict[str, list[str]] = value if isinstance(value, dict) else dict(value)
    for key, values in value.items():
        if not isinstance(key, str):
            raise TypeError(f"Article.metadata keys must be text, not {_kind(key)}")
        checked = texts(values, "Article.metadata values")
        if checked is not values:
            out = dict(out) if out is value else out
            out[key] = checked
    return out


def _date(value: object, precision: DatePrecision) -> tuple[datetime | None, DatePrecision]:
    """The date as the index takes it (timezone-aware; a naive one is UTC) and its precision: text gives its
    own, a ``date`` is a day."""
    if value is None:
        return None, precision
    if isinstance(value, datetime):
        dated = value if value.tzinfo is not None else value.replace(tzinfo=timezone.utc)
    elif isinstance(value, date):
        dated = datetime(value.year, value.month, value.day, tzinfo=timezone.utc)
        precision = precision if precision in ("year", "month") else "day"
    elif isinstance(value, str):
        try:
            read = read_date(value)
        except DateError as exc:
            raise ValueError(f"Article.date: {exc}") from None
        if read is None:  # blank text: no date
            return None, precision
        dated, precision = read.value, read.precision
    else:
        raise TypeError(
            f"Article.date must be a datetime, a date or text such as '2020-03-14', not {_kind(value)}"
        )
    if dated.tzinfo is timezone.utc:  # as the readers and the index give it: nothing to check
        return dated, precision
    try:
        to_utc_naive(dated)  # as the index stores it: a zone that gives no usable offset is refused here
    except Exception as exc:  # a tzinfo runs code of its own
        raise ValueError(f"Article.date: not a usable date ({type(exc).__name__}: {exc})") from None
    return dated, precision


def topics_of(article: Article) -> list[str]:
    """Every topic of the article, once each: its ``topics``, then those its metadata gives (``metadata_topics``)."""
    found = (" ".join(topic.split()) for topic in [*article.topics, *metadata_topics(article.metadata)])
    return list(dict.fromkeys(topic for topic in found if topic))


def metadata_topics(metadata: Mapping[str, list[str]]) -> list[str]:
    """The values under the metadata keys ``topics`` and ``topic`` (any case); text separated by commas is
    several topics."""
    found: list[str] = []
    for key, values in metadata.items():
        if key.lower() in TOPIC_KEYS:
            found.extend(part for value in values for part in value.split(","))
    return found
