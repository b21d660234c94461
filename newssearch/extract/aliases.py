"""One name per entity: a user's alias file, applied as stories are indexed, and the merging of a person's
surname alone ("Thatcher", "Mrs Thatcher") into the full name the index mostly gives ("Margaret Thatcher").

An alias file (``index --aliases FILE``) is UTF-8 text, one entity a line: its name, ``=``, then the other names
it goes by, separated by commas; an optional kind first (``person:``, ``org:`` or ``place:``) limits the line
to that kind of entity; ``#`` starts a comment. Names are compared without case, accents or extra spaces::

    # newssearch aliases
    person: Margaret Thatcher = Thatcher, Mrs Thatcher, Maggie Thatcher
    place: United States = U.S., USA, America
    OPEC = Organization of the Petroleum Exporting Countries
"""

from __future__ import annotations

import dataclasses
import os
import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from newssearch.errors import QueryError
from newssearch.extract.words import ARABIC_ARTICLES, TITLES
from newssearch.models import Article

#: Bounds of an alias file: its size, its lines, a name's length.
MAX_BYTES = 2_000_000
MAX_NAME = 200
MAX_NAMES = 100_000
#: The kinds a line may name, and the kind each stands for.
KINDS = {"person": "person", "people": "person", "org": "org", "orgs": "org", "organization": "org"}
KINDS |= {"organisation": "org", "place": "place", "places": "place"}
_ARTICLE_FIELDS = {"people": "person", "organizations": "org", "places": "place"}
_LINE = re.compile(r"^(?:(\w+)\s*:\s*)?(.+?)\s*=\s*(.*)$")


def fold(name: str) -> str:
    """A name as names are compared: case, accents and spacing left out."""
    decomposed = unicodedata.normalize("NFKD", name.casefold())
    return " ".join("".join(c for c in decomposed if not unicodedata.combining(c)).split())


@dataclass(frozen=True)
class Aliases:
    """Canonical names by (kind, folded variant); kind ``*`` for lines that name no kind."""

    table: dict[tuple[str, str], str] = field(default_factory=dict)
    text: str = ""  #: the file as read (kept in the index, so later runs apply the same)

    def __bool__(self) -> bool:
        return bool(self.table)

    def canonical(self, kind: str, name: str) -> str:
        """The name an entity of this kind (person, org, place) goes by: its alias's, else as given."""
        key = fold(name)
        return self.table.get((kind, key)) or self.table.get(("*", key)) or name

    def apply(self, article: Article) -> Article:
        """The article with each entity (and its dateline place) named as the aliases name it."""
        if not self.table:
            return article
        changes: dict[str, object] = {}
        for attribute, kind in _ARTICLE_FIELDS.items():
            names = getattr(article, attribute)
            renamed = list(dict.fromkeys(self.canonical(kind, name) for name in names))
            if renamed != names:
                changes[attribute] = renamed
        if article.place and self.canonical("place", article.place) != article.place:
            changes["place"] = self.canonical("place", article.place)
        return dataclasses.replace(article, **changes) if changes else article  # type: ignore[arg-type]


def parse(text: str, origin: str = "aliases") -> Aliases:
    """An alias file's text read (see the module); QueryError naming the line that cannot be read."""
    table: dict[tuple[str, str], str] = {}
    for number, line in enumerate(text.splitlines(), 1):
        line = line.split("#", 1)[0].strip()
        if not line:
            continue
        match = _LINE.match(line)
        if match is None:
            raise QueryError(f"{origin} line {number}: expected 'NAME = OTHER NAME, ...'")
        typed_kind, name, variants = match.group(1), match.group(2).strip(), match.group(3)
        kind = "*"
        if typed_kind is not None:
            kind = KINDS.get(typed_kind.casefold(), "")
            if not kind:
                raise QueryError(
                    f"{origin} line {number}: {typed_kind!r} is not a kind (person:, org: or place:)"
                )
        names = [" ".join(v.split()) for v in variants.split(",") if v.strip()]
        if not names:
            raise QueryError(f"{origin} line {number}: no other name after '='")
        if "=" in variants:
            raise QueryError(
                f"{origin} line {number}: one '=' a line, between a name and the names it goes by"
            )
        if len(table) + len(names) > MAX_NAMES:
            raise QueryError(f"{origin} line {number}: more than {MAX_NAMES:,} names")
        for each in [name, *names]:
            if len(each) > MAX_NAME or not re.search(r"\w", each):
                raise QueryError(
                    f"{origin} line {number}: a name must have a word and at most {MAX_NAME} characters"
                )
        for variant in names:
            table[(kind, fold(variant))] = " ".join(name.split())
    return Aliases(table, text)


def load(path: str | os.PathLike[str]) -> Aliases:
    """An alias file read and parsed; QueryError (one line) for one that cannot be read or is too large."""
    path = Path(path)
    try:
        with open(path, "rb") as f:
            data = f.read(MAX_BYTES + 1)
    except OSError as exc:
        raise QueryError(f"cannot read the aliases file {path}: {exc.strerror or exc}") from None
    if len(data) > MAX_BYTES:
        raise QueryError(f"the aliases file {path} is larger than {MAX_BYTES:,} bytes")
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise QueryError(f"the aliases file {path} is not UTF-8 text") from None
    return parse(text, f"the aliases file {path},")


# -- surnames ------------------------------------------------------------------------------------------------

_ARTICLE = re.compile(rf"^(?:{'|'.join(ARABIC_ARTICLES)})-")
_TITLES = frozenset(t.casefold() for t in TITLES)
#: A surname goes to the full name that most stories give, if that name has at least this many stories and this
#: many times as many as the next full name of that surname.
MIN_STORIES = 2
DOMINANCE = 2.0


def bare_name(name: str) -> str:
    """A person's name without the titles before it ("mrs thatcher" is "thatcher")."""
    words = name.split()
    while len(words) > 1 and words[0].rstrip(".") in _TITLES:
        words = words[1:]
    return " ".join(words)


def surname_merges(names: list[str], counts: Iterable[int]) -> dict[int, int]:
    """Which of a people field's values (lower-cased, with the number of stories naming each) are another's
    variants: a name with titles is its name without them, and a surname alone ("thatcher") is the full name
    ending in it that most stories give ("margaret thatcher"), when that one clearly leads. ``{variant: name}``
    as indexes into ``names``."""
    counts = list(counts)
    index = {name: n for n, name in enumerate(names)}
    by_surname: dict[str, list[int]] = {}
    for n, name in enumerate(names):
        words = name.split()
        if len(words) > 1 and words[0].rstrip(".") not in _TITLES:
            by_surname.setdefault(_ARTICLE.sub("", words[-1]), []).append(n)
    merges: dict[int, int] = {}
    for n, name in enumerate(names):
        bare = bare_name(name)
        target = index.get(bare, n) if bare != name else n
        if " " not in bare:  # a surname alone
            full = sorted(by_surname.get(_ARTICLE.sub("", bare), []), key=lambda m: -counts[m])
            if full and counts[full[0]] >= MIN_STORIES:
                runner_up = counts[full[1]] if len(full) > 1 else 0
                if counts[full[0]] >= DOMINANCE * runner_up:
                    target = full[0]
        if target != n:
            merges[n] = target
    return merges
