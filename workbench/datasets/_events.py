"""The event model behind the bundled sample: who posts what, when, and who responds.

Everything here is numpy arrays; turning events into tweet records is ``sample.py``'s job.
One row of the event table is one tweet: author, time (Unix seconds), kind, the row it
references, and a text style. Responses are drawn per target tweet from Poisson counts
whose means depend on the target author's planted role, which is what plants the
influencer / networker / one-hit-viral contrast (Cha et al. 2010: audience size and
amplification earned are different things).
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from workbench.datasets import _text

DAY = 86_400
HOUR = 3_600

POST, REPLY, SHARE, QUOTE = 0, 1, 2, 3

REGULAR, INFLUENCER, NETWORKER = 0, 1, 2
ROLE_NAMES = ("regular", "influencer", "networker")

# Text styles (how sample.py writes the text of a row).
(S_POST, S_NET_POST, S_BRAND_POST, S_EXTERNAL_POST, S_QUESTION_MENTION, S_PRAISE_MENTION,
 S_REPLY, S_PEER_QUESTION, S_NET_REPLY, S_QUESTION_REPLY, S_ANSWER, S_SHARE, S_QUOTE) = range(13)
# The campaign's (workbench/datasets/_campaign.py): a ride post with the hashtag, the brand's call.
S_CAMPAIGN_POST, S_CAMPAIGN_BRAND = 13, 14

# Share of activity by hour of day (UTC) and by weekday (Monday first): a European
# audience with a lunch and an evening peak, quieter weekends.
DIURNAL = np.array([0.25, 0.15, 0.10, 0.08, 0.08, 0.12, 0.30, 0.60, 0.90, 1.00, 0.95, 0.95,
                    1.00, 1.00, 0.95, 0.90, 0.90, 1.00, 1.10, 1.20, 1.20, 1.00, 0.70, 0.45])
WEEKLY = np.array([1.00, 1.00, 1.00, 0.98, 0.92, 0.75, 0.80])

# Expected responses (shares, replies, quotes) per post, before the diurnal thinning
# is compensated. Influencers: every post pulls; networkers: almost none do.
PULL = {"regular": (0.40, 0.40, 0.04), "influencer": (16.0, 7.0, 2.0), "networker": (0.2, 0.2, 0.02),
        "brand": (2.5, 1.2, 0.3), "external": (2.0, 0.3, 0.4)}


class Clock:
    """Samples times from a piecewise-constant hourly intensity (diurnal x weekly)."""

    def __init__(self, t_lo: int, t_hi: int):
        self.base = t_lo - t_lo % HOUR
        hours = np.arange((t_hi - self.base) // HOUR + 2)
        stamps = self.base + hours * HOUR
        weekday = ((stamps // DAY) + 3) % 7  # 1970-01-01 was a Thursday
        self.weight = DIURNAL[(stamps % DAY) // HOUR] * WEEKLY[weekday]
        self.cum = np.concatenate([[0.0], np.cumsum(self.weight)])
        self.acceptance = float(self.weight.mean() / self.weight.max())

    def _cdf(self, t: np.ndarray) -> np.ndarray:
        h = (np.asarray(t, dtype=np.float64) - self.base) / HOUR
        i = np.clip(np.floor(h).astype(np.int64), 0, len(self.weight) - 1)
        return self.cum[i] + (h - i) * self.weight[i]

    def sample(self, rng: np.random.Generator, lo: np.ndarray, hi: np.ndarray) -> np.ndarray:
        """One time in ``[lo, hi)`` per pair, denser in busy hours."""
        c_lo, c_hi = self._cdf(lo), self._cdf(hi)
        u = c_lo + rng.random(len(c_lo)) * (c_hi - c_lo)
        i = np.clip(np.searchsorted(self.cum, u, side="right") - 1, 0, len(self.weight) - 1)
        t = self.base + (i + (u - self.cum[i]) / self.weight[i]) * HOUR
        return np.minimum(np.floor(t).astype(np.int64), np.asarray(hi, dtype=np.int64) - 1)

    def keep(self, rng: np.random.Generator, t: np.ndarray) -> np.ndarray:
        """Thin response times by the hourly intensity, so that responses follow the day too."""
        i = np.clip((np.asarray(t) - self.base) // HOUR, 0, len(self.weight) - 1)
        return rng.random(len(i)) < self.weight[i] / self.weight.max()


@dataclass
class Accounts:
    """Planted accounts; index 0 is the focal brand, externals come last."""

    role: np.ndarray          # REGULAR / INFLUENCER / NETWORKER
    community: np.ndarray     # planted community, -1 for the brand and externals
    is_focal: np.ndarray
    one_hit: np.ndarray
    external: np.ndarray
    activity: np.ndarray      # weight as a responder
    appeal: np.ndarray        # multiplies the pull of the account's posts
    post_rate: np.ndarray     # posts per active day
    join: np.ndarray          # active in [join, leave)
    leave: np.ndarray
    followers: np.ndarray

    @property
    def n(self) -> int:
        return len(self.role)


def plant_accounts(rng: np.random.Generator, n_accounts: int, n_communities: int,
                   t0: int, t1: int, pre: int) -> Accounts:
    """Roles, communities, activity windows and audiences of ``n_accounts`` members (+ externals)."""
    n_inf = max(n_communities, round(0.015 * n_accounts))
    n_net = max(2, round(0.015 * n_accounts))
    n_viral = max(1, round(0.008 * n_accounts))
    n_ext = len(_text.EXTERNAL_ACCOUNTS)
    n_reg = n_accounts - 1 - n_inf - n_net - n_viral
    if n_reg < 2 * n_communities:
        raise ValueError(f"n_accounts={n_accounts} is too small for {n_communities} communities")
    n = n_accounts + n_ext
    role = np.full(n, REGULAR)
    inf = np.arange(1, 1 + n_inf)
    net = np.arange(inf[-1] + 1, inf[-1] + 1 + n_net)
    viral = np.arange(net[-1] + 1, net[-1] + 1 + n_viral)
    reg = np.arange(viral[-1] + 1, n_accounts)
    ext = np.arange(n_accounts, n)
    role[inf], role[net] = INFLUENCER, NETWORKER

    community = np.full(n, -1)
    sizes = 1.0 / (1.0 + 0.25 * np.arange(n_communities))
    community[reg] = rng.choice(n_communities, size=n_reg, p=sizes / sizes.sum())
    community[reg[:n_communities]] = np.arange(n_communities)  # no community left empty
    community[inf] = np.arange(n_inf) % n_communities
    community[net] = np.arange(n_net) % n_communities
    community[viral] = rng.integers(0, n_communities, size=n_viral)

    external = np.zeros(n, bool)
    external[ext] = True
    one_hit = np.zeros(n, bool)
    one_hit[viral] = True
    is_focal = np.zeros(n, bool)
    is_focal[0] = True

    activity = rng.lognormal(0.0, 1.0, size=n)
    activity[inf] = rng.uniform(1.5, 3.0, size=n_inf)
    appeal = rng.lognormal(-0.32, 0.8, size=n)  # mean 1 for regulars
    appeal[inf] = rng.uniform(0.85, 1.15, size=n_inf)
    post_rate = 0.085 * activity
    post_rate[inf] = rng.uniform(0.8, 1.4, size=n_inf)
    post_rate[net] = rng.uniform(2.5, 4.0, size=n_net)
    post_rate[0] = 1.2
    post_rate[ext] = 0.25
    post_rate[viral] = 0.0  # their single post is planted separately

    join = np.full(n, pre, dtype=np.int64)
    leave = np.full(n, t1, dtype=np.int64)
    late = reg[rng.random(n_reg) < 0.35]  # growth: members who arrive during the window
    join[late] = t0 + (rng.random(len(late)) * 0.85 * (t1 - t0)).astype(np.int64)
    churned = reg[rng.random(n_reg) < 0.15]
    first = np.maximum(join[churned], t0)
    leave[churned] = first + ((t1 - first) * rng.uniform(0.3, 0.9, size=len(churned))).astype(np.int64)

    followers = np.minimum(rng.lognormal(np.log(300), 1.2, size=n), 50_000).astype(np.int64)
    followers[inf] = np.exp(rng.uniform(np.log(300), np.log(3000), size=n_inf)).astype(np.int64)
    followers[net] = np.exp(rng.uniform(np.log(50_000), np.log(500_000), size=n_net)).astype(np.int64)
    followers[viral] = rng.integers(20, 500, size=n_viral)
    followers[ext] = np.exp(rng.uniform(np.log(20_000), np.log(900_000), size=n_ext)).astype(np.int64)
    followers[0] = 41_250
    community[ext] = np.arange(n_ext) % n_communities  # topic of the outlet (not a membership)
    return Accounts(role=role, community=community, is_focal=is_focal, one_hit=one_hit,
                    external=external, activity=activity, appeal=appeal, post_rate=post_rate,
                    join=join, leave=leave, followers=followers)


@dataclass
class EventTable:
    """Rows appended batch by batch; ``ref`` points at an earlier row (or -1)."""

    author: list = field(default_factory=list)
    t: list = field(default_factory=list)
    kind: list = field(default_factory=list)
    ref: list = field(default_factory=list)
    style: list = field(default_factory=list)
    size: int = 0
    mention_row: list = field(default_factory=list)
    mention_account: list = field(default_factory=list)

    def add(self, author, t, kind, ref, style) -> np.ndarray:
        author = np.asarray(author, dtype=np.int64)
        count = len(author)
        rows = np.arange(self.size, self.size + count)
        self.author.append(author)
        self.t.append(np.asarray(t, dtype=np.int64))
        self.kind.append(np.full(count, kind, dtype=np.int8))
        self.ref.append(np.broadcast_to(np.asarray(ref, dtype=np.int64), (count,)).copy())
        self.style.append(np.broadcast_to(np.asarray(style, dtype=np.int8), (count,)).copy())
        self.size += count
        return rows

    def mention(self, rows: np.ndarray, accounts: np.ndarray) -> None:
        self.mention_row.append(np.asarray(rows, dtype=np.int64))
        self.mention_account.append(np.asarray(accounts, dtype=np.int64))

    def column(self, name: str) -> np.ndarray:
        parts = getattr(self, name)
        return np.concatenate(parts) if parts else np.zeros(0, dtype=np.int64)
