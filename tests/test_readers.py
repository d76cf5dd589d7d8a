"""Readers: deterministic discovery, skipping, sidecars, gzip, size caps and read failures."""

from __future__ import annotations

import gzip
import os
from pathlib import Path

from ingest.io.readers import discover, read_document


def test_discovery_is_sorted_recursive_and_skips_what_it_should(tree) -> None:
    root = tree(
        {
            "b/doc.TXT": "x",
            "a/page.HTM": "<p>x</p>",
            "a/z.text": "x",
            "c/notes.md": "x",
            ".hidden.txt": "x",
            "a/.git/config.txt": "x",
            "a/page.json": '{"url": "u"}',
            "d/other.json": "{}",
            "e/story.txt.gz": gzip.compress(b"x"),
        }
    )
    found = discover(root)
    assert [(i.source, i.kind, i.compressed) for i in found.inputs] == [
        ("a/page.HTM", "html", False),
        ("a/z.text", "text", False),
        ("b/doc.TXT", "text", False),
        ("e/story.txt.gz", "text", True),
    ]
    assert found.inputs[0].sidecar is not None
    assert found.skipped == {
        "hidden": 2,
        "unknown extension: .md": 1,
        "unknown extension: .json": 1,
    }


def test_own_outputs_are_excluded(tree) -> None:
    root = tree({"doc.txt": "x", "out.txt": "x"})
    found = discover(root, frozenset({str((root / "out.txt").resolve())}))
    assert [i.source for i in found.inputs] == ["doc.txt"]
    assert found.skipped == {"the run's own output": 1}


def test_sidecar_fields_are_read(tree) -> None:
    root = tree(
        {
            "a.txt": "Body",
            "a.json": '{"url": "https://x.example/a", "title": "T",'
            ' "published": "2024-01-02", "site": "X", "other": 1}',
        }
    )
    doc = read_document(discover(root).inputs[0])
    assert (doc.url, doc.title, doc.published, doc.site) == (
        "https://x.example/a",
        "T",
        "2024-01-02",
        "X",
    )


def test_bad_sidecar_is_noted_not_fatal(tree) -> None:
    root = tree({"a.txt": "Body", "a.json": "{not json"})
    doc = read_document(discover(root).inputs[0])
    assert doc.reject is None and "a.json" in doc.metadata["sidecar_error"]


def test_a_fifo_sidecar_is_noted_without_waiting_for_a_writer(tree) -> None:
    root = tree({"a.txt": "Body"})
    os.mkfifo(root / "a.json")
    doc = read_document(discover(root).inputs[0])
    assert doc.reject is None
    assert doc.metadata["sidecar_error"] == "a.json: not a regular file (a FIFO, socket or device)"


def test_size_cap_and_gzip_failures(tree) -> None:
    root = tree(
        {
            "big.txt": "x" * 100,
            "bomb.txt.gz": gzip.compress(b"y" * 10_000),
            "broken.txt.gz": gzip.compress(b"hello world" * 50)[:30],
            "empty.txt": "",
            "blank.txt": " \n\t\n",
        }
    )
    docs = {
        i.source: read_document(i, max_bytes=50 if "broken" not in i.source else 10_000)
        for i in discover(root).inputs
    }
    reasons = {source: doc.reject.reason for source, doc in docs.items() if doc.reject}
    assert "over the size cap of 50 bytes" in reasons["big.txt"]
    assert "expands past the size cap" in reasons["bomb.txt.gz"]
    assert "corrupt or truncated gzip" in reasons["broken.txt.gz"]
    assert reasons["empty.txt"] == "the file is empty"
    assert reasons["blank.txt"] == "the file holds only whitespace"


def test_links_outside_and_vanished_files(tree, tmp_path: Path) -> None:
    outside = tmp_path / "secret.txt"
    outside.write_text("secret")
    root = tree({"ok.txt": "fine", "gone.txt": "soon gone"})
    os.symlink(outside, root / "leak.txt")
    os.symlink(root / "loop.txt", root / "loop.txt")
    items = {i.source: i for i in discover(root).inputs}
    (root / "gone.txt").unlink()
    reasons = {
        s: read_document(i).reject.reason for s, i in items.items() if read_document(i).reject
    }
    assert reasons == {
        "gone.txt": "the file disappeared before it could be read",
        "leak.txt": "a link to a file outside the input folder (not followed)",
        "loop.txt": "a broken or looping link",
    }
