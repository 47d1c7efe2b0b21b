"""Shared fixtures.

Real exports live outside the project, in the folder ``WORKBENCH_SHARED_DATA`` names (by default a
``shared/data`` folder beside the checkout; each export with a SOURCE.md); tests that use
it take the ``shared_data`` fixture and skip cleanly where it is absent. Nothing from there is copied
into the project.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

PROJECT_ROOT = Path(__file__).resolve().parent.parent
SHARED_DATA = Path(os.environ.get("WORKBENCH_SHARED_DATA", PROJECT_ROOT.parent / "shared" / "data"))
ARTIFACTS = PROJECT_ROOT / "tests" / "artifacts"


@pytest.fixture(scope="session")
def shared_data() -> Path:
    """The folder of real test data (``SHARED_DATA``); skips the test when it is absent."""
    if not SHARED_DATA.is_dir():
        pytest.skip(f"real test data not found at {SHARED_DATA}")
    return SHARED_DATA


def shared_file(shared: Path, *parts: str) -> Path:
    """A file under the shared data folder, skipping when that one file is missing."""
    path = shared.joinpath(*parts)
    if not path.exists():
        pytest.skip(f"{path} not found")
    return path


def write_jsonl(path: Path, lines: list[str]) -> Path:
    """``lines`` written one a line (UTF-8) at ``path``."""
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def load_rejecting(store, path: Path) -> tuple[object, list[tuple[int, str]]]:
    """Load ``path`` leniently: the load report and the (line_no, reason) of every reject, in line order."""
    import workbench as wb

    report = wb.load(store, path)
    return report, store.sql("SELECT line_no, reason FROM rejects ORDER BY line_no, reason").fetchall()


@pytest.fixture(scope="session")
def artifacts_dir() -> Path:
    """Where tests leave screenshots and other artefacts for a person to look at."""
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    return ARTIFACTS


@pytest.fixture
def store():
    """A fresh in-memory workspace."""
    import workbench as wb

    with wb.open(":memory:") as workspace:
        yield workspace


# Session fixtures of the notebook, report and browser tests (executed notebooks, rendered reports).
pytest_plugins = ["report_fixtures"]


@pytest.fixture(scope="session")
def spark():
    """The one local SparkSession of a test run (``local[2]``, offline), for every ``spark`` test module."""
    pytest.importorskip("pyspark")
    from workbench.spark.session import get_session

    session = get_session("local[2]", driver_memory="1g")
    yield session
    session.stop()
