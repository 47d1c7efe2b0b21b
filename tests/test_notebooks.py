"""The notebooks: thin, parameterized, outputs stripped; executed on two workspaces without writing to them."""

from __future__ import annotations

import ast
import hashlib
import re
from pathlib import Path

import nbformat
import pytest

from workbench import reports



def notebook(name: str) -> nbformat.NotebookNode:
    return nbformat.read(reports.NOTEBOOKS_DIR / f"{name}.ipynb", as_version=4)


def parameters_of(nb: nbformat.NotebookNode) -> dict:
    cells = [c for c in nb.cells if "parameters" in c.metadata.get("tags", [])]
    assert len(cells) == 1, "exactly one cell tagged parameters"
    values = {}
    for node in ast.parse(cells[0].source).body:
        assert isinstance(node, ast.Assign) and len(node.targets) == 1, ast.dump(node)
        values[node.targets[0].id] = ast.literal_eval(node.value)  # literals only
    return values


@pytest.mark.parametrize("name", reports.NOTEBOOKS)
def test_notebook_is_stripped_and_parameterized(name):
    nb = notebook(name)
    code = [c for c in nb.cells if c.cell_type == "code"]
    assert all(c.outputs == [] and c.execution_count is None for c in code), "outputs stripped"
    assert code[0].metadata.get("tags") == ["parameters"], "the first code cell holds the parameters"
    assert parameters_of(nb) == reports.DEFAULT_PARAMETERS
    assert nb.metadata["kernelspec"]["name"] == "python3"


@pytest.mark.parametrize("name", reports.NOTEBOOKS)
def test_notebook_is_thin_and_never_writes(name):
    source = "\n".join(c.source for c in notebook(name).cells if c.cell_type == "code")
    for forbidden in ("save_partition", "wb.load(", "INSERT", "read_only=False", "save=True", "to_csv(",
                      "open(", "os.chdir", "__file__"):
        assert forbidden not in source, forbidden
    # Logic lives in the package: no function longer than a few lines, no loops over rows.
    assert "iterrows" not in source and "itertuples" not in source
    assert len(source.splitlines()) < 120


def test_shared_cells_are_identical():
    """The notebooks are the source: their parameters cells and start-up cells must not drift apart."""
    first_cells = [[c.source for c in notebook(name).cells if c.cell_type == "code"][:2] for name in reports.NOTEBOOKS]
    parameters_cells = {cells[0] for cells in first_cells}
    assert len(parameters_cells) == 1, "the parameters cells differ between notebooks"
    start = first_cells[0][1]
    assert start.startswith("import workbench as wb\n") and "session.start(" in start
    for name, cells in zip(reports.NOTEBOOKS, first_cells):
        assert cells[1].startswith(start), f"{name}: the start-up cell differs from 01's"


def solutions(name: str) -> list[str]:
    """The Python code of each folded-away exercise solution of a notebook."""
    text = "\n".join(c.source for c in notebook(name).cells if c.cell_type == "markdown")
    return re.findall(r"<details><summary>Solution</summary>\s*```python\n(.*?)```", text, flags=re.DOTALL)


def test_every_exercise_has_a_solution():
    assert len(solutions("05_workshop")) == 4


@pytest.mark.notebooks
def test_every_exercise_solution_runs(sample_db, tmp_path):
    """The workshop with each solution appended as a cell, executed on the sample as a participant would."""
    nb = notebook("05_workshop")
    nb.cells.extend(nbformat.v4.new_code_cell(code) for code in solutions("05_workshop"))
    source = tmp_path / "05_workshop_solved.ipynb"
    nbformat.write(nb, source)
    executed = reports.execute(source, tmp_path / "out.ipynb", {"db_path": str(sample_db)})
    for cell in executed.cells[-4:]:
        assert not [o for o in cell.outputs if o.get("output_type") == "error"], cell.source
        assert cell.outputs, f"a solution shows nothing: {cell.source}"


# -- executed (once per session, by the report fixtures) --------------------------------------------
def sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


@pytest.mark.notebooks
def test_every_notebook_runs_on_the_sample(sample_report, sample_db):
    assert [p.stem for p in sample_report.pages] == list(reports.NOTEBOOKS)
    # Computed in memory: the workspace holds nothing but loads afterwards.
    import workbench as wb

    with wb.open(sample_db, read_only=True) as store:
        counts = store.counts()
    assert counts["community_runs"] == 0 and counts["memberships"] == 0 and counts["account_scores"] == 0
    assert counts["loads"] == 1


@pytest.mark.notebooks
def test_every_notebook_runs_with_other_parameters(second_report, second_db):
    assert [p.stem for p in second_report.pages] == list(reports.NOTEBOOKS)
    communities_page = (second_report.out / "02_communities.html").read_text(encoding="utf-8")
    assert "louvain, resolution 2.0:" in communities_page
    assert re.search(r"[\d,]+ accounts and [\d,]+ weighted edges from reply, share, mention", communities_page)
    # since/until narrow the weekly activity chart to the weeks starting 2022-03-07, -14 and -21.
    explore = (second_report.out / "01_load_and_explore.html").read_text(encoding="utf-8")
    activity_chart = next(svg for svg in re.findall(r"<svg.*?</svg>", explore, flags=re.DOTALL)
                          if "Collected posts per week" in svg)
    assert "2022-03-21" in activity_chart and "2022-03-28" not in activity_chart


@pytest.mark.notebooks
def test_workspace_files_are_not_modified(sample_report, sample_db, second_report, second_db):
    from report_fixtures import CREATED

    for db in (sample_db, second_db):
        assert sha256(db) == CREATED[db]
