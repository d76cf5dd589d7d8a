"""Errors that carry the file and the reason, so the CLI can say what to fix."""

from __future__ import annotations

EXIT_INTERNAL = 70  # a bug: an exception that is not an IngestError


class IngestError(Exception):
    """Base class: every error names what it is about and why."""

    exit_code = 1

    def __init__(self, reason: str, path: str | None = None) -> None:
        self.reason = reason
        self.path = path
        super().__init__(f"{path}: {reason}" if path else reason)


class ConfigError(IngestError):
    """Bad configuration or usage, found before any output is written (exit code 2)."""

    exit_code = 2


class RuleError(ConfigError):
    """One or more rule files are invalid; `problems` lists every one with file:line."""

    def __init__(self, problems: list[str]) -> None:
        self.problems = problems
        super().__init__(
            f"{len(problems)} problem(s) in the rules:\n" + "\n".join(f"  {p}" for p in problems)
        )


class InputError(IngestError):
    """A document cannot be read or decoded; it goes to the rejects with this reason."""


class LockedError(IngestError):
    """Another run holds the state's lock: this one exits at once and touches nothing."""

    exit_code = 3


class OutputError(IngestError):
    """The output or the state could not be written (disk full, permissions, ...).

    Whatever was published before stays as it was; the next run redoes the rest.
    """

    exit_code = 4


class ExecutorError(IngestError):
    """The executor broke: a worker process died, or the Ray cluster could not be reached."""

    exit_code = 5
