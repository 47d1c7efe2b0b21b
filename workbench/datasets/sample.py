"""The bundled sample: a generated brand-community export in twarc2 format, with its ground truth.

The community of a fictional bicycle brand (``@KestrelCycles``) over several weeks:
planted topic communities, influencers (ordinary audiences, steady amplification of
every post from many distinct members), networkers (large audiences, broadcasting to
every community, little pull per post), one-hit viral accounts, regular members who
mostly talk within their community, outside news accounts whose posts come only as
context, the brand answering a share of the questions put to it, and one campaign (``#KestrelSpringRide``,
31 March to 3 April 2022) that brings new accounts, some of whom stay. Same seed, same bytes.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from workbench import resources
from workbench.datasets import _campaign, _text, _twarc
from workbench.datasets._events import (
    DAY, POST, QUOTE, REPLY, ROLE_NAMES, SHARE,
    S_ANSWER, S_BRAND_POST, S_CAMPAIGN_BRAND, S_CAMPAIGN_POST, S_EXTERNAL_POST, S_NET_POST, S_NET_REPLY,
    S_PEER_QUESTION, S_POST, S_PRAISE_MENTION, S_QUESTION_MENTION, S_QUESTION_REPLY, S_QUOTE, S_REPLY, S_SHARE,
    Accounts, plant_accounts,
)
from workbench.datasets._simulate import Simulation

__all__ = ["Sample", "generate_sample", "write_sample", "sample_path", "default_data_dir", "generator_fingerprint",
           "SAMPLE_FILE"]

SAMPLE_FILE = "brand_community.jsonl"
DEFAULT_START = "2022-03-07"  # a Monday, so the weeks are ISO weeks
_SOURCES = ("Twitter for iPhone", "Twitter for Android", "Twitter Web App")


@dataclass(frozen=True, eq=False)
class Sample:
    """A generated twarc2 export and what was planted in it.

    Attributes
    ----------
    pages : list of dict
        API response pages (``data``, ``includes``, ``meta``, ``__twarc``), newest tweets first.
    truth_communities : pandas.DataFrame
        ``account_id`` (``twitter:<id>``), ``handle``, ``community`` (0-based int), ``topic``:
        one row per member with a planted community (networkers: their home community;
        the focal brand and the outside news accounts have none and are left out).
    truth_roles : pandas.DataFrame
        One row per account in the export: ``account_id``, ``handle``, ``role`` (influencer,
        networker or regular), ``community`` (nullable), ``is_focal``, ``one_hit_viral``,
        ``context_only`` (outside accounts whose tweets come only as referenced context),
        ``followers``.
    truth_questions : pandas.DataFrame
        Questions put to the focal account: ``post_id``, ``asker_id``, ``created_at``,
        ``via`` (``mention`` or ``reply``), ``answer_post_id``, ``answered_at``, ``response_seconds``.
    params : dict
        ``n_accounts``, ``weeks``, ``n_communities``, ``seed``, ``start``, ``end`` (ISO strings).
    truth_campaign : dict
        The planted campaign (empty when the window is shorter than five weeks): ``name``, ``hashtag``,
        ``start``, ``end`` (exclusive, ISO strings), ``recruits`` (new accounts whose first tweet is in the
        campaign), ``stayers`` (recruits that keep acting until the collection ends), ``retained_share``
        (stayers / recruits), ``recruit_ids`` and ``stayer_ids`` (``twitter:<id>``). Recruits count
        among the members (``truth_roles``, ``truth_communities``: the stayers' community is where they
        settle).
    """

    pages: list[dict]
    truth_communities: pd.DataFrame
    truth_roles: pd.DataFrame
    truth_questions: pd.DataFrame
    params: dict = field(default_factory=dict)
    truth_campaign: dict = field(default_factory=dict)

    @property
    def n_tweets(self) -> int:
        """Number of collected tweets (the ``data`` arrays)."""
        return sum(len(page["data"]) for page in self.pages)

    def lines(self) -> Iterator[str]:
        """The export as JSON lines, one page a line."""
        return _twarc.page_lines(self.pages)

    def sha256(self) -> str:
        """sha256 of the uncompressed JSONL bytes."""
        digest = hashlib.sha256()
        for line in self.lines():
            digest.update(line.encode("utf-8"))
        return digest.hexdigest()

    def write(self, path: str | Path, *, compress: bool | None = None) -> Path:
        """Write the export as JSONL (gzip when ``compress`` or the name ends in ``.gz``)."""
        return _twarc.write_jsonl(self.pages, path, compress=compress)


def generate_sample(*, n_accounts: int = 800, weeks: int = 6, n_communities: int = 6, seed: int = 0,
                    start: str = DEFAULT_START) -> Sample:
    """Generate the bundled brand-community sample.

    Parameters
    ----------
    n_accounts : int
        Member accounts including the focal brand; 8 outside news accounts come on top.
    weeks : int
        Length of the collection window, starting Monday ``start`` 00:00 UTC.
    n_communities : int
        Planted topic communities.
    seed : int
        Seed of every random draw; the same arguments give byte-identical output.
    start : str
        First day of the window (``YYYY-MM-DD``).

    Returns
    -------
    Sample

    Examples
    --------
    >>> from workbench.datasets import generate_sample
    >>> sample = generate_sample(n_accounts=200, weeks=2, n_communities=3)
    >>> sorted(sample.truth_roles["role"].unique())
    ['influencer', 'networker', 'regular']
    """
    if weeks < 1:
        raise ValueError(f"weeks must be at least 1, got {weeks}")
    rng = np.random.default_rng(seed)
    t0 = int(pd.Timestamp(start, tz="UTC").timestamp())
    t1 = t0 + weeks * 7 * DAY
    pre = t0 - 3 * DAY
    acc = plant_accounts(rng, n_accounts, n_communities, t0, t1, pre)
    table = Simulation(rng, acc, t0, t1, pre).run()
    # the campaign comes from streams of its own, after everything else is drawn
    acc, planted = _campaign.insert_recruits(np.random.default_rng([seed, 2]), acc, table, t0, t1, n_communities)
    if planted is not None:
        campaign_sim = Simulation(np.random.default_rng([seed, 3]), acc, t0, t1, pre)
        campaign_sim.table = table
        _campaign.run_campaign(campaign_sim, planted)
    builder = _Builder(np.random.default_rng([seed, 1]), acc, table, t0, t1)
    pages = builder.pages()
    params = {"n_accounts": n_accounts, "weeks": weeks, "n_communities": n_communities, "seed": seed,
              "start": _twarc.iso_times([t0])[0], "end": _twarc.iso_times([t1])[0]}
    return Sample(pages=pages, truth_communities=builder.truth_communities(),
                  truth_roles=builder.truth_roles(), truth_questions=builder.truth_questions(),
                  params=params, truth_campaign=builder.truth_campaign(planted))


def write_sample(path: str | Path, *, compress: bool | None = None, **kwargs) -> Path:
    """Generate the sample (``kwargs`` as :func:`generate_sample`) and write it to ``path``."""
    return generate_sample(**kwargs).write(path, compress=compress)


def default_data_dir() -> Path:
    """The repository's ``data/`` folder, or ``~/.cache/workbench`` outside a source checkout."""
    root = resources.checkout_root()
    if root is not None and (root / "data").is_dir():
        return root / "data"
    return Path.home() / ".cache" / "workbench"


def generator_fingerprint() -> str:
    """sha256 of the generator's source: changes whenever the sample's bytes may change."""
    digest = hashlib.sha256()
    here = Path(__file__).resolve().parent
    for name in ("_campaign.py", "_events.py", "_simulate.py", "_text.py", "_twarc.py", "sample.py"):
        digest.update((here / name).read_bytes())
    return digest.hexdigest()


def sample_path(directory: str | Path | None = None, *, overwrite: bool = False) -> Path:
    """Path of the default sample export, (re)written when missing or made by another generator version.

    ``directory`` defaults to ``data/sample`` of the source checkout. A sidecar file
    ``brand_community.jsonl.generator`` holds :func:`generator_fingerprint`, so a checkout whose
    generator changed never serves a stale sample.
    """
    folder = Path(directory) if directory is not None else default_data_dir() / "sample"
    path = folder / SAMPLE_FILE
    stamp = path.with_name(path.name + ".generator")
    fingerprint = generator_fingerprint()
    fresh = path.exists() and stamp.exists() and stamp.read_text().strip() == fingerprint
    if overwrite or not fresh:
        write_sample(path)
        stamp.write_text(fingerprint + "\n")
    return path


class _Builder:
    """Turns the event table into tweet and user records, pages and truth tables."""

    def __init__(self, rng: np.random.Generator, acc: Accounts, table, t0: int, t1: int):
        self.rng, self.acc, self.t0, self.t1 = rng, acc, t0, t1
        self.author, self.t, self.kind, self.ref, self.style = (
            table.column(c) for c in ("author", "t", "kind", "ref", "style"))
        n_members = int((~acc.external).sum())
        handles, names = _text.make_handles(rng, n_members - 1)
        self.handles = [_text.BRAND_HANDLE, *handles] + [h for h, _ in _text.EXTERNAL_ACCOUNTS]
        self.names = [_text.BRAND_NAME, *names] + [nm for _, nm in _text.EXTERNAL_ACCOUNTS]
        self.created = self._account_created()
        self.user_ids = self._user_ids()
        self.handle_ids = {h.lower(): uid for h, uid in zip(self.handles, self.user_ids)}
        self._mentions = self._group_mentions(table)
        self._ids()

    # -- ids and times ------------------------------------------------------------------
    def _account_created(self) -> np.ndarray:
        acc, rng = self.acc, self.rng
        lo = int(pd.Timestamp("2008-06-01", tz="UTC").timestamp())
        created = rng.integers(lo, self.t0 - 60 * DAY, size=acc.n)
        fresh = (acc.join > self.t0) & (rng.random(acc.n) < 0.3)  # brand-new accounts among late joiners
        created[fresh] = acc.join[fresh] - rng.integers(600, 3 * DAY, size=int(fresh.sum()))
        return created

    def _user_ids(self) -> list[str]:
        rng = self.rng
        cutoff = int(pd.Timestamp("2014-01-01", tz="UTC").timestamp())
        start = int(pd.Timestamp("2008-01-01", tz="UTC").timestamp())
        old = self.created < cutoff
        sequential = 10**7 + (self.created - start) / (cutoff - start) * 2.3e9 + rng.integers(0, 10**6, self.acc.n)
        ms = self.created * 1000 + rng.integers(0, 1000, self.acc.n)
        snow = _twarc.snowflake_ids(ms, rng.integers(0, 2**22, self.acc.n))
        ids = np.where(old, sequential.astype(np.int64), snow)
        if len(np.unique(ids)) != len(ids):  # practically impossible; keep ids unique regardless
            ids = ids + np.arange(len(ids))
        return [str(i) for i in ids.tolist()]

    def _ids(self) -> None:
        ms = self.t * 1000 + self.rng.integers(0, 1000, len(self.t))
        ids = _twarc.snowflake_ids(ms, self.rng.integers(0, 2**22, len(self.t)))
        assert len(np.unique(ids)) == len(ids)
        self.tweet_ids = ids
        self.collected = (self.t >= self.t0) & ~self.acc.external[self.author]
        keep = self.collected.copy()
        refs = self.ref[self.collected & (self.ref >= 0)]
        keep[refs] = True  # context: referenced but not collected
        self.keep = keep

    def _group_mentions(self, table) -> dict[int, list[int]]:
        rows, accounts = table.column("mention_row"), table.column("mention_account")
        grouped: dict[int, list[int]] = {}
        for row, account in zip(rows.tolist(), accounts.tolist()):
            grouped.setdefault(row, []).append(account)
        return grouped

    # -- records ------------------------------------------------------------------------
    def _counters(self) -> dict[str, np.ndarray]:
        n, rng, acc = len(self.t), self.rng, self.acc
        counts = {name: np.bincount(self.ref[(self.kind == k) & (self.ref >= 0)], minlength=n)
                  for name, k in (("retweet_count", SHARE), ("reply_count", REPLY), ("quote_count", QUOTE))}
        # Counters are the platform's: they also count accounts outside the collection, a few
        # more for larger audiences (sub-linearly: a big audience does not mean pull per post).
        audience = np.sqrt(acc.followers[self.author]) / 40.0
        for name, share in (("retweet_count", 0.5), ("reply_count", 0.2), ("quote_count", 0.05)):
            counts[name] = counts[name] + rng.poisson(share * audience * (self.kind == POST))
        engaged = 1.0 + 2.5 * counts["retweet_count"] + 1.5 * counts["reply_count"] + 2.0 * counts["quote_count"]
        likes = rng.poisson(engaged * rng.gamma(4.0, 0.25, size=n))
        counts["like_count"] = np.where(self.kind == SHARE, 0, likes)
        return counts

    def _text(self, row: int, texts: dict[int, str], urls: dict[str, str]) -> str:
        rng, style, acc = self.rng, int(self.style[row]), self.acc
        mentioned = [self.handles[a] for a in self._mentions.get(row, ())]
        community = int(acc.community[self.author[row]])
        if style == S_SHARE:
            original = int(self.ref[row])
            return _twarc.retweet_text(self.handles[self.author[original]], texts[original])
        if style == S_POST:
            return _text.with_mentions(_text.post_text(rng, max(community, 0)), mentioned)
        if style == S_NET_POST:
            return _text.networker_post(rng, mentioned)
        if style == S_BRAND_POST:
            return _text.with_mentions(_text.brand_post(rng), mentioned)
        if style == S_CAMPAIGN_BRAND:
            return _text.campaign_call(rng, _campaign.CAMPAIGN_HASHTAG)
        if style == S_CAMPAIGN_POST:
            return _text.with_mentions(_text.campaign_ride(rng, _campaign.CAMPAIGN_HASHTAG), mentioned)
        if style == S_EXTERNAL_POST:
            link = self._tco(rng)
            urls[link] = f"https://www.{self.handles[self.author[row]].lower()}.example/2022/{row}"
            return f"{_text.external_post(rng)} {link}"
        if style == S_QUESTION_MENTION:
            return f"@{_text.BRAND_HANDLE} {_text.brand_question(rng)}"
        if style == S_PRAISE_MENTION:
            return f"@{_text.BRAND_HANDLE} {_text.brand_praise(rng)}"
        if style == S_QUOTE:
            quoted = int(self.ref[row])
            link = self._tco(rng)
            urls[link] = (f"https://twitter.com/{self.handles[self.author[quoted]]}"
                          f"/status/{self.tweet_ids[quoted]}")
            return f"{_text.quote_text(rng)} {link}"
        body = {S_REPLY: lambda: _text.reply_text(rng),
                S_PEER_QUESTION: lambda: _text.reply_text(rng, peer_question=True),
                S_NET_REPLY: lambda: _text.networker_reply(rng),
                S_QUESTION_REPLY: lambda: _text.brand_question(rng),
                S_ANSWER: lambda: _text.brand_answer(rng)}[style]()
        body = _text.with_mentions(body, mentioned)
        parent_author = int(self.author[self.ref[row]])
        if parent_author == self.author[row]:
            return body  # a thread continuation carries no auto-mention of oneself
        return f"@{self.handles[parent_author]} {body}"

    def _tco(self, rng: np.random.Generator) -> str:
        alphabet = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789"
        return "https://t.co/" + "".join(alphabet[i] for i in rng.integers(0, 62, size=10))

    def _tweets(self) -> dict[int, dict]:
        counters = self._counters()
        created = _twarc.iso_times(self.t)
        source = [_SOURCES[i] for i in self.rng.integers(0, 3, size=self.acc.n)]
        source[0] = "Twitter Web App"
        kind_names = {REPLY: "replied_to", SHARE: "retweeted", QUOTE: "quoted"}
        texts: dict[int, str] = {}
        urls: dict[str, str] = {}
        conversation: dict[int, str] = {}
        records: dict[int, dict] = {}
        order = np.argsort(self.t, kind="stable")
        order = order[self.keep[order]]
        for row in order.tolist():
            kind, author, ref = int(self.kind[row]), int(self.author[row]), int(self.ref[row])
            tweet_id = str(self.tweet_ids[row])
            text = texts[row] = self._text(row, texts, urls)
            conversation[row] = conversation[ref] if kind == REPLY else tweet_id
            if kind == SHARE:  # a retweet shows the original's retweet count and nothing else
                metrics = {"retweet_count": counters["retweet_count"][ref], "reply_count": 0,
                           "like_count": 0, "quote_count": 0}
            else:
                metrics = {name: values[row] for name, values in counters.items()}
            records[row] = _twarc.tweet_record(
                tweet_id=tweet_id, text=text, author_id=self.user_ids[author], created_at=created[row],
                conversation_id=conversation[row], entities=_twarc.entities_for(text, self.handle_ids, urls),
                metrics=metrics, referenced=[(kind_names[kind], str(self.tweet_ids[ref]))] if ref >= 0 else (),
                in_reply_to_user_id=self.user_ids[self.author[ref]] if kind == REPLY else None,
                source=source[author])
        return records

    def _users(self) -> dict[str, dict]:
        acc, rng = self.acc, self.rng
        authored = np.bincount(self.author[self.keep], minlength=acc.n)
        lifetime = authored + rng.lognormal(np.log(800), 1.2, size=acc.n).astype(np.int64)
        following = np.minimum(rng.lognormal(np.log(300), 0.9, size=acc.n), 4900).astype(np.int64)
        following[acc.role == 2] = rng.integers(3000, 20000, size=int((acc.role == 2).sum()))
        listed = (acc.followers * rng.uniform(0.002, 0.02, size=acc.n)).astype(np.int64)
        created = _twarc.iso_times(self.created)
        users = {}
        for i in range(acc.n):
            if acc.is_focal[i]:
                about = "Bikes for every day. Questions? We answer 8:00-19:00 UTC on weekdays."
            elif acc.external[i]:
                about = "News and stories from the world of cycling."
            else:
                about = f"Riding, mostly {_text.topic_of(int(acc.community[i]))[0]}. Views my own."
            users[self.user_ids[i]] = _twarc.user_record(
                user_id=self.user_ids[i], username=self.handles[i], name=self.names[i],
                created_at=created[i], followers=acc.followers[i], following=following[i],
                tweets=lifetime[i], listed=listed[i], description=about,
                verified=bool(acc.is_focal[i] or acc.external[i]))
        return users

    def pages(self) -> list[dict]:
        records = self._tweets()
        self.records = records
        collected_rows = np.flatnonzero(self.collected)
        newest_first = collected_rows[np.argsort(-self.tweet_ids[collected_rows], kind="stable")]
        by_id = {rec["id"]: rec for rec in records.values()}
        pages = _twarc.build_pages(
            [records[r] for r in newest_first.tolist()], by_id, self._users(),
            query=f"list:1498765432101234567 OR @{_text.BRAND_HANDLE}",
            start_time=_twarc.iso_times([self.t0])[0][:-5] + "Z", end_time=_twarc.iso_times([self.t1])[0][:-5] + "Z",
            retrieved_at=_twarc.iso_times([self.t1 + DAY + 3 * 3600])[0][:-5] + "+00:00")
        present = {u["id"] for page in pages for u in page["includes"]["users"]}
        self.present = np.array([uid in present for uid in self.user_ids])
        return pages

    # -- truth --------------------------------------------------------------------------
    def truth_roles(self) -> pd.DataFrame:
        acc = self.acc
        idx = np.flatnonzero(self.present)
        community = pd.array(np.where(acc.community[idx] >= 0, acc.community[idx], 0), dtype="Int64")
        community[acc.is_focal[idx] | acc.external[idx]] = pd.NA
        return pd.DataFrame({
            "account_id": [f"twitter:{self.user_ids[i]}" for i in idx],
            "handle": [self.handles[i] for i in idx],
            "role": [ROLE_NAMES[r] for r in acc.role[idx]],
            "community": community,
            "is_focal": acc.is_focal[idx], "one_hit_viral": acc.one_hit[idx],
            "context_only": acc.external[idx], "followers": acc.followers[idx]})

    def truth_communities(self) -> pd.DataFrame:
        acc = self.acc
        idx = np.flatnonzero(self.present & ~acc.external & ~acc.is_focal)
        return pd.DataFrame({
            "account_id": [f"twitter:{self.user_ids[i]}" for i in idx],
            "handle": [self.handles[i] for i in idx],
            "community": acc.community[idx].astype(np.int64),
            "topic": [_text.topic_of(int(c))[0] for c in acc.community[idx]]})

    def truth_campaign(self, planted) -> dict:
        if planted is None:
            return {}
        recruits = planted.recruits[self.present[planted.recruits]]
        stayers = planted.stayers[self.present[planted.stayers]]
        return {"name": _campaign.CAMPAIGN_NAME, "hashtag": _campaign.CAMPAIGN_HASHTAG,
                "start": _twarc.iso_times([planted.start])[0], "end": _twarc.iso_times([planted.end])[0],
                "recruits": len(recruits), "stayers": len(stayers), "retained_share": len(stayers) / len(recruits),
                "recruit_ids": [f"twitter:{self.user_ids[i]}" for i in recruits],
                "stayer_ids": [f"twitter:{self.user_ids[i]}" for i in stayers]}

    def truth_questions(self) -> pd.DataFrame:
        questions = np.flatnonzero(np.isin(self.style, (S_QUESTION_MENTION, S_QUESTION_REPLY)) & self.collected)
        answers = np.flatnonzero(self.style == S_ANSWER)
        answer_of = dict(zip(self.ref[answers].tolist(), answers.tolist()))
        answer = np.array([answer_of.get(q, -1) for q in questions.tolist()], dtype=np.int64)
        answered = answer >= 0
        response = pd.array(np.where(answered, self.t[answer] - self.t[questions], 0), dtype="Int64")
        response[~answered] = pd.NA
        answered_at = pd.to_datetime(np.where(answered, self.t[answer], 0), unit="s", utc=True)
        return pd.DataFrame({
            "post_id": [f"twitter:{self.tweet_ids[q]}" for q in questions],
            "asker_id": [f"twitter:{self.user_ids[a]}" for a in self.author[questions]],
            "created_at": pd.to_datetime(self.t[questions], unit="s", utc=True),
            "via": np.where(self.style[questions] == S_QUESTION_REPLY, "reply", "mention"),
            "answer_post_id": pd.array([f"twitter:{self.tweet_ids[a]}" if a >= 0 else None for a in answer],
                                       dtype="str"),
            "answered_at": answered_at.where(answered),
            "response_seconds": response}).sort_values("created_at", ignore_index=True)
