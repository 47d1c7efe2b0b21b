"""The package as a user installs it: a wheel built from a clean copy carries the queries and notebooks,
and installed into a fresh virtual environment outside the repository it runs ``workbench demo``.

The fresh environment gets the wheel alone; the dependencies come from the environment running the tests
(a ``.pth`` line naming its site-packages, and its Jupyter data files: nbconvert's templates), so the
test runs offline. Its kernel is the fresh environment's own Python, so the notebooks import the
installed package too.
"""

from __future__ import annotations

import ast
import os
import site
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from workbench import reports, resources, sql

ROOT = Path(__file__).resolve().parent.parent


def _tracked_files() -> list[str]:
    """What a clean clone holds, as it is in this working tree (new files not yet committed included)."""
    try:
        listed = subprocess.run(["git", "ls-files", "-z", "--cached", "--others", "--exclude-standard"],
                                cwd=ROOT, capture_output=True, check=True).stdout
    except (OSError, subprocess.CalledProcessError):
        pytest.skip("not a git checkout: no clean copy to build from")
    return [name for name in listed.decode().split("\0") if name and (ROOT / name).is_file()]


def _expected_resources() -> set[str]:
    return {f"workbench/{resources.BUNDLED}/{path.relative_to(ROOT).as_posix()}"
            for folder, pattern in resources.FOLDERS.items() for path in (ROOT / folder).rglob(pattern)
            if ".ipynb_checkpoints" not in path.parts}


def test_resources_resolve_in_the_checkout():
    assert resources.checkout_root() == ROOT
    assert sql.QUERIES_DIR == ROOT / "queries" and reports.NOTEBOOKS_DIR == ROOT / "notebooks"
    with pytest.raises(ValueError, match="queries, notebooks"):
        resources.folder("tests")


def test_setup_py_bundles_the_folders_resources_reads():
    tree = ast.parse((ROOT / "setup.py").read_text())
    (bundled,) = [node.value for node in tree.body if isinstance(node, ast.Assign)
                  and [t.id for t in node.targets if isinstance(t, ast.Name)] == ["BUNDLED"]]
    assert ast.literal_eval(bundled) == resources.FOLDERS


def test_no_module_finds_files_through_its_own_path():
    offenders = [str(path.relative_to(ROOT)) for path in (ROOT / "workbench").rglob("*.py")
                 if path.name != "resources.py" and ("parent.parent" in path.read_text() or
                                                      "parents[" in path.read_text())]
    assert offenders == [], "resolve package files with workbench.resources"


@pytest.fixture(scope="module")
def wheel(tmp_path_factory) -> Path:
    clean = tmp_path_factory.mktemp("clean")
    for name in _tracked_files():
        target = clean / "src" / name
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes((ROOT / name).read_bytes())
    dist = clean / "dist"
    subprocess.run([sys.executable, "-m", "pip", "wheel", "--quiet", "--no-deps", "--no-build-isolation",
                    "--no-index", "-w", str(dist), str(clean / "src")], check=True, capture_output=True)
    (built,) = dist.glob("community_workbench-*.whl")
    return built


@pytest.mark.slow
def test_the_wheel_carries_every_query_and_notebook(wheel):
    names = set(zipfile.ZipFile(wheel).namelist())
    expected = _expected_resources()
    assert len([n for n in expected if n.endswith(".sql")]) >= 40
    assert len([n for n in expected if n.endswith(".ipynb")]) == len(reports.NOTEBOOKS)
    assert expected <= names, sorted(expected - names)
    assert "workbench/network_view.js" in names  # the network view's script, inlined into report pages
    assert not [n for n in names if n.startswith(("tests/", "benchmarks/", "queries/", "notebooks/"))]


def _fresh_environment(where: Path) -> Path:
    """A venv holding nothing of its own; the running environment's packages are visible through a .pth."""
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(where)], check=True)
    python = where / "bin" / "python"
    purelib = subprocess.run([str(python), "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
                             capture_output=True, text=True, check=True).stdout.strip()
    Path(purelib, "dependencies.pth").write_text("\n".join(site.getsitepackages()) + "\n")
    # the dependencies' Jupyter data files (nbconvert's templates); not their kernels: the fresh Python is the kernel
    data = Path(sys.prefix, "share", "jupyter")
    if data.is_dir():
        (where / "share" / "jupyter").mkdir(parents=True)
        for entry in data.iterdir():
            if entry.name != "kernels":
                (where / "share" / "jupyter" / entry.name).symlink_to(entry)
    return python


@pytest.mark.slow
def test_the_installed_wheel_runs_the_demo_outside_the_repository(wheel, tmp_path):
    python = _fresh_environment(tmp_path / "venv")
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PYTHON", "JUPYTER", "VIRTUAL_ENV"))}
    # --no-index: every dependency must already be satisfied, else pip says which is missing
    subprocess.run([sys.executable, "-m", "pip", "--python", str(python), "install", "--quiet", "--no-index",
                    str(wheel)], check=True, env=env, capture_output=True)
    work = tmp_path / "elsewhere"
    work.mkdir()
    where = subprocess.run(
        [str(python), "-c", "import workbench, workbench.sql as s, workbench.reports as r; "
                            "print(workbench.__file__); print(s.QUERIES_DIR); print(r.NOTEBOOKS_DIR)"],
        cwd=work, env=env, capture_output=True, text=True, check=True).stdout.split()
    installed = tmp_path / "venv"
    assert all(Path(p).is_relative_to(installed) for p in where), where
    done = subprocess.run([str(installed / "bin" / "workbench"), "demo"], cwd=work, env=env,
                          capture_output=True, text=True, timeout=600)
    assert done.returncode == 0, done.stderr[-3000:]
    # the demo writes into the current directory: data/ (sample export, workspace) and reports/
    assert (work / "data" / "demo.duckdb").is_file()
    assert (work / "data" / "sample" / "brand_community.jsonl.gz").is_file()
    pages = sorted(p.stem for p in (work / "reports").glob("*.html"))
    assert pages == sorted([*reports.NOTEBOOKS, "index"])
    assert "accounts" in done.stdout and "interactions" in done.stdout
    # the kernels' log stays out of the demo's output
    assert "IPKernelApp" not in done.stderr and "KeyboardInterrupt" not in done.stderr + done.stdout, done.stderr


def test_the_spark_engine_without_its_extra_says_what_to_install(tmp_path):
    # as if pyspark were not installed: find_spec answers None for it
    code = ("import importlib.util as u; real = u.find_spec; "
            "u.find_spec = lambda name, *a: None if name == 'pyspark' else real(name, *a); "
            "from workbench import cli; "
            f"raise SystemExit(cli.main(['load', {str(tmp_path / 'edges.csv')!r}, '--db', "
            f"{str(tmp_path / 'w.duckdb')!r}, '--engine', 'spark']))")
    (tmp_path / "edges.csv").write_text("source,target\na,b\n")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=tmp_path)
    assert done.returncode != 0
    assert "pip install 'community-workbench[spark]'" in done.stderr and "pyspark" in done.stderr
    assert "Traceback" not in done.stderr
