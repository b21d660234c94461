"""Did you mean: a better spelling of the words of a query that the index does not hold, or holds only as a rare
typo beside a far more frequent word.

Each word of the query is judged on its own, as a search engine's spell checker does. A word the index holds is a
real word and is kept as typed: one in ``FEW_RESULTS`` articles or more, or a name (the people, organisations,
places or bylines hold it, or it is typed with a capital and the stories write it so: ``Mido``, ``Ruth``). Words
typed after ``person:``, ``org:``, ``place:``, ``author:``, ``section:`` or ``source:`` are judged against the
words of that field (a name that field holds is kept; one the query already renames, ``org:Conservatives``, is left
alone). Any other word is corrected: candidates are the field's words within 1 edit (2 for words of 7 letters or
more; a swap of two letters is one edit) that start with the letter typed first (or the second: the first two
swapped) and are in many more articles than the word typed; the nearest, weighed against how many articles hold
them, are tried. Headline and body words are stored stemmed (``manchest``) and a misspelt word does not stem as the
word meant (``manchster`` stays whole), so a stem is compared with the word typed less an ending too, then turned
back into a real word as a story writes it: the word of a story holding it, closest to what was typed, whose stem
it is (``Manchester``), which must itself be near enough. A suggestion is offered when some word was corrected (each
correction is in more articles than the word typed, whatever the whole query finds: ``Nancy Pelsoi``) and the
corrected query finds something. No vocabulary of its own is kept: the index's word lists (kept with the reader,
which never changes) and stored stories are always right after any update.

Cost is bounded: at most ``MAX_WORDS`` words checked, ``MAX_SCANNED`` index words compared, ``MAX_COUNTED``
counted, ``MAX_CANDIDATES`` candidates a word turned back into words (reading ``FIRST_STORIES`` stories each, or
at most ``MAX_STORIES``, ``MAX_STORY_CHARS`` of each), ``FIRST_STORIES`` stories read to tell a name, and the
search's deadline.
"""

from __future__ import annotations

import math
import re
import time
from collections.abc import Callable

from newssearch.engine import FIELD_ALIASES, OPERATORS, TOKEN_PATTERN, Snapshot, canonical_names
from newssearch.errors import QueryError

#: A word in fewer articles than this (less than a page) may be misspelt.
FEW_RESULTS = 10
#: A candidate must be in at least this many times as many articles as the word typed (any, for a word in none).
MORE_COMMON = 5
#: Words of this many letters or more may be 2 edits away from what was meant; shorter ones 1 (two edits of a
#: short word reach too many other words: ``Pompei`` is not ``Pope``).
LONG_WORD = 7
MAX_WORDS = 8
MAX_SCANNED = 50_000
MAX_CANDIDATES = 5
#: The words nearest to what was typed whose article counts are read.
MAX_COUNTED = 30
#: Stories read to turn a stem back into a word; up to ``MAX_STORIES`` when they hold one near enough but another
#: may be nearer ("exports", when the first stories hold only "export" and "Exporting").
FIRST_STORIES = 3
MAX_STORIES = 6
MAX_STORY_CHARS = 20_000
#: A misspelt word keeps its ending ("manchster"), which the stem of the word meant has lost ("manchest"): up to
#: this many letters at the end of what was typed may be an ending.
MAX_ENDING = 4
#: Endings the stemmer takes off (Porter's, the common ones).
ENDINGS = (
    "s", "es", "ed", "ing", "er", "ers", "ion", "ions", "ment", "al", "ly", "ness", "ity", "ive", "ise", "ize",
    "ist", "ism", "able", "ance", "ence", "ent", "ant", "ous", "ful", "y", "e", "ic", "ate", "ical",
)  # fmt: skip
#: What a word gains for each tenfold of the articles holding it, in edits: a word in a hundred times as many
#: articles as another is as likely at one edit more (``impeachment`` in 176 stories over a typo in one).
FREQUENT = 0.5
#: A word written in the other case (a capital first or not) than the one typed costs this much more.
OTHER_CASE = 0.75
#: Fields whose words are whole names (not stemmed): the candidate is the word itself, and a word they hold is real.
_NAME_FIELDS = frozenset(
    {"person_text", "org_text", "place_text", "author_text", "section_text", "source_text"}
)
#: Fields whose words are names of people, organisations, places or authors: a word of the text they hold is a name.
_NAMES = ("person_text", "org_text", "place_text", "author_text")
_TEXT_FIELDS = frozenset({"content", "headline"})
_ALIAS = {alias.lower(): name for name, aliases in FIELD_ALIASES.items() for alias in [name, *aliases]}
_FIELD_VALUE = re.compile(r"(\w+):(\"[^\"]*\"?|\([^)]*\)?|[^\s()]+)")
_LETTERS = re.compile(r"[^\W\d_]{3,}")
_WORD = re.compile(TOKEN_PATTERN)


def suggest(
    index: Snapshot, text: str, total: int, count: Callable[[str], int], deadline: float
) -> str | None:
    """The query with its misspelt words spelled as the index spells them, if some word was (each correction in
    more articles than the word typed) and the corrected query finds something (``count`` counts a query's
    matches); else None. ``total`` (what the query found) does not decide: a correct word beside a misspelt one may
    find the same stories."""
    budget = [MAX_SCANNED]
    changes: list[tuple[int, int, str]] = []
    for start, end, fieldname in _words(text):
        if time.monotonic() > deadline:
            return None
        typed = text[start:end]
        better = _better(index, fieldname, typed, budget, deadline, typos_only=total >= FEW_RESULTS)
        if better is not None and better.lower() != typed.lower():
            changes.append((start, end, _same_case(typed, better)))
    if not changes:
        return None
    corrected = text
    for start, end, word in reversed(changes):
        corrected = corrected[:start] + word + corrected[end:]
    try:
        return corrected if count(corrected) > 0 else None
    except QueryError:  # out of time, or the corrected text cannot be searched
        return None


def _words(text: str) -> list[tuple[int, int, str]]:
    """(start, end, field) of the words of the text that could be misspelt: letters only, not operators, field
    names, wildcards or fuzzy terms; in the default fields (``content``) or a field that holds words."""
    spans = []
    for m in _LETTERS.finditer(text):
        start, end = m.span()
        before, after = text[start - 1 : start], text[end : end + 1]
        if m.group() in OPERATORS or after in (":", "*", "?", "~") or before in ("*", "?") or after.isalnum():
            continue
        if before.isalnum() or before == "_" or after == "_":
            continue
        spans.append((start, end))
        if len(spans) == MAX_WORDS:  # a pasted text is read no further than the words checked
            break
    fields: dict[int, str] = {}  # start of a word -> the field it is typed in
    for m in _FIELD_VALUE.finditer(text, 0, spans[-1][1] if spans else 0):
        name = _ALIAS.get(m.group(1).lower(), m.group(1).lower())
        if name in ("org_text", "place_text") and canonical_names(m.group(), []) != m.group():
            name = "renamed"  # searched as the name the index gives it (org:Conservatives): not misspelt
        for word in _LETTERS.finditer(m.group(2)):
            fields[m.start(2) + word.start()] = name
    out = []
    for start, end in spans:
        fieldname = fields.get(start, "content")
        if fieldname in _TEXT_FIELDS or fieldname in _NAME_FIELDS:  # not a renamed name, dates or ids
            out.append((start, end, "content" if fieldname == "headline" else fieldname))
    return out


def _better(
    index: Snapshot,
    fieldname: str,
    typed: str,
    budget: list[int],
    deadline: float,
    *,
    typos_only: bool = False,
) -> str | None:
    """The word the index holds that ``typed`` most likely meant, or None if ``typed`` is common enough (with
    ``typos_only``, for a query that found plenty: if it is in more than one article, as a typo seldom is; this
    keeps the search of a query of many words from comparing each rare word with the word list)."""
    terms = index.analyse(fieldname, typed, "query")
    if len(terms) != 1 or len(terms[0]) < 3:
        return None  # a stop word, or a word the analyzer splits
    term = terms[0]
    frequency = _frequency(index, fieldname, term)
    if typos_only and frequency > 1:
        return None
    if fieldname in _NAME_FIELDS:
        if frequency:
            return None  # a name the field holds (person:Leo), however rare
    elif frequency >= FEW_RESULTS or (frequency and _is_name(index, fieldname, term, typed, deadline)):
        return None
    from rapidfuzz import process  # loaded only for a word the index holds rarely
    from rapidfuzz.distance import OSA

    lowered = typed.lower()
    limit = 1 if len(typed) < LONG_WORD else 2
    # The index holds stems ("manchest"), and a misspelt word does not stem as the word meant ("manchster" is left
    # whole): a stem is compared with the word typed, with its stem, and with the word typed less an ending (one
    # edit from an ending the stemmer takes off counts as an edit: "electoin" is "elect" and "oin" for "ion").
    forms = {term: 0, lowered: 0}
    for n in range(max(3, len(lowered) - MAX_ENDING), len(lowered)):
        ending = lowered[n:]
        forms.setdefault(lowered[:n], min(OSA.distance(ending, known) for known in ENDINGS))
    low, high = min(len(term), len(lowered) - MAX_ENDING) - limit, len(lowered) + limit
    near = [
        word
        for prefix in dict.fromkeys(
            (term[0], term[1] + term[0])
        )  # the first letter, or the first two swapped
        for word in _lexicon(index, fieldname, prefix, budget, deadline)
        if low <= len(word) <= high and word != term
    ]
    edits: dict[str, int] = {}
    for form, penalty in forms.items():  # distances computed a form at a time over all the words (rapidfuzz)
        if penalty > limit:
            continue
        for candidate, distance, _ in process.extract(
            form, near, scorer=OSA.distance, score_cutoff=limit - penalty, limit=None
        ):
            edits[candidate] = min(distance + penalty, edits.get(candidate, limit))
    found: list[tuple[float, str, int]] = []  # (cost, stem, articles)
    for candidate in sorted(edits, key=lambda word: (edits[word], abs(len(word) - len(term))))[:MAX_COUNTED]:
        articles = _frequency(index, fieldname, candidate)
        if articles >= max(1, MORE_COMMON * frequency):
            found.append((_cost(edits[candidate], articles), candidate, articles))
    best: tuple[float, str] | None = None
    for estimate, candidate, articles in sorted(found)[:MAX_CANDIDATES]:
        if best is not None and estimate >= best[0]:
            break  # the rest are further: a stem's word is seldom nearer to what was typed than the stem
        word = (
            candidate
            if fieldname in _NAME_FIELDS
            else _surface(index, fieldname, candidate, typed, edits[candidate], limit)
        )
        if word is None:
            continue
        distance = OSA.distance(lowered, word.lower())
        if distance > limit:
            continue
        # A name typed with a capital is more likely one the stories write with a capital (Thatcher, not teacher).
        other_case = fieldname not in _NAME_FIELDS and typed[:1].isupper() != word[:1].isupper()
        key = (_cost(distance, articles) + OTHER_CASE * other_case, word)
        if best is None or key < best:
            best = key
    return best[1] if best else None


def _in_names(index: Snapshot, word: str) -> bool:
    """Whether the people, organisations, places or bylines of the index hold ``word``."""
    names = index.analyse("person_text", word, "query")
    return len(names) == 1 and any(_frequency(index, field, names[0]) for field in _NAMES)


def _is_name(index: Snapshot, fieldname: str, term: str, typed: str, deadline: float) -> bool:
    """Whether a word of the text is a name: the people, organisations, places or bylines hold it (whatever the
    case typed: ``ruth kelly``), or it is typed with a capital and the first ``FIRST_STORIES`` stories holding it
    write it with one, once at least inside a sentence, never without (``Mido``; not a typo such as "goverment")."""
    if _in_names(index, typed):
        return True
    if not typed[:1].isupper():
        return False
    capital = inside = False
    stories = 0
    for docnum in index.docs("content", term):
        if stories >= FIRST_STORIES or time.monotonic() > deadline:
            break
        stories += 1
        body = (index.stored(docnum).get("body") or "")[:MAX_STORY_CHARS]
        for m in _WORD.finditer(body):
            word = m.group()
            if word[:1].lower() != term[0] or index.analyse(fieldname, word, "query") != [term]:
                continue
            if not word[:1].isupper():
                return False
            capital = True
            inside = inside or not re.search(
                r"(^|[.!?:\"\u201c]\s*)$", body[max(0, m.start() - 3) : m.start()]
            )
    return capital and inside


def _cost(edits: int, articles: int) -> float:
    """How unlikely a word is to be the one meant: its edits from what was typed, less a bonus for a common word
    (``FREQUENT`` for each tenfold of the articles holding it)."""
    return edits - FREQUENT * math.log10(max(1, articles))


def _lexicon(index: Snapshot, fieldname: str, prefix: str, budget: list[int], deadline: float) -> list[str]:
    """The field's words that start with ``prefix`` (at most ``MAX_SCANNED`` words in all), kept with the reader: a
    reader's words do not change, and the next misspelling that starts with the same letter needs them again."""
    cache: dict[tuple[str, str], list[str]] = index.cache("lexicon")
    words = cache.get((fieldname, prefix))
    if words is not None:
        return words
    words = []
    for word in index.words(fieldname, prefix):
        budget[0] -= 1
        if budget[0] < 0 or (not budget[0] & 1023 and time.monotonic() > deadline):
            return words  # cut short: not kept
        words.append(word)
    cache[(fieldname, prefix)] = words
    return words


def _frequency(index: Snapshot, fieldname: str, term: str) -> int:
    try:
        return index.doc_frequency(fieldname, term)
    except Exception:  # a term the field cannot hold
        return 0


def _surface(index: Snapshot, fieldname: str, term: str, typed: str, enough: int, limit: int) -> str | None:
    """A word of a stored story whose stem is ``term``, as written there, the closest to ``typed`` (in the case
    typed, then the most used, on a tie). Stories are read until one holds such a word ``enough`` edits from
    ``typed`` or nearer, each up to ``MAX_STORY_CHARS``: at most ``FIRST_STORIES``, or ``MAX_STORIES`` once they
    hold one within ``limit`` (the first may hold only another form: "export" and "Exporting" for "exprots")."""
    from rapidfuzz.distance import OSA

    lowered = typed.lower()
    postings = index.docs(fieldname, term)
    stems: dict[str, bool] = {}  # word -> whether its stem is ``term``
    found: dict[str, int] = {}
    stories = 0
    while stories < MAX_STORIES:
        distances = [OSA.distance(lowered, word.lower()) for word in found]
        if any(d <= enough for d in distances) or (
            stories >= FIRST_STORIES and not any(d <= limit for d in distances)
        ):
            break
        docnum = next(postings, None)
        if docnum is None:
            break
        stories += 1
        stored = index.stored(docnum)
        text = f"{stored.get('headline') or ''}\n{stored.get('body') or ''}"[:MAX_STORY_CHARS]
        for m in _WORD.finditer(text):
            word = m.group()
            if word[:1].lower() != term[0]:
                continue
            same = stems.get(word)
            if same is None:
                same = stems[word] = index.analyse(fieldname, word) == [term]
            if same:
                found[word] = found.get(word, 0) + 1

    def key(word: str) -> tuple[int, bool, int, str]:
        return (
            OSA.distance(lowered, word.lower()),
            word[:1].isupper() != typed[:1].isupper(),
            -found[word],
            word,
        )

    return min(found, key=key) if found else None


def _same_case(typed: str, word: str) -> str:
    """``word`` written as ``typed`` is: all capitals, a capital first, or lower case."""
    if typed.isupper() and len(typed) > 1:
        return word.upper()
    if typed[:1].isupper():
        return word.capitalize() if word.isupper() else word[:1].upper() + word[1:]  # THATCHER: Thatcher
    return word.lower()
