"""Whether a passage gives a noun the question modifies another value of its modifier: "the lighter
colour" against "a darker colour" (a WordNet antonym, ``opposites``), "the English words" against "the
French words" (another nationality), or a name the question numbers another numeral ("Henry II"
against "Henry III"). SQuAD 2.0 makes unanswerable questions so (antonyms and modifier
swaps: Rajpurkar, Jia and Liang 2018, table 2)."""

from __future__ import annotations

import re

from . import opposites

ROMAN = re.compile(r"(?=[IVXL])L?X{0,3}(IX|IV|V?I{0,3})")  # a Roman numeral up to 89
_TYPED = re.compile(r"[^\W_][\w'’-]*")
REACH = 2  # words from a question's adjective to the noun it modifies, at most ("cold green waters")
LEFT = 3  # words before a passage's noun read as its modifiers ("the warmer, green waters")
MODIFIERS = frozenset({"ADJ", "PROPN", "NOUN", "NUM", "ADV"})  # and participles as adjectives ("suspended")
JOINERS = frozenset({",", "and", "or"})
SAME_START = 3  # letters a people's adjective and its plural noun share at least ("Danish", "Danes")
ALTERNATIVES = frozenset({"other", "another", "else", "besides", "than", "except"})  # asking for a sibling
ASKING = frozenset({"what", "which"})  # the wh-words a question's asked noun follows ("what sea")
PROPER = frozenset({"NORP", "LANGUAGE"})  # entity labels of a nationality's, a people's, a language's name


def in_question(question: str) -> tuple[tuple[str, str, bool], ...]:
    """(modifier, noun, whether the modifier is a proper adjective) of each word with an opposite the
    question lacks before a word within ``REACH`` words, and of each capitalised word right before a
    lower-case one: "the English words" -> ("english", "words", True)."""
    words = _TYPED.findall(question)
    lower = {w.lower() for w in words}
    held = set().union(*(opposites.forms(w) for w in lower))
    out = []
    for i, w in enumerate(words[:-1]):
        proper = i > 0 and w[0].isupper() and not w.isupper()
        bases = opposites.forms(w.lower())
        if proper:
            reach = 1
        elif bases and not any(opposites.table()[b] & held for b in bases):
            reach = REACH
        else:
            continue
        for noun in words[i + 1:i + 1 + reach]:
            if noun[0].islower():
                out.append((w.lower(), noun, proper))
    return tuple(out)


def numbered(question: str) -> tuple[tuple[str, str], ...]:
    """(name, Roman numeral) of each capitalised name the question numbers as a monarch's or a pope's:
    "Henry II" -> ("henry", "ii") ("I" left out: the pronoun)."""
    words = _TYPED.findall(question)
    return tuple((a.lower(), b.lower()) for a, b in zip(words, words[1:], strict=False)
                 if a[0].isupper() and not a.isupper() and b != "I" and ROMAN.fullmatch(b))


def proper_pairs(question: str) -> tuple[tuple[str, str], ...]:
    """(the last part of a capitalised word, the next word) for each capitalised word after the
    question's first and before another word: "the Irish Channel" -> ("irish", "channel"), "the
    Anglo-Norman language" -> ("norman", "language"); none when the question asks for another of a kind
    ("what other river", "besides X") or its asked noun is the modified one ("X Sea ... what sea?")."""
    words = _TYPED.findall(question)
    lower = [w.lower() for w in words]
    if ALTERNATIVES & set(lower):
        return ()
    asked = {b for a, b in zip(lower, lower[1:], strict=False) if a in ASKING}
    return tuple((a.lower().split("-")[-1], b.lower()) for a, b in zip(words[1:], words[2:], strict=False)
                 if a[0].isupper() and not a.isupper() and not ROMAN.fullmatch(b) and b.lower() not in asked)


def candidate_otherwise(pairs, ev, span) -> str | None:
    """The candidate's own proper modifier of a noun the question gives another one: "the English
    Channel" for "the sea level of the Irish Channel", "the Anglo-Saxon [language]" for "the
    Anglo-Norman language": a sibling of what the question names, not something said of it."""
    labelled = {t for s in ev.spans if s.label in PROPER for t in range(s.first, s.last + 1)}
    people = {t for s in ev.spans if s.label == "PERSON" for t in range(s.first, s.last + 1)}
    for modifier, noun in pairs:
        for j in range(span.first + 1, min(span.last + 2, len(ev.words), len(ev.arcs))):
            before = ev.words[j - 1]
            if (ev.words[j] == noun and ev.arcs[j][0] in ("NOUN", "PROPN") and j not in people
                    and (ev.arcs[j - 1][0] == "PROPN" or j - 1 in labelled)
                    and not _same(before, modifier, True)):
                return f"its passage says {before!r} {noun!r} where the question says {modifier!r} {noun!r}"
    return None


def number_otherwise(names, ev) -> str | None:
    """The passage's other numeral after a name the question numbers, when it never gives the
    question's own: "Henry III" for "Henry II"."""
    for name, numeral in names:
        after = {ev.words[i + 1] for i, w in enumerate(ev.words[:-1]) if w == name}
        others = sorted(w for w in after if w != numeral and ROMAN.fullmatch(w.upper()) and w != "i")
        if numeral not in after and others:
            return f"its passage says {name.title()} {others[0].upper()!r} where the question says " \
                   f"{numeral.upper()!r}"
    return None


def said_otherwise(pairs, ev) -> str | None:
    """The passage's other value of a question's modifier before the noun it modifies, when none of
    that noun's mentions there has the question's own: "a darker colour" for "a lighter colour"."""
    for modifier, noun, proper in pairs:
        one = singular(noun)
        forms = (one, one + "s")  # the only words whose singular it can be
        mentions = [i for i, w in enumerate(ev.words) if w in forms and singular(w) == one
                    and i < len(ev.arcs) and ev.arcs[i][0] in ("NOUN", "PROPN")]
        if not mentions:
            continue
        befores = [_before(ev, i) + (_of_after(ev, i) if proper else []) for i in mentions]
        if any(_same(ev.words[j], modifier, proper) for b in befores for j in b):
            continue
        for before in befores:
            if (other := _other_value(ev, before, modifier, proper)) is not None:
                return f"its passage says {ev.words[other]!r} where the question says {modifier!r}"
    return None


def _before(ev, i: int) -> list[int]:
    """The tokens modifying the noun at ``i`` from before it: up to ``LEFT`` words, and the commas and
    "and"s between them, up to its determiner or any other word."""
    out = []
    j, taken = i - 1, 0
    while j >= 0 and taken < LEFT:
        word = ev.words[j]
        if word in JOINERS:
            j -= 1
            continue
        if j >= len(ev.arcs) or ev.arcs[j][0] not in MODIFIERS and ev.arcs[j][:2] != ("VERB", "amod"):
            break
        out.append(j)
        taken += 1
        j -= 1
    return out


def _of_after(ev, i: int) -> list[int]:
    """The head of an "of" phrase right after the noun at ``i`` ("the identity of the Normans")."""
    if i + 1 < len(ev.words) and ev.words[i + 1] == "of":
        return [j for j in range(i + 2, min(len(ev.arcs), i + 5))
                if ev.arcs[j][1] == "pobj" and ev.arcs[j][2] == i + 1]
    return []


def _other_value(ev, before: list[int], modifier: str, proper: bool) -> int | None:
    """The token of ``before`` that gives another value of ``modifier``: an opposite of it, or for a
    proper adjective another nationality's or language's name."""
    if proper:
        labelled = {t for s in ev.spans if s.label in PROPER for t in range(s.first, s.last + 1)}
        return next((j for j in before if j in labelled and not _same(ev.words[j], modifier, proper)), None)
    opposite = set().union(*(opposites.table()[b] for b in opposites.forms(modifier)))
    return next((j for j in before if opposites.forms(ev.words[j]) & opposite), None)


def _same(word: str, modifier: str, proper: bool) -> bool:
    """Whether ``word`` gives the modifier's own value: the word itself, or for a proper adjective a
    name of the same people or tongue ("Normans" for "Norman", "Franks" for "Frankish": a shared start)."""
    return word == modifier or proper and word[:SAME_START] == modifier[:SAME_START]


def singular(word: str) -> str:
    """``word`` without a plural's or a possessive's "s" ("waters", "sons" -> "water", "son"; not "glass")."""
    return word[:-1] if word.endswith("s") and not word.endswith("ss") else word
