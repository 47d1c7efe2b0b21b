"""Community-health metrics on the tiny export, every figure worked out by hand from the tweet list
in workbench/datasets/tiny.py (weeks W10, W11, W12 start Monday 2022-03-07, 03-14, 03-21)."""

from __future__ import annotations

import datetime as dt

import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import workbench as wb
from workbench import metrics
from workbench.datasets import TINY_COUNTS, tiny_truth, write_tiny
from workbench.errors import ParameterError, WorkbenchError

W10, W11, W12 = dt.date(2022, 3, 7), dt.date(2022, 3, 14), dt.date(2022, 3, 21)


@pytest.fixture(scope="module")
def tiny(tmp_path_factory):
    path = write_tiny(tmp_path_factory.mktemp("tiny") / "tiny.jsonl")
    with wb.open(":memory:") as store:
        wb.load(store, path)
        truth = tiny_truth().dropna(subset=["community"])
        store.save_partition(truth[["account_id", "community"]], method="planted")  # run 1: coffee 0, tea 1
        yield store


def rows(frame: pd.DataFrame, columns: list[str]) -> list[list]:
    return frame[columns].astype(object).where(frame[columns].notna(), None).values.tolist()


def test_engagement_per_week(tiny):
    frame = metrics.engagement(tiny, period="week")
    # non-share collected tweets and the sums of their counters per week (tiny.py's table):
    # W10 14 posts, 46 likes, 3 retweets, 1 quote, 5 replies; W11 10, 96, 9, 1, 3; W12 6, 23, 2, 0, 3
    assert rows(frame, ["period", "posts", "likes", "shares", "quotes", "replies"]) == [
        [W10, 14, 46, 3, 1, 5], [W11, 10, 96, 9, 1, 3], [W12, 6, 23, 2, 0, 3]]
    for week, row in zip(TINY_COUNTS["weeks"].values(), frame.itertuples()):
        assert row.posts == week["non_share"] and row.likes == week["likes"]
    assert frame["applause_rate"].tolist() == pytest.approx([46 / 14, 96 / 10, 23 / 6])
    assert frame["amplification_rate"].tolist() == pytest.approx([(3 + 1) / 14, (9 + 1) / 10, (2 + 0) / 6])
    assert frame["conversation_rate"].tolist() == pytest.approx([5 / 14, 3 / 10, 3 / 6])
    assert frame["engagement_per_post"].tolist() == pytest.approx([(3 + 5) / 14, (9 + 3) / 10, (2 + 3) / 6])


def test_engagement_never_counts_shares_and_splits_by_author_community(tiny):
    frame = metrics.engagement(tiny, period="week", run_id=1, since="2022-03-21")
    # W12 non-share tweets: T37 ana 10 likes + T39 fay 1 (coffee); T40 hal 11 + T42 jon 0 (tea);
    # T43 brewco 1 + T44 omar 0 (no community). The 3 retweets (T38, T41, T45) mirror their originals.
    assert rows(frame, ["community", "posts", "likes"]) == [[0, 2, 11], [1, 2, 11], [None, 2, 1]]
    assert metrics.engagement(tiny, period="month")["likes"].tolist() == [46 + 96 + 23]


def test_growth(tiny):
    frame = metrics.growth(tiny, period="week")
    # W10: 14 authors + cafe_times (shared by T13) + gus_grinds (mentioned in T18) = 16, all new.
    # W11: 15 authors + cafe_times (quoted in T35) = 16 seen; new: max, nia, pip, quinn -> 20 in all.
    # W12: 8 authors, every target among them; nobody new.
    assert rows(frame, ["period", "new_members", "cumulative_members", "active_members"]) == [
        [W10, 16, 16, 16], [W11, 4, 20, 16], [W12, 0, 20, 8]]


def test_activity_weights(tiny):
    frame = metrics.activity(tiny, period="week")
    # self-interactions (T16, T36) left out. W10: 5 replies*3 + 6 mentions*1 + 4 shares*1 + 1 quote*2 = 27;
    # W11: 3*3 + 0 + 8*1 + 2*2 = 21; W12: 3*3 + 2*1 + 3*1 = 14. Acting accounts 11, 10, 6.
    assert rows(frame, ["interactions", "replies", "mentions", "shares", "quotes", "activity_score",
                        "active_accounts"]) == [[16, 5, 6, 4, 1, 27.0, 11], [13, 3, 0, 8, 2, 21.0, 10],
                                                [8, 3, 2, 3, 0, 14.0, 6]]
    flat = metrics.activity(tiny, period="month", weights={"reply": 1.0, "share": 1.0})
    assert flat["activity_score"].tolist() == [5 + 4 + 3 + 8 + 3 + 3]  # mentions and quotes weigh 0 here


def test_retention_and_churn(tiny):
    frame = metrics.retention(tiny, period="week")
    # W10 cohort: the 14 W10 authors; 10 of them author in W11 (all but dev, lea, omar, fay), 8 in W12.
    # W11 cohort: gus, max, nia, pip, quinn; none authors in W12.
    assert rows(frame, ["cohort", "offset", "cohort_size", "retained"]) == [
        [W10, 0, 14, 14], [W10, 1, 14, 10], [W10, 2, 14, 8], [W11, 0, 5, 5], [W11, 1, 5, 0]]
    assert frame["retention_rate"].tolist() == pytest.approx([1, 10 / 14, 8 / 14, 1, 0])
    churn = metrics.churn(tiny, period="week")
    # W10: 14 active, 10 act again in W11 -> 4 churn; W11: 15 active, 4 act in W12 (ana, hal, jon, brewco)
    assert rows(churn, ["period", "active_members", "retained_next", "churned"]) == [
        [W10, 14, 10, 4], [W11, 15, 4, 11], [W12, 8, None, None]]
    assert churn["churn_rate"].tolist()[:2] == pytest.approx([4 / 14, 11 / 15])


def test_responsiveness(tiny):
    weekly = metrics.responsiveness(tiny, focal="@brewco", period="week")
    # T11 (W10) answered by T12 after 5,400 s = 1.5 h; T34 (W11) unanswered; T42 (W12) answered after 70,200 s
    assert rows(weekly, ["period", "questions", "answered", "median_hours_to_first_response"]) == [
        [W10, 1, 1, 1.5], [W11, 1, 0, None], [W12, 1, 1, 19.5]]
    month = metrics.responsiveness(tiny, focal="twitter:30000015", period="month")
    assert month["questions"].tolist() == [TINY_COUNTS["questions_to_focal"]]
    assert month["answered"].tolist() == [TINY_COUNTS["questions_answered"]]
    assert month["median_hours_to_first_response"].tolist() == [TINY_COUNTS["median_response_seconds"] / 3600]
    with pytest.raises(ParameterError, match="focal"):
        metrics.responsiveness(tiny)  # nothing flagged is_focal in the tiny export


def test_density(tiny):
    frame = metrics.density(tiny, period="week")
    # W10: 16 interactions between 14 accounts, 15 distinct pairs (ben -> ana twice: T02, T17)
    assert rows(frame, ["members", "interactions", "pairs"]) == [[14, 16, 15], [15, 13, 13], [8, 8, 8]]
    assert frame["density"].tolist() == pytest.approx([15 / (14 * 13), 13 / (15 * 14), 8 / (8 * 7)])
    assert frame["interactions_per_member"].tolist() == pytest.approx([16 / 14, 13 / 15, 8 / 8])
    coffee = metrics.density(tiny, period="month", run_id=1).set_index("community").loc[0]
    # links inside coffee: ben->ana (T02, T17), cara->ana (T03, T20), ana->cara (T04), dev->ana (T05, T38),
    # fay->ana (T18, T39), fay->gus (T18), eli->ana (T21), gus->ana (T22): 12 interactions, 8 pairs;
    # all 7 coffee members take part in some interaction
    assert (coffee["members"], coffee["interactions"], coffee["pairs"]) == (7, 12, 8)
    assert coffee["density"] == pytest.approx(8 / 42)


def test_periods_and_errors(tiny):
    daily = metrics.engagement(tiny, period="day")
    assert daily["posts"].sum() == 30 and daily["period"].iloc[0] == W10
    assert metrics.engagement(tiny, period="month")["period"].tolist() == [dt.date(2022, 3, 1)]
    with pytest.raises(ParameterError, match="period must be one of day, week, month"):
        metrics.growth(tiny, period="year")
    with pytest.raises(WorkbenchError, match="no community run 99"):
        metrics.density(tiny, run_id=99)
    with pytest.raises(ParameterError, match="since"):
        metrics.activity(tiny, since="not a date")
    assert "community" not in metrics.growth(tiny).columns
    assert "community" in metrics.growth(tiny, run_id=1).columns


def test_metrics_on_an_empty_workspace():
    with wb.open(":memory:") as store:
        for function in (metrics.engagement, metrics.growth, metrics.activity, metrics.retention,
                         metrics.churn, metrics.density):
            assert function(store).empty


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.lists(st.tuples(st.integers(0, 6), st.integers(0, 6), st.sampled_from(["reply", "mention", "share"]),
                          st.integers(0, 40)), min_size=1, max_size=40))
def test_growth_and_retention_invariants(events):
    """Cumulative members never fall and end at the number of accounts seen; a cohort's offset 0 keeps everyone."""
    with wb.open(":memory:") as store:
        frame = pd.DataFrame(events, columns=["s", "t", "kind", "day"])
        frame = frame.assign(source_id="csv:" + frame["s"].astype(str), target_id="csv:" + frame["t"].astype(str),
                             created_at=pd.Timestamp("2024-01-01", tz="UTC") + pd.to_timedelta(frame["day"], "D"))
        store.con.register("events", frame)
        store.sql("INSERT INTO interactions (source_id, target_id, kind, created_at, platform) "
                  "SELECT source_id, target_id, kind, created_at, 'csv' FROM events")
        growth = metrics.growth(store, period="week")
        assert growth["cumulative_members"].is_monotonic_increasing
        everyone = set(frame["source_id"]) | set(frame["target_id"])
        assert growth["cumulative_members"].iloc[-1] == len(everyone)
        retention = metrics.retention(store, period="week")
        first = retention[retention["offset"] == 0]
        assert (first["retained"] == first["cohort_size"]).all()
        assert (retention["retained"] <= retention["cohort_size"]).all()
