CREATE TABLE "webhook_deliveries" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"event_id" text NOT NULL,
	"subscriber" text NOT NULL,
	"type" text NOT NULL,
	"incident_key" text,
	"body" text NOT NULL,
	"status" text DEFAULT 'pending' NOT NULL,
	"attempts" integer DEFAULT 0 NOT NULL,
	"last_error" text,
	"occurred_at" timestamp with time zone NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"sending_until" timestamp with time zone,
	"delivered_at" timestamp with time zone,
	CONSTRAINT "webhook_deliveries_event_subscriber_uq" UNIQUE("event_id","subscriber")
);
--> statement-breakpoint
CREATE INDEX "webhook_deliveries_subscriber_occurred_idx" ON "webhook_deliveries" USING btree ("subscriber","occurred_at");--> statement-breakpoint
CREATE INDEX "webhook_deliveries_undelivered_idx" ON "webhook_deliveries" USING btree ("subscriber","occurred_at") WHERE "webhook_deliveries"."status" <> 'delivered';