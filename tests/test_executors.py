"""The local executor's pool: started once, it serves every `map` call until `close`.

The functions and contexts below are pickled by reference, so the workers import this module.
"""

from __future__ import annotations

import os
import time
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from ingest.errors import ExecutorError
from ingest.executors.local import LocalExecutor

LOADS: Counter[str] = Counter()  # in a worker: how often each context was unpickled there


@dataclass
class Context:
    name: str

    def __setstate__(self, state: dict[str, Any]) -> None:
        self.__dict__.update(state)
        LOADS[self.name] += 1


def seen_by(context: Context, item: int) -> tuple[int, str, int, int]:
    """Which worker ran the item, the context it saw and how often it loaded that context."""
    time.sleep(0.01)  # long enough for both workers to take items, and costs no CPU
    return os.getpid(), context.name, LOADS[context.name], item


def pid_unless(fatal: int, item: int) -> int:
    """A worker that dies on the item `fatal`, as one the OOM killer picks would."""
    if item == fatal:
        os._exit(137)
    return os.getpid()


@pytest.fixture
def executor() -> Iterator[LocalExecutor]:
    pool = LocalExecutor(2)
    yield pool
    pool.close()


def test_two_map_calls_share_the_workers_and_each_loads_its_context_once(
    executor: LocalExecutor,
) -> None:
    first = list(executor.map(seen_by, Context("one"), range(20)))
    second = list(executor.map(seen_by, Context("two"), range(20)))

    assert [(name, item) for _, name, _, item in first] == [("one", n) for n in range(20)]
    assert [(name, item) for _, name, _, item in second] == [("two", n) for n in range(20)]
    assert {loads for _, _, loads, _ in first + second} == {1}
    assert {pid for pid, *_ in second} <= {pid for pid, *_ in first}
    assert os.getpid() not in {pid for pid, *_ in first}


def test_a_map_closed_early_leaves_the_next_one_undisturbed(executor: LocalExecutor) -> None:
    early = executor.map(seen_by, Context("early"), range(50))
    assert next(early)[1:] == ("early", 1, 0)
    early.close()
    assert executor.folder is not None and os.listdir(executor.folder) == []

    later = list(executor.map(seen_by, Context("later"), range(20)))
    assert [(name, item) for _, name, _, item in later] == [("later", n) for n in range(20)]
    assert os.listdir(executor.folder) == []


def test_a_dead_worker_is_an_executor_error_and_the_next_map_starts_a_fresh_pool(
    executor: LocalExecutor,
) -> None:
    with pytest.raises(ExecutorError, match="a worker process died"):
        list(executor.map(pid_unless, 3, range(10)))
    assert executor.pool is None

    assert len(list(executor.map(pid_unless, -1, range(10)))) == 10


def test_close_removes_the_contexts_folder_and_closing_twice_is_harmless() -> None:
    executor = LocalExecutor(2)
    assert list(executor.map(seen_by, Context("only"), range(4)))[-1][1:] == ("only", 1, 3)
    assert executor.folder is not None
    folder = Path(executor.folder)
    assert folder.is_dir() and folder.name.startswith("ingest-pool-")

    executor.close()
    executor.close()
    assert not folder.exists()
    assert (executor.pool, executor.folder) == (None, None)


def test_a_folder_given_holds_the_contexts_only_while_a_map_runs_and_stays(tmp_path: Path) -> None:
    """A run gives its spool: the next run clears it if this one is killed mid-pass."""
    spool = tmp_path / "spool"
    executor = LocalExecutor(2, folder=str(spool))
    try:
        results = executor.map(seen_by, Context("kept"), range(4))
        next(results)
        assert [path.name for path in spool.iterdir()] == ["context-1.pickle"]
        results.close()
        assert list(spool.iterdir()) == []
    finally:
        executor.close()
    assert spool.is_dir()
