"""Security: rule files are plain data, no stage touches the network or runs anything, and a
run writes only where it was asked to."""

from __future__ import annotations

import json
import os
import re
import socket
import subprocess
import tempfile
from pathlib import Path

import pytest
from click.testing import CliRunner
from conftest import REPO, article, run_cli, write_tree, write_warc

from ingest.cli import main

SECRET = "THE-CONTENTS-OF-A-PRIVATE-FILE"


def page(number: int, secret: Path) -> bytes:
    """An article page that tries everything a browser would run, fetch or resolve."""
    paragraphs = "".join(f"<p>{text}</p>" for text in article(number).split("\n\n")[1:])
    return f"""<!DOCTYPE html [<!ENTITY private SYSTEM "file://{secret}">]>
<html><head><title>Harbour news</title>
<meta http-equiv="refresh" content="0; url=https://evil.example/refresh">
<base href="https://evil.example/">
<link rel="stylesheet" href="https://cdn.example/style.css">
<script src="https://tracker.example/t.js"></script>
<script>document.write("INJECTED-BY-SCRIPT"); fetch("https://evil.example/x");</script>
</head><body onload="document.body.append('INJECTED-BY-ONLOAD')"><article>
<h1>Harbour wall to be rebuilt</h1>
<img src="https://images.example/wall.jpg" onerror="alert('INJECTED-BY-HANDLER')">
{paragraphs}<p>&private;</p>
<svg onload="alert('INJECTED-BY-SVG')"><script>alert('INJECTED-IN-SVG')</script></svg>
<iframe src="https://video.example/embed/1"></iframe>
<object data="https://evil.example/plugin.swf"></object>
<a href="javascript:alert('INJECTED-BY-LINK')">more</a>
</article></body></html>""".encode()


def refuse_calls(
    monkeypatch: pytest.MonkeyPatch, what: str, targets: list[tuple[object, str]]
) -> list[tuple]:
    """Replace each `owner.name` with a function that records its call, then raises."""
    attempts: list[tuple] = []

    def refuse(*args: object, **kwargs: object) -> None:
        attempts.append(args)
        raise OSError(f"{what} attempted during a test")

    for owner, name in targets:
        monkeypatch.setattr(owner, name, refuse)
    return attempts


@pytest.fixture
def no_network(monkeypatch: pytest.MonkeyPatch) -> list[tuple]:
    """Every attempt to open a connection or resolve a name, refused."""
    names = ("connect", "connect_ex", "getaddrinfo", "create_connection")
    owners = (socket.socket, socket.socket, socket, socket)
    return refuse_calls(monkeypatch, "network access", list(zip(owners, names, strict=True)))


@pytest.fixture
def no_programs(monkeypatch: pytest.MonkeyPatch) -> list[tuple]:
    """Every attempt to start a program or fork, refused."""
    names = ("system", "popen", "fork", "execv", "execve", "posix_spawn", "posix_spawnp")
    targets = [(subprocess.Popen, "_execute_child"), *((os, name) for name in names)]
    return refuse_calls(monkeypatch, "starting a program", targets)


def test_html_from_every_container_is_extracted_without_network_or_execution(
    tree, tmp_path: Path, no_network: list[tuple], no_programs: list[tuple]
) -> None:
    secret = tmp_path / "private.txt"
    secret.write_text(SECRET)
    root = tree({"page.html": page(1, secret), "page.json": '{"url": "https://a.example/1"}'})
    html = page(2, secret).decode()
    (root / "export.jsonl").write_text(json.dumps({"url": "https://b.example/2", "html": html}))
    write_warc(
        root / "crawl.warc.gz",
        [("https://c.example/3", "200 OK", "text/html", page(3, secret))],
    )
    out = tmp_path / "out.jsonl"
    result = run_cli(root, "--output", out)
    assert result.exit_code == 0, result.output
    text = out.read_text(encoding="utf-8")
    assert text.count("\n") == 3
    for number in (1, 2, 3):
        assert article(number).split("\n\n")[1][:60] in text
    assert "INJECTED" not in text and "evil.example" not in text and SECRET not in text
    assert no_network == [] and no_programs == []


# Where each kind of output goes: (options after INPUT, every file the run may create, relative
# to tmp_path; RUN stands for the run id). The state's -wal/-shm files may appear beside it.
OUTPUTS = {
    "file": (
        ["--output", "out/clean.jsonl"],
        {
            "out/clean.jsonl",
            "out/clean.rejects.jsonl",
            "out/clean.report.json",
            "out/clean.state.db",
            "out/clean.state.db.lock",
        },
    ),
    "file-rejects-and-state-elsewhere": (
        ["--output", "out/clean.jsonl", "--rejects", "bad/r.jsonl", "--state", "db/s.db"],
        {"out/clean.jsonl", "out/clean.report.json", "bad/r.jsonl", "db/s.db", "db/s.db.lock"},
    ),
    "folder": (
        ["--output", "out/corpus/"],
        {
            "out/corpus/part-RUN-00000.jsonl",
            "out/corpus/_rejects/rejects-RUN-00000.jsonl",
            "out/corpus/_manifests/RUN.json",
            "out/corpus/_SUCCESS",
            "out/corpus/_report.json",
            "out/corpus/_state.db",
            "out/corpus/_state.db.lock",
        },
    ),
    "folder-state-elsewhere": (
        ["--output", "out/corpus/", "--state", "db/s.db"],
        {
            "out/corpus/part-RUN-00000.jsonl",
            "out/corpus/_rejects/rejects-RUN-00000.jsonl",
            "out/corpus/_manifests/RUN.json",
            "out/corpus/_SUCCESS",
            "out/corpus/_report.json",
            "db/s.db",
            "db/s.db.lock",
        },
    ),
}


def files_under(folder: Path) -> dict[str, int]:
    """Every file under `folder` (relative path) and its mtime."""
    return {
        str(p.relative_to(folder)): p.stat().st_mtime_ns for p in folder.rglob("*") if p.is_file()
    }


@pytest.mark.parametrize("case", sorted(OUTPUTS))
def test_a_run_writes_only_where_it_was_asked(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, case: str
) -> None:
    root = write_tree(tmp_path / "in", {"a/doc.txt": article(1), "a/empty.txt": ""})
    temp, work = tmp_path / "temp", tmp_path / "cwd"
    temp.mkdir()
    work.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(temp))  # anything "temporary" lands here
    monkeypatch.chdir(work)
    options, expected = OUTPUTS[case]
    before = files_under(tmp_path)

    paths = [tmp_path / option if "/" in option else option for option in options]
    result = run_cli(root, *paths)
    assert result.exit_code == 0, result.output

    after = files_under(tmp_path)
    assert {p: after[p] for p in before} == before  # the inputs are untouched
    new = set(after) - set(before)
    created = {p for p in new if not p.endswith(("-wal", "-shm"))}
    assert {p[: -len("-wal")] for p in new - created} <= created  # beside their database
    success = tmp_path / "out" / "corpus" / "_SUCCESS"
    run_id = success.read_text().strip() if success.exists() else "RUN"
    assert {p.replace(run_id, "RUN") for p in created} == expected
    assert list(work.iterdir()) == [] and list(temp.iterdir()) == []
    folders = [p for p in tmp_path.rglob("*") if p.is_dir() and p not in (work, temp)]
    assert all(any(f in (tmp_path / p).parents for p in after) for f in folders)  # none left empty


HOSTILE_RULES = {
    "apply": "name: x\nchrome: !!python/object/apply:os.mkdir [{mark}]\n",
    "new": "name: !!python/object/new:pathlib.Path [{mark}]\n",
    "name": "name: x\ndescription: !!python/name:os.system\n",
    "exec": "name: x\nchrome:\n  - !!python/object/apply:builtins.exec [\"open('{mark}', 'w')\"]\n",
}


@pytest.mark.parametrize("kind", sorted(HOSTILE_RULES))
def test_a_rule_file_never_constructs_an_object(tmp_path: Path, kind: str) -> None:
    mark = tmp_path / "constructed"
    rules = write_tree(tmp_path / "rules", {"evil.yaml": HOSTILE_RULES[kind].format(mark=mark)})
    root = write_tree(tmp_path / "in", {"a.txt": article(1)})

    check = CliRunner().invoke(main, ["rules", "check", str(rules)])
    assert check.exit_code == 2 and f"{rules / 'evil.yaml'}:" in check.output
    result = run_cli(root, "--output", tmp_path / "out.jsonl", "--rules", rules)
    assert result.exit_code == 2
    assert not mark.exists() and not (tmp_path / "out.jsonl").exists()


def test_yaml_is_only_ever_read_with_the_safe_loader() -> None:
    unsafe = re.compile(r"yaml\.(load|load_all|full_load|unsafe_load)\b|(?<!Safe)Loader\b")
    offenders = [
        f"{path.relative_to(REPO)}:{number}"
        for path in sorted((REPO / "ingest").rglob("*.py"))
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1)
        if unsafe.search(line)
    ]
    assert offenders == []
