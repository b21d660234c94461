"""``python -m benchmarks.levers``: what each ranking lever does on every judged collection, in one table.

The procedure for choosing newssearch's ranking (benchmarks/README.md, "Choosing the ranking"): a lever is kept
only if it helps or leaves alone nDCG@10 and AP@100 on every collection, and none loses more than ``NOISE``.

Each collection is indexed once by newssearch (as the relevance benchmark does). The levers are then scored by a
small scorer of its own over the index's postings and stored lengths, so that trying one takes seconds and
needs no change to newssearch; row ``newssearch`` is the engine itself, and row ``as built`` the scorer set up
as newssearch ranks today, which must agree with it within ``NOISE`` (a difference is printed: on CISI newssearch
searches only the 100 rarest words of its longest questions, ``bounds.MAX_OR_WORDS``).
"""

from __future__ import annotations

import argparse
import math
import tempfile
from collections import Counter, defaultdict
from collections.abc import Callable
from pathlib import Path

from benchmarks import DEFAULT_CORPORA, metrics
from benchmarks.corpora import TestCollection
from benchmarks.runner import NEWS_COLLECTIONS, Config, relevance_loaders
from benchmarks.systems import NewsSearch
from newssearch.engine.query import plain_words
from newssearch.engine.schema import BYTE_LENGTHS, FIELD_BOOSTS, STOP_WORDS, length_bytes

#: A difference in nDCG@10 or AP@100 smaller than this is taken as no difference.
NOISE = 0.002
ENTITY_FIELDS = ("person_text", "org_text", "place_text")

Scores = dict[int, float]


class Collection:
    """A judged collection indexed by newssearch, with what the scorers need read out of the index once."""

    def __init__(self, key: str, tc: TestCollection, path: Path) -> None:
        self.system = NewsSearch(extract=key in NEWS_COLLECTIONS)  # as the relevance benchmark builds it
        self.system.all_versions = True  # and ranks: every copy
        self.system.build(tc.docs, path)
        self.system.open(path)
        self.key, self.tc, self.path, self.ix = key, tc, path, self.system.ix
        self.reader = self.ix._store.searcher().reader()  # one segment: built in one commit
        self.schema = self.reader.schema
        self.n = self.reader.doc_count()
        self.lengths = {
            f: [BYTE_LENGTHS[b] for b in length_bytes(self.reader, f) or bytes(self.n)] for f in FIELD_BOOSTS
        }
        self.average = {f: (sum(v) / self.n) or 1.0 for f, v in self.lengths.items()}
        self.ids = [self.reader.stored_fields(d)["id"] for d in range(self.n)]
        self.queries = [
            (q.id, plain_words(q.text).split()) for q in tc.queries
        ]  # the words newssearch searches
        self._postings: dict[tuple[str, str], list[tuple[int, float]]] = {}
        self._vectors: list[Counter[str]] | None = None

    def tokens(self, fieldname: str, word: str) -> list[str]:
        return list(self.schema[fieldname].process_text(word, mode="query"))

    def postings(self, fieldname: str, token: str) -> list[tuple[int, float]]:
        key = (fieldname, token)
        if key not in self._postings:
            found = key in self.reader
            self._postings[key] = list(self.reader.postings(*key).items_as("weight")) if found else []
        return self._postings[key]

    def vectors(self) -> list[Counter[str]]:
        """Each story's ``content`` words, counted (for feedback)."""
        if self._vectors is None:
            analyzer = self.schema["content"].analyzer
            self._vectors = []
            for d in range(self.n):
                stored = self.reader.stored_fields(d)
                text = f"{stored.get('headline') or ''}\n{stored.get('body') or ''}"
                self._vectors.append(Counter(t.text for t in analyzer(text)))
        return self._vectors

    def evaluate(self, scorer: Callable[[Collection, list[str]], Scores]) -> dict[str, float]:
        run = {}
        for qid, words in self.queries:
            ranked = sorted(scorer(self, words).items(), key=lambda item: (-item[1], item[0]))[
                : metrics.RUN_DEPTH
            ]
            run[qid] = [self.ids[d] for d, _ in ranked]
        return metrics.evaluate(self.tc.qrels, run)

    def engine(self) -> dict[str, float]:
        """newssearch itself, as the relevance benchmark runs it."""
        run = {q.id: [r.id for r in self.system.search(q.text, metrics.RUN_DEPTH)] for q in self.tc.queries}
        return metrics.evaluate(self.tc.qrels, run)


def whoosh_idf(n: int, df: int) -> float:
    return math.log(n / (df + 1)) + 1


def lucene_idf(n: int, df: int) -> float:
    return math.log(1 + (n - df + 0.5) / (df + 0.5))


def plain_idf(n: int, df: int) -> float:
    """Whoosh's idf without its ``+ 1``: a word in every story weighs nothing, not a rare word's eighth."""
    return max(0.0, math.log(n / (df + 1)))


def half_idf(n: int, df: int) -> float:
    """Whoosh's idf with ``+ 0.5`` in place of its ``+ 1``."""
    return math.log(n / (df + 1)) + 0.5


def by_length(
    short: Callable[[Collection, list[str]], Scores],
    long: Callable[[Collection, list[str]], Scores],
    words: int,
) -> Callable[[Collection, list[str]], Scores]:
    """``long`` for a query of ``words`` distinct content words or more (stop words aside), ``short`` otherwise."""

    def score(c: Collection, query: list[str]) -> Scores:
        content = {t for w in query for t in c.tokens("content", w)}
        return (long if len(content) >= words else short)(c, query)

    return score


def _add_bm25(
    scores: Scores,
    c: Collection,
    fieldname: str,
    token: str,
    weight: float,
    k1: float = 1.2,
    b: float = 0.75,
    idf: Callable[[int, int], float] = whoosh_idf,
) -> None:
    """Add one term's BM25 scores in one field, times ``weight``, to ``scores``."""
    postings = c.postings(fieldname, token)
    if not postings:
        return
    factor = weight * idf(c.n, len(postings))
    lengths, average = c.lengths[fieldname], c.average[fieldname]
    for d, tf in postings:
        scores[d] += factor * tf * (k1 + 1) / (tf + k1 * ((1 - b) + b * lengths[d] / average))


def bm25(
    boosts: dict[str, float] | None = None,
    k1: float = 1.2,
    b: float = 0.75,
    idf: Callable[[int, int], float] = whoosh_idf,
    repeats: bool | Callable[[int], float] = True,
    name_stops: bool = True,
) -> Callable[[Collection, list[str]], Scores]:
    """Each field's BM25 times its boost, added up (newssearch's ranking with its defaults)."""
    boosts = boosts or FIELD_BOOSTS

    def score(c: Collection, words: list[str]) -> Scores:
        counts = Counter(
            (f, t)
            for w in words
            for f in boosts
            if name_stops or f not in ENTITY_FIELDS or w not in STOP_WORDS
            for t in c.tokens(f, w)
        )
        scores: Scores = defaultdict(float)
        for (f, t), times in counts.items():
            counted = repeats(times) if callable(repeats) else (times if repeats else 1)
            _add_bm25(scores, c, f, t, counted * boosts[f], k1, b, idf)
        return scores

    return score


def bm25f(
    headline: float = 1.0, k1: float = 1.2, b: float = 0.75
) -> Callable[[Collection, list[str]], Scores]:
    """BM25F proper: a word's headline frequency added to its body frequency before saturation, each normalised by
    its own length; the entity bonus as in ``bm25``."""
    entities = bm25({f: FIELD_BOOSTS[f] for f in ENTITY_FIELDS}, k1, b)

    def score(c: Collection, words: list[str]) -> Scores:
        scores = entities(c, words)
        for word, times in Counter(words).items():
            tokens = c.tokens("content", word)
            if not tokens:
                continue
            content, head = c.postings("content", tokens[0]), c.postings("headline", tokens[0])
            if not content:
                continue
            pseudo: dict[int, float] = defaultdict(float)
            for fieldname, postings, weight in (("content", content, 1.0), ("headline", head, headline)):
                lengths, average = c.lengths[fieldname], c.average[fieldname]
                for d, tf in postings:
                    pseudo[d] += weight * tf / ((1 - b) + b * lengths[d] / average)
            idf = whoosh_idf(c.n, len(content))
            for d, x in pseudo.items():
                scores[d] += times * idf * x * (k1 + 1) / (x + k1)
        return scores

    return score


def proximity(weight: float = 1.0, window: int = 5) -> Callable[[Collection, list[str]], Scores]:
    """``bm25`` plus, in its top 100, a bonus for each pair of query words within ``window`` words of each other
    (BM25TP-style: the sum of 1/distance², saturated, times the rarer word's idf)."""
    base = bm25()

    def score(c: Collection, words: list[str]) -> Scores:
        scores = base(c, words)
        tokens = list(
            dict.fromkeys(t for w in words for t in c.tokens("content", w) if c.postings("content", t))
        )
        top = sorted(scores, key=lambda d: -scores[d])[:100]
        if len(tokens) < 2 or not top:
            return scores
        wanted, positions = set(top), {}
        for t in tokens:
            m = c.reader.postings("content", t)
            for d in sorted(wanted):
                if m.is_active() and m.id() < d:
                    m.skip_to(d)
                if m.is_active() and m.id() == d:
                    positions[(d, t)] = m.value_as("positions")
        for d in top:
            for i, a in enumerate(tokens):
                for t in tokens[i + 1 :]:
                    near = sum(
                        1 / (p - q) ** 2
                        for p in positions.get((d, a), ())
                        for q in positions.get((d, t), ())
                        if 0 < abs(p - q) <= window
                    )
                    if near:
                        rarer = min(whoosh_idf(c.n, len(c.postings("content", x))) for x in (a, t))
                        scores[d] += weight * rarer * near / (near + 1)
        return scores

    return score


def feedback(docs: int = 10, terms: int = 10, mix: float = 0.3) -> Callable[[Collection, list[str]], Scores]:
    """RM3-style pseudo-relevance feedback: the ``terms`` words most likely in the top ``docs`` stories (weighted
    by exp(score - best)) are added to the query with ``mix`` of its weight, and the collection searched again."""
    base = bm25()

    def score(c: Collection, words: list[str]) -> Scores:
        first = base(c, words)
        top = sorted(first.items(), key=lambda item: -item[1])[:docs]
        if not top:
            return first
        vectors, best = c.vectors(), top[0][1]
        model: dict[str, float] = defaultdict(float)
        for d, s in top:
            total = sum(vectors[d].values()) or 1
            for t, n in vectors[d].items():
                model[t] += math.exp(s - best) * n / total
        expansion = sorted(model.items(), key=lambda item: -item[1])[:terms]
        original = Counter(t for w in words for t in c.tokens("content", w))
        size, mass = sum(original.values()) or 1, sum(v for _, v in expansion) or 1
        weights: dict[str, float] = defaultdict(float)
        for t, n in original.items():
            weights[t] += (1 - mix) * n
        for t, v in expansion:
            weights[t] += mix * size * v / mass
        scores: Scores = defaultdict(float)
        for t, w in weights.items():
            for f in ("content", "headline"):
                _add_bm25(scores, c, f, t, w * FIELD_BOOSTS[f])
        for d, s in bm25({f: FIELD_BOOSTS[f] for f in ENTITY_FIELDS})(c, words).items():
            scores[d] += s
        return scores

    return score


def _no_entities() -> dict[str, float]:
    return {f: (0.0 if f in ENTITY_FIELDS else w) for f, w in FIELD_BOOSTS.items()}


def _with(**changes: float) -> dict[str, float]:
    return {**FIELD_BOOSTS, **changes}


#: name -> scorer. The first is newssearch's ranking as built; the rest change one thing each.
LEVERS: dict[str, Callable[[Collection, list[str]], Scores]] = {
    "as built": bm25(),
    "repeated words counted once (before)": bm25(repeats=False),
    "entity fields ×0.3 (before)": bm25(_with(person_text=0.3, org_text=0.3, place_text=0.3)),
    "entity fields ×0": bm25(_no_entities()),
    "headline ×0.15": bm25(_with(headline=0.15)),
    "headline ×0.5": bm25(_with(headline=0.5)),
    "Lucene idf": bm25(idf=lucene_idf),
    "K1 1.5": bm25(k1=1.5),
    "K1 0.9": bm25(k1=0.9),
    "B 0.6": bm25(b=0.6),
    "B 0.9": bm25(b=0.9),
    "BM25F proper, headline ×1": bm25f(1.0),
    "BM25F proper, headline ×2": bm25f(2.0),
    "proximity bonus": proximity(),
    "RM3 feedback (10 docs, 10 words, 0.3)": feedback(),
    "idf without +1": bm25(idf=plain_idf),
    "Lucene idf for 6+ words": by_length(bm25(), bm25(idf=lucene_idf), 6),
    "idf without +1 for 6+ words": by_length(bm25(), bm25(idf=plain_idf), 6),
    "headline ×0.5 for 6+ words": by_length(bm25(), bm25(_with(headline=0.5)), 6),
    "K1 1.5 for 6+ words": by_length(bm25(), bm25(k1=1.5), 6),
    "repeated words once for 6+ words": by_length(bm25(), bm25(repeats=False), 6),
    "a word typed n times counts 1 + ln n": bm25(repeats=lambda n: 1 + math.log(n)),
    "a word typed n times counts √n": bm25(repeats=math.sqrt),
    "idf +0.5 instead of +1": bm25(idf=half_idf),
    "idf +0.5 for 6+ words": by_length(bm25(), bm25(idf=half_idf), 6),
    "entity fields without stop words": bm25(name_stops=False),
    "entity fields ×0 for 6+ words": by_length(bm25(), bm25(_no_entities()), 6),
    "entity fields ×0 for 10+ words": by_length(bm25(), bm25(_no_entities()), 10),
}


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.levers", description=__doc__)
    parser.add_argument("--corpora", type=Path, default=DEFAULT_CORPORA)
    parser.add_argument(
        "--workdir", type=Path, help="where the indexes are built (default: a temporary folder)"
    )
    parser.add_argument("--levers", help="comma-separated lever names (default: all)")
    parser.add_argument("--collections", help="comma-separated collection keys (default: all)")
    args = parser.parse_args(argv)
    workdir = args.workdir or Path(tempfile.mkdtemp(prefix="newssearch-levers-"))
    loaders = relevance_loaders(Config(corpora=args.corpora, workdir=workdir))
    levers = {
        k: v for k, v in LEVERS.items() if not args.levers or k in args.levers.split(",") or k == "as built"
    }
    wanted = args.collections.split(",") if args.collections else list(loaders)
    collections = [Collection(key, load(), workdir / key) for key, load in loaders.items() if key in wanted]
    names = [c.tc.name.split(" (")[0] for c in collections]
    print("| lever | " + " | ".join(f"{n}: nDCG@10 / AP@100" for n in names) + " | kept? |")
    print("|---" * (len(names) + 2) + "|")
    engine = [c.engine() for c in collections]
    print("| newssearch | " + " | ".join(f"{e['nDCG@10']:.3f} / {e['AP@100']:.3f}" for e in engine) + " | |")
    built = [c.evaluate(LEVERS["as built"]) for c in collections]
    for e, s, name in zip(engine, built, names, strict=True):
        if abs(e["nDCG@10"] - s["nDCG@10"]) > NOISE:
            print(
                f"(the scorer disagrees with newssearch on {name}: {s['nDCG@10']:.3f} against {e['nDCG@10']:.3f})"
            )
    for lever, scorer in levers.items():
        results = built if lever == "as built" else [c.evaluate(scorer) for c in collections]
        cells, gains, losses = [], 0, 0
        for r, base in zip(results, built, strict=True):
            delta = [r[m] - base[m] for m in ("nDCG@10", "AP@100")]
            gains += any(d > NOISE for d in delta)
            losses += any(d < -NOISE for d in delta)
            cells.append(
                f"{r['nDCG@10']:.3f} / {r['AP@100']:.3f}"
                + ("" if lever == "as built" else f" ({delta[0]:+.3f})")
            )
        verdict = "–" if lever == "as built" else ("would keep" if gains and not losses else "no")
        print(f"| {lever} | " + " | ".join(cells) + f" | {verdict} |", flush=True)


if __name__ == "__main__":
    main()
