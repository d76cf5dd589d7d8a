"""The record type: what survives the trip between processes."""

from __future__ import annotations

import dataclasses
import pickle

from ingest.document import Document, Line, Removal


def test_lines_and_removals_pickle_with_every_field() -> None:
    """`__reduce__` lists the fields by hand: a field added later must be added there too."""
    removal = Removal("chrome", "generic#share", "a share row", field="title")
    line = Line("Share this", 7, span=2, removal=removal, keep_rule="site#keep", key=1 << 63)
    for value in (removal, line):
        assert {f.name for f in dataclasses.fields(value)} == set(value.__slots__)
        copy = pickle.loads(pickle.dumps(value, pickle.HIGHEST_PROTOCOL))
        assert copy == value
        assert all(
            getattr(copy, f.name) == getattr(value, f.name) for f in dataclasses.fields(value)
        )
    doc = Document(source="a.txt", kind="text", lines=[line, Line("Body.", 9)])
    assert pickle.loads(pickle.dumps(doc)) == doc


def test_a_document_pickles_with_every_field_and_its_lines_in_order() -> None:
    """`Document.__reduce__` ships the lines as columns: each line must come back whole."""
    lines = [Line(f"line {n}", n, span=n % 3 + 1, key=n << 40) for n in range(5)]
    lines[2].removal = Removal("chrome", "generic#share", "a share row")
    lines[3].keep_rule = "site#keep"
    doc = Document(
        source="a.txt",
        kind="html",
        raw=b"<p>x</p>",
        html="<p>x</p>",
        lines=lines,
        url="https://example.org/a",
        title="A",
        authors=["Ann Lee"],
        language="en",
        metadata={"tags": ["x"]},
        chars_in=8,
        identity="https://example.org/a",
    )
    copy = pickle.loads(pickle.dumps(doc, pickle.HIGHEST_PROTOCOL))
    assert copy == doc
    assert [dataclasses.astuple(line) for line in copy.lines] == [
        dataclasses.astuple(line) for line in lines
    ]
    assert pickle.loads(pickle.dumps(Document(source="e", kind="text"))) == Document("e", "text")
