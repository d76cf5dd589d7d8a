"""The shard functions: what pass two hands the driver is each document finished, its record
built and fingerprinted, and that answers the driver as the document would."""

from __future__ import annotations

import hashlib
from pathlib import Path
from typing import IO

import pytest
from conftest import article, read_inputs, write_tree

from ingest.dedup import DedupSettings, fingerprint
from ingest.document import Document
from ingest.io import readers
from ingest.io.readers import Input, walk
from ingest.passes import Learned, Todo, first_pass, second_pass
from ingest.pipeline import Pipeline, RunStats
from ingest.profiles import site_key
from ingest.state import content_hash

FILES = {
    "harbour/ferry.txt": "Skip to content\n\n" + article(1) + "\nShare on Facebook\n",
    "harbour/empty.txt": "Skip to content\nAdvertisement\n",
    "harbour/storm.txt": article(2),
    "ridge/fair.txt": "Ridge Fair\n\nStalls open at nine.\n",
}


def shard(folder: Path, pipeline: Pipeline) -> bytes:
    return first_pass(pipeline, [Todo(item, "") for item in walk(folder)]).docs


def test_finished_documents_answer_as_the_documents_do(tmp_path: Path) -> None:
    pipeline = Pipeline()
    folder = write_tree(tmp_path / "in", FILES)
    finished = second_pass(Learned(pipeline, {}, DedupSettings()), shard(folder, pipeline)).finished
    reference = [pipeline.process(doc) for doc in read_inputs(folder)[0]]
    assert [each.source for each in finished if each.reject is not None] == ["harbour/empty.txt"]
    by_doc, by_finished = RunStats(), RunStats()
    for doc, done in zip(reference, finished, strict=True):
        assert (done.id, done.source, done.site) == (doc.id, doc.source, site_key(doc))
        by_doc.count(doc)
        by_finished.count(done)
        if doc.reject is None:
            assert done.to_record() == doc.to_record()
            assert done.fingerprint == fingerprint(doc, DedupSettings())
        else:
            assert done.to_reject() == doc.to_reject() and done.fingerprint is None
    assert by_doc.removed["chrome"] >= 2 and by_doc.languages["en"] == 2
    assert by_finished.to_dict() == by_doc.to_dict()


def test_a_document_that_cannot_be_finished_fails_alone(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    pipeline = Pipeline()
    docs = shard(write_tree(tmp_path / "in", FILES), pipeline)
    real = fingerprint

    def fails_on_storms(doc: Document, settings: DedupSettings):
        if doc.source.endswith("storm.txt"):
            raise ValueError("cannot fingerprint this")
        return real(doc, settings)

    monkeypatch.setattr("ingest.passes.fingerprint", fails_on_storms)
    finished = second_pass(Learned(pipeline, {}, DedupSettings()), docs).finished
    failed = [each for each in finished if each.reject is not None and each.reject.failed]
    assert [(each.source, each.to_reject()["stage"]) for each in failed] == [
        ("harbour/storm.txt", "finish")
    ]
    assert failed[0].reject.reason == "ValueError: cannot fingerprint this"
    assert [each.source for each in finished if each.reject is None] == [
        "harbour/ferry.txt",
        "ridge/fair.txt",
    ]


def test_a_plain_file_is_read_once_to_hash_it_and_to_process_it(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The hash reads a plain file's bytes as the reader would, and hands them on; a gzip file
    is hashed as it is on disk and read by the reader."""
    folder = write_tree(tmp_path / "in", {"a.txt": article(1), "b.txt.gz": article(2)})
    opened: list[str] = []
    real = readers.open_input

    def counted(item: Input) -> IO[bytes]:
        opened.append(item.source)
        return real(item)

    monkeypatch.setattr(readers, "open_input", counted)
    plain, packed = sorted(walk(folder), key=lambda item: item.source)
    digest, data = content_hash(plain, 1 << 20)
    assert data == (folder / "a.txt").read_bytes()
    assert digest == hashlib.sha256(data + b"\0").hexdigest()
    assert content_hash(packed, 1 << 20)[1] is None
    opened.clear()
    result = first_pass(Pipeline(), [Todo(plain, ""), Todo(packed, "")])
    assert [read.documents for read in result.reads] == [1, 1]
    assert opened == ["a.txt", "b.txt.gz"]  # the hash's read of a.txt, the reader's of b
