"""A generated news corpus for the fault scripts: stories in text files and JSON lines, built from a seed,
and a seeded change to it (files edited, added and deleted)."""

from __future__ import annotations

import json
import os
import random
import re
from pathlib import Path

PEOPLE = [
    "Angela Merkel",
    "Emmanuel Macron",
    "Christine Lagarde",
    "Jerome Powell",
    "Jacinda Ardern",
    "Antonio Guterres",
    "Olaf Scholz",
    "Justin Trudeau",
    "Cyril Ramaphosa",
    "Narendra Modi",
    "Pedro Sanchez",
    "Mario Draghi",
    "Kristalina Georgieva",
    "Tedros Adhanom Ghebreyesus",
    "Jens Stoltenberg",
    "Fumio Kishida",
]
ORGS = [
    "European Central Bank",
    "Federal Reserve",
    "United Nations",
    "World Health Organization",
    "NATO",
    "International Monetary Fund",
    "World Bank",
    "European Commission",
    "Toyota",
    "Siemens",
    "Microsoft",
    "Airbus",
    "Red Cross",
    "OPEC",
]
DATELINES = [
    ("LONDON", "London"),
    ("PARIS", "Paris"),
    ("BERLIN", "Berlin"),
    ("TOKYO", "Tokyo"),
    ("NEW YORK", "New York"),
    ("SYDNEY", "Sydney"),
    ("NAIROBI", "Nairobi"),
    ("BRUSSELS", "Brussels"),
    ("MADRID", "Madrid"),
    ("OTTAWA", "Ottawa"),
    ("JOHANNESBURG", "Johannesburg"),
    ("MUMBAI", "Mumbai"),
    ("WASHINGTON", "Washington"),
    ("GENEVA", "Geneva"),
    ("ROME", "Rome"),
    ("MANILA", "Manila"),
]
SOURCES = ["Reuters", "AP", "AFP"]
DAYS = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"]
REPORTERS = ["Sarah Klein", "Tom Hughes", "Priya Natarajan", "Luis Ortega", "Anna Kowalski", "Kenji Mori"]
TOPICS = {
    "economy": {
        "headlines": [
            "{org} keeps interest rates unchanged as inflation eases",
            "Bond yields climb to a record after {org} signals tighter policy",
            "Factory output falls for a third month in {place}",
            "{person} warns that inflation will stay high into next year",
            "Consumer spending rebounds as the central bank cuts rates",
        ],
        "sentences": [
            "The {org} kept its main interest rate unchanged on {day}, saying inflation was easing faster than expected.",
            "{person} told reporters that the central bank would act if prices kept rising.",
            "Economists polled before the decision had expected rates to stay on hold until the autumn.",
            "Factory output in {place} fell for a third straight month, dragged down by weaker exports.",
            "Bond yields rose to their highest level in a decade as investors priced in tighter policy.",
            "Consumer spending picked up in the second quarter, helped by lower energy prices.",
            "The currency slipped against the dollar after the announcement.",
            "Analysts said the budget deficit would narrow only slowly despite higher tax revenue.",
        ],
    },
    "politics": {
        "headlines": [
            "{person} calls snap election as coalition talks collapse",
            "Minister resigns after row over {org} funding",
            "Parliament in {place} approves budget after marathon session",
            "Opposition wins record share of the vote in regional election",
        ],
        "sentences": [
            "{person} said on {day} that voters would go to the polls in six weeks.",
            "The finance minister resigned after a row over funding for the {org}.",
            "Lawmakers in {place} approved the budget after a debate that lasted through the night.",
            "The opposition party won a record share of the vote, according to official results.",
            "Coalition talks broke down over tax policy and the pace of spending cuts.",
            "The prime minister said the government would present a new programme to parliament.",
            "Turnout in the election was the highest since the end of the war, officials said.",
        ],
    },
    "weather": {
        "headlines": [
            "Storm forces thousands to flee coastal towns near {place}",
            "Flood waters rise as heavy rain hits {place}",
            "Heatwave breaks temperature record across the region",
            "{org} sends aid after storm destroys homes",
        ],
        "sentences": [
            "Tens of thousands of people fled coastal villages on {day} as the storm approached, officials said.",
            "Heavy rain caused rivers to burst their banks, flooding farmland and cutting off roads near {place}.",
            "The {org} said it had sent emergency teams and supplies to the worst affected districts.",
            "Temperatures reached a record 46 degrees, the national weather agency said.",
            "Flights at the main airport were suspended and schools were closed for the week.",
            "Rescue workers used boats to reach families stranded on rooftops.",
            "The storm was expected to weaken as it moved inland later in the week.",
        ],
    },
    "health": {
        "headlines": [
            "{org} approves new vaccine for children",
            "Hospitals in {place} report rise in flu cases",
            "Vaccine trial shows strong protection, {org} says",
            "{person} urges wealthy countries to share vaccine doses",
        ],
        "sentences": [
            "The {org} said the vaccine was safe and effective for children aged five to eleven.",
            "Hospitals in {place} reported a sharp rise in flu cases over the past fortnight.",
            "Results from a late-stage trial showed the vaccine gave strong protection against severe illness.",
            "{person} urged wealthy countries to share doses with poorer nations.",
            "Health officials said they would expand testing at schools and care homes.",
            "Doctors warned that waiting times for routine operations had grown again this winter.",
        ],
    },
    "business": {
        "headlines": [
            "{org} shares jump after record quarterly profit",
            "{org} to cut jobs as demand slows",
            "Port strike disrupts shipping in {place}",
            "{org} agrees takeover in deal worth billions",
        ],
        "sentences": [
            "Shares of {org} jumped after the company reported a record quarterly profit.",
            "The company said it would cut about 2,000 jobs as demand for its products slowed.",
            "A strike at the port of {place} disrupted shipping for a second week, traders said.",
            "Chief executives said supply chains were still recovering from the disruption.",
            "The takeover, agreed on {day}, still needs the approval of competition regulators.",
            "Analysts said the deal would make the group the largest in its sector.",
        ],
    },
    "security": {
        "headlines": [
            "NATO allies agree to raise defence spending",
            "{person} meets NATO chief in {place}",
            "Talks on ceasefire resume in {place}",
        ],
        "sentences": [
            "NATO allies agreed on {day} to raise defence spending over the next five years.",
            "{person} met the NATO secretary general in {place} to discuss security in the region.",
            "Negotiators said talks on a ceasefire would resume next week in {place}.",
            "The United Nations called for humanitarian corridors to be opened at once.",
            "Officials said the agreement would be reviewed at a summit later in the year.",
        ],
    },
}


def _fill(template: str, rng: random.Random, place: str) -> str:
    return template.format(person=rng.choice(PEOPLE), org=rng.choice(ORGS), place=place, day=rng.choice(DAYS))


def _story(rng: random.Random, number: int) -> dict:
    """One article as fields: headline, dateline, date, source and paragraphs."""
    topic = rng.choice(sorted(TOPICS))
    words = TOPICS[topic]
    dateline, place = rng.choice(DATELINES)
    source = rng.choice(SOURCES)
    headline = _fill(rng.choice(words["headlines"]), rng, place)
    sentences = [_fill(s, rng, place) for s in rng.sample(words["sentences"], rng.randint(3, 5))]
    if rng.random() < 0.3:  # a sentence from another topic, so that queries cut across topics
        other = TOPICS[rng.choice(sorted(TOPICS))]["sentences"]
        sentences.insert(rng.randint(1, len(sentences)), _fill(rng.choice(other), rng, place))
    paragraphs, start = [], 0
    while start < len(sentences):
        size = rng.randint(1, 3)
        paragraphs.append(" ".join(sentences[start : start + size]))
        start += size
    paragraphs[0] = f"{dateline} ({source}) - {paragraphs[0]}"
    paragraphs.append(f"(Reporting by {rng.choice(REPORTERS)}; Editing by {rng.choice(REPORTERS)})")
    date = None
    if rng.random() < 0.9:
        date = f"{rng.randint(2018, 2023)}-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}"
        if rng.random() < 0.5:
            date += f"T{rng.randint(0, 23):02d}:{rng.randint(0, 59):02d}:00Z"
    return {
        "topic": topic,
        "headline": headline,
        "date": date,
        "source": source,
        "paragraphs": paragraphs,
        "number": number,
    }


def _text_file(story: dict) -> str:
    header = [story["headline"], ""]
    if story["date"] is not None:
        header.append(f"Date: {story['date']}")
    header.append(f"Source: {story['source']}")
    return "\n".join(header) + "\n\n" + "\n\n".join(story["paragraphs"]) + "\n"


def _record(story: dict) -> dict:
    record = {
        "id": f"wire-{story['number']}",
        "title": story["headline"],
        "text": "\n\n".join(story["paragraphs"]),
        "source": story["source"],
    }
    if story["date"] is not None:
        record["published_at"] = story["date"]
    return record


def _slug(text: str) -> str:
    return "-".join(re.findall(r"[a-z0-9]+", text.lower())[:6])


def _bump(path: Path, seconds: int = 5) -> None:
    """Move a file's time stamp on, as an editor saving it later would."""
    stat = path.stat()
    os.utime(path, ns=(stat.st_atime_ns, stat.st_mtime_ns + seconds * 1_000_000_000))


def make_corpus(folder: Path, articles: int = 200, records: int = 30, seed: int = 1) -> Path:
    """Write ``articles`` plain-text articles in topic folders and one JSON Lines file of ``records`` records."""
    rng = random.Random(f"corpus-{seed}")
    folder.mkdir(parents=True, exist_ok=True)
    for number in range(articles):
        story = _story(rng, number)
        path = folder / story["topic"] / f"{number:04d}-{_slug(story['headline'])}.txt"
        path.parent.mkdir(exist_ok=True)
        path.write_text(_text_file(story), encoding="utf-8")
    lines = [json.dumps(_record(_story(rng, 10_000 + n))) for n in range(records)]
    (folder / "wires.jsonl").write_text("\n".join(lines) + "\n", encoding="utf-8")
    return folder


def mutate_corpus(folder: Path, seed: int = 1, share: float = 0.08) -> dict[str, int]:
    """Edit, add and delete files (about ``share`` of the plain-text files each), and edit the JSON Lines files:
    the changes an incremental update has to pick up. A corpus of few plain-text files (Reuters-21578's SGML
    files) has some of its other article files deleted instead."""
    rng = random.Random(f"mutate-{seed}")
    texts = sorted(p for p in folder.rglob("*.txt") if p.is_file())
    count = max(2, int(len(texts) * share))
    chosen = rng.sample(texts, min(len(texts), 2 * count))
    edited, deleted = chosen[:count], chosen[count:]
    if len(texts) < 10:
        others = sorted(
            p
            for p in folder.rglob("*")
            if p.is_file() and p.suffix.lower() in (".sgm", ".sgml", ".csv", ".tsv", ".json", ".html", ".htm")
        )
        deleted += rng.sample(others, min(len(others), max(1, int(len(others) * share))))
    for path in edited:
        text = path.read_text(encoding="utf-8", errors="replace")
        lines = text.split("\n")
        lines[0] = f"{lines[0]} (updated)"
        story = _story(rng, 20_000)
        extra = " ".join(story["paragraphs"][1:-1]) or story["paragraphs"][0]
        path.write_text("\n".join(lines).rstrip("\n") + f"\n\n{extra}\n", encoding="utf-8")
        _bump(path)
    for path in deleted:
        path.unlink()
    new_folder = folder / "latest"
    new_folder.mkdir(exist_ok=True)
    for n in range(count):
        story = _story(rng, 30_000 + n)
        (new_folder / f"{30_000 + n}-{_slug(story['headline'])}.txt").write_text(
            _text_file(story), encoding="utf-8"
        )
    records_changed = 0
    for jsonl in sorted(folder.rglob("*.jsonl")):
        records = [
            json.loads(line) for line in jsonl.read_text(encoding="utf-8").splitlines() if line.strip()
        ]
        if len(records) > 4:
            records[1]["title"] = f"{records[1].get('title', '')} (corrected)"
            del records[3]
        records += [_record(_story(rng, 40_000 + n)) for n in range(3)]
        jsonl.write_text("\n".join(json.dumps(r) for r in records) + "\n", encoding="utf-8")
        _bump(jsonl)
        records_changed += 1
    return {"edited": len(edited), "deleted": len(deleted), "added": count, "jsonl": records_changed}
