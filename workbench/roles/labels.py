"""Role labels from evidence (default) or from percentile cut-offs, and the confidence of every label.

**From evidence** (``cutoffs=None``): an account stands out on influence when the posterior
probability that its true influence lies beyond the bulk of the workspace
(``influence_confidence``, see :mod:`workbench.roles.evidence`) is at least ``min_confidence``
(default 0.9), and likewise on reach (``reach_confidence``). **From percentile cut-offs**
(``cutoffs=0.95`` or ``{"influence": q1, "reach": q2}``): it stands out when its percentile
rank is at or above the cut-off, which always labels about the top ``1 - q`` of the accounts.

Either way: ``influencer`` stands out on influence only, ``networker`` on reach only, ``hub``
on both, ``regular`` on neither. The ``confidence`` of a label is the posterior probability
of that role, taking the two dimensions as independent: influencer ``p_i (1 - p_r)``,
networker ``p_r (1 - p_i)``, hub ``p_i p_r``, regular ``(1 - p_i)(1 - p_r)``, with ``p_i``
and ``p_r`` the two probabilities of standing out (0 where a score could not be measured).
A percentile label with a low confidence is a top-ranked account the evidence does not back.

Examples
--------
>>> import pandas as pd
>>> frame = pd.DataFrame({"influence": [1.0, 0.2, 0.97, 0.1], "reach": [0.1, 0.99, 0.96, 0.3],
...                       "influence_confidence": [0.99, 0.0, 0.95, 0.5],
...                       "reach_confidence": [0.0, 0.97, 0.2, 0.0]})
>>> label(frame).tolist()
['influencer', 'networker', 'influencer', 'regular']
>>> label(frame, cutoffs=0.95).tolist()
['influencer', 'networker', 'hub', 'regular']
>>> confidence(frame, label(frame)).round(2).tolist()
[0.99, 0.97, 0.76, 0.5]
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np
import pandas as pd

from workbench.errors import ParameterError
from workbench.roles.evidence import MIN_CONFIDENCE
from workbench.roles.percentiles import check_cutoffs

__all__ = ["label", "confidence", "ROLES", "MIN_CONFIDENCE"]

ROLES = ("influencer", "networker", "hub", "regular")
_EVIDENCE = ("influence_confidence", "reach_confidence")


def _standout(scores: pd.DataFrame, column: str) -> np.ndarray:
    return np.clip(np.nan_to_num(scores[column].to_numpy(dtype=np.float64), nan=0.0), 0.0, 1.0)


def label(scores: pd.DataFrame, *, cutoffs: float | Mapping[str, float] | None = None,
          min_confidence: float = MIN_CONFIDENCE) -> pd.Series:
    """Role of each account: from evidence (``cutoffs=None``) or from percentile cut-offs.

    Relabelling needs no recomputation (the notebook's sliders call this).

    Parameters
    ----------
    scores : pandas.DataFrame
        From :func:`workbench.roles.score`: ``influence_confidence`` and ``reach_confidence``
        for evidence labels, ``influence`` and ``reach`` (percentile ranks) for cut-offs.
    cutoffs : float or mapping, optional
        None: labels from evidence. One percentile for both, or ``{"influence": q1, "reach": q2}``:
        percentile labels (the former default was 0.95).
    min_confidence : float
        Probability of standing out needed for an evidence label, in (0, 1).
    """
    if cutoffs is None:
        if not 0.0 < min_confidence < 1.0:
            raise ParameterError(f"min_confidence must be a probability in (0, 1), e.g. 0.9; got {min_confidence}")
        missing = [c for c in _EVIDENCE if c not in scores.columns]
        if missing:
            raise ParameterError(f"labels from evidence need column(s) {', '.join(missing)} (from wb.roles.score); "
                                 "give cutoffs= for percentile labels")
        top_influence = _standout(scores, "influence_confidence") >= min_confidence
        top_reach = _standout(scores, "reach_confidence") >= min_confidence
    else:
        limits = check_cutoffs(cutoffs)
        top_influence = np.nan_to_num(scores["influence"].to_numpy(dtype=np.float64), nan=-1.0) >= limits["influence"]
        top_reach = np.nan_to_num(scores["reach"].to_numpy(dtype=np.float64), nan=-1.0) >= limits["reach"]
    role = np.select([top_influence & top_reach, top_influence, top_reach],
                     ["hub", "influencer", "networker"], "regular")
    return pd.Series(role, index=scores.index, name="role")


def confidence(scores: pd.DataFrame, role) -> np.ndarray:
    """Posterior probability of each account's ``role`` (see the module docstring); NaN without evidence columns."""
    role = np.asarray(role, dtype=object)
    if any(c not in scores.columns for c in _EVIDENCE):
        return np.full(len(role), np.nan)
    p_i, p_r = _standout(scores, "influence_confidence"), _standout(scores, "reach_confidence")
    return np.select([role == "hub", role == "influencer", role == "networker"],
                     [p_i * p_r, p_i * (1 - p_r), p_r * (1 - p_i)], (1 - p_i) * (1 - p_r))
