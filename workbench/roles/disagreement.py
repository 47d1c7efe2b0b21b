"""How much rankings of the same accounts disagree: the million-follower fallacy.

Cha, Haddadi, Benevenuto & Gummadi (2010), "Measuring user influence in Twitter: the
million follower fallacy", ICWSM: follower counts, retweets earned and mentions earned
rank users differently. :func:`disagreement` computes the Spearman rank correlations
between those rankings (and reach) over the scored accounts.
"""

from __future__ import annotations

from collections.abc import Mapping

import pandas as pd

from workbench.errors import ParameterError

__all__ = ["disagreement", "RANKINGS"]

#: Ranking name -> scores column compared by default.
RANKINGS: Mapping[str, str] = {
    "followers": "followers",
    "amplification": "amplification_received",
    "mentions": "mentions_received",
    "reach": "reach",
}


def disagreement(scores: pd.DataFrame, *, rankings: Mapping[str, str] | None = None) -> pd.DataFrame:
    """Spearman rank correlation between rankings of the accounts in ``scores``.

    Spearman's rho is Pearson's correlation of the ranks, ties taking their average rank;
    each pair uses the accounts that have both values (followers are missing in exports
    without them: that row and column are then NaN).

    Parameters
    ----------
    scores : pandas.DataFrame
        A table from :func:`workbench.roles.score`.
    rankings : mapping, optional
        Ranking name -> column; default :data:`RANKINGS` (followers, amplification
        received, mentions received, reach).

    Returns
    -------
    pandas.DataFrame
        Square, symmetric, 1 on the diagonal where a ranking has values.

    Examples
    --------
    >>> frame = pd.DataFrame({"a": [1, 2, 3, 4], "b": [4, 3, 2, 1]})
    >>> disagreement(frame, rankings={"a": "a", "b": "b"}).loc["a", "b"]
    np.float64(-1.0)
    """
    rankings = dict(RANKINGS if rankings is None else rankings)
    missing = [column for column in rankings.values() if column not in scores.columns]
    if missing:
        raise ParameterError(f"scores has no column(s) {', '.join(missing)}; "
                             f"expected a table from wb.roles.score with {', '.join(rankings.values())}")
    frame = pd.DataFrame({name: pd.to_numeric(scores[column], errors="coerce").astype("float64")
                          for name, column in rankings.items()})
    return frame.corr(method="spearman")
