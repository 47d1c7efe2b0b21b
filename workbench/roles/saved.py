"""Saved scoring runs: list them and read one back."""

from __future__ import annotations

import pandas as pd

from workbench.errors import ParameterError

__all__ = ["runs", "load_scores"]


def runs(store) -> pd.DataFrame:
    """Saved scoring runs, newest first: ``run_id, community_run_id, accounts, influencers, networkers, hubs, params, created_at``."""
    return store.query("roles.runs")


def load_scores(store, run_id: int | None = None) -> pd.DataFrame:
    """The saved scores of scoring run ``run_id`` (default the newest), most influential first.

    Raises :class:`~workbench.errors.ParameterError` when there is no such run.

    Examples
    --------
    >>> from workbench.roles._examples import tiny_store
    >>> from workbench.roles import score
    >>> store = tiny_store()
    >>> score(store).attrs["run_id"]
    1
    >>> load_scores(store)["handle"].iloc[0]
    'pip_pots'
    """
    saved = runs(store)
    if saved.empty:
        raise ParameterError("the workspace has no saved scoring run; run `workbench roles` or wb.roles.score(store) first")
    if run_id is None:
        run_id = int(saved["run_id"].iloc[0])
    elif int(run_id) not in set(saved["run_id"]):
        raise ParameterError(f"no scoring run {run_id}; saved runs: {', '.join(map(str, saved['run_id']))}")
    return store.query("roles.scores", run_id=int(run_id))
