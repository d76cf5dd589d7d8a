"""Where shards run: a local process pool, or a Ray cluster. Both run the same shard function.

An executor has one job: `map(fn, context, items)` calls `fn(context, item)` for every item
and yields the results in the items' order, with a bounded number of items in flight, so the
driver never holds more than a window of shards in memory whatever the size of the run.
`context` (the pipeline, the site profile) reaches each worker once per `map` call, not once
per item; the workers themselves start once per executor, so a run's two passes share them.
"""

from __future__ import annotations

import importlib.util
from collections.abc import Callable, Iterable, Iterator
from typing import Protocol, TypeVar

from ingest.errors import ConfigError

C = TypeVar("C")
T = TypeVar("T")
R = TypeVar("R")

EXECUTORS = ("local", "ray")
IN_FLIGHT_PER_WORKER = 2


class Executor(Protocol):
    workers: int

    def map(self, fn: Callable[[C, T], R], context: C, items: Iterable[T]) -> Iterator[R]:
        """`fn(context, item)` for each item, results in order, at most a window in flight."""
        ...

    def close(self) -> None:
        """Release the workers (and a Ray instance this executor started)."""
        ...


def check_executor(name: str) -> None:
    """Refuse, before a run takes its lock, an executor that cannot start here."""
    if name not in EXECUTORS:
        raise ConfigError(f"unknown executor {name!r}: choose one of {', '.join(EXECUTORS)}")
    if name == "ray" and importlib.util.find_spec("ray") is None:
        raise ConfigError("the ray executor needs Ray: pip install 'ingest[ray]'", "--executor")


def make_executor(
    name: str,
    workers: int | None,
    address: str | None = None,
    html: bool = True,
    folder: str | None = None,
) -> Executor:
    """The executor a run asked for (see `check_executor`); Ray starts or joins a cluster.

    `html` says whether the inputs may hold HTML: only then does a local pool preload
    trafilatura (Ray's actors import it when they meet a page). `folder` is where a local pool
    leaves each pass's context for its workers (the run's spool).
    """
    check_executor(name)
    if name == "local":
        from ingest.executors.local import LocalExecutor

        return LocalExecutor(workers, html, folder)
    from ingest.executors.ray import RayExecutor

    return RayExecutor(workers, address)
