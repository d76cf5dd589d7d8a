"""The runner in-process: incremental state, parts and manifests, crash recovery, the lock.

And streaming: discovery, plan and parts hold no list of the run's inputs, so the driver's memory
does not grow with the corpus, while what the run decides from the whole corpus (the order, the
carried entries of a FILE output, the inputs gone from the folder) stays right.
"""

from __future__ import annotations

import gc
import json
import logging
import os
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from conftest import Explode, article, write_tree

from ingest import Pipeline, Settings
from ingest import runner as runner_module
from ingest.errors import LockedError
from ingest.io import output
from ingest.io.output import Layout, checksum, entries
from ingest.io.readers import Input, discover, walk
from ingest.rules import load_rules
from ingest.runner import Run, RunOptions, run
from ingest.state import RunLock, SourceRow, State


def corpus(root: Path, count: int, start: int = 0, folder: str = "site") -> Path:
    return write_tree(
        root, {f"{folder}/a{n:03d}.txt": article(n) for n in range(start, start + count)}
    )


def lines(path: Path) -> list[dict]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]


def parts(folder: Path) -> list[dict]:
    """Every record of a folder output, part by part in name order."""
    return [record for part in sorted(folder.glob("part-*.jsonl")) for record in lines(part)]


def test_a_rerun_processes_only_new_and_changed_inputs(tmp_path: Path) -> None:
    root = corpus(tmp_path / "in", 5)
    out = tmp_path / "out" / "clean.jsonl"
    first = run(Pipeline(), root, out)
    assert (first.processed, first.unchanged, first.stats.written) == (5, 0, 5)
    before = {record["source"]: record for record in lines(out)}

    (root / "site/a005.txt").write_text(article(5))  # new
    (root / "site/a001.txt").write_text(article(101))  # changed
    (root / "site/a003.txt").unlink()  # gone
    os.utime(root / "site/a002.txt", ns=(1, 1))  # touched, same bytes
    second = run(Pipeline(), root, out)

    assert (second.processed, second.unchanged, second.deleted) == (2, 3, 1)
    assert second.stats.documents == 2
    after = {record["source"]: record for record in lines(out)}
    assert sorted(after) == [f"site/a00{n}.txt" for n in (0, 1, 2, 4, 5)]
    for kept in ("site/a000.txt", "site/a002.txt", "site/a004.txt"):
        assert after[kept] == before[kept]
    assert after["site/a001.txt"]["text"] != before["site/a001.txt"]["text"]
    third = run(Pipeline(), root, out)
    assert (third.processed, third.unchanged) == (0, 5)
    assert lines(out) == list(after.values())


@pytest.mark.parametrize("suffix", [".jsonl.gz", ".jsonl.zst"])
def test_compressed_file_outputs_carry_their_entries_over(tmp_path: Path, suffix: str) -> None:
    root = corpus(tmp_path / "in", 2)
    write_tree(root, {"empty.txt": ""})
    out, rejects = tmp_path / f"clean{suffix}", tmp_path / "elsewhere" / f"rejects{suffix}"
    options = RunOptions(rejects=rejects)
    run(Pipeline(), root, out, options)
    corpus(root, 1, start=2)
    second = run(Pipeline(), root, out, options)
    assert (second.processed, second.unchanged) == (1, 3)
    fmt = suffix.removeprefix(".")
    assert sorted(r["source"] for r in entries(out, fmt)) == [
        f"site/a{n:03d}.txt" for n in range(3)
    ]
    assert [r["source"] for r in entries(rejects, fmt)] == ["empty.txt"]


def test_a_rules_change_or_full_reprocesses_everything(tmp_path: Path) -> None:
    root = corpus(tmp_path / "in", 3)
    out = tmp_path / "clean.jsonl"
    run(Pipeline(), root, out)
    rules = write_tree(
        tmp_path / "rules",
        {"mine.yaml": "name: mine\nchrome:\n  - id: day\n    regex: 'on day 7\\d\\d'\n"},
    )
    changed = run(Pipeline(load_rules(rules)), root, out)
    assert (changed.processed, changed.unchanged) == (3, 0)
    assert run(Pipeline(load_rules(rules)), root, out).processed == 0
    assert run(Pipeline(load_rules(rules)), root, out, RunOptions(full=True)).processed == 3


def test_a_failed_document_exits_1_and_is_retried_by_the_next_run(tmp_path: Path) -> None:
    root = corpus(tmp_path / "in", 2)
    write_tree(root, {"site/bad.txt": article(9).replace("town hall", "town hall boom")})
    pipeline = Pipeline()
    pipeline.stages.insert(4, Explode())
    first = run(pipeline, root, tmp_path / "clean.jsonl")
    assert (first.status, first.exit_code, first.stats.failed) == ("failed", 1, 1)
    again = run(pipeline, root, tmp_path / "clean.jsonl")
    assert (again.processed, again.exit_code) == (1, 1)
    (reject,) = lines(tmp_path / "clean.rejects.jsonl")
    assert (reject["stage"], reject["failed"]) == ("explode", True)


def test_a_folder_output_gets_parts_a_manifest_and_success_last(tmp_path: Path) -> None:
    root = corpus(tmp_path / "in", 5)
    out = tmp_path / "corpus"
    report = run(Pipeline(), root, out, RunOptions(part_size=2))
    assert len(report.parts) == 3
    manifest = json.loads((out / "_manifests" / f"{report.run}.json").read_text())
    assert (out / "_SUCCESS").read_text() == f"{report.run}\n"
    assert manifest["counts"]["written"] == 5
    for part in manifest["parts"]:
        for entry in part["files"]:
            assert checksum(out / entry["path"]) == (entry["sha256"], entry["bytes"])
    assert json.loads((out / "_report.json").read_text())["inputs"]["processed"] == 5

    corpus(root, 1, start=5)
    later = run(Pipeline(), root, out, RunOptions(part_size=2))
    assert (later.processed, len(later.parts)) == (1, 1)
    manifest = json.loads((out / "_manifests" / f"{later.run}.json").read_text())
    assert [part["name"] for part in manifest["parts"]] == later.parts
    assert sorted(r["source"] for r in parts(out)) == [f"site/a{n:03d}.txt" for n in range(6)]
    assert not any(p.name.startswith(".") for p in out.iterdir())


def test_parts_from_two_workers_are_the_file_of_one(tmp_path: Path) -> None:
    root = corpus(tmp_path / "in", 6)
    run(Pipeline(), root, tmp_path / "one.jsonl", RunOptions(workers=1))
    run(Pipeline(), root, tmp_path / "two", RunOptions(workers=2, part_size=4))
    joined = b"".join(p.read_bytes() for p in sorted((tmp_path / "two").glob("part-*")))
    assert joined == (tmp_path / "one.jsonl").read_bytes()


class Crash(BaseException):
    """Stands for the process dying at that point."""


@pytest.mark.parametrize(
    "owner,name",
    [(State, "stage_part"), (output, "move_into_place"), (State, "publish_part")],
    ids=["before-step-2", "after-step-2", "after-step-3"],
)
def test_a_run_that_dies_while_publishing_is_finished_by_the_next(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, owner: object, name: str
) -> None:
    root = corpus(tmp_path / "in", 6)
    write_tree(root, {"empty.txt": ""})
    out = tmp_path / "corpus"
    real = getattr(owner, name)
    calls = []

    def dies_on_the_second_part(*args, **kwargs):
        calls.append(1)
        if len(calls) == 2:
            raise Crash
        return real(*args, **kwargs)

    monkeypatch.setattr(owner, name, dies_on_the_second_part)
    with pytest.raises(Crash):
        run(Pipeline(), root, out, RunOptions(part_size=2))
    monkeypatch.setattr(owner, name, real)
    run(Pipeline(), root, out, RunOptions(part_size=2))

    sources = sorted(record["source"] for record in parts(out))
    assert sources == [f"site/a{n:03d}.txt" for n in range(6)]
    rejects = [r for p in sorted((out / "_rejects").glob("*.jsonl")) for r in lines(p)]
    assert [r["source"] for r in rejects] == ["empty.txt"]
    assert not (out / ".staging").exists() and not (out / "_rejects" / ".staging").exists()
    state = State(out / "_state.db")
    try:
        runs = state.conn.execute("SELECT status FROM runs ORDER BY run").fetchall()
    finally:
        state.close()
    assert runs == [("died",), ("ok",)]


def test_a_second_run_is_refused_while_the_lock_is_held(tmp_path: Path) -> None:
    root = corpus(tmp_path / "in", 1)
    out = tmp_path / "clean.jsonl"
    holder = RunLock(Layout.for_output(out).lock)
    holder.acquire()
    try:
        with pytest.raises(LockedError, match="another run holds the lock") as caught:
            run(Pipeline(), root, out)
        assert caught.value.exit_code == 3
        assert not out.exists()
    finally:
        holder.release()
    assert run(Pipeline(), root, out).processed == 1


def test_a_stale_lock_is_taken_over(tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    root = corpus(tmp_path / "in", 1)
    out = tmp_path / "clean.jsonl"
    lock = Layout.for_output(out).lock
    lock.write_text("pid 999999 on elsewhere, since yesterday\n")
    with caplog.at_level(logging.WARNING, logger="ingest"):
        assert run(Pipeline(), root, out).exit_code == 0
    assert "took over a stale lock: pid 999999" in caplog.text
    assert lock.read_text() == ""


def test_duplicates_are_caught_across_runs(tmp_path: Path) -> None:
    root = corpus(tmp_path / "in", 2)
    out = tmp_path / "clean.jsonl"
    run(Pipeline(), root, out)
    write_tree(root, {"site/copy.txt": article(1)})
    report = run(Pipeline(), root, out)
    assert (report.processed, report.stats.duplicates) == (1, 1)
    (reject,) = lines(tmp_path / "clean.rejects.jsonl")
    assert reject["source"] == "site/copy.txt"
    assert reject["duplicate_of"] == next(
        r["id"] for r in lines(out) if r["source"].endswith("1.txt")
    )


def test_site_chrome_learned_in_one_run_cleans_the_next(tmp_path: Path) -> None:
    chrome = "Tämä juttu on osa Satamalehden kesäsarjaa"  # no rule names it
    files = {f"site/a{n:03d}.txt": article(n) + f"\n{chrome}\n" for n in range(12)}
    root = write_tree(tmp_path / "in", files)
    out = tmp_path / "clean.jsonl"
    run(Pipeline(), root, out)
    assert all(chrome not in record["text"] for record in lines(out))

    write_tree(root, {f"site/b{n}.txt": article(100 + n) + f"\n{chrome}\n" for n in range(3)})
    assert run(Pipeline(), root, out).processed == 3
    new = [record for record in lines(out) if "/b" in record["source"]]
    assert len(new) == 3
    for record in new:
        (removal,) = [r for r in record["removed"] if r["text"] == chrome]
        assert removal["stage"] == "repeats"
        assert "documents of site" in removal["reason"]


def test_the_state_is_wal_and_records_each_run(tmp_path: Path) -> None:
    root = corpus(tmp_path / "in", 1)
    report = run(Pipeline(), root, tmp_path / "clean.jsonl")
    state = State(tmp_path / "clean.state.db")
    try:
        assert state.conn.execute("PRAGMA journal_mode").fetchone() == ("wal",)
        status = state.conn.execute("SELECT status FROM runs WHERE run = ?", (report.run,))
        assert status.fetchone() == ("ok",)
    finally:
        state.close()


NAMES = [
    "a.txt",
    "a b.txt",
    "a-b.txt",
    "a.b.txt",
    "a0.txt",
    "A.txt",
    "a/b.txt",
    "a/b/c/d.txt",
    "a b/c.txt",
    "a-/x.txt",
    "a.d/x.txt",
    "ab/c.txt",
    "z.txt",
    "z-/y.txt",
    "z/y/x.txt",
    "é.txt",
]


def live(kind: type) -> int:
    """How many objects of `kind` are alive in this process."""
    return sum(isinstance(thing, kind) for thing in gc.get_objects())


def test_the_walk_yields_inputs_in_the_sorted_order_of_their_sources(tmp_path: Path) -> None:
    root = write_tree(tmp_path / "in", {name: "x" for name in NAMES})
    (root / os.fsdecode(b"\xff.txt")).write_text("x")  # shown as `\xff.txt`, before `z.txt`
    expected = sorted([*NAMES, "\\xff.txt"])
    assert expected.index("a-b.txt") < expected.index("a/b.txt")  # a folder is not its name
    assert [item.source for item in walk(root)] == expected
    assert [item.source for item in discover(root).inputs] == expected


def test_the_walk_lists_a_folder_only_when_it_gets_there(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    root = write_tree(tmp_path / "in", {f"f{n}/doc.txt": "x" for n in range(5)})
    listed: list[str] = []
    real = os.scandir

    def scandir(path: str) -> Any:
        listed.append(os.path.relpath(path, root))
        return real(path)

    monkeypatch.setattr(os, "scandir", scandir)
    inputs = walk(root)
    assert next(inputs).source == "f0/doc.txt"
    assert listed == [".", "f0"]
    assert [item.source for item in inputs] == [f"f{n}/doc.txt" for n in range(1, 5)]


def spy(owner: object, name: str, monkeypatch: pytest.MonkeyPatch, check: Callable) -> None:
    """Call `check(*args)` before each call of `owner.name`."""
    real = getattr(owner, name)

    def spied(*args: Any, **kwargs: Any) -> Any:
        check(*args)
        return real(*args, **kwargs)

    monkeypatch.setattr(owner, name, spied)


def test_the_driver_holds_no_collection_of_the_runs_inputs(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Alive at any time: one batch of the plan, one shard, nothing per input covered."""
    count, batch, shard = 40, 4, 2
    root = write_tree(tmp_path / "in", {f"s{n % 3}/a{n:03d}.txt": article(n) for n in range(count)})
    out = tmp_path / "clean.jsonl"
    monkeypatch.setattr(runner_module, "PLAN_BATCH", batch)
    pipeline = Pipeline(settings=Settings(shard_size=shard))
    seen: dict[str, int] = {"plan": 0, "pass one": 0, "publish": 0}

    def inputs_alive(where: str) -> Callable[..., None]:
        def check(*args: object) -> None:
            seen[where] = max(seen[where], live(Input))

        return check

    def nothing_as_long_as_the_run(driver: Run) -> None:
        assert driver.part is not None
        for holder in (driver, driver.part):
            for name, value in vars(holder).items():
                if isinstance(value, (list, set, dict, tuple)):
                    assert len(value) < count // 2, name
        seen["publish"] = max(seen["publish"], live(SourceRow))

    spy(State, "add_plan", monkeypatch, inputs_alive("plan"))
    spy(runner_module, "first_pass", monkeypatch, inputs_alive("pass one"))
    spy(Run, "publish_part", monkeypatch, nothing_as_long_as_the_run)
    first = run(pipeline, root, out, RunOptions(workers=1))
    for n in range(0, count, 4):  # a tenth changed, the rest kept: carried over
        (root / f"s{n % 3}/a{n:03d}.txt").write_text(article(n + 1000))
    second = run(pipeline, root, out, RunOptions(workers=1))

    assert (first.processed, second.processed, second.unchanged) == (count, 10, 30)
    assert seen["plan"] <= batch
    assert seen["pass one"] <= batch + shard
    assert seen["publish"] <= 1
    assert len(list(entries(out, "jsonl"))) == count


def test_a_file_output_carries_kept_inputs_and_containers_and_drops_gone_ones(
    tmp_path: Path,
) -> None:
    records = [{"id": f"r{n}", "text": article(50 + n)} for n in range(2)]
    root = write_tree(
        tmp_path / "in",
        {
            "a.txt": article(1),
            "b.jsonl": "".join(json.dumps(record) + "\n" for record in records),
            "c.txt": article(3),
            "d/e.txt": article(4),
            "empty.txt": "",
        },
    )
    out = tmp_path / "clean.jsonl"
    run(Pipeline(), root, out)
    before = {record["source"]: record for record in entries(out, "jsonl")}
    (root / "a.txt").write_text(article(11))  # changed
    os.utime(root / "b.jsonl", ns=(1, 1))  # touched, same bytes: kept by pass one
    (root / "c.txt").unlink()  # gone
    (root / "empty.txt").unlink()  # gone, and it was a reject
    write_tree(root, {"d/f.txt": article(5)})  # new

    again = run(Pipeline(), root, out)

    assert (again.processed, again.unchanged, again.deleted) == (2, 2, 2)
    after = list(entries(out, "jsonl"))
    containers = [r["source"] for r in after if r["source"].startswith("b.jsonl#")]
    assert [r["source"] for r in after] == ["a.txt", *containers, "d/e.txt", "d/f.txt"]
    assert len(containers) == 2
    for source in [*containers, "d/e.txt"]:
        assert next(r for r in after if r["source"] == source) == before[source]
    assert list(entries(tmp_path / "clean.rejects.jsonl", "jsonl")) == []
    state = State(tmp_path / "clean.state.db")
    try:
        assert list(state.sources()) == ["a.txt", "b.jsonl", "d/e.txt", "d/f.txt"]
    finally:
        state.close()


def test_a_folder_output_lists_gone_inputs_once_and_forgets_them(tmp_path: Path) -> None:
    root = write_tree(tmp_path / "in", {f"s/a{n}.txt": article(n) for n in range(5)})
    out = tmp_path / "corpus"

    def manifest(report: Any) -> dict[str, Any]:
        return json.loads((out / "_manifests" / f"{report.run}.json").read_text())

    run(Pipeline(), root, out)
    for n in (3, 1):
        (root / f"s/a{n}.txt").unlink()
    second = run(Pipeline(), root, out)
    assert (second.processed, second.unchanged, second.deleted) == (0, 3, 2)
    assert manifest(second)["deleted"] == ["s/a1.txt", "s/a3.txt"]
    third = run(Pipeline(), root, out)
    assert (third.deleted, manifest(third)["deleted"]) == (0, [])
    state = State(out / "_state.db")
    try:
        assert list(state.sources()) == ["s/a0.txt", "s/a2.txt", "s/a4.txt"]
    finally:
        state.close()


def test_signatures_another_version_made_are_dropped_with_a_warning(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    root = corpus(tmp_path / "in", 3)
    out = tmp_path / "clean.jsonl"
    run(Pipeline(), root, out)
    state = State(tmp_path / "clean.state.db")
    try:
        state.set_meta("dedup_signatures", "an older scheme")
    finally:
        state.close()
    (root / "site/a009.txt").write_text(article(9))
    with caplog.at_level(logging.WARNING, logger="ingest"):
        second = run(Pipeline(), root, out)
    assert second.processed == 1
    assert "the state's 3 near-duplicate signatures were made by another version" in caplog.text
    caplog.clear()
    with caplog.at_level(logging.WARNING, logger="ingest"):
        run(Pipeline(), root, out)
    assert "near-duplicate signatures" not in caplog.text


def test_the_plan_says_whether_an_input_to_process_may_hold_html(tmp_path: Path) -> None:
    root = corpus(tmp_path / "in", 3)
    state = State(tmp_path / "clean.state.db")

    def plans_html(kept: frozenset[str] = frozenset()) -> bool:
        state.start_plan()
        found = list(walk(root))
        todos = [(item, "stat", None) for item in found if item.source not in kept]
        state.add_plan(todos, [item.source for item in found if item.source in kept])
        return state.plans_html()

    try:
        assert not plans_html()
        write_tree(root, {"site/page.html": "<p>x</p>"})
        assert plans_html()
        assert not plans_html(kept=frozenset({"site/page.html"}))  # its output stands
        (root / "site/page.html").unlink()
        write_tree(root, {"feed.jsonl": '{"text": "x"}\n'})
        assert plans_html()
    finally:
        state.close()
