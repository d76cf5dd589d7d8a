"""Bounded fuzzing of the two parsers that meet untrusted input: the decoder and the rules loader.

Neither may ever raise: bad bytes become a reject with a reason, bad rule files become problems
with a location.
"""

from __future__ import annotations

import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from ingest.document import Document
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
