"""The edge-list loader: CSV with a header, header-less SNAP / KONECT lists.

Real SNAP lists are checked against their SOURCE.md counts; hand-written files cover each rule;
hypothesis checks that random edge lists load exactly (counts per kind) and reload to no change.
"""

from __future__ import annotations

import csv
import gzip
import io
import random
import tempfile
from collections import Counter
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import workbench as wb
from conftest import shared_file
from workbench.errors import StrictModeError, UnknownFormatError
from workbench.ingest import edges_csv
from workbench.ingest.detect import Sample, detect_format
from workbench.ingest.sources import expand

UTC = timezone.utc


def detect(path) -> str:
    return detect_format(next(iter(expand(path))))


def kinds(store) -> dict[str, int]:
    return dict(store.sql("SELECT kind, count(*) FROM interactions GROUP BY 1").fetchall())


# -- real SNAP lists --------------------------------------------------------------------------------

def test_collegemsg_matches_snap(store, shared_data):
    path = shared_file(shared_data, "snap_collegemsg", "CollegeMsg.txt")
    with pytest.raises(UnknownFormatError):
        detect(path)  # header-less: only with an explicit format
    report = wb.load(store, path, format="edges-csv")
    assert (report.records_read, report.records_loaded, report.records_rejected) == (59835, 59835, 0)
    assert store.counts()["interactions"] == 59835
    assert store.counts()["accounts"] == 1899
    assert store.counts()["posts"] == 0
    pairs, loops, first, last = store.sql(
        "SELECT count(DISTINCT (source_id, target_id)), count(*) FILTER (WHERE source_id = target_id), "
        "min(created_at), max(created_at) FROM interactions").fetchone()
    assert (pairs, loops) == (20296, 0)
    assert first == datetime(2004, 4, 15, 14, 56, 1, tzinfo=UTC)
    assert last == datetime(2004, 10, 26, 7, 52, 22, tzinfo=UTC)
    assert kinds(store) == {"mention": 59835}
    assert store.scalar("SELECT handle FROM accounts WHERE account_id = 'csv:1'") == "1"
    again = wb.load(store, path, format="edges-csv")
    assert again.files[0].already_loaded_as == report.files[0].load_id
    assert store.counts()["interactions"] == 59835


def test_higgs_activity_matches_snap(store, shared_data):
    path = shared_file(shared_data, "snap_higgs_twitter", "higgs-activity_time.txt.gz")
    report = wb.load(store, path, format="edges-csv", platform="higgs")
    assert (report.records_read, report.records_rejected) == (563069, 0)
    assert kinds(store) == {"share": 354930, "mention": 171237, "reply": 36902}
    assert store.counts()["accounts"] == 304691
    first, last, platforms = store.sql(
        "SELECT min(created_at), max(created_at), list(DISTINCT platform) FROM interactions").fetchone()
    assert (first, last) == (datetime(2012, 7, 1, 0, 2, 52, tzinfo=UTC), datetime(2012, 7, 7, 23, 59, 53, tzinfo=UTC))
    assert platforms == ["higgs"]
    # the first lines: "223789 213163 1341100972 MT" and "... RE" (userA acts on userB), one event, two kinds
    rows = store.sql("SELECT source_id, target_id, kind, post_id FROM interactions "
                     "WHERE source_id = 'higgs:223789' AND target_id = 'higgs:213163' "
                     "AND created_at = to_timestamp(1341100972) ORDER BY kind").fetchall()
    assert [r[2] for r in rows] == ["mention", "reply"]
    assert rows[0][3] == rows[1][3]


def test_higgs_weighted_reply_network_with_a_header(store, shared_data, tmp_path):
    """The weighted list `userA userB weight` loads as weight-many interactions: the weight sum."""
    source = shared_file(shared_data, "snap_higgs_twitter", "higgs-reply_network.edgelist.gz")
    path = tmp_path / "reply.edgelist.gz"
    path.write_bytes(gzip.compress(b"source target weight\n" + gzip.decompress(source.read_bytes())))
    assert detect(path) == "edges-csv"
    report = wb.load(store, path)
    assert (report.records_read, report.records_rejected) == (32523, 0)
    assert store.counts()["interactions"] == 36902  # = RE count of the activity file
    assert store.scalar("SELECT count(DISTINCT (source_id, target_id)) FROM interactions") == 32523


@pytest.mark.parametrize("parts, edges, nodes, self_loops", [
    (("zachary_karate_club", "konect_ucidata-zachary", "out.ucidata-zachary"), 78, 34, 0),   # KONECT, % comments
    (("zachary_karate_club", "vlivashkin", "karate.edges"), 78, 34, 0),                      # tab-separated
    (("lusseau_dolphins", "dolphins.edges"), 159, 62, 0),
    (("snap_email_eu_core_departments", "email-Eu-core.txt"), 25571, 1005, 642),              # CRLF, no final newline
])
def test_other_real_edge_lists(store, shared_data, parts, edges, nodes, self_loops):
    report = wb.load(store, shared_file(shared_data, *parts), format="edges-csv")
    assert (report.records_read, report.records_rejected) == (edges, 0)
    assert store.counts()["interactions"] == edges
    assert store.counts()["accounts"] == nodes
    assert store.scalar("SELECT count(*) FROM interactions WHERE source_id = target_id") == self_loops
    assert store.scalar("SELECT count(*) FROM accounts WHERE handle <> trim(handle)") == 0  # no stray CR


def test_sniff_claims_none_of_the_other_shared_files(shared_data):
    """Every real export of the test data: no file there has a source/target header."""
    from workbench.ingest.detect import read_sample

    files = [p for p in sorted(shared_data.rglob("*")) if p.is_file() and p.name != "SOURCE.md"]
    assert files
    claimed = [source.name for path in files for source in expand(path) if edges_csv.sniff(read_sample(source))]
    assert claimed == []


# -- hand-written files -----------------------------------------------------------------------------

def write(tmp_path, name, text):
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def test_full_header_with_quoting_kinds_timestamps_and_post_ids(store, tmp_path):
    text = (
        "Source,Target,Kind,Timestamp,Weight,Post_ID,Label\n"
        'alice,bob,reply,2024-01-01T10:00:00Z,1,p1,x\n'
        '"Smith, J.","say ""hi""",RT,1704103200,,p2,y\n'
        "bob,alice,,2024-01-01 12:00:00+02:00,,,z\n"
        "carol,alice,MT,,3,,\n"
        "carol,bob,quote,,1,p3,\n"
    )
    path = write(tmp_path, "edges.csv", text)
    assert detect(path) == "edges-csv"
    report = wb.load(store, path)
    assert (report.records_read, report.records_loaded, report.records_rejected) == (5, 5, 0)
    rows = store.sql("SELECT source_id, target_id, kind, created_at, post_id FROM interactions "
                     "ORDER BY source_id, target_id, kind, post_id").fetchall()
    carol_alice = [r for r in rows if r[:2] == ("csv:carol", "csv:alice")]
    assert len(carol_alice) == 3 and {r[2] for r in carol_alice} == {"mention"}
    assert len({r[4] for r in carol_alice}) == 3  # weight 3: three interactions, three ids
    others = [r for r in rows if r[:2] != ("csv:carol", "csv:alice")]
    assert others[0] == ('csv:Smith, J.', 'csv:say "hi"', "share", datetime(2024, 1, 1, 10, tzinfo=UTC), "csv:p2")
    assert others[1] == ("csv:alice", "csv:bob", "reply", datetime(2024, 1, 1, 10, tzinfo=UTC), "csv:p1")
    assert others[2][:4] == ("csv:bob", "csv:alice", "mention", datetime(2024, 1, 1, 10, tzinfo=UTC))
    assert others[2][4].startswith("csv:edge:")
    assert others[3] == ("csv:carol", "csv:bob", "quote", None, "csv:p3")
    handles = {r[0] for r in store.sql("SELECT handle FROM accounts").fetchall()}
    assert handles == {"alice", "bob", "carol", "Smith, J.", 'say "hi"'}
    assert store.counts()["posts"] == 0


def test_netlytic_author_to_pubdate(store, tmp_path):
    # Netlytic's documented pubdate is year-month-day with a two-digit year ("15-07-07")
    text = ("author,to,pubdate,description\n"
            "ann,ben,15-07-07,hello\n"
            "ben,ann,2013-05-03 09:00:00,\"hi, ann\"\n"
            "cat,ann,\"Sun, 1 Apr 2007 14:10:17 -0400\",mail\n")
    path = write(tmp_path, "netlytic.csv", text)
    assert detect(path) == "edges-csv"
    wb.load(store, path, platform="forum")
    assert store.sql("SELECT source_id, target_id, kind, created_at FROM interactions ORDER BY created_at").fetchall() == [
        ("forum:cat", "forum:ann", "mention", datetime(2007, 4, 1, 18, 10, 17, tzinfo=UTC)),
        ("forum:ben", "forum:ann", "mention", datetime(2013, 5, 3, 9, tzinfo=UTC)),
        ("forum:ann", "forum:ben", "mention", datetime(2015, 7, 7, tzinfo=UTC)),
    ]


@pytest.mark.parametrize("delimiter", [",", "\t", ";", " "])
def test_delimiters(store, tmp_path, delimiter):
    lines = ["source target kind", "a b reply", "b c share"]
    path = write(tmp_path, "e.txt", "\n".join(line.replace(" ", delimiter) for line in lines) + "\n")
    assert detect(path) == "edges-csv"
    wb.load(store, path)
    assert store.sql("SELECT source_id, target_id, kind FROM interactions ORDER BY 1").fetchall() == [
        ("csv:a", "csv:b", "reply"), ("csv:b", "csv:c", "share")]


def test_headerless_snap_and_konect_lists(store, tmp_path):
    text = ("% sym unweighted\n# a SNAP comment\n"
            "1 2\n"                    # line 3: src dst
            "2\t3 1082040961\n"        # line 4: src dst ts
            "3 1 1082040962 RE\n"      # line 5: src dst ts kind
            "\n"
            "4 1 2 1082040963\n"      # line 7: KONECT src dst weight ts
            "5 1 RT\n")               # line 8: src dst kind
    report = wb.load(store, write(tmp_path, "out.konect", text), format="edges-csv")
    assert (report.records_read, report.records_loaded) == (5, 5)
    rows = store.sql("SELECT source_id, target_id, kind, epoch(created_at)::BIGINT FROM interactions "
                     "ORDER BY source_id, created_at").fetchall()
    assert rows == [("csv:1", "csv:2", "mention", None), ("csv:2", "csv:3", "mention", 1082040961),
                    ("csv:3", "csv:1", "reply", 1082040962),
                    ("csv:4", "csv:1", "mention", 1082040963), ("csv:4", "csv:1", "mention", 1082040963),
                    ("csv:5", "csv:1", "share", None)]


BAD = (
    "source,target,timestamp,kind,weight\n"   # 1
    "a,b,2024-01-01,reply,1\n"                # 2 good
    "a,b,2024-01-01\n"                        # 3 ragged
    "\n"                                      # 4 blank
    "a,b,yesterday,reply,1\n"                 # 5 bad timestamp
    ",b,,reply,1\n"                           # 6 empty source
    "a, ,,reply,1\n"                          # 7 empty target
    "a,b,,poke,1\n"                           # 8 unknown kind
    "a,b,,reply,2.5\n"                        # 9 fractional weight
    "a,b,,reply,0\n"                          # 10 zero weight
    "a,b,,reply,999999999\n"                  # 11 above the cap
    'a,"b,,reply,1\n'                         # 12 unterminated quote
    "b,a,1704067200,share,2\n"                # 13 good
)


def test_bad_rows_become_rejects_with_line_numbers(store, tmp_path):
    report = wb.load(store, write(tmp_path, "bad.csv", BAD))
    rejects = store.sql("SELECT line_no, reason FROM rejects ORDER BY line_no").fetchall()
    assert rejects == [
        (3, "expected 5 fields as in the header, got 3"),
        (5, "unparsable timestamp 'yesterday' (expected ISO 8601 or a Unix epoch in seconds, milliseconds, "
            "microseconds or nanoseconds)"),
        (6, "empty source"),
        (7, "empty target"),
        (8, "unknown kind 'poke' (expected comment, follow, like, mention, quote, reaction, reply, share "
            "or RT, RETWEET, REBLOG, REPOST, MT, RE, QT)"),
        (9, "weight must be a positive whole number, got '2.5'"),
        (10, "weight must be a positive whole number, got '0'"),
        (11, f"weight 999999999 is above the limit of {edges_csv.WEIGHT_CAP} interactions per row"),
        (12, "malformed CSV: a quote inside an unquoted field or a quoted field not closed on this line"),
    ]
    assert store.scalar("SELECT raw FROM rejects WHERE line_no = 6") == ",b,,reply,1"
    assert (report.records_read, report.records_loaded, report.records_rejected) == (11, 2, 9)
    assert kinds(store) == {"reply": 1, "share": 2}


def test_headerless_ragged_row(store, tmp_path):
    wb.load(store, write(tmp_path, "x.txt", "1 2\n1 2 3 4 5\n7\n"), format="edges-csv")
    assert store.sql("SELECT line_no, reason FROM rejects ORDER BY 1").fetchall() == [
        (2, "expected 2 to 4 fields (src dst [timestamp] [kind]), got 5"),
        (3, "expected 2 to 4 fields (src dst [timestamp] [kind]), got 1")]


def test_out_of_range_epochs_are_rejects_not_errors(store, tmp_path):
    # 1e20 and more is no epoch in any unit; -99999999999999 ms is before the year 1
    text = ("source,target,timestamp\na,b,100000000000000000000\na,b,-99999999999999\na,b,{}\na,b,0\n"
            "a,b,99999999999999\n").format("9" * 400)
    wb.load(store, write(tmp_path, "x.csv", text))
    assert [r[0] for r in store.sql("SELECT line_no FROM rejects ORDER BY 1").fetchall()] == [2, 3, 4]
    early, late = sorted(r[0] for r in store.sql("SELECT created_at FROM interactions").fetchall())
    assert early == datetime(1970, 1, 1, tzinfo=UTC)
    # 14 digits: milliseconds (year 5138); a double holds such an instant to about 15 microseconds
    assert abs(late - (early + timedelta(milliseconds=99999999999999))) < timedelta(microseconds=20)


# -- epoch units by magnitude ---------------------------------------------------------------------

@pytest.mark.parametrize("unit, factor", [("milliseconds", 10**3), ("microseconds", 10**6),
                                          ("nanoseconds", 10**9)])
def test_collegemsg_in_finer_epoch_units_gives_the_same_times(shared_data, tmp_path, unit, factor):
    """CollegeMsg rewritten with its epoch seconds times 1e3/1e6/1e9 loads to the same instants."""
    path = shared_file(shared_data, "snap_collegemsg", "CollegeMsg.txt")
    rows = [line.split() for line in path.read_text().splitlines() if line.strip()]
    expected = Counter((f"csv:{a}", f"csv:{b}", datetime.fromtimestamp(int(t), UTC)) for a, b, t in rows)
    finer = tmp_path / f"college_{unit}.txt"
    finer.write_text("".join(f"{a} {b} {int(t) * factor}\n" for a, b, t in rows))
    with wb.open(":memory:") as store:
        report = wb.load(store, finer, format="edges-csv")
        assert (report.records_read, report.records_rejected) == (59835, 0)
        loaded = Counter(store.sql("SELECT source_id, target_id, created_at FROM interactions").fetchall())
    assert loaded == expected


def test_epoch_units_value_by_value_with_fractions(store, tmp_path):
    instant = datetime(2023, 11, 14, 22, 13, 20, 123456, tzinfo=UTC)  # 1700000000.123456
    text = ("source,target,timestamp\n"
            "a,b,1700000000.123456\n"       # seconds with a fraction
            "a,c,1700000000123.456\n"       # milliseconds
            "a,d,1700000000123456\n"        # microseconds
            "a,e,1700000000123456000\n"     # nanoseconds
            "a,f,-1700000000123\n"          # milliseconds before 1970
            "a,g,86400\n")                  # a small number is seconds
    report = wb.load(store, write(tmp_path, "units.csv", text))
    assert report.records_rejected == 0
    got = dict(store.sql("SELECT target_id, created_at FROM interactions").fetchall())
    assert got == {"csv:b": instant, "csv:c": instant, "csv:d": instant, "csv:e": instant,
                   "csv:f": datetime(1970, 1, 1, tzinfo=UTC) - timedelta(seconds=1700000000, milliseconds=123),
                   "csv:g": datetime(1970, 1, 2, tzinfo=UTC)}


# -- rows without a kind: the default and --kind ------------------------------------------------------

def digg_like(tmp_path) -> tuple[Path, list[tuple[str, str, int]]]:
    """A KONECT-style reply network (``% asym positive``, ``src dst weight timestamp``), 3 threads."""
    rng = random.Random(7)
    rows = [(str(rng.randrange(1, 40)), str(rng.randrange(1, 40)), 1_241_000_000 + 37 * i) for i in range(300)]
    path = tmp_path / "out.digg_reply_like"
    path.write_text("% asym positive\n% 300 39 39\n" + "".join(f"{a} {b} 1 {t}\n" for a, b, t in rows))
    return path, rows


def test_kind_for_rows_without_one(store, tmp_path):
    path, rows = digg_like(tmp_path)
    report = wb.load(store, path, format="edges-csv", kind="reply")
    assert kinds(store) == {"reply": len(rows)}
    file = report.files[0]
    assert (file.assumed_kind, file.assumed_kind_rows, file.assumed_kind_default) == ("reply", 300, False)
    assert "300 rows name no kind and were loaded as 'reply' (--kind)" in report.summary()
    assert Counter(store.sql("SELECT source_id, target_id, epoch(created_at)::BIGINT FROM interactions").fetchall()) \
        == Counter((f"csv:{a}", f"csv:{b}", t) for a, b, t in rows)


def test_default_kind_is_mention_and_the_summary_says_so(store, tmp_path):
    text = "source,target,kind\na,b,share\na,c,\nb,c,\n"
    report = wb.load(store, write(tmp_path, "k.csv", text))
    assert kinds(store) == {"share": 1, "mention": 2}
    assert "2 rows name no kind and were loaded as 'mention' (the default; choose with --kind" in report.summary()
    # rows that name their kind keep it; --kind fills only the empty ones
    with wb.open(":memory:") as other:
        wb.load(other, write(tmp_path, "k.csv", text), kind="quote")
        assert kinds(other) == {"share": 1, "quote": 2}
    # every row named a kind: nothing was assumed and the summary is silent about it
    full = wb.load(store, write(tmp_path, "full.csv", "source,target,kind\nx,y,reply\n"))
    assert full.files[0].assumed_kind is None and "name no kind" not in full.summary()


def test_kind_is_checked_and_only_for_edge_lists(store, tmp_path):
    from workbench import datasets
    from workbench.errors import ExportFormatError, ParameterError

    with pytest.raises(ParameterError, match="unknown interaction kind"):
        wb.load(store, write(tmp_path, "k.csv", "source,target\na,b\n"), kind="retweet")
    with pytest.raises(ParameterError, match="one interaction kind"):
        wb.load(store, write(tmp_path, "k.csv", "source,target\na,b\n"), kind="reply,share")
    tiny = datasets.write_tiny(tmp_path / "tiny.jsonl")
    with pytest.raises(ExportFormatError, match="tiny.jsonl: kind='reply' .* is for edge lists"):
        wb.load(store, tiny, kind="reply")
    assert store.counts()["interactions"] == 0


def test_cli_digg_like_list_with_kind_reply_end_to_end(tmp_path, capsys):
    """load --kind reply -> communities -> roles -> export: the replies drive the graph and the scores."""
    from workbench.cli import main

    path, rows = digg_like(tmp_path)
    db = str(tmp_path / "digg.duckdb")
    assert main(["load", str(path), "--db", db, "--format", "edges-csv", "--kind", "reply", "--quiet"]) == 0
    assert main(["load", str(path), "--db", str(tmp_path / "d2.duckdb"), "--format", "edges-csv"]) == 0
    assert "300 rows name no kind and were loaded as 'mention' (the default" in capsys.readouterr().out
    assert main(["communities", "--db", db]) == 0
    assert main(["roles", "--db", db]) == 0
    out = tmp_path / "digg.graphml"
    assert main(["export", "--db", db, "--to", str(out)]) == 0
    import networkx as nx
    graph = nx.read_graphml(out)
    expected_pairs = {(f"csv:{a}", f"csv:{b}") for a, b, _ in rows if a != b}
    assert graph.number_of_edges() == len(expected_pairs)
    with wb.open(db, read_only=True) as store:
        assert kinds(store) == {"reply": 300}
        replied_to = store.sql("SELECT count(*) FROM account_scores WHERE visibility > 0").fetchone()[0]
        assert replied_to > 0
    assert main(["load", str(path), "--db", db, "--kind", "poke"]) == 2


def test_post_id_with_weight_is_rejected(store, tmp_path):
    wb.load(store, write(tmp_path, "x.csv", "source,target,weight,post_id\na,b,1,p1\na,b,2,p2\n"))
    assert store.sql("SELECT line_no, reason FROM rejects").fetchall() == [
        (3, "weight must be 1 when the row names its post_id (one post is one interaction)")]


def test_strict_mode_loads_nothing(store, tmp_path):
    with pytest.raises(StrictModeError, match=r"bad\.csv line 3: expected 5 fields"):
        wb.load(store, write(tmp_path, "bad.csv", BAD), strict=True)
    counts = store.counts()
    assert counts["interactions"] == counts["accounts"] == counts["rejects"] == 0


def test_header_only_file_is_empty(store, tmp_path):
    from workbench.errors import EmptyExportError
    with pytest.raises(EmptyExportError):
        wb.load(store, write(tmp_path, "x.csv", "source,target\n"))


def test_weighted_list_and_repeated_lines_load_alike(store, tmp_path):
    """Content-derived post ids: the same edge multiset dedupes across files, whatever its shape."""
    weighted = write(tmp_path, "w.csv", "source,target,timestamp,weight\na,b,100,3\nb,a,,2\n")
    repeated = write(tmp_path, "r.txt", "b a\n% comment\na b 100\nb a\na b 1970-01-01T00:01:40Z\na b 100\n")
    wb.load(store, weighted)
    assert store.counts()["interactions"] == 5
    report = wb.load(store, repeated, format="edges-csv")
    assert report.new_interactions == 0 and report.records_loaded == 5
    assert store.counts()["interactions"] == 5
    more = write(tmp_path, "m.csv", "source,target,timestamp,weight\na,b,100,4\n")
    assert wb.load(store, more).new_interactions == 1



def test_post_ids_are_md5_of_content_with_occurrences(store, tmp_path):
    """The synthetic post id of each interaction, computed by hand: md5 of source, target and the
    instant in epoch microseconds, then the occurrence among identical interactions (same source,
    target, instant and kind): a single row is occurrence 1, two equal lines and a weight 2 are 1 and 2,
    and two kinds of one instant share the id."""
    import hashlib

    def edge_id(source, target, micros, occurrence):
        digest = hashlib.md5(f"{source}\x1f{target}\x1f{micros}".encode()).hexdigest()
        return f"csv:edge:{digest}:{occurrence}"

    text = ("source,target,kind,timestamp,weight\n"
            "a,b,reply,100,1\n"      # single
            "a,c,reply,100,1\n"      # two equal lines
            "a,c,reply,100,1\n"
            "c,a,share,,2\n"         # weight 2, no time
            "b,a,reply,200,1\n"      # two kinds of one instant
            "b,a,mention,200,1\n")
    wb.load(store, write(tmp_path, "ids.csv", text))
    got = sorted(store.sql("SELECT source_id, target_id, kind, post_id FROM interactions").fetchall())
    assert got == sorted([
        ("csv:a", "csv:b", "reply", edge_id("a", "b", 100_000_000, 1)),
        ("csv:a", "csv:c", "reply", edge_id("a", "c", 100_000_000, 1)),
        ("csv:a", "csv:c", "reply", edge_id("a", "c", 100_000_000, 2)),
        ("csv:c", "csv:a", "share", edge_id("c", "a", "", 1)),
        ("csv:c", "csv:a", "share", edge_id("c", "a", "", 2)),
        ("csv:b", "csv:a", "reply", edge_id("b", "a", 200_000_000, 1)),
        ("csv:b", "csv:a", "mention", edge_id("b", "a", 200_000_000, 1)),
    ])

# -- properties -------------------------------------------------------------------------------------

# quoted fields keep their spaces and unquoted ones are trimmed: handles without outer spaces read back as written
handles = st.text(alphabet="ab,\" é1;\t", min_size=1, max_size=4).filter(lambda s: s.strip() == s)
kind_values = st.sampled_from(sorted(edges_csv.KIND_ALIASES) + ["", "RT", "Mt", "re"])
instants = st.one_of(st.none(), st.integers(0, 4_000_000_000))
rows = st.lists(st.tuples(handles, handles, kind_values, instants, st.integers(1, 3), st.booleans()),
                min_size=1, max_size=25)


def edge_csv_text(edges, *, delimiter=",", order=None) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=delimiter, lineterminator="\n")
    writer.writerow(["source", "target", "kind", "timestamp", "weight"])
    for index in order if order is not None else range(len(edges)):
        source, target, kind, instant, weight, iso = edges[index]
        if instant is None:
            stamp = ""
        elif iso:
            stamp = (datetime(1970, 1, 1, tzinfo=UTC) + timedelta(seconds=instant)).isoformat()
        else:
            stamp = str(instant)
        writer.writerow([source, target, kind, stamp, weight])
    return buffer.getvalue()


def expected_kinds(edges) -> Counter:
    counts: Counter = Counter()
    for _, _, kind, _, weight, _ in edges:
        counts[edges_csv.KIND_ALIASES.get(kind.lower(), "mention") if kind else "mention"] += weight
    return counts


@pytest.mark.slow  # a few seconds: left out of make test-fast, run by make test
@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(edges=rows, delimiter=st.sampled_from([",", ";", "\t"]), seed=st.integers(0, 1000))
def test_random_edge_lists_load_exactly_and_reload_to_no_change(edges, delimiter, seed):
    with tempfile.TemporaryDirectory() as folder, wb.open(":memory:") as store:
        path = Path(folder) / "edges.csv"
        path.write_text(edge_csv_text(edges, delimiter=delimiter), encoding="utf-8")
        assert detect(path) == "edges-csv"
        report = wb.load(store, path)
        assert report.records_rejected == 0
        assert store.counts()["interactions"] == sum(e[4] for e in edges)
        assert Counter(kinds(store)) == expected_kinds(edges)
        handles_in = {e[0] for e in edges} | {e[1] for e in edges}
        assert {r[0] for r in store.sql("SELECT handle FROM accounts").fetchall()} == handles_in
        before = store.counts()
        wb.load(store, path)
        # the same edges in another order, as another file: still nothing new
        order = list(range(len(edges)))
        random.Random(seed).shuffle(order)
        shuffled = Path(folder) / "shuffled.csv"
        shuffled.write_text(edge_csv_text(edges, delimiter=delimiter, order=order), encoding="utf-8")
        assert wb.load(store, shuffled).new_interactions == 0
        after = store.counts()
        assert {k: v for k, v in after.items() if k != "loads"} == {k: v for k, v in before.items() if k != "loads"}


names_pool = st.sampled_from(["source", "target", "src", "dst", "from", "to", "author", "kind", "timestamp",
                              "weight", "post_id", "label", "id", "text", "user"])


@settings(max_examples=30, deadline=None)
@given(names=st.lists(names_pool, min_size=1, max_size=6, unique=True),
       delimiter=st.sampled_from([",", ";", "\t", " "]), upper=st.booleans(), quoted=st.booleans())
def test_detection_claims_exactly_headers_with_a_source_and_a_target(names, delimiter, upper, quoted):
    shown = [n.upper() if upper else n for n in names]
    shown = [f'"{n}"' if quoted else n for n in shown]
    text = delimiter.join(shown) + "\n" + delimiter.join("1" for _ in names) + "\n"
    has_source = bool(set(names) & set(edges_csv.COLUMN_NAMES["source"]))
    has_target = bool(set(names) & set(edges_csv.COLUMN_NAMES["target"]))
    assert edges_csv.sniff(Sample("edges.csv", text, None)) == (has_source and has_target)


@pytest.mark.parametrize("text", [
    '{"source": "a", "target": "b"}\n',
    "id,text,author_id,in_reply_to_user_id,source\n1,hi,2,3,web\n",
    "1 2 1082040961\n",
    "",
])
def test_sniff_does_not_claim_other_files(text):
    import json
    try:
        first = json.loads(text.splitlines()[0]) if text else None
    except ValueError:
        first = None
    assert not edges_csv.sniff(Sample("x", text, first))
