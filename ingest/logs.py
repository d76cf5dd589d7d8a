"""Logs of a run, as text for people or as JSON lines for a log pipeline (`--log-format json`).

The library only logs to the `ingest` logger; the CLI installs one handler on stderr. A JSON
line holds `time`, `level`, `message` and the event's fields (`extra={"fields": {...}}`), so a
scheduler can alert on `"level": "error"` or read the final report from the `run finished`
event.
"""

from __future__ import annotations

import logging
import sys
from datetime import datetime, timezone

import orjson

LOG_FORMATS = ("text", "json")
logger = logging.getLogger("ingest")


class JsonFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        entry = {
            "time": datetime.fromtimestamp(record.created, timezone.utc).isoformat(
                timespec="milliseconds"
            ),
            "level": record.levelname.lower(),
            "message": record.getMessage(),
            **getattr(record, "fields", {}),
        }
        if record.exc_info:
            entry["traceback"] = self.formatException(record.exc_info)
        return orjson.dumps(entry, default=str).decode()


class TextHandler(logging.StreamHandler):  # type: ignore[type-arg]
    """Clears a progress bar drawn on the same terminal line before writing."""

    def emit(self, record: logging.LogRecord) -> None:
        if self.stream.isatty():
            self.stream.write("\r\x1b[K")
        super().emit(record)


def setup_logging(fmt: str = "text", level: int = logging.INFO) -> None:
    """One handler on stderr for the `ingest` logger, in the format asked for."""
    handler: logging.Handler
    if fmt == "json":
        handler = logging.StreamHandler(sys.stderr)
        handler.setFormatter(JsonFormatter())
    else:
        handler = TextHandler(sys.stderr)
        handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(message)s"))
    logger.handlers = [handler]
    logger.setLevel(level)
    logger.propagate = False
