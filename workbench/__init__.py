"""Community Workbench: who a social-media community is, not just how big it is.

>>> import workbench as wb
>>> store = wb.open(":memory:")
>>> sorted(store.counts())[:3]
['account_attributes', 'account_scores', 'accounts']
"""

from __future__ import annotations

from workbench.errors import WorkbenchError
from workbench.store import Store, open
from workbench.ingest import load, LoadReport
from workbench.checks import DEFAULT_KINDS
# wb.graph(store, ...) is the function; the module that holds it and its helpers is wb.graphs
from workbench import checks, graphs
from workbench.graphs import graph
from workbench import communities, datasets, focal, metrics, roles
from workbench import attributes
# wb.sql.names(details=True): the named queries, what each does and the parameters it takes
from workbench import sql

__version__ = "0.1.0"

__all__ = ["open", "load", "LoadReport", "Store", "WorkbenchError", "query", "graph", "graphs", "checks",
           "DEFAULT_KINDS", "communities", "roles", "focal", "metrics", "datasets", "attributes", "sql",
           "__version__"]


def query(store: Store, name: str, **params):
    """Run a named query on ``store``; same as ``store.query(name, **params)``."""
    return store.query(name, **params)
