CREATE TABLE "webhook_deliveries" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"webhook_id" integer NOT NULL,
	"message_id" text NOT NULL,
	"event" text NOT NULL,
	"trigger" text DEFAULT 'event' NOT NULL,
	"redelivery" boolean DEFAULT false NOT NULL,
	"attempt" integer DEFAULT 1 NOT NULL,
	"state" text DEFAULT 'pending' NOT NULL,
	"payload" text NOT NULL,
	"changed_fields" text,
	"next_attempt_date" timestamp (6) with time zone DEFAULT now(),
	"lease_until" timestamp (6) with time zone,
	"status_code" integer,
	"request_duration" integer,
	"request_headers" jsonb,
	"response_headers" jsonb,
	"response" text,
	"created_date" timestamp (6) with time zone DEFAULT now() NOT NULL,
	"updated_date" timestamp (6) with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "webhooks" (
	"id" serial PRIMARY KEY NOT NULL,
	"target_url" text NOT NULL,
	"description" text DEFAULT '' NOT NULL,
	"type" text NOT NULL,
	"content_type" text DEFAULT 'application/json' NOT NULL,
	"secret" text,
	"previous_secret" text,
	"previous_secret_expires" timestamp (6) with time zone,
	"is_active" boolean DEFAULT true NOT NULL,
	"enable_ssl" boolean DEFAULT true NOT NULL,
	"events" text[] DEFAULT '{}'::text[] NOT NULL,
	"owner_id" integer,
	"project_id" integer,
	"organization_id" integer,
	"disabled_reason" text,
	"failing_since" timestamp (6) with time zone,
	"backoff_until" timestamp (6) with time zone,
	"consecutive_failures" integer DEFAULT 0 NOT NULL,
	"retired_date" timestamp (6) with time zone,
	"created_date" timestamp (6) with time zone DEFAULT now() NOT NULL,
	"updated_date" timestamp (6) with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
ALTER TABLE "webhook_deliveries" ADD CONSTRAINT "webhook_deliveries_webhook_id_webhooks_id_fk" FOREIGN KEY ("webhook_id") REFERENCES "public"."webhooks"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "webhooks" ADD CONSTRAINT "webhooks_owner_id_users_id_fk" FOREIGN KEY ("owner_id") REFERENCES "public"."users"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "webhooks" ADD CONSTRAINT "webhooks_project_id_projects_id_fk" FOREIGN KEY ("project_id") REFERENCES "public"."projects"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "webhooks" ADD CONSTRAINT "webhooks_organization_id_organizations_id_fk" FOREIGN KEY ("organization_id") REFERENCES "public"."organizations"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "webhook_deliveries_due_idx" ON "webhook_deliveries" USING btree ("next_attempt_date","id") WHERE state = 'pending' and status_code is null;--> statement-breakpoint
CREATE INDEX "webhook_deliveries_webhook_idx" ON "webhook_deliveries" USING btree ("webhook_id","id");--> statement-breakpoint
CREATE INDEX "webhook_deliveries_created_idx" ON "webhook_deliveries" USING btree ("created_date");--> statement-breakpoint
CREATE INDEX "webhooks_org_idx" ON "webhooks" USING btree ("organization_id");--> statement-breakpoint
CREATE INDEX "webhooks_project_idx" ON "webhooks" USING btree ("project_id");--> statement-breakpoint
CREATE INDEX "webhooks_owner_idx" ON "webhooks" USING btree ("owner_id");