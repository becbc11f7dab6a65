-- Up Migration
-- Writes that a lost connection makes the store send again (src/store/postgres/retry.ts) give the
-- same answer the first time would have, when that first time did commit and only its answer was
-- lost. Each call makes one token (a uuid) before its first attempt and writes it with its work:
--
-- - items.add_key: the token of the addItem call that stored the item. A retry's INSERT meets the
--   unique index (waiting for the first attempt's transaction if it is still open) and reads the
--   item already stored instead of storing it twice. Imported items have none.
-- - deliveries.claim_token: the token of the claimDue call that took the claim. A retried page
--   first returns the rows the lost commit claimed for this owner. Not indexed, so a claim stays a
--   heap-only update (003); the retry finds its rows by walking the due index.
-- - deliveries.outcome_token: the token of the outcome batch that last wrote the row. A retried
--   batch counts a row already carrying its token as recorded (and changes nothing in it).
-- - write_results: the answer of every other write whose answer a second run could not give (a
--   delete, a pause, a chat move, a sign-in link's use), under its call's token, written in the
--   write's own transaction. A retry's insert of the token meets the primary key and reads the
--   answer stored. Kept an hour (a retry comes within about 30 s), trimmed by the writes themselves.
ALTER TABLE items ADD COLUMN add_key uuid;
CREATE UNIQUE INDEX items_add_key ON items (add_key) WHERE add_key IS NOT NULL;

ALTER TABLE deliveries ADD COLUMN claim_token uuid, ADD COLUMN outcome_token uuid;

CREATE TABLE write_results (
  token uuid PRIMARY KEY,
  written_at timestamptz NOT NULL DEFAULT now(),
  result jsonb
);
CREATE INDEX write_results_written ON write_results (written_at);

-- Down Migration
DROP TABLE write_results;
ALTER TABLE deliveries DROP COLUMN outcome_token, DROP COLUMN claim_token;
DROP INDEX items_add_key;
ALTER TABLE items DROP COLUMN add_key;
