-- The canonical tables of a workspace (every table and column is described in docs/schema.md).
-- Executed statement by statement when a workspace is created; every statement is idempotent.
-- Identifiers here are fixed names: later code and SQL rely on them.
-- posts and accounts have no PRIMARY KEY index: DuckDB holds such an index in memory whole when a
-- transaction changes it, which a workspace of a hundred million posts cannot afford; the ingest merge
-- (queries/ingest/merge.sql) inserts an id only when the workspace does not hold it yet.

CREATE TABLE IF NOT EXISTS workbench_meta (
    key   VARCHAR PRIMARY KEY,
    value VARCHAR NOT NULL
);

CREATE TABLE IF NOT EXISTS accounts (
    account_id   VARCHAR NOT NULL,      -- platform-qualified: twitter:783214, reddit:spez; unique (kept so by the merge)
    platform     VARCHAR NOT NULL,
    handle       VARCHAR,
    display_name VARCHAR,
    followers    BIGINT,                -- NULL when the export lacks it
    following    BIGINT,
    posts_count  BIGINT,
    created_at   TIMESTAMPTZ,
    is_focal     BOOLEAN NOT NULL DEFAULT false,
    seen_at      TIMESTAMPTZ            -- when the counters above were observed (newest wins on merge)
);

CREATE TABLE IF NOT EXISTS posts (
    post_id         VARCHAR NOT NULL,    -- platform-qualified like account ids; unique (kept so by the merge)
    platform        VARCHAR NOT NULL,
    author_id       VARCHAR,             -- NULL for deleted authors
    created_at      TIMESTAMPTZ,
    text            VARCHAR,
    lang            VARCHAR,
    parent_post_id  VARCHAR,
    conversation_id VARCHAR,
    channel         VARCHAR,             -- subreddit / Discord or Slack channel
    kind            VARCHAR NOT NULL,    -- post, reply, share, quote, comment
    like_count      BIGINT,
    share_count     BIGINT,
    reply_count     BIGINT,
    quote_count     BIGINT,
    collected       BOOLEAN NOT NULL,    -- false for context posts (twarc2 includes.tweets)
    load_id         BIGINT
);

CREATE TABLE IF NOT EXISTS interactions (
    source_id  VARCHAR NOT NULL,         -- acts on target_id
    target_id  VARCHAR NOT NULL,
    kind       VARCHAR NOT NULL,         -- reply, mention, share, quote, like, follow, comment, reaction
    post_id    VARCHAR,
    created_at TIMESTAMPTZ,
    platform   VARCHAR NOT NULL,
    load_id    BIGINT
);

CREATE SEQUENCE IF NOT EXISTS load_ids START 1;

CREATE TABLE IF NOT EXISTS loads (
    load_id          BIGINT PRIMARY KEY,
    path             VARCHAR NOT NULL,
    format           VARCHAR,
    sha256           VARCHAR,
    bytes            BIGINT,
    started_at       TIMESTAMPTZ NOT NULL,
    finished_at      TIMESTAMPTZ,
    records_read     BIGINT,
    records_loaded   BIGINT,
    records_rejected BIGINT,
    status           VARCHAR NOT NULL,   -- running, ok, failed
    platform         VARCHAR,
    interactions_loaded BIGINT,
    unresolved       BIGINT,             -- interaction targets that could not be resolved
    message          VARCHAR             -- why a failed load failed
);

-- Facts about accounts that no export carries: ground truth a researcher brings (a faction, a
-- department), node attributes of graph files (GML, GraphML, Pajek). One value per account and name;
-- a later load of the same name replaces the value (see workbench/attributes.py).
CREATE TABLE IF NOT EXISTS account_attributes (
    account_id VARCHAR NOT NULL,
    name       VARCHAR NOT NULL,         -- lower case: club, value, department
    value      VARCHAR NOT NULL,         -- the text the file gives
    load_id    BIGINT,                   -- the load that set it
    PRIMARY KEY (account_id, name)
);

-- The links and hashtags of posts, as the export's entities give them (Twitter's expanded URLs rather
-- than t.co, Mastodon tags, Bluesky facets) or, where it has none, as found in the text outside URLs
-- (Reddit, Discord, Slack). One row per post, entity and value (workbench/ingest/entities.py).
CREATE TABLE IF NOT EXISTS post_entities (
    post_id VARCHAR NOT NULL,
    entity  VARCHAR NOT NULL,            -- link, hashtag
    value   VARCHAR NOT NULL,            -- a URL; a hashtag in lower case without '#'
    load_id BIGINT
);

CREATE TABLE IF NOT EXISTS rejects (
    load_id BIGINT NOT NULL,
    path    VARCHAR NOT NULL,
    line_no BIGINT,                      -- 1-based line in the decompressed file
    reason  VARCHAR NOT NULL,
    raw     VARCHAR
);

CREATE SEQUENCE IF NOT EXISTS community_run_ids START 1;

CREATE TABLE IF NOT EXISTS community_runs (
    run_id        BIGINT PRIMARY KEY,
    method        VARCHAR NOT NULL,
    params        JSON,
    graph_spec    JSON,
    created_at    TIMESTAMPTZ NOT NULL,
    modularity    DOUBLE,
    n_communities BIGINT
);

CREATE TABLE IF NOT EXISTS memberships (
    run_id     BIGINT NOT NULL,
    account_id VARCHAR NOT NULL,
    community  BIGINT NOT NULL,
    PRIMARY KEY (run_id, account_id)
);

CREATE TABLE IF NOT EXISTS hashtag_memberships (
    -- The hashtag nodes of a community run on a hashtag graph (co-hashtag, or accounts x hashtags, whose
    -- account nodes go to memberships): memberships stays keyed by account.
    run_id    BIGINT NOT NULL,
    hashtag   VARCHAR NOT NULL,      -- as in post_entities: lower case, without '#'
    community BIGINT NOT NULL,
    PRIMARY KEY (run_id, hashtag)
);

CREATE SEQUENCE IF NOT EXISTS score_run_ids START 1;

CREATE TABLE IF NOT EXISTS account_scores (
    -- One row per account and scoring run (workbench/roles). The four scores are percentile ranks
    -- in [0, 1]; the raw inputs follow under their own names (documented in workbench/roles/scores.py).
    run_id                    BIGINT NOT NULL,    -- the scoring run (sequence score_run_ids)
    community_run_id          BIGINT,             -- the community run it used, NULL if none
    account_id                VARCHAR NOT NULL,
    visibility                DOUBLE,
    influence                 DOUBLE,
    reach                     DOUBLE,
    activity                  DOUBLE,
    role                      VARCHAR,            -- influencer, networker, hub, regular
    confidence                DOUBLE,             -- posterior probability of the role (workbench/roles/labels.py)
    influence_confidence      DOUBLE,             -- probability that influence stands out
    reach_confidence          DOUBLE,             -- probability that reach stands out
    shares_received           BIGINT,
    quotes_received           BIGINT,
    attention_received        BIGINT,             -- mentions, replies, shares and quotes received
    responders_per_post       DOUBLE,
    influence_rate            DOUBLE,             -- typical distinct responders per post, trimmed and shrunk
    influence_se              DOUBLE,
    exposed_partners          BIGINT,             -- distinct accounts that acted on it
    reach_estimate            DOUBLE,
    reach_se                  DOUBLE,
    mentions_received         BIGINT,
    replies_received          BIGINT,             -- replies and comments received
    amplification_received    BIGINT,             -- shares, quotes, replies and comments received
    posts_authored            BIGINT,
    amplification_per_post    DOUBLE,             -- scoring runs before schema 4
    amplification_consistency DOUBLE,             -- scoring runs before schema 4
    amplification_h_index     BIGINT,
    distinct_amplifiers       BIGINT,
    pagerank                  DOUBLE,
    influence_composite       DOUBLE,             -- scoring runs before schema 4
    followers                 BIGINT,
    unique_partners           BIGINT,
    reached_partners          BIGINT,             -- scoring runs before schema 4
    two_step_reach            BIGINT,             -- scoring runs before schema 4
    participation             DOUBLE,
    reach_composite           DOUBLE,             -- scoring runs before schema 4
    betweenness               DOUBLE,             -- estimated from sampled sources on large graphs
    kshell                    BIGINT,
    within_module_z           DOUBLE,
    ga_role                   VARCHAR,
    actions                   BIGINT,
    active_days               BIGINT,
    actions_per_active_day    DOUBLE,
    advocacy                  BIGINT,
    params                    JSON,               -- the scoring parameters, the same on every row of a run
    created_at                TIMESTAMPTZ,
    PRIMARY KEY (run_id, account_id)
);

CREATE SEQUENCE IF NOT EXISTS campaign_ids START 1;

CREATE TABLE IF NOT EXISTS campaigns (
    -- The decision log: what was done when (workbench/campaigns.py). A window is half-open, [start_at, end_at).
    campaign_id BIGINT PRIMARY KEY,     -- sequence campaign_ids
    name        VARCHAR NOT NULL,       -- unique (checked by workbench/campaigns.py)
    start_at    TIMESTAMPTZ NOT NULL,
    end_at      TIMESTAMPTZ NOT NULL,   -- exclusive
    hashtags    VARCHAR[] NOT NULL,     -- without '#', lower case; empty when none
    note        VARCHAR,
    source      VARCHAR NOT NULL,       -- manual, detected
    created_at  TIMESTAMPTZ NOT NULL,
    CHECK (end_at > start_at),
    CHECK (source IN ('manual', 'detected'))
);
