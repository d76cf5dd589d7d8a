"""What one rule file does to a document, for `ingest rules test`.

`ingest explain` shows every line's fate under all the rules; this shows only the lines one
file's rules removed, lifted into a field or protected, and, when the file is a site file that
did not apply, why not. That is the quick loop of writing a rule: edit, test, repeat.
"""

from __future__ import annotations

from ingest.document import Document
from ingest.rules.ruleset import RuleSet, fold_document, host_of
from ingest.rules.schema import RuleFile


def why_not(rule_file: RuleFile, doc: Document, lines: list[str]) -> str:
    """Each way the site file could have matched the document (none did), and what the
    document had instead."""
    host = host_of(doc.url)
    reasons = []
    if rule_file.domains:
        reasons.append(f"host {host!r} is not in {list(rule_file.domains)}" if host else "no url")
    if rule_file.urls:
        reasons.append(f"url {doc.url!r} matches no url pattern" if doc.url else "no url")
    if rule_file.paths:
        reasons.append(f"source {doc.source!r} matches no path glob")
    if rule_file.signature:
        signature = rule_file.signature
        reasons.append(
            f"signature: {signature.hits(fold_document(lines))} of {len(signature.phrases)} "
            f"phrases, needs {signature.min_hits}"
        )
    return "; ".join(dict.fromkeys(reasons))


def match_line(rule_file: RuleFile, rules: RuleSet, doc: Document, lines: list[str]) -> str:
    """Whether the file's rules applied to the document, and why."""
    if rule_file.is_generic:
        return f"{rule_file.label} applies to every document"
    own = RuleSet([rule_file]).site_match(doc.url, doc.source, lines)
    if own is None:
        return f"{rule_file.label} does not match: {why_not(rule_file, doc, lines)}"
    winner = rules.site_match(doc.url, doc.source, lines)
    if winner is not None and winner[0] is not rule_file:
        return f"{rule_file.label} matches ({own[1]}), but {winner[0].label} comes first"
    return f"{rule_file.label} matches ({own[1]})"


def rule_file_effect(rule_file: RuleFile, rules: RuleSet, doc: Document) -> str:
    """A report of the lines of `doc` that `rule_file`'s rules touched."""
    lines = [line.text for line in doc.lines]
    out = [f"{doc.source}: {match_line(rule_file, rules, doc, lines)}"]
    if doc.reject is not None:
        out.append(f"  rejected at {doc.reject.stage}: {doc.reject.reason}")
    prefix = f"{rule_file.label}#"
    counts = {"removed": 0, "lifted": 0, "protected": 0}
    for line in doc.lines:
        removal = line.removal
        if removal is not None and removal.rule.startswith(prefix):
            fate = "lifted" if removal.field else "removed"
            into = f" into {removal.field}" if removal.field else ""
            out.append(f"{line.lineno:>6}  {fate}{into} by {removal.rule}: {removal.reason}")
        elif line.keep_rule is not None and line.keep_rule.startswith(prefix):
            fate = "protected"
            out.append(f"{line.lineno:>6}  protected by {line.keep_rule}")
        else:
            continue
        counts[fate] += 1
        out.append(f"{'':>6}  {line.text}")
    kept = sum(1 for line in doc.lines if line.kept)
    summary = ", ".join(f"{number} {fate}" for fate, number in counts.items())
    out.append(f"  this file: {summary}; {kept} of {len(doc.lines)} lines kept in all")
    return "\n".join(out)
