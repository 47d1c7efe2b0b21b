"""Links and hashtags of posts (``post_entities``), checked against the raw exports read here in plain Python.

Twitter: the expanded URLs of the entities, never t.co; Reddit: links from the bodies and link
submissions' url, and no hashtag from a URL's fragment (``#Carlton_Banks``); Mastodon: tags and the
content's non-mention links (read with Python's HTML parser); Bluesky: the facets.
"""

from __future__ import annotations

import io
import json
import re
from html.parser import HTMLParser
from pathlib import Path

import zstandard

import workbench as wb
from conftest import shared_file
from vcr_bodies import extract_folder

TWARC = "twitter_v2_twarc_csv_testdata"
_MEDIA = re.compile(r"(?i)^https?://(?:www\.|mobile\.)?(?:twitter|x)\.com/\w+/status(?:es)?/\d+/(?:photo|video)/\d+$")
_STATUS = re.compile(r"(?i)^https?://(?:www\.|mobile\.)?(?:twitter|x)\.com/\w+/status(?:es)?/(\d+)")


def entities(store) -> set[tuple[str, str, str]]:
    return set(store.sql("SELECT post_id, entity, value FROM post_entities").fetchall())


def _tweet_entities(tweet_id: str, urls: list[dict], tags: list[str], quoted: str | None) -> set:
    found = set()
    for url in urls:
        link = url.get("expanded_url")
        if not link or "media_key" in url or not link.startswith(("http://", "https://")) or _MEDIA.match(link):
            continue
        status = _STATUS.match(link)
        if quoted and status and status.group(1) == quoted:
            continue  # the quoted tweet's own link
        found.add((f"twitter:{tweet_id}", "link", link))
    found.update((f"twitter:{tweet_id}", "hashtag", tag.lower()) for tag in tags if tag)
    return found


def expected_v2(path: Path) -> set:
    expected = set()
    for line in path.read_text(encoding="utf-8").splitlines():
        page = json.loads(line)
        for tweet in page.get("data", []) + page.get("includes", {}).get("tweets", []):
            quoted = next((r["id"] for r in tweet.get("referenced_tweets", []) if r["type"] == "quoted"), None)
            ents = tweet.get("entities", {})
            expected |= _tweet_entities(tweet["id"], ents.get("urls", []),
                                        [h["tag"] for h in ents.get("hashtags", [])], quoted)
    return expected


def test_twitter_v2_links_are_expanded_and_hashtags_from_the_entities(store, shared_data):
    path = shared_file(shared_data, TWARC, "2sets.jsonl")
    wb.load(store, path)
    got = entities(store)
    assert got == expected_v2(path)
    assert len([e for e in got if e[1] == "link"]) == 75 and len([e for e in got if e[1] == "hashtag"]) == 878
    assert not [e for e in got if e[1] == "link" and "://t.co/" in e[2]]


def test_twitter_v1_stream_entities(store, shared_data):
    import gzip

    path = shared_file(shared_data, "twitter_v11_ctit_dutch_stream", "tweets.json.gz")
    wb.load(store, path)
    expected = set()

    def add(tweet: dict) -> None:
        ents = (tweet.get("extended_tweet") or {}).get("entities") or tweet.get("entities") or {}
        expected.update(_tweet_entities(tweet["id_str"], ents.get("urls", []),
                                        [h["text"] for h in ents.get("hashtags", [])],
                                        tweet.get("quoted_status_id_str")))

    for line in gzip.decompress(path.read_bytes()).decode("utf-8").splitlines():
        tweet = json.loads(line)
        if "id_str" not in tweet:
            continue
        add(tweet)
        for inner in (tweet.get("retweeted_status"), tweet.get("quoted_status"),
                      (tweet.get("retweeted_status") or {}).get("quoted_status")):
            if inner:
                add(inner)
    assert entities(store) == expected
    assert len(expected) > 1000


# -- Reddit -----------------------------------------------------------------------------------------------

_URL = re.compile(r"https?://[^\s<>\"'|\[\]{}]+")


def _reddit_rows(path: Path) -> list[dict]:
    with path.open("rb") as raw:
        reader = zstandard.ZstdDecompressor(max_window_size=2**31).stream_reader(raw)
        return [json.loads(line) for line in io.TextIOWrapper(reader, encoding="utf-8") if line.strip()]


def _trim(url: str) -> str:
    url = url.rstrip(".,;:!?")
    if url.endswith(")") and url.count(")") > url.count("("):
        url = url[:-1].rstrip(".,;:!?")
    return url


def test_reddit_comment_links_and_no_hashtags_from_urls(store, shared_data):
    path = shared_file(shared_data, "reddit_pushshift_comments_2005_2006", "RC_2006-01.zst")
    wb.load(store, path)
    expected_links = {(f"reddit:t1_{r['id']}", "link", _trim(u)) for r in _reddit_rows(path)
                      for u in _URL.findall((r.get("body") or "").replace("&amp;", "&")) if len(_trim(u)) > 10}
    got = entities(store)
    assert {e for e in got if e[1] == "link"} == expected_links
    assert len(expected_links) == 323  # (comment, URL) pairs
    wiki = [e for e in got if "Fresh_Prince_of_Bel-Air" in e[2]]
    assert wiki == [(wiki[0][0], "link", "http://en.wikipedia.org/wiki/The_Fresh_Prince_of_Bel-Air#Carlton_Banks")]
    # hashtags: '#' and a word with a letter, in the text without its URLs, not inside a word or entity
    expected_tags = set()
    for r in _reddit_rows(path):
        text = re.sub(r"https?://\S+", " ", (r.get("body") or "").replace("&amp;", "&"))
        expected_tags.update((f"reddit:t1_{r['id']}", "hashtag", t.lower())
                             for t in re.findall(r"(?<![\w&#/<@])#(\w*[^\W\d_]\w*)", text))
    assert {e for e in got if e[1] == "hashtag"} == expected_tags
    hashtags = {e[2] for e in expected_tags}
    assert "carlton_banks" not in hashtags and "physical_origin" not in hashtags  # URL fragments


def test_reddit_submissions_link_urls(store, shared_data):
    path = shared_file(shared_data, "reddit_pushshift_submissions_askwomen_2019_10", "RS_2019-10.zst")
    wb.load(store, path)
    rows = _reddit_rows(path)
    link_posts = {(f"reddit:t3_{r['id']}", "link", r["url"].replace("&amp;", "&")) for r in rows
                  if not r.get("is_self") and r.get("url", "").startswith("http") and f"/comments/{r['id']}" not in r["url"]}
    got = entities(store)
    assert link_posts <= got
    text_links = {(f"reddit:t3_{r['id']}", "link", _trim(u)) for r in rows
                  for u in _URL.findall(((r.get("title") or "") + "\n\n" + (r.get("selftext") or "")).replace("&amp;", "&"))
                  if len(_trim(u)) > 10}
    assert {e for e in got if e[1] == "link"} == link_posts | text_links


def test_community_content_lists_reddit_links_per_community(store, shared_data):
    wb.load(store, shared_file(shared_data, "reddit_pushshift_comments_2005_2006", "RC_2006-01.zst"))
    from workbench import communities, content

    members = communities.detect(wb.graph(store), seed=0).to_frame()
    links = content.top_links(store, members, n=3)
    tags = content.top_hashtags(store, members, n=5)
    assert len(links) > 0  # notebook 02 once said "No links in these posts"
    assert not tags["hashtag"].isin(["#carlton_banks", "#physical_origin"]).any()  # URL fragments are no hashtags


# -- Mastodon and Bluesky (the recorded API bodies) ---------------------------------------------------------

class _Anchors(HTMLParser):
    def __init__(self):
        super().__init__()
        self.links = []

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "a" and "mention" not in (attrs.get("class") or "").split() and \
                (attrs.get("href") or "").startswith(("http://", "https://")):
            self.links.append(attrs["href"])


def _statuses(value):
    """Every Status object in a Mastodon API body (lists, reblogs, quotes, context)."""
    if isinstance(value, dict):
        if "account" in value and "content" in value and "uri" in value:
            yield value
        for key in ("reblog", "ancestors", "descendants"):
            if key in value and value[key]:
                yield from _statuses(value[key])
        quote = value.get("quote")
        if isinstance(quote, dict):
            yield from _statuses(quote.get("quoted_status") or quote)
    elif isinstance(value, list):
        for item in value:
            yield from _statuses(item)


def _loaded_recorded_posts(store, shared_data, tmp_path, fixture: str, walk) -> list[tuple[str, dict]]:
    """Load a folder of VCR recordings (its 200 responses); the (post_id, object) that ``walk`` finds in each
    response body, for the posts the workspace holds."""
    recordings = [r for r in extract_folder(shared_file(shared_data, fixture), tmp_path) if r.status == 200]
    wb.load(store, [r.path for r in recordings])
    posts = set(store.sql("SELECT post_id FROM posts").df()["post_id"])
    found = (walk(json.loads(r.path.read_text(encoding="utf-8"))) for r in recordings)
    return [(post_id, item) for items in found for post_id, item in items if post_id in posts]


def test_mastodon_tags_and_content_links(store, shared_data, tmp_path):
    expected = set()
    for post_id, status in _loaded_recorded_posts(
            store, shared_data, tmp_path, "mastodon_rtoot_vcr_fixtures",
            lambda body: (("mastodon:" + status["uri"], status) for status in _statuses(body))):
        expected.update((post_id, "hashtag", t["name"].lower()) for t in status.get("tags") or [] if t.get("name"))
        parser = _Anchors()
        parser.feed(status.get("content") or "")
        expected.update((post_id, "link", href) for href in parser.links)
        card = status.get("card") or {}
        if (card.get("url") or "").startswith(("http://", "https://")):
            expected.add((post_id, "link", card["url"]))
    got = entities(store)
    assert got == expected
    assert sum(1 for e in got if e[1] == "hashtag") > 100 and sum(1 for e in got if e[1] == "link") > 50


def _bluesky_records(value):
    """(post uri, record) of every post view or post record in a Bluesky API body."""
    if isinstance(value, dict):
        for key in ("record", "value"):  # a post view's record; a repo record's value (listRecords)
            if str(value.get("uri", "")).startswith("at://") and isinstance(value.get(key), dict) \
                    and value[key].get("$type") == "app.bsky.feed.post":
                yield value["uri"], value[key]
        for item in value.values():
            yield from _bluesky_records(item)
    elif isinstance(value, list):
        for item in value:
            yield from _bluesky_records(item)


def test_bluesky_facets_and_external_embeds(store, shared_data, tmp_path):
    expected = set()
    for post_id, record in _loaded_recorded_posts(
            store, shared_data, tmp_path, "bluesky_bskyr_vcr_fixtures",
            lambda body: (("bluesky:" + uri, record) for uri, record in _bluesky_records(body))):
        for facet in record.get("facets") or []:
            for feature in facet.get("features") or []:
                if feature.get("$type") == "app.bsky.richtext.facet#link" and \
                        str(feature.get("uri", "")).startswith(("http://", "https://")):
                    expected.add((post_id, "link", feature["uri"]))
                elif feature.get("$type") == "app.bsky.richtext.facet#tag" and feature.get("tag"):
                    expected.add((post_id, "hashtag", feature["tag"].lower()))
        embed = record.get("embed") or {}
        external = (embed.get("external") or (embed.get("media") or {}).get("external") or {}).get("uri", "")
        if external.startswith(("http://", "https://")):
            expected.add((post_id, "link", external))
    assert entities(store) == expected
    assert sum(1 for e in expected if e[1] == "hashtag") > 50


def test_slack_message_links(store, shared_data):
    wb.load(store, shared_file(shared_data, "slack_export_viewer_testarchive", "testarchive.zip"))
    links = store.sql("SELECT value FROM post_entities WHERE entity = 'link'").df()["value"]
    assert len(links) > 0 and not links.str.contains(r"[|>]").any()  # <https://url|label> read as the URL


def test_an_older_workspace_fills_its_entities_when_the_export_is_loaded_again(tmp_path, shared_data):
    import duckdb

    path = shared_file(shared_data, "reddit_pushshift_comments_2005_2006", "RC_2005-12.zst")
    db = tmp_path / "old.duckdb"
    with wb.open(db) as store:
        wb.load(store, path)
        expected = entities(store)
    con = duckdb.connect(str(db))  # as schema version 4 left it: no post_entities
    con.execute("DROP TABLE post_entities")
    con.execute("UPDATE workbench_meta SET value = '4' WHERE key = 'schema_version'")
    con.close()
    with wb.open(db, read_only=True) as store:
        assert store.counts()["post_entities"] == 0
    with wb.open(db) as store:
        again = wb.load(store, path)
        assert again.files[0].already_loaded_as is None and again.new_entities == len(expected) > 0
        assert again.new_posts == 0 and entities(store) == expected
        assert wb.load(store, path).files[0].already_loaded_as is not None  # and then nothing changes
