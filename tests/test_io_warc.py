"""WARC inputs: 200 HTML and text responses become documents; every other record is counted."""

from __future__ import annotations

import gzip
from pathlib import Path

import orjson
from conftest import read_inputs, write_warc

from ingest.io.readers import ReadOptions
from ingest.pipeline import Pipeline

PARAGRAPHS = [
    "The new café on the harbour opened this morning to a long queue of residents.",
    "Its owners, two sisters who grew up above the chandlery, spent a year restoring the room.",
    "The café will serve breakfast from seven, and soup at lunch for the boat crews.",
]
HTML = "<html><body><article><h1>Café opens</h1>" + "".join(f"<p>{p}</p>" for p in PARAGRAPHS)
HTML += "</article></body></html>"
TEXT = "\n\n".join(reversed(PARAGRAPHS))
PNG = b"\x89PNG\r\n\x1a\n" + bytes(range(256))
EXCHANGES = [
    ("https://a.example/cafe", "200 OK", "text/html; charset=ISO-8859-1", HTML.encode("cp1252")),
    ("https://a.example/notes.txt", "200 OK", "text/plain", TEXT.encode()),
    ("https://a.example/gone", "404 Not Found", "text/html", b"<p>Not found</p>"),
    ("https://a.example/logo.png", "200 OK", "image/png", PNG),
    ("https://a.example/lies", "200 OK", "text/html", PNG),
]


def test_responses_become_documents_and_the_rest_is_counted(tmp_path: Path) -> None:
    write_warc(tmp_path / "in" / "crawl.warc.gz", EXCHANGES)
    docs, skipped = read_inputs(tmp_path / "in")
    assert [(d.url, d.kind, d.hints, d.metadata) for d in docs] == [
        (url, kind, hints, {"warc_date": "2024-05-01T12:00:00Z"})
        for url, kind, hints in [
            ("https://a.example/cafe", "html", {"charset": "iso-8859-1"}),
            ("https://a.example/notes.txt", "text", {}),
            ("https://a.example/lies", "html", {}),
        ]
    ]
    assert all(d.source.startswith("crawl.warc.gz#urn:uuid:") for d in docs)
    assert len({d.source for d in docs}) == 3
    assert [d.identity for d in docs] == [d.url for d in docs]
    assert skipped == {
        "WARC request record": 5,
        "WARC response: HTTP 404": 1,
        "WARC response: image/png": 1,
    }


def test_the_http_charset_decodes_and_binary_payloads_are_rejected(tmp_path: Path) -> None:
    write_warc(tmp_path / "in" / "crawl.warc.gz", EXCHANGES)
    out = tmp_path / "o.jsonl"
    stats = Pipeline().run(tmp_path / "in", out, workers=1)
    assert (stats.written, stats.rejected, stats.failed) == (2, 1, 0)
    assert stats.skipped["WARC response: HTTP 404"] == 1
    assert stats.reject_reasons == {"decode: not a text document: PNG image": 1}
    html, text = map(orjson.loads, out.read_bytes().splitlines())
    assert (html["encoding"], text["encoding"]) == ("cp1252", "utf-8")
    assert "café" in html["text"] and "café" in text["text"]


def test_whole_file_gzip_and_plain_warc_read_the_same(tmp_path: Path) -> None:
    plain = write_warc(tmp_path / "in" / "a.warc", EXCHANGES, gz=False)
    (tmp_path / "in" / "b.warc.gz").write_bytes(gzip.compress(plain.read_bytes()))
    docs, skipped = read_inputs(tmp_path / "in")
    a, b = docs[:3], docs[3:]
    assert [(d.source.split("#")[1], d.raw) for d in a] == [
        (d.source.split("#")[1], d.raw) for d in b
    ]
    assert skipped["WARC request record"] == 10


def test_a_file_that_is_not_a_warc_is_one_reject(tree) -> None:
    root = tree({"x.warc": "this is not an archive\n"})
    (doc,), _ = read_inputs(root)
    assert doc.source == "x.warc"
    assert doc.reject is not None and doc.reject.reason.startswith(
        "reading stopped before the first document: not a valid WARC file: "
    )


def test_a_response_over_the_size_cap_is_rejected(tmp_path: Path) -> None:
    write_warc(tmp_path / "in" / "c.warc.gz", EXCHANGES[:2])
    cap = len(TEXT.encode())
    docs, _ = read_inputs(tmp_path / "in", ReadOptions(max_bytes=cap))
    assert [d.reject and d.reject.reason for d in docs] == [
        f"the response is over the size cap of {cap:,} bytes (raise it with --max-bytes)",
        None,
    ]
