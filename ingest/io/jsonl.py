"""JSONL exports (Scrapy feeds and the like): one document per line.

Which fields hold the html, text, url, id and title is configurable (`JsonlFields`), each as a
list of names tried in order, so the defaults cover common crawler exports. `source` is
`FILE#LINE`. A line that is not a JSON object with a text or html field becomes a reject that
names the line and why; the rest of the file is still read.
"""

from __future__ import annotations

import codecs
from collections import Counter
from collections.abc import Iterator
from typing import IO, Any

import orjson

from ingest.document import Document
from ingest.io.readers import Input, JsonlFields, ReadOptions, open_input, rejected

JSON_TYPES = {
    list: "an array",
    str: "a string",
    int: "a number",
    float: "a number",
    bool: "a boolean",
    type(None): "null",
}


def read_jsonl(item: Input, options: ReadOptions, skipped: Counter[str]) -> Iterator[Document]:
    """One document per line of `item`; blank lines are counted in `skipped`."""
    with open_input(item) as stream:
        for number, line in enumerate(capped_lines(stream, options.max_bytes), start=1):
            source = f"{item.source}#{number}"
            if line is None:
                yield rejected(
                    source,
                    f"line {number} is over the size cap of {options.max_bytes:,} bytes "
                    "(raise it with --max-bytes)",
                )
            elif not line.strip():
                skipped["blank JSONL line"] += 1
            else:
                yield line_document(source, number, line, options.jsonl)


def capped_lines(stream: IO[bytes], max_bytes: int) -> Iterator[bytes | None]:
    """The lines of `stream`, never more than `max_bytes` of one in memory.

    A longer line is read past and comes back as None, so the line numbers stay true.
    """
    while line := stream.readline(max_bytes + 1):
        if len(line) <= max_bytes or line.endswith(b"\n"):
            yield line
            continue
        while line and not line.endswith(b"\n"):
            line = stream.readline(1 << 20)
        yield None


def line_document(source: str, number: int, line: bytes, fields: JsonlFields) -> Document:
    """The document one JSONL line holds, or a reject that says what is wrong with the line."""
    try:
        record = orjson.loads(line.removeprefix(codecs.BOM_UTF8).rstrip(b"\r\n"))
    except orjson.JSONDecodeError as error:
        return rejected(
            source, f"line {number} is not valid JSON: {error.msg} at column {error.colno}"
        )
    if not isinstance(record, dict):
        return rejected(
            source, f"line {number} holds {JSON_TYPES[type(record)]}, not a JSON object"
        )
    html = first_string(record, fields.html)
    body = html or first_string(record, fields.text)
    if body is None:
        names = ", ".join(fields.html + fields.text)
        return rejected(
            source, f"line {number} has no text: none of {names} holds a non-empty string"
        )
    # JSON text is Unicode already; as UTF-8 bytes it takes the same decode path as a file.
    doc = Document(source=source, kind="html" if html else "text", raw=body.encode("utf-8"))
    doc.hints["charset"] = "utf-8"
    doc.url = first_string(record, fields.url)
    doc.title = first_string(record, fields.title)
    doc.identity = first_string(record, fields.id, numbers=True) or doc.url
    return doc


def first_string(
    record: dict[str, Any], names: tuple[str, ...], numbers: bool = False
) -> str | None:
    """The first of `names` that holds a non-empty string (or, with `numbers`, an integer)."""
    for name in names:
        value = field_value(record, name)
        if isinstance(value, str) and value.strip():
            return value
        if numbers and isinstance(value, int) and not isinstance(value, bool):
            return str(value)
    return None


def field_value(record: dict[str, Any], name: str) -> Any:
    """`record[name]`, or for a dotted name missing as such, the path into nested objects."""
    if name in record:
        return record[name]
    value: Any = record
    for part in name.split("."):
        if not isinstance(value, dict):
            return None
        value = value.get(part)
    return value
