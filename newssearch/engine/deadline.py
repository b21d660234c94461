"""The running search's deadline, which the engine's long loops check as they go."""

from __future__ import annotations

import math
import time
from contextvars import ContextVar

from whoosh.collectors import TimeLimit

#: When the running search must stop (a ``time.monotonic()`` value): the matchers (``postings.py``, ``matchers.py``), which read whole posting
#: lists before the first match is collected, raise Whoosh's ``TimeLimit`` once it has passed.
DEADLINE: ContextVar[float] = ContextVar("newssearch_deadline", default=math.inf)
_TICKS = [0]


def tick() -> None:
    """Count a unit of work; every 4,096th checks the deadline."""
    _TICKS[0] += 1
    if not _TICKS[0] & 4095 and time.monotonic() > DEADLINE.get():
        raise TimeLimit
