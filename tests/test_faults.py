"""Faults during a run: a full disk, a state that cannot commit, a stop signal, a dead worker.

What was published before stays byte for byte, the error says what happened and where, the
exit code says so, and the next run does exactly the rest: every input ends up in the output
once. Write errors and signals go through the CLI, on both layouts. (kill -9 is
tests/test_batch.py's, on a real process; a crash at each step of a commit is
tests/test_runner.py's.)
"""

from __future__ import annotations

import errno
import itertools
import json
import os
import signal
import sqlite3
from collections.abc import Callable
from pathlib import Path

import pytest
from conftest import article, run_cli, write_tree

from ingest import Pipeline
from ingest.document import Document
from ingest.errors import ExecutorError
from ingest.io.writers import AtomicJsonl
from ingest.runner import Run, RunOptions, run
from ingest.stages.base import Stage
from ingest.state import State

OLD = [f"site/a{n:03d}.txt" for n in range(4)]
NEW = [f"site/a{n:03d}.txt" for n in range(4, 8)]
LAYOUTS = {"file": "clean.jsonl", "folder": "corpus"}
STATE = {"file": "clean.state.db", "folder": "corpus/_state.db"}
REPORT = {"file": "clean.report.json", "folder": "corpus/_report.json"}


def visible(out: Path) -> dict[str, bytes]:
    """Every file a reader of the output sees, with its bytes: not the state, lock or staging,
    nor the run's report (`report_of`)."""
    return {
        str(path.relative_to(out)): path.read_bytes()
        for path in sorted(out.rglob("*"))
        if path.is_file()
        and not any(part.startswith(".") for part in path.relative_to(out).parts)
        and "state.db" not in path.name
        and not path.name.endswith("report.json")
    }


def report_of(out: Path, layout: str) -> dict:
    return json.loads((out / REPORT[layout]).read_text())


def entries(out: Path, role: str) -> list[dict]:
    """The records (or the rejects) a reader of the output sees, whatever its layout."""
    return [
        json.loads(line)
        for name, data in visible(out).items()
        if name.endswith(".jsonl") and ("rejects" in name) == (role == "rejects")
        for line in data.decode().splitlines()
    ]


def sources(out: Path) -> list[str]:
    """Every record's source, sorted: each input once means nothing lost and nothing twice."""
    return sorted(record["source"] for record in entries(out, "records"))


def first_run(tmp_path: Path, layout: str) -> tuple[Path, list[object]]:
    """A good run of four articles and an empty file; then four new articles arrive."""
    root = write_tree(tmp_path / "in", {**{s: article(n) for n, s in enumerate(OLD)}, "e.txt": ""})
    args = [root, "--output", tmp_path / "out" / LAYOUTS[layout], "--part-size", 2]
    assert run_cli(*args).exit_code == 0
    write_tree(root, {source: article(n) for n, source in enumerate(NEW, start=4)})
    return tmp_path / "out", args


def fail_on_call(
    monkeypatch: pytest.MonkeyPatch, owner: object, name: str, number: int, error: Exception
) -> None:
    """Make call `number` of `owner.name` raise `error`, as the disk or the database would."""
    real: Callable[..., object] = getattr(owner, name)
    calls = itertools.count(1)

    def failing(*args: object, **kwargs: object) -> object:
        if next(calls) == number:
            raise error
        return real(*args, **kwargs)

    monkeypatch.setattr(owner, name, failing)


FAULTS = {
    "disk-full-writing-records": (
        AtomicJsonl,
        "write_line",  # every record and reject goes through it
        3,
        OSError(errno.ENOSPC, os.strerror(errno.ENOSPC)),  # as write() raises it: no file name
        "cannot write the output: No space left on device",
    ),
    "state-full-at-commit": (
        State,
        "stage_part",
        1,
        sqlite3.OperationalError("database or disk is full"),
        "cannot write the state: database or disk is full",
    ),
}


@pytest.mark.parametrize("layout", sorted(LAYOUTS))
@pytest.mark.parametrize("fault", sorted(FAULTS))
def test_a_write_error_keeps_what_was_published_and_the_next_run_finishes(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, layout: str, fault: str
) -> None:
    out, args = first_run(tmp_path, layout)
    before = visible(out)
    owner, name, number, error, message = FAULTS[fault]
    fail_on_call(monkeypatch, owner, name, number, error)

    failed = run_cli(*args)
    where = out / (LAYOUTS[layout] if "output" in message else STATE[layout])
    assert failed.exit_code == 4, failed.output
    assert (
        f"Error: {where}: {message}; what was published before is intact, "
        "and the next run redoes the rest"
    ) in failed.output
    after = visible(out)
    assert {path: after[path] for path in before} == before  # byte for byte
    report = report_of(out, layout)  # the last good run's report is not left standing
    assert (report["status"], report["exit_code"]) == ("error", 4)
    assert report["error"].endswith(
        f"{message}; what was published before is intact, and the next run redoes the rest"
    )
    added = set(after) - set(before)
    # a folder output keeps the part it published before the disk filled, and only that
    assert len(added) == (layout == "folder" and fault.startswith("disk"))
    assert all(Path(path).name.startswith("part-") for path in added)
    committed = len(set(sources(out)) - set(OLD))

    monkeypatch.undo()
    rest = run_cli(*args)
    assert rest.exit_code == 0, rest.output
    report = report_of(out, layout)
    assert report["inputs"]["processed"] == len(NEW) - committed  # exactly what was not done
    assert sources(out) == OLD + NEW
    assert [reject["source"] for reject in entries(out, "rejects")] == ["e.txt"]


@pytest.mark.parametrize("layout", sorted(LAYOUTS))
def test_sigterm_stops_cleanly_with_the_state_saved_and_the_next_run_does_the_rest(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, layout: str
) -> None:
    out, args = first_run(tmp_path, layout)
    before = visible(out)
    real = Run.write_input

    def write_then_signal(self: Run, *inputs: object) -> None:
        real(self, *inputs)
        os.kill(os.getpid(), signal.SIGTERM)  # as systemd or `docker stop` would

    monkeypatch.setattr(Run, "write_input", write_then_signal)
    stopped = run_cli(*args)
    assert stopped.exit_code == 143, stopped.output
    assert "SIGTERM: stopping after the current input" in stopped.output
    report = report_of(out, layout)
    assert (report["status"], report["exit_code"]) == ("interrupted", 143)
    after = visible(out)
    assert {path: after[path] for path in before} == before
    # a file output is one commit, so it keeps the previous file; a folder publishes the input
    # it was on
    done = sorted(set(sources(out)) - set(OLD))
    assert done == ([] if layout == "file" else NEW[:1])
    state = State(out / STATE[layout])
    try:
        status = state.conn.execute("SELECT status FROM runs ORDER BY run").fetchall()
        committed = sorted(state.sources())
    finally:
        state.close()
    assert status == [("ok",), ("interrupted",)]
    assert committed == sorted(["e.txt", *OLD, *done])

    monkeypatch.undo()
    rest = run_cli(*args)
    assert rest.exit_code == 0, rest.output
    report = report_of(out, layout)
    assert report["inputs"]["processed"] == len(NEW) - len(done)
    assert sources(out) == OLD + NEW


class DieOnBoom(Stage):
    """A worker process that dies on a document, as one the OOM killer picks would."""

    name = "die"

    def __call__(self, doc: Document) -> Document:
        if "boom" in doc.text:
            os._exit(137)
        return doc


def test_a_worker_that_dies_stops_the_run_with_exit_5_and_the_next_run_finishes(
    tmp_path: Path,
) -> None:
    out, args = first_run(tmp_path, "file")
    before = visible(out)
    write_tree(args[0], {"site/boom.txt": article(9).replace("town hall", "town hall boom")})
    pipeline = Pipeline()
    pipeline.stages.insert(1, DieOnBoom())

    with pytest.raises(ExecutorError, match="a worker process died") as caught:
        run(pipeline, args[0], out / "clean.jsonl", RunOptions(workers=2))
    assert caught.value.exit_code == 5
    assert visible(out) == before
    report = report_of(out, "file")
    assert (report["status"], report["exit_code"]) == ("error", 5)
    assert "a worker process died" in report["error"]

    assert run_cli(*args).exit_code == 0
    assert sources(out) == sorted([*OLD, *NEW, "site/boom.txt"])
