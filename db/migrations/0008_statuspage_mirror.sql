CREATE TABLE "public_update_mirrors" (
	"incident_key" text NOT NULL,
	"sequence" integer NOT NULL,
	"provider" text NOT NULL,
	"remote_incident_id" text NOT NULL,
	"mirrored_at" timestamp with time zone NOT NULL,
	CONSTRAINT "public_update_mirrors_pk" PRIMARY KEY("incident_key","sequence")
);
--> statement-breakpoint
ALTER TABLE "public_update_mirrors" ADD CONSTRAINT "public_update_mirrors_incident_key_public_incidents_incident_key_fk" FOREIGN KEY ("incident_key") REFERENCES "public"."public_incidents"("incident_key") ON DELETE no action ON UPDATE no action;