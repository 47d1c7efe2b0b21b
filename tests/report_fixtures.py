"""Session-scoped fixtures shared by the notebook, report and browser tests (a pytest plugin).

Every notebook is executed twice per test session, once per report:

- ``sample_report``: the bundled sample (default generator arguments) as a workspace,
  every notebook with the default parameters, pseudonymised (the privacy and browser
  tests read these pages);
- ``second_report``: a smaller, differently seeded sample with non-default parameters
  (kinds, window, method, resolution, seed, focal accounts), code hidden.
"""

from __future__ import annotations

import hashlib
import shutil
from pathlib import Path

import pytest

SECOND_PARAMETERS = {
    "kinds": ["reply", "share", "mention"],
    "since": "2022-03-08",
    "until": "2022-03-26",
    "method": "louvain",
    "resolution": 2.0,
    "seed": 3,
    "focal_accounts": ["KestrelCycles"],
    "period": "week",
}


#: sha256 of each workspace file when the fixture made it (notebooks must leave it as it was).
CREATED: dict[Path, str] = {}


def _workspace(path: Path, **sample_args) -> Path:
    import workbench as wb
    from workbench import datasets

    export = datasets.write_sample(path.with_suffix(".jsonl"), **sample_args)
    with wb.open(path) as store:
        wb.load(store, export, progress=False)
        wb.focal.add(store, wb.focal.SAMPLE_FOCAL)  # as `workbench demo` does: the brand is flagged
    CREATED[path] = hashlib.sha256(path.read_bytes()).hexdigest()
    return path


@pytest.fixture(scope="session")
def pseudonym_key(tmp_path_factory) -> bytes:
    """A key file outside every report folder; kernels inherit the variable naming it."""
    import os

    from workbench import privacy

    key_file = tmp_path_factory.mktemp("key") / "pseudonym.key"
    old = {name: os.environ.get(name) for name in (privacy.KEY_ENV, privacy.KEY_FILE_ENV)}
    os.environ.pop(privacy.KEY_ENV, None)
    os.environ[privacy.KEY_FILE_ENV] = str(key_file)
    key = privacy.load_key()
    yield key
    for name, value in old.items():
        if value is None:
            os.environ.pop(name, None)
        else:
            os.environ[name] = value


@pytest.fixture(scope="session")
def sample_db(tmp_path_factory) -> Path:
    """The bundled sample (default generator arguments) loaded into a workspace file."""
    return _workspace(tmp_path_factory.mktemp("sample") / "sample.duckdb")


@pytest.fixture(scope="session")
def sample_report(sample_db, pseudonym_key, tmp_path_factory):
    """Every notebook on the sample, pseudonymised."""
    from workbench import reports

    out = tmp_path_factory.mktemp("report-sample")
    return reports.render(sample_db, out, pseudonymize=True, jobs=2)


@pytest.fixture(scope="session")
def second_db(tmp_path_factory) -> Path:
    return _workspace(tmp_path_factory.mktemp("second") / "second.duckdb",
                      n_accounts=240, weeks=3, n_communities=4, seed=11)


@pytest.fixture(scope="session")
def second_report(second_db, tmp_path_factory):
    """Every notebook on a second workspace with non-default parameters, code hidden."""
    from workbench import reports

    out = tmp_path_factory.mktemp("report-second")
    return reports.render(second_db, out, code=False, parameters=SECOND_PARAMETERS, jobs=2)


@pytest.fixture(scope="session")
def report_artifacts(artifacts_dir) -> Path:
    """Where rendered pages and screenshots are kept for a person to look at."""
    folder = artifacts_dir / "reports"
    if folder.exists():
        shutil.rmtree(folder)
    folder.mkdir(parents=True)
    return folder


#: The real export the browser tests render a report of: twarc2's test data (276 tweets, 878 hashtags).
REAL_EXPORT = ("twitter_v2_twarc_csv_testdata", "2sets.jsonl")
#: The notebooks of that report: those the key findings link to.
REAL_NOTEBOOKS = ("02_communities", "03_influencers_vs_networkers", "04_community_health", "06_campaigns")


@pytest.fixture(scope="session")
def real_db(shared_data, tmp_path_factory) -> Path:
    """A real export (``REAL_EXPORT`` from the shared data folder) loaded into a workspace file."""
    import workbench as wb

    export = shared_data.joinpath(*REAL_EXPORT)
    if not export.exists():
        pytest.skip(f"{export} not found")
    path = tmp_path_factory.mktemp("real") / "real.duckdb"
    with wb.open(path) as store:
        wb.load(store, export, progress=False)
    return path


@pytest.fixture(scope="session")
def real_report(real_db, pseudonym_key, tmp_path_factory):
    """The notebooks the key findings link to, on a real export, pseudonymised (as an analyst shares it)."""
    from workbench import reports

    out = tmp_path_factory.mktemp("report-real")
    return reports.render(real_db, out, pseudonymize=True, notebooks=REAL_NOTEBOOKS, jobs=2)
