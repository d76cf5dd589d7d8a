"""Writers: every format reads back the same records, nothing appears half-written, and the
format comes from the name or an explicit choice that must agree with it."""

from __future__ import annotations

import gzip
from pathlib import Path
from typing import Any

import orjson
import pyarrow.parquet as pq
import pytest
import zstandard
from conftest import doc_from_lines

from ingest.document import Removal
from ingest.errors import ConfigError
from ingest.io.parquet import SCHEMA
from ingest.io.writers import FORMATS, AtomicJsonl, open_writer, resolve_format


def records() -> list[dict[str, Any]]:
    first = doc_from_lines(
        "Skip to content",
        "A body paragraph.",
        source="a/one.html",
        url="https://a.example/one",
        authors=["Ann Example", "Bo Example"],
        language="en",
        language_score=0.98,
        encoding="utf-8",
        metadata={"sitename": "A", "warc_date": "2024-05-01T12:00:00Z"},
    )
    first.lines[0].removal = Removal("chrome", "generic#skip-to-content", "navigation")
    second = doc_from_lines("By Ann", "Another paragraph.", source="b.txt", repairs=["nbsp"])
    second.lines[0].removal = Removal("metadata", "generic#byline", "a byline", field="authors")
    return [first.to_record(), second.to_record()]


def read_back(path: Path) -> list[dict[str, Any]]:
    """Records as a reader of each format sees them, in the JSON record's shape."""
    if path.suffix == ".parquet":
        rows = pq.read_table(path).to_pylist()
        for row in rows:
            row["metadata"] = orjson.loads(row["metadata"])
            row["removed"] = [{k: v for k, v in r.items() if v is not None} for r in row["removed"]]
        return rows
    with open(path, "rb") as handle:
        data = handle.read()
    if path.suffix == ".gz":
        data = gzip.decompress(data)
    elif path.suffix == ".zst":
        data = zstandard.ZstdDecompressor().stream_reader(data).read()
    return [orjson.loads(line) for line in data.splitlines()]


@pytest.mark.parametrize("extension", FORMATS.values())
def test_each_format_reads_back_the_same_records_and_is_deterministic(
    tmp_path: Path, extension: str
) -> None:
    outputs = []
    for name in ("first", "second"):
        path = tmp_path / f"{name}{extension}"
        with open_writer(path) as writer:
            for record in records():
                writer.write(record)
        assert writer.count == 2
        outputs.append(path)
    assert read_back(outputs[0]) == records()
    assert outputs[0].read_bytes() == outputs[1].read_bytes()
    assert sorted(p.name for p in tmp_path.iterdir()) == [p.name for p in outputs]


@pytest.mark.parametrize("extension", FORMATS.values())
def test_nothing_is_visible_after_a_crash(tmp_path: Path, extension: str) -> None:
    path = tmp_path / f"out{extension}"
    with pytest.raises(RuntimeError), open_writer(path) as writer:
        writer.write(records()[0])
        raise RuntimeError("crash")
    assert list(tmp_path.iterdir()) == []


def test_the_parquet_schema_has_the_record_columns_in_order() -> None:
    assert SCHEMA.names == list(records()[0])
    assert SCHEMA.field("metadata").metadata == {b"encoding": b"json"}


def test_the_format_comes_from_the_name_or_an_agreeing_choice(tmp_path: Path) -> None:
    assert resolve_format(tmp_path / "o.JSONL") == "jsonl"
    assert resolve_format(tmp_path / "o.jsonl.gz") == "jsonl.gz"
    assert resolve_format(tmp_path / "part-0", "parquet") == "parquet"
    with pytest.raises(ConfigError, match="cannot tell the output format from the name"):
        resolve_format(tmp_path / "o.txt")
    with pytest.raises(
        ConfigError, match="the name says jsonl but the format asked for is parquet"
    ):
        resolve_format(tmp_path / "o.jsonl", "parquet")
    with pytest.raises(ConfigError, match="unknown output format 'csv'"):
        resolve_format(tmp_path / "o.csv", "csv")


def test_atomic_jsonl_keeps_compressing_by_its_name(tmp_path: Path) -> None:
    with AtomicJsonl(tmp_path / "r.jsonl.gz") as writer:
        writer.write({"id": "x"})
    assert gzip.decompress((tmp_path / "r.jsonl.gz").read_bytes()) == b'{"id":"x"}\n'


def test_a_format_that_disagrees_with_the_name_is_a_usage_error(tree, tmp_path: Path) -> None:
    from click.testing import CliRunner

    from ingest.cli import main

    out = tmp_path / "out"
    args = ["run", str(tree({"a.txt": "Body."})), "-o", str(out / "o.jsonl"), "--format", "parquet"]
    result = CliRunner().invoke(main, args)
    assert result.exit_code == 2
    assert "the name says jsonl but the format asked for is parquet" in result.output
    assert not out.exists() or not any(out.iterdir())
