"""A tiny, hand-checkable twarc2 export: 20 accounts, 45 collected tweets, 3 ISO weeks.

Two communities talk about coffee (``#espresso``) and tea (``#matcha``); ``brewco`` is
the focal brand; ``omar_news`` a networker with a large audience; ``ana_brews`` and
``hal_tea`` are influencers with ordinary audiences; ``pip_pots`` has one viral post;
``cafe_times`` appears only as the author of context tweets (``includes.tweets``).
The 45 collected tweets come in three pages of 20, 20 and 5, newest first.

Every number below is stated by hand and checked by ``tests/test_datasets.py`` against
the raw pages. Times are UTC; W10, W11 and W12 are the ISO weeks starting Monday
2022-03-07, 03-14 and 03-21.

========================================== ===== ===== ===== =====
count                                      W10   W11   W12   total
========================================== ===== ===== ===== =====
collected tweets                             18    18     9     45
tweets: posts                                 7     5     3     15
tweets: replies                               6     3     3     12
tweets: shares (retweets)                     4     8     3     15
tweets: quotes                                1     2     0      3
non-share collected tweets                   14    10     6     30
like_count over non-share tweets             46    96    23    165
retweet_count over non-share tweets           3     9     2     14
quote_count over non-share tweets             1     1     0      2
reply_count over non-share tweets             5     3     3     11
accounts authoring a collected tweet         14    15     8     19
interactions                                 17    14     8     39
interactions: reply                           6     3     3     12
interactions: mention (no auto-mentions)      6     1     2      9
interactions: share                           4     8     3     15
interactions: quote                           1     2     0      3
========================================== ===== ===== ===== =====

Other facts:

- context tweets (only in ``includes.tweets``): 3 (C1, C3 by ``cafe_times``; C2 by ``ana_brews``,
  posted before the window). Accounts: 20 (19 authors + ``cafe_times``).
- raw mention entities in collected tweets: 35 = 11 reply auto-mentions (every reply but the
  self-reply T16) + 15 retweet auto-mentions (``RT @x:``) + 9 genuine mentions.
- self-interactions: 2 (T16 ``rae_rae`` replies to herself, T36 ``rae_rae`` mentions herself);
  37 interactions between distinct accounts. No retweet repeats a mention of its original.
- questions to the focal account: 3 (T11 mention, answered by T12 after 5,400 s; T34 reply to a
  brand post, unanswered; T42 mention, answered by T43 after 70,200 s): 2 answered, median time
  to first response 37,800 s (10.5 h).
- the one-hit viral post T27 is retweeted 5 times by 5 accounts; ``quinn_q`` only retweets it.

Received interactions (all kinds, self included) / authored collected tweets per account:

=========== ======== ===== ======= ===== ===== ======== =========================
handle      received reply mention share quote authored first authored (ISO week)
=========== ======== ===== ======= ===== ===== ======== =========================
ana_brews         12     4       2     5     1        4 W10
hal_tea           10     3       2     4     1        3 W10
pip_pots           5     0       0     5     0        1 W11
brewco             4     1       3     0     0        3 W10
cafe_times         2     0       0     1     1        0 never
rae_rae            2     1       1     0     0        3 W10
cara_cups          1     1       0     0     0        2 W10
eli_drinks         1     1       0     0     0        2 W10
jon_sips           1     1       0     0     0        3 W10
gus_grinds         1     0       1     0     0        2 W11
omar_news          0                                  4 W10
ben_beans          0                                  3 W10
ivy_infuse         0                                  3 W10
dev_drips          0                                  2 W10
fay_foam           0                                  2 W10
kai_kettle         0                                  2 W10
lea_leaf           0                                  2 W10
max_matcha         0                                  2 W11
nia_steeps         0                                  1 W11
quinn_q            0                                  1 W11
=========== ======== ===== ======= ===== ===== ======== =========================
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from workbench.datasets import _twarc

__all__ = ["tiny_export", "write_tiny", "tiny_truth", "tiny_interactions", "TINY_COUNTS"]

#: Hand-stated counts of the tiny export (see the module docstring).
TINY_COUNTS = {
    "collected_tweets": 45, "context_tweets": 3, "accounts": 20, "pages": 3,
    "tweets_by_kind": {"post": 15, "reply": 12, "share": 15, "quote": 3},
    "interactions": 39, "self_interactions": 2,
    "interactions_by_kind": {"reply": 12, "mention": 9, "share": 15, "quote": 3},
    "raw_mention_entities": 35,
    "weeks": {  # ISO week start -> counts over collected tweets
        "2022-03-07": {"tweets": 18, "non_share": 14, "likes": 46, "retweets": 3, "quotes": 1, "replies": 5,
                       "authors": 14, "interactions": 17,
                       "tweets_by_kind": {"post": 7, "reply": 6, "share": 4, "quote": 1},
                       "interactions_by_kind": {"reply": 6, "mention": 6, "share": 4, "quote": 1}},
        "2022-03-14": {"tweets": 18, "non_share": 10, "likes": 96, "retweets": 9, "quotes": 1, "replies": 3,
                       "authors": 15, "interactions": 14,
                       "tweets_by_kind": {"post": 5, "reply": 3, "share": 8, "quote": 2},
                       "interactions_by_kind": {"reply": 3, "mention": 1, "share": 8, "quote": 2}},
        "2022-03-21": {"tweets": 9, "non_share": 6, "likes": 23, "retweets": 2, "quotes": 0, "replies": 3,
                       "authors": 8, "interactions": 8,
                       "tweets_by_kind": {"post": 3, "reply": 3, "share": 3, "quote": 0},
                       "interactions_by_kind": {"reply": 3, "mention": 2, "share": 3, "quote": 0}},
    },
    "questions_to_focal": 3, "questions_answered": 2, "median_response_seconds": 37_800,
}

# handle, display name, user id, followers, following, lifetime tweets, listed, account created
_ACCOUNTS = [
    ("ana_brews", "Ana Lima", "30000001", 800, 310, 2150, 12, "2015-04-02T10:11:12.000Z"),
    ("ben_beans", "Ben Okoro", "30000002", 140, 220, 530, 1, "2017-09-19T08:00:00.000Z"),
    ("cara_cups", "Cara Novak", "30000003", 95, 180, 410, 0, "2019-01-05T19:30:00.000Z"),
    ("dev_drips", "Dev Patel", "30000004", 210, 400, 1200, 2, "2016-06-30T12:00:00.000Z"),
    ("eli_drinks", "Eli Berg", "30000005", 60, 90, 150, 0, "2020-11-11T11:11:11.000Z"),
    ("fay_foam", "Fay Dubois", "30000006", 330, 290, 2400, 3, "2014-02-14T14:00:00.000Z"),
    ("gus_grinds", "Gus Larsen", "30000007", 75, 120, 260, 0, "2021-07-01T07:00:00.000Z"),
    ("hal_tea", "Hal Tanaka", "30000008", 1200, 450, 3100, 20, "2013-03-03T03:03:03.000Z"),
    ("ivy_infuse", "Ivy Costa", "30000009", 180, 240, 700, 1, "2018-05-20T16:45:00.000Z"),
    ("jon_sips", "Jon Murphy", "30000010", 120, 160, 480, 0, "2019-08-08T08:08:08.000Z"),
    ("kai_kettle", "Kai Meyer", "30000011", 90, 130, 300, 0, "2020-03-15T09:00:00.000Z"),
    ("lea_leaf", "Lea Rossi", "30000012", 260, 310, 900, 2, "2016-12-24T18:00:00.000Z"),
    ("max_matcha", "Max Silva", "30000013", 45, 75, 95, 0, "2021-10-10T10:10:10.000Z"),
    ("nia_steeps", "Nia Evans", "30000014", 150, 200, 620, 1, "2017-04-04T04:04:04.000Z"),
    ("brewco", "BrewCo", "30000015", 25000, 150, 8800, 140, "2011-05-05T09:00:00.000Z"),
    ("omar_news", "Omar Haddad", "30000016", 250000, 9000, 41000, 1900, "2010-01-20T12:00:00.000Z"),
    ("pip_pots", "Pip Fischer", "30000017", 90, 110, 40, 0, "2021-12-01T20:00:00.000Z"),
    ("quinn_q", "Quinn Ali", "30000018", 30, 400, 900, 0, "2018-08-18T18:18:18.000Z"),
    ("rae_rae", "Rae Moreau", "30000019", 20, 35, 60, 0, "2022-01-09T09:09:09.000Z"),
    ("cafe_times", "Cafe Times", "30000020", 120000, 800, 15000, 900, "2009-09-09T09:09:09.000Z"),
]

# label, created_at (UTC), author, kind, referenced label, text body, likes.
# A reply's text gets "@<parent author> " in front unless it replies to its own author;
# a share's text is "RT @<author>: <original text>". C1-C3 are context (not collected).
_TWEETS = [
    ("C2", "2022-03-01T08:00:00", "ana_brews", "post", None, "My go-to #espresso method, step by step.", 8),
    ("C1", "2022-03-06T17:00:00", "cafe_times", "post", None,
     "Survey: home espresso machines now outsell pod machines https://t.co/Cafe0000C1", 30),
    ("T01", "2022-03-07T09:00:00", "ana_brews", "post", None,
     "Dialled in a new #espresso recipe this morning: 18 g in, 36 g out.", 12),
    ("T02", "2022-03-07T09:20:00", "ben_beans", "share", "T01", None, 0),
    ("T03", "2022-03-07T09:45:00", "cara_cups", "reply", "T01", "What grinder setting did you use?", 1),
    ("T04", "2022-03-07T10:05:00", "ana_brews", "reply", "T03", "Setting 12 on the hand grinder.", 1),
    ("T05", "2022-03-07T11:00:00", "dev_drips", "quote", "T01", "Trying this tomorrow #espresso", 3),
    ("T06", "2022-03-07T12:30:00", "hal_tea", "post", None, "A #matcha latte with oat milk is my new favourite.", 15),
    ("T07", "2022-03-07T12:50:00", "ivy_infuse", "share", "T06", None, 0),
    ("T08", "2022-03-07T13:10:00", "jon_sips", "share", "T06", None, 0),
    ("T09", "2022-03-07T14:00:00", "kai_kettle", "reply", "T06", "Which matcha do you buy?", 0),
    ("T10", "2022-03-08T08:15:00", "omar_news", "post", None,
     "Morning roundup: @ana_brews on espresso, @hal_tea on matcha and news from @brewco", 2),
    ("T11", "2022-03-08T09:00:00", "eli_drinks", "post", None,
     "@brewco does the Brew One grinder work with a 58 mm basket?", 0),
    ("T12", "2022-03-08T10:30:00", "brewco", "reply", "T11", "Yes, the Brew One ships with a 58 mm adapter.", 2),
    ("T13", "2022-03-08T18:00:00", "omar_news", "share", "C1", None, 0),
    ("T14", "2022-03-09T07:30:00", "lea_leaf", "post", None,
     "Cold brew #matcha over ice, ten minutes start to finish.", 4),
    ("T15", "2022-03-09T08:00:00", "rae_rae", "post", None, "Note to self: descale the machine.", 0),
    ("T16", "2022-03-09T08:05:00", "rae_rae", "reply", "T15", "And buy new filters.", 0),
    ("T17", "2022-03-10T16:00:00", "ben_beans", "reply", "C2", "Still using this method?", 0),
    ("T18", "2022-03-11T11:00:00", "fay_foam", "post", None,
     "Latte art attempt number 40. @ana_brews @gus_grinds look!", 6),
    ("T19", "2022-03-14T09:00:00", "ana_brews", "post", None, "Cupping notes for three #espresso blends.", 20),
    ("T20", "2022-03-14T09:30:00", "cara_cups", "share", "T19", None, 0),
    ("T21", "2022-03-14T09:40:00", "eli_drinks", "share", "T19", None, 0),
    ("T22", "2022-03-14T10:00:00", "gus_grinds", "reply", "T19", "Great notes.", 2),
    ("T23", "2022-03-14T12:00:00", "hal_tea", "post", None, "How to whisk #matcha without lumps: sift first.", 18),
    ("T24", "2022-03-14T12:10:00", "max_matcha", "share", "T23", None, 0),
    ("T25", "2022-03-14T12:30:00", "nia_steeps", "quote", "T23", "This changed my mornings.", 5),
    ("T26", "2022-03-14T13:00:00", "ivy_infuse", "reply", "T23", "Sifting works, thanks.", 1),
    ("T27", "2022-03-15T10:00:00", "pip_pots", "post", None,
     "My cat knocked the kettle over and somehow made tea.", 40),
    ("T28", "2022-03-15T10:20:00", "quinn_q", "share", "T27", None, 0),
    ("T29", "2022-03-15T10:25:00", "ben_beans", "share", "T27", None, 0),
    ("T30", "2022-03-15T10:40:00", "jon_sips", "share", "T27", None, 0),
    ("T31", "2022-03-15T11:00:00", "kai_kettle", "share", "T27", None, 0),
    ("T32", "2022-03-15T11:30:00", "gus_grinds", "share", "T27", None, 0),
    ("C3", "2022-03-15T18:00:00", "cafe_times", "post", None,
     "Why matcha prices are rising https://t.co/Cafe0000C3", 25),
    ("T33", "2022-03-16T08:00:00", "brewco", "post", None, "Our spring blend is out today.", 9),
    ("T34", "2022-03-16T09:15:00", "max_matcha", "reply", "T33", "Is the spring blend available in Europe?", 0),
    ("T35", "2022-03-16T10:00:00", "ivy_infuse", "quote", "C3", "Worth reading.", 1),
    ("T36", "2022-03-17T20:00:00", "rae_rae", "post", None, "Talking to myself again, @rae_rae", 0),
    ("T37", "2022-03-21T09:00:00", "ana_brews", "post", None, "Final #espresso dial-in of the month.", 10),
    ("T38", "2022-03-21T09:10:00", "dev_drips", "share", "T37", None, 0),
    ("T39", "2022-03-21T09:30:00", "fay_foam", "reply", "T37", "Nailed it, cc @hal_tea", 1),
    ("T40", "2022-03-21T12:00:00", "hal_tea", "post", None, "#matcha tasting flight tonight.", 11),
    ("T41", "2022-03-21T12:20:00", "lea_leaf", "share", "T40", None, 0),
    ("T42", "2022-03-22T14:00:00", "jon_sips", "post", None, "@brewco when will the matcha whisk be back in stock?", 0),
    ("T43", "2022-03-23T09:30:00", "brewco", "reply", "T42", "The restock arrives next week.", 1),
    ("T44", "2022-03-23T15:00:00", "omar_news", "reply", "T40", "Sharing this in the roundup.", 0),
    ("T45", "2022-03-24T10:00:00", "omar_news", "share", "T19", None, 0),
]

# Platform counters of the context tweets also count engagement outside the collection.
_CONTEXT_COUNTERS = {"C1": {"retweet_count": 14, "reply_count": 2, "quote_count": 0},
                     "C2": {"retweet_count": 0, "reply_count": 1, "quote_count": 0},
                     "C3": {"retweet_count": 6, "reply_count": 0, "quote_count": 1}}
_CONTEXT_URLS = {"https://t.co/Cafe0000C1": "https://www.cafetimes.example/2022/03/espresso-survey",
                 "https://t.co/Cafe0000C3": "https://www.cafetimes.example/2022/03/matcha-prices"}

# The 39 interactions the loaders must derive, written out by hand:
# post label, source handle, target handle, kind.
_INTERACTIONS = [
    ("T02", "ben_beans", "ana_brews", "share"), ("T03", "cara_cups", "ana_brews", "reply"),
    ("T04", "ana_brews", "cara_cups", "reply"), ("T05", "dev_drips", "ana_brews", "quote"),
    ("T07", "ivy_infuse", "hal_tea", "share"), ("T08", "jon_sips", "hal_tea", "share"),
    ("T09", "kai_kettle", "hal_tea", "reply"), ("T10", "omar_news", "ana_brews", "mention"),
    ("T10", "omar_news", "hal_tea", "mention"), ("T10", "omar_news", "brewco", "mention"),
    ("T11", "eli_drinks", "brewco", "mention"), ("T12", "brewco", "eli_drinks", "reply"),
    ("T13", "omar_news", "cafe_times", "share"), ("T16", "rae_rae", "rae_rae", "reply"),
    ("T17", "ben_beans", "ana_brews", "reply"), ("T18", "fay_foam", "ana_brews", "mention"),
    ("T18", "fay_foam", "gus_grinds", "mention"), ("T20", "cara_cups", "ana_brews", "share"),
    ("T21", "eli_drinks", "ana_brews", "share"), ("T22", "gus_grinds", "ana_brews", "reply"),
    ("T24", "max_matcha", "hal_tea", "share"), ("T25", "nia_steeps", "hal_tea", "quote"),
    ("T26", "ivy_infuse", "hal_tea", "reply"), ("T28", "quinn_q", "pip_pots", "share"),
    ("T29", "ben_beans", "pip_pots", "share"), ("T30", "jon_sips", "pip_pots", "share"),
    ("T31", "kai_kettle", "pip_pots", "share"), ("T32", "gus_grinds", "pip_pots", "share"),
    ("T34", "max_matcha", "brewco", "reply"), ("T35", "ivy_infuse", "cafe_times", "quote"),
    ("T36", "rae_rae", "rae_rae", "mention"), ("T38", "dev_drips", "ana_brews", "share"),
    ("T39", "fay_foam", "ana_brews", "reply"), ("T39", "fay_foam", "hal_tea", "mention"),
    ("T41", "lea_leaf", "hal_tea", "share"), ("T42", "jon_sips", "brewco", "mention"),
    ("T43", "brewco", "jon_sips", "reply"), ("T44", "omar_news", "hal_tea", "reply"),
    ("T45", "omar_news", "ana_brews", "share"),
]

_COMMUNITIES = {"coffee": ["ana_brews", "ben_beans", "cara_cups", "dev_drips", "eli_drinks", "fay_foam",
                           "gus_grinds"],
                "tea": ["hal_tea", "ivy_infuse", "jon_sips", "kai_kettle", "lea_leaf", "max_matcha",
                        "nia_steeps"]}
_ROLES = {"ana_brews": "influencer", "hal_tea": "influencer", "omar_news": "networker"}
_SOURCES = {"brewco": "Twitter Web App", "omar_news": "TweetDeck"}


def _tweet_id(label: str) -> str:
    """Readable 19-digit ids: T01 -> 1501000000000000001, C2 -> 1500900000000000002."""
    number = int(label[1:])
    return str((1501000000000000000 if label[0] == "T" else 1500900000000000000) + number)


def _user_id(handle: str) -> str:
    return next(a[2] for a in _ACCOUNTS if a[0] == handle)


def _records() -> tuple[list[dict], dict[str, dict], dict[str, dict]]:
    handle_ids = {a[0]: a[2] for a in _ACCOUNTS}
    counts = {label: {"retweet_count": 0, "reply_count": 0, "quote_count": 0} for label, *_ in _TWEETS}
    metric = {"share": "retweet_count", "reply": "reply_count", "quote": "quote_count"}
    for label, _, _, kind, ref, _, _ in _TWEETS:
        if ref is not None:
            counts[ref][metric[kind]] += 1
    counts.update(_CONTEXT_COUNTERS)
    by_label: dict[str, dict] = {}
    authors: dict[str, str] = {}
    urls = dict(_CONTEXT_URLS)
    collected = []
    for label, created, author, kind, ref, body, likes in _TWEETS:
        tweet_id = _tweet_id(label)
        authors[label] = author
        conversation = tweet_id
        referenced: list[tuple[str, str]] = []
        in_reply_to = None
        text = body
        if kind == "reply":
            parent = by_label[ref]
            conversation = parent["conversation_id"]
            in_reply_to = handle_ids[authors[ref]]
            referenced = [("replied_to", parent["id"])]
            if authors[ref] != author:
                text = f"@{authors[ref]} {body}"
        elif kind == "share":
            referenced = [("retweeted", by_label[ref]["id"])]
            text = _twarc.retweet_text(authors[ref], by_label[ref]["text"])
        elif kind == "quote":
            link = f"https://t.co/Quote{label}x"
            urls[link] = f"https://twitter.com/{authors[ref]}/status/{by_label[ref]['id']}"
            referenced = [("quoted", by_label[ref]["id"])]
            text = f"{body} {link}"
        if kind == "share":  # a retweet shows the original's retweet count and nothing else
            metrics = {"retweet_count": counts[ref]["retweet_count"], "reply_count": 0, "like_count": 0,
                       "quote_count": 0}
        else:
            metrics = {**counts[label], "like_count": likes}
        record = _twarc.tweet_record(
            tweet_id=tweet_id, text=text, author_id=handle_ids[author], created_at=created + ".000Z",
            conversation_id=conversation, entities=_twarc.entities_for(text, handle_ids, urls),
            metrics=metrics, referenced=referenced, in_reply_to_user_id=in_reply_to,
            source=_SOURCES.get(author, "Twitter for iPhone"))
        by_label[label] = record
        if label.startswith("T"):
            collected.append(record)
    users = {}
    for handle, name, uid, followers, following, tweets, listed, created in _ACCOUNTS:
        users[uid] = _twarc.user_record(user_id=uid, username=handle, name=name, created_at=created,
                                        followers=followers, following=following, tweets=tweets,
                                        listed=listed, verified=handle in ("brewco", "cafe_times"))
    return collected, {r["id"]: r for r in by_label.values()}, users


def tiny_export() -> list[dict]:
    """The tiny export as twarc2 pages (3 pages: 20, 20 and 5 tweets, newest first).

    Examples
    --------
    >>> from workbench.datasets import tiny_export
    >>> [len(page["data"]) for page in tiny_export()]
    [20, 20, 5]
    """
    collected, by_id, users = _records()
    return _twarc.build_pages(collected[::-1], by_id, users, query="#espresso OR #matcha OR @brewco",
                              start_time="2022-03-07T00:00:00Z", end_time="2022-03-28T00:00:00Z",
                              retrieved_at="2022-03-29T09:00:00+00:00", page_size=20)


def write_tiny(path: str | Path, *, compress: bool | None = None) -> Path:
    """Write the tiny export as JSONL (gzip when ``compress`` or the name ends in ``.gz``)."""
    return _twarc.write_jsonl(tiny_export(), path, compress=compress)


def tiny_truth() -> pd.DataFrame:
    """Planted communities and roles of the tiny export, one row per account.

    Columns as :attr:`Sample.truth_roles` plus ``topic``: ``community`` is 0 (coffee), 1 (tea) or
    missing (``brewco``, ``omar_news``, ``pip_pots``, ``quinn_q``, ``rae_rae``, ``cafe_times``).

    Examples
    --------
    >>> from workbench.datasets import tiny_truth
    >>> tiny_truth().groupby("topic").size().to_dict()
    {'coffee': 7, 'tea': 7}
    """
    topic_of = {h: topic for topic, handles in _COMMUNITIES.items() for h in handles}
    number = {topic: i for i, topic in enumerate(_COMMUNITIES)}
    rows = []
    for handle, _, uid, followers, *_ in _ACCOUNTS:
        topic = topic_of.get(handle)
        rows.append({"account_id": f"twitter:{uid}", "handle": handle, "role": _ROLES.get(handle, "regular"),
                     "community": number[topic] if topic else None, "topic": topic,
                     "is_focal": handle == "brewco", "one_hit_viral": handle == "pip_pots",
                     "context_only": handle == "cafe_times", "followers": followers})
    frame = pd.DataFrame(rows)
    frame["community"] = frame["community"].astype("Int64")
    return frame


def tiny_interactions() -> pd.DataFrame:
    """The 39 interactions a loader must derive from the tiny export (written out by hand).

    Columns ``source_id``, ``target_id``, ``kind``, ``post_id``, ``created_at`` (UTC), in the
    store's platform-qualified form; self-interactions included.
    """
    created = {label: when for label, when, *_ in _TWEETS}
    return pd.DataFrame({
        "source_id": [f"twitter:{_user_id(s)}" for _, s, _, _ in _INTERACTIONS],
        "target_id": [f"twitter:{_user_id(t)}" for _, _, t, _ in _INTERACTIONS],
        "kind": [k for *_, k in _INTERACTIONS],
        "post_id": [f"twitter:{_tweet_id(p)}" for p, *_ in _INTERACTIONS],
        "created_at": pd.to_datetime([created[p] for p, *_ in _INTERACTIONS], utc=True)})
