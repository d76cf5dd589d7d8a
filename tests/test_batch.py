"""`python -m ingest run` as a nightly job runs it: real processes, killed, locked, re-run."""

from __future__ import annotations

import json
import os
import shlex
import signal
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner
from conftest import REPO, article, write_tree

from ingest.cli import main
from ingest.cli import run as run_command
from ingest.runner import TEST_DELAY

EXPECTED = [f"site/a{n:03d}.txt" for n in range(12)]


def command(*args: object) -> list[str]:
    return [sys.executable, "-m", "ingest", "run", *map(str, args)]


def ingest(*args: object) -> subprocess.CompletedProcess[str]:
    return subprocess.run(command(*args), capture_output=True, text=True, timeout=300)


def start_slow(*args: object, delay: float = 0.3) -> subprocess.Popen[str]:
    """A run that takes `delay` seconds per document (the test-only knob), to interrupt it."""
    env = {**os.environ, TEST_DELAY: str(delay)}
    return subprocess.Popen(command(*args), env=env, stderr=subprocess.PIPE, text=True)


def wait_for(condition: Callable[[], bool], process: subprocess.Popen[str] | None = None) -> None:
    """Poll until `condition` holds; fail (not hang) if the run ends or it never happens."""
    deadline = time.monotonic() + 120
    while not condition():
        if process is not None:
            assert process.poll() is None, process.stderr.read() if process.stderr else ""
        assert time.monotonic() < deadline, "it never happened"
        time.sleep(0.05)


def alive(pid: str) -> bool:
    """A process that exists and is not a zombie waiting to be reaped."""
    try:
        return Path(f"/proc/{pid}/stat").read_text().rpartition(")")[2].split()[0] != "Z"
    except FileNotFoundError:
        return False


def published(out: Path) -> list[Path]:
    return sorted(out.glob("part-*.jsonl"))


def sources(out: Path) -> list[str]:
    """The source of every record in every part: each expected once means exactly-once."""
    return sorted(
        json.loads(line)["source"]
        for part in published(out)
        for line in part.read_text(encoding="utf-8").splitlines()
    )


def setup(tmp_path: Path) -> tuple[Path, list[object]]:
    """Twelve articles; a folder output cut every two records; two workers."""
    root = write_tree(tmp_path / "in", {source: article(n) for n, source in enumerate(EXPECTED)})
    out = tmp_path / "corpus"
    return out, [root, "--output", out, "--part-size", 2, "--workers", 2]


def test_a_killed_run_loses_nothing_and_duplicates_nothing(tmp_path: Path) -> None:
    out, args = setup(tmp_path)
    slow = start_slow(*args)
    wait_for(lambda: len(published(out)) >= 2, slow)
    helpers = Path(f"/proc/{slow.pid}/task/{slow.pid}/children").read_text().split()
    slow.kill()
    slow.wait()
    wait_for(lambda: not any(map(alive, helpers)))  # a killed run leaves no orphans
    committed = len(published(out))
    assert committed < 6

    rerun = ingest(*args)
    assert rerun.returncode == 0, rerun.stderr
    report = json.loads((out / "_report.json").read_text())
    assert report["inputs"]["processed"] == len(EXPECTED) - 2 * committed
    assert sources(out) == EXPECTED
    announced = {
        part["name"]
        for manifest in (out / "_manifests").glob("*.json")
        for part in json.loads(manifest.read_text())["parts"]
    }
    assert {p.name.removeprefix("part-").removesuffix(".jsonl") for p in published(out)} == (
        announced
    )
    assert not [p for p in out.iterdir() if p.name.startswith(".")]


def test_a_second_run_is_refused_and_sigterm_stops_cleanly(tmp_path: Path) -> None:
    out, args = setup(tmp_path)
    slow = start_slow(*args, delay=1.0)  # slow enough to outlast the second run's start
    wait_for(lambda: len(published(out)) >= 1, slow)

    second = ingest(*args)
    assert second.returncode == 3
    assert "another run holds the lock" in second.stderr
    assert "this run did nothing" in second.stderr

    slow.send_signal(signal.SIGTERM)
    assert slow.wait(timeout=120) == 143
    report = json.loads((out / "_report.json").read_text())
    assert report["status"] == "interrupted"
    assert not (out / "_SUCCESS").exists()
    committed = sources(out)  # the stopped run published the part it was writing
    assert report["written"] == len(committed) > 0
    rest = ingest(*args)
    assert rest.returncode == 0, rest.stderr
    rerun = json.loads((out / "_report.json").read_text())
    assert rerun["inputs"]["processed"] == len(EXPECTED) - len(committed)  # the state was saved
    assert sources(out) == EXPECTED
    assert (out / "_SUCCESS").exists()


def finished(run: subprocess.CompletedProcess[str]) -> dict:
    """The `run finished` event of a run that logged JSON lines."""
    events = [json.loads(line) for line in run.stderr.splitlines()]
    assert all({"time", "level", "message"} <= event.keys() for event in events)
    return next(event for event in events if event.get("event") == "finished")


def test_unchanged_inputs_are_skipped_and_a_rules_change_reprocesses(tmp_path: Path) -> None:
    root = write_tree(tmp_path / "in", {f"site/a{n}.txt": article(n) for n in range(4)})
    args = [root, "--output", tmp_path / "clean.jsonl", "--log-format", "json", "--workers", 1]
    first = finished(ingest(*args))
    assert (first["inputs"]["processed"], first["written"]) == (4, 4)
    again = finished(ingest(*args))
    assert (again["inputs"]["processed"], again["inputs"]["unchanged"]) == (0, 4)
    assert again["exit_code"] == 0

    rules = write_tree(
        tmp_path / "rules", {"mine.yaml": "name: mine\nchrome:\n  - id: x\n    line: Nothing\n"}
    )
    changed = finished(ingest(*args, "--rules", rules))
    assert (changed["inputs"]["processed"], changed["inputs"]["unchanged"]) == (4, 0)
    assert len((tmp_path / "clean.jsonl").read_text().splitlines()) == 4


def recipe_commands() -> dict[str, list[str]]:
    """The `ingest ...` arguments each deploy recipe runs."""
    deploy = REPO / "deploy"
    cron = next(
        line for line in (deploy / "crontab").read_text().splitlines() if "ingest run" in line
    )
    service = next(
        line
        for line in (deploy / "ingest.service").read_text().splitlines()
        if line.startswith("ExecStart=")
    )
    cronjob = yaml.safe_load((deploy / "cronjob.yaml").read_text())
    (container,) = cronjob["spec"]["jobTemplate"]["spec"]["template"]["spec"]["containers"]
    docker = next(
        line for line in (REPO / "Dockerfile").read_text().splitlines() if line.startswith("CMD ")
    )
    return {
        "crontab": shlex.split(cron.partition("/bin/ingest ")[2].partition(">>")[0]),
        "systemd": shlex.split(service.partition("/bin/ingest ")[2]),
        "kubernetes": container["args"],
        "docker": json.loads(docker.removeprefix("CMD ")),
    }


def test_the_deploy_recipes_call_ingest_run_with_valid_options(tmp_path: Path) -> None:
    drop = tmp_path / "drop"
    drop.mkdir()
    for name, args in recipe_commands().items():
        assert args[0] == "run", name
        args = [str(drop) if arg in ("/srv/drop", "/data/drop") else arg for arg in args[1:]]
        context = run_command.make_context("run", args)
        assert context.params["log_format"] == "json", name
        assert str(context.params["output"]).endswith("corpus"), name


@pytest.mark.parametrize(
    "output,extra,code,message",
    [
        ("a-file/clean.jsonl", [], 4, "cannot create the lock"),
        ("corpus/", ["--rejects", "r.jsonl"], 2, "--rejects is for a FILE output"),
        ("clean.json", [], 2, "cannot tell the output format from the name"),
    ],
    ids=["unwritable", "rejects-with-a-folder", "unknown-extension"],
)
def test_errors_exit_with_their_code_and_say_what_to_fix(
    tmp_path: Path, output: str, extra: list[str], code: int, message: str
) -> None:
    root = write_tree(tmp_path / "in", {"a.txt": article(1)})
    (tmp_path / "a-file").write_text("not a folder")
    args = [str(root), "--output", str(tmp_path / output), *extra]
    result = CliRunner().invoke(main, ["run", *args])
    assert result.exit_code == code
    assert message in result.output
