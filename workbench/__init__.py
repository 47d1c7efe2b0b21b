"""Community Workbench: who a social-media community is, not just how big it is.

>>> import workbench as wb
>>> store = wb.open(":memory:")
>>> sorted(store.counts())[:3]
['account_attributes', 'account_scores', 'accounts']
"""

from __future__ import annotations

import importlib
from typing import Any

from workbench.errors import WorkbenchError
from workbench.store import Store, open
from workbench.ingest import load, LoadReport
from workbench.checks import DEFAULT_KINDS
from workbench import checks
# wb.sql.names(details=True): the named queries, what each does and the parameters it takes
from workbench import sql

#: The analysis modules, imported when first used (``wb.graphs``, ``wb.roles``, ...): with them pandas and
#: igraph, which the command line's start (``workbench load``) does not need (0.46 s of imports, now about 0.2 s).
_LAZY_MODULES = ("graphs", "communities", "datasets", "focal", "metrics", "roles", "attributes")

__version__ = "0.1.0"

__all__ = ["open", "load", "LoadReport", "Store", "WorkbenchError", "query", "graph", "graphs", "checks",
           "DEFAULT_KINDS", "communities", "roles", "focal", "metrics", "datasets", "attributes", "sql",
           "__version__"]


def query(store: Store, name: str, **params):
    """Run a named query on ``store``; same as ``store.query(name, **params)``."""
    return store.query(name, **params)


def __getattr__(name: str) -> Any:
    # wb.graph(store, ...) is the function; the module that holds it and its helpers is wb.graphs
    if name == "graph":
        return importlib.import_module("workbench.graphs").graph
    if name in _LAZY_MODULES:
        return importlib.import_module(f"workbench.{name}")  # the import binds it here too
    raise AttributeError(f"module 'workbench' has no attribute {name!r}")


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(__all__))
