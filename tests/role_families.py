"""Generator families with planted roles, written independently of the scoring code (workbench.roles).

Each family is a small world of communities whose accounts post, respond to each other's posts, mention
and converse, drawn with numpy from a seed, with its ground truth: which accounts were planted as
influencers, networkers, broadcasters or one-hit viral posters. It is written into a real DuckDB
workspace (accounts, posts and interactions tables, as a loader would fill them), so the whole scoring
path runs on it. Nothing here imports ``workbench.roles``; the planted behaviour follows the plain-language
definitions of the roles, not the formulas.

Behaviour of the accounts (rates per account, drawn once):

- regular: posts ``1 + Poisson(4)`` originals over four weeks; each post draws ``Poisson(appeal * g)``
  distinct responders, ``appeal ~ LogNormal(ln 0.7, 0.4)`` capped at 1.75 (no regular is a hidden
  influencer), ``g`` a per-post LogNormal factor with mean 1 and log-sd 0.6; responders come from the author's community (85%) or anywhere; the author answers a responder
  with probability 0.1; 20% of posts mention an account of the same community.
- influencer: posts like a regular, but each post draws ``Poisson(U(8, 14) * g)`` responders; answers
  rarely (0.05); an ordinary audience (or a tiny one in ``tiny_audience``).
- networker: posts six times as many originals, mentions two accounts of random communities in each, and
  converses: 20% of the accounts it mentions answer, and it answers back half the time; with the others'
  responses (appeal 0.3) its posts draw about what a regular's draw; its follower count is 20 to 60
  times a regular's median. On Reddit it comments on about 60 posts all over the site, 40% of them are answered, and it
  answers back half the time.
- broadcaster: shares about 120 posts of accounts all over the network and posts a few originals that
  nobody answers.
- one-hit viral: a regular whose history holds one extra post answered by 60 to 150 accounts.

Families (``FAMILIES``): ``volume_networkers``, ``broadcasters``, ``no_roles``, ``one_hit_viral``,
``tiny_audience``, ``reddit_no_followers`` (Reddit-like: submissions and comments only, no follower
counts, communities are subreddits).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

__all__ = ["Family", "FAMILIES", "build", "SPEC"]

DAY = 86_400
START = pd.Timestamp("2024-03-04", tz="UTC")
SPAN_DAYS = 28


@dataclass
class Family:
    """One generated world: the three canonical tables and the planted truth (``account_id``, ``planted``)."""

    name: str
    accounts: pd.DataFrame
    posts: pd.DataFrame
    interactions: pd.DataFrame
    truth: pd.DataFrame

    def write(self, store) -> None:
        """Insert the tables into an open workspace (as a loader would)."""
        con = store.con
        for name, frame in (("accounts", self.accounts), ("posts", self.posts), ("interactions", self.interactions)):
            con.register("_family_frame", frame)
            try:
                columns = ", ".join(frame.columns)
                con.execute(f"INSERT INTO {name} ({columns}) SELECT {columns} FROM _family_frame")
            finally:
                con.unregister("_family_frame")


# name -> (accounts, communities, influencers, networkers, broadcasters, viral, options)
SPEC: dict[str, dict] = {
    "volume_networkers": dict(n=3000, communities=6, influencers=30, networkers=30),
    "broadcasters": dict(n=2000, communities=5, influencers=20, networkers=20, broadcasters=60),
    "no_roles": dict(n=2000, communities=5, viral=10),
    "one_hit_viral": dict(n=2000, communities=5, influencers=20, networkers=20, viral=40),
    "tiny_audience": dict(n=2000, communities=5, influencers=25, networkers=20, influencer_followers=0.05),
    "reddit_no_followers": dict(n=2000, communities=5, influencers=20, networkers=20, reddit=True),
}
FAMILIES = tuple(SPEC)


class _Builder:
    def __init__(self, rng: np.random.Generator, platform: str, reddit: bool):
        self.rng, self.platform, self.reddit = rng, platform, reddit
        self.posts: list[pd.DataFrame] = []
        self.interactions: list[pd.DataFrame] = []
        self.next_post = 0

    def ids(self, count: int) -> np.ndarray:
        first = self.next_post
        self.next_post += count
        return np.arange(first, first + count)

    def add_posts(self, author, created, kind, parent=None, channel=None) -> np.ndarray:
        author = np.asarray(author)
        ids = self.ids(len(author))
        self.posts.append(pd.DataFrame({
            "post": ids, "author": author, "created": np.asarray(created, dtype=np.int64), "kind": kind,
            "parent": -1 if parent is None else np.asarray(parent), "channel": -1 if channel is None else channel}))
        return ids

    def add_interactions(self, source, target, kind, post, created) -> None:
        self.interactions.append(pd.DataFrame({
            "source": np.asarray(source), "target": np.asarray(target), "kind": kind,
            "post": np.asarray(post), "created": np.asarray(created, dtype=np.int64)}))


def _pick(rng, community_of: np.ndarray, members: list[np.ndarray], home: np.ndarray, p_home: float) -> np.ndarray:
    """One account per row: from the row's home community with probability p_home, else from anyone."""
    n = len(community_of)
    local = rng.random(len(home)) < p_home
    chosen = rng.integers(0, n, size=len(home))
    for c, group in enumerate(members):
        rows = np.flatnonzero(local & (home == c))
        if len(rows):
            chosen[rows] = group[rng.integers(0, len(group), size=len(rows))]
    return chosen


def build(name: str, *, seed: int = 0, scale: float = 1.0) -> Family:
    """Generate the family ``name`` (see :data:`FAMILIES`); ``scale`` multiplies the account counts."""
    spec = {"influencers": 0, "networkers": 0, "broadcasters": 0, "viral": 0, "reddit": False,
            "influencer_followers": 1.0, **SPEC[name]}
    rng = np.random.default_rng([seed, FAMILIES.index(name)])
    n = int(spec["n"] * scale)
    reddit = spec["reddit"]
    platform = "reddit" if reddit else "twitter"
    community = rng.integers(0, spec["communities"], size=n)
    members = [np.flatnonzero(community == c) for c in range(spec["communities"])]
    planted = np.full(n, "regular", dtype=object)
    order = rng.permutation(n)
    start = 0
    for role in ("influencer", "networker", "broadcaster", "viral"):
        count = int(spec[{"influencer": "influencers", "networker": "networkers",
                          "broadcaster": "broadcasters", "viral": "viral"}[role]] * scale)
        planted[order[start:start + count]] = role
        start += count

    followers = np.floor(rng.lognormal(np.log(200), 1.0, size=n))
    networkers = planted == "networker"  # the largest audiences: 20 to 60 times a regular's median
    followers[networkers] = np.floor(200 * rng.uniform(20, 60, size=networkers.sum()))
    followers[planted == "influencer"] = np.floor(followers[planted == "influencer"] * spec["influencer_followers"])
    # regulars differ in appeal, but none is a hidden influencer: at most 2.5 times the median
    appeal = np.minimum(rng.lognormal(np.log(0.7), 0.4, size=n), 1.75)
    # a networker's posts draw about what a regular's draw, counting the answers its mentions bring
    appeal[planted == "networker"] = 0.3
    appeal[planted == "influencer"] = rng.uniform(8, 14, size=(planted == "influencer").sum())
    appeal[planted == "broadcaster"] = 0.0
    answer_back = np.select([planted == "influencer", planted == "networker"], [0.05, 0.5], 0.1)

    b = _Builder(rng, platform, reddit)
    # original posts (Reddit: submissions in the author's home subreddit)
    originals = 1 + rng.poisson(4, size=n)
    originals[planted == "networker"] = 1 + rng.poisson(24, size=(planted == "networker").sum())
    originals[planted == "broadcaster"] = rng.poisson(1, size=(planted == "broadcaster").sum())
    author = np.repeat(np.arange(n), originals)
    created = rng.integers(0, SPAN_DAYS * DAY, size=len(author))
    post_ids = b.add_posts(author, created, "post", channel=community[author] if reddit else None)
    pull_mean = appeal[author] * rng.lognormal(-0.18, 0.6, size=len(author))
    viral_authors = np.flatnonzero(planted == "viral")
    viral_posts = b.add_posts(viral_authors, rng.integers(2 * DAY, (SPAN_DAYS - 3) * DAY, size=len(viral_authors)),
                              "post", channel=community[viral_authors] if reddit else None)
    author = np.concatenate([author, viral_authors])
    created = np.concatenate([created, b.posts[-1]["created"].to_numpy()])
    post_ids = np.concatenate([post_ids, viral_posts])
    pull_mean = np.concatenate([pull_mean, rng.uniform(60, 150, size=len(viral_authors))])

    # mentions inside posts: networkers name two accounts of random communities; others sometimes one of theirs
    if not reddit:
        is_net = planted[author] == "networker"
        net_rows = np.repeat(np.flatnonzero(is_net), 2)
        named = rng.integers(0, n, size=len(net_rows))
        other_rows = np.flatnonzero(~is_net & (rng.random(len(author)) < 0.2))
        named_local = _pick(rng, community, members, community[author[other_rows]], 1.0)
        rows = np.concatenate([net_rows, other_rows])
        targets = np.concatenate([named, named_local])
        keep = targets != author[rows]
        rows, targets = rows[keep], targets[keep]
        b.add_interactions(author[rows], targets, "mention", post_ids[rows], created[rows])
        # 20% of those a networker names answer it (a reply to its post), and it answers back half the time
        answer = is_net[rows] & (rng.random(len(rows)) < 0.2)
        self_rows, answerers = rows[answer], targets[answer]
        answered_at = created[self_rows] + rng.exponential(3 * 3600, size=len(self_rows)).astype(np.int64)
        replies = b.add_posts(answerers, answered_at, "reply", parent=post_ids[self_rows])
        b.add_interactions(answerers, author[self_rows], "reply", replies, answered_at)
        back = rng.random(len(replies)) < answer_back[author[self_rows]]
        back_at = answered_at[back] + rng.exponential(2 * 3600, size=back.sum()).astype(np.int64)
        back_posts = b.add_posts(author[self_rows][back], back_at, "reply", parent=replies[back])
        b.add_interactions(author[self_rows][back], answerers[back], "reply", back_posts, back_at)
    else:
        # Reddit networkers comment on posts all over the site, six times a regular's rate, and get answered
        net = np.flatnonzero(planted == "networker")
        per = rng.poisson(60, size=len(net))
        commenter = np.repeat(net, per)
        target_rows = rng.integers(0, len(author), size=len(commenter))
        keep = author[target_rows] != commenter
        commenter, target_rows = commenter[keep], target_rows[keep]
        at = created[target_rows] + rng.exponential(6 * 3600, size=len(commenter)).astype(np.int64)
        comments = b.add_posts(commenter, at, "comment", parent=post_ids[target_rows],
                               channel=community[author[target_rows]])
        b.add_interactions(commenter, author[target_rows], "comment", comments, at)
        answer = rng.random(len(comments)) < 0.4
        back_at = at[answer] + rng.exponential(2 * 3600, size=answer.sum()).astype(np.int64)
        answers = b.add_posts(author[target_rows][answer], back_at, "comment", parent=comments[answer],
                              channel=community[author[target_rows][answer]])
        b.add_interactions(author[target_rows][answer], commenter[answer], "comment", answers, back_at)
        again = rng.random(len(answers)) < 0.5
        again_at = back_at[again] + rng.exponential(2 * 3600, size=again.sum()).astype(np.int64)
        again_posts = b.add_posts(commenter[answer][again], again_at, "comment", parent=answers[again],
                                  channel=community[author[target_rows][answer][again]])
        b.add_interactions(commenter[answer][again], author[target_rows][answer][again], "comment", again_posts,
                           again_at)

    # responses to original posts: distinct responders, mostly from the author's community
    counts = rng.poisson(pull_mean)
    rows = np.repeat(np.arange(len(author)), counts)
    responder = _pick(rng, community, members, community[author[rows]], 0.85)
    frame = pd.DataFrame({"row": rows, "responder": responder}).drop_duplicates()
    frame = frame[frame["responder"].to_numpy() != author[frame["row"].to_numpy()]]
    rows, responder = frame["row"].to_numpy(), frame["responder"].to_numpy()
    at = created[rows] + rng.exponential(2 * 3600, size=len(rows)).astype(np.int64)
    if reddit:
        kinds = np.full(len(rows), "comment", dtype=object)
    else:
        kinds = np.array(["share", "reply", "quote"], dtype=object)[
            np.searchsorted([0.55, 0.85], rng.random(len(rows)), side="right")]
    for kind in np.unique(kinds):
        pick = kinds == kind
        if kind == "share":
            shares = b.add_posts(responder[pick], at[pick], "share")
            b.add_interactions(responder[pick], author[rows[pick]], "share", shares, at[pick])
            continue
        parent = post_ids[rows[pick]] if kind in ("reply", "comment") else None
        made = b.add_posts(responder[pick], at[pick], kind, parent=parent,
                           channel=community[author[rows[pick]]] if reddit else None)
        b.add_interactions(responder[pick], author[rows[pick]], kind, made, at[pick])
        if kind in ("reply", "comment"):  # the author answers some of them
            back = rng.random(pick.sum()) < answer_back[author[rows[pick]]]
            back_at = at[pick][back] + rng.exponential(3600, size=back.sum()).astype(np.int64)
            back_posts = b.add_posts(author[rows[pick]][back], back_at, kind, parent=made[back],
                                     channel=community[author[rows[pick]][back]] if reddit else None)
            b.add_interactions(author[rows[pick]][back], responder[pick][back], kind, back_posts, back_at)

    # broadcasters share ~120 posts of accounts all over the network; nobody answers them
    caster = np.flatnonzero(planted == "broadcaster")
    if len(caster):
        per = rng.poisson(120, size=len(caster))
        sharer = np.repeat(caster, per)
        target_rows = rng.integers(0, len(author), size=len(sharer))
        keep = author[target_rows] != sharer
        sharer, target_rows = sharer[keep], target_rows[keep]
        at = created[target_rows] + rng.exponential(4 * 3600, size=len(sharer)).astype(np.int64)
        shares = b.add_posts(sharer, at, "share")
        b.add_interactions(sharer, author[target_rows], "share", shares, at)

    return _assemble(name, b, n, community, planted, followers, platform, reddit)


def _assemble(name, b: _Builder, n, community, planted, followers, platform, reddit) -> Family:
    prefix = f"{platform}:"
    account_ids = np.array([f"{prefix}{name[:3]}{i}" for i in range(n)], dtype=object)
    accounts = pd.DataFrame({"account_id": account_ids, "platform": platform,
                             "handle": [f"{name[:3]}{i}" for i in range(n)],
                             "followers": pd.array([None] * n if reddit else followers.astype(np.int64), dtype="Int64")})
    posts = pd.concat(b.posts, ignore_index=True)
    post_key = np.array([f"{prefix}p{i}" for i in range(b.next_post)], dtype=object)
    created = START + pd.to_timedelta(posts["created"].to_numpy(), unit="s")
    parent = posts["parent"].to_numpy()
    channel = posts["channel"].to_numpy()
    posts_frame = pd.DataFrame({
        "post_id": post_key[posts["post"].to_numpy()], "platform": platform,
        "author_id": account_ids[posts["author"].to_numpy()], "created_at": created,
        "parent_post_id": np.where(parent >= 0, post_key[np.maximum(parent, 0)], None),
        "channel": np.where(channel >= 0, np.char.add("r/c", channel.astype(str)).astype(object), None),
        "kind": posts["kind"].to_numpy(), "collected": True})
    ix = pd.concat(b.interactions, ignore_index=True)
    interactions = pd.DataFrame({
        "source_id": account_ids[ix["source"].to_numpy()], "target_id": account_ids[ix["target"].to_numpy()],
        "kind": ix["kind"].to_numpy(), "post_id": post_key[ix["post"].to_numpy()],
        "created_at": START + pd.to_timedelta(ix["created"].to_numpy(), unit="s"), "platform": platform})
    truth = pd.DataFrame({"account_id": account_ids, "planted": planted, "community": community})
    return Family(name, accounts, posts_frame, interactions, truth)
