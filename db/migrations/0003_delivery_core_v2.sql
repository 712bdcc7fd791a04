-- Delivery core v2: the one table that was queue, log and payload store at once becomes three
-- (webhook_messages, webhook_deliveries, webhook_attempts), and endpoint health leaves `webhooks` for a
-- table of its own. Every existing record is carried over: each attempt keeps its id (links to
-- /deliveries/{id} still work), each series its `webhook-id`, each pending series its due date.

-- The old table steps aside; its rows are read below, then it goes.
ALTER TABLE "webhook_deliveries" RENAME TO "webhook_deliveries_v1";--> statement-breakpoint
ALTER TABLE "webhook_deliveries_v1" RENAME CONSTRAINT "webhook_deliveries_pkey" TO "webhook_deliveries_v1_pkey";--> statement-breakpoint
ALTER TABLE "webhook_deliveries_v1" DROP CONSTRAINT "webhook_deliveries_webhook_id_webhooks_id_fk";--> statement-breakpoint
ALTER SEQUENCE "webhook_deliveries_id_seq" RENAME TO "webhook_deliveries_v1_id_seq";--> statement-breakpoint
DROP INDEX "webhook_deliveries_due_idx";--> statement-breakpoint
DROP INDEX "webhook_deliveries_webhook_idx";--> statement-breakpoint
DROP INDEX "webhook_deliveries_created_idx";--> statement-breakpoint

CREATE TABLE "webhook_messages" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"event" text NOT NULL,
	"resource_type" text,
	"resource_id" text,
	"organization_id" integer,
	"project_id" integer,
	"sender_id" integer,
	"payload" bytea NOT NULL,
	"changed_fields" text,
	"created_date" timestamp (6) with time zone DEFAULT now() NOT NULL
);--> statement-breakpoint
CREATE INDEX "webhook_messages_created_idx" ON "webhook_messages" USING btree ("created_date");--> statement-breakpoint

CREATE FUNCTION herald_time_ordered_uuid() RETURNS uuid LANGUAGE sql VOLATILE AS $$
  SELECT (lpad(to_hex((extract(epoch FROM clock_timestamp()) * 1000)::bigint), 12, '0') || substr(md5(gen_random_uuid()::text), 1, 20))::uuid
$$;--> statement-breakpoint
CREATE TABLE "webhook_deliveries" (
	"id" bigserial NOT NULL,
	"message_id" bigint NOT NULL,
	"webhook_id" integer NOT NULL,
	"key" uuid DEFAULT herald_time_ordered_uuid() NOT NULL,
	"trigger" text DEFAULT 'event' NOT NULL,
	"redelivery" boolean DEFAULT false NOT NULL,
	"state" text DEFAULT 'pending' NOT NULL,
	"attempts" smallint DEFAULT 0 NOT NULL,
	"next_attempt_date" timestamp (6) with time zone DEFAULT now(),
	"lease_until" timestamp (6) with time zone,
	"last_attempt_date" timestamp (6) with time zone,
	"created_date" timestamp (6) with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "webhook_deliveries_pkey" PRIMARY KEY("webhook_id","id")
);--> statement-breakpoint
ALTER TABLE "webhook_deliveries" ADD CONSTRAINT "webhook_deliveries_message_id_webhook_messages_id_fk" FOREIGN KEY ("message_id") REFERENCES "public"."webhook_messages"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "webhook_deliveries" ADD CONSTRAINT "webhook_deliveries_webhook_id_webhooks_id_fk" FOREIGN KEY ("webhook_id") REFERENCES "public"."webhooks"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "webhook_deliveries_due_idx" ON "webhook_deliveries" USING btree ("next_attempt_date","id") WHERE state = 'pending';--> statement-breakpoint
CREATE INDEX "webhook_deliveries_message_idx" ON "webhook_deliveries" USING btree ("message_id");--> statement-breakpoint
CREATE INDEX "webhook_deliveries_key_idx" ON "webhook_deliveries" USING btree ("key");--> statement-breakpoint
-- The queue churns (leased, then ended): room on each page keeps the lease update HOT, and an early
-- autovacuum keeps dead rows out of the claim's index walk.
ALTER TABLE "webhook_deliveries" SET (fillfactor = 90, autovacuum_vacuum_scale_factor = 0.02, autovacuum_vacuum_insert_scale_factor = 0.02, autovacuum_analyze_scale_factor = 0.02);--> statement-breakpoint

-- The attempt log, one partition a day (UTC) and a default one for a row whose day has none yet
-- (herald_create_attempt_partition moves such rows into their day when it is created).
-- No foreign keys: a log insert must never wait on a lock of the rows it describes.
CREATE TABLE "webhook_attempts" (
	"id" bigserial NOT NULL,
	"delivery_id" bigint NOT NULL,
	"webhook_id" integer NOT NULL,
	"attempt" smallint NOT NULL,
	"sent_date" timestamp (6) with time zone NOT NULL,
	"request_duration" integer,
	"status_code" smallint,
	"error_kind" text,
	"response" text,
	"response_headers" text,
	"signatures" bytea
) PARTITION BY RANGE ("sent_date");--> statement-breakpoint
CREATE INDEX "webhook_attempts_webhook_idx" ON "webhook_attempts" USING btree ("webhook_id","id");--> statement-breakpoint
CREATE INDEX "webhook_attempts_delivery_idx" ON "webhook_attempts" USING btree ("delivery_id");--> statement-breakpoint
CREATE TABLE "webhook_attempts_default" PARTITION OF "webhook_attempts" DEFAULT;--> statement-breakpoint

-- Creates the partition of one UTC day if it is missing; false when it existed. Safe to call from
-- several processes at once (an advisory lock serializes them).
CREATE FUNCTION herald_create_attempt_partition(day date) RETURNS boolean LANGUAGE plpgsql AS $$
DECLARE
  name text := 'webhook_attempts_' || to_char(day, 'YYYYMMDD');
  lo timestamptz := day::timestamp AT TIME ZONE 'UTC';
  hi timestamptz := (day + 1)::timestamp AT TIME ZONE 'UTC';
BEGIN
  PERFORM pg_advisory_xact_lock(hashtext('herald_create_attempt_partition'));
  IF to_regclass(name) IS NOT NULL THEN
    RETURN false;
  END IF;
  IF EXISTS (SELECT 1 FROM webhook_attempts_default WHERE sent_date >= lo AND sent_date < hi) THEN
    -- Rows written before their day had a partition move into it, or the attach would refuse.
    EXECUTE format('CREATE TABLE %I (LIKE webhook_attempts INCLUDING DEFAULTS)', name);
    EXECUTE format('WITH moved AS (DELETE FROM webhook_attempts_default WHERE sent_date >= %L AND sent_date < %L RETURNING *) INSERT INTO %I SELECT * FROM moved', lo, hi, name);
    EXECUTE format('ALTER TABLE webhook_attempts ATTACH PARTITION %I FOR VALUES FROM (%L) TO (%L)', name, lo, hi);
  ELSE
    EXECUTE format('CREATE TABLE %I PARTITION OF webhook_attempts FOR VALUES FROM (%L) TO (%L)', name, lo, hi);
  END IF;
  RETURN true;
END $$;--> statement-breakpoint

CREATE TABLE "webhook_health" (
	"webhook_id" integer PRIMARY KEY NOT NULL,
	"consecutive_failures" integer DEFAULT 0 NOT NULL,
	"failing_since" timestamp (6) with time zone,
	"paused_until" timestamp (6) with time zone,
	"last_attempt_date" timestamp (6) with time zone,
	"last_status_code" smallint,
	"last_success_date" timestamp (6) with time zone
);--> statement-breakpoint
ALTER TABLE "webhook_health" ADD CONSTRAINT "webhook_health_webhook_id_webhooks_id_fk" FOREIGN KEY ("webhook_id") REFERENCES "public"."webhooks"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint

-- Carrying the old rows over. A series of the old table is its rows of one webhook, message id and
-- trigger, a redelivery starting a new one at attempt 1; a message is one webhook's copy of an event.
CREATE TABLE "herald_v1_rows" AS
SELECT r.*, r.webhook_id || ' ' || r.message_id AS message_label, r.webhook_id || ' ' || r.message_id || ' ' || r.trigger || ' ' || r.run AS series_label,
  r.status_code IS NOT NULL OR r.state IN ('delivered', 'failed', 'refused') AS is_attempt
FROM (
  SELECT d.*, sum((d.attempt = 1)::int) OVER (PARTITION BY d.webhook_id, d.message_id, d.trigger ORDER BY d.id) AS run
  FROM "webhook_deliveries_v1" d
) r;--> statement-breakpoint
CREATE TABLE "herald_v1_messages" AS
SELECT message_label, row_number() OVER (ORDER BY min(id)) AS new_id, min(id) AS first_row FROM "herald_v1_rows" GROUP BY message_label;--> statement-breakpoint
CREATE TABLE "herald_v1_series" AS
SELECT series_label, row_number() OVER (ORDER BY min(id)) AS new_id, min(id) AS first_row, max(id) AS last_row, count(*) FILTER (WHERE is_attempt) AS attempts,
  max(updated_date) FILTER (WHERE is_attempt) AS last_attempt
FROM "herald_v1_rows" GROUP BY series_label;--> statement-breakpoint

-- Old payloads are whole bodies, kept as they are (the first byte 0 says so, see lib/webhooks/payloads.ts).
INSERT INTO "webhook_messages" ("id", "event", "resource_type", "resource_id", "organization_id", "project_id", "sender_id", "payload", "changed_fields", "created_date")
SELECT m.new_id, r.event,
  CASE WHEN r.event LIKE '%:%' THEN split_part(r.event, ':', 2) END,
  CASE WHEN r.event LIKE '%:%' THEN coalesce(r.payload::jsonb -> split_part(r.event, ':', 2) ->> 'id', r.payload::jsonb -> split_part(r.event, ':', 2) ->> 'key') END,
  w.organization_id, w.project_id, (r.payload::jsonb -> 'sender' ->> 'id')::int,
  '\x00'::bytea || convert_to(r.payload, 'UTF8'), r.changed_fields, r.created_date
FROM "herald_v1_messages" m JOIN "herald_v1_rows" r ON r.id = m.first_row LEFT JOIN "webhooks" w ON w.id = r.webhook_id;--> statement-breakpoint
SELECT setval(pg_get_serial_sequence('webhook_messages', 'id'), coalesce(max("id"), 0) + 1, false) FROM "webhook_messages";--> statement-breakpoint

-- The `webhook-id` header was `msg_` + 16 random bytes in base64url: the same bytes as a uuid.
INSERT INTO "webhook_deliveries" ("id", "message_id", "webhook_id", "key", "trigger", "redelivery", "state", "attempts", "next_attempt_date", "lease_until", "last_attempt_date", "created_date")
SELECT s.new_id, m.new_id, f.webhook_id,
  CASE WHEN f.message_id ~ '^msg_[A-Za-z0-9_-]{22}$'
    THEN encode(decode(translate(substr(f.message_id, 5), '-_', '+/') || '==', 'base64'), 'hex')::uuid
    ELSE md5(f.message_id)::uuid END,
  f.trigger, f.redelivery,
  CASE WHEN l.state = 'pending' AND NOT l.is_attempt THEN 'pending' WHEN l.state IN ('delivered', 'cancelled') THEN l.state ELSE 'failed' END,
  s.attempts,
  CASE WHEN l.state = 'pending' AND NOT l.is_attempt THEN l.next_attempt_date END,
  NULL, s.last_attempt, f.created_date
FROM "herald_v1_series" s
JOIN "herald_v1_rows" f ON f.id = s.first_row
JOIN "herald_v1_rows" l ON l.id = s.last_row
JOIN "herald_v1_messages" m ON m.message_label = f.message_label;--> statement-breakpoint
SELECT setval(pg_get_serial_sequence('webhook_deliveries', 'id'), coalesce(max("id"), 0) + 1, false) FROM "webhook_deliveries";--> statement-breakpoint

SELECT herald_create_attempt_partition(d::date) FROM generate_series(
  least((SELECT min(updated_date) FROM "webhook_deliveries_v1"), now()) AT TIME ZONE 'UTC',
  (now() AT TIME ZONE 'UTC') + interval '7 days',
  interval '1 day') AS d;--> statement-breakpoint

-- Each attempt keeps its id; the time it was sent is the one its `webhook-timestamp` header said.
INSERT INTO "webhook_attempts" ("id", "delivery_id", "webhook_id", "attempt", "sent_date", "request_duration", "status_code", "error_kind", "response", "response_headers", "signatures")
SELECT r.id, s.new_id, r.webhook_id, r.attempt,
  CASE WHEN (r.request_headers ->> 'webhook-timestamp') ~ '^\d+$'
      AND floor(extract(epoch FROM r.updated_date) - coalesce(r.request_duration, 0) / 1000.0) <> (r.request_headers ->> 'webhook-timestamp')::bigint
    THEN to_timestamp((r.request_headers ->> 'webhook-timestamp')::bigint)
    ELSE r.updated_date - make_interval(secs => coalesce(r.request_duration, 0) / 1000.0) END,
  r.request_duration, r.status_code,
  CASE WHEN r.state = 'refused' THEN 'refused'
    WHEN r.status_code = 504 AND r.response_headers IS NULL THEN 'timeout'
    WHEN r.status_code = 502 AND r.response_headers IS NULL THEN 'network' END,
  r.response,
  (SELECT string_agg(h.key || ': ' || h.value, E'\n') FROM jsonb_each_text(r.response_headers) h),
  CASE WHEN r.request_headers ? 'x-signature-256' THEN
    decode(substr(r.request_headers ->> 'x-signature-256', 8), 'hex')
    || coalesce((SELECT string_agg(decode(substr(sig, 4), 'base64'), ''::bytea) FROM unnest(string_to_array(r.request_headers ->> 'webhook-signature', ' ')) sig), ''::bytea)
  END
FROM "herald_v1_rows" r JOIN "herald_v1_series" s ON s.series_label = r.series_label
WHERE r.is_attempt;--> statement-breakpoint
SELECT setval(pg_get_serial_sequence('webhook_attempts', 'id'), greatest((SELECT max("id") FROM "webhook_deliveries_v1"), 0) + 1, false);--> statement-breakpoint

INSERT INTO "webhook_health" ("webhook_id", "consecutive_failures", "failing_since", "paused_until", "last_attempt_date", "last_status_code", "last_success_date")
SELECT w.id, w.consecutive_failures, w.failing_since, w.backoff_until, last.sent_date, last.status_code,
  (SELECT max(a.sent_date) FROM "webhook_attempts" a WHERE a.webhook_id = w.id AND a.status_code BETWEEN 200 AND 299)
FROM "webhooks" w
LEFT JOIN LATERAL (SELECT a.sent_date, a.status_code FROM "webhook_attempts" a WHERE a.webhook_id = w.id ORDER BY a.id DESC LIMIT 1) last ON true;--> statement-breakpoint

DROP TABLE "herald_v1_rows";--> statement-breakpoint
DROP TABLE "herald_v1_messages";--> statement-breakpoint
DROP TABLE "herald_v1_series";--> statement-breakpoint
DROP TABLE "webhook_deliveries_v1";--> statement-breakpoint
ALTER TABLE "webhooks" DROP COLUMN "failing_since";--> statement-breakpoint
ALTER TABLE "webhooks" DROP COLUMN "backoff_until";--> statement-breakpoint
ALTER TABLE "webhooks" DROP COLUMN "consecutive_failures";
