-- Up Migration
-- The per-topic counts of 004, kept once per statement instead of once per row: a statement's
-- added, removed or re-topicked items (its transition tables) change each topic's count by one
-- UPDATE, so a bulk load (`COPY`, importItems' multi-row INSERT) no longer runs a trigger per item.
DROP TRIGGER items_recounted ON items;
DROP TRIGGER items_counted ON items;
DROP FUNCTION briefcast_item_counts();

CREATE FUNCTION briefcast_items_added() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  INSERT INTO item_counts (topic, n) SELECT topic, count(*) FROM added_items GROUP BY topic
    ON CONFLICT (topic) DO UPDATE SET n = item_counts.n + EXCLUDED.n;
  RETURN NULL;
END
$$;
CREATE FUNCTION briefcast_items_removed() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  UPDATE item_counts c SET n = c.n - r.n
    FROM (SELECT topic, count(*) AS n FROM removed_items GROUP BY topic) r
    WHERE c.topic = r.topic;
  RETURN NULL;
END
$$;
-- PostgreSQL allows no transition tables on an `UPDATE OF topic` trigger, so this one sees every
-- update of items and counts only those whose topic changed.
CREATE FUNCTION briefcast_items_moved() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  UPDATE item_counts c SET n = c.n - m.n
    FROM (SELECT o.topic, count(*) AS n FROM old_items o JOIN new_items w ON w.id = o.id
          WHERE o.topic IS DISTINCT FROM w.topic GROUP BY o.topic) m
    WHERE c.topic = m.topic;
  INSERT INTO item_counts (topic, n)
    SELECT w.topic, count(*) FROM old_items o JOIN new_items w ON w.id = o.id
      WHERE o.topic IS DISTINCT FROM w.topic GROUP BY w.topic
    ON CONFLICT (topic) DO UPDATE SET n = item_counts.n + EXCLUDED.n;
  RETURN NULL;
END
$$;
CREATE TRIGGER items_added AFTER INSERT ON items
  REFERENCING NEW TABLE AS added_items FOR EACH STATEMENT EXECUTE FUNCTION briefcast_items_added();
CREATE TRIGGER items_removed AFTER DELETE ON items
  REFERENCING OLD TABLE AS removed_items FOR EACH STATEMENT EXECUTE FUNCTION briefcast_items_removed();
CREATE TRIGGER items_moved AFTER UPDATE ON items
  REFERENCING OLD TABLE AS old_items NEW TABLE AS new_items
  FOR EACH STATEMENT EXECUTE FUNCTION briefcast_items_moved();

-- Down Migration
DROP TRIGGER items_moved ON items;
DROP TRIGGER items_removed ON items;
DROP TRIGGER items_added ON items;
DROP FUNCTION briefcast_items_moved();
DROP FUNCTION briefcast_items_removed();
DROP FUNCTION briefcast_items_added();
CREATE FUNCTION briefcast_item_counts() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP IN ('DELETE', 'UPDATE') THEN
    UPDATE item_counts SET n = n - 1 WHERE topic = OLD.topic;
  END IF;
  IF TG_OP IN ('INSERT', 'UPDATE') THEN
    INSERT INTO item_counts (topic, n) VALUES (NEW.topic, 1)
      ON CONFLICT (topic) DO UPDATE SET n = item_counts.n + 1;
  END IF;
  RETURN NULL;
END
$$;
CREATE TRIGGER items_counted AFTER INSERT OR DELETE ON items
  FOR EACH ROW EXECUTE FUNCTION briefcast_item_counts();
CREATE TRIGGER items_recounted AFTER UPDATE OF topic ON items
  FOR EACH ROW WHEN (OLD.topic IS DISTINCT FROM NEW.topic) EXECUTE FUNCTION briefcast_item_counts();
