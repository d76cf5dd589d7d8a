"""What an HTML page says about itself: title, authors, date, url and site name.

Read from the parsed page's `<meta>` tags, JSON-LD, `<link rel=canonical>`, `<title>`, `<h1>`
and author links, in one walk of the page's head and a few XPath queries. This replaces
trafilatura's metadata pass, which also searches the whole page for dates and tags and cost
more than a third of the extraction time (docs/performance.md). What a page leaves unsaid the
metadata stage may still find in the text: bylines, date lines, a "Title | Site" suffix.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import orjson

from ingest.dates import find_when
from ingest.stages.metadata import NAME_SPLIT, person_names

if TYPE_CHECKING:
    from lxml.html import HtmlElement

# <meta> keys (name, property or itemprop, lower case) in the order they are trusted.
TITLE_KEYS = ("og:title", "twitter:title", "dc.title", "headline", "parsely-title")
AUTHOR_KEYS = (
    "author", "article:author", "parsely-author", "sailthru.author", "dc.creator", "byl",
    "twitter:creator",
)  # fmt: skip
DATE_KEYS = (
    "article:published_time", "og:published_time", "datepublished", "parsely-pub-date",
    "publish-date", "publish_date", "pubdate", "dc.date.issued", "dcterms.created", "date",
)  # fmt: skip
URL_KEYS = ("og:url", "twitter:url")
SITE_KEYS = ("og:site_name", "application-name", "publisher")
ARTICLE_TYPES = re.compile(r"Article|Posting|Report|WebPage", re.IGNORECASE)
BYLINE_PREFIX = re.compile(r"^\s*(?:by|von|par|por|di|door)\s+", re.IGNORECASE)
TITLE_SEPARATOR = re.compile(r"\s+[|–—·-]\s+")
URL_DAY = re.compile(r"/((?:19|20)\d\d)/(0?[1-9]|1[0-2])/(0?[1-9]|[12]\d|3[01])/")
BYLINE_ELEMENTS = (
    ".//*[@itemprop='author']",
    ".//*[@rel='author']",
    ".//*[contains(@class, 'byline')]",
    ".//*[contains(@class, 'author')]",
)
MAX_AUTHOR_WORDS = 6
EARLIEST_YEAR = 1990  # a placeholder date ("0001-01-01") or an archive's founding is no date


@dataclass
class PageMeta:
    title: str | None = None
    authors: list[str] = field(default_factory=list)
    published: str | None = None  # ISO 8601, with the time and offset when the page gives them
    url: str | None = None
    sitename: str | None = None


def clean(value: Any) -> str | None:
    """A metadata value as one line of text, or None when empty or not text."""
    if not isinstance(value, str):
        return None
    text = " ".join(value.split())
    return text or None


def first(values: dict[str, str], keys: tuple[str, ...]) -> str | None:
    return next((values[key] for key in keys if values.get(key)), None)


def meta_values(tree: HtmlElement) -> dict[str, str]:
    """Each `<meta>` key's first non-empty content; keys in lower case."""
    values: dict[str, str] = {}
    for meta in tree.iter("meta"):
        content = clean(meta.get("content"))
        if content is None:
            continue
        for attribute in ("property", "name", "itemprop"):
            key = (meta.get(attribute) or "").strip().lower()
            if key and key not in values:
                values[key] = content
    return values


def linked_data(tree: HtmlElement) -> Iterator[dict[str, Any]]:
    """The JSON-LD objects of the page that describe an article (or a web page), outermost
    first; broken JSON is skipped, as browsers do."""
    for script in tree.iterfind(".//script[@type='application/ld+json']"):
        try:
            data = orjson.loads(script.text or "")
        except orjson.JSONDecodeError:
            continue
        stack = [data]
        while stack:
            item = stack.pop(0)
            if isinstance(item, list):
                stack.extend(item)
            elif isinstance(item, dict):
                kind = item.get("@type")
                kinds = kind if isinstance(kind, list) else [kind]
                if any(isinstance(k, str) and ARTICLE_TYPES.search(k) for k in kinds):
                    yield item
                stack.extend(v for k, v in item.items() if k == "@graph")


def names(value: Any) -> list[str]:
    """Person names from a JSON-LD `author` (a string, an object, or a list of them)."""
    items = value if isinstance(value, list) else [value]
    found = []
    for item in items:
        if isinstance(item, dict):
            if item.get("@type") == "Organization":  # a publisher, not a person who wrote it
                continue
            item = item.get("name")
        found.extend(split_authors(clean(item)))
    return found


def is_name(text: str | None) -> bool:
    """Not empty, a URL or a social handle (article:author and publisher tags often are)."""
    return text is not None and text != "" and "://" not in text and not text.startswith("@")


def split_authors(text: str | None) -> list[str]:
    """'By A and B; C' → [A, B, C]. A URL (article:author often is one) names nobody."""
    if text is None or not is_name(text):
        return []
    text = BYLINE_PREFIX.sub("", text)
    parts = (part.strip(" .,:;") for part in NAME_SPLIT.split(text))
    return [part for part in parts if part and len(part.split()) <= MAX_AUTHOR_WORDS]


def element_text(tree: HtmlElement, path: str) -> str | None:
    found = tree.find(path)
    return clean(found.text_content()) if found is not None else None


def page_title(tree: HtmlElement, metas: dict[str, str], article: dict[str, Any]) -> str | None:
    """The meta title; else the page's only `<h1>`; else `<title>` without a site suffix."""
    title = first(metas, TITLE_KEYS) or clean(article.get("headline"))
    if title:
        return title
    headings = tree.findall(".//h1")
    if len(headings) == 1 and (heading := clean(headings[0].text_content())):
        return heading
    title = element_text(tree, ".//title")
    if title:
        parts = TITLE_SEPARATOR.split(title)
        return max(parts, key=len) if len(parts) > 1 else title
    return clean(headings[0].text_content()) if headings else None


def page_authors(tree: HtmlElement, metas: dict[str, str], article: dict[str, Any]) -> list[str]:
    """JSON-LD authors, else the author meta tags, else an author element that reads as
    person names (itemprop or rel "author", a "byline" or "author" class)."""
    found = names(article.get("author")) or split_authors(first(metas, AUTHOR_KEYS))
    for path in BYLINE_ELEMENTS if not found else ():
        for element in tree.xpath(path):
            text = BYLINE_PREFIX.sub("", clean(element.text_content()) or "")
            found = person_names(text) or []  # stricter: page furniture says "Author" too
            if found:
                return found
    return list(dict.fromkeys(found))


def page_published(
    tree: HtmlElement, metas: dict[str, str], article: dict[str, Any], url: str | None
) -> str | None:
    """The publication timestamp from meta tags, JSON-LD or the first `<time datetime>`; else
    the day in the URL's path (/2024/06/11/)."""
    candidates = [metas.get(key) for key in DATE_KEYS]
    candidates.append(clean(article.get("datePublished")))
    candidates.extend(clean(t.get("datetime")) for t in tree.iterfind(".//time[@datetime]"))
    for value in candidates:
        found = find_when(value) if value else None
        if found is not None and found.when.year >= EARLIEST_YEAR:
            return found.when.iso()
    day = URL_DAY.search(url or "")
    return "{}-{:0>2}-{:0>2}".format(*day.groups()) if day else None


def page_url(tree: HtmlElement, metas: dict[str, str]) -> str | None:
    """The canonical URL, if the page gives an absolute one."""
    for link in tree.iterfind(".//link[@rel='canonical']"):
        href = clean(link.get("href"))
        if href and href.startswith(("http://", "https://")):
            return href
    url = first(metas, URL_KEYS)
    return url if url and url.startswith(("http://", "https://")) else None


def page_metadata(tree: HtmlElement, url: str | None = None) -> PageMeta:
    """Everything the page states about itself; None (or empty) for what it does not state.

    `url`: where the page was fetched from, if known (a date in it is the last resort)."""
    metas = meta_values(tree)
    article = next(linked_data(tree), {})
    publisher = article.get("publisher")
    site = clean(
        first(metas, SITE_KEYS) or (publisher.get("name") if isinstance(publisher, dict) else None)
    )
    canonical = page_url(tree, metas)
    return PageMeta(
        title=page_title(tree, metas, article),
        authors=page_authors(tree, metas, article),
        published=page_published(tree, metas, article, url or canonical),
        url=canonical,
        sitename=site if is_name(site) else None,
    )
