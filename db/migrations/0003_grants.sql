CREATE SEQUENCE "public"."grant_number_seq" INCREMENT BY 1 MINVALUE 1 MAXVALUE 9223372036854775807 START WITH 1 CACHE 1;--> statement-breakpoint
CREATE TABLE "access_grants" (
	"key" text PRIMARY KEY NOT NULL,
	"number" integer NOT NULL,
	"incident_key" text NOT NULL,
	"requester" jsonb NOT NULL,
	"capabilities" text[] NOT NULL,
	"duration_seconds" integer NOT NULL,
	"reason" text NOT NULL,
	"status" text NOT NULL,
	"approvals" jsonb DEFAULT '[]'::jsonb NOT NULL,
	"credential_refs" jsonb DEFAULT '[]'::jsonb NOT NULL,
	"requested_at" timestamp with time zone NOT NULL,
	"activated_at" timestamp with time zone,
	"expires_at" timestamp with time zone,
	"ended_at" timestamp with time zone,
	"end_reason" text,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "access_grants_number_unique" UNIQUE("number")
);
--> statement-breakpoint
ALTER TABLE "access_grants" ADD CONSTRAINT "access_grants_incident_key_incidents_key_fk" FOREIGN KEY ("incident_key") REFERENCES "public"."incidents"("key") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "access_grants_incident_idx" ON "access_grants" USING btree ("incident_key");--> statement-breakpoint
CREATE INDEX "access_grants_status_idx" ON "access_grants" USING btree ("status");