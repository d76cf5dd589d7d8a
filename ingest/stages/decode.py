"""Bytes become text: BOM, then the declared charset, then strict UTF-8, then detection.

No byte is ever dropped silently: an undecodable byte becomes U+FFFD and is counted in
`repairs`, and data that is not text at all rejects the document with a reason.
"""

from __future__ import annotations

import codecs
import re

from ingest.document import Document, Reject
from ingest.stages.base import Stage

BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32"),
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)
# What browsers do (WHATWG encoding standard): these labels really mean windows-1252.
CHARSET_ALIASES = {
    "iso-8859-1": "cp1252",
    "latin-1": "cp1252",
    "latin1": "cp1252",
    "ascii": "cp1252",
    "us-ascii": "cp1252",
    "iso8859-1": "cp1252",
}
DECLARED_CHARSET = re.compile(
    rb"""<meta[^>]+charset\s*=\s*["']?\s*([a-zA-Z0-9_\-:.]+)""", re.IGNORECASE
)
BINARY_SIGNATURES = {
    b"\x89PNG": "PNG image",
    b"\xff\xd8\xff": "JPEG image",
    b"GIF8": "GIF image",
    b"%PDF": "PDF document",
    b"PK\x03\x04": "ZIP archive",
    b"\x1f\x8b": "gzip data",
    b"\x7fELF": "ELF executable",
}


def declared_charset(raw: bytes) -> str | None:
    """The charset an HTML page declares in its first 4 KB, if any."""
    match = DECLARED_CHARSET.search(raw[:4096])
    return match.group(1).decode("ascii", "replace").lower() if match else None


def codec_name(label: str) -> str | None:
    """Python's codec for a charset label, or None when the label is unknown."""
    label = CHARSET_ALIASES.get(label.lower(), label)
    try:
        return codecs.lookup(label).name
    except LookupError:
        return None


def binary_kind(raw: bytes) -> str | None:
    """A human name for data that is not text, or None when it may be text."""
    for signature, kind in BINARY_SIGNATURES.items():
        if raw.startswith(signature):
            return kind
    head = raw[:8192]
    if b"\x00" in head:
        return f"binary data ({head.count(0)} NUL bytes in the first {len(head)} bytes)"
    return None


class Decode(Stage):
    """Turn `raw` bytes into `text` (plain text) or `html` (HTML), recording the encoding."""

    name = "decode"

    def __call__(self, doc: Document) -> Document:
        raw = doc.raw
        text, encoding = self.decode(raw, doc)
        if text is None:
            return doc
        doc.encoding = encoding
        doc.chars_in = len(text)
        if doc.kind == "html":
            doc.html = text
        else:
            doc.text = text
        doc.raw = b""  # the bytes are no longer needed; do not ship them between processes
        return doc

    def decode(self, raw: bytes, doc: Document) -> tuple[str | None, str | None]:
        for bom, codec in BOMS:
            if raw.startswith(bom):
                return raw.decode(codec, errors="replace"), codec.replace("-sig", "")
        kind = binary_kind(raw)
        if kind:
            doc.reject = Reject(self.name, f"not a text document: {kind}")
            return None, None
        for label in (doc.hints.get("charset"), doc.kind == "html" and declared_charset(raw)):
            codec = codec_name(label) if label else None
            if codec:
                try:
                    return raw.decode(codec), codec
                except UnicodeDecodeError:
                    doc.repairs.append(f"declared charset {label} does not fit the bytes")
        try:
            return raw.decode("utf-8"), "utf-8"
        except UnicodeDecodeError:
            pass
        return self.mostly_utf8(raw, doc) or self.detect(raw, doc)

    def mostly_utf8(self, raw: bytes, doc: Document) -> tuple[str, str] | None:
        """UTF-8 with a few bad bytes stays UTF-8: detection would garble the good part."""
        text = raw.decode("utf-8", errors="replace")
        bad = text.count("\ufffd")
        wide = len(text) - len(text.encode("ascii", "ignore")) - bad  # non-ASCII characters
        if wide < 4 * bad:
            return None
        doc.repairs.append(f"replaced {bad} undecodable byte(s) with U+FFFD")
        return text, "utf-8"

    @staticmethod
    def same_as_cp1252(raw: bytes, text: str) -> bool:
        try:
            return raw.decode("cp1252") == text
        except UnicodeDecodeError:
            return False

    @staticmethod
    def reads_as_cp1252(raw: bytes) -> bool:
        """Whether windows-1252 reads `raw` with no mess at all (charset_normalizer's chaos 0).

        No code page can then read it with less, and windows-1252 wins ties (see `detect`), so
        trying some forty code pages, ten times the time, would choose it too. Cyrillic, Greek,
        Hebrew, Arabic or CJK bytes read as a mess in windows-1252 and go on to full detection.
        """
        from charset_normalizer import from_bytes

        alone = from_bytes(raw, cp_isolation=["cp1252"]).best()
        return alone is not None and alone.chaos == 0.0

    def detect(self, raw: bytes, doc: Document) -> tuple[str, str]:
        from charset_normalizer import from_bytes

        if self.reads_as_cp1252(raw):
            return raw.decode("cp1252"), "cp1252"
        results = from_bytes(raw)
        best = results.best()
        if best is not None:
            # On a tie, prefer windows-1252, the web's most common legacy encoding.
            tied = any(r.chaos <= best.chaos and r.encoding == "cp1252" for r in results)
            if tied or self.same_as_cp1252(raw, str(best)):
                return raw.decode("cp1252"), "cp1252"
            return str(best), codecs.lookup(best.encoding).name
        text = raw.decode("utf-8", errors="replace")
        doc.repairs.append(f"replaced {text.count(chr(0xFFFD))} undecodable byte(s) with U+FFFD")
        return text, "utf-8"
