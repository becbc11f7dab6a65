-- Up Migration
-- The claim's path (src/store/postgres/store.ts, claimDue), measured on 1,000,000 subscriptions:
--
-- - The due index gets the platform after the zone: the engine claims one platform at a time, and
--   each zone's walk then reads only that platform's rows (before, every due row of the other
--   platforms was fetched from the heap and filtered out, on every page).
-- - The walk is bounded by a row comparison, (due_from, delivery_time) <= (date, cutoff): it ends at
--   the cutoff instead of running on through every subscription due later today (40 % of the
--   rows), which a zone already claimed to its end read again on every page.
-- - Room on each page of deliveries (fillfactor 80): a claim changes only the claim columns, none
--   indexed, so PostgreSQL writes it as a heap-only (HOT) update on the same page, without a new
--   entry in each index. An outcome changes due_from and still updates the indexes.
DROP INDEX deliveries_due;
CREATE INDEX deliveries_due ON deliveries (timezone, platform, due_from, delivery_time) WHERE active;
ALTER TABLE deliveries SET (fillfactor = 80);

-- Down Migration
ALTER TABLE deliveries RESET (fillfactor);
DROP INDEX deliveries_due;
CREATE INDEX deliveries_due ON deliveries (timezone, due_from, delivery_time) WHERE active;
