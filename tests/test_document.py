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
