"""The kinds of mention the finder emits, and a mention."""

from __future__ import annotations

from dataclasses import dataclass
from enum import Enum


class Kind(Enum):
    PLACE = "place"
    ORG = "org"
    PERSON = "person"
    TITLED = "titled"  # one name after a title ("President Trump"): a person unless it links to a full name
    CANDIDATE = "candidate"  # a name that only counts if it links to a person or organisation found elsewhere


@dataclass(slots=True)
class Mention:
    kind: Kind
    name: str
    pos: int
    title: str = ""  # the title before a titled single name ("President" Trump)
