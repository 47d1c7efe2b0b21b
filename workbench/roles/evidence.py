"""Evidence behind a label: empirical-Bayes estimates, and how credibly an account stands out.

Every account ``i`` has a noisy measurement ``y_i`` of a quantity (its typical log-response per
post, or its log-audience) with a known sampling variance ``s_i^2``: ``y_i | theta_i ~
N(theta_i, s_i^2)``. The accounts of a workspace are draws from one population of true values
``theta_i ~ G``, and ``G`` is estimated from the workspace itself: the nonparametric maximum
likelihood estimate on a grid of :data:`GRID` points, fitted by EM (Kiefer & Wolfowitz 1956;
Jiang & Zhang 2009, "General maximum likelihood empirical Bayes estimation of normal means",
Annals of Statistics 37:1647; Koenker & Mizera 2014, JASA 109:674). It is the empirical Bayes
idea of Efron & Morris (1975, "Data analysis using Stein's estimator and its generalizations",
JASA 70:311) without their normal prior: a normal prior fitted to a workspace where 1% of the
accounts are far above the rest is too narrow and shrinks those accounts back into the crowd,
while the estimated ``G`` keeps a separate mass where they are. Each account's posterior is
``G`` reweighted by its likelihood, so an account with little evidence (large ``s_i``) is drawn
toward where most accounts are, and one with much evidence keeps its own value.

**Standing out.** The *bulk* of the workspace is the middle of the estimated population ``G``:
its median, and half the distance between its 16th and 84th percentiles as its spread (one
standard deviation for a normal bulk); the few accounts that stand out do not move either. An
account stands out when its true value lies above ``threshold = bulk median + max(z * bulk
spread, min_effect)``: ``z`` spreads above the bulk (default 3, about the top 0.1% of a normal
bulk) and at least ``min_effect`` above it (default ln 2 on a log scale: at least double). ``p_standout`` is the posterior
probability of that. A community in which nobody stands out has a tight bulk and no account
credibly beyond it, so it gets (almost) no labels; a percentile cut-off would always label its
top 5%.

For speed, accounts are grouped by their measurement and its variance rounded to a fine grid
(1/300 of the measurements' range; 3% in ``s``); the EM fits ``G`` on a coarser grouping (1/100 of
the range, 10% in ``s``: a few hundred pairs whatever the number of accounts), and each finer pair
then gets its posterior in one matrix product.

Examples
--------
>>> import numpy as np
>>> y = np.r_[np.linspace(0.8, 1.2, 100), 4.0]        # one account far above a tight bulk
>>> post = posterior(y, np.full(101, 0.01))
>>> bool(post.p_standout[-1] > 0.99), bool((post.p_standout[:-1] < 0.01).all())
(True, True)
>>> quiet = posterior(np.linspace(0.8, 1.2, 100), np.full(100, 0.01))   # nobody stands out
>>> int((quiet.p_standout > 0.9).sum())
0
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

__all__ = ["Posterior", "posterior", "shrink", "STANDOUT_Z", "MIN_EFFECT", "MIN_CONFIDENCE"]

#: Standard deviations above the bulk of the workspace at which an account stands out.
STANDOUT_Z = 3.0
#: Least distance above the bulk's centre, on the log scale, that counts as standing out (ln 2: double).
MIN_EFFECT = float(np.log(2.0))
#: Posterior probability of standing out needed for a label (influencer, networker, hub).
MIN_CONFIDENCE = 0.9
#: Least between-account variance in :func:`shrink`, as a share of the measurements' variance: where the
#: moment estimate says all the spread is noise (bursty edge lists, where one day differs wildly from the
#: next), the estimates would otherwise collapse onto one value and rank by volume instead of rate.
_MIN_SIGNAL = 0.1
#: Support points of the estimated population distribution.
GRID = 100
_EM_STEPS = 100
#: Rounding of the measurements before the EM: their range in this many steps, and the sd in steps of 3%.
_VALUE_BINS = 300
_SD_STEP = 0.03
#: The coarser rounding on which the population G is fitted.
_FIT_VALUE_BINS = 100
_FIT_SD_STEP = 0.1


@dataclass(frozen=True)
class Posterior:
    """Posterior mean and sd per account, the population it was drawn toward, and ``p_standout``."""

    mean: np.ndarray
    sd: np.ndarray
    p_standout: np.ndarray
    population: dict = field(default_factory=dict)


def _bins(values: np.ndarray, noise: np.ndarray, steps: int = None, sd_step: float = None
          ) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Distinct (value, sd) pairs after rounding, their counts and each account's pair."""
    steps, sd_step = steps or _VALUE_BINS, sd_step or _SD_STEP
    span = max(float(values.max() - values.min()), 1e-9)
    value_bin = np.round(values / (span / steps)).astype(np.int64)
    sd_bin = np.round(np.log(noise) / (2 * sd_step)).astype(np.int64)
    # one integer key per pair: unique on a 1-d array is several times faster than on rows
    low = sd_bin.min()
    keys = value_bin * (int(sd_bin.max() - low) + 1) + (sd_bin - low)
    unique, inverse, counts = np.unique(keys, return_inverse=True, return_counts=True)
    inverse = inverse.reshape(-1)
    # each pair takes the mean of its members' values and variances, so rounding moves nothing on average
    pair_value = np.bincount(inverse, weights=values) / counts
    pair_noise = np.bincount(inverse, weights=noise) / counts
    return pair_value, pair_noise, counts.astype(np.float64), inverse


def _likelihood(values: np.ndarray, noise: np.ndarray, grid: np.ndarray) -> np.ndarray:
    """Normal likelihood of each (value, variance) pair at each grid point, scaled to 1 at its row's maximum."""
    log_like = -0.5 * (values[:, None] - grid[None, :]) ** 2 / noise[:, None]  # the 1/sd factor cancels per row
    log_like -= log_like.max(axis=1, keepdims=True)
    return np.exp(log_like).astype(np.float32)


def _npmle(values: np.ndarray, noise: np.ndarray, counts: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Grid and the estimated masses of G on it (EM on the pairs, weighted by their counts)."""
    low, high = float(values.min()), float(values.max())
    if high - low < 1e-9:
        high = low + 1e-6
    grid = np.linspace(low, high, GRID)
    like = _likelihood(values, noise, grid)
    share = (counts / counts.sum()).astype(np.float32)
    mass = np.full(GRID, 1.0 / GRID, dtype=np.float32)
    for _ in range(_EM_STEPS):
        updated = mass * (like.T @ (share / (like @ mass)))
        change = float(np.abs(updated - mass).max())
        mass = updated / updated.sum()
        if change < 1e-6:
            break
    return grid, mass.astype(np.float64)


def posterior(values, noise_var, *, observed=None, z: float = STANDOUT_Z,
              min_effect: float = MIN_EFFECT, floor=None) -> Posterior:
    """Empirical-Bayes posterior of every account and its probability of standing out.

    Parameters
    ----------
    values : array of float
        The measurement ``y_i`` per account (ignored where ``observed`` is false).
    noise_var : array of float
        Its sampling variance ``s_i^2`` (positive).
    observed : array of bool, optional
        Accounts that have a measurement at all (default: all). The others get NaN means and
        ``p_standout`` 0.
    z, min_effect : float
        How far above the bulk an account must be to stand out (see the module docstring).
    floor : float, optional
        A least threshold on the scale of ``values`` (e.g. four times the workspace's mean
        count, for a measurement on a transformed scale).

    Returns
    -------
    Posterior
        ``population`` holds ``bulk_mean`` (the median of ``G``), ``bulk_sd`` (its spread) and
        ``threshold`` (on the scale of ``values``), ``accounts`` (observed) and ``above_threshold``: the estimated share of
        accounts whose true value stands out.
    """
    values = np.asarray(values, dtype=np.float64)
    noise = np.maximum(np.asarray(noise_var, dtype=np.float64), 1e-8)
    observed = np.ones(len(values), dtype=bool) if observed is None else np.asarray(observed, dtype=bool)
    mean = np.full(len(values), np.nan)
    sd = np.full(len(values), np.nan)
    p = np.zeros(len(values))
    seen, seen_noise = values[observed], noise[observed]
    if len(seen) == 0:
        return Posterior(mean, sd, p, {"accounts": 0})
    # G is fitted on a coarser grouping (a few hundred pairs); every finer pair then gets its posterior
    grid, mass = _npmle(*_bins(seen, seen_noise, _FIT_VALUE_BINS, _FIT_SD_STEP)[:3])
    pair_value, pair_noise, counts, inverse = _bins(seen, seen_noise)
    joint = _likelihood(pair_value, pair_noise, grid).astype(np.float64) * mass
    weights = joint / joint.sum(axis=1, keepdims=True)
    # the bulk: the middle of the estimated population of true values, robust to the few that stand out
    cumulative = np.cumsum(mass)
    q16, q50, q84 = (float(grid[min(np.searchsorted(cumulative, q), GRID - 1)]) for q in (0.16, 0.5, 0.84))
    bulk_mean, bulk_sd = q50, (q84 - q16) / 2.0
    threshold = bulk_mean + max(z * bulk_sd, min_effect)
    if floor is not None:
        threshold = max(threshold, float(floor))
    pair_mean = weights @ grid
    pair_sd = np.sqrt(np.maximum(weights @ grid ** 2 - pair_mean ** 2, 0.0))
    pair_p = np.clip(weights[:, grid > threshold].sum(axis=1), 0.0, 1.0)
    mean[observed], sd[observed], p[observed] = pair_mean[inverse], pair_sd[inverse], pair_p[inverse]
    population = {"accounts": int(observed.sum()), "bulk_mean": bulk_mean, "bulk_sd": bulk_sd,
                  "threshold": float(threshold), "z": float(z), "min_effect": float(min_effect),
                  "above_threshold": float(mass[grid > threshold].sum()), "distinct_pairs": int(len(counts))}
    return Posterior(mean, sd, p, population)


def shrink(values, noise_var, *, observed=None) -> Posterior:
    """James-Stein shrinkage under a normal prior (Efron & Morris 1975): the estimate that ranks.

    The between-account variance ``tau^2`` is DerSimonian & Laird's (1986, Controlled Clinical
    Trials 7:177) moment estimate for measurements of unequal precision, floored just above
    zero, and ``mu`` the precision-weighted mean with weights ``1 / (s_i^2 + tau^2)``; so accounts
    measured precisely set the scale and the many measured from one post do not swamp it (floored at
a tenth of the measurements' variance, see ``_MIN_SIGNAL``). Each
    account's estimate is
    ``mu + w_i (y_i - mu)`` with ``w_i = tau^2 / (tau^2 + s_i^2)`` and sd ``sqrt(w_i s_i^2)``.
    Every account is moved toward ``mu`` by the same rule, so for equal evidence the order of
    the measurements is kept, and an account with little evidence (one post) cannot outrank one
    that shows the same or a little less over many. ``p_standout`` is not computed (zeros): the
    evidence for a label comes from :func:`posterior`.

    >>> import numpy as np
    >>> post = shrink(np.array([0.0, 0.0, 1.0, 5.0]), np.array([1.0, 1.0, 1.0, 0.01]))
    >>> bool(post.mean[3] > post.mean[2] > post.mean[0])
    True
    """
    values = np.asarray(values, dtype=np.float64)
    noise = np.maximum(np.asarray(noise_var, dtype=np.float64), 1e-8)
    observed = np.ones(len(values), dtype=bool) if observed is None else np.asarray(observed, dtype=bool)
    mean = np.full(len(values), np.nan)
    sd = np.full(len(values), np.nan)
    seen, seen_noise = values[observed], noise[observed]
    if len(seen) == 0:
        return Posterior(mean, sd, np.zeros(len(values)), {"accounts": 0})
    precision = 1.0 / seen_noise
    fixed_mean = float((precision * seen).sum() / precision.sum())
    q = float((precision * (seen - fixed_mean) ** 2).sum())
    scale = float(precision.sum() - (precision ** 2).sum() / precision.sum())
    prior_var = (q - (len(seen) - 1)) / scale if scale > 0 else 0.0
    prior_var = max(prior_var, _MIN_SIGNAL * float(seen.var()), 1e-12)
    prior_mean = float((seen / (seen_noise + prior_var)).sum() / (1.0 / (seen_noise + prior_var)).sum())
    weight = prior_var / (prior_var + seen_noise)
    mean[observed] = prior_mean + weight * (seen - prior_mean)
    sd[observed] = np.sqrt(weight * seen_noise)
    return Posterior(mean, sd, np.zeros(len(values)),
                     {"accounts": int(observed.sum()), "prior_mean": prior_mean, "prior_sd": float(np.sqrt(prior_var))})
