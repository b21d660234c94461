"""Building on a Dask cluster: the files read, enriched and analysed by Dask's workers, the shards written by them.

``connect`` starts a local cluster of ``workers`` processes on 127.0.0.1 (``distributed.LocalCluster``), or joins
an existing one at ``scheduler`` (``tcp://HOST:PORT``, or ``$NEWSSEARCH_SCHEDULER``), whose workers must reach the
index and the corpus at the same paths. ``reading.read_on`` reads on its workers; a task whose worker dies is
retried by Dask (``RETRIES``), and one that fails for good stops the run with nothing committed. Dask is an optional extra: only this module imports it, and only a build
given ``--workers`` or ``--scheduler`` loads it.
"""

from __future__ import annotations

import contextlib
import os
from collections.abc import Iterator
from typing import Any

from newssearch.errors import ClusterError

#: The environment variable naming a cluster's scheduler, as ``--scheduler`` does.
SCHEDULER_VARIABLE = "NEWSSEARCH_SCHEDULER"
#: Times Dask runs a task again after its worker died.
RETRIES = 2
#: Seconds to wait for a cluster's scheduler to answer, and for its first worker.
CONNECT_TIMEOUT = 30
#: The most worker processes a local cluster may start (``--workers`` and ``workers=``).
MAX_WORKERS = 64


def scheduler_address(given: str | None) -> str | None:
    """The scheduler to use: ``given``, else ``$NEWSSEARCH_SCHEDULER``, else None (a local cluster, if any)."""
    address = given or os.environ.get(SCHEDULER_VARIABLE) or None
    if address is not None and "://" not in address:
        address = f"tcp://{address}"
    return address


def distributed_module() -> Any:
    try:
        import distributed
    except ImportError:
        raise ClusterError(
            'building on a cluster needs Dask: pip install "newssearch[cluster]" (or leave out --workers and '
            "--scheduler)"
        ) from None
    return distributed


@contextlib.contextmanager
def connect(workers: int | None, scheduler: str | None) -> Iterator[Any]:
    """A Dask client: of a local cluster of ``workers`` processes, or of the cluster at ``scheduler``."""
    distributed = distributed_module()
    cluster = None
    try:
        if scheduler is not None:
            client = distributed.Client(scheduler, timeout=CONNECT_TIMEOUT)
        else:
            cluster = distributed.LocalCluster(
                n_workers=workers or 1,
                threads_per_worker=1,
                processes=True,
                host="127.0.0.1",
                dashboard_address=None,
                silence_logs=50,
            )
            client = distributed.Client(cluster, timeout=CONNECT_TIMEOUT)
    except (OSError, TimeoutError, RuntimeError) as exc:  # RuntimeError: a local worker failed to start
        if cluster is not None:
            with contextlib.suppress(Exception):
                cluster.close()
        where = f"reach {scheduler}" if scheduler else "start a local Dask cluster"
        raise ClusterError(f"cannot {where}: {exc}"[:250] + "; nothing was written") from None
    try:
        try:
            client.wait_for_workers(1, timeout=CONNECT_TIMEOUT)
        except (OSError, TimeoutError) as exc:
            raise ClusterError(f"the cluster has no worker: {exc}"[:250] + "; nothing was written") from None
        yield client
    finally:
        with contextlib.suppress(Exception):
            client.close()
        if cluster is not None:
            with contextlib.suppress(Exception):
                cluster.close()
