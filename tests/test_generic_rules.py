"""The generic chrome rules: each family in several languages, and body sentences they spare."""

from __future__ import annotations

import pytest
from conftest import doc_from_lines

from ingest.rules import RuleSet
from ingest.stages.chrome import Chrome

CHROME = {
    "skip-to-content": [
        "Skip to content",
        "Skip to main content",
        "Zum Inhalt springen",
        "Aller au contenu principal",
        "Ir al contenido",
        "Vai al contenuto",
    ],
    "cookie-notice": [
        "We use cookies to personalise content and to analyse our traffic.",
        "This website uses cookies to improve your experience.",
        "Wir verwenden Cookies, um unsere Website für Sie zu verbessern.",
        "Nous utilisons des cookies pour mesurer l'audience.",
        "Usamos cookies propias y de terceros para mejorar tu experiencia.",
        "Questo sito utilizza cookie tecnici e di profilazione.",
        "Utilizamos cookies para melhorar a sua experiência.",
        "Wij gebruiken cookies om onze website te verbeteren.",
        "Necessary cookies are absolutely essential for the website to function properly.",
    ],
    "newsletter": [
        "Get the Morning Tide newsletter: the day's news in your inbox before 7 a.m.",
        "Sign up for our newsletter and never miss a story.",
        "Sign up for Example Daily — the five stories that matter, every weekday.",
        "By subscribing you agree to our privacy policy.",
        "Jetzt den Newsletter abonnieren und keine Meldung verpassen.",
        "Inscrivez-vous à notre newsletter.",
        "Recibe cada mañana el boletín de noticias en tu correo.",
        "Iscriviti alla nostra newsletter",
    ],
    "salutation": [
        "Dear reader,",
        "Dear readers!",
        "Liebe Leserin, lieber Leser,",
        "Chère lectrice, cher lecteur,",
        "Querido lector,",
        "Cari lettori,",
    ],
    "donation-appeal": [
        "Please consider a small monthly gift so that we can keep reporting.",
        "Become a member and help us keep our journalism free for everyone.",
        "We ask for the support of our readers by financially supporting the Free Press.",
        "FROM AS LITTLE AS £3 A MONTH",
        "Soutenez une information locale et indépendante dès 2 euros par mois.",
        "Unterstützen Sie unabhängigen Journalismus.",
        "Hazte socio y apoya el periodismo independiente.",
    ],
    "advertisement": ["Advertisement", "ADVERTISEMENT", "Anzeige", "Publicité", "Publicidad",
                      "Story continues below advertisement", "- Advertisement -"],
    "share-row": ["Facebook", "Share", "Facebook | WhatsApp | E-Mail | Link kopieren",
                  "Share Tweet Email", "Copy link"],
    "share-on": ["Share on Facebook", "Partager sur X", "Compartir por WhatsApp",
                 "Envoyer par e-mail", "Share this article", "Artikel teilen"],
    "audio-notice": ["This audio is created with AI assistance", "Listen to this article",
                     "Artikel anhören", "Écouter cet article"],
    "disclaimer": [
        "Disclaimer: The views expressed are the author's own.",
        "This article does not represent the views of this website.",
        "If there is any infringement, please contact us to delete it.",
    ],
    "feedback-widget": ["Submission successful!", "Thanks for your feedback!", "Problem feedback",
                        "Report a problem", "Was this article helpful?", "Fehler melden"],
    "widget-heading": ["Video of the day", "Photo of the week", "Vidéo du jour",
                       "Video des Tages", "Foto del día"],
    "symbols-only": ["+", "!", "‹ › ×"],
    "copyright": ["© 2024 Example Media. All rights reserved.", "Alle Rechte vorbehalten.",
                  "Tous droits réservés", "Copyright 2024 Example"],
    "comments": ["Comments are closed.", "View comments (14)", "12 Comments",
                 "Leave a Reply", "Laisser un commentaire"],
    "tag-label": ["Topics: Subsea cables, Telecoms", "Filed under: Wildlife, Marsh",
                  "Tags: politics, elections", "Schlagwörter: Politik", "Etiquetas: Cultura"],
    "legal-links": ["Impressum | Datenschutz | Kontakt | AGB",
                    "Mentions légales | Données personnelles | Contact", "Privacy Policy"],
    "account-links": ["Subscribe | Sign in", "Abo | Anmelden", "Se connecter | S'abonner",
                      "Suscríbete | Iniciar sesión"],
}  # fmt: skip
CASES = [(rule, line) for rule, lines in CHROME.items() for line in lines]

BODY_SENTENCES = [
    # Quoted or ordinary sentences that share words with chrome must stay.
    '"We\'ve asked every passenger to share this with your friends and neighbours," she said.',
    "Residents can sign up for one of three drop-in sessions at the harbour office in May.",
    "Anyone unable to attend could click here on the council's website to read the report.",
    "« Parlez-en autour de vous, partagez l'information avec vos amis », insiste-t-il.",
    "The bakery sold its famous cookies at the market on Saturday morning.",
    "The advertisement ran in three national newspapers last week.",
    "The council said the comments were closed to the public after the meeting.",
    "Readers of the local paper were asked to support the new library.",
    "The foundation will fund research into rural transport.",
]


def chrome_rule(rules: RuleSet, text: str) -> str | None:
    doc = Chrome(rules)(doc_from_lines(text))
    removal = doc.lines[0].removal
    return removal.rule if removal else None


@pytest.mark.parametrize(("rule", "line"), CASES)
def test_generic_chrome_in_several_languages(generic_rules: RuleSet, rule: str, line: str) -> None:
    assert chrome_rule(generic_rules, line) == f"generic#{rule}"


@pytest.mark.parametrize("sentence", BODY_SENTENCES)
def test_body_sentences_are_spared(generic_rules: RuleSet, sentence: str) -> None:
    assert chrome_rule(generic_rules, sentence) is None


def test_the_generic_rules_check_clean() -> None:
    from ingest.rules import SHIPPED_RULES, check_folders

    _, problems = check_folders([SHIPPED_RULES])
    assert problems == []
