"""JSONL inputs: one document per line, configurable fields, and bad lines that become rejects."""

from __future__ import annotations

import gzip
from pathlib import Path

import orjson
from conftest import read_inputs

from ingest.cli import main
from ingest.document import Document
from ingest.io.readers import JsonlFields, ReadOptions, discover

BODY = "A paragraph of body text that is long enough to be kept by every stage."
HTML = f"<html><body><article><p>{BODY}</p><p>{BODY}</p></article></body></html>"


def jsonl(*lines: object) -> bytes:
    """A JSONL export: dicts and lists become JSON, bytes stay as written (malformed lines)."""
    return b"".join(
        (line if isinstance(line, bytes) else orjson.dumps(line)) + b"\n" for line in lines
    )


def test_discovery_knows_jsonl_in_any_case_and_no_sidecar_for_it(tree) -> None:
    root = tree({"a.jsonl": b"", "b.JSONL.GZ": gzip.compress(b""), "a.json": "{}"})
    found = discover(root)
    assert [(i.source, i.kind, i.compressed, i.sidecar) for i in found.inputs] == [
        ("a.jsonl", "jsonl", False, None),
        ("b.JSONL.GZ", "jsonl", True, None),
    ]
    assert found.skipped == {"unknown extension: .json": 1}


def test_a_malformed_line_is_rejected_and_the_rest_is_read(tree) -> None:
    root = tree(
        {
            "feed.jsonl": jsonl(
                {"url": "https://a.example/1", "title": "One", "body": BODY},
                b'{"url": "https://a.example/2", "text": "cut',
                {"link": "https://a.example/3", "raw_html": HTML, "text": "ignored"},
                b"  ",
                [1, 2],
                {"url": "https://a.example/5", "text": ""},
                {"id": 17, "content": BODY},
            )
        }
    )
    docs, skipped = read_inputs(root)
    assert [(d.source, d.kind, d.url, d.reject and d.reject.reason) for d in docs] == [
        ("feed.jsonl#1", "text", "https://a.example/1", None),
        (
            "feed.jsonl#2",
            "text",
            None,
            "line 2 is not valid JSON: unexpected end of data at column 44",
        ),
        ("feed.jsonl#3", "html", "https://a.example/3", None),
        ("feed.jsonl#5", "text", None, "line 5 holds an array, not a JSON object"),
        (
            "feed.jsonl#6",
            "text",
            None,
            "line 6 has no text: none of html, raw_html, content_html, text, content, body "
            "holds a non-empty string",
        ),
        ("feed.jsonl#7", "text", None, None),
    ]
    assert skipped == {"blank JSONL line": 1}
    first, third, last = docs[0], docs[2], docs[-1]
    assert (first.raw.decode(), first.title, first.hints) == (BODY, "One", {"charset": "utf-8"})
    assert third.raw.decode() == HTML
    assert (first.identity, third.identity, last.identity) == (
        "https://a.example/1",
        "https://a.example/3",
        "17",
    )


def test_fields_are_configurable_with_dotted_paths_and_can_be_turned_off(tree) -> None:
    root = tree(
        {
            "f.jsonl": jsonl(
                {"id": "x1", "article": {"body": BODY}, "meta": {"url": "https://b.example/1"}}
            )
        }
    )
    fields = JsonlFields(text=("article.body",), url=("meta.url",), id=())
    (doc,), _ = read_inputs(root, ReadOptions(jsonl=fields))
    assert (doc.raw.decode(), doc.url, doc.identity) == (BODY, "https://b.example/1", doc.url)


def test_an_oversized_line_is_rejected_and_line_numbers_stay_true(tree) -> None:
    root = tree({"f.jsonl": jsonl({"text": "x" * 500}, {"text": BODY})})
    docs, _ = read_inputs(root, ReadOptions(max_bytes=200))
    assert [(d.source, d.reject and d.reject.reason) for d in docs] == [
        ("f.jsonl#1", "line 1 is over the size cap of 200 bytes (raise it with --max-bytes)"),
        ("f.jsonl#2", None),
    ]


def test_a_bom_and_crlf_line_endings_are_read(tree) -> None:
    root = tree({"f.jsonl": b"\xef\xbb\xbf" + jsonl({"text": BODY}).replace(b"\n", b"\r\n")})
    (doc,), _ = read_inputs(root)
    assert doc.reject is None and doc.raw.decode() == BODY


def test_a_truncated_gzip_export_keeps_what_was_read(tree) -> None:
    export = gzip.compress(jsonl(*({"text": f"{BODY} {n}"} for n in range(200))))
    root = tree({"f.jsonl.gz": export[: len(export) // 2]})
    docs, _ = read_inputs(root)
    *read, last = docs
    assert read and all(d.reject is None for d in read)
    assert last.source == "f.jsonl.gz"
    assert last.reject is not None and last.reject.reason.startswith(
        f"reading stopped after f.jsonl.gz#{len(read)}: corrupt or truncated gzip file"
    )


def test_a_jsonl_export_runs_end_to_end_from_the_cli(tree, tmp_path: Path) -> None:
    from click.testing import CliRunner

    story = "\n\n".join(
        [
            "The lifeboat crew was called out twice on Sunday, first to a yacht with a bad rudder.",
            "The second call came at dusk, when a kayaker was reported overdue off the point.",
            "Both were brought ashore safely, and the station thanked the coastguard for its help.",
        ]
    )
    root = tree({"f.jsonl": jsonl({"story": story, "href": "https://c.example/1"}, b"{")})
    out = tmp_path / "o.jsonl"
    args = ["run", str(root), "-o", str(out), "-w", "1", "--text-field", "story"]
    result = CliRunner().invoke(main, [*args, "--url-field", "href"])
    assert result.exit_code == 0, result.output
    (record,) = map(orjson.loads, out.read_bytes().splitlines())
    assert (record["source"], record["url"]) == ("f.jsonl#1", "https://c.example/1")
    assert "lifeboat crew" in record["text"]
    assert record["id"] == Document("elsewhere.html", "html", identity=record["url"]).id
    (reject,) = map(orjson.loads, (tmp_path / "o.rejects.jsonl").read_bytes().splitlines())
    assert (reject["source"], reject["stage"]) == ("f.jsonl#2", "read")
