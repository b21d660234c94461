"""Which words and entities are characteristic of one set of stories against another: the log-likelihood ratio
(Dunning's G²) of the 2×2 table of stories with and without the term in each set, kept for terms more common in
the first set. G² ranks a term by the evidence that its rate differs, so a word in 40 of 50 stories ranks above
one in 2 of 2 and above one common everywhere; 10.83 is p < 0.001 for one term.

Words are counted exactly from posting lists; which words are counted at all comes from re-reading a bounded,
evenly spread sample of the first set's stories, their first ``SAMPLE_CHARS`` characters (as Elasticsearch's
``significant_text`` samples), so the cost does not grow with the number of matches or their length.
"""

from __future__ import annotations

from typing import Any

from newssearch.analyze.results import ENTITY_KINDS, Term
from newssearch.engine import Selection, sample_words, shown_names, term_docs, value_counts

#: Stories re-read for their words; candidate words then counted exactly.
SAMPLE = 200
CANDIDATES = 150


def g2(np: Any, a: Any, A: int, b: Any, B: int) -> Any:
    """G² for ``a`` of ``A`` stories against ``b`` of ``B`` (arrays or numbers), signed: negative where the term
    is rarer in the first set."""
    a, b = np.asarray(a, dtype=float), np.asarray(b, dtype=float)
    n = A + B
    cells = [(a, A, a + b), (A - a, A, n - a - b), (b, B, a + b), (B - b, B, n - a - b)]
    total = np.zeros(np.broadcast(a, b).shape)
    for observed, row, column in cells:
        expected = row * column / n if n else 0 * observed
        with np.errstate(divide="ignore", invalid="ignore"):
            part = np.where(
                observed > 0, observed * np.log(observed / np.where(expected > 0, expected, 1)), 0.0
            )
        total = total + part
    sign = np.where(a * B >= b * A, 1.0, -1.0)
    return sign * 2 * total


def even_sample(np: Any, docs: Any, size: int = SAMPLE) -> list[int]:
    """At most ``size`` of ``docs``, evenly spread (the same ones each time)."""
    if len(docs) <= size:
        return [int(d) for d in docs]
    return [int(d) for d in docs[np.linspace(0, len(docs) - 1, size).astype(int)]]


def words(sel: Selection, fg: Any, bg: Any, limit: int, by_count: bool = False) -> list[Term]:
    """The words most characteristic of the stories flagged in ``fg`` against those in ``bg`` (or, with
    ``by_count``, the most common in ``fg``), with their exact story counts."""
    np = sel.np
    A, B = int(fg.sum()), int(bg.sum())
    if not A:
        return []
    sample = even_sample(np, np.flatnonzero(fg))
    frequency, forms = sample_words(sel, sample)
    least = 2 if len(sample) >= 20 else 1
    # Numbers alone ("418.50") say little; a word in one story of a large sample is no candidate.
    keys = [k for k, n in frequency.items() if n >= least and any(c.isalpha() for c in forms[k])]
    if not keys:
        return []
    in_sample = np.array([frequency[k] for k in keys], dtype=float)
    if by_count:
        rough = in_sample
    else:  # the sample's rate against the rate in the other stories, roughly: which words to count exactly
        index_df = np.array([sel.searcher.reader().doc_frequency("content", k) for k in keys], dtype=float)
        rough = g2(
            np, in_sample, len(sample), np.maximum(index_df - in_sample * A / len(sample), 0), max(B, 1)
        )
    order = np.argsort(-rough, kind="stable").tolist()[:CANDIDATES]
    out = []
    for i in order:
        sel.check_time()
        docs = term_docs(sel, "content", keys[i])
        a, b = int(fg[docs].sum()), int(bg[docs].sum())
        score = float(g2(np, a, A, b, B))
        out.append(Term(forms[keys[i]], "word", a, b, score))
    out.sort(key=(lambda t: (-t.count, -t.score)) if by_count else (lambda t: (-t.score, -t.count)))
    return [t for t in out if by_count or t.score > 0][:limit]


def entities(
    sel: Selection, fg: Any, bg: Any, limit: int, kinds: tuple[str, ...] = ENTITY_KINDS
) -> list[Term]:
    """The entities most characteristic of the stories flagged in ``fg`` against those in ``bg``."""
    np = sel.np
    A, B = int(fg.sum()), int(bg.sum())
    found: list[tuple[float, int, int, str, str]] = []
    for kind in kinds:
        names, a = value_counts(sel, kind, fg)
        b = value_counts(sel, kind, bg)[1]
        if not len(names):
            continue
        scores = g2(np, a, A, b, B)
        best = [
            i for i in np.argsort(-scores, kind="stable")[: limit * 2].tolist() if scores[i] > 0 and a[i] >= 2
        ]
        found.extend((float(scores[i]), int(a[i]), int(b[i]), names[i], kind) for i in best)
    found.sort(key=lambda t: (-t[0], -t[1]))
    out = []
    for score, a, b, name, kind in found[:limit]:
        shown = shown_names(sel, kind, [name])[name]
        out.append(Term(shown, kind, a, b, score))
    return out
