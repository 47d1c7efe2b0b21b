"""Roles on the tiny export, worked out by hand from the tweet list in workbench/datasets/tiny.py,
plus the properties every scoring run must keep (contract, ties, cut-offs, reach never raised by
one's own one-way actions)."""

from __future__ import annotations

import igraph as ig
import networkx as nx
import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import workbench as wb
from workbench import cli, graphs, roles
from workbench.datasets import tiny_truth, write_tiny
from workbench.errors import ParameterError, RoleEvidenceWarning, WorkspaceError
from workbench.roles.disagreement import RANKINGS
from workbench.roles.percentiles import percentile_rank

N = 20  # accounts in the tiny export: percentile ranks are (accounts strictly below) / 19


def tid(handle: str) -> str:
    return tiny_truth().set_index("handle").loc[handle, "account_id"]


@pytest.fixture(scope="module")
def tiny(tmp_path_factory):
    path = write_tiny(tmp_path_factory.mktemp("tiny") / "tiny.jsonl")
    with wb.open(":memory:") as store:
        wb.load(store, path)
        truth = tiny_truth().dropna(subset=["community"])
        run = store.save_partition(truth[["account_id", "community"]], method="planted")  # coffee 0, tea 1
        yield store, run


@pytest.fixture(scope="module")
def scores(tiny):
    store, run = tiny
    return roles.score(store, run_id=run, focal="@brewco", save=False).set_index("handle")


def test_visibility_by_hand(scores):
    # attention received = mentions + replies + shares + quotes (self-interactions dropped):
    # ana 2 + 4 + 5 + 1 = 12; hal 2 + 3 + 4 + 1 = 10; pip 5 shares; brewco 3 + 1 = 4;
    # cafe_times a share (T13) and a quote (T35) = 2; cara, eli, jon (one reply each) and gus (one mention) 1;
    # the other 11 accounts 0 (rae_rae's two are to herself)
    assert scores.loc["ana_brews", ["mentions_received", "replies_received", "shares_received",
                                    "quotes_received", "attention_received"]].tolist() == [2, 4, 5, 1, 12]
    assert scores.loc["hal_tea", "attention_received"] == 10
    assert scores.loc["pip_pots", ["shares_received", "attention_received"]].tolist() == [5, 5]
    assert scores.loc["ana_brews", "visibility"] == 1.0
    assert scores.loc["hal_tea", "visibility"] == pytest.approx(18 / 19)
    assert scores.loc["pip_pots", "visibility"] == pytest.approx(17 / 19)  # shares received count now
    assert scores.loc["brewco", "visibility"] == pytest.approx(16 / 19)
    assert scores.loc["cafe_times", "visibility"] == pytest.approx(15 / 19)
    assert scores.loc["gus_grinds", "visibility"] == pytest.approx(11 / 19)  # 11 zeros below
    assert scores.loc["omar_news", "visibility"] == 0.0


def test_influence_inputs_by_hand(scores):
    ana = scores.loc["ana_brews"]
    # responses: shares T02 T20 T21 T38 T45 + quote T05 + replies T03 T17 T22 T39 = 10. Posts credited (distinct
    # responders): T01 {ben T02, cara T03, dev T05} = 3; C2 {ben T17} = 1; T19 {cara T20, eli T21, gus T22} = 3;
    # T37 {dev T38, fay T39, omar T45 -- the export does not link retweets to the original, so T45 is credited to
    # ana's latest post before it, T37} = 3. Her reply T04 answers someone else's post: not an influence unit.
    assert ana["amplification_received"] == 10
    assert ana["posts_authored"] == 4  # T01, T19, T37 and the context post C2
    assert ana["responders_per_post"] == pytest.approx(10 / 4)
    assert ana["amplification_h_index"] == 3  # [3, 3, 3, 1]
    assert ana["distinct_amplifiers"] == 7  # ben, cara, dev, eli, gus, fay, omar
    hal = scores.loc["hal_tea"]
    # T06 {ivy, jon, kai} = 3; T23 {max, nia, ivy} = 3; T40 {lea, omar} = 2
    assert hal[["amplification_received", "amplification_h_index", "posts_authored", "distinct_amplifiers"]].tolist() \
        == [8, 2, 3, 7]
    pip = scores.loc["pip_pots"]
    # one post shared by 5 accounts
    assert pip[["amplification_received", "amplification_h_index", "distinct_amplifiers", "posts_authored"]].tolist() \
        == [5, 1, 5, 1]
    assert scores.loc["omar_news", "posts_authored"] == 1  # T10; T44 is a reply, T13 and T45 shares
    assert scores.loc["quinn_q", ["posts_authored", "influence_rate"]].tolist() == [0, 0.0]  # only shares


def _trimmed_log_mean(pulls: list[int], trim: float = 0.25) -> float:
    """Mean of ln(1 + pull) over the posts, the top quarter left out (fractionally), by hand."""
    ordered = sorted(pulls, reverse=True)
    n = len(ordered)
    weights = [min(max(position - trim * n, 0.0), 1.0) for position in range(1, n + 1)]
    return sum(w * np.log1p(p) for w, p in zip(weights, ordered)) / ((1 - trim) * n)


def test_influence_rate_by_hand(tiny, scores):
    store, _ = tiny
    # the lead posts (posts and quotes) of every account and their distinct responders, from the tweet list
    pulls = {"ana_brews": [3, 3, 3, 1], "hal_tea": [3, 3, 2], "pip_pots": [5], "cafe_times": [1, 1],
             "brewco": [1], "omar_news": [0], "eli_drinks": [1], "jon_sips": [1], "dev_drips": [0],
             "fay_foam": [0], "ivy_infuse": [0], "lea_leaf": [0], "nia_steeps": [0], "rae_rae": [0, 0]}
    assert scores.loc[list(pulls), "posts_authored"].tolist() == [len(v) for v in pulls.values()]
    # ana: the top quarter of 4 posts is one post of pull 3: (2 ln 4 + ln 2) / 3; hal: a quarter of the top post
    # goes, (0.25 ln 4 + ln 4 + ln 3) / 2.25
    assert _trimmed_log_mean(pulls["ana_brews"]) == pytest.approx((2 * np.log(4) + np.log(2)) / 3)
    assert _trimmed_log_mean(pulls["hal_tea"]) == pytest.approx((1.25 * np.log(4) + np.log(3)) / 2.25)
    # James-Stein toward the workspace: within-account variance of ln(1 + pull) pooled over accounts with 3+ posts,
    # each without its top post (ana [3, 3, 1], hal [3, 2]); DerSimonian-Laird between-account variance
    rest = {"ana_brews": [3, 3, 1], "hal_tea": [3, 2]}
    squares = sum(((np.log1p(v) - np.log1p(v).mean()) ** 2).sum() for v in map(np.array, rest.values()))
    sigma2 = squares / sum(len(v) - 1 for v in rest.values())
    centre = np.array([_trimmed_log_mean(v) for v in pulls.values()])
    noise = sigma2 / (0.75 * np.array([len(v) for v in pulls.values()]))
    w = 1 / noise
    fixed = (w * centre).sum() / w.sum()
    tau2 = max(((w * (centre - fixed) ** 2).sum() - (len(centre) - 1)) / (w.sum() - (w ** 2).sum() / w.sum()),
               0.1 * centre.var())
    mu = (centre / (noise + tau2)).sum() / (1 / (noise + tau2)).sum()
    expected = np.expm1(mu + tau2 / (tau2 + noise) * (centre - mu))
    assert np.allclose(scores.loc[list(pulls), "influence_rate"], expected)
    # one post shared by five accounts is drawn further toward the workspace than ana's steady four
    pip, ana = scores.loc["pip_pots"], scores.loc["ana_brews"]
    assert pip["influence_rate"] / pip["responders_per_post"] < ana["influence_rate"] / ana["responders_per_post"]
    # ... and a label needs evidence that holds without the account's best post: pip has none, nobody in 20
    # accounts has enough to stand out
    assert pip["influence_confidence"] == 0.0
    assert (scores["influence_confidence"] < 0.9).all()

    # PageRank on the weighted responder -> author graph, computed independently with networkx
    edges = store.sql("SELECT source_id, target_id, count(*) AS w FROM interactions WHERE source_id <> target_id "
                      "AND kind IN ('share', 'quote', 'reply') GROUP BY ALL").df()
    graph = nx.DiGraph()
    graph.add_nodes_from(scores["account_id"])
    graph.add_weighted_edges_from(edges.itertuples(index=False))
    pagerank = nx.pagerank(graph, alpha=0.85, weight="weight", tol=1e-13, max_iter=1000)
    by_account = scores.reset_index().set_index("account_id")["pagerank"]
    assert np.allclose([pagerank[a] for a in by_account.index], by_account.to_numpy(), atol=1e-8)
    assert scores["pagerank"].sum() == pytest.approx(1.0)


def test_reach_by_hand(scores):
    # the exposed audience: accounts that acted on the account. Nobody acted on omar (his posts are mentions and
    # shares), so his reach is his 250,000 followers alone; being the actor adds nothing.
    omar = scores.loc["omar_news"]
    assert omar[["unique_partners", "exposed_partners", "followers"]].tolist() == [4, 0, 250_000]
    ana = scores.loc["ana_brews"]
    # ben, cara, dev, omar, fay, eli, gus acted on ana; all in the coffee community but omar (in no community)
    assert ana[["exposed_partners", "participation"]].tolist() == [7, 0.0]
    hal = scores.loc["hal_tea"]
    # ivy, jon, kai, max, nia, lea (tea), fay (coffee, T39) and omar (no community): P = 1 - ((6/7)^2 + (1/7)^2)
    assert hal["exposed_partners"] == 8
    assert hal["participation"] == pytest.approx(12 / 49)
    # the measurement: 2/3 ln(1 + followers) + 1/3 ln((1 + exposed) / (1 - P)); omar's is the largest
    measured = {h: 2 / 3 * np.log1p(scores.loc[h, "followers"])
                + 1 / 3 * (np.log1p(scores.loc[h, "exposed_partners"]) - np.log1p(-scores.loc[h, "participation"]))
                for h in scores.index if not np.isnan(scores.loc[h, "participation"])}
    assert sorted(measured, key=measured.get)[-2:] == ["cafe_times", "omar_news"]
    # the posterior draws omar's (one measurement, no exposed audience) a little more toward the workspace
    # than cafe_times' (two exposed accounts): they are the top two of the reach ranking either way
    assert set(scores["reach"].nlargest(2).index) == {"omar_news", "cafe_times"}
    # the three accounts with audiences of 25,000 and more stand out; nobody else does
    assert set(scores.index[scores["reach_confidence"] >= 0.9]) == {"omar_news", "cafe_times", "brewco"}


def test_activity_by_hand(scores):
    # rae_rae: T15, T16 on 03-09 and T36 on 03-17 -> 3 / 2 days = 1.5, the most
    assert scores.loc["rae_rae", ["actions", "active_days"]].tolist() == [3, 2]
    assert scores.loc["rae_rae", "activity"] == 1.0
    # ana (T01, T04 / T19 / T37) and omar (T10, T13 / T44 / T45): 4 tweets on 3 days
    assert scores.loc["omar_news", "actions_per_active_day"] == pytest.approx(4 / 3)
    assert scores.loc["omar_news", "activity"] == pytest.approx(17 / 19)
    assert scores.loc["cafe_times", "activity"] == 0.0  # context posts only


def test_roles_on_tiny(scores):
    # from evidence: the three large audiences are networkers (no influence to speak of: omar and cafe_times
    # draw one responder or none per post, brewco one); nobody has enough posts to stand out on influence
    assert scores.index[scores["role"] == "networker"].tolist() == ["brewco", "omar_news", "cafe_times"]
    assert not scores["role"].isin(["influencer", "hub"]).any()
    assert scores["confidence"].between(0, 1).all()
    assert scores.loc["omar_news", "confidence"] > 0.9
    # percentile cut-offs on request: the top 10% of each ranking whatever the evidence
    relabelled = roles.label(scores, cutoffs=0.9)
    assert set(relabelled.index[relabelled == "influencer"]) == {"hal_tea", "pip_pots"}
    assert set(relabelled.index[relabelled == "networker"]) == {"omar_news", "cafe_times"}
    # ... and their confidence says the evidence does not back the influencer labels
    assert (roles.confidence(scores, relabelled)[(relabelled == "influencer").to_numpy()] < 0.1).all()
    assert roles.label(scores).tolist() == scores["role"].tolist()


def test_guimera_amaral_by_hand(tiny, scores):
    store, run = tiny
    frame = roles.guimera_amaral(store, run_id=run).merge(tiny_truth()[["account_id", "handle"]]).set_index("handle")
    # coffee within-community degrees: ana 6, fay 2, gus 2, ben = cara = dev = eli = 1: mean 2,
    # population variance (16 + 4 * 1) / 7 = 20/7 -> z_ana = 4 / sqrt(20/7)
    assert frame.loc["ana_brews", "within_module_z"] == pytest.approx(4 / np.sqrt(20 / 7))
    # tea: hal 6, the six others 1: mean 12/7, variance (900/49 + 6 * 25/49) / 7 = 150/49 -> z_hal = sqrt(6)
    assert frame.loc["hal_tea", "within_module_z"] == pytest.approx(np.sqrt(6))
    # hal's neighbours: six tea members and fay (coffee) -> P = 1 - (36 + 1)/49
    assert frame.loc["hal_tea", "participation"] == pytest.approx(12 / 49)
    assert frame.loc["hal_tea", "ga_role"] == "peripheral"  # z < 2.5, 0.05 < P <= 0.62
    assert frame.loc["ana_brews", "ga_role"] == "ultra-peripheral"
    assert scores.loc["hal_tea", "ga_role"] == "peripheral"
    assert set(frame.index) == set(tiny_truth().dropna(subset=["community"])["handle"])


def test_advocates_by_hand(tiny, scores):
    store, _ = tiny
    table = roles.advocates(store, "@brewco")
    # to brewco: omar mention (T10), eli mention (T11), max reply (T34), jon mention (T42); ties by account id
    assert table["handle"].tolist() == ["eli_drinks", "jon_sips", "max_matcha", "omar_news"]
    assert table[["mentions", "replies", "total"]].values.tolist() == [[1, 0, 1], [1, 0, 1], [0, 1, 1], [1, 0, 1]]
    assert roles.advocates(store, "@brewco", kinds=["reply"])["handle"].tolist() == ["max_matcha"]
    assert scores.loc[["eli_drinks", "jon_sips", "max_matcha", "omar_news"], "advocacy"].tolist() == [1, 1, 1, 1]
    assert scores["advocacy"].sum() == 4
    with pytest.raises(ParameterError, match="@nobody"):
        roles.advocates(store, "@nobody")


def test_kshell_and_betweenness_by_hand():
    # a triangle with a pendant: the triangle is the 2-core; only the vertex joining them brokers
    graph = ig.Graph([(0, 1), (1, 2), (2, 0), (2, 3)])
    assert roles.kshell(graph).tolist() == [2, 2, 2, 1]
    assert roles.betweenness(graph).tolist() == [0.0, 0.0, 2.0, 0.0]


def test_sampled_betweenness_estimates_the_exact_value():
    graph = ig.Graph.Barabasi(400, 2, directed=False)
    exact = np.asarray(graph.betweenness())
    every_source = roles.betweenness(graph, exact_max=10, samples=400)
    assert every_source.attrs["pivots"] == 400 and np.allclose(every_source, exact)
    estimates = np.mean([roles.betweenness(graph, exact_max=10, samples=100, seed=s) for s in range(8)], axis=0)
    # Brandes & Pich's estimator is unbiased: the mean of 8 draws of 100 pivots is close to the truth
    assert np.corrcoef(estimates, exact)[0, 1] > 0.97
    assert estimates.sum() == pytest.approx(exact.sum(), rel=0.1)
    assert roles.betweenness(graph, exact_max=10, samples=100, seed=3).attrs["pivots"] == 100


def test_disagreement_by_hand_and_against_scipy(scores):
    from scipy.stats import spearmanr

    frame = pd.DataFrame({"a": [1, 2, 3, 4], "b": [4, 3, 2, 1], "c": [1, 1, 2, 2]})
    table = roles.disagreement(frame, rankings={"a": "a", "b": "b", "c": "c"})
    assert table.loc["a", "b"] == -1.0
    # ranks of c are 1.5, 1.5, 3.5, 3.5: deviations (-1.5, -.5, .5, 1.5) and (-1, -1, 1, 1), rho = 4 / sqrt(5 * 4)
    assert table.loc["a", "c"] == pytest.approx(2 / np.sqrt(5))
    default = roles.disagreement(scores.reset_index())
    assert list(default.columns) == ["followers", "amplification", "mentions", "reach"]
    for x, y in (("followers", "reach"), ("amplification", "mentions"), ("followers", "amplification")):
        expected = spearmanr(scores[RANKINGS[x]].astype(float), scores[RANKINGS[y]].astype(float)).statistic
        assert default.loc[x, y] == pytest.approx(expected)
    with pytest.raises(ParameterError, match="no column"):
        roles.disagreement(frame)


def test_contract_one_row_per_account_deterministic(tiny):
    store, run = tiny
    first = roles.score(store, save=False)
    again = roles.score(store, save=False)
    pd.testing.assert_frame_equal(first, again)
    assert first["account_id"].is_unique and len(first) == N
    assert list(first.columns) == ["account_id", "handle", *roles.SCORE_COLUMNS]
    for column in ("visibility", "influence", "reach", "activity"):
        assert first[column].between(0, 1).all()
    assert set(first["role"]) <= {"influencer", "networker", "hub", "regular"}
    assert first["participation"].isna().all() and first["ga_role"].isna().all()  # no community run given
    assert first.attrs["run_id"] is None and first.attrs["params"]["kinds"] == list(roles.DEFAULT_KINDS)


def test_window_selects_interactions(tiny):
    store, _ = tiny
    w12 = roles.score(store, since="2022-03-21", save=False).set_index("handle")
    # from 03-21 on: ana is amplified by dev (T38), fay (T39) and omar (T45)
    assert w12.loc["ana_brews", ["amplification_received", "distinct_amplifiers"]].tolist() == [3, 3]
    assert "pip_pots" not in w12.index  # nothing of pip's in W12
    shares = roles.score(store, kinds="share", save=False).set_index("handle")
    assert shares["mentions_received"].sum() == 0 and shares.loc["pip_pots", "amplification_received"] == 5
    with pytest.raises(ParameterError, match="before until"):
        roles.score(store, since="2022-03-21", until="2022-03-01", save=False)
    with pytest.raises(ParameterError, match="retweet"):
        roles.score(store, kinds=["retweet"], save=False)
    with pytest.raises(ParameterError, match="no community run 42"):
        roles.score(store, run_id=42, save=False)


def test_save_and_load(tmp_path):
    path = write_tiny(tmp_path / "tiny.jsonl")
    db = tmp_path / "work.duckdb"
    with wb.open(db) as store:
        wb.load(store, path)
        first = roles.score(store)
        second = roles.score(store, cutoffs={"influence": 0.9})
        assert (first.attrs["run_id"], second.attrs["run_id"]) == (1, 2)
        saved = roles.load_scores(store)  # the newest
        assert saved["run_id"].unique().tolist() == [2] and len(saved) == N
        merged = saved.merge(second, on="account_id", suffixes=("_saved", ""))
        for column in ("influence", "reach", "confidence", "influence_rate", "exposed_partners", "pagerank"):
            assert np.allclose(merged[column + "_saved"], merged[column])
        assert (merged["role_saved"] == merged["role"]).all()
        runs = roles.runs(store)
        # from evidence nobody in 20 accounts stands out on influence; the 90th percentile labels two
        assert runs["run_id"].tolist() == [2, 1] and runs["influencers"].tolist() == [2, 0]
        assert runs["networkers"].tolist() == [(second["role"] == "networker").sum(), 3]
        assert '"labels": "percentile"' in runs["params"].iloc[0] and '"labels": "evidence"' in runs["params"].iloc[1]
        with pytest.raises(ParameterError, match="no scoring run 7"):
            roles.load_scores(store, 7)
    with wb.open(db, read_only=True) as store:
        assert len(roles.score(store, save=False)) == N  # notebooks: read-only, in memory
        with pytest.raises(WorkspaceError, match="read-only"):
            roles.score(store)


def test_percentile_rank_ties_take_the_lowest_rank():
    assert percentile_rank([5, 0, 0, 3]).tolist() == [1.0, 0.0, 0.0, 2 / 3]
    assert percentile_rank([7.0]).tolist() == [0.0]
    ranks = percentile_rank([1.0, np.nan, 2.0])
    assert ranks[0] == 0.0 and np.isnan(ranks[1]) and ranks[2] == 1.0


@settings(max_examples=30, deadline=None)
@given(st.lists(st.integers(0, 5), min_size=2, max_size=200), st.floats(0.5, 0.99))
def test_percentile_cutoff_admits_at_most_its_share(values, cutoff):
    ranks = percentile_rank(values)
    assert ((ranks >= 0) & (ranks <= 1)).all()
    n = len(values)
    assert (ranks >= cutoff).sum() <= (1 - cutoff) * n + cutoff + 1e-9
    same = pd.Series(values)
    for value in same.unique():  # equal values, equal ranks
        assert len(set(ranks[same == value])) == 1


def _random_store(edges: list[tuple[int, int, str, int]]):
    store = wb.open(":memory:")
    frame = pd.DataFrame(edges, columns=["s", "t", "kind", "hour"])
    frame = frame.assign(source_id="csv:" + frame["s"].astype(str), target_id="csv:" + frame["t"].astype(str),
                         created_at=pd.Timestamp("2024-01-01", tz="UTC") + pd.to_timedelta(frame["hour"], "h"))
    store.con.register("edges_frame", frame)
    store.sql("INSERT INTO interactions (source_id, target_id, kind, created_at, platform) "
              "SELECT source_id, target_id, kind, created_at, 'csv' FROM edges_frame")
    store.con.unregister("edges_frame")
    return store


edge_lists = st.lists(st.tuples(st.integers(0, 39), st.integers(0, 39),
                                st.sampled_from(["reply", "mention", "share", "quote"]), st.integers(0, 200)),
                      min_size=30, max_size=150)


@settings(max_examples=20, deadline=None)
@given(edge_lists)
def test_percentile_cutoffs_label_at_most_their_share(edges):
    with _random_store(edges) as store:
        scores = roles.score(store, save=False, cutoffs=0.95)
        n = len(scores)
        if n < 20:
            return
        counts = scores["role"].value_counts()
        assert counts.get("influencer", 0) + counts.get("hub", 0) <= 0.05 * n + 1
        assert counts.get("influencer", 0) <= 0.10 * n and counts.get("networker", 0) <= 0.10 * n
        assert scores["confidence"].between(0, 1).all()
        assert scores.attrs["params"]["labels"] == "percentile"


@pytest.mark.slow  # a few seconds: left out of make test-fast, run by make test
@settings(max_examples=20, deadline=None)
@given(edge_lists, st.lists(st.tuples(st.integers(1, 39), st.integers(0, 200)), min_size=1, max_size=30))
def test_one_way_actions_never_raise_reach(edges, targets):
    """Shares by account 0 of others' posts make it a broadcaster: its exposed audience and spread stay as they were,
    while the accounts it shared gain it as an exposed partner."""
    with _random_store(edges) as store:
        before = roles.score(store, save=False).set_index("account_id")
        store.sql("INSERT INTO interactions (source_id, target_id, kind, created_at, platform) "
                  "SELECT 'csv:0', 'csv:' || t, 'share', TIMESTAMPTZ '2024-01-01' + to_hours(h), 'csv' "
                  "FROM (SELECT unnest($t) AS t, unnest($h) AS h)",
                  {"t": [a for a, _ in targets], "h": [h for _, h in targets]})
        after = roles.score(store, save=False).set_index("account_id")
        if "csv:0" in before.index:
            assert after.loc["csv:0", "exposed_partners"] == before.loc["csv:0", "exposed_partners"]
            assert after.loc["csv:0", "unique_partners"] >= before.loc["csv:0", "unique_partners"]
        for target in {f"csv:{a}" for a, _ in targets}:
            assert after.loc[target, "exposed_partners"] >= before["exposed_partners"].get(target, 0)


def test_one_viral_post_does_not_beat_steady_pull():
    """'viral' has one post shared by 40 accounts; 'steady' has 5 posts each shared by 6 of 10 fans; 30 regulars
    post 5 times and each post is shared by one of their 30 neighbours."""
    with wb.open(":memory:") as store:
        store.sql("""
            INSERT INTO posts (post_id, platform, author_id, created_at, kind, collected)
            SELECT 'x:v', 'x', 'x:viral', TIMESTAMPTZ '2024-01-01 09:00+00', 'post', true
            UNION ALL
            SELECT 'x:s' || d, 'x', 'x:steady', TIMESTAMPTZ '2024-01-01 09:00+00' + to_days(d), 'post', true
            FROM range(5) t(d)
            UNION ALL
            SELECT 'x:r' || r || '_' || d, 'x', 'x:regular' || r, TIMESTAMPTZ '2024-01-01 09:00+00' + to_days(d),
                   'post', true
            FROM range(30) a(r), range(5) b(d);
            INSERT INTO interactions (source_id, target_id, kind, created_at, platform)
            SELECT 'x:crowd' || i, 'x:viral', 'share', TIMESTAMPTZ '2024-01-01 10:00+00', 'x' FROM range(40) t(i)
            UNION ALL
            SELECT 'x:fan' || ((d + i) % 10), 'x:steady', 'share', TIMESTAMPTZ '2024-01-01 10:00+00' + to_days(d), 'x'
            FROM range(5) a(d), range(6) b(i)
            UNION ALL
            SELECT 'x:regular' || ((r + d + 1) % 30), 'x:regular' || r, 'share',
                   TIMESTAMPTZ '2024-01-01 10:00+00' + to_days(d), 'x'
            FROM range(30) a(r), range(5) b(d);
        """)
        scores = roles.score(store, save=False).set_index("account_id")
    viral, steady = scores.loc["x:viral"], scores.loc["x:steady"]
    assert viral["amplification_received"] == 40 > steady["amplification_received"] == 30
    assert (viral["amplification_h_index"], steady["amplification_h_index"]) == (1, 5)
    assert viral["distinct_amplifiers"] == 40 > steady["distinct_amplifiers"] == 10
    assert viral["responders_per_post"] == 40 and steady["responders_per_post"] == 6
    # one post is little evidence: viral's rate is drawn much further toward the workspace's than steady's
    assert viral["influence_rate"] / 40 < steady["influence_rate"] / 6
    # and a label needs evidence that holds without the account's best post
    assert steady["role"] == "influencer" and steady["influence_confidence"] > 0.99
    assert viral["role"] != "influencer" and viral["influence_confidence"] == 0.0
    assert scores.loc[scores.index.str.startswith("x:regular"), "role"].eq("regular").all()


def test_store_save_scores_checks_its_table():
    with wb.open(":memory:") as store:
        assert store.save_scores(pd.DataFrame({"account_id": ["a:1"], "influence": [0.5]}), community_run_id=None) == 1
        assert store.scalar("SELECT influence FROM account_scores WHERE run_id = 1") == 0.5
        with pytest.raises(WorkspaceError, match="no column.*colour"):
            store.save_scores(pd.DataFrame({"account_id": ["a:1"], "colour": ["red"]}), community_run_id=None)
        with pytest.raises(WorkspaceError, match="duplicates"):
            store.save_scores(pd.DataFrame({"account_id": ["a:1", "a:1"]}), community_run_id=None)
        with pytest.raises(WorkspaceError, match="account_id"):
            store.save_scores(pd.DataFrame({"influence": [0.1]}), community_run_id=None)
        assert store.scalar("SELECT count(*) FROM account_scores") == 1  # failed saves left nothing


def _mentions_only(path) -> None:
    """An edge list whose every edge is a mention (as a SNAP/KONECT list without a kind column loads)."""
    with wb.open(path) as store:
        edges = pd.DataFrame({"source_id": [f"csv:{i}" for i in range(30)],
                              "target_id": [f"csv:{(i * 7 + 1) % 30}" for i in range(30)], "kind": "mention",
                              "created_at": pd.Timestamp("2024-01-01", tz="UTC")})
        graphs.insert_interactions(store, edges)


def test_mentions_only_warn_instead_of_zeros(tmp_path, capsys):
    db = tmp_path / "mentions.duckdb"
    _mentions_only(db)
    with wb.open(db) as store:
        with pytest.warns(RoleEvidenceWarning, match="influence cannot be measured.*mention \\(30\\)"):
            scores = roles.score(store, save=False)
        assert scores["influence"].isna().all() and scores["influence_rate"].isna().all()  # never a column of zeros
        assert not scores["role"].isin(["influencer", "hub"]).any()
        assert scores["reach"].notna().all() and scores["exposed_partners"].sum() == 30
        assert len(scores.attrs["warnings"]) == 1 and "--kind share" in scores.attrs["warnings"][0]
        # asking for no response kind at all says so too
        with pytest.warns(RoleEvidenceWarning, match="include no response kind"):
            roles.score(store, kinds=["mention"], save=False)
    assert cli.main(["roles", "--db", str(db)]) == 0
    out = capsys.readouterr().out
    assert "warning: influence cannot be measured" in out and "labels from evidence" in out
    assert cli.main(["roles", "--db", str(db), "--cutoff", "influence=0.9,reach=0.9"]) == 0
    assert "labels from percentile cut-offs influence 0.9, reach 0.9" in capsys.readouterr().out
    assert cli.main(["roles", "--db", str(db), "--cutoff", "high"]) == 2
    assert "--cutoff takes a percentile" in capsys.readouterr().err
    with wb.open(db, read_only=True) as store:
        saved = roles.load_scores(store)
        assert saved["influence"].isna().all() and saved["confidence"].between(0, 1).all()
        assert '"warnings": ["influence cannot be measured' in roles.runs(store)["params"].iloc[-1]


def test_workspace_of_an_older_schema_gains_the_confidence_columns(tmp_path):
    db = tmp_path / "old.duckdb"
    with wb.open(db) as store:  # made as schema 1 would have: without the columns of schema 4
        for column in ("confidence", "influence_confidence", "reach_confidence", "shares_received",
                       "quotes_received", "attention_received", "responders_per_post", "influence_rate",
                       "influence_se", "exposed_partners", "reach_estimate", "reach_se"):
            store.sql(f"ALTER TABLE account_scores DROP COLUMN {column}")
        store.sql("UPDATE workbench_meta SET value = '1' WHERE key = 'schema_version'")
    with wb.open(db) as store:
        assert store.schema_version >= 4  # and any later step
        wb.load(store, write_tiny(tmp_path / "tiny.jsonl"))
        scores = roles.score(store)
        saved = roles.load_scores(store, scores.attrs["run_id"])
        assert np.allclose(saved.set_index("account_id").loc[scores["account_id"], "confidence"], scores["confidence"])
