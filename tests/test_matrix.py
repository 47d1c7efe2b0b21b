"""Every real export through the whole command-line path: load -> communities -> roles -> export -> report.

One row per export of the real test data. Each step runs ``workbench`` (in this process, as ``main(argv)``,
exit code checked); the report is pseudonymised and must write five pages with content. Values are
checked against counts made here from the raw files, without the workbench: the accounts of the graph,
and the advocates of a focal account. Where chromium is installed, the report's index (key findings) and
network views are opened with the network blocked. Marked slow; it belongs in ``make test`` (a report computes its
graph, communities and scores once, which is what makes this affordable).
"""

from __future__ import annotations

import gzip
import json
import re
import subprocess
import sys
import time
import zipfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable

import pytest

import workbench as wb
from workbench import reports
from workbench.cli import main
from browser_checks import CHROMIUM

pytestmark = [pytest.mark.slow, pytest.mark.notebooks]

TIMES: dict[str, float] = {}


# -- independent counts, from the raw files ------------------------------------------------------------
def pair_nodes(pairs) -> set[str]:
    """Accounts of a graph of (source, target) pairs: self-interactions are dropped, as graphs do."""
    nodes: set[str] = set()
    for source, target in pairs:
        if source != target:
            nodes.update((source, target))
    return nodes


def whitespace_pairs(path: Path, opener=open):
    with opener(path, "rt", encoding="utf-8") as handle:
        for line in handle:
            if line.strip() and not line.startswith(("%", "#")):
                parts = line.split()
                yield parts[0], parts[1]


def slack_pairs(archive: Path):
    """Slack mentions: the author of a message -> each ``<@U...>`` in its text."""
    with zipfile.ZipFile(archive) as zipped:
        for name in zipped.namelist():
            if re.search(r"/\d{4}-\d{2}-\d{2}\.json$", name):
                for message in json.loads(zipped.read(name)):
                    for mentioned in re.findall(r"<@(U\w+)", message.get("text") or ""):
                        if message.get("user"):
                            yield message["user"], mentioned


def gml_nodes(path: Path) -> set[str]:
    """Nodes of a GML file that take part in an edge."""
    text = path.read_text(encoding="utf-8")
    return {n for pair in re.findall(r"source\s+(\d+)\s+target\s+(\d+)", text) for n in pair}


def twarc_csv(source: Path, target: Path) -> Path:
    """``source`` (twarc2 JSONL) converted to CSV by twarc-csv itself, in a child process.

    twarc-csv 0.7.2 calls ``DataFrame.applymap``, which pandas 3 renamed ``map``: the child
    gives it the old name, so the converter's own code writes the file.
    """
    pytest.importorskip("twarc_csv")
    code = ("import sys, pandas as pd\npd.DataFrame.applymap = pd.DataFrame.map\n"
            "from twarc_csv import CSVConverter\n"
            "with open(sys.argv[1], encoding='utf-8') as i, open(sys.argv[2], 'w', encoding='utf-8') as o:\n"
            "    CSVConverter(i, o, hide_progress=True).process()\n")
    subprocess.run([sys.executable, "-c", code, str(source), str(target)], check=True, capture_output=True)
    return target


def vcr_folder(folder: Path, out: Path, pattern: str) -> Path:
    from vcr_bodies import extract_folder

    extract_folder(folder, out, pattern)
    return out


# -- the matrix -------------------------------------------------------------------------------------
@dataclass
class Export:
    name: str
    paths: Callable[[Path, Path], list[Path]]  # (shared data, scratch) -> paths to load
    load_args: list[str] = field(default_factory=list)
    graph_accounts: Callable[[Path], int] | None = None  # independent count of the graph's accounts
    has_graph: bool = True
    focal_advocates: bool = False  # flag the most-addressed account and expect advocates
    needs_format: str | None = None


NOT_TWEETS = ("counts.jsonl", "users.jsonl", "lists.jsonl", "tweets_compliance.jsonl", "users_compliance.jsonl",
              "empty.json")  # twarc2 output of other endpoints: refused, as they hold no tweet


def twarc2_files(folder: Path) -> list[Path]:
    return sorted(p for p in folder.iterdir() if p.suffix in (".jsonl", ".json") and p.name not in NOT_TWEETS)


EXPORTS = [
    Export("twarc2", lambda d, t: twarc2_files(d / "twitter_v2_twarc_csv_testdata"), focal_advocates=True),
    Export("twarc-csv", lambda d, t: [twarc_csv(d / "twitter_v2_twarc_csv_testdata" / "2sets.jsonl", t / "2sets.csv")]),
    Export("twitter-v1.1-stream", lambda d, t: [d / "twitter_v11_ctit_dutch_stream" / "tweets.json.gz"],
           focal_advocates=True),
    Export("twitter-v1.1-search", lambda d, t: [d / "twitter_v11_simdjson_search_response" / "twitter.json"]),
    Export("reddit-comments", lambda d, t: [d / "reddit_pushshift_comments_2005_2006"], focal_advocates=False),
    Export("reddit-submissions", lambda d, t: [d / "reddit_pushshift_submissions_askwomen_2019_10" / "RS_2019-10.zst"],
           has_graph=False),
    Export("mastodon", lambda d, t: [vcr_folder(d / "mastodon_rtoot_vcr_fixtures", t / "bodies", "*.yml")],
           focal_advocates=True),
    Export("bluesky", lambda d, t: [vcr_folder(d / "bluesky_bskyr_vcr_fixtures", t / "bodies", "*.yml")]),
    Export("slack", lambda d, t: [d / "slack_export_viewer_testarchive" / "testarchive.zip"],
           graph_accounts=lambda d: len(pair_nodes(slack_pairs(d / "slack_export_viewer_testarchive" / "testarchive.zip")))),
    Export("snap-higgs", lambda d, t: [d / "snap_higgs_twitter" / "higgs-activity_time.txt.gz"], ["--format", "edges-csv"],
           graph_accounts=lambda d: len(pair_nodes(whitespace_pairs(d / "snap_higgs_twitter" / "higgs-activity_time.txt.gz",
                                                                    gzip.open)))),
    Export("snap-collegemsg", lambda d, t: [d / "snap_collegemsg" / "CollegeMsg.txt"], ["--format", "edges-csv"],
           graph_accounts=lambda d: len(pair_nodes(whitespace_pairs(d / "snap_collegemsg" / "CollegeMsg.txt"))),
           focal_advocates=True),
    Export("konect-reply", lambda d, t: [d / "zachary_karate_club" / "konect_ucidata-zachary" / "out.ucidata-zachary"],
           ["--format", "edges-csv", "--kind", "reply"],
           graph_accounts=lambda d: len(pair_nodes(whitespace_pairs(
               d / "zachary_karate_club" / "konect_ucidata-zachary" / "out.ucidata-zachary")))),
    Export("gml-polbooks", lambda d, t: [d / "newman_polbooks" / "polbooks.gml"],
           graph_accounts=lambda d: len(gml_nodes(d / "newman_polbooks" / "polbooks.gml")), needs_format="gml"),
]


def run(argv: list[str], capsys) -> tuple[int, str, str]:
    code = main(argv)
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def advocates_rows(page: str) -> int:
    """Rows of the table in the page's Advocates section (0 when it shows none)."""
    section = page.split('id="Advocates"', 1)[1].split("<h2", 1)[0]
    table = re.search(r"<tbody>(.*?)</tbody>", section, flags=re.DOTALL)
    return table.group(1).count("<tr>") if table else 0


@pytest.mark.parametrize("export", EXPORTS, ids=[e.name for e in EXPORTS])
def test_real_export_end_to_end(export, shared_data, tmp_path, capsys, pseudonym_key):
    if export.needs_format:
        from workbench.ingest.formats import get_format

        try:
            get_format(export.needs_format)
        except Exception:  # noqa: BLE001 - any refusal means the format is not there yet
            pytest.skip(f"the {export.needs_format!r} import has not landed yet (formats, issue 14 items 4-5)")
    started = time.perf_counter()
    db = str(tmp_path / "w.duckdb")
    paths = [str(p) for p in export.paths(shared_data, tmp_path)]

    code, out, err = run(["load", *paths, "--db", db, "--quiet", *export.load_args], capsys)
    assert code == 0, err
    with wb.open(db, read_only=True) as store:
        counts = store.counts()
        wanted = store.sql("SELECT count(DISTINCT a) FROM (SELECT source_id AS a FROM interactions "
                           "WHERE source_id <> target_id AND list_contains($k, kind) UNION "
                           "SELECT target_id FROM interactions WHERE source_id <> target_id AND list_contains($k, kind))",
                           {"k": list(wb.DEFAULT_KINDS)}).fetchone()[0]
        top = store.sql("SELECT target_id, count(DISTINCT source_id) AS n FROM interactions WHERE source_id <> target_id "
                        "AND kind IN ('share', 'quote', 'mention', 'reply') GROUP BY 1 ORDER BY 2 DESC, 1 LIMIT 1").fetchone()
    assert counts["accounts"] > 0

    code, out, err = run(["communities", "--db", db], capsys)
    if not export.has_graph:
        assert code == 2 and "no interactions" in err, (code, err)
    else:
        assert code == 0, err
        found = re.search(r"graph: ([\d,]+) accounts and ([\d,]+) edges", out)
        graph_accounts = int(found.group(1).replace(",", ""))
        assert graph_accounts == wanted > 0
        if export.graph_accounts is not None:
            assert graph_accounts == export.graph_accounts(shared_data)  # counted from the raw file

    focal_id = None
    if export.focal_advocates and top is not None:
        focal_id = top[0]
        code, out, err = run(["focal", "add", focal_id, "--db", db], capsys)
        assert code == 0, err

    code, out, err = run(["roles", "--db", db], capsys)
    assert code == 0, err
    assert re.search(r"scoring run \d+ on [\d,]+ accounts", out), out

    code, out, err = run(["export", "--db", db, "--to", str(tmp_path / "graph.gexf")], capsys)
    if export.has_graph:
        assert code == 0 and (tmp_path / "graph.gexf").stat().st_size > 0, err
    else:
        assert code == 2 and "no interactions" in err

    out_dir = tmp_path / "report"
    code, out, err = run(["report", "--db", db, "--out", str(out_dir), "--pseudonymize"], capsys)
    assert code == 0, err
    pages = sorted(out_dir.glob("0*.html"))
    assert [p.stem for p in pages] == list(reports.NOTEBOOKS)
    texts = {p.stem: p.read_text(encoding="utf-8") for p in pages}
    for name, text in texts.items():
        visible = reports._visible(text)
        assert len(re.findall(r"<svg|<table", visible)) >= 2, name  # content, not only a header
        assert "Traceback" not in visible, name
    header = texts["01_load_and_explore"]
    # pseudonymised, the workspace's file name is too (f_ + 12 hex digits)
    assert re.search(rf"(?:w|f_[0-9a-f]{{12}})\.duckdb: {counts['accounts']:,} accounts, {counts['posts']:,} posts", header)
    assert "no posts</td>" not in header  # the span comes from interactions when there are no posts
    if not export.has_graph:
        assert "needs more than this workspace holds" in texts["02_communities"]
    advocates = texts["03_influencers_vs_networkers"]
    if focal_id is not None:
        assert advocates_rows(advocates) == min(10, top[1])  # distinct accounts addressing the focal one
    elif export.has_graph:
        assert "No focal accounts are set" in advocates
        assert "No focal accounts are set" in texts["04_community_health"]
    if CHROMIUM.exists():
        check_in_browser(out_dir, has_graph=export.has_graph)
    TIMES[export.name] = time.perf_counter() - started


def check_in_browser(out_dir: Path, *, has_graph: bool) -> None:
    """The rendered report in chromium with the network blocked: the key findings, and each network view draws,
    finds a node by its pseudonymised name and shows it on hover (issue 19)."""
    from browser_checks import check_network_view, chromium, offline_page

    with chromium() as browser:
        with offline_page(browser, out_dir / "index.html") as page:
            assert page.locator("#key-findings li.wb-finding").count() == 5
        with offline_page(browser, out_dir / "02_communities.html") as page:
            views = page.locator(".wb-network").count()
            assert views >= (1 if has_graph else 0)
            for view in range(views):
                name = check_network_view(page, view)
                if view == 0:
                    assert re.fullmatch(r"(\w+:)?u_[0-9a-f]{12}", name), name  # pseudonymised


def test_matrix_time(request):
    """Report the time of each row (run after the rows; -rA shows it)."""
    if not TIMES:
        pytest.skip("no matrix row ran")
    total = sum(TIMES.values())
    print("matrix: " + ", ".join(f"{k} {v:.0f} s" for k, v in TIMES.items()) + f"; total {total:.0f} s")
    assert total > 0
