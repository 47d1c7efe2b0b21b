"""Guimerà-Amaral roles: where an account sits with respect to its own and other communities.

Guimerà & Amaral (2005), "Functional cartography of complex metabolic networks",
Nature 433:895. On the undirected simple interaction graph, for account ``i`` in
community ``s_i``:

- within-module degree z-score ``z_i = (k_i,s_i - mean(k_s_i)) / std(k_s_i)``, where
  ``k_i,s_i`` is the number of its neighbours in its own community and the mean and
  (population) standard deviation run over the members of that community (``z = 0`` when
  the community's standard deviation is 0);
- participation coefficient ``P_i = 1 - sum_s (k_is / k_i)^2``.

Roles: hubs have ``z >= 2.5`` (provincial P <= 0.30, connector P <= 0.75, kinless
above); non-hubs are ultra-peripheral (P <= 0.05), peripheral (P <= 0.62), connectors
(P <= 0.80) or kinless. Links to accounts outside the community run are ignored.
"""

from __future__ import annotations

from collections.abc import Iterable

import pandas as pd

from workbench.checks import DEFAULT_KINDS, TimeLike, check_kinds, check_time
from workbench.roles.window import window

__all__ = ["guimera_amaral", "GA_ROLES"]

GA_ROLES = ("ultra-peripheral", "peripheral", "connector", "kinless",
            "provincial hub", "connector hub", "kinless hub")


def guimera_amaral(store, *, run_id: int, kinds: Iterable[str] = DEFAULT_KINDS,
                   since: TimeLike = None, until: TimeLike = None) -> pd.DataFrame:
    """Within-community degree z-score, participation coefficient and role of each member of a community run.

    Parameters
    ----------
    store : workbench.Store
    run_id : int
        The community run (``community_runs.run_id``).
    kinds, since, until
        The interactions that make the graph, as in :func:`workbench.roles.score`.

    Returns
    -------
    pandas.DataFrame
        ``account_id, community, degree, within_degree, within_module_z, participation,
        ga_role`` for the run's members that take part in the window.

    Examples
    --------
    >>> from workbench.roles._examples import tiny_store
    >>> from workbench.datasets import tiny_truth
    >>> store = tiny_store()
    >>> run = store.save_partition(tiny_truth().dropna(subset=["community"]), method="planted")
    >>> table = guimera_amaral(store, run_id=run).merge(tiny_truth()[["account_id", "handle"]])
    >>> print(table.nlargest(2, "within_module_z")[["handle", "within_module_z", "participation", "ga_role"]]
    ...       .to_string(index=False))
       handle  within_module_z  participation          ga_role
      hal_tea         2.449490       0.244898       peripheral
    ana_brews         2.366432       0.000000 ultra-peripheral
    """
    from workbench.roles.scores import _check_community_run

    run_id = _check_community_run(store, run_id)
    with window(store, kinds=check_kinds(kinds), since=check_time(since, name="since"),
                until=check_time(until, name="until")):
        frame = store.query("roles.guimera_amaral", community_run_id=run_id)
    return frame.drop(columns="vid")
