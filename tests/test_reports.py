"""Reports: self-contained HTML with a header; pseudonymised pages hold no identifier at all."""

from __future__ import annotations

import re
import shutil

import nbformat
import pandas as pd
import pytest

import workbench as wb
from workbench import privacy, reports
from workbench.errors import ParameterError, PrivacyError, ReportError, WorkspaceError


# -- conversion, on hand-made notebooks (fast) ----------------------------------------------------
def executed_notebook() -> nbformat.NotebookNode:
    nb = nbformat.v4.new_notebook()
    params = nbformat.v4.new_code_cell('focal_accounts = ["alice"]')
    params.metadata["tags"] = ["injected-parameters"]
    chart = nbformat.v4.new_code_cell("chart")
    chart.outputs = [nbformat.v4.new_output("display_data", data={
        "image/svg+xml": '<svg xmlns="http://www.w3.org/2000/svg"><text>bars</text></svg>',
        "application/vnd.vegalite.v5+json": {"mark": "bar"}, "text/plain": "<Chart>"})]
    panel = nbformat.v4.new_code_cell("panel")
    panel.outputs = [
        nbformat.v4.new_output("display_data", data={
            "application/vnd.jupyter.widget-view+json": {"model_id": "m1", "version_major": 2, "version_minor": 0},
            "image/svg+xml": '<svg xmlns="http://www.w3.org/2000/svg"><text>static</text></svg>',
            "text/plain": "VBox(children=(HBox(...),))"}),
        nbformat.v4.new_output("display_data", data={
            "application/vnd.jupyter.widget-view+json": {"model_id": "m2", "version_major": 2, "version_minor": 0},
            "text/plain": "FloatSlider(value=1.0)"}),
        nbformat.v4.new_output("stream", name="stderr", text="a warning naming alice"),
    ]
    nb.cells = [params, nbformat.v4.new_markdown_cell("# Title"), chart, panel]
    nb.metadata["widgets"] = {"application/vnd.jupyter.widget-state+json": {"state": {}}}
    return nb


def test_to_html_keeps_static_results_and_drops_what_needs_a_kernel():
    page = reports.to_html(executed_notebook(), header={"dataset": "x.duckdb", "workbench": "0.1.0"})
    assert "<text>bars</text>" in page and "<text>static</text>" in page  # inline SVG, not base64
    assert "widget-view" not in page and "widget-state" not in page and "VBox(" not in page
    assert "FloatSlider" not in page and "Interactive panel" in page
    assert "a warning naming alice" not in page
    assert "<script" not in page and reports.network_references(page) == []
    assert re.search(r"<td><b>dataset</b></td><td>x\.duckdb</td>", page)


def test_to_html_pseudonymises_the_injected_parameters_and_can_hide_code():
    accounts = pd.DataFrame({"account_id": ["twitter:783214"], "handle": ["alice"]})
    p = privacy.Pseudonymizer(accounts, key=b"k" * 32)
    page = reports.to_html(executed_notebook(), code=True, pseudonymizer=p)
    assert privacy.find_leaks(page, accounts) == [] and p.token("twitter:783214") in page
    hidden = reports.to_html(executed_notebook(), code=False)
    assert "focal_accounts" not in hidden and "jp-InputArea-editor" not in reports._visible(hidden)


def test_network_references_find_every_kind_of_fetch():
    page = ('<script src="https://cdn.example/vega.js"></script><link rel="stylesheet" href="//fonts.example/a.css">'
            '<style>@import url("https://x.example/b.css"); .a{background:url(https://x.example/i.png)}</style>'
            '<img src="data:image/png;base64,AAAA"><a href="https://ok.example/">a link is not a fetch</a>')
    assert reports.network_references(page) == ["https://cdn.example/vega.js", "//fonts.example/a.css",
                                                 "https://x.example/b.css", "https://x.example/i.png"]


def test_render_refuses_bad_input(tmp_path):
    with pytest.raises(WorkspaceError, match="does not exist"):
        reports.render(tmp_path / "missing.duckdb", tmp_path / "out")
    with wb.open(tmp_path / "w.duckdb"):
        pass
    with pytest.raises(ReportError, match="unknown notebook parameter\\(s\\) colour"):
        reports.render(tmp_path / "w.duckdb", tmp_path / "out", parameters={"colour": "red"})
    with pytest.raises(ReportError, match="unknown notebook 'nope'"):
        reports.render(tmp_path / "w.duckdb", tmp_path / "out", notebooks=["nope"])


@pytest.mark.notebooks
def test_a_page_that_still_shows_a_handle_is_not_written(tmp_path, monkeypatch, pseudonym_key):
    """The last line of defence: a notebook that prints a raw handle fails the report."""
    db = tmp_path / "w.duckdb"
    with wb.open(db) as store:
        store.sql("INSERT INTO accounts (account_id, platform, handle) VALUES ('twitter:783214', 'twitter', 'alice_rides')")
    leaky = nbformat.v4.new_notebook()
    params = nbformat.v4.new_code_cell("db_path = ''\npseudonymize = False")
    params.metadata["tags"] = ["parameters"]
    leaky.cells = [params, nbformat.v4.new_code_cell("print('top account: alice_rides (783214)')")]
    leaky.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    folder = tmp_path / "notebooks"
    folder.mkdir()
    nbformat.write(leaky, folder / "01_load_and_explore.ipynb")
    monkeypatch.setattr(reports, "NOTEBOOKS_DIR", folder)
    out = tmp_path / "out"
    with pytest.raises(PrivacyError, match="alice_rides"):
        reports.render(db, out, pseudonymize=True, notebooks=["01_load_and_explore"])
    assert not any(out.glob("*.html"))


def test_key_file_inside_the_report_folder_is_refused(tmp_path, monkeypatch):
    with wb.open(tmp_path / "w.duckdb"):
        pass
    monkeypatch.delenv(privacy.KEY_ENV, raising=False)
    monkeypatch.setenv(privacy.KEY_FILE_ENV, str(tmp_path / "out" / "pseudonym.key"))
    with pytest.raises(PrivacyError, match="inside the report folder"):
        reports.render(tmp_path / "w.duckdb", tmp_path / "out", pseudonymize=True)


# -- the rendered reports (session fixtures) ------------------------------------------------------
@pytest.mark.notebooks
def test_pages_are_self_contained_with_a_header(sample_report, second_report, report_artifacts):
    for result, label in ((sample_report, "sample"), (second_report, "second")):
        assert result.index.exists()
        index = result.index.read_text(encoding="utf-8")
        for page in result.pages:
            assert f'href="{page.name}"' in index
            text = page.read_text(encoding="utf-8")
            assert reports.network_references(text) == [], page
            # scripts only inline, only the network views' (notebooks 02 and 05)
            assert not re.search(r"<script\b[^>]*\bsrc\s*=", text), page
            assert ("<script" in text) == (page.stem in ("02_communities", "05_workshop")), page
            assert text.count("<svg") >= 2, page  # charts are inline SVG
            for row in ("dataset", "time span", "parameters", "generated", "workbench"):
                assert f"<td><b>{row}</b></td>" in text, (page, row)
            assert wb.__version__ in text
            shutil.copy(page, report_artifacts / f"{label}-{page.name}")
    second = (second_report.out / "03_influencers_vs_networkers.html").read_text(encoding="utf-8")
    assert "method='louvain'" in second and "resolution=2.0" in second
    assert "jp-InputArea-editor" not in reports._visible(second) and "session.start(" not in second  # code hidden
    shown = (sample_report.out / "02_communities.html").read_text(encoding="utf-8")
    assert "jp-InputArea-editor" in reports._visible(shown)  # code shown by default


@pytest.mark.notebooks
def test_pseudonymised_report_contains_no_handle_name_or_id(sample_report, sample_db):
    """Every handle, display name, account id and native id of the sample, searched in every page."""
    with wb.open(sample_db, read_only=True) as store:
        accounts = store.sql("SELECT account_id, handle, display_name FROM accounts").df()
    assert len(accounts) > 500
    pages = {p.name: p.read_text(encoding="utf-8").lower() for p in [*sample_report.pages, sample_report.index]}
    needles = set()
    for row in accounts.itertuples():
        values = [row.account_id, row.account_id.split(":", 1)[1], row.handle]  # native part, e.g. 783214
        if isinstance(row.display_name, str):
            values.append(row.display_name)
        needles.update(tuple(re.findall(r"\w+", v.lower())) for v in values)
    assert len(needles) > 2000
    # Word n-grams of each whole page (CSS, SVG and all): a needle is found where its words follow
    # each other with nothing but separators between them, which is stricter than an exact match.
    found = {}
    sizes = {len(n) for n in needles}
    for name, text in pages.items():
        words = re.findall(r"\w+", text)
        grams = {tuple(words[i:i + n]) for n in sizes for i in range(len(words) - n + 1)}
        found[name] = sorted(" ".join(n) for n in needles if n in grams)
    assert all(not hits for hits in found.values()), {k: v[:5] for k, v in found.items() if v}
    # ... and the pseudonyms are there instead, the same in every page.
    key = privacy.load_key()
    brand = accounts.loc[accounts["handle"] == "KestrelCycles", "account_id"].iloc[0]
    token = privacy.Pseudonymizer(accounts, key=key).token(brand)
    assert sum(token in text for text in pages.values()) >= 3


# -- options, periods, exports without posts (fast) ------------------------------------------------
def edge_list(path, days: int = 16, accounts: int = 70):
    """An edge list of ``accounts`` accounts over ``days`` days: interactions only, no posts."""
    rows = ["source,target,kind,timestamp"]
    for i in range(accounts):
        day = 1 + (i * days) // accounts
        hour = 6 + i % 12
        rows.append(f"a{i},a{(i * 7 + 1) % accounts},{('reply', 'mention', 'share')[i % 3]},"
                    f"2024-05-{day:02d}T{hour:02d}:15:00Z")
    path.write_text("\n".join(rows) + "\n", encoding="utf-8")
    return path


@pytest.mark.slow  # a few seconds: left out of make test-fast, run by make test
def test_report_options_reach_the_notebook_parameters(tmp_path, capsys):
    from workbench.cli import build_parser, main, report_parameters

    args = build_parser().parse_args(["report", "--db", "w.duckdb", "--out", "o", "--kinds", "reply, share",
                                      "--method", "louvain", "--resolution", "2", "--seed", "3", "--since",
                                      "2024-05-02", "--until", "2024-05-10", "--focal", "@a1,a2", "--period", "day",
                                      "--max-edges", "50000"])
    assert report_parameters(args) == {"kinds": ["reply", "share"], "method": "louvain", "resolution": 2.0, "seed": 3,
                                       "since": "2024-05-02", "until": "2024-05-10", "focal_accounts": ["@a1", "a2"],
                                       "period": "day", "max_edges": 50000}
    assert report_parameters(build_parser().parse_args(["report", "--db", "w", "--out", "o"])) == {}
    db = tmp_path / "w.duckdb"
    with wb.open(db) as store:
        wb.load(store, edge_list(tmp_path / "e.csv"), format="edges-csv", progress=False)
    # checked before any kernel starts: exit 2 with one line
    assert main(["report", "--db", str(db), "--out", str(tmp_path / "o"), "--kinds", "retweet"]) == 2
    assert "unknown interaction kind(s) 'retweet'" in capsys.readouterr().err
    assert main(["report", "--db", str(db), "--out", str(tmp_path / "o"), "--focal", "ghost"]) == 2
    assert "not found in the workspace: ghost" in capsys.readouterr().err
    assert main(["report", "--db", str(db), "--out", str(tmp_path / "o"), "--since", "2024-05-09",
                 "--until", "2024-05-02"]) == 2
    with pytest.raises(SystemExit):
        main(["report", "--db", str(db), "--out", str(tmp_path / "o"), "--period", "fortnight"])
    assert not list((tmp_path / "o").glob("*.html"))


def test_exports_without_posts_take_their_span_from_interactions(tmp_path, capsys):
    """A 16-day edge list: the span, the period and the metrics come from interactions; partial periods marked."""
    from workbench import metrics, session

    db = tmp_path / "edges.duckdb"
    with wb.open(db) as store:
        wb.load(store, edge_list(tmp_path / "e.csv"), format="edges-csv", progress=False)
    s = session.start(db_path=str(db))
    first, last = s.span
    assert (str(first), str(last)) == ("2024-05-01 06:15:00+00:00", "2024-05-16 15:15:00+00:00")
    assert s.period == "day"  # 16 days: five weeks would be too few points, so days
    facts, _ = reports._workspace_facts(db, db.name, s)
    assert facts["time span"] == "2024-05-01 to 2024-05-16 (UTC), from interactions (no posts)"
    assert facts["period"] == "day (chosen from the time span)"
    growth = metrics.growth(s.store, period=s.period)
    assert growth["new_members"].sum() == 70 and len(growth) == 16
    marked = s.mark_partial(growth)
    assert marked["partial"].tolist() == [True] + [False] * 14 + [True]  # the data starts 06:15, ends 15:15
    weekly = s.mark_partial(metrics.growth(s.store, period="week"), period="week")
    assert weekly["partial"].tolist() == [True, False, True]  # Wed 1 May .. Thu 16 May: weeks of 29 Apr, 6 and 13 May
    engagement = metrics.engagement(s.store, period=s.period)
    assert not s.has(engagement, "engagement rates need collected posts")
    assert capsys.readouterr().out == "Not shown: engagement rates need collected posts\n"
    s.close()
    # a 34-minute stream is charted per minute, not as one weekly dot
    short = tmp_path / "short.csv"
    short.write_text("source,target,kind,timestamp\n" + "".join(
        f"u{i},u{i + 1},mention,2016-01-22T05:{i:02d}:30Z\n" for i in range(35)), encoding="utf-8")
    with wb.open(tmp_path / "short.duckdb") as store:
        wb.load(store, short, format="edges-csv", progress=False)
    s = session.start(db_path=str(tmp_path / "short.duckdb"))
    assert s.period == "minute"
    per_minute = metrics.activity(s.store, period=s.period)
    assert len(per_minute) == 35 and str(per_minute["period"].iloc[1]) == "2016-01-22 05:01:00+00:00"
    assert metrics.retention(s.store, period="hour")["cohort_size"].tolist() == [35]
    s.close()


def test_max_edges_raises_walktraps_limit_in_a_notebook_session(tmp_path):
    """``max_edges`` (``workbench report --max-edges``) reaches detection and the key of a report's shared analysis."""
    from workbench import session

    db = tmp_path / "edges.duckdb"
    with wb.open(db) as store:
        wb.load(store, edge_list(tmp_path / "e.csv", accounts=120), format="edges-csv", progress=False)
    low = session.start(db_path=str(db), method="walktrap", max_edges=50)
    edges = low.graph.ecount()
    assert edges == 120  # a{i} -> a{7i+1 mod 120}: one edge per account, none a self-loop
    with pytest.raises(ParameterError, match=f"this graph has {edges} edges, the limit is 50"):
        low.partition
    enough = session.start(db_path=str(db), method="walktrap", max_edges=edges)
    assert enough.partition.method == "walktrap" and enough.partition.n_communities > 1
    assert enough.shared_key()["max_edges"] == edges and low.shared_key() != enough.shared_key()
    assert enough.parameters()["max_edges"] == edges
    low.close()
    enough.close()


def test_a_report_computes_its_analysis_once(tmp_path):
    """The report's process writes partition and scores; a kernel with the same parameters reads them."""
    from workbench import session, snapshot

    db = tmp_path / "edges.duckdb"
    with wb.open(db) as store:
        wb.load(store, edge_list(tmp_path / "e.csv", accounts=120), format="edges-csv", progress=False)
    maker = session.start(db_path=str(db), seed=2)
    folder = session.share(maker)
    assert folder == snapshot.shared_folder(db) and (folder / "manifest.json").exists()
    reader = session.start(db_path=str(db), seed=2)
    assert reader.shared is not None
    assert reader.partition.to_frame().equals(maker.partition.to_frame())
    assert reader.partition.modularity == pytest.approx(maker.partition.modularity)
    pd.testing.assert_frame_equal(reader.scores.drop(columns="pagerank"), maker.scores.drop(columns="pagerank"),
                                  check_dtype=False)
    assert "computed once by the report" in reader.summary()["value"].tolist()[-1]
    # other parameters: the kernel computes its own
    for other in ({"seed": 3}, {"kinds": ["reply"]}, {"focal_accounts": ["a1"]}, {"pseudonymize": True}):
        assert session.start(db_path=str(db), **{"seed": 2, **other}).shared is None, other
    maker.close()
    reader.close()


@pytest.mark.notebooks
def test_a_load_during_a_report_changes_nothing_in_it(tmp_path, monkeypatch):
    """A load right after the report started: header and notebook both show 70 accounts, the workspace 71."""
    from workbench import snapshot

    db = tmp_path / "edges.duckdb"
    with wb.open(db) as store:
        wb.load(store, edge_list(tmp_path / "e.csv"), format="edges-csv", progress=False)
    late = tmp_path / "late.csv"
    late.write_text("source,target,kind,timestamp\nnewcomer,a1,reply,2024-05-10T10:00:00Z\n", encoding="utf-8")
    take = snapshot.take

    def take_then_load(source, target):
        copied = take(source, target)
        with wb.open(source) as store:  # the worst moment: after the header's snapshot, before any kernel
            wb.load(store, late, format="edges-csv", progress=False)
        return copied

    monkeypatch.setattr(snapshot, "take", take_then_load)
    result = reports.render(db, tmp_path / "out", notebooks=["01_load_and_explore"], jobs=1)
    page = result.pages[0].read_text(encoding="utf-8")
    assert "edges.duckdb: 70 accounts, 0 posts, 70 interactions" in page  # header
    summary = re.search(r"<td[^>]*>accounts</td><td[^>]*>([\d,]+)</td>", page)
    assert summary and summary.group(1) == "70"  # the notebook's own count
    with wb.open(db, read_only=True) as store:
        assert store.counts()["accounts"] == 71
