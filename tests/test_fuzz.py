"""Bounded fuzzing of the parsers that meet untrusted input: the decoder, the rules loader, and
the container readers (JSONL, WARC, gzip).

None may ever raise: bad bytes become a reject with a reason, bad rule files become problems
with a location.
"""

from __future__ import annotations

import gzip
import tempfile
from pathlib import Path

import yaml
from conftest import read_inputs
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from ingest.document import Document
from ingest.io.readers import ReadOptions
from ingest.rules import parse_rule_text
from ingest.rules.schema import RULE_OPTIONS, STAGE_KINDS, TOP_KEYS
from ingest.stages.decode import Decode

FUZZ = settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])

KEYS = st.sampled_from(
    [*TOP_KEYS, *RULE_OPTIONS, *(k for kinds in STAGE_KINDS.values() for k in kinds), "junk"]
)
SCALARS = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(),
    st.text(max_size=20),
    st.sampled_from(["(a", "a*", "^x$", "(?P<authors>.+)", "[", "\\", "(?=x)"]),
)
VALUES = st.recursive(
    SCALARS,
    lambda inner: st.one_of(st.lists(inner, max_size=4), st.dictionaries(KEYS, inner, max_size=4)),
    max_leaves=12,
)


@FUZZ
@given(
    st.binary(max_size=4096),
    st.sampled_from(["text", "html"]),
    st.sampled_from([None, "utf-8", "bogus", "utf-16", "cp1252"]),
)
def test_decoder_never_raises(raw: bytes, kind: str, charset: str | None) -> None:
    doc = Document(source="fuzz", kind=kind, raw=raw)  # type: ignore[arg-type]
    if charset:
        doc.hints["charset"] = charset
    doc = Decode()(doc)
    assert doc.reject is not None or isinstance(doc.text if kind == "text" else doc.html, str)


@FUZZ
@given(st.text(max_size=400))
def test_rules_loader_never_raises_on_any_text(text: str) -> None:
    rule_file, problems = parse_rule_text(text, "fuzz.yaml")
    assert (rule_file is None) == bool(problems)
    assert all(problem.startswith("fuzz.yaml") for problem in problems)


@FUZZ
@given(st.dictionaries(KEYS, VALUES, max_size=6))
def test_rules_loader_never_raises_on_any_structure(data: dict) -> None:
    rule_file, problems = parse_rule_text(yaml.safe_dump(data), "fuzz.yaml")
    assert (rule_file is None) == bool(problems)
    assert all(problem.startswith("fuzz.yaml:") for problem in problems)


WARC_RESPONSE = (
    b"WARC/1.0\r\nWARC-Type: response\r\nWARC-Record-ID: <urn:uuid:fuzz>\r\n"
    b"Content-Type: application/http; msgtype=response\r\nContent-Length: %d\r\n\r\n"
)
HTTP_HEAD = st.sampled_from(
    [b"", b"HTTP/1.1 200 OK\r\n", b"HTTP/1.1 200 OK\r\nContent-Type: text/html\r\n\r\n"]
)


def container(name: str, body: bytes, head: bytes) -> bytes:
    """`body` shaped enough like the container `name` names to get past its first checks."""
    if ".warc" in name:
        body = WARC_RESPONSE % (len(head) + len(body)) + head + body
    return gzip.compress(body, mtime=0) if name.endswith(".gz") else body


@FUZZ
@given(
    st.sampled_from(["a.jsonl", "a.jsonl.gz", "a.warc", "a.warc.gz", "a.txt.gz"]),
    st.binary(max_size=600),
    HTTP_HEAD,
    st.booleans(),
)
@example("a.warc", b"\x00", b"HTTP/1.1 200 OK\r\n", True)  # warcio: a response with no URI
def test_container_readers_never_raise(name: str, body: bytes, head: bytes, shaped: bool) -> None:
    with tempfile.TemporaryDirectory() as temp:
        Path(temp, name).write_bytes(container(name, body, head) if shaped else body)
        docs, _ = read_inputs(Path(temp), ReadOptions(max_bytes=1000))
    for doc in docs:
        assert doc.reject is None or doc.reject.reason
