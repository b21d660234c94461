"""``check``: read every stored article and every posting list of an index's segments, and find what is wrong.

Reads through the segment readers' own methods (``segments.py`` decodes Whoosh 3's posting blocks at once); no
Whoosh import here.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from typing import Any

from newssearch.reports import CheckReport
from newssearch.segments import check_postings, read_postings

#: The duplicate ids a problem names as examples.
EXAMPLES = 3


def check_readers(readers: Iterable[Any]) -> CheckReport:
    """Every live stored article and every word's postings of the segment ``readers``: what cannot be read, and
    ids held by more than one live article (an id is unique in an index that newssearch wrote)."""
    report = CheckReport()
    seen: set[str] = set()
    twice: Counter[str] = Counter()
    for reader in readers:
        for docnum in range(reader.doc_count_all()):
            if reader.is_deleted(docnum):
                continue
            try:
                article_id = reader.stored_fields(docnum).get("id")
                report.documents += 1
            except Exception as exc:
                report.problems.append(f"stored article {docnum}: {type(exc).__name__}: {exc}"[:300])
                continue
            if article_id in seen:
                twice[article_id] += 1
            seen.add(article_id)
        found = check_postings(reader)
        if found is not None:
            report.terms += found[0]
            report.problems.extend(found[1])
            continue
        for fieldname in reader.indexed_field_names():
            try:
                for term in reader.lexicon(fieldname):
                    try:
                        read_postings(reader.postings(fieldname, term))
                        report.terms += 1
                    except Exception as exc:
                        report.problems.append(
                            f"postings of {fieldname}:{term!r}: {type(exc).__name__}: {exc}"[:300]
                        )
            except Exception as exc:
                report.problems.append(f"word list of field {fieldname}: {type(exc).__name__}: {exc}"[:300])
    if twice:
        examples = ", ".join(repr(article_id)[:80] for article_id, _ in twice.most_common(EXAMPLES))
        report.problems.append(
            f"{len(twice)} ids are held by more than one article ({sum(twice.values())} articles too many, "
            f"e.g. {examples}): stories were indexed twice"
        )
    return report
