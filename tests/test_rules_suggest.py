"""`rules suggest` as a library: whatever the lines, the draft is a valid rule file that
matches the documents it came from and removes exactly the lines it lists."""

from __future__ import annotations

from conftest import doc_from_lines
from hypothesis import given, settings
from hypothesis import strategies as st

from ingest.repeats import line_key
from ingest.rules import RuleSet, parse_rule_text
from ingest.rules.suggest import digits_pattern, repeated_lines, suggest_rules
from ingest.stages.chrome import ChromePlan

LINE = st.text(
    st.characters(blacklist_categories=("Cs", "Cc", "Zl", "Zp")), min_size=1, max_size=40
).filter(str.strip)


@settings(max_examples=60, deadline=None)
# Distinct lines as the counting sees them: lines differing only in digits share a key, and one
# such pair split between top and bottom is rightly taken for a wandering headline.
@given(chrome=st.lists(LINE, min_size=1, max_size=4, unique_by=line_key), seed=st.integers(0, 99))
def test_any_draft_is_valid_and_removes_what_it_lists(chrome: list[str], seed: int) -> None:
    half = len(chrome) // 2
    documents = [
        [*chrome[:half], f"Body of page {page} after {seed} words.", *chrome[half:]]
        for page in ("one", "two", "three")
    ]
    text = suggest_rules(documents, "draft", 3, "pages/")
    if text is None:  # every chrome line is too short to make a signature
        assert all(len(line.strip()) < 5 for line in chrome)
        return
    rule_file, problems = parse_rule_text(text, "draft.yaml")
    assert problems == [] and rule_file is not None
    rules = RuleSet([rule_file])
    plan = ChromePlan(rules.rules_for(rule_file, "chrome"))
    for lines in documents:
        assert rules.site_for(None, "pages/x.txt", lines) is rule_file
        doc = doc_from_lines(*lines)
        plan.apply(doc, "chrome")
        assert [line.text for line in doc.lines if line.kept] == [lines[half]]


def test_lines_that_differ_in_digits_become_one_regex() -> None:
    assert digits_pattern("View comments (14)") == r"^View\s+comments\s+\(\d+\)$"
    found = repeated_lines([["Page 1 of 3", "a"], ["page 2 of  3", "b"], ["Page 3 of 3"]], 3)
    assert [(r.spellings, r.count) for r in found] == [
        (("Page 1 of 3", "Page 3 of 3", "page 2 of  3"), 3)
    ]
    assert found[0].pattern == r"^Page\s+\d+\s+of\s+\d+$"
