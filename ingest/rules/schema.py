"""The rule schema: what a rule file may say, and the checks that report every problem.

A rule file is YAML. It names itself, may say which documents it matches (a file without
`match` applies to every document: that is what makes `rules/generic.yaml` generic), and lists
rules grouped by the stage that applies them. Every rule has an `id`, and `NAME#ID` is its
provenance label. See rules/README.md for the walk-through with one example per kind.
"""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass, field
from typing import Any

import yaml

from ingest.rules.regex import SafeRegex, compile_safe

# Per stage, the rule kinds it accepts, and what the value of each kind must be.
STAGE_KINDS: dict[str, dict[str, str]] = {
    "chrome": {
        "line": "text",
        "lines": "text-list",
        "regex": "regex",
        "from": "regex",
        "until": "regex",
        "between": "regex-pair",
        "keep": "regex",
    },
    "headline": {"heading": "regex"},
    "metadata": {
        "byline": "regex",
        "date": "regex",
        "credit": "regex",
        "reading_time": "regex",
        "caption": "regex",
    },
}
RULE_OPTIONS = {
    "id": "text",
    "reason": "text",
    "case_sensitive": "bool",
    "formats": "text-list",
    "disabled": "bool",
}
TOP_KEYS = ("name", "description", "match", "language", "site_name", *STAGE_KINDS)
MATCH_KEYS = ("domains", "urls", "paths", "signature")
SIGNATURE_KEYS = ("phrases", "min_hits")
ID_PATTERN = re.compile(r"^[a-z0-9][a-z0-9_.-]*$")
NAME_PATTERN = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.:-]*$")
LANGUAGE_PATTERN = re.compile(r"^[a-z]{2}$")
DOMAIN_PATTERN = re.compile(r"^[^\s/:*?#@]+\.[^\s/:*?#@]+$")
METADATA_GROUPS = {"byline": "authors", "date": "date"}
# The strptime directives a date-format hint may use (Python's `datetime.strptime`).
STRPTIME_DIRECTIVES = "aAbBcdfGHIjmMpSuUVwWxXyYzZ%"
MIN_PHRASE_CHARS = 5  # a shorter signature phrase would occur in many unrelated documents


@dataclass(slots=True, frozen=True)
class Rule:
    """One rule: its stage and kind, its pattern(s), and where it was written."""

    uid: str  # NAME#ID, the provenance label
    stage: str
    kind: str
    patterns: tuple[SafeRegex, ...] = ()
    texts: tuple[str, ...] = ()
    reason: str | None = None
    formats: tuple[str, ...] = ()
    location: str = ""


@dataclass(slots=True, frozen=True)
class Signature:
    """Phrases that identify a site in the text itself, and how many must be present."""

    phrases: tuple[str, ...]
    min_hits: int

    def hits(self, folded: str) -> int:
        """How many of the phrases occur in a document's case-folded text."""
        return sum(1 for phrase in self.phrases if phrase in folded)


@dataclass(slots=True)
class RuleFile:
    """A parsed, valid rule file."""

    name: str
    path: str
    label: str  # the provenance prefix: NAME for generic files, site:NAME for site files
    domains: tuple[str, ...] = ()
    urls: tuple[SafeRegex, ...] = ()
    paths: tuple[str, ...] = ()
    signature: Signature | None = None
    description: str | None = None
    language: str | None = None
    site_name: str | None = None
    rules: list[Rule] = field(default_factory=list)
    disabled: dict[str, str] = field(default_factory=dict)  # NAME#ID -> where it was disabled
    name_line: int = 1

    @property
    def is_generic(self) -> bool:
        return not (self.domains or self.urls or self.paths or self.signature)


class Problems(list):
    """Collects every problem of a file as (line, message), instead of stopping at the first."""

    def __init__(self, path: str) -> None:
        super().__init__()
        self.path = path

    def add(self, node: yaml.Node, message: str) -> None:
        line = node.start_mark.line + 1
        self.append((line, f"{self.path}:{line}: {message}"))

    def report(self) -> list[str]:
        """Every problem in the order of the file's lines, so a person can fix them top down."""
        return [text for _, text in sorted(self, key=lambda problem: problem[0])]


def choices(options: Any) -> str:
    return ", ".join(sorted(options))


def did_you_mean(word: str, valid: Any) -> str:
    """' (did you mean 'X'?)' for the closest valid word, or '' when none is close."""
    close = difflib.get_close_matches(word, list(valid), n=1)
    return f" (did you mean '{close[0]}'?)" if close else ""


def unknown_key(key: str, valid: Any, where: str = "") -> str:
    """The message for an unknown key: the closest valid key, if any, then every valid one."""
    return f"unknown key '{key}'{where}{did_you_mean(key, valid)}; valid keys: {choices(valid)}"


def covers(phrases: list[str], outer: int, inner: int) -> bool:
    """True when phrase `outer` contains phrase `inner` as the matcher compares them (case
    folded), so a line with the one counts for both; of two equal phrases, the first covers."""
    big, small = phrases[outer].casefold(), phrases[inner].casefold()
    return outer != inner and small in big and (len(big) > len(small) or outer < inner)


def item_nodes(node: yaml.Node) -> list[yaml.Node]:
    """The nodes of a list's items (or the node itself for a single value), for their lines."""
    return list(node.value) if isinstance(node, yaml.SequenceNode) else [node]


def paired(node: yaml.Node, values: list[str] | None) -> list[tuple[yaml.Node, str]]:
    """Each value of a valid list-valued key with its own node, so problems name its line."""
    return list(zip(item_nodes(node), values, strict=True)) if values else []


class FileParser:
    """Turns one YAML document's node tree into a RuleFile, noting problems with line numbers."""

    def __init__(self, path: str, loader: yaml.SafeLoader, problems: Problems) -> None:
        self.path = path
        self.loader = loader
        self.problems = problems

    def value(self, node: yaml.Node) -> Any:
        """The plain value of a node; tags that would build objects are refused, not run."""
        try:
            return self.loader.construct_object(node, deep=True)
        except yaml.constructor.ConstructorError as error:
            self.problems.add(
                node,
                f"not allowed in a rule file: {error.problem} (rule files hold plain data only)",
            )
            return None

    def mapping(self, node: yaml.Node, what: str) -> dict[str, tuple[yaml.Node, yaml.Node]]:
        if not isinstance(node, yaml.MappingNode):
            self.problems.add(node, f"{what} must be a mapping")
            return {}
        items: dict[str, tuple[yaml.Node, yaml.Node]] = {}
        for key_node, value_node in node.value:
            key = self.value(key_node)
            if key in items:
                self.problems.add(key_node, f"key '{key}' appears twice in {what}")
            items[str(key)] = (key_node, value_node)
        return items

    def typed(self, node: yaml.Node, kind: str, what: str) -> Any:
        """The value of `node` if it has the type `kind` names, else None (with a problem)."""
        value = self.value(node)
        if kind == "text":
            if isinstance(value, str) and value.strip():
                return value
            self.problems.add(node, f"{what} must be a non-empty string")
        elif kind == "bool":
            if isinstance(value, bool):
                return value
            self.problems.add(node, f"{what} must be true or false")
        elif kind == "int":
            if isinstance(value, int) and not isinstance(value, bool) and value > 0:
                return value
            self.problems.add(node, f"{what} must be a positive whole number")
        elif kind in ("text-list", "regex-list"):
            if isinstance(value, str):
                value = [value]
            if (
                isinstance(value, list)
                and value
                and all(isinstance(item, str) and item.strip() for item in value)
            ):
                return value
            self.problems.add(node, f"{what} must be a string or a list of non-empty strings")
        elif kind == "regex-pair":
            if (
                isinstance(value, list)
                and len(value) == 2
                and all(isinstance(item, str) and item for item in value)
            ):
                return value
            self.problems.add(node, f"{what} must be a list of two regexes: [start, end]")
        elif kind == "regex":
            if isinstance(value, str) and value:
                return value
            self.problems.add(node, f"{what} must be a non-empty regex string")
        return None

    def listed(self, node: yaml.Node, what: str) -> list[tuple[yaml.Node, str]]:
        """The strings of a list-valued key, each with its node (empty if the type is wrong)."""
        return paired(node, self.typed(node, "text-list", what))

    def regex(
        self, node: yaml.Node, pattern: str, what: str, ignore_case: bool
    ) -> SafeRegex | None:
        compiled, error = compile_safe(pattern, ignore_case=ignore_case)
        if error:
            self.problems.add(node, f"{what}: {error}")
        return compiled

    def parse(self, root: yaml.Node) -> RuleFile | None:
        if not isinstance(root, yaml.MappingNode):
            self.problems.add(root, "a rule file must be a mapping of keys, starting with 'name'")
            return None
        top = self.mapping(root, "a rule file")
        for key, (key_node, _) in top.items():
            if key not in TOP_KEYS:
                self.problems.add(key_node, unknown_key(key, TOP_KEYS))
        name_entry = top.get("name")
        if name_entry is None:
            self.problems.add(root, "missing required key 'name'")
            return None
        name = self.typed(name_entry[1], "text", "'name'")
        if name is None:
            return None
        if not NAME_PATTERN.match(name):
            self.problems.add(
                name_entry[1], f"'name' {name!r} may only use letters, digits, and . _ : -"
            )
        rule_file = RuleFile(
            name=name, path=self.path, label=name, name_line=name_entry[1].start_mark.line + 1
        )
        if "match" in top:
            self.parse_match(top["match"][1], rule_file)
        if not rule_file.is_generic:
            rule_file.label = f"site:{name}"
        for key in ("description", "language", "site_name"):
            if key in top:
                setattr(rule_file, key, self.typed(top[key][1], "text", f"'{key}'"))
        if rule_file.language and not LANGUAGE_PATTERN.match(rule_file.language):
            self.problems.add(
                top["language"][1],
                f"'language' must be a two-letter ISO 639-1 code such as 'en' or 'de', "
                f"not {rule_file.language!r}",
            )
        seen: dict[str, int] = {}
        for stage in STAGE_KINDS:
            if stage in top:
                self.parse_stage(stage, top[stage][1], rule_file, seen)
        return rule_file

    def parse_match(self, node: yaml.Node, rule_file: RuleFile) -> None:
        match = self.mapping(node, "'match'")
        for key, (key_node, value_node) in match.items():
            if key not in MATCH_KEYS:
                self.problems.add(key_node, unknown_key(key, MATCH_KEYS, " in 'match'"))
            elif key == "signature":
                self.parse_signature(value_node, rule_file)
            else:
                entries = self.listed(value_node, f"'match.{key}'")
                if key == "domains":
                    rule_file.domains = tuple(self.domain(n, v) for n, v in entries)
                elif key == "paths":
                    rule_file.paths = tuple(v for _, v in entries)
                else:
                    compiled = [self.regex(n, v, "'match.urls'", True) for n, v in entries]
                    rule_file.urls = tuple(c for c in compiled if c is not None)
        if isinstance(node, yaml.MappingNode) and not any(key in MATCH_KEYS for key in match):
            self.problems.add(node, f"'match' must give at least one of: {choices(MATCH_KEYS)}")

    def domain(self, node: yaml.Node, value: str) -> str:
        """A host name as documents' urls give it: lower case, no scheme, path or port."""
        if not DOMAIN_PATTERN.match(value):
            self.problems.add(
                node,
                f"'match.domains': {value!r} is not a domain name; write the host only, "
                f"like 'news.example' (it also matches its subdomains)",
            )
        return value.lower().strip(".")

    def parse_signature(self, node: yaml.Node, rule_file: RuleFile) -> None:
        signature = self.mapping(node, "'match.signature'")
        for key, (key_node, _) in signature.items():
            if key not in SIGNATURE_KEYS:
                self.problems.add(
                    key_node, unknown_key(key, SIGNATURE_KEYS, " in 'match.signature'")
                )
        if "phrases" not in signature:
            self.problems.add(node, "'match.signature' needs 'phrases'")
            return
        entries = self.listed(signature["phrases"][1], "'signature.phrases'")
        phrases = [phrase for _, phrase in entries]
        for index, (phrase_node, phrase) in enumerate(entries):
            covering = [p for i, p in enumerate(phrases) if covers(phrases, i, index)]
            if len(phrase.strip()) < MIN_PHRASE_CHARS:
                self.problems.add(
                    phrase_node,
                    f"'signature.phrases': {phrase!r} is too short to identify a site "
                    f"(at least {MIN_PHRASE_CHARS} characters)",
                )
            elif covering:
                self.problems.add(
                    phrase_node,
                    f"'signature.phrases': {phrase!r} is part of {covering[0]!r}, so one line "
                    f"would count as two hits",
                )
        min_hits = 1
        if "min_hits" in signature:
            min_hits = self.typed(signature["min_hits"][1], "int", "'signature.min_hits'") or 1
        if phrases:
            if min_hits > len(phrases):
                self.problems.add(
                    signature["min_hits"][1],
                    f"'min_hits' is {min_hits} but only {len(phrases)} phrase(s) are listed",
                )
            rule_file.signature = Signature(tuple(p.casefold() for p in phrases), min_hits)

    def parse_stage(
        self, stage: str, node: yaml.Node, rule_file: RuleFile, seen: dict[str, int]
    ) -> None:
        if not isinstance(node, yaml.SequenceNode):
            self.problems.add(node, f"'{stage}' must be a list of rules")
            return
        for rule_node in node.value:
            rule_id = self.rule_id(rule_node)
            if rule_id in seen:
                self.problems.add(
                    rule_node,
                    f"duplicate rule id '{rule_id}' (first defined at line {seen[rule_id]})",
                )
                continue
            if rule_id is not None:
                seen[rule_id] = rule_node.start_mark.line + 1
            rule = self.parse_rule(stage, rule_node, rule_file)
            if rule is not None:
                rule_file.rules.append(rule)

    def rule_id(self, node: yaml.Node) -> str | None:
        """The id a rule node gives, read without validating anything else."""
        if isinstance(node, yaml.MappingNode):
            for key_node, value_node in node.value:
                if isinstance(key_node, yaml.ScalarNode) and key_node.value == "id":
                    return (
                        str(value_node.value) if isinstance(value_node, yaml.ScalarNode) else None
                    )
        return None

    def parse_rule(self, stage: str, node: yaml.Node, rule_file: RuleFile) -> Rule | None:
        items = self.mapping(node, f"a rule in '{stage}'")
        if not items:
            return None
        kinds = STAGE_KINDS[stage]
        for key, (key_node, _) in items.items():
            if key not in kinds and key not in RULE_OPTIONS:
                self.problems.add(
                    key_node, unknown_key(key, [*kinds, *RULE_OPTIONS], f" in a '{stage}' rule")
                )
        options = {
            key: self.typed(items[key][1], kind, f"'{key}'")
            for key, kind in RULE_OPTIONS.items()
            if key in items
        }
        rule_id = options.get("id")
        if "id" not in items:
            self.problems.add(node, f"a '{stage}' rule needs an 'id'")
        elif rule_id is not None and not ID_PATTERN.match(rule_id):
            self.problems.add(
                items["id"][1],
                f"rule id {rule_id!r} may only use lower-case letters, digits, and . _ -",
            )
            rule_id = None
        if rule_id is not None and options.get("disabled"):
            # Switching a rule off needs only its id: the rest of the rule no longer matters.
            rule_file.disabled[f"{rule_file.label}#{rule_id}"] = (
                f"{self.path}:{node.start_mark.line + 1}"
            )
            return None
        given = [key for key in items if key in kinds]
        if len(given) != 1:
            what = "no rule kind" if not given else f"several rule kinds ({', '.join(given)})"
            self.problems.add(
                node, f"a '{stage}' rule needs exactly one of: {choices(kinds)}; found {what}"
            )
            return None
        kind = given[0]
        self.check_options(stage, kinds[kind], items, options)
        value_node = items[kind][1]
        value = self.typed(value_node, kinds[kind], f"'{kind}'")
        if rule_id is None or value is None:
            return None
        ignore_case = not options.get("case_sensitive", False)
        patterns: tuple[SafeRegex, ...] = ()
        texts: tuple[str, ...] = ()
        if kinds[kind].startswith("text"):
            texts = tuple(value) if isinstance(value, list) else (value,)
        else:
            raw = value if isinstance(value, list) else [value]
            compiled = [
                self.regex(pattern_node, pattern, f"rule '{rule_id}'", ignore_case)
                for pattern_node, pattern in zip(item_nodes(value_node), raw, strict=True)
            ]
            if any(c is None for c in compiled):
                return None
            patterns = tuple(compiled)  # type: ignore[arg-type]
            group = METADATA_GROUPS.get(kind) if stage == "metadata" else None
            if group and group not in patterns[0].groupindex:
                self.problems.add(
                    value_node,
                    f"rule '{rule_id}': a {kind} regex needs a named group (?P<{group}>...)",
                )
                return None
            if stage == "metadata" and "formats" in items and "date" not in patterns[0].groupindex:
                self.problems.add(
                    items["formats"][0],
                    f"rule '{rule_id}': 'formats' reads the (?P<date>...) group, "
                    f"which this regex does not have",
                )
                return None
        return Rule(
            uid=f"{rule_file.label}#{rule_id}",
            stage=stage,
            kind=kind,
            patterns=patterns,
            texts=texts,
            reason=options.get("reason"),
            formats=tuple(options.get("formats") or ()),
            location=f"{self.path}:{node.start_mark.line + 1}",
        )

    def check_options(
        self,
        stage: str,
        value_type: str,
        items: dict[str, tuple[yaml.Node, yaml.Node]],
        options: dict[str, Any],
    ) -> None:
        """Options that only make sense on some kinds are refused elsewhere, not ignored."""
        if "case_sensitive" in items and not value_type.startswith("regex"):
            self.problems.add(
                items["case_sensitive"][0],
                "'case_sensitive' applies to regex kinds only; "
                "'line' and 'lines' always ignore case and runs of spaces",
            )
        if "formats" not in items:
            return
        if stage != "metadata":
            self.problems.add(
                items["formats"][0], "'formats' (date-format hints) applies to metadata rules only"
            )
            return
        for format_node, hint in paired(items["formats"][1], options["formats"]):
            directives = re.findall(r"%(.?)", hint)
            wrong = [d for d in directives if not d or d not in STRPTIME_DIRECTIVES]
            if wrong or not directives:
                what = f"uses '%{wrong[0]}', which is not a" if wrong else "has no"
                self.problems.add(
                    format_node,
                    f"'formats': {hint!r} {what} strptime directive; valid: "
                    f"{' '.join('%' + d for d in STRPTIME_DIRECTIVES)}",
                )


def parse_rule_text(text: str, path: str) -> tuple[RuleFile | None, list[str]]:
    """Parse one rule file's text. Returns the file (None if unusable) and every problem."""
    problems = Problems(path)
    try:
        loader = yaml.SafeLoader(text)
        try:
            root = loader.get_single_node()
        finally:
            loader.dispose()
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None)
        line = f":{mark.line + 1}" if mark else ""
        reason = getattr(error, "problem", None) or str(error)
        return None, [f"{path}{line}: not valid YAML: {reason}"]
    if root is None:
        return None, [f"{path}:1: the file is empty; a rule file needs at least 'name'"]
    rule_file = FileParser(path, loader, problems).parse(root)
    return (rule_file if not problems else None), problems.report()
