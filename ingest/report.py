"""What a run did, for people (the summary on stderr) and for machines (`report.json`).

Both come from one `RunReport`, so they never disagree. The exit code is part of it: see
`ingest.runner` for the table.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from ingest.pipeline import RunStats

TOP_RULES = 5


@dataclass
class RunReport:
    """One run: where from and to, what it found, what it did, and how it ended."""

    run: str
    input: str
    output: str
    executor: str
    workers: int
    started: str
    finished: str = ""
    status: str = "running"  # then "ok", "failed" (some documents), "interrupted" or "error"
    exit_code: int = 0
    error: str = ""  # why a run stopped with status "error"
    discovered: int = 0
    processed: int = 0
    unchanged: int = 0
    deleted: int = 0
    parts: list[str] = field(default_factory=list)
    stats: RunStats = field(default_factory=RunStats)

    def to_dict(self) -> dict[str, Any]:
        counts = self.stats.to_dict()
        removed = counts.pop("removed")
        return {
            "run": self.run,
            "status": self.status,
            "exit_code": self.exit_code,
            **({"error": self.error} if self.error else {}),
            "started": self.started,
            "finished": self.finished,
            "input": self.input,
            "output": self.output,
            "executor": self.executor,
            "workers": self.workers,
            "inputs": {
                "discovered": self.discovered,
                "processed": self.processed,
                "unchanged": self.unchanged,
                "deleted": self.deleted,
            },
            **counts,
            "removed_by_stage": {k: v for k, v in removed.items() if ":" not in k},
            "removed_by_rule": {k: v for k, v in removed.items() if ":" in k},
            "parts": self.parts,
        }

    def summary(self) -> str:
        """The human summary printed at the end of a run."""
        report = self.to_dict()
        lines = [
            f"ingest: {report['documents']} documents in {report['seconds']:.1f} s: "
            f"{report['written']} written to {self.output}, {report['rejected']} rejected"
            + (f" ({report['duplicates']} duplicates)" if report["duplicates"] else "")
            + f", {report['failed']} failed",
            f"  inputs: {self.discovered} found, {self.processed} processed, "
            f"{self.unchanged} unchanged since the last run (their output stands)"
            + (f", {self.deleted} gone" if self.deleted else ""),
        ]
        if self.status == "interrupted":
            lines.append("  interrupted: what was committed is kept; the next run does the rest")
        if report["skipped"]:
            lines.append(
                "  skipped: " + ", ".join(f"{k} ({v})" for k, v in report["skipped"].items())
            )
        if report["removed_by_stage"]:
            lines.append(
                "  lines removed per stage: "
                + ", ".join(f"{k} {v}" for k, v in report["removed_by_stage"].items())
            )
        top = list(report["removed_by_rule"].items())[:TOP_RULES]
        if top:
            lines.append("  top rules: " + ", ".join(f"{k.split(':', 1)[1]} {v}" for k, v in top))
        if report["languages"]:
            lines.append(
                "  languages: " + ", ".join(f"{k} {v}" for k, v in report["languages"].items())
            )
        return "\n".join(lines)
