"""Fill the event table of the bundled sample, step by step (posts, then responses to them).

Every response is later than what it responds to (delays are at least 30 s), responses
before the collection window are never made, and posts made before the window stay
in the table as context (twarc2 ``includes.tweets``) when something collected refers to them.
"""

from __future__ import annotations

import numpy as np

from workbench.datasets._events import (
    DAY, HOUR, NETWORKER, INFLUENCER, POST, PULL, QUOTE, REPLY, SHARE,
    S_ANSWER, S_BRAND_POST, S_EXTERNAL_POST, S_NET_POST, S_NET_REPLY, S_PEER_QUESTION,
    S_POST, S_PRAISE_MENTION, S_QUESTION_MENTION, S_QUESTION_REPLY, S_QUOTE, S_REPLY, S_SHARE,
    Accounts, Clock, EventTable,
)

#: Styles of rows that other accounts respond to.
_RESPONDABLE = (S_POST, S_NET_POST, S_BRAND_POST, S_EXTERNAL_POST)


def _delays(rng: np.random.Generator, n: int, median_s: float, sigma: float) -> np.ndarray:
    return np.maximum(30, rng.lognormal(np.log(median_s), sigma, size=n)).astype(np.int64)


class _Pools:
    """Who responds: members weighted by activity, per community or from everyone."""

    def __init__(self, acc: Accounts):
        eligible = ~acc.external & ~acc.is_focal & ~acc.one_hit & (acc.role != NETWORKER)
        self.members = {-1: np.flatnonzero(eligible)}
        for c in np.unique(acc.community[eligible]):
            self.members[int(c)] = np.flatnonzero(eligible & (acc.community == c))
        self.weights = {c: acc.activity[m] / acc.activity[m].sum() for c, m in self.members.items()}

    def draw(self, rng: np.random.Generator, community: np.ndarray) -> np.ndarray:
        out = np.empty(len(community), dtype=np.int64)
        for c in np.unique(community):
            where = np.flatnonzero(community == c)
            out[where] = rng.choice(self.members[int(c)], size=len(where), p=self.weights[int(c)])
        return out


class Simulation:
    """Draws the sample's events; ``run()`` returns the filled :class:`EventTable`."""

    def __init__(self, rng: np.random.Generator, acc: Accounts, t0: int, t1: int, pre: int):
        self.rng, self.acc, self.t0, self.t1, self.pre = rng, acc, t0, t1, pre
        self.clock = Clock(pre - 8 * DAY, t1 + DAY)
        self.pools = _Pools(acc)
        self.table = EventTable()
        scale = max(1.0, (acc.n - acc.external.sum()) / 800)
        self.viral_shares = (250 * scale, 400 * scale)

    # -- helpers -------------------------------------------------------------------------
    def _active(self, who: np.ndarray, t: np.ndarray) -> np.ndarray:
        return (self.acc.join[who] <= t) & (t < self.acc.leave[who]) & (t >= self.t0) & (t < self.t1)

    def _mention_members(self, rows: np.ndarray, community: np.ndarray, *, per_row: np.ndarray) -> None:
        rows = np.repeat(rows, per_row)
        targets = self.pools.draw(self.rng, np.repeat(community, per_row))
        authors = self.table.column("author")[rows]
        keep = targets != authors
        key = np.unique(rows[keep] * self.acc.n + targets[keep])
        self.table.mention(key // self.acc.n, key % self.acc.n)

    def _respond(self, targets: np.ndarray, kind: int, style: int, lam: np.ndarray, p_in: np.ndarray,
                 median_delay: float, sigma: float = 1.3) -> np.ndarray:
        """Draw Poisson(lam) responses of one kind per target; returns the new rows."""
        rng, acc = self.rng, self.acc
        author, t = self.table.column("author"), self.table.column("t")
        counts = rng.poisson(lam / self.clock.acceptance)
        target = np.repeat(targets, counts)
        in_community = rng.random(len(target)) < np.repeat(p_in, counts)
        who = self.pools.draw(rng, np.where(in_community, acc.community[author[target]], -1))
        when = t[target] + _delays(rng, len(target), median_delay, sigma)
        ok = (who != author[target]) & self._active(who, when) & self.clock.keep(rng, when)
        target, who, when = target[ok], who[ok], when[ok]
        _, first = np.unique(target * acc.n + who, return_index=True)  # one response per account and post
        first.sort()
        return self.table.add(who[first], when[first], kind, target[first], style)

    # -- steps ---------------------------------------------------------------------------
    def posts(self) -> None:
        rng, acc = self.rng, self.acc
        lo = np.where(acc.external, self.pre - 7 * DAY, np.maximum(acc.join, self.pre))
        days = np.maximum(acc.leave - lo, 0) / DAY
        counts = rng.poisson(acc.post_rate * days)
        author = np.repeat(np.arange(acc.n), counts)
        when = self.clock.sample(rng, lo[author], acc.leave[author])
        style = np.select([acc.role[author] == NETWORKER, acc.is_focal[author], acc.external[author]],
                          [S_NET_POST, S_BRAND_POST, S_EXTERNAL_POST], S_POST)
        rows = self.table.add(author, when, POST, -1, style)

        net = rows[style == S_NET_POST]  # networkers name accounts from every community
        per_row = np.minimum(1 + rng.poisson(1.3, size=len(net)), 4)
        self._mention_members(net, np.full(len(net), -1), per_row=per_row)
        member = rows[(style == S_POST) & (rng.random(len(rows)) < 0.15)]
        self._mention_members(member, acc.community[author[member - rows[0]]],
                              per_row=1 + (rng.random(len(member)) < 0.3))
        brand = rows[(style == S_BRAND_POST) & (rng.random(len(rows)) < 0.1)]
        influencers = np.flatnonzero(acc.role == INFLUENCER)
        self.table.mention(brand, rng.choice(influencers, size=len(brand)))

        viral = np.flatnonzero(acc.one_hit)
        lo_v, hi_v = np.full(len(viral), self.t0 + 2 * DAY), np.full(len(viral), self.t1 - 7 * DAY)
        self.viral_rows = self.table.add(viral, self.clock.sample(rng, lo_v, hi_v), POST, -1, S_POST)

    def questions(self, rate_per_day: float = 0.01, praise_per_day: float = 0.004) -> None:
        rng, acc = self.rng, self.acc
        askers = self.pools.members[-1]
        weight = np.sqrt(acc.activity[askers])
        days = (self.t1 - self.t0) / DAY
        n_q = rng.poisson(rate_per_day * len(askers) * days)
        n_p = rng.poisson(praise_per_day * len(askers) * days)
        who = rng.choice(askers, size=n_q + n_p, p=weight / weight.sum())
        as_reply = np.zeros(n_q + n_p, bool)
        as_reply[:n_q] = rng.random(n_q) < 0.5
        lo = np.maximum(acc.join[who], self.t0)
        hi = np.maximum(acc.leave[who], lo + 1)
        when = self.clock.sample(rng, lo, hi)
        direct = ~as_reply & self._active(who, when)
        style = np.where(np.arange(n_q + n_p) < n_q, S_QUESTION_MENTION, S_PRAISE_MENTION)
        rows = self.table.add(who[direct], when[direct], POST, -1, style[direct])
        self.table.mention(rows, np.zeros(len(rows), dtype=np.int64))

        t, st = self.table.column("t"), self.table.column("style")
        brand_posts = np.flatnonzero((st == S_BRAND_POST) & (t < self.t1))
        if len(brand_posts) == 0:
            return
        n_r = int(as_reply.sum())
        parent = rng.choice(brand_posts, size=n_r)
        who_r = who[as_reply]
        when_r = t[parent] + _delays(rng, n_r, 3 * HOUR, 1.2)
        ok = self._active(who_r, when_r)
        self.table.add(who_r[ok], when_r[ok], REPLY, parent[ok], S_QUESTION_REPLY)

    def responses(self) -> None:
        acc = self.acc
        author, st = self.table.column("author"), self.table.column("style")
        targets = np.flatnonzero(np.isin(st, _RESPONDABLE))
        a = author[targets]
        names = ["regular", "external", "brand", "influencer", "networker"]
        code = np.select([acc.external[a], acc.is_focal[a], acc.role[a] == INFLUENCER,
                          acc.role[a] == NETWORKER], [1, 2, 3, 4], 0)
        category = np.array(names)[code]
        lam = np.array([PULL[name] for name in names])[code]
        regular = category == "regular"
        # regular posts: author appeal times a heavy-tailed per-post factor; influencers: steady pull
        lam[regular] *= (acc.appeal[a[regular]] * self.rng.gamma(1.0, 1.0, size=int(regular.sum())))[:, None]
        infl = category == "influencer"
        lam[infl] *= self.rng.gamma(12.0, 1 / 12.0, size=int(infl.sum()))[:, None]
        p_in = np.select([category == "brand", category == "networker", category == "external"],
                         [0.0, 0.5, 0.85], 0.9)
        self._respond(targets, SHARE, S_SHARE, lam[:, 0], p_in, 40 * 60)
        replies = self._respond(targets, REPLY, S_REPLY, lam[:, 1], p_in, 60 * 60)
        self._peer_questions_and_cc(replies)
        self._respond(targets, QUOTE, S_QUOTE, lam[:, 2], p_in, 90 * 60)

        viral = self.viral_rows
        share_lam = self.rng.uniform(*self.viral_shares, size=len(viral))
        p_own = np.full(len(viral), 0.35)
        self._respond(viral, SHARE, S_SHARE, share_lam, p_own, 2.5 * HOUR, 1.2)
        self._respond(viral, REPLY, S_REPLY, np.full(len(viral), 12.0), p_own, 2 * HOUR, 1.2)
        self._respond(viral, QUOTE, S_QUOTE, np.full(len(viral), 6.0), p_own, 2 * HOUR, 1.2)

    def _peer_questions_and_cc(self, replies: np.ndarray) -> None:
        rng = self.rng
        style_parts = self.table.style[-1]  # the batch just added holds ``replies``
        parent_author = self.table.column("author")[self.table.column("ref")[replies]]
        peer = ~self.acc.is_focal[parent_author] & ~self.acc.external[parent_author]
        style_parts[peer & (rng.random(len(replies)) < 0.15)] = S_PEER_QUESTION
        cc = replies[rng.random(len(replies)) < 0.04]
        author = self.table.column("author")
        self._mention_members(cc, self.acc.community[author[cc]], per_row=np.ones(len(cc), np.int64))

    def networkers(self, shares_per_day: float = 2.5, replies_per_day: float = 2.0) -> None:
        rng, acc = self.rng, self.acc
        author, st = self.table.column("author"), self.table.column("style")
        a = author
        targets = np.flatnonzero((st == S_POST) & ~acc.external[a] & (acc.role[a] != NETWORKER))
        days = (self.t1 - self.t0) / DAY
        t = self.table.column("t")
        nets = np.flatnonzero(acc.role == NETWORKER)
        for kind, style, rate in ((SHARE, S_SHARE, shares_per_day), (REPLY, S_NET_REPLY, replies_per_day)):
            counts = rng.poisson(rate * days / self.clock.acceptance, size=len(nets))
            who = np.repeat(nets, counts)
            picked = rng.choice(targets, size=len(who))
            when = t[picked] + _delays(rng, len(who), 2 * HOUR, 1.0)
            ok = self._active(who, when) & self.clock.keep(rng, when)
            _, first = np.unique(picked[ok] * acc.n + who[ok], return_index=True)
            first.sort()
            self.table.add(who[ok][first], when[ok][first], kind, picked[ok][first], style)

    def reply_backs(self) -> None:
        """Authors answer some replies to their posts, which makes conversations."""
        rng, acc = self.rng, self.acc
        author, ref, st, t = (self.table.column(c) for c in ("author", "ref", "style", "t"))
        replies = np.flatnonzero(np.isin(st, (S_REPLY, S_PEER_QUESTION)) & (ref >= 0))
        parent = ref[replies]
        owner = author[parent]
        chance = np.where(st[replies] == S_PEER_QUESTION, 0.6, 0.25)
        chance = np.where(acc.role[owner] == INFLUENCER, 0.4 * chance, chance)  # busy people answer less
        member = ((acc.role[owner] != NETWORKER) & ~acc.is_focal[owner] & ~acc.external[owner] & ~acc.one_hit[owner]
                  & (st[parent] == S_POST))
        pick = member & (rng.random(len(replies)) < chance)
        rows, who = replies[pick], owner[pick]
        when = t[rows] + _delays(rng, len(rows), 25 * 60, 1.0)
        ok = self._active(who, when)
        self.table.add(who[ok], when[ok], REPLY, rows[ok], S_REPLY)

    def answers(self, share_answered: float = 0.7) -> None:
        """The brand answers a share of the questions put to it, in business hours."""
        rng = self.rng
        st, t, author = self.table.column("style"), self.table.column("t"), self.table.column("author")
        questions = np.flatnonzero(np.isin(st, (S_QUESTION_MENTION, S_QUESTION_REPLY)))
        picked = questions[rng.random(len(questions)) < share_answered]
        when = t[picked] + _delays(rng, len(picked), 80 * 60, 1.1)
        hour = (when % DAY) // HOUR
        weekday = ((when // DAY) + 3) % 7
        off = (hour < 8) | (hour >= 19) | (weekday >= 5)
        # outside business hours: next working morning, 08:00 plus a little
        day = when // DAY + (hour >= 8)
        day = day + np.select([((day + 3) % 7) == 5, ((day + 3) % 7) == 6], [2, 1], 0)
        morning = day * DAY + 8 * HOUR + _delays(rng, len(picked), 45 * 60, 0.8)
        when = np.where(off, morning, when)
        ok = when < self.t1
        rows = self.table.add(np.zeros(int(ok.sum()), dtype=np.int64), when[ok], REPLY, picked[ok], S_ANSWER)
        thanks = rows[rng.random(len(rows)) < 0.3]
        who = author[self.table.column("ref")[thanks]]
        when_t = self.table.column("t")[thanks] + _delays(rng, len(thanks), 40 * 60, 1.0)
        ok_t = self._active(who, when_t)
        self.table.add(who[ok_t], when_t[ok_t], REPLY, thanks[ok_t], S_REPLY)

    def everyone_posts(self) -> None:
        """Members the dice left silent in the window get one post, so every member appears."""
        acc = self.acc
        author, t = self.table.column("author"), self.table.column("t")
        seen = np.zeros(acc.n, bool)
        seen[author[t >= self.t0]] = True
        silent = np.flatnonzero(~seen & ~acc.external)
        lo = np.maximum(acc.join[silent], self.t0)
        self.table.add(silent, self.clock.sample(self.rng, lo, acc.leave[silent]), POST, -1, S_POST)

    def run(self) -> EventTable:
        self.posts()
        self.questions()
        self.responses()
        self.networkers()
        self.reply_backs()
        self.answers()
        self.everyone_posts()
        return self.table


__all__ = ["Simulation"]
