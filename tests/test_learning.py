"""Acceptance for learned chrome and duplicates, end to end through the runner.

A generated corpus: four fictional sites in four languages, each page framed by chrome no rule
names (a header, a line with changing figures, a long notice, inline teasers, one of them in
another language, a footer block), drawn at random per page, around unique body paragraphs.
Some body lines quote the site's chrome inside a sentence, or repeat a short phrase across a
few pages: both must stay.
"""

from __future__ import annotations

import json
import random
from dataclasses import dataclass
from pathlib import Path

from conftest import write_tree

from ingest import Pipeline
from ingest.runner import RunOptions, run


@dataclass(frozen=True)
class Site:
    header: tuple[str, str]  # the second holds figures that change from page to page
    notice: str  # longer than a short line: must be on half the pages to count
    teasers: tuple[str, str]  # the second in another language
    letters: str  # "{n} letters about this story"
    footer: tuple[str, ...]
    words: tuple[tuple[str, ...], ...]  # subjects, verbs, objects, reasons of body sentences
    quote: str  # a short sentence some body paragraphs repeat word for word


SITES = {
    "alpenblatt": Site(
        header=("Alpenblatt – Nachrichten aus dem Tal und von den Gipfeln", "Bergwetter: {t} Grad"),
        notice="Das Alpenblatt erscheint jeden Morgen in allen Gemeinden des Tals und wird von "
        "unseren eigenen Botinnen und Boten bis sieben Uhr zugestellt.",
        teasers=("Leserbilder der Woche: Ihre schönsten Gipfelfotos", "Photo desk: the valley"),
        letters="{n} Leserbriefe zu diesem Artikel",
        footer=(
            "Alpenblatt Verlag, Talstraße 12, Bergdorf",
            "Redaktionsschluss für die Samstagsausgabe ist Donnerstag",
            "Hinweise an die Redaktion per Brieftaube",
        ),
        words=(
            ("Der Gemeinderat", "Die neue Bürgermeisterin", "Der Bergführerverein", "Die Schule"),
            ("hat beschlossen,", "will im Sommer", "versucht seit Jahren,", "lehnt es ab,"),
            (
                "die alte Brücke über den Bach zu erneuern",
                "den Wanderweg zur Hütte zu verbreitern",
                "einen zweiten Bus ins Dorf fahren zu lassen",
                "die Turnhalle für Vereine zu öffnen",
                "das Wasserkraftwerk am Fluss auszubauen",
            ),
            (
                "weil die Kosten sonst weiter steigen würden.",
                "obwohl viele Bewohner dagegen waren.",
                "nachdem die Versammlung bis Mitternacht gedauert hatte.",
                "damit die Arbeiten vor dem Winter fertig werden.",
            ),
        ),
        quote="Die Entscheidung fiel einstimmig.",
    ),
    "diario-costa": Site(
        header=("Diario Costa — noticias del litoral desde siempre", "Pleamar hoy a las {t}"),
        notice="Diario Costa se imprime en papel reciclado y llega cada mañana a todos los "
        "pueblos de la costa gracias a nuestros propios repartidores.",
        teasers=("Las fotos de los lectores: atardeceres en el puerto", "Vu de la côte en images"),
        letters="{n} cartas al director sobre esta noticia",
        footer=(
            "Diario Costa, Paseo del Muelle 8, Villamar",
            "Redacción de guardia esta noche: mesa de cierre",
            "Avisos a la redacción por paloma mensajera",
        ),
        words=(
            ("El ayuntamiento", "La nueva alcaldesa", "La cofradía de pescadores", "El colegio"),
            ("ha decidido", "quiere este verano", "intenta desde hace años", "se niega a"),
            (
                "reparar el muelle viejo junto a la lonja",
                "ampliar el paseo marítimo hasta la playa",
                "poner un segundo autobús al pueblo",
                "abrir el polideportivo a los clubes",
                "limpiar el cauce del río antes de las lluvias",
            ),
            (
                "porque los costes no dejarían de subir.",
                "aunque muchos vecinos estaban en contra.",
                "después de un pleno que duró hasta la medianoche.",
                "para que las obras terminen antes del invierno.",
            ),
        ),
        quote="La decisión fue unánime.",
    ),
    "harbourgazette": Site(
        header=("Harbour Gazette · News from the estuary", "Today's tides: high water at {t}"),
        notice="The Harbour Gazette is printed on recycled paper and carried by our own vans to "
        "every village along the estuary before seven each morning.",
        teasers=("Pictures of the week from the quay", "Le foto dei lettori: il porto"),
        letters="{n} letters to the editor about this story",
        footer=(
            "Harbour Gazette, 4 Quay Street, Port Elm",
            "Editor on duty tonight: the night desk",
            "Tip-offs by carrier pigeon or telephone",
        ),
        words=(
            ("The harbour board", "The new mayor", "The lifeboat crew", "The village school"),
            ("has decided to", "wants this summer to", "has tried for years to", "refuses to"),
            (
                "repair the old sea wall near the fish market",
                "widen the path along the cliffs to the beach",
                "run a second bus to the village",
                "open the sports hall to local clubs",
                "dredge the channel before the autumn storms",
            ),
            (
                "because the cost would only keep rising.",
                "although many residents were against it.",
                "after a meeting that lasted until midnight.",
                "so that the work is finished before the winter.",
            ),
        ),
        quote="The decision was unanimous.",
    ),
    "ouest-matin": Site(
        header=("Ouest Matin, le quotidien des îles et des ports", "Pleine mer à {t}"),
        notice="Ouest Matin est imprimé sur papier recyclé et livré chaque matin dans toutes les "
        "communes du littoral par nos propres porteurs.",
        teasers=("Les photos de nos lecteurs : la jetée au couchant", "Notícias do mar em fotos"),
        letters="{n} courriers des lecteurs sur cet article",
        footer=(
            "Ouest Matin, 3 quai des Pêcheurs, Port-Louvel",
            "Permanence de la rédaction ce soir : le secrétariat de nuit",
            "Vos informations à la rédaction par pigeon voyageur",
        ),
        words=(
            ("Le conseil municipal", "La nouvelle maire", "Les pêcheurs du port", "Le collège"),
            ("a décidé de", "veut cet été", "essaie depuis des années de", "refuse de"),
            (
                "réparer la vieille digue près de la criée",
                "élargir le sentier côtier jusqu'à la plage",
                "faire rouler un deuxième bus vers le bourg",
                "ouvrir la salle de sport aux associations",
                "draguer le chenal avant les tempêtes d'automne",
            ),
            (
                "parce que les coûts ne cesseraient de monter.",
                "bien que beaucoup d'habitants y soient opposés.",
                "après une séance qui a duré jusqu'à minuit.",
                "pour que les travaux finissent avant l'hiver.",
            ),
        ),
        quote="La décision a été prise à l'unanimité.",
    ),
}


@dataclass
class Page:
    """A generated page: its text, and which of its lines are chrome and which are body."""

    text: str
    chrome: list[str]
    body: list[str]


def page(site_name: str, number: int) -> Page:
    """Page `number` of a site: the same number always gives the same page."""
    site = SITES[site_name]
    rng = random.Random(f"{site_name}/{number}")
    subjects, verbs, objects, reasons = site.words

    def sentence() -> str:
        return " ".join(
            (rng.choice(subjects), rng.choice(verbs), rng.choice(objects), rng.choice(reasons))
        )

    title = f"{rng.choice(subjects)} {rng.choice(verbs)} {rng.choice(objects)}"
    body = [f"{sentence()} {sentence()} {sentence()}" for _ in range(rng.randint(4, 7))]
    if number % 6 == 1:  # a body line that quotes the site's chrome inside a sentence
        quoting = sentence()
        body.insert(1, f"«{site.teasers[0]}», {quoting[0].lower()}{quoting[1:]}")
    if number % 8 == 2:  # a short sentence a few pages repeat: under a fifth of the site
        body.insert(3, site.quote)
    chrome: list[str] = []

    def draw(line: str, share: float) -> list[str]:
        if rng.random() < share:
            chrome.append(line)
            return [line]
        return []

    header = draw(site.header[0], 0.95)
    header += draw(site.header[1].format(t=f"{rng.randint(0, 23)}:{rng.randint(10, 59)}"), 0.8)
    middle = draw(site.teasers[0], 0.6) + draw(site.teasers[1], 0.5)
    tail = draw(site.letters.format(n=rng.randint(2, 60)), 0.7) + draw(site.notice, 0.8)
    footer = list(site.footer) if rng.random() < 0.9 else []
    chrome += footer
    lines = [*header, title, *body[:2], *middle, *body[2:], *tail, *footer]
    return Page("\n\n".join(lines) + "\n", chrome, body)


def records(path: Path) -> list[dict]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]


def test_chrome_no_rule_names_is_learned_and_bodies_survive(tmp_path: Path) -> None:
    pages = {f"{site}/a{n:03d}.txt": page(site, n) for site in SITES for n in range(24)}
    original, edited, elsewhere = (
        pages["harbourgazette/a003.txt"],
        pages["harbourgazette/a005.txt"],
        pages["harbourgazette/a007.txt"],
    )
    copies = {
        "harbourgazette/z-reprint.txt": original.text,
        "harbourgazette/z-corrected.txt": edited.text.replace(edited.body[1], edited.body[1][:-8]),
        "ouest-matin/z-agency.txt": "\n\n".join(elsewhere.body) + "\n",
    }
    root = write_tree(tmp_path / "in", {name: each.text for name, each in pages.items()})
    write_tree(root, copies)
    out = tmp_path / "clean.jsonl"
    report = run(Pipeline(), root, out, RunOptions(workers=2))

    written = {record["source"]: record for record in records(out)}
    chrome = body = chrome_gone = body_kept = learned = by_rule = 0
    for name, each in pages.items():
        record = written[name]
        kept = set(record["text"].split("\n\n"))
        stages = {removal["text"]: removal["stage"] for removal in record["removed"]}
        chrome += len(each.chrome)
        chrome_gone += sum(line not in kept for line in each.chrome)
        learned += sum(stages.get(line) == "repeats" for line in each.chrome)
        by_rule += sum(stages.get(line) == "chrome" for line in each.chrome)
        body += len(each.body)
        body_kept += sum(line in kept for line in each.body)
    print(
        f"\nchrome removed {chrome_gone}/{chrome} ({chrome_gone / chrome:.1%}), "
        f"by the learned stage {learned}; body kept {body_kept}/{body} ({body_kept / body:.1%})"
    )
    assert by_rule == 0  # no rule names this chrome: it was learned
    assert chrome_gone >= 0.95 * chrome
    assert body_kept >= 0.99 * body

    ids = {name: written[name]["id"] for name in pages}
    rejects = {r["source"]: r for r in records(tmp_path / "clean.rejects.jsonl")}
    assert sorted(rejects) == ["harbourgazette/z-corrected.txt", "harbourgazette/z-reprint.txt"]
    assert rejects["harbourgazette/z-reprint.txt"]["duplicate_of"] == ids["harbourgazette/a003.txt"]
    assert rejects["harbourgazette/z-reprint.txt"]["reason"].startswith("an exact duplicate of")
    corrected = rejects["harbourgazette/z-corrected.txt"]
    assert corrected["duplicate_of"] == ids["harbourgazette/a005.txt"]
    assert corrected["reason"].startswith("a near-duplicate (")
    assert written["ouest-matin/z-agency.txt"]["metadata"]["same_as"] == [
        ids["harbourgazette/a007.txt"]
    ]
    assert report.stats.duplicates == 2
    assert report.stats.written == len(pages) + 1


def test_chrome_learned_from_thirty_pages_cleans_three_new_ones(tmp_path: Path) -> None:
    site = "alpenblatt"
    root = write_tree(
        tmp_path / "in", {f"{site}/a{n:03d}.txt": page(site, n).text for n in range(30)}
    )
    out = tmp_path / "clean.jsonl"
    state = tmp_path / "state.db"
    run(Pipeline(), root, out, RunOptions(state=state, workers=1))

    new = {f"{site}/b{n}.txt": page(site, 100 + n) for n in range(3)}
    write_tree(root, {name: each.text for name, each in new.items()})
    report = run(Pipeline(), root, out, RunOptions(state=state, workers=1))
    assert report.processed == 3
    written = {record["source"]: record for record in records(out)}
    for name, each in new.items():
        record = written[name]
        removed = {removal["text"]: removal for removal in record["removed"]}
        for line in each.chrome:
            assert removed[line]["stage"] == "repeats", line
            assert removed[line]["reason"].endswith(f"of 33 documents of {site}")
        assert all(line in record["text"].split("\n\n") for line in each.body)

    alone = write_tree(tmp_path / "alone", {name: each.text for name, each in new.items()})
    run(Pipeline(), alone, tmp_path / "alone.jsonl", RunOptions(workers=1))
    for record in records(tmp_path / "alone.jsonl"):  # three pages alone reveal nothing
        assert not any(removal["stage"] == "repeats" for removal in record["removed"])


def test_the_learned_output_does_not_depend_on_the_workers(tmp_path: Path) -> None:
    files = {f"{site}/a{n:03d}.txt": page(site, n).text for site in SITES for n in range(12)}
    files["alpenblatt/z-copy.txt"] = files["alpenblatt/a001.txt"]
    root = write_tree(tmp_path / "in", files)
    outputs = []
    for workers in (1, 2):
        out = tmp_path / f"w{workers}" / "clean.jsonl"
        report = run(Pipeline(), root, out, RunOptions(workers=workers))
        assert report.stats.removed["repeats"] > 0 and report.stats.duplicates == 1
        outputs.append((out.read_bytes(), out.with_name("clean.rejects.jsonl").read_bytes()))
    assert outputs[0] == outputs[1]
