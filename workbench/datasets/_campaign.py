"""The sample's campaign: a hashtag burst that brings recruits, some of whom stay.

The brand runs ``#KestrelSpringRide`` from Thursday 31 March to Sunday 3 April 2022 (UTC, end
exclusive): it posts the call several times a day, members post their rides with the hashtag and
share the brand's posts, and new accounts (the *recruits*) arrive with the hashtag. A planted share
of the recruits (the *stayers*) settles in a community and keeps posting and replying until the
collection ends; the others act only during the campaign.

Everything here is drawn from its own random stream after the main simulation has run, and the
recruits are new accounts appended to the members, so the planted communities, roles and questions
are the same draws as without the campaign. A sample whose window does not hold the campaign and a
week after it (fewer than five weeks) has none.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

import numpy as np

from workbench.datasets._events import (
    DAY, HOUR, POST, REPLY, S_CAMPAIGN_BRAND, S_CAMPAIGN_POST, S_POST, S_REPLY, S_SHARE, SHARE, Accounts,
)

CAMPAIGN_NAME = "Spring ride"
CAMPAIGN_HASHTAG = "KestrelSpringRide"
START_DAY = 24  # days after the window's first Monday: Thursday 2022-03-31
DAYS = 4
RECRUITS_PER_800 = 280
STAY_SHARE = 0.35
ARRIVALS = (0.4, 0.3, 0.18, 0.12)  # share of the recruits arriving on each day of the campaign


@dataclass(frozen=True)
class PlantedCampaign:
    """What was planted: the window (Unix seconds, end exclusive) and the recruits' account indices."""

    start: int
    end: int
    recruits: np.ndarray
    stayers: np.ndarray


def insert_recruits(rng: np.random.Generator, acc: Accounts, table, t0: int, t1: int,
                    n_communities: int) -> tuple[Accounts, PlantedCampaign] | tuple[Accounts, None]:
    """Accounts with the recruits inserted before the outside accounts (whose indices in ``table`` move up)."""
    start, end = t0 + START_DAY * DAY, t0 + (START_DAY + DAYS) * DAY
    if end + 7 * DAY > t1:
        return acc, None
    members = int((~acc.external).sum())
    count = max(10, round(RECRUITS_PER_800 * members / 800))
    # most arrive at the launch, fewer each day after (and none in the campaign's last hours)
    day = rng.choice(DAYS, size=count, p=ARRIVALS)
    first = start + np.sort(day * DAY + rng.integers(0, DAY - 6 * HOUR, size=count))
    stays = rng.random(count) < STAY_SHARE

    def grow(values: np.ndarray, extra: np.ndarray) -> np.ndarray:
        return np.concatenate([values[:members], extra.astype(values.dtype), values[members:]])

    activity = rng.lognormal(0.0, 0.6, size=count)
    fresh = replace(
        acc,
        role=grow(acc.role, np.zeros(count, dtype=acc.role.dtype)),
        community=grow(acc.community, rng.integers(0, n_communities, size=count)),
        is_focal=grow(acc.is_focal, np.zeros(count, bool)), one_hit=grow(acc.one_hit, np.zeros(count, bool)),
        external=grow(acc.external, np.zeros(count, bool)), activity=grow(acc.activity, activity),
        appeal=grow(acc.appeal, rng.lognormal(-0.32, 0.8, size=count)),
        post_rate=grow(acc.post_rate, np.where(stays, rng.uniform(0.5, 0.9, size=count), 0.0)),
        join=grow(acc.join, first), leave=grow(acc.leave, np.where(stays, t1, end)),
        followers=grow(acc.followers, np.minimum(rng.lognormal(np.log(150), 1.0, size=count), 20_000)))
    # the outside accounts move up by ``count``: rewrite their indices in the event table
    table.author = [np.where(a >= members, a + count, a) for a in table.author]
    table.mention_account = [np.where(a >= members, a + count, a) for a in table.mention_account]
    recruits = np.arange(members, members + count)
    return fresh, PlantedCampaign(start=start, end=end, recruits=recruits, stayers=recruits[stays])


def run_campaign(sim, planted: PlantedCampaign) -> None:
    """Append the campaign's rows to ``sim.table`` (``sim`` a Simulation over the accounts with recruits)."""
    rng, acc, table, clock = sim.rng, sim.acc, sim.table, sim.clock
    start, end = planted.start, planted.end
    # the brand's calls: four at the launch, then three, three and two a day
    day_lo = start + DAY * np.repeat(np.arange(DAYS), (4, 3, 3, 2))
    brand_rows = table.add(np.zeros(len(day_lo), dtype=np.int64), clock.sample(rng, day_lo, day_lo + DAY), POST, -1,
                           S_CAMPAIGN_BRAND)
    # recruits: a first ride post at their arrival, then a few more before the end
    recruits = planted.recruits
    extra = rng.poisson(1.2, size=len(recruits))
    who = np.concatenate([recruits, np.repeat(recruits, extra)])
    lo = np.concatenate([acc.join[recruits], np.repeat(acc.join[recruits] + 1800, extra)])
    when = np.concatenate([acc.join[recruits], clock.sample(rng, lo[len(recruits):], np.full(int(extra.sum()), end))])
    # members who are active then join in with one post each, one in two of them
    # (a one-hit viral account posts once in all: it stays out)
    members = np.flatnonzero(~acc.external & ~acc.is_focal & ~acc.one_hit & (acc.join < start) & (acc.leave > end))
    joining = members[rng.random(len(members)) < 0.5]
    who = np.concatenate([who, joining])
    join_day = rng.choice(DAYS, size=len(joining), p=ARRIVALS)
    when = np.concatenate([when, clock.sample(rng, start + join_day * DAY, start + (join_day + 1) * DAY)])
    order = np.argsort(when, kind="stable")
    ride_rows = table.add(who[order], when[order], POST, -1, S_CAMPAIGN_POST)
    table.mention(ride_rows, np.zeros(len(ride_rows), dtype=np.int64))  # every ride post names the brand
    # responses: the brand's calls are shared widely, ride posts within the poster's community
    sim._respond(brand_rows, SHARE, S_SHARE, np.full(len(brand_rows), 60.0), np.zeros(len(brand_rows)), 40 * 60)
    sim._respond(ride_rows, SHARE, S_SHARE, np.full(len(ride_rows), 0.8), np.full(len(ride_rows), 0.9), 40 * 60)
    sim._respond(ride_rows, REPLY, S_REPLY, np.full(len(ride_rows), 0.4), np.full(len(ride_rows), 0.9), 60 * 60)
    # recruits share one of the brand's calls, six in ten of them, after arriving
    sharing = recruits[rng.random(len(recruits)) < 0.6]
    at = acc.join[sharing] + 600 + rng.integers(0, 3 * HOUR, size=len(sharing))
    t = table.column("t")
    earlier = [brand_rows[t[brand_rows] < moment] for moment in at.tolist()]  # one per recruit
    ok = np.array([len(e) > 0 for e in earlier], bool) & (at < end)
    picked = np.array([rng.choice(e) for e, good in zip(earlier, ok) if good], dtype=np.int64)
    table.add(sharing[ok], at[ok], SHARE, picked, S_SHARE)
    # stayers settle: ordinary posts until the collection ends, which their community answers
    stayers = planted.stayers
    counts = rng.poisson(acc.post_rate[stayers] * (sim.t1 - end) / DAY)
    author = np.repeat(stayers, counts)
    posted = clock.sample(rng, np.full(len(author), end), np.full(len(author), sim.t1))
    order = np.argsort(posted, kind="stable")
    stayer_rows = table.add(author[order], posted[order], POST, -1, S_POST)
    sim._respond(stayer_rows, SHARE, S_SHARE, np.full(len(stayer_rows), 0.4), np.full(len(stayer_rows), 0.9), 40 * 60)
    sim._respond(stayer_rows, REPLY, S_REPLY, np.full(len(stayer_rows), 0.4), np.full(len(stayer_rows), 0.9), 60 * 60)
    # and they reply to posts of their community, about every third day
    t, style, authors = table.column("t"), table.column("style"), table.column("author")
    posts = np.flatnonzero((style == S_POST) & (t >= end) & (t < sim.t1 - HOUR))
    replies = rng.poisson(0.35 * (sim.t1 - end) / DAY, size=len(stayers))
    who = np.repeat(stayers, replies)
    same = [posts[(acc.community[authors[posts]] == acc.community[s]) & (authors[posts] != s)] for s in stayers.tolist()]
    target = np.array([rng.choice(same[i]) for i in np.repeat(np.arange(len(stayers)), replies)], dtype=np.int64)
    if len(target):
        moment = t[target] + np.maximum(60, rng.lognormal(np.log(3600), 1.0, size=len(target))).astype(np.int64)
        ok = moment < sim.t1
        table.add(who[ok], moment[ok], REPLY, target[ok], S_REPLY)
