"""Text helpers that several modules share."""

from __future__ import annotations


def collapse_spaces(raw: str) -> str:
    """`raw` with runs of whitespace made one space and none at either end.

    Almost every line is so already, which `str` tests tell faster than a split and a join
    can redo it: every whitespace character but the space is unprintable.
    """
    if raw.isprintable() and "  " not in raw and raw[:1] != " " and raw[-1:] != " ":
        return raw
    return " ".join(raw.split())
