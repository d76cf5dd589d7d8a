"""WARC archives (wget, Heritrix, browsertrix, Common Crawl): one document per HTTP response.

Only a 200 response with an HTML or plain-text payload becomes a document; every other record
is counted in `skipped` under why, so the run summary accounts for the whole archive. warcio
parses the records and undoes chunked transfer and content encodings. The HTTP charset goes to
`hints`, where the decode stage prefers it to the page's own declaration, as a browser does.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator

from warcio.archiveiterator import WARCIterator
from warcio.exceptions import ArchiveLoadFailed
from warcio.recordloader import ArcWarcRecord
from warcio.statusandheaders import StatusAndHeadersParserException

from ingest.document import Document, Kind
from ingest.errors import InputError
from ingest.io.readers import Input, ReadOptions, open_input, rejected

MEDIA_KINDS: dict[str, Kind] = {
    "text/html": "html",
    "application/xhtml+xml": "html",
    "text/plain": "text",
}


def read_warc(item: Input, options: ReadOptions, skipped: Counter[str]) -> Iterator[Document]:
    """One document per usable response record of `item`, in archive order.

    A .warc.gz is gunzipped as one stream, so both per-record and whole-file gzip work.
    """
    with open_input(item) as stream:
        try:
            for record in WARCIterator(stream):
                doc = record_document(item.source, record, options.max_bytes, skipped)
                if doc is not None:
                    yield doc
        except (ArchiveLoadFailed, StatusAndHeadersParserException) as error:
            raise InputError(f"not a valid WARC file: {str(error).strip()}") from None


def record_document(
    file: str, record: ArcWarcRecord, max_bytes: int, skipped: Counter[str]
) -> Document | None:
    """The document a record holds, or None (counted in `skipped`) when it holds none."""
    if record.rec_type != "response":
        skipped[f"WARC {record.rec_type} record"] += 1
        return None
    http = record.http_headers
    if http is None:
        skipped["WARC response without HTTP headers"] += 1
        return None
    status = http.get_statuscode()
    if status != "200":
        skipped[f"WARC response: HTTP {status}"] += 1
        return None
    media, charset = media_type(http.get_header("Content-Type"))
    kind = MEDIA_KINDS.get(media)
    if kind is None:
        skipped[f"WARC response: {media or 'no Content-Type'}"] += 1
        return None
    headers = record.rec_headers
    record_id = (headers.get_header("WARC-Record-ID") or "").strip("<>")
    source = f"{file}#{record_id}"
    payload = record.content_stream().read(max_bytes + 1)
    if len(payload) > max_bytes:
        return rejected(
            source,
            f"the response is over the size cap of {max_bytes:,} bytes (raise it with --max-bytes)",
        )
    doc = Document(source=source, kind=kind, raw=payload)
    doc.url = doc.identity = headers.get_header("WARC-Target-URI")
    doc.metadata["warc_date"] = headers.get_header("WARC-Date")
    if charset:
        doc.hints["charset"] = charset
    return doc


def media_type(content_type: str | None) -> tuple[str, str | None]:
    """('text/html', 'iso-8859-1') from 'text/html; charset="ISO-8859-1"'."""
    media, *params = (content_type or "").split(";")
    charset = None
    for param in params:
        name, _, value = param.partition("=")
        if name.strip().lower() == "charset":
            charset = value.strip().strip("\"'").lower() or None
    return media.strip().lower(), charset
