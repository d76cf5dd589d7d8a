"""Rule regexes run on RE2, whose matching time is linear in the line's length.

A user's pattern therefore cannot hang a run through catastrophic backtracking, and the result
never depends on a timer (which would make the output vary with the machine's load). The price:
RE2 has no look-around and no back-references, and its `\\w`, `\\d` and `\\b` are ASCII-only
(use `\\pL` for any letter); validation says so when a pattern uses them.
"""

from __future__ import annotations

from typing import Any

import re2

_OPTIONS = re2.Options()
_OPTIONS.log_errors = False  # RE2 would print every syntax error to stderr; we report them
# A set of many patterns compiles into one automaton; RE2's default 8 MB budget is too small for
# a full rule set (and a larger one also runs faster: fewer DFA cache resets).
_SET_OPTIONS = re2.Options()
_SET_OPTIONS.log_errors = False
_SET_OPTIONS.max_mem = 64 << 20


class SafeRegex:
    """A compiled RE2 pattern that can be pickled (it recompiles in the receiving process)."""

    __slots__ = ("_compiled", "_group_names", "ignore_case", "pattern")

    def __init__(self, pattern: str, ignore_case: bool = True) -> None:
        self.pattern = pattern
        self.ignore_case = ignore_case
        self._compiled: Any = re2.compile(self.source, _OPTIONS)
        # The wrapper rebuilds its name -> index map on each call: read it once.
        self._group_names = tuple(self._compiled.groupindex.items())

    @property
    def source(self) -> str:
        """The pattern as RE2 sees it, with the case flag applied."""
        return compiled_source(self.pattern, self.ignore_case)

    def search(self, text: str) -> Any:
        return self._compiled.search(text)

    def named_groups(self, text: str) -> dict[str, str | None] | None:
        """The named groups of the first match in `text` (None for a group that took no part),
        or None when there is no match."""
        match = self._compiled.search(text)
        if match is None:
            return None
        return {name: match[index] for name, index in self._group_names}

    @property
    def groupindex(self) -> dict[str, int]:
        return dict(self._group_names)

    def __getstate__(self) -> tuple[str, bool]:
        return self.pattern, self.ignore_case

    def __setstate__(self, state: tuple[str, bool]) -> None:
        self.__init__(*state)

    def __eq__(self, other: object) -> bool:
        return isinstance(other, SafeRegex) and other.source == self.source

    def __hash__(self) -> int:
        return hash(self.source)

    def __repr__(self) -> str:
        return f"SafeRegex({self.pattern!r})"


def compiled_source(pattern: str, ignore_case: bool) -> str:
    return f"(?i){pattern}" if ignore_case else pattern


def compile_safe(pattern: str, ignore_case: bool = True) -> tuple[SafeRegex | None, str | None]:
    """Compile `pattern`; return (regex, None) or (None, a reason a person can act on)."""
    try:
        compiled = SafeRegex(pattern, ignore_case)
    except re2.error as error:
        detail = error.args[0] if error.args else error
        if isinstance(detail, bytes):
            detail = detail.decode("utf-8", "replace")
        detail = str(detail).replace(compiled_source(pattern, ignore_case), pattern)
        hint = ""
        if "(?=" in pattern or "(?!" in pattern or "(?<" in pattern.replace("(?P<", ""):
            hint = " (RE2 has no look-ahead or look-behind)"
        elif any(f"\\{digit}" in pattern for digit in "123456789"):
            hint = " (RE2 has no back-references)"
        return None, f"regex '{pattern}' does not compile: {detail}{hint}"
    if compiled.search("") is not None:
        return None, (
            f"regex '{pattern}' matches the empty string, so it could match any line; "
            f"make it need at least one character ('x+' rather than 'x*')"
        )
    return compiled, None


class RegexSet:
    """Many patterns, one pass: which of them match a line, in one RE2 call.

    Should the combined automaton not fit RE2's memory budget, the set falls back to searching
    the patterns one by one: slower, never wrong, and never a failed document.
    """

    __slots__ = ("_set", "patterns")

    def __init__(self, patterns: list[SafeRegex]) -> None:
        self.patterns = patterns
        self._set: Any = None
        self._build()

    def _build(self) -> None:
        if not self.patterns:
            return
        regex_set = re2.Set.SearchSet(_SET_OPTIONS)
        for pattern in self.patterns:
            regex_set.Add(pattern.source)
        try:
            regex_set.Compile()
        except re2.error:
            return  # matches() searches pattern by pattern
        self._set = regex_set

    def matches(self, text: str) -> list[int]:
        """Indexes of the patterns that match `text`, ascending."""
        if self._set is None:
            return [i for i, pattern in enumerate(self.patterns) if pattern.search(text)]
        return sorted(self._set.Match(text) or ())

    def __getstate__(self) -> list[SafeRegex]:
        return self.patterns

    def __setstate__(self, patterns: list[SafeRegex]) -> None:
        self.patterns = patterns
        self._set = None
        self._build()
