"""A deliberately small export format used to test the ingest framework on its own.

One JSON object per line: ``{"mini": 1, "id": "p1", "author": "a", "to": "b", "at": "2024-01-01T00:00:00Z"}``
makes a post by ``a`` and a mention ``a -> b`` (no ``to``: an unresolved target). Records without
``id`` are rejected with "missing id"; lines that are not JSON with "invalid JSON". A record with
``"explode": true`` makes the SQL fail, to test that a failing load leaves no trace but its
``failed`` row.
"""

NAME = "mini"
PLATFORM = "mini"
LAYOUT = "lines"


def sniff(sample) -> bool:
    return isinstance(sample.first, dict) and "mini" in sample.first


def stage(ctx) -> None:
    ctx.sql("""
        INSERT INTO stage_rejects (line_no, reason)
        SELECT line_no, 'invalid JSON' FROM raw_lines WHERE NOT json_valid(line);
        CREATE OR REPLACE TEMP TABLE mini_records AS
        SELECT line_no, line::JSON ->> 'id' AS id, line::JSON ->> 'author' AS author, line::JSON ->> 'to' AS target,
               (line::JSON ->> 'at')::TIMESTAMPTZ AS ts, coalesce((line::JSON ->> 'explode')::BOOLEAN, false) AS explode
        FROM raw_lines WHERE json_valid(line);
        INSERT INTO stage_rejects (line_no, reason) SELECT line_no, 'missing id' FROM mini_records WHERE id IS NULL;
        DELETE FROM mini_records WHERE id IS NULL;
        SELECT CASE WHEN explode THEN error('boom at line ' || line_no) END FROM mini_records;
        INSERT INTO stage_accounts (account_id, platform, handle, seen_at)
        SELECT $platform || ':' || author, $platform, author, ts FROM mini_records
        UNION ALL SELECT $platform || ':' || target, $platform, target, NULL FROM mini_records WHERE target IS NOT NULL;
        INSERT INTO stage_posts (post_id, platform, author_id, created_at, kind, collected, line_no)
        SELECT $platform || ':' || id, $platform, $platform || ':' || author, ts, 'post', true, line_no FROM mini_records;
        INSERT INTO stage_interactions
        SELECT $platform || ':' || author, CASE WHEN target IS NOT NULL THEN $platform || ':' || target END,
               'mention', $platform || ':' || id, ts, $platform
        FROM mini_records;
    """)
