"""The same pages give the same records whatever container held them, and a user's first step
(pandas, DuckDB, pyarrow: the reader behind `datasets.load_dataset("json")`) loads the output
with the dtypes docs/output.md documents."""

from __future__ import annotations

from pathlib import Path

import duckdb
import orjson
import pandas as pd
import pyarrow as pa
import pyarrow.json as paj
import pytest
from conftest import write_tree, write_warc

from ingest.io.parquet import SCHEMA
from ingest.pipeline import Pipeline

PARAGRAPHS = (
    "The harbour board met on Tuesday evening to hear plans for the old fish market, which "
    "has stood empty since the co-operative moved to the new quay three winters ago.",
    "Residents filled the hall. Several asked whether the building could be kept as a covered "
    "market, and the board agreed to commission a survey of the roof before the spring.",
)
CAFE = "The café by the lighthouse will reopen in March under its new owners, who promise soup."


def page(title: str, body: str, charset: str = "utf-8") -> str:
    return (
        f'<html><head><meta charset="{charset}"><title>{title}</title>'
        f'<meta name="author" content="Rhona Example"></head><body><article><h1>{title}</h1>'
        f"{body}</article></body></html>"
    )


HARBOUR = page("Market plans", "".join(f"<p>{p}</p>" for p in PARAGRAPHS))
LIGHTHOUSE = page("Café to reopen", f"<p>{CAFE}</p><p>{PARAGRAPHS[0]}</p>", "windows-1252")
NOTES = f"Skip to content\n\n{PARAGRAPHS[1]}\n\n{CAFE}\n"
PAGES = [  # (url, loose file, content type, body bytes as served)
    ("https://h.example/market", "market.html", "text/html; charset=utf-8", HARBOUR.encode()),
    ("https://h.example/cafe", "cafe.html", "text/html", LIGHTHOUSE.encode("cp1252")),
    ("https://h.example/notes", "notes.txt", "text/plain", NOTES.encode()),
]


def containers(root: Path) -> dict[str, Path]:
    """The same pages as loose files with sidecar urls, as a JSONL export and as a WARC."""
    loose: dict[str, str | bytes] = {}
    export = []
    for url, name, _, body in PAGES:
        loose[name] = body
        loose[name.rsplit(".", 1)[0] + ".json"] = orjson.dumps({"url": url})
        text = body.decode("cp1252" if b"windows-1252" in body else "utf-8")
        export.append({"url": url, "html" if name.endswith(".html") else "text": text})
    write_tree(root / "loose", loose)
    write_tree(root / "export", {"pages.jsonl": b"\n".join(map(orjson.dumps, export))})
    write_warc(root / "warc" / "crawl.warc.gz", [(u, "200 OK", t, b) for u, _, t, b in PAGES])
    return {name: root / name for name in ("loose", "export", "warc")}


@pytest.fixture(scope="module")
def outputs(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    root = tmp_path_factory.mktemp("formats")
    out = {}
    for name, folder in containers(root / "in").items():
        out[name] = root / f"{name}.jsonl"
        Pipeline().run(folder, out[name], workers=1)
    out["parquet"] = root / "export.parquet"
    Pipeline().run(root / "in" / "export", out["parquet"], workers=1)
    return out


def test_ids_and_texts_are_the_same_whichever_container_held_the_pages(outputs) -> None:
    seen = {}
    for name in ("loose", "export", "warc"):
        records = [orjson.loads(line) for line in outputs[name].read_bytes().splitlines()]
        seen[name] = sorted((r["id"], r["text"]) for r in records)
    assert len(seen["loose"]) == len(PAGES)
    assert seen["loose"] == seen["export"] == seen["warc"]
    assert any("café" in text for _, text in seen["loose"])


def test_pandas_reads_the_jsonl_with_the_documented_dtypes(outputs) -> None:
    frame = pd.read_json(outputs["export"], lines=True, dtype=False)
    strings = ["id", "text", "source", "url", "title", "encoding", "schema_version"]
    assert all(pd.api.types.is_string_dtype(frame[column]) for column in strings)
    assert frame["language_score"].dtype == "float64"
    assert frame["schema_version"].tolist() == ["1.0"] * len(PAGES)
    assert isinstance(frame["authors"][0], list) and isinstance(frame["stats"][0], dict)
    plain = pd.read_json(outputs["export"], lines=True)
    assert pd.api.types.is_string_dtype(plain["id"]) and pd.api.types.is_string_dtype(plain["text"])


def describe(relation: str) -> dict[str, str]:
    return dict(
        duckdb.sql(f"DESCRIBE SELECT * FROM {relation}").fetchall()[i][:2] for i in range(17)
    )


def test_duckdb_reads_the_jsonl_and_the_parquet_with_the_documented_types(outputs) -> None:
    stats = "STRUCT(chars_in BIGINT, chars_out BIGINT, lines_in BIGINT, lines_out BIGINT)"
    removed = 'STRUCT(line BIGINT, "text" VARCHAR, stage VARCHAR, "rule" VARCHAR, reason VARCHAR'
    inferred = describe(f"read_json_auto('{outputs['loose']}')")
    for column in ("id", "text", "source", "url", "title", "language", "schema_version"):
        assert inferred[column] == "VARCHAR"
    assert (inferred["authors"], inferred["language_score"]) == ("VARCHAR[]", "DOUBLE")
    assert inferred["stats"] == stats
    assert inferred["removed"] in (f"{removed})[]", f"{removed}, field VARCHAR)[]")
    assert describe(f"read_parquet('{outputs['parquet']}')") == {
        **dict.fromkeys(SCHEMA.names, "VARCHAR"),
        "authors": "VARCHAR[]",
        "repairs": "VARCHAR[]",
        "language_score": "DOUBLE",
        "removed": f"{removed}, field VARCHAR)[]",
        "stats": stats,
    }


def test_pyarrow_json_the_reader_behind_datasets_infers_the_documented_types(outputs) -> None:
    schema = paj.read_json(outputs["warc"]).schema
    for column in ("id", "text", "source", "url", "title", "schema_version"):
        assert schema.field(column).type == pa.string()
    assert schema.field("authors").type == pa.list_(pa.string())
    assert schema.field("language_score").type == pa.float64()
    assert schema.field("stats").type == SCHEMA.field("stats").type
