CREATE TABLE "public_incidents" (
	"incident_key" text PRIMARY KEY NOT NULL,
	"title" text NOT NULL,
	"status" text NOT NULL,
	"components" jsonb DEFAULT '{}'::jsonb NOT NULL,
	"opened_at" timestamp with time zone NOT NULL,
	"updated_at" timestamp with time zone NOT NULL,
	"resolved_at" timestamp with time zone
);
--> statement-breakpoint
CREATE TABLE "public_updates" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"incident_key" text NOT NULL,
	"sequence" integer NOT NULL,
	"verb" text NOT NULL,
	"text" text NOT NULL,
	"components" jsonb DEFAULT '[]'::jsonb NOT NULL,
	"published_at" timestamp with time zone NOT NULL,
	CONSTRAINT "public_updates_incident_sequence" UNIQUE("incident_key","sequence")
);
--> statement-breakpoint
ALTER TABLE "public_incidents" ADD CONSTRAINT "public_incidents_incident_key_incidents_key_fk" FOREIGN KEY ("incident_key") REFERENCES "public"."incidents"("key") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "public_updates" ADD CONSTRAINT "public_updates_incident_key_public_incidents_incident_key_fk" FOREIGN KEY ("incident_key") REFERENCES "public"."public_incidents"("incident_key") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "public_incidents_status_idx" ON "public_incidents" USING btree ("status","resolved_at");--> statement-breakpoint
CREATE INDEX "public_updates_published_idx" ON "public_updates" USING btree ("published_at");