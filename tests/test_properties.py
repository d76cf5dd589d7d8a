"""Property tests: for any text, the pipeline never raises, emits valid JSON, keeps every line it
did not remove, and gives every removed line its provenance.

Checked on one document through `Pipeline.process`, and on tiny folders through the whole run
(reader, both passes, site profiles, duplicates, writer), where the output is read back from disk.
"""

from __future__ import annotations

import json
import tempfile
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from ingest import Pipeline
from ingest.document import Document
from ingest.io.writers import dumps
from ingest.runner import RunOptions, run
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
# A run has a fixed cost (state, lock, spool): fewer, richer examples.
RUN_PROPERTY = settings(max_examples=25, deadline=None, suppress_health_check=list(HealthCheck))


def text_bytes(lines: list[str]) -> bytes:
    return "\n".join(lines).encode("utf-8", "surrogatepass")


def process(raw: bytes) -> Document:
    return PIPELINE.process(Document(source="prop/doc.txt", kind="text", raw=raw))


def assert_nothing_lost(raw: bytes, record: dict) -> None:
    """Every non-blank line of the input (as repaired) is in `text` or in a removal that says
    which stage and rule took it, and why."""
    for entry in record["removed"]:
        assert entry["stage"] and entry["rule"] and entry["reason"], entry
    removed = [entry["text"] for entry in record["removed"]]
    repaired = Repair()(Decode()(Document(source="x", kind="text", raw=raw)))
    for physical in repaired.text.split("\n"):
        line = " ".join(physical.split())
        if line:
            assert line in record["text"] or any(line in text for text in removed), line


def assert_valid_reject(entry: dict) -> None:
    """A document without a record says where and why, and no stage raised on it."""
    assert entry["stage"] and entry["reason"] and entry["failed"] is False, entry


@PROPERTY
@given(LINES)
def test_no_line_is_lost_and_every_removal_has_provenance(lines: list[str]) -> None:
    raw = text_bytes(lines)
    doc = process(raw)
    if doc.reject is not None:
        assert_valid_reject(doc.to_reject())
        return
    record = json.loads(dumps(doc.to_record()))
    assert_nothing_lost(raw, record)
    for line in doc.lines:  # and the marks agree with the record built from them
        assert (line.text in record["text"]) if line.kept else line.removal is not None


@PROPERTY
@given(st.binary(max_size=2000))
def test_any_bytes_never_raise_and_give_valid_json(raw: bytes) -> None:
    doc = process(raw)
    assert doc.reject is None or not doc.reject.failed, doc.reject
    entry = doc.to_record() if doc.reject is None else doc.to_reject()
    assert isinstance(json.loads(dumps(entry)), dict)


@RUN_PROPERTY
@given(st.lists(st.one_of(LINES.map(text_bytes), st.binary(max_size=300)), min_size=1, max_size=3))
def test_a_whole_run_over_any_files_loses_nothing(files: list[bytes]) -> None:
    with tempfile.TemporaryDirectory() as temp:
        root = Path(temp) / "in" / "site.example"
        root.mkdir(parents=True)
        inputs = {f"site.example/{n}.txt": raw for n, raw in enumerate(files)}
        for source, raw in inputs.items():
            (root.parent / source).write_bytes(raw)
        out = Path(temp) / "out.jsonl"
        report = run(Pipeline(), root.parent, out, RunOptions(workers=1))
        records = [json.loads(line) for line in out.read_bytes().splitlines()]
        rejects = [json.loads(line) for line in out.with_name("out.rejects.jsonl").open("rb")]
    assert report.exit_code == 0
    assert sorted(entry["source"] for entry in records + rejects) == sorted(inputs)
    for record in records:
        assert_nothing_lost(inputs[record["source"]], record)
    for entry in rejects:
        assert_valid_reject(entry)


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
