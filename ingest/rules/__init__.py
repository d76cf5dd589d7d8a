"""Rules as data: the schema, its validation, loading with precedence, and safe regexes."""

from ingest.rules.regex import RegexSet, SafeRegex, compile_safe
from ingest.rules.ruleset import SHIPPED_RULES, RuleSet, check_folders, host_of, load_rules
from ingest.rules.schema import Rule, RuleFile, parse_rule_text

__all__ = [
    "SHIPPED_RULES",
    "RegexSet",
    "Rule",
    "RuleFile",
    "RuleSet",
    "SafeRegex",
    "check_folders",
    "compile_safe",
    "host_of",
    "load_rules",
    "parse_rule_text",
]
