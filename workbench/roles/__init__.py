"""Roles: who is listened to (influencers) and who connects (networkers).

:func:`score` gives every account four percentile-ranked scores (visibility, influence,
reach, activity) with their raw inputs, and a role (influencer, networker, hub, regular)
from percentile cut-offs; :func:`label` relabels with other cut-offs. Also
Guimerà-Amaral roles, k-shell index, betweenness (sampled on large graphs), advocates of
the focal accounts, and the ranking-disagreement table of Cha et al. (2010).

Examples
--------
>>> from workbench import roles
>>> from workbench.roles._examples import tiny_store
>>> scores = roles.score(tiny_store(), save=False)
>>> scores.set_index("handle").loc[["ana_brews", "omar_news", "pip_pots"], "role"].tolist()
['influencer', 'networker', 'regular']
"""

from __future__ import annotations

from workbench.roles.advocates import advocates
from workbench.roles.centrality import betweenness, kshell
from workbench.roles.disagreement import disagreement
from workbench.roles.ga_roles import guimera_amaral
from workbench.roles.percentiles import DEFAULT_CUTOFFS, label, percentile_rank
from workbench.roles.saved import load_scores, runs
from workbench.roles.scores import SCORE_COLUMNS, score
from workbench.checks import DEFAULT_KINDS

__all__ = [
    "score", "label", "disagreement", "guimera_amaral", "kshell", "betweenness", "advocates",
    "load_scores", "runs", "percentile_rank", "DEFAULT_CUTOFFS", "DEFAULT_KINDS", "SCORE_COLUMNS",
]
