"""Roles on generator families written independently of the scoring code (tests/role_families.py).

Each family is a generated world with planted influencers, networkers, broadcasters, one-hit viral posters
or nobody standing out, written into a real DuckDB workspace and scored with a Leiden community run, as the
notebooks do. The figures asserted are those the roles must reach on data they were not tuned to:

- influencer recall >= 0.8: planted influencers whose influence stands out (labelled influencer, or hub
  where the export has no follower counts, since their many responders are then their evident audience);
- networker recall >= 0.8: planted networkers labelled networker (not hub: their posts draw what anyone's do);
- broadcasters labelled <= 10%; on a community where nobody stands out, <= 1% of accounts labelled;
- one-hit viral posters labelled influencer <= 10%;
- posting ten times more with the same response per post does not raise influence (hypothesis).

``benchmarks/roles_eval.py`` writes the same figures, with precision, to benchmarks/results/roles_eval.json.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

import workbench as wb
from workbench import communities, graphs, roles

import role_families

pytestmark = pytest.mark.slow


def evaluate(name: str, *, seed: int = 0) -> tuple[dict, pd.DataFrame]:
    """Score one family with a Leiden run; per-role precision and recall against its planted truth."""
    family = role_families.build(name, seed=seed)
    with wb.open(":memory:") as store:
        family.write(store)
        run_id = communities.save(store, communities.detect(graphs.graph(store), method="leiden", seed=0))
        scores = roles.score(store, run_id=run_id, save=False)
    table = scores.merge(family.truth, on="account_id", how="left", validate="one_to_one")
    return figures(table), table


def figures(table: pd.DataFrame) -> dict:
    planted, role = table["planted"], table["role"]
    out: dict = {"accounts": int(len(table)), "labelled_share": float((role != "regular").mean())}
    found = {"influencer": role.isin(["influencer", "hub"]), "networker": role == "networker"}
    for kind, hit in found.items():
        truth = planted == kind
        if truth.any():
            out[f"{kind}_recall"] = float((hit & truth).sum() / truth.sum())
            out[f"{kind}_exact_recall"] = float(((role == kind) & truth).sum() / truth.sum())
        out[f"{kind}_precision"] = float((truth & hit).sum() / hit.sum()) if hit.any() else None
        out[f"{kind}_labelled"] = int(hit.sum())
    for kind in ("broadcaster", "viral"):
        truth = planted == kind
        if truth.any():
            out[f"{kind}_labelled_share"] = float((role[truth] != "regular").mean())
            out[f"{kind}_labelled_influencer_share"] = float(role[truth].isin(["influencer", "hub"]).mean())
    return out


@pytest.fixture(scope="module", params=role_families.FAMILIES)
def family(request):
    result, table = evaluate(request.param)
    return request.param, result, table


def test_planted_roles_are_recalled(family):
    name, result, _ = family
    if name != "no_roles":
        assert result["influencer_recall"] >= 0.8, result
        assert result["networker_recall"] >= 0.8, result
    if name in ("volume_networkers", "tiny_audience"):
        # with follower counts, influencers with ordinary (or tiny) audiences are influencers, not hubs
        assert result["influencer_exact_recall"] >= 0.8, result


def test_broadcasters_and_quiet_communities_get_no_labels(family):
    name, result, table = family
    if name == "broadcasters":
        assert result["broadcaster_labelled_share"] <= 0.10, result
    if name == "no_roles":
        assert result["labelled_share"] <= 0.01, result
        assert table["confidence"].between(0, 1).all()
    if "viral_labelled_influencer_share" in result:
        assert result["viral_labelled_influencer_share"] <= 0.10, result


def test_volume_heavy_networkers_are_not_hubs(family):
    name, _, table = family
    if name == "volume_networkers":
        networkers = table[table["planted"] == "networker"]
        assert networkers["posts_authored"].median() >= 4 * table.loc[table["planted"] == "regular",
                                                                         "posts_authored"].median()
        assert (networkers["role"] == "hub").mean() <= 0.10
        assert networkers["influence_confidence"].max() < 0.9


def _volume_store(rates: list[int], posts: int, repeat: int) -> wb.Store:
    """Thirty accounts with ``posts`` posts each drawing ``rates[i % len(rates)]`` distinct responders from a
    pool of fans; account ``a:0`` posts ``repeat`` times as often with the same responses per post."""
    store = wb.open(":memory:")
    rows, ix = [], []
    for account in range(30):
        count = posts * (repeat if account == 0 else 1)
        for k in range(count):
            post_id = f"a:p{account}_{k}"
            at = pd.Timestamp("2024-01-01", tz="UTC") + pd.Timedelta(hours=account * 1000 + k)
            rows.append((post_id, f"a:{account}", at))
            rate = rates[(account + (k % posts)) % len(rates)]
            ix.extend((f"a:fan{(account * 7 + k + j) % 60}", f"a:{account}", "share", at + pd.Timedelta(minutes=5))
                      for j in range(rate))
    posts_frame = pd.DataFrame(rows, columns=["post_id", "author_id", "created_at"]).assign(
        platform="a", kind="post", collected=True)
    store.con.register("_volume_posts", posts_frame)
    store.con.execute("INSERT INTO posts (post_id, platform, author_id, created_at, kind, collected) "
                      "SELECT post_id, platform, author_id, created_at, kind, collected FROM _volume_posts")
    store.con.unregister("_volume_posts")
    graphs.insert_interactions(store, pd.DataFrame(ix, columns=["source_id", "target_id", "kind", "created_at"]),
                               platform="a")
    return store


@settings(max_examples=12, deadline=None)
@given(st.lists(st.integers(0, 6), min_size=2, max_size=5), st.integers(2, 5))
@example([0, 0, 1], 2)  # its posts draw nobody: the estimate falls from the prior toward 0 and stays above it
def test_posting_ten_times_more_does_not_raise_influence(rates, posts):
    """Account a:0 posts 10x more, each post drawing what its posts drew before. Its typical response per post
    (the trimmed centre, taken over a share of its posts) is unchanged, so volume buys it nothing. The estimate
    lies between its own rate and the workspace's typical rate, and more posts move it toward its own rate:
    where its posts draw no more than the typical post, its influence does not rise (it falls toward its own
    rate from above); where they draw more, it rises toward its own rate, never past it."""
    with _volume_store(rates, posts, 1) as store:
        before = roles.score(store, save=False).set_index("account_id")
    with _volume_store(rates, posts, 10) as store:
        after = roles.score(store, save=False).set_index("account_id")
    b, a = before.loc["a:0"], after.loc["a:0"]
    assert a["posts_authored"] == 10 * b["posts_authored"]
    assert a["responders_per_post"] == pytest.approx(b["responders_per_post"])
    typical = np.expm1(before.attrs["params"]["influence_population"]["rate_prior"]["prior_mean"])
    if b["responders_per_post"] <= typical:
        assert a["influence_rate"] <= b["influence_rate"] + 1e-9
        assert a["influence_confidence"] <= max(b["influence_confidence"], 0.5)
    else:
        assert a["influence_rate"] <= b["responders_per_post"] + 1e-9
