"""What a page says about itself: meta tags, JSON-LD, canonical link, title, author elements."""

from __future__ import annotations

from lxml import html as lxml_html

from ingest.pagemeta import PageMeta, page_metadata, split_authors


def meta_of(head: str, body: str = "<p>Text.</p>", url: str | None = None) -> PageMeta:
    return page_metadata(
        lxml_html.document_fromstring(f"<html><head>{head}</head><body>{body}</body></html>"), url
    )


def test_meta_tags_give_every_field() -> None:
    page = meta_of(
        "<title>Tide tables revised | Harbour Post</title>"
        '<meta property="og:title" content="Tide tables revised">'
        '<meta name="author" content="By Ana Ruiz and Tom Hale">'
        '<meta property="article:published_time" content="2024-06-11T14:05:00+02:00">'
        '<meta property="og:site_name" content="Harbour Post">'
        '<link rel="canonical" href="https://harbour.example/2024/06/11/tides">'
    )
    assert page.title == "Tide tables revised"
    assert page.authors == ["Ana Ruiz", "Tom Hale"]
    assert page.published == "2024-06-11T14:05+02:00"
    assert page.url == "https://harbour.example/2024/06/11/tides"
    assert page.sitename == "Harbour Post"


def test_json_ld_article_in_a_graph() -> None:
    page = meta_of(
        '<script type="application/ld+json">{"@graph": [{"@type": "WebSite", "name": "x"},'
        '{"@type": "NewsArticle", "headline": "Ferry talks resume",'
        '"author": [{"@type": "Person", "name": "Lena Berg"},'
        '{"@type": "Organization", "name": "Wire Desk"}],'
        '"datePublished": "2024-03-05T09:15:00Z", "publisher": {"name": "Coast News"}}]}'
        "</script>"
    )
    assert page.title == "Ferry talks resume"
    assert page.authors == ["Lena Berg"]  # an organisation is not an author
    assert page.published == "2024-03-05T09:15+00:00"
    assert page.sitename == "Coast News"


def test_broken_json_ld_is_skipped() -> None:
    page = meta_of('<script type="application/ld+json">{"@type": "Article", </script>')
    assert page.authors == [] and page.published is None


def test_fallbacks_h1_time_element_and_byline_element() -> None:
    page = meta_of(
        "<title>Site name - The one headline of the page</title>",
        '<h1>The one headline</h1><div class="byline">By Priya Okafor</div>'
        '<time datetime="2024-06-11">June 11</time><p>Text.</p>',
    )
    assert page.title == "The one headline"
    assert page.authors == ["Priya Okafor"]
    assert page.published == "2024-06-11"


def test_title_element_without_h1_loses_its_site_part() -> None:
    page = meta_of("<title>Council approves the harbour wall levy | Gazette</title>")
    assert page.title == "Council approves the harbour wall levy"


def test_what_is_not_a_value_is_ignored() -> None:
    page = meta_of(
        '<meta property="article:author" content="https://social.example/someone">'
        '<meta property="og:site_name" content="@handle">'
        '<meta property="article:published_time" content="0001-01-01T00:00:00">'
        '<link rel="canonical" href="/relative/path">'
        '<div class="author-box">Share this article</div>'
    )
    assert page.authors == [] and page.sitename is None and page.url is None
    assert page.published is None


def test_a_date_in_the_url_is_the_last_resort() -> None:
    assert meta_of("", url="https://x.example/news/2023/1/9/story").published == "2023-01-09"
    assert meta_of("", url="https://x.example/news/story").published is None


def test_split_authors() -> None:
    assert split_authors("Maeve Lindqvist; Tomasz Oduya") == ["Maeve Lindqvist", "Tomasz Oduya"]
    assert split_authors("https://example.org/author/x") == []
    assert split_authors(None) == []
