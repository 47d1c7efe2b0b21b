"""Where the package's files are: the named SQL queries and the notebooks.

In the repository they sit at the top level, beside the package (``queries/``,
``notebooks/``), so that they read as the project's source. A wheel carries them
inside the package, as ``workbench/_bundled/queries`` and ``workbench/_bundled/notebooks``
(``setup.py`` copies them there when it builds). This module is the one place that
knows both: the installed copy is used when it is there, the checkout's otherwise.

Examples
--------
>>> from workbench import resources
>>> (resources.folder("queries") / "schema.sql").is_file()
True
>>> sorted(p.name for p in resources.folder("notebooks").glob("0*.ipynb"))[0]
'01_load_and_explore.ipynb'
"""

from __future__ import annotations

from importlib import resources as _importlib_resources
from pathlib import Path

__all__ = ["BUNDLED", "FOLDERS", "folder", "checkout_root"]

#: The folder inside the installed package that holds the bundled copies.
BUNDLED = "_bundled"
#: The top-level folders of the repository that ship with the package, and the files they ship.
FOLDERS = {"queries": "*.sql", "notebooks": "*.ipynb"}


def _package() -> Path:
    # the package is always installed unpacked (a wheel, an editable install or a checkout on sys.path),
    # so its Traversable is a real directory
    return Path(str(_importlib_resources.files("workbench")))


def checkout_root() -> Path | None:
    """The repository root when the package runs from a source checkout, else None."""
    root = _package().parent
    if (root / "pyproject.toml").is_file() and all((root / name).is_dir() for name in FOLDERS):
        return root
    return None


def folder(name: str) -> Path:
    """The directory of ``queries`` or ``notebooks``: the installed package's copy, else the checkout's."""
    if name not in FOLDERS:
        raise ValueError(f"unknown resource folder {name!r}; expected one of {', '.join(FOLDERS)}")
    bundled = _package() / BUNDLED / name
    if bundled.is_dir():
        return bundled
    root = checkout_root()
    if root is not None:
        return root / name
    raise FileNotFoundError(f"{bundled} is missing: this installation of workbench was built without its "
                            f"{name}/ folder (build the wheel with setup.py's build_py, e.g. `pip wheel .`)")
