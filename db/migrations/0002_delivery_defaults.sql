ALTER TABLE "webhook_deliveries" ALTER COLUMN "message_id" SET DEFAULT 'msg_' || rtrim(translate(encode(decode(replace(gen_random_uuid()::text, '-', ''), 'hex'), 'base64'), '+/', '-_'), '=');--> statement-breakpoint
-- The queue table churns: every attempt inserts a row, leases it and completes it. Room on each page
-- keeps the lease update HOT, and an earlier autovacuum keeps dead rows out of the claim's index walk.
ALTER TABLE "webhook_deliveries" SET (fillfactor = 80, autovacuum_vacuum_scale_factor = 0.02, autovacuum_vacuum_insert_scale_factor = 0.02, autovacuum_analyze_scale_factor = 0.02);
