#!/usr/bin/env python3
# ruff: noqa: E501  (the embedded sample text keeps one paragraph per line, as scraped pages do)
"""Write the sample files that cannot be kept as plain UTF-8 text.

Four files in samples/ exercise decoding faults, so they cannot be edited by
hand like the rest of the corpus. Their text lives here, as ordinary Python
strings, and this script writes them byte for byte:

  samples/harbourgazette/council-levy.txt       UTF-8 with a BOM and CRLF line endings
  samples/harbourgazette/gull-rock-cottage.txt.gz  gzip (mtime=0, no file name in the header)
  samples/alpenkurier/wintersaison-bilanz.txt   cp1252, no charset declaration
  samples/pressmirror/cafe-bean-prices.txt      mojibake: UTF-8 read as windows-1252, saved as UTF-8

The output is deterministic: running the script twice gives identical bytes.

    python3 tools/make_samples_binary.py          # (re)write the four files
    python3 tools/make_samples_binary.py --check  # exit 1 if any file on disk differs
"""

from __future__ import annotations

import argparse
import codecs
import gzip
import sys
from pathlib import Path

SAMPLES = Path(__file__).resolve().parent.parent / "samples"

# --------------------------------------------------------------------------
# Shared site chrome (the same lines appear in the plain-text samples of the
# same site, so repeated-line detection has something to find).
# --------------------------------------------------------------------------

HARBOUR_TOP = """\
Skip to content
The Harbour Gazette
News | Harbourside | Business | Sport | Opinion | Weather | Obituaries
Subscribe | Sign in
"""

HARBOUR_SHARE = """\
Share on Facebook
Share on X
Copy link

Advertisement
"""

HARBOUR_BOTTOM = """\
Get the Morning Tide newsletter: the day's harbour news in your inbox before 7 a.m.
Sign up

© 2024 Harbour Gazette Media Ltd. All rights reserved.
About us | Contact | Corrections | Privacy policy | Terms of use
The Harbour Gazette uses cookies to keep this site running and to count visits. Accept cookies | Manage preferences
"""

ALPEN_TOP = """\
Zum Inhalt springen
Alpenkurier
Startseite | Region | Politik | Wirtschaft | Sport | Kultur | Wetter
Abo | Anmelden
"""

ALPEN_SHARE = """\
Artikel teilen
Facebook | WhatsApp | E-Mail | Link kopieren

Anzeige
"""

ALPEN_BOTTOM = """\
Jetzt den Alpenkurier-Newsletter abonnieren und keine Meldung aus der Region verpassen.
Impressum | Datenschutz | Kontakt | AGB
© 2024 Alpenkurier Verlag GmbH
Wir verwenden Cookies, um unsere Website für Sie zu verbessern. Alle akzeptieren | Einstellungen
"""

PRESSMIRROR_TOP = """\
PressMirror
World | Markets | Science | Culture | Video
Trending: Grain corridor · Coffee prices · Election watch
"""

PRESSMIRROR_BOTTOM = """\
Disclaimer: This article is reproduced from partner media for information purposes only and does not reflect the position of PressMirror. Rights holders who object to its publication may write to us and it will be removed promptly.
pressmirror

Thanks for your feedback!

!
+

Report a problem
"""

# --------------------------------------------------------------------------
# harbourgazette/council-levy.txt: UTF-8 BOM + CRLF. Only a relative date.
# --------------------------------------------------------------------------

COUNCIL_LEVY = (
    HARBOUR_TOP
    + """\
Harbourside, Council, Flood defences
Council approves harbour wall levy after late-night vote

Declan Farrow, staff writer
Updated 2 hours ago
3 min read

Kellerby harbour council voted nine to six shortly before midnight on Wednesday to add a flood defence levy to household bills, ending months of argument over who should pay to rebuild the crumbling sea wall along Chandler's Quay. The levy will add about £38 a year to a typical band C property from April and is expected to raise £2.1 million over five years.

Engineers told councillors last autumn that two sections of the Victorian wall had moved by several centimetres since the storms of 2022 and that a major breach was "a question of when, not if". Without repairs, the report warned, spring tides could flood the fish market, the lifeboat station and around forty homes on Rope Walk.

Opposition members argued that the cost should fall on the port authority and the national flood agency rather than on residents already struggling with higher energy bills. Councillor Hamish Achterberg said the council had "taken the easy road of sending the bill to the people with the least say", and proposed a rival motion to delay the decision until the summer. It was defeated by the same margin.

The council leader, Ruth Okonjo-Bell, said the authority had applied for national funding twice and had been refused both times. "If anyone has a better idea that doesn't involve waiting for the next storm, my door is open," she told the chamber. Work on the first section of the wall is due to begin in September.

Residents who want to see the plans can sign up for one of three drop-in sessions at the harbour office in May, a council spokesperson said, adding that anyone unable to attend could click here on the council's website to read the engineers' report in full and leave a comment.

"""
    + HARBOUR_SHARE
    + """
Related
Council approves harbour wall levy after late-night vote
Ferry crews walk out as Kellerby crossing talks collapse
Rope Walk residents count the cost of January flooding

"""
    + HARBOUR_BOTTOM
)

# --------------------------------------------------------------------------
# harbourgazette/gull-rock-cottage.txt.gz: gzip-compressed UTF-8 text.
# --------------------------------------------------------------------------

GULL_ROCK = (
    HARBOUR_TOP
    + """\
Harbourside, Heritage, Gull Rock
Volunteers reopen Gull Rock lighthouse cottage as a tide museum

By Ines Maalouf
Published May 18, 2024
Agnes Tolland / Photo: Kellerby Heritage Trust
Agnes Tolland, whose grandfather kept the Gull Rock light, cuts the ribbon on Saturday.

The keeper's cottage at Gull Rock, empty for almost forty years, opened its doors on Saturday as a small museum devoted to the tides, the weather and the families who kept the light burning. More than three hundred people crossed the causeway at low water for the opening, many of them carrying old photographs and letters they hoped the volunteers would want for the collection.

The Kellerby Heritage Trust bought the cottage from the lighthouse authority in 2019 for a nominal sum, on condition that it was repaired and opened to the public. Volunteers spent four winters replacing the slate roof, rebuilding a collapsed chimney and stripping out damp plaster, much of the work done by hand because machinery cannot cross the causeway.

Inside, the rooms have been arranged as they might have looked in the 1930s, when Mrs Tolland's grandfather, Silas Tolland, was principal keeper. His logbooks, which record every passing ship and every change in the wind over eleven years, are displayed in the front room next to a working tide gauge restored by retired engineers from the boatyard.

"My grandfather would have laughed at the idea of people queuing to see his kitchen," Mrs Tolland said after cutting the ribbon. "But he always said the rock had more stories than the town, and I think he would be glad that someone finally wrote them down."

The museum will open at weekends until October, with opening times set by the tide tables. Visitors are warned that the causeway floods quickly and are asked to check the crossing times posted at the harbour office before setting out. Entry is free, though the trust welcomes donations towards its next project, restoring the lantern room itself.

"""
    + HARBOUR_SHARE
    + """
Related
Volunteers reopen Gull Rock lighthouse cottage as a tide museum
Causeway crossing times: what you need to know this summer
Council approves harbour wall levy after late-night vote

View comments (14)

"""
    + HARBOUR_BOTTOM
)

# --------------------------------------------------------------------------
# alpenkurier/wintersaison-bilanz.txt: German, encoded as cp1252.
# Contains „…“ quotes, ä ö ü ß, é, € and an em dash, all single bytes in cp1252.
# --------------------------------------------------------------------------

WINTERSAISON = (
    ALPEN_TOP
    + """\
Region, Lärchtal, Tourismus, Wirtschaft
Wintersaison im Lärchtal: Rekord bei Übernachtungen, Sorgen um den Schnee

Von Florian Eggenstein und Mira Tschudi
02.04.2024, 07:30 Uhr
Lesezeit: 4 Minuten

Das Lärchtal hat in diesem Winter so viele Übernachtungen verbucht wie nie zuvor. Nach Angaben des Tourismusverbands wurden zwischen Dezember und Ende März knapp 412.000 Nächte gezählt, ein Plus von sieben Prozent gegenüber dem Vorjahr. Besonders stark legten Gäste aus den Niederlanden und aus Belgien zu, die vor allem in den Ferienwohnungen rund um Unterlärch unterkamen.

Verbandsgeschäftsführerin Sabine Moosbrugger sprach von einem „außergewöhnlich guten Winter“, warnte aber vor allzu großer Euphorie. Die Schneelage sei unterhalb von 1.200 Metern über weite Strecken dürftig gewesen, und ohne die Beschneiungsanlagen hätten mehrere Pisten im Januar schließen müssen. Allein der Strom für die Schneekanonen habe die Bergbahnen rund 1,8 Millionen € gekostet — fast doppelt so viel wie vor drei Jahren.

Für die Betriebe im Tal fällt die Bilanz dennoch erfreulich aus. Im Café Belvédère am Dorfplatz in Unterlärch, das René Gassner in dritter Generation führt, war an den Wochenenden kaum ein Tisch zu bekommen. „Wir haben im Februar zum ersten Mal zusätzliche Aushilfen aus dem Nachbartal eingestellt“, sagt Gassner. Die Preise habe er dennoch nur moderat erhöht; ein Stück Apfelstrudel kostet bei ihm 4,90 €.

Umweltverbände sehen die Entwicklung kritischer. Der Wasserverbrauch für die technische Beschneiung sei in den vergangenen zehn Jahren um mehr als ein Drittel gestiegen, sagt Lukas Thalhammer vom Alpenverein. Er fordert, dass der Tourismusverband gemeinsam mit den Gemeinden einen Plan für die Zeit vorlegt, in der auch Kunstschnee nicht mehr ausreicht.

Der Verband will im Sommer eine Studie über die Zukunft des Wintersports im Tal in Auftrag geben. Erste Ergebnisse sollen bis zum Herbst vorliegen. Bis dahin setzt man auf den Ausbau des Sommerangebots, etwa mit neuen Mountainbike-Strecken und geführten Wanderungen über die Almen.

"""
    + ALPEN_SHARE
    + """
Lesen Sie auch
Wintersaison im Lärchtal: Rekord bei Übernachtungen, Sorgen um den Schnee
Seilbahn zum Lärchkogel bleibt bis Dezember geschlossen
Hüttenwirte am Lärchkogel fordern Hilfe von der Gemeinde

"""
    + ALPEN_BOTTOM
)

# --------------------------------------------------------------------------
# pressmirror/cafe-bean-prices.txt: mojibake. The correct text is below; the
# file holds it after a UTF-8 -> windows-1252 -> UTF-8 round trip ("CafÃ©").
# --------------------------------------------------------------------------

CAFE_PRICES = (
    PRESSMIRROR_TOP
    + """\
Café owners brace for pricier beans as harvest falls short

Oriane Delacroix-Hale | Continental Wire
2024-11-02 08:05

(Lindenau) Independent café owners across the region are preparing to raise prices again after traders warned that this year’s arabica harvest in the Qorvana highlands will come in at least 15 percent below forecasts. Wholesale prices for green beans have risen by almost a quarter since August, and roasters say the increase will reach customers’ cups before Christmas.


In the old town of Lindenau, Matthias Müller, who runs Müller’s Kaffeehaus with his sister, said the price of a cappuccino would rise from €3.60 to €3.90 in November. “We held it for two years,” he said. “But our roaster has put his prices up three times since the summer, and milk and rent have gone the same way.”


Roasters blame a combination of drought during the flowering season and higher shipping costs. Élodie Varenne, who buys beans for a cooperative of small roasteries, said some farms had lost half their crop. “People think of coffee as a cheap everyday thing,” she said. “It isn’t, and it never really was — it was just underpriced.”


Economists expect the pressure to ease next year if the rains return, but say cafés have little room to absorb further costs. A survey by a hospitality trade association found that one in five small coffee shops had cut their opening hours in the past year to save on staff and energy.


Some owners are trying to soften the blow. Müller said he would keep a “pay what you can” filter coffee on the menu for pensioners and students, and several cafés in the city have started selling their own beans at close to cost price to regular customers.


Further Reading

Café owners brace for pricier beans as harvest falls short

Dairy farmers warn of winter milk shortfall

"""
    + PRESSMIRROR_BOTTOM
)


def windows1252_mojibake(text: str) -> str:
    """Decode the UTF-8 bytes of text as a browser decodes windows-1252.

    Bytes that cp1252 leaves undefined (0x81, 0x8D, 0x8F, 0x90, 0x9D) become the
    C1 control character of the same value, as the WHATWG decoder does, so "”"
    turns into "â€" followed by U+009D. ftfy knows how to undo this.
    """
    chars = []
    for byte in text.encode("utf-8"):
        try:
            chars.append(bytes([byte]).decode("cp1252"))
        except UnicodeDecodeError:
            chars.append(chr(byte))
    return "".join(chars)


def build() -> dict[str, bytes]:
    """Return {path relative to samples/: exact bytes}."""
    return {
        "harbourgazette/council-levy.txt": codecs.BOM_UTF8
        + COUNCIL_LEVY.replace("\n", "\r\n").encode("utf-8"),
        "harbourgazette/gull-rock-cottage.txt.gz": gzip.compress(
            GULL_ROCK.encode("utf-8"), compresslevel=9, mtime=0
        ),
        "alpenkurier/wintersaison-bilanz.txt": WINTERSAISON.encode("cp1252"),
        "pressmirror/cafe-bean-prices.txt": windows1252_mojibake(CAFE_PRICES).encode("utf-8"),
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--check", action="store_true", help="compare with the files on disk instead of writing"
    )
    args = parser.parse_args(argv)
    stale = []
    for rel, data in build().items():
        path = SAMPLES / rel
        if args.check:
            if not path.exists() or path.read_bytes() != data:
                stale.append(rel)
            continue
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)
        print(f"wrote samples/{rel} ({len(data)} bytes)")
    if stale:
        print(
            "out of date: " + ", ".join(stale) + " (run tools/make_samples_binary.py)",
            file=sys.stderr,
        )
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
