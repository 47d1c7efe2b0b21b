"""The key findings on a report's index page, checked against values counted here from the workspace's tables.

The numbers are recomputed in plain SQL and pandas from the raw tables (accounts of the graph, advocates'
interactions, engagement rates per week, a campaign's actions), not with the code that wrote them; the
roles are checked against the page the finding links to. Uses the session's rendered reports.
"""

from __future__ import annotations

import html
import re
from pathlib import Path

import pandas as pd
import pytest

import workbench as wb
from report_fixtures import SECOND_PARAMETERS
from workbench import findings, privacy

pytestmark = pytest.mark.notebooks


def items(index: Path) -> dict[str, tuple[str, str]]:
    """topic -> (text of the finding, its link)."""
    page = index.read_text(encoding="utf-8")
    found = {}
    for topic, body in re.findall(r'<li class="wb-finding" data-topic="(\w+)">(.*?)</li>', page, flags=re.DOTALL):
        link = re.search(r'href="([^"]+)"', body)
        text = html.unescape(re.sub(r"<[^>]+>", "", body)).replace("See the section", "").strip()
        found[topic] = (text, html.unescape(link.group(1)) if link else "")
    return found


def graph_accounts(store, kinds, since=None, until=None) -> int:
    return store.sql("SELECT count(DISTINCT a) FROM (SELECT source_id AS a, created_at, kind, target_id FROM interactions "
                     "UNION ALL SELECT target_id, created_at, kind, source_id FROM interactions) "
                     "WHERE a <> target_id AND list_contains($k, kind) "
                     "AND ($s::TIMESTAMPTZ IS NULL OR created_at >= $s::TIMESTAMPTZ) "
                     "AND ($u::TIMESTAMPTZ IS NULL OR created_at < $u::TIMESTAMPTZ)",
                     {"k": list(kinds), "s": since, "u": until}).fetchone()[0]


def weekly_rates(store, kinds, since=None, until=None) -> pd.DataFrame:
    """Applause, amplification and conversation rates per UTC week of collected posts that are not shares, and
    whether the week lies wholly inside the data's span (first to last collected post or interaction)."""
    posts = store.sql("SELECT created_at, like_count, share_count, quote_count, reply_count FROM posts "
                      "WHERE collected AND kind <> 'share' AND created_at IS NOT NULL").df()
    times = pd.concat([store.sql("SELECT created_at FROM posts WHERE collected AND created_at IS NOT NULL").df(),
                       store.sql("SELECT created_at FROM interactions WHERE created_at IS NOT NULL AND "
                                 "list_contains($k, kind)", {"k": list(kinds)}).df()])["created_at"]
    posts["created_at"] = pd.to_datetime(posts["created_at"], utc=True)
    times = pd.to_datetime(times, utc=True)
    if since:
        posts, times = posts[posts["created_at"] >= pd.Timestamp(since, tz="UTC")], times[times >= pd.Timestamp(since, tz="UTC")]
    if until:
        posts, times = posts[posts["created_at"] < pd.Timestamp(until, tz="UTC")], times[times < pd.Timestamp(until, tz="UTC")]
    day = posts["created_at"].dt.tz_localize(None).dt.normalize()
    posts["week"] = day - pd.to_timedelta(day.dt.weekday, unit="D")
    weeks = posts.groupby("week").agg(posts=("created_at", "size"), likes=("like_count", "sum"),
                                      shares=("share_count", "sum"), quotes=("quote_count", "sum"),
                                      replies=("reply_count", "sum"))
    weeks["applause_rate"] = weeks["likes"] / weeks["posts"]
    weeks["amplification_rate"] = (weeks["shares"] + weeks["quotes"]) / weeks["posts"]
    weeks["conversation_rate"] = weeks["replies"] / weeks["posts"]
    first, last = times.min().tz_localize(None), times.max().tz_localize(None)
    weeks["full"] = (weeks.index >= first) & (weeks.index + pd.Timedelta(days=7) <= last + pd.Timedelta(seconds=1))
    return weeks


KINDS = ("reply", "mention", "share", "quote", "comment")


def advocates(store, since=None, until=None):
    return store.sql(
        "SELECT i.source_id, a.handle, count(*) AS total FROM interactions i JOIN accounts a ON a.account_id = i.source_id "
        "WHERE i.kind IN ('share', 'quote', 'mention', 'reply') AND i.source_id <> i.target_id "
        "AND i.target_id IN (SELECT account_id FROM accounts WHERE is_focal) "
        "AND i.source_id NOT IN (SELECT account_id FROM accounts WHERE is_focal) "
        "AND ($s::TIMESTAMPTZ IS NULL OR i.created_at >= $s::TIMESTAMPTZ) "
        "AND ($u::TIMESTAMPTZ IS NULL OR i.created_at < $u::TIMESTAMPTZ) "
        "GROUP BY 1, 2 ORDER BY total DESC, i.source_id", {"s": since, "u": until}).df()


def actions(store, start, end) -> int:
    return store.sql("SELECT (SELECT count(*) FROM posts WHERE collected AND created_at >= $s AND created_at < $e) + "
                     "(SELECT count(*) FROM interactions i WHERE i.created_at >= $s AND i.created_at < $e AND NOT EXISTS "
                     "(SELECT 1 FROM posts p WHERE p.post_id = i.post_id AND p.collected))",
                     {"s": start, "e": end}).fetchone()[0]


def numbers(text: str) -> list[float]:
    return [float(n.replace(",", "")) for n in re.findall(r"-?\d[\d,]*\.?\d*", text)]


@pytest.mark.parametrize("which", ["sample", "second"])
def test_key_findings_match_the_workspace(which, request, pseudonym_key):
    report = request.getfixturevalue(f"{which}_report")
    db = request.getfixturevalue(f"{which}_db")
    params = {} if which == "sample" else SECOND_PARAMETERS
    since, until = params.get("since"), params.get("until")
    found = items(report.index)
    assert list(found) == list(findings.SECTIONS)
    with wb.open(db, read_only=True) as store:
        accounts = store.sql("SELECT account_id, handle, display_name FROM accounts").df()
        shown = (privacy.Pseudonymizer(accounts, key=pseudonym_key).text if report.pseudonymized else (lambda v: v))

        # communities: the accounts of the graph, counted in SQL; sizes add up
        text, _ = found["communities"]
        total = graph_accounts(store, params.get("kinds", KINDS), since, until)
        assert text.startswith(f"{total:,} accounts in the interaction graph form ")
        sizes = [int(n.replace(",", "")) for n in re.findall(r"with ([\d,]+) accounts \(", text)]
        shares = [int(p) for p in re.findall(r"accounts \((\d+)%\)", text)]
        assert sizes == sorted(sizes, reverse=True) and sum(sizes) <= total and len(sizes) == 3
        assert all(abs(p - 100 * s / total) <= 0.5 for p, s in zip(shares, sizes)) and len(shares) == 3
        n_communities = int(re.search(r"form ([\d,]+) communities", text).group(1))
        page02 = (report.out / "02_communities.html").read_text(encoding="utf-8")
        assert f"resolution {float(params.get('resolution', 1.0))}: {n_communities} communities" in page02

        # advocates: interactions toward the focal accounts, counted in SQL, names pseudonymised with the key
        text, _ = found["advocates"]
        expected = advocates(store, since, until)
        listed = [(name, int(n.replace(",", ""))) for name, n in re.findall(r"([^\s,:]+) \(([\d,]+) interactions\)", text)]
        # the three largest totals, each named with its own total; among equal totals any may be listed (a
        # pseudonymised report breaks ties by the pseudonymised id, which depends on the key)
        assert [total for _, total in listed] == expected["total"].head(3).tolist()
        totals = {shown(h): t for h, t in zip(expected["handle"], expected["total"])}
        assert all(totals.get(name) == total for name, total in listed) and len({n for n, _ in listed}) == len(listed)

        # engagement: rates of the first and last full weeks, from the posts' counters in pandas
        text, _ = found["engagement"]
        assert "period week" in (report.index.read_text(encoding="utf-8").replace("</b></td><td>", " "))
        weeks = weekly_rates(store, params.get("kinds", KINDS), since, until)
        full = weeks[weeks["full"]]
        if len(full) < 2:  # the second report's window holds one full week: the partial ones are compared, and said so
            full = weeks
            assert "the first and the last week (" in text
        else:
            assert "the first and the last full week (" in text
        first, last = full.iloc[0], full.iloc[-1]
        assert f"({full.index[0]:%Y-%m-%d} and {full.index[-1]:%Y-%m-%d})" in text
        for rate in findings.RATES:
            assert f"{rate.replace('_', ' ')} " in text
            assert f"from {first[rate]:.2f} to {last[rate]:.2f}" in text, (rate, text)

        # the busiest campaign: its actions, counted in SQL over the window the finding names
        text, _ = found["campaign"]
        if text.startswith("No campaign"):  # none logged, none detected in the window: the section says so too
            page06 = (report.out / "06_campaigns.html").read_text(encoding="utf-8")
            assert "No campaign logged or detected" in page06 and which == "second"
            start = end = None
        else:
            start, end = re.search(r"(\d{4}-\d\d-\d\d) to (\d{4}-\d\d-\d\d), end exclusive", text).groups()
        if start is not None:
            stated = int(re.search(r"([\d,]+) actions", text).group(1).replace(",", ""))
            assert stated == actions(store, pd.Timestamp(start, tz="UTC"), pd.Timestamp(end, tz="UTC")) > 0

    # roles: the finding agrees with the table of the section it links to
    text, link = found["roles"]
    page03 = (report.out / "03_influencers_vs_networkers.html").read_text(encoding="utf-8")
    for role in ("influencer", "networker"):
        count = int(re.search(rf"{role}s: (\d+)", page03).group(1))
        if count:
            assert re.search(rf"{count:,} {role}s?\b", text), (role, text)
            names = re.findall(r"([^\s,:;]+) \(confidence (\d\.\d\d)\)", text)
            assert all(name in page03 for name, _ in names)

    # every link leads to a section that exists
    for topic, (_, link) in found.items():
        page, anchor = link.split("#")
        assert page == f"{findings.SECTIONS[topic][0]}.html" and f'id="{anchor}"' in (report.out / page).read_text(
            encoding="utf-8"), link
