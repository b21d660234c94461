"""The searchers of one open index, shared by the threads of a process.

Whoosh's readers keep file positions, so a searcher serves one thread at a time. A read borrows one for its
duration (``borrow``; nested calls in the same thread share it), from a pool of at most ``size``: threads share
one ``NewsIndex`` and its caches instead of opening one each, and a search runs while another thread writes. A
borrowed searcher is brought up to date when first asked for in the block, and then kept for it (a search reads
one commit throughout, whatever other threads commit meanwhile) until the thread commits itself (``refresh``); a
stream (``detach``) reads the commit it was ranked on to its end. The caches newssearch keeps on a searcher (field-length
norms, average lengths) are shared by the pool's searchers of one commit. No Whoosh import: searchers come from
the ``open_searcher`` function the store gives.
"""

from __future__ import annotations

import collections
import contextlib
import threading
import weakref
from collections.abc import Callable, Iterator
from functools import wraps
from typing import Any, Concatenate, ParamSpec, TypeVar

from newssearch.engine.diskfiles import lock_timeout
from newssearch.errors import IndexBusyError, StaleResultsError

#: The caches kept on a searcher (``searcher.__dict__``) that depend only on its commit: shared by its siblings.
SHARED_CACHES = ("_newssearch_norms", "_newssearch_avgfl")
#: Tries to open a searcher while commits replace the files of the one being opened.
OPEN_ATTEMPTS = 3
#: Searchers a ``NewsIndex`` keeps by default: reads beyond this many at once wait for their turn. Two, so that one
#: long search does not hold up the rest; more add no speed (a search holds the interpreter's lock: 8 threads on
#: BBC ran 0.94x one thread's searches/s with 1 searcher, 0.86x with 2, 0.83x with 4, 0.76x with 8).
DEFAULT_SIZE = 2


S = TypeVar("S")
T = TypeVar("T")
P = ParamSpec("P")


def reading(method: Callable[Concatenate[S, P], T]) -> Callable[Concatenate[S, P], T]:
    """A ``NewsIndex`` method run with a searcher of the index's pool bound to this thread: reads from several
    threads run at once, and while another thread writes. The signature is kept (``ParamSpec``)."""

    @wraps(method)
    def run(self: S, /, *args: P.args, **kwargs: P.kwargs) -> T:
        with self._store.searchers.borrow():  # type: ignore[attr-defined]
            return method(self, *args, **kwargs)

    return run


def writing(method: Callable[Concatenate[S, P], T]) -> Callable[Concatenate[S, P], T]:
    """A ``NewsIndex`` method run as the object's one write at a time (waiting for another thread's as long as a
    writer waits for another process's: the index's lock timeout), reading with a searcher of the pool."""

    @wraps(method)
    def run(self: S, /, *args: P.args, **kwargs: P.kwargs) -> T:
        owner: Any = self
        if not owner._write.acquire(timeout=lock_timeout(owner._store.lock_timeout)):
            raise IndexBusyError(
                f"another thread is writing to the index at {owner.path}; try again when it finishes"
            )
        try:
            with owner._store.searchers.borrow(wait=False):
                return method(self, *args, **kwargs)
        finally:
            owner._write.release()

    return run


def check_options(lock_timeout: object, searchers: object) -> None:
    """Refuse a ``NewsIndex``'s lock timeout or pool size that is not one."""
    if lock_timeout is not None and (
        isinstance(lock_timeout, bool) or not isinstance(lock_timeout, int | float)
    ):
        raise TypeError(f"lock_timeout must be a number of seconds, not {lock_timeout!r}")
    if isinstance(searchers, bool) or not isinstance(searchers, int) or searchers < 1:
        raise ValueError(f"searchers must be a whole number of at least 1, not {searchers!r}")


def _close(searcher: Any) -> None:
    with contextlib.suppress(Exception):
        searcher.close()


class Turns:
    """A semaphore that serves its waiters first come, first served: a freed turn is handed to the longest
    waiting thread (``threading.Semaphore`` lets a thread that gives a turn back take it again at once, so
    readers in a loop could keep another waiting for ever)."""

    def __init__(self, size: int) -> None:
        self._free = size
        self._waiting: collections.deque[threading.Event] = collections.deque()
        self._mutex = threading.Lock()

    def acquire(self) -> None:
        with self._mutex:
            if self._free and not self._waiting:
                self._free -= 1
                return
            turn = threading.Event()
            self._waiting.append(turn)
        turn.wait()

    def release(self) -> None:
        with self._mutex:
            if self._waiting:
                self._waiting.popleft().set()
            else:
                self._free += 1


class Searchers:
    """A pool of searchers on one index (see the module's docstring)."""

    def __init__(self, open_searcher: Callable[[], Any], size: int = DEFAULT_SIZE) -> None:
        self._open = open_searcher
        self._size = size
        self._turns = Turns(size)
        self._mutex = threading.Lock()
        self._idle: list[Any] = []
        self._local = threading.local()
        self._epoch = 0  # moved on by ``close``: a searcher of an earlier epoch is closed when given back
        self._shared: tuple[int, dict[str, dict[Any, Any]]] = (-1, {})
        # searchers held by streams, or by threads reading outside a borrow
        self._others: weakref.WeakSet[Any] = weakref.WeakSet()

    @contextlib.contextmanager
    def borrow(self, *, wait: bool = True) -> Iterator[None]:
        """Bind a searcher of the pool to this thread for the block (opened when first asked for). A read waits
        its turn when ``size`` are out; a write (``wait=False``: one at a time already) never waits for reads."""
        local = self._local
        if getattr(local, "depth", 0):
            local.depth += 1
            try:
                yield
            finally:
                local.depth -= 1
            return
        if wait:
            self._turns.acquire()
        with self._mutex:
            local.searcher = self._idle.pop() if self._idle else None
            local.epoch, local.depth, local.pinned, local.checked = self._epoch, 1, False, False
        try:
            yield
        finally:
            searcher, local.searcher, local.depth = local.searcher, None, 0
            if searcher is not None:
                self.give_back(searcher, local.epoch)
            if wait:
                self._turns.release()

    def current(self) -> Any:
        """This thread's searcher: in a borrow, the one brought up to date at its first use; in a stream, the one
        it was ranked on; outside both, one on the latest commit."""
        local = self._local
        name = "searcher" if getattr(local, "depth", 0) else "loose"
        searcher = getattr(local, name, None)
        if name == "searcher" and searcher is not None and (local.pinned or local.checked):
            if searcher.is_closed:
                raise StaleResultsError("the index was closed while its results were read: search again")
            return searcher
        if name == "searcher":
            local.checked = True
        if searcher is not None and (searcher.is_closed or not searcher.up_to_date()):
            _close(searcher)
            searcher = None
        if searcher is None:
            searcher = self._opened()
            setattr(local, name, searcher)
            if name == "loose":  # a thread reading outside a borrow (a direct caller of Store) keeps its own
                self._others.add(searcher)
        return searcher

    def _opened(self) -> Any:
        for attempt in range(OPEN_ATTEMPTS):
            try:
                searcher = self._open()
                break
            except FileNotFoundError:  # a commit removed the files of the one being opened: open the next one
                if attempt == OPEN_ATTEMPTS - 1:
                    raise
        generation = searcher.reader().generation()
        with self._mutex:
            if self._shared[0] != generation:
                self._shared = (generation, {name: {} for name in SHARED_CACHES})
            searcher.__dict__.update(self._shared[1])
        return searcher

    def refresh(self) -> None:
        """After this thread's commit: its next read in the block sees it."""
        self._local.checked = False

    def detach(self) -> tuple[Any, int]:
        """Take this thread's borrowed searcher out of the pool, for a stream to read with ``pinned``."""
        searcher = self.current()
        local = self._local
        # The borrow gives back nothing; a next read in it opens another.
        local.searcher, local.checked = None, False
        with self._mutex:
            self._others.add(searcher)
        return searcher, local.epoch

    @staticmethod
    def is_closed(searcher: Any) -> bool:
        """Whether a detached searcher was closed (by ``close``, in another thread)."""
        return bool(searcher.is_closed)

    @contextlib.contextmanager
    def pinned(self, searcher: Any) -> Iterator[None]:
        """Bind a detached searcher to this thread for the block: reads use it as it is, stale or not."""
        local = self._local
        saved = (
            getattr(local, "searcher", None),
            getattr(local, "depth", 0),
            getattr(local, "pinned", False),
        )
        local.searcher, local.depth, local.pinned = searcher, saved[1] + 1, True
        try:
            yield
        finally:
            local.searcher, local.depth, local.pinned = saved

    def give_back(self, searcher: Any, epoch: int) -> None:
        """Return a searcher to the pool; one that is stale, from before a ``close``, or one too many is closed."""
        with self._mutex:
            self._others.discard(searcher)
            keep = epoch == self._epoch and len(self._idle) < self._size and not searcher.is_closed
        if keep:
            try:
                keep = searcher.up_to_date()
            except Exception:
                keep = False
        if not keep:
            _close(searcher)
            return
        with self._mutex:
            self._idle.append(searcher)

    def close(self) -> None:
        """Close every searcher not in use now; those in use are closed when given back, streams' at once."""
        with self._mutex:
            self._epoch += 1
            closing, self._idle = [*self._idle, *self._others], []
            self._others = weakref.WeakSet()
            self._shared = (-1, {})
        # A closed searcher still held keeps its files mapped (Whoosh's close leaves them).
        self._local.loose = None
        for searcher in closing:
            _close(searcher)
