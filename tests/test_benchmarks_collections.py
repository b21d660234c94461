"""The benchmark harness's collections (``benchmarks/``): SMART (Cranfield, CISI), known-item collections from
headlines and leads, Reuters-21578 with its topics and splits, BBC and AG News, and the real ones in
../shared/corpora when present."""

import sys

import pytest

from newssearch.ingest.readers import read_articles
from newssearch.models import Article

from .helpers import BBC, CATEGORIES, CORPORA, CRAN_QRELS, CRAN_QUERIES, FORMATS, ROOT, needs_corpora

if str(ROOT) not in sys.path:  # benchmarks/ is not an installed package: import it from the checkout
    sys.path.insert(0, str(ROOT))

from benchmarks import corpora


def test_smart_docs_keep_every_record_with_the_readers_text():
    docs = corpora.smart_docs(FORMATS / "papers.all")
    assert [d.id for d in docs] == ["1", "2", "3"]
    assert docs[1].headline == "" and docs[1].body == ""  # like Cranfield 471 and 995: kept, unlike the index
    for path in (FORMATS / "papers.all", FORMATS / "repeats.all"):
        docs = corpora.smart_docs(path)
        read = read_articles(path, FORMATS).articles
        assert {a.id.rpartition("#")[2]: (a.headline, a.body) for a in read} == {
            d.id: (d.headline, d.body) for d in docs if d.headline or d.body
        }


def test_cranfield_queries_are_numbered_by_position_and_minus_one_is_dropped():
    queries = corpora.smart_queries(CRAN_QUERIES, renumber=True)
    assert [(q.id, q.text) for q in queries] == [
        ("1", "what is the lift of a wing ."),
        ("2", "heat conduction in slabs ."),
        ("3", "nothing judged ."),
    ]
    assert [q.id for q in corpora.smart_queries(CRAN_QUERIES)] == ["001", "004", "009"]
    qrels = corpora.cranfield_qrels(CRAN_QRELS)
    # gain = 5 - grade: grade 1 -> 4, 2 -> 3, 4 -> 1; -1 dropped, so query 3 has no judgments at all
    assert qrels == {"1": {"1": 3}, "2": {"3": 4, "1": 1}}


def test_cisi_relevance_file():
    rel = "     1     28\t0\t0.000000\n     1     35\t0\t0.000000\n     3     1\t0\t0.000000\n"
    assert corpora.cisi_qrels(rel) == {"1": {"28": 1, "35": 1}, "3": {"1": 1}}


def test_headline_known_item_collections(tmp_path):
    """Each sampled headline is a query whose relevant stories are its own body and any identical copy; the
    indexed stories have no headline, and the sample is the same every time."""
    for i, (headline, body) in enumerate(
        [
            (
                "Ad sales boost Time Warner profit",
                "Quarterly profits at US media giant TimeWarner jumped 76%.",
            ),
            ("Dollar gains on Greenspan speech", "The dollar has hit its highest level against the euro."),
            ("Copy of the Time Warner story", "Quarterly profits at US media giant TimeWarner jumped 76%."),
            (
                "Yukos unit buyer faces loan claim",
                "The owners of embattled Russian oil giant Yukos are to ask.",
            ),
        ]
    ):
        folder = tmp_path / "bbc" / "business"
        folder.mkdir(parents=True, exist_ok=True)
        (folder / f"{i:03}.txt").write_text(f"{headline}\n\n{body}\n")
    real = corpora._known_item("BBC", corpora.load_bbc(tmp_path), 4, seed=1)
    assert len(real.docs) == 4 and all(d.headline == "" and d.body for d in real.docs)
    by_text = {q.text: real.qrels[q.id] for q in real.queries}
    assert by_text["Ad sales boost Time Warner profit"] == {
        "bbc/business/000.txt": 1,
        "bbc/business/002.txt": 1,
    }
    assert by_text["Dollar gains on Greenspan speech"] == {"bbc/business/001.txt": 1}
    again = corpora._known_item("BBC", corpora.load_bbc(tmp_path), 4, seed=1)
    assert [q.text for q in again.queries] == [q.text for q in real.queries]


def test_split_lead_takes_the_first_sentence_without_its_wire_prefix():
    assert corpora.split_lead(
        "AP - Mr. Smith of the U.S. Senate said on Monday that taxes would rise. He gave no date.\n\nMore."
    ) == ("Mr. Smith of the U.S. Senate said on Monday that taxes would rise.", "He gave no date.\n\nMore.")
    assert corpora.split_lead("NEW YORK (Reuters) - Stocks fell\n sharply on Friday as oil rose.") == (
        "Stocks fell sharply on Friday as oil rose.",
        "",
    )
    assert corpora.split_lead(
        "SPACE.com - TORONTO, Canada -- A second team set a launch date. Then more."
    ) == (
        "A second team set a launch date.",
        "Then more.",
    )
    # a dash inside the sentence is not a prefix
    assert corpora.split_lead("Oil prices rose on Monday - the highest in a year. Traders said so.")[0] == (
        "Oil prices rose on Monday - the highest in a year."
    )


def test_lead_known_item_collections(tmp_path):
    """Each sampled first sentence is a query whose relevant stories are its own story and any identical copy;
    the indexed stories keep their headline and the rest of their body but never the query's sentence; leads
    too short to be a reader's question are not drawn; the sample is the same every time."""
    lead = "Quarterly profits at US media giant TimeWarner jumped 76% to $1.13bn for the three months to December."
    stories = [
        (
            "Ad sales boost Time Warner profit",
            f"{lead}\n\nThe firm is one of the biggest investors in Google.",
        ),
        (
            "Dollar gains on Greenspan speech",
            "The dollar has hit its highest level against the euro in almost three months. Traders cheered.",
        ),
        ("Time Warner profit (copy)", f"{lead}\n\nThe firm is  one of the biggest investors in Google.\n"),
        ("Short lead", "Yukos sues. The owners of embattled Russian oil giant Yukos are to ask for a loan."),
    ]
    for i, (headline, body) in enumerate(stories):
        folder = tmp_path / "bbc" / "business"
        folder.mkdir(parents=True, exist_ok=True)
        (folder / f"{i:03}.txt").write_text(f"{headline}\n\n{body}\n")
    leads = corpora._lead_known_item("BBC", corpora.load_bbc(tmp_path), 3, seed=1)
    assert len(leads.docs) == 4 and all(d.headline for d in leads.docs)
    by_text = {q.text: leads.qrels[q.id] for q in leads.queries}
    assert by_text == {
        lead: {"bbc/business/000.txt": 1, "bbc/business/002.txt": 1},
        "The dollar has hit its highest level against the euro in almost three months.": {
            "bbc/business/001.txt": 1
        },
    }  # the two copies give the same query, and are both relevant
    assert len(leads.queries) == 3
    assert "Yukos sues." not in by_text
    for doc in leads.docs:
        assert not any(q.text in doc.body for q in leads.queries)
    assert {d.id: d.body for d in leads.docs}["bbc/business/001.txt"] == "Traders cheered."
    again = corpora._lead_known_item("BBC", corpora.load_bbc(tmp_path), 3, seed=1)
    assert [q.text for q in again.queries] == [q.text for q in leads.queries]


@needs_corpora
@pytest.mark.slow
def test_lead_known_item_collections_on_the_corpora():
    for load, queries, docs in ((corpora.load_bbc_leads, 400, 2225), (corpora.load_ag_leads, 500, 7600)):
        tc = load(CORPORA)
        assert len(tc.queries) == queries and len(tc.docs) == docs
        assert all(len(q.text.split()) >= corpora.MIN_LEAD_WORDS for q in tc.queries)
        assert all(tc.qrels[q.id] for q in tc.queries)
        ids = {d.id for d in tc.docs}
        assert all(set(rel) <= ids for rel in tc.qrels.values())
    bbc = corpora.load_bbc_leads(CORPORA)
    assert any(len(rel) > 1 for rel in bbc.qrels.values())  # byte-identical copies judged too


def test_reuters_stories_come_from_the_reader_with_labels_and_splits(mini):
    docs = corpora.load_reuters(mini)
    read = read_articles(FORMATS / "sample.sgm", FORMATS).articles
    assert [(d.id, d.headline, d.body, d.place, d.metadata) for d in docs] == [
        (a.id, a.headline, a.body, a.place, a.metadata) for a in read
    ]
    assert [d.id for d in docs] == ["reuters-7", "reuters-8", "reuters-9", "reuters-11"]
    assert [d.id for d in corpora.load_reuters(mini, 2)] == ["reuters-7", "reuters-8"]


def test_modapte_test_split_is_lewissplit_test_and_topics_yes():
    def story(split: str, topics: str) -> Article:
        return Article(id="x", headline="x", metadata={"lewissplit": [split], "topics_attribute": [topics]})

    assert corpora.is_modapte_test(story("TEST", "YES"))
    assert not corpora.is_modapte_test(story("TEST", "NO"))
    assert not corpora.is_modapte_test(story("TRAIN", "YES"))


def test_topic_names_from_category_descriptions():
    assert corpora.parse_topic_names(CATEGORIES) == {
        "money-fx": "money foreign exchange",
        "grain": "grain",
        "wheat": "wheat",
        "coffee": "coffee",
        "castor-oil": "castor oil",
        "crude": "crude oil",
    }


def test_topic_queries_judge_only_the_given_docs_and_skip_empty_topics(mini):
    tc = corpora.load_reuters_topics(mini)
    assert [d.id for d in tc.docs] == ["reuters-7"]
    # coffee is only on a TRAIN story, money-fx, castor-oil and crude on none: skipped
    assert [(q.id, q.text) for q in tc.queries] == [("grain", "grain"), ("wheat", "wheat")]
    assert tc.qrels == {"grain": {"reuters-7": 1}, "wheat": {"reuters-7": 1}}


def test_synthetic_docs_are_deterministic(mini):
    base = corpora.load_reuters(mini)
    a, b = corpora.synthetic_docs(base, 5, seed=1), corpora.synthetic_docs(base, 5, seed=1)
    assert [(d.headline, d.body) for d in a] == [(d.headline, d.body) for d in b]
    assert len({d.id for d in a}) == 5 and all(d.headline for d in a)


def test_bbc_and_ag_news_come_from_the_readers(mini):
    assert [(d.id, d.headline, d.body) for d in corpora.load_bbc(mini)] == [
        ("bbc/business/001.txt", *BBC[0]),
        ("bbc/sport/002.txt", *BBC[1]),
    ]
    assert sorted(corpora.ag_news_titles(mini, 5)) == ["Cup win", "Wheat prices climb"]


@needs_corpora
def test_real_collections_load_as_documented():
    cran = corpora.load_cranfield(CORPORA)
    assert len(cran.docs) == 1400 and len(cran.queries) == 225
    cisi = corpora.load_cisi(CORPORA)
    assert len(cisi.docs) == 1460 and len(cisi.queries) == 76
    assert len(corpora.load_reuters(CORPORA, 1000)) == 1000


@needs_corpora
def test_real_smart_docs_are_what_newssearch_reads():
    for path in (CORPORA / "cranfield" / "cran.all.1400", CORPORA / "cisi" / "CISI.ALL"):
        docs = {d.id: (d.headline, d.body) for d in corpora.smart_docs(path) if d.headline or d.body}
        read = read_articles(path, path.parent).articles
        assert {a.id.rpartition("#")[2]: (a.headline, a.body) for a in read} == docs


@needs_corpora
def test_real_modapte_test_split():
    tc = corpora.load_reuters_topics(CORPORA)
    assert (len(tc.docs), len(tc.queries)) == (3299, 93)


def test_synthetic_stories_are_written_as_json_lines_files_update_reads(mini, tmp_path):
    """The growth table's full-pipeline builds read synthetic stories from files: 1,000 a file (here 2), read
    back as the same stories, and written once."""
    docs = corpora.synthetic_docs([d for d in corpora.load_reuters(mini) if d.body], 5, seed=1)
    files = corpora.synthetic_files(docs, tmp_path / "synth", per_file=2)
    assert [f.name for f in files] == ["part-00000.jsonl", "part-00001.jsonl", "part-00002.jsonl"]
    read = [a for f in files for a in read_articles(f, tmp_path, None, None).articles]
    assert [(a.id, a.headline, a.body) for a in read] == [(d.id, d.headline, d.body) for d in docs]
    stamp = files[0].stat().st_mtime_ns
    assert corpora.synthetic_files(docs, tmp_path / "synth", per_file=2) == files
    assert files[0].stat().st_mtime_ns == stamp  # not written again
