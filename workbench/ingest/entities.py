"""The links and hashtags of posts (``post_entities``), taken where each export says them best.

A post's links and hashtags are what a community shares and rallies around (notebook 02 lists the
most used per community). Counting them in the stored text would be wrong for most exports: Twitter
text holds ``t.co`` short links, Mastodon text is HTML, and a URL's fragment looks like a hashtag
(``wiki/The_Fresh_Prince_of_Bel-Air#Carlton_Banks``). So each loader stages them into
``stage_post_entities(post_id, entity, value)`` from the export's own structure:

- **twitter-v2 / twitter-v1**: the expanded URLs of ``entities.urls`` (media links and the link of a
  quoted tweet left out) and ``entities.hashtags``; twarc-csv's ``entities.urls`` and
  ``entities.hashtags`` columns (lists of URLs and ``#tags``, or the entity objects).
- **mastodon**: ``tags`` and the ``href`` of the content's links that are not mentions or hashtags,
  and the preview ``card``'s URL.
- **bluesky**: the record's facets (``#link`` URIs, ``#tag`` tags) and an external embed's URI.
- **reddit**: the URLs in a comment's body or a submission's text, and a link submission's ``url``;
  **discord** and **slack**: the URLs in the message text. Hashtags, where people type them, from
  the text with its URLs taken out: :func:`stage_from_text` (``queries/ingest/entities.sql``).

Values: a URL as the export gives it (expanded, ``&amp;`` read as ``&``); a hashtag in lower case
without ``#``. The merge keeps one copy per post (a post's first load with any wins).

Examples
--------
>>> import tempfile, pathlib, json
>>> import workbench as wb
>>> path = pathlib.Path(tempfile.mkdtemp()) / "RC_x.jsonl"
>>> _ = path.write_text(json.dumps({"id": "c1", "author": "ann", "created_utc": 1136073600, "subreddit": "tv",
...     "link_id": "t3_s1", "parent_id": "t3_s1",
...     "body": "[Carlton](http://en.wikipedia.org/wiki/Fresh_Prince#Carlton_Banks) #dance"}) + "\\n")
>>> store = wb.open(":memory:")
>>> _ = wb.load(store, path)
>>> store.sql("SELECT entity, value FROM post_entities ORDER BY entity").fetchall()
[('hashtag', 'dance'), ('link', 'http://en.wikipedia.org/wiki/Fresh_Prince#Carlton_Banks')]
"""

from __future__ import annotations

from typing import Any

__all__ = ["stage_from_text", "ENTITIES"]

#: The kinds of entity ``post_entities.entity`` holds.
ENTITIES = ("link", "hashtag")


def stage_from_text(ctx: Any) -> None:
    """Stage the links and hashtags found in the text of the staged posts (``ingest.text_entities``).

    For exports without entities (Reddit, Discord, Slack); called at the end of their ``stage``.
    """
    ctx.run("ingest.text_entities")
