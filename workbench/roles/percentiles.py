"""Percentile ranks, composites of ranks, and the percentile cut-offs of role labels.

Percentile rank (ties take the lowest rank, as DuckDB's ``percent_rank``)::

    p(x) = (number of accounts with a value strictly below x) / (n - 1)

so the lowest value gets 0, a unique highest value 1, and an account with ``p >= 0.95``
has at least 95% of the others strictly below it. Tied values share the lowest rank, so a
value held by many accounts (zero, typically) never lifts them into the top: with cut-off
``q`` at most ``(1 - q) * n + q`` accounts reach it, i.e. at most 5% (+1) with the
default 0.95. Missing values (NaN) stay missing; with a single account ``p = 0``.

A composite is the mean of the available percentile ranks of its inputs, itself then
percentile-ranked, so that no input's units dominate another's. Percentile cut-offs label the
top of a ranking whatever it holds; :mod:`workbench.roles.labels` labels from evidence by default
and from these cut-offs on request.

Examples
--------
>>> percentile_rank([0, 0, 3, 5]).tolist()
[0.0, 0.0, 0.6666666666666666, 1.0]
"""

from __future__ import annotations

from collections.abc import Mapping
from types import MappingProxyType

import numpy as np
import pandas as pd

from workbench.errors import ParameterError

__all__ = ["percentile_rank", "composite", "check_cutoffs", "DEFAULT_CUTOFFS"]

#: Percentile cut-offs of role labels when cut-offs are asked for without values (``cutoffs={}``), and the
#: missing key of a partial mapping.
DEFAULT_CUTOFFS: Mapping[str, float] = MappingProxyType({"influence": 0.95, "reach": 0.95})


def percentile_rank(values) -> np.ndarray:
    """Percentile rank in [0, 1] of each value; ties take the lowest rank; NaN stays NaN."""
    series = pd.Series(np.asarray(values, dtype=np.float64))
    valid = int(series.notna().sum())
    ranks = series.rank(method="min", na_option="keep").to_numpy()
    if valid <= 1:
        return np.where(series.notna(), 0.0, np.nan)
    return (ranks - 1.0) / (valid - 1.0)


def composite(components: pd.DataFrame) -> np.ndarray:
    """Mean of the percentile ranks of each column, over the columns an account has a value for.

    A column entirely missing (e.g. followers in an export without them) drops out.
    Accounts missing every column get NaN.
    """
    ranks = np.column_stack([percentile_rank(components[c]) for c in components.columns]) \
        if len(components.columns) else np.zeros((len(components), 0))
    if ranks.shape[1] == 0:
        return np.full(len(components), np.nan)
    counts = np.sum(~np.isnan(ranks), axis=1)
    totals = np.nansum(ranks, axis=1)
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.where(counts > 0, totals / np.maximum(counts, 1), np.nan)


def check_cutoffs(cutoffs: float | Mapping[str, float] | None) -> dict[str, float]:
    """``{"influence": q, "reach": q}`` from a single float or a mapping; each in (0, 1]."""
    if cutoffs is None:
        cutoffs = DEFAULT_CUTOFFS
    if isinstance(cutoffs, (int, float)):
        cutoffs = {"influence": float(cutoffs), "reach": float(cutoffs)}
    unknown = set(cutoffs) - {"influence", "reach"}
    if unknown:
        raise ParameterError(f"cutoffs take the keys influence and reach; got {', '.join(sorted(unknown))}")
    merged = {**DEFAULT_CUTOFFS, **{k: float(v) for k, v in cutoffs.items()}}
    for key, value in merged.items():
        if not 0.0 < value <= 1.0:
            raise ParameterError(f"cutoff {key} must be a percentile rank in (0, 1], e.g. 0.95; got {value}")
    return merged
