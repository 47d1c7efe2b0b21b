"""House rules that a test can check: dependencies agree, notebooks are clean, imports form floors."""

from __future__ import annotations

import ast
import json
import re
import tomllib
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
# conda-forge names that differ from PyPI's
CONDA_NAMES = {"igraph": "python-igraph"}


def _name(requirement: str) -> str:
    return re.split(r"[<>=!~\[ ;]", requirement.strip(), maxsplit=1)[0].lower()


def test_environment_yml_lists_the_same_packages_as_pyproject():
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    extras = project["optional-dependencies"]
    assert sorted(extras) == ["dev", "spark"]
    pypi = {CONDA_NAMES.get(_name(r), _name(r)): r for r in project["dependencies"] + extras["dev"] + extras["spark"]}
    conda = {}
    text = (ROOT / "environment.yml").read_text()
    for line in text[text.index("dependencies:"):].splitlines():
        m = re.match(r"^\s+-\s+([A-Za-z0-9_.-]+)(.*)$", line)
        if m and m.group(1) not in {"python", "pip"}:
            conda[m.group(1).lower()] = m.group(1) + m.group(2).strip()
    assert sorted(conda) == sorted(pypi)
    for name, requirement in pypi.items():
        pins = requirement[len(_name(requirement)):].replace(" ", "")
        assert conda[name].endswith(pins), f"{name}: pyproject says {pins!r}, environment.yml {conda[name]!r}"


def test_spark_is_an_extra_not_a_dependency_of_every_install():
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    assert {_name(r) for r in project["optional-dependencies"]["spark"]} == {"pyspark", "sqlglot"}
    everything_else = project["dependencies"] + project["optional-dependencies"]["dev"]
    assert not {"pyspark", "sqlglot"} & {_name(r) for r in everything_else}
    assert '".[dev,spark]"' in (ROOT / "Makefile").read_text()


def test_dependencies_have_lower_bounds_and_majors_are_capped():
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    for requirement in project["dependencies"]:
        assert ">=" in requirement, f"{requirement} has no lower bound"
    capped = {_name(r) for r in project["dependencies"] if "<" in r}
    assert {"duckdb", "igraph", "pandas"} <= capped


EXPECTED_NOTEBOOKS = ["01_load_and_explore", "02_communities", "03_influencers_vs_networkers",
                      "04_community_health", "05_workshop", "06_campaigns"]


@pytest.mark.parametrize("name", EXPECTED_NOTEBOOKS)
def test_notebooks_are_committed_clean_with_a_parameters_cell(name):
    path = ROOT / "notebooks" / f"{name}.ipynb"
    assert path.exists(), f"{path} is missing"
    notebook = json.loads(path.read_text())
    cells = notebook["cells"]
    tagged = [c for c in cells if "parameters" in c.get("metadata", {}).get("tags", [])]
    assert len(tagged) == 1, "exactly one cell tagged 'parameters'"
    for cell in cells:
        if cell["cell_type"] == "code":
            assert cell.get("outputs") == [] and cell.get("execution_count") is None, "outputs must be stripped"
    # parameters are literals only
    tree = ast.parse("".join(tagged[0]["source"]))
    for node in tree.body:
        assert isinstance(node, ast.Assign), "the parameters cell holds assignments only"
        ast.literal_eval(node.value)


# Data flows one way (docs/architecture.md): who may import whom (workbench modules only).
FLOORS = {
    "errors": 0, "sql": 0, "store": 0, "schema": 0, "resources": 0, "checks": 0, "tables": 0, "export_xml": 0, "containment": 0,
    "ingest": 1, "graphs": 1, "datasets": 1, "privacy": 1, "spark": 1,  # same floor may import each other
    "content": 1, "hashtag_graphs": 1, "graph_tables": 1,
    "communities": 2, "roles": 2, "metrics": 2, "export": 2, "campaigns": 2, "export_tables": 2, "attributes": 2,
    "focal": 2, "findings": 2,
    "viz": 0,
    "widgets": 3, "session": 3, "snapshot": 3, "network_page": 3,
    "reports": 4, "cli": 4, "__init__": 4,
}


def test_every_module_has_a_floor():
    """A new module gets its place in the flow, or the floor check would silently skip it."""
    modules = {p.stem for p in (ROOT / "workbench").glob("*.py")} | {
        p.name for p in (ROOT / "workbench").iterdir() if p.is_dir() and (p / "__init__.py").exists()}
    assert sorted(modules - set(FLOORS)) == []


def _module_of(path: Path) -> str:
    parts = path.relative_to(ROOT / "workbench").with_suffix("").parts
    return parts[0]


def test_imports_form_floors():
    problems = []
    for path in (ROOT / "workbench").rglob("*.py"):
        mine = _module_of(path)
        if mine not in FLOORS:
            continue
        for node in ast.walk(ast.parse(path.read_text())):
            names = []
            if isinstance(node, ast.ImportFrom) and node.module and node.module.startswith("workbench"):
                names = [node.module] + ([f"{node.module}.{a.name}" for a in node.names] if node.module == "workbench" else [])
            elif isinstance(node, ast.Import):
                names = [a.name for a in node.names if a.name.startswith("workbench")]
            for name in names:
                parts = name.split(".")
                if len(parts) < 2 or parts[1] not in FLOORS:
                    continue
                target = parts[1]
                if target == mine:
                    continue
                if mine == "viz" and target != "errors":
                    problems.append(f"{path.name}: viz imports only errors, not {target}")
                elif FLOORS[target] > FLOORS[mine] and mine not in {"reports", "cli", "__init__"}:
                    problems.append(f"{path.relative_to(ROOT)} imports {name} (floor {FLOORS[target]} >= {FLOORS[mine]})")
    assert not problems, "\n".join(problems)


def test_only_viz_imports_altair_and_only_widgets_imports_ipywidgets():
    for path in (ROOT / "workbench").rglob("*.py"):
        text = path.read_text()
        module = _module_of(path)
        if re.search(r"^\s*(import|from)\s+altair", text, re.MULTILINE):
            assert module == "viz", f"{path} imports altair"
        if re.search(r"^\s*(import|from)\s+ipywidgets", text, re.MULTILINE):
            assert module == "widgets", f"{path} imports ipywidgets"
