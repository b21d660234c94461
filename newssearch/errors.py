"""Errors meant to be shown to the user as one line. They say what is wrong; the CLI adds how to fix it."""

from __future__ import annotations


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


class IndexLayoutError(NewsSearchError):
    """The index was opened or updated with another number of shards than it has: changing it takes a rebuild."""

    exit_code = 2


class QueryError(NewsSearchError):
    """The query text or a search option cannot be used."""

    exit_code = 2


class QueryTimeoutError(QueryError):
    """The search ran longer than its ``timeout`` and was stopped: the query is valid, only too costly (a service may
    answer it as a timeout, not as a bad request)."""


class StaleResultsError(QueryError):
    """A result stream (``iter_search``) can no longer be read: the index was closed meanwhile. Search again."""


class ArticleNotFoundError(NewsSearchError):
    """No article with the id asked for."""


class ReadError(NewsSearchError):
    """A corpus file cannot be read or parsed."""


class ClusterError(ReadError):
    """A build on a Dask cluster could not start, or a worker failed for good: nothing of the run was committed."""


class IndexDamagedError(NewsSearchError):
    """The index's files cannot be read: truncated, garbled or never finished."""


class IndexAccessError(NewsSearchError):
    """The system refused to read or write the index's files (no permission, a read-only or full disk, the file-size
    limit): nothing is damaged, and a write that failed left the index as it was. The message names the file and
    how to fix the cause."""

    exit_code = 3


class IndexUnfinishedError(IndexDamagedError):
    """The index's creation or first build was cut short: it holds no finished index to read."""


class IndexUntrustedError(NewsSearchError):
    """The index folder holds something newssearch never writes (a pickle naming a class or function it does not
    use, a schema or segment list not its own): it is refused before anything in it is loaded."""

    exit_code = 1

    def __init__(self, message: str, path: object = None):
        super().__init__(message)
        self.path = path

    def at(self, path: object) -> IndexUntrustedError:
        """The error, naming the index folder (once)."""
        return self if self.path is not None else IndexUntrustedError(f"{self} (in {path})", path)


class IndexInterrupted(KeyboardInterrupt):
    """An update was interrupted (Ctrl-C, SIGTERM); ``committed`` tells whether its work reached the index. For a
    first build that was not finished, ``checkpointed`` is the number of stories its checkpoints committed (the
    next run resumes from them); None for any other update."""

    def __init__(self, committed: bool, *, checkpointed: int | None = None):
        super().__init__("committed" if committed else "not committed")
        self.committed = committed
        self.checkpointed = checkpointed
