"""Dates and times as news pages print them, in several languages, to ISO 8601.

Our own small parser rather than dateparser: it is fast (a few compiled regexes), it only
accepts a date with a day, a month and a year, and it never turns a relative date ("2 hours
ago", "il y a 3 heures") into an absolute one: `is_relative` recognises those so the metadata
stage can drop the line without inventing a publication date.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

MONTH_NAMES = {
    1: "january jan januar jän jänner janvier janv enero ene gennaio gen janeiro januari",
    2: "february feb februar février fevrier févr fevr febrero febbraio fevereiro fev februari",
    3: "march mar märz maerz mär mars marzo março marco maart mrt",
    4: "april apr avril avr abril abr aprile",
    5: "may mai mayo maggio mag maio mei",
    6: "june jun juni juin junio giugno giu junho",
    7: "july jul juli juillet juil julio luglio lug julho",
    8: "august aug août aout agosto ago augustus",
    9: "september sep sept septembre septiembre setiembre settembre set setembro",
    10: "october oct oktober okt octobre octubre ottobre ott outubro out",
    11: "november nov novembre noviembre novembro",
    12: "december dec dezember dez décembre decembre déc diciembre dic dicembre dezembro",
}
MONTHS = {name: number for number, names in MONTH_NAMES.items() for name in names.split()}
# Words that may surround a date and time on a date line without making it anything else.
FILLER = frozenset({
    "at", "on", "the", "of", "um", "am", "uhr", "à", "a", "le", "la", "el", "de", "del", "do",
    "da", "em", "às", "alle", "ore", "il", "om", "h", "hrs", "local", "time", "monday",
    "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday", "mon", "tue", "tues",
    "wed", "thu", "thur", "thurs", "fri", "sat", "sun", "montag", "dienstag", "mittwoch",
    "donnerstag", "freitag", "samstag", "sonnabend", "sonntag", "lundi", "mardi", "mercredi",
    "jeudi", "vendredi", "samedi", "dimanche", "lunes", "martes", "miércoles", "miercoles",
    "jueves", "viernes", "sábado", "sabado", "domingo", "lunedì", "martedì", "mercoledì",
    "giovedì", "venerdì", "sabato", "domenica", "segunda", "terça", "quarta", "quinta", "sexta",
    "feira", "maandag", "dinsdag", "woensdag", "donderdag", "vrijdag", "zaterdag", "zondag"
})  # fmt: skip
# Offsets of the zone abbreviations that are not ambiguous on news pages.
ZONES = {
    "utc": "+00:00",
    "gmt": "+00:00",
    "z": "+00:00",
    "wet": "+00:00",
    "bst": "+01:00",
    "cet": "+01:00",
    "mez": "+01:00",
    "cest": "+02:00",
    "mesz": "+02:00",
    "eet": "+02:00",
    "eest": "+03:00",
    "msk": "+03:00",
    "est": "-05:00",
    "edt": "-04:00",
    "cst": "-06:00",
    "cdt": "-05:00",
    "mst": "-07:00",
    "mdt": "-06:00",
    "pst": "-08:00",
    "pdt": "-07:00",
    "jst": "+09:00",
    "kst": "+09:00",
    "aest": "+10:00",
}
_MONTH = "(?:" + "|".join(sorted(map(re.escape, MONTHS), key=len, reverse=True)) + r")\.?"
_DATE = re.compile(
    rf"""
    (?<![\w.:/-])(?:
        (?P<iso_y>\d{{4}})-(?P<iso_m>\d{{1,2}})-(?P<iso_d>\d{{1,2}})
            (?:[T\s](?P<iso_h>\d{{1,2}}):(?P<iso_min>\d{{2}})(?::\d{{2}}(?:\.\d+)?)?
            (?P<iso_tz>Z|[+-]\d{{2}}:?\d{{2}})?)?
      | (?P<ymd_y>\d{{4}})[/.](?P<ymd_m>\d{{1,2}})[/.](?P<ymd_d>\d{{1,2}})
      | (?P<num_a>\d{{1,2}})(?P<sep>[./-])(?P<num_b>\d{{1,2}})(?P=sep)(?P<num_y>\d{{4}}|\d{{2}})
      | (?P<dm_d>\d{{1,2}})(?:\.|er|st|nd|rd|th|º|°)?\s*(?:de\s+)?(?P<dm_m>{_MONTH}),?\s*
            (?:de\s+|del\s+)?(?P<dm_y>\d{{4}})
      | (?P<md_m>{_MONTH})\s+(?P<md_d>\d{{1,2}})(?:st|nd|rd|th)?,?\s+(?P<md_y>\d{{4}})
    )(?![\w:])
    """,
    re.IGNORECASE | re.VERBOSE,
)
_ZONE = "|".join(sorted(ZONES, key=len, reverse=True))
_TIME = re.compile(
    rf"""
    (?<![\w:.])(?:
        (?P<h>[01]?\d|2[0-3])[:h.](?P<min>[0-5]\d)(?::[0-5]\d(?:\.\d+)?)?
            (?:\s*(?P<ampm>[ap]\.?\s?m)\.?)?
      | (?P<h12>1[0-2]|0?[1-9])\s*(?P<ampm12>[ap]\.?\s?m)\.?
      | (?P<hh>[01]?\d|2[0-3])\s?h
    )(?![\w:])
    (?:\s*(?P<zone>{_ZONE})\b)?
    (?:\s*(?P<offset>[+-](?:\d{{2}}:?\d{{2}}|\d{{1,2}})))?
    """,
    re.IGNORECASE | re.VERBOSE,
)
_JOINER = re.compile(r"[\s,|·•/–—-]*(?:(?:at|um|à|a las|às|alle|ore|om|-)\s+)?", re.IGNORECASE)
_RELATIVE = re.compile(
    r"""
    ^(?:
        (?:(?:about|around|over|under|nearly|almost|less\ than|more\ than|just)\s+)?
            (?:\d+|an?|one|two|three|few|several)\s+
            (?:sec|secs|second|seconds|min|mins|minute|minutes|hr|hrs|hour|hours|day|days|
               week|weeks|month|months|year|years)\s+ago
      | just\ now | moments?\ ago | today | yesterday | heute | gestern | vorgestern
      | aujourd'hui | aujourd’hui | hier | avant-hier | hoy | ayer | anteayer | oggi | ieri
      | hoje | ontem | vandaag | gisteren
      | vor\s+(?:\d+|einer?|wenigen|kurzem)(?:\s+(?:sekunden?|minuten?|std\.?|stunden?|tagen?|
            wochen?|monaten?|jahren?))?
      | il\s+y\s+a\s+(?:\d+|une?|quelques)\s+(?:secondes?|min|minutes?|h|heures?|jours?|
            semaines?|mois|ans?)
      | hace\s+(?:\d+|una?|unos|unas|pocos|pocas)\s+(?:segundos?|min|minutos?|h|horas?|días?|
            dias?|semanas?|meses?|años?)
      | (?:\d+|un|una|pochi|poche)\s+(?:secondi|minuti|ore|ora|giorni|giorno|settimane|mesi|
            anni)\s+fa
      | há\s+(?:\d+|um|uma)\s+(?:segundos?|minutos?|horas?|dias?|semanas?|meses|anos?)
      | (?:\d+|een)\s+(?:seconden|minuten|minuut|uur|uren|dagen|dag|weken|maanden|jaar)\s+
            geleden
    )(?!\w)[\s,.]*
    """,
    re.IGNORECASE | re.VERBOSE,
)
_WORDS = re.compile(r"[^\W\d_]+(?:[-'’][^\W\d_]+)*|\d+")


@dataclass(frozen=True, slots=True)
class When:
    """A calendar date with an optional time (to the minute) and UTC offset."""

    year: int
    month: int
    day: int
    hour: int | None = None
    minute: int | None = None
    offset: str | None = None

    def iso(self) -> str:
        """The ISO form: 2024-10-30, 2024-10-30T14:32 or 2024-10-30T14:32+02:00."""
        day = f"{self.year:04d}-{self.month:02d}-{self.day:02d}"
        if self.hour is None or self.minute is None:
            return day
        return f"{day}T{self.hour:02d}:{self.minute:02d}{self.offset or ''}"

    def with_time(self, hour: int, minute: int, offset: str | None) -> When:
        return When(self.year, self.month, self.day, hour, minute, offset)


@dataclass(frozen=True, slots=True)
class Found:
    """A date (and time) found in a line, with the span of text it covers."""

    when: When
    start: int
    end: int


def _year(text: str) -> int:
    year = int(text)
    if len(text) == 2:
        year += 2000 if year < 70 else 1900
    return year


def _make(year: int, month: int, day: int) -> When | None:
    try:
        date(year, month, day)
    except ValueError:
        return None
    return When(year, month, day)


def _date_of(match: re.Match[str], day_first: bool) -> When | None:
    group = match.group
    if group("iso_y"):
        when = _make(int(group("iso_y")), int(group("iso_m")), int(group("iso_d")))
        if when and group("iso_h"):
            hour, minute = int(group("iso_h")), int(group("iso_min"))
            if hour < 24 and minute < 60:
                return when.with_time(hour, minute, _offset(group("iso_tz")))
        return when
    if group("ymd_y"):
        return _make(int(group("ymd_y")), int(group("ymd_m")), int(group("ymd_d")))
    if group("num_y"):
        first, second = int(group("num_a")), int(group("num_b"))
        if first > 12 or (second <= 12 and (day_first or group("sep") == ".")):
            first, second = second, first
        return _make(_year(group("num_y")), first, second)
    if group("dm_y"):
        month = MONTHS[group("dm_m").rstrip(".").lower()]
        return _make(int(group("dm_y")), month, int(group("dm_d")))
    month = MONTHS[group("md_m").rstrip(".").lower()]
    return _make(int(group("md_y")), month, int(group("md_d")))


def _offset(text: str | None) -> str | None:
    """An offset written +0200, +02:00, +2 or Z, as +02:00; None when absent."""
    if not text:
        return None
    if text.upper() == "Z":
        return "+00:00"
    sign, digits = text[0], text[1:].replace(":", "")
    if len(digits) <= 2:
        digits = f"{int(digits):02d}00"
    return f"{sign}{digits[:2]}:{digits[2:4]}"


def _time_of(match: re.Match[str]) -> tuple[int, int, str | None] | None:
    group = match.group
    if group("h") is not None:
        hour, minute, ampm = int(group("h")), int(group("min")), group("ampm")
    elif group("h12") is not None:
        hour, minute, ampm = int(group("h12")), 0, group("ampm12")
    else:
        hour, minute, ampm = int(group("hh")), 0, None
    if ampm:
        if hour > 12:
            return None
        hour = hour % 12 + (12 if ampm[0].lower() == "p" else 0)
    zone = ZONES.get((group("zone") or "").lower())
    offset = _offset(group("offset"))
    if group("offset") and zone in (None, "+00:00"):
        zone = offset
    return hour, minute, zone or None


def find_when(text: str, day_first: bool = True) -> Found | None:
    """The first date in `text`, with the time that directly follows or precedes it, if any."""
    for match in _DATE.finditer(text):
        when = _date_of(match, day_first)
        if when is None:
            continue
        start, end = match.span()
        if when.hour is None:
            joined = _JOINER.match(text, end)
            time = _TIME.match(text, joined.end()) if joined else None
            if time is None:
                time = _time_before(text, start)
                if time is not None:
                    start = time.start()
            elif joined is not None:
                end = time.end()
            parsed = _time_of(time) if time is not None else None
            if parsed is not None:
                when = when.with_time(*parsed)
        return Found(when, start, end)
    return None


def _time_before(text: str, start: int) -> re.Match[str] | None:
    """A time printed just before the date ("14:32, 30 October 2024"), or None."""
    for time in _TIME.finditer(text, 0, start):
        between = text[time.end() : start]
        if not between.strip(" ,|·•-–—") or between.strip().lower() in ("am", "le", "el", "on"):
            return time
    return None


def leftover_words(text: str) -> list[str]:
    """The words of `text` that are not date filler (weekday names, "at", "Uhr", ...)."""
    return [word for word in _WORDS.findall(text) if word.lower() not in FILLER]


def parse_when(text: str, day_first: bool = True) -> When | None:
    """`text` as a date, when it is nothing but a date (and time, weekday and filler words)."""
    found = find_when(text, day_first)
    if found is None:
        return None
    rest = text[: found.start] + " " + text[found.end :]
    if leftover_words(rest):
        return None
    return found.when


def is_relative(text: str) -> bool:
    """True for a relative date such as "2 hours ago", "vor 3 Stunden" or "hier à 14h02"."""
    text = text.strip()
    match = _RELATIVE.match(text)
    if match is None:
        return False
    rest = text[match.end() :]
    if not rest:
        return True
    joined = _JOINER.match(rest)
    time = _TIME.match(rest, joined.end()) if joined else None
    return time is not None and not rest[time.end() :].strip()
