CREATE TABLE "webhook_rate_buckets" (
	"webhook_id" integer PRIMARY KEY NOT NULL,
	"tokens" double precision NOT NULL,
	"refilled_date" timestamp (6) with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
ALTER TABLE "webhooks" ADD COLUMN "rate_limit" integer;--> statement-breakpoint
ALTER TABLE "webhooks" ADD COLUMN "ordering" text DEFAULT 'unordered' NOT NULL;--> statement-breakpoint
ALTER TABLE "webhook_rate_buckets" ADD CONSTRAINT "webhook_rate_buckets_webhook_id_webhooks_id_fk" FOREIGN KEY ("webhook_id") REFERENCES "public"."webhooks"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "webhook_deliveries_pending_idx" ON "webhook_deliveries" USING btree ("webhook_id","id") WHERE state = 'pending';