ALTER TABLE "webhooks" ADD COLUMN "headers" jsonb DEFAULT '[]'::jsonb NOT NULL;--> statement-breakpoint
ALTER TABLE "webhook_attempts" ADD COLUMN "custom_headers" text;