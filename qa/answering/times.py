"""The spans of years an English time expression names: "1072", "the 1100s", "the 1980s", "the 11th
century", "the eleventh century", so that a question's time can be checked against a passage's dates.

The 11th century is read as the 1000s (1000-1099, as it is commonly used; strictly 1001-1100), "the
1100s" as a century and "the 1980s" as a decade.
"""

from __future__ import annotations

import re

ORDINALS = ("first", "second", "third", "fourth", "fifth", "sixth", "seventh", "eighth", "ninth", "tenth",
            "eleventh", "twelfth", "thirteenth", "fourteenth", "fifteenth", "sixteenth", "seventeenth",
            "eighteenth", "nineteenth", "twentieth", "twenty-first")
_CENTURY = re.compile(r"\b(?:(\d{1,2})(?:st|nd|rd|th)|(" + "|".join(ORDINALS) + r"))\s+century\b", re.I)
_PLURAL = re.compile(r"\b(\d{2,3}0)\s?['’]?s\b")  # "1100s", "1980's", "1000 's"
_YEAR = re.compile(r"\b(\d{3,4})\b")
# a bare year in a question follows one of these ("in 1169", "after 1935"); a passage's come from
# its DATE entities, where a number is a year unless it is a count of years
_BEFORE_YEAR = re.compile(r"\b(?:in|since|after|before|until|till|by|from|between|during|around|c\.|"
                          r"circa|and|to|of)\s+(\d{3,4})\b(?!\s*(?:years?|-year)\b)", re.I)
_COUNTED = re.compile(r"^\s*(?:-|\s)?(?:years?|decades?|centuries)\b", re.I)
LAST_YEAR = 2100  # a number above this is not read as a year
_ANY = re.compile(r"\d|century", re.I)  # what each of the patterns above needs: text without it names no time


def _century(match: re.Match) -> tuple[int, int]:
    n = int(match.group(1)) if match.group(1) else ORDINALS.index(match.group(2).lower()) + 1
    return (n - 1) * 100, n * 100 - 1


def _plural(match: re.Match) -> tuple[int, int] | None:
    start = int(match.group(1))
    if start > LAST_YEAR:
        return None
    return (start, start + 99) if start % 100 == 0 else (start, start + 9)


def _spans(text: str, years: re.Pattern | None) -> list[tuple[int, int, str]]:
    """(first year, last year, words) of each time expression; bare years by ``years`` (None: none)."""
    out, taken = [], []
    for m in _CENTURY.finditer(text):
        out.append((*_century(m), m.group(0)))
        taken.append(m.span())
    for m in _PLURAL.finditer(text):
        if (span := _plural(m)) is not None:
            out.append((*span, m.group(0)))
            taken.append(m.span(1))
    if years is not None:
        for m in years.finditer(text):
            at = m.span(1)
            value = int(m.group(1))
            if value <= LAST_YEAR and not any(s <= at[0] < e for s, e in taken) \
                    and not _COUNTED.match(text[at[1]:]):
                out.append((value, value, m.group(1)))
    return out


def in_question(question: str) -> tuple[tuple[int, int, str], ...]:
    """The times a question names: centuries, decades and years after a preposition of time."""
    return tuple(_spans(question, _BEFORE_YEAR)) if _ANY.search(question) else ()


def in_date(text: str) -> list[tuple[int, int, str]]:
    """The times a DATE entity's text names ("April 1191", "the 11th century", "the 1980s")."""
    return _spans(text, _YEAR)


def overlaps(a: tuple[int, int, str], b: tuple[int, int, str]) -> bool:
    return a[0] <= b[1] and b[0] <= a[1]
