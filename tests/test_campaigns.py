"""Campaigns: the decision log, detection of bursts, before/during/after, recruits week by week.

The comparison is checked on a hand-made edge list whose every figure is worked out below, and on
the tiny export against the weekly metrics (a campaign aligned with a week must give that week's
figures). Detection is checked on flat series (nothing found), on planted bursts, and on a real
export (SNAP Higgs: the announcement of the boson's discovery on 4 July 2012).
"""

from __future__ import annotations

import datetime as dt
import gzip

import duckdb
import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import workbench as wb
from workbench import campaigns, cli, metrics
from workbench.datasets import write_tiny
from workbench.errors import ParameterError, WorkspaceError
from conftest import shared_file

UTC = dt.timezone.utc

# Hand-made edge list (source, target, timestamp). Windows for the campaign [01-17, 01-24):
# before [01-10, 01-17), after [01-24, 01-31); a and b are first seen on 01-03.
HAND_EDGES = [
    ("a", "b", "2022-01-03T10:00:00Z"),
    # before: a, b and c active; c is new
    ("a", "b", "2022-01-10T10:00:00Z"), ("b", "a", "2022-01-11T10:00:00Z"), ("c", "a", "2022-01-12T10:00:00Z"),
    # during: recruits r1..r4 act; x is only named by a (seen, never acts); a acts twice
    ("r1", "a", "2022-01-17T09:00:00Z"), ("r2", "a", "2022-01-18T09:00:00Z"), ("r3", "a", "2022-01-19T09:00:00Z"),
    ("r4", "b", "2022-01-20T09:00:00Z"), ("a", "r1", "2022-01-21T09:00:00Z"), ("a", "x", "2022-01-22T09:00:00Z"),
    # after (week 1): r1 and r2 act, b names x
    ("r1", "a", "2022-01-24T09:00:00Z"), ("r2", "b", "2022-01-25T09:00:00Z"), ("b", "x", "2022-01-26T09:00:00Z"),
    # week 2 after: only r1
    ("r1", "b", "2022-02-01T09:00:00Z"),
]


def _edges_store(tmp_path, rows, name="edges.csv"):
    path = tmp_path / name
    path.write_text("source,target,kind,timestamp\n" + "".join(f"{s},{t},mention,{ts}\n" for s, t, ts in rows))
    store = wb.open(":memory:")
    wb.load(store, path, format="edges-csv", progress=False)
    return store


@pytest.fixture
def hand(tmp_path):
    with _edges_store(tmp_path, HAND_EDGES) as store:
        yield store


# -- the decision log ---------------------------------------------------------------------------
def test_log_add_rename_adjust_delete(store):
    first = campaigns.add(store, "Spring ride 2022", start="2022-03-28", end="2022-04-04",
                          hashtags="#SpringRide, #kestrel", note="photo contest")
    second = campaigns.add(store, "Spring ride 2023", start="2023-03-27T08:00:00+02:00", end="2023-04-03")
    table = campaigns.list(store)
    assert table["campaign_id"].tolist() == [first, second] == [1, 2]
    assert table["hashtags"].tolist() == [["springride", "kestrel"], []]
    assert table["source"].tolist() == ["manual", "manual"]
    assert table["start_at"].iloc[1] == pd.Timestamp("2023-03-27T06:00:00Z")  # stored in UTC
    assert campaigns.rename(store, "Spring ride 2023", "Spring ride, second year")["name"] == "Spring ride, second year"
    moved = campaigns.adjust(store, first, end="2022-04-05", note="extended by a day")
    assert moved["end_at"] == pd.Timestamp("2022-04-05T00:00:00Z") and moved["note"] == "extended by a day"
    assert moved["hashtags"] == ["springride", "kestrel"] and moved["start_at"] == pd.Timestamp("2022-03-28", tz="UTC")
    campaigns.delete(store, first)
    assert campaigns.list(store)["name"].tolist() == ["Spring ride, second year"]
    assert store.counts()["campaigns"] == 1


def test_log_refuses_bad_input_and_keeps_the_log(store):
    campaigns.add(store, "Launch", start="2022-01-01", end="2022-01-08")
    with pytest.raises(ParameterError, match="already logged"):
        campaigns.add(store, "Launch", start="2022-02-01", end="2022-02-08")
    with pytest.raises(ParameterError, match="must be after its start"):
        campaigns.add(store, "Backwards", start="2022-02-08", end="2022-02-01")
    with pytest.raises(ParameterError, match="a hashtag is letters"):
        campaigns.add(store, "Odd tag", start="2022-02-01", end="2022-02-08", hashtags=["#two words"])
    with pytest.raises(ParameterError, match="needs both a start and an end"):
        campaigns.add(store, "Open", start="2022-02-01", end="")
    with pytest.raises(ParameterError, match="no campaign 'Nope'.*1 'Launch'"):
        campaigns.rename(store, "Nope", "Yes")
    with pytest.raises(ParameterError, match="must be after its start"):
        campaigns.adjust(store, "Launch", end="2021-12-01")
    assert campaigns.list(store)[["name", "end_at"]].values.tolist() == [["Launch", pd.Timestamp("2022-01-08", tz="UTC")]]


def test_an_older_workspace_is_read_with_an_empty_log_and_migrated_when_written(tmp_path):
    path = tmp_path / "old.duckdb"
    with wb.open(path) as store:  # make it look like schema version 1 (no campaigns table)
        store.sql("DROP TABLE campaigns; DROP SEQUENCE campaign_ids; "
                  "UPDATE workbench_meta SET value = '1' WHERE key = 'schema_version'")
    with wb.open(path, read_only=True) as store:
        assert store.schema_version == 1 and campaigns.list(store).empty and store.counts()["campaigns"] == 0
        with pytest.raises(WorkspaceError, match="read-only"):
            campaigns.add(store, "x", start="2022-01-01", end="2022-01-02")
    con = duckdb.connect(str(path), read_only=True)  # the read-only look wrote nothing
    assert con.execute("SELECT count(*) FROM information_schema.tables WHERE table_name = 'campaigns'").fetchone() == (0,)
    con.close()
    with wb.open(path) as store:
        assert store.schema_version >= 2  # and any later step
        campaigns.add(store, "first", start="2022-01-01", end="2022-01-02")
    with wb.open(path, read_only=True) as store:
        assert campaigns.list(store)["name"].tolist() == ["first"]


# -- before, during, after ------------------------------------------------------------------------
def test_compare_by_hand(hand):
    table = campaigns.compare(hand, ("2022-01-17", "2022-01-24"))
    assert list(table.index) == ["before", "during", "after"]
    assert table["days"].tolist() == [7.0, 7.0, 7.0]
    assert table["actions"].tolist() == [3, 6, 3]
    assert table["active_members"].tolist() == [3, 7, 5]  # {a,b,c}; {a,b,r1..r4,x}; {a,b,r1,r2,x}
    assert table["new_members"].tolist() == [1, 5, 0]  # c; r1..r4 and x
    assert table["members_before"].tolist() == [2, 3, 8]
    assert table["growth"].tolist() == pytest.approx([1 / 2, 5 / 3, 0.0])
    assert table["recruits"].tolist()[1:] == [5, 5] and pd.isna(table["recruits"].iloc[0])
    # x never acts: 4 of the 5 recruits act during, r1 and r2 after
    assert table["recruits_retained"].tolist()[1:] == pytest.approx([4 / 5, 2 / 5])
    assert pd.isna(table["recruits_retained"].iloc[0])
    assert table["posts"].tolist() == [0, 0, 0] and table["applause_rate"].isna().all()  # an edge list has no posts
    assert table["observed"].tolist() == [True, True, True]


def test_recruits_week_by_week_by_hand(hand):
    weekly = campaigns.retained(hand, ("2022-01-17", "2022-01-24"))
    assert weekly[["week", "recruits", "recruits_active"]].values.tolist() == [[1, 5, 2], [2, 5, 1]]
    assert weekly["recruits_retained"].tolist() == pytest.approx([0.4, 0.2])
    assert weekly["week_start"].tolist() == [pd.Timestamp("2022-01-24", tz="UTC"), pd.Timestamp("2022-01-31", tz="UTC")]
    assert weekly["observed"].tolist() == [True, False]  # the data end on 02-01: week 2 is seen in part
    assert campaigns.retained(hand, ("2022-01-17", "2022-01-24"), weeks=3)["recruits_active"].tolist() == [2, 1, 0]


def test_compare_per_community_and_explicit_windows(hand):
    run = hand.save_partition(pd.DataFrame({"account_id": [f"csv:{a}" for a in ("a", "r1", "r2", "b", "c", "r3", "r4", "x")],
                                            "community": [0, 0, 0, 1, 1, 1, 1, 1]}), method="planted")
    table = campaigns.compare(hand, ("2022-01-17", "2022-01-24"), run_id=run)
    during = table.xs("during", level="window")
    assert during.loc[0, "new_members"] == 2 and during.loc[1, "new_members"] == 3  # r1, r2 | r3, r4, x
    assert during.loc[0, "recruits"] == 2 and during.loc[1, "recruits"] == 3
    after = table.xs("after", level="window")
    assert after.loc[0, "recruits_retained"] == pytest.approx(1.0) and after.loc[1, "recruits_retained"] == 0.0
    assert table.xs("before", level="window").loc[1, "actions"] == 2  # b and c act before (a's action is in 0)
    per_week = campaigns.retained(hand, ("2022-01-17", "2022-01-24"), run_id=run)
    assert per_week[["week", "community", "recruits_active"]].astype(object).values.tolist() == [
        [1, 0, 2], [1, 1, 0], [2, 0, 1], [2, 1, 0]]
    explicit = campaigns.compare(hand, ("2022-01-17", "2022-01-24"), baseline=("2022-01-03", "2022-01-10"), after=14)
    assert explicit.loc["before", "actions"] == 1 and explicit.loc["after", "actions"] == 4
    assert explicit.loc["after", "days"] == 14 and not explicit.loc["after", "observed"]
    with pytest.raises(ParameterError, match="no community run 99"):
        campaigns.compare(hand, ("2022-01-17", "2022-01-24"), run_id=99)
    with pytest.raises(ParameterError, match="positive number of days"):
        campaigns.compare(hand, ("2022-01-17", "2022-01-24"), after=-3)


def test_compare_a_week_gives_the_weekly_metrics(tmp_path):
    """On the tiny export, a campaign that is the middle week reads the three weekly rows of the metrics."""
    with wb.open(":memory:") as store:
        wb.load(store, write_tiny(tmp_path / "tiny.jsonl"), progress=False)
        campaigns.add(store, "middle week", start="2022-03-14", end="2022-03-21")
        table = campaigns.compare(store, "middle week")
        growth = metrics.growth(store, period="week")
        engagement = metrics.engagement(store, period="week")
        assert table["new_members"].tolist() == growth["new_members"].tolist() == [16, 4, 0]
        assert table["active_members"].tolist() == growth["active_members"].tolist()
        for column in ("posts", "likes", "shares", "quotes", "replies", "applause_rate", "amplification_rate",
                       "conversation_rate"):
            assert table[column].tolist() == pytest.approx(engagement[column].tolist()), column
        # by hand (test_metrics): 14, 10 and 6 non-share posts with 46, 96 and 23 likes
        assert table["posts"].tolist() == [14, 10, 6] and table["likes"].tolist() == [46, 96, 23]
        # the tiny export's 45 collected tweets (an edge-free export counts posts only)
        assert table["actions"].sum() == 45


def test_side_by_side(hand):
    campaigns.add(hand, "this year", start="2022-01-17", end="2022-01-24")
    campaigns.add(hand, "last year", start="2022-01-10", end="2022-01-17")
    table = campaigns.side_by_side(hand, ["this year", "last year"])
    assert list(table.columns.get_level_values(0).unique()) == ["this year", "last year"]
    assert table[("this year", "new_members")].tolist() == [1, 5, 0]
    assert table[("last year", "new_members")].tolist() == [2 + 0, 1, 5]  # a, b on 01-03; c; the recruits
    with pytest.raises(ParameterError, match="given twice"):
        campaigns.side_by_side(hand, ["this year", 1])


# -- detection ------------------------------------------------------------------------------------
def _poisson_edges(rng, rates, start="2022-01-03", accounts=300):
    """One interaction row per event: rates[d] events on day d, between random accounts, at random times."""
    counts = rng.poisson(rates)
    day = np.repeat(np.arange(len(rates)), counts)
    seconds = rng.integers(0, 86_400, size=len(day))
    stamps = pd.Timestamp(start, tz="UTC") + pd.to_timedelta(day, unit="D") + pd.to_timedelta(seconds, unit="s")
    source, target = rng.integers(0, accounts, size=(2, len(day)))
    return [(f"u{s}", f"u{t}", ts.strftime("%Y-%m-%dT%H:%M:%SZ")) for s, t, ts in zip(source, target, stamps)]


@pytest.mark.parametrize("rate", [3, 40, 400])
def test_a_flat_series_has_no_burst(tmp_path, rate):
    rng = np.random.default_rng(rate)
    with _edges_store(tmp_path, _poisson_edges(rng, np.full(70, rate))) as store:
        assert len(campaigns.daily(store)) == 70
        found = campaigns.detect(store)
        assert found.empty and campaigns.list(store).empty


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(seed=st.integers(0, 2**32 - 1), rate=st.floats(0.5, 5000), days=st.integers(2, 400))
def test_flat_poisson_series_never_burst(seed, rate, days):
    counts = np.random.default_rng(seed).poisson(rate, size=days)
    assert campaigns.windows(pd.date_range("2021-01-04", periods=days), counts).empty


def test_a_planted_burst_is_found_and_logged_once(tmp_path):
    rng = np.random.default_rng(7)
    weekly = np.array([1.0, 1.0, 1.0, 0.95, 0.9, 0.7, 0.75])  # quieter weekends
    rates = 120 * weekly[np.arange(63) % 7]  # 2022-01-03 is a Monday
    rates[30:35] *= 3  # 2022-02-02 to 2022-02-06
    with _edges_store(tmp_path, _poisson_edges(rng, rates)) as store:
        found = campaigns.detect(store)
        assert len(found) == 1
        burst = found.iloc[0]
        assert burst["start"] == pd.Timestamp("2022-02-02") and burst["end"] == pd.Timestamp("2022-02-07")
        assert 2.5 < burst["lift"] < 3.5 and bool(burst["logged"])
        logged = campaigns.list(store)
        assert logged[["name", "source"]].values.tolist() == [["burst 2022-02-02", "detected"]]
        assert logged["note"].iloc[0].startswith(f"detected: {burst['actions']:,} actions in 5 day(s), "
                                                 f"{burst['lift']:.1f}x the usual")
        again = campaigns.detect(store)  # nothing new: the burst is already in the log
        assert not again["logged"].any() and again["campaign_id"].tolist() == [1] and len(campaigns.list(store)) == 1
        campaigns.rename(store, 1, "February push")
        assert campaigns.list(store)["name"].tolist() == ["February push"]


def test_detection_follows_a_hashtag_or_the_focal_accounts(tmp_path):
    with wb.open(":memory:") as store:
        wb.load(store, write_tiny(tmp_path / "tiny.jsonl"), progress=False)
        with pytest.raises(ParameterError, match="one hashtag at a time"):
            campaigns.detect(store, hashtag="#a, #b", save=False)
        with pytest.raises(ParameterError, match="not both"):
            campaigns.detect(store, hashtag="#a", focal=True, save=False)
        with pytest.raises(ParameterError, match="no focal accounts"):
            campaigns.detect(store, focal=True, save=False)
        series = campaigns.daily(store, focal=["@brewco"])
        # interactions of others with @brewco in the tiny export: replies, mentions (tiny.py)
        direct = store.sql("SELECT count(*) FROM interactions i JOIN accounts a ON a.account_id = i.target_id "
                           "WHERE a.handle = 'brewco' AND i.source_id <> i.target_id").fetchone()[0]
        assert series["actions"].sum() == direct > 0
        tagged = campaigns.daily(store, hashtag="nothingtagged")
        assert tagged["actions"].sum() == 0 and len(tagged) == len(campaigns.daily(store))


def test_hashtag_matching_is_whole_tag_and_case_blind(store):
    store.sql("INSERT INTO posts (post_id, platform, author_id, created_at, text, kind, collected) VALUES "
              "('p1', 'x', 'a', '2022-01-01 10:00+00', '#SpringRide today', 'post', true),"
              "('p2', 'x', 'a', '2022-01-01 11:00+00', 'join us: #springride!', 'post', true),"
              "('p3', 'x', 'a', '2022-01-02 11:00+00', '#springrides are not it', 'post', true),"
              "('p4', 'x', 'a', '2022-01-02 12:00+00', 'mail@host#springride no', 'post', true),"
              "('p5', 'x', 'a', '2022-01-03 12:00+00', 'RT @b: (#springride)', 'share', true)")
    series = campaigns.daily(store, hashtag="SpringRide")
    assert series["actions"].tolist() == [2, 0, 1]


# -- real data --------------------------------------------------------------------------------------
@pytest.fixture(scope="module")
def higgs(shared_data):
    path = shared_file(shared_data, "snap_higgs_twitter", "higgs-activity_time.txt.gz")
    with wb.open(":memory:") as store:
        wb.load(store, path, format="edges-csv", progress=False)
        with gzip.open(path, "rt") as handle:
            raw = pd.read_csv(handle, sep=" ", header=None, names=["a", "b", "ts", "kind"])
        yield store, raw


def test_higgs_announcement_is_detected(higgs):
    store, raw = higgs
    series = campaigns.daily(store)
    by_day = pd.to_datetime(raw["ts"], unit="s", utc=True).dt.strftime("%Y-%m-%d").value_counts().sort_index()
    assert series["actions"].tolist() == by_day.tolist() and by_day["2012-07-04"] == 356_388  # counted from the file
    found = campaigns.detect(store)
    announcement = pd.Timestamp("2012-07-04")
    hits = found[(found["start"] <= announcement) & (found["end"] > announcement)]
    assert len(hits) == 1 and hits["peak_day"].iloc[0] == announcement
    print(f"\nHiggs: detected {hits['start'].iloc[0]:%Y-%m-%d} to {hits['end'].iloc[0]:%Y-%m-%d} (exclusive), "
          f"{hits['lift'].iloc[0]:.1f}x the usual level")
    table = campaigns.compare(store, int(hits["campaign_id"].iloc[0]))
    firsts = pd.concat([raw[["a", "ts"]].rename(columns={"a": "u"}), raw[["b", "ts"]].rename(columns={"b": "u"})])
    first_seen = pd.to_datetime(firsts.groupby("u")["ts"].min(), unit="s", utc=True)
    start, end = table.loc["during", "start_at"], table.loc["during", "end_at"]
    assert table.loc["during", "new_members"] == ((first_seen >= start) & (first_seen < end)).sum()


# -- the command --------------------------------------------------------------------------------------
def test_cli_campaigns(tmp_path, capsys):
    db = tmp_path / "w.duckdb"
    edges = tmp_path / "edges.csv"
    edges.write_text("source,target,kind,timestamp\n" + "".join(f"{s},{t},mention,{ts}\n" for s, t, ts in HAND_EDGES))
    assert cli.main(["load", str(edges), "--db", str(db), "--format", "edges-csv", "--quiet"]) == 0
    assert cli.main(["campaigns", "--db", str(db), "add", "January push", "--start", "2022-01-17", "--end",
                     "2022-01-24", "--hashtags", "#push", "--note", "newsletter and a prize"]) == 0
    assert "logged campaign 1: January push" in capsys.readouterr().out
    assert cli.main(["campaigns", "list", "--db", str(db)]) == 0  # --db after the action works too
    assert "newsletter and a prize" in capsys.readouterr().out
    assert cli.main(["campaigns", "list"]) == 2
    assert "needs --db" in capsys.readouterr().err
    assert cli.main(["campaigns", "--db", str(db), "compare", "January push"]) == 0
    out = capsys.readouterr().out
    assert "new_members" in out and "recruits_retained" in out
    assert cli.main(["campaigns", "--db", str(db), "detect", "--dry-run"]) == 0
    assert "no burst of activity found" in capsys.readouterr().out
    assert cli.main(["campaigns", "--db", str(db), "adjust", "1", "--end", "2022-01-10"]) == 2
    assert "must be after its start" in capsys.readouterr().err
    assert cli.main(["campaigns", "--db", str(db), "rename", "1", "Push"]) == 0
    assert cli.main(["campaigns", "--db", str(db), "delete", "Push"]) == 0
    capsys.readouterr()
    assert cli.main(["campaigns", "--db", str(db), "list"]) == 0
    assert "(none)" in capsys.readouterr().out


# -- timeline and panel ------------------------------------------------------------------------------
def test_timeline_and_panel_move_the_window(hand):
    from workbench import viz, widgets

    campaigns.add(hand, "January push", start="2022-01-17", end="2022-01-24", note="newsletter")
    series = campaigns.daily(hand)
    known = campaigns.overview(hand)
    assert known[["name", "source", "logged", "actions"]].values.tolist() == [["January push", "manual", True, 6]]
    svg = viz.to_svg(viz.campaign_timeline(series, known))
    assert svg.startswith("<svg") and "January push" in svg
    panel = widgets.CampaignPanel(hand, series=series, campaigns=known)
    assert panel.table["new_members"].tolist() == [1, 5, 0]  # the campaign's own window, as compare gives it
    assert "January push, 2022-01-17 to 2022-01-24 (exclusive): 6 actions (2.0x the 7 days before)" in panel.status.value
    moved = panel.update(start="2022-01-18", end="2022-01-24")  # what dragging the window's start does
    assert moved.loc["during", "start_at"] == pd.Timestamp("2022-01-18", tz="UTC")
    assert moved.loc["during", "new_members"] == 4  # r1 arrived on the 17th, outside the moved window
    assert panel.window_slider.index == (15, 20)  # 2022-01-03 is day 0
    assert campaigns.list(hand)["start_at"].tolist() == [pd.Timestamp("2022-01-17", tz="UTC")]  # nothing saved
    bundle = panel._repr_mimebundle_()
    assert "image/svg+xml" in bundle and "January push" in bundle["image/svg+xml"]
    bars = viz.to_svg(viz.window_bars(moved.reset_index(), measures=["actions", "new_members"]))
    assert "before" in bars and "new_members" in bars
    empty = widgets.CampaignPanel(hand, series=series, campaigns=known.iloc[0:0])
    assert empty.table is None and "No campaign" in empty.status.value and empty.static_chart is not None


# -- the bundled sample's planted campaign ------------------------------------------------------------
@pytest.fixture(scope="module")
def planted_sample(tmp_path_factory):
    from workbench.datasets import generate_sample

    sample = generate_sample()
    path = sample.write(tmp_path_factory.mktemp("sample") / "sample.jsonl")
    with wb.open(":memory:") as store:
        wb.load(store, path, progress=False)
        yield store, sample


def _first_and_last_tweets(pages):
    """Per author id: the time of the first and the last collected tweet, counted from the raw pages."""
    first, last = {}, {}
    for page in pages:
        for tweet in page["data"]:
            when = pd.Timestamp(tweet["created_at"])
            author = tweet["author_id"]
            first[author] = min(first.get(author, when), when)
            last[author] = max(last.get(author, when), when)
    return first, last


def test_the_sample_states_its_campaign_and_the_pages_agree(planted_sample):
    _, sample = planted_sample
    truth = sample.truth_campaign
    assert (truth["name"], truth["hashtag"], truth["start"], truth["end"]) == (
        "Spring ride", "KestrelSpringRide", "2022-03-31T00:00:00.000Z", "2022-04-04T00:00:00.000Z")
    start, end = pd.Timestamp(truth["start"]), pd.Timestamp(truth["end"])
    first, last = _first_and_last_tweets(sample.pages)
    tagged_first = set()
    for page in sample.pages:  # recruits: accounts whose first tweet is in the window and carries the hashtag
        for tweet in page["data"]:
            if pd.Timestamp(tweet["created_at"]) == first[tweet["author_id"]] and start <= first[tweet["author_id"]] < end \
                    and "#kestrelspringride" in tweet["text"].lower():
                tagged_first.add(f"twitter:{tweet['author_id']}")
    # every recruit arrives with the hashtag inside the window (quiet members whose first tweet joins in are not recruits)
    assert set(truth["recruit_ids"]) <= tagged_first and truth["recruits"] == len(set(truth["recruit_ids"])) == 280
    mentioned_before = {m["id"] for page in sample.pages for tweet in page["data"]
                        if pd.Timestamp(tweet["created_at"]) < start for m in tweet.get("entities", {}).get("mentions", [])}
    assert not {r.removeprefix("twitter:") for r in truth["recruit_ids"]} & mentioned_before  # unseen before it
    stayed = {r for r in truth["recruit_ids"] if last[r.removeprefix("twitter:")] >= end}
    assert stayed == set(truth["stayer_ids"]) and truth["stayers"] == len(stayed)
    assert truth["retained_share"] == pytest.approx(len(stayed) / truth["recruits"])


def test_the_planted_campaign_is_detected_and_compared(planted_sample):
    store, sample = planted_sample
    truth = sample.truth_campaign
    start, end = pd.Timestamp(truth["start"]).tz_localize(None), pd.Timestamp(truth["end"]).tz_localize(None)
    found = campaigns.detect(store)
    assert len(found) == 1, found  # the campaign, and nothing else in six weeks
    burst = found.iloc[0]
    assert abs((burst["start"] - start).days) <= 1 and abs((burst["end"] - end).days) <= 2
    table = campaigns.compare(store, int(burst["campaign_id"]))
    new, retained = table.loc["during", "new_members"], table.loc["after", "recruits_retained"]
    print(f"\nsample: detected {burst['start']:%Y-%m-%d} to {burst['end']:%Y-%m-%d} (planted {start:%Y-%m-%d} to "
          f"{end:%Y-%m-%d}), lift {burst['lift']:.2f}; new members {new} (planted recruits {truth['recruits']}); "
          f"retained after {retained:.3f} (planted {truth['retained_share']:.3f})")
    assert abs(new - truth["recruits"]) <= 0.10 * truth["recruits"]
    assert abs(retained - truth["retained_share"]) <= 0.05
    hashtag = campaigns.detect(store, hashtag="#KestrelSpringRide", save=False)
    assert len(hashtag) == 1 and hashtag["start"].iloc[0] == start
    weekly = campaigns.retained(store, int(burst["campaign_id"]))
    assert weekly["week"].tolist() == [1, 2] and (weekly["recruits_retained"] >= 0.3).all()  # the plateau holds
