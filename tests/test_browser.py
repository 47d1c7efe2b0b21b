"""In a real browser: Debian's chromium driven by Playwright, with every network request blocked.

- each rendered report (pseudonymised sample, second workspace) shows its charts as SVG with
  a size, with no console error and no request leaving the file;
- in JupyterLab on localhost, moving the resolution slider of a community panel changes the
  number of communities shown.

Screenshots go to tests/artifacts/reports/ (look at them). Install the browser with
``bash scripts/install-browser.sh`` (Debian's chromium; Playwright cannot download browsers here).
"""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import nbformat
import pytest

CHROMIUM = Path("/usr/bin/chromium")
ARGS = ["--no-sandbox", "--disable-background-networking", "--disable-gpu", "--disable-dev-shm-usage"]

pytestmark = [pytest.mark.browser,
              pytest.mark.skipif(not CHROMIUM.exists(), reason="no /usr/bin/chromium: run bash scripts/install-browser.sh")]


@pytest.fixture(scope="module")
def browser():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=str(CHROMIUM), args=ARGS)
        yield chromium
        chromium.close()


def blocked_context(browser, *, allow_host: str | None = None):
    """A context that aborts every request except file:// (and ``allow_host``), recording what it aborted."""
    context = browser.new_context(viewport={"width": 1280, "height": 900}, offline=allow_host is None)
    context.blocked = []

    def guard(route):
        url = route.request.url
        if url.startswith(("file:", "data:", "blob:", "about:")) or (allow_host and url.startswith(allow_host)):
            route.continue_()
        else:
            context.blocked.append(url)
            route.abort()

    context.route("**/*", guard)
    return context


@pytest.mark.notebooks
def test_reports_render_their_charts_offline(browser, sample_report, second_report, report_artifacts):
    for result, label in ((sample_report, "sample"), (second_report, "second")):
        for path in [*result.pages, result.index]:
            context = blocked_context(browser)
            page = context.new_page()
            errors = []
            page.on("console", lambda message, errors=errors: errors.append(message.text)
                    if message.type == "error" else None)
            page.on("pageerror", lambda error, errors=errors: errors.append(str(error)))
            page.goto(path.as_uri(), wait_until="load")
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
                assert page.locator("a").count() == len(result.pages)
            page.screenshot(path=str(report_artifacts / f"{label}-{path.stem}.png"), full_page=True)
            assert errors == [], (path.name, errors)
            assert context.blocked == [], (path.name, context.blocked)
            context.close()


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
