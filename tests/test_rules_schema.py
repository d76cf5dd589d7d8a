"""Rule validation: every problem at once, each with file:line and the valid choices."""

from __future__ import annotations

import time
from pathlib import Path

import pytest

from ingest.errors import RuleError
from ingest.rules import check_folders, compile_safe, load_rules, parse_rule_text


def problems_of(text: str) -> list[str]:
    rule_file, problems = parse_rule_text(text, "r.yaml")
    assert rule_file is None
    return problems


def test_every_problem_is_reported_with_its_line() -> None:
    text = """\
name: demo
match:
  domains: [demo.example]
  bogus: 1
chrome:
  - id: a
    regex: '(a'
  - id: a
    line: x
  - id: b
    regx: y
  - id: c
    regex: 'a*'
  - id: d
    from: '(?=x)'
metadata:
  - id: by
    byline: '^By (.+)'
"""
    assert problems_of(text) == [
        "r.yaml:4: unknown key 'bogus' in 'match'; valid keys: domains, paths, signature, urls",
        "r.yaml:7: rule 'a': regex '(a' does not compile: missing ): (a",
        "r.yaml:8: duplicate rule id 'a' (first defined at line 6)",
        "r.yaml:11: unknown key 'regx' in a 'chrome' rule; valid keys: between, case_sensitive, "
        "disabled, formats, from, id, keep, line, lines, reason, regex, until",
        "r.yaml:10: a 'chrome' rule needs exactly one of: between, from, keep, line, lines, "
        "regex, until; found no rule kind",
        "r.yaml:13: rule 'c': regex 'a*' matches the empty string, so it would match every line",
        "r.yaml:15: rule 'd': regex '(?=x)' does not compile: invalid perl operator: (?= "
        "(RE2 has no look-ahead or look-behind)",
        "r.yaml:18: rule 'by': a byline regex needs a named group (?P<authors>...)",
    ]


def test_wrong_types_and_top_level_keys() -> None:
    assert problems_of("name: x\nchromee: []\nchrome:\n  - id: a\n    lines: 5\n") == [
        "r.yaml:2: unknown key 'chromee'; valid keys: chrome, description, headline, language, "
        "match, metadata, name, site_name",
        "r.yaml:5: 'lines' must be a string or a list of non-empty strings",
    ]
    assert problems_of("chrome: []\n") == ["r.yaml:1: missing required key 'name'"]
    assert problems_of("name: x\nchrome: {}\n") == ["r.yaml:2: 'chrome' must be a list of rules"]


def test_yaml_syntax_error_has_a_location() -> None:
    assert problems_of("name: x\nchrome:\n  - id: [\n") == [
        "r.yaml:4: not valid YAML: expected the node content, but found '<stream end>'"
    ]


def test_yaml_objects_are_never_constructed() -> None:
    problems = problems_of("name: !!python/object/apply:os.system ['true']\n")
    assert problems == [
        "r.yaml:1: not allowed in a rule file: could not determine a constructor for the tag "
        "'tag:yaml.org,2002:python/object/apply:os.system' (rule files hold plain data only)",
        "r.yaml:1: 'name' must be a non-empty string",
    ]


def test_evil_regex_finishes_fast_on_a_long_line() -> None:
    regex, error = compile_safe(r"^(a+)+$")
    assert error is None and regex is not None
    started = time.perf_counter()
    assert regex.search("a" * 100_000 + "!") is None
    assert time.perf_counter() - started < 0.5


def test_run_refuses_invalid_rules(tmp_path: Path) -> None:
    (tmp_path / "bad.yaml").write_text("name: bad\nchrome:\n  - id: x\n    regex: '['\n")
    with pytest.raises(RuleError) as caught:
        load_rules(tmp_path)
    assert "bad.yaml:4" in str(caught.value)


def test_shipped_rules_are_valid() -> None:
    files, problems = check_folders([Path(__file__).resolve().parents[1] / "rules"])
    assert problems == []
    assert any(f.name == "generic" for f in files)


def test_user_folder_overrides_by_id_and_disables(tmp_path: Path) -> None:
    (tmp_path / "generic.yaml").write_text(
        "name: generic\nchrome:\n"
        "  - id: advertisement\n    line: Werbeblock\n"
        "  - id: skip-to-content\n    regex: x\n    disabled: true\n"
        "  - id: extra\n    line: Extra chrome\n"
    )
    rules = load_rules(tmp_path)
    generic = next(f for f in rules.files if f.name == "generic")
    by_id = {rule.uid: rule for rule in generic.rules}
    assert by_id["generic#advertisement"].texts == ("Werbeblock",)
    assert "generic#skip-to-content" not in by_id
    assert "generic#extra" in by_id
    assert rules.digest() != load_rules().digest()
