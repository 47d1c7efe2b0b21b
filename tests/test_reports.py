"""Reports: self-contained HTML with a header; pseudonymised pages hold no identifier at all."""

from __future__ import annotations

import re
import shutil

import nbformat
import pandas as pd
import pytest

import workbench as wb
from workbench import privacy, reports
from workbench.errors import PrivacyError, ReportError, WorkspaceError


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
            assert "<script" not in text and reports.network_references(text) == [], page
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
