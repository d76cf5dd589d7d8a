"""Parquet output, with an explicit schema: the record's columns, in the record's order.

An explicit schema (not one inferred from the first rows) keeps every file of a corpus
identical in type, even when a column is null in all of one file's rows. Nested fields stay
nested (lists and structs); `metadata`, whose keys vary from page to page, is a JSON string.
Needs the optional extra: pip install 'ingest[parquet]'.
"""

from __future__ import annotations

from typing import IO, Any

import orjson
import pyarrow as pa
import pyarrow.parquet as pq

from ingest.document import SCHEMA_VERSION
from ingest.io.writers import RecordWriter

TEXT = pa.string()
SCHEMA = pa.schema(
    [
        pa.field("id", TEXT, nullable=False),
        pa.field("text", TEXT, nullable=False),
        pa.field("source", TEXT, nullable=False),
        pa.field("url", TEXT),
        pa.field("site", TEXT),
        pa.field("title", TEXT),
        pa.field("authors", pa.list_(TEXT)),
        pa.field("published", TEXT),
        pa.field("language", TEXT),
        pa.field("language_score", pa.float64()),
        pa.field("encoding", TEXT),
        pa.field("repairs", pa.list_(TEXT)),
        pa.field("metadata", TEXT, metadata={"encoding": "json"}),
        pa.field(
            "removed",
            pa.list_(
                pa.struct(
                    [
                        ("line", pa.int64()),
                        ("text", TEXT),
                        ("stage", TEXT),
                        ("rule", TEXT),
                        ("reason", TEXT),
                        ("field", TEXT),
                    ]
                )
            ),
        ),
        pa.field(
            "stats",
            pa.struct(
                [(name, pa.int64()) for name in ("chars_in", "chars_out", "lines_in", "lines_out")]
            ),
        ),
        pa.field("rules_digest", TEXT),
        pa.field("schema_version", TEXT),
    ],
    metadata={"ingest.schema_version": SCHEMA_VERSION},
)
ROW_GROUP = 1024  # records buffered per row group: bounded memory, and good scan granularity


class ParquetWriter(RecordWriter):
    """A Parquet file (zstd-compressed columns) that appears only on commit."""

    def start(self, raw: IO[bytes]) -> None:
        self._writer = pq.ParquetWriter(raw, SCHEMA, compression="zstd")
        self._rows: list[dict[str, Any]] = []

    def write(self, record: dict[str, Any]) -> None:
        self._rows.append({**record, "metadata": orjson.dumps(record["metadata"]).decode()})
        self.count += 1
        if len(self._rows) >= ROW_GROUP:
            self.flush_rows()

    def flush_rows(self) -> None:
        if self._rows:
            self._writer.write_table(pa.Table.from_pylist(self._rows, schema=SCHEMA))
            self._rows = []

    def finish(self) -> None:
        self.flush_rows()
        self._writer.close()
