"""Shards on a Ray cluster: one actor per worker holds the pass's context, items go round-robin.

The actors start once per run (importing the stages is the slow part) and receive each pass's
context once, through the object store.

`address` is the cluster to join (`ray://host:10001`, `auto`, or None to start a local Ray, or
to use RAY_ADDRESS). Every node needs `ingest` installed (the Docker image has it). Results come
back in submission order, so the output is byte-identical to the local executor's.
"""

from __future__ import annotations

import logging
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from typing import Any, TypeVar

from ingest.errors import ExecutorError
from ingest.executors import IN_FLIGHT_PER_WORKER

C = TypeVar("C")
T = TypeVar("T")
R = TypeVar("R")


class ShardWorker:
    """A Ray actor: the pass's function and context, received once a pass, run on each item."""

    def load(self, fn: Callable[[Any, Any], Any], context: Any) -> None:
        self.fn = fn
        self.context = context

    def run(self, item: Any) -> Any:
        return self.fn(self.context, item)


class RayExecutor:
    """Joins (or starts) Ray; shuts down on close only a Ray instance it started itself."""

    def __init__(self, workers: int | None, address: str | None) -> None:
        import ray  # an optional extra: `check_executor` has made sure it is there

        self.ray = ray
        self.started = not ray.is_initialized()
        if self.started:
            try:
                ray.init(address=address, include_dashboard=False, logging_level=logging.WARNING)
            except (ConnectionError, RuntimeError, ValueError) as error:
                raise ExecutorError(f"cannot reach the Ray cluster: {error}", address) from None
        self.workers = workers or max(1, int(ray.cluster_resources().get("CPU", 1)))
        actor = ray.remote(num_cpus=1)(ShardWorker)
        self.actors = [actor.remote() for _ in range(self.workers)]

    def map(self, fn: Callable[[C, T], R], context: C, items: Iterable[T]) -> Iterator[R]:
        ray = self.ray
        pending: deque[Any] = deque()
        try:
            shared = ray.put(context)
            ray.get([actor.load.remote(fn, shared) for actor in self.actors])
            for number, item in enumerate(items):
                pending.append(self.actors[number % self.workers].run.remote(item))
                if len(pending) >= self.workers * IN_FLIGHT_PER_WORKER:
                    yield ray.get(pending.popleft())
            while pending:
                yield ray.get(pending.popleft())
        except ray.exceptions.RayError as error:
            raise ExecutorError(f"a Ray task failed: {error}") from None

    def close(self) -> None:
        for actor in self.actors:
            self.ray.kill(actor)
        if self.started:
            self.ray.shutdown()
