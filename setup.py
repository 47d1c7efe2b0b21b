"""Builds the wheel with the repository's top-level ``queries/`` and ``notebooks/`` inside the package.

Everything else is declared in pyproject.toml. The two folders stay at the top level of the
repository (they are the project's source, read and edited there); a wheel carries them as
``workbench/_bundled/<folder>``, where :mod:`workbench.resources` finds them.
"""

from pathlib import Path

from setuptools import setup
from setuptools.command.build_py import build_py

# kept equal to workbench.resources.FOLDERS (tests/test_packaging.py checks it)
BUNDLED = {"queries": "*.sql", "notebooks": "*.ipynb"}


class build_py_with_resources(build_py):
    """build_py, then the bundled folders copied into the build tree (an editable install reads the checkout)."""

    def run(self):
        super().run()
        if getattr(self, "editable_mode", False):
            return
        here = Path(__file__).resolve().parent
        for folder, pattern in BUNDLED.items():
            for source in sorted((here / folder).rglob(pattern)):
                if ".ipynb_checkpoints" in source.parts:
                    continue
                target = Path(self.build_lib, "workbench", "_bundled", source.relative_to(here))
                self.mkpath(str(target.parent))
                self.copy_file(str(source), str(target))


setup(cmdclass={"build_py": build_py_with_resources})
