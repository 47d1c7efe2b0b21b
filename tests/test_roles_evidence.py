"""Evidence that the scores find what they claim to.

- On the bundled generator's planted truth: planted influencers top the influence ranking and
  planted networkers the reach ranking (precision@k, k the planted count), the role labels
  recall them, and one-hit viral accounts are never labelled influencers.
- On real data (SNAP higgs-twitter activity): the ranking-disagreement table, checked against an
  independent computation from the raw file with pandas and scipy.
"""

from __future__ import annotations

import gzip

import numpy as np
import pandas as pd
import pytest
from scipy.stats import spearmanr

import workbench as wb
from workbench import communities, roles
from workbench import graphs
from workbench.datasets import generate_sample
from conftest import shared_file

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def planted(tmp_path_factory):
    sample = generate_sample()  # the bundled defaults: 800 members, 6 weeks, seed 0
    path = sample.write(tmp_path_factory.mktemp("sample") / "sample.jsonl")
    with wb.open(":memory:") as store:
        wb.load(store, path)
        partition = communities.detect(graphs.graph(store), method="leiden", seed=0)
        run_id = communities.save(store, partition)
        yield store, sample.truth_roles, run_id


def _evidence(scores: pd.DataFrame, truth: pd.DataFrame) -> dict[str, float]:
    table = scores.merge(truth[["account_id", "role", "one_hit_viral"]].rename(columns={"role": "planted"}),
                         on="account_id", how="left")
    figures = {}
    for role, score in (("influencer", "influence"), ("networker", "reach")):
        k = int((truth["role"] == role).sum())
        top = table.nlargest(k, score)
        figures[f"{role}_precision_at_k"] = float((top["planted"] == role).mean())
        figures[f"{role}_recall"] = float((table.loc[table["planted"] == role, "role"] == role).mean())
    figures["viral_labelled_influencer"] = int((table.loc[table["one_hit_viral"] == True, "role"]  # noqa: E712
                                                .isin(["influencer", "hub"])).sum())
    figures["viral_max_influence"] = float(table.loc[table["one_hit_viral"] == True, "influence"].max())  # noqa: E712
    return figures


@pytest.mark.parametrize("with_communities", [False, True], ids=["no-community-run", "leiden-run"])
def test_planted_roles_are_found(planted, with_communities):
    store, truth, run_id = planted
    scores = roles.score(store, run_id=run_id if with_communities else None, save=False)
    figures = _evidence(scores, truth)
    assert (truth["role"] == "influencer").sum() >= 10 and (truth["role"] == "networker").sum() >= 10
    assert figures["influencer_precision_at_k"] >= 0.8, figures
    assert figures["networker_precision_at_k"] >= 0.8, figures
    assert figures["influencer_recall"] >= 0.8, figures
    assert figures["networker_recall"] >= 0.8, figures
    assert figures["viral_labelled_influencer"] == 0, figures
    assert figures["viral_max_influence"] < 0.9, figures  # one viral post lands mid-table, not near the top
    counts = scores["role"].value_counts()
    assert counts.get("influencer", 0) <= 0.10 * len(scores) and counts.get("networker", 0) <= 0.10 * len(scores)


def test_followers_do_not_make_influence(planted):
    """Cha et al. (2010) on the sample: planted networkers have the largest audiences and little pull."""
    store, truth, _ = planted
    scores = roles.score(store, save=False).merge(truth[["account_id", "role"]].rename(columns={"role": "planted"}))
    networkers = scores[scores["planted"] == "networker"]
    assert networkers["followers"].median() > 10 * scores["followers"].median()
    assert networkers["influence"].max() < 0.95
    table = roles.disagreement(scores)
    assert table.loc["followers", "amplification"] < 0.5


@pytest.fixture(scope="module")
def higgs(shared_data):
    path = shared_file(shared_data, "snap_higgs_twitter", "higgs-activity_time.txt.gz")
    with wb.open(":memory:") as store:
        report = wb.load(store, path, format="edges-csv")
        assert report.records_loaded == 563_069  # SOURCE.md
        scores = roles.score(store, save=False)
    with gzip.open(path, "rt") as handle:
        raw = pd.read_csv(handle, sep=" ", header=None, names=["a", "b", "ts", "kind"])
    return scores, raw


def _independent(raw: pd.DataFrame) -> pd.DataFrame:
    """Per account from the raw file: shares + replies received, mentions received, partners reached first."""
    raw = raw[raw["a"] != raw["b"]]  # self-interactions are dropped by the scores
    accounts = pd.Index(np.union1d(raw["a"].unique(), raw["b"].unique()), name="user")
    received = raw.groupby(["b", "kind"]).size().unstack(fill_value=0).reindex(accounts, fill_value=0)
    firsts = raw.groupby(["a", "b"])["ts"].min().rename("first").reset_index()
    back = firsts.rename(columns={"a": "b", "b": "a", "first": "back"})
    pairs = firsts.merge(back, on=["a", "b"], how="left")
    reached = pairs[pairs["back"].isna() | (pairs["first"] <= pairs["back"])].groupby("a").size()
    return pd.DataFrame({
        "account_id": "csv:" + accounts.astype(str),
        "amplification": (received.get("RT", 0) + received.get("RE", 0)).to_numpy(),
        "mentions": received.get("MT", 0).to_numpy(),
        "reached": reached.reindex(accounts, fill_value=0).to_numpy(),
    })


def test_higgs_disagreement_against_an_independent_computation(higgs):
    scores, raw = higgs
    expected = _independent(raw)
    assert len(scores) == len(expected) == 304_198  # 304,691 users less those seen only with themselves
    merged = scores.merge(expected, on="account_id", validate="one_to_one")
    assert (merged["amplification_received"] == merged["amplification"]).all()
    assert (merged["mentions_received"] == merged["mentions"]).all()
    assert (merged["reached_partners"] == merged["reached"]).all()

    table = roles.disagreement(scores, rankings={"amplification": "amplification_received",
                                                 "mentions": "mentions_received", "reached": "reached_partners",
                                                 "reach": "reach"})
    assert table.loc["amplification", "mentions"] == pytest.approx(
        spearmanr(expected["amplification"], expected["mentions"]).statistic)
    assert table.loc["reached", "amplification"] == pytest.approx(
        spearmanr(expected["reached"], expected["amplification"]).statistic)
    assert table.loc["reach", "amplification"] == pytest.approx(
        spearmanr(merged["reach"], merged["amplification"]).statistic)
    # the million-follower fallacy on real data: the audience an account reaches by its own actions and the
    # amplification it earns rank accounts almost independently (|rho| well below 0.5) ...
    assert abs(table.loc["reach", "amplification"]) < 0.3
    assert abs(table.loc["reached", "amplification"]) < 0.3
    # ... while earned amplification and earned mentions agree more
    assert table.loc["amplification", "mentions"] > 0.4
    default = roles.disagreement(scores)
    assert default.loc["followers"].isna().all()  # the edge list has no follower counts
