"""Question type -> expected entity labels and the noun it asks for; the short answer as plain data."""

from __future__ import annotations

import re
from dataclasses import dataclass

from . import directions, modifiers, opposites, restated, times

PLACE = ("GPE", "LOC", "FAC")
NUMBER = ("CARDINAL", "QUANTITY", "MONEY", "PERCENT")
AUXILIARIES = frozenset(["is", "are", "was", "were", "do", "does", "did", "has", "have", "had", "can",
                         "could", "will", "would", "should", "may", "might", "must", "shall"])
# the same with "not" contracted: "Didn't she ...?" is a (negative) yes/no question too
NEGATIVE_AUXILIARIES = frozenset([a + "n" + q + "t" for a in ("is", "are", "was", "were", "do", "does",
                                                             "did", "has", "have", "had", "could",
                                                             "would", "should", "must")
                                  for q in "'’"] + ["can't", "can’t", "won't", "won’t"])

PERSON_NOUNS = ("person|people|man|men|woman|women|artist|painter|writer|poet|scientist|doctor|"
                "relatives?|brother|sister|wife|husband|son|daughter|father|mother|friend|colleague|"
                "leader|officer|agent|spy|boss|assassin|killer|murderer|chief|director|teacher")
# adjectives and adverbs of degree whose "how ..." asks for a measure ("How wide is the Rhine?")
MEASURES = "far|wide|deep|high|tall|big|large|fast|quickly|heavy|often|hot|cold|warm|low|small"
_HEAD = r"(?:of [\w'’]+ )?(?:[\w'’-]+ ){0,2}?"
# (pattern matched at the question's first wh-word, question type, expected labels by preference)
QUESTION_TYPES: list[tuple[re.Pattern[str], str, tuple[str, ...]]] = [
    (re.compile(r"how (many|much)\b"), "how_many", NUMBER + ("DATE",)),
    (re.compile(r"how (long|old)\b"), "how_long", ("DATE", "TIME", "QUANTITY", "CARDINAL")),
    (re.compile(rf"how ({MEASURES})\b"), "how_many", ("QUANTITY", "CARDINAL", "PERCENT")),
    (re.compile(rf"(what|which) {_HEAD}(percent|percentage|proportion|share)s?\b"), "how_many",
     ("PERCENT", "CARDINAL")),
    (re.compile(rf"(what|which) {_HEAD}(year|date|month|day|decade|century)s?\b"), "when",
     ("DATE", "TIME")),
    (re.compile(rf"(what|which) {_HEAD}(country|countries|city|cities|town|place|state|region|"
                r"prison)\b"), "where", PLACE),
    (re.compile(rf"(what|which) {_HEAD}(nationality|religion|ethnicity)\b"), "what", ("NORP",)),
    (re.compile(rf"(what|which) {_HEAD}(organi[sz]ations?|agency|service|court|party|company)\b"),
     "what", ("ORG",)),
    (re.compile(rf"(what|which) {_HEAD}({PERSON_NOUNS})\b"), "who", ("PERSON",)),
    (re.compile(rf"(what|which) {_HEAD}(purpose|reason|cause|aim|motive)s?\b"), "why", ()),
    (re.compile(r"wh(o|om|ose)\b"), "who", ("PERSON", "ORG")),
    (re.compile(r"when\b"), "when", ("DATE", "TIME")),
    (re.compile(r"where\b"), "where", PLACE),
    (re.compile(r"why\b"), "why", ()),
    (re.compile(r"(what|which)\b"), "what", ()),
    (re.compile(r"how\b"), "how", ()),
]
# English prepositions that take a noun phrase object (a grammar's closed class)
PREPOSITIONS = frozenset(["of", "in", "on", "at", "for", "with", "by", "to", "from", "into", "onto",
                          "through", "across", "along", "about", "against", "among", "between", "behind",
                          "during", "under", "over", "near", "toward", "towards", "upon", "within",
                          "without", "via", "after", "before", "around", "beside", "beyond", "like"])
_WH = re.compile(r"\b(who|whom|whose|when|where|why|what|which|how)\b")
TOP_PASSAGES = 3  # the short answer is looked for in this many of the best passages
MAX_TOP_K = 50  # the most passages one question may ask for (API, CLI, page)
DEFAULT_TOP_K = 3  # how many passages a question gets when it does not say (API, CLI, page)
DURATION = re.compile(r"\b(\d+|one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|"
                      r"several|many|few)\b.*\b(year|month|week|day|decade|hour|minute)s?\b", re.I)


# What role the wh-word plays, from the words after it: "Who killed ..." asks for the subject,
# "What did ... discharge through" for an object, "Who was ..." for what a copula names.
SUBJECT_FORM, OBJECT_FORM, COPULA_FORM = "subject", "object", "copula"
DO_AUXILIARIES = frozenset(["do", "does", "did", "can", "could", "will", "would", "should", "may", "might",
                            "must", "shall", "has", "have", "had"])
BE_AUXILIARIES = frozenset(["is", "are", "was", "were", "be", "been"])
FORM_LOOKAHEAD = 3  # words after the wh-word searched for an auxiliary ("what river did ...")
# "be" and a past participle right after the wh-word or its noun make a passive ("Who had been banished
# ...", "What castles were built ...", "What was taken ..."): the wh-word is then the one acted on,
# never the "by" phrase
_PASSIVE = re.compile(r"((?:[a-z][a-z'’-]*\s+){0,2}?)(?:(?:has|have|had|will|would)\s+)?"
                      r"(?:(?:is|are|was|were|be|been)\s+){1,2}([a-z]{2,})\b")
_WORD = re.compile(r"[a-z0-9][a-z0-9'’-]*")
PERFECT = frozenset(["has", "have", "had"])
# Past participles of common irregular English verbs (the standard irregular-verb table of English
# grammars): after "has/have/had" right behind the wh-word they make a perfect tense ("Who had found
# refuge ...?"), whose subject the wh-word is; regular participles end in -ed.
_IRREGULAR_PARTICIPLES = """
    arisen awoken been beaten become begun bent bet bid bitten bled blown born broken bred brought built
    burnt burst bought cast caught chosen clung come cost crept cut dealt dug done drawn dreamt drunk
    driven eaten fallen fed felt fought found fled flung flown forbidden forgotten forgiven frozen got
    gotten given gone ground grown hung heard hidden hit held hurt kept knelt known laid led leant
    learnt left lent let lain lit lost made meant met paid put quit read ridden rung risen run said
    seen sought sold sent set shaken shed shone shot shown shrunk shut sung sunk sat slept slid spoken
    spent spun split spread sprung stood stolen stuck stung struck sworn swept swum swung taken taught
    torn told thought thrown understood woken worn wept won wound written"""
IRREGULAR_PARTICIPLES = frozenset(_IRREGULAR_PARTICIPLES.split())
IDENTIFYING = frozenset(["who", "what"])  # kinds whose "wh- is X?" asks what X is, not when or where
_CASED_WORD = re.compile(r"[^\W\d_][\w'’.-]*")
# lower-case words inside personal and place names (English, French, German, Dutch, Italian, Spanish)
NAME_PARTICLES = frozenset(["of", "the", "de", "du", "des", "la", "le", "von", "van", "der", "den", "da",
                            "di", "del", "y"])
# Where the complement of "Who was ..." ends: a preposition, relative word or "to" starts its modifiers.
_COMPLEMENT_END = frozenset(["of", "in", "on", "at", "for", "with", "by", "to", "from", "that", "who",
                             "which", "whose", "during", "after", "before", "when", "where", "about"])


@dataclass(frozen=True)
class QuestionType:
    """The answer a question wants: its kind, the entity labels that fit, the wh-word's role and the
    question's own lower-case words (for matching its prepositions in a passage)."""

    kind: str
    labels: tuple[str, ...]
    form: str | None = None
    words: frozenset[str] = frozenset()
    passive: bool = False
    named: str | None = None  # the head word of what "Who was ...?" asks to identify ("revolutionary")
    defines: bool = False  # "Who was Marie Curie?": a name to describe, answered by what it is said to be
    noun: str | None = None  # the noun a what/which question names as its answer's kind (``asked_noun``)
    # the preposition whose object the wh-word is ("accused of", "In what country ..."), and the word
    # a stranded one follows, as a search term once the engine has read the question (None: any word)
    preposition: str | None = None
    governor: str | None = None
    # (lemma, word, opposites) of its words with an opposite it does not also hold ("large": "small"),
    # and the spans of years it names ("in the 11th century": 1000-1099)
    opposites: tuple[tuple[str, str, frozenset[str]], ...] = ()
    times: tuple[tuple[int, int, str], ...] = ()
    directions: tuple[tuple[str, str], ...] = ()  # its prepositions of time or direction, and their words
    fronted: bool = True  # the wh-word (after a preposition, if any) opens it: "form" is read from there
    event: str | None = None  # the participle whose time a passive "When was X built?" asks (``timed_event``)
    event_terms: frozenset[str] = frozenset()  # the search terms of its wordings (``events``), once searched
    modifiers: tuple[tuple[str, str, bool], ...] = ()  # (modifier, noun, proper) pairs (``modifiers``)
    numbered: tuple[tuple[str, str], ...] = ()  # (name, Roman numeral) pairs: "Henry II" (``modifiers``)
    proper: tuple[tuple[str, str], ...] = ()  # (proper modifier, word it modifies): "Irish Channel"
    kin_of: tuple[tuple[str, str], ...] = ()  # (name, kinship noun) of "X's son" (``contradiction``)
    phrases: frozenset[tuple[str, str]] = frozenset()  # its own two-word phrases (``restated.in_question``)


YES_NO = "YES_NO"  # the label of a yes/no question's answer: "yes" or "no", not text of the passage


@dataclass(frozen=True)
class Answer:
    """The short answer: ``text`` is passage[start:end] of the passage ranked ``passage_rank``, but for
    label YES_NO, where it is "yes" or "no" and start/end mark the words that say so."""

    text: str
    label: str
    passage_rank: int
    start: int
    end: int
    confidence: float

    def to_dict(self) -> dict:
        return {"text": self.text, "label": self.label, "passage_rank": self.passage_rank,
                "start": self.start, "end": self.end, "confidence": self.confidence}


_DETERMINERS = frozenset(["the", "a", "an", "one", "of", "its", "his", "her", "their", "this", "that"])
# words that end a question's noun phrase: prepositions, relative words, determiners, "called"
_ENDS_NOUN = _COMPLEMENT_END | _DETERMINERS | frozenset([
    "called", "known", "into", "through", "across", "as", "than", "along", "near", "between", "behind",
    "off", "over", "under", "around", "against", "among", "within", "without", "toward", "towards",
    "not"])
_NOT_NOUNS = frozenset(["other", "major", "main", "exactly", "specific", "particular"])
_NAMING = frozenset(["name", "names", "term", "type", "kind", "sort", "form", "word"])
_NAMED_AS = frozenset(["called", "known", "named"])  # "What is the X called?" still asks for an X
MAX_NOUN_PHRASE = 4


def classify(question: str) -> QuestionType:
    """What kind of answer the question wants, from its wording alone (cheap: no parsing)."""
    q = question.lower()
    words = frozenset(_WORD.findall(q))
    wh = _WH.search(q)
    if wh:
        rest = q[wh.start():]
        for pattern, kind, labels in QUESTION_TYPES:
            if pattern.match(rest):
                after = q[wh.end():]
                form, passive = wh_form(after), is_passive(after)
                named = (copula_head(after) if form == COPULA_FORM and not passive and kind in IDENTIFYING
                         else None)
                defines = named is not None and len(q) == len(question) and names(question[wh.end():])
                preposition, governor = asked_preposition(q, wh.start())
                return QuestionType(kind, () if defines else labels, form, words, passive, named, defines,
                                    asked_noun(q), preposition, governor, opposites.in_question(words),
                                    times.in_question(q), directions.in_question(q),
                                    all(w in PREPOSITIONS for w in _WORD.findall(q[:wh.start()])),
                                    timed_event(after) if kind == "when" else None,
                                    modifiers=modifiers.in_question(question),
                                    numbered=modifiers.numbered(question),
                                    proper=modifiers.proper_pairs(question),
                                    phrases=restated.in_question(q),
                                    kin_of=kin_of(question))
    first = q.split(maxsplit=1)[0] if q.split() else ""
    if first in AUXILIARIES or first in NEGATIVE_AUXILIARIES:
        # "be" and a past participle after it make it passive ("Was she freed?")
        passive = first in BE_AUXILIARIES and any(_participle(w) for w in _WORD.findall(q)[1:])
        return QuestionType("yes_no", (), None, words, passive)
    return QuestionType("other", (), None, words)


def asked_preposition(q: str, wh: int) -> tuple[str | None, str | None]:
    """The preposition the wh-word is the object of, and the word it hangs on when it is stranded:
    "What was X accused of in 1951?" -> ("of", "accused"), "In what country is X?" -> ("in", None).
    Stranded means followed by nothing, punctuation or another preposition: its object went ahead."""
    before = _WORD.findall(q[:wh])
    if before and before[-1] in PREPOSITIONS:
        return before[-1], None
    words = re.findall(r"[a-z0-9][a-z0-9'’-]*|[^\w\s]", q[wh:])
    for i in range(2, len(words)):
        w, following = words[i], words[i + 1] if i + 1 < len(words) else "?"
        if w in PREPOSITIONS and (following in PREPOSITIONS or not following[0].isalnum()):
            governor = words[i - 1]
            if governor.isalnum() and governor not in AUXILIARIES and governor not in PREPOSITIONS:
                return w, governor
            return None, None
    return None, None


def is_passive(after: str) -> bool:
    """Whether the wh-word (or its noun) is the subject of a passive: "be" and a past participle."""
    found = _PASSIVE.match(after.lstrip())
    return bool(found) and _participle(found.group(2)) and not any(
        w in AUXILIARIES for w in _WORD.findall(found.group(1)))


def wh_form(after: str) -> str | None:
    """The wh-word's role from the few words after it: an auxiliary "do" or modal means the
    question's own subject follows (the wh-word is an object), "be" a copula or passive, none the
    subject ("Who killed Trotsky?")."""
    ahead = _WORD.findall(after)[:FORM_LOOKAHEAD]
    if not ahead:
        return None
    first = next((i for i, w in enumerate(ahead) if w in DO_AUXILIARIES or w in BE_AUXILIARIES), None)
    if first is not None and ahead[first] in PERFECT and first + 1 < len(ahead):
        following = ahead[first + 1]
        if following == "been":
            return COPULA_FORM
        if _participle(following):
            return SUBJECT_FORM
    if any(w in DO_AUXILIARIES for w in ahead):
        return OBJECT_FORM
    if any(w in BE_AUXILIARIES for w in ahead):
        return COPULA_FORM
    return SUBJECT_FORM


def copula_head(after: str) -> str | None:
    """The last word of the phrase a "Who was ...?" question asks to identify, before its modifiers:
    "the Soviet revolutionary" -> "revolutionary", "the assassin of Trotsky" -> "assassin"."""
    ahead = _WORD.findall(after)
    start = next((i + 1 for i, w in enumerate(ahead) if w in BE_AUXILIARIES), None)
    if start is None:
        return None
    if any(_participle(w) for w in ahead[start:]):
        return None  # "What is the delta delimited by?": a passive, not a copula
    phrase = []
    for w in ahead[start:]:
        if w in _COMPLEMENT_END:
            break
        phrase.append(w)
    return phrase[-1] if phrase else None


def names(after: str) -> bool:
    """Whether what follows "Who was" (as typed) is only a proper name ("Marie Curie", "the Normans",
    "Catherine the Great"; not "Guy's Rival"): the question asks what that one is, not for another."""
    words = _CASED_WORD.findall(after)
    phrase = words[1:] if words[:1] and words[0].lower() in BE_AUXILIARIES else []  # not "What religion was"
    if phrase[:1] == ["the"]:
        phrase = phrase[1:]
    return bool(phrase) and phrase[0][0].isupper() and all(
        (w[0].isupper() or w.lower() in NAME_PARTICLES) and not w.endswith(("'s", "’s")) for w in phrase)


_KIN_OF = re.compile(r"\b([A-Z][\w-]*)['’]s\s+([a-z]+)")


def kin_of(question: str) -> tuple[tuple[str, str], ...]:
    """(the name's last word, the kinship noun) of each "X's son" in the question (``contradiction.KIN``)."""
    from .contradiction import KIN

    return tuple((a.lower(), b) for a, b in _KIN_OF.findall(question) if modifiers.singular(b) in KIN)


def timed_event(after: str) -> str | None:
    """The past participle closing a time question's passive, the event whose time it asks: "(When) was
    the bridge built?" -> "built", "(What year) was she born?" -> "born"; None when words follow it,
    as they name the event with it ("put on trial", "taken over")."""
    words = _WORD.findall(after)
    at = next((i for i, w in enumerate(words) if w in BE_AUXILIARIES), None)
    if at is None or len(words) < at + 3 or any(w in DO_AUXILIARIES for w in words[:at]):
        return None
    return words[-1] if _participle(words[-1]) else None


def _participle(word: str) -> bool:
    return word in IRREGULAR_PARTICIPLES or (len(word) > 3 and word.endswith("ed"))


def asked_noun(question: str) -> str | None:
    """The noun naming the kind of thing a what/which question asks for, also after a copula:
    "What other river ..." -> "river", "What is the largest city the Rhine runs through?" -> "city",
    "What was the name of the castle?" -> "castle". None when the word after "what" is a verb: a
    determiner or a preposition that does not follow nouns comes next ("What flows through ...?")."""
    words = [w for word in _WORD.findall(question.lower())
             for w in (("what", "is") if word in ("what's", "what’s") else (word,))]
    at = next((i + 1 for i, w in enumerate(words) if w in ("what", "which")), None)
    if at is None:
        return None
    rest = words[at:]
    if rest[:2] in (["kind", "of"], ["type", "of"], ["sort", "of"]):
        rest = rest[2:]
    while rest[:1] and rest[0] in _NOT_NOUNS:
        rest = rest[1:]
    if not rest or rest[0] == "else":
        return None
    if rest[0] in BE_AUXILIARIES or rest[0] == "of":  # "What is the X ...", "Which of the X ..."
        return _phrase_head(rest[1:])
    if rest[0] in AUXILIARIES or rest[0] in _ENDS_NOUN:
        return None
    if rest[1:2] and rest[1] in _ENDS_NOUN and rest[1] not in _COMPLEMENT_END:
        return None
    auxiliary = next((i for i, w in enumerate(rest[:FORM_LOOKAHEAD]) if w in AUXILIARIES), None)
    return rest[auxiliary - 1] if auxiliary else rest[0]


def _phrase_head(words: list[str]) -> str | None:
    """The last word of the noun phrase that opens ``words`` ("the largest city the Rhine ..." ->
    "city"), or of its "of" complement after a word that only names ("the name of the castle")."""
    start = 0
    while start < len(words) and words[start] in _DETERMINERS:
        start += 1
    phrase: list[str] = []
    end = start
    while end < len(words):
        w = words[end]
        if w.endswith(("'s", "’s")):
            phrase = []  # a possessor: "Bohemond's nephew" names a nephew
        elif w in _ENDS_NOUN or w in AUXILIARIES or _participle(w):
            break
        else:
            phrase.append(w)
        end += 1
    following = words[end] if end < len(words) else ""
    if following not in _NAMED_AS and _participle(following):
        return None  # "What was Eitingon accused of?": a passive's subject, not what is asked
    if phrase and phrase[-1] in _NAMING and following == "of":
        return _phrase_head(words[end + 1:]) or phrase[-1]
    return phrase[-1] if phrase and len(phrase) <= MAX_NOUN_PHRASE else None


def fits(qtype: QuestionType, entity) -> bool:
    """Whether an entity is the kind of answer asked for; a count or length takes only a duration DATE."""
    if entity.label not in qtype.labels:
        return False
    if entity.label == "DATE" and qtype.kind in ("how_many", "how_long"):
        return bool(DURATION.search(entity.text))
    return True
