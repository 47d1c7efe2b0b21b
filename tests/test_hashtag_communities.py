"""Communities of the hashtag graphs, saved as community runs, and the consumers of "the newest run".

A hand-made Twitter v1.1 export: accounts u1-u3 tag their posts #gravel #bikes #dust, accounts u4-u6
#train #commute #station, and one post of u3 bridges the groups (#dust #train). The two groups are
clearly separated, so the exact partition is known: {bikes, dust, gravel} and {commute, station, train}
in the co-hashtag graph, and each group's accounts with its hashtags in the accounts x hashtags graph.
"""

from __future__ import annotations

import json
import re

import networkx as nx
import pandas as pd
import pytest

import workbench as wb
from workbench import campaigns, cli, communities, export, metrics, network_page, roles
from workbench.communities import runs
from workbench.errors import EmptyGraphError, ParameterError, RoleEvidenceWarning

GROUP_A, GROUP_B = ("gravel", "bikes", "dust"), ("train", "commute", "station")


def _user(uid: int) -> dict:
    return {"id": uid, "id_str": str(uid), "screen_name": f"u{uid}", "name": f"User {uid}", "followers_count": 5,
            "friends_count": 3, "statuses_count": 10, "created_at": "Mon Jan 05 10:00:00 +0000 2015"}


def _tweet(tid: int, uid: int, tags, *, mention: int | None = None, day: int = 1) -> dict:
    text = " ".join(f"#{t}" for t in tags) + (f" @u{mention}" if mention else "")
    mentions = [] if mention is None else [{"screen_name": f"u{mention}", "id": mention, "id_str": str(mention),
                                            "indices": [text.index("@"), len(text)]}]
    return {"created_at": f"Fri Jan {day:02d} 05:00:06 +0000 2016", "id": tid, "id_str": str(tid), "text": text,
            "user": _user(uid), "retweet_count": 1, "favorite_count": 2, "lang": "en",
            "entities": {"user_mentions": mentions, "urls": [],
                         "hashtags": [{"text": t.capitalize(), "indices": [0, 1]} for t in tags]}}


def _tweets() -> list[dict]:
    tweets, tid = [], 100
    for group, uids in ((GROUP_A, (1, 2, 3)), (GROUP_B, (4, 5, 6))):
        for uid in uids:
            for day in (1, 2):
                tid += 1
                partner = uids[(uids.index(uid) + 1) % 3]  # mentions within the group: an interaction graph
                tweets.append(_tweet(tid, uid, group, mention=partner, day=day + uid))
    tweets.append(_tweet(999, 3, ("dust", "train"), day=9))  # the one bridge
    return tweets


@pytest.fixture
def export_file(tmp_path):
    path = tmp_path / "tagged.jsonl"
    path.write_text("".join(json.dumps(t) + "\n" for t in _tweets()), encoding="utf-8")
    return path


@pytest.fixture
def store(export_file):
    with wb.open(":memory:") as store:
        wb.load(store, export_file)
        yield store


def _groups(frame: pd.DataFrame, key: str) -> set[frozenset]:
    return {frozenset(members[key]) for _, members in frame.groupby("community")}


def test_the_cohashtag_graph_of_the_export_is_two_weighted_triangles_and_a_bridge(store):
    g = wb.graphs.cohashtag(store)
    edges = {frozenset((g.vs[e.source]["handle"], g.vs[e.target]["handle"])): e["weight"] for e in g.es}
    # each group's 6 posts use its 3 tags together; u3's bridge post uses #dust and #train
    expected = {frozenset((f"#{a}", f"#{b}")): 6 for group in (GROUP_A, GROUP_B)
                for i, a in enumerate(group) for b in group[i + 1:]}
    expected[frozenset(("#dust", "#train"))] = 1
    assert edges == expected


@pytest.mark.parametrize("method", ["leiden", "louvain", "walktrap"])
def test_a_cohashtag_run_saves_the_exact_partition_of_hashtags(store, method):
    found = communities.find(store, graph="hashtags", method=method, seed=0)
    run_id = found.params["run_id"]
    saved = store.query("graph.hashtag_memberships", run_id=run_id)
    assert _groups(saved, "hashtag") == {frozenset(GROUP_A), frozenset(GROUP_B)}
    assert store.scalar("SELECT count(*) FROM memberships WHERE run_id = $r", {"r": run_id}) == 0
    row = store.sql("SELECT graph_spec ->> 'graph', n_communities, method FROM community_runs WHERE run_id = $r",
                    {"r": run_id}).fetchone()
    assert row == ("hashtags", 2, method)
    back = runs.load(store, run_id)
    assert dict(zip(back.account_ids, back.membership)) == {f"hashtag:#{t}": c for t, c in
                                                           zip(saved["hashtag"], saved["community"])}
    assert back.graph_spec["graph"] == "hashtags"


def test_a_two_mode_run_groups_accounts_by_their_hashtags_and_saves_both(store):
    found = communities.find(store, graph="accounts-hashtags", seed=0)
    run_id = found.params["run_id"]
    accounts = store.query("graph.memberships", run_id=run_id)
    tags = store.query("graph.hashtag_memberships", run_id=run_id)
    assert _groups(accounts, "account_id") == {frozenset({"twitter:1", "twitter:2", "twitter:3"}),
                                               frozenset({"twitter:4", "twitter:5", "twitter:6"})}
    assert _groups(tags, "hashtag") == {frozenset(GROUP_A), frozenset(GROUP_B)}
    # a topic community: each group's accounts share the community of the hashtags they use
    of_account = dict(zip(accounts["account_id"], accounts["community"]))
    of_tag = dict(zip(tags["hashtag"], tags["community"]))
    assert of_account["twitter:1"] == of_tag["gravel"] and of_account["twitter:4"] == of_tag["train"]
    assert store.latest_community_run() == run_id == store.latest_community_run(nodes="hashtags")


def test_what_takes_the_newest_run_for_accounts_never_takes_a_cohashtag_run(store, tmp_path):
    interactions_run = communities.find(store, seed=0).params["run_id"]
    hashtag_run = communities.find(store, graph="hashtags", seed=0).params["run_id"]
    assert hashtag_run > interactions_run
    assert store.latest_community_run() == interactions_run
    assert store.latest_community_run(nodes="hashtags") == hashtag_run
    assert runs.load(store).params["run_id"] == interactions_run
    # roles: the default run of `workbench roles` and an explicit co-hashtag run
    with pytest.warns(RoleEvidenceWarning, match="influence cannot be measured"):  # mentions only
        scores = roles.score(store, run_id=store.latest_community_run(), save=True)
    assert scores.attrs["params"]["community_run_id"] == interactions_run
    for call in (lambda: roles.score(store, run_id=hashtag_run, save=False),
                 lambda: roles.guimera_amaral(store, run_id=hashtag_run),
                 lambda: metrics.engagement(store, run_id=hashtag_run),
                 lambda: metrics.growth(store, run_id=hashtag_run),
                 lambda: export.export(store, tmp_path / "x.gexf", run_id=hashtag_run)):
        with pytest.raises(ParameterError, match=f"community run {hashtag_run} is of the hashtags graph"):
            call()
    campaign = campaigns.add(store, "push", start="2016-01-01", end="2016-01-05")
    with pytest.raises(ParameterError, match="of the hashtags graph"):
        campaigns.compare(store, campaign, run_id=hashtag_run)
    # metrics by community with the interaction run: one row per period and account community
    split = metrics.engagement(store, run_id=interactions_run, period="month")
    accounts_run = store.query("graph.memberships", run_id=interactions_run)
    assert set(split["community"].dropna()) <= set(accounts_run["community"])
    # the export of the interaction graph carries the interaction run's communities
    [written] = export.export(store, tmp_path / "interactions.gexf")
    back = nx.read_gexf(written)
    assert {node: data["community"] for node, data in back.nodes(data=True)} == dict(
        zip(accounts_run["account_id"], accounts_run["community"]))


def test_with_only_a_cohashtag_run_the_account_consumers_see_no_run(store, tmp_path, capsys):
    hashtag_run = communities.find(store, graph="hashtags", seed=0).params["run_id"]
    assert store.latest_community_run() is None
    with pytest.raises(ParameterError, match=f"no community run of accounts yet \\(run {hashtag_run} groups hashtags"):
        runs.load(store)
    [written] = export.export(store, tmp_path / "plain.gexf")
    assert not any("community" in data for _, data in nx.read_gexf(written).nodes(data=True))


def test_export_and_network_view_take_a_hashtag_run(store, tmp_path):
    found = communities.find(store, graph="hashtags", seed=0)
    saved = store.query("graph.hashtag_memberships", run_id=found.params["run_id"])
    expected = {f"hashtag:#{t}": c for t, c in zip(saved["hashtag"], saved["community"])}
    [written] = export.export(store, tmp_path / "tags.gexf", graph="hashtags")  # the newest run with hashtags
    back = nx.read_gexf(written)
    assert {node: data["community"] for node, data in back.nodes(data=True)} == expected
    graph = wb.graphs.cohashtag(store)
    view = network_page.select(graph, memberships=runs.load(store, found.params["run_id"]).to_frame(),
                               top_by="uses", noun="hashtags")
    assert dict(zip(view.nodes["node_id"], view.nodes["community"].astype(int))) == expected


def _cli(*argv: str) -> int:
    return cli.main([*argv])


def test_cli_load_communities_hashtags_and_export_end_to_end(export_file, tmp_path, capsys):
    db = tmp_path / "w.duckdb"
    assert _cli("load", str(export_file), "--db", str(db), "--quiet") == 0
    assert _cli("communities", "--db", str(db), "--graph", "hashtags") == 0
    out = capsys.readouterr().out
    assert re.search(r"community run 1: leiden .* on the hashtags graph: 6 hashtags and 7 edges", out), out
    assert "2 communities" in out and "largest sizes: 3, 3" in out
    assert _cli("communities", "--db", str(db), "--graph", "accounts-hashtags") == 0
    out = capsys.readouterr().out
    assert "community run 2: leiden" in out and "6 accounts, 6 hashtags and 19 edges" in out
    gexf, two_mode = tmp_path / "tags.gexf", tmp_path / "two.graphml"
    assert _cli("export", "--db", str(db), "--graph", "hashtags", "--run", "1", "--to", str(gexf)) == 0
    assert _cli("export", "--db", str(db), "--graph", "accounts-hashtags", "--to", str(two_mode)) == 0
    tags = nx.read_gexf(gexf)
    assert {frozenset(n for n, d in tags.nodes(data=True) if d["community"] == c) for c in (0, 1)} == {
        frozenset(f"hashtag:#{t}" for t in GROUP_A), frozenset(f"hashtag:#{t}" for t in GROUP_B)}
    both = nx.read_graphml(two_mode)
    for node in ("twitter:1", "twitter:2", "twitter:3"):
        assert both.nodes[node]["community"] == both.nodes["hashtag:#gravel"]["community"]
    assert both.nodes["twitter:4"]["community"] == both.nodes["hashtag:#train"]["community"] != \
        both.nodes["twitter:1"]["community"]
    # roles take the newest run with accounts (the two-mode run 2), never the co-hashtag run 1
    assert _cli("roles", "--db", str(db)) == 0
    assert "using community run 2" in capsys.readouterr().out
    assert _cli("roles", "--db", str(db), "--run", "1") == 2
    assert "community run 1 is of the hashtags graph" in capsys.readouterr().err
    # kinds select interactions: an error with a hashtag graph, not silently ignored
    assert _cli("communities", "--db", str(db), "--graph", "hashtags", "--kinds", "reply") == 2
    assert "kinds select interactions" in capsys.readouterr().err


def test_a_workspace_without_hashtags_gives_a_clear_error(tmp_path, capsys):
    edges = tmp_path / "edges.csv"
    edges.write_text("source,target,kind\na,b,reply\nb,c,mention\n", encoding="utf-8")
    db = tmp_path / "w.duckdb"
    assert _cli("load", str(edges), "--db", str(db), "--quiet") == 0
    for graph in ("hashtags", "accounts-hashtags"):
        assert _cli("communities", "--db", str(db), "--graph", graph) == 2
        err = capsys.readouterr().err
        assert "the workspace holds no hashtags" in err and "Traceback" not in err
    with wb.open(db, read_only=True) as store:
        assert store.query("graph.community_runs").empty
        with pytest.raises(EmptyGraphError, match="holds no hashtags"):
            communities.find(store, graph="hashtags")


def test_a_version_6_workspace_gets_hashtag_memberships_and_keeps_its_runs(tmp_path):
    path = tmp_path / "v6.duckdb"
    with wb.open(path) as store:
        run_id = store.save_partition(pd.DataFrame({"account_id": ["csv:a"], "community": [0]}), method="leiden")
        store.sql("DROP TABLE hashtag_memberships; UPDATE workbench_meta SET value = '6' WHERE key = 'schema_version'")
    with wb.open(path, read_only=True) as store:  # read as it is: no hashtag communities, nothing written
        assert store.schema_version == 6 and store.latest_community_run() == run_id
        assert store.latest_community_run(nodes="hashtags") is None
    with wb.open(path) as store:
        assert store.schema_version == 7 and store.counts()["hashtag_memberships"] == 0
        assert store.latest_community_run() == run_id
