"""Visibility, influence, reach and activity of every account, and its role, with the evidence for it.

Influencers are listened to when they speak; networkers have a large and broad audience. Followers
predict neither (Cha, Haddadi, Benevenuto & Gummadi 2010, "Measuring user influence in Twitter: the
million follower fallacy", ICWSM). Each of the four scores is a percentile rank in [0, 1] within
the scored accounts (ties take the lowest rank, :mod:`workbench.roles.percentiles`); the raw
values behind it are kept as columns.

visibility
    Attention received: ``attention_received = mentions_received + replies_received +
    shares_received + quotes_received`` (replies include Reddit comments).
influence
    Whether people respond *when it speaks*: a rate per authored post, not a total. A *response*
    is a share, quote, reply or comment; each is credited to the post it responds to (the
    responding post's parent when that is by the target; else the target's latest post or quote
    at or before it, since exports such as twarc2 do not say which tweet a retweet shares; else,
    in edge lists without posts, the UTC day). A post's *pull* is the number of distinct accounts
    that responded to it; posts nobody responded to count with pull 0. The account's *authored
    posts* (``posts_authored``) are the posts by which it speaks to its audience: posts and quotes
    (:data:`LEAD_KINDS`; its replies and comments answer someone else's post and draw on that
    thread's audience, so they count only where the window holds no post or quote at all, as in a
    dump of comments); in edge lists, the UTC days on which it acted other than by sharing, or was
    responded to.

    1. Per post, ``x = ln(1 + pull)``: one post shared by 400 accounts weighs like a few posts
       with 20, not like 20 posts.
    2. A robust centre per account, the upper-trimmed mean of ``x``: the top :data:`TRIM` (a
       quarter) of its posts by pull are left out, fractionally at the edge, so with four or more
       posts one viral post does not count at all. Trimming a share (not a number) of posts makes
       it a rate: posting each post ten times over, with the same responses, leaves it unchanged.
    3. James-Stein shrinkage toward the workspace (normal-normal empirical Bayes; Efron & Morris
       1975, "Data analysis using Stein's estimator and its generalizations", JASA 70:311): the
       centre's sampling variance is ``sigma^2 / ((1 - TRIM) n)`` with ``n`` posts and ``sigma^2``
       the within-account variance of ``x`` pooled over the accounts with three posts or more
       (each without its most responded post); the between-account variance is DerSimonian &
       Laird's (1986) moment estimate (:func:`workbench.roles.evidence.shrink`). An account with
       one post is drawn far toward the workspace's typical value, one with many keeps its own.
       An account whose posts draw the workspace's typical response or less never gains by
       posting more; one above it keeps more of its own rate as its posts add evidence, never
       more than that rate.

    ``influence_rate = exp(estimate) - 1`` is the typical number of distinct accounts responding
    to one of its posts, ``influence_se`` the estimate's sd on the log scale, and ``influence``
    its percentile rank. Accounts that authored nothing have rate 0. Totals that grow with volume
    stay as raw columns for comparison and are not part of the score: ``amplification_received``,
    ``amplification_h_index`` (the largest h such that h posts each have a pull of at least h;
    Hirsch 2005, as the retweet h-index surveyed by Riquelme & González-Cantergiani 2016),
    ``distinct_amplifiers`` and ``pagerank`` on the weighted responder -> author graph (Brin &
    Page 1998, damping 0.85); also ``responders_per_post`` (plain mean pull, neither trimmed nor
    shrunk).

    *Standing out on influence* (``influence_confidence``) asks more: evidence that holds without
    the account's most responded post. Its other posts are measured on Anscombe's (1948) scale,
    ``2 sqrt(pull + 3/8)``, on which a count's sampling variance hardly depends on its level and
    is pooled like ``sigma^2``; the population of true values is estimated nonparametrically
    (:func:`workbench.roles.evidence.posterior`), and the confidence is the posterior probability
    that the account's true value lies beyond the bulk of the workspace: 3 spreads above its
    median and at least :data:`INFLUENCE_MIN_EFFECT` (1.5 on that scale: from a typical half a
    responder per post, about 3) above it. One post is no evidence at all (confidence 0), so a
    single viral post never makes an influencer, while it may rank high on the rate.
reach
    The size and breadth of the audience. The *exposed audience* ``exposed_partners`` is the
    distinct accounts evidently exposed to it: those that acted on it at least once (responded,
    mentioned it, or answered it in a conversation). Its *spread* is the participation coefficient
    of those accounts across the communities of a community run, ``P = 1 - sum_s (k_s / k)^2``
    (Guimerà & Amaral 2005, "Functional cartography of complex metabolic networks", Nature
    433:895; 0 without a run), and ``1 / (1 - P)`` the effective number of communities they come
    from. On the log scale, the reach measurement is

        FOLLOWER_WEIGHT * ln(1 + followers) + (1 - FOLLOWER_WEIGHT) * (ln(1 + exposed) - ln(1 - P))

    where the account has a follower count (followers weigh most, :data:`FOLLOWER_WEIGHT` = 2/3),
    and ``ln(1 + exposed) - ln(1 - P)`` where it has none. The exposed count has Poisson sampling
    variance, ``1 / (1 + exposed)`` on the log scale; ``reach_estimate`` is the posterior mean
    under the workspace's estimated population (:func:`workbench.roles.evidence.posterior`),
    ``reach_se`` its sd, ``reach`` its percentile rank, and ``reach_confidence`` the probability
    that it lies beyond the bulk (3 spreads above the median and at least ln 2, double). One-way
    actions that nobody returns (mass retweeting, mass mentions) add nothing: a broadcaster is not
    a networker, and being acted on is what makes an audience. Without follower counts, an
    influencer's many responders are its evident audience, so a strong influencer is then often
    a hub; the spread across communities is what sets networkers apart, and it needs a community
    run. ``unique_partners`` (accounts it acted on) is kept for comparison.
activity
    ``actions_per_active_day``: collected posts (shares included) and interactions that no
    collected post carries, per UTC day with at least one.

**Labels from evidence** (:mod:`workbench.roles.labels`): an account stands out on influence
when ``influence_confidence`` is at least 0.9, likewise on reach with ``reach_confidence``.
Influencer: influence only; networker: reach only; hub: both; regular: neither, which includes
every account with too little evidence. ``confidence`` is the posterior probability of the label
given. A community where nobody stands out gets few or no labels. Percentile cut-offs
(``cutoffs=0.95``) label the top of each ranking instead, as an explicit option; their
``confidence`` then says how far the evidence backs them.

**When the data cannot support a score** (no share, quote, reply or comment in the window, as
in an edge list of mentions only), the influence columns are NaN, nobody is labelled influencer
or hub, and a :class:`~workbench.errors.RoleEvidenceWarning` is issued and kept in
``attrs["warnings"]``; never a silent column of zeros. What the data lacks without making a
score impossible (follower counts) is said in ``attrs["notes"]``.

Further raw columns: ``betweenness`` on the directed action graph, exact up to
:data:`~workbench.roles.centrality.EXACT_BETWEENNESS_MAX` accounts and estimated from sampled
source pivots above (Brandes & Pich 2007; the pivot count is ``attrs["params"]["betweenness_pivots"]``).
``kshell`` (Kitsak et al. 2010) on the undirected graph. With a community run, ``within_module_z``
and ``ga_role`` (Guimerà & Amaral 2005, see :mod:`workbench.roles.ga_roles`); with focal accounts,
``advocacy`` (interactions toward them).
"""

from __future__ import annotations

import warnings
from collections.abc import Iterable, Mapping
from typing import Any

import numpy as np
import pandas as pd

from workbench import graphs
from workbench.checks import DEFAULT_KINDS, TimeLike, check_kinds, check_time
from workbench.errors import ParameterError, RoleEvidenceWarning
from workbench.roles import centrality, evidence, labels, percentiles
from workbench.roles.window import resolve_focal, window

__all__ = ["score", "SCORE_COLUMNS", "TRIM", "FOLLOWER_WEIGHT", "RESPONSE_KINDS"]

#: Share of an account's most-responded posts left out of its influence centre.
TRIM = 0.25
#: Weight of ln(1 + followers) in the reach measurement where the export has follower counts.
FOLLOWER_WEIGHT = 2.0 / 3.0
#: Interaction kinds that are responses to a post (they make influence).
RESPONSE_KINDS = ("share", "quote", "reply", "comment")
#: Post kinds by which an account speaks to its audience: the units of influence (replies and comments
#: answer someone else's post; they are the units only where the window holds no post or quote at all).
LEAD_KINDS = ("post", "quote")
#: Least distance above the bulk that makes influence stand out, on Anscombe's scale (1.5 Poisson
#: standard deviations; from a typical half a responder per post, about 3).
INFLUENCE_MIN_EFFECT = 1.5

#: The score and raw columns of a scores table, in order (``handle`` and ``account_id`` come first).
SCORE_COLUMNS = (
    "role", "confidence", "visibility", "influence", "reach", "activity",
    "influence_confidence", "reach_confidence",
    "mentions_received", "replies_received", "shares_received", "quotes_received", "attention_received",
    "posts_authored", "responders_per_post", "influence_rate", "influence_se",
    "amplification_received", "amplification_h_index", "distinct_amplifiers", "pagerank",
    "followers", "exposed_partners", "participation", "reach_estimate", "reach_se", "unique_partners",
    "betweenness", "kshell", "within_module_z", "ga_role",
    "actions", "active_days", "actions_per_active_day", "advocacy",
)


def _graph_measures(n: int, edges: dict[str, np.ndarray], *, samples: int, seed: int
                    ) -> tuple[dict[str, np.ndarray], int]:
    """PageRank, betweenness and k-shell of vertices 0..n-1 from the window's pair table, and the pivots used.

    One igraph graph serves all three, so that only one is in memory at a time: the directed
    action graph (every pair) gives betweenness; PageRank runs on it with each pair weighted by
    its amplification (responder -> author), which on the pairs without any (weight 0) is PageRank
    on the amplification graph; the graph then becomes the simple undirected graph, in place, for
    the k-shell.
    """
    actions = graphs.from_arrays(n, edges.pop("source"), edges.pop("target"), directed=True)
    amplified = edges.pop("amplification")
    if amplified.any():
        # counts as Python ints: the small ones are shared objects, where floats would cost 24 bytes more an edge
        measures = {"pagerank": centrality.pagerank_values(actions, weights=amplified.astype(np.int64).tolist())}
    else:  # nobody amplified anybody: PageRank of a graph without edges
        measures = {"pagerank": np.full(n, 1.0 / max(n, 1))}
    del amplified
    measures["betweenness"], pivots = centrality.betweenness_values(actions, samples=samples, seed=seed)
    actions.to_undirected(mode="collapse")
    measures["kshell"] = centrality.kshell_values(actions, simple=True)
    return measures, pivots


def _check_community_run(store, run_id: int | None) -> int | None:
    if run_id is None:
        return None
    return store.check_account_run(run_id)  # a clear error for a missing run or one of hashtags only


#: Anscombe's transform of a post that nobody responded to.
_UNANSWERED = 2.0 * np.sqrt(0.375)


def _response_sums(table: pd.DataFrame) -> dict[str, np.ndarray]:
    """Per account: posts, sum and sum of squares of ``x`` over all its posts, its largest ``x`` and the trimmed sum."""
    n = table["posts_authored"].to_numpy(dtype=np.float64)
    responded = table["responded_posts"].to_numpy(dtype=np.float64)
    silent = np.maximum(n - responded, 0.0)
    # the posts nobody answered sit at the bottom of the ranking; the top trim reaches them only past the answered ones
    silent_kept = silent - np.clip(TRIM * n - responded, 0.0, silent)
    return {
        "n": n,
        "sum": table["response_sum"].to_numpy() + silent * _UNANSWERED,
        "square_sum": table["response_square_sum"].to_numpy() + silent * _UNANSWERED ** 2,
        "top": np.where(n > 0, np.maximum(table["top_response"].to_numpy(), _UNANSWERED), 0.0),
        "trimmed": table["response_trimmed_sum"].to_numpy() + silent_kept * _UNANSWERED,
    }


def _within_variance(sums: dict[str, np.ndarray]) -> float:
    """Within-account variance of ``x`` per post, pooled over the accounts with three posts or more.

    Each account's most responded post is left out of the pool, so that a few viral posts do not
    make every account's evidence look weaker than it is.
    """
    n = sums["n"] - 1.0
    total = sums["sum"] - sums["top"]
    square = sums["square_sum"] - sums["top"] ** 2
    several = n >= 2
    if several.any():
        within = square[several] - total[several] ** 2 / n[several]
        return max(float(within.sum() / (n[several] - 1).sum()), 1e-3)
    return 1.0  # nobody posted three times: Poisson's variance on this scale


def _log_variance(table: pd.DataFrame) -> float:
    """Within-account variance of ``ln(1 + pull)`` per post, pooled over accounts with three posts or more,
    each account's most responded post left out."""
    n = table["posts_authored"].to_numpy(dtype=np.float64) - 1.0
    top = table["top_log"].to_numpy()
    total = table["log_sum"].to_numpy() - top
    square = table["log_square_sum"].to_numpy() - top ** 2
    several = n >= 2
    if several.any():
        within = square[several] - total[several] ** 2 / n[several]
        return max(float(within.sum() / (n[several] - 1).sum()), 1e-3)
    return 1.0


def _influence(table: pd.DataFrame) -> tuple[evidence.Posterior, evidence.Posterior, float]:
    """The shrunk rate of every account (the score) and the evidence that it stands out (the label)."""
    n = table["posts_authored"].to_numpy(dtype=np.float64)
    effective = (1.0 - TRIM) * np.maximum(n, 1.0)
    log_variance = _log_variance(table)
    rating = evidence.shrink(table["log_trimmed_sum"].to_numpy() / effective, log_variance / effective,
                             observed=n > 0)
    sums = _response_sums(table)
    sigma2 = _within_variance(sums)
    rest = np.maximum(n - 1.0, 1.0)
    standing = evidence.posterior((sums["sum"] - sums["top"]) / rest, sigma2 / rest, observed=n > 1,
                                  min_effect=INFLUENCE_MIN_EFFECT)
    return rating, standing, log_variance


def _reach(table: pd.DataFrame) -> evidence.Posterior:
    """Posterior of every account's log-audience (followers where known, exposed audience and its spread)."""
    exposed = table["exposed_partners"].to_numpy(dtype=np.float64)
    spread = np.clip(np.nan_to_num(table["participation"].to_numpy(dtype=np.float64), nan=0.0), 0.0, 0.99)
    audience = np.log1p(exposed) - np.log1p(-spread)  # ln((1 + exposed) * effective number of communities)
    noise = 1.0 / (1.0 + exposed)
    followers = table["followers"].to_numpy(dtype=np.float64, na_value=np.nan)
    known = ~np.isnan(followers)
    measured = np.where(known, FOLLOWER_WEIGHT * np.log1p(np.where(known, followers, 0.0))
                        + (1.0 - FOLLOWER_WEIGHT) * audience, audience)
    noise = np.where(known, (1.0 - FOLLOWER_WEIGHT) ** 2 * noise, noise)
    return evidence.posterior(measured, noise)


def _support(present: pd.DataFrame, kinds: tuple[str, ...]) -> tuple[bool, list[str], list[str]]:
    """Whether influence can be measured; the warnings and notes that say what the data supports."""
    counts = dict(zip(present["kind"], present["interactions"]))
    followers = int(counts.pop("followers", 0))
    counts.pop("lead_posts", None)
    held = ", ".join(f"{k} ({v:,})" for k, v in sorted(counts.items())) or "none"
    responses = sum(counts.get(k, 0) for k in RESPONSE_KINDS)
    messages, notes = [], []
    if counts and responses == 0:
        asked = [k for k in RESPONSE_KINDS if k in kinds]
        why = (f"the kinds asked for ({', '.join(kinds)}) include no response kind" if not asked
               else "the workspace holds none of them in this window")
        messages.append(
            f"influence cannot be measured: it needs responses (share, quote, reply or comment) and {why}; "
            f"interactions present: {held}. Influence is left empty (NaN) and nobody is labelled influencer or hub. "
            "If the edge list's edges are responses, load it with their kind (e.g. `--kind share`).")
    if counts and not followers:
        notes.append("no follower counts in this window: reach is the exposed audience and its spread only")
    return not messages, messages, notes


def score(store, *, run_id: int | None = None, kinds: Iterable[str] = DEFAULT_KINDS,
          since: TimeLike = None, until: TimeLike = None, focal: str | Iterable[str] | None = None,
          cutoffs: float | Mapping[str, float] | None = None, min_confidence: float = evidence.MIN_CONFIDENCE,
          save: bool = True, betweenness_samples: int = 200, seed: int = 0) -> pd.DataFrame:
    """Score every account taking part in the window, label its role and give the label's confidence.

    Parameters
    ----------
    store : workbench.Store
    run_id : int, optional
        Community run whose memberships give the participation coefficient (the spread of the
        audience) and the Guimerà-Amaral roles; None scores without communities.
    kinds : iterable of str
        Interaction kinds considered (default reply, mention, share, quote, comment).
    since, until : str or datetime, optional
        Half-open interval ``[since, until)`` of interaction and post times (UTC).
    focal : str or iterable of str, optional
        Focal accounts (ids or handles) for the ``advocacy`` column; None uses the
        accounts flagged ``is_focal`` (no column values when there are none).
    cutoffs : float or mapping, optional
        None (default): labels from evidence. A percentile such as 0.95, or
        ``{"influence": q1, "reach": q2}``: labels from percentile cut-offs instead.
    min_confidence : float
        Probability of standing out that an evidence label needs (default 0.9).
    save : bool
        Save the table to ``account_scores`` as a new scoring run (needs a writable
        workspace); notebooks pass ``save=False``.
    betweenness_samples : int
        Source pivots of the betweenness estimate on graphs larger than
        :data:`~workbench.roles.centrality.EXACT_BETWEENNESS_MAX` accounts, capped by the
        work budget :data:`~workbench.roles.centrality.BETWEENNESS_BUDGET` (200 pivots up
        to 100k edges, 20 at 1M).
    seed : int
        Seed of the pivot draw.

    Returns
    -------
    pandas.DataFrame
        One row per account taking part in the window (authoring a collected post or in an
        interaction of ``kinds``), columns ``account_id``, ``handle`` and :data:`SCORE_COLUMNS`;
        ``attrs["run_id"]`` is the saved scoring run (None when not saved, or when the
        window is empty), ``attrs["params"]`` the parameters and the populations the scores
        were shrunk toward, ``attrs["warnings"]`` what the data could not support and
        ``attrs["notes"]`` what it lacked.

    Warns
    -----
    RoleEvidenceWarning
        When the window holds no response (share, quote, reply, comment): influence is NaN.

    Examples
    --------
    >>> from workbench.roles._examples import tiny_store
    >>> scores = score(tiny_store(), save=False)
    >>> columns = ["handle", "posts_authored", "responders_per_post", "influence_rate", "role", "confidence"]
    >>> print(scores.nlargest(3, "influence")[columns].round(2).to_string(index=False))
       handle  posts_authored  responders_per_post  influence_rate    role  confidence
     pip_pots               1                 5.00            2.66 regular         1.0
      hal_tea               3                 2.67            2.09 regular         1.0
    ana_brews               4                 2.50            1.91 regular         1.0
    >>> print(scores[scores["role"] != "regular"][["handle", "followers", "role"]].to_string(index=False))
        handle  followers      role
        brewco      25000 networker
     omar_news     250000 networker
    cafe_times     120000 networker
    """
    kinds = check_kinds(kinds)
    since_at, until_at = check_time(since, name="since"), check_time(until, name="until")
    limits = None if cutoffs is None else percentiles.check_cutoffs(cutoffs)
    community_run_id = _check_community_run(store, run_id)
    focal_ids = resolve_focal(store, focal)
    if betweenness_samples < 1:
        raise ParameterError(f"betweenness_samples must be at least 1; got {betweenness_samples}")

    with window(store, kinds=kinds, since=since_at, until=until_at):
        present = store.query("roles.kinds_present", since=since_at, until=until_at)
        lead = int(present.loc[present["kind"] == "lead_posts", "interactions"].sum())
        unit_kinds = list(LEAD_KINDS if lead else LEAD_KINDS + ("reply", "comment"))
        table = store.query("roles.account_counts", since=since_at, until=until_at, trim=TRIM, unit_kinds=unit_kinds)
        table = table.sort_values("vid", ignore_index=True)  # row i is vertex i of the graphs
        participation = ga = None
        if community_run_id is not None:
            participation = store.query("roles.participation", community_run_id=community_run_id)
            ga = store.query("roles.guimera_amaral", community_run_id=community_run_id)
        advocacy = store.query("roles.advocacy", focal_ids=focal_ids) if focal_ids else None
        edges = store.arrays("roles.edges")  # last: the arrays of every pair wait for no other query

    n = len(table)
    measurable, messages, notes = _support(present, tuple(kinds))
    measures, pivots = _graph_measures(n, edges, samples=betweenness_samples, seed=seed)
    del edges
    for column, values in measures.items():
        table[column] = values
    by_vid = pd.RangeIndex(n)
    table["participation"] = (np.nan if participation is None
                              else participation.set_index("vid")["participation"].reindex(by_vid).to_numpy())
    table["within_module_z"] = np.nan
    table["ga_role"] = pd.Series([None] * n, dtype="object")
    if ga is not None and len(ga):
        table.loc[ga["vid"].to_numpy(), "within_module_z"] = ga["within_module_z"].to_numpy()
        table.loc[ga["vid"].to_numpy(), "ga_role"] = ga["ga_role"].to_numpy(dtype=object)
    table["advocacy"] = (pd.array([pd.NA] * n, dtype="Int64") if advocacy is None
                         else advocacy.set_index("vid")["advocacy"].reindex(by_vid).to_numpy())

    populations = _estimate(table, measurable)
    table["role"] = labels.label(table, cutoffs=limits, min_confidence=min_confidence)
    table["confidence"] = labels.confidence(table, table["role"])
    result = table[["account_id", "handle", *SCORE_COLUMNS]].reset_index(drop=True)

    params: dict[str, Any] = dict(
        kinds=list(kinds), since=since_at, until=until_at, community_run_id=community_run_id,
        labels="evidence" if limits is None else "percentile", influence_units=unit_kinds, cutoffs=limits, min_confidence=min_confidence,
        standout_z=evidence.STANDOUT_Z, min_effect=evidence.MIN_EFFECT, trim=TRIM, follower_weight=FOLLOWER_WEIGHT,
        focal=focal_ids, betweenness_pivots=pivots, seed=seed, pagerank_damping=0.85, **populations)
    for message in messages:
        warnings.warn(message, RoleEvidenceWarning, stacklevel=2)
    saved = None
    if save and len(result):  # an empty window saves nothing (a run without rows would be invisible)
        saved = store.save_scores(result.drop(columns="handle"), community_run_id=community_run_id,
                                  params={**params, "warnings": messages, "notes": notes})
    result.attrs["run_id"] = saved
    result.attrs["params"] = params
    result.attrs["warnings"] = messages
    result.attrs["notes"] = notes
    return result


def _estimate(table: pd.DataFrame, measurable: bool) -> dict[str, Any]:
    """Fill the four scores, the posteriors and the probabilities of standing out in place."""
    table["attention_received"] = (table["mentions_received"] + table["replies_received"]
                                   + table["shares_received"] + table["quotes_received"])
    table["visibility"] = percentiles.percentile_rank(table["attention_received"])
    table["activity"] = percentiles.percentile_rank(table["actions_per_active_day"])

    reach = _reach(table)
    table["reach_estimate"], table["reach_se"] = reach.mean, reach.sd
    table["reach_confidence"] = reach.p_standout
    table["reach"] = percentiles.percentile_rank(table["reach_estimate"])

    if measurable:
        rating, standing, sigma2 = _influence(table)
        table["influence_rate"] = np.nan_to_num(np.expm1(rating.mean), nan=0.0)
        table["influence_se"] = rating.sd
        table["influence_confidence"] = standing.p_standout
        table["influence"] = percentiles.percentile_rank(table["influence_rate"])
        influence_population = {**standing.population, "rate_prior": rating.population,
                                "log_within_sd": float(np.sqrt(sigma2))}
    else:
        for column in ("influence_rate", "influence_se", "influence_confidence", "influence"):
            table[column] = np.nan
        influence_population = None
    return {"influence_population": influence_population, "reach_population": reach.population}
