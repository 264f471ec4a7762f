CREATE SEQUENCE "public"."sandbox_number_seq" INCREMENT BY 1 MINVALUE 1 MAXVALUE 9223372036854775807 START WITH 1 CACHE 1;--> statement-breakpoint
CREATE TABLE "sandboxes" (
	"key" text PRIMARY KEY NOT NULL,
	"number" integer NOT NULL,
	"incident_key" text NOT NULL,
	"requester" jsonb NOT NULL,
	"source" text NOT NULL,
	"seed" integer NOT NULL,
	"release_ref" text,
	"recreated_from" text,
	"ttl_seconds" integer NOT NULL,
	"status" text NOT NULL,
	"provenance" jsonb,
	"content_hash" text,
	"requested_at" timestamp with time zone NOT NULL,
	"ready_at" timestamp with time zone,
	"expires_at" timestamp with time zone,
	"ended_at" timestamp with time zone,
	"end_reason" text,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "sandboxes_number_unique" UNIQUE("number")
);
--> statement-breakpoint
ALTER TABLE "sandboxes" ADD CONSTRAINT "sandboxes_incident_key_incidents_key_fk" FOREIGN KEY ("incident_key") REFERENCES "public"."incidents"("key") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "sandboxes_incident_idx" ON "sandboxes" USING btree ("incident_key");--> statement-breakpoint
CREATE INDEX "sandboxes_status_idx" ON "sandboxes" USING btree ("status");