"""The corpora of `make bench`: generated plain text with site chrome, and replicated HTML pages.

The plain-text corpus has the shapes of `samples/` (chrome above and below the article, bylines,
date lines, share rows, related lists that repeat the headline, appeals, debris, and the decoding
faults: hard wraps, CRLF with a BOM, entities and no-break spaces, mojibake, cp1252, gzip,
sidecars) on fictional sites of our own, with bodies assembled from sentence templates by a
seeded RNG. Document `i` depends only on the seed and `i`, so a corpus of 100,000 documents
starts with the same 10,000 documents as the corpus of 10,000, and is built streaming.

A corpus is rebuilt only when its size, seed or this file changes (a stamp beside the folder).
"""

from __future__ import annotations

import gzip
import hashlib
import json
import os
import random
import re
import shutil
import textwrap
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

# --- what a body is made of, per language -------------------------------------------------------
# Slots: {p} a person, {role}, {o} an organisation, {t} a topic, {pl} a place, {n} a number,
# {d} a weekday, {m} a month.

SENTENCES: dict[str, list[str]] = {
    "en": [
        "{p}, {role} at {o}, said the plan for {t} in {pl} had been discussed for {n} months "
        "before anyone outside the council heard of it.",
        "Residents of {pl} will be asked to comment on the proposals at a public meeting on {d} "
        "evening, the first of {n} planned for the spring.",
        "According to figures published by {o}, spending on {t} rose by {n} per cent last year, "
        "the sharpest increase since records began.",
        '"We have always known that {t} would need more attention," said {p}. "What surprised '
        'us was how quickly the costs went up."',
        "The scheme, which covers {t} across {pl} and the surrounding villages, is expected to "
        "cost around {n} million over the next decade.",
        "Critics, including {p} of {o}, argue that the timetable is unrealistic and that smaller "
        "communities risk being left behind.",
        "{o} declined to comment on the details but said in a short statement that it remained "
        "committed to {t}.",
        "Local businesses in {pl} have reported a mixed picture, with some welcoming the change "
        "and others warning of {n} job losses.",
        "The report also found that {n} households had waited more than a year for a decision "
        "on {t}.",
        "Speaking on {d}, {p} said the next step would be a review of {t}, with the results due "
        "before the summer.",
        "It is not the first time that {t} has divided opinion in {pl}; a similar proposal was "
        "abandoned {n} years ago.",
        "Volunteers from {o} spent the weekend surveying {t} along the river, a task that "
        "usually takes a fortnight.",
        "Officials said the work on {t} would begin in {m} and that disruption would be kept to "
        "a minimum.",
        "For {p}, who has lived in {pl} for most of her life, the changes are long overdue.",
        "Some {n} people attended the first session, held in the hall of {o}, and many stayed "
        "long after it ended.",
        "A spokesperson for {o} said the figures should be treated with caution because the "
        "survey had been carried out over a short period.",
    ],
    "de": [
        "{p}, {role} bei {o}, sagte, die Pläne für {t} in {pl} seien seit {n} Monaten bekannt "
        "gewesen.",
        "Die Bürgerinnen und Bürger von {pl} können sich am {d}abend bei einer öffentlichen "
        "Versammlung zu den Vorschlägen äußern.",
        "Nach Angaben von {o} stiegen die Ausgaben für {t} im vergangenen Jahr um {n} Prozent.",
        "„Wir haben immer gewusst, dass {t} mehr Aufmerksamkeit braucht“, sagte {p}. "
        "„Überrascht hat uns nur, wie schnell die Kosten gestiegen sind.“",
        "Das Vorhaben, das {t} in {pl} und den umliegenden Gemeinden umfasst, soll in den "
        "nächsten zehn Jahren rund {n} Millionen Euro kosten.",
        "Kritiker, darunter {p} von {o}, halten den Zeitplan für unrealistisch und warnen davor, "
        "die kleineren Orte zu vergessen.",
        "{o} wollte sich zu Einzelheiten nicht äußern, erklärte aber, {t} bleibe ein wichtiges "
        "Ziel.",
        "Die Betriebe in {pl} berichten von einem gemischten Bild: Manche begrüßen die Änderung, "
        "andere befürchten den Verlust von {n} Arbeitsplätzen.",
        "Dem Bericht zufolge warteten {n} Haushalte länger als ein Jahr auf eine Entscheidung "
        "über {t}.",
        "Am {d} sagte {p}, als Nächstes werde {t} überprüft; die Ergebnisse sollen vor dem "
        "Sommer vorliegen.",
        "Es ist nicht das erste Mal, dass {t} in {pl} für Streit sorgt; ein ähnlicher Vorschlag "
        "wurde vor {n} Jahren aufgegeben.",
        "Die Arbeiten sollen im {m} beginnen, die Behinderungen würden so gering wie möglich "
        "gehalten, hieß es aus dem Rathaus.",
    ],
    "fr": [
        "{p}, {role} à {o}, a expliqué que le projet concernant {t} à {pl} était discuté depuis "
        "{n} mois.",
        "Les habitants de {pl} pourront donner leur avis lors d'une réunion publique {d} soir, "
        "la première d'une série de {n}.",
        "Selon les chiffres publiés par {o}, les dépenses consacrées à {t} ont augmenté de {n} % "
        "l'an dernier.",
        "« Nous savions que {t} demanderait plus d'attention », a déclaré {p}. « Ce qui nous a "
        "surpris, c'est la vitesse à laquelle les coûts ont grimpé. »",
        "Le programme, qui couvre {t} à {pl} et dans les communes voisines, devrait coûter "
        "environ {n} millions d'euros sur dix ans.",
        "Plusieurs voix critiques, dont celle de {p}, estiment que le calendrier est irréaliste "
        "et que les petites communes risquent d'être oubliées.",
        "{o} n'a pas souhaité commenter les détails, mais a assuré dans un bref communiqué que "
        "{t} restait une priorité.",
        "À {pl}, les commerçants dressent un bilan contrasté : certains saluent le changement, "
        "d'autres craignent la perte de {n} emplois.",
        "Le rapport indique également que {n} foyers ont attendu plus d'un an une décision sur "
        "{t}.",
        "Interrogé {d}, {p} a indiqué que la prochaine étape serait un examen de {t}, dont les "
        "conclusions sont attendues avant l'été.",
        "Ce n'est pas la première fois que {t} divise {pl} : un projet semblable avait été "
        "abandonné il y a {n} ans.",
        "Les travaux commenceront en {m} et la gêne pour les riverains sera limitée au maximum, "
        "selon la mairie.",
    ],
    "es": [
        "{p}, {role} de {o}, explicó que el plan para {t} en {pl} llevaba {n} meses en estudio.",
        "Los vecinos de {pl} podrán opinar sobre las propuestas en una reunión pública el {d} por "
        "la tarde, la primera de {n} previstas.",
        "Según los datos publicados por {o}, el gasto en {t} aumentó un {n} por ciento el año "
        "pasado.",
        "«Siempre supimos que {t} necesitaría más atención», afirmó {p}. «Lo que nos sorprendió "
        "fue la rapidez con la que subieron los costes».",
        "El proyecto, que abarca {t} en {pl} y los municipios cercanos, costará unos {n} millones "
        "de euros en la próxima década.",
        "Algunos críticos, entre ellos {p}, consideran que el calendario no es realista y que "
        "los pueblos pequeños pueden quedarse atrás.",
        "{o} no quiso comentar los detalles, pero aseguró en un breve comunicado que {t} sigue "
        "siendo una prioridad.",
        "Los comercios de {pl} describen un panorama desigual: unos celebran el cambio y otros "
        "temen la pérdida de {n} empleos.",
        "El informe señala además que {n} hogares esperaron más de un año una decisión sobre {t}.",
        "El {d}, {p} indicó que el siguiente paso será una revisión de {t}, cuyos resultados se "
        "esperan antes del verano.",
        "No es la primera vez que {t} divide a {pl}: una propuesta similar se abandonó hace {n} "
        "años.",
        "Las obras comenzarán en {m} y las molestias para los vecinos serán mínimas, según el "
        "ayuntamiento.",
    ],
}

HEADLINES: dict[str, list[str]] = {
    "en": [
        "{pl} council backs {t} after late-night vote",
        "Questions grow over {t} in {pl}",
        "{o} to review {t} as costs rise",
        "Volunteers map {t} across {pl}",
        "Delay to {t} frustrates {pl} residents",
    ],
    "de": [
        "{pl}: Streit um {t} geht weiter",
        "{o} prüft {t}",
        "Mehr Geld für {t} in {pl}",
        "Verzögerung bei {t} ärgert {pl}",
    ],
    "fr": [
        "À {pl}, {t} fait débat",
        "{o} veut relancer {t}",
        "{pl} : les habitants consultés sur {t}",
        "Nouveau retard pour {t} à {pl}",
    ],
    "es": [
        "{pl} debate {t}",
        "{o} revisará {t}",
        "Más fondos para {t} en {pl}",
        "Nuevo retraso en {t} en {pl}",
    ],
}

# fmt: off
WORDS: dict[str, dict[str, list[str]]] = {
    "en": {
        "first": ["Ailsa", "Bram", "Corin", "Delphine", "Edmund", "Fenella", "Gideon", "Hester",
                  "Idris", "Juno", "Kester", "Linnea", "Magnus", "Niamh", "Oswin", "Petra",
                  "Quill", "Rosalind", "Silas", "Tamsin"],
        "last": ["Arkwright", "Bellamy", "Crowther", "Dunmore", "Ellery", "Fairclough", "Garside",
                 "Hollins", "Ingleby", "Jessop", "Kettlewell", "Lockwood", "Marchbank",
                 "Nettleton", "Oddie", "Pickersgill", "Rushworth"],
        "role": ["chair of the planning committee", "head of operations", "a senior analyst",
                 "the project manager", "a local councillor", "the director of finance"],
        "o": ["the Brackwater Trust", "Fenmoor District Council", "the Tidewell Partnership",
              "the Upland Rivers Board", "Cinderford Housing Association", "the Harrow Vale "
              "Chamber of Commerce", "the Northfold Cycling Club"],
        "t": ["the harbour wall repairs", "the new cycle route", "the library extension",
              "the flood defence scheme", "the rural bus network", "the school meals contract",
              "the market square redevelopment", "the moorland footpaths", "the night ferry "
              "service", "the allotment waiting list"],
        "pl": ["Brackwater", "Fenmoor", "Tidewell", "Cinderford", "Northfold", "Ashcombe",
               "Kilbury", "Redmarsh", "Saltholme", "Whitlow"],
        "d": ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday"],
        "m": ["January", "February", "March", "April", "May", "June", "July", "August",
              "September", "October", "November", "December"],
    },
    "de": {
        "first": ["Anja", "Bernd", "Carola", "Dieter", "Elke", "Florian", "Gudrun", "Henrik",
                  "Ilse", "Jonas", "Katrin", "Lukas", "Marlene", "Niklas", "Ottilie", "Paul"],
        "last": ["Achleitner", "Brunnhuber", "Eggenberger", "Fasching", "Grasmugg", "Hinterseer",
                 "Jochum", "Kranebitter", "Lechner", "Mayrhofer", "Oberauer", "Pichlmaier"],
        "role": ["Sprecherin des Verkehrsvereins", "Leiter des Bauamts", "Vorsitzende des "
                 "Gemeinderats", "Geschäftsführer"],
        "o": ["die Gemeinde Seetal", "der Tourismusverband Hochkar", "die Bergwacht Almtal",
              "der Landesrechnungshof", "die Raiffeisenkasse Talheim"],
        "t": ["die Sanierung der Seebrücke", "die Erweiterung des Radwegs", "die neue Buslinie",
              "die Wasserversorgung", "die Pflege der Wanderwege", "die Kinderbetreuung",
              "die Umgestaltung des Marktplatzes", "die Lawinenverbauung"],
        "pl": ["Seetal", "Almtal", "Talheim", "Hochkar", "Lindenau", "Steinach", "Grubenberg",
               "Mooskirchen"],
        "d": ["Montag", "Dienstag", "Mittwoch", "Donnerstag", "Freitag", "Samstag"],
        "m": ["Januar", "Februar", "März", "April", "Mai", "Juni", "Juli", "August", "September",
              "Oktober", "November", "Dezember"],
    },
    "fr": {
        "first": ["Anaïs", "Bastien", "Camille", "Didier", "Élodie", "Fabrice", "Gaëlle", "Hervé",
                  "Inès", "Jérôme", "Léa", "Maël", "Nolwenn", "Pascal"],
        "last": ["Le Bihan", "Kerhervé", "Morvan", "Guéguen", "Le Goff", "Tanguy", "Riou",
                 "Cadiou", "Quéré", "Pennec"],
        "role": ["adjointe au maire", "directeur du port", "présidente de l'association",
                 "chargé de mission"],
        "o": ["la communauté de communes", "le syndicat des eaux", "l'office de tourisme",
              "la chambre de commerce", "l'association Vent d'Ouest"],
        "t": ["la rénovation du port", "la nouvelle ligne de car", "la piste cyclable du "
              "littoral", "la restauration de la chapelle", "la cantine scolaire", "la "
              "protection des dunes", "la médiathèque intercommunale"],
        "pl": ["Kerlann", "Plouvenec", "Trébéron", "Lanvézec", "Saint-Armel", "Pors-Meur",
               "Locquénan"],
        "d": ["lundi", "mardi", "mercredi", "jeudi", "vendredi", "samedi"],
        "m": ["janvier", "février", "mars", "avril", "mai", "juin", "juillet", "août", "septembre",
              "octobre", "novembre", "décembre"],
    },
    "es": {
        "first": ["Alba", "Bruno", "Carmen", "Diego", "Elena", "Fermín", "Gloria", "Héctor",
                  "Irene", "Javier", "Lucía", "Marcos", "Nuria", "Óscar"],
        "last": ["Albarracín", "Bermejo", "Castañeda", "Domínguez", "Escobar", "Fuentes",
                 "Garrido", "Herrera", "Iglesias", "Jurado", "Lozano", "Montero"],
        "role": ["portavoz de la asociación vecinal", "concejal de Urbanismo", "directora del "
                 "puerto", "presidente de la cooperativa"],
        "o": ["el ayuntamiento de Villamora", "la cooperativa Tierra Alta", "la Confederación "
              "Hidrográfica", "la asociación de comerciantes", "la diputación provincial"],
        "t": ["la reforma del paseo marítimo", "la nueva línea de autobús", "la restauración "
              "del molino", "la depuradora comarcal", "la ampliación del colegio", "la "
              "limpieza del cauce"],
        "pl": ["Villamora", "Almendral", "Riosalado", "Peñaverde", "Castrillo", "Montemar",
               "Torrealta"],
        "d": ["lunes", "martes", "miércoles", "jueves", "viernes", "sábado"],
        "m": ["enero", "febrero", "marzo", "abril", "mayo", "junio", "julio", "agosto",
              "septiembre", "octubre", "noviembre", "diciembre"],
    },
}
# fmt: on


@dataclass(frozen=True)
class Chrome:
    """A language's chrome vocabulary: what sites put around an article."""

    sections: tuple[str, ...]
    account: str
    skip: str
    read_time: str
    listen: str
    share: tuple[str, ...]
    advert: str
    related: str
    newsletter: str
    signup: str
    cookie: str
    rights: str
    footer: str
    by: str
    and_: str
    photo: str
    comments: str
    appeal: str
    debris: tuple[str, ...]


# fmt: off
CHROME: dict[str, Chrome] = {
    "en": Chrome(
        ("News", "Local", "Business", "Sport", "Opinion", "Weather", "Culture", "Travel"),
        "Subscribe | Sign in", "Skip to content", "{n} min read", "Listen to this article",
        ("Share on Facebook", "Share on X", "Copy link", "Email this article"), "Advertisement",
        "Related", "Sign up for the {site} briefing: the day's top stories every morning.",
        "Sign up", "{site} uses cookies to keep this site running and to count visits. Accept "
        "cookies | Manage preferences", "© {year} {site} Media Ltd. All rights reserved.",
        "About us | Contact | Corrections | Privacy policy | Terms of use", "By", "and",
        "Photo", "View comments ({n})", "Dear reader, independent local reporting costs money. "
        "If you value our work, please consider a monthly contribution. SUPPORT US TODAY",
        ("+", "!", "Thanks for your feedback!", "Report a problem", "Loading…"),
    ),
    "de": Chrome(
        ("Nachrichten", "Region", "Wirtschaft", "Sport", "Kultur", "Meinung", "Wetter"),
        "Abonnieren | Anmelden", "Zum Inhalt springen", "Lesezeit: {n} Minuten", "Artikel "
        "vorlesen", ("Artikel teilen", "Auf Facebook teilen", "Link kopieren"), "Anzeige",
        "Lesen Sie auch", "Der {site}-Newsletter: die wichtigsten Nachrichten jeden Morgen.",
        "Jetzt anmelden", "Wir verwenden Cookies, um unsere Website zu verbessern. Alle "
        "akzeptieren | Einstellungen", "© {year} {site}. Alle Rechte vorbehalten.",
        "Impressum | Datenschutz | Kontakt | AGB", "Von", "und", "Foto",
        "Kommentare anzeigen ({n})", "Liebe Leserin, lieber Leser, unabhängiger Journalismus "
        "kostet Geld. JETZT UNTERSTÜTZEN", ("+", "Mehr laden", "Fehler melden"),
    ),
    "fr": Chrome(
        ("Actualité", "Région", "Économie", "Sport", "Culture", "Opinions", "Météo"),
        "S'abonner | Se connecter", "Aller au contenu", "Lecture : {n} min", "Écouter cet "
        "article", ("Partager sur Facebook", "Partager sur X", "Copier le lien"), "Publicité",
        "À lire aussi", "Recevez la lettre de {site} chaque matin dans votre boîte mail.",
        "Je m'inscris", "Ce site utilise des cookies pour mesurer l'audience. Accepter | "
        "Paramétrer", "© {year} {site}. Tous droits réservés.", "Mentions légales | Contact | "
        "Confidentialité", "Par", "et", "Photo", "Voir les commentaires ({n})",
        "Chère lectrice, cher lecteur, notre rédaction a besoin de votre soutien. "
        "JE FAIS UN DON", ("+", "Signaler un contenu", "Chargement…"),
    ),
    "es": Chrome(
        ("Actualidad", "Local", "Economía", "Deportes", "Cultura", "Opinión"),
        "Suscríbete | Iniciar sesión", "Saltar al contenido", "Tiempo de lectura: {n} min",
        "Escuchar esta noticia", ("Compartir en Facebook", "Compartir en X", "Copiar enlace"),
        "Publicidad", "Leer más", "Recibe el boletín de {site} cada mañana en tu correo.",
        "Suscribirme", "Utilizamos cookies propias y de terceros. Aceptar | Configurar",
        "© {year} {site}. Todos los derechos reservados.", "Aviso legal | Contacto | Privacidad",
        "Por", "y", "Foto", "Ver comentarios ({n})", "Querido lector, el periodismo local "
        "necesita tu apoyo. HAZTE SOCIO", ("+", "Denunciar error", "Cargando…"),
    ),
}
# fmt: on
AGENCIES = ("Coastline Press", "Nordwire", "Agence Ponant", "Agencia Meridiana")


@dataclass(frozen=True)
class Site:
    """A fictional site: its chrome is the same on every page, and its usual decoding fault."""

    slug: str
    name: str
    language: str
    fault: str  # none, crlf-bom, wrap, entities, mojibake, cp1252, gzip, sidecar
    curly: bool = False


SITES = (
    Site("millbrook-courier", "The Millbrook Courier", "en", "none"),
    Site("eastport-daily", "Eastport Daily", "en", "crlf-bom"),
    Site("lantern-review", "The Lantern Review", "en", "wrap"),
    Site("northfield-wire", "Northfield Wire", "en", "entities", curly=True),
    Site("copperline-times", "Copperline Times", "en", "mojibake", curly=True),
    Site("valley-ledger", "The Valley Ledger", "en", "gzip"),
    Site("rivermouth-post", "Rivermouth Post", "en", "sidecar", curly=True),
    Site("orchard-observer", "The Orchard Observer", "en", "none"),
    Site("seetaler-bote", "Seetaler Bote", "de", "cp1252"),
    Site("bergwald-zeitung", "Bergwald Zeitung", "de", "none"),
    Site("echo-des-dunes", "L'Écho des Dunes", "fr", "cp1252"),
    Site("courrier-du-plateau", "Le Courrier du Plateau", "fr", "none"),
    Site("heraldo-del-valle", "El Heraldo del Valle", "es", "none"),
    Site("gaceta-de-montemar", "Gaceta de Montemar", "es", "entities"),
)
FAULT_SHARE = 0.7  # the share of a site's pages that carry its fault; the rest are clean
MEAN_BODY_CHARS = 7500  # with ~1.5 KB of chrome, documents average ~9 KB like the issue's
_SLUG = re.compile(r"[^a-z0-9]+")
# Bytes that windows-1252 leaves undefined decode to the C1 control of the same number, as the
# mojibake on real pages (and ftfy's "sloppy-windows-1252") has them.
_CP1252 = [bytes([b]).decode("cp1252", errors="ignore") or chr(b) for b in range(256)]


class Writer:
    """One document's text, from the site's chrome and a body built to a target length."""

    def __init__(self, rng: random.Random, site: Site) -> None:
        self.rng = rng
        self.site = site
        self.words = WORDS[site.language]
        self.chrome = CHROME[site.language]

    def person(self) -> str:
        return f"{self.rng.choice(self.words['first'])} {self.rng.choice(self.words['last'])}"

    def fill(self, template: str) -> str:
        pick = self.rng.choice
        text = template.format(
            p=self.person(), role=pick(self.words["role"]), o=pick(self.words["o"]),
            t=pick(self.words["t"]), pl=pick(self.words["pl"]), n=self.rng.randint(2, 95),
            d=pick(self.words["d"]), m=pick(self.words["m"]),
        )  # fmt: skip
        return text[0].upper() + text[1:]

    def paragraph(self) -> str:
        sentences = SENTENCES[self.site.language]
        return " ".join(
            self.fill(self.rng.choice(sentences)) for _ in range(self.rng.randint(2, 6))
        )

    def body(self) -> list[str]:
        target = min(40_000, max(1_200, int(self.rng.lognormvariate(8.8, 0.5))))
        paragraphs: list[str] = []
        size = 0
        while size < target:
            paragraphs.append(self.paragraph())
            size += len(paragraphs[-1]) + 2
        return paragraphs

    def date_line(self, when: datetime) -> tuple[str, str | None]:
        """The printed date line, and the ISO date it gives (None for a relative date)."""
        lang, month = self.site.language, self.words["m"][when.month - 1]
        if self.rng.random() < 0.08:
            hours = self.rng.randint(1, 11)
            relative = {"en": f"Updated {hours} hours ago", "de": f"Aktualisiert vor {hours} "
                        "Stunden", "fr": f"Mis à jour il y a {hours} heures",
                        "es": f"Actualizado hace {hours} horas"}  # fmt: skip
            return relative[lang], None
        iso = when.strftime("%Y-%m-%dT%H:%M")
        if lang == "de":
            return when.strftime("%d.%m.%Y, %H:%M Uhr"), iso
        if lang == "fr":
            day = "1er" if when.day == 1 else str(when.day)
            return f"Publié le {day} {month} {when.year} à {when.hour}h{when.minute:02d}", iso
        if lang == "es":
            return f"Publicado el {when.day} de {month} de {when.year}", iso[:10]
        forms = (
            f"{month} {when.day}, {when.year} {when.strftime('%I:%M %p').lstrip('0')}",
            f"{when.day} {month} {when.year} {when.strftime('%H:%M')}",
            when.strftime("%Y-%m-%d %H:%M"),
        )
        return forms[self.rng.randrange(3)], iso

    def byline(self) -> str:
        by, authors = self.chrome.by, [self.person() for _ in range(self.rng.choice((1, 1, 2)))]
        form = self.rng.random()
        if len(authors) == 2:
            return f"{by} {authors[0]} {self.chrome.and_} {authors[1]}"
        if self.site.language == "en" and form < 0.2:
            return f"{authors[0]}, staff writer"
        if form < 0.35:
            return f"{authors[0]} | {self.rng.choice(AGENCIES)}"
        return f"{by} {authors[0]}"

    def document(self, index: int, faulty: bool) -> tuple[str, dict[str, str]]:
        """The page text with its chrome, and the sidecar fields a scraper would have saved."""
        rng, chrome, site = self.rng, self.chrome, self.site
        title = self.fill(rng.choice(HEADLINES[site.language]))
        others = [self.fill(rng.choice(HEADLINES[site.language])) for _ in range(2)]
        when = datetime(2023, 1, 1, 6) + timedelta(minutes=rng.randrange(3 * 365 * 24 * 60))
        date_line, published = self.date_line(when)
        body = self.body()
        section = rng.choice(chrome.sections)
        head = [chrome.skip, site.name, " | ".join(chrome.sections), chrome.account]
        head += [f"{section}, {self.fill('{pl}')}, {self.fill('{t}')}", title, ""]
        head += [self.byline(), date_line]
        if rng.random() < 0.6:
            head.append(chrome.read_time.format(n=max(1, len(" ".join(body)) // 1200)))
        if rng.random() < 0.4:
            head.append(chrome.listen)
        if rng.random() < 0.5:
            photographer = self.person()
            head.append(f"{self.fill(rng.choice(SENTENCES[site.language]))} "
                        f"({chrome.photo}: {photographer}/{site.name})")  # fmt: skip
        if len(body) > 4 and rng.random() < 0.5:
            body.insert(rng.randrange(2, len(body) - 1), chrome.advert)
        if len(body) > 5 and rng.random() < 0.2:
            at = rng.randrange(3, len(body) - 1)
            body[at:at] = [chrome.related, title, others[0], title]
        tail = [*chrome.share, chrome.related, title, *others]
        if rng.random() < 0.3:
            tail.append(chrome.appeal)
        if rng.random() < 0.4:
            tail.append(chrome.comments.format(n=rng.randint(0, 120)))
        tail += [rng.choice(chrome.debris), chrome.newsletter.format(site=site.name),
                 chrome.signup, chrome.rights.format(year=when.year, site=site.name),
                 chrome.footer, chrome.cookie.format(site=site.name)]  # fmt: skip
        wrap = site.fault == "wrap" and faulty
        sep = "\n\n" if wrap or rng.random() < 0.5 else "\n"
        text = "\n".join(head) + "\n" + sep.join(body) + "\n\n" + "\n".join(tail) + "\n"
        if wrap:  # a blog that hard-wraps everything at 72 columns, chrome included
            text = "\n".join(textwrap.fill(line, 72) for line in text.split("\n")) + "\n"
        if site.curly:
            text = curl(text)
        sidecar = {"url": f"https://{site.slug}.example/{slug(title)}-{index}", "title": title}
        if published:
            sidecar["published"] = published
        return text, sidecar


def curl(text: str) -> str:
    """Typographic quotes, as many sites print them (and the mojibake fault needs non-ASCII)."""
    text = re.sub(r'"(\S[^"\n]*?)"', "“\\1”", text)
    return text.replace("'", "’")


def slug(text: str) -> str:
    return _SLUG.sub("-", text.lower().encode("ascii", "ignore").decode()).strip("-")[:60]


def encode(text: str, site: Site, faulty: bool) -> bytes:
    """The bytes on disk: UTF-8, or the site's decoding fault."""
    fault = site.fault if faulty else "none"
    if fault == "entities":
        text = text.replace("&", "&amp;").replace("’", "&#8217;").replace('"', "&quot;")
        text = text.replace("é", "&eacute;").replace("ñ", "&ntilde;")
        text = re.sub(r"(\d) ", "\\1\u00a0", text).replace("\n\n", "\n&nbsp;\n", 1)
    elif fault == "mojibake":
        text = "".join(_CP1252[b] for b in text.encode("utf-8"))
    elif fault == "crlf-bom":
        return b"\xef\xbb\xbf" + text.replace("\n", "\r\n").encode("utf-8")
    elif fault == "cp1252":
        return text.encode("cp1252", errors="replace")
    return text.encode("utf-8")


def write_document(root: Path, seed: int, index: int) -> int:
    """Write document `index` (it depends only on `seed` and `index`); return its text size."""
    rng = random.Random(f"{seed}:{index}")
    site = SITES[rng.randrange(len(SITES))]
    faulty = rng.random() < FAULT_SHARE
    text, sidecar = Writer(rng, site).document(index, faulty)
    data = encode(text, site, faulty)
    folder = root / site.slug
    name = f"{slug(sidecar['title'])}-{index:06d}"
    if site.fault == "gzip" and faulty:
        (folder / f"{name}.txt.gz").write_bytes(gzip.compress(data, mtime=0))
    else:
        (folder / f"{name}.txt").write_bytes(data)
    if site.fault == "sidecar" and faulty:
        (folder / f"{name}.json").write_text(json.dumps(sidecar), encoding="utf-8")
    return len(data)


def generator_digest() -> str:
    """Changes whenever this file does, so an edited generator rebuilds stale corpora."""
    return hashlib.sha256(Path(__file__).read_bytes()).hexdigest()[:16]


def cached(stamp: Path, wanted: dict[str, Any]) -> dict[str, Any] | None:
    """The stamp of an up-to-date corpus, or None when it must be (re)built."""
    try:
        found = json.loads(stamp.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    return found if all(found.get(key) == value for key, value in wanted.items()) else None


def text_corpus(scratch: Path, size: int, seed: int = 7) -> tuple[Path, int]:
    """The plain-text corpus of `size` documents: (folder, total bytes of text)."""
    root = scratch / f"text-{size}"
    stamp = scratch / f"text-{size}.json"
    wanted = {"size": size, "seed": seed, "generator": generator_digest()}
    found = cached(stamp, wanted)
    if found:
        return root, found["bytes"]
    shutil.rmtree(root, ignore_errors=True)
    for site in SITES:
        (root / site.slug).mkdir(parents=True)
    total = sum(write_document(root, seed, index) for index in range(size))
    stamp.write_text(json.dumps({**wanted, "bytes": total}), encoding="utf-8")
    return root, total


@dataclass(frozen=True)
class HtmlCorpus:
    """The benchmark's pages replicated: the same files twice, bare and with mirror sidecars."""

    pages: Path  # cK/ID.html: what the peers read
    mirrored: Path  # the same files (hard links), plus cK/ID.json for K >= 1: what ingest reads
    documents: int
    bytes: int


def html_corpus(scratch: Path, pages: Path, size: int) -> HtmlCorpus:
    """The benchmark's pages replicated to `size` documents.

    Copy K of a page lives in `cK/` and ends with a comment naming the copy, so no two files are
    byte-identical. For ingest, copy K >= 1 also gets a sidecar that puts it on a site of its own
    (`mirror-K.bench.example`). Without one, the copies of a page would look like one site
    printing the same article again and again, and ingest's cross-document passes would rightly
    take every repeated line and duplicate out: work no real corpus asks for. The peers have no
    such passes and would read a sidecar as one more page, so they get the folder without them.
    """
    sources = sorted(pages.glob("*.html.gz"))
    if not sources:
        raise SystemExit(f"no pages found under {pages}")
    root, mirrored = scratch / f"html-{size}", scratch / f"html-{size}-mirrored"
    stamp = scratch / f"html-{size}.json"
    wanted = {"size": size, "pages": len(sources), "generator": generator_digest()}
    found = cached(stamp, wanted)
    if found:
        return HtmlCorpus(root, mirrored, size, found["bytes"])
    for folder in (root, mirrored):
        shutil.rmtree(folder, ignore_errors=True)
    total = 0
    originals = [gzip.decompress(path.read_bytes()) for path in sources]
    for index in range(size):
        copy, page = divmod(index, len(sources))
        folder, twin = root / f"c{copy:03d}", mirrored / f"c{copy:03d}"
        if page == 0:
            folder.mkdir(parents=True)
            twin.mkdir(parents=True)
        name = sources[page].name.removesuffix(".gz")
        data = originals[page] + f"\n<!-- bench copy {copy} -->\n".encode() * (copy > 0)
        (folder / name).write_bytes(data)
        os.link(folder / name, twin / name)
        if copy > 0:
            url = f"https://mirror-{copy}.bench.example/{name.removesuffix('.html')}"
            (twin / f"{name.removesuffix('.html')}.json").write_text(json.dumps({"url": url}))
        total += len(data)
    stamp.write_text(json.dumps({**wanted, "bytes": total}), encoding="utf-8")
    return HtmlCorpus(root, mirrored, size, total)


def page_id(source: str) -> str | None:
    """The benchmark id of a first-copy page (`c000/ID.html`), else None."""
    head, _, name = source.partition("/")
    return name.removesuffix(".html") if head == "c000" else None


def describe(root: Path) -> dict[str, int]:
    """Documents per file kind, for the bench's report of what it ran on."""
    kinds: dict[str, int] = {}
    for _, _, files in os.walk(root):
        for name in files:
            kind = name.split(".", 1)[-1]
            kinds[kind] = kinds.get(kind, 0) + 1
    return dict(sorted(kinds.items()))
