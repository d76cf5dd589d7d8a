"""Decode stage: BOM, declared charset, strict UTF-8, detection; nothing dropped silently."""

from __future__ import annotations

import codecs

import charset_normalizer
import pytest

from ingest.document import Document
from ingest.stages.decode import Decode, binary_kind, declared_charset


def decode(raw: bytes, kind: str = "text", **hints: str) -> Document:
    doc = Document(source="x", kind=kind, raw=raw)  # type: ignore[arg-type]
    doc.hints.update(hints)
    return Decode()(doc)


def test_bom_wins_over_declared_charset() -> None:
    raw = codecs.BOM_UTF8 + '<meta charset="iso-8859-5"><p>Zürich</p>'.encode()
    doc = decode(raw, "html")
    assert doc.encoding == "utf-8"
    assert "Zürich" in doc.html


def test_utf16_with_bom() -> None:
    doc = decode("Grüße aus Köln".encode("utf-16"))
    assert doc.text == "Grüße aus Köln"
    assert doc.encoding == "utf-16"


def test_declared_charset_is_used_for_html() -> None:
    raw = '<html><head><meta charset="windows-1251"></head><p>Привет</p>'.encode("cp1251")
    doc = decode(raw, "html")
    assert "Привет" in doc.html
    assert doc.encoding == "cp1251"


def test_invalid_declared_charset_falls_through_to_utf8() -> None:
    raw = '<meta charset="no-such-charset"><p>café</p>'.encode()
    assert decode(raw, "html").encoding == "utf-8"


def test_latin1_label_means_windows_1252() -> None:
    raw = '<meta charset="iso-8859-1"><p>“quoted” €5</p>'.encode("cp1252")
    assert "“quoted” €5" in decode(raw, "html").html


def test_cp1252_plain_text_is_detected() -> None:
    text = "Der Bürgermeister sagte: „Wir müssen die Brücke für 5 € im Jahr erhalten.“ " * 4
    doc = decode(text.encode("cp1252"))
    assert doc.text == text
    assert doc.encoding == "cp1252"


def test_cp1252_wins_a_tie_with_cp1250() -> None:
    text = "Das Hotel Belvédère öffnet im März wieder, sagt die Wirtin. " * 3
    doc = decode(text.encode("cp1252"))
    assert (doc.text, doc.encoding) == (text, "cp1252")


def test_a_few_bad_bytes_in_utf8_are_replaced_and_reported() -> None:
    raw = "naïve café résumé ".encode() * 10 + b"\xff" + " déjà vu".encode()
    doc = decode(raw)
    assert doc.encoding == "utf-8"
    assert "\ufffd" in doc.text and "déjà vu" in doc.text
    assert any("replaced 1 undecodable" in repair for repair in doc.repairs)


def test_binary_data_is_rejected_with_a_reason() -> None:
    png = decode(b"\x89PNG\r\n\x1a\n" + bytes(range(256)))
    assert png.reject is not None and "PNG image" in png.reject.reason
    nul = decode(b"abc\x00\x00\x00def")
    assert nul.reject is not None and "NUL bytes" in nul.reject.reason


def test_helpers() -> None:
    assert (
        declared_charset(b'<meta http-equiv="Content-Type" content="text/html; charset=Shift_JIS">')
        == "shift_jis"
    )
    assert declared_charset(b"<p>no declaration</p>") is None
    assert binary_kind(b"plain text") is None


def test_utf8_stays_while_its_other_characters_outnumber_bad_bytes_four_to_one() -> None:
    decoder = Decode()
    kept = decoder.mostly_utf8("a éééé".encode() + b"\xff", Document(source="x", kind="text"))
    assert kept == ("a éééé\ufffd", "utf-8")
    assert (
        decoder.mostly_utf8("a ééé".encode() + b"\xff", Document(source="x", kind="text")) is None
    )


RUSSIAN = "Москва — столица России, крупнейший по численности населения город страны. " * 3
JAPANESE = "東京は日本の首都であり、世界有数の大都市です。春には桜が咲き、公園はにぎわいます。" * 3
CHINESE = "北京是中华人民共和国的首都，也是全国的政治和文化中心。每年有数百万游客来到这里。" * 3
POLISH = (
    "Wczoraj w Krakowie odbyło się spotkanie mieszkańców z prezydentem miasta. Rozmawiano o "
    "budowie nowej linii tramwajowej, która połączy północne dzielnice z centrum. Mieszkańcy "
    "pytali także o zieleń i ścieżki rowerowe. "
) * 3


@pytest.mark.parametrize(
    ("text", "codec"),
    [(RUSSIAN, "cp1251"), (JAPANESE, "shift_jis"), (CHINESE, "gb18030"), (POLISH, "cp1250")],
)
def test_other_legacy_code_pages_are_not_taken_for_windows_1252(text: str, codec: str) -> None:
    raw = text.encode(codec)
    assert not Decode.reads_as_cp1252(raw)
    doc = decode(raw)
    assert doc.text == text
    assert doc.encoding != "cp1252"


def test_clean_windows_1252_skips_the_full_detection(monkeypatch: pytest.MonkeyPatch) -> None:
    """Reading as windows-1252 alone is a tenth of trying every code page."""
    calls = []
    full = charset_normalizer.from_bytes

    def spy(raw: bytes, **options: object) -> charset_normalizer.CharsetMatches:
        calls.append(options)
        return full(raw, **options)

    monkeypatch.setattr(charset_normalizer, "from_bytes", spy)
    text = "L'été dernier, la médiathèque a ouvert près de la gare. « Enfin », dit le maire. " * 3
    doc = decode(text.encode("cp1252"))
    assert (doc.text, doc.encoding) == (text, "cp1252")
    assert calls == [{"cp_isolation": ["cp1252"]}]
