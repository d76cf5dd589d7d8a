"""A folder full of junk: the run completes, every bad input is in the rejects with a reason a
person understands, and every other file is processed.

The suite runs as root, which ignores file permissions, so an unreadable file is simulated at
the reader's one open call site (`ingest.io.readers.open_input`); the same spy records how many
bytes the reader asks for, to prove that nothing over the size cap is read into memory.
"""

from __future__ import annotations

import errno
import gzip
import json
import os
import random
import re
import time
from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from types import TracebackType
from typing import IO, Any

import pytest
import trafilatura
from conftest import REPO, article, write_tree

from ingest import Pipeline, Settings
from ingest.document import Document, Reject
from ingest.io import readers
from ingest.io.readers import Input, ReadOptions
from ingest.runner import RunOptions, run
from ingest.stages.extract import Extract

MB = 1024 * 1024
CAP = 16 * MB  # above the 10 MB line, below the 20 MB gzip bomb
OUTSIDE = "This paragraph lives outside the input folder and must never be read by the run."
DEEP = 100_000
PARAGRAPH = f"<p>{article(20).splitlines()[2]}</p>"
ACCENTED = "Le caf\u00e9 servait une cr\u00e8me br\u00fbl\u00e9e tr\u00e8s appr\u00e9ci\u00e9e."

# Each bad input and the reason its rejects entry gives, word for word.
REJECTED = {
    "empty.txt": "the file is empty",
    "whitespace.txt": "the file holds only whitespace",
    "image.txt": "not a text document: PNG image",
    "nul.txt": "not a text document: binary data (3 NUL bytes in the first 16 bytes)",
    "huge.txt": f"the file is {200 * MB:,} bytes, over the size cap of {CAP:,} bytes "
    "(raise it with --max-bytes)",
    "truncated.txt.gz": "corrupt or truncated gzip file: Compressed file ended before the "
    "end-of-stream marker was reached",
    "bomb.txt.gz": f"the gzip file expands past the size cap of {CAP:,} bytes "
    "(stopped at the cap; raise it with --max-bytes)",
    "deep.html": "the HTML is nested more than 256 elements deep (unclosed tags?), where the "
    "HTML parser stops: a page it cannot read to the end is not extracted",
    "deep-after-text.html": "the HTML is nested more than 256 elements deep (unclosed tags?), "
    "where the HTML parser stops: a page it cannot read to the end is not extracted",
    "no-text.html": "no main text found in the HTML page",
    "loop.txt": "a broken or looping link",
    "escape.txt": "a link to a file outside the input folder (not followed)",
    "locked.txt": "permission denied: the file cannot be read",
    "vanishing.txt": "the file disappeared before it could be read",
    "pipe.txt": "not a regular file (a FIFO, socket or device)",
}
# Rejects whose reason ends in words of zlib or libxml2, which may change between their
# versions: only the start is ours.
LIBRARY_WORDED = {
    "corrupt.txt.gz": "corrupt or truncated gzip file: ",
    "huge-text-node.html": "the HTML parser stopped before the end of the page (",
}
PROCESSED = [
    "good-1.txt",
    "good-2.txt",
    "long-line.txt",
    "bad-utf8.txt",
    "utf16.txt",
    "name with spaces.txt",
    "name\nwith newline.txt",
    "latin-\\xe9.txt",
    "latin-\\xe8.txt",
]


@dataclass
class JunkRun:
    rejects: dict[str, dict]
    records: dict[str, dict]
    reads: dict[str, list[int]]  # source -> the size of every read the reader asked for
    exit_code: int


class SpiedStream:
    """A reader's stream that records the size of every read."""

    def __init__(self, stream: IO[bytes], sizes: list[int]) -> None:
        self.stream = stream
        self.sizes = sizes

    def read(self, size: int = -1) -> bytes:
        self.sizes.append(size)
        return self.stream.read(size)

    def __enter__(self) -> SpiedStream:
        return self

    def __exit__(
        self, kind: type[BaseException] | None, error: BaseException | None, tb: TracebackType
    ) -> None:
        self.stream.close()


def junk_files(root: Path) -> None:
    """Every kind of bad input of issue 8, with good files between them."""
    write_tree(
        root,
        {
            "good-1.txt": article(1),
            "good-2.txt": article(2),
            "empty.txt": b"",
            "whitespace.txt": b"  \n\t \r\n",
            "image.txt": b"\x89PNG\r\n\x1a\n" + bytes(200),
            "nul.txt": b"some text\x00\x00\x00more",
            "long-line.txt": (b"word " * (2 * MB))[: 10 * MB],
            "bad-utf8.txt": article(3).replace(".\n", f". {ACCENTED}\n").encode()
            + b"\xff\xfe"
            + article(11).encode(),
            "utf16.txt": ("\ufeff" + article(4)).encode("utf-16-le"),
            "truncated.txt.gz": gzip.compress(random.Random(8).randbytes(4096))[:-100],
            "corrupt.txt.gz": b"\x1f\x8b\x08\x00garbage-that-is-not-deflate",
            "bomb.txt.gz": gzip.compress(bytes(20 * MB)),
            "deep.html": f"<html><body>{'<div>' * DEEP}{PARAGRAPH}{'</div>' * DEEP}</body></html>",
            "deep-after-text.html": f"<html><body>{PARAGRAPH}{'<div>' * DEEP}x</body></html>",
            "huge-text-node.html": f"<html><body><p>{'word ' * (2 * MB + 1)}</p></body></html>",
            "no-text.html": "<html><head><title></title></head><body><script>x()</script>"
            "</body></html>",
            "name with spaces.txt": article(5),
            "name\nwith newline.txt": article(6),
            "locked.txt": article(7),
            "vanishing.txt": article(8),
        },
    )
    for name, number in ((b"latin-\xe9.txt", 9), (b"latin-\xe8.txt", 10)):
        (root / os.fsdecode(name)).write_text(article(number))
    with open(root / "huge.txt", "wb") as handle:  # sparse: 200 MB on paper, nothing on disk
        handle.truncate(200 * MB)
    (root.parent / "outside.txt").write_text(OUTSIDE)
    os.symlink(root / "loop.txt", root / "loop.txt")
    os.symlink(root.parent / "outside.txt", root / "escape.txt")
    os.mkfifo(root / "pipe.txt")
    os.mkfifo(root / "good-2.json")  # a sidecar that would block a reader waiting for a writer
    os.chmod(root / "locked.txt", 0)


@pytest.fixture(scope="module")
def junk_run(tmp_path_factory: pytest.TempPathFactory) -> JunkRun:
    """One run over every kind of bad input; the spies stand for what root cannot see."""
    root = tmp_path_factory.mktemp("junk") / "in"
    junk_files(root)
    reads: dict[str, list[int]] = defaultdict(list)
    real_open_input, real_walk = readers.open_input, readers.walk

    def open_input(item: Input) -> SpiedStream:
        if item.source == "locked.txt":
            raise PermissionError(errno.EACCES, os.strerror(errno.EACCES), item.path)
        return SpiedStream(real_open_input(item), reads[item.source])

    def walk(*args: Any, **kwargs: Any) -> Iterator[Input]:
        yield from real_walk(*args, **kwargs)
        (root / "vanishing.txt").unlink()  # gone between listing and reading

    out = root.parent / "out.jsonl"
    rejects = root.parent / "rejects.jsonl"
    pipeline = Pipeline(settings=Settings(read=ReadOptions(max_bytes=CAP)))
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(readers, "open_input", open_input)
        patch.setattr("ingest.runner.walk", walk)
        report = run(pipeline, root, out, RunOptions(rejects=rejects, workers=1))
    return JunkRun(
        rejects={entry["source"]: entry for entry in map(json.loads, rejects.open())},
        records={record["source"]: record for record in map(json.loads, out.open())},
        reads=dict(reads),
        exit_code=report.exit_code,
    )


def test_the_run_completes_and_accounts_for_every_input_once(junk_run: JunkRun) -> None:
    assert junk_run.exit_code == 0
    assert sorted(junk_run.records) == sorted(PROCESSED)
    assert sorted(junk_run.rejects) == sorted([*REJECTED, *LIBRARY_WORDED])
    assert not any(entry["failed"] for entry in junk_run.rejects.values())


@pytest.mark.parametrize("source", sorted(REJECTED))
def test_each_bad_input_is_rejected_with_its_reason(junk_run: JunkRun, source: str) -> None:
    entry = junk_run.rejects[source]
    assert entry["reason"] == REJECTED[source]
    binary, html = source in ("image.txt", "nul.txt"), source.endswith(".html")
    assert entry["stage"] == ("decode" if binary else "extract" if html else "read")


@pytest.mark.parametrize("source", sorted(LIBRARY_WORDED))
def test_a_parser_that_gives_up_says_so_in_its_own_words(junk_run: JunkRun, source: str) -> None:
    reason, start = junk_run.rejects[source]["reason"], LIBRARY_WORDED[source]
    assert reason.startswith(start) and len(reason) > len(start) + 10


def test_nothing_over_the_cap_is_read_into_memory(junk_run: JunkRun) -> None:
    assert "huge.txt" not in junk_run.reads  # rejected from its size alone, never opened
    assert junk_run.reads["bomb.txt.gz"] == [CAP + 1]  # one read, stopped one byte past the cap
    assert all(size == CAP + 1 for sizes in junk_run.reads.values() for size in sizes)


def test_links_out_of_the_folder_are_never_opened(junk_run: JunkRun) -> None:
    assert "escape.txt" not in junk_run.reads and "loop.txt" not in junk_run.reads
    assert not any(OUTSIDE in record["text"] for record in junk_run.records.values())


def test_valid_text_in_odd_shapes_is_processed_whole(junk_run: JunkRun) -> None:
    records = junk_run.records
    fifo = records["good-2.txt"]["metadata"]["sidecar_error"]
    assert fifo == "good-2.json: not a regular file (a FIFO, socket or device)"
    assert records["long-line.txt"]["text"] == ("word " * (2 * MB))[: 10 * MB].strip()
    assert records["utf16.txt"]["encoding"] == "utf-16"
    assert "Story number 4 from the town hall" in records["utf16.txt"]["title"]
    bad = records["bad-utf8.txt"]
    assert bad["encoding"] == "utf-8"
    assert bad["repairs"] == ["replaced 2 undecodable byte(s) with U+FFFD"]
    assert ACCENTED in bad["text"]  # the good UTF-8 around the bad bytes is decoded as such
    assert "\ufffd\ufffdStory number 11" in bad["text"] + str(bad["removed"])


def test_file_names_that_differ_only_in_bytes_that_are_not_utf8_stay_apart(
    junk_run: JunkRun,
) -> None:
    first, second = (junk_run.records[f"latin-\\x{b}.txt"] for b in ("e9", "e8"))
    assert first["id"] != second["id"]
    assert "Story number 9" in first["title"] and "Story number 10" in second["title"]


def test_a_page_over_the_extraction_time_budget_is_rejected(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    def endless(*args: object, **kwargs: object) -> None:
        while True:  # a page trafilatura never finishes: only the budget's alarm ends it
            time.sleep(1)

    monkeypatch.setattr(trafilatura, "bare_extraction", endless)
    doc = Document(source="slow.html", kind="html", html=f"<html><body>{PARAGRAPH}</body></html>")
    doc = Extract(timeout=0.05)(doc)
    assert doc.reject == Reject("extract", "extraction took longer than 0.05 s")


def test_docs_reliability_names_only_tests_that_exist() -> None:
    """Each guarantee in docs/reliability.md cites its test: a renamed test must not dangle."""
    doc = (REPO / "docs" / "reliability.md").read_text(encoding="utf-8")
    cited, file = [], None
    for match in re.finditer(r"`(tests/\w+\.py)?::(\w+)", doc):
        file = match.group(1) or file  # `::name` alone: the file cited just before
        cited.append((file, match.group(2)))
    assert len(cited) > 40
    missing = [
        f"{file}::{name}"
        for file, name in cited
        if f"\ndef {name}(" not in (REPO / str(file)).read_text(encoding="utf-8")
    ]
    assert missing == []
