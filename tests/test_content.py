"""Top content per community and the hashtag graphs, on a hand-made workspace whose answers are counted here.

Six accounts, two communities (a1-a3 and a4-a5; a6 in none), a dozen posts with counters, replies,
links and hashtags. Expected values come from the table of posts below, counted in plain Python.
"""

from __future__ import annotations

import math
import re
from collections import Counter

import networkx as nx
import pandas as pd
import pytest

import workbench as wb
from workbench import communities, content, export
from workbench.errors import EmptyGraphError, ParameterError

MEMBERS = pd.DataFrame({"account_id": ["csv:a1", "csv:a2", "csv:a3", "csv:a4", "csv:a5"],
                        "community": [0, 0, 0, 1, 1]})
# post_id, author, kind, parent, text, likes, shares, quotes, replies, hashtags, links, day
POSTS = [
    ("p1", "a1", "post", None, "Gravel ride today, gravel and dust", 5, 2, 1, 3, ["gravel", "bikes"], ["https://x.example/1"], 1),
    ("p2", "a2", "post", None, "Gravel everywhere on the gravel road", 1, 0, 0, 1, ["gravel"], ["https://x.example/1"], 2),
    ("p3", "a2", "share", None, "RT gravel gravel gravel", 0, 100, 0, 0, ["gravel", "bikes"], ["https://x.example/9"], 2),
    ("p4", "a4", "post", None, "Commute by train and bike, train was late", None, None, None, None, ["commute", "bikes"], [], 3),
    ("p5", "a5", "reply", "p4", "Train commute again", None, None, None, None, [], ["https://y.example/2"], 3),
    ("p6", "a1", "reply", "p4", "Nice commute train", None, None, None, None, [], [], 4),
    ("p7", "a5", "reply", "p4", "Late train again", None, None, None, None, [], [], 4),
    ("p8", "a6", "post", None, "Gravel commute bikes mixed", 0, 0, 0, 0, ["gravel", "bikes", "commute"], [], 5),
    ("p9", "a3", "post", None, "Dust and gravel, more dust", 2, 0, 0, 0, ["gravel"], ["https://x.example/1"], 5),
    ("p10", "a4", "post", None, "Train train station bike", None, None, None, None, ["commute"], [], 6),
    ("p11", "a3", "quote", None, "Gravel dust forever @a1", 0, 1, 0, 0, [], [], 6),
]


@pytest.fixture
def posts_store():
    with wb.open(":memory:") as store:
        store.sql("INSERT INTO accounts (account_id, platform, handle) SELECT 'csv:a' || i, 'csv', 'a' || i "
                  "FROM range(1, 7) t(i)")
        for (post_id, author, kind, parent, text, likes, shares, quotes, replies, tags, links, day) in POSTS:
            store.sql("INSERT INTO posts (post_id, platform, author_id, created_at, text, parent_post_id, kind, like_count, "
                      "share_count, quote_count, reply_count, collected) VALUES ($id, 'csv', $author, $at, $text, $parent, "
                      "$kind, $likes, $shares, $quotes, $replies, true)",
                      {"id": f"csv:{post_id}", "author": f"csv:{author}", "at": pd.Timestamp(f"2024-05-{day:02d}T10:00Z"),
                       "text": text, "parent": f"csv:{parent}" if parent else None, "kind": kind, "likes": likes,
                       "shares": shares, "quotes": quotes, "replies": replies})
            for entity, values in (("hashtag", tags), ("link", links)):
                for value in values:
                    store.sql("INSERT INTO post_entities (post_id, entity, value) VALUES ($id, $entity, $value)",
                              {"id": f"csv:{post_id}", "entity": entity, "value": value})
        yield store


def community_posts(community: int | None):
    members = set(MEMBERS.loc[MEMBERS["community"] == community, "account_id"].str.slice(4))
    return [p for p in POSTS if p[2] != "share" and (p[1] in members if community is not None else True)]


# -- top posts, links, hashtags -------------------------------------------------------------------------------
def test_top_posts_rank_by_counted_response_or_by_responders(posts_store):
    top = content.top_posts(posts_store, MEMBERS, n=5)
    by_community = {c: frame["post_id"].tolist() for c, frame in top.groupby("community")}
    # community 0: counters shares + quotes + replies: p1 6, p2 1, p11 1 (p9 0 is left out; p3 a share)
    assert by_community[0] == ["csv:p1", "csv:p2", "csv:p11"]  # p2 before p11: more likes
    assert top.set_index("post_id").loc["csv:p1", "response"] == 2 + 1 + 3
    # community 1: no counters, so distinct accounts replying: p4 has a5 and a1 (a5 twice counts once)
    assert by_community[1] == ["csv:p4"]
    row = top.set_index("post_id").loc["csv:p4"]
    assert row["response"] == 2 and row["responders"] == 2 and not row["counted"] and row["handle"] == "a4"
    assert content.top_posts(posts_store, MEMBERS, n=1, communities=[0])["post_id"].tolist() == ["csv:p1"]
    assert content.top_posts(posts_store, MEMBERS, since="2024-05-02")["post_id"].tolist() == ["csv:p2", "csv:p11", "csv:p4"]


def test_top_links_and_hashtags_count_uses_and_members(posts_store):
    tags = content.top_hashtags(posts_store, MEMBERS, n=5)
    expected = {}
    for community in (0, 1):
        counted = Counter(t for p in community_posts(community) for t in p[9])
        users = {t: len({p[1] for p in community_posts(community) if t in p[9]}) for t in counted}
        expected[community] = sorted(((f"#{t}", n, users[t]) for t, n in counted.items()), key=lambda r: (-r[1], -r[2], r[0]))
    for community, frame in tags.groupby("community"):
        assert list(frame[["hashtag", "uses", "accounts"]].itertuples(index=False, name=None)) == expected[community]
    links = content.top_links(posts_store, MEMBERS, n=5)
    assert links.loc[links["community"] == 0, ["link", "uses", "accounts"]].values.tolist() == [["https://x.example/1", 3, 3]]
    assert links.loc[links["community"] == 1, "link"].tolist() == ["https://y.example/2"]  # the share's link is not counted


def test_distinctive_terms_are_monroe_log_odds_with_the_workspace_as_prior(posts_store):
    """The z-scores recomputed here from the posts' words, with the formula of Monroe et al. (2008)."""
    def words(text: str) -> list[str]:
        text = re.sub(r"(https?://|www\.)\S+|[@#]\w+", " ", text.lower())
        return [w for w in re.findall(r"[a-z]+", text)
                if len(w) >= 3 and w not in content.STOPWORDS and w not in {f"a{i}" for i in range(1, 7)}]

    counts = {c: Counter(w for p in community_posts(c) for w in words(p[4])) for c in (0, 1)}
    everything = Counter(w for p in community_posts(None) for w in words(p[4]))
    n = sum(everything.values())
    expected = []
    for c in (0, 1):
        n_i = sum(counts[c].values())
        n_j = n - n_i
        for word, y_i in counts[c].items():
            if y_i < 2:
                continue
            y_j = everything[word] - y_i
            a_w, a_0 = everything[word], n  # prior = 1: the window's own counts
            delta = (math.log((y_i + a_w) / (n_i + a_0 - y_i - a_w))
                     - math.log((y_j + a_w) / (n_j + a_0 - y_j - a_w)))
            z = delta / math.sqrt(1 / (y_i + a_w) + 1 / (y_j + a_w))
            if z > 0:
                expected.append((c, word, y_i, y_j, z))
    got = content.distinctive_terms(posts_store, MEMBERS, n=20, min_count=2)
    assert len(got) == len(expected) > 3
    want = pd.DataFrame(expected, columns=["community", "term", "uses", "uses_elsewhere", "z"])
    merged = got.merge(want, on=["community", "term"], suffixes=("", "_here"))
    assert len(merged) == len(want)
    assert (merged["uses"] == merged["uses_here"]).all() and (merged["uses_elsewhere"] == merged["uses_elsewhere_here"]).all()
    assert merged["z"].to_numpy() == pytest.approx(merged["z_here"].to_numpy(), rel=1e-9)
    assert got.loc[got["community"] == 0, "term"].iloc[0] in ("gravel", "dust")
    assert got.loc[got["community"] == 1, "term"].iloc[0] == "train"
    assert "a1" not in set(got["term"])  # handles are never words
    with pytest.raises(ParameterError, match="prior must be positive"):
        content.distinctive_terms(posts_store, MEMBERS, prior=0)


# -- hashtag graphs --------------------------------------------------------------------------------------------
def test_cohashtag_graph_counts_posts_using_both(posts_store):
    g = wb.graphs.cohashtag(posts_store)
    assert g.vs["account_id"] == ["hashtag:#bikes", "hashtag:#commute", "hashtag:#gravel"]
    assert g.vs["handle"] == ["#bikes", "#commute", "#gravel"] and set(g.vs["kind"]) == {"hashtag"}
    pairs = Counter()
    for post in POSTS:
        if post[2] != "share":
            tags = sorted(set(post[9]))
            pairs.update((a, b) for i, a in enumerate(tags) for b in tags[i + 1:])
    edges = {(g.vs[e.source]["handle"][1:], g.vs[e.target]["handle"][1:]): e["weight"] for e in g.es}
    assert edges == pairs  # bikes-gravel 2 (p1, p8), bikes-commute 2 (p4, p8), commute-gravel 1 (p8); p3 is a share
    uses = Counter(t for p in POSTS if p[2] != "share" for t in p[9])
    assert dict(zip(g.vs["handle"], g.vs["uses"])) == {f"#{t}": n for t, n in uses.items()}
    assert wb.graphs.cohashtag(posts_store, min_weight=2).ecount() == 2
    with pytest.raises(EmptyGraphError, match="has two hashtags"):
        wb.graphs.cohashtag(posts_store, until="2024-05-01")


def test_account_hashtag_graph_is_two_mode_and_accepted_by_communities_and_export(posts_store, tmp_path):
    g = wb.graphs.account_hashtag(posts_store)
    used = Counter((f"csv:{p[1]}", f"hashtag:#{t}") for p in POSTS if p[2] != "share" for t in p[9])
    ids = g.vs["account_id"]
    assert {(ids[e.source], ids[e.target]): e["weight"] for e in g.es} == used
    assert all(kind == ("hashtag" if i.startswith("hashtag:#") else "account") for i, kind in zip(ids, g.vs["kind"]))
    assert g.vs["type"] == [i.startswith("hashtag:#") for i in ids] and g.is_bipartite()
    partition = communities.detect(g, seed=0)
    assert set(partition.to_frame()["account_id"]) == set(ids)
    for suffix in ("gexf", "graphml"):
        [written] = export.export_graph(g, tmp_path / f"two.{suffix}", partition=partition)
        back = nx.read_gexf(written) if suffix == "gexf" else nx.read_graphml(written)
        assert back.number_of_nodes() == g.vcount() and back.number_of_edges() == g.ecount()
        assert "hashtag:#gravel" in back.nodes
    view = wb.graphs.account_hashtag(posts_store, since="2024-05-05")
    assert set(view.vs["account_id"]) == {"csv:a6", "csv:a3", "csv:a4", "hashtag:#gravel", "hashtag:#bikes",
                                          "hashtag:#commute"}


def test_an_account_id_that_looks_like_a_hashtag_is_refused(posts_store):
    posts_store.sql("INSERT INTO accounts (account_id, platform, handle) VALUES ('hashtag:#gravel', 'hashtag', '#gravel')")
    with pytest.raises(ParameterError, match="hashtag:#gravel"):
        wb.graphs.cohashtag(posts_store)
