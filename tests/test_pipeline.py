"""End to end: folders in, records out; schema-valid, deterministic, and failures contained."""

from __future__ import annotations

import json
from pathlib import Path

import jsonschema
import pytest
from conftest import SAMPLES, SEEDS, Explode

from ingest import Pipeline
from ingest.document import Document, Reject
from ingest.pipeline import OTHER_REASONS, RunStats

SCHEMA = json.loads(
    (Path(__file__).resolve().parents[1] / "ingest" / "schema" / "record.schema.json").read_text()
)
EXPECTED = json.loads((SAMPLES / "EXPECTED.json").read_text(encoding="utf-8"))


def read_jsonl(path: Path) -> list[dict]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]


@pytest.fixture(scope="module")
def sample_records(tmp_path_factory: pytest.TempPathFactory) -> dict[str, dict]:
    out = tmp_path_factory.mktemp("out") / "samples.jsonl"
    stats = Pipeline().run(SAMPLES, out, workers=1)
    assert stats.failed == 0
    return {record["source"]: record for record in read_jsonl(out)}


def test_every_sample_gives_a_schema_valid_record(sample_records: dict[str, dict]) -> None:
    assert sorted(sample_records) == sorted(EXPECTED)
    for record in sample_records.values():
        jsonschema.validate(record, SCHEMA)


def test_sample_languages_and_encodings(sample_records: dict[str, dict]) -> None:
    for source, expected in EXPECTED.items():
        assert sample_records[source]["language"] == expected["language"], source
    assert all(r["encoding"] for r in sample_records.values())


def test_output_is_identical_with_two_workers(
    tmp_path: Path, sample_records: dict[str, dict]
) -> None:
    one, two = tmp_path / "one.jsonl", tmp_path / "two.jsonl"
    pipeline = Pipeline()
    pipeline.run(SAMPLES, one, workers=1)
    pipeline.run(SAMPLES, two, workers=2)
    assert one.read_bytes() == two.read_bytes()


@pytest.mark.skipif(not SEEDS.is_dir(), reason="the shared seeds are not beside the repository")
def test_seeds_run_through_as_english_utf8(tmp_path: Path) -> None:
    out = tmp_path / "seeds.jsonl"
    Pipeline().run(SEEDS, out)
    records = read_jsonl(out)
    assert len(records) == 3
    assert {(r["language"], r["encoding"]) for r in records} == {("en", "utf-8")}


def test_a_failing_stage_fails_one_document_and_the_run_goes_on(tree, tmp_path: Path) -> None:
    root = tree({"a.txt": "A fine paragraph of text.", "b.txt": "boom goes this one"})
    pipeline = Pipeline()
    pipeline.stages.insert(3, Explode())
    out = tmp_path / "o.jsonl"
    stats = pipeline.run(root, out, tmp_path / "rejects.jsonl")
    assert (stats.written, stats.failed) == (1, 1)
    assert read_jsonl(tmp_path / "rejects.jsonl") == [
        {
            "id": Document(source="b.txt", kind="text").id,
            "source": "b.txt",
            "stage": "explode",
            "reason": "RuntimeError: stage blew up",
            "failed": True,
        }
    ]


def test_ids_are_stable_and_sources_posix(tree, tmp_path: Path) -> None:
    root = tree({"x/y/a.txt": "Some words in a paragraph."})
    first, second = tmp_path / "1.jsonl", tmp_path / "2.jsonl"
    Pipeline().run(root, first)
    Pipeline().run(root, second)
    assert read_jsonl(first)[0]["source"] == "x/y/a.txt"
    assert read_jsonl(first)[0]["id"] == read_jsonl(second)[0]["id"]


def test_empty_result_goes_to_rejects(tree, tmp_path: Path) -> None:
    root = tree({"a.txt": "Skip to content\nAdvertisement\n"})
    stats = Pipeline().run(root, tmp_path / "o.jsonl", tmp_path / "r.jsonl")
    assert stats.rejected == 1
    assert read_jsonl(tmp_path / "r.jsonl")[0]["reason"] == "no body text left after cleaning"
    assert (tmp_path / "o.jsonl").read_text() == ""


def test_reject_reasons_in_the_report_are_capped(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("ingest.pipeline.MAX_REJECT_REASONS", 2)
    stats, other = RunStats(), RunStats()
    for line in (1, 2, 3, 1):
        doc = Document(source="a.jsonl", kind="text")
        doc.reject = Reject("read", f"line {line} is not valid JSON")
        stats.count(doc)
    assert stats.reject_reasons == {
        "read: line 1 is not valid JSON": 2,
        "read: line 2 is not valid JSON": 1,
        OTHER_REASONS: 1,
    }
    other.count_reason("read: line 9 is not valid JSON", 5)
    stats.merge(other)
    assert stats.reject_reasons[OTHER_REASONS] == 6 and stats.rejected == 4
