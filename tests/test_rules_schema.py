"""Rule validation: every problem at once, each with file:line and the valid choices.

Every message the schema can give is asserted here with its exact text and line.
"""

from __future__ import annotations

import time

import pytest

from ingest.rules import compile_safe, parse_rule_text
from ingest.rules.schema import STRPTIME_DIRECTIVES

CHROME_KEYS = (
    "between, case_sensitive, disabled, formats, from, id, keep, line, lines, reason, regex, until"
)
CHROME_KINDS = "between, from, keep, line, lines, regex, until"
STRPTIME = " ".join("%" + d for d in STRPTIME_DIRECTIVES)


def problems_of(text: str) -> list[str]:
    rule_file, problems = parse_rule_text(text, "r.yaml")
    assert rule_file is None
    return problems


def test_every_problem_is_reported_at_once_in_line_order() -> None:
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
        f"r.yaml:10: a 'chrome' rule needs exactly one of: {CHROME_KINDS}; found no rule kind",
        "r.yaml:11: unknown key 'regx' in a 'chrome' rule (did you mean 'regex'?); "
        f"valid keys: {CHROME_KEYS}",
        "r.yaml:13: rule 'c': regex 'a*' matches the empty string, so it could match any line; "
        "make it need at least one character ('x+' rather than 'x*')",
        "r.yaml:15: rule 'd': regex '(?=x)' does not compile: invalid perl operator: (?= "
        "(RE2 has no look-ahead or look-behind)",
        "r.yaml:18: rule 'by': a byline regex needs a named group (?P<authors>...)",
    ]


CASES = {
    # the file as a whole
    "empty file": ("", ["r.yaml:1: the file is empty; a rule file needs at least 'name'"]),
    "yaml syntax": (
        "name: x\nchrome:\n  - id: [\n",
        ["r.yaml:4: not valid YAML: expected the node content, but found '<stream end>'"],
    ),
    "not a mapping": (
        "- a\n- b\n",
        ["r.yaml:1: a rule file must be a mapping of keys, starting with 'name'"],
    ),
    "python object tag": (
        "name: !!python/object/apply:os.system ['true']\n",
        [
            "r.yaml:1: not allowed in a rule file: could not determine a constructor for the tag "
            "'tag:yaml.org,2002:python/object/apply:os.system' (rule files hold plain data only)",
            "r.yaml:1: 'name' must be a non-empty string",
        ],
    ),
    # top-level keys
    "no name": ("chrome: []\n", ["r.yaml:1: missing required key 'name'"]),
    "key twice": ("name: x\nname: y\n", ["r.yaml:2: key 'name' appears twice in a rule file"]),
    "unknown top key": (
        "name: x\nchromee: []\n",
        [
            "r.yaml:2: unknown key 'chromee' (did you mean 'chrome'?); valid keys: chrome, "
            "description, headline, language, match, metadata, name, site_name"
        ],
    ),
    "bad name": (
        "name: 'my site'\n",
        ["r.yaml:1: 'name' 'my site' may only use letters, digits, and . _ : -"],
    ),
    "description type": (
        "name: x\ndescription: 5\n",
        ["r.yaml:2: 'description' must be a non-empty string"],
    ),
    "language code": (
        "name: x\nlanguage: english\n",
        [
            "r.yaml:2: 'language' must be a two-letter ISO 639-1 code such as 'en' or 'de', "
            "not 'english'"
        ],
    ),
    "stage not a list": ("name: x\nchrome: {}\n", ["r.yaml:2: 'chrome' must be a list of rules"]),
    # match
    "match not a mapping": ("name: x\nmatch: [a]\n", ["r.yaml:2: 'match' must be a mapping"]),
    "match empty": (
        "name: x\nmatch: {}\n",
        ["r.yaml:2: 'match' must give at least one of: domains, paths, signature, urls"],
    ),
    "match list type": (
        "name: x\nmatch:\n  paths: []\n",
        ["r.yaml:3: 'match.paths' must be a string or a list of non-empty strings"],
    ),
    "domain with scheme": (
        "name: x\nmatch:\n  domains:\n    - ok.example\n    - https://news.example/\n",
        [
            "r.yaml:5: 'match.domains': 'https://news.example/' is not a domain name; write the "
            "host only, like 'news.example' (it also matches its subdomains)"
        ],
    ),
    "url regex": (
        "name: x\nmatch:\n  urls:\n    - '^https://a\\.example/'\n    - '(?<=x)y'\n",
        [
            "r.yaml:5: 'match.urls': regex '(?<=x)y' does not compile: invalid perl operator: "
            "(?<= (RE2 has no look-ahead or look-behind)"
        ],
    ),
    "signature key": (
        "name: x\nmatch:\n  signature:\n    phrases: [abcdef]\n    min_hit: 1\n",
        [
            "r.yaml:5: unknown key 'min_hit' in 'match.signature' (did you mean 'min_hits'?); "
            "valid keys: min_hits, phrases"
        ],
    ),
    "signature without phrases": (
        "name: x\nmatch:\n  signature:\n    min_hits: 1\n",
        ["r.yaml:4: 'match.signature' needs 'phrases'"],
    ),
    "short phrase": (
        "name: x\nmatch:\n  signature:\n    phrases:\n      - abc\n      - long enough\n",
        [
            "r.yaml:5: 'signature.phrases': 'abc' is too short to identify a site "
            "(at least 5 characters)"
        ],
    ),
    "phrase inside another": (
        "name: x\nmatch:\n  signature:\n    phrases:\n      - Abc Daily\n"
        "      - abc daily news\n      - ABC DAILY\n    min_hits: 2\n",
        [
            "r.yaml:5: 'signature.phrases': 'Abc Daily' is part of 'abc daily news', so one line "
            "would count as two hits",
            "r.yaml:7: 'signature.phrases': 'ABC DAILY' is part of 'Abc Daily', so one line "
            "would count as two hits",
        ],
    ),
    "min_hits type": (
        "name: x\nmatch:\n  signature:\n    phrases: [abcdef]\n    min_hits: 0\n",
        ["r.yaml:5: 'signature.min_hits' must be a positive whole number"],
    ),
    "min_hits too high": (
        "name: x\nmatch:\n  signature:\n    phrases: [long enough]\n    min_hits: 2\n",
        ["r.yaml:5: 'min_hits' is 2 but only 1 phrase(s) are listed"],
    ),
    # rules
    "rule not a mapping": (
        "name: x\nchrome:\n  - just text\n",
        ["r.yaml:3: a rule in 'chrome' must be a mapping"],
    ),
    "no id": ("name: x\nchrome:\n  - line: b\n", ["r.yaml:3: a 'chrome' rule needs an 'id'"]),
    "bad id": (
        "name: x\nchrome:\n  - id: A B\n    line: b\n",
        ["r.yaml:3: rule id 'A B' may only use lower-case letters, digits, and . _ -"],
    ),
    "duplicate id across stages": (
        "name: x\nchrome:\n  - id: a\n    line: b\nmetadata:\n  - id: a\n    credit: c\n",
        ["r.yaml:6: duplicate rule id 'a' (first defined at line 3)"],
    ),
    "several kinds": (
        "name: x\nchrome:\n  - id: a\n    line: b\n    regex: c\n",
        [
            f"r.yaml:3: a 'chrome' rule needs exactly one of: {CHROME_KINDS}; "
            "found several rule kinds (line, regex)"
        ],
    ),
    "text type": (
        "name: x\nchrome:\n  - id: a\n    lines: 5\n",
        ["r.yaml:4: 'lines' must be a string or a list of non-empty strings"],
    ),
    "empty line text": (
        "name: x\nchrome:\n  - id: a\n    line: ' '\n",
        ["r.yaml:4: 'line' must be a non-empty string"],
    ),
    "regex type": (
        "name: x\nchrome:\n  - id: a\n    from: ''\n",
        ["r.yaml:4: 'from' must be a non-empty regex string"],
    ),
    "regex pair": (
        "name: x\nchrome:\n  - id: a\n    between: ['^a']\n",
        ["r.yaml:4: 'between' must be a list of two regexes: [start, end]"],
    ),
    "regex pair item": (
        "name: x\nchrome:\n  - id: a\n    between:\n      - '^a'\n      - 'b?'\n",
        [
            "r.yaml:6: rule 'a': regex 'b?' matches the empty string, so it could match any "
            "line; make it need at least one character ('x+' rather than 'x*')"
        ],
    ),
    "back-reference": (
        "name: x\nchrome:\n  - id: a\n    regex: '(a)\\1'\n",
        [
            "r.yaml:4: rule 'a': regex '(a)\\1' does not compile: invalid escape sequence: \\1 "
            "(RE2 has no back-references)"
        ],
    ),
    "bool type": (
        "name: x\nchrome:\n  - id: a\n    line: b\n    disabled: 'no'\n",
        ["r.yaml:5: 'disabled' must be true or false"],
    ),
    "case_sensitive on text": (
        "name: x\nchrome:\n  - id: a\n    lines: [b]\n    case_sensitive: true\n",
        [
            "r.yaml:5: 'case_sensitive' applies to regex kinds only; 'line' and 'lines' always "
            "ignore case and runs of spaces"
        ],
    ),
    # metadata
    "date group": (
        "name: x\nmetadata:\n  - id: d\n    date: '\\d{4}'\n",
        ["r.yaml:4: rule 'd': a date regex needs a named group (?P<date>...)"],
    ),
    "formats outside metadata": (
        "name: x\nchrome:\n  - id: a\n    regex: b\n    formats: ['%Y']\n",
        ["r.yaml:5: 'formats' (date-format hints) applies to metadata rules only"],
    ),
    "formats without a date group": (
        "name: x\nmetadata:\n  - id: b\n    byline: '^By (?P<authors>.+)$'\n    formats: ['%Y']\n",
        [
            "r.yaml:5: rule 'b': 'formats' reads the (?P<date>...) group, which this regex "
            "does not have"
        ],
    ),
    "format directives": (
        "name: x\nmetadata:\n  - id: d\n    date: '(?P<date>.+)'\n    formats:\n"
        "      - '%d.%m.%Y'\n      - '%d.%Q'\n      - 'dd.mm.yyyy'\n",
        [
            f"r.yaml:7: 'formats': '%d.%Q' uses '%Q', which is not a strptime directive; "
            f"valid: {STRPTIME}",
            f"r.yaml:8: 'formats': 'dd.mm.yyyy' has no strptime directive; valid: {STRPTIME}",
        ],
    ),
}


@pytest.mark.parametrize("text,expected", list(CASES.values()), ids=list(CASES))
def test_each_message_with_its_location(text: str, expected: list[str]) -> None:
    assert problems_of(text) == expected


def test_a_valid_file_with_every_kind() -> None:
    text = """\
name: every-kind
description: One rule of each kind.
site_name: Every Kind
language: en
match:
  domains: [every.example]
  urls: ['^https://mirror\\.example/every/']
  paths: ['every/*']
  signature: {phrases: [Every Kind Daily, every.example], min_hits: 1}
chrome:
  - {id: a, line: Share}
  - {id: b, lines: [Tweet, Email]}
  - {id: c, regex: '^Read more', reason: a teaser}
  - {id: d, from: '^Comments$'}
  - {id: e, until: '^Menu end$'}
  - {id: f, between: ['^Related$', '^End related$'], case_sensitive: true}
  - {id: g, keep: '^Advertisement is'}
headline:
  - {id: h, heading: '^More from Every Kind$'}
metadata:
  - {id: i, byline: '^By (?P<authors>.+)$'}
  - {id: j, date: '^(?P<date>\\d\\d\\.\\d\\d\\.\\d{4})$', formats: ['%d.%m.%Y']}
  - {id: k, credit: '^Photo: '}
  - {id: l, reading_time: '^\\d+ min read$'}
  - {id: m, caption: '\\(Photo: [^()]+\\)$'}
  - {id: n, disabled: true}
"""
    rule_file, problems = parse_rule_text(text, "r.yaml")
    assert problems == [] and rule_file is not None
    assert rule_file.label == "site:every-kind"
    assert [rule.uid for rule in rule_file.rules] == [
        f"site:every-kind#{c}" for c in "abcdefghijklm"
    ]
    assert rule_file.disabled == {"site:every-kind#n": "r.yaml:26"}
    assert rule_file.rules[9].formats == ("%d.%m.%Y",)
    assert rule_file.rules[2].location == "r.yaml:13"
    assert rule_file.signature is not None and rule_file.signature.phrases[0] == "every kind daily"


def test_a_file_without_match_is_generic() -> None:
    rule_file, _ = parse_rule_text("name: house\nchrome:\n  - {id: a, line: b}\n", "r.yaml")
    assert rule_file is not None and rule_file.is_generic
    assert rule_file.rules[0].uid == "house#a"


def test_evil_regex_finishes_fast_on_a_long_line() -> None:
    regex, error = compile_safe(r"^(a+)+$")
    assert error is None and regex is not None
    started = time.perf_counter()
    assert regex.search("a" * 100_000 + "!") is None
    assert time.perf_counter() - started < 0.5


def test_a_rule_set_too_big_for_one_automaton_still_matches(monkeypatch) -> None:
    from ingest.rules import regex as regex_module

    tiny = regex_module.re2.Options()
    tiny.log_errors = False
    tiny.max_mem = 1 << 16
    monkeypatch.setattr(regex_module, "_SET_OPTIONS", tiny)
    patterns = [compile_safe(rf"^(foo|bar)[a-z ]{{0,120}}(end{n}|fin{n})$")[0] for n in range(40)]
    regex_set = regex_module.RegexSet(patterns)
    assert regex_set._set is None  # the combined automaton did not fit: one-by-one fallback
    assert regex_set.matches("foo and then the end7") == [7]
    assert regex_set.matches("nothing here") == []


def test_named_groups_are_those_of_the_first_match() -> None:
    regex, _ = compile_safe(r"(?P<name>\pL+)(?: (?P<age>\d+))?")
    assert regex is not None
    assert regex.named_groups("…Zoë 42, Bob") == {"name": "Zoë", "age": "42"}
    assert regex.named_groups("Bob") == {"name": "Bob", "age": None}
    assert regex.named_groups("42") is None
    assert regex.groupindex == {"name": 1, "age": 2}
