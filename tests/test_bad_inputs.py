"""A folder full of junk: every bad input is rejected with a reason, every good one processed."""

from __future__ import annotations

import builtins
import gzip
import json
import os
from pathlib import Path

import pytest

from ingest import Pipeline, Settings
from ingest.io.readers import ReadOptions

GOOD = "The harbour board met on Tuesday and agreed to repair the old sea wall this year.\n"
TOPICS = [
    "library opening hours",
    "bus timetable",
    "school roof",
    "river footbridge",
    "market square paving",
    "allotment waiting list",
    "swimming pool heating",
]


def good(number: int) -> bytes:
    """A distinct body per file, so that duplicate detection keeps every one of them."""
    topic = TOPICS[number]
    return (
        f"The district council voted {number + 3} to {number + 1} on Monday to review the "
        f"{topic}, after residents collected signatures in a petition about the {topic}.\n"
    ).encode()


MB = 1024 * 1024


def read_jsonl(path: Path) -> list[dict]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]


@pytest.fixture(scope="module")
def junk_run(tmp_path_factory: pytest.TempPathFactory) -> tuple[dict[str, str], set[str]]:
    """One run over every kind of bad input, plus good files between them."""
    root = tmp_path_factory.mktemp("junk") / "in"
    root.mkdir()
    outside = root.parent / "outside.txt"
    outside.write_text(GOOD)
    files: dict[str, bytes] = {
        "good-1.txt": good(0),
        "empty.txt": b"",
        "whitespace.txt": b"  \n\t \r\n",
        "image.txt": b"\x89PNG\r\n\x1a\n" + bytes(200),
        "nul.txt": b"some text\x00\x00\x00more",
        "long-line.txt": (b"word " * (2 * MB))[: 10 * MB],
        "bad-utf8.txt": "Caf\u00e9 cr\u00e8me br\u00fbl\u00e9e ".encode() * 20
        + b"\xff\xfe"
        + GOOD.encode(),
        "utf16.txt": ("\ufeff" + good(1).decode()).encode("utf-16-le"),
        "truncated.txt.gz": gzip.compress(os.urandom(4096))[:-100],
        "corrupt.txt.gz": b"\x1f\x8b\x08\x00garbage-that-is-not-deflate",
        "bomb.txt.gz": gzip.compress(b"\0" * (20 * MB)),
        "deep.html": b"<html><body>" + b"<div>" * 100_000 + b"x" + b"</div>" * 100_000,
        "no-text.html": b"<html><head><title></title></head><body><script>x()</script></body>"
        b"</html>",
        "name with spaces.txt": good(2),
        "name\nwith newline.txt": good(3),
        "good-2.txt": good(4),
        "locked.txt": good(5),
    }
    for name, content in files.items():
        (root / name).write_bytes(content)
    with open(os.path.join(os.fsencode(root), b"latin-\xe9.txt"), "wb") as handle:
        handle.write(good(6))
    big = root / "huge.txt"
    with open(big, "wb") as handle:  # sparse: 200 MB on paper, nothing on disk
        handle.truncate(200 * MB)
    os.symlink(root / "loop.txt", root / "loop.txt")
    os.symlink(outside, root / "escape.txt")
    os.chmod(root / "locked.txt", 0)
    real_open = builtins.open

    def guarded_open(file, *args, **kwargs):  # root ignores permissions: simulate them
        if str(file).endswith("locked.txt"):
            raise PermissionError(13, "Permission denied", str(file))
        return real_open(file, *args, **kwargs)

    out = root.parent / "out.jsonl"
    rejects = root.parent / "rejects.jsonl"
    settings = Settings(read=ReadOptions(max_bytes=16 * MB), extract_timeout=30)
    builtins.open = guarded_open
    try:
        stats = Pipeline(settings=settings).run(root, out, rejects, workers=1)
    finally:
        builtins.open = real_open
    assert stats.failed == 0
    reasons = {entry["source"]: entry["reason"] for entry in read_jsonl(rejects)}
    written = {record["source"] for record in read_jsonl(out)}
    return reasons, written


EXPECTED_REASONS = {
    "empty.txt": "the file is empty",
    "whitespace.txt": "the file holds only whitespace",
    "image.txt": "not a text document: PNG image",
    "nul.txt": "not a text document: binary data",
    "truncated.txt.gz": "corrupt or truncated gzip file",
    "corrupt.txt.gz": "corrupt or truncated gzip file",
    "bomb.txt.gz": "the gzip file expands past the size cap",
    "huge.txt": "over the size cap",
    "no-text.html": "no main text found in the HTML page",
    "loop.txt": "a broken or looping link",
    "escape.txt": "a link to a file outside the input folder (not followed)",
    "locked.txt": "permission denied: the file cannot be read",
}


@pytest.mark.parametrize("source", sorted(EXPECTED_REASONS))
def test_each_bad_input_is_rejected_with_a_reason(junk_run, source: str) -> None:
    reasons, _ = junk_run
    assert EXPECTED_REASONS[source] in reasons[source]


def test_every_other_file_is_processed(junk_run) -> None:
    reasons, written = junk_run
    assert written | set(reasons) >= {
        "good-1.txt",
        "good-2.txt",
        "long-line.txt",
        "bad-utf8.txt",
        "utf16.txt",
        "name with spaces.txt",
        "name\nwith newline.txt",
        "latin-\ufffd.txt",
    }
    assert {
        "good-1.txt",
        "good-2.txt",
        "bad-utf8.txt",
        "utf16.txt",
        "name with spaces.txt",
        "name\nwith newline.txt",
        "latin-\ufffd.txt",
        "long-line.txt",
    } <= written


def test_deep_html_does_not_crash_the_run(junk_run) -> None:
    reasons, written = junk_run
    assert "deep.html" in written or "deep.html" in reasons
