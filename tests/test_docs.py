"""The documentation in docs/ keeps up with the code, and nothing in the repository points outside it.

- every table and column of a fresh workspace has its place in docs/schema.md;
- every score and metric column the code produces (computed here on the tiny export, with a community
  run, focal accounts and a campaign, so that every optional column appears) is described in
  docs/scores.md or docs/metrics.md;
- the loader contract of docs/formats.md is what the code has: every registered format follows it, and
  both stage contexts (DuckDB and Spark) implement its protocol;
- the README and the docs link pages and anchors that exist;
- no file refers to a design document or data folder outside the repository.
"""

from __future__ import annotations

import dataclasses
import inspect
import re
import subprocess
import warnings
from pathlib import Path

import pytest

import workbench as wb
from workbench import campaigns, communities, content, export_tables, hashtag_graphs, metrics, roles
from workbench.datasets import karate
from workbench.ingest import contract
from workbench.ingest.formats import FORMATS
from workbench.ingest.context import StageContext
from workbench.roles._examples import tiny_store

ROOT = Path(__file__).resolve().parent.parent
DOCS = ROOT / "docs"


def _text(name: str) -> str:
    return (DOCS / name).read_text(encoding="utf-8")


def _sections(markdown: str) -> dict[str, str]:
    """``## `name` `` heading -> the text up to the next heading of that level or higher."""
    parts = re.split(r"^(#{1,2} .*)$", markdown, flags=re.MULTILINE)
    sections = {}
    for heading, body in zip(parts[1::2], parts[2::2]):
        found = re.fullmatch(r"## `(\w+)`", heading.strip())
        if found:
            sections[found.group(1)] = body
    return sections


def _described(name: str, text: str) -> bool:
    return f"`{name}`" in text or re.search(rf"`[^`\n]*\b{re.escape(name)}\b[^`\n]*`", text) is not None


def test_schema_page_describes_every_table_and_column():
    sections = _sections(_text("schema.md"))
    with wb.open(":memory:") as store:
        tables = [t for (t,) in store.sql(
            "SELECT table_name FROM information_schema.tables WHERE table_schema = 'main' "
            "AND table_type = 'BASE TABLE' ORDER BY table_name").fetchall()]
        assert set(wb.store.TABLES) <= set(tables)
        missing = []
        for table in tables:
            if table not in sections:
                missing.append(f"table {table}: no '## `{table}`' section")
                continue
            columns = [c for (c,) in store.sql(
                "SELECT column_name FROM information_schema.columns WHERE table_schema = 'main' "
                "AND table_name = $t ORDER BY ordinal_position", {"t": table}).fetchall()]
            rows = {m.group(1) for m in re.finditer(r"^\| `(\w+)` \|", sections[table], flags=re.MULTILINE)}
            missing += [f"{table}.{column}" for column in columns if column not in rows]
    assert not missing, "docs/schema.md lacks: " + ", ".join(missing)
    assert len(tables) >= 12


def _fields(value) -> list[str]:
    return [f.name for f in dataclasses.fields(value)]


@pytest.fixture(scope="module")
def produced() -> dict[str, list[str]]:
    """Every score and metric column the code produces, by where it comes from."""
    store = tiny_store()
    graph = wb.graph(store)
    partition = communities.detect(graph, seed=0)
    run = store.save_partition(partition.to_frame(), method="leiden")
    campaigns.add(store, "middle week", start="2022-03-14", end="2022-03-21")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        scores = roles.score(store, run_id=run, focal="@brewco", save=False)
    quality = communities.quality(graph, partition)
    stability = communities.stability(karate(), "leiden", seeds=[0, 1])
    tracking = communities.track(store, windows="week", directed=False)
    found = {
        "roles.score": list(scores.columns),
        "roles.SCORE_COLUMNS": list(roles.SCORE_COLUMNS),
        "roles.advocates": list(roles.advocates(store, "@brewco").columns),
        "roles.disagreement": list(roles.disagreement(scores).columns),
        "metrics.responsiveness": list(metrics.responsiveness(store, focal="@brewco", run_id=run).columns),
        "communities.quality": _fields(quality) + list(quality.communities.columns),
        "communities.compare": _fields(communities.compare(partition, partition)),
        "communities.stability": _fields(stability) + list(stability.consensus.columns),
        "communities.sweep": list(communities.sweep(karate(), [1.0], seeds=[0, 1]).columns),
        "communities.track": [c for table in (tracking.windows, tracking.matches, tracking.events)
                              for c in table.columns],
        "campaigns.compare": list(campaigns.compare(store, "middle week").reset_index().columns),
        "campaigns.retained": list(campaigns.retained(store, "middle week").columns),
        "campaigns.detect": list(campaigns.detect(store, save=False).columns),
        "campaigns.daily": list(campaigns.daily(store).columns),
        "campaigns.overview": list(campaigns.overview(store).columns),
    }
    members = partition.to_frame()
    for function in (content.top_posts, content.top_links, content.top_hashtags, content.distinctive_terms):
        found[f"content.{function.__name__}"] = list(function(store, members).columns)
    two_mode = hashtag_graphs.account_hashtag(store)
    found["hashtag_graphs"] = two_mode.vs.attributes() + two_mode.es.attributes()
    found["export_tables"] = (list(export_tables.node_table(graph, partition, scores).columns)
                              + list(export_tables.edge_table(store, graph).columns))
    for function in (metrics.engagement, metrics.growth, metrics.activity, metrics.retention, metrics.churn,
                     metrics.density):
        found[f"metrics.{function.__name__}"] = list(function(store, run_id=run).columns)
    store.close()
    return found


def test_every_score_and_metric_column_is_described(produced):
    text = _text("scores.md") + _text("metrics.md")
    missing = [f"{origin}: {column}" for origin, columns in produced.items() for column in columns
               if not _described(column, text)]
    assert not missing, "docs/scores.md and docs/metrics.md lack: " + ", ".join(missing)
    assert len(produced["roles.score"]) > 30 and "churn_rate" in produced["metrics.churn"]


def test_every_saved_score_column_is_described():
    """account_scores keeps columns of older scoring runs too: each is explained on the scores page."""
    text = _text("scores.md")
    with wb.open(":memory:") as store:
        columns = [c for (c,) in store.sql("SELECT column_name FROM information_schema.columns "
                                           "WHERE table_name = 'account_scores'").fetchall()]
    assert not [c for c in columns if c not in {"run_id", "community_run_id", "account_id", "params", "created_at"}
                and not _described(c, text)]


@pytest.mark.parametrize("format_id", sorted(FORMATS))
def test_every_format_follows_the_loader_contract(format_id):
    module = FORMATS[format_id]
    assert contract.check_loader(module) == []
    assert module.NAME == format_id


def test_check_loader_names_what_a_module_gets_wrong():
    import types

    broken = types.ModuleType("broken")
    broken.NAME, broken.PLATFORM, broken.LAYOUT, broken.sniff, broken.TAKES_KIND = "x", "", "rows", "yes", 1
    assert contract.check_loader(broken) == [
        "stage: missing", "PLATFORM: expected a non-empty string or None, got ''",
        "LAYOUT: expected one of lines, document, got 'rows'", "sniff: expected a function",
        "TAKES_KIND: expected True or False, got 1"]


def _signature(function) -> list[tuple[str, object]]:
    return [(p.name, p.kind) for p in inspect.signature(function).parameters.values()]


def test_both_stage_contexts_implement_the_loader_protocol():
    from workbench.spark.runner import SparkStageContext  # imports no pyspark at module level

    with wb.open(":memory:") as store:
        duck = StageContext(store, 1, "edges.csv", "csv", False)
        spark = SparkStageContext(None, 1, "edges.csv", "csv", False)
        assert isinstance(duck, contract.LoaderContext) and isinstance(duck, contract.DuckDBLoaderContext)
        assert isinstance(spark, contract.LoaderContext) and not isinstance(spark, contract.DuckDBLoaderContext)
        for method in ("run", "sql", "scalar"):
            expected = _signature(getattr(contract.LoaderContext, method))
            assert _signature(getattr(StageContext, method)) == expected, method
            assert _signature(getattr(SparkStageContext, method)) == expected, method
        assert duck.scalar("SELECT $platform || ':' || $n", n=7) == "csv:7"


def test_formats_page_lists_the_contract():
    text = _text("formats.md")
    names = [*contract.REQUIRED, *contract.OPTIONAL, *contract.LoaderContext.__annotations__, "run", "sql", "scalar",
             *contract.DuckDBLoaderContext.__annotations__, "con"]
    assert not [name for name in names if not _described(name, text)]


def _anchor(heading: str) -> str:
    """GitHub's anchor of a heading: lower case, punctuation dropped, spaces as hyphens."""
    return re.sub(r"[^\w\- ]", "", heading.strip().lower()).replace(" ", "-")


def test_links_of_the_readme_and_the_docs_resolve():
    pages = [ROOT / "README.md", ROOT / "data" / "README.md", *sorted(DOCS.glob("*.md"))]
    readme = pages[0].read_text(encoding="utf-8")
    for page in sorted(DOCS.glob("*.md")):
        assert f"docs/{page.name}" in readme, f"README does not link docs/{page.name}"
    broken = []
    for page in pages:
        for target in re.findall(r"\]\(([^)\s]+)\)", page.read_text(encoding="utf-8")):
            if re.match(r"[a-z]+:", target):
                continue
            path, _, anchor = target.partition("#")
            linked = (page.parent / path).resolve() if path else page
            if not linked.exists():
                broken.append(f"{page.name}: {target}")
            elif anchor and linked.suffix == ".md":
                headings = re.findall(r"^#+ (.*)$", linked.read_text(encoding="utf-8"), flags=re.MULTILINE)
                if anchor not in {_anchor(h) for h in headings}:
                    broken.append(f"{page.name}: {target} (no such heading)")
    assert not broken, broken


def test_data_readme_names_what_the_demo_writes():
    from workbench import cli
    from workbench.datasets.sample import SAMPLE_FILE

    text = (ROOT / "data" / "README.md").read_text(encoding="utf-8")
    demo = cli.build_parser().parse_args(["demo"])
    assert Path(demo.db).parent.name == "data" and Path(demo.db).name in text
    assert Path(demo.data).name + "/" + SAMPLE_FILE in text


def _repository_files() -> list[Path]:
    """The files of the repository: git's (tracked, and untracked but not ignored), else every file."""
    try:
        listed = subprocess.run(["git", "ls-files", "--cached", "--others", "--exclude-standard", "-z"], cwd=ROOT,
                                capture_output=True, check=True).stdout.decode().split("\0")
        return [ROOT / name for name in listed if name and (ROOT / name).is_file()]
    except (OSError, subprocess.CalledProcessError):
        skip = {".git", ".venv", "data", "reports", "__pycache__", ".pytest_cache", ".hypothesis", "build", "dist"}
        return [p for p in ROOT.rglob("*") if p.is_file() and not skip & set(p.relative_to(ROOT).parts)]


def test_nothing_points_outside_the_repository():
    outside = ["DESIGN" + ".md", ".." + "/shared", "/work" + "/shared"]
    found = []
    for path in _repository_files():
        try:
            text = path.read_text(encoding="utf-8")
        except (UnicodeDecodeError, OSError):
            continue
        found += [f"{path.relative_to(ROOT)}: {needle}" for needle in outside if needle in text]
    assert not found, found
