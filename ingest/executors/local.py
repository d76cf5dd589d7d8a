"""Shards on this machine: in this process for one worker, else a pool of worker processes.

Workers come from a fork server, not a plain fork of the driver: they inherit none of its
open files, so no worker can keep the run's lock held. They ignore SIGINT and SIGTERM (the
driver decides how a run stops, see ingest/runner.py) and exit as soon as the driver is gone,
however it died: a killed run leaves no orphans behind.
"""

from __future__ import annotations

import multiprocessing
import multiprocessing.connection
import os
import signal
import threading
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import Future, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from typing import Any, TypeVar

from ingest.errors import ExecutorError
from ingest.executors import IN_FLIGHT_PER_WORKER

C = TypeVar("C")
T = TypeVar("T")
R = TypeVar("R")

_task: tuple[Callable[[Any, Any], Any], Any] | None = None


def _start_worker(fn: Callable[[Any, Any], Any], context: Any) -> None:
    global _task
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, signal.SIG_IGN)
    parent = multiprocessing.parent_process()
    if parent is not None:
        threading.Thread(target=_exit_with, args=(parent.sentinel,), daemon=True).start()
    _task = (fn, context)


def _exit_with(sentinel: int) -> None:
    """The pool would wait forever on a queue whose other end died with the driver."""
    multiprocessing.connection.wait([sentinel])
    os._exit(1)


def _call(item: Any) -> Any:
    assert _task is not None, "the worker was not initialised"
    fn, context = _task
    return fn(context, item)


class LocalExecutor:
    """A process pool per `map` call, so each pass ships its own context once per worker."""

    def __init__(self, workers: int | None) -> None:
        self.workers = workers or os.cpu_count() or 1

    def map(self, fn: Callable[[C, T], R], context: C, items: Iterable[T]) -> Iterator[R]:
        if self.workers <= 1:
            for item in items:
                yield fn(context, item)
            return
        mp = multiprocessing.get_context("forkserver")
        mp.set_forkserver_preload(["ingest.passes", "ingest.executors.preload"])
        pool = ProcessPoolExecutor(
            self.workers, mp_context=mp, initializer=_start_worker, initargs=(fn, context)
        )
        pending: deque[Future[R]] = deque()
        try:
            for item in items:
                pending.append(pool.submit(_call, item))
                if len(pending) >= self.workers * IN_FLIGHT_PER_WORKER:
                    yield pending.popleft().result()
            while pending:
                yield pending.popleft().result()
        except BrokenProcessPool as error:
            raise ExecutorError(
                f"a worker process died ({error}); committed output is safe, re-run to finish"
            ) from None
        finally:
            pool.shutdown(wait=True, cancel_futures=True)

    def close(self) -> None:
        """Nothing outlives a `map` call."""
