"""What a report must do in a real browser with the network blocked: shared by test_browser.py and test_matrix.py.

Debian's chromium through Playwright (Playwright cannot download browsers here); every request
that is not to a file (or ``allow_host``) is aborted and recorded, so a test asserts that none was
attempted.
"""

from __future__ import annotations

import contextlib
from pathlib import Path
from typing import Iterator

CHROMIUM = Path("/usr/bin/chromium")
ARGS = ["--no-sandbox", "--disable-background-networking", "--disable-gpu", "--disable-dev-shm-usage"]


@contextlib.contextmanager
def chromium() -> Iterator[object]:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=ARGS)
        try:
            yield browser
        finally:
            browser.close()


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


@contextlib.contextmanager
def offline_page(browser, path: Path) -> Iterator[object]:
    """``path`` opened with the network blocked; on leaving, asserts no error and no request attempted."""
    context = blocked_context(browser)
    page = context.new_page()
    page.errors = []
    page.on("console", lambda message: page.errors.append(message.text) if message.type == "error" else None)
    page.on("pageerror", lambda error: page.errors.append(str(error)))
    page.goto(path.as_uri(), wait_until="load")
    try:
        yield page
        assert page.errors == [], (path.name, page.errors)
        assert context.blocked == [], (path.name, context.blocked)
    finally:
        context.close()


_PAINTED = """root => { const c = root.querySelector('canvas.wb-network-canvas');
  const d = c.getContext('2d').getImageData(0, 0, c.width, c.height).data; let n = 0;
  for (let i = 0; i < d.length; i += 4) if (d[i] < 235 || d[i + 1] < 235 || d[i + 2] < 235) n++; return n; }"""
# Every node's disc is painted where the view says it is (some pixel of the disc is not the white ground: a
# label's white halo, drawn over the nodes, can cover a small node's centre), and the
# canvas holds at least half the discs' area in painted pixels. Counting against the discs, not a fixed number
# of pixels, holds for a three-node graph and does not depend on how the machine's fonts draw the labels.
_DRAWN = """root => { const v = root.wbView, c = v.canvas, r = c.width / c.getBoundingClientRect().width;
  const d = v.ctx.getImageData(0, 0, c.width, c.height).data; let missing = 0, area = 0, n = 0;
  const white = i => d[i] >= 235 && d[i + 1] >= 235 && d[i + 2] >= 235;
  const painted = (x, y) => x >= 0 && y >= 0 && x < c.width && y < c.height && !white(4 * (y * c.width + x));
  for (let i = 0; i < v.n; i++) { const p = v.screen(i), x = Math.round(p[0] * r), y = Math.round(p[1] * r);
    const h = Math.max(1, Math.floor(v.radius[i] * r - 0.5)); let seen = false;
    area += Math.PI * v.radius[i] * v.radius[i] * r * r;
    for (let dy = -h; dy <= h && !seen; dy++) for (let dx = -h; dx <= h && !seen; dx++)
      seen = dx * dx + dy * dy <= h * h && painted(x + dx, y + dy);
    if (!seen) missing++; }
  for (let i = 0; i < d.length; i += 4) if (!white(i)) n++;
  return {nodes: v.n, missing: missing, painted: n, discs: area,
          stretched: Math.abs(c.width - Math.round(c.clientWidth * (window.devicePixelRatio || 1))) > 1}; }"""
_POSITION = """(root, i) => { const v = root.wbView, p = v.screen(i), box = v.canvas.getBoundingClientRect();
  return [box.left + p[0], box.top + p[1]]; }"""


def check_network_view(page, index: int = 0, *, pick: int = 0) -> str:
    """The ``index``-th network view of ``page``: drawn, finds a node by name, shows it on hover.

    Returns the name it found (the ``pick``-th row of the view's table of nodes).
    """
    view = page.locator(".wb-network").nth(index)
    view.scroll_into_view_if_needed()
    assert view.get_attribute("data-ready") == "true", "the view's script did not run"
    canvas = view.locator("canvas.wb-network-canvas")
    box = canvas.bounding_box()
    assert box and box["width"] > 300 and box["height"] > 300, box
    assert view.locator(".wb-network-static").evaluate("e => getComputedStyle(e).display") == "none"
    # two animation frames: a size change the page's layout made is observed and redrawn by then
    page.evaluate("() => new Promise(done => requestAnimationFrame(() => requestAnimationFrame(done)))")
    drawn = view.evaluate(_DRAWN)
    assert drawn["nodes"] >= 1 and drawn["missing"] == 0 and drawn["painted"] >= drawn["discs"] / 2, drawn
    assert not drawn["stretched"], "the canvas is drawn at one width and shown at another"
    # hover, before any search moves the drawing: the last node, wherever it is, shows its own name
    last = view.evaluate("root => root.wbView.n - 1")
    x, y = view.evaluate(_POSITION, last)
    page.mouse.move(x, y)
    assert view.locator(".wb-network-tip").is_visible()
    hovered = view.evaluate("root => root.wbView.hovered")
    assert view.evaluate("(root, i) => root.wbView.names[i]", hovered) == view.locator(".wb-network-tip b").text_content()
    assert view.evaluate("(root, ij) => { const v = root.wbView, p = v.screen(ij[0]), q = v.screen(ij[1]); "
                         "return Math.hypot(p[0] - q[0], p[1] - q[1]) <= v.radius[ij[0]] + 4; }", [hovered, last])
    page.mouse.move(box["x"] + 2, box["y"] + 2)
    rows = view.locator("table.wb-network-nodes tbody tr")
    assert rows.count() >= 1
    name = rows.nth(pick).locator("td").first.text_content().strip()
    search = view.locator("input.wb-network-search")
    search.fill(name)
    search.press("Enter")
    assert view.get_attribute("data-selected") == name
    assert name in view.locator(".wb-network-status").text_content()
    search.fill("no such name zzz")
    search.press("Enter")
    assert view.get_attribute("data-selected") == "" and "No name" in view.locator(".wb-network-status").text_content()
    # hover: the found node, at the centre after the search, shows its details
    search.fill(name)
    search.press("Enter")
    row = view.evaluate("(root, name) => root.wbView.names.indexOf(name)", name)
    x, y = view.evaluate(_POSITION, row)
    page.mouse.move(x, y)
    tip = view.locator(".wb-network-tip")
    assert tip.is_visible() and tip.locator("b").text_content() == name
    page.mouse.move(box["x"] + 2, box["y"] + 2)
    return name


def check_colour_and_size(page, index: int = 0) -> None:
    """Switching the colour to role (where the view offers it) redraws the legend by role; size menus redraw."""
    view = page.locator(".wb-network").nth(index)
    colours = view.locator("select.wb-network-color option")
    values = [colours.nth(i).get_attribute("value") for i in range(colours.count())]
    if "role" in values:
        view.locator("select.wb-network-color").select_option("role")
        assert "role " in view.locator(".wb-network-legend").text_content()
        view.locator("select.wb-network-color").select_option("community")
        assert "community " in view.locator(".wb-network-legend").text_content()
    sizes = view.locator("select.wb-network-size option")
    before = view.evaluate(_PAINTED)
    for i in range(sizes.count()):
        view.locator("select.wb-network-size").select_option(sizes.nth(i).get_attribute("value"))
    assert view.evaluate(_PAINTED) > 0 and before > 0
