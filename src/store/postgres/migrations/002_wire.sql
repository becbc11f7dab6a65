-- Up Migration
-- The news wire (src/wire/store.ts): feeds, the entry keys each feed has shown, drafts, and each
-- editor's notification cursor. Stands on its own: nothing here refers to the core tables.

-- Ids are never reused: `/feed remove 3`, `/wire publish 12` name them.
CREATE SEQUENCE wire_feed_id AS bigint START 1;
CREATE SEQUENCE wire_draft_id AS bigint START 1;
-- The order keys were first seen in, across all feeds: the oldest are forgotten first.
CREATE SEQUENCE wire_seen_order AS bigint START 1;

-- A feed as the editor added it and its polls left it: every field of `Feed` but its id, as JSON
-- (optional fields are absent, not null), so an added field needs no migration.
CREATE TABLE wire_feeds (
  id bigint PRIMARY KEY DEFAULT nextval('wire_feed_id'),
  doc jsonb NOT NULL
);
ALTER SEQUENCE wire_feed_id OWNED BY wire_feeds.id;

CREATE TABLE wire_seen (
  feed_id bigint NOT NULL,
  key text NOT NULL,
  seen_order bigint NOT NULL DEFAULT nextval('wire_seen_order'),
  PRIMARY KEY (feed_id, key)
);
ALTER SEQUENCE wire_seen_order OWNED BY wire_seen.seen_order;
-- Serves the trim to the newest MAX_SEEN_KEYS_PER_FEED of a feed.
CREATE INDEX wire_seen_by_age ON wire_seen (feed_id, seen_order);

-- A draft: its state as a column (the compare-and-set and the listings ask it), the rest of `Draft`
-- but its id as JSON. Decided drafts outlive their feed (they name items), so no foreign key.
CREATE TABLE wire_drafts (
  id bigint PRIMARY KEY DEFAULT nextval('wire_draft_id'),
  state text NOT NULL CHECK (state IN ('waiting', 'published', 'skipped')),
  feed_id bigint NOT NULL GENERATED ALWAYS AS ((doc ->> 'feedId')::bigint) STORED,
  doc jsonb NOT NULL
);
ALTER SEQUENCE wire_draft_id OWNED BY wire_drafts.id;
-- `/wire` lists drafts in a state, newest first.
CREATE INDEX wire_drafts_by_state ON wire_drafts (state, id);
-- Removing a feed drops its waiting drafts.
CREATE INDEX wire_drafts_by_feed ON wire_drafts (feed_id) WHERE state = 'waiting';

CREATE TABLE wire_editor_cursors (
  editor text PRIMARY KEY,
  draft_id bigint NOT NULL
);

-- Down Migration
DROP TABLE wire_editor_cursors;
DROP TABLE wire_drafts;
DROP TABLE wire_seen;
DROP TABLE wire_feeds;
