"""Site chrome out, by pattern: the rules of the `chrome` stage, site rules before generic ones.

Kinds (see rules/README.md): exact `line`/`lines`, `regex`, `from` a marker to the end,
`until` a marker from the start, `between` two markers, and `keep`, which protects a line from
every line-level stage. All patterns of a rule set are matched in one RE2 pass per line.
"""

from __future__ import annotations

from dataclasses import dataclass

from ingest.document import Document, removal
from ingest.rules import RegexSet, Rule
from ingest.stages.base import RuleStage

DEFAULT_REASONS = {
    "line": "a known chrome line",
    "lines": "a known chrome line",
    "regex": "matches a chrome pattern",
    "from": "after the marker line {marker!r}, to the end",
    "until": "before the marker line {marker!r}, from the start",
    "between": "in the block from {marker!r} to {end!r}",
}


def fold(text: str) -> str:
    """The form exact-line rules compare: whitespace collapsed, case folded."""
    return " ".join(text.split()).casefold()


@dataclass(slots=True)
class Marker:
    rule: Rule
    order: int
    role: str  # "line", "start" or "end"


class ChromePlan:
    """The chrome rules for one site (or none), compiled for one pass per line."""

    def __init__(self, rules: list[Rule]) -> None:
        self.keeps = [rule for rule in rules if rule.kind == "keep"]
        drops = [rule for rule in rules if rule.kind != "keep"]
        self.exact: dict[str, tuple[int, Rule]] = {}
        self.markers: list[Marker] = []
        patterns = [rule.patterns[0] for rule in self.keeps]  # the keeps first, then the drops
        for order, rule in enumerate(drops):
            for text in rule.texts:
                self.exact.setdefault(fold(text), (order, rule))
            roles = ("start", "end") if rule.kind == "between" else ("line",) * len(rule.patterns)
            for pattern, role in zip(rule.patterns, roles, strict=True):
                patterns.append(pattern)
                self.markers.append(Marker(rule, order, role))
        self.patterns = RegexSet(patterns)
        self.longest_exact = max(map(len, self.exact), default=-1)

    def exact_rule(self, text: str) -> tuple[int, Rule] | None:
        """The exact-line rule (with its order) that `text` is, if any. A paragraph is not
        case-folded: folding never shortens a text, so it cannot be any rule's line."""
        if not self.exact:
            return None
        spaced = " ".join(text.split())
        if len(spaced) > self.longest_exact:
            return None
        return self.exact.get(spaced.casefold())

    def apply(self, doc: Document, stage: str) -> None:
        lines = doc.lines
        keeps = len(self.keeps)
        verdicts: dict[int, tuple[int, Rule, str]] = {}

        def propose(index: int, order: int, rule: Rule, reason: str) -> None:
            if index not in verdicts or order < verdicts[index][0]:
                verdicts[index] = (order, rule, reason)

        open_blocks: dict[str, tuple[int, Marker]] = {}
        fired_once: set[str] = set()
        for index, line in enumerate(lines):
            hits = self.patterns.matches(line.text)
            if hits and hits[0] < keeps:
                line.keep_rule = self.keeps[hits[0]].uid
            exact = self.exact_rule(line.text)
            if exact:
                propose(index, exact[0], exact[1], self.reason(exact[1]))
            for hit in hits:
                if hit < keeps:
                    continue
                marker = self.markers[hit - keeps]
                rule = marker.rule
                if rule.kind == "regex":
                    propose(index, marker.order, rule, self.reason(rule))
                elif rule.uid in fired_once:
                    continue
                elif rule.kind == "from":
                    fired_once.add(rule.uid)
                    for later in range(index, len(lines)):
                        propose(later, marker.order, rule, self.reason(rule, line.text))
                elif rule.kind == "until":
                    fired_once.add(rule.uid)
                    for earlier in range(index + 1):
                        propose(earlier, marker.order, rule, self.reason(rule, line.text))
                elif marker.role == "start" and rule.uid not in open_blocks:
                    open_blocks[rule.uid] = (index, marker)
                elif marker.role == "end" and rule.uid in open_blocks:
                    start, _ = open_blocks.pop(rule.uid)
                    reason = self.reason(rule, lines[start].text, line.text)
                    for inner in range(start, index + 1):
                        propose(inner, marker.order, rule, reason)
        for index, (_, rule, reason) in verdicts.items():
            line = lines[index]
            if line.removal is None and line.keep_rule is None:
                line.removal = removal(stage, rule.uid, reason)

    @staticmethod
    def reason(rule: Rule, marker: str = "", end: str = "") -> str:
        if rule.reason:
            return rule.reason
        return DEFAULT_REASONS[rule.kind].format(marker=marker[:60], end=end[:60])


class Chrome(RuleStage):
    """Match the document to a site rule file, then apply its chrome rules and the generic ones."""

    name = "chrome"

    def compile(self, rules: list[Rule]) -> ChromePlan:
        return ChromePlan(rules)

    def __call__(self, doc: Document) -> Document:
        site = self.rules.site_for(doc.url, doc.source, [line.text for line in doc.lines])
        doc.site_rules = site.name if site else None
        if site and site.language:
            doc.metadata.setdefault("site_language", site.language)
        if site and site.site_name and not doc.site:
            doc.site = site.site_name
        self.plan(site).apply(doc, self.name)
        return doc
