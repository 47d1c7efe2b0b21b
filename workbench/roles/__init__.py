"""Roles: who is listened to (influencers) and who has a large, broad audience (networkers).

:func:`score` gives every account four percentile-ranked scores (visibility, influence as a
response rate per post, reach as audience, activity) with their raw inputs, and a role
(influencer, networker, hub, regular) where the evidence says the account stands out, with the
label's ``confidence``; :func:`label` relabels from evidence or from percentile cut-offs. The
definitions, with their references, are in :mod:`workbench.roles.scores`. Also
Guimerà-Amaral roles, k-shell index, betweenness (sampled on large graphs), advocates of
the focal accounts, and the ranking-disagreement table of Cha et al. (2010).

Examples
--------
>>> from workbench import roles
>>> from workbench.roles._examples import tiny_store
>>> scores = roles.score(tiny_store(), save=False)
>>> scores.set_index("handle").loc[["ana_brews", "omar_news", "pip_pots"], "role"].tolist()
['regular', 'networker', 'regular']
>>> roles.label(scores, cutoffs=0.9).set_axis(scores["handle"])[["hal_tea", "omar_news"]].tolist()
['influencer', 'networker']
"""

from __future__ import annotations

from workbench.roles.advocates import advocates
from workbench.roles.centrality import betweenness, kshell
from workbench.roles.disagreement import disagreement
from workbench.roles.ga_roles import guimera_amaral
from workbench.roles.evidence import MIN_CONFIDENCE
from workbench.roles.labels import confidence, label
from workbench.roles.percentiles import DEFAULT_CUTOFFS, percentile_rank
from workbench.roles.saved import load_scores, runs
from workbench.roles.scores import SCORE_COLUMNS, score
from workbench.checks import DEFAULT_KINDS

__all__ = [
    "score", "label", "confidence", "MIN_CONFIDENCE", "disagreement", "guimera_amaral", "kshell", "betweenness", "advocates",
    "load_scores", "runs", "percentile_rank", "DEFAULT_CUTOFFS", "DEFAULT_KINDS", "SCORE_COLUMNS",
]
