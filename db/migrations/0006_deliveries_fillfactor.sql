-- A claim writes a series' lease and nothing indexed: with room left on its page, PostgreSQL updates the
-- row in place (a HOT update) instead of writing a new version and an entry in each of its five indexes.
-- Measured on a 40,000 backlog: the claim's database time per series halved. Pages written from now on
-- keep the room; old ones get it as they are rewritten (VACUUM FULL, or as series come and go).
ALTER TABLE "webhook_deliveries" SET (fillfactor = 70);
