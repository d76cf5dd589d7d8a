"""Property tests: for any text, the pipeline never raises, emits valid JSON, keeps every line it
did not remove, and gives every removed line its provenance."""

from __future__ import annotations

import json

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from ingest import Pipeline
from ingest.document import Document
from ingest.io.writers import dumps
from ingest.stages.decode import Decode
from ingest.stages.repair import Repair

PIPELINE = Pipeline()
CHROME_LIKE = st.sampled_from(
    [
        "Skip to content",
        "Advertisement",
        "Share on Facebook",
        "By Jane Doe",
        "2 min read",
        "March 5, 2024 9:15 AM",
        "Further Reading",
        "Dear reader,",
        "+",
        "Home | News | Sport",
        "The council met on Tuesday to discuss the budget for the coming year in detail.",
    ]
)
LINES = st.lists(st.one_of(st.text(max_size=120), CHROME_LIKE), max_size=30)
PROPERTY = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def process(raw: bytes) -> Document:
    return PIPELINE.process(Document(source="prop/doc.txt", kind="text", raw=raw))


@PROPERTY
@given(LINES)
def test_no_line_is_lost_and_every_removal_has_provenance(lines: list[str]) -> None:
    raw = "\n".join(lines).encode("utf-8", "surrogatepass")
    doc = process(raw)
    if doc.reject is not None:
        assert doc.reject.stage and doc.reject.reason
        return
    record = json.loads(dumps(doc.to_record()))
    removed = {entry["text"] for entry in record["removed"]}
    for entry in record["removed"]:
        assert entry["stage"] and entry["rule"] and entry["reason"]
    for line in doc.lines:
        if line.kept:
            assert line.text in record["text"]
        else:
            assert line.text in removed
    # every non-blank line of the repaired input is in some logical line: nothing vanished
    repaired = Repair()(Decode()(Document(source="x", kind="text", raw=raw)))
    logical = [line.text for line in doc.lines]
    for physical in repaired.text.split("\n"):
        collapsed = " ".join(physical.split())
        if collapsed:
            assert any(collapsed in text for text in logical), collapsed


@PROPERTY
@given(st.binary(max_size=2000))
def test_any_bytes_never_raise_and_give_valid_json(raw: bytes) -> None:
    doc = process(raw)
    assert doc.reject is None or not doc.reject.failed, doc.reject
    entry = doc.to_record() if doc.reject is None else doc.to_reject()
    assert isinstance(json.loads(dumps(entry)), dict)


@PROPERTY
@given(st.text(max_size=3000), st.sampled_from(["utf-8", "utf-16", "cp1252", "latin-1"]))
def test_decoder_round_trips_or_reports(text: str, encoding: str) -> None:
    raw = text.encode(encoding, errors="replace")
    doc = Decode()(Document(source="x", kind="text", raw=raw))
    if doc.reject is None:
        assert isinstance(doc.text, str)
        if encoding == "utf-8" and raw and "\x00" not in text:
            assert doc.text == raw.decode("utf-8-sig") or doc.text == raw.decode("utf-8")
    else:
        assert doc.reject.reason
