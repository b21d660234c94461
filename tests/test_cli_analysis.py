"""The CLI's coverage analyses as a user meets them: ``top``, ``timeline``, ``keywords``, ``cooccur``, ``query
--facets`` and the ``--person/--org/--place`` filters, and ``index --aliases``, over a hand-written index of twelve
stories whose answers are counted by hand below (text, JSON and CSV; one-line errors with exit code 2; hostile
names shown as data; output that is piped, not a terminal)."""

# ruff: noqa: F811  (the shared fixtures, imported, are the tests' parameters)
import csv
import io
import re
import xml.etree.ElementTree as ET

import pytest

from .analysis_cli import (  # noqa: F401  (fixtures among them)
    EVERY_STORY,
    HOSTILE,
    HOSTILE_STORED,
    STORIES,
    VACCINE_PEOPLE,
    as_json,
    csv_rows,
    headers,
    index,
    ok,
    refused,
    run,
    table,
    values,
)

# --- top ------------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("kind", list(EVERY_STORY))
def test_top_every_story_lists_the_hand_counts_in_text(run, kind):
    out = ok(run("top", kind, ""))
    assert out.startswith(f"{kind} in 12 stories\n")
    assert table(out) == [[name, str(count), share] for name, count, share in EVERY_STORY[kind]]


def test_top_with_a_query_counts_its_matches_only(run):
    out = ok(run("top", "people", "vaccine"))
    assert "people in 4 stories matching “vaccine”" in out
    assert table(out) == [[name, str(count), share] for name, count, share in VACCINE_PEOPLE]


def test_top_json(run):
    document = as_json(run("top", "orgs", "", "--format", "json"))
    assert document["kind"] == "orgs" and document["total"] == 12 and document["distinct"] == 4
    assert document["query"] == ""
    # NATO 5/12, European Commission 4/12, WHO 3/12, the hostile name 1/12 (see the hand counts)
    assert values(document) == [
        ("NATO", 5, 0.416667), ("European Commission", 4, 0.333333), ("World Health Organization", 3, 0.25),
        (HOSTILE_STORED, 1, 0.083333),
    ]  # fmt: skip
    assert {v["kind"] for v in document["values"]} == {"orgs"}
    vaccine = as_json(run("top", "people", "vaccine", "-f", "json"))
    assert vaccine["query"] == "vaccine" and vaccine["total"] == 4
    assert [(n, c) for n, c, _ in values(vaccine)] == [(n, c) for n, c, _ in VACCINE_PEOPLE]


def test_top_csv(run):
    out = ok(run("top", "places", "", "--format", "csv"))
    assert out.splitlines()[0] == "query,kind,name,count,share"
    rows = list(csv.reader(io.StringIO(out)))[1:]
    # Bonn 6/12, London 4/12, Brussels 3/12, Washington 2/12, Moscow 1/12
    assert rows == [
        ["", "places", "Bonn", "6", "0.5"], ["", "places", "London", "4", "0.333333"],
        ["", "places", "Brussels", "3", "0.25"], ["", "places", "Washington", "2", "0.166667"],
        ["", "places", "Moscow", "1", "0.083333"],
    ]  # fmt: skip
    with_query = csv_rows(ok(run("top", "people", "vaccine", "-f", "csv")))
    assert {row["query"] for row in with_query} == {"vaccine"}
    assert [(row["name"], int(row["count"])) for row in with_query] == [(n, c) for n, c, _ in VACCINE_PEOPLE]


def test_top_limit(run):
    out = ok(run("top", "people", "", "--limit", "2"))
    assert table(out) == [["Helmut Kohl", "6", "50.0%"], ["Margaret Thatcher", "4", "33.3%"]]
    assert "2 of 5 people" in out
    document = as_json(run("top", "people", "", "-n", "1", "-f", "json"))
    assert values(document) == [("Helmut Kohl", 6, 0.5)] and document["distinct"] == 5


def test_top_since_until(run):
    # February: s06 s07 s08 s09. People: Helmut Kohl 2 (s06 s09); Jacques Delors (s07), Margaret Thatcher (s06) and
    # Ronald Reagan (s08) 1 each.
    document = as_json(run("top", "people", "", "--since", "2021-02", "--until", "2021-02", "-f", "json"))
    assert document["total"] == 4
    assert values(document) == [
        ("Helmut Kohl", 2, 0.5), ("Jacques Delors", 1, 0.25), ("Margaret Thatcher", 1, 0.25), ("Ronald Reagan", 1, 0.25)
    ]  # fmt: skip
    # From March on: s10 (BBC), s11 (AP), s12 (Reuters): one story each, ties listed by name.
    march = as_json(run("top", "sources", "", "--since", "2021-03", "-f", "json"))
    assert march["total"] == 3
    assert values(march) == [("AP", 1, 0.333333), ("BBC", 1, 0.333333), ("Reuters", 1, 0.333333)]
    refused(run("top", "people", "", "--since", "2021-03", "--until", "2021-01"), "after")


def test_top_person_narrows(run):
    # Helmut Kohl's stories: s02 s05 s06 s09 s11 s12. Their orgs: NATO 3 (s05 s06 s09), European Commission 2
    # (s02 s12), WHO 1 (s11).
    document = as_json(run("top", "orgs", "", "--person", "Helmut Kohl", "-f", "json"))
    assert document["total"] == 6
    assert [(n, c) for n, c, _ in values(document)] == [
        ("NATO", 3), ("European Commission", 2), ("World Health Organization", 1)
    ]  # fmt: skip


def test_top_two_people_need_both(run):
    # Margaret Thatcher and Helmut Kohl together: s02 and s06 only, both in London and Bonn.
    document = as_json(
        run("top", "places", "", "--person", "Margaret Thatcher", "--person", "Helmut Kohl", "-f", "json")
    )
    assert document["total"] == 2
    assert values(document) == [("Bonn", 2, 1.0), ("London", 2, 1.0)]
    nobody = ok(run("top", "people", "", "--person", "Helmut Kohl", "--person", "George Shultz"))
    assert nobody.startswith("No people in the 0 stories naming person")


@pytest.mark.parametrize(
    "args, words",
    [
        (("top", "widgets", ""), ("unknown kind 'widgets'",)),
        (("top", "people", "", "--format", "xml"), ("unknown format 'xml'",)),
        (("top", "people", "", "--limit", "0"), ("limit",)),
        (("top", "people", "", "--since", "nonsense"), ("nonsense",)),
    ],
)
def test_top_mistakes_are_one_line_with_exit_code_2(run, args, words):
    refused(run(*args), *words)


def test_surname_alone_counts_under_the_full_name(run):
    people = as_json(run("top", "people", "", "-f", "json"))
    names = [name for name, _, _ in values(people)]
    assert ("Margaret Thatcher", 4, 0.333333) in values(people)  # s01 s02 s06, and "Thatcher" in s04
    assert "Thatcher" not in names
    short = as_json(run("top", "places", "", "--person", "Thatcher", "-f", "json"))
    full = as_json(run("top", "places", "", "--person", "Margaret Thatcher", "-f", "json"))
    assert short["total"] == full["total"] == 4
    assert values(short) == values(full)
    assert values(full)[0] == ("London", 4, 1.0)  # every one of her four stories is in London


# --- timeline -------------------------------------------------------------------------------------------------

# "vaccine": January none of 5, February 3 of its 4 stories (s06 s07 s08), March 1 of 3 (s11). Every timeline runs
# over all the index's dated months (January to March), so that compared timelines line up.
VACCINE_MONTHS = [("2021-01", 0, 5, 0.0), ("2021-02", 3, 4, 0.75), ("2021-03", 1, 3, 0.333333)]
# "NATO": January 3 of 5 (s01 s03 s05), February 2 of 4 (s06 s09). "Commission" (the European Commission's stories,
# named in the org field or the body): January 2 of 5 (s02 s04), February 0 of 4, March 2 of 3 (s10 s12).
NATO_MONTHS = [("2021-01", 3, 5, 0.6), ("2021-02", 2, 4, 0.5), ("2021-03", 0, 3, 0.0)]
COMMISSION_MONTHS = [("2021-01", 2, 5, 0.4), ("2021-02", 0, 4, 0.0), ("2021-03", 2, 3, 0.666667)]


def periods(line: dict) -> list[tuple[str, int, int, float]]:
    return [(p["period"], p["count"], p["total"], p["share"]) for p in line["periods"]]


def cells(text: str) -> dict[str, list[tuple[int, str]]]:
    """A timeline table's rows: each period's (count, share) per query column; blank cells left out."""
    out = {}
    for row in table(text):
        out[row[0]] = [
            (int(m[1]), m[2]) for c in row[1:] for m in [re.search(r"(\d+) \(([\d.]+%)\)", c)] if m
        ]
    return out


def test_timeline_by_month_text(run):
    out = ok(run("timeline", "vaccine", "--by", "month"))
    assert headers(out)[0] == ["Month", "vaccine"]
    assert cells(out) == {"2021-01": [(0, "0.0%")], "2021-02": [(3, "75.0%")], "2021-03": [(1, "33.3%")]}
    assert "“vaccine”: 4 stories." in out
    # every story: 5, 4 and 3 stories, each all of its month
    every = ok(run("timeline", "", "--by", "month"))
    assert cells(every) == {
        "2021-01": [(5, "100.0%")],
        "2021-02": [(4, "100.0%")],
        "2021-03": [(3, "100.0%")],
    }


def test_timeline_json_and_csv(run):
    document = as_json(run("timeline", "vaccine", "--by", "month", "-f", "json"))
    assert document["query"] == "vaccine" and document["by"] == "month" and document["total"] == 4
    assert periods(document) == VACCINE_MONTHS
    assert document["periods"][1]["start"] == "2021-02-01" and document["periods"][1]["end"] == "2021-02-28"
    rows = csv_rows(ok(run("timeline", "vaccine", "--by", "month", "-f", "csv")))
    assert list(rows[0]) == ["query", "period", "start", "end", "count", "total", "share", "peak"]
    assert [(r["query"], r["period"], int(r["count"]), int(r["total"]), float(r["share"])) for r in rows] == [
        ("vaccine", *p) for p in VACCINE_MONTHS
    ]


def test_timeline_compare(run):
    args = ("timeline", "vaccine", "--by", "month", "--compare", "NATO", "Commission")
    out = ok(run(*args))
    assert headers(out)[0] == ["Month", "vaccine", "NATO", "Commission"]
    assert "“NATO”: 5 stories." in out and "“Commission”: 4 stories." in out
    document = as_json(run(*args, "-f", "json"))
    assert [line["query"] for line in document["timelines"]] == ["vaccine", "NATO", "Commission"]
    assert [periods(line) for line in document["timelines"]] == [
        VACCINE_MONTHS,
        NATO_MONTHS,
        COMMISSION_MONTHS,
    ]
    rows = csv_rows(ok(run(*args, "-f", "csv")))
    assert [(r["query"], r["period"], int(r["count"])) for r in rows] == [
        (query, p[0], p[1])
        for query, months in (
            ("vaccine", VACCINE_MONTHS),
            ("NATO", NATO_MONTHS),
            ("Commission", COMMISSION_MONTHS),
        )
        for p in months
    ]


@pytest.mark.parametrize(
    "args, words",
    [
        (("timeline", "vaccine", "NATO"), ("--compare",)),
        (("timeline", "vaccine", "--compare"), ("--compare",)),
        (("timeline", "vaccine", "--by", "fortnight"), ("fortnight",)),
        (("timeline", "vaccine", "--format", "xml"), ("xml",)),
        (("timeline", "officials", "--period", "2021-13"), ("2021-13",)),
        (("timeline", "officials", "--period", "nonsense"), ("nonsense",)),
        (("timeline", "officials", "--period", "2021-02", "--compare", "NATO"), ("--period",)),
    ],
)
def test_timeline_mistakes_are_one_line_with_exit_code_2(run, args, words):
    refused(run(*args), *words)


@pytest.mark.parametrize("suffix, magic", [(".png", b"\x89PNG"), (".svg", None)])
def test_timeline_plot(run, tmp_path, suffix, magic):
    pytest.importorskip("matplotlib")
    chart = tmp_path / f"out{suffix}"
    result = run("timeline", "vaccine", "--by", "month", "--compare", "NATO", "--plot", chart, "-f", "json")
    document = as_json(result)  # the chart goes to its file; stdout is still the JSON document alone
    assert len(document["timelines"]) == 2
    assert "Wrote the chart to" in result.stderr
    data = chart.read_bytes()
    if magic:
        assert data.startswith(magic)
    else:
        assert ET.fromstring(data).tag == "{http://www.w3.org/2000/svg}svg"


def test_timeline_plot_to_another_kind_of_file_is_refused(run, tmp_path):
    chart = tmp_path / "out.txt"
    refused(run("timeline", "vaccine", "--plot", chart), "out.txt", ".png")
    assert not chart.exists()


# "officials" matches every story. February (s06-s09) against the 8 other stories: "vaccine" is in 3 of February's
# (s06 s07 s08) and 1 other (s11). Names in at least 2 of February's stories and commoner there: World Health
# Organization 2 (s07 s08) against 1 (s11), NATO 2 (s06 s09) against 3 (s01 s03 s05). Kohl and Bonn (2 against 4)
# are as common in February as elsewhere, so not characteristic.
def test_timeline_period_text(run):
    out = ok(run("timeline", "officials", "--period", "2021-02"))
    assert out.startswith(
        "2021-02: 4 of 4 stories (100.0%) matching “officials”; set against 8 of other periods"
    )
    words, names = out.index("Words of 2021-02"), out.index("Names of 2021-02")
    top = out.index("Top stories of 2021-02")
    assert words < names < top
    assert table(out[words:names])[0][:3] == ["vaccine", "3", "1"]
    assert [row[:4] for row in table(out[names:top])] == [
        ["World Health Organization", "org", "2", "1"], ["NATO", "org", "2", "3"]
    ]  # fmt: skip
    for story in ("s06", "s07", "s08", "s09"):
        assert story in out[top:]


def test_timeline_period_json(run):
    document = as_json(run("timeline", "officials", "--period", "2021-02", "-f", "json"))
    assert {"words", "entities", "stories"} <= set(document)
    assert document["period"] == "2021-02" and document["count"] == 4 and document["background"] == 8
    assert (document["words"][0]["name"], document["words"][0]["count"], document["words"][0]["background"]) == (
        "vaccine", 3, 1,
    )  # fmt: skip
    assert [(e["name"], e["count"], e["background"]) for e in document["entities"]] == [
        ("World Health Organization", 2, 1), ("NATO", 2, 3)
    ]  # fmt: skip
    assert {story["id"] for story in document["stories"]} == {"s06", "s07", "s08", "s09"}


# --- keywords -------------------------------------------------------------------------------------------------


def test_keywords_a_word_only_in_the_matches_ranks_first(run):
    # "vaccine" is in all 4 matching stories and none of the 8 others; no other word is in all four.
    document = as_json(run("keywords", "vaccine", "-f", "json"))
    assert document["total"] == 4 and document["background"] == 8
    first = document["terms"][0]
    assert (first["name"], first["count"], first["background"]) == ("vaccine", 4, 0)
    assert all(term["count"] < 4 for term in document["terms"][1:])
    assert table(ok(run("keywords", "vaccine")))[0][:3] == ["vaccine", "4", "0"]
    rows = csv_rows(ok(run("keywords", "vaccine", "-f", "csv", "-n", "1")))
    assert [(r["query"], r["name"], r["count"]) for r in rows] == [("vaccine", "vaccine", "4")]


def test_keywords_with_a_filter_alone(run):
    # Helmut Kohl's 6 stories against the 6 others: "helmut" and "kohl" are in all six of his and in none of the rest.
    document = as_json(run("keywords", "", "--person", "Helmut Kohl", "-f", "json", "-n", "2"))
    assert document["total"] == 6 and document["background"] == 6
    terms = {(t["name"].casefold(), t["count"], t["background"]) for t in document["terms"]}
    assert terms == {("helmut", 6, 0), ("kohl", 6, 0)}


def test_keywords_of_everything_is_refused(run):
    refused(run("keywords", ""), "give a query or a filter")


def test_top_people_column_is_headed_person(run):
    """Each kind's name column is headed by a capitalised singular ("people" by "Person")."""
    assert headers(ok(run("top", "places", "")))[0][0] == "Place"
    assert headers(ok(run("top", "people", "")))[0][0] == "Person"


def test_csv_of_nothing_still_has_its_header(run):
    for args, header in [
        (("top", "people", "zzyzx"), "query,kind,name,count,share"),
        (("keywords", "zzyzx"), "query,kind,name,count,background,score"),
        (("cooccur", "zzyzx"), "query,a,a_kind,b,b_kind,count,npmi"),
    ]:
        assert ok(run(*args, "-f", "csv")).strip() == header
