"""In a real browser: Debian's chromium driven by Playwright, with every network request blocked.

- each rendered report (pseudonymised sample, second workspace) shows its charts as SVG with
  a size, with no console error and no request leaving the file;
- in JupyterLab on localhost, moving the resolution slider of a community panel changes the
  number of communities shown;
- the network views of a report (interactions, hashtags, accounts x hashtags) draw, zoom, find a node
  by its (pseudonymised) name, show its details on hover and recolour, offline (issue 19).

Screenshots go to tests/artifacts/reports/ (look at them). Install the browser with
``bash scripts/install-browser.sh`` (Debian's chromium; Playwright cannot download browsers here).
"""

from __future__ import annotations

import json
import os
import re
import socket
import subprocess
import sys
import time
import urllib.request

import nbformat
import pytest

from browser_checks import ARGS, CHROMIUM, blocked_context, check_colour_and_size, check_network_view, offline_page

pytestmark = [pytest.mark.browser,
              pytest.mark.skipif(not CHROMIUM.exists(), reason="no /usr/bin/chromium: run bash scripts/install-browser.sh")]


@pytest.fixture(scope="module")
def browser():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=str(CHROMIUM), args=ARGS)
        yield chromium
        chromium.close()


@pytest.mark.notebooks
def test_reports_render_their_charts_offline(browser, sample_report, second_report, report_artifacts):
    for result, label in ((sample_report, "sample"), (second_report, "second")):
        for path in [*result.pages, result.index]:
            with offline_page(browser, path) as page:  # no console error, no request attempted
                if path != result.index:
                    charts = page.locator(".jp-RenderedSVG svg")
                    count = charts.count()
                    assert count >= 2, f"{path.name}: {count} charts"
                    for i in range(count):
                        box = charts.nth(i).bounding_box()
                        assert box and box["width"] > 100 and box["height"] > 50, (path.name, i, box)
                    # Chart text is there: axis titles drawn as SVG text.
                    assert page.locator(".jp-RenderedSVG svg text").count() > 10
                else:
                    assert page.locator("ul.wb-pages a").count() == len(result.pages)
                    assert page.locator("#key-findings li.wb-finding").count() == 5
                page.screenshot(path=str(report_artifacts / f"{label}-{path.stem}.png"), full_page=True)


# -- JupyterLab ---------------------------------------------------------------------------------
def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture(scope="module")
def jupyterlab(tmp_path_factory):
    """JupyterLab on 127.0.0.1 serving a folder with a one-panel notebook; stopped after the tests."""
    folder = tmp_path_factory.mktemp("lab")
    nb = nbformat.v4.new_notebook()
    nb.cells = [nbformat.v4.new_code_cell(
        "from workbench import datasets, viz, widgets\n"
        "viz.enable_offline_renderer()\n"
        "panel = widgets.CommunityPanel(datasets.karate(), resolution=1.0)\n"
        "panel")]
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3 (ipykernel)", "language": "python"}
    nbformat.write(nb, folder / "panel.ipynb")
    port, token = free_port(), "workbench-test-token"
    env = {**os.environ, "JUPYTERLAB_SETTINGS_DIR": str(folder / ".settings"),
           "JUPYTERLAB_WORKSPACES_DIR": str(folder / ".workspaces"), "JUPYTER_RUNTIME_DIR": str(folder / ".runtime")}
    log = (folder / "lab.log").open("w")
    server = subprocess.Popen(
        [sys.executable, "-m", "jupyterlab", "--no-browser", f"--ServerApp.port={port}", "--ServerApp.ip=127.0.0.1",
         f"--IdentityProvider.token={token}", f"--ServerApp.root_dir={folder}",
         "--LabApp.check_for_updates_class=jupyterlab.NeverCheckForUpdate", "--LabApp.news_url=None",
         "--LabApp.extension_manager=readonly", *(["--allow-root"] if os.geteuid() == 0 else [])],
        cwd=folder, env=env, stdout=log, stderr=subprocess.STDOUT)
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 90
        while True:
            try:
                with urllib.request.urlopen(f"{base}/api/status?token={token}", timeout=2) as response:
                    json.load(response)
                break
            except OSError:
                if time.monotonic() > deadline or server.poll() is not None:
                    pytest.fail("JupyterLab did not start:\n" + (folder / "lab.log").read_text()[-3000:])
                time.sleep(0.5)
        yield base, token
    finally:
        server.terminate()
        try:
            server.wait(timeout=20)
        except subprocess.TimeoutExpired:
            server.kill()
        log.close()


def test_resolution_slider_in_jupyterlab_changes_the_communities(browser, jupyterlab, report_artifacts):
    base, token = jupyterlab
    context = blocked_context(browser, allow_host=base)
    page = context.new_page()
    page.goto(f"{base}/lab/tree/panel.ipynb?token={token}", wait_until="domcontentloaded")
    page.locator(".jp-Notebook .jp-Cell .cm-content").first.wait_for(timeout=90_000)
    # Run the cell once the kernel is idle: a request sent while it still initialises is dropped.
    page.get_by_text("| Idle").first.wait_for(timeout=180_000)
    page.locator(".jp-Notebook .jp-Cell .cm-content").first.click()
    status = page.locator(".wb-n-communities")
    page.keyboard.press("Shift+Enter")
    status.wait_for(timeout=120_000)
    before = int(status.inner_text())
    page.screenshot(path=str(report_artifacts / "jupyterlab-slider-before.png"))
    readout = page.locator(".widget-slider .widget-readout").first
    readout.click()
    page.keyboard.press("Control+A")
    page.keyboard.type("10")
    page.keyboard.press("Enter")
    page.wait_for_function("n => Number(document.querySelector('.wb-n-communities').innerText) !== n",
                           arg=before, timeout=60_000)
    after = int(status.inner_text())
    page.locator(".jp-OutputArea svg").first.wait_for(timeout=30_000)
    page.screenshot(path=str(report_artifacts / "jupyterlab-slider-after.png"))
    assert after > before, (before, after)  # a higher resolution splits communities
    assert context.blocked == [] or all("127.0.0.1" not in url for url in context.blocked)
    context.close()


# -- the interactive network view (issue 19) -----------------------------------------------------
@pytest.mark.notebooks
def test_network_views_work_offline_and_find_pseudonymised_names(browser, sample_report, second_report,
                                                                  report_artifacts):
    """Zoom, hover, find by name, colour by community or role, size by a score, with no request leaving the page."""
    page_path = sample_report.out / "02_communities.html"
    with offline_page(browser, page_path) as page:
        views = page.locator(".wb-network")
        assert views.count() == 3  # interactions, hashtags used together, accounts x hashtags
        found = check_network_view(page, 0)
        assert re.fullmatch(r"u_[0-9a-f]{12}", found), found  # the sample report is pseudonymised
        check_colour_and_size(page, 0)
        note = views.nth(0).locator(".wb-network-note").text_content()
        assert re.search(r"Showing the 250 accounts with the highest influence of [\d,]+ \([\d,]+ left out\)", note)
        zoom_before = views.nth(0).evaluate("root => root.wbView.scale")
        views.nth(0).locator("button[data-action=in]").click()
        assert views.nth(0).evaluate("root => root.wbView.scale") > zoom_before
        views.nth(0).screenshot(path=str(report_artifacts / "sample-network.png"))
        assert check_network_view(page, 1).startswith("#")  # a hashtag, found by its name
        check_network_view(page, 2)
        views.nth(2).locator("select.wb-network-color").select_option("kind")
        assert "kind hashtag" in views.nth(2).locator(".wb-network-legend").text_content()
    with offline_page(browser, second_report.out / "02_communities.html") as page:
        check_network_view(page, 0, pick=3)


def follow_findings(browser, index) -> list[str]:
    """Click each key finding's link on ``index``: it opens its page scrolled to a visible section heading."""
    with offline_page(browser, index) as page:
        assert page.locator("#key-findings li.wb-finding").count() == 5
        links = page.locator("#key-findings a.wb-finding-link")
        targets = [links.nth(i).get_attribute("href") for i in range(links.count())]
    for target in targets:
        with offline_page(browser, index) as page:
            page.locator(f'#key-findings a.wb-finding-link[href="{target}"]').click()
            page.wait_for_load_state("load")
            name, anchor = target.split("#")
            assert page.url.endswith(f"/{name}#{anchor}")
            heading = page.locator(f'[id="{anchor}"]')
            assert heading.count() == 1 and heading.first.is_visible()
            assert heading.first.evaluate("e => e.getBoundingClientRect().top") < 200  # scrolled to the section
    return targets


@pytest.mark.notebooks
def test_each_key_finding_links_to_the_section_that_shows_it(browser, sample_report, second_report):
    for result in (sample_report, second_report):
        targets = follow_findings(browser, result.index)
        assert len(targets) == 5, targets


# Every table cell of the cells after a section heading, up to the next section.
_SECTION_CELLS = """anchor => { let cell = document.getElementById(anchor).closest('.jp-Cell'); const found = [];
  while ((cell = cell.nextElementSibling) && !cell.querySelector('h2')) {
    cell.querySelectorAll('td').forEach(td => found.push(td.textContent.trim())); }
  return found; }"""


def raw_twarc2(path) -> tuple[set[str], set[str]]:
    """Hashtags (lower case) of the tweets that are not retweets, and every author's username, read from the file."""
    tags, names = set(), set()
    for line in path.read_text(encoding="utf-8").splitlines():
        page = json.loads(line)
        for tweet in page.get("data", []):
            if not any(ref["type"] == "retweeted" for ref in tweet.get("referenced_tweets", [])):
                tags |= {h["tag"].lower() for h in tweet.get("entities", {}).get("hashtags", [])}
        names |= {user["username"] for user in page.get("includes", {}).get("users", [])}
    return tags, names


@pytest.mark.notebooks
def test_top_content_of_the_sample_report(browser, sample_report):
    with offline_page(browser, sample_report.out / "02_communities.html") as page:
        cells = page.evaluate(_SECTION_CELLS, "Top-content-per-community")
        shown = {c for c in cells if c.startswith("#")}
        assert "#kestrelspringride" in shown  # the sample's planted campaign hashtag


@pytest.mark.notebooks
def test_real_export_report_works_offline(browser, real_report, shared_data, report_artifacts):
    """twarc2's test data, real tweets, pseudonymised as an analyst shares it: each key finding links to its
    section; the interaction, hashtag and two-mode views draw and find a pseudonymised account or a hashtag by
    name with no request leaving the page; the top content shows hashtags the raw file holds; and no handle of
    the raw file (read here, from the file) appears in any page, in its HTML or in the text the browser shows."""
    from report_fixtures import REAL_EXPORT

    tags, names = raw_twarc2(shared_data.joinpath(*REAL_EXPORT))
    assert len(names) == 289 and min(map(len, names)) >= 5  # every author and mentioned account of the file
    targets = follow_findings(browser, real_report.index)
    assert [t.split(".html")[0] for t in targets] == ["02_communities", "03_influencers_vs_networkers",
                                                      "03_influencers_vs_networkers", "04_community_health",
                                                      "06_campaigns"]
    with offline_page(browser, real_report.out / "02_communities.html") as page:
        views = page.locator(".wb-network")
        assert views.count() == 3
        found = check_network_view(page, 0)
        assert re.fullmatch(r"u_[0-9a-f]{12}", found) and found not in names, found  # a pseudonym
        check_colour_and_size(page, 0)
        assert check_network_view(page, 1)[1:] in tags
        found = check_network_view(page, 2, pick=1)
        assert found[1:] in tags or re.fullmatch(r"u_[0-9a-f]{12}", found), found
        views.nth(0).screenshot(path=str(report_artifacts / "real-network.png"))
        cells = page.evaluate(_SECTION_CELLS, "Top-content-per-community")
        shown = {c[1:] for c in cells if c.startswith("#")}
        assert shown and shown <= tags, shown - tags
    handle = re.compile(r"(?<!\w)(" + "|".join(map(re.escape, sorted(names))) + r")(?!\w)", re.IGNORECASE)
    assert len({m.group(1) for m in handle.finditer(shared_data.joinpath(*REAL_EXPORT).read_text())}) > 100
    for path in [*real_report.pages, real_report.index]:
        with offline_page(browser, path) as page:
            shown_text = page.inner_text("body")
        assert len(shown_text) > 500, path.name
        for text in (path.read_text(encoding="utf-8"), shown_text):
            leaked = sorted({m.group(1) for m in handle.finditer(text)})
            assert not leaked, (path.name, leaked[:10])
