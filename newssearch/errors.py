"""Errors meant to be shown to the user as one line. They say what is wrong; the CLI adds how to fix it."""


class NewsSearchError(Exception):
    """Base class: the CLI prints the message and exits with ``exit_code``."""

    exit_code = 1


class IndexNotFoundError(NewsSearchError):
    """No index at the given location."""


class NotAnIndexError(IndexNotFoundError):
    """The location holds other files, not a newssearch index."""


class IndexIncompatibleError(NewsSearchError):
    """The index exists but was built by a version of newssearch with another schema."""


class IndexBusyError(NewsSearchError):
    """Another process is writing to the index."""


class QueryError(NewsSearchError):
    """The query text or a search option cannot be used."""

    exit_code = 2


class ArticleNotFoundError(NewsSearchError):
    """No article with the id asked for."""


class ReadError(NewsSearchError):
    """A corpus file cannot be read or parsed."""


class IndexDamagedError(NewsSearchError):
    """The index's files cannot be read: truncated, garbled or never finished."""


class IndexUnfinishedError(IndexDamagedError):
    """The index's creation or first build was cut short: it holds no finished index to read."""


class IndexInterrupted(KeyboardInterrupt):
    """An update was interrupted (Ctrl-C, SIGTERM); ``committed`` tells whether its work reached the index. For a
    first build that was not finished, ``checkpointed`` is the number of stories its checkpoints committed (the
    next run resumes from them); None for any other update."""

    def __init__(self, committed: bool, *, checkpointed: int | None = None):
        super().__init__("committed" if committed else "not committed")
        self.committed = committed
        self.checkpointed = checkpointed
