"""The quality gate: answer quality on the sample questions never drops below what was measured.

The floors are the figures the default engine reached when the gate was written, rounded down to
three decimals (false abstention, where lower is better, rounded up). Raise them when the engine
improves; do not loosen them without a reason in the commit message.
"""

from __future__ import annotations

import pytest

from qa.evaluation.evaluate import FIGURES, engine_ask, evaluate
from qa.evaluation.questions import load_questions, question_files

from .conftest import ROOT

SETS = {"article": ROOT / "corpus", "marie_curie": ROOT / "corpus" / "generalisation"}

# Set when the fitted reader replaced the entity-only extractor (100 Eitingon questions, 52 Marie
# Curie questions): EM on Eitingon fell from 0.418 to 0.384 and abstention from 0.928 to 0.714 (the
# reader answers what/which questions now, and a few unanswerable ones with them); on the held-out
# Curie set EM rose from 0.311 to 0.400 and false abstention fell from 0.600 to 0.289.
# Raised with the wh-word's part (reader features and the role bonus in ranking): Eitingon Hit@1
# 0.709 -> 0.721, EM 0.384 -> 0.395, F1 0.419 -> 0.421. The Curie false-abstention ceiling is loosened
# from 0.29 to 0.334: two answerable Curie questions now abstain where they got wrong answers
# ("Pierre Curie and Henri Becquerel" for how many children, "Marie" for what she investigated), so
# EM and F1 stay at 0.400 / 0.422.
# Lowered with the perfect tense ("Who had found ...?" asks for the subject) and the copula's two
# arguments ("Who was X?" is never the other argument of X's verb), after which the refit moved the
# threshold from 0.310 to 0.309 and one question on each side of it: Eitingon's "four years" (0.31) is
# withheld (EM 0.395 -> 0.384, F1 0.421 -> 0.409), Curie's wrong "bullets and shell fragments" (0.30)
# too (false abstention 0.333 -> 0.356, EM and F1 unchanged). "Who was Trotsky?" asks what a name is,
# and no top passage says (the sentence that did lost its subject): it is withheld instead of answering
# "Mercader" (Eitingon false abstention 0.279 -> 0.291, EM and F1 unchanged).
# Raised with an "it"/"they" subject standing for the previous sentence's subject (engine.py): Hit@1
# Eitingon 0.721 -> 0.733, Curie 0.689 -> 0.711, F1 0.409 -> 0.419 and 0.422 (same). The Eitingon
# false-abstention ceiling is loosened from 0.28 to 0.315: after the refit three wrong answers ("a plan",
# "a getaway", "October") are withheld, so EM stays at 0.384.
# Raised with the context credit (a share of the previous sentence's weight for the question terms a
# sentence lacks, rank.py): Hit@1 Curie 0.711 -> 0.733, EM 0.400 -> 0.422, F1 0.422 -> 0.444; Eitingon
# EM 0.384 -> 0.395 and false abstention back to 0.279. The Eitingon F1 floor drops from 0.419 to
# 0.415: "When was Eitingon let out of prison?" now ranks "Sofia was sentenced to 10 years in prison."
# first (its previous sentence names Eitingon) and answers "10 years" for "1964", and after the refit
# "the \"link" is read for "high-ranking Soviet leaders", while "12 years" and "Coyoacán" are now right.
# Raised with why-questions answered by the reason or purpose their passage gives (reasons.py): Eitingon
# EM 0.395 -> 0.419, F1 0.415 -> 0.428 ("his poor personal relations with Serebryansky"; after the refit
# "four years" is right and "What rank ...?" reads "October"), false abstention 0.291 -> 0.256. The
# Curie false-abstention ceiling is loosened from 0.312 to 0.334: the wrong "the French physicist" for
# how many children (0.29) is withheld (0.28); Curie EM and F1 stay at 0.422 / 0.444.
# Raised with the WordNet feature (the candidate is a kind of the noun the question asks for,
# qa/answering/kinds.py) and the asked noun after a copula ("What is the largest city ...?"): Eitingon
# EM 0.419 -> 0.430, F1 0.428 -> 0.440, false abstention 0.256 -> 0.244; Curie unchanged. (Before the
# why-questions were read, the same change cost Curie "Who did Marie Curie marry?" after the refit.)
# Lowered with the stranded preposition's object ("accused of [what]", reader feature asked_preposition)
# and dates' inner phrases counted as dates: SQuAD held-out F1 47.0 -> 48.9, but the refit threshold
# moves 0.318 -> 0.322 and the three Eitingon answers at 0.32 ("a getaway", "a plan", "October", two of
# them wrong) are withheld: EM 0.430 -> 0.419, F1 0.440 -> 0.438, false abstention 0.244 -> 0.279.
# Raised with names the passage introduces ("known as Leonid Aleksandrovich Eitingon", reader feature
# named_as): EM 0.419 -> 0.442, F1 0.438 -> 0.462 (the getaway is read again), false abstention 0.267.
# Manner how-questions answered with the manner, means or passive predicate their passage gives
# (manners.py): Eitingon "imprisoned in cold, dark cells and tortured" is right, but the refit moves the
# threshold from 0.318 to 0.329 and withholds "Coyoacán" (0.329), "a plan" and "Mexico" (both wrong),
# so EM and F1 stay at 0.430 / 0.440 and the Eitingon false-abstention ceiling is loosened from 0.245
# to 0.268; Curie unchanged (its one manner question, how Pierre Curie died, has no manner phrase).
# Merged with the reader features above and refitted: EM 0.442, F1 0.462, false abstention 0.279
# ("Coyoacán" withheld at the threshold 0.336).
# Raised with yes/no questions answered yes or no from the grammar of the best-covered passage
# (polarity.py): Eitingon gets 2 of its 8 answerable ones right and none wrong (EM 0.430 -> 0.453, F1
# 0.440 -> 0.463, false abstention 0.244 -> 0.221); on the held-out Curie set, measured once the rules
# were fixed, 4 of 5 are right and one is wrong (EM 0.422 -> 0.511, F1 0.444 -> 0.533, false
# abstention 0.333 -> 0.222). Each set's unanswerable yes/no question stays unanswered.
# Merged with the reader features and manner how-questions above: Eitingon EM 0.465, F1 0.485, false
# abstention 0.256; Curie as above.
# Raised with a name in apposition to a subject counted as its doer ("the head of ... services
# Lavrentiy Beria issued an order"): EM 0.465 -> 0.500, F1 0.485 -> 0.520 ("Lavrentiy Beria", "Sofia",
# and "Coyoacán" again, the refit's threshold falling 0.336 -> 0.325), false abstention 0.244.
# A person's name running on into a matched name as its compound is part of the asked name, no answer
# ("Leonid" of "Leonid Eitingon′s close friend"): EM 0.500 -> 0.512, F1 0.520 -> 0.531; Curie unchanged.
# Raised with phrases trimmed of the question's words at their edges and items listed with a matched
# word counted for "what other ...?" (reader.py), refitted: EM 0.512 -> 0.523, F1 0.539 -> 0.551, false
# abstention 0.244 -> 0.233 ("Coyoacán" answered at the threshold 0.262); Curie EM and F1 unchanged,
# false abstention 0.222 -> 0.178 (two wrong answers given instead of none: "the French physicist",
# "research").
FLOORS = {
    "article": {"hit1": 0.732, "hit3": 0.802, "hit5": 0.86, "mrr": 0.776, "em": 0.522,
                "f1": 0.550, "abstention": 0.714},
    "marie_curie": {"hit1": 0.733, "hit3": 0.755, "hit5": 0.799, "mrr": 0.753, "em": 0.511,
                    "f1": 0.539, "abstention": 0.714},
}
# A lone proper noun given as the run of proper nouns it stands in (qa/answering/particles.py): Curie's
# "Alps" is "French Alps" (F1 0.533 -> 0.540), measured once the change was kept; Eitingon unchanged.
# Passages giving the question's words other parts or other doers, or a preposition of opposite sense
# (contradiction.py, directions.py), withhold three wrong Eitingon answers to answerable questions
# ("1981" for "When did Stalin die?" from "Eitingon died in 1981"): F1 unchanged, false abstention
# 0.233 -> 0.267 (ceiling 0.234 -> 0.268); Curie unchanged.
CEILINGS = {
    "article": {"false_abstention": 0.268},
    "marie_curie": {"false_abstention": 0.178},
}
# SQuAD 2.0's official figures (percent) on the development articles, which the reader is fitted on.
# With the context credit the refit threshold falls from 0.314 to 0.300 and 250 questions are answered
# instead of 218: F1 50.1 -> 50.6, HasAns F1 27.1 -> 30.0, for NoAns F1 77.8 -> 75.6 and precision
# 0.505 -> 0.488 (those two floors drop).
# Leaving the document's title words out of the confidence's coverage (so that a folder behaves as
# its articles alone) costs F1 50.7 -> 50.5, NoAns 75.6 -> 75.0 (HasAns 30.0 -> 30.2).
# Why-questions answered with a reason or purpose phrase (3 of SQuAD's 7 answerable ones are right):
# F1 50.5 -> 51.3, HasAns F1 30.2 -> 30.7, NoAns 75.0 -> 76.3, precision 0.492 -> 0.504.
# The WordNet feature and the asked noun after a copula: F1 51.3 -> 51.8, HasAns F1 30.7 -> 31.9, NoAns
# 76.3 -> 75.9, precision 0.504 -> 0.516 (two-fold held-out F1 46.4 -> 47.0, HasAns 13.0 -> 14.6); the
# calibration gap rises 0.059 -> 0.068 (its ceiling 0.065 -> 0.07; issue 9 asks for 0.10 at most).
# The stranded preposition's object and dates' inner phrases: F1 51.8 -> 52.0, EM 49.4 -> 49.7, HasAns
# F1 31.9 -> 32.1, calibration gap 0.068 -> 0.059. Names the passage introduces ("called", "known as",
# quoted): F1 and held-out F1 unchanged (52.0 / 48.9 -> 51.9 / 48.8); the threshold 0.322 -> 0.331 gives
# HasAns F1 32.1 -> 31.5 (its floor drops) for NoAns 75.9 -> 76.6, and the gap 0.059 -> 0.052.
# Manner how-questions answered (2 of SQuAD's 3 answerable ones right: "stream capture", "erosion"):
# F1 51.8 -> 52.4, EM 49.4 -> 50.3, NoAns 75.9 -> 77.8, precision 0.516 -> 0.525, calibration gap
# 0.068 -> 0.055 (ceiling 0.07 -> 0.06); held-out F1 47.0 -> 48.0. The HasAns F1 floor drops from 31.7
# to 31.3 (31.87 -> 31.36): the refit threshold rises from 0.318 to 0.329 and 244 questions are
# answered instead of 254, six answerable ones among those withheld.
# Merged with the reader features above and refitted: F1 52.3, EM 50.0, HasAns F1 32.7, NoAns 75.9,
# precision 0.522, gap 0.047; held-out F1 49.1, HasAns 20.3.
# A name in apposition to a subject counted as its doer: F1 52.3 -> 52.2, EM 50.0 -> 49.7 (three answers
# gained, three lost at the refit's threshold, 0.336 -> 0.325), HasAns F1 32.7 -> 33.3, NoAns 75.9 ->
# 75.0 (its floor drops 0.9), precision 0.522 -> 0.513, gap 0.050 -> 0.039; held-out F1 49.1 -> 48.7.
# A passage that says otherwise (a WordNet antonym of a question word, or only dates outside the years
# the question names, contradiction.py) gives no answer: 35 questions, 34 of them unanswerable; F1 52.2
# -> 53.6, EM 49.7 -> 51.1, NoAns 75.0 -> 78.1, precision 0.513 -> 0.533, HasAns the same; held-out F1
# 48.7 -> 49.6. The calibration-gap ceiling is loosened from 0.045 to 0.051 (0.039 -> 0.050): the 10
# answers withheld were wrong ones given 0.37-0.71, so the rest of those bins are right more often than
# their confidence says (under-confidence); issue 9 asks for 0.10 at most.
# Entity labels checked against WordNet's proper names and the document's evidence (qa/names.py), reader
# refitted: F1 53.6 -> 53.9, HasAns F1 33.3 -> 35.9, hit1 0.746 -> 0.756, precision 0.533 -> 0.540; NoAns
# 78.1 -> 75.6 (its floor drops 2.5) and the gap 0.050 -> 0.061 (ceiling 0.051 -> 0.062; issue 9 asks
# for 0.10 at most): the refit threshold falls 0.325 -> 0.313 and 274 questions are answered, not 255,
# now that places such as "Normandy" and "the Rhine" are candidates for where-questions, the adversarial
# unanswerable ones too. Held-out F1 49.6 -> 49.3 (the Rhine fold's threshold rose 0.347 -> 0.388).
# Phrases trimmed of the question's words at their edges ("Lorelei" of "the famous rock Lorelei") and
# items listed with a matched word counted when the question asks for another ("tourism" for "Besides
# viniculture, what ...?"), refitted (issue 9): F1 53.9 -> 54.7, EM 51.1 -> 51.7, HasAns F1 35.9 ->
# 41.6; held-out F1 49.3 -> 50.8 (HasAns 17.1 -> 22.2). The refit threshold falls 0.313 -> 0.262 and 330
# questions are answered, not 274: NoAns 75.6 -> 70.6 and precision 0.540 -> 0.515 (both floors drop)
# and the calibration gap 0.061 -> 0.071 (ceiling 0.062 -> 0.071; issue 9 asks for 0.10 at most).
# A passage giving the question's words the other part of their verb ("Who replaced X?" against "X
# replaced Y"), another doer or undergoer of it, or a preposition of opposite sense over a word the
# question's governs or over the candidate ("out of the bay" against "into the bay") gives no answer
# (issue 9): 14 answers withheld, all to unanswerable questions; F1 54.7 -> 56.7, EM 51.7 -> 53.7,
# NoAns 70.6 -> 75.0, precision 0.515 -> 0.538, HasAns the same; held-out F1 50.8 -> 51.5. The
# calibration gap 0.071 -> 0.080 (ceiling 0.071 -> 0.081; issue 9 asks for 0.10 at most): the answers
# withheld were wrong ones given 0.27-0.80, so the rest of those bins are right more often than their
# confidence says.
# A time question's passive whose participle, its WordNet synonyms and derived forms are all missing
# from the passage ("In what year was the bridge shortened?" against "... introduced in 1939") gives no
# answer: 6 answers withheld, all to unanswerable questions; F1 56.7 -> 57.6, EM 53.7 -> 54.5, NoAns
# 75.0 -> 76.9, precision 0.538 -> 0.550, HasAns the same; held-out F1 51.5 -> 52.1; Eitingon and Curie
# unchanged. The calibration gap 0.080 -> 0.091 (ceiling 0.081 -> 0.092; issue 9 asks for 0.10 at most):
# the answers withheld were wrong ones given 0.27-0.55.
# A question whose wh-phrase follows its verb ("X doubles the discharge to what amount?") read for another
# doer of the matched verb, as "What does X ...?" is: one more unanswerable question withheld (0.28); F1
# 57.6 -> 57.7, NoAns 76.9 -> 77.2, precision 0.550 -> 0.552, gap 0.091 -> 0.093 (ceiling 0.094).
# WordNet's "also see" antonyms ("warm" also see "hot": "cold") in the antonym table: one more (0.47);
# F1 57.7 -> 57.9, NoAns 77.2 -> 77.5, precision 0.552 -> 0.554, gap 0.093 -> 0.095 (ceiling 0.096).
# A stranded goal preposition against a path one over the candidate, or the other way round ("What does
# the Rhine flow into?" against "flows around the rock"): two unanswerable questions (0.34, 0.27) and
# one wrong answer (0.44) withheld; F1 57.9 -> 58.1, NoAns 77.5 -> 78.1, precision 0.554 -> 0.559, gap
# 0.095 -> 0.099 (ceiling 0.100, issue 9's limit: a further withholding rule needs the calibration to
# learn from the answers withheld).
# The threshold is chosen over the questions whose answer can be shown: one withheld as contradicted
# abstains whatever its probability, but counted as answered wrongly above it (0.262 -> 0.259): F1 the
# same, HasAns 41.56 -> 41.82, NoAns 78.1 -> 77.8, precision 0.561 -> 0.555, gap 0.1002 -> 0.098.
# An answer that is part of a name joined by lower-case particles is given as the whole name ("Wijk" ->
# "Wijk bij Duurstede", "Rhein" -> "Rüdesheim am Rhein", "Edward" -> "Edward the Confessor";
# qa/answering/particles.py), the model unchanged: 5 answers improve, none worsens; F1 56.7 -> 57.1, EM
# 53.7 -> 54.4, HasAns F1 41.6 -> 42.2, precision 0.540 -> 0.543. A lone proper noun widened to its run
# of them ("III" -> "King Charles III", "Rhein" -> "Alter Rhein"): 3 more, F1 57.2, EM 54.8, HasAns 42.5.
# Both together, the calibration labelled with the answer as given (the whole name): F1 58.8, EM 56.4,
# HasAns 42.5, NoAns 78.4, precision 0.568, held-out F1 52.4, but the gap 0.105, the answers given
# right more often than their confidence in every bin (they are a better lot than every question's best
# candidate, which the calibration is fitted on). Platt's scaling refitted on the answers given
# (qa.evaluation.fit.recalibrated; the same answers) brings it to 0.075.
# A candidate in the part the question gives its own words, the subject of the matched active verb when
# it asks the object or its direct object when it asks the subject ("Who did Edgar marry?" against
# "Malcolm married Edgar's sister"; roles.asked_other_part): two unanswerable questions and two wrong
# answers withheld, none right; F1 58.8 -> 59.1, EM 56.4 -> 56.7, NoAns 78.4 -> 79.1, precision 0.568 ->
# 0.576, gap 0.075 -> 0.068; held-out F1 52.4 (the same); Eitingon and Curie unchanged.
# A passage naming none of the kin the question asks about nor its converse ("Who was Bohemond's son?":
# no son, daughter, father or mother), and a preposition of opposite sense over a question word the
# search leaves out ("out of the former bay" against "into the former bay"): two more unanswerable
# questions withheld (0.44, 0.46), none right; F1 59.1 -> 59.4, EM 56.7 -> 56.9, NoAns 79.1 -> 79.7,
# precision 0.576 -> 0.580, gap 0.068 -> 0.062 (ceiling 0.069 -> 0.063); held-out F1 52.4 (the same, 198
# top candidates right); Eitingon and Curie unchanged. (The kin word itself, without its converse, also
# withheld "Edward the Confessor's son" against "his father's refuge", F1 59.5, but "Who was Emma's
# brother?" is read from "Emma, sister of Duke Richard II", and the held-out right top candidates fell.)
# Another value of a question's modifier on the noun it modifies ("a darker colour" for "a lighter
# colour", a WordNet antonym; "the French words" for "the English words", another nationality:
# modifiers.py): five unanswerable questions withheld, none right; F1 59.4 -> 60.1, EM 56.9 -> 57.6,
# NoAns 79.7 -> 81.3, precision 0.580 -> 0.590 (290 answered); held-out F1 52.4 -> 52.8, top right 198
# (the same); Eitingon and Curie unchanged. Refitted, the threshold moves 0.441 -> 0.452 and Platt's
# shift 0.42 -> 0.47 with no answer given or withheld otherwise, and the ten-bucket calibration gap rises
# 0.062 -> 0.105 (ceiling 0.063 -> 0.106) only because answers near 0.6 cross a bucket's edge: the
# shown confidence's Brier score falls 0.2345 -> 0.2329 and its mean is the share right (0.590).
# "From X onwards" read as "since X" against a question's "before X" (directions.py): one unanswerable
# question withheld; refitted: F1 60.06 -> 60.20, EM 57.65 -> 57.79, NoAns 81.3 -> 81.6, precision
# 0.590 -> 0.592, gap 0.105 -> 0.102; held-out F1 52.8, top right 198; Eitingon and Curie unchanged.
# Another Roman numeral after a name the question numbers ("Henry III" for "Henry II", modifiers.py):
# one unanswerable question withheld; refitted: F1 60.20 -> 60.35, EM 57.79 -> 57.93, NoAns 81.6 ->
# 81.9, precision 0.592 -> 0.594, gap 0.103; held-out F1 52.8 -> 53.0, top right 198; Eitingon and
# Curie unchanged.
# A point in time ("22,000 years ago") against a question asking a length of time without "ago"
# (contradiction.point_for_length): one unanswerable question withheld; refitted: F1 60.35 -> 60.49, EM
# 57.93 -> 58.07, NoAns 81.9 -> 82.2, precision 0.594 -> 0.596, gap 0.103 -> 0.110 (bucket edges again:
# Brier 0.2322 -> 0.2317); held-out F1 53.0, top right 198; Eitingon and Curie unchanged.
# A people's name in an "of" phrase after the noun counts as its modifier ("the identity of the Normans"
# against "the Frankish identity"), the same people's adjective and plural matched by their start
# ("Saxon", "Saxons"), and a verb ends a noun's modifiers (modifiers.py): one unanswerable question
# withheld; refitted: F1 60.49 -> 60.63, EM 58.07 -> 58.22, NoAns 82.2 -> 82.5, precision 0.596 ->
# 0.598, gap 0.110 -> 0.105; held-out F1 53.0 -> 53.1, top right 198; Eitingon and Curie unchanged.
# A subject question's candidate that is the direct object of another, unmatched verb ("Who attacked
# X?" against "they joined the fleet that had conquered Corfu and attacked X", roles.undergoer_elsewhere):
# one unanswerable question withheld; refitted: F1 60.63 -> 60.77, EM 58.22 -> 58.36, NoAns 82.5 ->
# 82.8, precision 0.598 -> 0.600 (285 answered), gap 0.105 -> 0.099; held-out F1 53.1 -> 53.3, top
# right 198; Eitingon and Curie unchanged.
# A candidate in a conjunct or compound of the matched verb's direct object, for a subject question
# ("Old Norse" of "replace the Norse religion and Old Norse language", roles.asked_other_part): one
# unanswerable question and one wrong answer ("King" of "killing King Harold II") withheld, none right;
# refitted: F1 60.77 -> 60.91, EM 58.36 -> 58.50, NoAns 82.8 -> 83.1, precision 0.600 -> 0.604 (283
# answered), gap 0.099 -> 0.082; held-out F1 53.3, top right 198; Eitingon and Curie unchanged.
# A number answered with the unit it counts ("400" of "400 m wide" -> "400 m"; extent._with_unit, a
# noun WordNet classes as a quantity), the model unchanged: 2 answers improve, none worsens; F1 59.35 ->
# 59.45, EM 56.94 -> 57.22, HasAns 42.50 -> 42.67; held-out F1 52.4 -> 52.5 (198 top candidates right);
# Eitingon and Curie unchanged. A number the tokeniser tags as punctuation ("~11,700") taken back into
# the phrase it depends on ("years ago" -> "~11,700 years ago"; extent._with_number): 2 more, F1 59.51,
# EM 57.51, HasAns 42.77; held-out F1 52.5 (198). A phrase answered without a possessive or
# demonstrative determiner ("its Late-Glacial valley" -> "Late-Glacial valley"; extent._without_determiner):
# 3 more, F1 59.56, EM 57.65, HasAns 42.88. The answer past the question's words before the name or
# "of" phrase it gives ("the famous rock Lorelei" -> "Lorelei", "the tradition of singing" -> "singing";
# extent._named_after_asked): 2 more, F1 59.70, EM 57.93, HasAns 43.14; held-out F1 52.6 (198).
# Both together (h50's rules with h51's extents, the model refitted unchanged): F1 61.26, EM 59.49,
# HasAns 43.14, NoAns 83.1, precision 0.604 (283 answered), gap 0.082; held-out F1 53.5, top right 198.
# A candidate naming a sibling of what the question names ("the English Channel" for "the Irish
# Channel", modifiers.candidate_otherwise): four unanswerable questions withheld, none right; refitted:
# F1 61.26 -> 61.83, EM 59.49 -> 60.06, NoAns 83.1 -> 84.4, precision 0.604 -> 0.613 (279 answered),
# gap 0.082 -> 0.051; held-out F1 53.5 -> 53.7, top right 198; Eitingon and Curie unchanged.
# A candidate repeating two adjacent words of the question outside its wh-phrase (restated.py): two
# unanswerable questions withheld, none right; refitted: F1 61.83 -> 62.11, EM 60.06 -> 60.34, NoAns
# 84.4 -> 85.0, precision 0.613 -> 0.617 (277 answered), gap 0.051 -> 0.046; held-out F1 53.7 -> 53.9,
# top right 198; Eitingon and Curie unchanged.
# The person whose kin the question asks about ("X's son") doing the matched verb in a passage naming no
# such kin (contradiction.kin_owner_acts): one unanswerable question withheld; refitted: F1 62.11 ->
# 62.25, EM 60.34 -> 60.48, NoAns 85.0 -> 85.3, precision 0.617 -> 0.620 (276 answered), gap 0.046 ->
# 0.048; held-out F1 53.9 -> 54.0, top right 198; Eitingon and Curie unchanged.
SQUAD_FLOORS = {"f1": 62.252, "exact": 60.481, "HasAns_f1": 43.135, "NoAns_f1": 85.311, "hit1": 0.755,
                "precision": 0.619}
SQUAD_CEILINGS = {"calibration_gap": 0.049}
# issue 9: in a folder of several articles, each question set's Hit@1 within 2 points of its own.
# Since each article's sentences are length-normalised against their own article's mean (qa/index.py),
# Curie's folder Hit@1 is its own 0.733 (0.711 before: "They were Marie Curie, Pierre Curie and Henri
# Becquerel." won a near tie against the answer through the folder's longer mean sentence) and SQuAD's
# 0.754 against 0.756 (0.751 before).
MIXED_HIT1_SLACK = 0.02
# Curie's 7 unanswerable questions were withheld 4 times in the folder against 5 alone until the same
# change; now as often in the folder as alone, in every set
MIXED_ABSTENTION_SLACK = 0.0


@pytest.fixture(scope="session")
def curie_engine():
    """The engine over the second, held-out article."""
    from qa.engine import Engine

    return Engine.from_corpus(SETS["marie_curie"])


@pytest.fixture(scope="session")
def summaries(engine, curie_engine):
    """The evaluation summary of each question set, computed once per session."""
    engines = {"article": engine, "marie_curie": curie_engine}
    return {name: evaluate(engine_ask(engines[name]),
                           load_questions(question_files(corpus))).summary
            for name, corpus in SETS.items()}


@pytest.mark.parametrize(("name", "figure", "floor"),
                         [(n, f, v) for n, floors in FLOORS.items() for f, v in floors.items()])
def test_figure_stays_at_or_above_its_floor(summaries, name, figure, floor):
    value = summaries[name][figure]
    assert value >= floor, (f"{FIGURES[figure][0]} on the {name} questions fell to {value:.3f}, "
                            f"below the gate {floor:.3f}: run `qa eval` and read the failures.")


@pytest.mark.parametrize(("name", "figure", "ceiling"),
                         [(n, f, v) for n, cs in CEILINGS.items() for f, v in cs.items()])
def test_figure_stays_at_or_below_its_ceiling(summaries, name, figure, ceiling):
    value = summaries[name][figure]
    assert value <= ceiling, (f"{FIGURES[figure][0]} on the {name} questions rose to {value:.3f}, "
                              f"above the gate {ceiling:.3f}: run `qa eval` and read the failures.")



@pytest.fixture(scope="session")
def squad_summary():
    from qa.answering.reader import Reader
    from qa.evaluation import fit, squad

    engine, questions = fit.build()
    engine.reader = Reader()  # fitted prior: the confidence as calibrated on SQuAD's own mix
    articles, _ = squad.load(fit.DATA)
    return squad.evaluate_squad(engine_ask(engine), articles, questions,
                                squad.engine_passages(engine)).summary


@pytest.mark.parametrize(("figure", "floor"), SQUAD_FLOORS.items())
def test_squad_figure_stays_at_or_above_its_floor(squad_summary, figure, floor):
    assert squad_summary[figure] >= floor, (f"{figure} on the SQuAD development articles fell to "
                                            f"{squad_summary[figure]:.3f}, below {floor}: run "
                                            "`qa eval --squad corpus/squad/dev-v2.0-normans-rhine.json`.")


@pytest.mark.parametrize(("figure", "ceiling"), SQUAD_CEILINGS.items())
def test_squad_figure_stays_at_or_below_its_ceiling(squad_summary, figure, ceiling):
    assert squad_summary[figure] <= ceiling, f"{figure} rose to {squad_summary[figure]:.3f}"


@pytest.fixture(scope="session")
def mixed_folder_engine(tmp_path_factory):
    """One folder of four articles: Eitingon, Marie Curie and the two SQuAD development ones."""
    from qa.cache import cache_dir
    from qa.engine import Engine
    from qa.evaluation import fit, squad

    folder = tmp_path_factory.mktemp("four")
    for name, corpus in SETS.items():
        source = corpus if corpus.is_file() else corpus / f"{name}.txt"
        (folder / f"{name}.txt").write_bytes(source.read_bytes())
    articles, _ = squad.load(fit.DATA)
    for f in squad.write_corpus(articles, cache_dir()).glob("*.txt"):
        (folder / f.name).write_bytes(f.read_bytes())
    return Engine.from_corpus(folder)


@pytest.mark.parametrize("name", list(SETS))
def test_a_folder_of_articles_answers_each_set_as_its_own_article_does(mixed_folder_engine, summaries,
                                                                       name):
    questions = load_questions(question_files(SETS[name]))
    together = evaluate(engine_ask(mixed_folder_engine), questions).summary
    assert together["hit1"] >= summaries[name]["hit1"] - MIXED_HIT1_SLACK
    # unanswerable questions are withheld as often as on the article alone, give or take one
    assert together["abstention"] >= summaries[name]["abstention"] - MIXED_ABSTENTION_SLACK
    elsewhere = []
    for q in questions:
        result = mixed_folder_engine.ask(q.question, 3)
        if not q.answers and result.answer:
            document = result.passages[result.answer.passage_rank - 1].document
            if document != name:
                elsewhere.append(f"{q.question} -> {result.answer.text} ({document})")
    assert elsewhere == [], "unanswerable questions answered from another article"


def test_a_folder_of_articles_ranks_the_squad_questions_as_their_articles_alone_do(mixed_folder_engine,
                                                                                  squad_summary):
    from qa.evaluation import fit, squad

    articles, questions = squad.load(fit.DATA)
    together = squad.evaluate_squad(engine_ask(mixed_folder_engine), articles, questions,
                                    squad.engine_passages(mixed_folder_engine)).summary
    assert together["hit1"] >= squad_summary["hit1"] - MIXED_HIT1_SLACK
