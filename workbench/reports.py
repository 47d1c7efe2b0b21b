"""Shareable reports: every notebook executed against a workspace, rendered as self-contained HTML.

:func:`render` runs the numbered notebooks with papermill (one kernel each,
parameters injected), then converts each executed notebook to one HTML file
that fetches nothing from the network: charts are inline SVG (see
:func:`workbench.viz.enable_offline_renderer`), live widgets are replaced by
the static result they show for the default parameters, and the page carries
no script, stylesheet or font from elsewhere. Each report starts with a short
header (dataset, parameters, generation time, workbench version).

A report reads one snapshot (:mod:`workbench.snapshot`): the workspace is copied once
at the start, the header and every notebook read that copy, and the graph partition
and role scores are computed once in the report's process and read by every notebook
instead of each kernel computing them again.

With ``pseudonymize=True`` the notebooks work on pseudonymised data (their
session replaces every identifier before anything is computed, see
:mod:`workbench.privacy`), the parameters shown are pseudonymised too, and
every page is checked by :class:`workbench.privacy.LeakScanner` before it is
written, as a person reads it: a page that still shows a name of the
workspace (a distinctive one anywhere, any one where a name stands), a loaded
file's name or a path of the machine is not written and
:class:`~workbench.errors.PrivacyError` names what leaked. The parameters cell
shows the workspace by its file name in every report.

Examples
--------
>>> from workbench import reports
>>> [name for name in reports.NOTEBOOKS][:2]
['01_load_and_explore', '02_communities']
"""

from __future__ import annotations

import copy
import html
import multiprocessing
import re
import tempfile
import time
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any, Mapping, Sequence

import nbformat

from workbench import resources
from workbench.errors import PrivacyError, ReportError, WorkspaceError
from workbench.session import PARAMETERS

_STOPS = ("EmptyGraphError",)  # errors that end a notebook with a note in a report: the data lacks what it needs
_NEEDS_NOTE = ('<p class="wb-note">The rest of this notebook needs more than this workspace holds: {message}</p>')
# Notebooks that need neither the partition nor the scores: they start while the report computes those.
_INDEPENDENT = ("01_load_and_explore",)

__all__ = ["NOTEBOOKS", "NOTEBOOKS_DIR", "DEFAULT_PARAMETERS", "ReportResult", "render", "execute",
           "to_html", "network_references", "render_all"]

NOTEBOOKS_DIR = resources.folder("notebooks")
NOTEBOOKS = ("01_load_and_explore", "02_communities", "03_influencers_vs_networkers",
             "04_community_health", "05_workshop", "06_campaigns")
#: The parameters every notebook declares in its ``parameters`` cell, with their defaults.
DEFAULT_PARAMETERS = PARAMETERS
KERNEL_NAME = "python3"
# The kernels' own log (a warning that the local kernel talks over TCP, "KeyboardInterrupt caught in kernel."
# as papermill shuts it down) says nothing about the report; a failing cell is reported by papermill.
_KERNEL_ARGUMENTS = ["--IPKernelApp.log_level=CRITICAL"]
WIDGET_VIEW = "application/vnd.jupyter.widget-view+json"
_DROPPED_MIMETYPES = ("application/vnd.vegalite.v5+json", "application/vnd.vegalite.v6+json",
                      "application/vnd.vega.v5+json", "application/javascript")
_TEMPLATE_NAME = "workbench_report.html.j2"
# The lab template minus everything that would be fetched: require.js, MathJax, mermaid,
# the widget manager. What is left is inline CSS and inline SVG (not base64 images, so that the
# privacy check reads chart labels as text; the SVG comes from vl-convert, not from users).
_TEMPLATE = """{%- extends 'index.html.j2' -%}
{%- block html_head_js -%}{%- endblock html_head_js -%}
{%- block jupyter_widgets -%}{%- endblock jupyter_widgets -%}
{%- block html_head_js_mathjax -%}{%- endblock html_head_js_mathjax -%}
{%- block html_head_js_mermaidjs -%}{%- endblock html_head_js_mermaidjs -%}
{%- block data_svg scoped -%}
<div class="jp-RenderedSVG jp-OutputArea-output {{ extra_class }}" data-mime-type="image/svg+xml">
{{ output.data['image/svg+xml'] }}
</div>
{%- endblock data_svg -%}
{%- block extra_css -%}<style type="text/css">
.wb-header { border-left: 4px solid #1c7ed6; background: #f1f3f5; padding: 8px 14px; margin: 8px 0 16px 0; font-size: 13px; }
.wb-header table { border-collapse: collapse; }
.wb-header td { padding: 1px 10px 1px 0; vertical-align: top; }
.wb-note { color: #495057; font-style: italic; }
main { max-width: 1100px; margin: 0 auto; }
</style>{%- endblock extra_css -%}
"""
_WIDGET_NOTE = ('<p class="wb-note">Interactive panel: open this notebook in JupyterLab to move the controls; '
                'this chart shows the default parameters.</p>')
# Anything a browser would fetch: external scripts, stylesheets, images, fonts, frames, CSS imports.
_FETCH = re.compile(
    r"<(?:script|img|iframe|source|audio|video|embed)\b[^>]*\bsrc\s*=\s*[\"']?(?!data:)([^\"'\s>]+)"
    r"|<link\b[^>]*\bhref\s*=\s*[\"']?(?!data:)([^\"'\s>]+)"
    r"|@import\s+(?:url\()?[\"']?([^\"')\s;]+)"
    r"|url\(\s*[\"']?(?!data:|#)([^\"')\s]+)",
    re.IGNORECASE,
)


@dataclass
class ReportResult:
    """What :func:`render` wrote."""

    out: Path
    pages: list[Path]
    index: Path
    seconds: float
    pseudonymized: bool
    parameters: dict[str, Any] = field(default_factory=dict)

    def __str__(self) -> str:
        return f"{len(self.pages)} reports in {self.out} ({self.seconds:.0f} s); open {self.index}"


# -- execution ----------------------------------------------------------------------------------
def execute(notebook: str | Path, output: str | Path, parameters: Mapping[str, Any], *,
            timeout: int = 600, cwd: str | Path | None = None) -> nbformat.NotebookNode:
    """Execute one notebook with papermill; return the executed notebook.

    Raises
    ------
    ReportError
        A cell failed; the message names the notebook, the cell and the error.

    A cell that raises :class:`~workbench.errors.EmptyGraphError` (the data has no
    interaction graph for the chosen kinds and window) ends the notebook instead: the
    cells before it stay, the failing cell shows what the rest needs.
    """
    import papermill

    try:
        return papermill.execute_notebook(
            str(notebook), str(output), parameters=dict(parameters), kernel_name=KERNEL_NAME,
            progress_bar=False, log_output=False, request_save_on_cell_execute=False,
            execution_timeout=timeout, cwd=str(cwd) if cwd else None, extra_arguments=_KERNEL_ARGUMENTS)
    except papermill.PapermillExecutionError as error:
        if error.ename in _STOPS and Path(output).exists():
            return _stopped(nbformat.read(str(output), as_version=4), str(error.evalue))
        raise ReportError(f"notebook {Path(notebook).name} failed in cell {error.exec_count}: "
                          f"{error.ename}: {error.evalue}") from None


def _stopped(nb: nbformat.NotebookNode, message: str) -> nbformat.NotebookNode:
    """The notebook up to its first error, whose output becomes a note saying what the rest needs."""
    for position, cell in enumerate(nb.cells):
        if cell.cell_type == "code" and any(o.get("output_type") == "error" for o in cell.get("outputs", [])):
            kept = [o for o in cell.outputs if o.get("output_type") != "error"]
            kept.append(nbformat.v4.new_output("display_data", data={
                "text/html": _NEEDS_NOTE.format(message=html.escape(message)), "text/plain": message}))
            cell.outputs = kept
            nb.cells = nb.cells[:position + 1]
            break
    return nb


def _notebook_paths(names: Sequence[str] | None) -> list[Path]:
    chosen = list(names) if names is not None else list(NOTEBOOKS)
    paths = []
    for name in chosen:
        stem = Path(name).stem
        if stem not in NOTEBOOKS:
            raise ReportError(f"unknown notebook {name!r}; the notebooks are {', '.join(NOTEBOOKS)}")
        path = NOTEBOOKS_DIR / f"{stem}.ipynb"
        if not path.exists():
            raise ReportError(f"notebook {path} is missing from this installation")
        paths.append(path)
    return paths


# -- conversion -------------------------------------------------------------------------------
def _static_outputs(nb: nbformat.NotebookNode) -> None:
    """Drop what needs a kernel or a script: widget views and state, raw Vega specs, stderr."""
    nb.metadata.pop("widgets", None)
    for cell in nb.cells:
        if cell.cell_type != "code":
            continue
        kept = []
        for output in cell.get("outputs", []):
            if output.get("output_type") == "stream" and output.get("name") == "stderr":
                continue
            data = output.get("data")
            if data is not None:
                was_widget = WIDGET_VIEW in data
                for mimetype in (WIDGET_VIEW, *_DROPPED_MIMETYPES):
                    data.pop(mimetype, None)
                if was_widget:
                    if set(data) <= {"text/plain"}:
                        data.clear()
                        data["text/html"] = _WIDGET_NOTE
                    else:
                        data.pop("text/plain", None)
                output.get("metadata", {}).pop(WIDGET_VIEW, None)
            kept.append(output)
        cell.outputs = kept


def _header_cell(info: Mapping[str, Any]) -> nbformat.NotebookNode:
    rows = "".join(f"<tr><td><b>{html.escape(str(k))}</b></td><td>{html.escape(str(v))}</td></tr>"
                   for k, v in info.items())
    cell = nbformat.v4.new_markdown_cell(f'<div class="wb-header"><table>{rows}</table></div>')
    cell.metadata["tags"] = ["workbench-header"]
    return cell


def _injected_parameters(source: str) -> dict[str, Any]:
    """The literals papermill injected (``name = value`` lines), read back without running them."""
    import ast

    values: dict[str, Any] = {}
    for node in ast.parse(source).body:
        if isinstance(node, ast.Assign) and len(node.targets) == 1 and isinstance(node.targets[0], ast.Name):
            values[node.targets[0].id] = ast.literal_eval(node.value)
    return values


def _shown_parameters_source(parameters: Mapping[str, Any]) -> str:
    """The injected parameters cell as a report shows it: the workspace by its file name, never a path of the machine."""
    from papermill.translators import translate_parameters

    return translate_parameters(KERNEL_NAME, "python", dict(parameters),
                                "Parameters (the workspace by its file name only)")


def to_html(nb: nbformat.NotebookNode, *, code: bool = True, header: Mapping[str, Any] | None = None,
            pseudonymizer: Any = None, parameters: Mapping[str, Any] | None = None) -> str:
    """Render an executed notebook as one self-contained HTML page.

    Parameters
    ----------
    nb : NotebookNode
        An executed notebook (it is not modified).
    code : bool
        Show code cells; with False only text and results remain.
    header : mapping, optional
        Rows of the header table (dataset, parameters, time, version).
    pseudonymizer : Pseudonymizer, optional
        Applied to the injected parameters cell, which holds the raw parameters (focal accounts
        become pseudonyms, paths pseudonymised file names).
    parameters : mapping, optional
        The parameters as they may be shown (:meth:`Pseudonymizer.params`, ``db_path`` a file
        name): the injected parameters cell is written from these instead of the raw values
        papermill injected (an absolute path, raw focal accounts).
    """
    import jinja2
    from nbconvert import HTMLExporter

    nb = copy.deepcopy(nb)
    _static_outputs(nb)
    for cell in nb.cells:
        tags = cell.get("metadata", {}).get("tags", [])
        if "injected-parameters" in tags:
            shown = parameters
            if shown is None and pseudonymizer is not None:
                shown = pseudonymizer.params(_injected_parameters(cell.source))
            if shown is not None:
                cell.source = _shown_parameters_source(shown)
            if pseudonymizer is not None:
                cell.outputs = []
        # The defaults cell and papermill's injected cell are plumbing, not findings.
        if not code and ("parameters" in tags or "injected-parameters" in tags):
            cell.metadata.setdefault("transient", {})["remove_source"] = True
    if header:
        nb.cells.insert(0, _header_cell(header))
    exporter = HTMLExporter(template_name="lab", extra_loaders=[jinja2.DictLoader({_TEMPLATE_NAME: _TEMPLATE})],
                            template_file=_TEMPLATE_NAME, exclude_input=not code,
                            exclude_input_prompt=not code, exclude_output_prompt=True, embed_images=False)
    body, _ = exporter.from_notebook_node(nb)
    return body


def network_references(page: str) -> list[str]:
    """Every URL a browser would fetch to show ``page`` (scripts, styles, images, fonts, frames).

    >>> network_references('<img src="data:image/png;base64,AA"><script src="https://x.org/a.js"></script>')
    ['https://x.org/a.js']
    """
    found = []
    for match in _FETCH.finditer(page):
        url = next(g for g in match.groups() if g)
        found.append(url)
    return found


def _visible(page: str) -> str:
    """The page without its inline stylesheets and scripts (theme CSS and the network view's code name no
    account; the names the view draws are read from its table of nodes, which stays)."""
    return re.sub(r"<(style|script)\b.*?</\1>", " ", page, flags=re.DOTALL | re.IGNORECASE)


# -- pseudonymised reports: the leak scan --------------------------------------------------------
def _privacy_checks(db: Path, copy: Path, key: bytes) -> tuple[Any, Any]:
    """The pseudonymiser of the header and the parameters, and the scanner every page must pass.

    Both read the raw names from the report's snapshot ``copy`` of ``db`` (closed again before any
    session opens it). The scanner knows every name of the workspace, the loaded files, and the
    paths of the workspace, its snapshot and their folders.
    """
    import workbench as wb
    from workbench import privacy

    with wb.open(copy, read_only=True) as store:
        accounts = store.sql("SELECT account_id, handle, display_name FROM accounts").df()
        files = [row[0] for row in store.sql("SELECT DISTINCT path FROM loads").fetchall()]
    pseudonymizer = privacy.Pseudonymizer(accounts, key=key, files=[*files, db.name])
    local = [str(db), str(copy)] + [str(folder) for folder in (db.parent, copy.parent, Path.home())
                                    if len(folder.parts) > 2]
    return pseudonymizer, privacy.LeakScanner(accounts, files=[*files, db.name], paths=local)


# -- the whole report ---------------------------------------------------------------------------
def _span_text(first: Any, last: Any) -> str:
    """A time span as the header shows it; minutes where it is shorter than two days."""
    if first is None or last is None:
        return "no timestamps (neither posts nor interactions carry a time)"
    short = (last - first) < timedelta(days=2)
    form = "%Y-%m-%d %H:%M" if short else "%Y-%m-%d"
    return f"{first:{form}} to {last:{form}} (UTC)"


def _workspace_facts(db: Path, shown_name: str, session: Any) -> tuple[dict[str, Any], Any]:
    """Header facts and the accounts table, read from the report's snapshot through its session."""
    store = session.store
    counts = store.counts()
    platforms = store.query("info.platforms")["platform"].tolist()
    accounts = store.sql("SELECT account_id, handle, display_name FROM accounts").df()
    first, last = session.span
    facts = {
        "dataset": f"{shown_name}: {counts.get('accounts', 0):,} accounts, {counts.get('posts', 0):,} posts, "
                   f"{counts.get('interactions', 0):,} interactions ({', '.join(platforms) or 'no platform'})",
        "time span": _span_text(first, last) + ("" if counts.get("posts", 0) else ", from interactions (no posts)"),
        "period": session.period + (" (chosen from the time span)" if session.period_choice == "auto" else ""),
    }
    return facts, accounts


def render(db: str | Path, out: str | Path, *, pseudonymize: bool = False, code: bool = True,
           parameters: Mapping[str, Any] | None = None, notebooks: Sequence[str] | None = None,
           jobs: int = 2, timeout: int = 600, share: bool = True) -> ReportResult:
    """Execute every notebook against the workspace ``db`` and write one HTML page each into ``out``.

    Parameters
    ----------
    db : str or Path
        The workspace (opened read-only by each notebook; never written).
    out : str or Path
        Folder for the pages and ``index.html`` (created if missing).
    pseudonymize : bool
        Replace account identifiers by keyed pseudonyms everywhere (see
        :mod:`workbench.privacy`; the key is loaded, or made, outside ``out``).
    code : bool
        Include code cells (``--no-code`` turns this off).
    parameters : mapping, optional
        Further notebook parameters (``method``, ``resolution``, ``seed``,
        ``kinds``, ``since``, ``until``, ``focal_accounts``), over
        :data:`DEFAULT_PARAMETERS`.
    notebooks : sequence of str, optional
        A subset of :data:`NOTEBOOKS` (default all).
    jobs : int
        Notebooks executed at once (one kernel each).
    timeout : int
        Seconds one cell may run.
    share : bool
        Compute the partition and scores once for all notebooks (default); False lets each
        kernel compute its own (what reports did before; benchmarks/reports.py compares).

    Returns
    -------
    ReportResult

    Raises
    ------
    WorkspaceError
        ``db`` is missing or not a workspace.
    ReportError
        A notebook failed, or a page would fetch something from the network.
    PrivacyError
        A pseudonymised page still holds an identifier (nothing of it is written).
    """
    import workbench as wb
    from workbench import findings, privacy, snapshot
    from workbench import session as session_module

    started = time.perf_counter()
    db = Path(db).resolve()
    if not db.exists():
        raise WorkspaceError(f"workspace {db} does not exist; create it with `workbench load ... --db {db}`")
    unknown = set(parameters or {}) - set(DEFAULT_PARAMETERS)
    if unknown:
        raise ReportError(f"unknown notebook parameter(s) {', '.join(sorted(unknown))}; "
                          f"the parameters are {', '.join(DEFAULT_PARAMETERS)}")
    out = Path(out).resolve()
    out.mkdir(parents=True, exist_ok=True)
    # The kernels run in the snapshot's folder and open it by its bare name: no absolute path of this
    # machine reaches a notebook, and the name shown is the workspace's own.
    params = {**DEFAULT_PARAMETERS, **dict(parameters or {}), "db_path": db.name, "export_path": "",
              "pseudonymize": bool(pseudonymize)}
    key = None
    if pseudonymize:
        # The kernels load the same key (same environment); loading it here makes it if missing
        # and refuses a key file inside the report folder.
        key = privacy.load_key(forbid_under=out)
    paths = _notebook_paths(notebooks)

    with tempfile.TemporaryDirectory(prefix="workbench-report-") as scratch:
        copy = snapshot.take(db, Path(scratch) / db.name)
        pseudonymizer = scanner = None
        if pseudonymize:
            pseudonymizer, scanner = _privacy_checks(db, copy, key)
        shared_session = session_module.start(
            db_path=str(copy), **{k: params[k] for k in ("kinds", "since", "until", "method", "resolution", "seed",
                                                          "focal_accounts", "pseudonymize", "period")})
        try:
            facts, _ = _workspace_facts(copy, db.name, shared_session)
            if pseudonymizer is not None:  # the header's facts name the workspace, and no account
                facts = {name: pseudonymizer.file_names_in(value) for name, value in facts.items()}
            shown = pseudonymizer.params(params) if pseudonymizer else dict(params)
            header = {**facts,
                      "parameters": ", ".join(f"{k}={v!r}" for k, v in shown.items()
                                              if k not in ("db_path", "export_path")),
                      "generated": datetime.now(timezone.utc).strftime("%Y-%m-%d %H:%M UTC"),
                      "workbench": wb.__version__ + (" (pseudonymised)" if pseudonymize else "")}
            found: list = []

            def before_the_rest() -> None:
                # while the first notebooks run: the shared analysis, then the key findings read from it
                if share:
                    session_module.share(shared_session)
                found.extend(findings.collect(shared_session, pages=[path.stem for path in paths]))

            executed = _execute_all(paths, Path(scratch), params, jobs=jobs, timeout=timeout,
                                    before_the_rest=before_the_rest)
        finally:
            shared_session.close()

    pages = []
    rendered = []
    for path, nb in zip(paths, executed):
        page = to_html(nb, code=code, header={"report": path.stem, **header}, pseudonymizer=pseudonymizer,
                       parameters=shown)
        fetched = network_references(page)
        if fetched:
            raise ReportError(f"report {path.stem} would fetch {fetched[0]} from the network; "
                              "a report must be self-contained")
        if scanner is not None:
            leaks = scanner.scan_page(page)
            if leaks:
                raise PrivacyError(f"report {path.stem} still shows account identifiers "
                                   f"({'; '.join(str(leak) for leak in leaks[:5])}); nothing was written for it")
        rendered.append((out / f"{path.stem}.html", page))
    index = out / "index.html"
    index_page = findings.index_page([target.name for target, _ in rendered], header, found)
    fetched = network_references(index_page)
    if fetched:
        raise ReportError(f"the index page would fetch {fetched[0]} from the network")
    if scanner is not None:
        leaks = scanner.scan_page(index_page)
        if leaks:
            raise PrivacyError(f"the index page still shows account identifiers "
                               f"({'; '.join(str(leak) for leak in leaks[:5])}); nothing was written for it")
    for target, page in rendered:
        target.write_text(page, encoding="utf-8")
        pages.append(target)
    index.write_text(index_page, encoding="utf-8")
    return ReportResult(out=out, pages=pages, index=index, seconds=time.perf_counter() - started,
                        pseudonymized=bool(pseudonymize), parameters=shown)


def _execute_all(paths: Sequence[Path], scratch: Path, params: Mapping[str, Any], *, jobs: int, timeout: int,
                 before_the_rest: Any) -> list[nbformat.NotebookNode]:
    """Execute the notebooks in ``scratch``; ``before_the_rest()`` runs once the independent ones have started.

    One process per running notebook, not threads: nbclient clients sharing a process's zmq and
    asyncio state were seen to wait forever on an idle kernel.
    """
    outputs = {path: scratch / "executed" / path.name for path in paths}
    outputs[paths[0]].parent.mkdir(exist_ok=True) if paths else None
    first = [p for p in paths if p.stem in _INDEPENDENT]
    rest = [p for p in paths if p.stem not in _INDEPENDENT]
    if jobs <= 1:
        before_the_rest()
        return [execute(path, outputs[path], params, timeout=timeout, cwd=scratch) for path in paths]
    context = multiprocessing.get_context("spawn")
    with ProcessPoolExecutor(max_workers=jobs, mp_context=context) as pool:
        futures = {path: pool.submit(execute, path, outputs[path], params, timeout=timeout, cwd=scratch)
                   for path in first}
        before_the_rest()
        futures.update({path: pool.submit(execute, path, outputs[path], params, timeout=timeout, cwd=scratch)
                        for path in rest})
        return [futures[path].result(timeout=timeout * len(paths)) for path in paths]


def render_all(db: str | Path, out: str | Path, *, pseudonymize: bool = False, include_code: bool = True,
               parameters: Mapping[str, Any] | None = None) -> list[Path]:
    """:func:`render`, returning the pages written followed by ``index.html``."""
    result = render(db, out, pseudonymize=pseudonymize, code=include_code, parameters=parameters)
    return [*result.pages, result.index]
