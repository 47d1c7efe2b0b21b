"""The bundled sample and the tiny fixture: determinism, twarc2 validity, planted truth, hand counts.

Every expectation about the tiny export is counted here again from the raw pages with plain
Python and compared with numbers written out by hand (not with the module's own constants only).
"""

from __future__ import annotations

import gzip
import hashlib
import json
import re
import statistics
from collections import Counter, defaultdict
from datetime import datetime, timedelta, timezone

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from workbench import datasets
from workbench.datasets import (
    TINY_COUNTS, generate_sample, karate, sample_path, tiny_export, tiny_interactions, tiny_truth,
    write_sample, write_tiny,
)
from workbench.errors import ParameterError, WorkbenchError

QUESTION_WORDS = ("what", "when", "where", "why", "how", "who", "which", "is", "are", "does", "do",
                  "can", "could", "will", "would", "should")


@pytest.fixture(scope="module")
def sample():
    return generate_sample()


def _when(stamp: str) -> datetime:
    assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.000Z", stamp), stamp
    return datetime.fromisoformat(stamp.replace("Z", "+00:00"))


def _index(pages):
    """Collected tweets (deduplicated), every tweet by id, every user by id."""
    collected, tweets, users = {}, {}, {}
    for page in pages:
        for user in page["includes"]["users"]:
            users[user["id"]] = user
        for tweet in page["includes"].get("tweets", []):
            tweets[tweet["id"]] = tweet
        for tweet in page["data"]:
            collected[tweet["id"]] = tweet
            tweets[tweet["id"]] = tweet
    return collected, tweets, users


def _kind(tweet) -> str:
    refs = tweet.get("referenced_tweets") or []
    return {"replied_to": "reply", "retweeted": "share", "quoted": "quote"}[refs[0]["type"]] if refs else "post"


def _interactions(pages):
    """(post id, source user id, target user id, kind) by the loaders' rules, counted by hand."""
    collected, tweets, _ = _index(pages)
    rows = []
    for tweet in collected.values():
        kind, author = _kind(tweet), tweet["author_id"]
        mentions = tweet.get("entities", {}).get("mentions", [])
        auto = set()
        if kind == "reply":
            rows.append((tweet["id"], author, tweet["in_reply_to_user_id"], "reply"))
            if tweet["text"].startswith("@"):
                auto.add(0)  # the leading auto-mention of the replied-to account
        elif kind in ("share", "quote"):
            original = tweets[tweet["referenced_tweets"][0]["id"]]
            rows.append((tweet["id"], author, original["author_id"], kind))
            if kind == "share":
                auto.add(0)  # "RT @author:"
        for i, mention in enumerate(mentions):
            if i not in auto:
                rows.append((tweet["id"], author, mention["id"], "mention"))
    return rows


def check_pages(pages, *, start: datetime, end: datetime) -> None:
    """Structural validity of twarc2 pages, page by page."""
    seen = set()
    for number, page in enumerate(pages):
        assert set(page) == {"data", "includes", "meta", "__twarc"}
        assert set(page["__twarc"]) == {"url", "version", "retrieved_at"}
        data, includes, meta = page["data"], page["includes"], page["meta"]
        assert meta["result_count"] == len(data) > 0
        assert meta["newest_id"] == data[0]["id"] and meta["oldest_id"] == data[-1]["id"]
        assert ("next_token" in meta) == (number < len(pages) - 1)
        ids = [int(t["id"]) for t in data]
        assert ids == sorted(ids, reverse=True), "newest first"
        page_tweets = {t["id"]: t for t in includes.get("tweets", [])} | {t["id"]: t for t in data}
        primary = {t["id"] for t in data}
        users = {u["id"]: u for u in includes["users"]}
        assert len(users) == len(includes["users"]), "users listed once per page"
        for user in includes["users"]:
            assert user["id"].isdigit() and isinstance(user["username"], str)
            assert set(user["public_metrics"]) == {"followers_count", "following_count", "tweet_count", "listed_count"}
            _when(user["created_at"])
        for tweet in list(page_tweets.values()):
            for key in ("id", "text", "author_id", "created_at", "conversation_id", "public_metrics", "lang"):
                assert key in tweet, f"{tweet['id']} lacks {key}"
            assert tweet["id"].isdigit() and tweet["author_id"].isdigit() and tweet["conversation_id"].isdigit()
            assert tweet["author_id"] in users
            created = _when(tweet["created_at"])
            metrics = tweet["public_metrics"]
            assert set(metrics) == {"retweet_count", "reply_count", "like_count", "quote_count"}
            assert all(isinstance(v, int) and v >= 0 for v in metrics.values())
            entities = tweet.get("entities", {})
            for mention in entities.get("mentions", []):
                assert set(mention) == {"start", "end", "username", "id"}
                assert tweet["text"][mention["start"]:mention["end"]] == "@" + mention["username"]
                if tweet["id"] in primary:  # the API expands mentions of primary tweets only
                    assert users[mention["id"]]["username"] == mention["username"]
            for tag in entities.get("hashtags", []):
                assert tweet["text"][tag["start"]:tag["end"]] == "#" + tag["tag"]
            for url in entities.get("urls", []):
                assert tweet["text"][url["start"]:url["end"]] == url["url"]
            kind = _kind(tweet)
            if kind == "post":
                assert tweet["conversation_id"] == tweet["id"] and "in_reply_to_user_id" not in tweet
                continue
            if tweet["id"] not in primary:
                continue  # the API does not expand what included tweets reference
            ref = tweet["referenced_tweets"][0]["id"]
            assert ref in page_tweets, f"{tweet['id']} references {ref}, which is neither in data nor includes"
            original = page_tweets[ref]
            assert _when(original["created_at"]) < created
            author = users[original["author_id"]]["username"]
            if kind == "reply":
                assert tweet["in_reply_to_user_id"] == original["author_id"]
                assert tweet["conversation_id"] == original["conversation_id"]
                if original["author_id"] != tweet["author_id"]:
                    assert tweet["text"].startswith(f"@{author} ")
                    assert entities["mentions"][0]["id"] == original["author_id"]
            elif kind == "share":
                assert tweet["text"].startswith(f"RT @{author}: ")
                assert entities["mentions"][0] == {"start": 3, "end": 4 + len(author), "username": author,
                                                   "id": original["author_id"]}
                assert metrics == {"retweet_count": original["public_metrics"]["retweet_count"],
                                   "reply_count": 0, "like_count": 0, "quote_count": 0}
                assert tweet["conversation_id"] == tweet["id"]
            else:
                assert any(u["expanded_url"].endswith(f"/{author}/status/{ref}") for u in entities["urls"])
        for tweet in data:
            assert tweet["id"] not in seen, "a collected tweet appears once"
            seen.add(tweet["id"])
            assert start <= _when(tweet["created_at"]) < end


def _counters_cover_collected(pages) -> None:
    """Platform counters are at least what the collection shows."""
    collected, tweets, _ = _index(pages)
    got = defaultdict(Counter)
    for tweet in collected.values():
        kind = _kind(tweet)
        if kind != "post":
            got[tweet["referenced_tweets"][0]["id"]][kind] += 1
    for tweet_id, kinds in got.items():
        metrics = tweets[tweet_id]["public_metrics"]
        assert metrics["retweet_count"] >= kinds["share"]
        assert metrics["reply_count"] >= kinds["reply"]
        assert metrics["quote_count"] >= kinds["quote"]


# -- the bundled sample -----------------------------------------------------------------

def test_sample_is_deterministic_byte_for_byte(sample, tmp_path):
    again = generate_sample()
    assert sample.sha256() == again.sha256()
    for frame in ("truth_roles", "truth_communities", "truth_questions"):
        assert getattr(sample, frame).equals(getattr(again, frame))
    plain = sample.write(tmp_path / "sample.jsonl")
    assert hashlib.sha256(plain.read_bytes()).hexdigest() == sample.sha256()
    small = {"n_accounts": 150, "weeks": 1, "n_communities": 3}
    assert generate_sample(seed=1, **small).sha256() != generate_sample(seed=2, **small).sha256()
    a = write_sample(tmp_path / "a.jsonl.gz", seed=1, **small)
    b = write_sample(tmp_path / "b.jsonl.gz", seed=1, **small)
    assert a.read_bytes() == b.read_bytes()
    pages = [json.loads(line) for line in gzip.decompress(a.read_bytes()).decode().splitlines()]
    assert pages == generate_sample(seed=1, **small).pages


def test_sample_size_and_pages_are_like_the_api(sample):
    assert 15_000 <= sample.n_tweets <= 35_000  # about 3,000 of them the planted campaign's (tests/test_campaigns.py)
    assert all(len(page["data"]) == 100 for page in sample.pages[:-1]) and 0 < len(sample.pages[-1]["data"]) <= 100
    assert sample.params == {"n_accounts": 800, "weeks": 6, "n_communities": 6, "seed": 0,
                             "start": "2022-03-07T00:00:00.000Z", "end": "2022-04-18T00:00:00.000Z"}
    start = datetime(2022, 3, 7, tzinfo=timezone.utc)
    check_pages(sample.pages, start=start, end=start + timedelta(weeks=6))
    _counters_cover_collected(sample.pages)


def test_sample_has_context_tweets_and_all_kinds(sample):
    collected, tweets, users = _index(sample.pages)
    context = set(tweets) - set(collected)
    kinds = Counter(_kind(t) for t in collected.values())
    assert kinds["post"] > 3000 and kinds["share"] > 5000 and kinds["reply"] > 3000 and kinds["quote"] > 500
    assert len(context) >= 20
    roles = sample.truth_roles.set_index("account_id")
    outside = {aid.removeprefix("twitter:") for aid in roles.index[roles["context_only"]]}
    assert outside and all(tweets[t]["author_id"] in outside or _when(tweets[t]["created_at"]) < datetime(
        2022, 3, 7, tzinfo=timezone.utc) for t in context)
    assert not {t["author_id"] for t in collected.values()} & outside
    # every account in the export is in the truth, and the other way round
    assert set(users) == {aid.removeprefix("twitter:") for aid in roles.index}
    assert sample.truth_campaign["recruits"] == 280  # the campaign's new accounts come on top of the 800 members
    assert len(users) == 800 + 280 + len(outside)


def test_sample_truth_tables(sample):
    roles, comms = sample.truth_roles, sample.truth_communities
    assert list(roles.columns) == ["account_id", "handle", "role", "community", "is_focal", "one_hit_viral",
                                   "context_only", "followers"]
    assert list(comms.columns) == ["account_id", "handle", "community", "topic"]
    assert roles["account_id"].str.fullmatch(r"twitter:\d+").all() and roles["account_id"].is_unique
    assert set(roles["role"]) == {"influencer", "networker", "regular"}
    assert roles["is_focal"].sum() == 1 and roles.loc[roles["is_focal"], "handle"].item() == "KestrelCycles"
    assert (roles["role"] == "influencer").sum() == 12 and (roles["role"] == "networker").sum() == 12
    assert roles["one_hit_viral"].sum() == 6 and (roles.loc[roles["one_hit_viral"], "role"] == "regular").all()
    assert sorted(comms["community"].unique()) == list(range(6))
    assert comms["community"].value_counts().min() >= 50
    assert set(comms["account_id"]) == set(roles.loc[~roles["is_focal"] & ~roles["context_only"], "account_id"])
    merged = comms.merge(roles, on="account_id")
    assert (merged["community_x"] == merged["community_y"]).all()


def _sample_stats(sample):
    collected, tweets, users = _index(sample.pages)
    interactions = [r for r in _interactions(sample.pages) if r[1] != r[2]]
    return collected, tweets, users, interactions


def test_planted_influencers_networkers_and_viral_accounts(sample):
    collected, tweets, users, interactions = _sample_stats(sample)
    roles = sample.truth_roles.assign(uid=sample.truth_roles["account_id"].str.removeprefix("twitter:"))
    community = dict(zip(sample.truth_communities["account_id"].str.removeprefix("twitter:"),
                         sample.truth_communities["community"]))
    posts_by = defaultdict(list)
    for tweet in collected.values():
        if _kind(tweet) == "post":
            posts_by[tweet["author_id"]].append(tweet["id"])
    responders = defaultdict(set)  # post id -> accounts that shared, quoted or replied to it
    shares_of = Counter()
    for post_id, source, target, kind in interactions:
        if kind in ("share", "quote", "reply"):
            ref = collected[post_id]["referenced_tweets"][0]["id"]
            responders[ref].add(source)
            shares_of[ref] += kind == "share"

    def pull(uid):
        posts = posts_by[uid]
        return (statistics.mean(len(responders[p]) for p in posts),
                sum(len(responders[p]) >= 3 for p in posts) / len(posts),
                len(set().union(*(responders[p] for p in posts))))

    ordinary = (roles["role"] == "regular") & ~roles["is_focal"] & ~roles["one_hit_viral"] & ~roles["context_only"]
    regular = roles[ordinary]
    regular_pull = statistics.median(pull(u)[0] for u in regular["uid"] if posts_by[u])
    for uid in roles.loc[roles["role"] == "influencer", "uid"]:
        followers = users[uid]["public_metrics"]["followers_count"]
        mean_pull, steady, distinct = pull(uid)
        assert 300 <= followers <= 3000, "influencers have ordinary audiences"
        assert mean_pull >= 10 * max(regular_pull, 0.5) and mean_pull >= 8
        assert steady >= 0.9, "nearly every post of an influencer pulls responses"
        assert distinct >= 100, "from many distinct accounts"

    outbound = defaultdict(set)
    for _, source, target, kind in interactions:
        if target in community and kind in ("mention", "reply", "share"):
            outbound[source].add(community[target])
    influencer_min = min(pull(u)[0] for u in roles.loc[roles["role"] == "influencer", "uid"])
    for uid in roles.loc[roles["role"] == "networker", "uid"]:
        assert users[uid]["public_metrics"]["followers_count"] >= 50_000
        assert len(outbound[uid]) >= 5, "networkers reach into (nearly) every community"
        assert len(posts_by[uid]) >= 60, "and post a lot"
        assert pull(uid)[0] < 1.0 < influencer_min

    for uid in roles.loc[roles["one_hit_viral"], "uid"]:
        own = [t for t in collected.values() if t["author_id"] == uid]
        assert len(own) == 1 and _kind(own[0]) == "post"
        assert shares_of[own[0]["id"]] >= 60 and len(responders[own[0]["id"]]) >= 60

    # regular members talk mostly within their community
    regular_ids = set(regular["uid"])
    within = [community[s] == community[t] for _, s, t, _ in interactions
              if s in community and t in community and s in regular_ids]
    assert sum(within) / len(within) >= 0.7


def test_focal_questions_and_answers(sample):
    collected, tweets, users, _ = _sample_stats(sample)
    questions = sample.truth_questions
    brand = sample.truth_roles.loc[sample.truth_roles["is_focal"], "account_id"].item().removeprefix("twitter:")
    assert 150 <= len(questions) <= 500
    answered = questions["answer_post_id"].notna()
    assert 0.5 <= answered.mean() <= 0.8
    for row in questions.itertuples():
        tweet = collected[row.post_id.removeprefix("twitter:")]
        body = re.sub(r"^(@\w+ )+", "", tweet["text"])
        assert tweet["text"].rstrip().endswith("?") and body.split()[0].lower() in QUESTION_WORDS
        to_brand = tweet.get("in_reply_to_user_id") == brand or any(
            m["id"] == brand for m in tweet["entities"]["mentions"])
        assert to_brand and row.via == ("reply" if "in_reply_to_user_id" in tweet else "mention")
        if isinstance(row.answer_post_id, str):
            answer = collected[row.answer_post_id.removeprefix("twitter:")]
            assert answer["author_id"] == brand and answer["referenced_tweets"][0]["id"] == tweet["id"]
            delay = (_when(answer["created_at"]) - _when(tweet["created_at"])).total_seconds()
            assert delay == row.response_seconds > 0
    assert 60 <= questions["response_seconds"].min() and questions["response_seconds"].median() < 86_400
    # nothing else said to the brand looks like a question
    asked = set(questions["post_id"].str.removeprefix("twitter:"))
    for tweet in collected.values():
        to_brand = tweet.get("in_reply_to_user_id") == brand or any(
            m["id"] == brand for m in tweet.get("entities", {}).get("mentions", []))
        if to_brand and tweet["id"] not in asked and _kind(tweet) != "share":
            assert "?" not in tweet["text"]


def test_sample_timing_has_days_weeks_and_growth(sample):
    collected, *_ = _sample_stats(sample)
    times = [_when(t["created_at"]) for t in collected.values()]
    hours = Counter(t.hour for t in times)
    assert hours[3] * 8 < hours[19], "nights are quiet"
    weekdays = Counter(t.weekday() for t in times)
    assert (weekdays[5] + weekdays[6]) / 2 < 0.85 * sum(weekdays[d] for d in range(5)) / 5
    first_week = {}
    for tweet, when in zip(collected.values(), times):
        week = (when - datetime(2022, 3, 7, tzinfo=timezone.utc)).days // 7
        first_week[tweet["author_id"]] = min(week, first_week.get(tweet["author_id"], 9))
    newcomers = Counter(first_week.values())
    assert all(newcomers[w] >= 10 for w in range(1, 6)), "members keep joining"


@settings(max_examples=6, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(seed=st.integers(0, 2**32 - 1), n_accounts=st.integers(80, 240), weeks=st.integers(1, 3),
       n_communities=st.integers(2, 4))
def test_small_samples_are_valid_for_any_seed(seed, n_accounts, weeks, n_communities):
    sample = generate_sample(n_accounts=n_accounts, weeks=weeks, n_communities=n_communities, seed=seed)
    start = datetime(2022, 3, 7, tzinfo=timezone.utc)
    check_pages(sample.pages, start=start, end=start + timedelta(weeks=weeks))
    _counters_cover_collected(sample.pages)
    _, _, users = _index(sample.pages)
    assert len(sample.truth_roles) == len(users)
    assert sample.truth_communities["community"].nunique() == n_communities


def test_bad_parameters_are_refused():
    with pytest.raises(ValueError, match="too small"):
        generate_sample(n_accounts=20, n_communities=6)
    with pytest.raises(ValueError, match="weeks"):
        generate_sample(weeks=0)


@pytest.mark.slow  # a few seconds: left out of make test-fast, run by make test
def test_sample_path_writes_once_and_refreshes(tmp_path, sample):
    path = sample_path(tmp_path)
    assert path == tmp_path / "brand_community.jsonl"
    assert hashlib.sha256(path.read_bytes()).hexdigest() == sample.sha256()
    before = path.stat().st_mtime_ns
    assert sample_path(tmp_path) == path and path.stat().st_mtime_ns == before
    stamp = path.with_name(path.name + ".generator")
    stamp.write_text("an older generator\n")
    sample_path(tmp_path)
    assert stamp.read_text().strip() == datasets.sample.generator_fingerprint()


# -- the tiny fixture -------------------------------------------------------------------

def _week(stamp: str) -> str:
    day = _when(stamp).date()
    return str(day - timedelta(days=day.weekday()))


def test_tiny_is_valid_twarc2():
    pages = tiny_export()
    check_pages(pages, start=datetime(2022, 3, 7, tzinfo=timezone.utc),
                end=datetime(2022, 3, 28, tzinfo=timezone.utc))
    _counters_cover_collected(pages)
    assert [len(p["data"]) for p in pages] == [20, 20, 5]


def test_tiny_counts_by_hand():
    pages = tiny_export()
    collected, tweets, users = _index(pages)
    assert len(collected) == 45 == TINY_COUNTS["collected_tweets"]
    assert len(set(tweets) - set(collected)) == 3 == TINY_COUNTS["context_tweets"]
    assert len(users) == 20 == TINY_COUNTS["accounts"]
    assert Counter(_kind(t) for t in collected.values()) == {"post": 15, "reply": 12, "share": 15, "quote": 3}
    assert sum(len(t.get("entities", {}).get("mentions", [])) for t in collected.values()) == 35

    rows = _interactions(pages)
    assert Counter(kind for *_, kind in rows) == {"reply": 12, "mention": 9, "share": 15, "quote": 3}
    assert TINY_COUNTS["interactions_by_kind"] == {"reply": 12, "mention": 9, "share": 15, "quote": 3}
    assert len(rows) == 39 and sum(s == t for _, s, t, _ in rows) == 2 == TINY_COUNTS["self_interactions"]

    # the hand-written interaction table equals what the rules give
    expected = tiny_interactions()
    assert sorted(zip(expected["post_id"], expected["source_id"], expected["target_id"], expected["kind"])) == \
        sorted((f"twitter:{p}", f"twitter:{s}", f"twitter:{t}", k) for p, s, t, k in rows)
    created = {f"twitter:{t['id']}": _when(t["created_at"]) for t in collected.values()}
    assert all(created[p] == c.to_pydatetime() for p, c in zip(expected["post_id"], expected["created_at"]))


def test_tiny_weekly_counts_by_hand():
    pages = tiny_export()
    collected, _, _ = _index(pages)
    weeks = defaultdict(lambda: Counter())
    authors = defaultdict(set)
    for tweet in collected.values():
        week, kind, m = _week(tweet["created_at"]), _kind(tweet), tweet["public_metrics"]
        weeks[week]["tweets"] += 1
        weeks[week][kind] += 1
        authors[week].add(tweet["author_id"])
        if kind != "share":
            weeks[week]["non_share"] += 1
            weeks[week]["likes"] += m["like_count"]
            weeks[week]["retweets"] += m["retweet_count"]
            weeks[week]["quotes"] += m["quote_count"]
            weeks[week]["replies"] += m["reply_count"]
    inter = defaultdict(Counter)
    for post_id, _, _, kind in _interactions(pages):
        inter[_week(collected[post_id]["created_at"])][kind] += 1
    by_hand = {  # week: tweets, posts, replies, shares, quotes, non-share, likes, retweet/quote/reply counters, authors
        "2022-03-07": (18, 7, 6, 4, 1, 14, 46, 3, 1, 5, 14),
        "2022-03-14": (18, 5, 3, 8, 2, 10, 96, 9, 1, 3, 15),
        "2022-03-21": (9, 3, 3, 3, 0, 6, 23, 2, 0, 3, 8),
    }
    assert sorted(weeks) == sorted(by_hand)
    for week, numbers in by_hand.items():
        w = weeks[week]
        got = (w["tweets"], w["post"], w["reply"], w["share"], w["quote"], w["non_share"], w["likes"],
               w["retweets"], w["quotes"], w["replies"], len(authors[week]))
        assert got == numbers, week
        documented = TINY_COUNTS["weeks"][week]
        assert (documented["tweets"], documented["non_share"], documented["likes"], documented["retweets"],
                documented["quotes"], documented["replies"], documented["authors"]) == \
            (numbers[0], numbers[5], numbers[6], numbers[7], numbers[8], numbers[9], numbers[10])
        assert documented["tweets_by_kind"] == {"post": numbers[1], "reply": numbers[2], "share": numbers[3],
                                                "quote": numbers[4]}
        assert documented["interactions_by_kind"] == {k: inter[week][k] for k in ("reply", "mention", "share", "quote")}
        assert documented["interactions"] == sum(inter[week].values())
    assert {w: sum(c.values()) for w, c in inter.items()} == {"2022-03-07": 17, "2022-03-14": 14, "2022-03-21": 8}
    assert len(set().union(*authors.values())) == 19


def test_tiny_per_account_counts_by_hand():
    pages = tiny_export()
    collected, _, users = _index(pages)
    handle = {uid: u["username"] for uid, u in users.items()}
    received = defaultdict(Counter)
    for _, _, target, kind in _interactions(pages):
        received[handle[target]][kind] += 1
    authored = Counter(handle[t["author_id"]] for t in collected.values())
    # handle: (reply, mention, share, quote received), authored
    by_hand = {
        "ana_brews": ((4, 2, 5, 1), 4), "hal_tea": ((3, 2, 4, 1), 3), "pip_pots": ((0, 0, 5, 0), 1),
        "brewco": ((1, 3, 0, 0), 3), "cafe_times": ((0, 0, 1, 1), 0), "rae_rae": ((1, 1, 0, 0), 3),
        "cara_cups": ((1, 0, 0, 0), 2), "eli_drinks": ((1, 0, 0, 0), 2), "jon_sips": ((1, 0, 0, 0), 3),
        "gus_grinds": ((0, 1, 0, 0), 2), "omar_news": ((0, 0, 0, 0), 4), "ben_beans": ((0, 0, 0, 0), 3),
        "ivy_infuse": ((0, 0, 0, 0), 3), "dev_drips": ((0, 0, 0, 0), 2), "fay_foam": ((0, 0, 0, 0), 2),
        "kai_kettle": ((0, 0, 0, 0), 2), "lea_leaf": ((0, 0, 0, 0), 2), "max_matcha": ((0, 0, 0, 0), 2),
        "nia_steeps": ((0, 0, 0, 0), 1), "quinn_q": ((0, 0, 0, 0), 1),
    }
    assert set(by_hand) == set(handle.values())
    for name, (kinds, n_authored) in by_hand.items():
        got = tuple(received[name][k] for k in ("reply", "mention", "share", "quote"))
        assert (got, authored[name]) == (kinds, n_authored), name


def test_tiny_questions_to_the_focal_account():
    pages = tiny_export()
    collected, _, users = _index(pages)
    brand = next(uid for uid, u in users.items() if u["username"] == "brewco")
    def to_brand(t):
        mentions = t.get("entities", {}).get("mentions", [])
        return t.get("in_reply_to_user_id") == brand or any(m["id"] == brand for m in mentions)

    questions = [t for t in collected.values() if t["author_id"] != brand and "?" in t["text"] and to_brand(t)]
    assert sorted(t["id"] for t in questions) == ["1501000000000000011", "1501000000000000034", "1501000000000000042"]
    answers = {t["referenced_tweets"][0]["id"]: t for t in collected.values()
               if t["author_id"] == brand and _kind(t) == "reply"}
    delays = sorted((_when(answers[q["id"]]["created_at"]) - _when(q["created_at"])).total_seconds()
                    for q in questions if q["id"] in answers)
    assert delays == [5_400, 70_200] and statistics.median(delays) == 37_800
    assert (TINY_COUNTS["questions_to_focal"], TINY_COUNTS["questions_answered"],
            TINY_COUNTS["median_response_seconds"]) == (3, 2, 37_800)


def test_tiny_truth_and_files(tmp_path):
    truth = tiny_truth()
    _, _, users = _index(tiny_export())
    assert set(truth["account_id"]) == {f"twitter:{uid}" for uid in users}
    assert truth.groupby("topic").size().to_dict() == {"coffee": 7, "tea": 7}
    assert truth["community"].isna().sum() == 6
    roles = dict(zip(truth["handle"], truth["role"]))
    assert {h for h, r in roles.items() if r != "regular"} == {"ana_brews", "hal_tea", "omar_news"}
    assert truth.loc[truth["is_focal"], "handle"].tolist() == ["brewco"]
    assert truth.loc[truth["one_hit_viral"], "handle"].tolist() == ["pip_pots"]
    assert truth.loc[truth["context_only"], "handle"].tolist() == ["cafe_times"]
    plain, packed = write_tiny(tmp_path / "tiny.jsonl"), write_tiny(tmp_path / "tiny.jsonl.gz")
    assert gzip.decompress(packed.read_bytes()) == plain.read_bytes()
    assert [json.loads(line) for line in plain.read_text().splitlines()] == tiny_export()
    assert write_tiny(tmp_path / "again.jsonl.gz").read_bytes() == packed.read_bytes()


# -- karate -----------------------------------------------------------------------------

def test_karate_club_in_both_backends():
    g = karate()
    assert (g.vcount(), g.ecount(), g.is_directed()) == (34, 78, False)
    assert Counter(g.vs["club"]) == {"Mr. Hi": 17, "Officer": 17}
    assert g.vs[0]["account_id"] == "karate:0" and g.vs[33]["handle"] == "33"
    assert sum(g.es["weight"]) == 231  # contexts summed over the 78 friendships
    n = karate(backend="networkx")
    assert (n.number_of_nodes(), n.number_of_edges()) == (34, 78)
    assert {frozenset((g.vs[e.source]["account_id"], g.vs[e.target]["account_id"])) for e in g.es} == \
        {frozenset(e) for e in n.edges()}
    with pytest.raises(ParameterError, match="backend"):
        karate(backend="graph-tool")
    assert issubclass(ParameterError, WorkbenchError)
